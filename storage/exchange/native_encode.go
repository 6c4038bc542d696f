package exchange

// The layout of native files, chosen so that a change to one field is a
// one-line git diff:
//
//   - two spaces of indentation, one key per line, keys in the order of
//     the Go struct (maps sorted by key), a newline at the end;
//   - a "row" (an object in an array whose values are all strings,
//     numbers, booleans or null: a header, a query parameter, a form
//     field, a variable, an assertion, a script, a collection item
//     reference) is written on one line: {"key": "a", "value": "b"};
//   - no HTML escaping, so "<" and "&" stay readable.
//
// encoding/json's MarshalIndent cannot keep rows on one line, so the
// marshalled bytes are re-laid out here from json.Decoder tokens.

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// nativeMarshal encodes v in the native layout.
func nativeMarshal(v any) ([]byte, error) {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&compact)
	dec.UseNumber()
	root, err := nativeReadNode(dec)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	root.write(&out, 0)
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// nativeNode is one JSON value with its object keys in order.
type nativeNode struct {
	scalar []byte // the encoded scalar; nil for objects and arrays
	object bool
	keys   []string
	items  []*nativeNode // object values (parallel to keys) or array elements
}

func nativeReadNode(dec *json.Decoder) (*nativeNode, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &nativeNode{object: t == '{'}
		for dec.More() {
			if n.object {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("native layout: object key is %T", kt)
				}
				n.keys = append(n.keys, key)
			}
			child, err := nativeReadNode(dec)
			if err != nil {
				return nil, err
			}
			n.items = append(n.items, child)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return nil, err
		}
		return n, nil
	case string:
		return &nativeNode{scalar: nativeQuote(t)}, nil
	case json.Number:
		return &nativeNode{scalar: []byte(t)}, nil
	case bool:
		if t {
			return &nativeNode{scalar: []byte("true")}, nil
		}
		return &nativeNode{scalar: []byte("false")}, nil
	case nil:
		return &nativeNode{scalar: []byte("null")}, nil
	}
	return nil, fmt.Errorf("native layout: unexpected token %v", tok)
}

// nativeQuote encodes s as a JSON string without HTML escaping.
func nativeQuote(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

func (n *nativeNode) isContainer() bool { return n.scalar == nil }

// isRow reports whether n is an object whose values are all scalars.
func (n *nativeNode) isRow() bool {
	if !n.object || len(n.items) == 0 {
		return false
	}
	for _, c := range n.items {
		if c.isContainer() {
			return false
		}
	}
	return true
}

func (n *nativeNode) write(out *bytes.Buffer, depth int) {
	if !n.isContainer() {
		out.Write(n.scalar)
		return
	}
	open, close := byte('['), byte(']')
	if n.object {
		open, close = '{', '}'
	}
	if len(n.items) == 0 {
		out.WriteByte(open)
		out.WriteByte(close)
		return
	}
	out.WriteByte(open)
	out.WriteByte('\n')
	for i, c := range n.items {
		nativeIndent(out, depth+1)
		if n.object {
			out.Write(nativeQuote(n.keys[i]))
			out.WriteString(": ")
		}
		if !n.object && c.isRow() {
			c.writeRow(out)
		} else {
			c.write(out, depth+1)
		}
		if i < len(n.items)-1 {
			out.WriteByte(',')
		}
		out.WriteByte('\n')
	}
	nativeIndent(out, depth)
	out.WriteByte(close)
}

func (n *nativeNode) writeRow(out *bytes.Buffer) {
	out.WriteByte('{')
	for i, c := range n.items {
		if i > 0 {
			out.WriteString(", ")
		}
		out.Write(nativeQuote(n.keys[i]))
		out.WriteString(": ")
		out.Write(c.scalar)
	}
	out.WriteByte('}')
}

func nativeIndent(out *bytes.Buffer, depth int) {
	for range depth {
		out.WriteString("  ")
	}
}
