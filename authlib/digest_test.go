package authlib

import (
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// RFC 7616 §3.9.1 inputs (AUTH_VECTORS.md 1a), with erratum 4495's password.
const (
	digestTestRealm  = "http-auth@example.org"
	digestTestNonce  = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
	digestTestCNonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	digestTestOpaque = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
)

func digestTestInputs(alg, qop string) digestInputs {
	return digestInputs{
		Algorithm: alg, Username: "Mufasa", Password: "Circle of Life",
		Realm: digestTestRealm, Nonce: digestTestNonce, CNonce: digestTestCNonce, NC: 1, QOP: qop,
		Method: "GET", URI: "/dir/index.html",
	}
}

func digestMustCompute(t *testing.T, in digestInputs) digestResult {
	t.Helper()
	r, err := digestCompute(in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDigestVectorRFC7616MD5AndSHA256(t *testing.T) {
	for _, c := range []struct{ alg, ha1, ha2, resp string }{
		{"MD5", "3d78807defe7de2157e2b0b6573a855f", "39aff3a2bab6126f332b942af96d3366", "8ca523f5e9506fed4657c9700eebdbec"},
		{"SHA-256", "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232",
			"9a3fdae9a622fe8de177c24fa9c070f2b181ec85e15dcbdc32e10c82ad450b04",
			"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
	} {
		r := digestMustCompute(t, digestTestInputs(c.alg, "auth"))
		if r.HA1 != c.ha1 || r.HA2 != c.ha2 || r.Response != c.resp {
			t.Errorf("%s: HA1 %s HA2 %s response %s; want %s %s %s", c.alg, r.HA1, r.HA2, r.Response, c.ha1, c.ha2, c.resp)
		}
	}
}

func TestDigestVectorRFC2617(t *testing.T) {
	in := digestInputs{
		Username: "Mufasa", Password: "Circle Of Life", Realm: "testrealm@host.com",
		Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", CNonce: "0a4f113b", NC: 1, QOP: "auth",
		Method: "GET", URI: "/dir/index.html",
	}
	r := digestMustCompute(t, in)
	if r.HA1 != "939e7578ed9e3c518a452acee763bce9" || r.Response != "6629fae49393a05397450978507c4ef1" {
		t.Errorf("RFC 2617 §3.5: HA1 %s response %s", r.HA1, r.Response)
	}
	in.QOP = ""
	if r := digestMustCompute(t, in); r.Response != "670fd8c2df070c60b045671b8b24ff02" {
		t.Errorf("RFC 2069 form: response %s; want 670fd8c2df070c60b045671b8b24ff02", r.Response)
	}
}

const (
	digest1cUser       = "J\xc3\xa4s\xc3\xb8n Doe"
	digest1cPassword   = "Secret, or not?"
	digest1cNonce      = "5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK"
	digest1cCNonce     = "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v"
	digest1cOpaque     = "HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS"
	digest1cUserhash   = "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b"
	digest1cResponse   = "3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5"
	digest1cPrintedUH  = "488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec"
	digest1cPrintedRsp = "ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd"
)

func digest1cInputs() digestInputs {
	return digestInputs{
		Algorithm: "SHA-512-256", Username: digest1cUser, Password: digest1cPassword,
		Realm: "api@example.org", Nonce: digest1cNonce, CNonce: digest1cCNonce, NC: 1, QOP: "auth",
		Method: "GET", URI: "/doe.json", Userhash: true,
	}
}

func TestDigestVectorRFC7616SHA512256Erratum(t *testing.T) {
	r := digestMustCompute(t, digest1cInputs())
	if r.Username != digest1cUserhash {
		t.Errorf("userhash %s; want %s (erratum 4897)", r.Username, digest1cUserhash)
	}
	if r.Response != digest1cResponse {
		t.Errorf("response %s; want %s (erratum 4897)", r.Response, digest1cResponse)
	}
	// The values printed in RFC 7616 come from a truncated SHA-512. Show
	// that this is so, and that we do not produce them.
	trunc := func(s string) string {
		sum := sha512.Sum512([]byte(s))
		return hex.EncodeToString(sum[:32])
	}
	in := digest1cInputs()
	ha1 := trunc(in.Username + ":" + in.Realm + ":" + in.Password)
	ha2 := trunc("GET:/doe.json")
	if got := trunc(in.Username + ":" + in.Realm); got != digest1cPrintedUH {
		t.Fatalf("truncated SHA-512 userhash %s; the printed value is %s, so this negative test proves nothing", got, digest1cPrintedUH)
	}
	if got := trunc(ha1 + ":" + in.Nonce + ":00000001:" + in.CNonce + ":auth:" + ha2); got != digest1cPrintedRsp {
		t.Fatalf("truncated SHA-512 response %s; the printed value is %s, so this negative test proves nothing", got, digest1cPrintedRsp)
	}
	if r.Username == digest1cPrintedUH || r.Response == digest1cPrintedRsp {
		t.Error("SHA-512-256 produced the misprinted truncated-SHA-512 values")
	}
}

func TestDigestVectorRegressions(t *testing.T) {
	for _, c := range []struct{ alg, qop, want string }{
		{"MD5-sess", "auth", "e783283f46242139c486a698fec7211d"},
		{"SHA-256-sess", "auth", "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7"},
		{"MD5", "auth-int", "8804a53d3640a40a4f73cea12c5ba451"},
		{"SHA-256", "auth-int", "8bdf6f15638e260831e905028de5450562816d093c9bfc5c13d3a46adcdde940"},
		{"SHA-512-256", "auth", "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0"},
	} {
		in := digestTestInputs(c.alg, c.qop)
		if c.qop == "auth-int" {
			a, _ := digestLookupAlgo(c.alg)
			in.BodyHash = digestHex(a.New, "") // H(""), an empty body
		}
		if r := digestMustCompute(t, in); r.Response != c.want {
			t.Errorf("%s qop=%s: response %s; want %s", c.alg, c.qop, r.Response, c.want)
		}
	}
}

func TestDigestExtValue(t *testing.T) {
	if got := digestExtValue(digest1cUser); got != "UTF-8''J%C3%A4s%C3%B8n%20Doe" {
		t.Errorf("got %s", got)
	}
	if !digestNeedsExtValue(digest1cUser) || digestNeedsExtValue(`Mu "fasa"`) {
		t.Error("digestNeedsExtValue")
	}
}

// digestFakeServer answers the first request with a 401 carrying the given
// WWW-Authenticate headers and records the Authorization of every request.
func digestFakeServer(challenges ...string) (http.RoundTripper, *[]string) {
	var mu sync.Mutex
	var seen []string
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, r.Header.Get("Authorization"))
		h := http.Header{}
		code := http.StatusOK
		if len(seen) == 1 {
			code = http.StatusUnauthorized
			for _, c := range challenges {
				h.Add("WWW-Authenticate", c)
			}
		}
		return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
	}), &seen
}

func digestParseAuthorization(t *testing.T, v string) map[string]string {
	t.Helper()
	chs, err := digestParseChallenges(v)
	if err != nil || len(chs) != 1 || chs[0].Scheme != "Digest" {
		t.Fatalf("cannot parse Authorization %q: %v", v, err)
	}
	m := map[string]string{}
	for _, p := range chs[0].Params {
		m[p.Name] = p.Value
	}
	return m
}

func digestRun(t *testing.T, params Params, next http.RoundTripper, method, url, body string) (*http.Response, *Trace) {
	t.Helper()
	s, err := New("digest", params)
	if err != nil {
		t.Fatal(err)
	}
	return digestRunScheme(t, s, next, method, url, body)
}

func digestRunScheme(t *testing.T, s Scheme, next http.RoundTripper, method, url, body string) (*http.Response, *Trace) {
	t.Helper()
	tr := &Trace{}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(WithTrace(context.Background(), tr), method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Wrap(next).RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp, tr
}

func TestDigestFlowRFC7616Example(t *testing.T) {
	ch := `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=%s, nonce="` + digestTestNonce + `", opaque="` + digestTestOpaque + `"`
	for _, c := range []struct{ pref, alg, resp string }{
		{"", "SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
		{"MD5", "MD5", "8ca523f5e9506fed4657c9700eebdbec"},
	} {
		next, seen := digestFakeServer(fmt.Sprintf(ch, "SHA-256"), fmt.Sprintf(ch, "MD5"))
		resp, _ := digestRun(t, Params{"username": "Mufasa", "password": "Circle of Life", "clientNonce": digestTestCNonce, "algorithm": c.pref},
			next, "GET", "http://www.example.org/dir/index.html", "")
		if resp.StatusCode != 200 || len(*seen) != 2 || (*seen)[0] != "" {
			t.Fatalf("status %d, authorizations %q", resp.StatusCode, *seen)
		}
		got := digestParseAuthorization(t, (*seen)[1])
		want := map[string]string{
			"username": "Mufasa", "realm": digestTestRealm, "uri": "/dir/index.html", "algorithm": c.alg,
			"nonce": digestTestNonce, "nc": "00000001", "cnonce": digestTestCNonce, "qop": "auth",
			"response": c.resp, "opaque": digestTestOpaque,
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("preference %q:\n got %v\nwant %v", c.pref, got, want)
		}
		if !strings.Contains((*seen)[1], `nc=00000001, cnonce="`+digestTestCNonce+`", qop=auth, `) {
			t.Errorf("nc and qop must be unquoted, cnonce quoted: %s", (*seen)[1])
		}
	}
}

func TestDigestFlowRFC2617Example(t *testing.T) {
	for _, c := range []struct {
		challenge string
		want      map[string]string
	}{
		{`Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			map[string]string{"username": "Mufasa", "realm": "testrealm@host.com", "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093",
				"uri": "/dir/index.html", "qop": "auth", "nc": "00000001", "cnonce": "0a4f113b",
				"response": "6629fae49393a05397450978507c4ef1", "opaque": "5ccc069c403ebaf9f0171e9517f40e41"}},
		{`Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
			map[string]string{"username": "Mufasa", "realm": "testrealm@host.com", "nonce": "dcd98b7102dd2f0e8b11d0f600bfb0c093",
				"uri": "/dir/index.html", "response": "670fd8c2df070c60b045671b8b24ff02", "opaque": "5ccc069c403ebaf9f0171e9517f40e41"}},
	} {
		next, seen := digestFakeServer(c.challenge)
		digestRun(t, Params{"username": "Mufasa", "password": "Circle Of Life", "cnonce": "0a4f113b"}, next, "GET", "http://host.com/dir/index.html", "")
		if len(*seen) != 2 {
			t.Fatalf("requests %q", *seen)
		}
		if got := digestParseAuthorization(t, (*seen)[1]); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("\n got %v\nwant %v", got, c.want)
		}
	}
}

func TestDigestFlowUserhashAndUsernameStar(t *testing.T) {
	ch := `Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="` + digest1cNonce + `", opaque="` + digest1cOpaque + `", charset=UTF-8, userhash=%s`
	next, seen := digestFakeServer(fmt.Sprintf(ch, "true"))
	digestRun(t, Params{"username": digest1cUser, "password": digest1cPassword, "clientNonce": digest1cCNonce}, next, "GET", "https://example.org/doe.json", "")
	got := digestParseAuthorization(t, (*seen)[1])
	if got["username"] != digest1cUserhash || got["userhash"] != "true" || got["response"] != digest1cResponse || got["algorithm"] != "SHA-512-256" {
		t.Errorf("RFC 7616 §3.9.2 (erratum 4897): %v", got)
	}
	next, seen = digestFakeServer(fmt.Sprintf(ch, "false"))
	digestRun(t, Params{"username": digest1cUser, "password": digest1cPassword, "clientNonce": digest1cCNonce}, next, "GET", "https://example.org/doe.json", "")
	if !strings.Contains((*seen)[1], `username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, `) || strings.Contains((*seen)[1], `username="`) {
		t.Errorf("want username*=UTF-8''J%%C3%%A4s%%C3%%B8n%%20Doe and no username=: %s", (*seen)[1])
	}
}

// digestCounting wraps a handler and counts the requests it sees.
type digestCounting struct {
	h http.Handler
	n atomic.Int32
}

func (c *digestCounting) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.n.Add(1)
	c.h.ServeHTTP(w, r)
}

func TestDigestGoHTTPBin(t *testing.T) {
	counter := &digestCounting{h: httpbin.New()}
	srv := httptest.NewServer(counter)
	defer srv.Close()
	for _, alg := range []string{"MD5", "SHA-256"} {
		t.Run(alg, func(t *testing.T) {
			counter.n.Store(0)
			resp, tr := digestRun(t, Params{"username": "user", "password": "pass"}, http.DefaultTransport, "GET", srv.URL+"/digest-auth/auth/user/pass/"+alg, "")
			body, _ := io.ReadAll(resp.Body)
			var got struct {
				Authenticated bool   `json:"authenticated"`
				User          string `json:"user"`
			}
			if err := json.Unmarshal(body, &got); err != nil || resp.StatusCode != 200 || !got.Authenticated || got.User != "user" {
				t.Fatalf("status %d body %s", resp.StatusCode, body)
			}
			if n := counter.n.Load(); n != 2 {
				t.Errorf("server saw %d requests; want 2 (challenge, answer)", n)
			}
			if !digestTraceHas(tr, "Chose a challenge", alg) {
				t.Errorf("trace does not show %s chosen: %+v", alg, tr.Steps())
			}
		})
	}
	t.Run("wrong password", func(t *testing.T) {
		counter.n.Store(0)
		resp, _ := digestRun(t, Params{"username": "user", "password": "wrong"}, http.DefaultTransport, "GET", srv.URL+"/digest-auth/auth/user/pass/MD5", "")
		if resp.StatusCode != 401 {
			t.Errorf("status %d; want 401", resp.StatusCode)
		}
		if n := counter.n.Load(); n != 2 {
			t.Errorf("server saw %d requests; want exactly 2", n)
		}
	})
}

func digestTraceHas(tr *Trace, title, value string) bool {
	for _, s := range tr.Steps() {
		if s.Title != title {
			continue
		}
		for _, f := range s.Fields {
			if strings.Contains(f.Value, value) {
				return true
			}
		}
	}
	return false
}

func TestDigestStrictMatrix(t *testing.T) {
	for _, alg := range digestAlgorithmNames() {
		for _, qop := range []string{"auth", "auth-int", ""} {
			for _, method := range []string{"GET", "POST"} {
				name := fmt.Sprintf("%s/qop=%s/%s", alg, qop, method)
				t.Run(name, func(t *testing.T) {
					srv := digestStrictStart(t, digestStrictConfig{User: "Mufasa", Pass: "Circle of Life", Algorithms: []string{alg}, QOP: qop, Opaque: "op,aque"})
					body := ""
					if method == "POST" {
						body = `{"hello": "world"}`
					}
					p := Params{"username": "Mufasa", "password": "Circle of Life"}
					s, err := New("digest", p)
					if err != nil {
						t.Fatal(err)
					}
					for i := range 2 {
						resp, _ := digestRunScheme(t, s, http.DefaultTransport, method, srv.URL+"/dir/index.html?x=1", body)
						if resp.StatusCode != 200 {
							t.Fatalf("send %d: status %d; verdicts %+v", i+1, resp.StatusCode, srv.Verdicts())
						}
					}
					v := srv.Verdicts()
					if len(v) != 3 || v[0].Reason != "no credentials" || !v[1].OK || !v[2].OK {
						t.Fatalf("verdicts %+v; want a challenge, then two accepted requests", v)
					}
					if v[1].Body != body || v[2].Body != body {
						t.Errorf("bodies %q %q; want %q", v[1].Body, v[2].Body, body)
					}
					a := digestParseAuthorization(t, v[2].Authorization)
					if qop == "" {
						if _, has := a["nc"]; has || a["qop"] != "" {
							t.Errorf("no qop offered, but sent %v", a)
						}
					} else if a["nc"] != "00000002" || a["qop"] != qop {
						t.Errorf("second request: nc %q qop %q; want 00000002 %s", a["nc"], a["qop"], qop)
					}
				})
			}
		}
	}
}

func TestDigestStrictUserhash(t *testing.T) {
	for _, user := range []string{"Mufasa", digest1cUser} {
		srv := digestStrictStart(t, digestStrictConfig{User: user, Pass: digest1cPassword, Algorithms: []string{"SHA-512-256"}, QOP: "auth", Userhash: true, Charset: true})
		resp, _ := digestRun(t, Params{"username": user, "password": digest1cPassword}, http.DefaultTransport, "GET", srv.URL+"/doe.json", "")
		v := srv.Verdicts()
		if resp.StatusCode != 200 || len(v) != 2 {
			t.Fatalf("%q: status %d, verdicts %+v", user, resp.StatusCode, v)
		}
		if !strings.Contains(v[1].Authorization, "userhash=true") || strings.Contains(v[1].Authorization, user) {
			t.Errorf("%q: Authorization must carry the hashed name only: %s", user, v[1].Authorization)
		}
	}
}

func TestDigestStrictUTF8Username(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: digest1cUser, Pass: digest1cPassword, Algorithms: []string{"SHA-256"}, QOP: "auth", Charset: true})
	resp, _ := digestRun(t, Params{"username": digest1cUser, "password": digest1cPassword}, http.DefaultTransport, "GET", srv.URL+"/doe.json", "")
	v := srv.Verdicts()
	if resp.StatusCode != 200 || len(v) != 2 {
		t.Fatalf("status %d, verdicts %+v", resp.StatusCode, v)
	}
	if !strings.Contains(v[1].Authorization, `username*=UTF-8''J%C3%A4s%C3%B8n%20Doe`) {
		t.Errorf("Authorization %s", v[1].Authorization)
	}
}

