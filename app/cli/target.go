package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/app/runner"
	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
	"github.com/knockhttp/knock/storage/secrets"
)

// runTarget is what `knock run` runs: a plan and the variable scopes
// around it.
type runTarget struct {
	plan        runner.Plan
	environment map[string]string
	globals     map[string]string
	ws          *workspace.Workspace // set for stored collections
}

func (t *runTarget) engine() *engine.Engine {
	if t.ws != nil {
		return t.ws.Engine
	}
	return engine.New()
}

func (t *runTarget) close() {
	if t.ws != nil {
		t.ws.Close()
	}
}

// loadTarget reads a file or folder, or else looks the name up in the store.
func loadTarget(name string, f runFlags) (*runTarget, error) {
	if st, err := os.Stat(name); err == nil {
		var res *exchange.Result
		if st.IsDir() {
			res, err = exchange.ImportNativeFolder(name)
		} else {
			var data []byte
			if data, err = os.ReadFile(name); err == nil {
				res, err = exchange.Import(filepath.Base(name), data, "")
			}
		}
		if err != nil {
			return nil, err
		}
		t := &runTarget{plan: runner.PlanFromTree(res.Collection, res.Items)}
		if err := t.environmentFromFile(f.env, res.Environments); err != nil {
			return nil, err
		}
		return t, nil
	}
	return loadStoredTarget(name, f)
}

// environmentFromFile picks --env: a file, or an environment of the
// imported file by name.
func (t *runTarget) environmentFromFile(env string, imported []storage.Environment) error {
	if env == "" {
		return nil
	}
	if _, err := os.Stat(env); err == nil {
		vars, err := readEnvFile(env)
		t.environment = vars
		return err
	}
	var names []string
	for _, e := range imported {
		if strings.EqualFold(e.Name, env) {
			t.environment = variableMap(e.Variables)
			return nil
		}
		names = append(names, e.Name)
	}
	if len(names) == 0 {
		return fmt.Errorf("--env %q is neither a file nor an environment of the target (it has none)", env)
	}
	return fmt.Errorf("--env %q is neither a file nor an environment of the target (it has %s)", env, strings.Join(names, ", "))
}

func variableMap(vars []storage.Variable) map[string]string {
	m := map[string]string{}
	for _, v := range vars {
		if v.Enabled {
			m[v.Key] = v.Value
		}
	}
	return m
}

// openWorkspace opens the data directory and attaches the secret store the
// --secrets flag (or the settings) choose.
func openWorkspace(choice string) (*workspace.Workspace, error) {
	ws, err := workspace.Open("")
	if err != nil {
		return nil, err
	}
	switch choice {
	case "session":
		ws.UseSession()
	case "vault":
		pass := os.Getenv("KNOCK_VAULT_PASSPHRASE")
		if pass == "" {
			ws.Close()
			return nil, errors.New("--secrets vault needs the passphrase in KNOCK_VAULT_PASSPHRASE")
		}
		if err := ws.UseVault(pass); err != nil {
			ws.Close()
			return nil, err
		}
	case "", "keyring":
		if err := ws.AttachKeyring(); err != nil {
			ws.Close()
			if errors.Is(err, secrets.ErrUnavailable) {
				return nil, fmt.Errorf("%v; choose --secrets session (secrets of this run only) or --secrets vault with KNOCK_VAULT_PASSPHRASE", err)
			}
			return nil, err
		}
	default:
		ws.Close()
		return nil, fmt.Errorf("unknown --secrets %q: want keyring, session or vault", choice)
	}
	return ws, nil
}

// loadStoredTarget finds "Collection" or "Collection/Folder/…" in the
// store and builds the plan with every request's inheritance resolved.
func loadStoredTarget(name string, f runFlags) (*runTarget, error) {
	ws, err := openWorkspace(f.secrets)
	if err != nil {
		return nil, err
	}
	t := &runTarget{ws: ws}
	if err := t.loadStored(name, f.env); err != nil {
		ws.Close()
		return nil, err
	}
	return t, nil
}

