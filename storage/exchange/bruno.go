package exchange

// Import of Bruno .bru files: a request file, collection.bru, folder.bru,
// and environment files (environments/*.bru).
//
// Hand-written: Bruno's grammar lives in JavaScript (usebruno/bruno,
// packages/bruno-lang/v2, an ohm and a peggy grammar); there is no Go
// library for .bru. This parser follows that grammar: a file is a list of
// blocks, "name {" … a line starting with "}" (or "name [" … "]" for
// lists); dictionary blocks hold "key: value" rows (keys may be
// "quoted", ~ disables a row, @ marks a local variable, ''' starts a
// multi-line value, @description(…), @number and the like annotate the
// next row); text blocks (body:json, script:…, tests, docs) hold text
// indented by two spaces.
//
// Mapped: meta (name, type, seq), the method blocks (get, post, put,
// delete, patch, options, head, connect, trace, and http with a method),
// params:query, params:path (written into the URL), headers, body:json,
// body:text, body:xml, body:sparql, body:graphql (+ :vars),
// body:form-urlencoded, body:multipart-form (@file(…) parts,
// @contentType(…)), body:file; auth:basic, bearer, digest, ntlm, awsv4,
// apikey, oauth1, oauth2, akamai-edgegrid (as edgegrid); auth:wsse and
// any other mode are reported as skipped; vars:pre-request (variables),
// assert (as assertions: eq, neq, gt, lt, contains, matches on the
// status, a header, the body, a body path and the response time),
// script:pre-request, script:post-response and tests (kept as scripts,
// reported as not run), docs (the description), settings (redirects,
// timeout) and example blocks (saved responses). vars:post-response and
// the other assertion operators are reported.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/knockhttp/knock/storage"
)

func init() {
	registerImporter(Importer{
		Format: "bruno",
		Title:  "Bruno .bru file",
		Detect: func(name string, data []byte) bool { return strings.HasSuffix(strings.ToLower(name), ".bru") },
		Import: brunoImport,
	})
}

const brunoMaxInput = 8 << 20

// brunoRow is one dictionary row.
type brunoRow struct {
	key      string
	value    string
	disabled bool
	local    bool
	line     int
	notes    []string // annotations
}

// brunoBlock is one top-level block.
type brunoBlock struct {
	name                   string
	line                   int
	rows                   []brunoRow // dictionary blocks
	text                   string     // text blocks
	items                  []string   // list blocks
	raw                    []string   // the block's lines, for example blocks
	isDict, isText, isList bool
}

// brunoTextBlocks hold text, not rows.
func brunoIsTextBlock(name string) bool {
	switch {
	case name == "docs" || name == "tests" || name == "body":
		return true
	case strings.HasPrefix(name, "body:") && !strings.HasPrefix(name, "body:form-urlencoded") && !strings.HasPrefix(name, "body:multipart-form") && name != "body:file":
		return true
	case strings.HasPrefix(name, "script:"):
		return true
	}
	return false
}

var brunoOpener = regexp.MustCompile(`^([A-Za-z][\w:.-]*)\s*([{\[])\s*$`)

// brunoParse splits a file into blocks.
func brunoParse(data []byte) ([]brunoBlock, error) {
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("line %d: the file is not UTF-8 text", httpfileBadUTF8Line(data))
	}
	text := strings.ReplaceAll(strings.TrimPrefix(string(data), "\ufeff"), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var blocks []brunoBlock
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if strings.TrimSpace(line) == "" {
			continue
		}
		m := brunoOpener.FindStringSubmatch(strings.TrimRight(line, " \t"))
		if m == nil {
			return nil, fmt.Errorf("line %d: expected a block such as \"meta {\" or \"headers {\"; got %q", i+1, curlClip(strings.TrimSpace(line), 60))
		}
		b := brunoBlock{name: m[1], line: i + 1}
		closer := "}"
		if m[2] == "[" {
			closer = "]"
		}
		end := -1
		for j := i + 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], closer) {
				end = j
				break
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("line %d: the block %q is not closed (a line starting with %q)", i+1, b.name, closer)
		}
		if rest := strings.TrimSpace(lines[end][1:]); rest != "" {
			return nil, fmt.Errorf("line %d: unexpected %q after the %q that closes %q", end+1, curlClip(rest, 40), closer, b.name)
		}
		body := lines[i+1 : end]
		b.raw = body
		switch {
		case m[2] == "[":
			b.isList = true
			for _, l := range body {
				for _, it := range strings.Split(l, ",") {
					if it = strings.TrimSpace(it); it != "" {
						b.items = append(b.items, it)
					}
				}
			}
		case brunoIsTextBlock(b.name):
			b.isText = true
			out := make([]string, len(body))
			for k, l := range body {
				switch {
				case strings.HasPrefix(l, "  "):
					out[k] = l[2:]
				case strings.HasPrefix(l, "\t"):
					out[k] = l[1:]
				default:
					out[k] = strings.TrimLeft(l, " ")
				}
			}
			b.text = strings.Trim(strings.Join(out, "\n"), "\n")
		case b.name == "example":
			// Parsed on its own: nested blocks.
		default:
			b.isDict = true
			rows, err := brunoRows(body, i+2)
			if err != nil {
				return nil, fmt.Errorf("%s (in %q)", err, b.name)
			}
			b.rows = rows
		}
		blocks = append(blocks, b)
		i = end
	}
	return blocks, nil
}