func TestDigestStrictStale(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", Algorithms: []string{"SHA-256"}, QOP: "auth", StaleAfter: 1})
	s, _ := New("digest", Params{"username": "u", "password": "p"})
	resp, _ := digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/a", "")
	if resp.StatusCode != 200 || srv.Requests() != 2 {
		t.Fatalf("first send: status %d, %d requests", resp.StatusCode, srv.Requests())
	}
	resp, tr := digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/a", "")
	v := srv.Verdicts()
	if resp.StatusCode != 200 || len(v) != 4 || v[2].Reason != "stale nonce" || !v[3].OK {
		t.Fatalf("second send: status %d, verdicts %+v", resp.StatusCode, v)
	}
	if !strings.Contains(fmt.Sprint(tr.Steps()), "stale=true") {
		t.Errorf("trace does not mention the stale retry: %+v", tr.Steps())
	}
	if digestParseAuthorization(t, v[2].Authorization)["nonce"] == digestParseAuthorization(t, v[3].Authorization)["nonce"] {
		t.Error("the stale retry reused the stale nonce")
	}
}

func TestDigestStrictStaleOnFirstAnswer(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", QOP: "auth", StaleFirst: 1})
	resp, _ := digestRun(t, Params{"username": "u", "password": "p"}, http.DefaultTransport, "POST", srv.URL+"/s", "body")
	v := srv.Verdicts()
	if resp.StatusCode != 200 || len(v) != 3 || v[0].Reason != "no credentials" || v[1].Reason != "stale nonce" || !v[2].OK || v[2].Body != "body" {
		t.Fatalf("status %d verdicts %+v; want challenge, stale, accepted", resp.StatusCode, v)
	}
}

