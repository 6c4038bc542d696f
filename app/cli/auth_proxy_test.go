package cli

// `knock send --proxy URL --proxy-auth basic|digest|ntlm --proxy-user
// user:password` against an in-process forward proxy on 127.0.0.1 that
// demands the scheme and checks it on its own: Basic by comparison, Digest
// by recomputing the MD5 response, NTLM by verifying the NTLMv2 proof of the
// AUTHENTICATE message (MS-NLMP §3.3.2) with golang.org/x/crypto/md4 and
// HMAC-MD5. The proxy forwards plain-http requests (absolute form) and
// opens CONNECT tunnels for https, and the target records what reached it.

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	//lint:ignore SA1019 NTLM is defined on MD4 (MS-NLMP §3.3.1); the test's verifier needs it
	"golang.org/x/crypto/md4"
)

// --- the server side of NTLMv2, test-only ---

// authCLINTLM verifies NTLMv2 for one account.
type authCLINTLM struct{ user, domain, password string }

// authCLINTLMConn is the NTLM state of one TCP connection.
type authCLINTLMConn struct {
	challenge []byte
	authed    bool
	who       string
}

func authCLIUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func authCLIFromUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

func authCLIHMACMD5(key []byte, parts ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// authCLINTOWFv2 is HMAC_MD5(MD4(UNICODE(password)), UNICODE(Uppercase(user) ‖ domain)).
func authCLINTOWFv2(password, user, domain string) []byte {
	h := md4.New()
	h.Write(authCLIUTF16(password))
	return authCLIHMACMD5(h.Sum(nil), authCLIUTF16(strings.ToUpper(user)+domain))
}

func authCLIAVPair(id uint16, v []byte) []byte {
	b := make([]byte, 4, 4+len(v))
	binary.LittleEndian.PutUint16(b, id)
	binary.LittleEndian.PutUint16(b[2:], uint16(len(v)))
	return append(b, v...)
}

// authCLINTLMChallenge builds a CHALLENGE_MESSAGE (MS-NLMP §2.2.1.2) with
// target information and a timestamp, as Windows servers send.
func authCLINTLMChallenge(serverChallenge []byte, target string) []byte {
	const flags = 0x1 | 0x4 | 0x200 | 0x8000 | 0x20000 | 0x80000 | 0x800000 | 0x2000000 | 0x20000000 | 0x80000000
	ts := make([]byte, 8)
	binary.LittleEndian.PutUint64(ts, uint64(time.Now().UnixNano()/100)+116444736000000000)
	info := append(authCLIAVPair(2, authCLIUTF16(target)), authCLIAVPair(1, authCLIUTF16("PROXY"))...)
	info = append(info, authCLIAVPair(7, ts)...)
	info = append(info, 0, 0, 0, 0)
	name := authCLIUTF16(target)
	const hdr = 56
	b := make([]byte, hdr, hdr+len(name)+len(info))
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 2)
	binary.LittleEndian.PutUint16(b[12:], uint16(len(name)))
	binary.LittleEndian.PutUint16(b[14:], uint16(len(name)))
	binary.LittleEndian.PutUint32(b[16:], hdr)
	binary.LittleEndian.PutUint32(b[20:], flags)
	copy(b[24:32], serverChallenge)
	binary.LittleEndian.PutUint16(b[40:], uint16(len(info)))
	binary.LittleEndian.PutUint16(b[42:], uint16(len(info)))
	binary.LittleEndian.PutUint32(b[44:], uint32(hdr+len(name)))
	copy(b[48:], []byte{10, 0, 0x61, 0x4a, 0, 0, 0, 15})
	b = append(b, name...)
	return append(b, info...)
}

