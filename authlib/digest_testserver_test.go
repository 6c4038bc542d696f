package authlib

// A strict RFC 7616 Digest server for tests. It issues its own nonces and
// refuses, with a 401 and a recorded reason, anything a careful server
// would: an unknown nonce, a replayed or out-of-order nonce count, a wrong
// realm, algorithm, qop, opaque or uri, a value with the wrong quoting,
// a wrong userhash, and a wrong response. Its hashing is written here
// independently of digest.go, straight from the RFC formulas.

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// digestStrictConfig configures the strict server.
type digestStrictConfig struct {
	Realm      string
	User, Pass string
	Algorithms []string // one challenge per algorithm, in this order; default MD5
	OmitAlgo   bool     // leave algorithm out of the challenge (means MD5)
	QOP        string   // the qop list offered; "" offers none (RFC 2069)
	Opaque     string   // "" sends no opaque
	Userhash   bool
	Charset    bool // offer charset=UTF-8
	StaleAfter int  // a nonce is stale after this many successful uses; 0 = never
	StaleFirst int  // the first StaleFirst nonces issued are stale even at their first use
	NextNonce  bool // send Authentication-Info nextnonce and retire the old nonce
	NCAnyOrder bool // only refuse a reused nc, not an out-of-order one
	Split      bool // one WWW-Authenticate header per challenge
	Extra      []string
}

// digestStrictVerdict records what the server decided about one request.
type digestStrictVerdict struct {
	OK            bool
	Reason        string
	Authorization string
	Method, URI   string
	Body          string
}

type digestStrictNonce struct {
	algorithm string
	lastNC    uint64
	seenNC    map[uint64]bool
	uses      int
	retired   bool
	stale     bool // issued stale (StaleFirst)
}

type digestStrictServer struct {
	cfg digestStrictConfig
	*httptest.Server

	// Refuse makes the server refuse every request that would otherwise
	// be accepted, as if the password had changed.
	Refuse atomic.Bool

	mu       sync.Mutex
	issued   int
	nonces   map[string]*digestStrictNonce
	verdicts []digestStrictVerdict
}

func digestStrictStart(t *testing.T, cfg digestStrictConfig) *digestStrictServer {
	t.Helper()
	if cfg.Realm == "" {
		cfg.Realm = "strict@127.0.0.1"
	}
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = []string{"MD5"}
	}
	s := &digestStrictServer{cfg: cfg, nonces: map[string]*digestStrictNonce{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func digestStrictHashFunc(alg string) (func() hash.Hash, bool, bool) {
	switch strings.ToUpper(alg) {
	case "", "MD5":
		return md5.New, false, true
	case "MD5-SESS":
		return md5.New, true, true
	case "SHA-256":
		return sha256.New, false, true
	case "SHA-256-SESS":
		return sha256.New, true, true
	case "SHA-512-256":
		return sha512.New512_256, false, true
	case "SHA-512-256-SESS":
		return sha512.New512_256, true, true
	}
	return nil, false, false
}

func digestStrictH(h func() hash.Hash, s string) string {
	x := h()
	x.Write([]byte(s))
	return hex.EncodeToString(x.Sum(nil))
}

// IssueNonce makes a nonce for alg, as a challenge would.
func (s *digestStrictServer) IssueNonce(alg string) string {
	var b [18]byte
	rand.Read(b[:])
	n := hex.EncodeToString(b[:])
	s.mu.Lock()
	s.nonces[n] = &digestStrictNonce{algorithm: alg, seenNC: map[uint64]bool{}, stale: s.issued < s.cfg.StaleFirst}
	s.issued++
	s.mu.Unlock()
	return n
}

// Verdicts returns what the server decided, in order.
func (s *digestStrictServer) Verdicts() []digestStrictVerdict {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]digestStrictVerdict(nil), s.verdicts...)
}

// Requests returns how many requests reached the server.
func (s *digestStrictServer) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.verdicts)
}

