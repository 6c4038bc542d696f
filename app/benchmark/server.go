package benchmark

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mccutchen/go-httpbin/v2/httpbin/digest"
)

// The credentials every client uses.
const (
	User        = "bench-user"
	Password    = "bench-pass-42"
	DigestRealm = "knock-bench"
)

// maxBigMB bounds the size of /big responses.
const maxBigMB = 200

// Counts is what the server saw since the last Reset.
type Counts struct {
	Items       int64 // 200 responses to GET /items/N
	Basic       int64 // 200 responses to GET /basic/N with the right credentials
	BasicDenied int64 // 401 responses on /basic/
	Digest      int64 // 200 responses to GET /digest/N with a valid digest
	DigestChall int64 // 401 challenges on /digest/
	Big         int64 // /big responses sent to the end
	Other       int64 // anything else (404, wrong method)
}

// OK is the number of requests that got a 200.
func (c Counts) OK() int64 { return c.Items + c.Basic + c.Digest + c.Big }

func (c Counts) String() string {
	return fmt.Sprintf("items %d, basic %d (401: %d), digest %d (challenges %d), big %d, other %d",
		c.Items, c.Basic, c.BasicDenied, c.Digest, c.DigestChall, c.Big, c.Other)
}

// Server is the benchmark's HTTP server on 127.0.0.1.
type Server struct {
	URL string // http://127.0.0.1:PORT

	srv *http.Server
	ln  net.Listener

	items, basic, basicDenied, dig, digChall, big, other atomic.Int64

	mu     sync.Mutex
	nonces map[string]bool // the digest nonces this server issued
}

// digestNonceRE finds the nonce of a challenge or an Authorization header.
var digestNonceRE = regexp.MustCompile(`nonce="?([0-9a-fA-F]+)"?`)

// StartServer listens on a free port of 127.0.0.1.
func StartServer() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, URL: "http://" + ln.Addr().String(), nonces: map[string]bool{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{n}", s.handleItem)
	mux.HandleFunc("GET /basic/{n}", s.handleBasic)
	mux.HandleFunc("GET /digest/{n}", s.handleDigest)
	mux.HandleFunc("GET /big", s.handleBig)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.other.Add(1)
		http.NotFound(w, r)
	})
	s.srv = &http.Server{Handler: mux}
	go s.srv.Serve(ln)
	return s, nil
}

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Reset zeroes the counters.
func (s *Server) Reset() {
	for _, c := range []*atomic.Int64{&s.items, &s.basic, &s.basicDenied, &s.dig, &s.digChall, &s.big, &s.other} {
		c.Store(0)
	}
}

// Counts returns the counters.
func (s *Server) Counts() Counts {
	return Counts{
		Items: s.items.Load(), Basic: s.basic.Load(), BasicDenied: s.basicDenied.Load(),
		Digest: s.dig.Load(), DigestChall: s.digChall.Load(), Big: s.big.Load(), Other: s.other.Load(),
	}
}

func (s *Server) handleItem(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil {
		s.other.Add(1)
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id":%d,"name":"item %d","tags":["a","b"],"ok":true}`, n, n)
	s.items.Add(1)
}

func (s *Server) handleBasic(w http.ResponseWriter, r *http.Request) {
	u, p, ok := r.BasicAuth()
	if !ok || u != User || p != Password {
		s.basicDenied.Add(1)
		w.Header().Set("WWW-Authenticate", `Basic realm="knock-bench", charset="UTF-8"`)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"authenticated":true,"user":%q}`, u)
	s.basic.Add(1)
}

// handleDigest answers with a challenge unless the request carries a
// valid MD5 qop=auth response to a nonce this server issued, for its
// realm. The challenge is written here, as RFC 7616 section 3.3 has it
// (realm, qop, nonce and opaque quoted): go-httpbin's leaves nonce, opaque
// and qop unquoted, which newman's digest parser does not accept. The
// response check is go-httpbin's.
func (s *Server) handleDigest(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if strings.HasPrefix(auth, "Digest ") && s.issued(auth) && strings.Contains(auth, `realm="`+DigestRealm+`"`) && digest.Check(r, User, Password) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"authenticated":true,"user":%q}`, User)
		s.dig.Add(1)
		return
	}
	var b [32]byte
	rand.Read(b[:])
	nonce, opaque := hex.EncodeToString(b[:16]), hex.EncodeToString(b[16:])
	s.mu.Lock()
	if len(s.nonces) > 100000 { // bounded: old nonces simply expire
		clear(s.nonces)
	}
	s.nonces[nonce] = true
	s.mu.Unlock()
	s.digChall.Add(1)
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Digest realm="%s", qop="auth", algorithm=MD5, nonce="%s", opaque="%s"`, DigestRealm, nonce, opaque))
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

func (s *Server) issued(auth string) bool {
	m := digestNonceRE.FindStringSubmatch(auth)
	if m == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nonces[m[1]]
}

// bigRecord is one element of the /big array; BigBody repeats it.
const bigRecord = `{"id":"0000000","name":"record","email":"someone@example.com","status":"active","tags":["alpha","beta","gamma"],"bio":"Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor."}`

// BigBody returns a JSON array of about mb MiB (exactly mb<<20 bytes).
func BigBody(mb int) []byte {
	size := mb << 20
	b := make([]byte, 0, size)
	b = append(b, '[')
	for i := 0; len(b)+len(bigRecord)+2 <= size; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		rec := []byte(bigRecord)
		copy(rec[7:14], fmt.Sprintf("%07d", i%10000000))
		b = append(b, rec...)
	}
	for len(b) < size-1 {
		b = append(b, ' ')
	}
	return append(b, ']')
}

var (
	bigMu    sync.Mutex
	bigCache = map[int][]byte{}
)

func bigBody(mb int) []byte {
	bigMu.Lock()
	defer bigMu.Unlock()
	if b, ok := bigCache[mb]; ok {
		return b
	}
	b := BigBody(mb)
	bigCache[mb] = b
	return b
}

// handleBig streams /big?mb=N: N MiB of JSON, with a Content-Length.
func (s *Server) handleBig(w http.ResponseWriter, r *http.Request) {
	mb, err := strconv.Atoi(r.URL.Query().Get("mb"))
	if err != nil || mb < 1 || mb > maxBigMB {
		s.other.Add(1)
		http.Error(w, fmt.Sprintf("mb must be 1 to %d", maxBigMB), http.StatusBadRequest)
		return
	}
	body := bigBody(mb)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	for off := 0; off < len(body); off += 64 << 10 {
		if _, err := w.Write(body[off:min(off+64<<10, len(body))]); err != nil {
			return
		}
	}
	s.big.Add(1)
}
