package storage

import (
	"testing"

	"github.com/knockhttp/knock/storage/secrets"
)

func TestCollectionTreeKeepsOrderAndLeavesSecretsOut(t *testing.T) {
	db, _ := openTest(t)
	db.SetSecrets(secrets.NewSession())
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	f := &Folder{Name: "F"}
	must(t, db.CreateFolder(c.ID, f))
	must(t, db.CreateRequest(f.ID, &Request{Name: "inner", Method: "GET", URL: "/a", Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "s3cret-pw"}}}))
	must(t, db.CreateRequest(c.ID, &Request{Name: "top", Method: "POST", URL: "/b"}))

	got, items, err := db.CollectionTree(c.ID)
	must(t, err)
	if got.Name != "C" || len(items) != 2 || items[0].Folder == nil || items[0].Folder.Name != "F" || items[1].Request.Name != "top" {
		t.Fatalf("tree %+v", items)
	}
	inner := items[0].Children[0].Request
	if inner.Name != "inner" || inner.Auth.Params["password"] != "" || inner.Auth.SecretRefs["password"] == "" {
		t.Errorf("the exported request must carry a reference, not the secret: %+v", inner.Auth)
	}
	if _, _, err := db.CollectionTree("nope"); err == nil {
		t.Error("an unknown collection must be an error")
	}
}
