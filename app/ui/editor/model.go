package editor

import (
	"maps"
	"slices"

	"github.com/knockhttp/knock/storage"
)

// cloneRequest copies r deeply, so that the editor and whoever holds the
// copy (a send running on another goroutine) share no slice or map.
func cloneRequest(r storage.Request) storage.Request {
	r.Params = slices.Clone(r.Params)
	r.Headers = slices.Clone(r.Headers)
	r.Assertions = slices.Clone(r.Assertions)
	r.Scripts = slices.Clone(r.Scripts)
	r.Examples = slices.Clone(r.Examples)
	r.Body.Form = slices.Clone(r.Body.Form)
	r.Body.Multipart = slices.Clone(r.Body.Multipart)
	if r.Body.GraphQL != nil {
		g := *r.Body.GraphQL
		r.Body.GraphQL = &g
	}
	r.Auth = cloneAuth(r.Auth)
	if r.Settings.ProxyAuth != nil {
		pa := cloneAuth(*r.Settings.ProxyAuth)
		r.Settings.ProxyAuth = &pa
	}
	return r
}

func cloneAuth(a storage.AuthSpec) storage.AuthSpec {
	a.Params = maps.Clone(a.Params)
	a.SecretRefs = maps.Clone(a.SecretRefs)
	return a
}
