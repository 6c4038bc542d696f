package cli

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// storeCollection writes a collection into a fresh data directory, as the
// window would, and points KNOCK_DATA_DIR at it.
func storeCollection(t *testing.T, build func(db *storage.DB)) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("KNOCK_DATA_DIR", dir)
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("this test keeps the collection's secrets in the real keyring: run it with `make test`, which starts gnome-keyring in a private D-Bus session")
	}
	ws, err := openWorkspace("keyring")
	if err != nil {
		t.Fatal(err)
	}
	build(ws.DB)
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
}

func assertStatus(code string) storage.Assertion {
	return storage.Assertion{Kind: storage.AssertStatus, Op: "==", Value: code, Enabled: true}
}

func TestRunStoredCollectionWithAssertionsAndReports(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/users":
			if u, p, _ := r.BasicAuth(); u != "admin" || p != "pw" {
				w.WriteHeader(401)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"users":[{"name":%q}]}`, r.URL.Query().Get("name"))
		case "/gone":
			w.WriteHeader(404)
		default:
			fmt.Fprint(w, "ok")
		}
	})
	storeCollection(t, func(db *storage.DB) {
		c := &storage.Collection{Name: "API", Variables: []storage.Variable{{Key: "base", Value: srv.URL, Enabled: true}}}
		must(t, db.CreateCollection(c))
		f := &storage.Folder{Name: "admin", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "admin", "password": "pw"}}}
		must(t, db.CreateFolder(c.ID, f))
		must(t, db.CreateRequest(f.ID, &storage.Request{Name: "list users", Method: "GET", URL: "{{base}}/users?name={{name}}", Auth: storage.AuthSpec{Type: storage.AuthInherit},
			Assertions: []storage.Assertion{assertStatus("200"), {Kind: storage.AssertJQ, Target: ".users[0].name", Op: "==", Value: "ann", Enabled: true}}}))
		must(t, db.CreateRequest(c.ID, &storage.Request{Name: "gone", Method: "GET", URL: "{{base}}/gone", Assertions: []storage.Assertion{assertStatus("200")}}))
		must(t, db.SaveEnvironment(&storage.Environment{Name: "dev", CollectionID: c.ID, Variables: []storage.Variable{{Key: "name", Value: "ann", Enabled: true}}}))
	})
	out := t.TempDir()
	code, stdout, stderr := knock(t, "run", "API", "--env", "dev", "--reporter", "cli,json,junit", "--out", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (one assertion fails)\n%s\n%s", code, stdout, stderr)
	}
	wantContains(t, "report", stdout, "✓ admin/list users")
	wantContains(t, "report", stdout, "✗ gone")
	wantContains(t, "report", stdout, "status == 200: got 404")
	wantContains(t, "report", stdout, "2 requests (0 failed), 3 assertions (1 failed)")
	wantContains(t, "progress", stderr, "knock run: 2/2 requests, 1 failed")

	var js struct {
		Requests, FailedAssertions int
	}
	data, err := os.ReadFile(filepath.Join(out, "knock-run.json"))
	if err != nil || json.Unmarshal(data, &js) != nil || js.Requests != 2 || js.FailedAssertions != 1 {
		t.Errorf("json report: %v %s", err, data)
	}
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	data, err = os.ReadFile(filepath.Join(out, "knock-run.xml"))
	if err != nil || xml.Unmarshal(data, &junit) != nil || junit.Tests != 2 || junit.Failures != 1 {
		t.Errorf("junit report: %v %+v\n%s", err, junit, data)
	}

	// One folder only, with a data file: one iteration per row.
	rows := filepath.Join(t.TempDir(), "rows.csv")
	os.WriteFile(rows, []byte("name\nann\nbob\n"), 0o600)
	code, stdout, _ = knock(t, "run", "API/admin", "--data", rows)
	if code != 1 || !strings.Contains(stdout, "2 requests (0 failed), 4 assertions (1 failed)") {
		t.Errorf("folder with data rows: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = knock(t, "run", "API/admin", "--env", "dev", "--iterations", "3")
	if code != 0 || !strings.Contains(stdout, "3 requests (0 failed), 6 assertions (0 failed)") {
		t.Errorf("3 iterations: exit %d\n%s", code, stdout)
	}
	code, _, stderr = knock(t, "run", "Nope")
	if code != 1 || !strings.Contains(stderr, `collections: API`) {
		t.Errorf("unknown collection: exit %d, %q", code, stderr)
	}
}

func TestRunPostmanFileListsSkippedScripts(t *testing.T) {
	srv := newRecordingServer(t, nil)
	coll := `{
  "info": {"name": "pm", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"},
  "item": [
    {"name": "hello", "request": {"method": "GET", "url": "` + srv.URL + `/hello"},
     "event": [{"listen": "test", "script": {"exec": ["pm.test('ok', () => pm.response.to.have.status(200));"]}}]},
    {"name": "again", "request": {"method": "POST", "url": "` + srv.URL + `/again", "body": {"mode": "raw", "raw": "x"}}}
  ]
}`
	path := filepath.Join(t.TempDir(), "pm.postman_collection.json")
	os.WriteFile(path, []byte(coll), 0o600)
	code, stdout, stderr := knock(t, "run", path)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	wantContains(t, "report", stdout, "skipped: test script")
	wantContains(t, "report", stdout, "2 requests (0 failed), 0 assertions (0 failed), 1 scripts skipped")
	if n := len(srv.requests()); n != 2 {
		t.Errorf("the server saw %d requests, want 2", n)
	}
	code, _, stderr = knock(t, "run", path, "--reporter", "tap")
	if code != 1 || !strings.Contains(stderr, `unknown reporter "tap"`) {
		t.Errorf("bad reporter: exit %d %q", code, stderr)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