func TestDigestStrictRetriesAreBounded(t *testing.T) {
	// A server that calls every nonce stale: one challenge answer and one
	// stale retry, then its 401 is returned.
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", QOP: "auth", StaleFirst: 1000})
	resp, _ := digestRun(t, Params{"username": "u", "password": "p"}, http.DefaultTransport, "GET", srv.URL+"/s", "")
	if resp.StatusCode != 401 || srv.Requests() != 3 {
		t.Errorf("always stale: status %d after %d requests; want 401 after 3", resp.StatusCode, srv.Requests())
	}
	// A cached nonce that is stale, then a refusal: two requests, not three.
	srv = digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", QOP: "auth", StaleAfter: 1})
	s, _ := New("digest", Params{"username": "u", "password": "p"})
	digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/s", "")
	srv.Refuse.Store(true)
	resp, _ = digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/s", "")
	v := srv.Verdicts()
	if resp.StatusCode != 401 || len(v) != 4 || v[2].Reason != "stale nonce" || v[3].Reason != "refused by the test" {
		t.Errorf("status %d verdicts %+v; want stale then refused, and no third try", resp.StatusCode, v)
	}
	// A cached nonce that is refused outright: one fresh challenge answer.
	srv = digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", QOP: "auth"})
	s, _ = New("digest", Params{"username": "u", "password": "p"})
	digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/s", "")
	srv.Refuse.Store(true)
	resp, _ = digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/s", "")
	if resp.StatusCode != 401 || srv.Requests() != 4 {
		t.Errorf("refused cached nonce: status %d after %d requests; want 401 after 4", resp.StatusCode, srv.Requests())
	}
}

