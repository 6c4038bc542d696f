package cli

// Every auth method, end to end from the command line: `knock send --auth
// TYPE --auth-param name=value … URL` against a server on 127.0.0.1 that
// checks the credentials itself (auth_servers_test.go) and answers 200 only
// when they are right. For each method the right secret gets 200, a wrong
// one gets the server's 401 (or the method's clear error), --trace shows
// the method's steps, and no secret appears on stderr.
//
// netrc is covered by netrc_test.go; proxy auth by auth_proxy_test.go;
// NTLM and Kerberos against the real servers by auth_krb_test.go.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/knockhttp/knock/authlib"
)

// authCLIRun runs knock as a fresh process would: with an empty OAuth 2
// token cache (the CLI keeps tokens in memory only, and this test binary
// runs many commands in one process).
func authCLIRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	authlib.SetDefaultTokenStore(nil)
	return knock(t, args...)
}

// authCLIWantAll reports every piece of want that the trace lacks, and
// the trace once.
func authCLIWantAll(t *testing.T, trace string, want []string) {
	t.Helper()
	var missing []string
	for _, w := range want {
		if !strings.Contains(trace, w) {
			missing = append(missing, w)
		}
	}
	if len(missing) > 0 {
		t.Errorf("the trace lacks %q:\n%s", missing, trace)
	}
}

// authCLITraced is how writeTrace prints a multi-line field value.
func authCLITraced(s string) string { return indentContinuation(s) }

// authCLIPlan is one method's run: the arguments after "send --trace" for
// the right and a wrong secret, what the trace must show, and the secrets
// it must not.
type authCLIPlan struct {
	srv     *authCLIServer
	good    []string
	bad     []string
	trace   []string
	secrets []string
	// later returns secrets known only after the run (issued tokens,
	// derived keys).
	later func() []string
	// badErr, when set, is what stderr says when the bad run fails before
	// reaching the resource (exit 1) instead of getting its 401.
	badErr string
	// after checks the good run further: the server's view against the trace.
	after func(t *testing.T, stderr string)
}

type authCLIMethod struct {
	name  string
	setup func(t *testing.T) authCLIPlan
}

var authCLIKeys struct {
	once sync.Once
	a, b *rsa.PrivateKey
	err  error
}

// authCLIRSA returns two RSA keys, made once per test binary.
func authCLIRSA(t *testing.T) (*rsa.PrivateKey, *rsa.PrivateKey) {
	t.Helper()
	authCLIKeys.once.Do(func() {
		if authCLIKeys.a, authCLIKeys.err = rsa.GenerateKey(rand.Reader, 2048); authCLIKeys.err == nil {
			authCLIKeys.b, authCLIKeys.err = rsa.GenerateKey(rand.Reader, 2048)
		}
	})
	if authCLIKeys.err != nil {
		t.Fatal(authCLIKeys.err)
	}
	return authCLIKeys.a, authCLIKeys.b
}

// authCLIKeyFile writes key as PKCS#8 PEM and returns the file and a line
// of its base64, which must never be printed.
func authCLIKeyFile(t *testing.T, key any) (string, string) {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	name := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return name, strings.Split(string(data), "\n")[2]
}

func authCLIParams(kv ...string) []string {
	var out []string
	for _, p := range kv {
		out = append(out, "--auth-param", p)
	}
	return out
}

