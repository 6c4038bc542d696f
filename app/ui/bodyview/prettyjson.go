package bodyview

import (
	"context"
	"encoding/binary"
	"fmt"
)

// prettyJSON checks that src is JSON (RFC 8259) and lays it out the way
// encoding/json.Indent does with a two-space indent: one member or element
// per row, "key": value, empty objects and arrays kept as {} and [].
// Several top-level values in a row (NDJSON, JSON text sequences) are
// accepted, each starting a new row at level 0.
//
// It is written by hand rather than built on json.Indent for three reasons
// that matter at 100 MB: it builds the row index in the same pass, it
// stores each row's indent as a level instead of spaces (pretty JSON is
// about a third indentation), and it scans strings eight bytes at a time.
// FuzzPrettyJSON checks it against json.Valid and json.Indent.
//
// publish, when not nil, receives snapshots of the rows done so far. It
// returns nil and ctx's error when canceled, and a *jsonSyntaxError when
// src is not JSON.
func prettyJSON(ctx context.Context, src []byte, publish func(*textDoc)) (*textDoc, error) {
	p := &jsonPrinter{src: src}
	if err := p.run(ctx, publish); err != nil {
		return nil, err
	}
	return p.doc(), nil
}

// jsonSyntaxError says where and why a body stops being JSON.
type jsonSyntaxError struct {
	Offset int // byte offset in the body
	Msg    string
}

func (e *jsonSyntaxError) Error() string {
	return fmt.Sprintf("%s at byte %d", e.Msg, e.Offset)
}

// jsonPrinter is the state of one prettyJSON run.
type jsonPrinter struct {
	src    []byte
	i      int
	out    []byte
	starts []int32
	depth  []uint8
	level  int
	stack  []byte // the open '{' and '['
}

// The parser's states: what may come next.
const (
	jsonWantValue    = iota // a value
	jsonWantKey             // an object key (after '{' or ',')
	jsonWantColon           // ':' after a key
	jsonWantCommaEnd        // ',' or the closing bracket after a member or element
	jsonWantMore            // another top-level value, or the end
)

func (p *jsonPrinter) run(ctx context.Context, publish func(*textDoc)) error {
	p.skipSpace()
	if p.i == len(p.src) {
		p.starts = []int32{0}
		return nil
	}
	p.grow()
	p.newRow()
	state := jsonWantValue
	next := firstProgress
	for {
		p.skipSpace()
		if p.i >= next {
			if err := ctx.Err(); err != nil {
				return err
			}
			if publish != nil {
				publish(snapshot(p.out, p.starts, p.depth, "json"))
			}
			if next == firstProgress {
				p.grow()
			}
			next = p.i + progressEvery
		}
		if p.i == len(p.src) {
			if state != jsonWantMore {
				return p.fail(p.i, "the JSON ends too early: "+wantText[state])
			}
			p.starts = append(p.starts, int32(len(p.out)))
			return nil
		}
		if len(p.out) > maxIndexedText-64<<10 {
			return p.fail(p.i, "the pretty-printed JSON is too large to show")
		}
		c := p.src[p.i]
		switch state {
		case jsonWantMore:
			// Values of a sequence may follow each other directly only
			// where a bracket or quote tells them apart: "01" is not 0, 1.
			if prev := p.src[p.i-1]; isWordByte(prev) && isWordByte(c) {
				return p.fail(p.i, "expected the end of the JSON, found "+quoteByte(c))
			}
			p.newline()
			state = jsonWantValue
			continue
		case jsonWantValue:
			s, err := p.value(c)
			if err != nil {
				return err
			}
			state = s
		case jsonWantKey:
			if c != '"' {
				return p.fail(p.i, "expected a quoted object key, found "+quoteByte(c))
			}
			if err := p.str(); err != nil {
				return err
			}
			state = jsonWantColon
		case jsonWantColon:
			if c != ':' {
				return p.fail(p.i, "expected ':' after an object key, found "+quoteByte(c))
			}
			p.i++
			p.out = append(p.out, ':', ' ')
			state = jsonWantValue
		case jsonWantCommaEnd:
			open := p.stack[len(p.stack)-1]
			switch {
			case c == ',':
				p.i++
				p.out = append(p.out, ',')
				p.newline()
				if open == '{' {
					state = jsonWantKey
				} else {
					state = jsonWantValue
				}
			case c == '}' || c == ']':
				if want := closer(open); c != want {
					return p.fail(p.i, fmt.Sprintf("found %s where %s closes the %s opened earlier", quoteByte(c), quoteByte(want), containerName(open)))
				}
				p.i++
				p.stack = p.stack[:len(p.stack)-1]
				p.level--
				p.newline()
				p.out = append(p.out, c)
				state = p.afterValue()
			default:
				return p.fail(p.i, fmt.Sprintf("expected ',' or %s after a value in an %s, found %s", quoteByte(closer(open)), containerName(open), quoteByte(c)))
			}
		}
	}
}

