package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// ensureOAuth2Token gets a token before the send when the request uses an
// OAuth 2 grant that needs the user (a browser or a device code) and no
// usable token is cached. Grants without the user (client credentials,
// password, refresh) are left to the scheme, which fetches them itself.
// The browser URL and the device code are printed to stderr, so the
// command works on a machine without a browser too. The parameters'
// {{variables}} are resolved from vars first, as the send resolves them,
// so that the token is fetched from the right endpoints and cached under
// the key the send looks up.
//
// The token request goes through client, built from the request's TLS and
// proxy settings, so --cacert, --insecure, --cert and --proxy apply to it.
func ensureOAuth2Token(ctx context.Context, a storage.AuthSpec, vars engine.Variables, client *http.Client, stderr io.Writer) error {
	if a.Type != "oauth2" {
		return nil
	}
	params := make(map[string]string, len(a.Params))
	for k, v := range a.Params {
		x, err := engine.ExpandString(vars, v)
		if err != nil {
			return nil // the send names the unresolved variable, before anything is sent
		}
		params[k] = x
	}
	if params["accessToken"] != "" {
		return nil
	}
	s, err := authlib.New("oauth2", params)
	if err != nil {
		return err
	}
	o, ok := s.(*authlib.OAuth2)
	if !ok || !o.Interactive() {
		return nil
	}
	o.SetHTTPClient(client)
	if tok, err := o.CachedToken(); err == nil && tok != nil && (!tok.Expired(time.Now(), 30*time.Second) || tok.RefreshToken != "") {
		return nil
	} else if err != nil && !errors.Is(err, authlib.ErrTokenNotCached) {
		return err
	}
	ui := authlib.OAuth2Interaction{
		ShowURL: func(url string) {
			fmt.Fprintf(stderr, "knock: oauth2: open this URL to sign in (Knock is waiting on a loopback redirect):\n  %s\n", url)
		},
		DeviceCode: func(d authlib.OAuth2DeviceCode) {
			fmt.Fprintf(stderr, "knock: oauth2: go to %s and enter the code %s (it expires at %s)\n", d.VerificationURI, d.UserCode, d.Expiry.Format("15:04:05"))
			if d.VerificationURIComplete != "" {
				fmt.Fprintf(stderr, "  or open %s\n", d.VerificationURIComplete)
			}
		},
	}
	if _, err := o.FetchToken(ctx, ui); err != nil {
		return err
	}
	return nil
}
