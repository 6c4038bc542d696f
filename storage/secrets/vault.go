package secrets

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/scrypt"
)

// VaultFile is the vault's file name in the data directory.
const VaultFile = "vault.knock"

// VaultPath returns the vault's path in dataDir.
func VaultPath(dataDir string) string { return filepath.Join(dataDir, VaultFile) }

// The vault file is JSON:
//
//	{"format":"knock-vault","version":1,
//	 "kdf":{"name":"scrypt","n":32768,"r":8,"p":1,"salt":"<base64>"},
//	 "cipher":"xchacha20-poly1305","nonce":"<base64>","data":"<base64>"}
//
// The key is scrypt(passphrase, salt, n, r, p) (32 bytes). data is the
// XChaCha20-Poly1305 seal of {"secrets":{ref: value, …}} under a fresh
// random 24-byte nonce at every write, with the JSON of the format,
// version, kdf and cipher fields as additional data, so that a changed
// header fails to open like a wrong passphrase does.
const (
	vaultFormat  = "knock-vault"
	vaultVersion = 1
	vaultCipher  = "xchacha20-poly1305"
	vaultKDF     = "scrypt"

	// scrypt cost: the parameters x/crypto/scrypt recommends for
	// interactive logins (about 100 ms and 32 MiB here).
	vaultScryptN = 1 << 15
	vaultScryptR = 8
	vaultScryptP = 1
	vaultSaltLen = 16
	vaultKeyLen  = chacha20poly1305.KeySize
)

// vaultCostN is the scrypt N for new vaults; the package's tests lower
// it, since the race detector makes scrypt fifty times slower.
var vaultCostN = vaultScryptN

type vaultKDFParams struct {
	Name string `json:"name"`
	N    int    `json:"n"`
	R    int    `json:"r"`
	P    int    `json:"p"`
	Salt []byte `json:"salt"`
}

type vaultHeader struct {
	Format  string         `json:"format"`
	Version int            `json:"version"`
	KDF     vaultKDFParams `json:"kdf"`
	Cipher  string         `json:"cipher"`
}

type vaultFileJSON struct {
	vaultHeader
	Nonce []byte `json:"nonce"`
	Data  []byte `json:"data"`
}

type vaultPayload struct {
	Secrets map[string]string `json:"secrets"`
}

// Vault is the Store kept in an encrypted file (DATA/vault.knock), for
// users whose keyring cannot be used. The passphrase is turned into a key
// with scrypt, and the file is sealed with XChaCha20-Poly1305. Every Set
// and Delete rewrites the file through a temporary file and a rename, so
// the file on disk is always a whole, sealed vault.
//
// The values are held in memory while the vault is open; Close forgets
// them and the key.
type Vault struct {
	mu     sync.Mutex
	path   string
	header vaultHeader
	key    []byte
	values map[string]string
}

var _ Store = (*Vault)(nil)

// VaultExists reports whether a vault file is at path.
func VaultExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// CreateVault creates an empty vault at path, sealed with a key derived
// from passphrase. It fails with ErrVaultExists when the file exists. It
// blocks for the key derivation (about 100 ms).
func CreateVault(path, passphrase string) (*Vault, error) {
	if passphrase == "" {
		return nil, ErrEmptyPassphrase
	}
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("%w: %s", ErrVaultExists, path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("secrets: vault: %w", err)
	}
	salt := make([]byte, vaultSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, fmt.Errorf("secrets: vault: random salt: %w", err)
	}
	h := vaultHeader{
		Format:  vaultFormat,
		Version: vaultVersion,
		KDF:     vaultKDFParams{Name: vaultKDF, N: vaultCostN, R: vaultScryptR, P: vaultScryptP, Salt: salt},
		Cipher:  vaultCipher,
	}
	key, err := deriveVaultKey(passphrase, h.KDF)
	if err != nil {
		return nil, err
	}
	v := &Vault{path: path, header: h, key: key, values: map[string]string{}}
	if err := v.writeLocked(v.values); err != nil {
		return nil, err
	}
	return v, nil
}

