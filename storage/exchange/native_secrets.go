package exchange

// Secrets in shared files. A native file never holds a secret value: each
// secret is replaced by a named reference, KNOCK_SECRET_<NAME>, written
// where the value would be (auth.secretRefs, a header's or a variable's
// secretRef, settings.clientCertPasswordRef, settings.proxyPasswordRef).
// On import every reference becomes a SecretNeed in the Report: the window
// asks for the value, the command line reads the environment variable of
// the same name, and Result.FillSecrets puts the values in place before
// the caller saves. References are never kept in imported documents, so a
// shared file cannot point Knock at a secret the user already has.

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// SecretNeed is a secret that an imported file names but does not hold.
type SecretNeed struct {
	// Name is the reference in the file, e.g. KNOCK_SECRET_PASSWORD. The
	// command line reads the environment variable of that name.
	Name string
	// Where lists the places that use it, e.g. "Users/List users: auth
	// password".
	Where []string

	set []func(string)
}

// FillSecrets puts secret values into the imported documents: lookup is
// asked for each needed name (os.LookupEnv, a map, a dialog). It returns
// the needs that lookup could not answer; those fields stay empty.
func (r *Result) FillSecrets(lookup func(name string) (string, bool)) []SecretNeed {
	var missing []SecretNeed
	for _, need := range r.Report.Secrets {
		v, ok := lookup(need.Name)
		if !ok {
			missing = append(missing, need)
			continue
		}
		for _, set := range need.set {
			set(v)
		}
	}
	return missing
}

// FillRequestSecrets replaces the secret references of a request read with
// ReadRequestFile by the values lookup gives, and removes the references.
// It returns the names lookup did not know.
func FillRequestSecrets(r *storage.Request, lookup func(name string) (string, bool)) (missing []string, err error) {
	set := &nativeNeedSet{}
	if err := set.request(r, r.Name); err != nil {
		return nil, err
	}
	res := Result{Report: Report{Secrets: set.list()}}
	for _, m := range res.FillSecrets(lookup) {
		missing = append(missing, m.Name)
	}
	return missing, nil
}

// nativeSecretPrefix starts every secret reference.
const nativeSecretPrefix = "KNOCK_SECRET_"

var nativeSecretNameRE = regexp.MustCompile(`^KNOCK_SECRET_[A-Z0-9_]{1,100}$`)

// nativeCheckSecretName accepts only KNOCK_SECRET_ names, so that a shared
// file cannot make the command line read (and send) an arbitrary
// environment variable such as HOME or AWS_SECRET_ACCESS_KEY.
func nativeCheckSecretName(where, name string) error {
	if !nativeSecretNameRE.MatchString(name) {
		return fmt.Errorf("%s: secret reference %s must be KNOCK_SECRET_ followed by capital letters, digits and _", where, nativeShort(name))
	}
	return nil
}

// nativeIsSecretParam reports whether an auth parameter holds a secret:
// authlib decides for the parameters it declares; for others the name
// decides, erring on the side of secrecy. It follows storage's rule, so
// that whatever the store keeps in the keyring never reaches a file.
func nativeIsSecretParam(typ, name string) bool {
	if m, ok := authlib.Lookup(typ); ok {
		for _, p := range m.Params {
			if p.Name == name {
				return p.Secret
			}
		}
	}
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

// nativeIsSensitiveHeader lists the headers whose values the store keeps
// as secrets.
func nativeIsSensitiveHeader(k string) bool {
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
		if strings.EqualFold(k, h) {
			return true
		}
	}
	return false
}

var nativeTemplateRE = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// nativeOnlyTemplates reports whether v is made only of {{variable}}
// references (and white space): safe to write, it holds no secret.
func nativeOnlyTemplates(v string) bool {
	if !strings.Contains(v, "{{") {
		return false
	}
	return strings.TrimSpace(nativeTemplateRE.ReplaceAllString(v, "")) == ""
}

