package engine

// Bad URLs get specific errors, before anything is sent.

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseURLErrors(t *testing.T) {
	cases := []struct {
		raw  string
		want []string
	}{
		{"", []string{"the URL is empty"}},
		{"   ", []string{"the URL is empty"}},
		{"example.com/path", []string{"no scheme", `did you mean "https://example.com/path"?`}},
		{"localhost:8080/x", []string{"no scheme", `did you mean "http://localhost:8080/x"?`}},
		{"127.0.0.1/x", []string{"no scheme", `"http://127.0.0.1/x"`}},
		{"hppts://example.com", []string{`unknown scheme "hppts"`, `did you mean "https"?`}},
		{"htp://example.com", []string{`unknown scheme "htp"`, `did you mean "http"?`}},
		{"htttps://example.com", []string{`unknown scheme "htttps"`, `did you mean "https"?`}},
		{"HPPTS://example.com", []string{`unknown scheme "HPPTS"`, `did you mean "https"?`}},
		{"ftp://example.com", []string{`scheme "ftp" is not HTTP`, "Knock sends http and https"}},
		{"wss://example.com", []string{`scheme "wss" is not HTTP`}},
		{"xyzzy://example.com", []string{`unknown scheme "xyzzy"`, "Knock sends http and https"}},
		{"http://exa mple.com/", []string{"space at position 11", "%20"}},
		{"http://example.com/a b", []string{"space at position 21"}},
		{"http://example.com/\tx", []string{"space at position 20"}},
		{"http://example.com:0/", []string{`bad port "0"`, "1 to 65535"}},
		{"http://example.com:65536/", []string{`bad port "65536"`, "1 to 65535"}},
		{"http://example.com:abc/", []string{`bad port "abc"`}},
		{"http://example.com:-1/", []string{`bad port "-1"`}},
		{"http://[::1]:99999/", []string{`bad port "99999"`}},
		{"http://[::1/", []string{"IPv6", "']'"}},
		{"http://", []string{"no host"}},
		{"https:///path", []string{"no host"}},
		{"http://user:pw@/x", []string{"no host"}},
		{"http://:8080/", []string{"no host"}},
		{"http://?q=1", []string{"no host"}},
		{"http://exa%zzmple.com/", []string{"bad URL"}},
	}
	for _, tc := range cases {
		u, err := ParseURL(tc.raw)
		if err == nil {
			t.Errorf("ParseURL(%q) = %v, want an error", tc.raw, u)
			continue
		}
		var ue *URLError
		if !errors.As(err, &ue) {
			t.Errorf("ParseURL(%q): %T is not a *URLError", tc.raw, err)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ParseURL(%q) = %q, want it to mention %q", tc.raw, err, w)
			}
		}
	}
}

func TestParseURLAccepts(t *testing.T) {
	cases := map[string]string{
		"http://example.com":                "http://example.com",
		"HTTPS://Example.com:8443/a?b=c#d":  "https://Example.com:8443/a?b=c#d",
		"  https://example.com/x  ":         "https://example.com/x",
		"http://[::1]:8080/":                "http://[::1]:8080/",
		"http://user:p%40ss@example.com/":   "http://user:p%40ss@example.com/",
		"http://example.com:65535/":         "http://example.com:65535/",
		"http://example.com:/":              "http://example.com:/",
		"http://例え.jp/パス":                   "http://%E4%BE%8B%E3%81%88.jp/%E3%83%91%E3%82%B9",
		"https://example.com/a%2Fb?q=%20x":  "https://example.com/a%2Fb?q=%20x",
		"http://127.0.0.1:1/{{not-a-var}}/": "http://127.0.0.1:1/%7B%7Bnot-a-var%7D%7D/",
	}
	for raw, want := range cases {
		u, err := ParseURL(raw)
		if err != nil {
			t.Errorf("ParseURL(%q): %v", raw, err)
			continue
		}
		if got := u.String(); got != want {
			t.Errorf("ParseURL(%q) = %q, want %q", raw, got, want)
		}
	}
}

func TestParseURLErrorsHideThePassword(t *testing.T) {
	for _, raw := range []string{"http://user:s3cret@host:0/", "hppts://user:s3cret@host/", "http://user:s3cret@ho st/", "http://user:s3cret@/x", "http://user:s3cret@[::1/"} {
		_, err := ParseURL(raw)
		if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "user:xxxxx@") {
			t.Errorf("ParseURL(%q) = %v: want an error with the password hidden", raw, err)
		}
	}
}

func TestBadURLIsRefusedBeforeSending(t *testing.T) {
	srv := newRecServer(t, nil)
	e := newTestEngine(t)
	sendErr(t, e, get("hppts://"+strings.TrimPrefix(srv.URL, "http://")), Options{}, KindURL, `unknown scheme "hppts"`, `"https"`)
	sendErr(t, e, get(strings.TrimPrefix(srv.URL, "http://")), Options{}, KindURL, "no scheme", `"http://127.0.0.1`)
	sendErr(t, e, get(srv.URL+":0"), Options{}, KindURL)
	sendErr(t, e, get("http://{{host}}/"), Options{Vars: Variables{Globals: map[string]string{"host": "a b"}}}, KindURL, "space")
	if srv.count() != 0 {
		t.Errorf("a bad URL reached the server %d times", srv.count())
	}
}

func TestEditDistance(t *testing.T) {
	cases := []struct {
		a, b string
		want int
	}{{"hppts", "https", 2}, {"htpts", "https", 1}, {"htpp", "http", 1}, {"", "http", 4}, {"http", "http", 0}, {"ftp", "http", 2}, {"sptth", "https", 4}}
	for _, tc := range cases {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

// FuzzParseURL checks that ParseURL never panics, and that what it
// accepts is an http or https URL with a host and a valid port.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"http://example.com", "hppts://x", "http://[::1]:8080/", "http://a:0", "http://:80", "example.com",
		"http://user:pw@host:1/p?q#f", "http://[fe80::1%25en0]/", "https://%zz", "://", "http://[", "ht\x00tp://x",
		"http://a@b@c/", "HTTP://X:65535", strings.Repeat("h", 300) + "://x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseURL(raw)
		if err != nil {
			var ue *URLError
			if !errors.As(err, &ue) {
				t.Fatalf("ParseURL(%q): error %T is not a *URLError", raw, err)
			}
			if utf8.ValidString(raw) && err.Error() == "" {
				t.Fatalf("empty message")
			}
			return
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("ParseURL(%q) accepted scheme %q", raw, u.Scheme)
		}
		if u.Hostname() == "" {
			t.Fatalf("ParseURL(%q) accepted an empty host", raw)
		}
		if p := u.Port(); p != "" {
			if n := atoiOr(p, -1); n < 1 || n > 65535 {
				t.Fatalf("ParseURL(%q) accepted port %q", raw, p)
			}
		}
	})
}

func atoiOr(s string, def int) int {
	n := 0
	if s == "" || len(s) > 6 {
		return def
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return def
		}
		n = n*10 + int(c-'0')
	}
	return n
}
