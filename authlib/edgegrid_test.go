package authlib

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// Vectors from akamai/AkamaiOPEN-edgegrid-python,
// akamai/edgegrid/test/testdata.json (Apache-2.0): the shared credentials,
// nonce and timestamp, and each test's expectedAuthorization.
func TestEdgeGridAkamaiTestdata(t *testing.T) {
	const (
		host   = "akaa-baseurl-xxxxxxxxxxx-xxxxxxxxxxxxx.luna.akamaiapis.net"
		prefix = "EG1-HMAC-SHA256 client_token=akab-client-token-xxx-xxxxxxxxxxxxxxxx;access_token=akab-access-token-xxx-xxxxxxxxxxxxxxxx;timestamp=20140321T19:34:21+0000;nonce=nonce-xx-xxxx-xxxx-xxxx-xxxxxxxxxxxx;signature="
		secret = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx="
	)
	e, err := New("edgegrid", Params{
		"clientToken": "akab-client-token-xxx-xxxxxxxxxxxxxxxx", "accessToken": "akab-access-token-xxx-xxxxxxxxxxxxxxxx",
		"clientSecret": secret, "maxBodySize": "2048", "headersToSign": "X-Test1, X-Test2,X-Test3",
		"nonce": "nonce-xx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", "timestamp": "20140321T19:34:21+0000",
	})
	if err != nil {
		t.Fatal(err)
	}
	if k := edgegridHMAC(secret, "20140321T19:34:21+0000"); k != "znsRMDBRqTXGJ7Ojip3/h2FGPu3LuoMYWgv9PKEnE/o=" {
		t.Errorf("signing key %s (sign_key_test)", k)
	}
	for _, tc := range []struct {
		name, method, path, body string
		headers                  [][2]string
		sig                      string
	}{
		{"simple GET", "GET", "/", "", nil, "tL+y4hxyHxgWVD30X3pWnGKHcPzmrIF+LThiAOhMxYU="},
		{"GET with querystring", "GET", "/testapi/v1/t1?p1=1&p2=2", "", nil, "hKDH1UlnQySSHjvIcZpDMbQHihTQ0XyVAKZaApabdeA="},
		{"POST inside limit", "POST", "/testapi/v1/t3", "datadatadatadatadatadatadatadata", nil, "hXm4iCxtpN22m4cbZb4lVLW5rhX8Ca82vCFqXzSTPe4="},
		{"POST too large", "POST", "/testapi/v1/t3", strings.Repeat("d", 3000), nil, "6Q6PiTipLae6n4GsSIDTCJ54bEbHUBp+4MUXrbQCBoY="},
		{"POST length equals max_body", "POST", "/testapi/v1/t3", strings.Repeat("d", 2048), nil, "6Q6PiTipLae6n4GsSIDTCJ54bEbHUBp+4MUXrbQCBoY="},
		{"POST empty body", "POST", "/testapi/v1/t6", "", nil, "1gEDxeQGD5GovIkJJGcBaKnZ+VaPtrc4qBUHixjsPCQ="},
		{"Simple header signing with GET", "GET", "/testapi/v1/t4", "", [][2]string{{"X-Test1", "test-simple-header"}}, "8F9AybcRw+PLxnvT+H0JRkjROrrUgsxJTnRXMzqvcwY="},
		{"Header containing spaces", "GET", "/testapi/v1/t4", "", [][2]string{{"X-Test1", `"     test-header-with-spaces     "`}}, "ucq2AbjCNtobHfCTuS38fdkl5UDdWHZhQX46fYR8CqI="},
		{"Header with leading and interior spaces", "GET", "/testapi/v1/t4", "", [][2]string{{"X-Test1", "     first-thing      second-thing"}}, "WtnneL539UadAAOJwnsXvPqT4Kt6z7HMgBEwAFpt3+c="},
		{"Headers out of order", "GET", "/testapi/v1/t4", "", [][2]string{{"X-Test2", "t2"}, {"X-Test1", "t1"}, {"X-Test3", "t3"}}, "Wus73Nx8jOYM+kkBFF2q8D1EATRIMr0WLWwpLBgkBqY="},
		{"Extra header", "GET", "/testapi/v1/t5", "", [][2]string{{"X-Test2", "t2"}, {"X-Test1", "t1"}, {"X-Test3", "t3"}, {"X-Extra", "this won't be included"}}, "Knd/jc0A5Ghhizjayr0AUUvl2MZjBpS3FDSzvtq4Ixc="},
		{"PUT test", "PUT", "/testapi/v1/t6", "PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP", nil, "GNBWEYSEWOLtu+7dD52da2C39aX/Jchpon3K/AmBqBU="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var body io.Reader
			if tc.body != "" || tc.method == "POST" {
				body = strings.NewReader(tc.body)
			}
			req, _ := http.NewRequest(tc.method, "https://"+host+tc.path, body)
			for _, h := range tc.headers {
				req.Header.Add(h[0], h[1])
			}
			got, tr := oauth1Capture(t, e, req)
			if a := got.Header.Get("Authorization"); a != prefix+tc.sig {
				t.Errorf("Authorization\n got %s\nwant %s", a, prefix+tc.sig)
			}
			oauth1AssertNoSecrets(t, tr, secret, "akab-access-token-xxx-xxxxxxxxxxxxxxxx", "znsRMDBRqTXGJ7Ojip3/h2FGPu3LuoMYWgv9PKEnE/o=")
		})
	}
}

