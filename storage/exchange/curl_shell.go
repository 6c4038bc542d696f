package exchange

// A POSIX shell word splitter for pasted curl commands.
//
// Hand-written: the Go shell-word libraries (github.com/mattn/go-shellwords,
// github.com/google/shlex) do not support bash's $'…' strings (which
// Chrome's "Copy as cURL" emits), do not report where a quote was left
// open, and do not split a file into several commands. Knock needs all
// three, and never runs a shell.
//
// Supported, as bash reads them (POSIX.1-2017 XCU §2.2–2.3, bash manual
// §3.1.2):
//   - blanks separate words; an unquoted newline, ';', '&', '&&', '||'
//     or '|' ends a command;
//   - backslash escapes the next character; backslash-newline joins lines;
//   - '…' is literal; "…" keeps \$ \` \" \\ and backslash-newline as
//     escapes; $'…' understands \n \t \r \a \b \e \E \f \v \\ \' \" \?
//     \xHH \uHHHH \UHHHHHHHH \NNN (octal) and \cX;
//   - # starts a comment at the start of a word;
//   - $NAME and ${NAME}, unquoted or in "…", become the Knock variable
//     {{NAME}} (Knock never reads the shell's environment);
//   - redirections (>, >>, <, 2>&1) are skipped with a note.
//
// Not supported: command substitution ($(…), `…`), arithmetic, globbing,
// here-documents, and Windows cmd (^) or PowerShell (`) escapes; a Windows
// "Copy as cURL (cmd)" command is refused with a message that says so.

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// curlWord is one shell word with the place it starts.
type curlWord struct {
	text      string
	line, col int
}

// curlCommand is one simple command: its words, the comment lines right
// above it, and notes about shell features that were dropped.
type curlCommand struct {
	words    []curlWord
	line     int
	comments []string
	notes    []string
	vars     []string // shell variables turned into {{NAME}}
	piped    bool     // the command reads the output of the one before
}

// curlShellError is a syntax error at a line and column.
type curlShellError struct {
	line, col int
	msg       string
}

func (e *curlShellError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s", e.line, e.col, e.msg)
}

// curlSplitCommands splits shell text into commands. The bound on input
// size is the caller's; the loop consumes at least one byte per turn.
func curlSplitCommands(src string) ([]curlCommand, error) {
	if strings.Contains(src, "^\"") || strings.Contains(src, " ^\n") || strings.Contains(src, " ^\r\n") {
		return nil, &curlShellError{1, 1, `this is a Windows cmd command (Copy as cURL (cmd)), whose ^ escapes are not shell syntax; copy as cURL (bash) instead`}
	}
	s := &curlScanner{src: src, line: 1, col: 1}
	return s.run()
}

type curlScanner struct {
	src       string
	pos       int
	line, col int

	cmds     []curlCommand
	cur      curlCommand
	word     strings.Builder
	inWord   bool
	wordPos  [2]int
	pending  []string // comments seen before the current command
	piped    bool
	skipOne  bool // the next word is a redirection target
	lineUsed bool // the current line holds more than blanks
	seenVars map[string]bool
}

func (s *curlScanner) peek(off int) byte {
	if s.pos+off < len(s.src) {
		return s.src[s.pos+off]
	}
	return 0
}

// advance moves past n bytes, keeping line and column.
func (s *curlScanner) advance(n int) {
	for i := 0; i < n && s.pos < len(s.src); i++ {
		if s.src[s.pos] == '\n' {
			s.line++
			s.col = 1
		} else if s.src[s.pos]&0xC0 != 0x80 {
			s.col++
		}
		s.pos++
	}
}

func (s *curlScanner) startWord() {
	if !s.inWord {
		s.inWord = true
		s.wordPos = [2]int{s.line, s.col}
	}
}

func (s *curlScanner) endWord() {
	if !s.inWord {
		return
	}
	s.inWord = false
	text := s.word.String()
	s.word.Reset()
	if s.skipOne {
		s.skipOne = false
		s.cur.notes = append(s.cur.notes, fmt.Sprintf("the shell redirection to %q was ignored", text))
		return
	}
	if len(s.cur.words) == 0 {
		s.cur.line = s.wordPos[0]
		s.cur.comments = s.pending
		s.pending = nil
		s.cur.piped = s.piped
		s.piped = false
	}
	s.cur.words = append(s.cur.words, curlWord{text: text, line: s.wordPos[0], col: s.wordPos[1]})
}

func (s *curlScanner) endCommand() {
	s.endWord()
	if len(s.cur.words) > 0 {
		s.cmds = append(s.cmds, s.cur)
	} else if len(s.cur.notes) > 0 && len(s.cmds) > 0 {
		last := &s.cmds[len(s.cmds)-1]
		last.notes = append(last.notes, s.cur.notes...)
	}
	s.cur = curlCommand{}
	s.skipOne = false
}

func (s *curlScanner) errf(line, col int, format string, a ...any) error {
	return &curlShellError{line, col, fmt.Sprintf(format, a...)}
}