// nativeHeaderIsTemplate reports whether a credential header's value is a
// scheme word and {{variable}} references only, e.g. "Bearer {{token}}".
func nativeHeaderIsTemplate(v string) bool {
	if !strings.Contains(v, "{{") {
		return false
	}
	rest := strings.TrimSpace(nativeTemplateRE.ReplaceAllString(v, " "))
	if rest == "" {
		return true
	}
	for _, r := range rest {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-') {
			return false
		}
	}
	return true
}

// nativeSecretNamer gives each secret of an export a reference name.
// Secrets with the same base name and the same value share a name (a team
// enters one password once); a different value gets _2, _3. When only a
// store reference is known (the document was not hydrated), slots that
// share a base name share the reference.
type nativeSecretNamer struct {
	byIdentity map[string]string
	taken      map[string]bool
	names      []string
}

func (n *nativeSecretNamer) name(base, value, ref string) string {
	if n.byIdentity == nil {
		n.byIdentity, n.taken = map[string]string{}, map[string]bool{}
	}
	var identity string
	switch {
	case value != "":
		identity = base + "\x00v\x00" + value
	case nativeSecretNameRE.MatchString(ref):
		identity = base + "\x00r\x00" + ref
		if !n.taken[ref] {
			n.taken[ref] = true
			n.names = append(n.names, ref)
		}
		n.byIdentity[identity] = ref
		return ref
	case ref != "":
		identity = base + "\x00shared"
	default:
		return "" // no value and no reference: nothing to name
	}
	if name, ok := n.byIdentity[identity]; ok {
		return name
	}
	name := base
	for i := 2; n.taken[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	n.taken[name] = true
	n.byIdentity[identity] = name
	n.names = append(n.names, name)
	return name
}

// nativeClone deep-copies a document through its JSON form.
func nativeClone[T any](v *T) *T {
	out := new(T)
	raw, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(raw, out)
	}
	if err != nil {
		panic("exchange: a document cannot be copied: " + err.Error())
	}
	return out
}

// nativeStripAuth replaces the secret parameters of a by references.
func nativeStripAuth(a *storage.AuthSpec, prefix string, n *nativeSecretNamer, isSecret func(string, string) bool) {
	if a == nil {
		return
	}
	refs := map[string]string{}
	names := map[string]bool{}
	for k := range a.Params {
		names[k] = true
	}
	for k := range a.SecretRefs {
		names[k] = true
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		v, has := a.Params[k]
		if !isSecret(a.Type, k) {
			continue // a reference on a parameter that is not secret is stale
		}
		if has && nativeOnlyTemplates(v) {
			continue
		}
		delete(a.Params, k)
		if name := n.name(SecretEnvName(prefix+k), v, a.SecretRefs[k]); name != "" {
			refs[k] = name
		}
	}
	a.SecretRefs = nil
	if len(refs) > 0 {
		a.SecretRefs = refs
	}
	if len(a.Params) == 0 {
		a.Params = nil
	}
}

func nativeStripHeaders(hs []storage.KeyValue, n *nativeSecretNamer) {
	for i := range hs {
		h := &hs[i]
		if !nativeIsSensitiveHeader(h.Key) || nativeHeaderIsTemplate(h.Value) {
			h.SecretRef = ""
			continue
		}
		h.SecretRef = n.name(SecretEnvName(h.Key), h.Value, h.SecretRef)
		h.Value = ""
	}
}

func nativeStripVariables(vs []storage.Variable, n *nativeSecretNamer) {
	for i := range vs {
		v := &vs[i]
		if !v.Secret {
			v.SecretRef = ""
			continue
		}
		if nativeOnlyTemplates(v.Value) {
			v.SecretRef = ""
			continue
		}
		v.SecretRef = n.name(SecretEnvName(v.Key), v.Value, v.SecretRef)
		v.Value = ""
	}
}

func nativeClearRowRefs(rows []storage.KeyValue) {
	for i := range rows {
		rows[i].SecretRef = ""
	}
}

// nativeStripRequest returns a copy of r without secret values or store
// references, and without its ID.
func nativeStripRequest(r *storage.Request, n *nativeSecretNamer, isSecret func(string, string) bool) *storage.Request {
	c := nativeClone(r)
	nativeStripRequestInPlace(c, n, isSecret)
	return c
}