// step answers one "NTLM <base64>" value on connection c: the CHALLENGE to
// send back, or ok when c is now authenticated.
func (v *authCLINTLM) step(c *authCLINTLMConn, header string) (challenge string, ok bool, err error) {
	tok, found := strings.CutPrefix(header, "NTLM ")
	raw, derr := base64.StdEncoding.DecodeString(tok)
	if !found || derr != nil || len(raw) < 12 || string(raw[:8]) != "NTLMSSP\x00" {
		return "", false, fmt.Errorf("not an NTLM message: %q", header)
	}
	switch binary.LittleEndian.Uint32(raw[8:]) {
	case 1:
		if len(raw) < 32 {
			return "", false, fmt.Errorf("NEGOTIATE message of %d bytes", len(raw))
		}
		c.challenge = make([]byte, 8)
		rand.Read(c.challenge)
		return "NTLM " + base64.StdEncoding.EncodeToString(authCLINTLMChallenge(c.challenge, v.domain)), false, nil
	case 3:
		if c.challenge == nil {
			return "", false, errors.New("AUTHENTICATE without a CHALLENGE on this connection")
		}
		if len(raw) < 64 {
			return "", false, fmt.Errorf("AUTHENTICATE message of %d bytes", len(raw))
		}
		field := func(off int) ([]byte, error) {
			n := int(binary.LittleEndian.Uint16(raw[off:]))
			at := int(binary.LittleEndian.Uint32(raw[off+4:]))
			if at < 0 || at+n > len(raw) {
				return nil, fmt.Errorf("field at %d runs past the message", off)
			}
			return raw[at : at+n], nil
		}
		nt, err1 := field(20)
		dom, err2 := field(28)
		usr, err3 := field(36)
		if err := errors.Join(err1, err2, err3); err != nil {
			return "", false, err
		}
		unicode := binary.LittleEndian.Uint32(raw[60:])&1 != 0
		user, domain := string(usr), string(dom)
		if unicode {
			user, domain = authCLIFromUTF16(usr), authCLIFromUTF16(dom)
		}
		if len(nt) <= 24 {
			return "", false, errors.New("not an NTLMv2 response")
		}
		// NTProofStr = HMAC_MD5(NTOWFv2, server challenge ‖ temp), §3.3.2.
		want := authCLIHMACMD5(authCLINTOWFv2(v.password, user, domain), c.challenge, nt[16:])
		c.challenge = nil
		if !strings.EqualFold(user, v.user) || !strings.EqualFold(domain, v.domain) || !hmac.Equal(want, nt[:16]) {
			return "", false, fmt.Errorf("bad NTLMv2 credentials for %s\\%s", domain, user)
		}
		c.authed, c.who = true, domain+`\`+user
		return "", true, nil
	}
	return "", false, errors.New("unexpected NTLM message type")
}

// --- the proxy ---

type authCLIProxyEntry struct {
	Method, Target, ProxyAuth, Verdict string
	Status                             int
}

type authCLIProxy struct {
	ln         net.Listener
	mode       string // basic, digest or ntlm
	user, pass string
	ntlm       authCLINTLM
	nonces     authCLINonces

	mu    sync.Mutex
	log   []authCLIProxyEntry
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

const authCLIProxyRealm = "knock-proxy"

func newAuthCLIProxy(t *testing.T, mode string) *authCLIProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &authCLIProxy{ln: ln, mode: mode, user: "puser", pass: "proxy-pw-" + authCLIRandom(6),
		conns: map[net.Conn]bool{}}
	p.ntlm = authCLINTLM{user: "puser", domain: "PROXYDOM", password: p.pass}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.close)
	return p
}

func (p *authCLIProxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *authCLIProxy) close() {
	p.ln.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *authCLIProxy) entries() []authCLIProxyEntry {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]authCLIProxyEntry(nil), p.log...)
}

func (p *authCLIProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = true
		p.mu.Unlock()
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer c.Close()
			p.serve(c)
		}()
	}
}

func (p *authCLIProxy) record(e authCLIProxyEntry) {
	p.mu.Lock()
	p.log = append(p.log, e)
	p.mu.Unlock()
}

func (p *authCLIProxy) serve(c net.Conn) {
	br := bufio.NewReader(c)
	st := &authCLINTLMConn{}
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		body, _ := io.ReadAll(req.Body)
		e := authCLIProxyEntry{Method: req.Method, Target: req.RequestURI, ProxyAuth: req.Header.Get("Proxy-Authorization")}
		challenge, err := p.check(st, req)
		if err != nil {
			e.Status, e.Verdict = 407, err.Error()
			p.record(e)
			const msg = "proxy authentication required\n"
			fmt.Fprintf(c, "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: %s\r\nContent-Length: %d\r\n\r\n%s", challenge, len(msg), msg)
			continue
		}
		e.Verdict = "ok"
		if req.Method == http.MethodConnect {
			target, err := net.Dial("tcp", req.RequestURI)
			if err != nil {
				e.Status = 502
				p.record(e)
				io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
				return
			}
			e.Status = 200
			p.record(e)
			io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
			done := make(chan struct{})
			go func() {
				io.Copy(target, br)
				target.(*net.TCPConn).CloseWrite()
				close(done)
			}()
			io.Copy(c, target)
			c.Close()
			<-done
			target.Close()
			return
		}
		// Forward, without what the proxy consumes (RFC 9110 §11.7.2).
		out, err := http.NewRequest(req.Method, req.RequestURI, bytes.NewReader(body))
		if err != nil {
			e.Status = 400
			p.record(e)
			return
		}
		for k, v := range req.Header {
			switch http.CanonicalHeaderKey(k) {
			case "Proxy-Authorization", "Proxy-Connection", "Connection", "Keep-Alive":
			default:
				out.Header[k] = v
			}
		}
		resp, err := (&http.Transport{DisableKeepAlives: true}).RoundTrip(out)
		if err != nil {
			e.Status = 502
			p.record(e)
			io.WriteString(c, "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
			return
		}
		e.Status = resp.StatusCode
		p.record(e)
		rb, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(rb))
		resp.ContentLength, resp.TransferEncoding, resp.Close = int64(len(rb)), nil, false
		resp.Header.Del("Connection")
		if resp.Write(c) != nil {
			return
		}
	}
}

// check verifies Proxy-Authorization; on refusal it returns the challenge.
func (p *authCLIProxy) check(st *authCLINTLMConn, req *http.Request) (string, error) {
	h := req.Header.Get("Proxy-Authorization")
	switch p.mode {
	case "basic":
		if h == "Basic "+base64.StdEncoding.EncodeToString([]byte(p.user+":"+p.pass)) {
			return "", nil
		}
		return `Basic realm="` + authCLIProxyRealm + `"`, fmt.Errorf("basic: wrong credentials %q", h)
	case "digest":
		if rest, ok := strings.CutPrefix(h, "Digest "); ok {
			v := map[string]string{}
			for _, m := range authCLIDigestParamRE.FindAllStringSubmatch(rest, -1) {
				v[strings.ToLower(m[1])] = m[2] + m[3]
			}
			ha1 := authCLIMD5(p.user + ":" + authCLIProxyRealm + ":" + p.pass)
			ha2 := authCLIMD5(req.Method + ":" + v["uri"])
			want := authCLIMD5(ha1 + ":" + v["nonce"] + ":" + v["nc"] + ":" + v["cnonce"] + ":auth:" + ha2)
			// The digest-uri must be the request-target the proxy saw.
			if v["username"] == p.user && v["realm"] == authCLIProxyRealm && v["qop"] == "auth" && v["uri"] == req.RequestURI &&
				hmac.Equal([]byte(v["response"]), []byte(want)) && v["opaque"] == "op4que" && p.nonces.fresh(v["nonce"]) {
				return "", nil
			}
		}
		return `Digest realm="` + authCLIProxyRealm + `", qop="auth", algorithm=MD5, nonce="` + authCLIRandom(12) + `", opaque="op4que"`,
			fmt.Errorf("digest: refused %q", h)
	case "ntlm":
		if st.authed {
			return "", nil
		}
		if h == "" {
			return "NTLM", errors.New("ntlm: no credentials")
		}
		ch, ok, err := p.ntlm.step(st, h)
		switch {
		case ok:
			return "", nil
		case err != nil:
			return "NTLM", fmt.Errorf("ntlm: %v", err)
		}
		return ch, errors.New("ntlm: challenge sent")
	}
	return "", fmt.Errorf("unknown proxy mode %q", p.mode)
}

// --- the test ---

func TestAuthCLIProxyAuth(t *testing.T) {
	target := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "target saw %s", r.URL.Path)
	})
	tlsTarget := newAuthCLITLSServer(t, authCLIAllow)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsTarget.Certificate().Raw}), 0o600)

	for _, mode := range []string{"basic", "digest", "ntlm"} {
		t.Run(mode, func(t *testing.T) {
			p := newAuthCLIProxy(t, mode)
			user := p.user
			if mode == "ntlm" {
				user = `PROXYDOM\` + p.user
			}
			secrets := []string{p.pass, base64.StdEncoding.EncodeToString([]byte(p.user + ":" + p.pass))}

			// A plain-http target: the request goes to the proxy in absolute form.
			code, out, errs := knock(t, "send", "--trace", "--proxy", p.url(), "--proxy-auth", mode, "--proxy-user", user+":"+p.pass, target.URL+"/via-proxy")
			if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200") || !strings.HasSuffix(out, "target saw /via-proxy") {
				t.Fatalf("exit %d\n%s\n%s\nproxy log: %+v", code, out, errs, p.entries())
			}
			got := target.last(t)
			if v := got.Header.Get("Proxy-Authorization"); v != "" {
				t.Errorf("the target saw Proxy-Authorization %q", v)
			}
			if v := got.Header.Get("Authorization"); v != "" {
				t.Errorf("the target saw Authorization %q", v)
			}
			log := p.entries()
			var verdicts []string
			for _, e := range log {
				verdicts = append(verdicts, fmt.Sprint(e.Status))
			}
			want := map[string]string{"basic": "200", "digest": "407 200", "ntlm": "407 407 200"}[mode]
			if strings.Join(verdicts, " ") != want {
				t.Errorf("the proxy answered %v, want %s; log %+v", verdicts, want, log)
			}
			if last := log[len(log)-1]; last.Verdict != "ok" || last.Target != target.URL+"/via-proxy" {
				t.Errorf("last proxy entry %+v", last)
			}
			if mode != "basic" {
				// Basic goes up front through net/http; the others are authlib's steps.
				wantContains(t, "trace", errs, "[proxy "+mode+"]")
			}
			if mode == "digest" {
				// The digest-uri of a forwarded request is its absolute form.
				authCLIWantAll(t, errs, []string{"[proxy digest] Server challenge (RFC 7616 §3.3)", "realm: " + authCLIProxyRealm,
					"[proxy digest] Computed HA1", "input: GET:" + target.URL + "/via-proxy",
					"[proxy digest] Proxy-Authorization header", `Proxy-Authorization: Digest username="puser"`})
			}
			if mode == "ntlm" {
				authCLIWantAll(t, errs, []string{"[proxy ntlm] The proxy asked for authentication (407)", "[proxy ntlm] NEGOTIATE_MESSAGE",
					"[proxy ntlm] CHALLENGE_MESSAGE", "[proxy ntlm] AUTHENTICATE_MESSAGE", "[proxy ntlm] Authenticated"})
			}
			for _, s := range secrets {
				wantNotContains(t, "stderr", errs, s)
			}

			// The wrong password: the proxy's 407 is the answer.
			reached := len(target.requests())
			code, out, errs = knock(t, "send", "--proxy", p.url(), "--proxy-auth", mode, "--proxy-user", user+":wrong-"+p.pass, target.URL+"/denied")
			if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 407") {
				t.Errorf("wrong proxy password: exit %d, %q, %q; want the proxy's 407", code, out, errs)
			}
			if n := len(target.requests()); n != reached {
				t.Errorf("the refused request reached the target")
			}
			wantNotContains(t, "stderr", errs, p.pass)

			// An https target through a CONNECT tunnel, credentials from a file.
			cred := filepath.Join(t.TempDir(), "proxy-cred")
			os.WriteFile(cred, []byte(user+":"+p.pass+"\n"), 0o600)
			before := len(p.entries())
			code, out, errs = knock(t, "send", "--trace", "--cacert", ca, "--proxy", p.url(), "--proxy-auth", mode, "--proxy-user", "@"+cred, tlsTarget.URL+"/tunnel")
			if code != 0 || !strings.HasPrefix(out, "HTTP/") || !strings.Contains(out, " 200") {
				t.Fatalf("through CONNECT: exit %d\n%s\n%s\nproxy log: %+v", code, out, errs, p.entries())
			}
			tunnel := p.entries()[before:]
			if last := tunnel[len(tunnel)-1]; last.Method != http.MethodConnect || last.Verdict != "ok" {
				t.Errorf("the tunnel was not authenticated by the proxy: %+v", tunnel)
			}
			tg := tlsTarget.lastRequest(t)
			if tg.Header.Get("Proxy-Authorization") != "" || tg.URL != "/tunnel" {
				t.Errorf("the https target saw %s with Proxy-Authorization %q", tg.URL, tg.Header.Get("Proxy-Authorization"))
			}
			for _, s := range secrets {
				wantNotContains(t, "stderr", errs, s)
			}

			code, _, errs = knock(t, "send", "--cacert", ca, "--proxy", p.url(), "--proxy-auth", mode, "--proxy-user", user+":nope", tlsTarget.URL+"/tunnel")
			if code != 1 || !strings.Contains(errs, "407") {
				t.Errorf("a refused tunnel: exit %d, %q; want exit 1 naming the 407", code, errs)
			}
			wantNotContains(t, "stderr", errs, p.pass)
		})
	}
}