var brunoAnnotation = regexp.MustCompile(`^@[A-Za-z][\w-]*(\(|$)`)

// brunoRows reads the rows of a dictionary block; first is the line
// number of body[0].
func brunoRows(body []string, first int) ([]brunoRow, error) {
	var rows []brunoRow
	var notes []string
	for i := 0; i < len(body); i++ {
		ln := first + i
		t := strings.TrimSpace(body[i])
		if t == "" {
			continue
		}
		if brunoAnnotation.MatchString(t) && !brunoHasPairColon(t) {
			// @description('''…''') may span lines.
			note := t
			if strings.Count(t, "'''")%2 == 1 {
				j := i + 1
				for ; j < len(body); j++ {
					note += "\n" + strings.TrimSpace(body[j])
					if strings.Contains(body[j], "'''") {
						break
					}
				}
				if j >= len(body) {
					return nil, fmt.Errorf("line %d: the annotation %q is not closed with '''", ln, curlClip(t, 40))
				}
				i = j
			}
			notes = append(notes, note)
			continue
		}
		row := brunoRow{line: ln, notes: notes}
		notes = nil
		rest := t
		if strings.HasPrefix(rest, "~") {
			row.disabled, rest = true, rest[1:]
		}
		if strings.HasPrefix(rest, "@") {
			row.local, rest = true, rest[1:]
		}
		if strings.HasPrefix(rest, `"`) {
			key, n, err := brunoQuoted(rest)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", ln, err)
			}
			row.key, rest = key, strings.TrimSpace(rest[n:])
			if !strings.HasPrefix(rest, ":") {
				return nil, fmt.Errorf("line %d: expected ':' after the key %q", ln, key)
			}
			rest = rest[1:]
		} else {
			colon := strings.IndexByte(rest, ':')
			if colon < 0 {
				return nil, fmt.Errorf("line %d: expected \"key: value\"; got %q", ln, curlClip(t, 60))
			}
			row.key, rest = strings.TrimSpace(rest[:colon]), rest[colon+1:]
		}
		value := strings.TrimSpace(rest)
		if value == "[" {
			// A list value (meta tags): items up to a line holding "]".
			var items []string
			j := i + 1
			for ; j < len(body) && strings.TrimSpace(body[j]) != "]"; j++ {
				for _, it := range strings.Split(body[j], ",") {
					if it = strings.TrimSpace(it); it != "" {
						items = append(items, it)
					}
				}
			}
			if j >= len(body) {
				return nil, fmt.Errorf("line %d: the list value of %q is not closed with ]", ln, row.key)
			}
			row.value = strings.Join(items, ", ")
			rows = append(rows, row)
			i = j
			continue
		}
		if strings.HasPrefix(value, "'''") && !strings.Contains(value[3:], "'''") {
			// A multi-line value: its lines are indented by four spaces.
			var ml []string
			if after := strings.TrimSpace(value[3:]); after != "" {
				ml = append(ml, after)
			}
			j := i + 1
			tail := ""
			for ; j < len(body); j++ {
				if k := strings.Index(body[j], "'''"); k >= 0 && strings.TrimSpace(body[j][:k]) == "" {
					tail = strings.TrimSpace(body[j][k+3:])
					break
				}
				l := body[j]
				for n := 0; n < 4 && strings.HasPrefix(l, " "); n++ {
					l = l[1:]
				}
				ml = append(ml, l)
			}
			if j >= len(body) {
				return nil, fmt.Errorf("line %d: the multi-line value of %q is not closed with '''", ln, row.key)
			}
			value = strings.Join(ml, "\n")
			if tail != "" {
				value += " " + tail // annotations such as @contentType(…)
				row.notes = append(row.notes, "multiline")
			}
			i = j
		} else if strings.HasPrefix(value, "'''") && strings.HasSuffix(value, "'''") && len(value) >= 6 {
			value = value[3 : len(value)-3]
		}
		row.value = value
		rows = append(rows, row)
	}
	return rows, nil
}

// brunoHasPairColon reports whether an @… line is a row (@name: value)
// rather than an annotation.
func brunoHasPairColon(t string) bool {
	paren := strings.IndexByte(t, '(')
	colon := strings.IndexByte(t, ':')
	return colon >= 0 && (paren < 0 || colon < paren)
}