func nativeStripRequestInPlace(c *storage.Request, n *nativeSecretNamer, isSecret func(string, string) bool) {
	c.ID = ""
	nativeStripAuth(&c.Auth, "", n, isSecret)
	nativeStripHeaders(c.Headers, n)
	nativeClearRowRefs(c.Params)
	nativeClearRowRefs(c.Body.Form)
	s := &c.Settings
	if s.ClientCertPassword != "" && nativeOnlyTemplates(s.ClientCertPassword) {
		s.ClientCertPasswordRef = ""
	} else {
		s.ClientCertPasswordRef = n.name(nativeSecretPrefix+"CLIENT_CERT_PASSWORD", s.ClientCertPassword, s.ClientCertPasswordRef)
		s.ClientCertPassword = ""
	}
	proxy, pw := nativeSplitProxyPassword(s.Proxy)
	if pw != "" && nativeOnlyTemplates(pw) {
		s.ProxyPasswordRef = ""
	} else {
		s.Proxy = proxy
		s.ProxyPasswordRef = n.name(nativeSecretPrefix+"PROXY_URL_PASSWORD", pw, s.ProxyPasswordRef)
	}
	nativeStripAuth(s.ProxyAuth, "proxy_", n, isSecret)
	for i := range c.Examples {
		e := &c.Examples[i]
		for j := range e.Header {
			e.Header[j].SecretRef = ""
			if nativeIsSensitiveHeader(e.Header[j].Key) && !nativeHeaderIsTemplate(e.Header[j].Value) {
				e.Header[j].Value = ""
			}
		}
		if e.Request != nil {
			// An example's request is a record, not something to send:
			// its secrets are dropped without a reference.
			nativeStripRequestInPlace(e.Request, &nativeSecretNamer{}, isSecret)
			nativeDropRefs(e.Request)
		}
	}
}

// nativeDropRefs clears every secret reference of a request.
func nativeDropRefs(r *storage.Request) {
	r.Auth.SecretRefs = nil
	nativeClearRowRefs(r.Headers)
	nativeClearRowRefs(r.Params)
	nativeClearRowRefs(r.Body.Form)
	r.Settings.ClientCertPasswordRef = ""
	r.Settings.ProxyPasswordRef = ""
	if r.Settings.ProxyAuth != nil {
		r.Settings.ProxyAuth.SecretRefs = nil
	}
	for i := range r.Examples {
		nativeClearRowRefs(r.Examples[i].Header)
		if r.Examples[i].Request != nil {
			nativeDropRefs(r.Examples[i].Request)
		}
	}
}

// nativeSplitProxyPassword removes the password from a proxy URL's
// userinfo and returns it. A URL without a scheme is read as http, as the
// store does.
func nativeSplitProxyPassword(raw string) (stripped, password string) {
	if raw == "" || !strings.Contains(raw, "@") {
		return raw, ""
	}
	s, bare := raw, !strings.Contains(raw, "://")
	if bare {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		if err != nil {
			return "", "" // cannot be taken apart: may hold credentials, drop it
		}
		return raw, ""
	}
	pw, ok := u.User.Password()
	if !ok {
		return raw, ""
	}
	u.User = url.User(u.User.Username())
	out := u.String()
	if bare {
		out = strings.TrimPrefix(out, "http://")
	}
	return out, pw
}

// SetProxyPassword puts a password into a proxy URL's userinfo (a URL
// without a scheme keeps none). An unparsable URL is returned as it is.
func SetProxyPassword(raw, password string) string {
	s, bare := raw, !strings.Contains(raw, "://")
	if bare {
		s = "http://" + s
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return raw
	}
	user := ""
	if u.User != nil {
		user = u.User.Username()
	}
	u.User = url.UserPassword(user, password)
	out := u.String()
	if bare {
		out = strings.TrimPrefix(out, "http://")
	}
	return out
}

// nativeNeedSet gathers the secret references of imported documents into
// SecretNeeds, and removes the references from the documents.
type nativeNeedSet struct {
	byName map[string]*SecretNeed
	order  []string
}

