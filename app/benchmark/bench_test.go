//go:build bench

package benchmark

// TestBench is `make bench`: .ci/bench.sh builds knock, bareloop and
// barewindow into bench/work, installs newman and the Bruno CLI there, and
// runs this test inside a private D-Bus session with gnome-keyring.
//
// KNOCK_BENCH_ONLY=send,run1000,big,window,viewer,store,import runs some
// sections only; the results then go to bench/work/results.json instead
// of bench/results.json.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/app/runner"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// bench holds what every section needs.
type bench struct {
	root, work string // the module root and bench/work
	knock      string // the knock binary (not race-instrumented)
	bareloop   string
	barewindow string
	node       string
	newmanJS   string
	bruJS      string
	srv        *Server
	res        *Results
}

var sections = []struct {
	name string
	fn   func(*testing.T, *bench)
}{
	{"send", benchSendPipeline},
	{"run1000", benchRun1000},
	{"big", benchBigBodies},
	{"window", benchWindow},
	{"viewer", benchViewer},
	{"store", benchStore},
	{"import", benchImport},
}

func TestBench(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("run from app/benchmark: %v", err)
	}
	b := &bench{root: root, work: filepath.Join(root, "bench", "work")}
	b.knock = filepath.Join(b.work, "knock")
	b.bareloop = filepath.Join(b.work, "bareloop")
	b.barewindow = filepath.Join(b.work, "barewindow")
	b.newmanJS = filepath.Join(b.work, "node_modules", "newman", "bin", "newman.js")
	b.bruJS = filepath.Join(b.work, "node_modules", "@usebruno", "cli", "bin", "bru.js")
	for _, f := range []string{b.knock, b.bareloop, b.barewindow, b.newmanJS, b.bruJS} {
		if _, err := os.Stat(f); err != nil {
			t.Fatalf("%v: run `make bench`, which builds the binaries and installs newman and the Bruno CLI into bench/work", err)
		}
	}
	if b.node, err = exec.LookPath("node"); err != nil {
		t.Fatalf("node is missing: %v", err)
	}
	if b.srv, err = StartServer(); err != nil {
		t.Fatal(err)
	}
	defer b.srv.Close()
	b.res = NewResults()
	b.res.Versions = b.versions(t)

	only := map[string]bool{}
	for _, s := range strings.Split(os.Getenv("KNOCK_BENCH_ONLY"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			only[s] = true
		}
	}
	for _, s := range sections {
		if len(only) > 0 && !only[s.name] {
			continue
		}
		t0 := time.Now()
		t.Run(s.name, func(t *testing.T) { s.fn(t, b) })
		sec := Section{Name: s.name, Seconds: time.Since(t0).Seconds(), Load: LoadAverage()}
		b.res.Sections = append(b.res.Sections, sec)
		t.Logf("section %s took %.0f s (load average %v)", s.name, sec.Seconds, sec.Load)
	}

	out := filepath.Join(root, "bench", "results.json")
	if len(only) > 0 {
		out = filepath.Join(b.work, "results.json")
	}
	if err := b.res.Write(out); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	b.res.Table(&sb)
	fmt.Printf("\nKnock benchmarks, %s, %d cores, load average %v before and %v after (figures are noisy when other work runs)\n\n%s\nwritten to %s\n",
		b.res.GoVersion, b.res.CPUs, b.res.LoadBefore, b.res.LoadAfter, sb.String(), out)
	for _, row := range b.res.Failed() {
		t.Errorf("%s: the measurement failed: %s", row.What, row.Note)
	}
}

// versions records the versions of the clients compared.
func (b *bench) versions(t *testing.T) []string {
	out := []string{runtime.Version()}
	for _, c := range []struct{ name, js string }{{"newman", b.newmanJS}, {"@usebruno/cli", b.bruJS}} {
		p, err := Run(Command{Path: b.node, Args: []string{c.js, "--version"}, Env: BaseEnv(t.TempDir()), Timeout: time.Minute})
		if err != nil {
			t.Errorf("%s --version: %v", c.name, err)
			continue
		}
		v := strings.TrimSpace(p.Stdout)
		v = strings.TrimPrefix(v, "Bru CLI ")
		out = append(out, c.name+" "+v)
	}
	if p, err := Run(Command{Path: b.node, Args: []string{"--version"}, Env: BaseEnv(t.TempDir())}); err == nil {
		out = append(out, "node "+strings.TrimSpace(p.Stdout))
	}
	return out
}