func TestDigestStrictNonceReuse(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", Algorithms: []string{"MD5"}, QOP: "auth", Opaque: "xyz"})
	s, _ := New("digest", Params{"username": "u", "password": "p"})
	digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/one", "")
	if srv.Requests() != 2 {
		t.Fatalf("first send: %d requests; want 2", srv.Requests())
	}
	resp, _ := digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/two", "")
	v := srv.Verdicts()
	if resp.StatusCode != 200 || len(v) != 3 {
		t.Fatalf("second send: status %d; the server saw %d requests in all, want 3 (the cached nonce is used pre-emptively): %+v", resp.StatusCode, len(v), v)
	}
	a1, a2 := digestParseAuthorization(t, v[1].Authorization), digestParseAuthorization(t, v[2].Authorization)
	if a1["nonce"] != a2["nonce"] || a2["nc"] != "00000002" || a2["uri"] != "/two" || a2["opaque"] != "xyz" {
		t.Errorf("second Authorization %v", a2)
	}
	// Another origin does not get the nonce.
	other := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", QOP: "auth"})
	digestRunScheme(t, s, http.DefaultTransport, "GET", other.URL+"/one", "")
	if ov := other.Verdicts(); len(ov) != 2 || ov[0].Authorization != "" {
		t.Errorf("another origin: %+v", ov)
	}
}