// brunoQuoted reads a "…" key with \" and \\ escapes; it returns the key
// and the bytes used.
func brunoQuoted(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), i + 1, nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("the quoted key %s is not closed", curlClip(s, 40))
}

// brunoFile is a parsed file.
type brunoFile struct {
	blocks []brunoBlock
	byName map[string]*brunoBlock
}

func (f *brunoFile) block(name string) *brunoBlock { return f.byName[name] }

// value returns a dictionary block's value for key.
func (b *brunoBlock) value(key string) (string, bool) {
	if b == nil {
		return "", false
	}
	for _, r := range b.rows {
		if r.key == key && !r.disabled {
			return r.value, true
		}
	}
	return "", false
}

var brunoMethods = []string{"get", "post", "put", "delete", "patch", "options", "head", "connect", "trace", "http"}

// brunoImport reads one .bru file.
func brunoImport(name string, data []byte) (*Result, error) {
	if len(data) > brunoMaxInput {
		return nil, fmt.Errorf("the file is %d bytes; at most %d are read", len(data), brunoMaxInput)
	}
	blocks, err := brunoParse(data)
	if err != nil {
		return nil, err
	}
	f := &brunoFile{blocks: blocks, byName: map[string]*brunoBlock{}}
	for i := range blocks {
		b := &blocks[i]
		if _, dup := f.byName[b.name]; dup && b.name != "example" {
			return nil, fmt.Errorf("line %d: the block %q appears twice", b.line, b.name)
		}
		if _, dup := f.byName[b.name]; !dup {
			f.byName[b.name] = b
		}
	}
	if len(blocks) == 0 {
		return nil, fmt.Errorf("the file is empty")
	}
	im := &brunoImporter{res: &Result{}, file: f, base: curlBaseName(name)}
	lower := strings.ToLower(name)
	meta := f.block("meta")
	metaType, _ := meta.value("type")
	var method *brunoBlock
	for _, m := range brunoMethods {
		if b := f.block(m); b != nil {
			if method != nil {
				return nil, fmt.Errorf("line %d: a request has one method block; %q and %q are both here", b.line, method.name, b.name)
			}
			method = b
		}
	}
	switch {
	case method != nil:
		err = im.request(method)
	case f.block("vars") != nil || f.block("vars:secret") != nil:
		if meta != nil || f.block("headers") != nil {
			return nil, fmt.Errorf("line %d: an environment file holds only vars and vars:secret blocks", blocks[0].line)
		}
		err = im.environment()
	case metaType == "collection" || strings.HasSuffix(lower, "collection.bru"):
		err = im.container(true)
	case metaType == "folder" || strings.HasSuffix(lower, "folder.bru") || meta != nil:
		err = im.container(false)
	default:
		err = im.container(true)
	}
	if err != nil {
		return nil, err
	}
	return im.res, nil
}

type brunoImporter struct {
	res  *Result
	file *brunoFile
	base string
}

func (im *brunoImporter) skip(line int, format string, a ...any) {
	im.res.Report.Skipf(fmt.Sprintf("line %d", line), format, a...)
}

// request maps a request file.
func (im *brunoImporter) request(method *brunoBlock) error {
	f := im.file
	r := storage.Request{}
	meta := f.block("meta")
	r.Name, _ = meta.value("name")
	if r.Name == "" {
		r.Name = im.base
	}
	r.Method = strings.ToUpper(method.name)
	if method.name == "http" {
		m, _ := method.value("method")
		if m == "" {
			return fmt.Errorf("line %d: the http block has no method", method.line)
		}
		r.Method = strings.ToUpper(m)
	}
	r.URL, _ = method.value("url")
	if t, _ := meta.value("type"); t != "" && t != "http" && t != "graphql" {
		return fmt.Errorf("line %d: meta type %q is not an HTTP request (Knock imports http and graphql requests)", meta.line, t)
	}

	// Query and path parameters.
	if q := f.block("params:query"); q != nil {
		if i := strings.IndexByte(r.URL, '?'); i >= 0 {
			r.URL = r.URL[:i] // Bruno keeps the URL's query and these rows alike
		}
		for _, row := range q.rows {
			r.Params = append(r.Params, storage.KeyValue{Key: row.key, Value: row.value, Enabled: !row.disabled})
		}
	}
	if pp := f.block("params:path"); pp != nil {
		for _, row := range pp.rows {
			re := regexp.MustCompile(`:` + regexp.QuoteMeta(row.key) + `\b`)
			if !re.MatchString(r.URL) {
				im.skip(row.line, "the path parameter %s is not in the URL; left out", row.key)
				continue
			}
			v := row.value
			if v == "" || row.disabled {
				v = "{{" + row.key + "}}"
			}
			r.URL = re.ReplaceAllLiteralString(r.URL, v)
			im.skip(row.line, "the path parameter :%s was written into the URL as %s (Knock has no path parameters)", row.key, v)
		}
	}

	// Headers.
	if h := f.block("headers"); h != nil {
		r.Headers = im.headers(h)
	}

	// Body.
	bodyMode, _ := method.value("body")
	if err := im.body(&r, bodyMode, method.line); err != nil {
		return err
	}
	if r.Body.Mode == storage.BodyFormData {
		for i, h := range r.Headers {
			if strings.EqualFold(h.Key, "Content-Type") && !strings.Contains(strings.ToLower(h.Value), "boundary=") {
				r.Headers = append(r.Headers[:i:i], r.Headers[i+1:]...)
				im.skip(method.line, "the header content-type: %s was left out: Knock sets it with the multipart boundary", h.Value)
				break
			}
		}
	}

	// Auth.
	mode, _ := method.value("auth")
	r.Auth = im.auth(mode, method.line)

	// Variables, assertions, scripts, docs, settings, examples.
	coll := &storage.Collection{Name: r.Name}
	coll.Variables = im.vars()
	if len(coll.Variables) > 0 {
		im.skip(f.block("vars:pre-request").line, "the request's vars:pre-request became variables of the collection %q (Knock keeps variables on collections, folders and environments)", coll.Name)
	}
	r.Assertions = im.assertions()
	r.Scripts = im.scripts(r.Name)
	if d := f.block("docs"); d != nil {
		r.Description = d.text
	}
	im.settings(&r)
	im.examples(&r)
	for _, b := range f.blocks {
		im.unknown(b)
	}
	im.res.Collection = coll
	im.res.Items = []storage.TreeItem{{Request: &r}}
	im.res.Report.Imported = append(im.res.Report.Imported, r.Name)
	return nil
}

