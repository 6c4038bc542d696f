package cli

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/authlib"
)

func methodsForHelpTest() []authlib.Method { return authlib.Methods() }

func TestSendTLSVerificationFlags(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("secure"))
	}))
	defer srv.Close()

	code, _, errs := knock(t, "send", srv.URL)
	if code != 1 || !strings.Contains(errs, "unknown authority") && !strings.Contains(errs, "self-signed") {
		t.Fatalf("want a verification failure, got exit %d %q", code, errs)
	}
	wantContains(t, "stderr", errs, "--cacert")
	wantContains(t, "stderr", errs, "--insecure")

	code, out, errs := knock(t, "send", "--insecure", srv.URL)
	if code != 0 || !strings.HasSuffix(out, "secure") {
		t.Fatalf("--insecure: exit %d %q %q", code, out, errs)
	}
	wantContains(t, "stderr", errs, "TLS certificate verification is off")

	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	code, out, errs = knock(t, "send", "--cacert", ca, srv.URL)
	if code != 0 || !strings.HasSuffix(out, "secure") {
		t.Fatalf("--cacert: exit %d %q %q", code, out, errs)
	}
}
