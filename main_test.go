package main

// The window test: the real binary under Xvfb, driven with xdotool, against
// a real HTTP server on 127.0.0.1.

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// artifactsDir holds screenshots; it is git-ignored.
const artifactsDir = "test-artifacts"

func TestWindowSendsTypedURL(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run `make test`, which installs xvfb, xdotool and imagemagick", tool)
		}
	}
	bin := buildKnock(t)
	display := startXvfb(t)

	var mu sync.Mutex
	var got []*http.Request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Clone(r.Context()))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintln(w, `{"greeting": "hello from the window test"}`)
	}))
	defer srv.Close()

	app := startKnock(t, bin, display)
	wid := waitForWindow(t, display, "Knock", 120*time.Second)
	t.Logf("window %s appeared", wid)

	xdo(t, display, "windowfocus", "--sync", wid)
	url := srv.URL + "/from-the-window?q=1"
	xdo(t, display, "type", "--delay", "5", url)
	xdo(t, display, "key", "ctrl+Return")

	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			shot := screenshot(t, display, "window-no-request.png")
			t.Fatalf("the server received no request 20 s after Ctrl+Enter (screenshot %s); knock's stderr:\n%s", shot, app.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	mu.Lock()
	r := got[0]
	mu.Unlock()
	if r.Method != "GET" || r.URL.String() != "/from-the-window?q=1" {
		t.Errorf("the server received %s %s, want GET /from-the-window?q=1", r.Method, r.URL)
	}

	// The status line turns green for a 2xx (Fyne's success colour, the
	// same in the light and dark themes): look for it in the pixels.
	green := color.NRGBA{R: 0x43, G: 0xf4, B: 0x36, A: 0xff}
	var shot string
	var n int
	for i := 0; i < 40; i++ {
		time.Sleep(100 * time.Millisecond)
		shot = screenshot(t, display, "window-first.png")
		if n = countColor(t, shot, green); n > 30 {
			break
		}
	}
	if n <= 30 {
		t.Errorf("no green 200 status in the screenshot %s (%d matching pixels)", shot, n)
	}
	t.Logf("first frame painted %s after exec", app.firstFrame())
	if rss := app.rss(); rss > 0 {
		t.Logf("idle RSS %.1f MiB (race-instrumented build)", float64(rss)/(1<<20))
	}
	app.stop(t)
	if strings.Contains(app.stderr(), "DATA RACE") {
		t.Errorf("the window reported a data race:\n%s", app.stderr())
	}
}

// buildKnock builds the binary with the race detector, so the window test
// also checks the UI goroutine discipline.
func buildKnock(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "knock")
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH: %v", err)
	}
	cmd := exec.Command(gobin, "build", "-race", "-tags", "no_emoji", "-o", bin, ".") // the tags of make build
	cmd.Env = os.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startXvfb starts a virtual X server on a free display and stops it when
// the test ends.
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90; n < 140; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatalf("start Xvfb: %v", err)
		}
		t.Cleanup(func() { stopProcess(cmd) })
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display
			}
			if cmd.ProcessState != nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		stopProcess(cmd)
	}
	t.Fatal("could not start Xvfb on any display from :90 to :139")
	return ""
}

// knockProcess is the running window.
type knockProcess struct {
	cmd     *exec.Cmd
	home    string
	started time.Time
	mu      sync.Mutex
	errBuf  bytes.Buffer
	first   time.Time
	done    chan struct{} // closed when the process has exited
}

func startKnock(t *testing.T, bin, display string) *knockProcess {
	t.Helper()
	return startKnockWithHome(t, bin, display, t.TempDir())
}

// startKnockWithHome starts the window with home as its HOME and XDG
// directories.
func startKnockWithHome(t *testing.T, bin, display, home string, extraEnv ...string) *knockProcess {
	t.Helper()
	env := []string{
		"DISPLAY=" + display,
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local/share"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR=" + home,
		"KNOCK_LOG_STARTUP=1",
		"LANG=en_US.UTF-8",
		"PATH=" + os.Getenv("PATH"),
	}
	env = append(env, extraEnv...)
	var cmd *exec.Cmd
	if bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); bus != "" {
		cmd = exec.Command(bin)
		env = append(env, "DBUS_SESSION_BUS_ADDRESS="+bus)
	} else {
		// Without a session bus Fyne would start dbus-launch and leave a
		// daemon behind; dbus-run-session ends its bus with the app.
		cmd = exec.Command("dbus-run-session", "--", bin)
	}
	cmd.Env = env
	p := &knockProcess{cmd: cmd, home: home, done: make(chan struct{})}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("start knock: %v", err)
	}
	go p.readStderr(stderr)
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.stop(t) })
	return p
}