var wantText = [...]string{
	jsonWantValue:    "a value is missing",
	jsonWantKey:      "an object key is missing",
	jsonWantColon:    "':' is missing after an object key",
	jsonWantCommaEnd: "a closing bracket is missing",
}

// value prints the value that starts with c and returns the next state.
// An object or array that is not empty leaves the printer on a new row one
// level deeper, waiting for its first key or element.
func (p *jsonPrinter) value(c byte) (int, error) {
	var err error
	switch {
	case c == '"':
		err = p.str()
	case c == '-' || c >= '0' && c <= '9':
		err = p.number()
	case c == 't':
		err = p.literal("true")
	case c == 'f':
		err = p.literal("false")
	case c == 'n':
		err = p.literal("null")
	case c == '{' || c == '[':
		p.i++
		p.skipSpace()
		if p.i < len(p.src) && p.src[p.i] == closer(c) {
			p.i++
			p.out = append(p.out, c, closer(c))
			break
		}
		p.out = append(p.out, c)
		p.stack = append(p.stack, c)
		p.level++
		p.newline()
		if c == '{' {
			return jsonWantKey, nil
		}
		return jsonWantValue, nil
	default:
		err = p.fail(p.i, "expected a value, found "+quoteByte(c))
	}
	return p.afterValue(), err
}

func (p *jsonPrinter) afterValue() int {
	if len(p.stack) == 0 {
		return jsonWantMore
	}
	return jsonWantCommaEnd
}

// str prints the string at p.i, checking its escapes.
func (p *jsonPrinter) str() error {
	src := p.src
	start := p.i
	i := start + 1
	for {
		for i+8 <= len(src) {
			x := binary.LittleEndian.Uint64(src[i:])
			if hasLess(x, 0x20) || hasByte(x, '"') || hasByte(x, '\\') {
				break
			}
			i += 8
		}
		if i >= len(src) {
			return p.fail(start, "a string is not closed")
		}
		switch c := src[i]; {
		case c == '"':
			p.emit(src[start : i+1])
			p.i = i + 1
			return nil
		case c == '\\':
			if i+1 >= len(src) {
				return p.fail(start, "a string is not closed")
			}
			switch src[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(src) || !isHex4(src[i+2:i+6]) {
					return p.fail(i, `\u in a string must be followed by four hex digits`)
				}
				i += 6
			default:
				return p.fail(i, fmt.Sprintf(`invalid escape \%c in a string`, src[i+1]))
			}
		case c < 0x20:
			return p.fail(i, fmt.Sprintf("control character U+%04X in a string (it must be escaped)", c))
		default:
			i++
		}
	}
}

func (p *jsonPrinter) number() error {
	src, i := p.src, p.i
	if src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case i < len(src) && src[i] >= '1' && src[i] <= '9':
		i = skipDigits(src, i)
	default:
		return p.fail(p.i, "a number must start with a digit")
	}
	if i < len(src) && src[i] == '.' {
		i++
		j := skipDigits(src, i)
		if j == i {
			return p.fail(i, "a number needs digits after '.'")
		}
		i = j
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		j := skipDigits(src, i)
		if j == i {
			return p.fail(i, "a number needs digits in its exponent")
		}
		i = j
	}
	p.emit(src[p.i:i])
	p.i = i
	return nil
}