func (s *curlScanner) run() ([]curlCommand, error) {
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			s.lineUsed = true
		}
		switch {
		case c == '\\':
			if s.peek(1) == '\n' {
				s.advance(2)
				continue
			}
			if s.peek(1) == '\r' && s.peek(2) == '\n' {
				s.advance(3)
				continue
			}
			s.startWord()
			if s.pos+1 >= len(s.src) {
				s.advance(1)
				continue // a trailing backslash escapes nothing
			}
			_, n := utf8.DecodeRuneInString(s.src[s.pos+1:])
			s.word.WriteString(s.src[s.pos+1 : s.pos+1+n])
			s.advance(1 + n)
		case c == ' ' || c == '\t' || c == '\r':
			s.endWord()
			s.advance(1)
		case c == '\n':
			s.endCommand()
			if !s.lineUsed {
				s.pending = nil // a blank line parts comments from the command below
			}
			s.lineUsed = false
			s.advance(1)
		case c == '#' && !s.inWord:
			end := strings.IndexByte(s.src[s.pos:], '\n')
			if end < 0 {
				end = len(s.src) - s.pos
			}
			text := strings.TrimSpace(strings.TrimPrefix(s.src[s.pos:s.pos+end], "#"))
			if len(s.cur.words) == 0 {
				s.pending = append(s.pending, text)
			}
			s.advance(end)
		case c == '\'':
			if err := s.singleQuoted(); err != nil {
				return nil, err
			}
		case c == '"':
			if err := s.doubleQuoted(); err != nil {
				return nil, err
			}
		case c == '$':
			if err := s.dollar(false); err != nil {
				return nil, err
			}
		case c == '`':
			return nil, s.errf(s.line, s.col, "command substitution with ` is not supported: Knock does not run a shell")
		case c == ';':
			s.endCommand()
			s.advance(1)
		case c == '&':
			s.endCommand()
			if s.peek(1) == '&' {
				s.advance(2)
			} else {
				s.advance(1)
			}
		case c == '|':
			s.endCommand()
			if s.peek(1) == '|' {
				s.advance(2)
			} else {
				s.piped = true
				s.advance(1)
			}
		case c == '>' || c == '<':
			s.redirect()
		default:
			s.startWord()
			_, n := utf8.DecodeRuneInString(s.src[s.pos:])
			s.word.WriteString(s.src[s.pos : s.pos+n])
			s.advance(n)
		}
	}
	s.endCommand()
	if len(s.pending) > 0 && len(s.cmds) == 0 {
		return nil, nil
	}
	return s.cmds, nil
}

// redirect skips a redirection operator and marks its target word.
func (s *curlScanner) redirect() {
	// A word of digits right before is the file descriptor (2>).
	if s.inWord {
		w := s.word.String()
		if strings.Trim(w, "0123456789") == "" {
			s.inWord = false
			s.word.Reset()
		} else {
			s.endWord()
		}
	}
	op := s.src[s.pos]
	s.advance(1)
	if s.peek(0) == op {
		s.advance(1)
	}
	if s.peek(0) == '&' { // >&2, 2>&1: the target is a descriptor
		s.advance(1)
		for s.pos < len(s.src) && s.src[s.pos] >= '0' && s.src[s.pos] <= '9' {
			s.advance(1)
		}
		s.cur.notes = append(s.cur.notes, "a shell redirection of a file descriptor was ignored")
		return
	}
	s.skipOne = true
}

func (s *curlScanner) singleQuoted() error {
	line, col := s.line, s.col
	s.startWord()
	end := strings.IndexByte(s.src[s.pos+1:], '\'')
	if end < 0 {
		return s.errf(line, col, "unterminated single quote (')")
	}
	s.word.WriteString(s.src[s.pos+1 : s.pos+1+end])
	s.advance(end + 2)
	return nil
}

func (s *curlScanner) doubleQuoted() error {
	line, col := s.line, s.col
	s.startWord()
	s.advance(1)
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		switch c {
		case '"':
			s.advance(1)
			return nil
		case '\\':
			switch s.peek(1) {
			case '$', '`', '"', '\\':
				s.word.WriteByte(s.peek(1))
				s.advance(2)
			case '\n':
				s.advance(2)
			default:
				s.word.WriteByte('\\')
				s.advance(1)
			}
		case '$':
			if err := s.dollar(true); err != nil {
				return err
			}
		case '`':
			return s.errf(s.line, s.col, "command substitution with ` is not supported: Knock does not run a shell")
		default:
			_, n := utf8.DecodeRuneInString(s.src[s.pos:])
			s.word.WriteString(s.src[s.pos : s.pos+n])
			s.advance(n)
		}
	}
	return s.errf(line, col, `unterminated double quote (")`)
}

