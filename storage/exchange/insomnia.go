package exchange

// Insomnia import: export format 4 (JSON or YAML: "__export_format": 4,
// a flat list of resources with _type request, request_group,
// environment, workspace) and the version 5 YAML collection
// ("type: collection.insomnia.rest/5.0", a nested "collection" tree).
//
// Mapped: folders with their auth, headers, variables and scripts; the
// auth types basic, digest, bearer, ntlm, oauth1, oauth2, hawk, iam (AWS
// SigV4), apikey, netrc and none, with Insomnia's inheritance (an empty or
// disabled auth inherits from the nearest folder, "none" stops it); query
// parameters and headers with their disabled flags; bodies (urlencoded,
// multipart with files, GraphQL, a file, any other text with its content
// type); the base environment (the collection's variables) and the
// sub-environments (environments, in order); pre-request and
// after-response scripts (kept, not run); unit tests (kept as test
// scripts of their request); "follow redirects: off"; descriptions.
// Nunjucks references {{ _.name }} become {{name}}.
//
// Not mapped, and reported: WebSocket, gRPC and other non-HTTP requests,
// template tags ({% ... %}, kept as text), cookie jars, API specs, path
// parameters (replaced by their value), auth types Knock does not have
// (asap), and settings Knock does not have.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

func init() {
	registerImporter(Importer{
		Format: "insomnia",
		Title:  "Insomnia export (v4 JSON or YAML, v5 YAML)",
		Detect: insomniaDetect,
		Import: ImportInsomnia,
	})
}

func insomniaDetect(name string, data []byte) bool {
	data, err := nativeDecodeText(data)
	if err != nil {
		return false
	}
	return nativeSniff(data, 4096, "__export_format") || nativeSniff(data, 4096, "collection.insomnia.rest/")
}

// insomniaOrderKey holds the key order of a decoded object.
const insomniaOrderKey = "\x00order"

// ImportInsomnia imports an Insomnia export.
func ImportInsomnia(name string, data []byte) (*Result, error) {
	text, err := nativeDecodeText(data)
	if err != nil {
		return nil, err
	}
	var root any
	if first := nativeFirstByte(text); first == '{' || first == '[' {
		root, err = insomniaDecodeJSON(text)
	} else {
		root, err = insomniaDecodeYAML(text)
	}
	if err != nil {
		return nil, err
	}
	m, err := nativeObject(root, "")
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("the file is empty")
	}
	im := &insomniaImporter{}
	var res *Result
	if typ, _ := m["type"].(string); strings.HasPrefix(typ, "collection.insomnia.rest/") {
		if !strings.HasPrefix(typ, "collection.insomnia.rest/5.") {
			return nil, fmt.Errorf("type: Insomnia format %s is not supported (this Knock reads 4 and 5.x)", nativeShort(typ))
		}
		res, err = im.v5(name, m)
	} else {
		if f, ok, _ := nativeInt(m, "__export_format", ""); !ok || f != 4 {
			return nil, &nativePathError{Path: "__export_format", Msg: "only Insomnia export format 4 (and the v5 collection YAML) can be imported"}
		}
		res, err = im.v4(name, m)
	}
	if err != nil {
		return nil, err
	}
	res.Report = im.rep
	return res, nil
}

// insomniaDecodeJSON decodes JSON keeping each object's key order.
func insomniaDecodeJSON(data []byte) (any, error) {
	if _, err := nativeDecodeJSON(data); err != nil { // names syntax errors with their line
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return insomniaReadJSON(dec, 0)
}

func insomniaReadJSON(dec *json.Decoder, depth int) (any, error) {
	if depth > 1000 {
		return nil, errors.New("values nested deeper than 1000")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return tok, nil
	}
	if d == '[' {
		list := []any{}
		for dec.More() {
			v, err := insomniaReadJSON(dec, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err := dec.Token()
		return list, err
	}
	m := map[string]any{}
	var order []string
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := kt.(string)
		v, err := insomniaReadJSON(dec, depth+1)
		if err != nil {
			return nil, err
		}
		if _, dup := m[k]; !dup {
			order = append(order, k)
		}
		m[k] = v
	}
	m[insomniaOrderKey] = order
	_, err = dec.Token()
	return m, err
}

// insomniaDecodeYAML decodes YAML into the same tree. Scalars keep their
// text (timestamps stay strings); aliases are expanded within a budget
// proportional to the input, so that an alias bomb is an error.
func insomniaDecodeYAML(data []byte) (any, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("YAML: %w", err)
	}
	if doc.Kind == 0 {
		return nil, errors.New("the file is empty")
	}
	// Without aliases a YAML value takes at least two bytes of text, so
	// twice the size is a generous bound that an alias bomb soon exceeds.
	budget := 2*len(data) + 10000
	return insomniaFromYAML(&doc, &budget, 0)
}

func insomniaFromYAML(n *yaml.Node, budget *int, depth int) (any, error) {
	*budget--
	if *budget < 0 {
		return nil, fmt.Errorf("line %d: the YAML expands to too many values (aliases)", n.Line)
	}
	if depth > 1000 {
		return nil, fmt.Errorf("line %d: values nested deeper than 1000", n.Line)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return insomniaFromYAML(n.Content[0], budget, depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, fmt.Errorf("line %d: unknown alias", n.Line)
		}
		return insomniaFromYAML(n.Alias, budget, depth+1)
	case yaml.SequenceNode:
		list := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := insomniaFromYAML(c, budget, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		return list, nil
	case yaml.MappingNode:
		m := map[string]any{}
		var order []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn := n.Content[i]
			if kn.Kind == yaml.AliasNode && kn.Alias != nil {
				kn = kn.Alias
			}
			if kn.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: a key must be text", kn.Line)
			}
			if kn.Tag == "!!merge" {
				continue // "<<" merge keys are not used by Insomnia
			}
			v, err := insomniaFromYAML(n.Content[i+1], budget, depth+1)
			if err != nil {
				return nil, err
			}
			if _, dup := m[kn.Value]; !dup {
				order = append(order, kn.Value)
			}
			m[kn.Value] = v
		}
		m[insomniaOrderKey] = order
		return m, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return n.Value, nil
			}
			return b, nil
		case "!!int", "!!float":
			if _, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return json.Number(n.Value), nil
			}
			return n.Value, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node", n.Line)
}