// --- the send pipeline ---------------------------------------------------

// benchSendPipeline times 5,000 sequential GETs through engine.Send and
// through a bare net/http client, in the same process, alternating runs.
func benchSendPipeline(t *testing.T, b *bench) {
	// Nine runs each, alternating: on this shared VM one run in five is a
	// quarter slower than its neighbours, for either loop.
	const n, runs = 5000, 9
	const id, what, target = "send.5000", "send pipeline: 5,000 sequential GETs", "≤ 1.10"
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("%s/items/%d", b.srv.URL, i)
	}
	ctx := context.Background()
	eng := engine.New()
	knockLoop := func(count int) (time.Duration, error) {
		t0 := time.Now()
		for i := range count {
			resp, err := eng.Send(ctx, storage.Request{Method: "GET", URL: urls[i]}, engine.Options{})
			if err != nil {
				return 0, err
			}
			resp.Close()
			if resp.Status != http.StatusOK {
				return 0, fmt.Errorf("engine.Send %s: status %d", urls[i], resp.Status)
			}
		}
		return time.Since(t0), nil
	}
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer client.CloseIdleConnections()
	bareLoop := func(count int) (time.Duration, error) {
		t0 := time.Now()
		for i := range count {
			resp, err := client.Get(urls[i])
			if err != nil {
				return 0, err
			}
			_, err = io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return 0, err
			}
			if resp.StatusCode != http.StatusOK {
				return 0, fmt.Errorf("net/http %s: status %d", urls[i], resp.StatusCode)
			}
		}
		return time.Since(t0), nil
	}
	fail := func(err error) { b.res.Add(ErrorRow(id, what, target, err)) }
	// Warm up both: connections, code paths, the heap.
	if _, err := knockLoop(200); err != nil {
		fail(err)
		return
	}
	if _, err := bareLoop(200); err != nil {
		fail(err)
		return
	}
	b.srv.Reset()
	var knock, bare []time.Duration
	for range runs {
		runtime.GC()
		d, err := knockLoop(n)
		if err != nil {
			fail(err)
			return
		}
		knock = append(knock, d)
		runtime.GC()
		if d, err = bareLoop(n); err != nil {
			fail(err)
			return
		}
		bare = append(bare, d)
	}
	if c := b.srv.Counts(); c.Items != 2*runs*n || c.Other != 0 {
		fail(fmt.Errorf("the server counted %s, want %d item GETs", c, 2*runs*n))
		return
	}
	row := RatioRow(id, what, "s", Median(Seconds(knock)), Median(Seconds(bare)), "bare net/http client loop", 1.10, target)
	row.Runs = map[string]any{"knockSeconds": Seconds(knock), "bareSeconds": Seconds(bare), "requestsPerRun": n}
	b.res.Add(row)
}

// --- knock run against newman, bru and a bare loop -------------------------

// client is one command-line client of the collection benchmarks.
type client struct {
	name string
	dir  string
	path string
	args []string
	runs int
	warm bool // run once, unmeasured, before the measured runs
	// check reads the client's own summary: it must report every request
	// sent and every assertion passed.
	check func(p Proc, requests int) error
}

var (
	knockSummaryRE   = regexp.MustCompile(`(\d+) requests \((\d+) failed\), (\d+) assertions \((\d+) failed\)`)
	bareSummaryRE    = regexp.MustCompile(`(\d+) requests, (\d+) failed`)
	newmanRequestsRE = regexp.MustCompile(`[│|]\s*requests\s*[│|]\s*(\d+)\s*[│|]\s*(\d+)\s*[│|]`)
	newmanAssertRE   = regexp.MustCompile(`[│|]\s*assertions\s*[│|]\s*(\d+)\s*[│|]\s*(\d+)\s*[│|]`)
	bruRequestsRE    = regexp.MustCompile(`Requests\s*│\s*(\d+) \((\d+) Passed(?:, (\d+) Failed)?\)`)
	bruAssertRE      = regexp.MustCompile(`Assertions\s*│\s*(\d+)/(\d+)\s*│`)
)

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func checkKnock(p Proc, requests int) error {
	m := knockSummaryRE.FindStringSubmatch(p.Stdout)
	if m == nil {
		return fmt.Errorf("no summary in knock's output:\n%s", tail(p.Stdout+p.Stderr))
	}
	if atoi(m[1]) != requests || atoi(m[2]) != 0 || atoi(m[3]) != requests || atoi(m[4]) != 0 {
		return fmt.Errorf("knock reported %q, want %d requests and %d assertions, none failed", m[0], requests, requests)
	}
	return nil
}