func TestDigestStrictAuthIntPostReplay(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", Algorithms: []string{"SHA-256"}, QOP: "auth-int"})
	body := strings.Repeat("replayed body, ", 5000)
	resp, tr := digestRun(t, Params{"username": "u", "password": "p"}, http.DefaultTransport, "POST", srv.URL+"/upload", body)
	v := srv.Verdicts()
	if resp.StatusCode != 200 || len(v) != 2 || !v[1].OK {
		t.Fatalf("status %d verdicts %d", resp.StatusCode, len(v))
	}
	if v[0].Body != body || v[1].Body != body {
		t.Errorf("body lengths %d and %d; want %d on both requests", len(v[0].Body), len(v[1].Body), len(body))
	}
	if !digestTraceHas(tr, "Hashed the entity body for qop=auth-int (RFC 7616 §3.4.3)", "75000") {
		t.Errorf("trace lacks the body hash step: %+v", tr.Steps())
	}
}

func TestDigestStrictNegative(t *testing.T) {
	cfg := digestStrictConfig{User: "u", Pass: "p", Algorithms: []string{"SHA-256"}, QOP: "auth", Opaque: "op"}
	crafted := func(srv *digestStrictServer, over Params) Params {
		p := Params{"username": "u", "password": "p", "realm": srv.cfg.Realm, "nonce": srv.IssueNonce("SHA-256"),
			"algorithm": "SHA-256", "qop": "auth", "opaque": "op", "disableRetryRequest": "true"}
		for k, v := range over {
			p[k] = v
		}
		return p
	}
	for _, c := range []struct {
		name   string
		over   Params
		reason string
	}{
		{"control", nil, ""},
		{"wrong realm", Params{"realm": "other"}, "wrong realm"},
		{"wrong nonce", Params{"nonce": "not-issued"}, "unknown nonce"},
		{"wrong algorithm", Params{"algorithm": "MD5"}, "wrong algorithm"},
		{"opaque not echoed", Params{"opaque": "forged"}, "opaque not echoed"},
		{"qop not offered", Params{"qop": "auth-int"}, "qop not offered: auth-int"},
		{"wrong password", Params{"password": "nope"}, "wrong response"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := digestStrictStart(t, cfg)
			resp, _ := digestRun(t, crafted(srv, c.over), http.DefaultTransport, "GET", srv.URL+"/x", "")
			v := srv.Verdicts()
			if len(v) != 1 {
				t.Fatalf("%d requests; want 1 (disableRetryRequest)", len(v))
			}
			if c.reason == "" {
				if resp.StatusCode != 200 || !v[0].OK {
					t.Fatalf("the crafted control request was refused: %s", v[0].Reason)
				}
				return
			}
			if resp.StatusCode != 401 || v[0].Reason != c.reason {
				t.Errorf("status %d reason %q; want 401 %q", resp.StatusCode, v[0].Reason, c.reason)
			}
		})
	}
	t.Run("replayed nc", func(t *testing.T) {
		srv := digestStrictStart(t, cfg)
		p := crafted(srv, Params{"nonceCount": "00000005"})
		for i, want := range []int{200, 401} {
			resp, _ := digestRun(t, p, http.DefaultTransport, "GET", srv.URL+"/x", "")
			if resp.StatusCode != want {
				t.Fatalf("send %d: status %d; want %d", i+1, resp.StatusCode, want)
			}
		}
		p["nonceCount"] = "3" // lower than the last one
		digestRun(t, p, http.DefaultTransport, "GET", srv.URL+"/x", "")
		v := srv.Verdicts()
		if v[1].Reason != "nc 00000005 replayed (last 00000005)" || v[2].Reason != "nc 00000003 replayed (last 00000005)" {
			t.Errorf("verdicts %+v", v)
		}
	})
	t.Run("uri changed after signing", func(t *testing.T) {
		srv := digestStrictStart(t, cfg)
		rewrite := RoundTripFunc(func(r *http.Request) (*http.Response, error) {
			r = r.Clone(r.Context())
			r.URL.Path = "/elsewhere"
			return http.DefaultTransport.RoundTrip(r)
		})
		resp, _ := digestRun(t, Params{"username": "u", "password": "p"}, rewrite, "GET", srv.URL+"/x", "")
		v := srv.Verdicts()
		if resp.StatusCode != 401 || len(v) != 2 || v[1].Reason != "uri does not match the request" {
			t.Errorf("status %d verdicts %+v", resp.StatusCode, v)
		}
	})
	t.Run("wrong password without overrides", func(t *testing.T) {
		srv := digestStrictStart(t, cfg)
		resp, tr := digestRun(t, Params{"username": "u", "password": "wrong"}, http.DefaultTransport, "GET", srv.URL+"/x", "")
		v := srv.Verdicts()
		if resp.StatusCode != 401 || len(v) != 2 || v[0].Reason != "no credentials" || v[1].Reason != "wrong response" {
			t.Errorf("status %d verdicts %+v; want 401 after exactly 2 requests", resp.StatusCode, v)
		}
		if b, _ := io.ReadAll(resp.Body); !strings.Contains(string(b), "refused: wrong response") {
			t.Errorf("the caller must get the server's own 401 body, got %q", b)
		}
		if !strings.Contains(fmt.Sprint(tr.Steps()), "refused the credentials") {
			t.Errorf("trace %+v", tr.Steps())
		}
	})
	t.Run("bad seed nonce recovers", func(t *testing.T) {
		srv := digestStrictStart(t, cfg)
		resp, _ := digestRun(t, Params{"username": "u", "password": "p", "nonce": "stale-from-an-import", "realm": srv.cfg.Realm}, http.DefaultTransport, "GET", srv.URL+"/x", "")
		v := srv.Verdicts()
		if resp.StatusCode != 200 || len(v) != 2 || v[0].Reason != "unknown nonce" {
			t.Errorf("status %d verdicts %+v", resp.StatusCode, v)
		}
	})
}

