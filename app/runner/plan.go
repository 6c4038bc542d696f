package runner

import (
	"strings"

	"github.com/knockhttp/knock/storage"
)

// Item is one request of a run, with what it inherits already applied: the
// auth of the nearest folder or the collection when it says "inherit", the
// default headers, and the collection and folder variables.
type Item struct {
	Path      string // "Folder/Sub/Request"
	Request   storage.Request
	Variables map[string]string
}

// Plan is the ordered list of requests a run sends.
type Plan struct {
	Name         string
	CollectionID string // selects the cookie jar
	Items        []Item
}

// inherited is what a folder passes down to its children.
type inherited struct {
	auth      storage.AuthSpec
	headers   []storage.KeyValue
	variables map[string]string
}

// PlanFromTree flattens a collection's tree, in order, applying
// inheritance in memory (the importers' Result and native folders).
func PlanFromTree(c *storage.Collection, items []storage.TreeItem) Plan {
	p := Plan{Items: make([]Item, 0, countRequests(items))}
	base := inherited{variables: map[string]string{}}
	if c != nil {
		p.Name = c.Name
		p.CollectionID = c.ID
		base.auth = c.Auth
		base.headers = c.Headers
		addVariables(base.variables, c.Variables)
	}
	walkTree(&p, items, "", base)
	return p
}

// countRequests counts the requests of a tree, so that the plan is
// allocated once: growing it by appending copied each request several
// times over, and a plan of 1,000 requests is half a megabyte.
func countRequests(items []storage.TreeItem) int {
	n := 0
	for _, it := range items {
		switch {
		case it.Folder != nil:
			n += countRequests(it.Children)
		case it.Request != nil:
			n++
		}
	}
	return n
}

func walkTree(p *Plan, items []storage.TreeItem, prefix string, in inherited) {
	for _, it := range items {
		switch {
		case it.Folder != nil:
			f := it.Folder
			next := inherited{auth: in.auth, headers: in.headers, variables: copyVars(in.variables)}
			if f.Auth.Type != "" && f.Auth.Type != storage.AuthInherit {
				next.auth = f.Auth
			}
			next.headers = append(append([]storage.KeyValue(nil), in.headers...), f.Headers...)
			addVariables(next.variables, f.Variables)
			walkTree(p, it.Children, prefix+f.Name+"/", next)
		case it.Request != nil:
			p.Items = append(p.Items, Item{
				Path:      prefix + it.Request.Name,
				Request:   applyInherited(*it.Request, in),
				Variables: in.variables,
			})
		}
	}
}

// applyInherited resolves "inherit" auth and adds the default headers the
// request does not set itself.
func applyInherited(r storage.Request, in inherited) storage.Request {
	if r.Auth.Type == storage.AuthInherit {
		r.Auth = in.auth
	}
	var headers []storage.KeyValue
	for _, h := range in.headers {
		if h.Enabled && !hasHeader(r.Headers, h.Key) {
			headers = append(headers, h)
		}
	}
	if len(headers) > 0 {
		r.Headers = append(headers, r.Headers...)
	}
	return r
}

func hasHeader(rows []storage.KeyValue, key string) bool {
	for _, h := range rows {
		if h.Enabled && strings.EqualFold(h.Key, key) {
			return true
		}
	}
	return false
}

func addVariables(dst map[string]string, vars []storage.Variable) {
	for _, v := range vars {
		if v.Enabled {
			dst[v.Key] = v.Value
		}
	}
}

func copyVars(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
