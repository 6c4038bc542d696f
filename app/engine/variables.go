package engine

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Variables are the scopes a {{name}} is looked up in, in this order:
// the environment, the collection, the globals. Extra comes first of all:
// values given for one run, such as a data file's row.
type Variables struct {
	Extra       map[string]string
	Environment map[string]string
	Collection  map[string]string
	Globals     map[string]string
}

func (v Variables) lookup(name string) (string, bool) {
	for _, scope := range []map[string]string{v.Extra, v.Environment, v.Collection, v.Globals} {
		if val, ok := scope[name]; ok {
			return val, true
		}
	}
	return "", false
}

// UnresolvedError lists the variables that could not be resolved, and
// where each was used. Nothing has been sent when it is returned.
type UnresolvedError struct {
	Missing []MissingVariable
}

// MissingVariable is one unresolved {{name}}.
type MissingVariable struct {
	Name  string
	Where string // e.g. `URL`, `header "X-Token"`
}

func (e *UnresolvedError) Error() string {
	var b strings.Builder
	if len(e.Missing) == 1 {
		b.WriteString("unresolved variable ")
	} else {
		b.WriteString("unresolved variables ")
	}
	for i, m := range e.Missing {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "{{%s}} in %s", m.Name, m.Where)
	}
	b.WriteString(": define them in the environment, the collection or the globals; nothing was sent")
	return b.String()
}

// maxVariableDepth bounds nested expansion ({{a}} whose value uses {{b}}),
// so that a variable that refers to itself ends.
const maxVariableDepth = 10

// resolver expands {{name}} templates and collects what it could not
// resolve.
type resolver struct {
	vars    Variables
	missing []MissingVariable
	now     func() time.Time
}

func newResolver(v Variables) *resolver { return &resolver{vars: v, now: time.Now} }

// expand replaces every {{name}} in s. where names the field for errors.
func (r *resolver) expand(where, s string) string {
	return r.expandDepth(where, s, 0)
}

func (r *resolver) expandDepth(where, s string, depth int) string {
	if !strings.Contains(s, "{{") {
		return s
	}
	var b strings.Builder
	for {
		start := strings.Index(s, "{{")
		if start < 0 {
			b.WriteString(s)
			break
		}
		end := strings.Index(s[start+2:], "}}")
		if end < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:start])
		name := strings.TrimSpace(s[start+2 : start+2+end])
		s = s[start+2+end+2:]
		val, ok := r.value(name)
		if !ok {
			r.addMissing(name, where)
			b.WriteString("{{" + name + "}}")
			continue
		}
		if depth < maxVariableDepth {
			val = r.expandDepth(where, val, depth+1)
		}
		b.WriteString(val)
	}
	return b.String()
}

func (r *resolver) addMissing(name, where string) {
	for _, m := range r.missing {
		if m.Name == name && m.Where == where {
			return
		}
	}
	r.missing = append(r.missing, MissingVariable{Name: name, Where: where})
}

func (r *resolver) value(name string) (string, bool) {
	if strings.HasPrefix(name, "$") {
		return r.dynamic(name)
	}
	return r.vars.lookup(name)
}

// dynamic returns a fresh value for each use, as Postman does.
func (r *resolver) dynamic(name string) (string, bool) {
	switch name {
	case "$uuid", "$guid", "$randomUUID":
		return uuid.NewString(), true
	case "$timestamp":
		return strconv.FormatInt(r.now().Unix(), 10), true
	case "$isoTimestamp":
		return r.now().UTC().Format("2006-01-02T15:04:05.000Z"), true
	case "$randomInt":
		return strconv.Itoa(rand.IntN(1001)), true
	}
	return "", false
}

// err returns the collected failures, or nil.
func (r *resolver) err() error {
	if len(r.missing) == 0 {
		return nil
	}
	return &UnresolvedError{Missing: r.missing}
}

// ExpandString resolves one template, for callers outside a send (the
// window's URL preview, the runner's assertions).
func ExpandString(v Variables, s string) (string, error) {
	r := newResolver(v)
	out := r.expand("text", s)
	return out, r.err()
}