func (s *nativeNeedSet) add(name, where string, set func(string)) error {
	if err := nativeCheckSecretName(where, name); err != nil {
		return err
	}
	if s.byName == nil {
		s.byName = map[string]*SecretNeed{}
	}
	n := s.byName[name]
	if n == nil {
		n = &SecretNeed{Name: name}
		s.byName[name] = n
		s.order = append(s.order, name)
	}
	n.Where = append(n.Where, where)
	n.set = append(n.set, set)
	return nil
}

func (s *nativeNeedSet) list() []SecretNeed {
	out := make([]SecretNeed, 0, len(s.order))
	for _, name := range s.order {
		out = append(out, *s.byName[name])
	}
	return out
}

func (s *nativeNeedSet) auth(a *storage.AuthSpec, where, label string) error {
	if a == nil {
		return nil
	}
	params := make([]string, 0, len(a.SecretRefs))
	for k := range a.SecretRefs {
		params = append(params, k)
	}
	sort.Strings(params)
	for _, k := range params {
		k := k
		if err := s.add(a.SecretRefs[k], where+": "+label+" "+k, func(v string) {
			if a.Params == nil {
				a.Params = map[string]string{}
			}
			a.Params[k] = v
		}); err != nil {
			return err
		}
	}
	a.SecretRefs = nil
	return nil
}

func (s *nativeNeedSet) headers(hs []storage.KeyValue, where, label string) error {
	for i := range hs {
		h := &hs[i]
		if h.SecretRef == "" {
			continue
		}
		if err := s.add(h.SecretRef, where+": "+label+" "+h.Key, func(v string) { h.Value = v }); err != nil {
			return err
		}
		h.SecretRef = ""
	}
	return nil
}

func (s *nativeNeedSet) variables(vs []storage.Variable, where string) error {
	for i := range vs {
		v := &vs[i]
		if v.SecretRef == "" {
			continue
		}
		if err := s.add(v.SecretRef, where+": variable "+v.Key, func(val string) { v.Value = val }); err != nil {
			return err
		}
		v.SecretRef = ""
	}
	return nil
}

func (s *nativeNeedSet) request(r *storage.Request, where string) error {
	if err := s.auth(&r.Auth, where, "auth"); err != nil {
		return err
	}
	if err := s.headers(r.Headers, where, "header"); err != nil {
		return err
	}
	st := &r.Settings
	if st.ClientCertPasswordRef != "" {
		if err := s.add(st.ClientCertPasswordRef, where+": client certificate password", func(v string) { st.ClientCertPassword = v }); err != nil {
			return err
		}
		st.ClientCertPasswordRef = ""
	}
	if st.ProxyPasswordRef != "" {
		if err := s.add(st.ProxyPasswordRef, where+": proxy password", func(v string) { st.Proxy = SetProxyPassword(st.Proxy, v) }); err != nil {
			return err
		}
		st.ProxyPasswordRef = ""
	}
	if err := s.auth(st.ProxyAuth, where, "proxy auth"); err != nil {
		return err
	}
	// References nowhere else are meaningful: drop them.
	nativeDropRefs(r)
	return nil
}

func (s *nativeNeedSet) container(a *storage.AuthSpec, vs []storage.Variable, hs []storage.KeyValue, where string) error {
	if err := s.auth(a, where, "auth"); err != nil {
		return err
	}
	if err := s.variables(vs, where); err != nil {
		return err
	}
	return s.headers(hs, where, "default header")
}

// tree gathers the needs of a whole import.
func (s *nativeNeedSet) tree(items []storage.TreeItem, parent string) error {
	for i := range items {
		it := &items[i]
		switch {
		case it.Folder != nil:
			where := nativePathJoin(parent, it.Folder.Name)
			if err := s.container(&it.Folder.Auth, it.Folder.Variables, it.Folder.Headers, where); err != nil {
				return err
			}
			if err := s.tree(it.Children, where); err != nil {
				return err
			}
		case it.Request != nil:
			if err := s.request(it.Request, nativePathJoin(parent, it.Request.Name)); err != nil {
				return err
			}
		}
	}
	return nil
}

func nativePathJoin(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "/" + name
}
