package exchange

// Import of OpenAPI 3.0/3.1 and Swagger 2.0 documents, in JSON or YAML.
//
// The documents are read by github.com/getkin/kin-openapi (openapi3, and
// openapi2 converted with openapi2conv), which resolves the document's own
// $refs; external $refs are refused, so an import never reads another file
// or contacts a host. gopkg.in/yaml.v3 reads the text first: it reports a
// syntax error with its line, and it keeps the order of the paths and
// operations, which kin-openapi's maps lose. A panic inside the library is
// turned into an error.
//
// Mapping: every operation becomes a request named by its summary (or
// operationId, or METHOD path), in a folder named by its first tag; the
// URL is {{baseUrl}} and the path, with {param} as {{param}}; the first
// server becomes the collection variable baseUrl (server variables become
// variables too) and every server an environment when there are several.
// Query, header and cookie parameters become rows with their example (or
// default, or first enum value); a required one without example gets
// {{name}} so that Knock asks for it. Path parameters with an example
// become collection variables. The request body comes from the first of
// JSON, form, multipart, XML, text and other media types, with its example
// or one generated from the schema (bounded in depth, cycles cut); the
// other media types are reported. Response examples (and a generated one
// for the first 2xx JSON response) are kept as examples. Security: http
// basic, bearer, digest and negotiate, apiKey in a header or the query
// (in a cookie: a Cookie row), and the OAuth 2.0 flows (authorization
// code with PKCE, client credentials, password, implicit) map to Knock's
// auth; document-level security is the collection's auth, which
// operations inherit; openIdConnect and mutualTLS are reported as skipped
// with the reason. Callbacks and webhooks are reported as not imported.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"gopkg.in/yaml.v3"

	"github.com/knockhttp/knock/storage"
)

func init() {
	registerImporter(Importer{
		Format: "openapi",
		Title:  "OpenAPI 3 / Swagger 2 (JSON or YAML)",
		Detect: openapiDetect,
		Import: openapiImport,
	})
}

// openapiMaxInput bounds the document size; openapiMaxAliasNodes bounds
// the YAML nodes reached through aliases, against alias bombs.
const (
	openapiMaxInput      = 32 << 20
	openapiMaxAliasNodes = 200000
)

var openapiTopKey = regexp.MustCompile(`(?m)^["']?(openapi|swagger)["']?\s*:`)

// openapiDetect recognises a document with a top-level openapi or swagger
// key.
func openapiDetect(name string, data []byte) bool {
	head := bytes.TrimPrefix(data[:min(len(data), 256<<10)], []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(head)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		var top map[string]json.RawMessage
		if json.Unmarshal(data, &top) != nil {
			return false
		}
		_, o := top["openapi"]
		_, s := top["swagger"]
		return o || s
	}
	return openapiTopKey.Match(head)
}

// openapiImporter holds one import.
type openapiImporter struct {
	doc        *openapi3.T
	res        *Result
	swagger    bool
	pathOrder  []string
	opOrder    map[string][]string
	folders    map[string]*storage.TreeItem
	folderSeq  []string
	top        []storage.TreeItem
	varSeen    map[string]bool
	docAuth    *storage.AuthSpec
	docAuthSrc string
}

func openapiImport(name string, data []byte) (res *Result, err error) {
	if len(data) > openapiMaxInput {
		return nil, fmt.Errorf("the document is %d bytes; at most %d are read", len(data), openapiMaxInput)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		// JSON: its own parser names the line and column of a syntax
		// error (YAML would accept some broken JSON).
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, JSONError(data, err)
		}
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, openapiYAMLError(err)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil, fmt.Errorf("$: the document is empty")
	}
	budget := openapiMaxAliasNodes
	generic, err := openapiNodeValue(root.Content[0], "$", &budget, false, 0)
	if err != nil {
		return nil, err
	}
	top, ok := generic.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("$: an OpenAPI document is an object; this is a %s", openapiKind(generic))
	}
	if err := openapiCheckShape(top); err != nil {
		return nil, err
	}
	asJSON, err := json.Marshal(top)
	if err != nil {
		return nil, fmt.Errorf("$: %w", err)
	}

	imp := &openapiImporter{res: &Result{}, opOrder: map[string][]string{}, folders: map[string]*storage.TreeItem{}, varSeen: map[string]bool{}}
	imp.pathOrder, imp.opOrder = openapiOrder(root.Content[0])

	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("$: the OpenAPI library failed on this document (%v)", p)
		}
	}()
	switch {
	case top["swagger"] != nil:
		v := fmt.Sprint(top["swagger"])
		if v != "2.0" {
			return nil, fmt.Errorf("$.swagger: version %q is not supported (Swagger 2.0 and OpenAPI 3.x are)", v)
		}
		var doc2 openapi2.T
		if err := json.Unmarshal(asJSON, &doc2); err != nil {
			return nil, fmt.Errorf("$: %w", err)
		}
		doc3, err := openapi2conv.ToV3(&doc2)
		if err != nil {
			return nil, fmt.Errorf("$: converting Swagger 2.0: %w", err)
		}
		imp.doc, imp.swagger = doc3, true
	case top["openapi"] != nil:
		v := fmt.Sprint(top["openapi"])
		if !strings.HasPrefix(v, "3.") {
			return nil, fmt.Errorf("$.openapi: version %q is not supported (OpenAPI 3.x and Swagger 2.0 are)", v)
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = false
		loader.Context = context.Background()
		doc, err := loader.LoadFromData(asJSON)
		if err != nil {
			return nil, fmt.Errorf("$: %w", err)
		}
		imp.doc = doc
	default:
		return nil, fmt.Errorf("$: neither an openapi nor a swagger version key; this is not an OpenAPI document")
	}
	if err := imp.run(); err != nil {
		return nil, err
	}
	return imp.res, nil
}