// OpenVault opens the vault at path with passphrase. A wrong passphrase
// gives ErrWrongPassphrase; a file that is not a vault gives
// ErrVaultDamaged. It blocks for the key derivation.
func OpenVault(path, passphrase string) (*Vault, error) {
	if passphrase == "" {
		return nil, ErrEmptyPassphrase
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secrets: vault: %w", err)
	}
	f, err := parseVaultFile(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrVaultDamaged, path, err)
	}
	key, err := deriveVaultKey(passphrase, f.KDF)
	if err != nil {
		return nil, err
	}
	values, err := openVaultData(key, f)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, path)
	}
	return &Vault{path: path, header: f.vaultHeader, key: key, values: values}, nil
}

// parseVaultFile reads and checks the file's JSON without any secret: the
// header fields and the sizes of nonce and data.
func parseVaultFile(raw []byte) (*vaultFileJSON, error) {
	var f vaultFileJSON
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("not JSON: %v", err)
	}
	switch {
	case f.Format != vaultFormat:
		return nil, fmt.Errorf("format is %q, want %q", f.Format, vaultFormat)
	case f.Version != vaultVersion:
		return nil, fmt.Errorf("version %d; this Knock reads version %d", f.Version, vaultVersion)
	case f.Cipher != vaultCipher:
		return nil, fmt.Errorf("cipher %q is not supported", f.Cipher)
	case f.KDF.Name != vaultKDF:
		return nil, fmt.Errorf("key derivation %q is not supported", f.KDF.Name)
	case f.KDF.N < 1<<10 || f.KDF.N > 1<<22 || f.KDF.N&(f.KDF.N-1) != 0:
		return nil, fmt.Errorf("scrypt N=%d is out of range", f.KDF.N)
	case f.KDF.R < 1 || f.KDF.R > 32 || f.KDF.P < 1 || f.KDF.P > 16:
		return nil, fmt.Errorf("scrypt r=%d p=%d is out of range", f.KDF.R, f.KDF.P)
	case len(f.KDF.Salt) < 8 || len(f.KDF.Salt) > 64:
		return nil, fmt.Errorf("salt is %d bytes", len(f.KDF.Salt))
	case len(f.Nonce) != chacha20poly1305.NonceSizeX:
		return nil, fmt.Errorf("nonce is %d bytes, want %d", len(f.Nonce), chacha20poly1305.NonceSizeX)
	case len(f.Data) < chacha20poly1305.Overhead:
		return nil, fmt.Errorf("sealed data is %d bytes, too short", len(f.Data))
	}
	return &f, nil
}

func deriveVaultKey(passphrase string, k vaultKDFParams) ([]byte, error) {
	key, err := scrypt.Key([]byte(passphrase), k.Salt, k.N, k.R, k.P, vaultKeyLen)
	if err != nil {
		return nil, fmt.Errorf("secrets: vault: key derivation: %w", err)
	}
	return key, nil
}

func openVaultData(key []byte, f *vaultFileJSON) (map[string]string, error) {
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("secrets: vault: %w", err)
	}
	ad, err := json.Marshal(f.vaultHeader)
	if err != nil {
		return nil, fmt.Errorf("secrets: vault: %w", err)
	}
	plain, err := aead.Open(nil, f.Nonce, f.Data, ad)
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	defer clear(plain)
	var p vaultPayload
	if err := json.Unmarshal(plain, &p); err != nil {
		// The seal was intact, so this is a bug, not tampering; say so
		// without quoting the plaintext.
		return nil, fmt.Errorf("%w: the sealed contents are not a secret list", ErrVaultDamaged)
	}
	if p.Secrets == nil {
		p.Secrets = map[string]string{}
	}
	return p.Secrets, nil
}

