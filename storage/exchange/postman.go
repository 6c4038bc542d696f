package exchange

// Postman import: collections in the v2.0 and v2.1 formats
// (https://schema.getpostman.com/json/collection/v2.1.0/collection.json),
// environments and globals.
//
// Mapped: folders (nested), the auth of the collection, folders and
// requests for every auth type authlib knows (Postman's type and parameter
// names are authlib's), "inherit" and "noauth", both the array-of-
// {key,value,type} form and v2.0's object form; collection and folder
// variables; headers (array or "Key: value" text); the URL (string or
// object, its query rows with their disabled flag); every body mode (raw
// with options.raw.language giving the content type, urlencoded, formdata
// with text and file parts, file, graphql) and a disabled body (kept, not
// sent); saved example responses; pre-request and test scripts (kept as
// text, listed in Report.NotRun); descriptions; protocolProfileBehavior's
// followRedirects, maxRedirects and strictSSL (a folder's apply to the
// requests inside); a request's proxy and client certificate.
//
// Not mapped, and reported: auth types authlib does not know (the request
// gets no auth), auth parameters Knock does not use (kept in the spec),
// path variables (":id" is replaced by its value: Knock has none), other
// protocolProfileBehavior options, row descriptions, unknown body modes.

import (
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

func init() {
	registerImporter(Importer{
		Format: "postman",
		Title:  "Postman collection (v2.0, v2.1), environment or globals",
		Detect: postmanDetect,
		Import: ImportPostman,
	})
}

func postmanDetect(name string, data []byte) bool {
	data, err := nativeDecodeText(data)
	if err != nil {
		return false
	}
	if nativeSniff(data, 4096, "schema.getpostman.com") || nativeSniff(data, 4096, `"_postman_`) {
		return true
	}
	first := nativeFirstByte(data)
	if (first != '{' && first != '[') || len(data) > 32<<20 {
		return false
	}
	v, err := nativeDecodeJSON(data)
	if err != nil {
		return false
	}
	_, kind := postmanClassify(v)
	return kind != ""
}

// postmanClassify says what a decoded Postman file is: "collection",
// "environment", "globals", or "" when it is none of them.
func postmanClassify(v any) (map[string]any, string) {
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return nil, ""
		}
		for _, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, ""
			}
			if _, ok := m["key"]; !ok {
				return nil, ""
			}
		}
		return nil, "globals"
	case map[string]any:
		if _, ok := x["item"].([]any); ok {
			if _, ok := x["info"]; ok {
				return x, "collection"
			}
			if _, ok := x["name"]; ok {
				return x, "collection"
			}
		}
		if info, ok := x["info"].(map[string]any); ok {
			if s, _ := info["schema"].(string); strings.Contains(s, "getpostman.com") {
				return x, "collection"
			}
		}
		if _, ok := x["values"].([]any); ok {
			if scope, _ := x["_postman_variable_scope"].(string); scope == "globals" {
				return x, "globals"
			}
			return x, "environment"
		}
	}
	return nil, ""
}

// ImportPostman imports a Postman collection (v2.0 or v2.1), an
// environment or a globals file. An environment or globals file gives a
// Result with no Collection and one Environment; globals have the ID
// storage.GlobalsID.
func ImportPostman(name string, data []byte) (*Result, error) {
	text, err := nativeDecodeText(data)
	if err != nil {
		return nil, err
	}
	v, err := nativeDecodeJSON(text)
	if err != nil {
		return nil, err
	}
	m, kind := postmanClassify(v)
	switch kind {
	case "collection":
		return postmanCollection(name, m)
	case "environment", "globals":
		return postmanEnvironment(name, v, kind)
	}
	return nil, &nativePathError{Msg: `not a Postman collection or environment: no "item", "info" or "values"`}
}

// postmanImporter carries the report through one collection.
type postmanImporter struct {
	rep Report
}