// openapiYAMLError words a yaml.v3 syntax error (it names the line).
func openapiYAMLError(err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	return fmt.Errorf("%s", msg)
}

// openapiNodeValue converts a YAML node to JSON-shaped Go values; map keys
// become strings. Aliases are followed within the node budget.
func openapiNodeValue(n *yaml.Node, path string, budget *int, aliased bool, depth int) (any, error) {
	if aliased {
		*budget--
		if *budget < 0 {
			return nil, fmt.Errorf("%s: YAML aliases expand to more than %d values; refused", path, openapiMaxAliasNodes)
		}
	}
	if depth > 300 {
		return nil, fmt.Errorf("%s: nested more than 300 levels deep; refused", path)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return openapiNodeValue(n.Alias, path, budget, true, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.Tag == "!!merge" {
				v, err := openapiNodeValue(n.Content[i+1], path, budget, aliased, depth+1)
				if err != nil {
					return nil, err
				}
				if mm, ok := v.(map[string]any); ok {
					for mk, mv := range mm {
						if _, set := m[mk]; !set {
							m[mk] = mv
						}
					}
				}
				continue
			}
			key := k.Value
			v, err := openapiNodeValue(n.Content[i+1], openapiPathJoin(path, key), budget, aliased, depth+1)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		return m, nil
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := openapiNodeValue(c, fmt.Sprintf("%s[%d]", path, i), budget, aliased, depth+1)
			if err != nil {
				return nil, err
			}
			s = append(s, v)
		}
		return s, nil
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return nil, fmt.Errorf("%s (line %d): %w", path, n.Line, err)
			}
			return b, nil
		case "!!int":
			var i int64
			if err := n.Decode(&i); err == nil {
				return i, nil
			}
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, fmt.Errorf("%s (line %d): %w", path, n.Line, err)
			}
			return f, nil
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, fmt.Errorf("%s (line %d): %w", path, n.Line, err)
			}
			if math.IsInf(f, 0) || math.IsNaN(f) {
				return n.Value, nil
			}
			return f, nil
		}
		return n.Value, nil
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return openapiNodeValue(n.Content[0], path, budget, aliased, depth+1)
	}
	return nil, fmt.Errorf("%s (line %d): unexpected YAML node", path, n.Line)
}

func openapiPathJoin(path, key string) string {
	if key != "" && strings.Trim(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") == "" {
		return path + "." + key
	}
	return path + "[" + strconv.Quote(key) + "]"
}

func openapiKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case nil:
		return "null"
	case bool:
		return "boolean"
	}
	return "number"
}

// openapiMethods are the operation keys of a path item, in the order
// OpenAPI lists them.
var openapiMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace", "query"}

