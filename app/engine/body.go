package engine

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Body is a response body, held in memory up to the engine's threshold and
// spooled to a temporary file beyond it. Close removes the file.
type Body struct {
	mu     sync.Mutex
	mem    []byte
	path   string
	size   int64
	closed bool
}

// Size is the decoded size in bytes.
func (b *Body) Size() int64 {
	if b == nil {
		return 0
	}
	return b.size
}

// Path returns the temporary file that holds the body, or "" when it is in
// memory.
func (b *Body) Path() string {
	if b == nil {
		return ""
	}
	return b.path
}

// Open returns a reader over the whole body.
func (b *Body) Open() (io.ReadCloser, error) {
	if b == nil {
		return io.NopCloser(bytes.NewReader(nil)), nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, errors.New("response body already released")
	}
	if b.path == "" {
		return io.NopCloser(bytes.NewReader(b.mem)), nil
	}
	return os.Open(b.path)
}

// Bytes returns up to limit bytes of the body, and whether it was cut.
func (b *Body) Bytes(limit int64) ([]byte, bool, error) {
	if b == nil {
		return nil, false, nil
	}
	b.mu.Lock()
	closed, mem, path := b.closed, b.mem, b.path
	b.mu.Unlock()
	if closed {
		return nil, false, errors.New("response body already released")
	}
	if path == "" {
		if int64(len(mem)) > limit {
			return mem[:limit], true, nil
		}
		return mem, false, nil
	}
	r, err := b.Open()
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit))
	return data, b.size > limit, err
}

// Close releases the body: the temporary file is removed. Closing twice
// is harmless.
func (b *Body) Close() error {
	if b == nil {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil
	}
	b.closed = true
	b.mem = nil
	if b.path != "" {
		return os.Remove(b.path)
	}
	return nil
}

// spool is the writer that fills a Body.
type spool struct {
	body      *Body
	threshold int64
	dir       string
	file      *os.File
	buf       bytes.Buffer
}

func (s *spool) Write(p []byte) (int, error) {
	if s.file == nil && int64(s.buf.Len()+len(p)) <= s.threshold {
		s.body.size += int64(len(p))
		return s.buf.Write(p)
	}
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "knock-body-*")
		if err != nil {
			return 0, fmt.Errorf("spool response body: %w", err)
		}
		s.file = f
		s.body.path = f.Name()
		if _, err := f.Write(s.buf.Bytes()); err != nil {
			return 0, fmt.Errorf("spool response body: %w", err)
		}
		s.buf = bytes.Buffer{}
	}
	n, err := s.file.Write(p)
	s.body.size += int64(n)
	return n, err
}

// finish closes the spool file and returns the body. On failure the file is
// removed.
func (s *spool) finish(failed bool) *Body {
	if s.file != nil {
		s.file.Close()
	} else {
		s.body.mem = s.buf.Bytes()
	}
	if failed {
		s.body.Close()
	}
	return s.body
}

// DecodedTooLargeError says a compressed body decodes to more than the cap:
// a decompression bomb, or a legitimate body larger than the limit.
type DecodedTooLargeError struct {
	Encoding string
	Limit    int64
	Wire     int64
}

func (e *DecodedTooLargeError) Error() string {
	return fmt.Sprintf("the %s response body decodes to more than %s (from %s on the wire); stopped, as it may be a decompression bomb. Raise the limit to accept it",
		e.Encoding, humanBytes(e.Limit), humanBytes(e.Wire))
}

// countingReader counts the bytes that pass.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decoder wraps r with the decoders of a Content-Encoding header, last
// applied first (RFC 9110 §8.4). Unknown codings are reported and the body
// is kept as received.
func decoder(r io.Reader, contentEncoding string) (io.Reader, []io.Closer, string, error) {
	if contentEncoding == "" {
		return r, nil, "", nil
	}
	var codings []string
	for _, c := range strings.Split(contentEncoding, ",") {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
			codings = append(codings, c)
		}
	}
	var closers []io.Closer
	for i := len(codings) - 1; i >= 0; i-- {
		switch codings[i] {
		case "gzip", "x-gzip":
			zr, err := gzip.NewReader(r)
			if err != nil {
				return nil, closers, "", fmt.Errorf("the body says gzip but is not: %w", err)
			}
			closers = append(closers, zr)
			r = zr
		case "deflate":
			// RFC 9110 §8.4.1.2 means zlib, but some servers send raw
			// deflate; look at the header to tell them apart.
			br := bufio.NewReader(r)
			head, _ := br.Peek(2)
			if len(head) == 2 && head[0]&0x0f == 8 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0 {
				zr, err := zlib.NewReader(br)
				if err != nil {
					return nil, closers, "", fmt.Errorf("the body says deflate but is not: %w", err)
				}
				closers = append(closers, zr)
				r = zr
			} else {
				fr := flate.NewReader(br)
				closers = append(closers, fr)
				r = fr
			}
		case "br":
			r = brotli.NewReader(r)
		default:
			return r, closers, codings[i], nil
		}
	}
	return r, closers, "", nil
}

// cappedWriter fails once more than limit bytes are written.
type cappedWriter struct {
	w     io.Writer
	n     int64
	limit int64
}

var errCapReached = errors.New("decoded body over the cap")

func (c *cappedWriter) Write(p []byte) (int, error) {
	if c.limit > 0 && c.n+int64(len(p)) > c.limit {
		return 0, errCapReached
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// HumanBytes formats a size for people: 1.5 MiB.
func HumanBytes(n int64) string { return humanBytes(n) }
