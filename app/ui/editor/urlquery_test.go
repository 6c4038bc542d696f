package editor

import (
	"reflect"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func kv(k, v string) storage.KeyValue { return storage.KeyValue{Key: k, Value: v, Enabled: true} }

func off(k, v string) storage.KeyValue { return storage.KeyValue{Key: k, Value: v} }

func TestSplitDisplayURL(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		base  string
		query []storage.KeyValue
	}{
		{"no query", "https://api.example.com/users", "https://api.example.com/users", nil},
		{"simple", "https://x/y?a=1&b=2", "https://x/y", []storage.KeyValue{kv("a", "1"), kv("b", "2")}},
		{"repeated keys keep order", "https://x/?tag=a&tag=b&x=1&tag=c", "https://x/",
			[]storage.KeyValue{kv("tag", "a"), kv("tag", "b"), kv("x", "1"), kv("tag", "c")}},
		{"empty values", "https://x/?flag&empty=&=novalue", "https://x/",
			[]storage.KeyValue{kv("flag", ""), kv("empty", ""), kv("", "novalue")}},
		{"empty pairs skipped", "https://x/?a=1&&b=2&", "https://x/", []storage.KeyValue{kv("a", "1"), kv("b", "2")}},
		{"trailing question mark", "https://x/y?", "https://x/y", nil},
		{"encoded characters", "https://x/?q=a+b%26c%3Dd&k%3D1=%2B1&path=/a/b", "https://x/",
			[]storage.KeyValue{kv("q", "a b&c=d"), kv("k=1", "+1"), kv("path", "/a/b")}},
		{"value keeps its '='", "https://x/?sig=abc==", "https://x/", []storage.KeyValue{kv("sig", "abc==")}},
		{"malformed escape kept", "https://x/?p=100%&q=%zz", "https://x/", []storage.KeyValue{kv("p", "100%"), kv("q", "%zz")}},
		{"fragment stays in URL", "https://x/y?a=1#top", "https://x/y#top", []storage.KeyValue{kv("a", "1")}},
		{"question mark in fragment", "https://x/y#a?b=1", "https://x/y#a?b=1", nil},
		{"variables in query", "{{base}}/users?token={{token}}&{{k}}={{v+w}}", "{{base}}/users",
			[]storage.KeyValue{kv("token", "{{token}}"), kv("{{k}}", "{{v+w}}")}},
		{"variable holding ? & = #", "https://x/?a={{x?y&z=1#2}}", "https://x/", []storage.KeyValue{kv("a", "{{x?y&z=1#2}}")}},
		{"unicode", "https://x/?naïve=日本", "https://x/", []storage.KeyValue{kv("naïve", "日本")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, query, _ := splitDisplayURL(tt.text)
			if base != tt.base {
				t.Errorf("base = %q, want %q", base, tt.base)
			}
			if !reflect.DeepEqual(query, tt.query) {
				t.Errorf("query = %#v, want %#v", query, tt.query)
			}
		})
	}
}

func TestDisplayURL(t *testing.T) {
	tests := []struct {
		name   string
		base   string
		params []storage.KeyValue
		want   string
	}{
		{"no params", "https://x/y", nil, "https://x/y"},
		{"disabled rows left out", "https://x/y", []storage.KeyValue{kv("a", "1"), off("b", "2"), kv("c", "")}, "https://x/y?a=1&c="},
		{"repeated keys", "https://x/", []storage.KeyValue{kv("t", "1"), kv("t", "2")}, "https://x/?t=1&t=2"},
		{"escapes only what matters", "https://x/", []storage.KeyValue{kv("q", "a b&c=d/e?f"), kv("k=1", "50%+#")},
			"https://x/?q=a+b%26c=d/e?f&k%3D1=50%25%2B%23"},
		{"fragment after query", "https://x/y#top", []storage.KeyValue{kv("a", "1")}, "https://x/y?a=1#top"},
		{"variables kept as written", "{{base}}/u", []storage.KeyValue{kv("{{k}}", "{{a b+c}}"), kv("x", "pre {{v}} post")},
			"{{base}}/u?{{k}}={{a b+c}}&x=pre+{{v}}+post"},
		{"control bytes", "https://x/", []storage.KeyValue{kv("n", "a\nb\tc")}, "https://x/?n=a%0Ab%09c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := displayURL(tt.base, tt.params); got != tt.want {
				t.Errorf("displayURL = %q, want %q", got, tt.want)
			}
			// What the entry shows reads back to the same enabled rows.
			base, query, _ := splitDisplayURL(displayURL(tt.base, tt.params))
			if base != tt.base {
				t.Errorf("round trip base = %q, want %q", base, tt.base)
			}
			var enabled []storage.KeyValue
			for _, p := range tt.params {
				if p.Enabled {
					enabled = append(enabled, p)
				}
			}
			if !reflect.DeepEqual(query, enabled) {
				t.Errorf("round trip rows = %#v, want %#v", query, enabled)
			}
		})
	}
}

