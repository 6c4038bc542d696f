package engine

// Large bodies: kept in memory up to SpoolThreshold and spooled to a
// temporary file beyond it; 1 GiB through a Sink and 256 MiB to a spool
// file without the heap growing.

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

// heapSampler records the peak of the heap while a test runs.
type heapSampler struct {
	done chan struct{}
	wg   sync.WaitGroup
	peak heapPeak
}

type heapPeak struct {
	heapInuse uint64 // the largest HeapInuse seen
	sysGrowth uint64 // how far Sys grew above where it started
}

func startHeapSampler() *heapSampler {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	baseSys := ms.Sys
	s := &heapSampler{done: make(chan struct{})}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			s.peak.heapInuse = max(s.peak.heapInuse, ms.HeapInuse)
			if ms.Sys > baseSys {
				s.peak.sysGrowth = max(s.peak.sysGrowth, ms.Sys-baseSys)
			}
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) stop() heapPeak {
	close(s.done)
	s.wg.Wait()
	return s.peak
}

// pattern is the repeating content of generated bodies: 64 KiB whose
// bytes depend on their position, so a lost or repeated chunk shows.
var pattern = func() []byte {
	p := make([]byte, 64<<10)
	for i := range p {
		p[i] = byte(i*7 + i/251)
	}
	return p
}()

// bigPattern is pattern repeated to 1 MiB, so the server writes in large
// chunks.
var bigPattern = bytes.Repeat(pattern, 16)

// patternServer streams size bytes of pattern, generated as it goes.
func patternServer(t *testing.T, size int64) *recServer {
	return newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		w.Header().Set("Content-Type", "application/octet-stream")
		for left := size; left > 0; {
			n := min(left, int64(len(bigPattern)))
			if _, err := w.Write(bigPattern[:n]); err != nil {
				return
			}
			left -= n
		}
	})
}

// patternChecker is a Sink that checks every byte against pattern.
type patternChecker struct {
	n   int64
	bad int64 // offset of the first wrong byte, or -1
}

func (c *patternChecker) Write(p []byte) (int, error) {
	written := len(p)
	for len(p) > 0 {
		off := c.n % int64(len(pattern))
		k := min(len(p), len(pattern)-int(off))
		if c.bad < 0 && !bytes.Equal(p[:k], pattern[off:int(off)+k]) {
			c.bad = c.n
		}
		c.n += int64(k)
		p = p[k:]
	}
	return written, nil
}

