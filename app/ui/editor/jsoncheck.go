package editor

// JSON checks for the raw body and the GraphQL variables.
//
// Bodies often hold {{variables}} where a value goes ({"id": {{id}}}),
// which is not JSON until the variables are resolved. The check replaces
// each reference that stands outside a string by a number of the same
// length before validating, so positions in messages stay true. The pretty
// printer is hand-written for the same reason: encoding/json's Indent would
// refuse those references; it only re-flows whitespace and copies every
// token, strings and references byte for byte.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// jsonError is a syntax error at a line and column (both from 1, the
// column counted in characters).
type jsonError struct {
	Line, Column int
	Msg          string
}

func (e *jsonError) Error() string {
	return fmt.Sprintf("invalid JSON at line %d, column %d: %s", e.Line, e.Column, e.Msg)
}

// checkJSON returns nil for valid JSON (or blank text), else a *jsonError.
func checkJSON(text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	masked := maskJSONVars(text)
	if json.Valid([]byte(masked)) {
		return nil
	}
	var raw json.RawMessage
	err := json.Unmarshal([]byte(masked), &raw)
	var syn *json.SyntaxError
	if !errors.As(err, &syn) {
		// Unmarshal agrees it is invalid; report the end of the text.
		line, col := lineColumn(text, len(text))
		return &jsonError{Line: line, Column: col, Msg: "unexpected end of JSON input"}
	}
	at := int(syn.Offset) - 1 // Offset counts the bytes read, the bad one included
	if syn.Offset >= int64(len(masked)) && strings.Contains(syn.Error(), "end of JSON input") {
		at = len(text)
	}
	at = max(at, 0)
	line, col := lineColumn(text, at)
	return &jsonError{Line: line, Column: col, Msg: strings.TrimPrefix(syn.Error(), "json: ")}
}

// lineColumn converts a byte offset into a line and a character column,
// both from 1.
func lineColumn(text string, at int) (line, col int) {
	at = min(at, len(text))
	before := text[:at]
	line = strings.Count(before, "\n") + 1
	if i := strings.LastIndexByte(before, '\n'); i >= 0 {
		before = before[i+1:]
	}
	return line, utf8.RuneCountInString(before) + 1
}

// maskJSONVars replaces every {{…}} reference outside a JSON string by a
// number of the same byte length ("1000…").
func maskJSONVars(text string) string {
	if !strings.Contains(text, "{{") {
		return text
	}
	b := []byte(text)
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' && i+1 < len(b) && b[i+1] == '{':
			end := strings.Index(text[i+2:], "}}")
			if end < 0 {
				return string(b)
			}
			stop := i + 2 + end + 2
			b[i] = '1'
			for j := i + 1; j < stop; j++ {
				b[j] = '0'
			}
			i = stop - 1
		}
	}
	return string(b)
}

// prettyJSON re-indents JSON text with two spaces. Call it only on text
// that checkJSON accepts. Strings and {{references}} are copied as they
// are; empty objects and arrays stay on one line.
func prettyJSON(text string) string {
	p := &jsonPrinter{text: text}
	p.out.Grow(len(text) + len(text)/4)
	for i := 0; i < len(text); i++ {
		switch c := text[i]; c {
		case ' ', '\t', '\r', '\n':
			// whitespace between tokens is replaced
		case '"':
			j := endOfString(text, i)
			p.out.WriteString(text[i:j])
			i = j - 1
		case '{', '[':
			i = p.open(i)
		case '}', ']':
			p.depth = max(p.depth-1, 0)
			p.newline()
			p.out.WriteByte(c)
		case ',':
			p.out.WriteByte(c)
			p.newline()
		case ':':
			p.out.WriteString(": ")
		default:
			p.out.WriteByte(c)
		}
	}
	return p.out.String()
}

// jsonPrinter is prettyJSON's output and nesting depth.
type jsonPrinter struct {
	text  string
	out   strings.Builder
	depth int
}

func (p *jsonPrinter) newline() {
	p.out.WriteByte('\n')
	for range p.depth {
		p.out.WriteString("  ")
	}
}

// open writes the '{' or '[' at text[i], or the {{reference}} that starts
// there, and returns the index of the last byte it consumed.
func (p *jsonPrinter) open(i int) int {
	text, c := p.text, p.text[i]
	if c == '{' && strings.HasPrefix(text[i:], "{{") {
		if end := strings.Index(text[i+2:], "}}"); end >= 0 {
			p.out.WriteString(text[i : i+2+end+2])
			return i + 2 + end + 1
		}
	}
	closer := byte('}')
	if c == '[' {
		closer = ']'
	}
	if k := skipSpace(text, i+1); k < len(text) && text[k] == closer {
		p.out.WriteByte(c)
		p.out.WriteByte(closer)
		return k
	}
	p.out.WriteByte(c)
	p.depth++
	p.newline()
	return i
}

// endOfString returns the index just after the JSON string that starts at
// text[i] == '"'.
func endOfString(text string, i int) int {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(text)
}

func skipSpace(text string, i int) int {
	for i < len(text) && strings.IndexByte(" \t\r\n", text[i]) >= 0 {
		i++
	}
	return i
}