func TestMergeQuery(t *testing.T) {
	tests := []struct {
		name        string
		old, parsed []storage.KeyValue
		want        []storage.KeyValue
	}{
		{"first query", nil, []storage.KeyValue{kv("a", "1")}, []storage.KeyValue{kv("a", "1")}},
		{"disabled rows stay in place", []storage.KeyValue{kv("a", "1"), off("b", "2"), kv("c", "3")},
			[]storage.KeyValue{kv("a", "10"), kv("c", "30")},
			[]storage.KeyValue{kv("a", "10"), off("b", "2"), kv("c", "30")}},
		{"new pair appended", []storage.KeyValue{off("x", ""), kv("a", "1")},
			[]storage.KeyValue{kv("a", "1"), kv("b", "")},
			[]storage.KeyValue{off("x", ""), kv("a", "1"), kv("b", "")}},
		{"removed pair dropped, disabled kept", []storage.KeyValue{kv("a", "1"), kv("b", "2"), off("z", "9")},
			[]storage.KeyValue{kv("a", "1")},
			[]storage.KeyValue{kv("a", "1"), off("z", "9")}},
		{"query cleared", []storage.KeyValue{kv("a", "1"), off("z", "9")}, nil, []storage.KeyValue{off("z", "9")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeQuery(tt.old, tt.parsed); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("mergeQuery = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestMergeQueryKeepsSecretRefOfSameKey(t *testing.T) {
	old := []storage.KeyValue{{Key: "api_key", Value: "s3cret", Enabled: true, SecretRef: "ref-1"}, {Key: "a", Value: "1", Enabled: true, SecretRef: "ref-2"}}
	got := mergeQuery(old, []storage.KeyValue{kv("api_key", "changed"), kv("b", "1")})
	if got[0].SecretRef != "ref-1" {
		t.Errorf("row with the same key lost its secret reference: %#v", got[0])
	}
	if got[1].SecretRef != "" {
		t.Errorf("row whose key changed kept the old secret reference: %#v", got[1])
	}
}

func TestNormalizeURL(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		params   []storage.KeyValue
		wantURL  string
		wantRows []storage.KeyValue
	}{
		{"nothing to do", "https://x/y", []storage.KeyValue{kv("a", "1")}, "https://x/y", []storage.KeyValue{kv("a", "1")}},
		{"query moves to params", "https://x/y?a=1&b=2", nil, "https://x/y", []storage.KeyValue{kv("a", "1"), kv("b", "2")}},
		{"postman duplicate dropped", "https://x/y?a=1", []storage.KeyValue{kv("a", "1"), off("d", "")},
			"https://x/y", []storage.KeyValue{kv("a", "1"), off("d", "")}},
		{"different params kept after the query", "https://x/y?a=1#f", []storage.KeyValue{kv("b", "2")},
			"https://x/y#f", []storage.KeyValue{kv("a", "1"), kv("b", "2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, rows := normalizeURL(tt.url, tt.params)
			if u != tt.wantURL || !reflect.DeepEqual(rows, tt.wantRows) {
				t.Errorf("normalizeURL = %q %#v, want %q %#v", u, rows, tt.wantURL, tt.wantRows)
			}
		})
	}
}

// FuzzQueryRoundTrip checks that any key and value shown in the URL entry
// reads back unchanged.
func FuzzQueryRoundTrip(f *testing.F) {
	for _, s := range []string{"", "a b", "a&b=c", "%zz", "{{x}}", "{{a&b}}=", "50%+#", "{{", "}}{{x}", "é\x00"} {
		f.Add(s, s+"v")
	}
	f.Fuzz(func(t *testing.T, k, v string) {
		text := displayURL("https://x/p", []storage.KeyValue{kv(k, v), kv("z", "1")})
		base, rows, _ := splitDisplayURL(text)
		if base != "https://x/p" {
			t.Fatalf("%q: base %q", text, base)
		}
		want := []storage.KeyValue{kv(k, v), kv("z", "1")}
		if !reflect.DeepEqual(rows, want) {
			t.Fatalf("%q: rows %#v, want %#v", text, rows, want)
		}
	})
}