// insomniaKeys returns an object's keys in file order.
func insomniaKeys(m map[string]any) []string {
	if order, ok := m[insomniaOrderKey].([]string); ok {
		return order
	}
	keys := nativeSortedKeys(m)
	out := keys[:0]
	for _, k := range keys {
		if k != insomniaOrderKey {
			out = append(out, k)
		}
	}
	return out
}

type insomniaImporter struct {
	rep Report
	// tests are the unit tests of the file, by request ID.
	tests map[string][]storage.Script
}

// insomniaResource is a v4 resource with its place in the file.
type insomniaResource struct {
	m     map[string]any
	path  string
	id    string
	typ   string
	index int
	sort  float64
}

func (im *insomniaImporter) v4(name string, root map[string]any) (*Result, error) {
	list, err := nativeArray(root["resources"], "resources")
	if err != nil {
		return nil, err
	}
	var all []*insomniaResource
	byID := map[string]*insomniaResource{}
	for i, raw := range list {
		p := nativeIndex("resources", i)
		m, err := nativeObject(raw, p)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		r := &insomniaResource{m: m, path: p, index: i}
		if r.id, err = nativeField(m, "_id", p); err != nil {
			return nil, err
		}
		if r.typ, err = nativeField(m, "_type", p); err != nil {
			return nil, err
		}
		r.sort = insomniaSortKey(m["metaSortKey"], float64(i))
		all = append(all, r)
		if r.id != "" {
			byID[r.id] = r
		}
	}
	children := map[string][]*insomniaResource{}
	var workspaces []*insomniaResource
	for _, r := range all {
		parent, err := nativeField(r.m, "parentId", r.path)
		if err != nil {
			return nil, err
		}
		if r.typ == "workspace" {
			workspaces = append(workspaces, r)
			continue
		}
		if _, ok := byID[parent]; !ok {
			parent = "" // top level
		}
		children[parent] = append(children[parent], r)
	}
	for _, kids := range children {
		sort.SliceStable(kids, func(i, j int) bool { return kids[i].sort < kids[j].sort })
	}
	// Unit tests travel with their requests.
	im.tests = map[string][]storage.Script{}
	for _, r := range all {
		if r.typ != "unit_test" {
			continue
		}
		reqID, err := nativeField(r.m, "requestId", r.path)
		if err != nil {
			return nil, err
		}
		code, err := nativeField(r.m, "code", r.path)
		if err != nil {
			return nil, err
		}
		tname, _ := nativeField(r.m, "name", r.path)
		if _, ok := byID[reqID]; !ok || strings.TrimSpace(code) == "" {
			im.rep.Skipf(r.path, "unit test %s has no request to attach to: not imported", nativeShort(tname))
			continue
		}
		im.tests[reqID] = append(im.tests[reqID], storage.Script{Event: "test", Language: "javascript", Text: "// Insomnia unit test: " + tname + "\n" + code})
	}

	res := &Result{Collection: &storage.Collection{}}
	c := res.Collection
	switch len(workspaces) {
	case 0:
		c.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		items, err := im.v4Children(children, "", "", c, nil, res, 0)
		if err != nil {
			return nil, err
		}
		res.Items = items
	case 1:
		w := workspaces[0]
		if c.Name, err = nativeField(w.m, "name", w.path); err != nil {
			return nil, err
		}
		if c.Description, err = nativeField(w.m, "description", w.path); err != nil {
			return nil, err
		}
		items, err := im.v4Children(children, w.id, "", c, nil, res, 0)
		if err != nil {
			return nil, err
		}
		more, err := im.v4Children(children, "", "", c, nil, res, 0)
		if err != nil {
			return nil, err
		}
		res.Items = append(items, more...)
	default:
		// Several workspaces: one folder each.
		c.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		for _, w := range workspaces {
			f := &storage.Folder{}
			if f.Name, err = nativeField(w.m, "name", w.path); err != nil {
				return nil, err
			}
			if strings.TrimSpace(f.Name) == "" {
				f.Name = "Workspace"
			}
			f.Description, _ = nativeField(w.m, "description", w.path)
			kids, err := im.v4Children(children, w.id, f.Name, nil, f, res, 1)
			if err != nil {
				return nil, err
			}
			res.Items = append(res.Items, storage.TreeItem{Folder: f, Children: kids})
		}
		more, err := im.v4Children(children, "", "", c, nil, res, 0)
		if err != nil {
			return nil, err
		}
		res.Items = append(res.Items, more...)
	}
	if strings.TrimSpace(c.Name) == "" {
		c.Name = "Insomnia"
	}
	if err := nativeFinishSecrets(res); err != nil {
		return nil, err
	}
	return res, nil
}

