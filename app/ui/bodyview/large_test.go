package bodyview

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
)

// largeResult is what measureLarge saw.
type largeResult struct {
	size        int64
	rows        int
	first       time.Duration // Load until the first rows were on screen
	complete    time.Duration // Load until every row was indexed
	scrollEnd   time.Duration // one jump to the last row
	search      time.Duration
	matches     int
	maxLatency  time.Duration // the slowest 5 ms probe of the UI goroutine
	maxCallback time.Duration // the longest single function on the UI goroutine, wall time
	maxCPU      time.Duration // the same in CPU time of the UI thread
	heapGrowth  int64         // live heap after the load, minus before
	heapPeak    int64         // highest live heap during the load, minus before
}

func (r largeResult) String() string {
	mb := func(n int64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }
	return fmt.Sprintf("%s JSON, %d rows: first rows %v, complete %v, scroll to end %v, search %v (%d matches); "+
		"UI goroutine: slowest probe %v, longest callback %v (%v CPU); heap +%s after load (%.1f× body), peak +%s (%.1f×)",
		mb(r.size), r.rows, r.first.Round(time.Millisecond), r.complete.Round(time.Millisecond), r.scrollEnd.Round(time.Microsecond),
		r.search.Round(time.Millisecond), r.matches, r.maxLatency.Round(time.Microsecond), r.maxCallback.Round(time.Microsecond),
		r.maxCPU.Round(time.Microsecond),
		mb(r.heapGrowth), float64(r.heapGrowth)/float64(r.size), mb(r.heapPeak), float64(r.heapPeak)/float64(r.size))
}

// heapLive reads the bytes in live and not yet swept heap objects without
// stopping the world (runtime.ReadMemStats would stall the probe).
func heapLive() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64())
}

// measureLarge loads a generated minified JSON body of size bytes from a
// file, scrolls to its end and searches it, while a probe posts an empty
// function to the UI goroutine every 5 ms and times how long it waits.
func measureLarge(tb testing.TB, size int) largeResult {
	path := filepath.Join(tb.TempDir(), "large.json")
	data := genJSON(size)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	res := largeResult{size: int64(len(data))}
	needle := fmt.Sprintf("needle-%d", (len(data)/360/1000-1)*1000) // in the last records
	data = nil

	f := newFixture(tb, fyne.NewSize(1000, 700))
	// A first small body: what the viewer does once per window (laying
	// out its bar, shaping its labels) is not what is measured here.
	f.load(memSource(smallJSON), "application/json")
	// Time every function the UI goroutine runs.
	var mu sync.Mutex
	f.ui.run(func() {
		f.ui.observe = func(wall, cpu time.Duration) {
			mu.Lock()
			res.maxCallback = max(res.maxCallback, wall)
			res.maxCPU = max(res.maxCPU, cpu)
			mu.Unlock()
		}
	})

	runtime.GC()
	before := heapLive()
	stop := make(chan struct{})
	probeDone := make(chan struct{})
	go func() {
		defer close(probeDone)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				t0 := time.Now()
				f.ui.run(func() {})
				lat := time.Since(t0)
				h := heapLive() - before
				mu.Lock()
				res.maxLatency = max(res.maxLatency, lat)
				res.heapPeak = max(res.heapPeak, h)
				mu.Unlock()
			}
		}
	}()

	s := f.load(fileSource(path), "application/json")
	res.first, res.complete, res.rows = s.First, s.Total, s.Rows

	// Jump to the end, then page back up a few screens.
	t0 := time.Now()
	f.ui.run(func() { f.v.text.scrollTo(f.v.text.rowCount(), 0) })
	res.scrollEnd = time.Since(t0)
	last := get(f, func(v *Viewer) string {
		b, _, _ := v.text.model.row(v.text.rowCount() - 1)
		return string(b)
	})
	if last != "]" {
		tb.Errorf("the last row is %q, want ]", last)
	}
	for range 20 {
		f.ui.run(func() { f.v.text.TypedKey(&fyne.KeyEvent{Name: fyne.KeyPageUp}) })
	}
	for range 20 {
		f.ui.run(func() { f.v.text.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: -120}}) })
	}

	f.ui.run(func() { f.v.search.SetText(needle) })
	ss := f.wait("search", 60*time.Second)
	res.search, res.matches = ss.Total, ss.Matches
	if ss.Matches != 1 {
		tb.Errorf("%d matches for %s, want 1", ss.Matches, needle)
	}
	row := get(f, func(v *Viewer) string {
		b, _, _ := v.text.model.row(v.text.cur)
		return string(b)
	})
	if !strings.Contains(row, needle) {
		tb.Errorf("the marked row is %q, want the match", row)
	}
	close(stop)
	<-probeDone

	runtime.GC()
	res.heapGrowth = heapLive() - before
	runtime.KeepAlive(f.v)
	f.ui.run(func() { f.ui.observe = nil })
	mu.Lock()
	defer mu.Unlock()
	return res
}

