package authlib

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// RFC 7636 Appendix B (AUTH_VECTORS.md §7).
const (
	oauth2RFC7636Verifier  = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	oauth2RFC7636Challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
)

func TestOAuth2PKCERFC7636AppendixB(t *testing.T) {
	octets := []byte{116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121}
	if got := base64.RawURLEncoding.EncodeToString(octets); got != oauth2RFC7636Verifier {
		t.Fatalf("verifier %q", got)
	}
	if got := oauth2.S256ChallengeFromVerifier(oauth2RFC7636Verifier); got != oauth2RFC7636Challenge {
		t.Fatalf("challenge %q", got)
	}
	// The authorization URL Knock builds with a fixed verifier.
	for _, c := range []struct{ alg, challenge string }{{"S256", oauth2RFC7636Challenge}, {"plain", oauth2RFC7636Verifier}} {
		o, err := NewOAuth2(Params{"grant_type": oauth2GrantPKCE, "authUrl": "https://as.test/authorize?x=1", "clientId": "s6BhdRkqt3",
			"code_verifier": oauth2RFC7636Verifier, "challengeAlgorithm": c.alg})
		if err != nil {
			t.Fatal(err)
		}
		cfg := o.xConfig("https://as.test/token")
		cfg.RedirectURL = "http://127.0.0.1:5000/callback"
		u, err := url.Parse(o.authCodeURL(cfg, "xyz", o.c.verifier))
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Get("code_challenge") != c.challenge || q.Get("code_challenge_method") != c.alg || q.Get("x") != "1" ||
			q.Get("state") != "xyz" || q.Get("response_type") != "code" || q.Has("code_verifier") {
			t.Errorf("%s: %s", c.alg, u)
		}
	}
}

// A badly behaved token endpoint that echoes the request in a non-RFC
// error page: the error message quotes the body, with the secrets masked.
func TestOAuth2ErrorNeverShowsSecrets(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "<h1>crash</h1> auth=%s body=%s raw=%s", r.Header.Get("Authorization"), body, oauth2TestPassword)
	}))
	defer srv.Close()
	for _, mode := range []string{"header", "body"} {
		o, _ := oauth2NewTestScheme(t, Params{"grant_type": oauth2GrantPassword, "accessTokenUrl": srv.URL, "clientId": "c",
			"clientSecret": oauth2TestClientSecret, "username": "u", "password": oauth2TestPassword, "client_authentication": mode})
		_, err := o.FetchToken(context.Background(), OAuth2Interaction{})
		if err == nil {
			t.Fatal("no error")
		}
		msg := err.Error()
		if !strings.Contains(msg, "HTTP 500 Internal Server Error without an RFC 6749 §5.2 error") || !strings.Contains(msg, "crash") {
			t.Errorf("%s: %s", mode, msg)
		}
		basic := base64.StdEncoding.EncodeToString([]byte("c:" + url.QueryEscape(oauth2TestClientSecret)))
		for _, s := range []string{oauth2TestClientSecret, oauth2TestPassword, url.QueryEscape(oauth2TestPassword), basic} {
			if strings.Contains(msg, s) {
				t.Errorf("%s: the error shows %q: %s", mode, s, msg)
			}
		}
	}
}