func checkBare(p Proc, requests int) error {
	m := bareSummaryRE.FindStringSubmatch(p.Stdout)
	if m == nil || atoi(m[1]) != requests || atoi(m[2]) != 0 {
		return fmt.Errorf("bareloop reported %q, want %d requests, 0 failed:\n%s", strings.TrimSpace(p.Stdout), requests, tail(p.Stderr))
	}
	return nil
}

func checkNewman(p Proc, requests int) error {
	r, a := newmanRequestsRE.FindStringSubmatch(p.Stdout), newmanAssertRE.FindStringSubmatch(p.Stdout)
	if r == nil || a == nil {
		return fmt.Errorf("no summary table in newman's output:\n%s", tail(p.Stdout+p.Stderr))
	}
	// Requests count the Digest challenges too.
	if atoi(r[1]) < requests || atoi(r[2]) != 0 || atoi(a[1]) != requests || atoi(a[2]) != 0 {
		return fmt.Errorf("newman reported requests %s (%s failed), assertions %s (%s failed); want at least %d requests and %d assertions, none failed",
			r[1], r[2], a[1], a[2], requests, requests)
	}
	return nil
}

func checkBru(p Proc, requests int) error {
	r, a := bruRequestsRE.FindStringSubmatch(p.Stdout), bruAssertRE.FindStringSubmatch(p.Stdout)
	if r == nil || a == nil {
		return fmt.Errorf("no summary in bru's output:\n%s", tail(p.Stdout+p.Stderr))
	}
	// bru exits 0 even when an assertion failed: its summary is the verdict.
	if atoi(r[1]) != requests || atoi(r[2]) != requests || atoi(r[3]) != 0 || atoi(a[1]) != requests || atoi(a[2]) != requests {
		return fmt.Errorf("bru reported %q and %q; want %d of %d passed", r[0], a[0], requests, requests)
	}
	return nil
}

// tail is the end of a long output, for error messages.
func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

// clientRuns is what the runs of one client measured.
type clientRuns struct {
	wall []time.Duration
	rss  []int64 // KiB
}

func (c clientRuns) medianWall() float64 { return Median(Seconds(c.wall)) }
func (c clientRuns) medianRSS() float64  { return float64(Median(c.rss)) / 1024 }
func (c clientRuns) runs() map[string]any {
	rss := make([]float64, len(c.rss))
	for i, k := range c.rss {
		rss[i] = float64(k) / 1024
	}
	return map[string]any{"seconds": Seconds(c.wall), "peakRSSMiB": rss}
}

// runClients runs each client once to warm up (when it asks), then its runs,
// interleaved round by round, checking each run on the server and in the
// client's own summary. It stops at the first failure.
//
// The in-process server runs on one P meanwhile (restored after). Every
// client sends its requests one at a time, so a second P serves nothing;
// it only costs a thread wake-up or two per request in the Go scheduler. A profile of the server under the bare loop with two
// Ps: a third of its CPU in context switches, a quarter in futex calls, a
// sixth in sysmon, 5% in the handlers; with one P it used half the CPU,
// CPU that every client, whatever its language, competes for on a
// two-core machine. It applies to all the clients alike.
func runClients(t *testing.T, b *bench, reqs []Req, clients []client) (map[string]clientRuns, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	out := map[string]clientRuns{}
	home := t.TempDir()
	runOnce := func(c client) (Proc, error) {
		b.srv.Reset()
		p, err := Run(Command{Dir: c.dir, Env: BaseEnv(home), Path: c.path, Args: c.args, Timeout: 10 * time.Minute})
		if err != nil {
			return p, fmt.Errorf("%s: %w", c.name, err)
		}
		if p.Exit != 0 {
			return p, fmt.Errorf("%s exited with %d (server: %s):\n%s", c.name, p.Exit, b.srv.Counts(), tail(p.Stdout+p.Stderr))
		}
		if err := Check(b.srv.Counts(), reqs); err != nil {
			return p, fmt.Errorf("%s: %w", c.name, err)
		}
		if err := c.check(p, len(reqs)); err != nil {
			return p, err
		}
		return p, nil
	}
	for _, c := range clients {
		if !c.warm {
			continue
		}
		if _, err := runOnce(c); err != nil {
			return nil, err
		}
	}
	for round := 0; ; round++ {
		ran := false
		for _, c := range clients {
			if round >= c.runs {
				continue
			}
			ran = true
			p, err := runOnce(c)
			if err != nil {
				return nil, err
			}
			r := out[c.name]
			r.wall = append(r.wall, p.Wall)
			r.rss = append(r.rss, p.MaxRSSKiB)
			out[c.name] = r
			t.Logf("%s run %d: %s, peak RSS %.1f MiB", c.name, round+1, p.Wall.Round(time.Millisecond), float64(p.MaxRSSKiB)/1024)
		}
		if !ran {
			return out, nil
		}
	}
}