// dollar reads $NAME, ${NAME}, $'…' or $"…" at s.pos.
func (s *curlScanner) dollar(inDouble bool) error {
	line, col := s.line, s.col
	s.startWord()
	next := s.peek(1)
	switch {
	case next == '\'' && !inDouble:
		return s.ansiC()
	case next == '"' && !inDouble:
		s.advance(1) // $"…" is a translated string: read as "…"
		return s.doubleQuoted()
	case next == '(':
		return s.errf(line, col, "command substitution $(…) is not supported: Knock does not run a shell")
	case next == '{':
		end := strings.IndexByte(s.src[s.pos:], '}')
		if end < 0 {
			return s.errf(line, col, "unterminated ${")
		}
		name := s.src[s.pos+2 : s.pos+end]
		if !curlIsShellName(name) {
			return s.errf(line, col, "the parameter expansion ${%s} is not supported: Knock does not run a shell", name)
		}
		s.variable(name)
		s.advance(end + 1)
	case next == '_' || next >= 'A' && next <= 'Z' || next >= 'a' && next <= 'z':
		n := 1
		for s.pos+n < len(s.src) && curlIsNameByte(s.src[s.pos+n]) {
			n++
		}
		s.variable(s.src[s.pos+1 : s.pos+n])
		s.advance(n)
	default:
		s.word.WriteByte('$')
		s.advance(1)
	}
	return nil
}

func (s *curlScanner) variable(name string) {
	s.word.WriteString("{{" + name + "}}")
	if s.seenVars == nil {
		s.seenVars = map[string]bool{}
	}
	key := fmt.Sprint(len(s.cmds)) + "\x00" + name
	if s.seenVars[key] {
		return
	}
	s.seenVars[key] = true
	s.cur.vars = append(s.cur.vars, name)
}

func curlIsNameByte(c byte) bool {
	return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
}

func curlIsShellName(name string) bool {
	if name == "" || name[0] >= '0' && name[0] <= '9' {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !curlIsNameByte(name[i]) {
			return false
		}
	}
	return true
}

// ansiC reads a bash $'…' string (bash manual §3.1.2.4).
func (s *curlScanner) ansiC() error {
	line, col := s.line, s.col
	s.advance(2)
	for s.pos < len(s.src) {
		c := s.src[s.pos]
		if c == '\'' {
			s.advance(1)
			return nil
		}
		if c != '\\' {
			_, n := utf8.DecodeRuneInString(s.src[s.pos:])
			s.word.WriteString(s.src[s.pos : s.pos+n])
			s.advance(n)
			continue
		}
		e := s.peek(1)
		simple := map[byte]string{'n': "\n", 't': "\t", 'r': "\r", 'a': "\a", 'b': "\b", 'e': "\x1b", 'E': "\x1b",
			'f': "\f", 'v': "\v", '\\': "\\", '\'': "'", '"': "\"", '?': "?"}
		if r, ok := simple[e]; ok {
			s.word.WriteString(r)
			s.advance(2)
			continue
		}
		switch {
		case e == 'x' || e == 'u' || e == 'U':
			max := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			n := 0
			for n < max && curlIsHex(s.peek(2+n)) {
				n++
			}
			if n == 0 {
				s.word.WriteString(`\` + string(e))
				s.advance(2)
				continue
			}
			v, _ := strconv.ParseUint(s.src[s.pos+2:s.pos+2+n], 16, 32)
			if e == 'x' {
				s.word.WriteByte(byte(v))
			} else if utf8.ValidRune(rune(v)) {
				s.word.WriteRune(rune(v))
			} else {
				return s.errf(s.line, s.col, "$'…' escape \\%c%s is not a valid Unicode code point", e, s.src[s.pos+2:s.pos+2+n])
			}
			s.advance(2 + n)
		case e >= '0' && e <= '7':
			n := 1
			for n < 3 && s.peek(1+n) >= '0' && s.peek(1+n) <= '7' {
				n++
			}
			v, _ := strconv.ParseUint(s.src[s.pos+1:s.pos+1+n], 8, 16)
			s.word.WriteByte(byte(v))
			s.advance(1 + n)
		case e == 'c' && s.pos+2 < len(s.src):
			s.word.WriteByte(s.peek(2) & 0x1f)
			s.advance(3)
		case e == 0:
			s.advance(1)
		default:
			s.word.WriteByte('\\')
			s.word.WriteByte(e)
			s.advance(2)
		}
	}
	return s.errf(line, col, "unterminated $'…' string")
}

func curlIsHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// curlShellQuote quotes s for a POSIX shell: bare when safe, otherwise in
// single quotes (a quote inside becomes '\”). Single quotes keep every
// byte, line breaks included, in sh, dash, bash and zsh alike ($'…' is
// not POSIX: dash would not read it).
func curlShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" &&
		!strings.HasPrefix(s, "=") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// curlShellQuoteEnv quotes s, where each placeholder names an environment
// variable to expand: the literal parts are escaped for double quotes and
// the placeholders become $NAME.
func curlShellQuoteEnv(parts []codegenPart) string {
	plain := true
	for _, p := range parts {
		if p.env != "" {
			plain = false
		}
	}
	if plain {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.text)
		}
		return curlShellQuote(b.String())
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, p := range parts {
		if p.env != "" {
			b.WriteString("${" + p.env + "}")
			continue
		}
		for _, r := range p.text {
			switch r {
			case '$', '`', '"', '\\':
				b.WriteByte('\\')
				b.WriteRune(r)
			case '!':
				b.WriteString(`"'!'"`) // history expansion in interactive bash
			default:
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