// openapiCheckShape checks the structure the mapping relies on and names
// the JSON path of what is wrong.
func openapiCheckShape(top map[string]any) error {
	obj := func(v any, path string) (map[string]any, error) {
		if v == nil {
			return nil, nil
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: must be an object, not a %s", path, openapiKind(v))
		}
		return m, nil
	}
	arr := func(v any, path string) error {
		if v == nil {
			return nil
		}
		if _, ok := v.([]any); !ok {
			return fmt.Errorf("%s: must be an array, not a %s", path, openapiKind(v))
		}
		return nil
	}
	if top["paths"] == nil && top["webhooks"] == nil {
		return fmt.Errorf("$.paths: missing: the document describes no operation")
	}
	paths, err := obj(top["paths"], "$.paths")
	if err != nil {
		return err
	}
	if _, err := obj(top["info"], "$.info"); err != nil {
		return err
	}
	if err := arr(top["servers"], "$.servers"); err != nil {
		return err
	}
	if err := arr(top["security"], "$.security"); err != nil {
		return err
	}
	for p, item := range paths {
		ip := openapiPathJoin("$.paths", p)
		m, err := obj(item, ip)
		if err != nil {
			return err
		}
		if err := arr(m["parameters"], ip+".parameters"); err != nil {
			return err
		}
		for _, meth := range openapiMethods {
			op, err := obj(m[meth], ip+"."+meth)
			if err != nil {
				return err
			}
			if op == nil {
				continue
			}
			for _, k := range []string{"parameters", "tags", "security"} {
				if err := arr(op[k], ip+"."+meth+"."+k); err != nil {
					return err
				}
			}
			for _, k := range []string{"requestBody", "responses"} {
				if _, err := obj(op[k], ip+"."+meth+"."+k); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// openapiOrder reads the order of the paths and of their operations.
func openapiOrder(root *yaml.Node) ([]string, map[string][]string) {
	ops := map[string][]string{}
	var paths []string
	if root.Kind != yaml.MappingNode {
		return nil, ops
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "paths" || root.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		pn := root.Content[i+1]
		for j := 0; j+1 < len(pn.Content); j += 2 {
			p := pn.Content[j].Value
			paths = append(paths, p)
			if item := pn.Content[j+1]; item.Kind == yaml.MappingNode {
				for k := 0; k+1 < len(item.Content); k += 2 {
					ops[p] = append(ops[p], strings.ToLower(item.Content[k].Value))
				}
			}
		}
	}
	return paths, ops
}

func (imp *openapiImporter) skip(item, format string, a ...any) {
	imp.res.Report.Skipf(item, format, a...)
}

func (imp *openapiImporter) run() error {
	doc := imp.doc
	coll := &storage.Collection{Name: "OpenAPI"}
	if doc.Info != nil {
		if doc.Info.Title != "" {
			coll.Name = doc.Info.Title
		}
		coll.Description = doc.Info.Description
		if doc.Info.Version != "" {
			coll.Description = strings.TrimSpace(coll.Description + "\n\nVersion " + doc.Info.Version)
		}
	}
	imp.res.Collection = coll
	imp.servers(coll)

	// Document-level security is the collection's auth.
	if len(doc.Security) > 0 {
		a, extra := imp.security(doc.Security, "$.security")
		if a != nil {
			coll.Auth = *a
			imp.docAuth = a
			imp.docAuthSrc = openapiSecurityKey(doc.Security)
			coll.Headers = append(coll.Headers, extra.headers...)
			if len(extra.params) > 0 {
				imp.skip("$.security", "the extra API keys %s go in the query of every request; add them to each request", openapiRowNames(extra.params))
			}
		}
	}

	// Folders follow the declared tags' order, then first use.
	for _, t := range doc.Tags {
		if t != nil {
			imp.folder(t.Name)
		}
	}
	if doc.Paths == nil {
		return fmt.Errorf("$.paths: missing: the document describes no operation")
	}
	seen := map[string]bool{}
	order := append([]string(nil), imp.pathOrder...)
	rest := doc.Paths.Keys()
	sort.Strings(rest)
	order = append(order, rest...)
	count := 0
	for _, p := range order {
		item := doc.Paths.Value(p)
		if seen[p] || item == nil {
			continue
		}
		seen[p] = true
		methods := imp.opOrder[p]
		if len(methods) == 0 {
			methods = openapiMethods
		}
		done := map[string]bool{}
		for _, m := range append(methods, openapiMethods...) {
			op := item.GetOperation(strings.ToUpper(m))
			if op == nil || done[m] {
				continue
			}
			done[m] = true
			imp.operation(p, strings.ToUpper(m), item, op)
			count++
		}
		for m, op := range item.AdditionalOperations {
			if op != nil && !done[strings.ToLower(m)] {
				imp.operation(p, m, item, op)
				count++
			}
		}
	}
	if len(doc.Webhooks) > 0 {
		imp.skip("$.webhooks", "%d webhooks describe requests the API sends, not ones to send to it; not imported", len(doc.Webhooks))
	}
	for _, name := range imp.folderSeq {
		f := imp.folders[name]
		if len(f.Children) > 0 {
			imp.res.Items = append(imp.res.Items, *f)
		}
	}
	imp.res.Items = append(imp.res.Items, imp.top...)
	if count == 0 {
		return fmt.Errorf("$.paths: the document has no operation")
	}
	return nil
}

// servers sets baseUrl (and an environment per server when there are
// several).
func (imp *openapiImporter) servers(coll *storage.Collection) {
	servers := imp.doc.Servers
	if len(servers) == 0 || servers[0] == nil {
		coll.Variables = append(coll.Variables, storage.Variable{Key: "baseUrl", Value: "", Enabled: true})
		imp.skip("$.servers", "the document names no server: set the variable baseUrl to the API's address (for example https://api.example.com)")
		return
	}
	base := func(s *openapi3.Server) (string, []storage.Variable) {
		u := strings.TrimSuffix(s.URL, "/")
		var vars []storage.Variable
		names := make([]string, 0, len(s.Variables))
		for n := range s.Variables {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			u = strings.ReplaceAll(u, "{"+n+"}", "{{"+n+"}}")
			def := ""
			if sv := s.Variables[n]; sv != nil {
				def = sv.Default
			}
			vars = append(vars, storage.Variable{Key: n, Value: def, Enabled: true})
		}
		return u, vars
	}
	first, vars := base(servers[0])
	coll.Variables = append(coll.Variables, storage.Variable{Key: "baseUrl", Value: first, Enabled: true})
	coll.Variables = append(coll.Variables, vars...)
	for _, v := range vars {
		imp.varSeen[v.Key] = true
	}
	if pu, err := url.Parse(first); err == nil && pu.Scheme == "" && !strings.HasPrefix(first, "{{") {
		imp.skip("$.servers[0]", "the server URL %q is relative to where the document is served: put the API's scheme and host in front of it in baseUrl", servers[0].URL)
	}
	if len(servers) > 1 {
		for _, s := range servers {
			if s == nil {
				continue
			}
			u, vars := base(s)
			name := s.Description
			if name == "" {
				name = u
			}
			env := storage.Environment{Name: name, Variables: append([]storage.Variable{{Key: "baseUrl", Value: u, Enabled: true}}, vars...)}
			imp.res.Environments = append(imp.res.Environments, env)
		}
	}
}

func (imp *openapiImporter) folder(name string) *storage.TreeItem {
	if f, ok := imp.folders[name]; ok {
		return f
	}
	f := &storage.TreeItem{Folder: &storage.Folder{Name: name}}
	for _, t := range imp.doc.Tags {
		if t != nil && t.Name == name {
			f.Folder.Description = t.Description
		}
	}
	imp.folders[name] = f
	imp.folderSeq = append(imp.folderSeq, name)
	return f
}

var openapiPathParam = regexp.MustCompile(`\{([^{}/]+)\}`)

// operation maps one operation to a request.
func (imp *openapiImporter) operation(path, method string, item *openapi3.PathItem, op *openapi3.Operation) {
	where := openapiPathJoin("$.paths", path) + "." + strings.ToLower(method)
	r := storage.Request{Method: method}
	switch {
	case op.Summary != "":
		r.Name = op.Summary
	case op.OperationID != "":
		r.Name = op.OperationID
	default:
		r.Name = method + " " + path
	}
	r.Description = op.Description
	if op.Deprecated {
		r.Description = strings.TrimSpace("Deprecated.\n\n" + r.Description)
	}
	base := "{{baseUrl}}"
	if op.Servers != nil && len(*op.Servers) > 0 && (*op.Servers)[0] != nil {
		base = strings.TrimSuffix((*op.Servers)[0].URL, "/")
		imp.skip(where, "the operation has its own server %s, written into its URL instead of {{baseUrl}}", base)
	} else if len(item.Servers) > 0 && item.Servers[0] != nil {
		base = strings.TrimSuffix(item.Servers[0].URL, "/")
		imp.skip(where, "the path has its own server %s, written into its URL instead of {{baseUrl}}", base)
	}
	r.URL = base + openapiPathParam.ReplaceAllString(path, "{{$1}}")

	// Parameters: the path item's, overridden by the operation's.
	type key struct{ name, in string }
	var params []*openapi3.Parameter
	index := map[key]int{}
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, pr := range list {
			if pr == nil || pr.Value == nil {
				continue
			}
			k := key{pr.Value.Name, pr.Value.In}
			if i, ok := index[k]; ok {
				params[i] = pr.Value
				continue
			}
			index[k] = len(params)
			params = append(params, pr.Value)
		}
	}
	var cookies []string
	for _, p := range params {
		ex, hasEx := openapiParamExample(p)
		switch p.In {
		case openapi3.ParameterInPath:
			if hasEx && !imp.varSeen[p.Name] {
				imp.varSeen[p.Name] = true
				imp.res.Collection.Variables = append(imp.res.Collection.Variables, storage.Variable{Key: p.Name, Value: openapiScalar(ex), Enabled: true})
			}
		case openapi3.ParameterInQuery:
			values := []string{""}
			switch {
			case hasEx:
				values = openapiParamValues(p, ex)
			case p.Required:
				values = []string{"{{" + p.Name + "}}"}
			}
			for _, v := range values {
				r.Params = append(r.Params, storage.KeyValue{Key: p.Name, Value: v, Enabled: p.Required})
			}
		case openapi3.ParameterInHeader:
			switch strings.ToLower(p.Name) {
			case "accept", "content-type", "authorization":
				imp.skip(where+".parameters", "the header parameter %s is left out: OpenAPI says it is ignored (the media types and security set it)", p.Name)
				continue
			}
			v := ""
			switch {
			case hasEx:
				v = openapiScalar(ex)
			case p.Required:
				v = "{{" + p.Name + "}}"
			}
			r.Headers = append(r.Headers, storage.KeyValue{Key: p.Name, Value: v, Enabled: p.Required || hasEx})
		case openapi3.ParameterInCookie:
			v := "{{" + p.Name + "}}"
			if hasEx {
				v = openapiScalar(ex)
			}
			cookies = append(cookies, p.Name+"="+v)
		default:
			imp.skip(where+".parameters", "the parameter %s is in %q, which OpenAPI does not define; left out", p.Name, p.In)
		}
	}
	if len(cookies) > 0 {
		r.Headers = append(r.Headers, storage.KeyValue{Key: "Cookie", Value: strings.Join(cookies, "; "), Enabled: true})
	}

	imp.requestBody(where, op, &r)
	imp.responses(where, op, &r)

	// Security.
	switch {
	case op.Security == nil:
		if imp.docAuth != nil {
			r.Auth = storage.AuthSpec{Type: storage.AuthInherit}
		}
	case len(*op.Security) == 0:
		r.Auth = storage.AuthSpec{Type: storage.AuthNone}
	case imp.docAuth != nil && openapiSecurityKey(*op.Security) == imp.docAuthSrc:
		r.Auth = storage.AuthSpec{Type: storage.AuthInherit}
	default:
		a, extra := imp.security(*op.Security, where+".security")
		if a != nil {
			r.Auth = *a
		} else {
			r.Auth = storage.AuthSpec{Type: storage.AuthNone}
		}
		r.Headers = append(r.Headers, extra.headers...)
		r.Params = append(r.Params, extra.params...)
	}
	if len(op.Callbacks) > 0 {
		imp.skip(where+".callbacks", "%d callbacks describe requests the API sends back; not imported", len(op.Callbacks))
	}

	it := storage.TreeItem{Request: &r}
	if len(op.Tags) > 0 && op.Tags[0] != "" {
		f := imp.folder(op.Tags[0])
		f.Children = append(f.Children, it)
		imp.res.Report.Imported = append(imp.res.Report.Imported, op.Tags[0]+"/"+r.Name)
		if len(op.Tags) > 1 {
			imp.skip(where+".tags", "the operation is in the folder %q only (also tagged %s)", op.Tags[0], strings.Join(op.Tags[1:], ", "))
		}
	} else {
		imp.top = append(imp.top, it)
		imp.res.Report.Imported = append(imp.res.Report.Imported, r.Name)
	}
}

func openapiRowNames(rows []storage.KeyValue) string {
	var n []string
	for _, r := range rows {
		n = append(n, r.Key)
	}
	return strings.Join(n, ", ")
}

// openapiParamExample finds a parameter's example: example, the first
// named example, the schema's example, default or first enum value.
func openapiParamExample(p *openapi3.Parameter) (any, bool) {
	if p.Example != nil {
		return p.Example, true
	}
	if v, ok := openapiFirstExample(p.Examples); ok {
		return v, true
	}
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		switch {
		case s.Example != nil:
			return s.Example, true
		case len(s.Examples) > 0:
			return s.Examples[0], true
		case s.Default != nil:
			return s.Default, true
		case len(s.Enum) > 0:
			return s.Enum[0], true
		case s.Items != nil && s.Items.Value != nil && s.Type.Is("array"):
			it := s.Items.Value
			switch {
			case it.Example != nil:
				return []any{it.Example}, true
			case it.Default != nil:
				return []any{it.Default}, true
			case len(it.Enum) > 0:
				return []any{it.Enum[0]}, true
			}
		}
	}
	for _, mt := range openapiSortedContent(p.Content) {
		if v, ok := openapiMediaExample(mt.media); ok {
			return v, true
		}
	}
	return nil, false
}

// openapiFirstExample returns the value of the first named example, by
// name.
func openapiFirstExample(ex openapi3.Examples) (any, bool) {
	names := make([]string, 0, len(ex))
	for n := range ex {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if e := ex[n]; e != nil && e.Value != nil && e.Value.Value != nil {
			return e.Value.Value, true
		}
	}
	return nil, false
}

// openapiParamValues spreads an array example over rows (form style,
// explode true by default) or joins it with commas.
func openapiParamValues(p *openapi3.Parameter, ex any) []string {
	arr, ok := ex.([]any)
	if !ok {
		return []string{openapiScalar(ex)}
	}
	explode := p.Explode == nil || *p.Explode
	if p.Style != "" && p.Style != "form" {
		explode = false
	}
	var out []string
	for _, v := range arr {
		out = append(out, openapiScalar(v))
	}
	if !explode || len(out) == 0 {
		sep := ","
		switch p.Style {
		case "spaceDelimited":
			sep = " "
		case "pipeDelimited":
			sep = "|"
		}
		return []string{strings.Join(out, sep)}
	}
	return out
}

// openapiScalar writes an example as text: strings as they are, the rest
// as JSON.
func openapiScalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

type openapiMedia struct {
	name  string
	media *openapi3.MediaType
}

// openapiSortedContent orders media types: JSON, form, multipart, XML,
// text, then the rest by name.
func openapiSortedContent(c openapi3.Content) []openapiMedia {
	rank := func(mt string) int {
		m := strings.ToLower(strings.TrimSpace(strings.SplitN(mt, ";", 2)[0]))
		switch {
		case m == "application/json":
			return 0
		case strings.HasSuffix(m, "+json") || strings.HasSuffix(m, "/json"):
			return 1
		case m == "application/x-www-form-urlencoded":
			return 2
		case m == "multipart/form-data":
			return 3
		case strings.HasSuffix(m, "/xml") || strings.HasSuffix(m, "+xml"):
			return 4
		case strings.HasPrefix(m, "text/"):
			return 5
		}
		return 6
	}
	var out []openapiMedia
	for name, mt := range c {
		if mt != nil {
			out = append(out, openapiMedia{name, mt})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		ri, rj := rank(out[i].name), rank(out[j].name)
		if ri != rj {
			return ri < rj
		}
		return out[i].name < out[j].name
	})
	return out
}

// openapiMediaExample is a media type's explicit example.
func openapiMediaExample(mt *openapi3.MediaType) (any, bool) {
	if mt.Example != nil {
		return mt.Example, true
	}
	if v, ok := openapiFirstExample(mt.Examples); ok {
		return v, true
	}
	if mt.Schema != nil && mt.Schema.Value != nil {
		if mt.Schema.Value.Example != nil {
			return mt.Schema.Value.Example, true
		}
		if len(mt.Schema.Value.Examples) > 0 {
			return mt.Schema.Value.Examples[0], true
		}
	}
	return nil, false
}

// requestBody fills the body from the first usable media type.
func (imp *openapiImporter) requestBody(where string, op *openapi3.Operation, r *storage.Request) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return
	}
	media := openapiSortedContent(op.RequestBody.Value.Content)
	if len(media) == 0 {
		return
	}
	where += ".requestBody"
	chosen := media[0]
	if len(media) > 1 {
		var others []string
		for _, m := range media[1:] {
			others = append(others, m.name)
		}
		imp.skip(where, "the body is %s; the operation also accepts %s (not imported)", chosen.name, strings.Join(others, ", "))
	}
	mt := strings.ToLower(strings.TrimSpace(strings.SplitN(chosen.name, ";", 2)[0]))
	var schema *openapi3.Schema
	if chosen.media.Schema != nil {
		schema = chosen.media.Schema.Value
	}
	ex, hasEx := openapiMediaExample(chosen.media)
	switch {
	case mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data":
		obj, _ := ex.(map[string]any)
		if !hasEx {
			gen, _ := openapiGenerate(schema, true, 0, map[*openapi3.Schema]bool{}).(map[string]any)
			obj = gen
		}
		names := make([]string, 0, len(obj))
		for k := range obj {
			names = append(names, k)
		}
		sort.Strings(names)
		if mt == "application/x-www-form-urlencoded" {
			var rows []storage.KeyValue
			for _, k := range names {
				rows = append(rows, storage.KeyValue{Key: k, Value: openapiScalar(obj[k]), Enabled: true})
			}
			r.Body = storage.Body{Mode: storage.BodyURLEncoded, Form: rows}
			return
		}
		var parts []storage.FormPart
		for _, k := range names {
			if openapiIsBinary(schema, k) {
				parts = append(parts, storage.FormPart{Key: k, File: "", Enabled: false})
				imp.skip(where, "the multipart part %q is a file: choose the file and enable the part", k)
				continue
			}
			parts = append(parts, storage.FormPart{Key: k, Value: openapiScalar(obj[k]), Enabled: true})
		}
		r.Body = storage.Body{Mode: storage.BodyFormData, Multipart: parts}
	case mt == "application/octet-stream" || strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/") ||
		schema != nil && schema.Type.Is("string") && (schema.Format == "binary" || schema.Format == "byte") && !hasEx:
		r.Body = storage.Body{Mode: storage.BodyFile, ContentType: chosen.name}
		imp.skip(where, "the body is a %s file: choose the file to send", chosen.name)
	case strings.HasSuffix(mt, "json"):
		if !hasEx {
			ex = openapiGenerate(schema, true, 0, map[*openapi3.Schema]bool{})
		}
		b, err := json.MarshalIndent(ex, "", "  ")
		if err != nil {
			imp.skip(where, "the example cannot be written as JSON (%v); the body is empty", err)
			b = nil
		}
		r.Body = storage.Body{Mode: storage.BodyRaw, Raw: string(b), ContentType: chosen.name}
	default:
		text := ""
		if s, ok := ex.(string); ok {
			text = s
		} else if hasEx {
			text = openapiScalar(ex)
		} else {
			imp.skip(where, "no example for the %s body; it is empty", chosen.name)
		}
		r.Body = storage.Body{Mode: storage.BodyRaw, Raw: text, ContentType: chosen.name}
	}
	if r.Method == "GET" || r.Method == "HEAD" {
		imp.skip(where, "a %s request with a body: servers often ignore it", r.Method)
	}
}