func (b *bench) newmanClient(collection string, runs int) client {
	return client{name: "newman", path: b.node, runs: runs, check: checkNewman,
		args: []string{b.newmanJS, "run", collection, "--reporters", "cli", "--color", "off",
			// Its test scripts get each whole response; on a 5 MB body
			// one can take longer than the default 30 s.
			"--timeout-script", "600000"}}
}

// benchRun1000 runs the 1,000-request collection with knock, the bare
// loop, newman and bru.
func benchRun1000(t *testing.T, b *bench) {
	const target30 = "≤ 0.033 (≥ 30× faster)"
	reqs := Collection1000()
	dir := filepath.Join(b.work, "run1000")
	os.RemoveAll(dir)
	native, bruno := filepath.Join(dir, "knock"), filepath.Join(dir, "bruno")
	postman, plan := filepath.Join(dir, "run1000.postman_collection.json"), filepath.Join(dir, "bareloop.json")
	var err error
	for _, step := range []func() error{
		func() error { return WriteNative(native, "run1000", b.srv.URL, reqs) },
		func() error { return WriteBruno(bruno, "run1000", b.srv.URL, reqs) },
		func() error { return WritePostman(postman, "run1000", b.srv.URL, reqs) },
		func() error { return WriteBarePlan(plan, b.srv.URL, reqs) },
	} {
		if err == nil {
			err = step()
		}
	}
	var runs map[string]clientRuns
	if err == nil {
		runs, err = runClients(t, b, reqs, []client{
			{name: "knock", path: b.knock, args: []string{"run", native}, runs: 5, warm: true, check: checkKnock},
			{name: "bareloop", path: b.bareloop, args: []string{plan}, runs: 5, warm: true, check: checkBare},
			b.newmanClient(postman, 3),
			// The developer sandbox: the default (QuickJS) one sometimes
			// fails the first assertion ("Cannot read properties of
			// undefined (reading 'newContext')"), and is the slower one.
			{name: "bru", dir: bruno, path: b.node, args: []string{b.bruJS, "run", "-r", "--sandbox", "developer"}, runs: 3, check: checkBru},
		})
	}
	const what = "knock run, 1,000 requests"
	if err != nil {
		b.res.Add(ErrorRow("run1000", what, "", err))
		return
	}
	k := runs["knock"]
	add := func(row Row, base clientRuns) {
		row.Runs = map[string]any{"knock": k.runs(), "baseline": base.runs()}
		b.res.Add(row)
	}
	add(RatioRow("run1000.time.newman", what+": time vs newman", "s", k.medianWall(), runs["newman"].medianWall(), "newman", 1.0/30, target30), runs["newman"])
	row := RatioRow("run1000.time.bru", what+": time vs bru", "s", k.medianWall(), runs["bru"].medianWall(), "bru", 1.0/30, target30)
	row.Note = "bru run -r --sandbox developer (the faster sandbox; the default one fails at random, see benchRun1000)"
	add(row, runs["bru"])
	add(RatioRow("run1000.time.bare", what+": time vs bare loop", "s", k.medianWall(), runs["bareloop"].medianWall(), "bare net/http loop", 1.5, "≤ 1.5"), runs["bareloop"])
	add(RatioRow("run1000.rss.newman", what+": peak RSS vs newman", "MiB", k.medianRSS(), runs["newman"].medianRSS(), "newman", 0.2, "≤ 0.2"), runs["newman"])
	row = RatioRow("run1000.rss.bru", what+": peak RSS vs bru", "MiB", k.medianRSS(), runs["bru"].medianRSS(), "bru", 0, "-")
	row.Status = StatusInfo
	add(row, runs["bru"])
	row = RatioRow("run1000.rss.bare", what+": peak RSS vs bare loop", "MiB", k.medianRSS(), runs["bareloop"].medianRSS(), "bare net/http loop", 0, "-")
	row.Status = StatusInfo
	add(row, runs["bareloop"])
}