// brunoKnownBlocks are the blocks the importer reads.
var brunoKnownBlocks = map[string]bool{"meta": true, "params:query": true, "params:path": true, "query": true, "headers": true,
	"auth": true, "vars": true, "vars:secret": true, "vars:pre-request": true, "vars:post-response": true, "assert": true,
	"script:pre-request": true, "script:post-response": true, "tests": true, "docs": true, "settings": true, "example": true,
	"body": true, "body:json": true, "body:text": true, "body:xml": true, "body:sparql": true, "body:graphql": true,
	"body:graphql:vars": true, "body:form-urlencoded": true, "body:multipart-form": true, "body:file": true}

// unknown reports a block the importer does not read.
func (im *brunoImporter) unknown(b brunoBlock) {
	if brunoKnownBlocks[b.name] || strings.HasPrefix(b.name, "auth:") {
		return
	}
	for _, m := range brunoMethods {
		if b.name == m {
			return
		}
	}
	im.skip(b.line, "the block %q is not known to Knock; not imported", b.name)
}

func (im *brunoImporter) headers(h *brunoBlock) []storage.KeyValue {
	var out []storage.KeyValue
	for _, row := range h.rows {
		out = append(out, storage.KeyValue{Key: row.key, Value: row.value, Enabled: !row.disabled})
		for _, n := range row.notes {
			if strings.HasPrefix(n, "@description") {
				im.skip(row.line, "the description of the header %s is not kept (Knock's headers have none)", row.key)
			}
		}
	}
	return out
}