func postmanCollection(name string, root map[string]any) (*Result, error) {
	p := &postmanImporter{}
	c := &storage.Collection{}
	info, err := nativeObject(root["info"], "info")
	if err != nil {
		return nil, err
	}
	if info != nil {
		if c.Name, err = nativeField(info, "name", "info"); err != nil {
			return nil, err
		}
		if c.Description, err = postmanDescription(info["description"], "info.description"); err != nil {
			return nil, err
		}
	}
	if c.Name == "" {
		if c.Name, err = nativeField(root, "name", ""); err != nil {
			return nil, err
		}
	}
	if c.Description == "" {
		if c.Description, err = postmanDescription(root["description"], "description"); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(c.Name) == "" {
		c.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	if c.Auth, err = p.auth(root["auth"], "auth", c.Name, ""); err != nil {
		return nil, err
	}
	if c.Auth.Type == storage.AuthInherit {
		c.Auth.Type = "" // nothing above a collection to inherit from
	}
	if c.Variables, err = postmanVariables(root["variable"], "variable"); err != nil {
		return nil, err
	}
	if c.Scripts, err = p.scripts(root["event"], "event", c.Name); err != nil {
		return nil, err
	}
	ppb, err := p.behavior(root["protocolProfileBehavior"], "protocolProfileBehavior", nil)
	if err != nil {
		return nil, err
	}
	list, err := nativeArray(root["item"], "item")
	if err != nil {
		return nil, err
	}
	items, err := p.items(list, "item", "", ppb, 0)
	if err != nil {
		return nil, err
	}
	res := &Result{Collection: c, Items: items, Report: p.rep}
	postmanAdoptPlaceholders(res)
	if err := nativeFinishSecrets(res); err != nil {
		return nil, err
	}
	return res, nil
}

// postmanPlaceholderRE matches the whole value "{{KNOCK_SECRET_NAME}}" that
// ExportPostman writes in place of a secret.
var postmanPlaceholderRE = regexp.MustCompile(`^\{\{(KNOCK_SECRET_[A-Z0-9_]{1,100})\}\}$`)

func postmanPlaceholder(v string) string {
	if m := postmanPlaceholderRE.FindStringSubmatch(strings.TrimSpace(v)); m != nil {
		return m[1]
	}
	return ""
}

// postmanAdoptPlaceholders turns the {{KNOCK_SECRET_NAME}} placeholders of
// secret fields back into secret references (which then become the
// Report's SecretNeeds), so that a collection exported by Knock comes back
// with its secrets asked for rather than holding a template.
func postmanAdoptPlaceholders(res *Result) {
	auth := func(a *storage.AuthSpec) {
		if a == nil {
			return
		}
		for k, v := range a.Params {
			if name := postmanPlaceholder(v); name != "" && nativeIsSecretParam(a.Type, k) {
				delete(a.Params, k)
				if a.SecretRefs == nil {
					a.SecretRefs = map[string]string{}
				}
				a.SecretRefs[k] = name
			}
		}
	}
	headers := func(hs []storage.KeyValue) {
		for i := range hs {
			if name := postmanPlaceholder(hs[i].Value); name != "" && nativeIsSensitiveHeader(hs[i].Key) {
				hs[i].Value, hs[i].SecretRef = "", name
			}
		}
	}
	vars := func(vs []storage.Variable) {
		for i := range vs {
			if name := postmanPlaceholder(vs[i].Value); name != "" {
				vs[i].Value, vs[i].SecretRef, vs[i].Secret = "", name, true
			}
		}
	}
	if c := res.Collection; c != nil {
		auth(&c.Auth)
		vars(c.Variables)
		headers(c.Headers)
	}
	var walk func([]storage.TreeItem)
	walk = func(items []storage.TreeItem) {
		for _, it := range items {
			if f := it.Folder; f != nil {
				auth(&f.Auth)
				vars(f.Variables)
				headers(f.Headers)
			}
			if r := it.Request; r != nil {
				auth(&r.Auth)
				headers(r.Headers)
				if name := postmanPlaceholder(r.Settings.ClientCertPassword); name != "" {
					r.Settings.ClientCertPassword, r.Settings.ClientCertPasswordRef = "", name
				}
			}
			walk(it.Children)
		}
	}
	walk(res.Items)
	for i := range res.Environments {
		vars(res.Environments[i].Variables)
	}
}

// items converts an item list. where is the folder path for the report.
func (p *postmanImporter) items(list []any, path, where string, ppb map[string]any, depth int) ([]storage.TreeItem, error) {
	if depth > nativeMaxDepth {
		return nil, &nativePathError{Path: path, Msg: "folders nested deeper than 64"}
	}
	out := make([]storage.TreeItem, 0, len(list))
	for i, raw := range list {
		ip := nativeIndex(path, i)
		m, err := nativeObject(raw, ip)
		if err != nil {
			return nil, err
		}
		if m == nil {
			p.rep.Skipf(ip, "an empty item")
			continue
		}
		name, err := nativeField(m, "name", ip)
		if err != nil {
			return nil, err
		}
		if sub, isFolder := m["item"]; isFolder {
			if strings.TrimSpace(name) == "" {
				name = "Untitled folder"
			}
			fwhere := nativePathJoin(where, name)
			f := &storage.Folder{Name: name}
			if f.Description, err = postmanDescription(m["description"], nativeJoin(ip, "description")); err != nil {
				return nil, err
			}
			if f.Auth, err = p.auth(m["auth"], nativeJoin(ip, "auth"), fwhere, ""); err != nil {
				return nil, err
			}
			if f.Auth.Type == storage.AuthInherit {
				f.Auth.Type = ""
			}
			if f.Variables, err = postmanVariables(m["variable"], nativeJoin(ip, "variable")); err != nil {
				return nil, err
			}
			if f.Scripts, err = p.scripts(m["event"], nativeJoin(ip, "event"), fwhere); err != nil {
				return nil, err
			}
			fppb, err := p.behavior(m["protocolProfileBehavior"], nativeJoin(ip, "protocolProfileBehavior"), ppb)
			if err != nil {
				return nil, err
			}
			kids, err := nativeArray(sub, nativeJoin(ip, "item"))
			if err != nil {
				return nil, err
			}
			children, err := p.items(kids, nativeJoin(ip, "item"), fwhere, fppb, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, storage.TreeItem{Folder: f, Children: children})
			continue
		}
		if _, ok := m["request"]; !ok {
			p.rep.Skipf(nativePathJoin(where, name), "item %s has neither a request nor items", ip)
			continue
		}
		r, err := p.requestItem(m, ip, where, name, ppb)
		if err != nil {
			return nil, err
		}
		out = append(out, storage.TreeItem{Request: r})
	}
	return out, nil
}

func (p *postmanImporter) requestItem(m map[string]any, ip, where, name string, ppb map[string]any) (*storage.Request, error) {
	rp := nativeJoin(ip, "request")
	r, err := p.request(m["request"], rp, nativePathJoin(where, name))
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		name = r.URL
		if name == "" {
			name = "Untitled request"
		}
	}
	r.Name = name
	rwhere := nativePathJoin(where, name)
	if r.Description == "" {
		if r.Description, err = postmanDescription(m["description"], nativeJoin(ip, "description")); err != nil {
			return nil, err
		}
	}
	scripts, err := p.scripts(m["event"], nativeJoin(ip, "event"), rwhere)
	if err != nil {
		return nil, err
	}
	r.Scripts = append(r.Scripts, scripts...)
	// Some exports put events inside the request object.
	if rm, ok := m["request"].(map[string]any); ok {
		more, err := p.scripts(rm["event"], nativeJoin(rp, "event"), rwhere)
		if err != nil {
			return nil, err
		}
		r.Scripts = append(r.Scripts, more...)
	}
	if vars, _ := m["variable"].([]any); len(vars) > 0 {
		p.rep.Skipf(rwhere, "%d request-level variables not imported: Knock keeps variables on folders, collections and environments", len(vars))
	}
	rppb, err := p.behavior(m["protocolProfileBehavior"], nativeJoin(ip, "protocolProfileBehavior"), ppb)
	if err != nil {
		return nil, err
	}
	p.applyBehavior(r, rppb, rwhere)
	resp, err := nativeArray(m["response"], nativeJoin(ip, "response"))
	if err != nil {
		return nil, err
	}
	for j, raw := range resp {
		ex, err := p.example(raw, nativeIndex(nativeJoin(ip, "response"), j), rwhere, r)
		if err != nil {
			return nil, err
		}
		if ex != nil {
			r.Examples = append(r.Examples, *ex)
		}
	}
	p.rep.Imported = append(p.rep.Imported, rwhere)
	return r, nil
}

// request converts a request (a URL string or an object).
func (p *postmanImporter) request(v any, path, where string) (*storage.Request, error) {
	r := &storage.Request{Method: "GET", Auth: storage.AuthSpec{Type: storage.AuthInherit}}
	if s, ok := v.(string); ok {
		r.URL = s
		return r, nil
	}
	m, err := nativeObject(v, path)
	if err != nil {
		return nil, nativeWrongType(path, "a URL string or an object", v)
	}
	if m == nil {
		return r, nil
	}
	if method, err := nativeField(m, "method", path); err != nil {
		return nil, err
	} else if strings.TrimSpace(method) != "" {
		r.Method = strings.TrimSpace(method)
	}
	var dropped []string
	if err := p.url(r, m["url"], nativeJoin(path, "url"), where, &dropped); err != nil {
		return nil, err
	}
	if r.Headers, err = postmanRows(m["header"], nativeJoin(path, "header"), "header", &dropped); err != nil {
		return nil, err
	}
	if r.Body, err = p.body(m["body"], nativeJoin(path, "body"), where, &dropped); err != nil {
		return nil, err
	}
	if r.Auth, err = p.auth(m["auth"], nativeJoin(path, "auth"), where, storage.AuthInherit); err != nil {
		return nil, err
	}
	if r.Description, err = postmanDescription(m["description"], nativeJoin(path, "description")); err != nil {
		return nil, err
	}
	if err := p.proxyAndCert(r, m, path, where); err != nil {
		return nil, err
	}
	if len(dropped) > 0 {
		p.rep.Skipf(where, "descriptions of %s not kept: Knock's rows have no description", strings.Join(dropped, ", "))
	}
	return r, nil
}

// url fills the URL and the query rows. When the URL object lists its
// query rows, the query is taken from them (with their disabled flags) and
// cut from the raw URL; otherwise the raw URL is kept as written.
func (p *postmanImporter) url(r *storage.Request, v any, path, where string, dropped *[]string) error {
	switch x := v.(type) {
	case nil:
		return nil
	case string:
		r.URL = x
		return nil
	case map[string]any:
		raw, err := nativeField(x, "raw", path)
		if err != nil {
			return err
		}
		if raw == "" {
			if raw, err = postmanBuildURL(x, path); err != nil {
				return err
			}
		}
		if q, ok := x["query"]; ok && q != nil {
			rows, err := postmanRows(q, nativeJoin(path, "query"), "query parameter", dropped)
			if err != nil {
				return err
			}
			for i := range rows {
				if s, err := url.QueryUnescape(rows[i].Value); err == nil {
					rows[i].Value = s
				}
				if s, err := url.QueryUnescape(rows[i].Key); err == nil {
					rows[i].Key = s
				}
			}
			r.Params = rows
			if i := strings.IndexByte(raw, '?'); i >= 0 {
				hash := ""
				if j := strings.IndexByte(raw[i:], '#'); j >= 0 {
					hash = raw[i+j:]
				}
				raw = raw[:i] + hash
			}
		}
		vars, err := nativeArray(x["variable"], nativeJoin(path, "variable"))
		if err != nil {
			return err
		}
		for i, vv := range vars {
			vp := nativeIndex(nativeJoin(path, "variable"), i)
			vm, err := nativeObject(vv, vp)
			if err != nil {
				return err
			}
			key, err := nativeField(vm, "key", vp)
			if err != nil {
				return err
			}
			if key == "" {
				if key, err = nativeField(vm, "id", vp); err != nil {
					return err
				}
			}
			val, err := nativeField(vm, "value", vp)
			if err != nil {
				return err
			}
			if key == "" {
				continue
			}
			if val == "" {
				p.rep.Skipf(where, "path variable :%s has no value: left in the URL (Knock has no path variables; use {{%s}})", key, key)
				continue
			}
			replaced := postmanReplacePathVar(raw, key, val)
			if replaced == raw {
				p.rep.Skipf(where, "path variable :%s is not in the URL: not imported", key)
				continue
			}
			raw = replaced
			p.rep.Skipf(where, "path variable :%s replaced by its value %s (Knock has no path variables)", key, nativeShort(val))
		}
		r.URL = raw
		return nil
	}
	return nativeWrongType(path, "a string or an object", v)
}

// postmanReplacePathVar replaces the path segment ":key" by value.
func postmanReplacePathVar(raw, key, value string) string {
	pathEnd := len(raw)
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		pathEnd = i
	}
	segs := strings.Split(raw[:pathEnd], "/")
	for i, s := range segs {
		if s == ":"+key {
			segs[i] = value
		}
	}
	return strings.Join(segs, "/") + raw[pathEnd:]
}

