package benchmark

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// Xvfb is a virtual X server started by the benchmark.
type Xvfb struct {
	Display string
	cmd     *exec.Cmd
	exited  chan struct{}
}

// StartXvfb starts Xvfb on the first free display from :150.
func StartXvfb() (*Xvfb, error) {
	for n := 150; n < 200; n++ {
		socket := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if _, err := os.Stat(socket); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("start Xvfb: %w", err)
		}
		x := &Xvfb{Display: display, cmd: cmd, exited: make(chan struct{})}
		go func() { cmd.Wait(); close(x.exited) }()
		if waitForFile(socket, x.exited, 5*time.Second) {
			return x, nil
		}
		x.Close()
	}
	return nil, errors.New("could not start Xvfb on any display from :150 to :199")
}

// waitForFile polls for path until it exists, exited is closed or the
// timeout passes.
func waitForFile(path string, exited <-chan struct{}, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return true
		}
		select {
		case <-exited:
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	return false
}

// Close stops Xvfb.
func (x *Xvfb) Close() {
	if x != nil {
		stop(x.cmd, x.exited)
	}
}

// stop ends a process this package started, by its PID, and waits for
// exited (closed by the goroutine that called Wait).
func stop(cmd *exec.Cmd, exited <-chan struct{}) {
	if cmd.Process == nil {
		return
	}
	select {
	case <-exited:
		return
	default:
	}
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
}

// WindowRun is one start of a window.
type WindowRun struct {
	FirstFrame time.Duration // exec to the first painted frame, from the app's own log
	IdleRSS    int64         // VmRSS in bytes after the idle wait
}

// firstFrameRE matches the first-frame line of knock and barewindow.
var firstFrameRE = regexp.MustCompile(`: first frame at (\d+)$`)

// MeasureWindow starts a window binary with KNOCK_LOG_STARTUP=1, waits for
// its first-frame line, lets it idle, reads its RSS and stops it.
func MeasureWindow(bin string, env []string, idle, timeout time.Duration) (WindowRun, error) {
	cmd := exec.Command(bin)
	cmd.Env = append(env, "KNOCK_LOG_STARTUP=1")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return WindowRun{}, err
	}
	var mu sync.Mutex
	var log strings.Builder
	first := make(chan time.Time, 1)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return WindowRun{}, err
	}
	exited := make(chan struct{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			if log.Len() < 64<<10 {
				log.WriteString(line + "\n")
			}
			mu.Unlock()
			if m := firstFrameRE.FindStringSubmatch(line); m != nil {
				if ns, err := strconv.ParseInt(m[1], 10, 64); err == nil {
					select {
					case first <- time.Unix(0, ns):
					default:
					}
				}
			}
		}
	}()
	go func() { <-readDone; cmd.Wait(); close(exited) }()
	defer stop(cmd, exited)
	stderr := func() string {
		mu.Lock()
		defer mu.Unlock()
		return log.String()
	}
	var run WindowRun
	select {
	case at := <-first:
		run.FirstFrame = at.Sub(t0)
	case <-exited:
		return run, fmt.Errorf("%s exited before its first frame; stderr:\n%s", bin, stderr())
	case <-time.After(timeout):
		return run, fmt.Errorf("%s logged no first frame within %s; stderr:\n%s", bin, timeout, stderr())
	}
	select {
	case <-exited:
		return run, fmt.Errorf("%s exited while idle; stderr:\n%s", bin, stderr())
	case <-time.After(idle):
	}
	run.IdleRSS, err = VmRSS(cmd.Process.Pid)
	return run, err
}

// FillStore creates a data directory holding one collection of n saved
// requests in folders of 50, and closes it.
func FillStore(dir string, n int) error {
	db, err := storage.Open(dir, &storage.Options{Secrets: secrets.NewSession(), BackupInterval: -1})
	if err != nil {
		return err
	}
	defer db.Close()
	c := &storage.Collection{Name: "Saved requests"}
	var items []storage.TreeItem
	for f := 0; f*50 < n; f++ {
		var kids []storage.TreeItem
		for i := f * 50; i < min(n, (f+1)*50); i++ {
			kids = append(kids, storage.TreeItem{Request: &storage.Request{
				Name:    fmt.Sprintf("Get item %d", i),
				Method:  []string{"GET", "POST", "PUT", "DELETE", "PATCH"}[i%5],
				URL:     fmt.Sprintf("https://api.example.com/v1/resource-%d/items/%d?expand=owner", f, i),
				Headers: []storage.KeyValue{{Key: "Accept", Value: "application/json", Enabled: true}},
				Body:    storage.Body{Mode: storage.BodyRaw, ContentType: "application/json", Raw: fmt.Sprintf(`{"id": %d}`, i)},
				Auth:    storage.AuthSpec{Type: storage.AuthInherit},
			}})
		}
		items = append(items, storage.TreeItem{Folder: &storage.Folder{Name: fmt.Sprintf("Resource %d", f)}, Children: kids})
	}
	if err := db.CreateCollectionTree(c, items); err != nil {
		return err
	}
	return db.Close()
}