// benchBigBodies runs 20 requests of 5 MB each with knock and newman.
func benchBigBodies(t *testing.T, b *bench) {
	reqs := BigCollection(20, 5)
	dir := filepath.Join(b.work, "big")
	os.RemoveAll(dir)
	native, postman := filepath.Join(dir, "knock"), filepath.Join(dir, "big.postman_collection.json")
	err := WriteNative(native, "big", b.srv.URL, reqs)
	if err == nil {
		err = WritePostman(postman, "big", b.srv.URL, reqs)
	}
	var runs map[string]clientRuns
	if err == nil {
		runs, err = runClients(t, b, reqs, []client{
			{name: "knock", path: b.knock, args: []string{"run", native}, runs: 3, check: checkKnock},
			b.newmanClient(postman, 3),
		})
	}
	const what, target = "knock run, 20 × 5 MB responses: peak RSS", "≤ 60 MiB"
	if err != nil {
		b.res.Add(ErrorRow("big.rss", what, target, err))
		return
	}
	k, n := runs["knock"], runs["newman"]
	row := AbsRow("big.rss", what, "MiB", k.medianRSS(), 60, target)
	row.Baseline, row.BaselineName, row.Ratio = n.medianRSS(), "newman", k.medianRSS()/n.medianRSS()
	row.Runs = map[string]any{"knock": k.runs(), "newman": n.runs()}
	b.res.Add(row)
}

// --- the window --------------------------------------------------------------

// benchWindow starts knock (with 1,000 saved requests) and the bare Fyne
// window under Xvfb, once each unmeasured and then fifteen times each,
// alternating, and compares their time to the first frame and their RSS
// after 3 s idle.
func benchWindow(t *testing.T, b *bench) {
	const startID, startWhat = "window.start", "window start: exec to first frame"
	const rssID, rssWhat = "window.rss", "window idle RSS, 1,000 saved requests"
	const target = "≤ 1.3"
	fail := func(err error) {
		b.res.Add(ErrorRow(startID, startWhat, target, err))
		b.res.Add(ErrorRow(rssID, rssWhat, target, err))
	}
	bus := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	if bus == "" {
		fail(fmt.Errorf("no DBUS_SESSION_BUS_ADDRESS: run under dbus-run-session (make bench does), or Fyne would leave a dbus-daemon behind per start"))
		return
	}
	data := t.TempDir()
	if err := FillStore(data, 1000); err != nil {
		fail(fmt.Errorf("fill the store: %w", err))
		return
	}
	x, err := StartXvfb()
	if err != nil {
		fail(err)
		return
	}
	defer x.Close()
	env := func(home string) []string {
		return append(BaseEnv(home), "DISPLAY="+x.Display, "DBUS_SESSION_BUS_ADDRESS="+bus,
			"XDG_RUNTIME_DIR="+home, storage.DataDirEnv+"="+data)
	}
	knockHome, bareHome := t.TempDir(), t.TempDir()
	var knock, bare []WindowRun
	// One start each unmeasured (the first start of either program reads
	// its binary and the fonts from disk: about twice as slow), then
	// fifteen each, alternating: a window's start swings by a third from
	// one start to the next on this machine, the bare window's too.
	for bin, home := range map[string]string{b.knock: knockHome, b.barewindow: bareHome} {
		if _, err := MeasureWindow(bin, env(home), 100*time.Millisecond, 60*time.Second); err != nil {
			fail(fmt.Errorf("warm-up start of %s: %w", filepath.Base(bin), err))
			return
		}
	}
	for i := range 15 {
		k, err := MeasureWindow(b.knock, env(knockHome), 3*time.Second, 60*time.Second)
		if err != nil {
			fail(fmt.Errorf("knock: %w", err))
			return
		}
		w, err := MeasureWindow(b.barewindow, env(bareHome), 3*time.Second, 60*time.Second)
		if err != nil {
			fail(fmt.Errorf("barewindow: %w", err))
			return
		}
		t.Logf("start %d: knock %s %.1f MiB, bare %s %.1f MiB", i+1, k.FirstFrame.Round(time.Millisecond), float64(k.IdleRSS)/(1<<20),
			w.FirstFrame.Round(time.Millisecond), float64(w.IdleRSS)/(1<<20))
		knock, bare = append(knock, k), append(bare, w)
	}
	frames := func(rs []WindowRun) []float64 {
		var out []float64
		for _, r := range rs {
			out = append(out, r.FirstFrame.Seconds())
		}
		return out
	}
	rss := func(rs []WindowRun) []float64 {
		var out []float64
		for _, r := range rs {
			out = append(out, float64(r.IdleRSS)/(1<<20))
		}
		return out
	}
	row := RatioRow(startID, startWhat, "s", Median(frames(knock)), Median(frames(bare)), "bare Fyne window", 1.3, target)
	row.Runs = map[string]any{"knockSeconds": frames(knock), "bareSeconds": frames(bare)}
	b.res.Add(row)
	row = RatioRow(rssID, rssWhat, "MiB", Median(rss(knock)), Median(rss(bare)), "bare Fyne window", 1.3, target)
	row.Runs = map[string]any{"knockMiB": rss(knock), "bareMiB": rss(bare)}
	b.res.Add(row)
}

