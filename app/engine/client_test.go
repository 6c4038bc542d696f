package engine

import (
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func TestHTTPClientUsesTheRequestsTLSSettings(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "token") }))
	defer srv.Close()
	e := newTestEngine(t)
	if _, err := e.HTTPClient(storage.Settings{}, nil).Get(srv.URL); err == nil {
		t.Fatal("a self-signed server was trusted without a CA file")
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	resp, err := e.HTTPClient(storage.Settings{CAFile: ca}, nil).Get(srv.URL)
	if err != nil {
		t.Fatalf("with the CA file: %v", err)
	}
	resp.Body.Close()
	resp, err = e.HTTPClient(storage.Settings{Insecure: true}, nil).Get(srv.URL)
	if err != nil {
		t.Fatalf("insecure: %v", err)
	}
	resp.Body.Close()
}
