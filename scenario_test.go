package main

// The end-to-end scenario of the window: the real binary under Xvfb, driven
// by the keyboard with xdotool, against a real server on 127.0.0.1, with the
// real keyring of the test's session bus.

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

const (
	scenarioUser     = "alice"
	scenarioPassword = "pw-Kx93-never-on-disk"
	// bigNeedle is the last item's name in the large JSON body.
	bigNeedle = "needle-at-the-very-end"
)

// basicServer answers /private with 200 only for the scenario's Basic
// credentials, and /big.json with a large JSON body.
type basicServer struct {
	*httptest.Server
	mu         sync.Mutex
	authorized int // requests to /private with the right credentials
	refused    int
}

func newBasicServer(t *testing.T) *basicServer {
	s := &basicServer{}
	big := bigJSON(200_000)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/big.json" {
			w.Header().Set("Content-Length", fmt.Sprint(len(big)))
			w.Write(big)
			return
		}
		user, pw, ok := r.BasicAuth()
		good := ok && user == scenarioUser && subtle.ConstantTimeCompare([]byte(pw), []byte(scenarioPassword)) == 1
		s.mu.Lock()
		if good {
			s.authorized++
		} else {
			s.refused++
		}
		s.mu.Unlock()
		if !good {
			w.Header().Set("WWW-Authenticate", `Basic realm="scenario"`)
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintln(w, `{"authenticated": false}`)
			return
		}
		fmt.Fprintf(w, "{\"authenticated\": true, \"user\": %q}\n", user)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *basicServer) counts() (authorized, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authorized, s.refused
}

// bigJSON is a JSON array of n objects, about 150 bytes each.
func bigJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString("{\"items\": [\n")
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("item-%d", i)
		if i == n-1 {
			name = bigNeedle
		}
		fmt.Fprintf(&b, "  {\"id\": %d, \"name\": %q, \"price\": %d.%02d, \"tags\": [\"red\", \"blue\"], \"note\": \"the quick brown fox\"}", i, name, i%1000, i%100)
		if i < n-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// TestWindowScenario is the scenario: an empty data directory;
