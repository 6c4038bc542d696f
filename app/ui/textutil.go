package ui

import "strings"

// splitLines returns the non-empty, trimmed lines of text.
func splitLines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// cutTrim is strings.Cut with both halves trimmed.
func cutTrim(s, sep string) (string, string, bool) {
	a, b, ok := strings.Cut(s, sep)
	return strings.TrimSpace(a), strings.TrimSpace(b), ok
}
