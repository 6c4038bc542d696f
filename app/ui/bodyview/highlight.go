package bodyview

import (
	"bytes"
	"embed"
	"sync"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"github.com/alecthomas/chroma/v2"
)

// hlSpan colours bytes [start, end) of a row.
type hlSpan struct {
	start, end int32
	color      fyne.ThemeColorName
}

//go:embed lexers/*.xml
var lexerFiles embed.FS

var (
	lexersOnce  sync.Once
	lexerByLang map[string]chroma.Lexer
)

// lexerFor returns chroma's lexer for "json", "xml" or "html", built on
// first use from the definitions in lexers/ (see lexers/README.md for why
// they are not taken from chroma's registry).
func lexerFor(lang string) chroma.Lexer {
	lexersOnce.Do(func() {
		reg := chroma.NewLexerRegistry()
		lexerByLang = map[string]chroma.Lexer{}
		for _, lang := range []string{"json", "xml", "html"} {
			l, err := chroma.NewXMLLexer(lexerFiles, "lexers/"+lang+".xml")
			if err != nil {
				continue
			}
			lexerByLang[lang] = reg.Register(l)
		}
		// HTML hands <script> and <style> to these; they stay plain.
		for _, name := range []string{"Javascript", "CSS"} {
			reg.Register(chroma.MustNewLexer(&chroma.Config{Name: name}, func() chroma.Rules {
				return chroma.Rules{"root": {{Pattern: `(?s).+`, Type: chroma.Text}}}
			}))
		}
	})
	return lexerByLang[lang]
}

// highlightRow colours one row on its own. Rows are lexed separately, so a
// construct that spans lines (an XML comment, a string cut at
// maxRowBytes) is coloured from the row where it is seen whole; that is
// the price of highlighting only what is on screen.
func highlightRow(lang string, b []byte) (spans []hlSpan) {
	lexer := lexerFor(lang)
	if lexer == nil || len(b) == 0 || !utf8.Valid(b) {
		return nil
	}
	// A lexer that fails on odd input must cost the row its colours,
	// not the program.
	defer func() {
		if recover() != nil {
			spans = nil
		}
	}()
	state := "root"
	if lang == "json" && jsonKeyRow(b) {
		state = "objectvalue"
	}
	it, err := lexer.Tokenise(&chroma.TokeniseOptions{State: state}, string(b))
	if err != nil {
		return nil
	}
	off := 0
	for tok := it(); tok != chroma.EOF; tok = it() {
		n := len(tok.Value)
		if c := tokenColor(tok.Type); c != "" && n > 0 {
			spans = append(spans, hlSpan{int32(off), int32(min(off+n, len(b))), c})
		}
		off += n
		if off >= len(b) {
			break
		}
	}
	return spans
}

// jsonKeyRow reports whether a row of pretty JSON starts with an object
// key ("key": ...), so the lexer can start in its object state.
func jsonKeyRow(b []byte) bool {
	if len(b) < 3 || b[0] != '"' {
		return false
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return bytes.HasPrefix(b[i+1:], []byte(":"))
		}
	}
	return false
}

// tokenColor maps chroma's token types to the few theme colours the view
// uses, so highlighting follows the light and dark themes.
func tokenColor(t chroma.TokenType) fyne.ThemeColorName {
	switch {
	case t == chroma.NameTag:
		return theme.ColorNamePrimary
	case t == chroma.NameAttribute, t == chroma.NameEntity:
		return theme.ColorNameWarning
	case t.InCategory(chroma.Comment):
		return theme.ColorNamePlaceHolder
	case t.InSubCategory(chroma.LiteralString):
		return theme.ColorNameSuccess
	case t.InSubCategory(chroma.LiteralNumber), t == chroma.KeywordConstant:
		return theme.ColorNameWarning
	case t.InCategory(chroma.Keyword):
		return theme.ColorNamePrimary
	}
	return ""
}

// highlighter colours rows off the UI goroutine. The view asks for the
// rows on screen that it has no colours for; one goroutine, started when
// there is work and ended when there is none, lexes them and hands the
// spans back with fyne.Do. A newer request replaces an older one, so fast
// scrolling never queues work for rows long gone.
type highlighter struct {
	deliver func(m rowModel, rows map[int][]hlSpan)

	mu      sync.Mutex
	model   rowModel
	lang    string
	want    []int
	running bool
	closed  bool // no more work and no more deliveries
}

// close stops the highlighter: rows being lexed are dropped, not
// delivered.
func (h *highlighter) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed, h.model, h.want = true, nil, nil
}

func newHighlighter(deliver func(rowModel, map[int][]hlSpan)) *highlighter {
	return &highlighter{deliver: deliver}
}

// reset drops pending work and lexes rows of m from now on.
func (h *highlighter) reset(m rowModel, lang string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.model, h.lang, h.want = m, lang, nil
}

// request asks for rows of m.
func (h *highlighter) request(m rowModel, rows []int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed || m != h.model || h.lang == "" {
		return
	}
	h.want = rows
	if !h.running {
		h.running = true
		go h.run()
	}
}

func (h *highlighter) run() {
	for {
		h.mu.Lock()
		if len(h.want) == 0 {
			h.running = false
			h.mu.Unlock()
			return
		}
		m, lang, rows := h.model, h.lang, h.want
		h.want = nil
		h.mu.Unlock()

		out := make(map[int][]hlSpan, len(rows))
		for _, i := range rows {
			// Rows of a published model never change, so reading them
			// here races with nothing.
			b, _, _ := m.row(i)
			out[i] = highlightRow(lang, b)
		}
		uiDo(func() {
			h.mu.Lock()
			closed := h.closed
			h.mu.Unlock()
			if !closed {
				h.deliver(m, out)
			}
		})
	}
}
