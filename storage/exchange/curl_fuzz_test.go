package exchange

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzCurlParse feeds ParseCurl arbitrary text: it must return a request
// with a method and a URL, or an error, never panic; and a request it
// returns must survive ExportCurl and ParseCurl again.
func FuzzCurlParse(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(curlCorpusDir(f, "curl"), "commands.txt")); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "curl ") {
				f.Add(line)
			}
		}
	}
	for _, s := range []string{"curl $'\\x41\\u00e9\\101' -H \"$A\" https://h", "curl 'a\nb' \\\n -F 'f=@\"x;y\";type=a/b' https://h",
		"curl -:", "curl --next", "curl -u : --negotiate h", "curl -T - h", "curl https://u:p@h/#f", "curl -XGET -G -d@x h", "curl 0000#00000://", "curl -T0 A#00}", "curl 'A://0/ 0000 #'", "curl -X heAd http://0", "curl --expand-url \"#{\"", "curl -X '0000000 ' http://0", "curl 'http://@!!!!! #'"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cmd string) {
		r, warnings, err := ParseCurl(cmd)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		if strings.TrimSpace(r.URL) == "" || r.Method == "" {
			t.Fatalf("no URL or method for %q: %+v", cmd, r)
		}
		_ = warnings
		out := ExportCurl(r, GenOptions{IncludeSecrets: true})
		back, _, err := ParseCurl(out)
		if err != nil {
			t.Fatalf("the export of %q does not parse: %v\n%s", cmd, err, out)
		}
		strip := func(u string) string {
			if i := strings.IndexByte(u, '#'); i >= 0 {
				u = u[:i]
			}
			return strings.TrimSpace(u)
		}
		// A URL kept without a scheme (a glob pattern) may gain http://
		// once its fragment is gone; the others must come back unchanged.
		if back.Method != r.Method || curlHasScheme(r.URL) && strip(back.URL) != strip(r.URL) {
			t.Fatalf("round trip of %q:\n%s\n%s %q, want %s %q", cmd, out, back.Method, back.URL, r.Method, r.URL)
		}
	})
}
