package bodyview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// docLines returns the doc's rows as display strings (indent included).
func docLines(d *textDoc) []string {
	var out []string
	for i := 0; i < d.rows(); i++ {
		b, indent, _ := d.row(i)
		out = append(out, strings.Repeat(" ", indent)+string(b))
	}
	return out
}

func TestPrettyJSONLayout(t *testing.T) {
	src := []byte(`{"name":"knock","tags":["a", "b"],"empty":{ },"none":[],"n":-1.5e+3,"ok":true,"nil":null,"nested":{"x":{"y":[1,{}]}}}`)
	d, err := prettyJSON(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{`,
		`  "name": "knock",`,
		`  "tags": [`,
		`    "a",`,
		`    "b"`,
		`  ],`,
		`  "empty": {},`,
		`  "none": [],`,
		`  "n": -1.5e+3,`,
		`  "ok": true,`,
		`  "nil": null,`,
		`  "nested": {`,
		`    "x": {`,
		`      "y": [`,
		`        1,`,
		`        {}`,
		`      ]`,
		`    }`,
		`  }`,
		`}`,
	}
	if got := docLines(d); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var ind bytes.Buffer
	if err := json.Indent(&ind, src, "", "  "); err != nil {
		t.Fatal(err)
	}
	if got := d.appendText(nil); !bytes.Equal(got, ind.Bytes()) {
		t.Fatalf("appendText differs from json.Indent:\n%s\nwant\n%s", got, ind.Bytes())
	}
}

func TestPrettyJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		off  int
		want string
	}{
		{`{"a":1,}`, 7, "expected a quoted object key, found '}'"},
		{`{"a" 1}`, 5, "expected ':' after an object key"},
		{`[1,2`, 4, "the JSON ends too early: a closing bracket is missing"},
		{`[1}`, 2, "found '}' where ']' closes the array"},
		{`{"a":"x` + "\x01" + `"}`, 7, "control character U+0001 in a string"},
		{`"\q"`, 1, `invalid escape \q`},
		{`"\u12G4"`, 1, `\u in a string must be followed by four hex digits`},
		{`01`, 1, "expected the end of the JSON, found '1'"},
		{`-`, 0, "a number must start with a digit"},
		{`1.`, 2, "a number needs digits after '.'"},
		{`tru`, 0, "expected a value, found 't'"},
		{`{"a":1 "b":2}`, 7, "expected ',' or '}' after a value in an object"},
		{`"abc`, 0, "a string is not closed"},
	} {
		_, err := prettyJSON(context.Background(), []byte(tc.src), nil)
		var se *jsonSyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%q: got %v, want a syntax error", tc.src, err)
			continue
		}
		if se.Offset != tc.off || !strings.Contains(se.Msg, tc.want) {
			t.Errorf("%q: got %q at %d, want %q at %d", tc.src, se.Msg, se.Offset, tc.want, tc.off)
		}
	}
}

