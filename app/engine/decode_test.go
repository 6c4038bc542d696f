package engine

// Content-Encoding: gzip, deflate (zlib and raw), br and stacked codings
// are decoded; broken streams and decompression bombs fail with Kind body.

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/knockhttp/knock/storage"
)

func encodeGzip(p []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func encodeZlib(p []byte) []byte {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func encodeRawDeflate(p []byte) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, flate.DefaultCompression)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

func encodeBrotli(p []byte) []byte {
	var b bytes.Buffer
	w := brotli.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

// encodedServer serves body with the given Content-Encoding.
func encodedServer(t *testing.T, coding string, body []byte) *recServer {
	return newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", coding)
		w.Header().Set("Content-Type", "text/plain")
		w.Write(body)
	})
}

func TestDecodeContentEncodings(t *testing.T) {
	plain := []byte(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 3000))
	cases := []struct {
		coding string
		body   []byte
	}{
		{"gzip", encodeGzip(plain)},
		{"x-gzip", encodeGzip(plain)},
		{"deflate", encodeZlib(plain)},       // RFC 9110: zlib
		{"deflate", encodeRawDeflate(plain)}, // what some servers send
		{"br", encodeBrotli(plain)},
		{"gzip, br", encodeBrotli(encodeGzip(plain))}, // gzip applied first, then br
		{"deflate,gzip", encodeGzip(encodeZlib(plain))},
		{"identity, GZIP", encodeGzip(plain)},
	}
	e := newTestEngine(t)
	for _, tc := range cases {
		t.Run(tc.coding, func(t *testing.T) {
			srv := encodedServer(t, tc.coding, tc.body)
			resp := mustSend(t, e, get(srv.URL), Options{})
			if got := bodyText(t, resp); got != string(plain) {
				t.Errorf("decoded %d bytes that differ from the %d sent", len(got), len(plain))
			}
			if resp.WireSize != int64(len(tc.body)) || resp.BodySize != int64(len(plain)) {
				t.Errorf("WireSize %d BodySize %d, want %d and %d", resp.WireSize, resp.BodySize, len(tc.body), len(plain))
			}
			if resp.Encoding != tc.coding {
				t.Errorf("Encoding %q, want %q", resp.Encoding, tc.coding)
			}
		})
	}
}

func TestDecodeBrokenStreamsFailWithKindBody(t *testing.T) {
	plain := []byte(strings.Repeat("abc", 10000))
	gz := encodeGzip(plain)
	e := newTestEngine(t)
	cases := []struct {
		coding string
		body   []byte
		want   []string
	}{
		{"gzip", []byte("this is not gzip at all"), []string{"the body says gzip but is not"}},
		{"gzip", gz[:len(gz)/2], []string{"reading the response body failed after", "unexpected EOF"}},
		{"deflate", []byte{0x78, 0x9c, 0xff, 0xff, 0xff}, []string{"reading the response body failed"}},
		{"br", []byte("not brotli, not at all, no"), []string{"reading the response body failed"}},
	}
	for _, tc := range cases {
		srv := encodedServer(t, tc.coding, tc.body)
		sendErr(t, e, get(srv.URL), Options{}, KindBody, tc.want...)
	}
	assertEmptyDir(t, e.TempDir)
}

// gzipBomb returns a gzip stream of n MiB of zeros, made of one small
// member repeated (a multi-member stream is valid gzip), so building it
// takes no time and no memory.
func gzipBomb(mib int) []byte {
	member := encodeGzip(make([]byte, 1<<20))
	return bytes.Repeat(member, mib)
}

func TestDecodeGzipBombStopsAtMaxDecoded(t *testing.T) {
	bomb := gzipBomb(256)
	t.Logf("bomb: %d bytes on the wire for 256 MiB of zeros", len(bomb))
	srv := encodedServer(t, "gzip", bomb)
	for _, sink := range []bool{false, true} {
		e := newTestEngine(t)
		e.MaxDecoded = 16 << 20
		e.SpoolThreshold = 4 << 20 // so the spool file exists before the cap is hit
		opt := Options{}
		var counter countingSink
		if sink {
			opt.Sink = &counter
		}
		mem := startHeapSampler()
		_, err := e.Send(t.Context(), get(srv.URL), opt)
		peak := mem.stop()
		wantErr(t, err, KindBody, "decodes to more than 16.0 MiB", "decompression bomb", "gzip")
		var tooLarge *DecodedTooLargeError
		if e, ok := err.(*Error); !ok || !asDecodedTooLarge(e.Err, &tooLarge) || tooLarge.Limit != 16<<20 || tooLarge.Wire == 0 || tooLarge.Wire > int64(len(bomb)) {
			t.Errorf("error detail %#v", err)
		}
		if sink && counter.n > 16<<20 {
			t.Errorf("the sink received %d bytes, over the cap", counter.n)
		}
		if peak.heapInuse > 64<<20 {
			t.Errorf("peak heap in use %s while decoding a bomb", HumanBytes(int64(peak.heapInuse)))
		}
		assertEmptyDir(t, e.TempDir)
	}
}

func asDecodedTooLarge(err error, target **DecodedTooLargeError) bool {
	d, ok := err.(*DecodedTooLargeError)
	*target = d
	return ok
}

func TestDecodeIdentityBodyIsNotCapped(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 2<<20)
	for _, coding := range []string{"", "identity"} {
		srv := encodedServer(t, coding, body)
		e := newTestEngine(t)
		e.MaxDecoded = 1 << 20
		resp := mustSend(t, e, storage.Request{URL: srv.URL}, Options{})
		if resp.BodySize != int64(len(body)) {
			t.Errorf("Content-Encoding %q: BodySize %d, want %d: the cap is for decoded bodies only", coding, resp.BodySize, len(body))
		}
	}
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left behind in %s: %s", dir, e.Name())
	}
}

type countingSink struct{ n int64 }

func (c *countingSink) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

var _ io.Writer = (*countingSink)(nil)
