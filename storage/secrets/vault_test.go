package secrets

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestVaultRoundTrip(t *testing.T) {
	path := VaultPath(t.TempDir())
	const pass = "correct horse battery staple"
	secretsIn := map[string]string{
		"request:0123456789abcdef:auth.password": "hunter2-vault-value",
		"settings:app:proxy.password":            "pr0xy-vault-value",
		"big":                                    strings.Repeat("PRIVATE KEY ", 1000),
	}

	v, err := CreateVault(path, pass)
	if err != nil {
		t.Fatal(err)
	}
	for ref, val := range secretsIn {
		if err := v.Set(ref, val); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Delete("big"); err != nil {
		t.Fatal(err)
	}
	delete(secretsIn, "big")
	if err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Get("x"); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close = %v", err)
	}

	// The file holds no value in plain text, and no temp file is left.
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, val := range []string{"hunter2-vault-value", "pr0xy-vault-value", "PRIVATE KEY", "request:0123"} {
		if bytes.Contains(raw, []byte(val)) {
			t.Errorf("vault file holds %q in plain text", val)
		}
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("vault file mode %v, want 0600", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d files, want only the vault", len(entries))
	}

	if _, err := CreateVault(path, pass); !errors.Is(err, ErrVaultExists) {
		t.Fatalf("CreateVault over an existing vault = %v", err)
	}
	if _, err := OpenVault(path, "wrong passphrase"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("OpenVault with a wrong passphrase = %v", err)
	}
	if _, err := OpenVault(path, ""); !errors.Is(err, ErrEmptyPassphrase) {
		t.Fatalf("OpenVault with no passphrase = %v", err)
	}

	v, err = OpenVault(path, pass)
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range secretsIn {
		if got, err := v.Get(ref); err != nil || got != want {
			t.Fatalf("Get(%s) = %q, %v", ref, got, err)
		}
	}
	if _, err := v.Get("big"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleted value: %v", err)
	}

	if err := v.ChangePassphrase("new passphrase"); err != nil {
		t.Fatal(err)
	}
	_ = v.Close()
	if _, err := OpenVault(path, pass); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("old passphrase after change = %v", err)
	}
	v, err = OpenVault(path, "new passphrase")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := v.Get("settings:app:proxy.password"); got != "pr0xy-vault-value" {
		t.Fatalf("after passphrase change: %q", got)
	}
}

func TestVaultDefaultCost(t *testing.T) {
	old := vaultCostN
	vaultCostN = vaultScryptN
	defer func() { vaultCostN = old }()
	path := VaultPath(t.TempDir())
	v, err := CreateVault(path, "pass")
	if err != nil {
		t.Fatal(err)
	}
	_ = v.Close()
	f, err := parseVaultFile(mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if f.KDF.N != 1<<15 || f.KDF.R != 8 || f.KDF.P != 1 || len(f.KDF.Salt) != 16 {
		t.Fatalf("kdf = %+v; want scrypt N=32768 r=8 p=1 and a 16-byte salt", f.KDF)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVaultTampering(t *testing.T) {
	path := VaultPath(t.TempDir())
	v, err := CreateVault(path, "pass")
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Set("a", "value-a"); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)

	var f map[string]any
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	// Change a header field the seal covers: the cost parameter r.
	f["kdf"].(map[string]any)["r"] = 9
	changed, _ := json.Marshal(f)
	if err := os.WriteFile(path, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenVault(path, "pass"); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("changed header: %v", err)
	}

	// Flip one byte of the sealed data.
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	data := []byte(f["data"].(string))
	data[10] ^= 1
	f["data"] = string(data)
	changed, _ = json.Marshal(f)
	_ = os.WriteFile(path, changed, 0o600)
	if _, err := OpenVault(path, "pass"); err == nil {
		t.Fatal("changed data opened")
	}

	for name, content := range map[string]string{
		"garbage":  "\x00\x01garbage",
		"not ours": `{"format":"other","version":1}`,
		"huge N":   `{"format":"knock-vault","version":1,"cipher":"xchacha20-poly1305","kdf":{"name":"scrypt","n":1073741824,"r":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","data":"AAAAAAAAAAAAAAAAAAAAAA=="}`,
		"empty":    "",
	} {
		_ = os.WriteFile(path, []byte(content), 0o600)
		_, err := OpenVault(path, "pass")
		if !errors.Is(err, ErrVaultDamaged) {
			t.Errorf("%s: OpenVault = %v; want ErrVaultDamaged", name, err)
		} else if !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestVaultConcurrent(t *testing.T) {
	v, err := CreateVault(VaultPath(t.TempDir()), "pass")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref := string(rune('a' + i))
			for j := range 10 {
				if err := v.Set(ref, strings.Repeat(ref, j+1)); err != nil {
					t.Error(err)
					return
				}
				if _, err := v.Get(ref); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if got, _ := v.Get("c"); got != strings.Repeat("c", 10) {
		t.Fatalf("c = %q", got)
	}
}

// FuzzParseVaultFile feeds arbitrary bytes to the vault file parser, which
// must reject them with an error and never panic or accept an absurd cost.
func FuzzParseVaultFile(f *testing.F) {
	f.Add([]byte(`{"format":"knock-vault","version":1,"cipher":"xchacha20-poly1305","kdf":{"name":"scrypt","n":1024,"r":8,"p":1,"salt":"AAAAAAAAAAAAAAAAAAAAAA=="},"nonce":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","data":"AAAAAAAAAAAAAAAAAAAAAA=="}`))
	f.Add([]byte(`{}`))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		vf, err := parseVaultFile(raw)
		if err != nil {
			return
		}
		if vf.KDF.N > 1<<22 || vf.KDF.R > 32 || vf.KDF.P > 16 {
			t.Fatalf("accepted cost n=%d r=%d p=%d", vf.KDF.N, vf.KDF.R, vf.KDF.P)
		}
		// Opening with some key must fail cleanly (or succeed), not panic.
		_, _ = openVaultData(make([]byte, vaultKeyLen), vf)
	})
}