// --- the response viewer -----------------------------------------------------

// goTest runs `go test ARGS` in the module root.
func (b *bench) goTest(t *testing.T, timeout time.Duration, args ...string) (Proc, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return Proc{}, err
	}
	env := append(os.Environ(), "LANG=en_US.UTF-8")
	p, err := Run(Command{Dir: b.root, Env: env, Path: gobin, Args: append([]string{"test"}, args...), Timeout: timeout})
	if err == nil && p.Exit != 0 {
		err = fmt.Errorf("go test %s: exit %d:\n%s", strings.Join(args, " "), p.Exit, tail(p.Stdout+p.Stderr))
	}
	return p, err
}

// listed returns the names of the tests or benchmarks of pkg that match re.
func (b *bench) listed(t *testing.T, pkg, re string) (map[string]bool, error) {
	p, err := b.goTest(t, 10*time.Minute, "-list", re, pkg)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, line := range strings.Split(p.Stdout, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, "Benchmark") || strings.HasPrefix(line, "Test") {
			out[line] = true
		}
	}
	return out, nil
}

// benchLine is one result line of `go test -bench`.
type benchLine struct {
	N       int
	Metrics map[string]float64 // by unit: "ns/op", "search-ms", …
}

var benchLineRE = regexp.MustCompile(`^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$`)

// parseBench reads the result lines of `go test -bench` output.
func parseBench(out string) map[string]benchLine {
	res := map[string]benchLine{}
	for _, line := range strings.Split(out, "\n") {
		m := benchLineRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		bl := benchLine{N: atoi(m[2]), Metrics: map[string]float64{}}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				bl.Metrics[f[i+1]] = v
			}
		}
		res[m[1]] = bl
	}
	return res
}

// benchViewer runs the bodyview package's large-body benchmarks and, as
// the baseline, times `knock send -o` downloading a body of the same size.
func benchViewer(t *testing.T, b *bench) {
	const pkg = "./app/ui/bodyview/"
	have, listErr := b.listed(t, pkg, "^BenchmarkLoad[0-9]+MB$")
	var names []string
	for _, mb := range []int{10, 100} {
		if have[fmt.Sprintf("BenchmarkLoad%dMB", mb)] {
			names = append(names, fmt.Sprintf("BenchmarkLoad%dMB", mb))
		}
	}
	var results map[string]benchLine
	var benchErr error
	if listErr == nil && len(names) > 0 {
		var p Proc
		p, benchErr = b.goTest(t, 20*time.Minute, "-run", "^$", "-bench", "^("+strings.Join(names, "|")+")$", "-benchtime", "1x", "-count", "1", pkg)
		results = parseBench(p.Stdout)
		t.Logf("bodyview benchmarks:\n%s", p.Stdout)
	}
	for _, mb := range []int{10, 100} {
		what := fmt.Sprintf("response viewer, %d MB JSON", mb)
		id := fmt.Sprintf("viewer.%dmb", mb)
		download, derr := b.downloadTime(t, mb)
		name := fmt.Sprintf("BenchmarkLoad%dMB", mb)
		r, ok := results[name]
		switch {
		case listErr != nil:
			b.res.Add(ErrorRow(id, what, "", listErr))
			continue
		case !have[name]:
			row := Row{ID: id, What: what, Target: "text ≤ 1 s after download, stalls ≤ 30 ms, search ≤ 0.5 s, memory ≤ 3× body",
				Status: StatusPending, Note: "app/ui/bodyview has no " + name + " yet"}
			if derr == nil {
				row.Baseline, row.BaselineName, row.Unit = download, "knock send -o download", "s"
			}
			b.res.Add(row)
			continue
		case benchErr != nil:
			b.res.Add(ErrorRow(id, what, "", benchErr))
			continue
		case !ok:
			b.res.Add(ErrorRow(id, what, "", fmt.Errorf("no result line for %s in the go test output", name)))
			continue
		case derr != nil:
			b.res.Add(ErrorRow(id, what, "", derr))
			continue
		}
		m := r.Metrics
		first := m["first-rows-ms"] / 1000
		row := AbsRow(id+".show", what+": text on screen after the download ends", "s", first, 1, "≤ 1 s")
		row.Baseline, row.BaselineName, row.Ratio = download, "knock send -o download", first/download
		row.Note = fmt.Sprintf("all rows indexed after %.0f ms", m["complete-ms"])
		row.Runs = map[string]any{"metrics": m}
		b.res.Add(row)
		stall := max(m["max-ui-wait-ms"], m["max-ui-callback-ms"])
		row = AbsRow(id+".stall", what+": longest UI stall while scrolling", "ms", stall, 30, "≤ 30 ms")
		row.Note = fmt.Sprintf("probe wait %.1f ms, longest callback %.1f ms", m["max-ui-wait-ms"], m["max-ui-callback-ms"])
		b.res.Add(row)
		b.res.Add(AbsRow(id+".search", what+": search", "ms", m["search-ms"], 500, "≤ 500 ms"))
		row = AbsRow(id+".memory", what+": live heap growth over idle ÷ body size", "", m["heap-x-body"], 3, "≤ 3")
		row.Note = "measured as Go live heap (runtime/metrics), not RSS"
		b.res.Add(row)
	}
}