func TestPrettyJSONSequenceAndEmpty(t *testing.T) {
	d, err := prettyJSON(context.Background(), []byte("{\"a\":1}\n{\"a\":2}\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": 1\n}\n{\n  \"a\": 2\n}"
	if got := strings.Join(docLines(d), "\n"); got != want {
		t.Fatalf("NDJSON rows:\n%s\nwant:\n%s", got, want)
	}
	d, err = prettyJSON(context.Background(), []byte(" \n "), nil)
	if err != nil || d.rows() != 0 {
		t.Fatalf("blank body: %d rows, %v; want 0 rows", d.rows(), err)
	}
}

func TestPrettyJSONCutsLongStrings(t *testing.T) {
	long := strings.Repeat("é", maxRowBytes) // 2 bytes each
	src := []byte(`["` + long + `"]`)
	d, err := prettyJSON(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	var joined strings.Builder
	for i := 0; i < d.rows(); i++ {
		b, _, _ := d.row(i)
		if len(b) > maxRowBytes {
			t.Fatalf("row %d is %d bytes, over %d", i, len(b), maxRowBytes)
		}
		if !bytes.Equal(bytes.ToValidUTF8(b, nil), b) {
			t.Fatalf("row %d splits a character", i)
		}
		joined.Write(b)
		if d.lineStart(i) && i > 0 {
			joined.WriteByte('\n')
		}
	}
	if d.rows() < 4 {
		t.Fatalf("%d rows; want the 4 KB string cut into several", d.rows())
	}
	if got := d.appendText(nil); string(got) != "[\n  \""+long+"\"\n]" {
		t.Fatalf("text changed by the cut")
	}
}

func TestIndexLines(t *testing.T) {
	text := []byte("one\r\ntwo\n\n" + strings.Repeat("x", maxRowBytes+10) + "\nlast")
	d := indexLines(context.Background(), text, "", nil)
	got := docLines(d)
	want := []string{"one", "two", "", strings.Repeat("x", maxRowBytes), strings.Repeat("x", 10), "last"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("rows %q, want %q", got, want)
	}
	if r := d.rowOf(bytes.Index(text, []byte("last")) + 2); r != 5 {
		t.Fatalf("rowOf(last) = %d, want 5", r)
	}
	if d.lineStart(4) {
		t.Fatal("row 4 continues row 3, lineStart says it starts a line")
	}
	if d := indexLines(context.Background(), []byte("a\n"), "", nil); d.rows() != 1 {
		t.Fatalf("\"a\\n\" has %d rows, want 1", d.rows())
	}
}

func TestSearch(t *testing.T) {
	text := []byte(`Knock knock, KNOCK! kNoCk-knoc Ünïcode ünïcode ÜNÏCODE αβγ ΑΒΓ aaaa`)
	ctx := context.Background()
	for _, tc := range []struct {
		q    string
		cs   bool
		want int
	}{
		{"knock", false, 4},
		{"knock", true, 1},
		{"KNOCK", true, 1},
		{"knoc", false, 5},
		{"ünïcode", false, 3},
		{"ÜNÏCODE", true, 1},
		{"αβγ", false, 2}, // no ASCII byte: the regexp path
		{"aa", false, 2},  // non-overlapping
		{"!", false, 1},
		{"zzz", false, 0},
	} {
		r := search(ctx, text, []byte(tc.q), tc.cs)
		if r.total != tc.want || len(r.offs) != tc.want {
			t.Errorf("search %q (case %v): %d matches (%d stored), want %d", tc.q, tc.cs, r.total, len(r.offs), tc.want)
		}
		for _, off := range r.offs {
			got := text[off : int(off)+r.qlen]
			if !bytes.EqualFold(got, []byte(tc.q)) {
				t.Errorf("search %q: match at %d is %q", tc.q, off, got)
			}
		}
	}
}

func TestSearchCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	text := bytes.Repeat([]byte("abc "), 4<<20)
	if r := search(ctx, text, []byte("abc"), false); r != nil {
		t.Fatalf("a canceled search returned %d matches", r.total)
	}
}

func FuzzPrettyJSON(f *testing.F) {
	for _, s := range []string{`{"a":[1,2,{"b":null}],"c":"d\"e"}`, `[]`, `[ ]`, `"x"`, `1e5`, `{"a":{}}`, `[1,]`, "{\"\\u00e9\":\"\t\"}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := prettyJSON(context.Background(), src, nil)
		if !json.Valid(src) {
			return // prettyJSON also takes JSON sequences, which json.Valid refuses
		}
		if err != nil {
			t.Fatalf("valid JSON refused: %v", err)
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, src, "", "  "); err != nil {
			t.Fatal(err)
		}
		want := bytes.TrimRight(ind.Bytes(), " \t\r\n")
		if got := d.appendText(nil); !bytes.Equal(got, want) {
			t.Fatalf("differs from json.Indent:\n%q\nwant\n%q", got, want)
		}
		for i := 0; i < d.rows(); i++ {
			if b, _, _ := d.row(i); len(b) > maxRowBytes+16 {
				t.Fatalf("row %d is %d bytes", i, len(b))
			}
		}
	})
}

func FuzzSearch(f *testing.F) {
	f.Add([]byte("Hello hello HELLO"), []byte("hello"))
	f.Add([]byte("ÉCOLE école"), []byte("éc"))
	f.Fuzz(func(t *testing.T, text, q []byte) {
		if len(q) == 0 {
			return
		}
		r := search(context.Background(), text, q, true)
		want := bytes.Count(text, q)
		if r.total != want {
			t.Fatalf("case-sensitive: %d matches, bytes.Count says %d", r.total, want)
		}
		if !isASCII(q) || !isASCII(text) {
			return
		}
		r = search(context.Background(), text, q, false)
		want = bytes.Count(bytes.ToLower(text), bytes.ToLower(q))
		if r.total != want {
			t.Fatalf("case-insensitive: %d matches, want %d", r.total, want)
		}
	})
}