func authCLIMethods() []authCLIMethod {
	hb := httpbin.New()
	basic := func(t *testing.T) (*authCLIServer, string) {
		pw := "pa:ss@w0rd-" + authCLIRandom(6)
		return newAuthCLIServer(t, authCLIHTTPBin(hb, "/basic-auth/alice/"+pw), nil), pw
	}
	basicTrace := []string{"[basic] Encoded user and password (RFC 7617 §2)", "user-id: alice", `formula: base64(user-id ":" password)`,
		"Authorization: Basic ••••••••", "warning: Basic credentials are sent over plain http"}
	digest := func(algo string) func(t *testing.T) authCLIPlan {
		return func(t *testing.T) authCLIPlan {
			pw := "d1gest-pw-" + authCLIRandom(6)
			srv := newAuthCLIServer(t, authCLIHTTPBin(hb, "/digest-auth/auth/alice/"+pw+"/"+algo), nil)
			ha2 := authCLIMD5("GET:/digest")
			if algo == "SHA-256" {
				sum := sha256.Sum256([]byte("GET:/digest"))
				ha2 = hex.EncodeToString(sum[:])
			}
			good := append([]string{"--auth", "digest"}, authCLIParams("username=alice", "password="+pw)...)
			if algo == "SHA-256" {
				good = []string{"--auth", "digest", "-u", "alice:" + pw}
			}
			return authCLIPlan{srv: srv,
				good: append(good, srv.URL+"/digest"),
				bad:  append([]string{"--auth", "digest"}, append(authCLIParams("username=alice", "password=wrong-"+pw), srv.URL+"/digest")...),
				trace: []string{"GET " + srv.URL + "/digest -> 401", "challenge: Digest qop=auth", "-> 200",
					"[digest] Server challenge (RFC 7616 §3.3)", "realm: go-httpbin", "algorithm: " + algo, "qop: auth",
					"[digest] Chose a challenge", "[digest] Computed HA1 (RFC 7616 §3.4.2)", `formula: ` + algo + `(username ":" realm ":" password)`,
					"[digest] Computed HA2 (RFC 7616 §3.4.3)", `formula: ` + algo + `(method ":" uri)`, "input: GET:/digest", "HA2: " + ha2,
					"[digest] Computed the response (RFC 7616 §3.4.1)", `formula: ` + algo + `(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)`,
					"(derived from the password, so hidden)", "response: ••••••••", "[digest] Authorization header", `Authorization: Digest username="alice", realm="go-httpbin", uri="/digest"`},
				secrets: []string{pw},
			}
		}
	}
	oauth1 := func(method string) func(t *testing.T) authCLIPlan {
		return func(t *testing.T) authCLIPlan {
			o := &authCLIOAuth1{consumerKey: "ck-knock", consumerSecret: "cs-" + authCLIRandom(8), token: "tk-knock", tokenSecret: "ts-" + authCLIRandom(8), method: method}
			srv := newAuthCLIServer(t, o.check, nil)
			params := []string{"consumerKey=ck-knock", "token=tk-knock", "tokenSecret=" + o.tokenSecret, "signatureMethod=" + method, "realm=Photos"}
			goodSecret, badSecret := []string{"consumerSecret=" + o.consumerSecret}, []string{"consumerSecret=wrong-" + o.consumerSecret}
			secrets := []string{o.consumerSecret, o.tokenSecret}
			trace := []string{"[oauth1] Signature base string (RFC 5849 §3.4.1)", "[oauth1] Authorization header (RFC 5849 §3.5.1)"}
			if method == "RSA-SHA256" {
				ka, kb := authCLIRSA(t)
				o.pub = &ka.PublicKey
				fa, lineA := authCLIKeyFile(t, ka)
				fb, lineB := authCLIKeyFile(t, kb)
				goodSecret, badSecret = []string{"privateKey=@" + fa}, []string{"privateKey=@" + fb}
				secrets = append(secrets, lineA, lineB)
				trace = append(trace, "[oauth1] Signature (RSA-SHA256, RFC 5849 §3.4.3)", "RSA private key, 2048 bits (not shown)")
			}
			target := []string{"-d", "title=hello%20world&tag=a%2Bb", srv.URL + "/photos?size=original&b=x%20y"}
			switch method {
			case "HMAC-SHA1":
				trace = append(trace, "[oauth1] Signature (HMAC-SHA1, RFC 5849 §3.4.2)", "formula: base64(HMAC-SHA-1(key, base string))")
			case "PLAINTEXT":
				target = []string{srv.URL + "/plain"}
				trace = append(trace, "[oauth1] Signature (PLAINTEXT, RFC 5849 §3.4.4)", "PLAINTEXT sends the secrets themselves over plain http")
			}
			args := func(secret []string) []string {
				a := append([]string{"--auth", "oauth1"}, authCLIParams(append(params, secret...)...)...)
				return append(a, target...)
			}
			return authCLIPlan{srv: srv, good: args(goodSecret), bad: args(badSecret), trace: trace, secrets: secrets,
				after: func(t *testing.T, stderr string) {
					// The base string the server rebuilt is the one the trace shows.
					if method != "PLAINTEXT" {
						wantContains(t, "trace", stderr, "signature base string: "+o.baseString())
					}
				}}
		}
	}
	awsv4 := func(presign bool) func(t *testing.T) authCLIPlan {
		return func(t *testing.T) authCLIPlan {
			a := &authCLIAWS{accessKey: "AKIDKNOCKCLITEST", secretKey: "sk-" + authCLIRandom(12), sessionToken: "st-" + authCLIRandom(12),
				region: "eu-west-1", service: "execute-api", presign: presign}
			target := []string{"-X", "POST", "-H", "Content-Type: application/json", "--data-binary", `{"n":1}`}
			path := "/prod/items/42?b=two%20words&a=1"
			if presign {
				a.region, a.service = "us-east-1", "s3"
				target, path = nil, "/bucket/report.csv?versionId=3"
			}
			srv := newAuthCLIServer(t, a.check, nil)
			params := []string{"accessKey=" + a.accessKey, "sessionToken=" + a.sessionToken, "region=" + a.region, "service=" + a.service}
			if presign {
				params = append(params, "presign=true", "expires=120")
			}
			args := func(secret string) []string {
				return append(append([]string{"--auth", "awsv4"}, authCLIParams(append(params, "secretKey="+secret)...)...), append(target, srv.URL+path)...)
			}
			trace := []string{"[awsv4] Payload hash", "[awsv4] Canonical request (SigV4 task 1)", "[awsv4] String to sign (SigV4 task 2)",
				"[awsv4] Signing key (SigV4 task 3)", `kDate = HMAC-SHA256("AWS4" + secret`, "secret access key: ••••••••",
				"[awsv4] Signature (SigV4 task 4)", "X-Amz-Security-Token: ••••••••"}
			if presign {
				// The URL shown is the one the user gave, not the signed one.
				trace = append(trace, "GET "+srv.URL+path+" -> 200", "presigned URL: ")
			} else {
				trace = append(trace, "POST "+srv.URL+path+" -> 200", "Authorization: AWS4-HMAC-SHA256 Credential="+a.accessKey+"/")
			}
			return authCLIPlan{srv: srv, good: args(a.secretKey), bad: args("wrong-" + a.secretKey), trace: trace,
				secrets: []string{a.secretKey, a.sessionToken, url.QueryEscape(a.sessionToken)},
				later: func() []string {
					sts := strings.Split(a.stringToSign(), "\n")
					if len(sts) < 3 {
						return nil
					}
					return []string{hex.EncodeToString(authCLIAWSSigningKey(a.secretKey, sts[1][:8], a.region, a.service))}
				},
				after: func(t *testing.T, stderr string) {
					// The string to sign the server rebuilt is the one the trace shows.
					wantContains(t, "trace", stderr, "string to sign: "+authCLITraced(a.stringToSign()))
					got := srv.lastRequest(t)
					if presign != (got.Header.Get("Authorization") == "") || presign && !strings.Contains(got.URL, "X-Amz-Expires=120") {
						t.Errorf("presign=%v, but the server saw Authorization %q and URL %s", presign, got.Header.Get("Authorization"), got.URL)
					}
				}}
		}
	}
	jwtMethod := func(alg string) func(t *testing.T) authCLIPlan {
		return func(t *testing.T) authCLIPlan {
			j := &authCLIJWT{alg: alg}
			var good, bad, secrets, trace []string
			if alg == "HS256" {
				s := "jwt-secret-" + authCLIRandom(16)
				j.key = []byte(s)
				good, bad, secrets = []string{"secret=" + s}, []string{"secret=wrong-" + s}, []string{s}
				trace = []string{"HMAC secret: ••••••••"}
			} else {
				ka, kb := authCLIRSA(t)
				j.key = &ka.PublicKey
				fa, la := authCLIKeyFile(t, ka)
				fb, lb := authCLIKeyFile(t, kb)
				good, bad, secrets = []string{"privateKey=@" + fa}, []string{"privateKey=@" + fb}, []string{la, lb}
				trace = []string{"key: RSA private key (not shown)"}
			}
			srv := newAuthCLIServer(t, j.check, nil)
			params := []string{"algorithm=" + alg, `payload={"sub":"knock-cli","aud":"knock-api","scope":"read"}`, `header={"kid":"k1"}`}
			args := func(key []string) []string {
				return append(append([]string{"--auth", "jwt"}, authCLIParams(append(params, key...)...)...), srv.URL+"/jwt")
			}
			return authCLIPlan{srv: srv, good: args(good), bad: args(bad), secrets: secrets, later: j.seenTokens,
				trace: append(trace, "[jwt] Signed a JSON Web Token (RFC 7519 §7.1, RFC 7515 §7.1)", "algorithm: "+alg,
					`"kid":"k1"`, `"sub":"knock-cli"`, `"aud":"knock-api"`, `"exp":`, "[jwt] Authorization header (RFC 6750 §2.1)", "Authorization: Bearer ••••••••")}
		}
	}
	oauth2Trace := []string{"[oauth2] Token request (RFC 6749 §3.2)", "POST: ", "[oauth2] Token response (RFC 6749 §5)", "status: 200 OK",
		"access_token: ••••••••", "refresh_token: ••••••••", "token_type: Bearer", "[oauth2] Added the access token (RFC 6750 §2.1)", "Authorization: Bearer ••••••••"}

	return []authCLIMethod{
		{"basic", func(t *testing.T) authCLIPlan {
			srv, pw := basic(t)
			return authCLIPlan{srv: srv,
				good:    append([]string{"--auth", "basic"}, append(authCLIParams("username=alice", "password="+pw), srv.URL+"/basic")...),
				bad:     append([]string{"--auth", "basic"}, append(authCLIParams("username=alice", "password=nope"), srv.URL+"/basic")...),
				trace:   basicTrace,
				secrets: []string{pw, base64.StdEncoding.EncodeToString([]byte("alice:" + pw))},
			}
		}},
		{"basic -u user:password", func(t *testing.T) authCLIPlan {
			srv, pw := basic(t)
			return authCLIPlan{srv: srv, good: []string{"-u", "alice:" + pw, srv.URL + "/basic"}, bad: []string{"-u", "alice:" + pw + "x", srv.URL + "/basic"},
				trace: basicTrace, secrets: []string{pw, base64.StdEncoding.EncodeToString([]byte("alice:" + pw))}}
		}},
		{"basic user:password@ in the URL", func(t *testing.T) authCLIPlan {
			srv, pw := basic(t)
			with := func(p string) string {
				u, _ := url.Parse(srv.URL + "/basic")
				u.User = url.UserPassword("alice", p)
				return u.String()
			}
			return authCLIPlan{srv: srv, good: []string{with(pw)}, bad: []string{with("nope")},
				trace:   append(basicTrace, "GET "+srv.URL+"/basic -> 200"),
				secrets: []string{pw, url.UserPassword("alice", pw).String(), base64.StdEncoding.EncodeToString([]byte("alice:" + pw))}}
		}},
		{"digest MD5 (go-httpbin)", digest("MD5")},
		{"digest SHA-256 (go-httpbin)", digest("SHA-256")},
		{"bearer (go-httpbin)", func(t *testing.T) authCLIPlan {
			tok := "tok-" + authCLIRandom(12)
			srv := newAuthCLIServer(t, authCLIHTTPBinBearer(hb, tok), nil)
			return authCLIPlan{srv: srv,
				good:    []string{"--auth", "bearer", "--auth-param", "token=" + tok, srv.URL + "/bearer"},
				bad:     []string{"--auth", "bearer", "--auth-param", "token=wrong" + tok, srv.URL + "/bearer"},
				trace:   []string{"[bearer] Token in the Authorization header (RFC 6750 §2.1)", "prefix: Bearer", "token: ••••••••", "Authorization: Bearer ••••••••"},
				secrets: []string{tok}}
		}},
		{"bearer with prefix", func(t *testing.T) authCLIPlan {
			tok := "tok-" + authCLIRandom(12)
			srv := newAuthCLIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) error {
				if r.Header.Get("Authorization") != "Token "+tok {
					return fmt.Errorf("want Authorization: Token <the token>, got %q", r.Header.Get("Authorization"))
				}
				return nil
			}, nil)
			args := func(tk string) []string {
				return append([]string{"--auth", "bearer"}, append(authCLIParams("token="+tk, "prefix=Token"), srv.URL+"/api")...)
			}
			return authCLIPlan{srv: srv, good: args(tok), bad: args("x" + tok),
				trace: []string{"[bearer] Token in the Authorization header (RFC 6750 §2.1)", "prefix: Token", "Authorization: Token ••••••••"}, secrets: []string{tok}}
		}},
		{"apikey in a header", func(t *testing.T) authCLIPlan {
			key := "key-" + authCLIRandom(12)
			srv := newAuthCLIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) error {
				if r.Header.Get("X-API-Key") != key || r.URL.RawQuery != "" {
					return fmt.Errorf("X-API-Key %q, query %q", r.Header.Get("X-API-Key"), r.URL.RawQuery)
				}
				return nil
			}, nil)
			args := func(k string) []string {
				return append([]string{"--auth", "apikey"}, append(authCLIParams("key=X-API-Key", "value="+k, "in=header"), srv.URL+"/items")...)
			}
			return authCLIPlan{srv: srv, good: args(key), bad: args(key + "x"),
				trace: []string{"[apikey] Key added as a header", "header: X-Api-Key", "value: ••••••••", "warning: API key credentials are sent over plain http"}, secrets: []string{key}}
		}},
		{"apikey in the query", func(t *testing.T) authCLIPlan {
			key := "key-" + authCLIRandom(12)
			srv := newAuthCLIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) error {
				q := r.URL.Query()
				if !slices.Equal(q["api_key"], []string{key}) || q.Get("page") != "2" || r.Header.Get("X-API-Key") != "" {
					return fmt.Errorf("query %q", r.URL.RawQuery)
				}
				return nil
			}, nil)
			args := func(k string) []string {
				return append([]string{"--auth", "apikey"}, append(authCLIParams("key=api_key", "value="+k, "in=query"), srv.URL+"/items?page=2")...)
			}
			return authCLIPlan{srv: srv, good: args(key), bad: args(key + "x"),
				trace:   []string{"[apikey] Key added to the query string", "parameter: api_key", "query: api_key=••••••••", "GET " + srv.URL + "/items?page=2 -> 200"},
				secrets: []string{key}}
		}},
		{"custom header", func(t *testing.T) authCLIPlan {
			val := "hv-" + authCLIRandom(12)
			srv := newAuthCLIServer(t, func(w http.ResponseWriter, r *http.Request, _ []byte) error {
				if r.Header.Get("X-TokenAuth") != val {
					return fmt.Errorf("X-TokenAuth %q", r.Header.Get("X-TokenAuth"))
				}
				return nil
			}, nil)
			args := func(v string) []string {
				return append([]string{"--auth", "header"}, append(authCLIParams("name=X-TokenAuth", "value="+v), srv.URL+"/")...)
			}
			return authCLIPlan{srv: srv, good: args(val), bad: args("x" + val),
				trace: []string{"[header] Custom header set", "header: X-Tokenauth", "value: ••••••••"}, secrets: []string{val}}
		}},
		{"oauth1 HMAC-SHA1", oauth1("HMAC-SHA1")},
		{"oauth1 RSA-SHA256", oauth1("RSA-SHA256")},
		{"oauth1 PLAINTEXT", oauth1("PLAINTEXT")},
		{"oauth2 client_credentials", func(t *testing.T) authCLIPlan {
			o := newAuthCLIOAuth2(t)
			args := func(secret string) []string {
				return append([]string{"--auth", "oauth2"}, append(authCLIParams("grant_type=client_credentials", "accessTokenUrl="+o.URL+"/token",
					"clientId=knock-cli", "clientSecret="+secret, "scope=read write"), o.URL+"/api")...)
			}
			return authCLIPlan{srv: o.authCLIServer, good: args(o.clientSecret), bad: args("wrong-" + o.clientSecret), badErr: "invalid_client",
				trace:   append(oauth2Trace, "grant_type: client_credentials", "scope: read write", "client authentication: HTTP Basic (RFC 6749 §2.3.1)"),
				secrets: []string{o.clientSecret, url.QueryEscape(o.clientSecret)}, later: o.tokens,
				after: func(t *testing.T, _ string) {
					if c := o.calls(); !slices.Equal(c, []string{"client_credentials via basic: ok"}) {
						t.Errorf("token endpoint calls %q", c)
					}
				}}
		}},
		{"oauth2 password", func(t *testing.T) authCLIPlan {
			o := newAuthCLIOAuth2(t)
			args := func(pw string) []string {
				return append([]string{"--auth", "oauth2"}, append(authCLIParams("grant_type=password_credentials", "accessTokenUrl="+o.URL+"/token",
					"clientId=knock-cli", "clientSecret="+o.clientSecret, "client_authentication=body", "username=ann", "password="+pw), o.URL+"/api")...)
			}
			return authCLIPlan{srv: o.authCLIServer, good: args(o.password), bad: args("wrong-" + o.password), badErr: "invalid_grant",
				trace:   append(oauth2Trace, "grant_type: password", "username: ann", "password: ••••••••", "client_secret: ••••••••", "client authentication: client_id and client_secret in the body"),
				secrets: []string{o.clientSecret, o.password}, later: o.tokens,
				after: func(t *testing.T, _ string) {
					if c := o.calls(); !slices.Equal(c, []string{"password via body: ok"}) {
						t.Errorf("token endpoint calls %q", c)
					}
				}}
		}},
		{"oauth2 accessToken", func(t *testing.T) authCLIPlan {
			o := newAuthCLIOAuth2(t)
			at := "at-pasted-" + authCLIRandom(12)
			o.live[at] = true
			return authCLIPlan{srv: o.authCLIServer,
				good:    []string{"--auth", "oauth2", "--auth-param", "accessToken=" + at, o.URL + "/api"},
				bad:     []string{"--auth", "oauth2", "--auth-param", "accessToken=x" + at, o.URL + "/api"},
				trace:   []string{"[oauth2] Added the access token (RFC 6750 §2.1)", "Authorization: Bearer ••••••••"},
				secrets: []string{at},
				after: func(t *testing.T, stderr string) {
					if c := o.calls(); len(c) != 0 {
						t.Errorf("a pasted token needs no token endpoint, but it was called: %q", c)
					}
				}}
		}},
		{"oauth2 authorization code with PKCE", func(t *testing.T) authCLIPlan {
			o := newAuthCLIOAuth2(t)
			authCLIBrowser(t)
			args := func(secret string) []string {
				return append([]string{"--auth", "oauth2"}, append(authCLIParams("grant_type=authorization_code_with_pkce", "authUrl="+o.URL+"/authorize",
					"accessTokenUrl="+o.URL+"/token", "clientId=knock-cli", "clientSecret="+secret, "scope=read"), o.URL+"/api")...)
			}
			return authCLIPlan{srv: o.authCLIServer, good: args(o.clientSecret), bad: args("wrong-" + o.clientSecret), badErr: "invalid_client",
				trace: append(oauth2Trace, "open this URL to sign in", "[oauth2] Authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3)",
					"code_challenge_method: S256", "code_verifier: ••••••••", "redirect_uri: http://127.0.0.1:",
					"[oauth2] Authorization response (RFC 6749 §4.1.2)", "state: matches", "code: ••••••••", "grant_type: authorization_code"),
				secrets: []string{o.clientSecret},
				later: func() []string {
					o.mu.Lock()
					defer o.mu.Unlock()
					return append(append([]string(nil), o.issued...), o.verifiers...)
				},
				after: func(t *testing.T, _ string) {
					o.mu.Lock()
					defer o.mu.Unlock()
					if !slices.Equal(o.tokenCalls, []string{"authorization_code via basic: ok"}) || len(o.verifiers) != 1 {
						t.Errorf("token endpoint calls %q, verifiers %d; want one code exchange with a PKCE verifier", o.tokenCalls, len(o.verifiers))
					}
				}}
		}},
		{"awsv4 header with session token", awsv4(false)},
		{"awsv4 presigned URL", awsv4(true)},
		{"hawk", func(t *testing.T) authCLIPlan {
			h := &authCLIHawk{id: "dh37fgj492je", key: "hawk-key-" + authCLIRandom(12)}
			srv := newAuthCLIServer(t, h.check, nil)
			args := func(key string) []string {
				return append(append([]string{"--auth", "hawk"}, authCLIParams("authId="+h.id, "authKey="+key, "algorithm=sha256", "includePayloadHash=true", "extraData=some-app-data")...),
					"-H", "Content-Type: text/plain; charset=utf-8", "--data-binary", "Thank you for flying Hawk", srv.URL+"/resource/1?b=1&a=2")
			}
			return authCLIPlan{srv: srv, good: args(h.key), bad: args("x" + h.key),
				trace: []string{"[hawk] Payload hash", "content type: text/plain", "[hawk] Request MAC (hawk.1.header)", "key: ••••••••",
					"formula: base64(HMAC-SHA256(key, normalized string))", `ext="some-app-data"`, "[hawk] Server-Authorization verified (hawk.1.response)"},
				secrets: []string{h.key},
				after: func(t *testing.T, stderr string) {
					wantContains(t, "trace", stderr, "normalized string: "+authCLITraced(h.normalized()))
				}}
		}},
		{"edgegrid", func(t *testing.T) authCLIPlan {
			e := &authCLIEdgeGrid{clientToken: "akab-client-" + authCLIRandom(6), accessToken: "akab-access-" + authCLIRandom(6),
				clientSecret: "eg-secret-" + authCLIRandom(12), headersToSign: []string{"X-Trace-Id"}}
			srv := newAuthCLIServer(t, e.check, nil)
			args := func(secret string) []string {
				return append(append([]string{"--auth", "edgegrid"}, authCLIParams("clientToken="+e.clientToken, "accessToken="+e.accessToken,
					"clientSecret="+secret, "headersToSign=X-Trace-Id")...),
					"-H", "X-Trace-Id:  abc   def", "-H", "Content-Type: application/json", "--data-binary", `{"objects":["/a"]}`, srv.URL+"/ccu/v3/invalidate?x=1")
			}
			return authCLIPlan{srv: srv, good: args(e.clientSecret), bad: args("x" + e.clientSecret),
				trace: []string{"[edgegrid] Data to sign (tab-separated)", "canonical headers: x-trace-id:abc def", "[edgegrid] Signature (EG1-HMAC-SHA256)",
					"client secret: ••••••••", "signing key: ••••••••", "formula: base64(HMAC-SHA256(signing key, data to sign))"},
				secrets: []string{e.clientSecret, e.accessToken},
				later: func() []string {
					m := regexp.MustCompile(`timestamp=([^;]*);`).FindStringSubmatch(e.dataToSign())
					if m == nil {
						return nil
					}
					return []string{authCLIHMACBase64(e.clientSecret, m[1])}
				},
				after: func(t *testing.T, stderr string) {
					data := strings.Replace(e.dataToSign(), "access_token="+e.accessToken+";", "access_token="+authlib.Mask(e.accessToken)+";", 1)
					wantContains(t, "trace", stderr, `data to sign (tabs shown as \t): `+strings.ReplaceAll(data, "\t", `\t`))
				}}
		}},
		{"jwt HS256", jwtMethod("HS256")},
		{"jwt RS256", jwtMethod("RS256")},
	}
}

