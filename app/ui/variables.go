package ui

import (
	"sort"

	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/storage"
)

// variables is the window's in-memory view of the environments and the
// globals, so that the editors can highlight and complete {{names}} on the
// UI goroutine without touching the store. It is loaded and changed on
// goroutines, and read only on the UI goroutine.
type variables struct {
	ws       *workspace.Workspace
	envs     []storage.Environment // every environment, by name
	activeID string
	active   map[string]storage.Variable
	globals  map[string]storage.Variable
}

func newVariables(ws *workspace.Workspace) *variables {
	return &variables{ws: ws, active: map[string]storage.Variable{}, globals: map[string]storage.Variable{}}
}

// reload reads the environments, the globals and the chosen environment
// on a goroutine, then calls done on the UI goroutine.
func (v *variables) reload(done func()) {
	go func() {
		db := v.ws.DB
		envs, active, globals := v.load(db)
		activeID := ""
		if s, err := db.Session(); err == nil && s.Environments != nil {
			activeID = s.Environments[storage.NoCollection]
		}
		uithread.Do(func() {
			v.envs, v.globals = envs, globals
			v.activeID = activeID
			v.active = active(activeID)
			if done != nil {
				done()
			}
		})
	}()
}

// load reads every environment with its secrets; the returned function
// picks the active one's variables.
func (v *variables) load(db *storage.DB) ([]storage.Environment, func(string) map[string]storage.Variable, map[string]storage.Variable) {
	var envs []storage.Environment
	if list, err := db.Environments(""); err == nil {
		envs = append(envs, list...)
	}
	if colls, err := db.Collections(); err == nil {
		for _, c := range colls {
			if list, err := db.Environments(c.ID); err == nil {
				envs = append(envs, list...)
			}
		}
	}
	for i := range envs {
		_ = db.HydrateEnvironment(&envs[i]) // a missing secret shows as unresolved
	}
	sort.SliceStable(envs, func(i, j int) bool { return envs[i].Name < envs[j].Name })
	globals := map[string]storage.Variable{}
	if g, err := db.Globals(); err == nil && g != nil {
		_ = db.HydrateEnvironment(g)
		globals = byKey(g.Variables)
	}
	pick := func(id string) map[string]storage.Variable {
		for _, e := range envs {
			if e.ID == id {
				return byKey(e.Variables)
			}
		}
		return map[string]storage.Variable{}
	}
	return envs, pick, globals
}

func byKey(list []storage.Variable) map[string]storage.Variable {
	m := map[string]storage.Variable{}
	for _, x := range list {
		if x.Enabled {
			m[x.Key] = x
		}
	}
	return m
}

// setActive chooses the environment and remembers the choice.
func (v *variables) setActive(id string) {
	v.activeID = id
	v.active = map[string]storage.Variable{}
	for _, e := range v.envs {
		if e.ID == id {
			v.active = byKey(e.Variables)
		}
	}
	go func() {
		db := v.ws.DB
		s, err := db.Session()
		if err != nil || s == nil {
			s = &storage.Session{}
		}
		if s.Environments == nil {
			s.Environments = map[string]string{}
		}
		s.Environments[storage.NoCollection] = id
		_ = db.SaveSession(s)
	}()
}

// lookup resolves a name as a send would: environment, then the
// collection (extra), then globals.
func (v *variables) lookup(collection map[string]storage.Variable, name string) (storage.Variable, bool) {
	if x, ok := v.active[name]; ok {
		return x, true
	}
	if x, ok := collection[name]; ok {
		return x, true
	}
	x, ok := v.globals[name]
	return x, ok
}

// names lists every name that can be completed.
func (v *variables) names(collection map[string]storage.Variable) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]storage.Variable{v.active, collection, v.globals} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	out = append(out, "$uuid", "$timestamp", "$isoTimestamp", "$randomInt")
	sort.Strings(out)
	return out
}