// v4Children converts the resources under parent. coll or folder receives
// the variables of a base environment found there.
func (im *insomniaImporter) v4Children(children map[string][]*insomniaResource, parent, where string, coll *storage.Collection, folder *storage.Folder, res *Result, depth int) ([]storage.TreeItem, error) {
	if depth > nativeMaxDepth {
		return nil, &nativePathError{Msg: "folders nested deeper than 64"}
	}
	var out []storage.TreeItem
	for _, r := range children[parent] {
		name, err := nativeField(r.m, "name", r.path)
		if err != nil {
			return nil, err
		}
		switch r.typ {
		case "request":
			req, err := im.request(r.m, r.path, where, name, false)
			if err != nil {
				return nil, err
			}
			req.Scripts = append(req.Scripts, im.tests[r.id]...)
			for range im.tests[r.id] {
				im.rep.NotRun = append(im.rep.NotRun, nativePathJoin(where, req.Name)+": Insomnia unit test")
			}
			out = append(out, storage.TreeItem{Request: req})
		case "request_group":
			f, err := im.folder(r.m, r.path, where, name, false)
			if err != nil {
				return nil, err
			}
			kids, err := im.v4Children(children, r.id, nativePathJoin(where, f.Name), nil, f, res, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, storage.TreeItem{Folder: f, Children: kids})
		case "environment":
			vars, err := im.variables(r.m["data"], nativeJoin(r.path, "data"))
			if err != nil {
				return nil, err
			}
			switch {
			case coll != nil:
				coll.Variables = append(coll.Variables, vars...)
			case folder != nil:
				folder.Variables = append(folder.Variables, vars...)
			}
			for _, sub := range children[r.id] {
				if sub.typ != "environment" {
					continue
				}
				env := storage.Environment{}
				if env.Name, err = nativeField(sub.m, "name", sub.path); err != nil {
					return nil, err
				}
				if env.Variables, err = im.variables(sub.m["data"], nativeJoin(sub.path, "data")); err != nil {
					return nil, err
				}
				res.Environments = append(res.Environments, env)
			}
		case "websocket_request", "grpc_request", "socket_io_request", "mcp_request":
			im.rep.Skipf(nativePathJoin(where, name), "%s: Knock sends HTTP requests only", insomniaKindName(r.typ))
		case "cookie_jar":
			cookies, _ := r.m["cookies"].([]any)
			if len(cookies) > 0 {
				im.rep.Skipf(nativePathJoin(where, name), "cookie jar with %d cookies: not imported (Knock keeps the cookies servers set)", len(cookies))
			}
		case "api_spec":
			if contents, _ := r.m["contents"].(string); strings.TrimSpace(contents) != "" {
				im.rep.Skipf(r.path, "API spec document: not imported here (import it as an OpenAPI file)")
			}
		case "unit_test":
			// attached to its request above
		case "unit_test_suite":
			// a container of unit tests
		default:
			im.rep.Skipf(r.path, "Insomnia resource of type %s: not imported", nativeShort(r.typ))
		}
	}
	return out, nil
}

func insomniaKindName(typ string) string {
	switch typ {
	case "websocket_request":
		return "WebSocket request"
	case "grpc_request":
		return "gRPC request"
	case "socket_io_request":
		return "Socket.IO request"
	case "mcp_request":
		return "MCP request"
	}
	return typ
}

func insomniaSortKey(v any, def float64) float64 {
	s, err := nativeString(v, "")
	if err != nil || s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) {
		return def
	}
	return f
}