// a request with Basic auth chosen in the Auth tab's dropdown; sent and
// answered 200; saved into a new collection; quit, restarted, still there
// and still sending the password from the keyring; the password nowhere in
// the database file; then the dark theme.
func TestWindowScenario(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run `make test`, which installs it", tool)
		}
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatal("the scenario needs the keyring: run it inside `make test`, or dbus-run-session with gnome-keyring unlocked (see .ci/test.sh)")
	}
	bin := buildKnock(t)
	display := startXvfb(t)
	srv := newBasicServer(t)
	home := t.TempDir()
	light := "FYNE_THEME=light" // "system" follows it; the scenario switches to dark later

	// 1. An empty data directory.
	app := startKnockWithHome(t, bin, display, home, light)
	wid := waitForWindow(t, display, "Knock", 120*time.Second)
	app.waitFirstFrame(t)
	xdo(t, display, "windowfocus", "--sync", wid)
	shot := settledScreenshot(t, display, "01-empty.png")
	if f := fractionNear(t, shot, color.White); f < 0.5 {
		t.Errorf("%s: %.0f%% of the window is the light background, want most of it", shot, f*100)
	}

	// 2. A request with Basic auth, chosen in the Auth tab's dropdown.
	xdo(t, display, "type", "--delay", "5", srv.URL+"/private")
	xdo(t, display, "key", "ctrl+4") // the Auth tab; the method dropdown has the focus
	for i := 0; i < authChoiceIndex(t, "basic"); i++ {
		xdo(t, display, "key", "Right")
	}
	xdo(t, display, "key", "Tab")
	xdo(t, display, "type", "--delay", "5", scenarioUser)
	xdo(t, display, "key", "Tab")
	xdo(t, display, "type", "--delay", "5", scenarioPassword)
	settledScreenshot(t, display, "03-auth-tab.png")

	// 3. Send it and see 200.
	xdo(t, display, "key", "ctrl+Return")
	waitFor(t, 30*time.Second, "the server to see the right Basic credentials", func() bool {
		ok, _ := srv.counts()
		return ok == 1
	})
	if _, refused := srv.counts(); refused != 0 {
		t.Errorf("the server refused %d requests, want 0", refused)
	}
	green := color.NRGBA{R: 0x43, G: 0xf4, B: 0x36, A: 0xff}
	shot = waitForPixels(t, display, "02-request-with-response.png", green, 30)
	t.Logf("%s shows the green 200 status", shot)

	shot = settledScreenshot(t, display, "02-request-with-response.png")
	xdo(t, display, "key", "alt+4") // the response's Timeline tab
	timeline := settledScreenshot(t, display, "04-timeline.png")
	if d := fractionChanged(t, shot, timeline); d < 0.02 {
		t.Errorf("the Timeline tab changed %.1f%% of the window, want a visible change", d*100)
	}

	// 4. Save into a new collection, quit and start again.
	openDialog(t, display, "ctrl+s")
	xdo(t, display, "type", "--delay", "5", "Private page")
	xdo(t, display, "key", "Tab") // "Save in" is disabled with no collection yet
	xdo(t, display, "type", "--delay", "5", "Team API")
	xdo(t, display, "key", "Return")
	settledScreenshot(t, display, "05-saved.png")
	xdo(t, display, "key", "ctrl+q")
	if !app.exited(30 * time.Second) {
		t.Fatalf("Knock did not quit on Ctrl+Q; its stderr:\n%s", app.stderr())
	}
	checkNoRace(t, app)

	dataDir := filepath.Join(home, ".local/share/knock")
	checkSavedRequest(t, dataDir)
	checkPasswordNotOnDisk(t, dataDir)

	app = startKnockWithHome(t, bin, display, home, light)
	waitForWindow(t, display, "Knock", 120*time.Second)
	app.waitFirstFrame(t)
	// The restored tab sends with the password read back from the keyring.
	// Tabs are restored once the keyring answers, so the first presses may
	// come too early; each is a real Send.
	for i := 0; i < 10; i++ {
		xdo(t, display, "key", "ctrl+Return")
		if waitUntil(3*time.Second, func() bool { ok, _ := srv.counts(); return ok >= 2 }) {
			break
		}
	}
	if ok, _ := srv.counts(); ok < 2 {
		shot := screenshot(t, display, "restart-failed.png")
		t.Fatalf("after the restart the saved request did not send the right credentials (authorized %d, screenshot %s); stderr:\n%s", ok, shot, app.stderr())
	}
	waitForPixels(t, display, "06-restarted.png", green, 30)
	settledScreenshot(t, display, "06-restarted.png")

	// A large JSON body, searched for its last item.
	xdo(t, display, "key", "ctrl+t")
	waitFor(t, 30*time.Second, "the new tab, without a status", func() bool {
		return countColor(t, screenshot(t, display, "07-large-json.png"), green) < 5
	})
	xdo(t, display, "type", "--delay", "5", srv.URL+"/big.json")
	xdo(t, display, "key", "ctrl+Return")
	waitForPixels(t, display, "07-large-json.png", green, 30)
	top := settledScreenshot(t, display, "07-large-json-top.png")
	xdo(t, display, "key", "ctrl+f")
	xdo(t, display, "type", "--delay", "5", bigNeedle)
	xdo(t, display, "key", "Return")
	found := settledScreenshot(t, display, "07-large-json.png")
	// The match is the last item: the view has scrolled to the end.
	if d := fractionChanged(t, top, found); d < 0.01 {
		t.Errorf("searching for the last item changed %.2f%% of the window; want the view scrolled to it", d*100)
	}

	// 5. Switch to the dark theme in Settings (Ctrl+,): the theme row has
	// the focus; Tab twice to "dark", Space, then Enter in the next field.
	openDialog(t, display, "ctrl+comma")
	xdo(t, display, "key", "Tab", "Tab", "space", "Tab", "Return")
	dark := color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff}
	var f float64
	waitFor(t, 10*time.Second, "the dark theme", func() bool {
		shot = screenshot(t, display, "08-dark-theme.png")
		f = fractionNear(t, shot, dark)
		return f > 0.4
	})
	t.Logf("%s: %.0f%% of the window is the dark background", shot, f*100)
	xdo(t, display, "key", "ctrl+q")
	if !app.exited(30 * time.Second) {
		t.Fatalf("Knock did not quit on Ctrl+Q; its stderr:\n%s", app.stderr())
	}
	checkNoRace(t, app)
	s := openStore(t, dataDir)
	settings, err := s.Settings()
	s.Close()
	if err != nil || settings.Theme != "dark" {
		t.Errorf("stored theme %q (err %v), want dark", settings.Theme, err)
	}
	checkPasswordNotOnDisk(t, dataDir)
}