func TestDigestStrictChoosesStrongest(t *testing.T) {
	for _, c := range []struct {
		name  string
		cfg   digestStrictConfig
		pref  Params
		alg   string
		qop   string
		nreqs int
	}{
		{"one header", digestStrictConfig{Algorithms: []string{"MD5", "SHA-512-256", "SHA-256"}, QOP: "auth, auth-int", Extra: []string{`Basic realm="b, c"`}}, nil, "SHA-512-256", "auth", 2},
		{"split headers", digestStrictConfig{Algorithms: []string{"MD5", "SHA-256"}, QOP: "auth,auth-int", Split: true, Extra: []string{`Newauth realm="apps", type=1, title="Login to \"apps\""`}}, nil, "SHA-256", "auth", 2},
		{"user prefers MD5", digestStrictConfig{Algorithms: []string{"SHA-256", "MD5"}, QOP: "auth"}, Params{"algorithm": "md5"}, "MD5", "auth", 2},
		{"user prefers auth-int", digestStrictConfig{Algorithms: []string{"SHA-256"}, QOP: "auth, auth-int"}, Params{"qop": "auth-int"}, "SHA-256", "auth-int", 2},
		{"only auth-int offered", digestStrictConfig{Algorithms: []string{"MD5-sess"}, QOP: "auth-int"}, Params{"qop": "auth"}, "MD5-sess", "auth-int", 2},
		{"no algorithm in challenge", digestStrictConfig{OmitAlgo: true, QOP: "auth"}, nil, "", "auth", 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.User, c.cfg.Pass = "u", "p"
			srv := digestStrictStart(t, c.cfg)
			p := Params{"username": "u", "password": "p"}
			for k, v := range c.pref {
				p[k] = v
			}
			resp, _ := digestRun(t, p, http.DefaultTransport, "PUT", srv.URL+"/r", "data")
			v := srv.Verdicts()
			if resp.StatusCode != 200 || len(v) != c.nreqs {
				t.Fatalf("status %d verdicts %+v", resp.StatusCode, v)
			}
			a := digestParseAuthorization(t, v[len(v)-1].Authorization)
			if a["algorithm"] != c.alg || a["qop"] != c.qop {
				t.Errorf("algorithm %q qop %q; want %q %q", a["algorithm"], a["qop"], c.alg, c.qop)
			}
		})
	}
}