// v5 converts a collection.insomnia.rest/5.0 document.
func (im *insomniaImporter) v5(name string, root map[string]any) (*Result, error) {
	res := &Result{Collection: &storage.Collection{}}
	c := res.Collection
	var err error
	if c.Name, err = nativeField(root, "name", ""); err != nil {
		return nil, err
	}
	if strings.TrimSpace(c.Name) == "" {
		c.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	meta, err := nativeObject(root["meta"], "meta")
	if err != nil {
		return nil, err
	}
	if c.Description, err = nativeField(meta, "description", "meta"); err != nil {
		return nil, err
	}
	list, err := nativeArray(root["collection"], "collection")
	if err != nil {
		return nil, err
	}
	if res.Items, err = im.v5Items(list, "collection", "", 0); err != nil {
		return nil, err
	}
	envs, err := nativeObject(root["environments"], "environments")
	if err != nil {
		return nil, err
	}
	if envs != nil {
		if c.Variables, err = im.variables(envs["data"], "environments.data"); err != nil {
			return nil, err
		}
		subs, err := nativeArray(envs["subEnvironments"], "environments.subEnvironments")
		if err != nil {
			return nil, err
		}
		type ordered struct {
			env  storage.Environment
			sort float64
		}
		var list []ordered
		for i, s := range subs {
			sp := nativeIndex("environments.subEnvironments", i)
			sm, err := nativeObject(s, sp)
			if err != nil {
				return nil, err
			}
			env := storage.Environment{}
			if env.Name, err = nativeField(sm, "name", sp); err != nil {
				return nil, err
			}
			if env.Variables, err = im.variables(sm["data"], nativeJoin(sp, "data")); err != nil {
				return nil, err
			}
			smeta, _ := sm["meta"].(map[string]any)
			list = append(list, ordered{env, insomniaSortKey(smeta["sortKey"], float64(i))})
		}
		sort.SliceStable(list, func(i, j int) bool { return list[i].sort < list[j].sort })
		for _, o := range list {
			res.Environments = append(res.Environments, o.env)
		}
	}
	if jar, _ := root["cookieJar"].(map[string]any); jar != nil {
		if cookies, _ := jar["cookies"].([]any); len(cookies) > 0 {
			im.rep.Skipf("cookieJar", "cookie jar with %d cookies: not imported (Knock keeps the cookies servers set)", len(cookies))
		}
	}
	if spec, _ := root["spec"].(map[string]any); spec != nil {
		im.rep.Skipf("spec", "API spec document: not imported here (import it as an OpenAPI file)")
	}
	if err := nativeFinishSecrets(res); err != nil {
		return nil, err
	}
	return res, nil
}

func (im *insomniaImporter) v5Items(list []any, path, where string, depth int) ([]storage.TreeItem, error) {
	if depth > nativeMaxDepth {
		return nil, &nativePathError{Path: path, Msg: "folders nested deeper than 64"}
	}
	type ordered struct {
		item storage.TreeItem
		sort float64
	}
	var out []ordered
	for i, raw := range list {
		ip := nativeIndex(path, i)
		m, err := nativeObject(raw, ip)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		name, err := nativeField(m, "name", ip)
		if err != nil {
			return nil, err
		}
		meta, err := nativeObject(m["meta"], nativeJoin(ip, "meta"))
		if err != nil {
			return nil, err
		}
		id, _ := nativeField(meta, "id", "")
		sortKey := insomniaSortKey(meta["sortKey"], float64(i))
		if kids, isFolder := m["children"]; isFolder || strings.HasPrefix(id, "fld_") {
			f, err := im.folder(m, ip, where, name, true)
			if err != nil {
				return nil, err
			}
			kl, err := nativeArray(kids, nativeJoin(ip, "children"))
			if err != nil {
				return nil, err
			}
			children, err := im.v5Items(kl, nativeJoin(ip, "children"), nativePathJoin(where, f.Name), depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, ordered{storage.TreeItem{Folder: f, Children: children}, sortKey})
			continue
		}
		switch {
		case strings.HasPrefix(id, "ws-req_"):
			im.rep.Skipf(nativePathJoin(where, name), "WebSocket request: Knock sends HTTP requests only")
			continue
		case strings.HasPrefix(id, "greq_"):
			im.rep.Skipf(nativePathJoin(where, name), "gRPC request: Knock sends HTTP requests only")
			continue
		case id != "" && !strings.HasPrefix(id, "req_"):
			im.rep.Skipf(nativePathJoin(where, name), "Insomnia item %s is not an HTTP request: not imported", nativeShort(id))
			continue
		}
		req, err := im.request(m, ip, where, name, true)
		if err != nil {
			return nil, err
		}
		out = append(out, ordered{storage.TreeItem{Request: req}, sortKey})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].sort < out[j].sort })
	items := make([]storage.TreeItem, len(out))
	for i, o := range out {
		items[i] = o.item
	}
	return items, nil
}

