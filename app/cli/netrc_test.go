package cli

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSendUsesNetrcWhenNoAuthIsGiven(t *testing.T) {
	srv := newRecordingServer(t, func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "netrc-user" || p != "netrc pass" {
			w.WriteHeader(401)
			return
		}
		fmt.Fprint(w, "hi netrc")
	})
	host := mustHostname(t, srv.URL)
	netrc := filepath.Join(t.TempDir(), "netrc")
	os.WriteFile(netrc, []byte("machine "+host+"\n  login netrc-user\n  password \"netrc pass\"\n"), 0o600)
	t.Setenv("NETRC", netrc)

	code, out, errs := knock(t, "send", srv.URL)
	if code != 0 || !strings.HasSuffix(out, "hi netrc") {
		t.Fatalf("netrc not used: exit %d, %q, %q", code, out, errs)
	}
	code, out, _ = knock(t, "send", "--no-netrc", srv.URL)
	if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 401") {
		t.Errorf("--no-netrc still sent credentials: exit %d, %q", code, out)
	}
	if got := srv.last(t).Header.Get("Authorization"); got != "" {
		t.Errorf("--no-netrc sent Authorization %q", got)
	}
	code, out, _ = knock(t, "send", "-u", "other:pw", srv.URL)
	if code != 0 || !strings.HasPrefix(out, "HTTP/1.1 401") {
		t.Errorf("an explicit -u must win over netrc: %q", out)
	}

	os.WriteFile(netrc, []byte("machine "+host+"\n  login a\n  port 80\n"), 0o600)
	code, _, errs = knock(t, "send", "--auth", "netrc", srv.URL)
	if code != 1 || !strings.Contains(errs, netrc+":3") {
		t.Errorf("a malformed netrc chosen explicitly must fail naming file and line: exit %d, %q", code, errs)
	}
	code, _, errs = knock(t, "send", srv.URL)
	if code != 0 || !strings.Contains(errs, "warning") || !strings.Contains(errs, netrc) {
		t.Errorf("a malformed netrc used implicitly must warn and send: exit %d, %q", code, errs)
	}
}

func mustHostname(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Hostname()
}
