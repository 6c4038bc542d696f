package workspace

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// SendInput is one send from the window or a command.
type SendInput struct {
	// Request is the request as edited, with its secret values filled.
	Request storage.Request
	// RequestID is the saved request it comes from; its folders and
	// collection give it their auth, default headers and variables. Empty
	// for a request outside any collection.
	RequestID string
	// EnvironmentID selects the environment; "" means none.
	EnvironmentID string
	// Progress, OnHeader and Sink are passed to the engine.
	Progress func(received, total int64)
	OnHeader func(*engine.Response)
	Sink     io.Writer
	// NoHistory leaves the send out of history.
	NoHistory bool
}

// Send sends a request with everything it inherits applied, and records it
// in history. A failed send is recorded too, with its error.
func (w *Workspace) Send(ctx context.Context, in SendInput) (*engine.Response, error) {
	prep, err := w.prepare(in)
	if err != nil {
		return nil, err
	}
	resp, sendErr := w.Engine.Send(ctx, prep.request, prep.options)
	if !in.NoHistory {
		w.record(in, prep, resp, sendErr)
	}
	return resp, sendErr
}

// prepared is a send with its inheritance, variables and settings applied.
type prepared struct {
	request storage.Request
	options engine.Options
	// secretValues are the values of secret variables, scrubbed from
	// history.
	secretValues []string
}

func (w *Workspace) prepare(in SendInput) (*prepared, error) {
	settings, err := w.DB.Settings()
	if err != nil {
		return nil, err
	}
	if err := w.DB.HydrateSettings(&settings); err != nil {
		return nil, err
	}
	p := &prepared{request: in.Request}
	vars := engine.Variables{}
	if globals, err := w.DB.Globals(); err == nil && globals != nil {
		if err := w.DB.HydrateEnvironment(globals); err != nil {
			return nil, err
		}
		vars.Globals = p.variables(globals.Variables)
	}
	if in.EnvironmentID != "" {
		env, err := w.DB.Environment(in.EnvironmentID)
		if err != nil {
			return nil, err
		}
		if err := w.DB.HydrateEnvironment(env); err != nil {
			return nil, err
		}
		vars.Environment = p.variables(env.Variables)
	}
	collectionID := ""
	if in.RequestID != "" {
		res, err := w.DB.Resolve(in.RequestID)
		if err != nil {
			return nil, err
		}
		if err := w.DB.HydrateResolved(res); err != nil {
			return nil, err
		}
		collectionID = res.CollectionID
		vars.Collection = p.variables(res.Variables)
		if p.request.Auth.Type == storage.AuthInherit {
			p.request.Auth = res.Inherited
		}
		p.request.Headers = withDefaultHeaders(res.Headers, p.request.Headers)
	}
	applySettings(&p.request.Settings, settings)
	p.options = engine.Options{
		Vars:         vars,
		CollectionID: collectionID,
		SchemeKey:    in.RequestID,
		Netrc:        settings.Netrc,
		ClientCerts:  clientCerts(settings.ClientCerts),
		Timeout:      time.Duration(settings.DefaultTimeoutMs) * time.Millisecond,
		Progress:     in.Progress,
		OnHeader:     in.OnHeader,
		Sink:         in.Sink,
	}
	return p, nil
}

// variables turns enabled variables into a scope, remembering the secret
// values so that history can scrub them.
func (p *prepared) variables(list []storage.Variable) map[string]string {
	m := make(map[string]string, len(list))
	for _, v := range list {
		if !v.Enabled {
			continue
		}
		m[v.Key] = v.Value
		if v.Secret && v.Value != "" {
			p.secretValues = append(p.secretValues, v.Value)
		}
	}
	return m
}

// withDefaultHeaders puts the inherited default headers the request does
// not set itself before its own.
func withDefaultHeaders(defaults, own []storage.KeyValue) []storage.KeyValue {
	var out []storage.KeyValue
	for _, d := range defaults {
		if !d.Enabled || hasHeader(own, d.Key) {
			continue
		}
		out = append(out, d)
	}
	return append(out, own...)
}

func hasHeader(rows []storage.KeyValue, key string) bool {
	for _, h := range rows {
		if h.Enabled && strings.EqualFold(h.Key, key) {
			return true
		}
	}
	return false
}

// applySettings fills what the request leaves to the application
// settings: TLS verification, the CA bundle and the proxy.
func applySettings(s *storage.Settings, app storage.AppSettings) {
	if app.TLS.Insecure {
		s.Insecure = true
	}
	if s.CAFile == "" {
		s.CAFile = app.CABundle
	}
	if s.Proxy == "" && app.Proxy.Mode == "manual" && app.Proxy.URL != "" {
		s.Proxy = app.Proxy.URL
		if app.Proxy.Username != "" && s.ProxyAuth == nil {
			s.ProxyAuth = &storage.AuthSpec{Type: "basic", Params: map[string]string{"username": app.Proxy.Username, "password": app.Proxy.Password}}
		}
	}
}

func clientCerts(list []storage.ClientCert) []authlib.ClientCert {
	out := make([]authlib.ClientCert, 0, len(list))
	for _, c := range list {
		out = append(out, authlib.ClientCert{Host: c.Host, CertFile: c.CertFile, KeyFile: c.KeyFile, Password: c.Password})
	}
	return out
}

// record adds the send to history. History is best effort: a failure to
// record never fails the send.
func (w *Workspace) record(in SendInput, p *prepared, resp *engine.Response, sendErr error) {
	snap := in.Request
	snap.ID = in.RequestID
	sum := storage.ResponseSummary{}
	var body io.Reader
	if sendErr != nil {
		sum.Error = sendErr.Error()
	} else {
		sum.Status = resp.Status
		sum.Proto = resp.Proto
		sum.Header = resp.Header
		sum.Timings = storage.Timings(resp.Timings)
		sum.WireSize = resp.WireSize
		sum.BodySize = resp.BodySize
		if resp.Body != nil {
			if rc, err := resp.Body.Open(); err == nil {
				defer rc.Close()
				body = rc
			}
		}
	}
	scrub := append([]string(nil), p.secretValues...)
	for _, v := range in.Request.Auth.Params {
		if v != "" {
			scrub = append(scrub, v)
		}
	}
	_, err := w.DB.History().Add(snap, sum, body, onlySecrets(in.Request.Auth, scrub)...)
	if err != nil && !errors.Is(err, context.Canceled) {
		w.lastHistoryErr.Store(err)
	}
}

// onlySecrets keeps, of the auth params, only the secret ones (and every
// other value given), so that history scrubs passwords but not user names.
func onlySecrets(a storage.AuthSpec, values []string) []string {
	public := map[string]bool{}
	for k, v := range a.Params {
		if !authlib.IsSecretParam(a.Type, k) {
			public[v] = true
		}
	}
	var out []string
	for _, v := range values {
		if !public[v] {
			out = append(out, v)
		}
	}
	return out
}