// authCLIBrowser sets $BROWSER to a script that plays the user: it opens
// the authorization URL and follows the redirect to Knock's loopback
// listener, as a browser would after the user clicks "Allow".
func authCLIBrowser(t *testing.T) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "browser.sh")
	body := "#!/bin/sh\nexec curl --silent --show-error --fail --location --max-redirs 3 --max-time 20 --noproxy '*' --output /dev/null \"$1\"\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("BROWSER", script)
}

func TestAuthCLIEveryMethod(t *testing.T) {
	for _, m := range authCLIMethods() {
		t.Run(m.name, func(t *testing.T) {
			p := m.setup(t)
			code, out, errs := authCLIRun(t, append([]string{"send", "--trace"}, p.good...)...)
			if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.HasSuffix(out, "\r\n\r\nauthenticated") {
				t.Fatalf("the right secret: exit %d, server verdicts %q\nstdout:\n%s\nstderr:\n%s", code, p.srv.allVerdicts(), out, errs)
			}
			if v := p.srv.lastVerdict(); v != "ok" {
				t.Errorf("the server's verdict %q", v)
			}
			authCLIWantAll(t, errs, append([]string{"* Auth:"}, p.trace...))
			if p.after != nil {
				p.after(t, errs)
			}
			secrets := p.secrets
			if p.later != nil {
				secrets = append(secrets, p.later()...)
			}
			for _, s := range secrets {
				wantNotContains(t, "stderr of the right secret", errs, s)
			}

			before := len(p.srv.allVerdicts())
			code, out, errs = authCLIRun(t, append([]string{"send", "--trace"}, p.bad...)...)
			if p.badErr != "" {
				if code != 1 || !strings.Contains(errs, p.badErr) || out != "" {
					t.Errorf("a wrong secret: exit %d, stdout %q, stderr:\n%s\nwant exit 1 and %q", code, out, errs, p.badErr)
				}
			} else {
				verdicts := p.srv.allVerdicts()
				if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 401 ") || len(verdicts) == before || verdicts[len(verdicts)-1] == "ok" {
					t.Errorf("a wrong secret: exit %d, verdicts %q\nstdout:\n%s\nstderr:\n%s\nwant the server's 401", code, verdicts[before:], out, errs)
				}
			}
			if p.later != nil {
				secrets = append(p.secrets, p.later()...)
			}
			for _, s := range secrets {
				wantNotContains(t, "stderr of a wrong secret", errs, s)
			}
		})
	}
}

