package workspace

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// The secret values of this test. None may appear in any file Knock
// writes: the database, its backups, history body files, temp files.
const (
	folderPassword = "folder-pa55-Qx7"
	envToken       = "env-token-Zk9-secret"
	requestToken   = "request-bearer-Wm3"
)

func openTestWorkspace(t *testing.T) *Workspace {
	t.Helper()
	w, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("this test needs the real keyring: run it with `make test`, which starts gnome-keyring in a private D-Bus session")
	}
	if err := w.AttachKeyring(); err != nil {
		t.Fatalf("keyring: %v", err)
	}
	return w
}

// apiServer checks the credentials each path expects and echoes what it
// got into the body.
func apiServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/inherited":
			if u, p, ok := r.BasicAuth(); !ok || u != "folder-user" || p != folderPassword {
				w.WriteHeader(401)
				return
			}
		case "/own":
			if r.Header.Get("Authorization") != "Bearer "+requestToken {
				w.WriteHeader(401)
				return
			}
		}
		if r.Header.Get("X-Default") != "from-collection" {
			http.Error(w, "no default header", 400)
			return
		}
		// Echo the secret header into the body, as real APIs sometimes
		// do: history must not keep it in plain text.
		fmt.Fprintf(w, `{"path":%q,"token":%q}`, r.URL.Path, r.Header.Get("X-Token"))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSendAppliesInheritanceEnvironmentAndRecordsRedactedHistory(t *testing.T) {
	w := openTestWorkspace(t)
	srv := apiServer(t)
	db := w.DB
	// Spool every response body to a temporary file, and keep every
	// history body in a file, so that both kinds of file are scanned.
	spool := t.TempDir()
	w.Engine.TempDir, w.Engine.SpoolThreshold = spool, 16
	settings, err := db.Settings()
	if err != nil {
		t.Fatal(err)
	}
	settings.HistoryBodyCap = 8
	if err := db.SaveSettings(&settings); err != nil {
		t.Fatal(err)
	}

	coll := &storage.Collection{Name: "API", Headers: []storage.KeyValue{{Key: "X-Default", Value: "from-collection", Enabled: true}},
		Variables: []storage.Variable{{Key: "base", Value: srv.URL, Enabled: true}}}
	if err := db.CreateCollection(coll); err != nil {
		t.Fatal(err)
	}
	folder := &storage.Folder{Name: "secured", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "folder-user", "password": folderPassword}}}
	if err := db.CreateFolder(coll.ID, folder); err != nil {
		t.Fatal(err)
	}
	inherited := &storage.Request{Name: "inherits", Method: "GET", URL: "{{base}}/inherited", Auth: storage.AuthSpec{Type: storage.AuthInherit},
		Headers: []storage.KeyValue{{Key: "X-Token", Value: "{{token}}", Enabled: true}}}
	own := &storage.Request{Name: "own", Method: "GET", URL: "{{base}}/own", Auth: storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": requestToken}},
		Headers: []storage.KeyValue{{Key: "X-Token", Value: "{{token}}", Enabled: true}}}
	for _, r := range []*storage.Request{inherited, own} {
		if err := db.CreateRequest(folder.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	env := &storage.Environment{Name: "dev", CollectionID: coll.ID, Variables: []storage.Variable{{Key: "token", Value: envToken, Secret: true, Enabled: true}}}
	if err := db.SaveEnvironment(env); err != nil {
		t.Fatal(err)
	}

	for _, id := range []string{inherited.ID, own.ID} {
		req, err := db.Request(id)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.HydrateRequest(req); err != nil {
			t.Fatal(err)
		}
		resp, err := w.Send(context.Background(), SendInput{Request: *req, RequestID: id, EnvironmentID: env.ID})
		if err != nil {
			t.Fatal(err)
		}
		if resp.Status != 200 {
			t.Fatalf("%s: status %d", req.Name, resp.Status)
		}
		resp.Close()
	}
	if err := w.LastHistoryError(); err != nil {
		t.Fatalf("history: %v", err)
	}
	entries, err := db.History().Search(storage.HistoryQuery{})
	if err != nil || len(entries) != 2 {
		t.Fatalf("history has %d entries (%v), want 2", len(entries), err)
	}
	if entries[0].Response.Status != 200 || !strings.HasSuffix(entries[0].Request.URL, "/own") {
		t.Errorf("newest history entry %+v", entries[0])
	}
	// A failed send is recorded too.
	bad := storage.Request{Method: "GET", URL: "http://127.0.0.1:1/"}
	if _, err := w.Send(context.Background(), SendInput{Request: bad}); err == nil {
		t.Fatal("a send to a closed port succeeded")
	}
	entries, _ = db.History().Search(storage.HistoryQuery{})
	if len(entries) != 3 || entries[0].Response.Error == "" {
		t.Errorf("the failed send was not recorded with its error: %+v", entries[0].Response)
	}

	if files, _ := os.ReadDir(filepath.Join(db.Dir(), storage.HistoryDir)); len(files) == 0 {
		t.Error("no history body file was written: the scan would prove nothing")
	}
	db.Close()
	scanForSecrets(t, db.Dir(), spool)
}

// scanForSecrets reads every file under the roots and fails on any secret
// value, in plain text or base64 inside a Basic header.
func scanForSecrets(t *testing.T, roots ...string) {
	t.Helper()
	needles := [][]byte{[]byte(folderPassword), []byte(envToken), []byte(requestToken)}
	scanned := 0
	for _, root := range roots {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				return nil
			}
			defer f.Close()
			data, err := io.ReadAll(io.LimitReader(f, 64<<20))
			if err != nil {
				return nil
			}
			scanned++
			for _, n := range needles {
				if bytes.Contains(data, n) {
					t.Errorf("%s holds the secret %q in plain text", path, n)
				}
			}
			return nil
		})
	}
	if scanned == 0 {
		t.Fatal("no file was scanned")
	}
}