// folder converts a request group (v4) or a folder (v5).
func (im *insomniaImporter) folder(m map[string]any, path, where, name string, v5 bool) (*storage.Folder, error) {
	if strings.TrimSpace(name) == "" {
		name = "Untitled folder"
	}
	fwhere := nativePathJoin(where, name)
	f := &storage.Folder{Name: insomniaTemplate(name, nil)}
	var err error
	if f.Description, err = im.description(m, path, v5); err != nil {
		return nil, err
	}
	if f.Auth, err = im.auth(m["authentication"], nativeJoin(path, "authentication"), fwhere, ""); err != nil {
		return nil, err
	}
	if f.Headers, err = im.rows(m["headers"], nativeJoin(path, "headers"), fwhere); err != nil {
		return nil, err
	}
	if f.Variables, err = im.variables(m["environment"], nativeJoin(path, "environment")); err != nil {
		return nil, err
	}
	if f.Scripts, err = im.scripts(m, path, fwhere, v5); err != nil {
		return nil, err
	}
	return f, nil
}

func (im *insomniaImporter) description(m map[string]any, path string, v5 bool) (string, error) {
	if v5 {
		meta, _ := m["meta"].(map[string]any)
		return nativeField(meta, "description", nativeJoin(path, "meta"))
	}
	return nativeField(m, "description", path)
}

func (im *insomniaImporter) scripts(m map[string]any, path, where string, v5 bool) ([]storage.Script, error) {
	var pre, post string
	var err error
	if v5 {
		s, err := nativeObject(m["scripts"], nativeJoin(path, "scripts"))
		if err != nil {
			return nil, err
		}
		if pre, err = nativeField(s, "preRequest", nativeJoin(path, "scripts")); err != nil {
			return nil, err
		}
		if post, err = nativeField(s, "afterResponse", nativeJoin(path, "scripts")); err != nil {
			return nil, err
		}
	} else {
		if pre, err = nativeField(m, "preRequestScript", path); err != nil {
			return nil, err
		}
		if post, err = nativeField(m, "afterResponseScript", path); err != nil {
			return nil, err
		}
	}
	var out []storage.Script
	if strings.TrimSpace(pre) != "" {
		out = append(out, storage.Script{Event: "prerequest", Language: "javascript", Text: pre})
		im.rep.NotRun = append(im.rep.NotRun, where+": prerequest script")
	}
	if strings.TrimSpace(post) != "" {
		out = append(out, storage.Script{Event: "test", Language: "javascript", Text: post})
		im.rep.NotRun = append(im.rep.NotRun, where+": after-response script")
	}
	return out, nil
}

