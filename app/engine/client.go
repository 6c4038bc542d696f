package engine

import (
	"net/http"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// HTTPClient returns a client that goes through the same pooled transports
// as Send with these settings (TLS verification, CA file, client
// certificates, proxy and proxy auth), for requests Knock makes on the
// user's behalf, such as an OAuth 2 token request. It applies no auth
// scheme and records nothing.
func (e *Engine) HTTPClient(s storage.Settings, clientCerts []authlib.ClientCert) *http.Client {
	return &http.Client{Transport: &settingsTransport{rec: recorder{engine: e, settings: &s, clientCerts: clientCerts}}}
}

// settingsTransport picks the pooled transport for each request's host.
type settingsTransport struct {
	rec recorder // used for its transport choice only
}

func (t *settingsTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	cfg, err := t.rec.config(req.URL.Hostname())
	if err != nil {
		return nil, err
	}
	tr, err := t.rec.engine.transports.get(cfg)
	if err != nil {
		return nil, err
	}
	return tr.rt.RoundTrip(req)
}