func TestDigestStrictNextNonce(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", QOP: "auth", NextNonce: true})
	s, _ := New("digest", Params{"username": "u", "password": "p"})
	for range 3 {
		if resp, _ := digestRunScheme(t, s, http.DefaultTransport, "GET", srv.URL+"/n", ""); resp.StatusCode != 200 {
			t.Fatalf("status %d: %+v", resp.StatusCode, srv.Verdicts())
		}
	}
	v := srv.Verdicts()
	if len(v) != 4 {
		t.Fatalf("%d requests; want 4 (the nextnonce is used without a new challenge): %+v", len(v), v)
	}
	a2, a3 := digestParseAuthorization(t, v[2].Authorization), digestParseAuthorization(t, v[3].Authorization)
	if a2["nc"] != "00000001" || a3["nc"] != "00000001" || a2["nonce"] == a3["nonce"] {
		t.Errorf("nextnonce requests %v %v", a2, a3)
	}
}

func TestDigestStrictConcurrent(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p", Algorithms: []string{"SHA-256"}, QOP: "auth", NCAnyOrder: true})
	s, _ := New("digest", Params{"username": "u", "password": "p"})
	var wg sync.WaitGroup
	var fails atomic.Int32
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/c/%d/%d", srv.URL, g, i), strings.NewReader("x"))
				resp, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
				if err != nil || resp.StatusCode != 200 {
					fails.Add(1)
				}
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	if n := fails.Load(); n != 0 {
		var reasons []string
		for _, v := range srv.Verdicts() {
			reasons = append(reasons, v.Reason)
		}
		t.Errorf("%d of 20 concurrent sends failed; verdicts %q", n, reasons)
	}
}

func TestDigestNoGetBody(t *testing.T) {
	srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: "p"})
	req, _ := http.NewRequest("POST", srv.URL+"/x", io.NopCloser(strings.NewReader("body")))
	s, _ := New("digest", Params{"username": "u", "password": "p"})
	_, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
	if !errors.Is(err, errDigestNoGetBody) || !strings.Contains(err.Error(), "GetBody") {
		t.Fatalf("err %v", err)
	}
	if srv.Requests() != 0 {
		t.Errorf("%d requests reached the server", srv.Requests())
	}
}