// request converts an HTTP request (v4 or v5).
func (im *insomniaImporter) request(m map[string]any, path, where, name string, v5 bool) (*storage.Request, error) {
	if strings.TrimSpace(name) == "" {
		name = "Untitled request"
	}
	rwhere := nativePathJoin(where, name)
	tags := map[string]bool{}
	r := &storage.Request{Name: name, Method: "GET"}
	var err error
	if method, err := nativeField(m, "method", path); err != nil {
		return nil, err
	} else if strings.TrimSpace(method) != "" {
		r.Method = strings.TrimSpace(method)
	}
	u, err := nativeField(m, "url", path)
	if err != nil {
		return nil, err
	}
	r.URL = insomniaTemplate(u, tags)
	if r.Description, err = im.description(m, path, v5); err != nil {
		return nil, err
	}
	if r.Params, err = im.rows(m["parameters"], nativeJoin(path, "parameters"), rwhere); err != nil {
		return nil, err
	}
	if r.Headers, err = im.rows(m["headers"], nativeJoin(path, "headers"), rwhere); err != nil {
		return nil, err
	}
	for _, rows := range [][]storage.KeyValue{r.Params, r.Headers} {
		for i := range rows {
			rows[i].Key = insomniaTemplate(rows[i].Key, tags)
			rows[i].Value = insomniaTemplate(rows[i].Value, tags)
		}
	}
	if r.Body, err = im.body(m["body"], nativeJoin(path, "body"), rwhere, tags); err != nil {
		return nil, err
	}
	if r.Auth, err = im.auth(m["authentication"], nativeJoin(path, "authentication"), rwhere, storage.AuthInherit); err != nil {
		return nil, err
	}
	for _, v := range r.Auth.Params {
		insomniaTemplate(v, tags) // notes template tags
	}
	if r.Scripts, err = im.scripts(m, path, rwhere, v5); err != nil {
		return nil, err
	}
	pathParams, err := nativeArray(m["pathParameters"], nativeJoin(path, "pathParameters"))
	if err != nil {
		return nil, err
	}
	for i, pp := range pathParams {
		pm, err := nativeObject(pp, nativeIndex(nativeJoin(path, "pathParameters"), i))
		if err != nil {
			return nil, err
		}
		key, _ := nativeField(pm, "name", "")
		val, _ := nativeField(pm, "value", "")
		if key == "" {
			continue
		}
		if val == "" {
			im.rep.Skipf(rwhere, "path parameter :%s has no value: left in the URL (Knock has no path parameters)", key)
			continue
		}
		r.URL = postmanReplacePathVar(r.URL, key, insomniaTemplate(val, tags))
		im.rep.Skipf(rwhere, "path parameter :%s replaced by its value %s (Knock has no path parameters)", key, nativeShort(val))
	}
	// Settings.
	follow := ""
	var off []string
	flagOff := func(m map[string]any, key, label string, want bool) {
		if v, ok, _ := nativeFlag(m, key, ""); ok && v != want {
			off = append(off, label)
		}
	}
	if v5 {
		s, _ := m["settings"].(map[string]any)
		follow, _ = nativeField(s, "followRedirects", "")
		flagOff(s, "encodeUrl", "encode URL off (Knock encodes the URL)", true)
		flagOff(s, "renderRequestBody", "render body off", true)
		flagOff(s, "rebuildPath", "rebuild path off", true)
		cookies, _ := s["cookies"].(map[string]any)
		flagOff(cookies, "send", "send cookies off", true)
		flagOff(cookies, "store", "store cookies off", true)
	} else {
		follow, _ = nativeField(m, "settingFollowRedirects", "")
		flagOff(m, "settingEncodeUrl", "encode URL off (Knock encodes the URL)", true)
		flagOff(m, "settingDisableRenderRequestBody", "render body off", false)
		flagOff(m, "settingRebuildPath", "rebuild path off", true)
		flagOff(m, "settingSendCookies", "send cookies off", true)
		flagOff(m, "settingStoreCookies", "store cookies off", true)
	}
	if len(off) > 0 {
		im.rep.Skipf(rwhere, "Insomnia settings not supported: %s", strings.Join(off, ", "))
	}
	if follow == "off" {
		r.Settings.NoFollow = true
	}
	if len(tags) > 0 {
		list := make([]string, 0, len(tags))
		for t := range tags {
			list = append(list, t)
		}
		sort.Strings(list)
		im.rep.Skipf(rwhere, "Insomnia template tags kept as text, not evaluated: %s", strings.Join(list, ", "))
	}
	im.rep.Imported = append(im.rep.Imported, rwhere)
	return r, nil
}