func (p *knockProcess) readStderr(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		p.mu.Lock()
		p.errBuf.WriteString(line + "\n")
		if rest, ok := strings.CutPrefix(line, "knock: first frame at "); ok {
			if ns, err := strconv.ParseInt(rest, 10, 64); err == nil {
				p.first = time.Unix(0, ns)
			}
		}
		p.mu.Unlock()
	}
}

func (p *knockProcess) stderr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errBuf.String()
}

func (p *knockProcess) firstFrame() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.first.IsZero() {
		return 0
	}
	return p.first.Sub(p.started)
}

// rss reads the resident set size of the app from /proc.
func (p *knockProcess) rss() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func (p *knockProcess) stop(t *testing.T) {
	t.Helper()
	select {
	case <-p.done:
		return
	default:
	}
	if t.Failed() {
		// A window that never showed, or stopped answering: its
		// goroutines say where it waits (Go prints them on SIGQUIT).
		p.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
		out := p.stderr()
		if len(out) > 64<<10 {
			out = out[:64<<10] + "\n[cut]"
		}
		t.Logf("knock's stderr, with its goroutines after SIGQUIT:\n%s", out)
		select {
		case <-p.done:
			return
		default:
		}
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
}

// exited reports whether the process ended within timeout.
func (p *knockProcess) exited(timeout time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// stopProcess ends a process started by the test, by its PID, and waits.
func stopProcess(cmd *exec.Cmd) {
	if cmd.Process == nil || cmd.ProcessState != nil {
		return
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-done
	}
}

func xdo(t *testing.T, display string, args ...string) string {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// waitForWindow polls for a window by name. xdotool's own --sync waits
// forever; this fails the test instead.
func waitForWindow(t *testing.T, display, name string, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if ids := windowIDs(display, name); len(ids) > 0 {
			return ids[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the %q window did not appear within %s", name, timeout)
	return ""
}

// windowIDs lists the visible windows whose name starts with name.
func windowIDs(display, name string) []string {
	cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+name)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, _ := cmd.Output()
	return strings.Fields(string(out))
}

// screenshot saves the screen under test-artifacts and returns the path.
func screenshot(t *testing.T, display, name string) string {
	t.Helper()
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(artifactsDir, name)
	cmd := exec.Command("import", "-window", "root", path)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v\n%s", err, out)
	}
	return path
}

// countColor counts the pixels of a PNG within a small distance of c.
func countColor(t *testing.T, path string, c color.Color) int {
	t.Helper()
	return countNear(decodePNG(t, path), c, 24)
}

func countNear(img image.Image, c color.Color, tol int) int {
	wr, wg, wb, _ := c.RGBA()
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, wr, tol) && near(g, wg, tol) && near(bl, wb, tol) {
				n++
			}
		}
	}
	return n
}

func near(a, b uint32, tol int) bool {
	d := int(a>>8) - int(b>>8)
	return d >= -tol && d <= tol
}

func TestSecondWindowOnTheSameDataSaysAlreadyRunning(t *testing.T) {
	bin := buildKnock(t)
	display := startXvfb(t)
	first := startKnock(t, bin, display)
	firstID := waitForWindow(t, display, "Knock", 120*time.Second)
	second := startKnockWithHome(t, bin, display, first.home)
	deadline := time.Now().Add(30 * time.Second)
	want := "Knock is already running (data: " + filepath.Join(first.home, ".local/share/knock") + ")"
	for !strings.Contains(second.stderr(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the second Knock did not say %q; its stderr:\n%s", want, second.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
	var secondID string
	for secondID == "" && time.Now().Before(deadline) {
		for _, id := range windowIDs(display, "Knock") {
			if id != firstID {
				secondID = id
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	if secondID == "" {
		t.Fatal("the second Knock showed no window")
	}
	time.Sleep(time.Second)
	xdo(t, display, "windowraise", secondID)
	screenshot(t, display, "window-already-running.png")
	if second.cmd.ProcessState != nil {
		t.Errorf("the second Knock exited instead of showing the message in its window")
	}
}