// postmanBuildURL assembles a URL from the object form's parts.
func postmanBuildURL(m map[string]any, path string) (string, error) {
	var b strings.Builder
	proto, err := nativeField(m, "protocol", path)
	if err != nil {
		return "", err
	}
	if proto != "" {
		b.WriteString(strings.TrimSuffix(proto, "://") + "://")
	}
	part := func(key, sep string) (string, error) {
		switch x := m[key].(type) {
		case nil:
			return "", nil
		case []any:
			parts := make([]string, 0, len(x))
			for i, e := range x {
				s, err := nativeString(e, nativeIndex(nativeJoin(path, key), i))
				if err != nil {
					return "", err
				}
				parts = append(parts, s)
			}
			return strings.Join(parts, sep), nil
		default:
			return nativeString(x, nativeJoin(path, key))
		}
	}
	host, err := part("host", ".")
	if err != nil {
		return "", err
	}
	b.WriteString(host)
	port, err := nativeField(m, "port", path)
	if err != nil {
		return "", err
	}
	if port != "" {
		b.WriteString(":" + port)
	}
	pth, err := part("path", "/")
	if err != nil {
		return "", err
	}
	if pth != "" {
		if !strings.HasPrefix(pth, "/") {
			b.WriteByte('/')
		}
		b.WriteString(pth)
	}
	hash, err := nativeField(m, "hash", path)
	if err != nil {
		return "", err
	}
	if hash != "" {
		b.WriteString("#" + hash)
	}
	return b.String(), nil
}

