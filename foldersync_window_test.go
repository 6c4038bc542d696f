package main

// Folder sync under a running Knock: files of a linked collection change
// on disk while the window runs, and what the window sends, what it shows
// and what it stores follow; a change under unsaved edits is a conflict
// that overwrites nothing.

import (
	"bytes"
	"image/color"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/knockhttp/knock/app/foldersync"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// pathRecorder remembers the path and query of every request.
type pathRecorder struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
}

func newPathRecorder(t *testing.T) *pathRecorder {
	p := &pathRecorder{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.seen = append(p.seen, r.URL.RequestURI())
		p.mu.Unlock()
		w.Write([]byte("ok\n"))
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *pathRecorder) last() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.seen) == 0 {
		return ""
	}
	return p.seen[len(p.seen)-1]
}

// linkedCollection makes a data directory holding the collection "Synced"
// with one request, Ping, linked to syncDir, as a team member who cloned
// the repository and linked it would have.
func linkedCollection(t *testing.T, dataDir, syncDir, url string) (requestFile string) {
	t.Helper()
	db, err := storage.Open(dataDir, &storage.Options{Secrets: secrets.NewSession(), BackupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := &storage.Collection{Name: "Synced"}
	items := []storage.TreeItem{{Request: &storage.Request{Name: "Ping", Method: "GET", URL: url}}}
	if err := db.CreateCollectionTree(c, items); err != nil {
		t.Fatal(err)
	}
	s, err := foldersync.New(db, foldersync.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Link(c.ID, syncDir); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	requestFile = filepath.Join(syncDir, "Ping.knock.json")
	if _, err := os.Stat(requestFile); err != nil {
		t.Fatalf("linking wrote no request file: %v", err)
	}
	return requestFile
}

// editOnDisk rewrites a file as git pull would: old replaced by new.
func editOnDisk(t *testing.T, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(old)) {
		t.Fatalf("%s does not hold %q:\n%s", path, old, data)
	}
	if err := os.WriteFile(path, bytes.Replace(data, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWindowFolderSync(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("the window needs the keyring: run it inside `make test`, or dbus-run-session with gnome-keyring unlocked (see .ci/test.sh)")
	}
	bin := buildKnock(t)
	display := startXvfb(t)
	srv := newPathRecorder(t)
	home := t.TempDir()
	dataDir := filepath.Join(home, ".local/share/knock")
	syncDir := filepath.Join(t.TempDir(), "team-repo")
	file := linkedCollection(t, dataDir, syncDir, srv.URL+"/ping")
	light := "FYNE_THEME=light"

	app := startKnockWithHome(t, bin, display, home, light)
	waitForWindow(t, display, "Knock", 120*time.Second)
	app.waitFirstFrame(t)
	time.Sleep(time.Second) // folder sync starts once the keyring answers

	// A teammate's change arrives on disk while Knock runs.
	editOnDisk(t, file, "/ping", "/pong")
	// Open the request by name and send it: it goes to the new path.
	openDialog(t, display, "ctrl+p")
	xdo(t, display, "type", "--delay", "20", "Ping")
	time.Sleep(time.Second) // the search runs as you type
	xdo(t, display, "key", "Return")
	settledScreenshot(t, display, "sync-01-opened.png")
	xdo(t, display, "key", "ctrl+Return")
	waitFor(t, 30*time.Second, "the request to the path changed on disk", func() bool { return srv.last() == "/pong" })

	// Unsaved edits in the tab, then another change on disk: a conflict.
	xdo(t, display, "key", "ctrl+l", "End")
	xdo(t, display, "type", "--delay", "20", "?mine=1")
	settledScreenshot(t, display, "sync-02-edited.png")
	editOnDisk(t, file, "/pong", "/theirs")
	red := color.NRGBA{R: 0xf4, G: 0x43, B: 0x36, A: 0xff} // Fyne's error colour: the conflict text
	shot := waitForPixels(t, display, "sync-03-conflict.png", red, 200)
	t.Logf("%s shows the conflict", shot)
	if data, _ := os.ReadFile(file); !bytes.Contains(data, []byte("/theirs")) || bytes.Contains(data, []byte("mine")) {
		t.Fatalf("the file on disk was overwritten during the conflict:\n%s", data)
	}

	// Saving over the conflict keeps this version, on disk too.
	xdo(t, display, "key", "ctrl+s")
	waitFor(t, 30*time.Second, "my version written to disk", func() bool {
		data, _ := os.ReadFile(file)
		return bytes.Contains(data, []byte(`"mine"`)) && bytes.Contains(data, []byte("/pong"))
	})
	settledScreenshot(t, display, "sync-04-kept-mine.png")

	xdo(t, display, "key", "ctrl+q")
	if !app.exited(30 * time.Second) {
		t.Fatalf("Knock did not quit on Ctrl+Q; its stderr:\n%s", app.stderr())
	}
	checkNoRace(t, app)

	// The store holds what the window saved.
	db := openStore(t, dataDir)
	defer db.Close()
	hits, err := db.Search("Ping", 10)
	if err != nil || len(hits) != 1 {
		t.Fatalf("search Ping: %v (err %v)", hits, err)
	}
	r, err := db.Request(hits[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(r.URL, "/pong") || len(r.Params) != 1 || r.Params[0].Key != "mine" || r.Params[0].Value != "1" {
		t.Errorf("stored %s with params %+v, want …/pong with mine=1", r.URL, r.Params)
	}
}