func openapiIsBinary(s *openapi3.Schema, prop string) bool {
	if s == nil {
		return false
	}
	p := s.Properties[prop]
	if p == nil || p.Value == nil {
		return false
	}
	v := p.Value
	if v.Type.Is("array") && v.Items != nil && v.Items.Value != nil {
		v = v.Items.Value
	}
	return v.Type.Is("string") && (v.Format == "binary" || v.Format == "base64") || v.Type.Is("file")
}

// responses keeps the documented response examples.
func (imp *openapiImporter) responses(where string, op *openapi3.Operation, r *storage.Request) {
	if op.Responses == nil {
		return
	}
	codes := op.Responses.Keys()
	sort.Strings(codes)
	generated := false
	for _, code := range codes {
		ref := op.Responses.Value(code)
		if ref == nil || ref.Value == nil {
			continue
		}
		status, _ := strconv.Atoi(code)
		desc := ""
		if ref.Value.Description != nil {
			desc = *ref.Value.Description
		}
		for _, m := range openapiSortedContent(ref.Value.Content) {
			ex, ok := openapiMediaExample(m.media)
			if !ok && !generated && status >= 200 && status < 300 && strings.Contains(strings.ToLower(m.name), "json") && m.media.Schema != nil {
				ex, ok = openapiGenerate(m.media.Schema.Value, false, 0, map[*openapi3.Schema]bool{}), true
				generated = true
			}
			if !ok {
				continue
			}
			body := ""
			if s, isStr := ex.(string); isStr && !strings.Contains(m.name, "json") {
				body = s
			} else if b, err := json.MarshalIndent(ex, "", "  "); err == nil {
				body = string(b)
			}
			name := strings.TrimSpace(code + " " + desc)
			r.Examples = append(r.Examples, storage.Example{Name: curlClip(name, 120), Status: status, Body: body, ContentType: m.name})
			break
		}
		if len(r.Examples) >= 10 {
			break
		}
	}
}