// postmanRows converts header, query and urlencoded rows: an array of
// {key, value, disabled} (or v1's "enabled"), or header text
// "Key: value" per line. Rows with neither key nor value are dropped.
func postmanRows(v any, path, what string, dropped *[]string) ([]storage.KeyValue, error) {
	if s, ok := v.(string); ok {
		var out []storage.KeyValue
		for line := range strings.SplitSeq(s, "\n") {
			line = strings.TrimRight(line, "\r")
			if strings.TrimSpace(line) == "" {
				continue
			}
			k, val, _ := strings.Cut(line, ":")
			enabled := true
			k = strings.TrimSpace(k)
			if strings.HasPrefix(k, "//") { // Postman's way of disabling a header in text form
				enabled, k = false, strings.TrimSpace(strings.TrimPrefix(k, "//"))
			}
			out = append(out, storage.KeyValue{Key: k, Value: strings.TrimSpace(val), Enabled: enabled})
		}
		return out, nil
	}
	var out []storage.KeyValue
	err := nativeEachObject(v, path, func(m map[string]any, ep string) error {
		k, val, err := nativePair(m, "key", ep)
		if err != nil || (k == "" && val == "") {
			return err
		}
		enabled, err := postmanEnabled(m, ep)
		if err != nil {
			return err
		}
		if d, _ := postmanDescription(m["description"], ""); d != "" && dropped != nil {
			*dropped = append(*dropped, what+" "+nativeShort(k))
		}
		out = append(out, storage.KeyValue{Key: k, Value: val, Enabled: enabled})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// postmanEnabled reads "disabled" (v2) or "enabled" (v1 exports).
func postmanEnabled(m map[string]any, path string) (bool, error) {
	if d, ok, err := nativeFlag(m, "disabled", path); err != nil {
		return false, err
	} else if ok && d {
		return false, nil
	}
	if e, ok, err := nativeFlag(m, "enabled", path); err != nil {
		return false, err
	} else if ok && !e {
		return false, nil
	}
	return true, nil
}

// postmanDescription reads a description: text, or {content, type}.
func postmanDescription(v any, path string) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case map[string]any:
		return nativeField(x, "content", path)
	}
	return nativeString(v, path)
}

// postmanLanguages maps options.raw.language to a content type.
var postmanLanguages = map[string]string{
	"json":       "application/json",
	"xml":        "application/xml",
	"html":       "text/html",
	"javascript": "application/javascript",
	"text":       "text/plain",
	"graphql":    "application/graphql",
}

func (p *postmanImporter) body(v any, path, where string, dropped *[]string) (storage.Body, error) {
	var b storage.Body
	m, err := nativeObject(v, path)
	if err != nil || m == nil {
		return b, err
	}
	mode, err := nativeField(m, "mode", path)
	if err != nil {
		return b, err
	}
	if mode == "" {
		if _, ok := m["raw"]; ok {
			mode = "raw"
		} else {
			return b, nil
		}
	}
	switch mode {
	case "raw":
		if b.Raw, err = nativeField(m, "raw", path); err != nil {
			if _, isObj := m["raw"].(map[string]any); !isObj {
				return b, err
			}
			b.Raw = nativeJSONText(m["raw"])
		}
		opts, _ := m["options"].(map[string]any)
		raw, _ := opts["raw"].(map[string]any)
		lang, _ := raw["language"].(string)
		b.ContentType = postmanLanguages[lang]
		if b.Raw != "" || b.ContentType != "" {
			b.Mode = storage.BodyRaw
		}
	case "urlencoded":
		if b.Form, err = postmanRows(m["urlencoded"], nativeJoin(path, "urlencoded"), "form field", dropped); err != nil {
			return b, err
		}
		if len(b.Form) > 0 {
			b.Mode = storage.BodyURLEncoded
		}
	case "formdata":
		if b.Multipart, err = p.formData(m["formdata"], nativeJoin(path, "formdata"), where, dropped); err != nil {
			return b, err
		}
		if len(b.Multipart) > 0 {
			b.Mode = storage.BodyFormData
		}
	case "file":
		fm, err := nativeObject(m["file"], nativeJoin(path, "file"))
		if err != nil {
			return b, err
		}
		src, err := nativeField(fm, "src", nativeJoin(path, "file"))
		if err != nil {
			return b, err
		}
		content, err := nativeField(fm, "content", nativeJoin(path, "file"))
		if err != nil {
			return b, err
		}
		switch {
		case src != "":
			b.Mode, b.File = storage.BodyFile, src
		case content != "":
			b.Mode, b.Raw = storage.BodyRaw, content
		default:
			p.rep.Skipf(where, "the file body names no file: no body")
		}
	case "graphql":
		g, err := nativeObject(m["graphql"], nativeJoin(path, "graphql"))
		if err != nil {
			return b, err
		}
		gq := &storage.GraphQL{}
		if gq.Query, err = nativeField(g, "query", nativeJoin(path, "graphql")); err != nil {
			return b, err
		}
		switch vars := g["variables"].(type) {
		case nil:
		case string:
			gq.Variables = vars
		default:
			gq.Variables = nativeJSONText(vars)
		}
		if gq.OperationName, err = nativeField(g, "operationName", nativeJoin(path, "graphql")); err != nil {
			return b, err
		}
		b.Mode, b.GraphQL = storage.BodyGraphQL, gq
	default:
		p.rep.Skipf(where, "body mode %s is not a Postman body mode Knock knows: no body", nativeShort(mode))
		return storage.Body{}, nil
	}
	if disabled, _, err := nativeFlag(m, "disabled", path); err != nil {
		return b, err
	} else if disabled && b.Mode != storage.BodyNone {
		p.rep.Skipf(where, "the body is disabled in Postman: kept, but not sent")
		b.Mode = storage.BodyNone
	}
	return b, nil
}

// formData converts multipart rows; a file row with several files gives
// one part per file.
func (p *postmanImporter) formData(v any, path, where string, dropped *[]string) ([]storage.FormPart, error) {
	list, err := nativeArray(v, path)
	if err != nil {
		return nil, err
	}
	var out []storage.FormPart
	for i, e := range list {
		ep := nativeIndex(path, i)
		m, err := nativeObject(e, ep)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		key, err := nativeField(m, "key", ep)
		if err != nil {
			return nil, err
		}
		typ, err := nativeField(m, "type", ep)
		if err != nil {
			return nil, err
		}
		ct, err := nativeField(m, "contentType", ep)
		if err != nil {
			return nil, err
		}
		enabled, err := postmanEnabled(m, ep)
		if err != nil {
			return nil, err
		}
		if d, _ := postmanDescription(m["description"], ""); d != "" {
			*dropped = append(*dropped, "form field "+nativeShort(key))
		}
		if typ == "file" {
			var srcs []string
			switch s := m["src"].(type) {
			case nil:
			case []any:
				for j, x := range s {
					str, err := nativeString(x, nativeIndex(nativeJoin(ep, "src"), j))
					if err != nil {
						return nil, err
					}
					srcs = append(srcs, str)
				}
			default:
				str, err := nativeString(s, nativeJoin(ep, "src"))
				if err != nil {
					return nil, err
				}
				if str != "" {
					srcs = append(srcs, str)
				}
			}
			if len(srcs) == 0 {
				p.rep.Skipf(where, "form field %s names no file: kept empty", nativeShort(key))
				out = append(out, storage.FormPart{Key: key, ContentType: ct, Enabled: enabled})
				continue
			}
			for _, s := range srcs {
				out = append(out, storage.FormPart{Key: key, File: s, ContentType: ct, Enabled: enabled})
			}
			continue
		}
		val, err := nativeField(m, "value", ep)
		if err != nil {
			return nil, err
		}
		if key == "" && val == "" {
			continue
		}
		out = append(out, storage.FormPart{Key: key, Value: val, ContentType: ct, Enabled: enabled})
	}
	return out, nil
}

// postmanParamAliases maps older Postman parameter names to authlib's.
var postmanParamAliases = map[string]map[string]string{
	"hawk":   {"appId": "app"},
	"oauth2": {"grantType": "grant_type", "callBackUrl": "redirect_uri", "clientAuth": "client_authentication"},
}

// auth converts an auth object. def is the type used when there is none
// (AuthInherit for requests, "" for folders).
func (p *postmanImporter) auth(v any, path, where, def string) (storage.AuthSpec, error) {
	m, err := nativeObject(v, path)
	if err != nil {
		return storage.AuthSpec{}, err
	}
	typ, err := nativeField(m, "type", path)
	if err != nil {
		return storage.AuthSpec{}, err
	}
	switch typ {
	case "", "inherit":
		return storage.AuthSpec{Type: def}, nil
	case "noauth":
		return storage.AuthSpec{Type: storage.AuthNone}, nil
	}
	method, ok := authlib.Lookup(typ)
	if !ok {
		p.rep.Skipf(where, "auth type %s is not supported by Knock: imported without auth", nativeShort(typ))
		return storage.AuthSpec{Type: storage.AuthNone}, nil
	}
	params, err := postmanAuthParams(m[typ], nativeJoin(path, typ))
	if err != nil {
		return storage.AuthSpec{}, err
	}
	a := storage.AuthSpec{Type: method.Type}
	declared := map[string]bool{}
	for _, d := range method.Params {
		declared[d.Name] = true
	}
	var unused []string
	for _, kv := range params {
		k := kv.Key
		if alias, ok := postmanParamAliases[method.Type][k]; ok && !declared[k] {
			k = alias
		}
		if !declared[k] && kv.Value != "" && kv.Value != "false" {
			unused = append(unused, k)
		}
		if a.Params == nil {
			a.Params = map[string]string{}
		}
		a.Params[k] = kv.Value
	}
	if len(unused) > 0 {
		p.rep.Skipf(where, "%s auth parameters not used by Knock (kept): %s", method.Type, strings.Join(unused, ", "))
	}
	return a, nil
}

// postmanAuthParams reads an auth type's parameters: an array of
// {key, value, type} or v2.0's object. Values that are not text become
// text: booleans "true"/"false", numbers as written, and the map of
// values Postman keeps for "any" fields (audience, resource) their values
// joined by spaces.
func postmanAuthParams(v any, path string) ([]storage.KeyValue, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		out := make([]storage.KeyValue, 0, len(x))
		for _, k := range nativeSortedKeys(x) {
			out = append(out, storage.KeyValue{Key: k, Value: postmanParamValue(x[k])})
		}
		return out, nil
	case []any:
		out := make([]storage.KeyValue, 0, len(x))
		for i, e := range x {
			ep := nativeIndex(path, i)
			m, err := nativeObject(e, ep)
			if err != nil {
				return nil, err
			}
			k, err := nativeField(m, "key", ep)
			if err != nil {
				return nil, err
			}
			if k == "" {
				continue
			}
			out = append(out, storage.KeyValue{Key: k, Value: postmanParamValue(m["value"])})
		}
		return out, nil
	}
	return nil, nativeWrongType(path, "an array or an object", v)
}