// rows converts {name, value, disabled} rows.
func (im *insomniaImporter) rows(v any, path, where string) ([]storage.KeyValue, error) {
	var out []storage.KeyValue
	err := nativeEachObject(v, path, func(m map[string]any, ep string) error {
		k, val, err := nativePair(m, "name", ep)
		if err != nil || (k == "" && val == "") {
			return err
		}
		disabled, _, err := nativeFlag(m, "disabled", ep)
		if err != nil {
			return err
		}
		out = append(out, storage.KeyValue{Key: k, Value: val, Enabled: !disabled})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (im *insomniaImporter) body(v any, path, where string, tags map[string]bool) (storage.Body, error) {
	var b storage.Body
	m, err := nativeObject(v, path)
	if err != nil || m == nil {
		return b, err
	}
	mime, err := nativeField(m, "mimeType", path)
	if err != nil {
		return b, err
	}
	text, err := nativeField(m, "text", path)
	if err != nil {
		return b, err
	}
	fileName, err := nativeField(m, "fileName", path)
	if err != nil {
		return b, err
	}
	params, err := nativeArray(m["params"], nativeJoin(path, "params"))
	if err != nil {
		return b, err
	}
	base := strings.ToLower(strings.TrimSpace(strings.Split(mime, ";")[0]))
	switch {
	case base == "application/x-www-form-urlencoded":
		b.Mode = storage.BodyURLEncoded
		for i, p := range params {
			pp := nativeIndex(nativeJoin(path, "params"), i)
			pm, err := nativeObject(p, pp)
			if err != nil {
				return b, err
			}
			k, _ := nativeField(pm, "name", pp)
			val, err := nativeField(pm, "value", pp)
			if err != nil {
				return b, err
			}
			disabled, _, _ := nativeFlag(pm, "disabled", pp)
			b.Form = append(b.Form, storage.KeyValue{Key: insomniaTemplate(k, tags), Value: insomniaTemplate(val, tags), Enabled: !disabled})
		}
	case base == "multipart/form-data":
		b.Mode = storage.BodyFormData
		for i, p := range params {
			pp := nativeIndex(nativeJoin(path, "params"), i)
			pm, err := nativeObject(p, pp)
			if err != nil {
				return b, err
			}
			k, _ := nativeField(pm, "name", pp)
			val, err := nativeField(pm, "value", pp)
			if err != nil {
				return b, err
			}
			typ, _ := nativeField(pm, "type", pp)
			file, _ := nativeField(pm, "fileName", pp)
			disabled, _, _ := nativeFlag(pm, "disabled", pp)
			part := storage.FormPart{Key: insomniaTemplate(k, tags), Enabled: !disabled}
			if typ == "file" || file != "" {
				part.File = insomniaTemplate(file, tags)
			} else {
				part.Value = insomniaTemplate(val, tags)
			}
			b.Multipart = append(b.Multipart, part)
		}
	case base == "application/graphql":
		g, ok := insomniaGraphQL(text)
		if !ok {
			b.Mode, b.Raw, b.ContentType = storage.BodyRaw, insomniaTemplate(text, tags), "application/json"
			im.rep.Skipf(where, "the GraphQL body is not valid JSON: kept as a raw body")
			break
		}
		g.Query = insomniaTemplate(g.Query, tags)
		g.Variables = insomniaTemplate(g.Variables, tags)
		b.Mode, b.GraphQL = storage.BodyGraphQL, g
	case fileName != "":
		b.Mode, b.File = storage.BodyFile, insomniaTemplate(fileName, tags)
	case text != "":
		b.Mode, b.Raw, b.ContentType = storage.BodyRaw, insomniaTemplate(text, tags), mime
	}
	if (b.Mode == storage.BodyURLEncoded && len(b.Form) == 0) || (b.Mode == storage.BodyFormData && len(b.Multipart) == 0) {
		b = storage.Body{}
	}
	return b, nil
}

// insomniaGraphQL reads Insomnia's GraphQL body: JSON text with query,
// variables (an object, or text) and operationName.
func insomniaGraphQL(text string) (*storage.GraphQL, bool) {
	var g struct {
		Query         string          `json:"query"`
		Variables     json.RawMessage `json:"variables"`
		OperationName string          `json:"operationName"`
	}
	if err := json.Unmarshal([]byte(text), &g); err != nil {
		return nil, false
	}
	out := &storage.GraphQL{Query: g.Query, OperationName: g.OperationName}
	if len(g.Variables) > 0 && string(g.Variables) != "null" {
		var s string
		if err := json.Unmarshal(g.Variables, &s); err == nil {
			out.Variables = s
		} else {
			out.Variables = string(g.Variables)
		}
	}
	return out, true
}

// insomniaAuthParams maps Insomnia's auth fields to authlib's, per type.
var insomniaAuthParams = map[string]map[string]string{
	"basic":  {"username": "username", "password": "password"},
	"digest": {"username": "username", "password": "password"},
	"bearer": {"token": "token", "prefix": "prefix"},
	"ntlm":   {"username": "username", "password": "password"},
	"oauth1": {"consumerKey": "consumerKey", "consumerSecret": "consumerSecret", "tokenKey": "token", "tokenSecret": "tokenSecret",
		"signatureMethod": "signatureMethod", "privateKey": "privateKey", "version": "version", "nonce": "nonce",
		"timestamp": "timestamp", "callback": "callback", "realm": "realm", "verifier": "verifier", "includeBodyHash": "includeBodyHash"},
	"oauth2": {"grantType": "grant_type", "accessTokenUrl": "accessTokenUrl", "authorizationUrl": "authUrl", "clientId": "clientId",
		"clientSecret": "clientSecret", "scope": "scope", "state": "state", "redirectUrl": "redirect_uri", "username": "username",
		"password": "password", "audience": "audience", "resource": "resource", "tokenPrefix": "headerPrefix", "pkceMethod": "challengeAlgorithm"},
	"hawk":   {"id": "authId", "key": "authKey", "algorithm": "algorithm", "ext": "extraData"},
	"awsv4":  {"accessKeyId": "accessKey", "secretAccessKey": "secretKey", "sessionToken": "sessionToken", "region": "region", "service": "service"},
	"apikey": {"key": "key", "value": "value"},
	"netrc":  {},
}

// insomniaAuthTypes maps Insomnia's auth type names to authlib's.
var insomniaAuthTypes = map[string]string{
	"basic": "basic", "digest": "digest", "bearer": "bearer", "ntlm": "ntlm", "oauth1": "oauth1",
	"oauth2": "oauth2", "hawk": "hawk", "iam": "awsv4", "apikey": "apikey", "netrc": "netrc",
}

// auth converts an authentication object. def is used when it is empty or
// disabled (Insomnia then inherits).
func (im *insomniaImporter) auth(v any, path, where, def string) (storage.AuthSpec, error) {
	m, err := nativeObject(v, path)
	if err != nil {
		return storage.AuthSpec{}, err
	}
	typ, err := nativeField(m, "type", path)
	if err != nil {
		return storage.AuthSpec{}, err
	}
	if typ == "" {
		return storage.AuthSpec{Type: def}, nil
	}
	if disabled, _, _ := nativeFlag(m, "disabled", path); disabled {
		im.rep.Skipf(where, "%s auth is disabled in Insomnia: not imported (the request inherits)", typ)
		return storage.AuthSpec{Type: def}, nil
	}
	if typ == "none" {
		return storage.AuthSpec{Type: storage.AuthNone}, nil
	}
	kt, ok := insomniaAuthTypes[typ]
	if _, known := authlib.Lookup(kt); !ok || !known {
		im.rep.Skipf(where, "auth type %s is not supported by Knock: imported without auth", nativeShort(typ))
		return storage.AuthSpec{Type: storage.AuthNone}, nil
	}
	a := storage.AuthSpec{Type: kt, Params: map[string]string{}}
	names := insomniaAuthParams[kt]
	var unused []string
	for _, k := range insomniaKeys(m) {
		switch k {
		case "type", "disabled", insomniaOrderKey:
			continue
		}
		val := insomniaTemplate(nativeJSONText(insomniaPlain(m[k])), nil)
		if to, ok := names[k]; ok {
			if val != "" {
				a.Params[to] = val
			}
			continue
		}
		switch {
		case kt == "oauth2" && k == "usePkce":
			if val == "true" && a.Params["grant_type"] == "authorization_code" {
				a.Params["grant_type"] = "authorization_code_with_pkce"
			}
			continue
		case kt == "oauth2" && k == "credentialsInBody":
			if val == "true" {
				a.Params["client_authentication"] = "body"
			}
			continue
		case kt == "hawk" && k == "validatePayload":
			a.Params["includePayloadHash"] = val
			continue
		case kt == "apikey" && k == "addTo":
			switch val {
			case "header", "":
				a.Params["in"] = "header"
			case "queryParams":
				a.Params["in"] = "query"
			default:
				im.rep.Skipf(where, "API key sent as %s is not supported: sent as a header", nativeShort(val))
				a.Params["in"] = "header"
			}
			continue
		case kt == "basic" && k == "useISO88591":
			if val == "true" {
				im.rep.Skipf(where, "ISO-8859-1 encoding of Basic credentials is not supported: UTF-8 is used")
			}
			continue
		}
		if val != "" && val != "false" {
			unused = append(unused, k)
		}
	}
	if kt == "oauth2" {
		switch a.Params["grant_type"] {
		case "password":
			a.Params["grant_type"] = "password_credentials"
		case "authorization_code":
			if pk, _ := m["usePkce"].(bool); pk {
				a.Params["grant_type"] = "authorization_code_with_pkce"
			}
		}
	}
	if len(a.Params) == 0 {
		a.Params = nil
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		im.rep.Skipf(where, "Insomnia %s auth fields not supported: %s", typ, strings.Join(unused, ", "))
	}
	return a, nil
}

// variables converts environment data (an object; nested objects become
// dotted names) in the file's key order.
func (im *insomniaImporter) variables(v any, path string) ([]storage.Variable, error) {
	m, err := nativeObject(v, path)
	if err != nil || m == nil {
		return nil, err
	}
	var out []storage.Variable
	var walk func(prefix string, m map[string]any, depth int)
	walk = func(prefix string, m map[string]any, depth int) {
		for _, k := range insomniaKeys(m) {
			if k == insomniaOrderKey {
				continue
			}
			if sub, ok := m[k].(map[string]any); ok && depth < 16 {
				walk(prefix+k+".", sub, depth+1)
				continue
			}
			out = append(out, storage.Variable{Key: prefix + k, Value: insomniaTemplate(nativeJSONText(insomniaPlain(m[k])), nil), Enabled: true})
		}
	}
	walk("", m, 0)
	return out, nil
}

// insomniaPlain removes the key-order markers from a value.
func insomniaPlain(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if k != insomniaOrderKey {
				out[k] = insomniaPlain(e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = insomniaPlain(e)
		}
		return out
	}
	return v
}

var (
	insomniaVarRE = regexp.MustCompile(`\{\{\s*(?:_\.)?([A-Za-z0-9_$][A-Za-z0-9_$.\-]*)\s*\}\}`)
	insomniaTagRE = regexp.MustCompile(`\{%\s*([A-Za-z0-9_]+)`)
)

// insomniaTemplate turns Nunjucks variables ({{ _.name }}, {{ name }})
// into Knock's {{name}}; template tags ({% response ... %}) are kept as
// text and their names added to tags.
func insomniaTemplate(s string, tags map[string]bool) string {
	if !strings.Contains(s, "{") {
		return s
	}
	s = insomniaVarRE.ReplaceAllString(s, "{{$1}}")
	if tags != nil {
		for _, m := range insomniaTagRE.FindAllStringSubmatch(s, -1) {
			tags["{% "+m[1]+" %}"] = true
		}
	}
	return s
}
