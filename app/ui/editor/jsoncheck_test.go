package editor

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckJSON(t *testing.T) {
	tests := []struct {
		name string
		text string
		want string // "" for valid
	}{
		{"blank", "  \n", ""},
		{"object", `{"a": [1, 2, {"b": null}]}`, ""},
		{"variable as a value", `{"id": {{id}}, "name": "{{name}}"}`, ""},
		{"trailing comma", "{\n  \"a\": 1,\n}", "invalid JSON at line 3, column 1: invalid character '}' looking for beginning of object key string"},
		{"missing colon", `{"a" 1}`, "invalid JSON at line 1, column 6: invalid character '1' after object key"},
		{"unterminated", "{\"a\": [1, 2", "invalid JSON at line 1, column 12: unexpected end of JSON input"},
		{"columns count characters", "{\"é\": x}", "invalid JSON at line 1, column 7: invalid character 'x' looking for beginning of value"},
		{"garbage after value", "{} x", "invalid JSON at line 1, column 4: invalid character 'x' after top-level value"},
		{"variable cannot hide an error", `{"id": {{id}} "x"}`, "invalid JSON at line 1, column 15: invalid character '\"' after object key:value pair"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkJSON(tt.text)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("checkJSON(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestPrettyJSON(t *testing.T) {
	in := `{"a":[1,2,{}],"s":"x, {y}: \"z\"","e":[ ],"id":{{id}},"o":{"k":true}}`
	want := `{
  "a": [
    1,
    2,
    {}
  ],
  "s": "x, {y}: \"z\"",
  "e": [],
  "id": {{id}},
  "o": {
    "k": true
  }
}`
	if got := prettyJSON(in); got != want {
		t.Errorf("prettyJSON =\n%s\nwant\n%s", got, want)
	}
	// Without variables the result is what encoding/json makes of it.
	plain := `{"a":[1,2,{"b":"c d"}],"n":-1.5e3,"u":"\u00e9"}`
	ref, err := json.MarshalIndent(json.RawMessage(plain), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if got := prettyJSON(plain); got != string(ref) {
		t.Errorf("prettyJSON =\n%s\nencoding/json:\n%s", got, ref)
	}
}

func FuzzPrettyJSON(f *testing.F) {
	for _, s := range []string{`{}`, `[1,{"a":"b"}]`, `{"x":{{v}}}`, `"s\"t"`, `[[],[{}]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if checkJSON(s) != nil || strings.TrimSpace(s) == "" {
			return
		}
		p := prettyJSON(s)
		if err := checkJSON(p); err != nil {
			t.Fatalf("pretty output of %q is invalid: %v\n%s", s, err, p)
		}
		if prettyJSON(p) != p {
			t.Fatalf("prettyJSON is not stable for %q", s)
		}
	})
}