func postmanParamValue(v any) string {
	if m, ok := v.(map[string]any); ok {
		var parts []string
		for _, k := range nativeSortedKeys(m) {
			s, err := nativeString(m[k], "")
			if err != nil {
				return nativeJSONText(v)
			}
			if s != "" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ")
	}
	return nativeJSONText(v)
}

// postmanVariables converts collection or folder variables.
func postmanVariables(v any, path string) ([]storage.Variable, error) {
	list, err := nativeArray(v, path)
	if err != nil {
		return nil, err
	}
	out := make([]storage.Variable, 0, len(list))
	for i, e := range list {
		v, ok, err := postmanVariable(e, nativeIndex(path, i), true)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, v)
		}
	}
	return out, nil
}

// postmanVariable converts one variable row of a collection, a folder or
// an environment (at JSON path ep). Collection variables may name
// themselves by "id" instead of "key" (idFallback). A row without a name
// is skipped: ok is false.
func postmanVariable(e any, ep string, idFallback bool) (v storage.Variable, ok bool, err error) {
	m, err := nativeObject(e, ep)
	if err != nil {
		return v, false, err
	}
	key, err := nativeField(m, "key", ep)
	if err != nil {
		return v, false, err
	}
	if key == "" && idFallback {
		if key, err = nativeField(m, "id", ep); err != nil {
			return v, false, err
		}
	}
	if key == "" {
		return v, false, nil
	}
	enabled, err := postmanEnabled(m, ep)
	if err != nil {
		return v, false, err
	}
	typ, err := nativeField(m, "type", ep)
	if err != nil {
		return v, false, err
	}
	return storage.Variable{Key: key, Value: nativeJSONText(m["value"]), Enabled: enabled, Secret: typ == "secret"}, true, nil
}