func (t *runTarget) loadStored(name, env string) error {
	db := t.ws.DB
	parts := strings.Split(strings.Trim(name, "/"), "/")
	colls, err := db.Collections()
	if err != nil {
		return err
	}
	var coll *storage.Collection
	var names []string
	for i := range colls {
		names = append(names, colls[i].Name)
		if strings.EqualFold(colls[i].Name, parts[0]) {
			coll = &colls[i]
		}
	}
	if coll == nil {
		if len(names) == 0 {
			return fmt.Errorf("%q is not a file, and the store has no collections", name)
		}
		return fmt.Errorf("%q is not a file, nor a stored collection (collections: %s)", name, strings.Join(names, ", "))
	}
	tree, err := db.Tree(coll.ID)
	if err != nil {
		return err
	}
	node := tree
	for _, p := range parts[1:] {
		var next *storage.Node
		for _, c := range node.Children {
			if c.Kind == storage.KindFolder && strings.EqualFold(c.Name, p) {
				next = c
			}
		}
		if next == nil {
			return fmt.Errorf("collection %q has no folder %q", coll.Name, p)
		}
		node = next
	}
	t.plan = runner.Plan{Name: name, CollectionID: coll.ID}
	if err := t.addStored(node, strings.Join(parts[1:], "/")); err != nil {
		return err
	}
	if globals, err := db.Globals(); err == nil && globals != nil {
		if err := db.HydrateEnvironment(globals); err != nil {
			return err
		}
		t.globals = variableMap(globals.Variables)
	}
	return t.storedEnvironment(coll.ID, env)
}

// addStored appends the requests under node, depth first, in order.
func (t *runTarget) addStored(node *storage.Node, prefix string) error {
	db := t.ws.DB
	for _, c := range node.Children {
		path := c.Name
		if prefix != "" {
			path = prefix + "/" + c.Name
		}
		if c.Kind == storage.KindFolder {
			if err := t.addStored(c, path); err != nil {
				return err
			}
			continue
		}
		req, err := db.Request(c.ID)
		if err != nil {
			return err
		}
		if err := db.HydrateRequest(req); err != nil {
			return err
		}
		res, err := db.Resolve(c.ID)
		if err != nil {
			return err
		}
		if err := db.HydrateResolved(res); err != nil {
			return err
		}
		if req.Auth.Type == storage.AuthInherit {
			req.Auth = res.Inherited
		}
		var headers []storage.KeyValue
		for _, h := range res.Headers {
			if h.Enabled && !hasEnabledHeader(req.Headers, h.Key) {
				headers = append(headers, h)
			}
		}
		req.Headers = append(headers, req.Headers...)
		t.plan.Items = append(t.plan.Items, runner.Item{Path: path, Request: *req, Variables: variableMap(res.Variables)})
	}
	return nil
}

func hasEnabledHeader(rows []storage.KeyValue, key string) bool {
	for _, h := range rows {
		if h.Enabled && strings.EqualFold(h.Key, key) {
			return true
		}
	}
	return false
}

func (t *runTarget) storedEnvironment(collID, env string) error {
	if env == "" {
		return nil
	}
	if _, err := os.Stat(env); err == nil {
		vars, err := readEnvFile(env)
		t.environment = vars
		return err
	}
	db := t.ws.DB
	var names []string
	for _, scope := range []string{collID, ""} {
		list, err := db.Environments(scope)
		if err != nil {
			return err
		}
		for i := range list {
			names = append(names, list[i].Name)
			if strings.EqualFold(list[i].Name, env) {
				if err := db.HydrateEnvironment(&list[i]); err != nil {
					return err
				}
				t.environment = variableMap(list[i].Variables)
				return nil
			}
		}
	}
	return fmt.Errorf("no environment %q (known: %s)", env, strings.Join(names, ", "))
}