// body maps the active body (bodyMode) and keeps the others where the
// Body can hold them.
func (im *brunoImporter) body(r *storage.Request, bodyMode string, line int) error {
	f := im.file
	mode := strings.ToLower(strings.TrimSpace(bodyMode))
	raws := map[string]string{"json": "application/json", "text": "text/plain", "xml": "application/xml", "sparql": "application/sparql-query"}
	active := ""
	switch mode {
	case "", "none":
	case "json", "text", "xml", "sparql":
		active = "body:" + mode
		b := f.block(active)
		if b == nil && mode == "json" {
			b = f.block("body")
		}
		text := ""
		if b != nil {
			text = b.text
		}
		r.Body = storage.Body{Mode: storage.BodyRaw, Raw: text, ContentType: raws[mode]}
	case "graphql":
		active = "body:graphql"
	case "formurlencoded", "form-urlencoded":
		active = "body:form-urlencoded"
	case "multipartform", "multipart-form":
		active = "body:multipart-form"
	case "file":
		active = "body:file"
	default:
		im.skip(line, "the body mode %q is not known; no body", bodyMode)
	}
	// The structured bodies are kept whether active or not.
	if g := f.block("body:graphql"); g != nil {
		gq := &storage.GraphQL{Query: g.text}
		if v := f.block("body:graphql:vars"); v != nil {
			gq.Variables = v.text
		}
		r.Body.GraphQL = gq
		if active == "body:graphql" {
			r.Body.Mode = storage.BodyGraphQL
		}
	}
	if fb := f.block("body:form-urlencoded"); fb != nil {
		for _, row := range fb.rows {
			r.Body.Form = append(r.Body.Form, storage.KeyValue{Key: row.key, Value: row.value, Enabled: !row.disabled})
		}
		if active == "body:form-urlencoded" {
			r.Body.Mode = storage.BodyURLEncoded
		}
	}
	if mb := f.block("body:multipart-form"); mb != nil {
		for _, row := range mb.rows {
			r.Body.Multipart = append(r.Body.Multipart, brunoParts(row)...)
		}
		if active == "body:multipart-form" {
			r.Body.Mode = storage.BodyFormData
		}
	}
	if fb := f.block("body:file"); fb != nil && active == "body:file" {
		chosen := false
		for _, row := range fb.rows {
			file, ct := brunoFileValue(row.value)
			if row.disabled || chosen || file == "" {
				continue
			}
			chosen = true
			r.Body.Mode, r.Body.File = storage.BodyFile, file
			if ct != "" {
				r.Body.ContentType = ct
			}
		}
		if n := len(fb.rows); n > 1 {
			im.skip(fb.line, "body:file lists %d files; Knock sends one, the first enabled (%s)", n, r.Body.File)
		}
	}
	// Raw bodies that are not active: the Body holds one raw text.
	for _, name := range []string{"body:json", "body:text", "body:xml", "body:sparql", "body"} {
		b := f.block(name)
		if b == nil || name == active || (name == "body" && active == "body:json") {
			continue
		}
		if r.Body.Raw == "" && r.Body.Mode != storage.BodyRaw && r.Body.Mode != storage.BodyFile {
			r.Body.Raw = b.text
			if r.Body.Mode == storage.BodyNone || r.Body.ContentType == "" {
				r.Body.ContentType = raws[strings.TrimPrefix(name, "body:")]
			}
			continue
		}
		im.skip(b.line, "%s is not the active body (%s) and Knock keeps one text body; not imported", name, strings.TrimPrefix(active, "body:"))
	}
	if r.Body.Mode == storage.BodyNone && active != "" && active != "body:json" && r.Body.Raw == "" && r.Body.GraphQL == nil {
		if f.block(active) == nil {
			im.skip(line, "the body mode is %s but the file has no %s block", mode, active)
		}
	}
	return nil
}

var brunoFileRe = regexp.MustCompile(`@file\(([^)]*)\)`)
var brunoCTRe = regexp.MustCompile(`@contentType\(([^)]*)\)`)

// brunoFileValue reads "@file(path) @contentType(type)".
func brunoFileValue(v string) (file, contentType string) {
	if m := brunoFileRe.FindStringSubmatch(v); m != nil {
		file = m[1]
	}
	if m := brunoCTRe.FindStringSubmatch(v); m != nil {
		contentType = m[1]
	}
	return file, contentType
}

// brunoParts turns a multipart row into parts: text, or one part per
// file of @file(a|b).
func brunoParts(row brunoRow) []storage.FormPart {
	v := row.value
	ct := ""
	if m := brunoCTRe.FindStringSubmatchIndex(v); m != nil {
		ct = v[m[2]:m[3]]
		v = strings.TrimSpace(v[:m[0]] + v[m[1]:])
	}
	if strings.HasPrefix(v, "@file(") && strings.HasSuffix(v, ")") {
		var parts []storage.FormPart
		for _, file := range strings.Split(v[6:len(v)-1], "|") {
			parts = append(parts, storage.FormPart{Key: row.key, File: file, ContentType: ct, Enabled: !row.disabled})
		}
		return parts
	}
	return []storage.FormPart{{Key: row.key, Value: v, ContentType: ct, Enabled: !row.disabled}}
}