// A redirect to another origin (here another port) carries none of the
// credentials a method added: no Authorization, no API key header or query
// parameter, no custom header (DESIGN.md security rule 4). A redirect to
// the same origin keeps them.
func TestAuthCLIRedirectToAnotherOriginDropsCredentials(t *testing.T) {
	secret := "rd-" + authCLIRandom(12)
	b := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "landed") })
	a := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/final":
			fmt.Fprint(w, "final")
		default:
			http.Redirect(w, r, b.URL+"/landing?from=a", http.StatusFound)
		}
	})
	cases := []struct {
		name string
		args []string
		sent func(seen) bool
	}{
		{"apikey header", append([]string{"--auth", "apikey"}, authCLIParams("key=X-API-Key", "value="+secret)...),
			func(s seen) bool { return s.Header.Get("X-API-Key") == secret }},
		{"apikey query", append([]string{"--auth", "apikey"}, authCLIParams("key=api_key", "value="+secret, "in=query")...),
			func(s seen) bool { return strings.Contains(s.URL, "api_key="+secret) }},
		{"bearer", []string{"--auth", "bearer", "--auth-param", "token=" + secret},
			func(s seen) bool { return s.Header.Get("Authorization") == "Bearer "+secret }},
		{"custom header", append([]string{"--auth", "header"}, authCLIParams("name=X-TokenAuth", "value="+secret)...),
			func(s seen) bool { return s.Header.Get("X-TokenAuth") == secret }},
		{"basic", []string{"-u", "u:" + secret},
			func(s seen) bool {
				return s.Header.Get("Authorization") == "Basic "+base64.StdEncoding.EncodeToString([]byte("u:"+secret))
			}},
		{"oauth2 accessToken", []string{"--auth", "oauth2", "--auth-param", "accessToken=" + secret},
			func(s seen) bool { return s.Header.Get("Authorization") == "Bearer "+secret }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := authCLIRun(t, append(append([]string{"send", "--trace"}, c.args...), a.URL+"/start")...)
			if code != 0 || !strings.HasSuffix(out, "landed") {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			if !c.sent(a.last(t)) {
				t.Errorf("the first server did not get the credentials: %+v", a.last(t))
			}
			got := b.last(t)
			if got.URL != "/landing?from=a" {
				t.Errorf("the other origin saw URL %q", got.URL)
			}
			for k, vs := range got.Header {
				for _, v := range vs {
					if k == "Authorization" || k == "X-Api-Key" || k == "X-Tokenauth" || strings.Contains(v, secret) ||
						strings.Contains(v, base64.StdEncoding.EncodeToString([]byte("u:"+secret))) {
						t.Errorf("the other origin saw %s: %s", k, v)
					}
				}
			}
			wantContains(t, "trace", errs, "(other origin: credentials dropped)")
			wantNotContains(t, "stderr", errs, secret)

			code, out, _ = authCLIRun(t, append(append([]string{"send"}, c.args...), a.URL+"/same")...)
			if code != 0 || !strings.HasSuffix(out, "final") || !c.sent(a.last(t)) {
				t.Errorf("a same-origin redirect must keep the credentials: exit %d, %q, %+v", code, out, a.last(t))
			}
		})
	}
}

