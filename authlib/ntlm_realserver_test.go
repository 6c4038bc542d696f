package authlib

// NTLM against the real Apache (mod_auth_gssapi + gss-ntlmssp) of
// shared/tools/krb; see krb_servers_test.go for how it is found.

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// ntlmTestLeg is one request seen on the wire by ntlmTestRecorder.
type ntlmTestLeg struct {
	Auth, Body string
	Status     int
}

// ntlmTestRecorder sits between a scheme and the transport and records what
// each leg sent.
type ntlmTestRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	legs []ntlmTestLeg
}

func (r *ntlmTestRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	leg := ntlmTestLeg{Auth: req.Header.Get("Authorization")}
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		leg.Body = string(b)
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := r.next.RoundTrip(req)
	if resp != nil {
		leg.Status = resp.StatusCode
	}
	r.mu.Lock()
	r.legs = append(r.legs, leg)
	r.mu.Unlock()
	return resp, err
}

// onlyNegotiate hides "WWW-Authenticate: NTLM" so that the server seems to
// offer NTLM only through Negotiate.
type ntlmTestOnlyNegotiate struct{ next http.RoundTripper }

func (o ntlmTestOnlyNegotiate) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := o.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	var keep []string
	for _, v := range resp.Header.Values("WWW-Authenticate") {
		if !strings.EqualFold(strings.TrimSpace(v), "NTLM") && !strings.HasPrefix(v, "NTLM ") {
			keep = append(keep, v)
		}
	}
	resp.Header["Www-Authenticate"] = keep
	return resp, nil
}

func TestNTLMRealServer(t *testing.T) {
	e := krbTestServers(t)
	domainUser := e.NTLMDomain + `\` + e.NTLMUser

	t.Run("DOMAIN user on /ntlm/", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: tr}
		scheme, err := NewNTLM(domainUser, e.NTLMPass, "", "")
		if err != nil {
			t.Fatal(err)
		}
		u, mark := krbTestMark(t, e.NTLMURL)
		resp, body, trace, err := ntlmTestSend(t, scheme, rec, "GET", u, "")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 200 || strings.TrimSpace(body) != "ntlm-ok" {
			t.Fatalf("got %s %q", resp.Status, body)
		}
		if len(rec.legs) != 3 || rec.legs[0].Status != 401 || rec.legs[1].Status != 401 || !strings.HasPrefix(rec.legs[2].Auth, "NTLM TlRMTVNTUAAD") {
			t.Errorf("legs: %+v", rec.legs)
		}
		// Apache's verdict: three requests, the last one by DOMAIN\alice on
		// a kept-alive connection (keepalive=N counts earlier requests on it).
		lines := e.accessLog(t, mark, 3)
		if len(lines) != 3 {
			t.Fatalf("access log has %d lines for this request, want 3: %q", len(lines), lines)
		}
		last := lines[2]
		// Apache escapes the backslash in its log.
		if !strings.Contains(last, " "+e.NTLMDomain+`\\`+e.NTLMUser+" ") || !strings.Contains(last, `" 200 `) || strings.Contains(last, "keepalive=0") {
			t.Errorf("last access log line %q: want user %s, 200, on a reused connection", last, domainUser)
		}
		if conn := ntlmTestLogField(lines[1], "conn="); conn != ntlmTestLogField(last, "conn=") {
			t.Errorf("NEGOTIATE and AUTHENTICATE on different connections: %q / %q", lines[1], last)
		}
		text := ntlmTestTraceText(t, trace)
		if !strings.Contains(text, "Both legs used one connection") || !strings.Contains(text, "CHALLENGE_MESSAGE") {
			t.Errorf("trace: %s", text)
		}
		ntlmTestSecretsAbsent(t, text, e.NTLMPass, []string{rec.legs[2].Auth})

		// gss-ntlmssp keeps the connection authenticated.
		resp, _, _, err = ntlmTestSend(t, scheme, rec, "GET", e.NTLMURL, "")
		if err != nil || resp.StatusCode != 200 || len(rec.legs) != 4 || rec.legs[3].Auth != "" {
			t.Errorf("second request: %v %v, legs %d", resp, err, len(rec.legs))
		}
	})

	t.Run("domain parameter on /both/", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		s, err := New("ntlm", Params{"username": e.NTLMUser, "password": e.NTLMPass, "domain": e.NTLMDomain})
		if err != nil {
			t.Fatal(err)
		}
		resp, body, _, err := ntlmTestSend(t, s, tr, "GET", e.BothURL, "")
		if err != nil || resp.StatusCode != 200 || strings.TrimSpace(body) != "both-ok" {
			t.Fatalf("got %v %q %v", resp, body, err)
		}
	})

	t.Run("NTLM inside Negotiate", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: ntlmTestOnlyNegotiate{tr}}
		scheme, _ := NewNTLM(domainUser, e.NTLMPass, "", "")
		resp, _, _, err := ntlmTestSend(t, scheme, rec, "GET", e.NTLMURL, "")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("got %v %v", resp, err)
		}
		if len(rec.legs) != 3 || !strings.HasPrefix(rec.legs[1].Auth, "Negotiate TlRMTVNTUAAB") || !strings.HasPrefix(rec.legs[2].Auth, "Negotiate TlRMTVNTUAAD") {
			t.Errorf("legs: %+v", rec.legs)
		}
	})

	t.Run("POST body replayed", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: tr}
		scheme, _ := NewNTLM(domainUser, e.NTLMPass, "", "")
		const payload = "field=value&other=" + "0123456789abcdef0123456789abcdef"
		resp, body, _, err := ntlmTestSend(t, scheme, rec, "POST", e.NTLMURL, payload)
		if err != nil || resp.StatusCode != 200 || strings.TrimSpace(body) != "ntlm-ok" {
			t.Fatalf("got %v %q %v", resp, body, err)
		}
		for i, l := range rec.legs {
			if l.Body != payload {
				t.Errorf("leg %d sent body %q", i, l.Body)
			}
		}
	})

	t.Run("wrong password on a fresh transport", func(t *testing.T) {
		tr := &http.Transport{}
		defer tr.CloseIdleConnections()
		rec := &ntlmTestRecorder{next: tr}
		scheme, _ := NewNTLM(domainUser, "not-the-password", "", "")
		u, mark := krbTestMark(t, e.NTLMURL)
		resp, _, trace, err := ntlmTestSend(t, scheme, rec, "GET", u, "")
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != 401 || len(rec.legs) != 3 {
			t.Fatalf("got %s after %d legs, want 401 after 3", resp.Status, len(rec.legs))
		}
		if lines := e.accessLog(t, mark, 3); len(lines) != 3 || !strings.Contains(lines[2], `" 401 `) {
			t.Errorf("access log: %q", lines)
		}
		text := ntlmTestTraceText(t, trace)
		if !strings.Contains(text, "rejected the AUTHENTICATE message") {
			t.Errorf("trace: %s", text)
		}
		ntlmTestSecretsAbsent(t, text, "not-the-password", []string{rec.legs[2].Auth})
	})
}

// ntlmTestLogField returns the value of a key=value field of a log line.
func ntlmTestLogField(line, key string) string {
	i := strings.Index(line, key)
	if i < 0 {
		return ""
	}
	v, _, _ := strings.Cut(line[i+len(key):], " ")
	return v
}
