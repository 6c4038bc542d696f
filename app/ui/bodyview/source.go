package bodyview

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Source is a response body that can be read, from the start, as often as
// needed. engine.Body satisfies it. A Source that also has a
// Path() string method names the file that holds the body.
type Source interface {
	Open() (io.ReadCloser, error)
	Size() int64
}

// maxViewBytes is the most of a body the viewer reads into memory; Save
// still writes all of it.
const maxViewBytes = 1 << 30

// readChunk is how much is read between two looks at the context.
const readChunk = 4 << 20

// body is a loaded response body and what was learned about it.
type body struct {
	src   Source
	data  []byte // as received, up to maxViewBytes
	size  int64  // the whole body
	cut   bool   // data holds only the first maxViewBytes
	media string // the media type, lower case, without parameters
	kind  kind
}

// readBody reads src into one buffer sized from src.Size(), checking ctx
// between chunks.
func readBody(ctx context.Context, src Source) (*body, error) {
	size := src.Size()
	rc, err := src.Open()
	if err != nil {
		return nil, fmt.Errorf("open the response body: %w", err)
	}
	defer rc.Close()
	b := &body{src: src, size: size}
	buf := make([]byte, 0, min(max(size, 0), maxViewBytes)+1)
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= maxViewBytes {
				b.cut = true
				break
			}
			// The source was larger than it said.
			grown := make([]byte, len(buf), min(max(2*cap(buf), 64<<10), maxViewBytes))
			copy(grown, buf)
			buf = grown
		}
		n, err := rc.Read(buf[len(buf):min(cap(buf), len(buf)+readChunk)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read the response body: %w", err)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	b.data = buf
	if int64(len(buf)) > b.size {
		b.size = int64(len(buf))
	}
	return b, nil
}

// kind is what a body is, as far as showing it goes.
type kind int

const (
	kindEmpty kind = iota
	kindText
	kindJSON
	kindXML
	kindHTML
	kindSVG
	kindImage // png, jpeg, gif
	kindBinary
)

// detectKind decides from the Content-Type and the first bytes. The
// header wins when it names a text format; a body without a useful header
// is sniffed (http.DetectContentType, then a look for JSON). Text whose
// start has NUL bytes or is not UTF-8 is binary.
func detectKind(contentType string, data []byte) (kind, string) {
	media, _, _ := mime.ParseMediaType(contentType)
	media = strings.ToLower(media)
	if len(data) == 0 {
		return kindEmpty, media
	}
	head := data[:min(len(data), 8<<10)]
	switch {
	case media == "image/svg+xml":
		return kindSVG, media
	case isJSONMedia(media):
		return textOrBinary(kindJSON, head), media
	case media == "text/html" || media == "application/xhtml+xml":
		return textOrBinary(kindHTML, head), media
	case media == "application/xml" || media == "text/xml" || strings.HasSuffix(media, "+xml"):
		return textOrBinary(kindXML, head), media
	}
	sniffed := http.DetectContentType(head)
	switch {
	case strings.HasPrefix(sniffed, "image/png"), strings.HasPrefix(sniffed, "image/jpeg"), strings.HasPrefix(sniffed, "image/gif"):
		return kindImage, media
	case strings.HasPrefix(media, "image/"), isBinaryMedia(media):
		return kindBinary, media
	case strings.HasPrefix(media, "text/") && media != "text/plain":
		return textOrBinary(kindText, head), media
	case strings.HasPrefix(sniffed, "text/html"):
		return textOrBinary(kindHTML, head), media
	case strings.HasPrefix(sniffed, "text/xml"):
		if bytes.Contains(head, []byte("<svg")) {
			return kindSVG, media
		}
		return textOrBinary(kindXML, head), media
	}
	if t := bytes.TrimLeft(head, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return textOrBinary(kindJSON, head), media
	}
	return textOrBinary(kindText, head), media
}

func isJSONMedia(m string) bool {
	switch m {
	case "application/json", "text/json", "application/x-ndjson", "application/ndjson", "application/jsonl", "application/json-seq":
		return true
	}
	return strings.HasPrefix(m, "application/") && strings.HasSuffix(m, "+json")
}

func isBinaryMedia(m string) bool {
	switch m {
	case "application/octet-stream", "application/pdf", "application/zip", "application/gzip",
		"application/x-protobuf", "application/protobuf", "application/grpc", "application/msgpack",
		"application/x-msgpack", "application/cbor", "application/wasm":
		return true
	}
	for _, p := range []string{"audio/", "video/", "font/"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// textOrBinary returns k unless head looks binary: a NUL byte, or bytes
// that are not UTF-8.
func textOrBinary(k kind, head []byte) kind {
	if bytes.IndexByte(head, 0) >= 0 {
		return kindBinary
	}
	// head may end inside a multi-byte character.
	for i := 0; i < utf8.UTFMax-1 && len(head) > 0 && !utf8.Valid(head); i++ {
		head = head[:len(head)-1]
	}
	if !utf8.Valid(head) {
		return kindBinary
	}
	return k
}

// modes returns the views that make sense for a kind, the default first.
func modes(k kind) []Mode {
	switch k {
	case kindJSON, kindXML, kindHTML:
		return []Mode{ModePretty, ModeRaw, ModeHex}
	case kindSVG:
		return []Mode{ModePreview, ModePretty, ModeRaw, ModeHex}
	case kindImage:
		return []Mode{ModePreview, ModeHex}
	case kindBinary:
		return []Mode{ModeHex, ModeRaw}
	case kindText:
		return []Mode{ModeRaw, ModeHex}
	}
	return nil
}

// langOf names the highlighter for the Pretty view of a kind.
func langOf(k kind) string {
	switch k {
	case kindJSON:
		return "json"
	case kindXML, kindSVG:
		return "xml"
	case kindHTML:
		return "html"
	}
	return ""
}

// humanBytes formats a size for people: 1.5 MiB.
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

// lineCol turns a byte offset into a 1-based line and column (in bytes).
func lineCol(data []byte, off int) (line, col int) {
	off = min(off, len(data))
	line = bytes.Count(data[:off], []byte{'\n'}) + 1
	col = off - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
	return line, col
}