// auth maps the auth mode and its block.
func (im *brunoImporter) auth(mode string, line int) storage.AuthSpec {
	f := im.file
	mode = strings.TrimSpace(mode)
	for _, b := range f.blocks {
		if strings.HasPrefix(b.name, "auth:") && b.name != "auth:"+mode {
			im.skip(b.line, "%s is kept by Bruno but is not the active auth (%s); not imported", b.name, mode)
		}
	}
	switch mode {
	case "", "none":
		return storage.AuthSpec{Type: storage.AuthNone}
	case "inherit":
		return storage.AuthSpec{Type: storage.AuthInherit}
	}
	b := f.block("auth:" + mode)
	if b == nil {
		im.skip(line, "the auth mode is %s but the file has no auth:%s block; no auth", mode, mode)
		return storage.AuthSpec{Type: storage.AuthNone}
	}
	get := func(k string) string { v, _ := b.value(k); return v }
	params := map[string]string{}
	mapKeys := func(names map[string]string) {
		for _, row := range b.rows {
			if row.disabled {
				continue
			}
			to, ok := names[row.key]
			switch {
			case !ok && row.value != "":
				im.skip(row.line, "auth:%s %s has no equivalent in Knock; ignored", mode, row.key)
			case ok && to != "" && row.value != "":
				params[to] = row.value
			}
		}
	}
	switch mode {
	case "basic", "digest":
		mapKeys(map[string]string{"username": "username", "password": "password"})
	case "ntlm":
		mapKeys(map[string]string{"username": "username", "password": "password", "domain": "domain"})
	case "bearer":
		mapKeys(map[string]string{"token": "token"})
	case "awsv4":
		mapKeys(map[string]string{"accessKeyId": "accessKey", "secretAccessKey": "secretKey", "sessionToken": "sessionToken",
			"service": "service", "region": "region"})
		mode = "awsv4"
	case "apikey":
		mapKeys(map[string]string{"key": "key", "value": "value", "placement": ""})
		if strings.HasPrefix(strings.ToLower(get("placement")), "query") {
			params["in"] = "query"
		} else {
			params["in"] = "header"
		}
	case "oauth1":
		mapKeys(map[string]string{"consumer_key": "consumerKey", "consumer_secret": "consumerSecret", "access_token": "token",
			"token_secret": "tokenSecret", "callback_url": "callback", "verifier": "verifier", "signature_method": "signatureMethod",
			"private_key": "privateKey", "timestamp": "timestamp", "nonce": "nonce", "version": "version", "realm": "realm",
			"placement": "placement", "include_body_hash": "includeBodyHash"})
	case "akamai-edgegrid":
		mapKeys(map[string]string{"accessToken": "accessToken", "clientToken": "clientToken", "clientSecret": "clientSecret",
			"nonce": "nonce", "timestamp": "timestamp", "baseURL": "baseURL", "headersToSign": "headersToSign", "maxBodySize": "maxBodySize"})
		mode = "edgegrid"
	case "oauth2":
		mapKeys(map[string]string{"grant_type": "", "callback_url": "redirect_uri", "authorization_url": "authUrl",
			"access_token_url": "accessTokenUrl", "refresh_token_url": "refreshTokenUrl", "client_id": "clientId",
			"client_secret": "clientSecret", "scope": "scope", "state": "state", "username": "username", "password": "password",
			"pkce": "", "credentials_placement": "", "credentials_id": "tokenName", "token_placement": "", "token_header_prefix": "headerPrefix",
			"token_source": "", "token_query_key": "", "auto_fetch_token": "", "auto_refresh_token": ""})
		grant := get("grant_type")
		switch grant {
		case "authorization_code":
			if get("pkce") == "true" {
				grant = "authorization_code_with_pkce"
			}
		case "password":
			grant = "password_credentials"
		case "client_credentials", "implicit":
		case "":
			grant = "authorization_code_with_pkce"
		default:
			im.skip(b.line, "the OAuth 2.0 grant %q is not known to Knock; kept as written", grant)
		}
		params["grant_type"] = grant
		if get("credentials_placement") == "basic_auth_header" {
			params["client_authentication"] = "header"
		} else {
			params["client_authentication"] = "body" // Bruno's default
		}
		if p := get("token_placement"); p == "url" || p == "query" {
			params["addTokenTo"] = "queryParams"
		}
		if k := get("token_query_key"); k != "" && k != "access_token" {
			im.skip(b.line, "the token query key %q: Knock sends the token as access_token", k)
		}
		if s := get("token_source"); s != "" && s != "access_token" {
			im.skip(b.line, "the token source %q: Knock sends the access token", s)
		}
		if get("auto_fetch_token") == "false" || get("auto_refresh_token") == "false" {
			im.skip(b.line, "auto_fetch_token/auto_refresh_token false: Knock fetches and refreshes the token itself")
		}
	default:
		im.skip(b.line, "the auth mode %s is not supported by Knock; the request has no auth", mode)
		return storage.AuthSpec{Type: storage.AuthNone}
	}
	return storage.AuthSpec{Type: mode, Params: params}
}

// vars reads vars:pre-request, and reports vars:post-response.
func (im *brunoImporter) vars() []storage.Variable {
	var out []storage.Variable
	if b := im.file.block("vars:pre-request"); b != nil {
		for _, row := range b.rows {
			out = append(out, storage.Variable{Key: row.key, Value: row.value, Enabled: !row.disabled})
		}
	}
	if b := im.file.block("vars:post-response"); b != nil {
		for _, row := range b.rows {
			im.skip(row.line, "the post-response variable %s = %s takes a value from the response; Knock does not set variables from responses", row.key, curlClip(row.value, 40))
		}
	}
	return out
}

var brunoBodyPath = regexp.MustCompile(`^res\.body((?:\.[A-Za-z_$][\w$]*|\[\d+\])+)$`)