// An EdgeGrid verifier for the tests, written from Akamai's description.
func edgegridTestServer(t *testing.T, clientToken, secret, accessToken string, headersToSign []string, maxBody int) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		rest, ok := strings.CutPrefix(auth, "EG1-HMAC-SHA256 ")
		if !ok {
			http.Error(w, "not EdgeGrid", http.StatusUnauthorized)
			return
		}
		f := map[string]string{}
		for _, kv := range strings.Split(rest, ";") {
			k, v, _ := strings.Cut(kv, "=")
			f[k] = v
		}
		if f["client_token"] != clientToken || f["access_token"] != accessToken {
			http.Error(w, "unknown tokens", http.StatusUnauthorized)
			return
		}
		ts, err := time.Parse("20060102T15:04:05-0700", f["timestamp"])
		if err != nil || time.Since(ts) > time.Minute || time.Until(ts) > time.Minute {
			http.Error(w, "bad timestamp", http.StatusUnauthorized)
			return
		}
		body, _ := io.ReadAll(r.Body)
		hashText := ""
		if r.Method == "POST" && len(body) > 0 {
			if len(body) > maxBody {
				body = body[:maxBody]
			}
			s := sha256.Sum256(body)
			hashText = base64.StdEncoding.EncodeToString(s[:])
		}
		var hs []string
		for _, h := range headersToSign {
			v := r.Header.Get(h)
			if strings.EqualFold(h, "host") {
				v = r.Host
			}
			if v = strings.Join(strings.Fields(v), " "); v != "" {
				hs = append(hs, strings.ToLower(h)+":"+v)
			}
		}
		unsigned := auth[:strings.Index(auth, "signature=")]
		data := r.Method + "\thttp\t" + r.Host + "\t" + r.RequestURI + "\t" + strings.Join(hs, "\t") + "\t" + hashText + "\t" + unsigned
		mac := func(k, d string) string {
			m := hmac.New(sha256.New, []byte(k))
			m.Write([]byte(d))
			return base64.StdEncoding.EncodeToString(m.Sum(nil))
		}
		if want := mac(mac(secret, f["timestamp"]), data); !hmac.Equal([]byte(want), []byte(f["signature"])) {
			http.Error(w, "signature mismatch", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestEdgeGridServerVerifies(t *testing.T) {
	srv := edgegridTestServer(t, "akab-client", "eg-client-secret", "akab-access-secret", []string{"X-Custom", "Host"}, 64)
	p := Params{"clientToken": "akab-client", "clientSecret": "eg-client-secret", "accessToken": "akab-access-secret", "headersToSign": "X-Custom,Host", "maxBodySize": "64"}
	e, err := New("edgegrid", p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, body string }{
		{"GET", "/papi/v1/groups?a=1&b=x%20y", ""},
		{"POST", "/ccu/v3/invalidate/url", `{"objects":["https://example.com/a"]}`},
		{"POST", "/big", strings.Repeat("z", 200)},
		{"PUT", "/p%C3%A4th", "put body not hashed"},
	} {
		var body io.Reader
		if tc.body != "" {
			body = strings.NewReader(tc.body)
		}
		req, _ := http.NewRequest(tc.method, srv.URL+tc.path, body)
		req.Header.Set("X-Custom", "  some   value ")
		resp, msg, tr := oauth1Send(t, e, req)
		if resp.StatusCode != 200 {
			t.Fatalf("%s %s: server said %s: %s", tc.method, tc.path, resp.Status, msg)
		}
		if !strings.Contains(oauth1TraceField(tr, "data to sign (tabs shown as \\t)"), tc.method+`\thttp\t127.0.0.1:`) {
			t.Errorf("data to sign in the trace: %q", oauth1TraceField(tr, "data to sign (tabs shown as \\t)"))
		}
		if oauth1TraceField(tr, "signature") == "" {
			t.Error("no signature in the trace")
		}
		oauth1AssertNoSecrets(t, tr, "eg-client-secret", "akab-access-secret")
		if len(tc.body) > 64 && tc.method == "POST" && len(tr.Warnings()) == 0 {
			t.Error("no warning about the truncated content hash")
		}
		if tc.body != "" {
			rc, _ := req.GetBody()
			b, _ := io.ReadAll(rc)
			if string(b) != tc.body {
				t.Errorf("caller's body changed to %q", b)
			}
		}
	}
	// A wrong secret or access token is refused.
	for _, k := range []string{"clientSecret", "accessToken"} {
		bad := Params{}
		for kk, v := range p {
			bad[kk] = v
		}
		bad[k] = "wrong"
		e, _ := New("edgegrid", bad)
		req, _ := http.NewRequest("GET", srv.URL+"/x", nil)
		if resp, msg, _ := oauth1Send(t, e, req); resp.StatusCode != 401 {
			t.Errorf("wrong %s: server said %s %s", k, resp.Status, msg)
		}
	}
	// A body changed after signing no longer matches.
	tamper := RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r.Body = io.NopCloser(strings.NewReader("b"))
		r.ContentLength = 1
		return http.DefaultTransport.RoundTrip(r)
	})
	req, _ := http.NewRequest("POST", srv.URL+"/x", strings.NewReader("a"))
	resp, err := (&http.Client{Transport: e.Wrap(tamper)}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("tampered body: %s", resp.Status)
	}
}