func TestLargeBodySpoolThreshold(t *testing.T) {
	const threshold = 1 << 20
	cases := []struct {
		size    int64
		spooled bool
	}{{0, false}, {100, false}, {threshold, false}, {threshold + 1, true}, {3*threshold + 12345, true}}
	for _, tc := range cases {
		t.Run(strconv.FormatInt(tc.size, 10), func(t *testing.T) {
			srv := patternServer(t, tc.size)
			e := newTestEngine(t)
			e.SpoolThreshold = threshold
			resp, err := e.Send(t.Context(), get(srv.URL), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if resp.BodySize != tc.size || resp.Body.Size() != tc.size {
				t.Errorf("BodySize %d Body.Size %d, want %d", resp.BodySize, resp.Body.Size(), tc.size)
			}
			path := resp.Body.Path()
			if (path != "") != tc.spooled {
				t.Fatalf("Path %q: spooled = %v, want %v", path, path != "", tc.spooled)
			}
			if tc.spooled {
				if filepath.Dir(path) != e.TempDir {
					t.Errorf("spool file %s is not in the engine's TempDir %s", path, e.TempDir)
				}
				st, err := os.Stat(path)
				if err != nil || st.Size() != tc.size {
					t.Errorf("spool file: %v, size %v", err, st)
				}
			}
			r, err := resp.Body.Open()
			if err != nil {
				t.Fatal(err)
			}
			check := &patternChecker{bad: -1}
			io.Copy(check, r)
			r.Close()
			if check.n != tc.size || check.bad >= 0 {
				t.Errorf("read back %d bytes, first wrong byte at %d", check.n, check.bad)
			}
			head, cut, err := resp.Body.Bytes(1000)
			if err != nil || int64(len(head)) != min(tc.size, 1000) || cut != (tc.size > 1000) || !bytes.Equal(head, pattern[:len(head)]) {
				t.Errorf("Bytes(1000) = %d bytes, cut %v, %v", len(head), cut, err)
			}
			if err := resp.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			if _, err := resp.Body.Open(); err == nil {
				t.Error("Open after Close succeeded")
			}
			if _, _, err := resp.Body.Bytes(10); err == nil {
				t.Error("Bytes after Close succeeded")
			}
			if err := resp.Close(); err != nil {
				t.Errorf("a second Close: %v", err)
			}
			if path != "" {
				if _, err := os.Stat(path); !os.IsNotExist(err) {
					t.Errorf("spool file still there after Close: %v", err)
				}
			}
			assertEmptyDir(t, e.TempDir)
		})
	}
}

func TestLargeBodySpoolThresholdAppliesToDecodedSize(t *testing.T) {
	plain := bytes.Repeat([]byte("z"), 2<<20)
	srv := encodedServer(t, "gzip", encodeGzip(plain))
	e := newTestEngine(t)
	e.SpoolThreshold = 1 << 20
	resp := mustSend(t, e, get(srv.URL), Options{})
	if resp.Body.Path() == "" || resp.WireSize >= 1<<20 || resp.BodySize != int64(len(plain)) {
		t.Errorf("Path %q WireSize %d BodySize %d: a small gzip body that decodes past the threshold must spool",
			resp.Body.Path(), resp.WireSize, resp.BodySize)
	}
	resp.Close()
	assertEmptyDir(t, e.TempDir)
}

func TestLargeBody1GiBThroughASinkInConstantMemory(t *testing.T) {
	const size = 1 << 30
	srv := patternServer(t, size)
	e := newTestEngine(t)
	sink := &patternChecker{bad: -1}
	mem := startHeapSampler()
	start := time.Now()
	resp, err := e.Send(t.Context(), get(srv.URL), Options{Sink: sink})
	elapsed := time.Since(start)
	peak := mem.stop()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1 GiB in %v; peak HeapInuse %s, Sys grew %s", elapsed, HumanBytes(int64(peak.heapInuse)), HumanBytes(int64(peak.sysGrowth)))
	if resp.BodySize != size || resp.WireSize != size || sink.n != size || sink.bad >= 0 {
		t.Errorf("BodySize %d WireSize %d sink %d (first bad byte %d), want %d", resp.BodySize, resp.WireSize, sink.n, sink.bad, size)
	}
	if resp.Body != nil {
		t.Error("Body is set although the body went to the Sink")
	}
	if peak.heapInuse > 64<<20 || peak.sysGrowth > 64<<20 {
		t.Errorf("peak HeapInuse %s, Sys growth %s: want both under 64 MiB", HumanBytes(int64(peak.heapInuse)), HumanBytes(int64(peak.sysGrowth)))
	}
	assertEmptyDir(t, e.TempDir)
}

func TestLargeBody256MiBSpooledInConstantMemory(t *testing.T) {
	const size = 256 << 20
	srv := patternServer(t, size)
	e := newTestEngine(t)
	mem := startHeapSampler()
	resp, err := e.Send(t.Context(), get(srv.URL), Options{})
	peak := mem.stop()
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Close()
	t.Logf("256 MiB spooled; peak HeapInuse %s, Sys grew %s", HumanBytes(int64(peak.heapInuse)), HumanBytes(int64(peak.sysGrowth)))
	if peak.heapInuse > 64<<20 || peak.sysGrowth > 64<<20 {
		t.Errorf("peak HeapInuse %s, Sys growth %s: want both under 64 MiB", HumanBytes(int64(peak.heapInuse)), HumanBytes(int64(peak.sysGrowth)))
	}
	st, err := os.Stat(resp.Body.Path())
	if err != nil || st.Size() != size || resp.BodySize != size {
		t.Fatalf("spool file %q: %v (size %v), BodySize %d", resp.Body.Path(), err, st, resp.BodySize)
	}
	f, err := resp.Body.Open()
	if err != nil {
		t.Fatal(err)
	}
	check := &patternChecker{bad: -1}
	io.Copy(check, f)
	f.Close()
	if check.n != size || check.bad >= 0 {
		t.Errorf("spool file holds %d bytes, first wrong byte at %d", check.n, check.bad)
	}
	if err := resp.Close(); err != nil {
		t.Fatal(err)
	}
	assertEmptyDir(t, e.TempDir)
}

func TestLargeBodySpoolFailureLeavesNothing(t *testing.T) {
	// The server promises more than it sends: the read fails after the
	// spool file was made, and the file must go.
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(4<<20))
		w.Write(bytes.Repeat([]byte("a"), 3<<20))
	})
	e := newTestEngine(t)
	e.SpoolThreshold = 1 << 20
	sendErr(t, e, get(srv.URL), Options{}, KindBody, "reading the response body failed after 3.0 MiB", "unexpected EOF")
	assertEmptyDir(t, e.TempDir)
}
