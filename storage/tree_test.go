package storage

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage/secrets"
)

func newReq(name, method, url string) *Request {
	return &Request{Name: name, Method: method, URL: url, Auth: AuthSpec{Type: AuthInherit}}
}

func TestTreeOperations(t *testing.T) {
	db, _ := openTest(t)
	api := &Collection{Name: "API"}
	must(t, db.CreateCollection(api))
	other := &Collection{Name: "Other"}
	must(t, db.CreateCollection(other))
	if len(api.ID) != 16 {
		t.Fatalf("collection ID %q is not 16 hex digits", api.ID)
	}

	users := &Folder{Name: "Users"}
	must(t, db.CreateFolder(api.ID, users))
	admin := &Folder{Name: "Admin"}
	must(t, db.CreateFolder(users.ID, admin))
	list := newReq("List users", "GET", "https://api.test/users")
	must(t, db.CreateRequest(users.ID, list))
	create := newReq("Create user", "POST", "https://api.test/users")
	must(t, db.CreateRequest(users.ID, create))
	ban := newReq("Ban user", "PURGE", "https://api.test/users/1/ban") // a custom method
	must(t, db.CreateRequest(admin.ID, ban))
	health := newReq("Health", "GET", "https://api.test/health")
	must(t, db.CreateRequest(api.ID, health))

	expect := func(id, want string) {
		t.Helper()
		tree, err := db.Tree(id)
		must(t, err)
		if got := treeString(tree); got != want {
			t.Fatalf("tree:\n got  %s\n want %s", got, want)
		}
	}
	expect(api.ID, "API[Users[Admin[Ban user], List users, Create user], Health]")

	// Rename.
	must(t, db.Rename(create.ID, "Add user"))
	must(t, db.Rename(users.ID, "People"))
	must(t, db.Rename(api.ID, "Main API"))
	expect(api.ID, "Main API[People[Admin[Ban user], List users, Add user], Health]")
	if r, _ := db.Request(create.ID); r.Name != "Add user" || r.Method != "POST" {
		t.Fatalf("renamed request = %+v", r)
	}

	// Reorder within a parent, to the front, the middle and the end.
	must(t, db.Move(create.ID, users.ID, 0))
	expect(api.ID, "Main API[People[Add user, Admin[Ban user], List users], Health]")
	must(t, db.Move(list.ID, users.ID, 1))
	expect(api.ID, "Main API[People[Add user, List users, Admin[Ban user]], Health]")
	must(t, db.Move(create.ID, users.ID, -1))
	expect(api.ID, "Main API[People[List users, Admin[Ban user], Add user], Health]")

	// Many inserts at the same spot use up the gap and renumber.
	for i := range 30 {
		r := newReq(fmt.Sprint("n", i), "GET", "https://api.test/n")
		must(t, db.CreateRequest(other.ID, r))
		must(t, db.Move(r.ID, other.ID, 1))
	}
	tree, _ := db.Tree(other.ID)
	if len(tree.Children) != 30 || tree.Children[0].Name != "n0" || tree.Children[1].Name != "n29" || tree.Children[29].Name != "n1" {
		t.Fatalf("after 30 middle inserts: %s", treeString(tree))
	}
	for _, c := range tree.Children {
		_, err := db.Delete(c.ID)
		must(t, err)
	}

	// Move a folder with its contents to another collection.
	must(t, db.Move(admin.ID, other.ID, -1))
	expect(api.ID, "Main API[People[List users, Add user], Health]")
	expect(other.ID, "Other[Admin[Ban user]]")
	if loc, _ := db.Locate(ban.ID); loc.CollectionID != other.ID || loc.ParentID != admin.ID {
		t.Fatalf("ban moved with its folder: %+v", loc)
	}
	// And a request back into a folder of the first.
	must(t, db.Move(ban.ID, users.ID, 0))
	expect(api.ID, "Main API[People[Ban user, List users, Add user], Health]")

	// Invalid moves.
	must(t, db.Move(admin.ID, api.ID, 0))
	sub := &Folder{Name: "Sub"}
	must(t, db.CreateFolder(admin.ID, sub))
	for _, tc := range []struct{ id, to string }{{admin.ID, admin.ID}, {admin.ID, sub.ID}, {list.ID, health.ID}, {api.ID, other.ID}} {
		if err := db.Move(tc.id, tc.to, 0); !errors.Is(err, ErrInvalidMove) {
			t.Errorf("Move(%s, %s) = %v; want ErrInvalidMove", tc.id, tc.to, err)
		}
	}
	if err := db.Move("0000000000000000", api.ID, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Move of an unknown ID = %v", err)
	}

	// Duplicate a request: placed right after, new ID, same content.
	dupID, err := db.Duplicate(list.ID)
	must(t, err)
	expect(api.ID, "Main API[Admin[Sub[]], People[Ban user, List users, List users copy, Add user], Health]")
	dup, _ := db.Request(dupID)
	if dupID == list.ID || dup.URL != list.URL || dup.ID != dupID {
		t.Fatalf("duplicate = %+v", dup)
	}
	// Duplicate a folder: deep, with new IDs.
	fdup, err := db.Duplicate(users.ID)
	must(t, err)
	expect(api.ID, "Main API[Admin[Sub[]], People[Ban user, List users, List users copy, Add user], People copy[Ban user, List users, List users copy, Add user], Health]")
	ftree, _ := db.Tree(api.ID)
	seen := map[string]bool{}
	var walk func(n *Node)
	walk = func(n *Node) {
		if seen[n.ID] {
			t.Fatalf("ID %s appears twice after duplicating", n.ID)
		}
		seen[n.ID] = true
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(ftree)
	if !seen[fdup] {
		t.Fatal("the folder copy is not in the tree")
	}
	// Duplicate a collection.
	cdup, err := db.Duplicate(api.ID)
	must(t, err)
	ct, _ := db.Tree(cdup)
	if ct.Name != "Main API copy" || len(ct.Children) != 4 {
		t.Fatalf("collection copy: %s", treeString(ct))
	}
	colls, _ := db.Collections()
	names := []string{}
	for _, c := range colls {
		names = append(names, c.Name)
	}
	if strings.Join(names, ",") != "Main API,Other,Main API copy" {
		t.Fatalf("collections = %v", names)
	}
	must(t, db.MoveCollection(cdup, 0))
	colls, _ = db.Collections()
	if colls[0].ID != cdup {
		t.Fatalf("MoveCollection: first is %s", colls[0].Name)
	}

	// Errors name the problem.
	if err := db.CreateRequest(health.ID, newReq("x", "GET", "/")); !errors.Is(err, ErrInvalidMove) {
		t.Errorf("CreateRequest under a request = %v", err)
	}
	if err := db.CreateFolder(api.ID, &Folder{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unnamed folder = %v", err)
	}
	if _, err := db.Request(users.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Request(folder ID) = %v", err)
	}
	if err := db.SaveRequest(&Request{ID: "ffffffffffffffff", Method: "GET"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveRequest of an unknown ID = %v", err)
	}
}

func TestCreateCollectionTreeImport(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{Name: "Imported", Variables: []Variable{{Key: "base", Value: "https://x.test", Enabled: true}}}
	r1 := newReq("one", "GET", "{{base}}/1")
	r2 := newReq("two", "GET", "{{base}}/2")
	f := &Folder{Name: "f"}
	items := []TreeItem{{Request: r1}, {Folder: f, Children: []TreeItem{{Request: r2}}}}
	must(t, db.CreateCollectionTree(c, items))
	if c.ID == "" || r1.ID == "" || r2.ID == "" || f.ID == "" {
		t.Fatal("IDs were not written back")
	}
	tree, _ := db.Tree(c.ID)
	if treeString(tree) != "Imported[one, f[two]]" {
		t.Fatalf("tree = %s", treeString(tree))
	}
	if err := db.CreateCollectionTree(&Collection{Name: "bad"}, []TreeItem{{}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty item = %v", err)
	}
}

func TestSearch(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	f := &Folder{Name: "Orders"}
	must(t, db.CreateFolder(c.ID, f))
	for _, r := range []*Request{
		newReq("List orders", "GET", "https://shop.test/orders"),
		newReq("Create order", "POST", "https://shop.test/orders"),
		newReq("Ünïcode Name", "GET", "https://shop.test/ÜBER"),
		newReq("Health", "HEAD", "https://shop.test/health"),
	} {
		must(t, db.CreateRequest(f.ID, r))
	}
	cases := map[string][]string{
		"orders":      {"List orders", "Create order"},
		"ORDERS post": {"Create order"},
		"/health":     {"Health"},
		"head":        {"Health"},
		"ünïcode":     {"Ünïcode Name"},
		"über":        {"Ünïcode Name"},
		"nothing":     nil,
		"":            nil,
	}
	for q, want := range cases {
		hits, err := db.Search(q, 0)
		must(t, err)
		var got []string
		for _, h := range hits {
			got = append(got, h.Name)
			if h.CollectionID != c.ID {
				t.Errorf("hit %s has collection %s", h.Name, h.CollectionID)
			}
		}
		if strings.Join(got, "|") != strings.Join(want, "|") && !(len(got) == len(want) && sameSet(got, want)) {
			t.Errorf("Search(%q) = %v, want %v", q, got, want)
		}
	}
	if hits, _ := db.Search("shop", 2); len(hits) != 2 {
		t.Errorf("limit: %d hits", len(hits))
	}
}

func sameSet(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return true
}

func TestResolveInheritance(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{
		Name:      "C",
		Auth:      AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "coll-pass"}},
		Headers:   []KeyValue{{Key: "X-Team", Value: "core", Enabled: true}, {Key: "Accept", Value: "*/*", Enabled: true}, {Key: "X-Off", Value: "no", Enabled: false}},
		Variables: []Variable{{Key: "host", Value: "prod", Enabled: true}, {Key: "v", Value: "1", Enabled: true}},
	}
	must(t, db.CreateCollection(c))
	plain := &Folder{Name: "Plain"} // empty type: inherits
	must(t, db.CreateFolder(c.ID, plain))
	tokenF := &Folder{
		Name:      "Token",
		Auth:      AuthSpec{Type: "bearer", Params: map[string]string{"token": "folder-token"}},
		Headers:   []KeyValue{{Key: "accept", Value: "application/json", Enabled: true}},
		Variables: []Variable{{Key: "v", Value: "2", Enabled: true}},
	}
	must(t, db.CreateFolder(plain.ID, tokenF))
	noneF := &Folder{Name: "Public", Auth: AuthSpec{Type: AuthNone}}
	must(t, db.CreateFolder(c.ID, noneF))

	inToken := newReq("a", "GET", "/a")
	must(t, db.CreateRequest(tokenF.ID, inToken))
	inPlain := newReq("b", "GET", "/b")
	must(t, db.CreateRequest(plain.ID, inPlain))
	inNone := newReq("c", "GET", "/c")
	must(t, db.CreateRequest(noneF.ID, inNone))
	own := &Request{Name: "own", Method: "GET", URL: "/d", Auth: AuthSpec{Type: "digest", Params: map[string]string{"username": "bob"}}}
	must(t, db.CreateRequest(tokenF.ID, own))

	r, err := db.Resolve(inToken.ID)
	must(t, err)
	if r.Auth.Type != "bearer" || r.AuthFrom != (Origin{KindFolder, tokenF.ID, "Token"}) {
		t.Fatalf("auth = %+v from %+v", r.Auth, r.AuthFrom)
	}
	if r.Auth.Params["token"] != "" || r.Auth.SecretRefs["token"] == "" {
		t.Fatalf("resolved auth holds the secret, or no reference: %+v", r.Auth)
	}
	must(t, db.HydrateResolved(r))
	if r.Auth.Params["token"] != "folder-token" {
		t.Fatalf("hydrated token = %q", r.Auth.Params["token"])
	}
	if got := fmt.Sprint(r.Headers); got != "[{X-Team core true } {accept application/json true }]" {
		t.Errorf("headers = %s", got)
	}
	if got := fmt.Sprint(r.Variables); got != "[{host prod true false } {v 2 true false }]" {
		t.Errorf("variables = %s", got)
	}
	if len(r.Path) != 3 || r.Path[0].Kind != KindCollection || r.Path[2].Name != "Token" {
		t.Errorf("path = %+v", r.Path)
	}

	r, _ = db.Resolve(inPlain.ID)
	if r.Auth.Type != "basic" || r.AuthFrom.Kind != KindCollection || r.AuthFrom.Name != "C" {
		t.Fatalf("through a plain folder: %+v from %+v", r.Auth, r.AuthFrom)
	}
	r, _ = db.Resolve(inNone.ID)
	if r.Auth.Type != AuthNone || r.AuthFrom.Name != "Public" {
		t.Fatalf("under a none folder: %+v from %+v", r.Auth, r.AuthFrom)
	}
	r, _ = db.Resolve(own.ID)
	if r.Auth.Type != "digest" || r.AuthFrom.Kind != KindRequest || r.Inherited.Type != "bearer" || r.InheritedFrom.Name != "Token" {
		t.Fatalf("own auth: %+v from %+v; inherited %+v", r.Auth, r.AuthFrom, r.Inherited)
	}
	// A folder ID: what a new request there would get.
	r, _ = db.Resolve(tokenF.ID)
	if r.Auth.Type != "bearer" {
		t.Fatalf("folder: %+v", r.Auth)
	}
}

func TestTrashUndoAndPurge(t *testing.T) {
	store := &countingStore{Store: secrets.NewSession()}
	db, _ := openTest(t)
	db.SetSecrets(store)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	f := &Folder{Name: "F", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "folder-secret"}}}
	must(t, db.CreateFolder(c.ID, f))
	r := &Request{Name: "R", Method: "GET", URL: "/r", Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "req-secret"}}}
	must(t, db.CreateRequest(f.ID, r))
	keep := newReq("Keep", "GET", "/k")
	must(t, db.CreateRequest(c.ID, keep))
	pwRef := r.Auth.SecretRefs["password"]
	if pwRef != "request:"+r.ID+":auth.password" {
		t.Fatalf("reference = %q", pwRef)
	}

	trashID, err := db.Delete(f.ID)
	must(t, err)
	tree, _ := db.Tree(c.ID)
	if treeString(tree) != "C[Keep]" {
		t.Fatalf("after delete: %s", treeString(tree))
	}
	if _, err := db.Request(r.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted request still readable: %v", err)
	}
	if hits, _ := db.Search("/r", 0); len(hits) != 0 {
		t.Fatalf("deleted request found by search: %+v", hits)
	}
	items, err := db.Trash()
	must(t, err)
	if len(items) != 1 || items[0].ID != trashID || items[0].Requests != 1 || items[0].Kind != KindFolder || items[0].CollectionName != "C" {
		t.Fatalf("trash = %+v", items)
	}
	// Secrets survive while in the trash.
	if v, err := store.Get(pwRef); err != nil || v != "req-secret" {
		t.Fatalf("secret in trash: %q, %v", v, err)
	}

	// Undo.
	must(t, db.Restore(trashID))
	tree, _ = db.Tree(c.ID)
	if treeString(tree) != "C[F[R], Keep]" {
		t.Fatalf("after restore: %s", treeString(tree))
	}
	back, err := db.Request(r.ID)
	must(t, err)
	must(t, db.HydrateRequest(back))
	if back.Auth.Params["password"] != "req-secret" {
		t.Fatalf("restored secret = %q", back.Auth.Params["password"])
	}
	if items, _ := db.Trash(); len(items) != 0 {
		t.Fatalf("trash after restore = %+v", items)
	}

	// A request whose folder is gone comes back at the top.
	rid, err := db.Delete(r.ID)
	must(t, err)
	fid, err := db.Delete(f.ID)
	must(t, err)
	must(t, db.Restore(rid))
	tree, _ = db.Tree(c.ID)
	if treeString(tree) != "C[R, Keep]" {
		t.Fatalf("orphan restore: %s", treeString(tree))
	}

	// Purge: only entries older than the cutoff, with their secrets.
	if n, err := db.PurgeTrash(time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("purge of recent entries: %d, %v", n, err)
	}
	folderRef := ownerOf(ownerKindFolder, f.ID) + "auth.token"
	if _, err := store.Get(folderRef); err != nil {
		t.Fatalf("folder secret before purge: %v", err)
	}
	if n, err := db.PurgeTrash(time.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	if _, err := store.Get(folderRef); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("folder secret after purge: %v", err)
	}
	if err := db.Restore(fid); !errors.Is(err, ErrNotFound) {
		t.Fatalf("restore of a purged entry = %v", err)
	}
	// The request restored earlier still has its secret.
	if _, err := store.Get(pwRef); err != nil {
		t.Fatalf("request secret: %v", err)
	}

	// A whole collection, with its environment and cookies.
	env := &Environment{Name: "E", CollectionID: c.ID, Variables: []Variable{{Key: "k", Value: "env-secret", Secret: true, Enabled: true}}}
	must(t, db.SaveEnvironment(env))
	must(t, db.SaveCookies(c.ID, []CookieRecord{{Name: "sid", Value: "1", Domain: "x.test"}}))
	cid, err := db.Delete(c.ID)
	must(t, err)
	if colls, _ := db.Collections(); len(colls) != 0 {
		t.Fatalf("collections after delete: %+v", colls)
	}
	if envs, _ := db.Environments(c.ID); len(envs) != 0 {
		t.Fatal("environment stayed")
	}
	must(t, db.Restore(cid))
	tree, _ = db.Tree(c.ID)
	if treeString(tree) != "C[R, Keep]" {
		t.Fatalf("collection restore: %s", treeString(tree))
	}
	if envs, _ := db.Environments(c.ID); len(envs) != 1 {
		t.Fatal("environment not restored")
	}
	if ck, _ := db.Cookies(c.ID); len(ck) != 1 {
		t.Fatal("cookies not restored")
	}
	cid, err = db.Delete(c.ID)
	must(t, err)
	must(t, db.PurgeTrashItem(cid))
	for _, ref := range []string{pwRef, env.Variables[0].SecretRef} {
		if _, err := store.Get(ref); !errors.Is(err, secrets.ErrNotFound) {
			t.Errorf("%s after purging the collection: %v", ref, err)
		}
	}
	if err := db.PurgeTrashItem(cid); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second purge = %v", err)
	}
}

