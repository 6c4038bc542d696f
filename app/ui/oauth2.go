package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/knockhttp/knock/app/ui/editor"
	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// The OAuth 2 hooks of the request editor. They run on goroutines the
// editor starts; tokens live in the secret store through authlib's token
// cache (see workspace.attach).

// oauth2Scheme builds the scheme whose token cache the hooks work on. Its
// token requests go through the engine's transports, so the settings'
// CA bundle, TLS default and proxy apply to them.
func (k *Window) oauth2Scheme(params map[string]string) (*authlib.OAuth2, error) {
	s, err := authlib.New("oauth2", params)
	if err != nil {
		return nil, err
	}
	o, ok := s.(*authlib.OAuth2)
	if !ok {
		return nil, errors.New("oauth2: unexpected scheme type")
	}
	st := storage.Settings{}
	if app, err := k.ws.DB.Settings(); err == nil {
		st.Insecure, st.CAFile = app.TLS.Insecure, app.CABundle
		if app.Proxy.Mode == "manual" {
			st.Proxy = app.Proxy.URL
		}
	}
	o.SetHTTPClient(k.ws.Engine.HTTPClient(st, nil))
	return o, nil
}

func (k *Window) oauth2GetToken(ctx context.Context, params map[string]string, progress func(string)) (editor.TokenInfo, error) {
	o, err := k.oauth2Scheme(params)
	if err != nil {
		return editor.TokenInfo{}, err
	}
	ui := authlib.OAuth2Interaction{
		ShowURL: func(url string) { progress("Sign in in your browser; waiting for the redirect… (" + url + ")") },
		DeviceCode: func(d authlib.OAuth2DeviceCode) {
			progress(fmt.Sprintf("Go to %s and enter the code %s", d.VerificationURI, d.UserCode))
		},
	}
	progress("Requesting a token…")
	if _, err := o.FetchToken(ctx, ui); err != nil {
		return editor.TokenInfo{}, err
	}
	return cachedTokenInfo(o)
}

func (k *Window) oauth2Refresh(ctx context.Context, params map[string]string, progress func(string)) (editor.TokenInfo, error) {
	o, err := k.oauth2Scheme(params)
	if err != nil {
		return editor.TokenInfo{}, err
	}
	progress("Refreshing the token…")
	if _, err := o.Refresh(ctx); err != nil {
		return editor.TokenInfo{}, err
	}
	return cachedTokenInfo(o)
}

func (k *Window) oauth2Clear(ctx context.Context, params map[string]string) error {
	o, err := k.oauth2Scheme(params)
	if err != nil {
		return err
	}
	return o.ForgetToken()
}

func (k *Window) oauth2Cached(ctx context.Context, params map[string]string) (editor.TokenInfo, bool, error) {
	o, err := k.oauth2Scheme(params)
	if err != nil {
		return editor.TokenInfo{}, false, err
	}
	info, err := cachedTokenInfo(o)
	if errors.Is(err, authlib.ErrTokenNotCached) {
		return editor.TokenInfo{}, false, nil
	}
	return info, err == nil, err
}

// cachedTokenInfo describes the cached token for the inspector: masked,
// with the claims of a JWT decoded.
func cachedTokenInfo(o *authlib.OAuth2) (editor.TokenInfo, error) {
	t, err := o.CachedToken()
	if err != nil {
		return editor.TokenInfo{}, err
	}
	info := editor.TokenInfo{
		AccessToken:     authlib.Mask(t.AccessToken),
		TokenType:       t.TokenType,
		Expiry:          t.Expiry,
		HasRefreshToken: t.RefreshToken != "",
	}
	if t.Scope != "" {
		info.Scopes = strings.Fields(t.Scope)
	}
	if jwt, err := authlib.InspectOAuth2Token(t.AccessToken); err == nil {
		info.Claims = jwt.Claims
	}
	return info, nil
}