func TestDigestNoDigestChallenge(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="only basic"`)
		w.WriteHeader(401)
	}))
	defer srv.Close()
	resp, tr := digestRun(t, Params{"username": "u", "password": "p"}, http.DefaultTransport, "GET", srv.URL, "")
	if resp.StatusCode != 401 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if w := tr.Warnings(); !strings.Contains(fmt.Sprint(w), "without a Digest challenge (it offers: Basic)") {
		t.Errorf("warnings %q", w)
	}
}

func TestDigestMalformedChallenge(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{`Digest nonce="x", realm="unterminated`, "authlib: digest: challenge: unterminated quoted string at byte 24 (the server's 401 has no usable Digest challenge)"},
		{`Digest realm="r", algorithm=SHA-1024, nonce="n"`, `unsupported algorithm "SHA-1024"`},
		{`Digest realm="r"`, "no nonce"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", c.header)
			w.WriteHeader(401)
		}))
		s, _ := New("digest", Params{"username": "u", "password": "secretpw"})
		req, _ := http.NewRequest("GET", srv.URL, nil)
		_, err := s.Wrap(http.DefaultTransport).RoundTrip(req)
		srv.Close()
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "authlib: digest: ") {
			t.Errorf("%s: err %v; want %q", c.header, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "secretpw") {
			t.Error("the password leaked into the error")
		}
	}
}

func TestDigestTraceMasksSecrets(t *testing.T) {
	const pass = "s3cret-Pa55word"
	for _, qop := range []string{"auth", "auth-int", ""} {
		srv := digestStrictStart(t, digestStrictConfig{User: "u", Pass: pass, Algorithms: []string{"SHA-256-sess"}, QOP: qop, Opaque: "o"})
		resp, tr := digestRun(t, Params{"username": "u", "password": pass}, http.DefaultTransport, "POST", srv.URL+"/t", "payload")
		v := srv.Verdicts()
		if resp.StatusCode != 200 {
			t.Fatalf("status %d %+v", resp.StatusCode, v)
		}
		a := digestParseAuthorization(t, v[1].Authorization)
		sha := digestStrictH(sha256.New, "u:"+srv.cfg.Realm+":"+pass)
		sessHA1 := digestStrictH(sha256.New, sha+":"+a["nonce"]+":"+a["cnonce"])
		out, _ := json.Marshal(struct {
			S []Step
			W []string
		}{tr.Steps(), tr.Warnings()})
		js := string(out)
		for what, secret := range map[string]string{"password": pass, "HA1": sha, "session HA1": sessHA1, "response": a["response"]} {
			if strings.Contains(js, secret) {
				t.Errorf("qop=%q: the %s appears in the trace", qop, what)
			}
		}
		for _, title := range []string{"Server challenge (RFC 7616 §3.3)", "Chose a challenge", "Computed HA1 (RFC 7616 §3.4.2)", "Computed HA2 (RFC 7616 §3.4.3)", "Computed the response (RFC 7616 §3.4.1)", "Authorization header"} {
			if !strings.Contains(js, title) {
				t.Errorf("qop=%q: the trace lacks %q", qop, title)
			}
		}
		if !strings.Contains(js, `"name":"HA2","value":"`) || !strings.Contains(js, `response=\"••••••••`) {
			t.Errorf("qop=%q: the trace must show HA2 and the header with a masked response: %s", qop, js)
		}
		if qop != "" && !strings.Contains(js, `"name":"nc","value":"00000001"`) {
			t.Errorf("qop=%q: the trace lacks nc", qop)
		}
		if !strings.Contains(fmt.Sprint(tr.Warnings()), "Digest credentials are sent over plain http") {
			t.Errorf("no plain-http warning: %q", tr.Warnings())
		}
	}
}

func TestDigestParams(t *testing.T) {
	for _, c := range []struct {
		p    Params
		want string
	}{
		{Params{"algorithm": "SHA-1"}, `parameter "algorithm" is "SHA-1"`},
		{Params{"qop": "auth-conf"}, `parameter "qop" is "auth-conf"`},
		{Params{"nonceCount": "xyz"}, `parameter "nonceCount" is "xyz"`},
		{Params{"nc": "123456789"}, `parameter "nonceCount" is "123456789"`},
		{Params{"disableRetryRequest": "maybe"}, `parameter "disableRetryRequest"`},
		{Params{"nonce": "a\r\nb"}, "line breaks"},
	} {
		_, err := New("digest", c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err %v; want %q", c.p, err, c.want)
		}
	}
	if !IsSecretParam("digest", "password") || IsSecretParam("digest", "username") {
		t.Error("password must be the only secret")
	}
	d, err := New("digest", Params{"nc": "0000000a", "cnonce": "fixed", "nonce": "n"})
	if err != nil {
		t.Fatal(err)
	}
	if dd := d.(*Digest); dd.cnonce != "fixed" || dd.seed.nc != 9 {
		t.Errorf("aliases nc/cnonce not applied: %+v", dd)
	}
}
