package bodyview

import (
	"bytes"
	"context"
	"math"
	"regexp"
	"slices"
	"unicode"
	"unicode/utf8"
)

// maxStoredMatches bounds the match offsets kept for navigation; matches
// past it are still counted.
const maxStoredMatches = 1 << 20

// searchResult is every match of a query in one text.
type searchResult struct {
	offs  []int32 // start of each match, ascending, at most maxStoredMatches
	total int     // all matches, counted past maxStoredMatches
	qlen  int     // length in bytes of a match
}

// searchCheckEvery is how much text a search goes through between two
// looks at its context.
const searchCheckEvery = 4 << 20

// search finds every non-overlapping match of query in text. Without
// caseSensitive, ASCII letters match either case, and other letters match
// their simple case folding when both forms have the same UTF-8 length
// (é and É do). It returns nil when ctx is canceled.
//
// The scan is anchored on the query's rarest byte, found with
// bytes.IndexByte (vector instructions), so 100 MB take tens of
// milliseconds; only a query made of letters without an ASCII one (say,
// a Greek word) falls back to a slower regular expression.
func search(ctx context.Context, text, query []byte, caseSensitive bool) *searchResult {
	r := &searchResult{qlen: len(query)}
	if len(query) == 0 || len(text) < len(query) {
		return r
	}
	if caseSensitive || !hasCase(query) {
		return searchExact(ctx, text, query, r)
	}
	k, variants := chooseAnchor(query)
	if variants == nil {
		return searchRegexp(ctx, text, query, r)
	}
	return searchFold(ctx, text, query, k, variants, r)
}

func (r *searchResult) add(off int) {
	if len(r.offs) < maxStoredMatches {
		r.offs = append(r.offs, int32(off))
	}
	r.total++
}

func searchExact(ctx context.Context, text, query []byte, r *searchResult) *searchResult {
	check := searchCheckEvery
	for pos := 0; pos <= len(text)-len(query); {
		i := bytes.Index(text[pos:], query)
		if i < 0 {
			break
		}
		r.add(pos + i)
		pos += i + len(query)
		if pos >= check {
			if ctx.Err() != nil {
				return nil
			}
			check = pos + searchCheckEvery
		}
	}
	return r
}

// searchFold looks for every case variant of a short piece of the query
// (query[k:k+len(variants[0])], all ASCII) with bytes.Index and compares
// the whole query around each hit.
func searchFold(ctx context.Context, text, query []byte, k int, variants [][]byte, r *searchResult) *searchResult {
	ascii := isASCII(query)
	var folded []byte
	if ascii {
		folded = bytes.ToLower(query)
	}
	n := len(query)
	find := func(v []byte, from int) int {
		if from >= len(text) {
			return len(text)
		}
		if i := bytes.Index(text[from:], v); i >= 0 {
			return from + i
		}
		return len(text)
	}
	// next[j] is the next offset of variants[j] that has not been looked
	// at, or len(text) when there is none.
	next := make([]int, len(variants))
	for j, v := range variants {
		next[j] = find(v, k)
	}
	check := searchCheckEvery
	pos := 0 // no match may start before pos
	for {
		hit := slices.Min(next)
		if hit >= len(text) {
			break
		}
		start := hit - k
		if start >= pos && start+n <= len(text) {
			w := text[start : start+n]
			if ascii && equalFoldASCII(w, folded) || !ascii && bytes.EqualFold(w, query) {
				r.add(start)
				pos = start + n
			}
		}
		from := max(hit+1, pos+k)
		for j, v := range variants {
			if next[j] < from {
				next[j] = find(v, from)
			}
		}
		if hit >= check {
			if ctx.Err() != nil {
				return nil
			}
			check = hit + searchCheckEvery
		}
	}
	return r
}

func searchRegexp(ctx context.Context, text, query []byte, r *searchResult) *searchResult {
	re := regexp.MustCompile("(?i)" + regexp.QuoteMeta(string(query)))
	lastEnd := 0
	for pos := 0; pos < len(text); pos += searchCheckEvery {
		// Each chunk overlaps the next by the longest a match can be, so
		// no match across a chunk's end is lost; lastEnd drops the repeats.
		end := min(pos+searchCheckEvery+len(query)*utf8.UTFMax, len(text))
		for _, m := range re.FindAllIndex(text[pos:end], -1) {
			if pos+m[0] < lastEnd {
				continue
			}
			r.add(pos + m[0])
			r.qlen = m[1] - m[0]
			lastEnd = pos + m[1]
		}
		if ctx.Err() != nil {
			return nil
		}
	}
	return r
}

// chooseAnchor picks the piece of query to scan for: up to eight ASCII
// bytes with at most three letters (so at most eight case variants), the
// one expected to be rarest in typical bodies for the fewest variants. It
// returns the piece's offset in query and its case variants, or nil when
// query has no ASCII byte.
func chooseAnchor(query []byte) (int, [][]byte) {
	const maxLen, maxLetters = 8, 3
	bestK, bestLen, bestCost := -1, 0, math.Inf(1)
	for k := range query {
		p, letters := 1.0, 0
		for m := 1; m <= maxLen && k+m <= len(query); m++ {
			c := query[k+m-1]
			if c >= utf8.RuneSelf {
				break
			}
			if isLetter(c) {
				letters++
			}
			if letters > maxLetters {
				break
			}
			p *= byteFreq[toLowerASCII(c)]
			// Each variant is one vector scan of the text, plus a slower
			// step for each place it occurs.
			cost := float64(int(1)<<letters) * (1 + p*2000)
			if cost < bestCost {
				bestK, bestLen, bestCost = k, m, cost
			}
		}
	}
	if bestK < 0 {
		return -1, nil
	}
	variants := [][]byte{bytes.ToLower(query[bestK : bestK+bestLen])}
	for i := range bestLen {
		if !isLetter(variants[0][i]) {
			continue
		}
		for _, v := range variants {
			u := bytes.Clone(v)
			u[i] = toUpperASCII(u[i])
			variants = append(variants, u)
		}
	}
	return bestK, variants
}

// byteFreq is roughly how often each ASCII byte (letters of either case
// together) appears in JSON, HTML and text bodies. It only steers the
// choice of an anchor.
var byteFreq = func() [128]float64 {
	var t [128]float64
	for c := range t {
		t[c] = 0.002
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 0.01
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 0.015
	}
	for _, f := range []struct {
		chars string
		p     float64
	}{{" ", 0.12}, {`"`, 0.08}, {"e", 0.07}, {"taoinsr", 0.045}, {",:lcd", 0.03}, {"hmu{}<>=/.-_", 0.02}, {"\n\t", 0.01}} {
		for _, c := range []byte(f.chars) {
			t[c] = f.p
		}
	}
	return t
}()

// hasCase reports whether folding case could change what query matches.
func hasCase(query []byte) bool {
	for _, r := range string(query) {
		if unicode.SimpleFold(r) != r {
			return true
		}
	}
	return false
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func toLowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func toUpperASCII(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// equalFoldASCII compares w with lower, which is lower case already.
func equalFoldASCII(w, lower []byte) bool {
	for i, c := range w {
		if toLowerASCII(c) != lower[i] {
			return false
		}
	}
	return true
}
