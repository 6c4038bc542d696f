package authlib

// OAuth 2.0 device authorization grant, RFC 8628.
//
// Supported: the device authorization request (§3.1) with the client
// authentication of RFC 6749 §2.3.1 (x/oauth2 sends client_id only; the
// Basic header is added by the token transport, client_secret by a body
// parameter), scope, audience, resource and extra parameters; the user code
// and verification URI, with verification_uri_complete when the server gives
// one, shown through [OAuth2Interaction.DeviceCode] (§3.3); polling of the
// token endpoint (§3.4) at the server's interval (5 s when it gives none),
// 5 s slower after each slow_down, continuing on authorization_pending, and
// stopping on access_denied, expired_token or when expires_in has passed
// (§3.5). The polling itself is x/oauth2's Config.DeviceAccessToken.
//
// Not supported: showing a QR code (the window may draw one from
// VerificationURIComplete).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/oauth2"
)

// oauth2DeviceMaxWait bounds the polling when the server gives no
// expires_in, which RFC 8628 §3.2 requires it to.
const oauth2DeviceMaxWait = 15 * time.Minute

// OAuth2DeviceCode is what the user needs to approve a device (RFC 8628
// §3.2, §3.3).
type OAuth2DeviceCode struct {
	// VerificationURI is where the user goes to enter UserCode.
	VerificationURI string
	// VerificationURIComplete, when the server gives it, already includes
	// the code (for a link or a QR code).
	VerificationURIComplete string
	// UserCode is what the user types.
	UserCode string
	// Expiry is when the code stops working.
	Expiry time.Time
	// Interval is how often Knock asks the server whether the user has
	// approved.
	Interval time.Duration
}

// fetchDevice runs the device authorization grant.
func (o *OAuth2) fetchDevice(ctx context.Context, hc *http.Client, tr *Trace, ui *OAuth2Interaction) (*oauth2.Token, error) {
	if err := o.need("deviceAuthUrl", "accessTokenUrl", "clientId"); err != nil {
		return nil, err
	}
	if ui.DeviceCode == nil {
		return nil, errors.New("authlib: oauth2: the device_code grant needs a way to show the user code (OAuth2Interaction.DeviceCode)")
	}
	cfg := o.xConfig(o.c.tokenURL)
	xctx := o.xContext(ctx, hc)
	opts := o.extraOpts()
	authOpts := opts
	if o.authStyle() == oauth2.AuthStyleInParams && o.c.clientSecret != "" {
		authOpts = append(append([]oauth2.AuthCodeOption(nil), opts...), oauth2.SetAuthURLParam("client_secret", o.c.clientSecret))
	}
	da, err := cfg.DeviceAuth(xctx, authOpts...)
	if err != nil {
		return nil, o.serverError("device authorization request (RFC 8628 §3.1)", err)
	}
	switch {
	case da.DeviceCode == "":
		return nil, errors.New("authlib: oauth2: the device authorization response has no device_code (RFC 8628 §3.2)")
	case da.UserCode == "":
		return nil, errors.New("authlib: oauth2: the device authorization response has no user_code (RFC 8628 §3.2)")
	case da.VerificationURI == "":
		return nil, errors.New("authlib: oauth2: the device authorization response has no verification_uri (RFC 8628 §3.2)")
	}
	if da.Interval < 0 {
		da.Interval = 0
	}
	start := o.now()
	if da.Expiry.IsZero() || da.Expiry.Sub(start) > oauth2DeviceMaxWait {
		da.Expiry = start.Add(oauth2DeviceMaxWait)
	}
	interval := time.Duration(da.Interval) * time.Second
	if interval == 0 {
		interval = 5 * time.Second // RFC 8628 §3.2's default, as x/oauth2 applies it
	}
	ui.DeviceCode(OAuth2DeviceCode{
		VerificationURI:         da.VerificationURI,
		VerificationURIComplete: da.VerificationURIComplete,
		UserCode:                da.UserCode,
		Expiry:                  da.Expiry,
		Interval:                interval,
	})
	tr.Add("oauth2", "Waiting for the user to approve (RFC 8628 §3.3, §3.4)",
		F("verification_uri", da.VerificationURI), F("user_code", da.UserCode),
		F("polling every", interval.String()), F("until", da.Expiry.Local().Format(time.DateTime)))

	tok, err := cfg.DeviceAccessToken(xctx, da, opts...)
	if err == nil {
		return tok, nil
	}
	var re *oauth2.RetrieveError
	switch {
	case errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil:
		return nil, fmt.Errorf("authlib: oauth2: the user code %s expired after %v without being approved (RFC 8628 §3.5 expires_in); start again", da.UserCode, da.Expiry.Sub(start).Round(time.Second))
	case ctx.Err() != nil:
		return nil, fmt.Errorf("authlib: oauth2: stopped waiting for the device to be approved: %w", ctx.Err())
	case errors.As(err, &re) && re.ErrorCode == "access_denied":
		return nil, &oauth2Error{msg: "authlib: oauth2: the user denied the device authorization request (RFC 8628 §3.5 access_denied)", err: err}
	case errors.As(err, &re) && re.ErrorCode == "expired_token":
		return nil, &oauth2Error{msg: "authlib: oauth2: the device code expired before the user approved it (RFC 8628 §3.5 expired_token); start again", err: err}
	}
	return nil, o.serverError("device access token request (RFC 8628 §3.4)", err, da.DeviceCode)
}