// authChoiceIndex is where the auth dropdown lists a method: "No auth",
// "Inherit from parent", then the methods by title.
func authChoiceIndex(t *testing.T, typ string) int {
	t.Helper()
	methods := authlib.Methods()
	sort.SliceStable(methods, func(i, j int) bool { return methods[i].Title < methods[j].Title })
	for i, m := range methods {
		if m.Type == typ {
			return i + 2
		}
	}
	t.Fatalf("no auth method %q", typ)
	return 0
}

func (p *knockProcess) waitFirstFrame(t *testing.T) {
	t.Helper()
	waitFor(t, 60*time.Second, "the first frame", func() bool { return p.firstFrame() > 0 })
	time.Sleep(300 * time.Millisecond) // the first frame's focus and restore run just after it
}

func checkNoRace(t *testing.T, p *knockProcess) {
	t.Helper()
	if strings.Contains(p.stderr(), "DATA RACE") {
		t.Errorf("the window reported a data race:\n%s", p.stderr())
	}
}

func openStore(t *testing.T, dataDir string) *storage.DB {
	t.Helper()
	db, err := storage.Open(dataDir, nil)
	if err != nil {
		t.Fatalf("open the data Knock left: %v", err)
	}
	return db
}

// checkSavedRequest reads the store Knock wrote: a "Team API" collection
// holding "Private page" with Basic auth for alice, the password only a
// reference.
func checkSavedRequest(t *testing.T, dataDir string) {
	t.Helper()
	db := openStore(t, dataDir)
	defer db.Close()
	colls, err := db.Collections()
	if err != nil || len(colls) != 1 || colls[0].Name != "Team API" {
		t.Fatalf("collections %+v (err %v), want one named Team API", colls, err)
	}
	tree, err := db.Tree(colls[0].ID)
	if err != nil || len(tree.Children) != 1 || tree.Children[0].Name != "Private page" {
		t.Fatalf("tree %+v (err %v), want the one request Private page", tree, err)
	}
	r, err := db.Request(tree.Children[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "GET" || !strings.HasSuffix(r.URL, "/private") {
		t.Errorf("stored %s %s, want GET …/private", r.Method, r.URL)
	}
	if r.Auth.Type != "basic" || r.Auth.Params["username"] != scenarioUser || r.Auth.SecretRefs["password"] == "" {
		t.Errorf("stored auth %+v, want basic for %s with the password as a secret reference", r.Auth, scenarioUser)
	}
	entries, err := db.History().Search(storage.HistoryQuery{})
	if err != nil || len(entries) == 0 || entries[0].Response.Status != 200 {
		t.Errorf("history %d entries (err %v), want the 200 recorded", len(entries), err)
	}
}

// checkPasswordNotOnDisk scans every file of the data directory for the
// password and its Base64 Authorization form.
func checkPasswordNotOnDisk(t *testing.T, dataDir string) {
	t.Helper()
	needles := [][]byte{[]byte(scenarioPassword), []byte(basicToken(scenarioUser, scenarioPassword))}
	files := 0
	err := filepath.Walk(dataDir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, n := range needles {
			if bytes.Contains(data, n) {
				t.Errorf("%s holds the password (%q)", path, n)
			}
		}
		return nil
	})
	if err != nil || files == 0 {
		t.Fatalf("scan %s: %d files, err %v", dataDir, files, err)
	}
}

func basicToken(user, pw string) string {
	r, _ := http.NewRequest("GET", "http://x/", nil)
	r.SetBasicAuth(user, pw)
	return strings.TrimPrefix(r.Header.Get("Authorization"), "Basic ")
}

// openDialog presses keys and waits for the modal dialog they open: Fyne
// shades the whole window behind a dialog, so most pixels change. A busy
// machine can take seconds to show it; the keys are pressed only once,
// since a second press would open a second dialog.
func openDialog(t *testing.T, display, keys string) {
	t.Helper()
	before := screenshot(t, display, "dialog-before.png")
	xdo(t, display, "key", keys)
	waitFor(t, 30*time.Second, keys+" to open its dialog", func() bool {
		return fractionChanged(t, before, screenshot(t, display, "dialog-wait.png")) > 0.5
	})
}

// settledScreenshot waits until the screen has stopped changing for
// 1.5 s (shots 300 ms apart differing in under 0.05% of pixels, which
// allows for a blinking cursor), at most 30 s, and keeps the last shot.
// The race-instrumented window can be seconds behind the keys typed into
// it.
func settledScreenshot(t *testing.T, display, name string) string {
	t.Helper()
	prevCopy := filepath.Join(t.TempDir(), "prev.png")
	shot := screenshot(t, display, name)
	still := 0
	deadline := time.Now().Add(30 * time.Second)
	for still < 5 && time.Now().Before(deadline) {
		if err := os.Rename(shot, prevCopy); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		shot = screenshot(t, display, name)
		if fractionChanged(t, prevCopy, shot) < 0.0005 {
			still++
		} else {
			still = 0
		}
	}
	if still < 5 {
		t.Logf("%s: the screen was still changing after 30 s", name)
	}
	return shot
}

// waitForPixels waits until at least n pixels of the screen are near c,
// and returns the screenshot's path.
func waitForPixels(t *testing.T, display, name string, c color.Color, n int) string {
	t.Helper()
	var shot string
	var got int
	if !waitUntil(30*time.Second, func() bool {
		shot = screenshot(t, display, name)
		got = countColor(t, shot, c)
		return got >= n
	}) {
		t.Fatalf("%s: %d pixels of %v, want at least %d", shot, got, c, n)
	}
	return shot
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	if !waitUntil(timeout, cond) {
		t.Fatalf("gave up waiting %s for %s", timeout, what)
	}
}

// waitUntil polls cond every 100 ms until it holds or timeout passes.
func waitUntil(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

// fractionNear is the share of the screenshot's pixels near c.
func fractionNear(t *testing.T, path string, c color.Color) float64 {
	t.Helper()
	img := decodePNG(t, path)
	b := img.Bounds()
	return float64(countNear(img, c, 6)) / float64(b.Dx()*b.Dy())
}

// fractionChanged is the share of pixels that differ between two
// screenshots.
func fractionChanged(t *testing.T, a, b string) float64 {
	t.Helper()
	ia, ib := decodePNG(t, a), decodePNG(t, b)
	r := ia.Bounds()
	if r != ib.Bounds() {
		return 1
	}
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if ia.At(x, y) != ib.At(x, y) {
				n++
			}
		}
	}
	return float64(n) / float64(r.Dx()*r.Dy())
}
