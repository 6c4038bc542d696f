package editor

// The URL model.
//
// Request.URL holds the URL WITHOUT its query: scheme, host, path and, if
// written, the #fragment. Request.Params hold every query row, enabled or
// not, with DECODED keys and values ("a b", not "a+b"). This is what the
// engine expects: app/engine/build.go expands the variables of each enabled
// row and appends it to the URL's query with url.QueryEscape, so a URL that
// still held a query would send those rows twice.
//
// The URL entry shows displayURL(Request.URL, Request.Params): the URL
// with the enabled rows as its query. When the user edits the entry, the
// text is split back: the part before '?' (and the fragment) becomes
// Request.URL, and the query's pairs replace the ENABLED rows in order,
// while the disabled rows stay where they were (mergeQuery). When the user
// edits the table, the entry's text is rebuilt from the model; the text is
// never rewritten while the user types in the entry.
//
// Encoding in the entry is for reading, not for the wire: only the bytes
// that would change the meaning of the query are escaped ('%', '&', '#',
// '+', a space as '+', control bytes, '=' in keys, '{' of an unclosed
// "{{"), and {{variable}}
// references are left as written. The engine escapes again when it sends.
// A malformed escape typed by the user ("%zz") is kept as literal text.

import (
	"strings"

	"github.com/knockhttp/knock/storage"
)

// splitDisplayURL splits the text of the URL entry into the URL without
// its query (fragment kept) and the query's rows, all enabled.
func splitDisplayURL(text string) (base string, query []storage.KeyValue, hasQuery bool) {
	rest, frag, hasFrag := cutOutsideVars(text, '#')
	base, raw, hasQuery := cutOutsideVars(rest, '?')
	if hasFrag {
		base += "#" + frag
	}
	return base, parseQuery(raw), hasQuery
}

// displayURL is the text of the URL entry for a URL without query and its
// rows: the enabled rows become the query, before any fragment.
func displayURL(base string, params []storage.KeyValue) string {
	rest, frag, hasFrag := cutOutsideVars(base, '#')
	if q := encodeQuery(params); q != "" {
		rest += "?" + q
	}
	if hasFrag {
		rest += "#" + frag
	}
	return rest
}

// cutOutsideVars is strings.Cut on the first c that is not inside a
// {{variable}} reference.
func cutOutsideVars(s string, c byte) (before, after string, found bool) {
	i := indexOutsideVars(s, c)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// parseQuery splits a raw query into rows. Empty pairs ("a=1&&b=2") are
// skipped; a pair without '=' is a key with an empty value.
func parseQuery(raw string) []storage.KeyValue {
	var rows []storage.KeyValue
	for _, pair := range splitOutsideVars(raw, '&') {
		if pair == "" {
			continue
		}
		k, v, _ := cutOutsideVars(pair, '=')
		rows = append(rows, storage.KeyValue{Key: unescapeQuery(k), Value: unescapeQuery(v), Enabled: true})
	}
	return rows
}

// encodeQuery writes the enabled rows as a query, without the '?'.
func encodeQuery(params []storage.KeyValue) string {
	var b strings.Builder
	for _, p := range params {
		if !p.Enabled {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(escapeQuery(p.Key, true))
		b.WriteByte('=')
		b.WriteString(escapeQuery(p.Value, false))
	}
	return b.String()
}

// mergeQuery returns rows after the user edited the query in the URL
// entry: the enabled rows of old are replaced, in order, by the parsed
// rows; the disabled rows stay at their places; parsed rows beyond the old
// enabled ones are appended, and old enabled rows beyond the parsed ones
// are dropped. Row fields other than Key and Value (SecretRef) follow
// their row.
func mergeQuery(old, parsed []storage.KeyValue) []storage.KeyValue {
	out := make([]storage.KeyValue, 0, len(old)+len(parsed))
	next := 0
	for _, row := range old {
		if !row.Enabled {
			out = append(out, row)
			continue
		}
		if next < len(parsed) {
			if row.Key != parsed[next].Key {
				row.SecretRef = ""
			}
			row.Key, row.Value = parsed[next].Key, parsed[next].Value
			out = append(out, row)
			next++
		}
	}
	return append(out, parsed[next:]...)
}

// normalizeURL brings a request from elsewhere (a file, an import, a curl
// command) into the model: a query left in URL moves into Params. When the
// enabled Params already repeat that query (Postman exports both), the
// copy in URL is dropped; otherwise its rows go first, as the engine would
// have sent them first.
func normalizeURL(url string, params []storage.KeyValue) (string, []storage.KeyValue) {
	base, query, hasQuery := splitDisplayURL(url)
	if !hasQuery {
		return url, params
	}
	var enabled []storage.KeyValue
	for _, p := range params {
		if p.Enabled {
			enabled = append(enabled, p)
		}
	}
	if sameRows(enabled, query) {
		return base, params
	}
	return base, append(query, params...)
}

func sameRows(a, b []storage.KeyValue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Key != b[i].Key || a[i].Value != b[i].Value {
			return false
		}
	}
	return true
}

// escapeQuery escapes a key or value for display in the URL entry. Only
// what would change how parseQuery reads it back is escaped, and
// {{variable}} references are kept as written.
func escapeQuery(s string, key bool) string {
	var b strings.Builder
	for _, sp := range templateSpans(s) {
		if sp.isVar {
			b.WriteString(sp.text)
			continue
		}
		// A "{{" left open in plain text could pair with a "}}" of the
		// next key or value once they are joined; escape it.
		open := strings.Contains(sp.text, "{{")
		for i := 0; i < len(sp.text); i++ {
			c := sp.text[i]
			switch {
			case c == ' ':
				b.WriteByte('+')
			case mustEscape(c, key, open):
				const hex = "0123456789ABCDEF"
				b.WriteByte('%')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// mustEscape reports whether byte c of a key or value would be misread by
// parseQuery; open says that the text holds an unclosed "{{".
func mustEscape(c byte, key, open bool) bool {
	switch c {
	case '%', '&', '#', '+', 0x7f:
		return true
	case '=':
		return key
	case '{':
		return open
	}
	return c < 0x20
}

// unescapeQuery decodes %XX and '+' outside {{variable}} references. A '%'
// that does not start a valid escape is kept, so what the user typed is
// never refused.
func unescapeQuery(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	var b strings.Builder
	for _, sp := range templateSpans(s) {
		if sp.isVar {
			b.WriteString(sp.text)
			continue
		}
		t := sp.text
		for i := 0; i < len(t); i++ {
			switch c := t[i]; {
			case c == '+':
				b.WriteByte(' ')
			case c == '%' && i+2 < len(t) && isHex(t[i+1]) && isHex(t[i+2]):
				b.WriteByte(unhex(t[i+1])<<4 | unhex(t[i+2]))
				i += 2
			default:
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