func (s *digestStrictServer) challenges(stale bool) []string {
	var out []string
	out = append(out, s.cfg.Extra...)
	for _, alg := range s.cfg.Algorithms {
		p := []string{"realm=" + strconv.Quote(s.cfg.Realm)}
		if s.cfg.QOP != "" {
			p = append(p, `qop="`+s.cfg.QOP+`"`)
		}
		if !s.cfg.OmitAlgo {
			p = append(p, "algorithm="+alg)
		}
		p = append(p, `nonce="`+s.IssueNonce(alg)+`"`)
		if s.cfg.Opaque != "" {
			p = append(p, "opaque="+strconv.Quote(s.cfg.Opaque))
		}
		if s.cfg.Charset {
			p = append(p, "charset=UTF-8")
		}
		if s.cfg.Userhash {
			p = append(p, "userhash=true")
		}
		if stale {
			p = append(p, "stale=true")
		}
		out = append(out, "Digest "+strings.Join(p, ", "))
	}
	return out
}

func (s *digestStrictServer) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	v := digestStrictVerdict{Authorization: r.Header.Get("Authorization"), Method: r.Method, URI: r.RequestURI, Body: string(body)}
	ok, stale, reason, nonce := s.check(r, body)
	v.OK, v.Reason = ok, reason
	s.mu.Lock()
	s.verdicts = append(s.verdicts, v)
	s.mu.Unlock()
	if !ok {
		chs := s.challenges(stale)
		if s.cfg.Split {
			for _, c := range chs {
				w.Header().Add("WWW-Authenticate", c)
			}
		} else {
			w.Header().Set("WWW-Authenticate", strings.Join(chs, ", "))
		}
		http.Error(w, "refused: "+reason, http.StatusUnauthorized)
		return
	}
	if s.cfg.NextNonce {
		s.mu.Lock()
		alg := s.nonces[nonce].algorithm
		s.nonces[nonce].retired = true
		s.mu.Unlock()
		w.Header().Set("Authentication-Info", `nextnonce="`+s.IssueNonce(alg)+`", qop=auth`)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"authenticated": true, "user": s.cfg.User, "bodyLength": len(body)})
}

// digestStrictParse parses an Authorization value strictly: every
// parameter once, and the quoting RFC 7616 §3.4 prescribes.
func digestStrictParse(v string) (map[string]string, string) {
	rest, ok := strings.CutPrefix(v, "Digest ")
	if !ok {
		return nil, "not a Digest authorization"
	}
	quoted := map[string]bool{"username": true, "realm": true, "nonce": true, "uri": true, "response": true, "cnonce": true, "opaque": true}
	bare := map[string]bool{"algorithm": true, "qop": true, "nc": true, "userhash": true, "username*": true}
	out := map[string]string{}
	for i := 0; i < 64; i++ {
		rest = strings.TrimLeft(rest, " ")
		if rest == "" {
			return out, ""
		}
		name, after, ok := strings.Cut(rest, "=")
		if !ok {
			return nil, "parameter without '='"
		}
		name = strings.TrimSpace(name)
		if _, dup := out[name]; dup {
			return nil, "duplicate parameter " + name
		}
		var val string
		if strings.HasPrefix(after, `"`) {
			if !quoted[name] {
				return nil, name + " must not be quoted"
			}
			var b strings.Builder
			j := 1
			for ; j < len(after) && after[j] != '"'; j++ {
				if after[j] == '\\' {
					j++
				}
				if j < len(after) {
					b.WriteByte(after[j])
				}
			}
			if j >= len(after) {
				return nil, "unterminated quoted string"
			}
			val, rest = b.String(), after[j+1:]
		} else {
			if quoted[name] {
				return nil, name + " must be quoted"
			}
			if !bare[name] {
				return nil, "unknown parameter " + name
			}
			val, rest, _ = strings.Cut(after, ",")
			rest = "," + rest
		}
		out[name] = val
		rest = strings.TrimLeft(rest, " ")
		if rest != "" && !strings.HasPrefix(rest, ",") {
			return nil, "expected ',' after " + name
		}
		rest = strings.TrimPrefix(rest, ",")
	}
	return nil, "too many parameters"
}