// Kind returns KindVault.
func (v *Vault) Kind() Kind { return KindVault }

// Path returns the vault file's path.
func (v *Vault) Path() string { return v.path }

// Get returns the value under ref.
func (v *Vault) Get(ref string) (string, error) {
	if err := checkRef(ref); err != nil {
		return "", err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.key == nil {
		return "", ErrClosed
	}
	val, ok := v.values[ref]
	if !ok {
		return "", fmt.Errorf("secrets: vault: %s: %w", ref, ErrNotFound)
	}
	return val, nil
}

// Set stores value under ref and rewrites the file.
func (v *Vault) Set(ref, value string) error {
	if err := checkRef(ref); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.key == nil {
		return ErrClosed
	}
	if old, ok := v.values[ref]; ok && old == value {
		return nil
	}
	next := make(map[string]string, len(v.values)+1)
	for k, x := range v.values {
		next[k] = x
	}
	next[ref] = value
	if err := v.writeLocked(next); err != nil {
		return err
	}
	v.values = next
	return nil
}

// Delete removes ref and rewrites the file.
func (v *Vault) Delete(ref string) error {
	if err := checkRef(ref); err != nil {
		return err
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.key == nil {
		return ErrClosed
	}
	if _, ok := v.values[ref]; !ok {
		return nil
	}
	next := make(map[string]string, len(v.values))
	for k, x := range v.values {
		if k != ref {
			next[k] = x
		}
	}
	if err := v.writeLocked(next); err != nil {
		return err
	}
	v.values = next
	return nil
}

// ChangePassphrase re-seals the vault under a key derived from a new
// passphrase with a new salt.
func (v *Vault) ChangePassphrase(passphrase string) error {
	if passphrase == "" {
		return ErrEmptyPassphrase
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.key == nil {
		return ErrClosed
	}
	salt := make([]byte, vaultSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return fmt.Errorf("secrets: vault: random salt: %w", err)
	}
	h := v.header
	h.KDF.Salt = salt
	h.KDF.N = max(h.KDF.N, vaultCostN)
	key, err := deriveVaultKey(passphrase, h.KDF)
	if err != nil {
		return err
	}
	oldH, oldKey := v.header, v.key
	v.header, v.key = h, key
	if err := v.writeLocked(v.values); err != nil {
		v.header, v.key = oldH, oldKey
		return err
	}
	clear(oldKey)
	return nil
}

// Refs lists the references held, sorted.
func (v *Vault) Refs() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]string, 0, len(v.values))
	for k := range v.values {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Close forgets the key and the values. Later calls return ErrClosed.
func (v *Vault) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	clear(v.key)
	v.key = nil
	v.values = nil
	return nil
}

// writeLocked seals values and replaces the file atomically.
func (v *Vault) writeLocked(values map[string]string) error {
	aead, err := chacha20poly1305.NewX(v.key)
	if err != nil {
		return fmt.Errorf("secrets: vault: %w", err)
	}
	plain, err := json.Marshal(vaultPayload{Secrets: values})
	if err != nil {
		return fmt.Errorf("secrets: vault: %w", err)
	}
	defer clear(plain)
	ad, err := json.Marshal(v.header)
	if err != nil {
		return fmt.Errorf("secrets: vault: %w", err)
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(nonce); err != nil {
		return fmt.Errorf("secrets: vault: random nonce: %w", err)
	}
	out, err := json.Marshal(vaultFileJSON{vaultHeader: v.header, Nonce: nonce, Data: aead.Seal(nil, nonce, plain, ad)})
	if err != nil {
		return fmt.Errorf("secrets: vault: %w", err)
	}
	if err := writeFileAtomic(v.path, append(out, '\n')); err != nil {
		return fmt.Errorf("secrets: vault: write %s: %w", v.path, err)
	}
	return nil
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path, so that a crash leaves the old or the new file.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}
