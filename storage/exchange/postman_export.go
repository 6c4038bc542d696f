package exchange

// Postman export: a collection as a Postman Collection v2.1 file that
// validates against the official schema (shared/schemas/postman-
// collection-v2.1).
//
// Secrets are not exported. A secret auth parameter, a credential header
// (Authorization, Proxy-Authorization, Cookie) or a secret variable is
// written as a variable reference, {{KNOCK_SECRET_<NAME>}} (the names of
// the native format): in Postman, define those variables in an
// environment; importing the file back into Knock turns them into
// secrets to fill in. Values that are already only {{variable}}
// references are written as they are.
//
// Not exported, and reported: auth types Postman's schema does not have
// (jwt, negotiate, netrc; the "header" auth becomes a request header),
// assertions, timeouts, the CA file, netrc settings.

import (
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// PostmanSchema is the schema URL written in exported collections.
const PostmanSchema = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

type postmanOutCollection struct {
	Info     postmanOutInfo       `json:"info"`
	Item     []any                `json:"item"`
	Auth     *postmanOutAuth      `json:"auth,omitempty"`
	Event    []postmanOutEvent    `json:"event,omitempty"`
	Variable []postmanOutVariable `json:"variable,omitempty"`
}

type postmanOutInfo struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema"`
}

type postmanOutFolder struct {
	Name        string               `json:"name"`
	Description string               `json:"description,omitempty"`
	Item        []any                `json:"item"`
	Auth        *postmanOutAuth      `json:"auth,omitempty"`
	Event       []postmanOutEvent    `json:"event,omitempty"`
	Variable    []postmanOutVariable `json:"variable,omitempty"`
}

type postmanOutItem struct {
	Name                    string               `json:"name"`
	Event                   []postmanOutEvent    `json:"event,omitempty"`
	ProtocolProfileBehavior map[string]any       `json:"protocolProfileBehavior,omitempty"`
	Request                 postmanOutRequest    `json:"request"`
	Response                []postmanOutResponse `json:"response"`
}

type postmanOutRequest struct {
	Auth        *postmanOutAuth  `json:"auth,omitempty"`
	Method      string           `json:"method"`
	Header      []postmanOutKV   `json:"header"`
	Body        *postmanOutBody  `json:"body,omitempty"`
	URL         postmanOutURL    `json:"url"`
	Description string           `json:"description,omitempty"`
	Proxy       *postmanOutProxy `json:"proxy,omitempty"`
	Certificate *postmanOutCert  `json:"certificate,omitempty"`
}

type postmanOutKV struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Type     string `json:"type,omitempty"`
	Disabled bool   `json:"disabled,omitempty"`
}

type postmanOutURL struct {
	Raw   string         `json:"raw"`
	Query []postmanOutKV `json:"query,omitempty"`
}

type postmanOutBody struct {
	Mode       string           `json:"mode"`
	Raw        *string          `json:"raw,omitempty"`
	URLEncoded []postmanOutKV   `json:"urlencoded,omitempty"`
	FormData   []postmanOutForm `json:"formdata,omitempty"`
	File       *postmanOutFile  `json:"file,omitempty"`
	GraphQL    *postmanOutGQL   `json:"graphql,omitempty"`
	Options    *postmanOutOpts  `json:"options,omitempty"`
	Disabled   bool             `json:"disabled,omitempty"`
}

type postmanOutForm struct {
	Key         string `json:"key"`
	Value       string `json:"value,omitempty"`
	Src         string `json:"src,omitempty"`
	Type        string `json:"type"`
	ContentType string `json:"contentType,omitempty"`
	Disabled    bool   `json:"disabled,omitempty"`
}

type postmanOutFile struct {
	Src string `json:"src"`
}

type postmanOutGQL struct {
	Query         string `json:"query"`
	Variables     string `json:"variables,omitempty"`
	OperationName string `json:"operationName,omitempty"`
}

type postmanOutOpts struct {
	Raw postmanOutLang `json:"raw"`
}

type postmanOutLang struct {
	Language string `json:"language"`
}

type postmanOutAuth struct {
	Type   string
	Params []postmanOutKV
}