// downloadTime is the median wall time of `knock send -o FILE` on a body
// of mb MiB from the local server.
func (b *bench) downloadTime(t *testing.T, mb int) (float64, error) {
	dir := t.TempDir()
	out := filepath.Join(dir, "body.json")
	var walls []time.Duration
	for range 3 {
		b.srv.Reset()
		p, err := Run(Command{Env: BaseEnv(dir), Path: b.knock, Args: []string{"send", "-o", out, fmt.Sprintf("%s/big?mb=%d", b.srv.URL, mb)}, Timeout: 5 * time.Minute})
		if err == nil && p.Exit != 0 {
			err = fmt.Errorf("knock send exited with %d:\n%s", p.Exit, tail(p.Stdout+p.Stderr))
		}
		if err != nil {
			return 0, err
		}
		st, err := os.Stat(out)
		if err != nil {
			return 0, err
		}
		if st.Size() != int64(mb)<<20 || b.srv.Counts().Big != 1 {
			return 0, fmt.Errorf("knock send -o wrote %d bytes (server: %s), want %d", st.Size(), b.srv.Counts(), int64(mb)<<20)
		}
		walls = append(walls, p.Wall)
	}
	return Median(Seconds(walls)), nil
}

// --- the store -----------------------------------------------------------------

// benchStore runs storage/bench_test.go and reads its times.
func benchStore(t *testing.T, b *bench) {
	figures := []struct {
		bench, id, what string
		limit           float64
	}{
		{"BenchmarkOpenAndLoadTree", "store.open_tree", "store, 10,000 requests: open and load the tree", 150},
		{"BenchmarkSearchURL", "store.search", "store, 10,000 requests: search", 20},
		{"BenchmarkSaveRequest", "store.save", "store, 10,000 requests: save a request", 10},
	}
	p, err := b.goTest(t, 15*time.Minute, "-run", "^$", "-bench", ".", "-benchtime", "20x", "-count", "1", "./storage/")
	t.Logf("storage benchmarks:\n%s", p.Stdout)
	lines := parseBench(p.Stdout)
	for _, f := range figures {
		target := fmt.Sprintf("< %.0f ms", f.limit)
		l, ok := lines[f.bench]
		if err != nil || !ok {
			if err == nil {
				err = fmt.Errorf("no result line for %s", f.bench)
			}
			b.res.Add(ErrorRow(f.id, f.what, target, err))
			continue
		}
		ms := l.Metrics["ns/op"] / 1e6
		row := AbsRow(f.id, f.what, "ms", ms, f.limit, target)
		row.Status = status(ms < f.limit)
		if cpu, ok := l.Metrics["cpu-ms/op"]; ok {
			row.Note = fmt.Sprintf("CPU %.1f ms per op", cpu)
		}
		row.Runs = map[string]any{"metrics": l.Metrics, "n": l.N}
		b.res.Add(row)
	}
}

