package bodyview

import (
	"bytes"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// uiLoop stands in for Fyne's UI goroutine. Fyne's test driver runs
// fyne.Do at once on the calling goroutine, so with it the viewer's
// workers would change widgets concurrently with the test, and nothing
// would show a blocked UI goroutine. The loop runs posted functions one at
// a time on one goroutine, as the real driver does.
type uiLoop struct {
	ch   chan func()
	stop chan struct{}
	wg   sync.WaitGroup
	// observe, when set (on the loop), is told how long each function ran,
	// in wall time and in CPU time of the loop's thread.
	observe func(wall, cpu time.Duration)
}

func startUI(t testing.TB) *uiLoop {
	l := &uiLoop{ch: make(chan func(), 4096), stop: make(chan struct{})}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		runtime.LockOSThread() // as Fyne's UI goroutine is; and for threadCPU
		defer runtime.UnlockOSThread()
		for {
			select {
			case fn := <-l.ch:
				t0, c0 := time.Now(), threadCPU()
				fn()
				if l.observe != nil {
					l.observe(time.Since(t0), threadCPU()-c0)
				}
			case <-l.stop:
				return
			}
		}
	}()
	currentLoop.Store(l)
	t.Cleanup(func() {
		close(l.stop)
		l.wg.Wait()
	})
	return l
}

// currentLoop is the loop of the test running. uiDo is set once, in
// TestMain, because goroutines of an earlier test may still be posting.
var currentLoop atomic.Pointer[uiLoop]

func TestMain(m *testing.M) {
	uiDo = func(fn func()) {
		if l := currentLoop.Load(); l != nil {
			l.post(fn)
		}
	}
	os.Exit(m.Run())
}

func (l *uiLoop) post(fn func()) {
	select {
	case l.ch <- fn:
	case <-l.stop:
	}
}

// run runs fn on the loop and waits for it.
func (l *uiLoop) run(fn func()) {
	done := make(chan struct{})
	l.post(func() {
		defer close(done)
		fn()
	})
	select {
	case <-done:
	case <-l.stop:
	}
}

// viewerFixture is a viewer in a test window, driven through the loop.
type viewerFixture struct {
	t     testing.TB
	ui    *uiLoop
	v     *Viewer
	w     fyne.Window
	stats chan Stats
}

func newFixture(t testing.TB, size fyne.Size) *viewerFixture {
	test.NewTempApp(t)
	f := &viewerFixture{t: t, ui: startUI(t), stats: make(chan Stats, 64)}
	f.ui.run(func() {
		f.v = New()
		f.v.OnStats = func(s Stats) {
			select {
			case f.stats <- s:
			default:
			}
		}
		f.w = test.NewWindow(f.v)
		f.w.Resize(size)
		f.v.SetWindow(f.w)
	})
	t.Cleanup(func() { f.ui.run(f.w.Close) })
	return f
}

// load loads src and waits for the load to finish.
func (f *viewerFixture) load(src Source, contentType string) Stats {
	f.t.Helper()
	f.ui.run(func() { f.v.Load(src, contentType) })
	return f.wait("load", 60*time.Second)
}

// wait returns the next Stats of event, skipping others.
func (f *viewerFixture) wait(event string, timeout time.Duration) Stats {
	f.t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case s := <-f.stats:
			if s.Event == event {
				return s
			}
		case <-deadline:
			f.t.Fatalf("no %q within %v", event, timeout)
			return Stats{}
		}
	}
}

// rows returns the first n rows on screen, as drawn (indent included).
func (f *viewerFixture) rows(n int) []string {
	var out []string
	f.ui.run(func() {
		m := f.v.text.model
		if m == nil {
			return
		}
		for i := 0; i < min(n, m.rows()); i++ {
			b, indent, _ := m.row(i)
			out = append(out, strings.Repeat(" ", indent)+string(b))
		}
	})
	return out
}

// get reads viewer state on the UI loop.
func get[T any](f *viewerFixture, fn func(v *Viewer) T) T {
	var x T
	f.ui.run(func() { x = fn(f.v) })
	return x
}

// memSource is a body in memory.
type memSource []byte

func (m memSource) Open() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(m)), nil }
func (m memSource) Size() int64                  { return int64(len(m)) }

// fileSource is a body spooled to a file, like engine.Body's large ones.
type fileSource string

func (p fileSource) Open() (io.ReadCloser, error) { return os.Open(string(p)) }
func (p fileSource) Path() string                 { return string(p) }
func (p fileSource) Size() int64 {
	fi, err := os.Stat(string(p))
	if err != nil {
		return 0
	}
	return fi.Size()
}

func modeNames(ms []Mode) string {
	var s []string
	for _, m := range ms {
		s = append(s, string(m))
	}
	return strings.Join(s, ",")
}
