package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// ensureOAuth2Token gets a token before the send when the request uses an
// OAuth 2 grant that needs the user (a browser or a device code) and no
// usable token is cached. Grants without the user (client credentials,
// password, refresh) are left to the scheme, which fetches them itself.
// The browser URL and the device code are printed to stderr, so the
// command works on a machine without a browser too.
func ensureOAuth2Token(ctx context.Context, a storage.AuthSpec, stderr io.Writer) error {
	if a.Type != "oauth2" || a.Params["accessToken"] != "" {
		return nil
	}
	s, err := authlib.New("oauth2", a.Params)
	if err != nil {
		return err
	}
	o, ok := s.(*authlib.OAuth2)
	if !ok || !o.Interactive() {
		return nil
	}
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