// TLS client certificates: --cert and --key (PEM), a PEM file holding both,
// and PKCS#12 with --cert-password @file, against a server that requires
// and verifies a client certificate from its CA.
func TestAuthCLIClientCertificate(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newKey := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	serial := int64(1)
	issue := func(cn string, key *ecdsa.PrivateKey, parent *x509.Certificate, parentKey *ecdsa.PrivateKey, ca bool) *x509.Certificate {
		serial++
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
		if ca {
			tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.KeyUsage, tmpl.ExtKeyUsage = true, true, x509.KeyUsageCertSign, nil
		}
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	pemCert := func(c *x509.Certificate) []byte {
		return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	pemKey := func(k *ecdsa.PrivateKey) []byte {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	}

	caKey, clientKey, strayKey := newKey(), newKey(), newKey()
	ca := issue("Knock Test Client CA", caKey, nil, nil, true)
	client := issue("knock-client", clientKey, ca, caKey, false)
	stray := issue("stray-client", strayKey, nil, nil, false) // from no CA the server knows

	var mu sync.Mutex
	var seenCN []string
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := r.TLS.PeerCertificates[0].Subject.CommonName
		mu.Lock()
		seenCN = append(seenCN, cn)
		mu.Unlock()
		fmt.Fprintf(w, "hello %s", cn)
	}))
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)

	cacert := write("server-ca.pem", pemCert(srv.Certificate()))
	certPEM := write("client.pem", pemCert(client))
	keyPEM := write("client-key.pem", pemKey(clientKey))
	both := write("client-both.pem", append(pemCert(client), pemKey(clientKey)...))
	strayCert, strayKeyFile := write("stray.pem", pemCert(stray)), write("stray-key.pem", pemKey(strayKey))
	p12pw := "p12-pass-" + authCLIRandom(6)
	p12, err := pkcs12.Modern.Encode(clientKey, client, []*x509.Certificate{ca}, p12pw)
	if err != nil {
		t.Fatal(err)
	}
	bundle := write("client.p12", p12)
	pwFile := write("p12-password", []byte(p12pw+"\n"))
	keyLine := strings.Split(string(pemKey(clientKey)), "\n")[1]

	for _, c := range []struct {
		name string
		args []string
	}{
		{"PEM certificate and key", []string{"--cert", certPEM, "--key", keyPEM}},
		{"PEM with the key inside", []string{"--cert", both}},
		{"PKCS#12 with --cert-password @file", []string{"--cert", bundle, "--cert-password", "@" + pwFile}},
		{"PKCS#12 with --cert-password", []string{"--cert", bundle, "--cert-password", p12pw}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := knock(t, append(append([]string{"send", "--trace", "--cacert", cacert}, c.args...), srv.URL+"/whoami")...)
			if code != 0 || !strings.HasSuffix(out, "hello knock-client") {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			wantContains(t, "trace", errs, "* TLS: TLS 1.3")
			wantNotContains(t, "stderr", errs, p12pw)
			wantNotContains(t, "stderr", errs, keyLine)
		})
	}
	mu.Lock()
	if want := []string{"knock-client", "knock-client", "knock-client", "knock-client"}; !slices.Equal(seenCN, want) {
		t.Errorf("the server saw client certificates %q, want %q", seenCN, want)
	}
	mu.Unlock()

	for _, c := range []struct {
		name, want string
		args       []string
	}{
		{"no certificate", "certificate", nil},
		{"a certificate from another CA", "certificate", []string{"--cert", strayCert, "--key", strayKeyFile}},
		{"a wrong PKCS#12 password", "password", []string{"--cert", bundle, "--cert-password", "wrong-" + p12pw}},
		{"a key that is not the certificate's", "key", []string{"--cert", certPEM, "--key", strayKeyFile}},
	} {
		t.Run("refused: "+c.name, func(t *testing.T) {
			code, out, errs := knock(t, append(append([]string{"send", "--cacert", cacert}, c.args...), srv.URL+"/whoami")...)
			if code != 1 || out != "" || !strings.Contains(strings.ToLower(errs), c.want) || strings.Count(errs, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and one line about the %s", code, out, errs, c.want)
			}
			wantNotContains(t, "stderr", errs, p12pw)
			wantNotContains(t, "stderr", errs, keyLine)
		})
	}
	mu.Lock()
	if len(seenCN) != 4 {
		t.Errorf("a refused client reached the handler: %q", seenCN)
	}
	mu.Unlock()
}

