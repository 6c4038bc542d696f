package storage

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage/secrets"
)

// A slot is one place in a document that can hold a secret: an auth
// parameter, a variable, a password field. Documents list their slots, and
// one piece of code moves values to the secret store (dehydrate), fills
// them back (hydrate), and redacts them for history.
type slot struct {
	label  string // for messages: "auth password", "variable token"
	name   string // reference suffix ("auth.password"); "" for a random "var.<hex>"
	secret bool   // false: a variable no longer marked secret
	// mapped slots (auth params) tell "not loaded" (key absent) from
	// "cleared by the user" (key present, empty).
	mapped bool

	value      func() (string, bool)
	setValue   func(string)
	clearValue func()
	ref        func() string
	setRef     func(string)
}

// Owners prefix every reference a document owns: "request:<id>:",
// "folder:<id>:", "collection:<id>:", "environment:<id>:",
// "settings:app:", "draft:<tab id>:".
func ownerOf(kind, id string) string { return kind + ":" + id + ":" }

const (
	ownerKindRequest    = "request"
	ownerKindFolder     = "folder"
	ownerKindCollection = "collection"
	ownerKindEnv        = "environment"
	ownerKindDraft      = "draft"
	ownerSettings       = "settings:app:"
)

// newRef returns owner+name; a name that is empty or ends in "." gets a
// random suffix ("var." when empty), for fields that have no stable name
// of their own (variables, header rows, client certificates).
func newRef(owner, name string) string {
	if name == "" {
		name = "var."
	}
	if strings.HasSuffix(name, ".") {
		var b [4]byte
		_, _ = rand.Read(b[:])
		name += hex.EncodeToString(b[:])
	}
	return owner + name
}

// isSecretParam reports whether an auth parameter holds a secret. authlib
// decides for the methods and parameters it declares. For a method or a
// parameter it does not know (an import from another tool, a method not
// yet registered) the name decides, erring on the side of the keyring.
func isSecretParam(typ, name string) bool {
	if m, ok := authlib.Lookup(typ); ok {
		for _, p := range m.Params {
			if p.Name == name {
				return p.Secret
			}
		}
	}
	return looksSecret(typ, name)
}

func looksSecret(typ, name string) bool {
	n := strings.ToLower(name)
	for _, suffix := range []string{"url", "uri", "name", "type", "prefix", "location", "mode", "algorithm", "method", "in", "scope"} {
		if strings.HasSuffix(n, suffix) {
			return false
		}
	}
	if strings.EqualFold(typ, "apikey") && n == "value" {
		return true
	}
	for _, word := range []string{"password", "passwd", "secret", "token", "passphrase", "privatekey", "private_key", "authkey", "credential"} {
		if strings.Contains(n, word) {
			return true
		}
	}
	return false
}

