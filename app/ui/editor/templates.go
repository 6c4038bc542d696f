package editor

import "strings"

// templateSpan is a part of a text: either plain text or a {{variable}}
// reference. The rules are the engine's (app/engine/variables.go): a
// reference runs from "{{" to the next "}}", and its name is trimmed; a
// "{{" without a closing "}}" is plain text.
type templateSpan struct {
	text  string // the span as written, braces included for a reference
	isVar bool
}

// templateSpans cuts s into plain text and variable references.
func templateSpans(s string) []templateSpan {
	var out []templateSpan
	for s != "" {
		start := strings.Index(s, "{{")
		if start < 0 {
			break
		}
		end := strings.Index(s[start+2:], "}}")
		if end < 0 {
			break
		}
		if start > 0 {
			out = append(out, templateSpan{text: s[:start]})
		}
		stop := start + 2 + end + 2
		out = append(out, templateSpan{text: s[start:stop], isVar: true})
		s = s[stop:]
	}
	if s != "" {
		out = append(out, templateSpan{text: s})
	}
	return out
}

// varName returns the trimmed name of a reference span.
func (sp templateSpan) varName() string {
	return strings.TrimSpace(sp.text[2 : len(sp.text)-2])
}

// varRefs lists the names referenced in texts, each once, in order of
// first use.
func varRefs(texts ...string) []string {
	var names []string
	seen := map[string]bool{}
	for _, s := range texts {
		for _, sp := range templateSpans(s) {
			if !sp.isVar {
				continue
			}
			if n := sp.varName(); n != "" && !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	return names
}

// indexOutsideVars is strings.IndexByte that skips {{…}} references, so
// that a '?' or '#' inside a variable name does not split a URL.
func indexOutsideVars(s string, c byte) int {
	off := 0
	for _, sp := range templateSpans(s) {
		if !sp.isVar {
			if i := strings.IndexByte(sp.text, c); i >= 0 {
				return off + i
			}
		}
		off += len(sp.text)
	}
	return -1
}

// splitOutsideVars is strings.Split on sep that does not cut inside a
// {{…}} reference.
func splitOutsideVars(s string, sep byte) []string {
	var parts []string
	for {
		i := indexOutsideVars(s, sep)
		if i < 0 {
			return append(parts, s)
		}
		parts = append(parts, s[:i])
		s = s[i+1:]
	}
}

// openVarPrefix reports whether before (the text left of the cursor) ends
// inside an unclosed "{{", and returns the partial name typed after it.
func openVarPrefix(before string) (partial string, ok bool) {
	i := strings.LastIndex(before, "{{")
	if i < 0 {
		return "", false
	}
	partial = strings.TrimLeft(before[i+2:], " ")
	if strings.ContainsAny(partial, "} \t\r\n") {
		return "", false
	}
	return partial, true
}
