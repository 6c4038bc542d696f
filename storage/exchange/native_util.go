package exchange

// Helpers shared by the native, Postman, Insomnia and HAR readers: text
// decoding (byte order marks, UTF-16), JSON decoding into a generic tree,
// and typed access to that tree that names the JSON path of whatever is
// wrong ("item[3].request.url: want a string or an object, got a number").
//
// The readers decode into map[string]any rather than typed structs because
// the formats are loose (Postman's url is a string or an object, its auth
// parameters an array or an object, an event one object or a list) and
// because encoding/json's type errors do not say which array element was
// wrong; walking the tree gives exact paths at little cost (see
// BenchmarkPostmanImport10k).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// nativeMaxDepth bounds folder nesting in every format, so that a hostile
// file cannot drive the readers into very deep recursion.
const nativeMaxDepth = 64

// nativeDecodeText returns data as UTF-8 without a byte order mark. A
// UTF-8, UTF-16LE or UTF-16BE byte order mark selects the encoding (Postman
// on Windows writes UTF-16 environments); without one the bytes are taken
// as UTF-8.
func nativeDecodeText(data []byte) ([]byte, error) {
	if len(data) < 2 {
		return data, nil
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], nil
	case data[0] == 0xFF && data[1] == 0xFE, data[0] == 0xFE && data[1] == 0xFF:
		if len(data)%2 != 0 {
			return nil, errors.New("UTF-16 text with an odd number of bytes")
		}
		out, _, err := transform.Bytes(unicode.BOMOverride(encoding.Nop.NewDecoder()), data)
		if err != nil {
			return nil, fmt.Errorf("UTF-16 text: %w", err)
		}
		return out, nil
	}
	return data, nil
}

// nativeDecodeJSON decodes one JSON value into a generic tree (objects are
// map[string]any, numbers json.Number). Syntax errors carry the line and
// column; data after the value is an error.
func nativeDecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		switch {
		case errors.Is(err, io.EOF):
			return nil, errors.New("the file is empty")
		case errors.Is(err, io.ErrUnexpectedEOF):
			line, col := nativeLineCol(data, int64(len(data)))
			return nil, fmt.Errorf("line %d, column %d: the file ends in the middle of a JSON value", line, col)
		}
		return nil, JSONError(data, err)
	}
	off := dec.InputOffset()
	if rest := bytes.TrimLeft(data[off:], " \t\r\n"); len(rest) > 0 {
		line, col := nativeLineCol(data, int64(len(data)-len(rest))+1)
		return nil, fmt.Errorf("line %d, column %d: unexpected data after the end of the JSON value", line, col)
	}
	return v, nil
}

// nativePathError is a value of the wrong shape at a JSON path.
type nativePathError struct {
	Path string
	Msg  string
}

func (e *nativePathError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// nativeWrongType reports that the value at path is not what was wanted.
func nativeWrongType(path, want string, got any) error {
	return &nativePathError{Path: path, Msg: "want " + want + ", got " + nativeKind(got)}
}

func nativeKind(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number, float64, int, int64, uint64:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	default:
		return fmt.Sprintf("%T", x)
	}
}

// nativeJoin appends a key to a JSON path.
func nativeJoin(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// nativeIndex appends an array index to a JSON path.
func nativeIndex(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// nativeObject returns v as an object; null gives a nil map.
func nativeObject(v any, path string) (map[string]any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return x, nil
	}
	return nil, nativeWrongType(path, "an object", v)
}

// nativeArray returns v as an array; null gives nil.
func nativeArray(v any, path string) ([]any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		return x, nil
	}
	return nil, nativeWrongType(path, "an array", v)
}

// nativeEachObject calls fn for every object of the array v, with the
// object's JSON path; null entries are skipped. Every importer walks its
// rows this way.
func nativeEachObject(v any, path string, fn func(m map[string]any, ep string) error) error {
	list, err := nativeArray(v, path)
	if err != nil {
		return err
	}
	for i, e := range list {
		ep := nativeIndex(path, i)
		m, err := nativeObject(e, ep)
		if err != nil {
			return err
		}
		if m == nil {
			continue
		}
		if err := fn(m, ep); err != nil {
			return err
		}
	}
	return nil
}

// nativePair reads the key and value fields of a row, named as the format
// names them ("key" or "name", and "value").
func nativePair(m map[string]any, keyField, ep string) (string, string, error) {
	k, err := nativeField(m, keyField, ep)
	if err != nil {
		return "", "", err
	}
	val, err := nativeField(m, "value", ep)
	return k, val, err
}

// nativeString returns a scalar as text: strings as they are, numbers as
// written, booleans as "true"/"false", null as "". Objects and arrays are
// errors.
func nativeString(v any, path string) (string, error) {
	switch x := v.(type) {
	case nil:
		return "", nil
	case string:
		return x, nil
	case json.Number:
		return x.String(), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	case int:
		return strconv.Itoa(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case uint64:
		return strconv.FormatUint(x, 10), nil
	case bool:
		return strconv.FormatBool(x), nil
	}
	return "", nativeWrongType(path, "a string", v)
}

// nativeField returns m[key] as text (see nativeString).
func nativeField(m map[string]any, key, path string) (string, error) {
	v, ok := m[key]
	if !ok {
		return "", nil
	}
	return nativeString(v, nativeJoin(path, key))
}

// nativeFlag returns m[key] as a boolean: true/false, "true"/"false", or a
// number (0 is false). ok is false when the key is absent or null.
func nativeFlag(m map[string]any, key, path string) (value, ok bool, err error) {
	switch x := m[key].(type) {
	case nil:
		return false, false, nil
	case bool:
		return x, true, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "1", "yes":
			return true, true, nil
		case "false", "0", "no", "":
			return false, true, nil
		}
	case json.Number:
		return x.String() != "0", true, nil
	case float64:
		return x != 0, true, nil
	case int:
		return x != 0, true, nil
	}
	return false, false, nativeWrongType(nativeJoin(path, key), "true or false", m[key])
}

// nativeInt returns m[key] as an integer (a number or a numeric string).
func nativeInt(m map[string]any, key, path string) (int64, bool, error) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, false, nil
	}
	s, err := nativeString(v, nativeJoin(path, key))
	if err != nil {
		return 0, false, nativeWrongType(nativeJoin(path, key), "a number", v)
	}
	if s == "" {
		return 0, false, nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, true, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= -1<<62 && f <= 1<<62 {
		return int64(f), true, nil
	}
	return 0, false, nativeWrongType(nativeJoin(path, key), "a number", v)
}

// nativeJSONText renders any JSON value as compact text (used for values
// that the target field can only hold as text).
func nativeJSONText(v any) string {
	if s, err := nativeString(v, ""); err == nil {
		return s
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// nativeSortedKeys returns the keys of m in byte order.
func nativeSortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// nativeShort quotes s for a message, cut to a readable length.
func nativeShort(s string) string {
	const max = 60
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return strconv.Quote(s)
}

// nativeSniff reports whether the first part of data (after a byte order
// mark) contains every one of the needles. Detect functions use it to
// avoid decoding large files twice.
func nativeSniff(data []byte, limit int, needles ...string) bool {
	if len(data) > limit {
		data = data[:limit]
	}
	for _, n := range needles {
		if !bytes.Contains(data, []byte(n)) {
			return false
		}
	}
	return true
}

// nativeFirstByte returns the first byte that is not white space.
func nativeFirstByte(data []byte) byte {
	for _, b := range data {
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b
	}
	return 0
}