// scripts converts an event list (or one event object).
func (p *postmanImporter) scripts(v any, path, where string) ([]storage.Script, error) {
	var list []any
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		list = []any{x}
	case []any:
		list = x
	default:
		return nil, nativeWrongType(path, "an array of events", v)
	}
	var out []storage.Script
	for i, e := range list {
		ep := nativeIndex(path, i)
		if _, single := v.(map[string]any); single {
			ep = path
		}
		m, err := nativeObject(e, ep)
		if err != nil {
			return nil, err
		}
		listen, err := nativeField(m, "listen", ep)
		if err != nil {
			return nil, err
		}
		var text, lang string
		switch s := m["script"].(type) {
		case nil:
		case string:
			text = s
		case map[string]any:
			sp := nativeJoin(ep, "script")
			typ, err := nativeField(s, "type", sp)
			if err != nil {
				return nil, err
			}
			lang = strings.TrimPrefix(typ, "text/")
			switch exec := s["exec"].(type) {
			case nil:
			case []any:
				lines := make([]string, 0, len(exec))
				for j, l := range exec {
					str, err := nativeString(l, nativeIndex(nativeJoin(sp, "exec"), j))
					if err != nil {
						return nil, err
					}
					lines = append(lines, str)
				}
				text = strings.Join(lines, "\n")
			default:
				if text, err = nativeString(exec, nativeJoin(sp, "exec")); err != nil {
					return nil, err
				}
			}
			if src, _ := s["src"].(string); src != "" && strings.TrimSpace(text) == "" {
				p.rep.Skipf(where, "%s script loaded from %s: not imported", listen, nativeShort(src))
			}
		default:
			return nil, nativeWrongType(nativeJoin(ep, "script"), "an object", m["script"])
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		if lang == "" {
			lang = "javascript"
		}
		if disabled, _, _ := nativeFlag(m, "disabled", ep); disabled {
			p.rep.Skipf(where, "%s script is disabled in Postman: kept as text", listen)
		}
		out = append(out, storage.Script{Event: listen, Language: lang, Text: text})
		p.rep.NotRun = append(p.rep.NotRun, where+": "+listen+" script")
	}
	return out, nil
}