func (p *jsonPrinter) literal(word string) error {
	if len(p.src)-p.i < len(word) || string(p.src[p.i:p.i+len(word)]) != word {
		return p.fail(p.i, "expected a value, found "+quoteByte(p.src[p.i]))
	}
	p.out = append(p.out, word...)
	p.i += len(word)
	return nil
}

func (p *jsonPrinter) skipSpace() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// emit appends b, cutting the row every maxRowBytes.
func (p *jsonPrinter) emit(b []byte) {
	for {
		room := maxRowBytes - (len(p.out) - int(p.starts[len(p.starts)-1]))
		if len(b) <= room {
			p.out = append(p.out, b...)
			return
		}
		if room > 0 {
			k := runeCut(b, room)
			p.out = append(p.out, b[:k]...)
			b = b[k:]
		}
		p.newRow()
	}
}

func (p *jsonPrinter) newline() {
	p.out = append(p.out, '\n')
	p.newRow()
}

func (p *jsonPrinter) newRow() {
	p.starts = append(p.starts, int32(len(p.out)))
	p.depth = append(p.depth, uint8(min(p.level, 255)))
}

// grow sizes the output from what has been seen: after the first part of
// the body it knows how much the layout adds, so the buffers are allocated
// about once instead of doubling (which would briefly need twice the
// memory).
func (p *jsonPrinter) grow() {
	done := max(p.i, 1)
	ratio := float64(len(p.out)) / float64(done)
	rowsPer := float64(len(p.starts)) / float64(done)
	left := float64(len(p.src) - p.i)
	if p.i == 0 {
		// Nothing seen yet: enough for the part before the first
		// snapshot, where grow runs again with a measured ratio.
		ratio, rowsPer = 1.5, 1.0/16
		left = float64(min(len(p.src), firstProgress+64<<10))
	}
	wantOut := len(p.out) + int(left*ratio*1.05) + 4096
	wantRows := len(p.starts) + int(left*rowsPer*1.05) + 64
	if wantOut > cap(p.out) {
		out := make([]byte, len(p.out), min(wantOut, maxIndexedText))
		copy(out, p.out)
		p.out = out
	}
	if wantRows > cap(p.starts) {
		s := make([]int32, len(p.starts), wantRows)
		copy(s, p.starts)
		p.starts = s
		d := make([]uint8, len(p.depth), wantRows)
		copy(d, p.depth)
		p.depth = d
	}
}

func (p *jsonPrinter) doc() *textDoc {
	d := &textDoc{text: p.out, starts: p.starts, depth: p.depth, lang: "json", complete: true}
	if len(p.starts) <= 1 {
		d.depth = nil
	}
	return d
}

func (p *jsonPrinter) fail(off int, msg string) error {
	return &jsonSyntaxError{Offset: off, Msg: msg}
}

func closer(open byte) byte {
	if open == '{' {
		return '}'
	}
	return ']'
}

func containerName(open byte) string {
	if open == '{' {
		return "object"
	}
	return "array"
}

func quoteByte(c byte) string {
	if c >= 0x20 && c < 0x7f {
		return fmt.Sprintf("'%c'", c)
	}
	return fmt.Sprintf("byte 0x%02X", c)
}

// isWordByte reports whether c can be part of a number or a literal.
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '+' || c == '.'
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// Word-at-a-time tests (the classic "has zero byte" bit trick): eight bytes
// of a string are checked with a few arithmetic operations.
const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// hasLess reports whether any byte of x is less than n (n <= 128).
func hasLess(x uint64, n uint64) bool { return (x-lsb*n)&^x&msb != 0 }

// hasByte reports whether any byte of x equals c.
func hasByte(x uint64, c byte) bool {
	y := x ^ (lsb * uint64(c))
	return (y-lsb)&^y&msb != 0
}
