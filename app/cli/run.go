package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/knockhttp/knock/app/runner"
)

const runUsage = `Usage: knock run TARGET [flags]

Runs every request of TARGET in order and checks their assertions.
TARGET is a stored collection (by name; "Collection/Folder" runs one
folder), a native collection folder, or a Postman, Insomnia, .http, HAR,
OpenAPI or Bruno file, imported on the fly.

Postman pm.test scripts are not executed: they are listed as skipped.
Exit status: 0 when every request got a response and every assertion held,
1 otherwise.

Flags:
`

type runFlags struct {
	env         string
	iterations  int
	data        string
	bail        bool
	concurrency int
	reporters   string
	out         string
	timeout     time.Duration
	noNetrc     bool
	secrets     string
}

func (f *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.env, "env", "", "environment `NAME` (stored, or in the imported file) or FILE (Postman environment, JSON object, NAME=value lines)")
	fs.IntVar(&f.iterations, "iterations", 1, "run the collection `N` times")
	fs.StringVar(&f.data, "data", "", "one iteration per row of `FILE` (.csv with a header row, or .json array of objects); columns are variables")
	fs.BoolVar(&f.bail, "bail", false, "stop at the first failure")
	fs.IntVar(&f.concurrency, "concurrency", 1, "send `N` requests at once")
	fs.StringVar(&f.reporters, "reporter", "cli", "reporters, comma separated: `cli,json,junit`")
	fs.StringVar(&f.out, "out", ".", "directory for the json (knock-run.json) and junit (knock-run.xml) reports")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "each request's total timeout when it sets none")
	fs.BoolVar(&f.noNetrc, "no-netrc", false, "do not use ~/.netrc credentials")
	fs.StringVar(&f.secrets, "secrets", "", "for stored collections: `keyring` (default), session, or vault (passphrase from KNOCK_VAULT_PASSPHRASE)")
}

func runRun(args []string, stdout, stderr io.Writer) int {
	var f runFlags
	fs := flag.NewFlagSet("knock run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.register(fs)
	positional, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, runUsage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0
	}
	if err != nil {
		return fail(stderr, "%v (see knock run --help)", err)
	}
	if len(positional) != 1 {
		return fail(stderr, "knock run takes one TARGET, got %d (see knock run --help)", len(positional))
	}
	reporters, err := parseReporters(f.reporters)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if f.concurrency <= 1 && os.Getenv("GOMAXPROCS") == "" {
		// One request at a time: the work is a chain of hand-offs between
		// goroutines (the runner, net/http's read and write loops), and
		// with a second P each hand-off can wake another thread. On one
		// P they stay on one. (Restored on return, for callers in the
		// same process: the tests.)
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	}
	target, err := loadTarget(positional[0], f)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer target.close()
	opt := runner.Options{
		Engine:      target.engine(),
		Iterations:  f.iterations,
		Bail:        f.bail,
		Concurrency: f.concurrency,
		Timeout:     f.timeout,
		Netrc:       !f.noNetrc,
		Environment: target.environment,
		Globals:     target.globals,
	}
	if f.data != "" {
		if opt.Data, err = runner.ReadData(f.data); err != nil {
			return fail(stderr, "%v", err)
		}
	}
	progress := newRunProgress(stderr)
	opt.Progress = progress.update

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	summary := runner.Run(ctx, target.plan, opt)
	progress.finish()
	if err := writeReports(summary, reporters, f.out, stdout); err != nil {
		return fail(stderr, "%v", err)
	}
	if summary.Failed() {
		return 1
	}
	return 0
}

func parseReporters(list string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, r := range strings.Split(list, ",") {
		r = strings.TrimSpace(r)
		switch r {
		case "":
		case "cli", "json", "junit":
			out[r] = true
		default:
			return nil, fmt.Errorf("unknown reporter %q: want cli, json or junit", r)
		}
	}
	return out, nil
}

func writeReports(s *runner.Summary, reporters map[string]bool, dir string, stdout io.Writer) error {
	if reporters["cli"] {
		// Buffered: a line per request and one per assertion would
		// otherwise be a write each.
		w := bufio.NewWriterSize(stdout, 64<<10)
		runner.WriteText(w, s)
		if err := w.Flush(); err != nil {
			return err
		}
	}
	write := func(name string, fn func(io.Writer, *runner.Summary) error) error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := fn(f, s); err != nil {
			f.Close()
			return fmt.Errorf("write %s: %w", path, err)
		}
		return f.Close()
	}
	if reporters["json"] {
		if err := write("knock-run.json", runner.WriteJSON); err != nil {
			return err
		}
	}
	if reporters["junit"] {
		if err := write("knock-run.xml", runner.WriteJUnit); err != nil {
			return err
		}
	}
	return nil
}

// runProgress is the live progress line on stderr: redrawn in place on a
// terminal, printed every few seconds otherwise (CI logs).
type runProgress struct {
	w     io.Writer
	tty   bool
	mu    sync.Mutex
	last  time.Time
	start time.Time
	drawn bool
}

func newRunProgress(stderr io.Writer) *runProgress {
	f, ok := stderr.(*os.File)
	return &runProgress{w: stderr, tty: ok && term.IsTerminal(int(f.Fd())), start: time.Now()}
}

func (p *runProgress) update(done, total, failed int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	every := 5 * time.Second
	if p.tty {
		every = 100 * time.Millisecond
	}
	if done != total && now.Sub(p.last) < every {
		return
	}
	p.last = now
	line := fmt.Sprintf("knock run: %d/%d requests, %d failed, %s", done, total, failed, now.Sub(p.start).Round(time.Millisecond))
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K"+line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

func (p *runProgress) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