// behavior merges an item's protocolProfileBehavior over its parent's.
func (p *postmanImporter) behavior(v any, path string, parent map[string]any) (map[string]any, error) {
	m, err := nativeObject(v, path)
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return parent, nil
	}
	out := make(map[string]any, len(parent)+len(m))
	for k, v := range parent {
		out[k] = v
	}
	for k, v := range m {
		out[k] = v
	}
	return out, nil
}

func (p *postmanImporter) applyBehavior(r *storage.Request, ppb map[string]any, where string) {
	if len(ppb) == 0 {
		return
	}
	var unused []string
	for _, k := range nativeSortedKeys(ppb) {
		switch k {
		case "followRedirects":
			if v, ok, err := nativeFlag(ppb, k, ""); err == nil && ok {
				r.Settings.NoFollow = !v
				continue
			}
		case "maxRedirects":
			if n, ok, err := nativeInt(ppb, k, ""); err == nil && ok && n >= 0 && n < 1<<20 {
				r.Settings.MaxRedirects = int(n)
				if n == 0 {
					r.Settings.NoFollow = true
				}
				continue
			}
		case "strictSSL":
			if v, ok, err := nativeFlag(ppb, k, ""); err == nil && ok {
				r.Settings.Insecure = !v
				continue
			}
		}
		unused = append(unused, k)
	}
	if len(unused) > 0 {
		p.rep.Skipf(where, "protocolProfileBehavior options not supported: %s", strings.Join(unused, ", "))
	}
}