// baseURL replaces the signed host, as in Postman.
func TestEdgeGridBaseURL(t *testing.T) {
	e, err := New("edgegrid", Params{"clientToken": "c", "clientSecret": "s", "accessToken": "a", "baseURL": "https://akab-host.luna.akamaiapis.net/", "nonce": "n", "timestamp": "20191014T08:12:46+0000"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", "http://127.0.0.1:9/get", nil)
	_, tr := oauth1Capture(t, e, req)
	if h := oauth1TraceField(tr, "host"); h != "akab-host.luna.akamaiapis.net" {
		t.Errorf("signed host %q", h)
	}
}

func TestEdgeGridBadInput(t *testing.T) {
	base := Params{"clientToken": "c", "clientSecret": "s", "accessToken": "a"}
	for k, v := range map[string]string{"timestamp": "2019-10-14", "maxBodySize": "-1", "nonce": "a;b", "baseURL": "https://"} {
		p := Params{}
		for kk, vv := range base {
			p[kk] = vv
		}
		p[k] = v
		if _, err := New("edgegrid", p); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%q: %v", k, v, err)
		}
	}
	if _, err := New("edgegrid", Params{"clientToken": "c", "accessToken": "a"}); err == nil || !strings.Contains(err.Error(), "clientSecret") {
		t.Errorf("missing secret: %v", err)
	}
}