// MarshalJSON writes {"type": T, T: [params]}, Postman's auth shape.
func (a *postmanOutAuth) MarshalJSON() ([]byte, error) {
	if a.Type == "noauth" {
		return []byte(`{"type":"noauth"}`), nil
	}
	var b strings.Builder
	b.WriteString(`{"type":`)
	b.Write(nativeQuote(a.Type))
	b.WriteString(",")
	b.Write(nativeQuote(a.Type))
	b.WriteString(":[")
	for i, p := range a.Params {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"key":`)
		b.Write(nativeQuote(p.Key))
		b.WriteString(`,"value":`)
		b.Write(nativeQuote(p.Value))
		b.WriteString(`,"type":"string"}`)
	}
	b.WriteString("]}")
	return []byte(b.String()), nil
}

type postmanOutEvent struct {
	Listen string           `json:"listen"`
	Script postmanOutScript `json:"script"`
}

type postmanOutScript struct {
	Type string   `json:"type"`
	Exec []string `json:"exec"`
}

type postmanOutVariable struct {
	Key      string `json:"key"`
	Value    string `json:"value"`
	Type     string `json:"type"`
	Disabled bool   `json:"disabled,omitempty"`
}

type postmanOutResponse struct {
	Name            string             `json:"name"`
	OriginalRequest *postmanOutRequest `json:"originalRequest,omitempty"`
	Status          string             `json:"status,omitempty"`
	Code            int                `json:"code,omitempty"`
	Header          []postmanOutKV     `json:"header"`
	Body            string             `json:"body"`
}

type postmanOutProxy struct {
	Host string `json:"host"`
	Port int    `json:"port,omitempty"`
}

type postmanOutCert struct {
	Cert       *postmanOutFile `json:"cert,omitempty"`
	Key        *postmanOutFile `json:"key,omitempty"`
	Passphrase string          `json:"passphrase,omitempty"`
}

// postmanAuthTypes are the auth types Postman's v2.1 schema allows.
var postmanAuthTypes = map[string]bool{
	"apikey": true, "awsv4": true, "basic": true, "bearer": true, "digest": true,
	"edgegrid": true, "hawk": true, "noauth": true, "oauth1": true, "oauth2": true, "ntlm": true,
}

// postmanExporter carries the secret names and the report.
type postmanExporter struct {
	namer   nativeSecretNamer
	skipped []Skip
}

func (e *postmanExporter) skipf(item, format string, a ...any) {
	r := Report{}
	r.Skipf(item, format, a...)
	e.skipped = append(e.skipped, r.Skipped...)
}

// ExportPostman writes a collection as a Postman Collection v2.1 file. It
// returns the file and what could not be carried over.
func ExportPostman(c *storage.Collection, items []storage.TreeItem) ([]byte, []Skip, error) {
	e := &postmanExporter{}
	out := postmanOutCollection{
		Info:     postmanOutInfo{Name: c.Name, Description: c.Description, Schema: PostmanSchema},
		Auth:     e.auth(c.Auth, c.Name, false),
		Event:    postmanOutEvents(c.Scripts),
		Variable: e.variables(c.Variables),
	}
	if len(c.Headers) > 0 {
		e.skipf(c.Name, "default headers of the collection are not exported: Postman collections have none")
	}
	list, err := e.items(items, "", 0)
	if err != nil {
		return nil, nil, err
	}
	out.Item = list
	data, err := nativeMarshal(out)
	if err != nil {
		return nil, nil, err
	}
	return data, e.skipped, nil
}

func (e *postmanExporter) items(items []storage.TreeItem, where string, depth int) ([]any, error) {
	out := []any{}
	if depth > nativeMaxDepth {
		return out, nil
	}
	for _, it := range items {
		switch {
		case it.Folder != nil:
			f := it.Folder
			fw := nativePathJoin(where, f.Name)
			kids, err := e.items(it.Children, fw, depth+1)
			if err != nil {
				return nil, err
			}
			if len(f.Headers) > 0 {
				e.skipf(fw, "default headers of a folder are not exported: Postman folders have none")
			}
			out = append(out, postmanOutFolder{
				Name: f.Name, Description: f.Description, Item: kids,
				Auth: e.auth(f.Auth, fw, false), Event: postmanOutEvents(f.Scripts), Variable: e.variables(f.Variables),
			})
		case it.Request != nil:
			out = append(out, e.request(it.Request, nativePathJoin(where, it.Request.Name)))
		}
	}
	return out, nil
}

func (e *postmanExporter) request(r *storage.Request, where string) postmanOutItem {
	item := postmanOutItem{
		Name:     r.Name,
		Event:    postmanOutEvents(r.Scripts),
		Request:  e.requestBody(r, where, true),
		Response: []postmanOutResponse{},
	}
	s := r.Settings
	ppb := map[string]any{}
	if s.NoFollow {
		ppb["followRedirects"] = false
	}
	if s.MaxRedirects > 0 {
		ppb["maxRedirects"] = s.MaxRedirects
	}
	if s.Insecure {
		ppb["strictSSL"] = false
	}
	if len(ppb) > 0 {
		item.ProtocolProfileBehavior = ppb
	}
	var unsupported []string
	if s.TimeoutMs != 0 || s.ConnectTimeoutMs != 0 {
		unsupported = append(unsupported, "timeouts")
	}
	if s.CAFile != "" {
		unsupported = append(unsupported, "CA file")
	}
	if s.NoNetrc {
		unsupported = append(unsupported, "netrc off")
	}
	if s.ProxyAuth != nil && !s.ProxyAuth.IsNone() {
		unsupported = append(unsupported, "proxy auth")
	}
	if len(r.Assertions) > 0 {
		unsupported = append(unsupported, "assertions")
	}
	if len(unsupported) > 0 {
		e.skipf(where, "not exported (Postman has no equivalent): %s", strings.Join(unsupported, ", "))
	}
	for _, ex := range r.Examples {
		resp := postmanOutResponse{Name: ex.Name, Code: ex.Status, Header: []postmanOutKV{}, Body: ex.Body}
		if ex.Status > 0 {
			resp.Status = http.StatusText(ex.Status)
		}
		hasCT := false
		for _, h := range ex.Header {
			v := h.Value
			if nativeIsSensitiveHeader(h.Key) && !nativeHeaderIsTemplate(v) {
				v = "" // a recorded credential stays out of the file
			}
			hasCT = hasCT || strings.EqualFold(h.Key, "Content-Type")
			resp.Header = append(resp.Header, postmanOutKV{Key: h.Key, Value: v, Disabled: !h.Enabled})
		}
		if !hasCT && ex.ContentType != "" {
			resp.Header = append(resp.Header, postmanOutKV{Key: "Content-Type", Value: ex.ContentType})
		}
		if ex.Request != nil {
			sub := &postmanExporter{}
			or := sub.requestBody(ex.Request, where, false)
			or.Auth = nil
			resp.OriginalRequest = &or
		} else {
			or := item.Request
			or.Auth = nil
			resp.OriginalRequest = &or
		}
		item.Response = append(item.Response, resp)
	}
	return item
}

// requestBody converts the request proper. secrets is false for an
// example's request, whose secret values are dropped without a name.
func (e *postmanExporter) requestBody(r *storage.Request, where string, secrets bool) postmanOutRequest {
	out := postmanOutRequest{Method: r.Method, Header: []postmanOutKV{}, Description: r.Description}
	if out.Method == "" {
		out.Method = http.MethodGet
	}
	if r.Auth.Type != storage.AuthInherit {
		out.Auth = e.auth(r.Auth, where, true)
		if out.Auth == nil {
			out.Auth = &postmanOutAuth{Type: "noauth"}
		}
	}
	if r.Auth.Type == "header" {
		name, value := r.Auth.Params["name"], r.Auth.Params["value"]
		if name != "" {
			out.Header = append(out.Header, postmanOutKV{Key: name, Value: e.secretValue(value, "value", r.Auth.SecretRefs["value"], secrets)})
		}
		out.Auth = &postmanOutAuth{Type: "noauth"}
	}
	for _, h := range r.Headers {
		v := h.Value
		if nativeIsSensitiveHeader(h.Key) && !nativeHeaderIsTemplate(v) {
			v = e.secretValue(v, h.Key, h.SecretRef, secrets)
		}
		out.Header = append(out.Header, postmanOutKV{Key: h.Key, Value: v, Disabled: !h.Enabled})
	}
	out.URL = postmanOutURLOf(r.URL, r.Params)
	out.Body = e.body(r.Body, &out)
	if s := r.Settings; s.Proxy != "" {
		stripped, _ := nativeSplitProxyPassword(s.Proxy)
		pu, err := url.Parse(stripped)
		if err == nil && pu.Host != "" {
			px := &postmanOutProxy{Host: pu.Hostname()}
			if p := pu.Port(); p != "" {
				for _, c := range p {
					px.Port = px.Port*10 + int(c-'0')
				}
			}
			out.Proxy = px
		}
		if _, pw := nativeSplitProxyPassword(s.Proxy); pw != "" || s.ProxyPasswordRef != "" {
			e.skipf(where, "the proxy's password is not exported")
		}
	}
	if s := r.Settings; s.ClientCert != "" || s.ClientKey != "" {
		c := &postmanOutCert{}
		if s.ClientCert != "" {
			c.Cert = &postmanOutFile{Src: s.ClientCert}
		}
		if s.ClientKey != "" {
			c.Key = &postmanOutFile{Src: s.ClientKey}
		}
		if s.ClientCertPassword != "" || s.ClientCertPasswordRef != "" {
			c.Passphrase = e.secretValue(s.ClientCertPassword, "CLIENT_CERT_PASSWORD", s.ClientCertPasswordRef, secrets)
		}
		out.Certificate = c
	}
	return out
}

// secretValue returns the reference written instead of a secret value:
// "{{KNOCK_SECRET_NAME}}", or "" when there is nothing to refer to.
func (e *postmanExporter) secretValue(value, base, ref string, named bool) string {
	if nativeOnlyTemplates(value) {
		return value
	}
	if !named {
		return ""
	}
	name := e.namer.name(SecretEnvName(base), value, ref)
	if name == "" {
		return ""
	}
	return "{{" + name + "}}"
}

// postmanOutURLOf writes the URL with the enabled rows in its query, and
// every row (the URL's own query first) in the query list, so that
// Postman shows the disabled ones too.
func postmanOutURLOf(raw string, params []storage.KeyValue) postmanOutURL {
	u := postmanOutURL{Raw: raw}
	base, hash := raw, ""
	if i := strings.IndexByte(base, '#'); i >= 0 {
		base, hash = base[:i], base[i:]
	}
	own := ""
	if i := strings.IndexByte(base, '?'); i >= 0 {
		base, own = base[:i], base[i+1:]
	}
	var rows []postmanOutKV
	var q []string // the enabled rows as they go into the raw URL
	if own != "" {
		for part := range strings.SplitSeq(own, "&") {
			if part == "" {
				continue
			}
			k, v, _ := strings.Cut(part, "=")
			rows = append(rows, postmanOutKV{Key: k, Value: v})
			q = append(q, part)
		}
	}
	for _, p := range params {
		rows = append(rows, postmanOutKV{Key: postmanQueryEscape(p.Key, false), Value: postmanQueryEscape(p.Value, false), Disabled: !p.Enabled})
		if p.Enabled {
			q = append(q, postmanQueryEscape(p.Key, true)+"="+postmanQueryEscape(p.Value, true))
		}
	}
	if len(rows) == 0 {
		return u
	}
	u.Raw = base
	if len(q) > 0 {
		u.Raw += "?" + strings.Join(q, "&")
	}
	u.Raw += hash
	u.Query = rows
	return u
}

// postmanQueryEscape escapes what the importer unescapes ('%' and '+'),
// so that values survive a round trip exactly; in the raw URL '&', '#'
// and '=' are escaped too. Everything else stays readable.
func postmanQueryEscape(s string, inRaw bool) string {
	r := strings.NewReplacer("%", "%25", "+", "%2B")
	if inRaw {
		r = strings.NewReplacer("%", "%25", "+", "%2B", "&", "%26", "#", "%23", "=", "%3D")
	}
	return r.Replace(s)
}

// postmanContentLanguages is postmanLanguages reversed.
var postmanContentLanguages = func() map[string]string {
	m := map[string]string{}
	for lang, ct := range postmanLanguages {
		m[ct] = lang
	}
	return m
}()

func (e *postmanExporter) body(b storage.Body, req *postmanOutRequest) *postmanOutBody {
	mode := b.Mode
	disabled := false
	if mode == storage.BodyNone {
		// A body kept but not sent: export it disabled.
		switch {
		case b.Raw != "":
			mode = storage.BodyRaw
		case len(b.Form) > 0:
			mode = storage.BodyURLEncoded
		case len(b.Multipart) > 0:
			mode = storage.BodyFormData
		case b.File != "":
			mode = storage.BodyFile
		case b.GraphQL != nil:
			mode = storage.BodyGraphQL
		default:
			return nil
		}
		disabled = true
	}
	out := &postmanOutBody{Mode: string(mode), Disabled: disabled}
	switch mode {
	case storage.BodyRaw:
		raw := b.Raw
		out.Raw = &raw
		if lang, ok := postmanContentLanguages[b.ContentType]; ok {
			out.Options = &postmanOutOpts{Raw: postmanOutLang{Language: lang}}
		} else if b.ContentType != "" && !postmanHasHeader(req.Header, "Content-Type") {
			req.Header = append(req.Header, postmanOutKV{Key: "Content-Type", Value: b.ContentType})
		}
	case storage.BodyURLEncoded:
		for _, f := range b.Form {
			out.URLEncoded = append(out.URLEncoded, postmanOutKV{Key: f.Key, Value: f.Value, Disabled: !f.Enabled})
		}
		if out.URLEncoded == nil {
			out.URLEncoded = []postmanOutKV{}
		}
	case storage.BodyFormData:
		for _, p := range b.Multipart {
			f := postmanOutForm{Key: p.Key, ContentType: p.ContentType, Disabled: !p.Enabled, Type: "text", Value: p.Value}
			if p.File != "" {
				f.Type, f.Src, f.Value = "file", p.File, ""
			}
			out.FormData = append(out.FormData, f)
		}
		if out.FormData == nil {
			out.FormData = []postmanOutForm{}
		}
	case storage.BodyFile:
		out.File = &postmanOutFile{Src: b.File}
		if b.ContentType != "" && !postmanHasHeader(req.Header, "Content-Type") {
			req.Header = append(req.Header, postmanOutKV{Key: "Content-Type", Value: b.ContentType})
		}
	case storage.BodyGraphQL:
		g := &postmanOutGQL{}
		if b.GraphQL != nil {
			*g = postmanOutGQL{Query: b.GraphQL.Query, Variables: b.GraphQL.Variables, OperationName: b.GraphQL.OperationName}
		}
		out.GraphQL = g
	default:
		return nil
	}
	return out
}

func postmanHasHeader(hs []postmanOutKV, name string) bool {
	for _, h := range hs {
		if strings.EqualFold(h.Key, name) {
			return true
		}
	}
	return false
}

// auth converts an auth spec. A nil result means "inherit" (no auth
// key). onRequest is false for folders and the collection.
func (e *postmanExporter) auth(a storage.AuthSpec, where string, onRequest bool) *postmanOutAuth {
	switch a.Type {
	case storage.AuthInherit:
		return nil
	case "", storage.AuthNone:
		if onRequest || a.Type == storage.AuthNone {
			return &postmanOutAuth{Type: "noauth"}
		}
		return nil
	case "header":
		if !onRequest {
			e.skipf(where, "the header auth of a folder or collection is not exported: Postman has no such auth")
		}
		return nil
	}
	if !postmanAuthTypes[a.Type] {
		e.skipf(where, "auth type %s is not exported: Postman's collection format has no such auth (written as no auth)", a.Type)
		return &postmanOutAuth{Type: "noauth"}
	}
	out := &postmanOutAuth{Type: a.Type}
	names := map[string]bool{}
	for k := range a.Params {
		names[k] = true
	}
	for k := range a.SecretRefs {
		names[k] = true
	}
	keys := make([]string, 0, len(names))
	for k := range names {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := a.Params[k]
		if nativeIsSecretParam(a.Type, k) {
			v = e.secretValue(v, k, a.SecretRefs[k], true)
			if v == "" {
				continue
			}
		}
		out.Params = append(out.Params, postmanOutKV{Key: k, Value: v})
	}
	return out
}

func (e *postmanExporter) variables(vs []storage.Variable) []postmanOutVariable {
	var out []postmanOutVariable
	for _, v := range vs {
		val := v.Value
		if v.Secret {
			val = e.secretValue(v.Value, v.Key, v.SecretRef, true)
		}
		out = append(out, postmanOutVariable{Key: v.Key, Value: val, Type: "string", Disabled: !v.Enabled})
	}
	return out
}

func postmanOutEvents(scripts []storage.Script) []postmanOutEvent {
	var out []postmanOutEvent
	for _, s := range scripts {
		typ := "text/javascript"
		if s.Language != "" && s.Language != "javascript" {
			typ = "text/" + s.Language
		}
		out = append(out, postmanOutEvent{Listen: s.Event, Script: postmanOutScript{Type: typ, Exec: strings.Split(s.Text, "\n")}})
	}
	return out
}
