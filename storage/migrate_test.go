package storage

import (
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// writeV1 writes a schema v1 database with raw bbolt, as the previous
// Knock did: documents as JSON values, order as children lists, history
// bodies inline.
func writeV1(t *testing.T, path string) {
	t.Helper()
	b, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	defer b.Close()
	put := func(tx *bolt.Tx, bucket, key string, v any) {
		bk, err := tx.CreateBucketIfNotExists([]byte(bucket))
		must(t, err)
		raw, err := json.Marshal(v)
		must(t, err)
		must(t, bk.Put([]byte(key), raw))
	}
	must(t, b.Update(func(tx *bolt.Tx) error {
		m, err := tx.CreateBucketIfNotExists(bMeta)
		must(t, err)
		must(t, m.Put(kSchema, u64(1)))
		put(tx, "collections", "c1", map[string]any{
			"id": "c1", "name": "Shop API",
			"auth":     map[string]any{"type": "bearer", "secretRefs": map[string]string{"token": "collection:c1:auth.token"}},
			"headers":  []KeyValue{{Key: "X-Team", Value: "shop", Enabled: true}},
			"children": []string{"r-z", "f1", "r-a", "missing-id"},
		})
		put(tx, "collections", "c2", map[string]any{"id": "c2", "name": "Other", "children": []string{}})
		put(tx, "folders", "f1", map[string]any{
			"id": "f1", "name": "Orders", "collectionId": "c1",
			"auth":     map[string]any{"type": "inherit"},
			"children": []string{"r-2", "r-1", "r-2"},
		})
		req := func(id, name, method, url, coll string) map[string]any {
			return map[string]any{"id": id, "name": name, "method": method, "url": url, "collectionId": coll, "auth": map[string]any{"type": "inherit"}}
		}
		// Order is the lists' order, not the keys' order.
		put(tx, "requests", "r-z", req("r-z", "List products", "GET", "https://shop.test/products", "c1"))
		put(tx, "requests", "r-a", req("r-a", "Health", "GET", "https://shop.test/health", "c1"))
		put(tx, "requests", "r-1", req("r-1", "Get order", "GET", "https://shop.test/orders/1", "c1"))
		put(tx, "requests", "r-2", req("r-2", "Create order", "POST", "https://shop.test/orders", "c1"))
		put(tx, "requests", "r-orphan", req("r-orphan", "Forgotten", "DELETE", "https://shop.test/x", "c2"))
		put(tx, "requests", "r-lost", req("r-lost", "Lost", "GET", "https://gone.test/", "c-gone"))
		put(tx, "environments", "e1", Environment{ID: "e1", Name: "Staging", CollectionID: "c1", Variables: []Variable{{Key: "host", Value: "staging.shop.test", Enabled: true}}})
		put(tx, "settings", "app", map[string]any{"theme": "dark", "netrc": false})
		hb, err := tx.CreateBucketIfNotExists([]byte("history"))
		must(t, err)
		for i := uint64(1); i <= 3; i++ {
			raw, err := json.Marshal(map[string]any{
				"id": i, "time": time.Date(2024, 1, int(i), 0, 0, 0, 0, time.UTC),
				"request":  map[string]any{"id": "r-2", "method": "POST", "url": "https://shop.test/orders"},
				"response": ResponseSummary{Status: 200 + int(i), Header: http.Header{"Content-Type": {"application/json"}}},
				"body":     []byte(strings.Repeat("b", int(i)*100)),
			})
			must(t, err)
			must(t, hb.Put(u64(i), raw))
		}
		_, err = hb.NextSequence()
		must(t, err)
		_, err = hb.NextSequence()
		must(t, err)
		_, err = hb.NextSequence()
		return err
	}))
}

func TestMigrateFromV1(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DBFile)
	writeV1(t, path)
	v1Bytes := fileBytes(t, path)

	db, err := Open(dir, nil)
	must(t, err)
	defer db.Close()

	// A backup of the v1 file was taken before the migration.
	list, err := Backups(dir)
	must(t, err)
	var v1Backup string
	for _, p := range list {
		if strings.HasSuffix(p, "-v1.db") {
			v1Backup = p
		}
	}
	if v1Backup == "" {
		t.Fatalf("no v1 backup among %v", list)
	}
	bk, err := bolt.Open(v1Backup, 0o600, &bolt.Options{ReadOnly: true})
	must(t, err)
	must(t, bk.View(func(tx *bolt.Tx) error {
		if v, _ := readSchema(tx); v != 1 || tx.Bucket([]byte("requests")) == nil {
			t.Errorf("backup is not the v1 database (schema %d)", v)
		}
		return nil
	}))
	must(t, bk.Close())
	if len(v1Bytes) == 0 {
		t.Fatal("fixture empty")
	}

	must(t, db.view(func(tx *bolt.Tx) error {
		if v, _ := readSchema(tx); v != 2 {
			t.Errorf("schema after migration = %d", v)
		}
		for _, gone := range []string{"folders", "requests"} {
			if tx.Bucket([]byte(gone)) != nil {
				t.Errorf("v1 bucket %s still there", gone)
			}
		}
		return nil
	}))

	colls, err := db.Collections()
	must(t, err)
	if len(colls) != 3 || colls[0].Name != "Shop API" || colls[1].Name != "Other" || colls[2].Name != "Recovered items" {
		t.Fatalf("collections = %+v", colls)
	}
	tree, err := db.Tree("c1")
	must(t, err)
	got := treeString(tree)
	want := "Shop API[List products, Orders[Create order, Get order], Health]"
	if got != want {
		t.Fatalf("tree = %s\nwant   %s", got, want)
	}
	other, _ := db.Tree("c2")
	if treeString(other) != "Other[Forgotten]" {
		t.Fatalf("orphan: %s", treeString(other))
	}
	rec, _ := db.Tree(colls[2].ID)
	if treeString(rec) != "Recovered items[Lost]" {
		t.Fatalf("lost: %s", treeString(rec))
	}

	// Order is explicit now: moving works on it.
	must(t, db.Move("r-a", "c1", 0))
	tree, _ = db.Tree("c1")
	if got := treeString(tree); got != "Shop API[Health, List products, Orders[Create order, Get order]]" {
		t.Fatalf("after move: %s", got)
	}

	// Search index and inheritance work on migrated data.
	hits, err := db.Search("orders", 0)
	must(t, err)
	if len(hits) != 2 {
		t.Fatalf("search hits = %+v", hits)
	}
	res, err := db.Resolve("r-1")
	must(t, err)
	if res.Auth.Type != "bearer" || res.AuthFrom.Kind != KindCollection || res.Auth.SecretRefs["token"] != "collection:c1:auth.token" {
		t.Fatalf("resolve = %+v", res)
	}

	// History entries gained sizes and their bodies moved out.
	h := db.History()
	n, size, err := h.Stats()
	must(t, err)
	if n != 3 || size <= 600 {
		t.Fatalf("history stats = %d entries, %d bytes", n, size)
	}
	entries, err := h.Search(HistoryQuery{Status: 202})
	must(t, err)
	if len(entries) != 1 || entries[0].Size <= 200 || entries[0].BodyStored != 200 || entries[0].CollectionID != "c1" {
		t.Fatalf("entry = %+v", entries)
	}
	rc, err := h.Body(entries[0].ID)
	must(t, err)
	body, _ := io.ReadAll(rc)
	rc.Close()
	if string(body) != strings.Repeat("b", 200) {
		t.Fatalf("body = %q", body)
	}
	// New entries continue the sequence.
	e, err := h.Add(Request{Method: "GET", URL: "https://shop.test/"}, ResponseSummary{Status: 200}, nil)
	must(t, err)
	if e.ID != 4 {
		t.Fatalf("new entry ID %d, want 4", e.ID)
	}

	s, err := db.Settings()
	must(t, err)
	if s.Theme != "dark" || s.Netrc || s.HistoryMaxEntries != 1000 {
		t.Fatalf("settings = %+v", s)
	}
	envs, err := db.Environments("c1")
	must(t, err)
	if len(envs) != 1 || envs[0].Variables[0].Value != "staging.shop.test" {
		t.Fatalf("environments = %+v", envs)
	}
}

// treeString renders a tree as "Name[child, child[...]]".
func treeString(n *Node) string {
	if n == nil {
		return "<nil>"
	}
	if n.Kind == KindRequest {
		return n.Name
	}
	parts := make([]string, len(n.Children))
	for i, c := range n.Children {
		parts[i] = treeString(c)
	}
	return n.Name + "[" + strings.Join(parts, ", ") + "]"
}