// TestViewerLargeBody loads 100 MB of JSON (10 MB under the race
// detector, which slows the byte loops about tenfold; BenchmarkLoad100MB
// always uses 100 MB) and checks that the UI goroutine never waits more
// than 30 ms, that search takes at most 0.5 s and that the heap grows by
// at most three times the body.
func TestViewerLargeBody(t *testing.T) {
	size := 100 << 20
	if raceEnabled {
		size = 10 << 20
	}
	r := measureLarge(t, size)
	t.Log(r)
	if r.rows < size/40 {
		t.Errorf("%d rows; want one per member", r.rows)
	}
	// The UI goroutine's CPU time per function is what the viewer costs
	// it, whatever else the machine runs. Wall-clock waits also count the
	// time the operating system keeps the thread off a busy CPU, and
	// `make test` runs many packages at once, so they are only logged
	// here; make bench measures them on a quiet machine.
	const limit = 30 * time.Millisecond
	if haveThreadCPU && r.maxCPU > limit {
		t.Errorf("a function held the UI goroutine for %v of CPU time, over %v", r.maxCPU, limit)
	}
	t.Logf("wall clock (load %.1f per CPU): longest UI function %v, longest probe wait %v", loadPerCPU(), r.maxCallback, r.maxLatency)
	if r.search > 500*time.Millisecond {
		t.Errorf("search took %v, over 0.5 s", r.search)
	}
	if r.heapGrowth > 3*r.size {
		t.Errorf("the heap grew by %d bytes, over 3 × %d", r.heapGrowth, r.size)
	}
}

// loadPerCPU is the one-minute load average per CPU, or 0 when unknown.
func loadPerCPU() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	var l float64
	if _, err := fmt.Sscan(string(b), &l); err != nil {
		return 0
	}
	return l / float64(runtime.NumCPU())
}

// BenchmarkLoad100MB reports the figures of TestViewerLargeBody for
// 100 MB of JSON (make bench).
func BenchmarkLoad100MB(b *testing.B) { benchmarkLoad(b, 100<<20) }

// BenchmarkLoad10MB is the 10 MB row of make bench.
func BenchmarkLoad10MB(b *testing.B) { benchmarkLoad(b, 10<<20) }

func benchmarkLoad(b *testing.B, size int) {
	for b.Loop() {
		r := measureLarge(b, size)
		b.Log(r)
		b.ReportMetric(float64(r.first.Milliseconds()), "first-rows-ms")
		b.ReportMetric(float64(r.complete.Milliseconds()), "complete-ms")
		b.ReportMetric(float64(r.search.Milliseconds()), "search-ms")
		b.ReportMetric(float64(r.maxLatency.Microseconds())/1000, "max-ui-wait-ms")
		b.ReportMetric(float64(r.maxCallback.Microseconds())/1000, "max-ui-callback-ms")
		b.ReportMetric(float64(r.maxCPU.Microseconds())/1000, "max-ui-callback-cpu-ms")
		b.ReportMetric(float64(r.heapGrowth)/float64(r.size), "heap-x-body")
	}
}