// assertions maps the assert block.
func (im *brunoImporter) assertions() []storage.Assertion {
	b := im.file.block("assert")
	if b == nil {
		return nil
	}
	var out []storage.Assertion
	for _, row := range b.rows {
		target := strings.TrimPrefix(strings.TrimSpace(row.key), "$")
		op, val := "eq", strings.TrimSpace(row.value)
		if sp := strings.IndexByte(val, ' '); sp > 0 {
			if brunoAssertOps[val[:sp]] {
				op, val = val[:sp], strings.TrimSpace(val[sp+1:])
			}
		} else if brunoAssertOps[val] {
			op, val = val, ""
		}
		knockOp := map[string]string{"eq": "==", "neq": "!=", "gt": ">", "lt": "<", "contains": "contains", "matches": "matches"}[op]
		a := storage.Assertion{Op: knockOp, Value: val, Enabled: !row.disabled}
		switch {
		case target == "res.status":
			a.Kind = storage.AssertStatus
		case target == "res.responseTime":
			a.Kind = storage.AssertTime
			if knockOp != "<" {
				knockOp = ""
			}
		case strings.HasPrefix(target, "res.headers."):
			a.Kind, a.Target = storage.AssertHeader, strings.TrimPrefix(target, "res.headers.")
		case target == "res.body":
			a.Kind = storage.AssertBody
			if knockOp != "contains" && knockOp != "matches" {
				knockOp = ""
			}
		case brunoBodyPath.MatchString(target):
			a.Kind, a.Target = storage.AssertJQ, brunoBodyPath.FindStringSubmatch(target)[1]
		default:
			im.skip(row.line, "the assertion on %s cannot be expressed in Knock (status, headers, body, a body path and the response time can)", row.key)
			continue
		}
		if knockOp == "" {
			im.skip(row.line, "the assertion %s: %s uses %q, which Knock has no operator for (==, !=, <, >, contains, matches)", row.key, row.value, op)
			continue
		}
		a.Op = knockOp
		out = append(out, a)
	}
	return out
}

var brunoAssertOps = map[string]bool{"eq": true, "neq": true, "gt": true, "gte": true, "lt": true, "lte": true, "in": true,
	"notIn": true, "contains": true, "notContains": true, "length": true, "matches": true, "notMatches": true,
	"startsWith": true, "endsWith": true, "between": true, "isEmpty": true, "isNotEmpty": true, "isNull": true,
	"isUndefined": true, "isDefined": true, "isTruthy": true, "isFalsy": true, "isJson": true, "isNumber": true,
	"isString": true, "isBoolean": true, "isArray": true}

// scripts keeps the scripts and reports them as not run.
func (im *brunoImporter) scripts(owner string) []storage.Script {
	var out []storage.Script
	for _, s := range []struct{ block, event string }{{"script:pre-request", "prerequest"}, {"script:post-response", "test"}, {"tests", "test"}} {
		if b := im.file.block(s.block); b != nil && strings.TrimSpace(b.text) != "" {
			out = append(out, storage.Script{Event: s.event, Language: "javascript", Text: b.text})
			im.res.Report.NotRun = append(im.res.Report.NotRun, fmt.Sprintf("%s: %s", owner, s.block))
		}
	}
	return out
}

// settings maps the settings block.
func (im *brunoImporter) settings(r *storage.Request) {
	b := im.file.block("settings")
	if b == nil {
		return
	}
	for _, row := range b.rows {
		switch row.key {
		case "followRedirects":
			r.Settings.NoFollow = row.value == "false"
		case "maxRedirects":
			if n, err := strconv.Atoi(row.value); err == nil && n >= 0 {
				r.Settings.MaxRedirects = n
			}
		case "timeout":
			if n, err := strconv.ParseInt(row.value, 10, 64); err == nil && n > 0 {
				r.Settings.TimeoutMs = n
			}
		case "encodeUrl":
			if row.value == "false" {
				im.skip(row.line, "encodeUrl false: Knock sends the URL as typed, encoding only what HTTP requires")
			}
		case "forwardAuthorizationHeader":
			if row.value == "true" {
				im.skip(row.line, "forwardAuthorizationHeader true: Knock never forwards credentials to another host on a redirect")
			}
		default:
			im.skip(row.line, "the setting %s is not known to Knock; ignored", row.key)
		}
	}
}