// openapiGenerate makes an example value from a schema. forRequest leaves
// out readOnly properties (writeOnly ones for responses).
func openapiGenerate(s *openapi3.Schema, forRequest bool, depth int, seen map[*openapi3.Schema]bool) any {
	if s == nil || depth > 8 || seen[s] {
		return nil
	}
	seen[s] = true
	defer delete(seen, s)
	switch {
	case s.Example != nil:
		return s.Example
	case len(s.Examples) > 0:
		return s.Examples[0]
	case s.Const != nil:
		return s.Const
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	if len(s.AllOf) > 0 {
		merged := map[string]any{}
		var last any
		for _, sub := range s.AllOf {
			if sub == nil {
				continue
			}
			v := openapiGenerate(sub.Value, forRequest, depth+1, seen)
			if m, ok := v.(map[string]any); ok {
				for k, x := range m {
					merged[k] = x
				}
			} else if v != nil {
				last = v
			}
		}
		if props := openapiGenerateProps(s, forRequest, depth, seen); props != nil {
			for k, x := range props {
				merged[k] = x
			}
		}
		if len(merged) > 0 || last == nil {
			return merged
		}
		return last
	}
	for _, alts := range []openapi3.SchemaRefs{s.OneOf, s.AnyOf} {
		for _, sub := range alts {
			if sub != nil && sub.Value != nil {
				return openapiGenerate(sub.Value, forRequest, depth+1, seen)
			}
		}
	}
	switch {
	case s.Type.Is("object") || s.Type == nil && len(s.Properties) > 0 || s.Type.Includes("object") && len(s.Properties) > 0:
		m := openapiGenerateProps(s, forRequest, depth, seen)
		if m == nil {
			m = map[string]any{}
		}
		return m
	case s.Type.Includes("array"):
		if s.Items != nil {
			if v := openapiGenerate(s.Items.Value, forRequest, depth+1, seen); v != nil {
				return []any{v}
			}
		}
		return []any{}
	case s.Type.Includes("string"):
		switch s.Format {
		case "date-time":
			return "2024-01-01T00:00:00Z"
		case "date":
			return "2024-01-01"
		case "time":
			return "00:00:00"
		case "email":
			return "user@example.com"
		case "uuid":
			return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
		case "uri", "url":
			return "https://example.com"
		case "hostname":
			return "example.com"
		case "ipv4":
			return "192.0.2.1"
		case "ipv6":
			return "2001:db8::1"
		case "binary", "byte", "base64":
			return ""
		}
		return "string"
	case s.Type.Includes("integer"):
		return 0
	case s.Type.Includes("number"):
		return 0.0
	case s.Type.Includes("boolean"):
		return true
	}
	return nil
}

func openapiGenerateProps(s *openapi3.Schema, forRequest bool, depth int, seen map[*openapi3.Schema]bool) map[string]any {
	if len(s.Properties) == 0 {
		return nil
	}
	m := map[string]any{}
	for name, p := range s.Properties {
		if p == nil || p.Value == nil {
			continue
		}
		if forRequest && p.Value.ReadOnly || !forRequest && p.Value.WriteOnly {
			continue
		}
		m[name] = openapiGenerate(p.Value, forRequest, depth+1, seen)
	}
	return m
}

// openapiExtra are the API keys of a requirement beyond the one that
// became the auth.
type openapiExtra struct {
	headers []storage.KeyValue
	params  []storage.KeyValue
}

// openapiSecurityKey identifies a security requirement list, to tell an
// operation that repeats the document's.
func openapiSecurityKey(reqs openapi3.SecurityRequirements) string {
	var parts []string
	for _, req := range reqs {
		var names []string
		for n, scopes := range req {
			s := append([]string(nil), scopes...)
			sort.Strings(s)
			names = append(names, n+"("+strings.Join(s, " ")+")")
		}
		sort.Strings(names)
		parts = append(parts, strings.Join(names, "&"))
	}
	return strings.Join(parts, "|")
}

// security maps a list of alternative requirements: the first one Knock
// can send becomes the auth.
func (imp *openapiImporter) security(reqs openapi3.SecurityRequirements, where string) (*storage.AuthSpec, openapiExtra) {
	anonymous := false
	var reasons []string
	for i, req := range reqs {
		if len(req) == 0 {
			anonymous = true
			continue
		}
		names := make([]string, 0, len(req))
		for n := range req {
			names = append(names, n)
		}
		sort.Strings(names)
		var auth *storage.AuthSpec
		var extra openapiExtra
		var skipped []string
		for _, n := range names {
			scheme := imp.scheme(n)
			if scheme == nil {
				skipped = append(skipped, fmt.Sprintf("%s is not in components.securitySchemes", n))
				continue
			}
			a, reason := openapiAuth(scheme, req[n])
			if a == nil {
				skipped = append(skipped, n+": "+reason)
				continue
			}
			if auth == nil {
				auth = a
				continue
			}
			// A second scheme of the same requirement: an API key can be
			// a row; anything else cannot be sent as well.
			if a.Type == "apikey" {
				row := storage.KeyValue{Key: a.Params["key"], Value: "{{" + a.Params["key"] + "}}", Enabled: true}
				if a.Params["in"] == "query" {
					extra.params = append(extra.params, row)
				} else {
					extra.headers = append(extra.headers, row)
				}
				imp.skip(fmt.Sprintf("%s[%d]", where, i), "the API key %s, required together with the auth, is a row whose value is {{%s}}", n, a.Params["key"])
				continue
			}
			skipped = append(skipped, n+": Knock sends one auth method per request, and "+names[0]+" was chosen")
		}
		if auth != nil {
			for _, s := range reasons {
				imp.skip(where, "an alternative that cannot be used: %s", s)
			}
			for _, s := range skipped {
				imp.skip(fmt.Sprintf("%s[%d]", where, i), "%s", s)
			}
			if len(reqs) > 1 {
				var alts []string
				for j, other := range reqs {
					if j == i {
						continue
					}
					var ns []string
					for n := range other {
						ns = append(ns, n)
					}
					sort.Strings(ns)
					if len(ns) == 0 {
						ns = []string{"no auth"}
					}
					alts = append(alts, strings.Join(ns, "+"))
				}
				imp.skip(where, "the auth is %s; the API also accepts %s", strings.Join(names, "+"), strings.Join(alts, ", "))
			}
			return auth, extra
		}
		reasons = append(reasons, skipped...)
	}
	if len(reasons) > 0 {
		msg := "no security requirement could be mapped: " + strings.Join(reasons, "; ")
		if anonymous {
			msg += " (the API also accepts requests without auth)"
		}
		imp.skip(where, "%s", msg)
	}
	return nil, openapiExtra{}
}

func (imp *openapiImporter) scheme(name string) *openapi3.SecurityScheme {
	if imp.doc.Components == nil {
		return nil
	}
	ref := imp.doc.Components.SecuritySchemes[name]
	if ref == nil {
		return nil
	}
	return ref.Value
}

// openapiAuth maps one security scheme, or says why it cannot be.
func openapiAuth(s *openapi3.SecurityScheme, scopes []string) (*storage.AuthSpec, string) {
	switch strings.ToLower(s.Type) {
	case "http":
		switch strings.ToLower(s.Scheme) {
		case "basic":
			return &storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "", "password": ""}}, ""
		case "bearer":
			return &storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": ""}}, ""
		case "digest":
			return &storage.AuthSpec{Type: "digest", Params: map[string]string{"username": "", "password": ""}}, ""
		case "negotiate":
			return &storage.AuthSpec{Type: "negotiate", Params: map[string]string{}}, ""
		}
		return nil, fmt.Sprintf("the HTTP auth scheme %q is not one Knock supports", s.Scheme)
	case "apikey":
		switch strings.ToLower(s.In) {
		case "header", "query":
			return &storage.AuthSpec{Type: "apikey", Params: map[string]string{"key": s.Name, "value": "", "in": strings.ToLower(s.In)}}, ""
		case "cookie":
			return nil, fmt.Sprintf("an API key in the cookie %s: Knock's API key auth sends a header or a query parameter; add a Cookie header %s=…", s.Name, s.Name)
		}
		return nil, fmt.Sprintf("an API key in %q", s.In)
	case "oauth2":
		if s.Flows == nil {
			return nil, "OAuth 2.0 without flows"
		}
		scope := strings.Join(scopes, " ")
		p := map[string]string{"scope": scope, "clientId": "", "clientSecret": ""}
		switch f := s.Flows; {
		case f.AuthorizationCode != nil:
			p["grant_type"] = "authorization_code_with_pkce"
			p["authUrl"], p["accessTokenUrl"] = f.AuthorizationCode.AuthorizationURL, f.AuthorizationCode.TokenURL
			if f.AuthorizationCode.RefreshURL != "" {
				p["refreshTokenUrl"] = f.AuthorizationCode.RefreshURL
			}
		case f.ClientCredentials != nil:
			p["grant_type"] = "client_credentials"
			p["accessTokenUrl"] = f.ClientCredentials.TokenURL
			if f.ClientCredentials.RefreshURL != "" {
				p["refreshTokenUrl"] = f.ClientCredentials.RefreshURL
			}
		case f.Password != nil:
			p["grant_type"] = "password_credentials"
			p["accessTokenUrl"] = f.Password.TokenURL
			p["username"], p["password"] = "", ""
		case f.Implicit != nil:
			p["grant_type"] = "implicit"
			p["authUrl"] = f.Implicit.AuthorizationURL
		default:
			return nil, "OAuth 2.0 with no flow Knock knows"
		}
		if scope == "" {
			delete(p, "scope")
		}
		return &storage.AuthSpec{Type: "oauth2", Params: p}, ""
	case "openidconnect":
		return nil, fmt.Sprintf("OpenID Connect discovery (%s) is not read by Knock: set up OAuth 2.0 by hand with the endpoints the discovery document lists", s.OpenIdConnectUrl)
	case "mutualtls":
		return nil, "mutual TLS: choose a client certificate in the request's settings"
	}
	return nil, fmt.Sprintf("the security scheme type %q is not known", s.Type)
}