// --- import ----------------------------------------------------------------------

// benchImport compares importing a 10,000-request Postman collection with
// a plain encoding/json decode of the same file. It uses the exchange
// package's own benchmarks when it has them, else its own in-process
// measurement.
func benchImport(t *testing.T, b *bench) {
	const id, what, target = "import.postman10k", "import of a 10,000-request Postman collection", "≤ 3"
	const imp, base = "BenchmarkPostmanImport10k", "BenchmarkPostmanDecodeBaseline"
	have, err := b.listed(t, "./storage/exchange/", "^BenchmarkPostman")
	if err != nil {
		b.res.Add(ErrorRow(id, what, target, err))
		return
	}
	if have[imp] && have[base] {
		p, err := b.goTest(t, 15*time.Minute, "-run", "^$", "-bench", "^("+imp+"|"+base+")$", "-benchtime", "5x", "-count", "1", "./storage/exchange/")
		t.Logf("exchange benchmarks:\n%s", p.Stdout)
		lines := parseBench(p.Stdout)
		li, oki := lines[imp]
		lb, okb := lines[base]
		if err == nil && (!oki || !okb) {
			err = fmt.Errorf("no result lines for %s and %s", imp, base)
		}
		if err != nil {
			b.res.Add(ErrorRow(id, what, target, err))
			return
		}
		row := RatioRow(id, what, "ms", li.Metrics["ns/op"]/1e6, lb.Metrics["ns/op"]/1e6, "encoding/json decode", 3, target)
		row.Note = "storage/exchange " + imp + " and " + base
		row.Runs = map[string]any{"import": li.Metrics, "decode": lb.Metrics}
		b.res.Add(row)
		return
	}
	data := Postman10k()
	imports, decodes, err := MeasureImport(data, 5)
	if err != nil {
		b.res.Add(ErrorRow(id, what, target, err))
		return
	}
	row := RatioRow(id, what, "ms", Median(Seconds(imports))*1000, Median(Seconds(decodes))*1000, "encoding/json decode into map[string]any", 3, target)
	row.Note = fmt.Sprintf("measured by app/benchmark on a generated %.1f MB file (storage/exchange has no %s and %s)", float64(len(data))/1e6, imp, base)
	row.Runs = map[string]any{"importSeconds": Seconds(imports), "decodeSeconds": Seconds(decodes), "bytes": len(data)}
	b.res.Add(row)
}

// BenchmarkEngineSend and BenchmarkNetHTTPGet are the send pipeline
// figure as Go benchmarks, for profiling:
//
//	go test -tags bench -run '^$' -bench 'EngineSend|NetHTTPGet' -cpuprofile cpu.out ./app/benchmark/
func BenchmarkEngineSend(b *testing.B) {
	srv, err := StartServer()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	eng := engine.New()
	url := srv.URL + "/items/1"
	for b.Loop() {
		resp, err := eng.Send(context.Background(), storage.Request{Method: "GET", URL: url}, engine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		resp.Close()
	}
}

func BenchmarkNetHTTPGet(b *testing.B) {
	srv, err := StartServer()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	client := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	defer client.CloseIdleConnections()
	url := srv.URL + "/items/1"
	for b.Loop() {
		resp, err := client.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkRunnerBigBodies is `knock run` over 20 responses of 5 MB, and
// BenchmarkRunner1000 over the 1,000-request collection, in process, for
// profiles (-cpuprofile, -memprofile).
func BenchmarkRunnerBigBodies(b *testing.B) { benchRunner(b, BigCollection(20, 5)) }

func BenchmarkRunner1000(b *testing.B) { benchRunner(b, Collection1000()) }

func benchRunner(b *testing.B, reqs []Req) {
	srv, err := StartServer()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	dir := b.TempDir()
	if err := WriteNative(dir, "bench", srv.URL, reqs); err != nil {
		b.Fatal(err)
	}
	res, err := exchange.ImportNativeFolder(dir)
	if err != nil {
		b.Fatal(err)
	}
	plan := runner.PlanFromTree(res.Collection, res.Items)
	for b.Loop() {
		s := runner.Run(context.Background(), plan, runner.Options{Timeout: time.Minute})
		if s.Failed() || s.Requests != len(reqs) {
			b.Fatalf("%d requests, %d failed, %d assertions failed", s.Requests, s.FailedRequests, s.FailedAssertions)
		}
	}
}