// examples reads the example blocks: name, description, and the
// response's status and body.
func (im *brunoImporter) examples(r *storage.Request) {
	for _, b := range im.file.blocks {
		if b.name != "example" {
			continue
		}
		ex := storage.Example{}
		inResponse, inStatus, inBody := false, false, false
		for i := 0; i < len(b.raw); i++ {
			t := strings.TrimSpace(b.raw[i])
			indent := len(b.raw[i]) - len(strings.TrimLeft(b.raw[i], " "))
			switch {
			case indent == 2 && strings.HasPrefix(t, "name:"):
				ex.Name = strings.TrimSpace(t[5:])
			case indent == 2 && strings.HasPrefix(t, "response:"):
				inResponse = true
			case indent == 2 && strings.HasSuffix(t, "{"):
				inResponse = false
			case inResponse && indent == 4 && strings.HasPrefix(t, "status:"):
				inStatus, inBody = true, false
			case inResponse && indent == 4 && strings.HasPrefix(t, "body:"):
				inBody, inStatus = true, false
			case inStatus && strings.HasPrefix(t, "code:"):
				ex.Status, _ = strconv.Atoi(strings.TrimSpace(t[5:]))
			case inBody && strings.HasPrefix(t, "type:"):
				ex.ContentType = map[string]string{"json": "application/json", "xml": "application/xml", "text": "text/plain", "html": "text/html"}[strings.TrimSpace(t[5:])]
			case inBody && strings.HasPrefix(t, "content:") && strings.HasSuffix(t, "'''"):
				var lines []string
				j := i + 1
				for ; j < len(b.raw) && strings.TrimSpace(b.raw[j]) != "'''"; j++ {
					lines = append(lines, b.raw[j])
				}
				ex.Body = brunoDedent(lines)
				i = j
			}
		}
		if ex.Name == "" {
			ex.Name = fmt.Sprintf("Example (line %d)", b.line)
		}
		r.Examples = append(r.Examples, ex)
		im.skip(b.line, "the example %q keeps its response; its request is not kept", ex.Name)
	}
}

// brunoDedent removes the indentation common to all non-blank lines.
func brunoDedent(lines []string) string {
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if common < 0 || n < common {
			common = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= common && common > 0 {
			out[i] = l[common:]
		} else {
			out[i] = strings.TrimLeft(l, " ")
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// container maps collection.bru (isColl) or folder.bru.
func (im *brunoImporter) container(isColl bool) error {
	f := im.file
	name, _ := f.block("meta").value("name")
	var headers []storage.KeyValue
	if h := f.block("headers"); h != nil {
		headers = im.headers(h)
	}
	auth := storage.AuthSpec{}
	if a := f.block("auth"); a != nil {
		mode, _ := a.value("mode")
		auth = im.auth(mode, a.line)
	} else {
		for _, b := range f.blocks {
			if strings.HasPrefix(b.name, "auth:") {
				im.skip(b.line, "%s is not active: the file has no auth { mode: … } block", b.name)
			}
		}
	}
	vars := im.vars()
	doc := ""
	if d := f.block("docs"); d != nil {
		doc = d.text
	}
	owner := name
	if owner == "" {
		owner = im.base
	}
	scripts := im.scripts(owner)
	if a := f.block("assert"); a != nil {
		im.skip(a.line, "assertions on a collection or folder are not supported by Knock; not imported")
	}
	for _, b := range f.blocks {
		im.unknown(b)
		if strings.HasPrefix(b.name, "body") || b.name == "params:query" || b.name == "params:path" || b.name == "settings" {
			im.skip(b.line, "the block %s belongs to requests; not imported from a collection or folder file", b.name)
		}
	}
	if isColl {
		if name == "" {
			name = im.base
		}
		c := &storage.Collection{Name: name, Description: doc, Auth: auth, Variables: vars, Headers: headers, Scripts: scripts}
		if c.Auth.Type == storage.AuthInherit {
			im.skip(0, "a collection has nothing to inherit auth from; no auth")
			c.Auth = storage.AuthSpec{}
		}
		im.res.Collection = c
		return nil
	}
	if name == "" {
		name = im.base
	}
	folder := &storage.Folder{Name: name, Description: doc, Auth: auth, Variables: vars, Headers: headers, Scripts: scripts}
	if folder.Auth.Type == "" {
		folder.Auth.Type = storage.AuthInherit
	}
	im.res.Collection = &storage.Collection{Name: name}
	im.res.Items = []storage.TreeItem{{Folder: folder}}
	return nil
}

// environment maps an environment file: vars, and vars:secret (names only).
func (im *brunoImporter) environment() error {
	f := im.file
	env := storage.Environment{Name: im.base}
	if b := f.block("vars"); b != nil {
		for _, row := range b.rows {
			env.Variables = append(env.Variables, storage.Variable{Key: row.key, Value: row.value, Enabled: !row.disabled})
		}
	}
	if b := f.block("vars:secret"); b != nil {
		for _, name := range b.items {
			disabled := strings.HasPrefix(name, "~")
			name = strings.TrimPrefix(name, "~")
			found := false
			for i := range env.Variables {
				if env.Variables[i].Key == name {
					env.Variables[i].Secret, found = true, true
				}
			}
			if !found {
				env.Variables = append(env.Variables, storage.Variable{Key: name, Enabled: !disabled, Secret: true})
			}
		}
		if len(b.items) > 0 {
			im.skip(b.line, "%d secret variables have no value in the file (Bruno keeps them elsewhere): enter them in the environment", len(b.items))
		}
	}
	for _, b := range f.blocks {
		if b.name != "vars" && b.name != "vars:secret" {
			im.skip(b.line, "the block %q does not belong in an environment; not imported", b.name)
		}
	}
	im.res.Environments = []storage.Environment{env}
	return nil
}
