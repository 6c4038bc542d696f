package foldersync

// Secrets across the sync boundary. A stored document holds secret-store
// references ("request:<id>:auth.password"); a file holds KNOCK_SECRET_
// names. Neither side ever holds a value here. Each secret has a place
// (its slot key, such as "auth.password" or "header.authorization#0"),
// and the syncer remembers, per file, the name the file gives each place
// (storage.SyncFile.Secrets):
//
//   - taking a file in, a place that keeps its name keeps the stored
//     reference (and so the value this machine has); a new or renamed
//     name has no value here: it is asked of Options.SecretLookup, or
//     reported as needed;
//   - writing a file out, each place gets back the name the file had,
//     also for secrets this machine has no value for, so a save never
//     drops a teammate's reference from the shared file.

import (
	"fmt"
	"strings"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

const secretPrefix = "KNOCK_SECRET_"

// isFileName tells a file's KNOCK_SECRET_ name from a store reference.
func isFileName(ref string) bool { return strings.HasPrefix(ref, secretPrefix) }

// slot is one place of a document that can hold a secret.
type slot struct {
	key string
	ref func() string
	// setRef sets the reference; "" removes it.
	setRef func(string)
	// setValue puts a value in (it goes to the secret store on save).
	setValue func(string)
	// applies reports whether the place still exists in the document
	// (a header row with that name, a secret variable, a declared auth
	// parameter) for a name to be written back without a reference.
	applies bool
}

func authSlots(a *storage.AuthSpec, prefix string, names map[string]string) []slot {
	if a == nil {
		return nil
	}
	keys := map[string]bool{}
	for k := range a.SecretRefs {
		keys[k] = true
	}
	for k := range names {
		if p, ok := strings.CutPrefix(k, prefix); ok && !strings.ContainsAny(p, ".#") {
			keys[p] = true
		}
	}
	var out []slot
	for p := range keys {
		out = append(out, slot{
			key: prefix + p,
			ref: func() string { return a.SecretRefs[p] },
			setRef: func(r string) {
				if r == "" {
					delete(a.SecretRefs, p)
					if len(a.SecretRefs) == 0 {
						a.SecretRefs = nil
					}
					return
				}
				if a.SecretRefs == nil {
					a.SecretRefs = map[string]string{}
				}
				a.SecretRefs[p] = r
			},
			setValue: func(v string) {
				if a.Params == nil {
					a.Params = map[string]string{}
				}
				a.Params[p] = v
			},
			applies: authParamApplies(a, p),
		})
	}
	return out
}

// authParamApplies reports whether parameter p belongs to a's method and
// holds no value of its own.
func authParamApplies(a *storage.AuthSpec, p string) bool {
	if _, has := a.Params[p]; has || a.IsNone() || a.Type == storage.AuthInherit {
		return false
	}
	m, ok := authlib.Lookup(a.Type)
	if !ok {
		return true // a method Knock does not know: keep what the file says
	}
	for _, mp := range m.Params {
		if mp.Name == p {
			return mp.Secret
		}
	}
	return false
}

func headerSlots(hs []storage.KeyValue, prefix string) []slot {
	seen := map[string]int{}
	var out []slot
	for i := range hs {
		h := &hs[i]
		k := strings.ToLower(h.Key)
		n := seen[k]
		seen[k]++
		out = append(out, slot{
			key:      fmt.Sprintf("%s%s#%d", prefix, k, n),
			ref:      func() string { return h.SecretRef },
			setRef:   func(r string) { h.SecretRef = r },
			setValue: func(v string) { h.Value = v },
			applies:  h.Value == "" && sensitiveHeader(h.Key),
		})
	}
	return out
}

func sensitiveHeader(k string) bool {
	return strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Proxy-Authorization") || strings.EqualFold(k, "Cookie")
}

func varSlots(vs []storage.Variable) []slot {
	var out []slot
	for i := range vs {
		v := &vs[i]
		out = append(out, slot{
			key:      "var." + v.Key,
			ref:      func() string { return v.SecretRef },
			setRef:   func(r string) { v.SecretRef = r },
			setValue: func(val string) { v.Value = val },
			applies:  v.Secret && v.Value == "",
		})
	}
	return out
}

func stringSlot(key string, value, ref *string, applies bool) slot {
	return slot{
		key:      key,
		ref:      func() string { return *ref },
		setRef:   func(r string) { *ref = r },
		setValue: func(v string) { *value = v },
		applies:  applies,
	}
}

// requestSlots lists a request's secret places. names (may be nil) adds
// the auth parameters a file named that the document no longer holds.
func requestSlots(r *storage.Request, names map[string]string) []slot {
	out := authSlots(&r.Auth, "auth.", names)
	out = append(out, headerSlots(r.Headers, "header.")...)
	s := &r.Settings
	out = append(out, stringSlot("clientCertPassword", &s.ClientCertPassword, &s.ClientCertPasswordRef, s.ClientCert != "" && s.ClientCertPassword == ""))
	out = append(out, slot{
		key:    "proxyPassword",
		ref:    func() string { return s.ProxyPasswordRef },
		setRef: func(v string) { s.ProxyPasswordRef = v },
		// A value for the proxy password goes into the URL, where the
		// store takes it from on save.
		setValue: func(v string) { s.Proxy = exchange.SetProxyPassword(s.Proxy, v) },
		applies:  s.Proxy != "",
	})
	out = append(out, authSlots(s.ProxyAuth, "proxyAuth.", names)...)
	return out
}

func containerSlots(a *storage.AuthSpec, vs []storage.Variable, hs []storage.KeyValue, names map[string]string) []slot {
	out := authSlots(a, "auth.", names)
	out = append(out, varSlots(vs)...)
	return append(out, headerSlots(hs, "header.")...)
}

// fileNames returns the KNOCK_SECRET_ names of a document read from a
// file, by place.
func fileNames(slots []slot) map[string]string {
	var out map[string]string
	for _, s := range slots {
		if r := s.ref(); isFileName(r) {
			if out == nil {
				out = map[string]string{}
			}
			out[s.key] = r
		}
	}
	return out
}

// adopt turns the names of a document read from a file into references
// of the stored document it updates: a place whose name did not change
// keeps the stored reference (old may be nil for a new document); any
// other name is looked up (a value to save) or, failing that, returned as
// needed, and the place is left empty. oldNames are the names the file
// had at the last sync.
func adopt(disk, old []slot, oldNames map[string]string, lookup func(string) (string, bool)) (needed []string) {
	stored := map[string]string{}
	for _, s := range old {
		if r := s.ref(); r != "" && !isFileName(r) {
			stored[s.key] = r
		}
	}
	for _, s := range disk {
		name := s.ref()
		if !isFileName(name) {
			s.setRef("")
			continue
		}
		if ref, ok := stored[s.key]; ok && (oldNames[s.key] == "" || oldNames[s.key] == name) {
			s.setRef(ref)
			continue
		}
		s.setRef("")
		if lookup != nil {
			if v, ok := lookup(name); ok {
				s.setValue(v)
				continue
			}
		}
		needed = append(needed, name)
	}
	return needed
}

// nameForFile puts the names a file had back into a stored document
// before it is written: stored references become the file's names, and
// places with no value here get their name back. Places the file never
// named keep their references, and the exporter names them.
func nameForFile(slots []slot, names map[string]string) {
	for _, s := range slots {
		name := names[s.key]
		if name == "" {
			continue
		}
		switch r := s.ref(); {
		case r != "" && !isFileName(r):
			s.setRef(name)
		case r == "" && s.applies:
			s.setRef(name)
		}
	}
}