// check decides about one request. stale is set when the credentials were
// right but the nonce is no longer valid.
func (s *digestStrictServer) check(r *http.Request, body []byte) (ok, stale bool, reason, nonce string) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return false, false, "no credentials", ""
	}
	p, why := digestStrictParse(h)
	if p == nil {
		return false, false, "malformed: " + why, ""
	}
	nonce = p["nonce"]
	s.mu.Lock()
	n := s.nonces[nonce]
	var nc digestStrictNonce
	if n != nil {
		nc = *n
	}
	s.mu.Unlock()
	if n == nil {
		return false, false, "unknown nonce", nonce
	}
	if p["realm"] != s.cfg.Realm {
		return false, false, "wrong realm", nonce
	}
	alg := p["algorithm"]
	if alg == "" && !s.cfg.OmitAlgo {
		return false, false, "algorithm missing", nonce
	}
	if !strings.EqualFold(alg, nc.algorithm) && !(alg == "" && strings.EqualFold(nc.algorithm, "MD5")) {
		return false, false, "wrong algorithm", nonce
	}
	newH, sess, _ := digestStrictHashFunc(nc.algorithm)
	if s.cfg.Opaque != "" {
		if o, has := p["opaque"]; !has || o != s.cfg.Opaque {
			return false, false, "opaque not echoed", nonce
		}
	}
	if p["uri"] != r.RequestURI {
		return false, false, "uri does not match the request", nonce
	}
	qop := p["qop"]
	var ncVal uint64
	if s.cfg.QOP == "" {
		if _, has := p["qop"]; has {
			return false, false, "qop sent but none offered", nonce
		}
		if _, has := p["nc"]; has {
			return false, false, "nc sent without qop", nonce
		}
		if _, has := p["cnonce"]; has && !sess {
			return false, false, "cnonce sent without qop", nonce
		}
	} else {
		offered := strings.Split(s.cfg.QOP, ",")
		found := false
		for _, o := range offered {
			if strings.TrimSpace(o) == qop {
				found = true
			}
		}
		if !found {
			return false, false, "qop not offered: " + qop, nonce
		}
		if len(p["nc"]) != 8 {
			return false, false, "nc must be 8 hex digits", nonce
		}
		var err error
		if ncVal, err = strconv.ParseUint(p["nc"], 16, 32); err != nil || ncVal == 0 {
			return false, false, "bad nc", nonce
		}
		if p["cnonce"] == "" {
			return false, false, "cnonce missing", nonce
		}
	}
	// The user name.
	user := p["username"]
	_, hasPlain := p["username"]
	ext, hasExt := p["username*"]
	switch {
	case hasPlain && hasExt:
		return false, false, "both username and username*", nonce
	case s.cfg.Userhash:
		if p["userhash"] != "true" {
			return false, false, "userhash=true missing", nonce
		}
		if user != digestStrictH(newH, s.cfg.User+":"+s.cfg.Realm) {
			return false, false, "wrong hashed username", nonce
		}
		user = s.cfg.User
	case hasExt:
		enc, ok := strings.CutPrefix(ext, "UTF-8''")
		if !ok {
			return false, false, "username* not UTF-8''", nonce
		}
		dec, err := url.PathUnescape(enc)
		if err != nil {
			return false, false, "username* not percent-encoded", nonce
		}
		user = dec
	default:
		for i := 0; i < len(user); i++ {
			if user[i] >= 0x80 {
				return false, false, "non-ASCII username must use username*", nonce
			}
		}
	}
	if user != s.cfg.User {
		return false, false, "unknown user " + strconv.Quote(user), nonce
	}
	ha1 := digestStrictH(newH, s.cfg.User+":"+s.cfg.Realm+":"+s.cfg.Pass)
	if sess {
		ha1 = digestStrictH(newH, ha1+":"+nonce+":"+p["cnonce"])
	}
	a2 := r.Method + ":" + p["uri"]
	if qop == "auth-int" {
		a2 += ":" + digestStrictH(newH, string(body))
	}
	ha2 := digestStrictH(newH, a2)
	var want string
	if s.cfg.QOP == "" {
		want = digestStrictH(newH, ha1+":"+nonce+":"+ha2)
	} else {
		want = digestStrictH(newH, ha1+":"+nonce+":"+p["nc"]+":"+p["cnonce"]+":"+qop+":"+ha2)
	}
	if p["response"] != want {
		return false, false, "wrong response", nonce
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cfg.QOP != "" {
		if n.seenNC[ncVal] || (!s.cfg.NCAnyOrder && ncVal <= n.lastNC) {
			return false, false, fmt.Sprintf("nc %08x replayed (last %08x)", ncVal, n.lastNC), nonce
		}
		n.seenNC[ncVal] = true
		n.lastNC = max(n.lastNC, ncVal)
	}
	if n.retired || n.stale || (s.cfg.StaleAfter > 0 && n.uses >= s.cfg.StaleAfter) {
		return false, true, "stale nonce", nonce
	}
	if s.Refuse.Load() {
		return false, false, "refused by the test", nonce
	}
	n.uses++
	return true, false, "", nonce
}