// TestPurgeNeedsTheSecretStore: with no store the secrets cannot be
// deleted, so the entry stays in the trash instead of orphaning them.
func TestPurgeNeedsTheSecretStore(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	r := &Request{Method: "GET", URL: "/", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "t0k3n"}}}
	must(t, db.CreateRequest(c.ID, r))
	_, err := db.Delete(r.ID)
	must(t, err)
	db.SetSecrets(nil)
	if _, err := db.PurgeTrash(time.Now().Add(time.Hour)); !errors.Is(err, ErrNoSecretStore) {
		t.Fatalf("purge without a store = %v", err)
	}
	if items, _ := db.Trash(); len(items) != 1 {
		t.Fatal("entry left the trash")
	}
}

func TestEnvironmentsCookiesSettingsSession(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))

	g, err := db.Globals()
	must(t, err)
	g.Variables = []Variable{{Key: "who", Value: "me", Enabled: true}}
	must(t, db.SaveEnvironment(g))
	if g2, _ := db.Globals(); len(g2.Variables) != 1 || g2.ID != GlobalsID {
		t.Fatalf("globals = %+v", g2)
	}
	for _, name := range []string{"prod", "Dev"} {
		must(t, db.SaveEnvironment(&Environment{Name: name, CollectionID: c.ID}))
	}
	must(t, db.SaveEnvironment(&Environment{Name: "shared"}))
	envs, _ := db.Environments(c.ID)
	if len(envs) != 2 || envs[0].Name != "Dev" {
		t.Fatalf("environments = %+v", envs)
	}
	if shared, _ := db.Environments(""); len(shared) != 1 || shared[0].Name != "shared" {
		t.Fatalf("shared = %+v", shared)
	}
	if err := db.SaveEnvironment(&Environment{Name: "x", CollectionID: "nope"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("environment of a missing collection = %v", err)
	}
	must(t, db.DeleteEnvironment(envs[0].ID))
	if envs, _ := db.Environments(c.ID); len(envs) != 1 {
		t.Fatal("not deleted")
	}

	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	jar := []CookieRecord{{Name: "sid", Value: "abc", Domain: "x.test", Path: "/", Expires: exp, Secure: true, HttpOnly: true, SameSite: "Lax"}}
	must(t, db.SaveCookies(c.ID, jar))
	must(t, db.SaveCookies(NoCollection, []CookieRecord{{Name: "loose", Value: "1", Domain: "y.test"}}))
	got, err := db.Cookies(c.ID)
	must(t, err)
	if len(got) != 1 || !got[0].Expires.Equal(exp) || got[0].SameSite != "Lax" {
		t.Fatalf("cookies = %+v", got)
	}
	if got, _ := db.Cookies(NoCollection); len(got) != 1 || got[0].Name != "loose" {
		t.Fatalf("loose cookies = %+v", got)
	}

	s, err := db.Settings()
	must(t, err)
	if !s.Netrc || s.HistoryBodyCap != 256<<10 || s.SecretStore != secrets.KindKeyring || s.Theme != "system" {
		t.Fatalf("defaults = %+v", s)
	}
	s.Netrc = false
	s.Theme = "dark"
	s.FontSize = 15
	s.SecretStore = secrets.KindVault
	must(t, db.SaveSettings(&s))
	s2, _ := db.Settings()
	if s2.Netrc || s2.Theme != "dark" || s2.FontSize != 15 || s2.SecretStore != secrets.KindVault {
		t.Fatalf("saved settings = %+v", s2)
	}

	saved := newReq("saved", "GET", "/s")
	must(t, db.CreateRequest(c.ID, saved))
	sess := &Session{
		Tabs: []Tab{
			{RequestID: saved.ID},
			{Draft: &Request{Method: "POST", URL: "/new", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "draft-token"}}}},
		},
		Active:       1,
		Environments: map[string]string{c.ID: envs[0].ID},
	}
	must(t, db.SaveSession(sess))
	if sess.Tabs[1].ID == "" || sess.Tabs[1].Draft.Auth.SecretRefs["token"] == "" || sess.Tabs[1].Draft.Auth.Params["token"] != "draft-token" {
		t.Fatalf("caller's session after save: %+v", sess.Tabs[1])
	}
	back, err := db.Session()
	must(t, err)
	if len(back.Tabs) != 2 || back.Active != 1 || back.Tabs[0].RequestID != saved.ID || back.Tabs[1].Draft.URL != "/new" {
		t.Fatalf("session = %+v", back)
	}
	if back.Tabs[1].Draft.Auth.Params["token"] != "" {
		t.Fatal("draft secret stored in the database")
	}
	must(t, db.HydrateSession(back))
	if back.Tabs[1].Draft.Auth.Params["token"] != "draft-token" {
		t.Fatal("draft secret not hydrated")
	}
	// Closing the draft's tab deletes its secret.
	ref := sess.Tabs[1].Draft.Auth.SecretRefs["token"]
	must(t, db.SaveSession(&Session{Tabs: sess.Tabs[:1]}))
	if _, err := db.Secrets().Get(ref); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("closed draft's secret: %v", err)
	}
}

func TestConcurrentReadersAndWriters(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				r := &Request{Name: fmt.Sprint(w, "-", i), Method: "GET", URL: "https://c.test/", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "tok"}}}
				if err := db.CreateRequest(c.ID, r); err != nil {
					errs <- err
					return
				}
				r.URL += "x"
				if err := db.SaveRequest(r); err != nil {
					errs <- err
					return
				}
				if _, err := db.History().Add(*r, ResponseSummary{Status: 200}, strings.NewReader("ok")); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := db.Tree(c.ID); err != nil {
					errs <- err
					return
				}
				if _, err := db.Search("c.test", 10); err != nil {
					errs <- err
					return
				}
				if _, err := db.History().Search(HistoryQuery{Method: "get", Limit: 5}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	tree, _ := db.Tree(c.ID)
	if len(tree.Children) != 100 {
		t.Fatalf("%d requests", len(tree.Children))
	}
	if n, _, _ := db.History().Stats(); n != 100 {
		t.Fatalf("%d history entries", n)
	}
}