// authSlots lists an auth spec's secret parameters, sorted by name. A
// reference whose parameter is not secret under the current type (the type
// changed) is listed as not secret, so that saving drops it.
func authSlots(a *AuthSpec, prefix, label string) []slot {
	if a == nil {
		return nil
	}
	names := map[string]bool{}
	for k := range a.Params {
		if isSecretParam(a.Type, k) {
			names[k] = true
		}
	}
	for k := range a.SecretRefs {
		names[k] = true
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	out := make([]slot, 0, len(sorted))
	for _, name := range sorted {
		out = append(out, slot{
			label:  label + " " + name,
			name:   prefix + name,
			secret: isSecretParam(a.Type, name),
			mapped: true,
			value: func() (string, bool) {
				v, ok := a.Params[name]
				return v, ok
			},
			setValue: func(v string) {
				if a.Params == nil {
					a.Params = map[string]string{}
				}
				a.Params[name] = v
			},
			clearValue: func() { delete(a.Params, name) },
			ref:        func() string { return a.SecretRefs[name] },
			setRef: func(r string) {
				if r == "" {
					delete(a.SecretRefs, name)
					return
				}
				if a.SecretRefs == nil {
					a.SecretRefs = map[string]string{}
				}
				a.SecretRefs[name] = r
			},
		})
	}
	return out
}

// stringSlot is a secret kept in a plain string field with a reference
// beside it.
func stringSlot(label, name string, value, ref *string) slot {
	return slot{
		label:      label,
		name:       name,
		secret:     true,
		value:      func() (string, bool) { return *value, *value != "" },
		setValue:   func(v string) { *value = v },
		clearValue: func() { *value = "" },
		ref:        func() string { return *ref },
		setRef:     func(r string) { *ref = r },
	}
}

// headerSlots treats the values of credential headers as secrets. A row
// whose name changed away from one keeps its value in the document.
func headerSlots(hs []KeyValue, label string) []slot {
	var out []slot
	for i := range hs {
		h := &hs[i]
		sensitive := isSensitiveHeader(h.Key)
		if !sensitive && h.SecretRef == "" {
			continue
		}
		s := stringSlot(label+" "+h.Key, "header.", &h.Value, &h.SecretRef)
		s.secret = sensitive
		out = append(out, s)
	}
	return out
}

func varSlots(vs []Variable, label string) []slot {
	out := make([]slot, 0, len(vs))
	for i := range vs {
		v := &vs[i]
		if !v.Secret && v.SecretRef == "" {
			continue
		}
		s := stringSlot(label+" "+v.Key, "", &v.Value, &v.SecretRef)
		s.secret = v.Secret
		out = append(out, s)
	}
	return out
}

// proxyURLSlot treats the password in a proxy URL's userinfo as a secret.
// On disk the URL keeps the user name only. A URL without a scheme
// ("user:pw@host:3128") is read as http.
func proxyURLSlot(label string, raw *string, ref *string) (slot, error) {
	parse := func() (*url.URL, bool, error) {
		s := *raw
		bare := !strings.Contains(s, "://")
		if bare {
			s = "http://" + s
		}
		u, err := url.Parse(s)
		return u, bare, err
	}
	format := func(u *url.URL, bare bool) string {
		s := u.String()
		if bare {
			s = strings.TrimPrefix(s, "http://")
		}
		return s
	}
	if *raw != "" {
		if _, _, err := parse(); err != nil && strings.Contains(*raw, "@") {
			// Never store what may hold a password in a form we cannot
			// take apart. The message does not quote the URL.
			return slot{}, fmt.Errorf("%w: %s: the URL cannot be parsed and may hold credentials", ErrInvalid, label)
		}
	}
	return slot{
		label:  label,
		name:   "proxyPassword",
		secret: true,
		value: func() (string, bool) {
			if *raw == "" {
				return "", false
			}
			u, _, err := parse()
			if err != nil || u.User == nil {
				return "", false
			}
			pw, ok := u.User.Password()
			return pw, ok && pw != ""
		},
		setValue: func(pw string) {
			u, bare, err := parse()
			if err != nil || u.Host == "" {
				return
			}
			user := ""
			if u.User != nil {
				user = u.User.Username()
			}
			u.User = url.UserPassword(user, pw)
			*raw = format(u, bare)
		},
		clearValue: func() {
			u, bare, err := parse()
			if err != nil || u.User == nil {
				return
			}
			u.User = url.User(u.User.Username())
			*raw = format(u, bare)
		},
		ref:    func() string { return *ref },
		setRef: func(r string) { *ref = r },
	}, nil
}

func requestSlots(r *Request) ([]slot, error) {
	slots := authSlots(&r.Auth, "auth.", "auth")
	slots = append(slots, headerSlots(r.Headers, "header")...)
	slots = append(slots, stringSlot("client certificate password", "clientCertPassword", &r.Settings.ClientCertPassword, &r.Settings.ClientCertPasswordRef))
	p, err := proxyURLSlot("proxy URL password", &r.Settings.Proxy, &r.Settings.ProxyPasswordRef)
	if err != nil {
		return nil, err
	}
	slots = append(slots, p)
	slots = append(slots, authSlots(r.Settings.ProxyAuth, "proxyAuth.", "proxy auth")...)
	// Saved examples (imported from Postman) may carry the request they
	// were recorded with, credentials included.
	for i := range r.Examples {
		ex := r.Examples[i].Request
		if ex == nil {
			continue
		}
		sub, err := requestSlots(ex)
		if err != nil {
			return nil, err
		}
		for j := range sub {
			sub[j].label = "example " + r.Examples[i].Name + ": " + sub[j].label
			sub[j].name = "example."
		}
		slots = append(slots, sub...)
	}
	return slots, nil
}

func containerSlots(a *AuthSpec, vs []Variable, hs []KeyValue) []slot {
	slots := append(authSlots(a, "auth.", "auth"), varSlots(vs, "variable")...)
	return append(slots, headerSlots(hs, "default header")...)
}

// dehydrate moves every secret value of slots into the secret store under a
// reference the owner owns, and clears the value. With adopt, a reference
// owned by another document (a duplicate, a request reopened from history)
// is copied to one of the owner's own, so that deleting the other document
// never takes this one's secret with it; a value that is gone is dropped.
func (db *DB) dehydrate(slots []slot, owner string, adopt bool) error {
	store := db.Secrets()
	need := func(label string) error {
		if store == nil {
			return fmt.Errorf("%w (%s)", ErrNoSecretStore, label)
		}
		return nil
	}
	for _, s := range slots {
		v, has := s.value()
		ref := s.ref()
		if !s.secret {
			// No longer secret: the value moves back into the document,
			// as the user asked by unmarking it.
			if ref == "" {
				continue
			}
			if !has {
				if err := need(s.label); err != nil {
					return err
				}
				val, err := store.Get(ref)
				if err != nil && !errors.Is(err, secrets.ErrNotFound) {
					return fmt.Errorf("storage: %s: %w", s.label, err)
				}
				if err == nil {
					s.setValue(val)
				}
			}
			s.setRef("")
			continue
		}
		switch {
		case has && v != "":
			if err := need(s.label); err != nil {
				return err
			}
			if ref == "" || !strings.HasPrefix(ref, owner) {
				ref = newRef(owner, s.name)
			}
			if err := store.Set(ref, v); err != nil {
				return fmt.Errorf("storage: saving %s: %w", s.label, err)
			}
			s.setRef(ref)
			s.clearValue()
		case has && s.mapped:
			// Present and empty: the user cleared it.
			s.setRef("")
			s.clearValue()
		case ref != "" && adopt && !strings.HasPrefix(ref, owner):
			if err := need(s.label); err != nil {
				return err
			}
			val, err := store.Get(ref)
			if errors.Is(err, secrets.ErrNotFound) {
				s.setRef("")
				continue
			}
			if err != nil {
				return fmt.Errorf("storage: copying %s: %w", s.label, err)
			}
			nref := newRef(owner, s.name)
			if err := store.Set(nref, val); err != nil {
				return fmt.Errorf("storage: copying %s: %w", s.label, err)
			}
			s.setRef(nref)
		}
	}
	return nil
}

// hydrate fills every slot that has a reference and no value from the
// secret store. Values the store does not have are reported together in a
// *MissingSecretsError after the others are filled.
func (db *DB) hydrate(slots []slot) error {
	var missing MissingSecretsError
	var store secrets.Store
	for _, s := range slots {
		ref := s.ref()
		if ref == "" {
			continue
		}
		if v, has := s.value(); has && (v != "" || s.mapped) {
			continue
		}
		if store == nil {
			if store = db.Secrets(); store == nil {
				return fmt.Errorf("%w (%s)", ErrNoSecretStore, s.label)
			}
		}
		v, err := store.Get(ref)
		if errors.Is(err, secrets.ErrNotFound) {
			missing.Fields = append(missing.Fields, s.label)
			missing.Refs = append(missing.Refs, ref)
			continue
		}
		if err != nil {
			return fmt.Errorf("storage: reading %s: %w", s.label, err)
		}
		s.setValue(v)
	}
	if len(missing.Fields) > 0 {
		return &missing
	}
	return nil
}

// ownedRefs lists the references in slots that owner owns.
func ownedRefs(slots []slot, owner string) []string {
	var out []string
	for _, s := range slots {
		if r := s.ref(); r != "" && strings.HasPrefix(r, owner) {
			out = append(out, r)
		}
	}
	return out
}

// deleteRefs removes references from the secret store, best effort: a
// reference that stays behind is only an unused keyring item, never a
// secret on disk.
func (db *DB) deleteRefs(refs []string) error {
	if len(refs) == 0 {
		return nil
	}
	store := db.Secrets()
	if store == nil {
		return ErrNoSecretStore
	}
	var errs []error
	for _, r := range refs {
		if err := store.Delete(r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// staleRefs returns the references in old that are not in new.
func staleRefs(old, new []string) []string {
	keep := map[string]bool{}
	for _, r := range new {
		keep[r] = true
	}
	var out []string
	for _, r := range old {
		if !keep[r] {
			out = append(out, r)
		}
	}
	return out
}

// copyRefs copies the references of from's slots into to's, slot by slot:
// after a save, the caller's in-memory document learns the references it
// was given while keeping its values.
func copyRefs(to, from []slot) {
	if len(to) != len(from) {
		return
	}
	for i := range to {
		to[i].setRef(from[i].ref())
		if !from[i].secret {
			// Unmarked secrets came back into the document.
			if v, has := from[i].value(); has {
				to[i].setValue(v)
			}
		}
	}
}