func (p *postmanImporter) proxyAndCert(r *storage.Request, m map[string]any, path, where string) error {
	if px, err := nativeObject(m["proxy"], nativeJoin(path, "proxy")); err != nil {
		return err
	} else if px != nil {
		host, err := nativeField(px, "host", nativeJoin(path, "proxy"))
		if err != nil {
			return err
		}
		port, err := nativeField(px, "port", nativeJoin(path, "proxy"))
		if err != nil {
			return err
		}
		disabled, _, _ := nativeFlag(px, "disabled", nativeJoin(path, "proxy"))
		if host != "" && !disabled {
			r.Settings.Proxy = "http://" + host
			if port != "" {
				r.Settings.Proxy += ":" + port
			}
			if match, _ := px["match"].(string); match != "" && match != "http+https://*/*" {
				p.rep.Skipf(where, "proxy match pattern %s not supported: the proxy applies to the request", nativeShort(match))
			}
		}
	}
	cert, err := nativeObject(m["certificate"], nativeJoin(path, "certificate"))
	if err != nil || cert == nil {
		return err
	}
	cp := nativeJoin(path, "certificate")
	src := func(key string) (string, error) {
		o, err := nativeObject(cert[key], nativeJoin(cp, key))
		if err != nil || o == nil {
			return "", err
		}
		return nativeField(o, "src", nativeJoin(cp, key))
	}
	if r.Settings.ClientCert, err = src("cert"); err != nil {
		return err
	}
	if r.Settings.ClientKey, err = src("key"); err != nil {
		return err
	}
	r.Settings.ClientCertPassword, err = nativeField(cert, "passphrase", cp)
	return err
}

// example converts a saved response.
func (p *postmanImporter) example(v any, path, where string, parent *storage.Request) (*storage.Example, error) {
	m, err := nativeObject(v, path)
	if err != nil || m == nil {
		return nil, err
	}
	ex := &storage.Example{}
	if ex.Name, err = nativeField(m, "name", path); err != nil {
		return nil, err
	}
	if code, ok, err := nativeInt(m, "code", path); err != nil {
		return nil, err
	} else if ok {
		ex.Status = int(code)
	}
	if ex.Header, err = postmanRows(m["header"], nativeJoin(path, "header"), "", nil); err != nil {
		return nil, err
	}
	for _, h := range ex.Header {
		if strings.EqualFold(h.Key, "Content-Type") {
			ex.ContentType = h.Value
		}
	}
	if ex.Body, err = nativeField(m, "body", path); err != nil {
		return nil, err
	}
	if orig, ok := m["originalRequest"]; ok && orig != nil {
		sub := &postmanImporter{}
		r, err := sub.request(orig, nativeJoin(path, "originalRequest"), where)
		if err != nil {
			return nil, err
		}
		if !postmanSameRequest(r, parent) {
			r.Auth = storage.AuthSpec{} // an example's request records what was sent; auth is the parent's
			ex.Request = r
		}
	}
	return ex, nil
}

func postmanSameRequest(a, b *storage.Request) bool {
	return a.Method == b.Method && a.URL == b.URL &&
		reflect.DeepEqual(a.Params, b.Params) && reflect.DeepEqual(a.Headers, b.Headers) &&
		reflect.DeepEqual(a.Body, b.Body)
}

// postmanEnvironment imports an environment or a globals file.
func postmanEnvironment(name string, v any, kind string) (*Result, error) {
	env := storage.Environment{}
	var list []any
	switch x := v.(type) {
	case []any:
		list = x
	case map[string]any:
		var err error
		if env.Name, err = nativeField(x, "name", ""); err != nil {
			return nil, err
		}
		if list, err = nativeArray(x["values"], "values"); err != nil {
			return nil, err
		}
	}
	path := "values"
	if _, bare := v.([]any); bare {
		path = ""
	}
	for i, e := range list {
		v, ok, err := postmanVariable(e, nativeIndex(path, i), false)
		if err != nil {
			return nil, err
		}
		if ok {
			env.Variables = append(env.Variables, v)
		}
	}
	if kind == "globals" {
		env.ID, env.Name = storage.GlobalsID, "Globals"
	}
	if strings.TrimSpace(env.Name) == "" {
		env.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		env.Name = strings.TrimSuffix(env.Name, ".postman_environment")
	}
	res := &Result{Environments: []storage.Environment{env}}
	res.Report.Imported = []string{env.Name}
	postmanAdoptPlaceholders(res)
	if err := nativeFinishSecrets(res); err != nil {
		return nil, err
	}
	return res, nil
}