// The browser grant runs before the send, in the CLI; its parameters'
// {{variables}} must be resolved from -e as the send resolves them, or the
// token would be fetched from the template text.
func TestAuthCLIOAuth2PKCEResolvesVariables(t *testing.T) {
	o := newAuthCLIOAuth2(t)
	authCLIBrowser(t)
	env := filepath.Join(t.TempDir(), "dev.env")
	if err := os.WriteFile(env, []byte("idp="+o.URL+"\nclient_secret="+o.clientSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := authCLIRun(t, append(append([]string{"send", "--trace", "-e", env, "--auth", "oauth2"},
		authCLIParams("grant_type=authorization_code_with_pkce", "authUrl={{idp}}/authorize", "accessTokenUrl={{idp}}/token",
			"clientId=knock-cli", "clientSecret={{client_secret}}")...), "{{idp}}/api")...)
	if code != 0 || !strings.HasSuffix(out, "authenticated") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	if c := o.calls(); !slices.Equal(c, []string{"authorization_code via basic: ok"}) {
		t.Errorf("token endpoint calls %q", c)
	}
	authCLIWantAll(t, errs, []string{"[oauth2] Authorization request", "[oauth2] Token request", "POST: " + o.URL + "/token"})
	for _, s := range append(o.tokens(), o.clientSecret) {
		wantNotContains(t, "stderr", errs, s)
	}

	// An unresolved variable is named before anything is sent, browser included.
	code, _, errs = authCLIRun(t, append(append([]string{"send", "-e", env, "--auth", "oauth2"},
		authCLIParams("grant_type=authorization_code_with_pkce", "authUrl={{nope}}/authorize", "accessTokenUrl={{idp}}/token", "clientId=knock-cli")...), o.URL+"/api")...)
	if code != 1 || !strings.Contains(errs, "{{nope}}") || strings.Contains(errs, "open this URL") {
		t.Errorf("exit %d, %q; want exit 1 naming {{nope}}, with no browser opened", code, errs)
	}
}
