package secrets

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

const helperEnv = "KNOCK_SECRETS_TEST_HELPER"

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		// The lowest cost the vault accepts; TestVaultDefaultCost checks
		// the real one.
		vaultCostN = 1 << 10
		os.Exit(m.Run())
	case "probe":
		// Run by TestKeyringDeadBus in a child process: probe the real
		// backend with whatever bus address the parent set.
		err := NewKeyring(nil).Probe()
		var u *UnavailableError
		switch {
		case err == nil:
			fmt.Println("OK")
		case errors.As(err, &u):
			fmt.Println("UNAVAILABLE " + u.Reason)
		default:
			fmt.Println("ERROR " + err.Error())
		}
		os.Exit(0)
	}
	fmt.Fprintln(os.Stderr, "unknown helper mode")
	os.Exit(2)
}

// requireKeyring fails the test when no session bus is there, unless
// KNOCK_NO_KEYRING=1 says the machine has none on purpose.
func requireKeyring(t *testing.T) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		return
	}
	if os.Getenv("KNOCK_NO_KEYRING") == "1" {
		t.Skip("KNOCK_NO_KEYRING=1: no keyring on this machine")
	}
	t.Fatal("this test needs a real Secret Service: run it inside a private D-Bus session, e.g.\n" +
		"  dbus-run-session -- sh -c 'printf pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null; go test ./storage/...'\n" +
		"or set KNOCK_NO_KEYRING=1 to skip the keyring tests")
}

func testRef(t *testing.T, name string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "knock-test:" + hex.EncodeToString(b[:]) + ":" + name
}

func TestKeyringRoundTrip(t *testing.T) {
	requireKeyring(t)
	k := NewKeyring(nil)
	if err := k.Probe(); err != nil {
		t.Fatalf("Probe: %v", err)
	}
	ref := testRef(t, "password")
	t.Cleanup(func() { _ = k.Delete(ref) })

	if _, err := k.Get(ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Set: err = %v, want ErrNotFound", err)
	}
	for _, v := range []string{"hunter2", "ünïcödé pässwörd ✓", "replaced"} {
		if err := k.Set(ref, v); err != nil {
			t.Fatalf("Set: %v", err)
		}
		got, err := k.Get(ref)
		if err != nil || got != v {
			t.Fatalf("Get = %q, %v; want %q", got, err, v)
		}
	}
	// The item is really in the Secret Service, under service "knock".
	raw, err := keyring.Get(Service, ref)
	if err != nil || raw != "replaced" {
		t.Fatalf("go-keyring Get(%q, %q) = %q, %v", Service, ref, raw, err)
	}
	if err := k.Delete(ref); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(ref); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after Delete: err = %v, want ErrNotFound", err)
	}
	if err := k.Delete(ref); err != nil {
		t.Fatalf("Delete of a missing item: %v", err)
	}
}

func TestKeyringChunksLargeValues(t *testing.T) {
	requireKeyring(t)
	k := NewKeyring(nil)
	ref := testRef(t, "privateKey")
	t.Cleanup(func() { _ = k.Delete(ref) })

	// A 10 KB value of multi-byte characters, like a PEM key with a
	// comment in another script.
	big := strings.Repeat("-----ключ-----\n", 700)
	if err := k.Set(ref, big); err != nil {
		t.Fatalf("Set: %v", err)
	}
	got, err := k.Get(ref)
	if err != nil || got != big {
		t.Fatalf("Get: %d bytes, %v; want %d bytes back", len(got), err, len(big))
	}
	// What the Secret Service holds: a header and chunks of at most
	// MaxItemSize bytes, none of them holding the whole value.
	head, err := keyring.Get(Service, ref)
	if err != nil {
		t.Fatal(err)
	}
	n, _, ok := parseChunkHeader(head)
	if !ok || n != (len(big)+MaxItemSize-1)/MaxItemSize && n != (len(big)+MaxItemSize-1)/MaxItemSize+1 {
		t.Fatalf("header item = %q, want a chunk header for about %d chunks", head, len(big)/MaxItemSize+1)
	}
	var joined strings.Builder
	for i := 1; i <= n; i++ {
		part, err := keyring.Get(Service, chunkRef(ref, i))
		if err != nil {
			t.Fatalf("chunk %d: %v", i, err)
		}
		if len(part) > MaxItemSize {
			t.Errorf("chunk %d is %d bytes, over %d", i, len(part), MaxItemSize)
		}
		joined.WriteString(part)
	}
	if joined.String() != big {
		t.Fatal("chunks do not join to the value")
	}

	// Shrinking the value removes the chunks it no longer needs.
	if err := k.Set(ref, "short"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		if _, err := keyring.Get(Service, chunkRef(ref, i)); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("chunk %d still there after shrinking: %v", i, err)
		}
	}
	if got, _ := k.Get(ref); got != "short" {
		t.Fatalf("Get = %q", got)
	}

	// Delete removes every chunk.
	if err := k.Set(ref, big); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ref); err != nil {
		t.Fatal(err)
	}
	for i := 0; i <= n; i++ {
		user := ref
		if i > 0 {
			user = chunkRef(ref, i)
		}
		if _, err := keyring.Get(Service, user); !errors.Is(err, keyring.ErrNotFound) {
			t.Errorf("%s still there after Delete: %v", user, err)
		}
	}
}

// TestKeyringDeadBus runs the real backend in a child process whose
// DBUS_SESSION_BUS_ADDRESS points at a socket nobody listens on.
func TestKeyringDeadBus(t *testing.T) {
	dead := filepath.Join(t.TempDir(), "no-bus")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=probe", "DBUS_SESSION_BUS_ADDRESS=unix:path="+dead)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	if !strings.HasPrefix(got, "UNAVAILABLE ") || !strings.Contains(got, "cannot connect to the D-Bus session bus") || !strings.Contains(got, dead) {
		t.Fatalf("child said %q; want UNAVAILABLE naming the dead bus %s", got, dead)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("probe took %s; a dead bus must fail fast", d)
	}
}

func TestKeyringNoBusAddress(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	old := runUserDir
	runUserDir = t.TempDir()
	t.Cleanup(func() { runUserDir = old })

	err := NewKeyring(nil).Probe()
	var u *UnavailableError
	if !errors.As(err, &u) || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("Probe = %v; want an *UnavailableError", err)
	}
	if !strings.Contains(u.Reason, "DBUS_SESSION_BUS_ADDRESS is not set") {
		t.Fatalf("Reason = %q", u.Reason)
	}
}

// fakeBackend is an in-memory keyring whose failures a test chooses.
type fakeBackend struct {
	mu    sync.Mutex
	items map[string]string
	err   error         // returned by every call when set
	block chan struct{} // every call waits on it when set
}

func newFake() *fakeBackend { return &fakeBackend{items: map[string]string{}} }

func (f *fakeBackend) wait() error {
	if f.block != nil {
		<-f.block
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *fakeBackend) Set(service, user, password string) error {
	if err := f.wait(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.items[service+"/"+user] = password
	return nil
}

func (f *fakeBackend) Get(service, user string) (string, error) {
	if err := f.wait(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeBackend) Delete(service, user string) error {
	if err := f.wait(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(f.items, service+"/"+user)
	return nil
}

func TestKeyringUnavailableReasons(t *testing.T) {
	const secret = "s3cr3t-value-never-in-errors"
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"locked and refused", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), "locked and unlocking it was refused"},
		{"no secret service", dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown", Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}}, "no Secret Service"},
		{"locked", dbus.Error{Name: "org.freedesktop.Secret.Error.IsLocked"}, "the keyring is locked"},
		{"other", errors.New("something odd"), "the keyring failed: something odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.err = tt.err
			k := NewKeyring(f)
			err := k.Set("ref", secret)
			var u *UnavailableError
			if !errors.As(err, &u) || !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Set = %v; want an *UnavailableError", err)
			}
			if !strings.Contains(u.Reason, tt.want) {
				t.Fatalf("Reason = %q; want it to contain %q", u.Reason, tt.want)
			}
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error %q holds the secret", err)
			}
			if err := k.Probe(); !errors.Is(err, ErrUnavailable) {
				t.Fatalf("Probe = %v; want unavailable", err)
			}
		})
	}
}

func TestKeyringTimeout(t *testing.T) {
	f := newFake()
	f.block = make(chan struct{})
	defer close(f.block)
	k := NewKeyring(f)
	k.SetTimeout(50 * time.Millisecond)
	start := time.Now()
	_, err := k.Get("ref")
	var u *UnavailableError
	if !errors.As(err, &u) || !strings.Contains(u.Reason, "did not answer within 50ms") {
		t.Fatalf("Get = %v; want unavailable after the timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Get returned after %s", d)
	}
}

func TestKeyringChunkIntegrity(t *testing.T) {
	f := newFake()
	k := NewKeyring(f)
	big := strings.Repeat("x", 3*MaxItemSize+10)
	if err := k.Set("ref", big); err != nil {
		t.Fatal(err)
	}
	if len(f.items) != 5 {
		t.Fatalf("%d items for a %d-byte value; want a header and 4 chunks", len(f.items), len(big))
	}
	// A chunk that changed: the checksum catches it.
	f.items[Service+"/"+chunkRef("ref", 2)] = strings.Repeat("y", MaxItemSize)
	if _, err := k.Get("ref"); err == nil || !strings.Contains(err.Error(), "do not add up") {
		t.Fatalf("Get with a changed chunk = %v", err)
	}
	// A chunk that is gone.
	delete(f.items, Service+"/"+chunkRef("ref", 3))
	if _, err := k.Get("ref"); err == nil || !strings.Contains(err.Error(), "chunk 3 of 4 is missing") {
		t.Fatalf("Get with a missing chunk = %v", err)
	}
	// A short value that looks like a header is stored chunked, so it
	// reads back as itself.
	tricky := chunkMagic + "1:" + strings.Repeat("0", 64)
	if err := k.Set("tricky", tricky); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get("tricky"); err != nil || got != tricky {
		t.Fatalf("Get(tricky) = %q, %v", got, err)
	}
}

func TestSplitValue(t *testing.T) {
	for _, s := range []string{"", "a", strings.Repeat("é", 5000), strings.Repeat("a", 4096), "\xff\xfe" + strings.Repeat("€", 3000)} {
		parts := splitValue(s, MaxItemSize)
		if strings.Join(parts, "") != s {
			t.Fatalf("parts of %d bytes do not join", len(s))
		}
		for _, p := range parts {
			if len(p) > MaxItemSize {
				t.Fatalf("part of %d bytes", len(p))
			}
		}
	}
}

func TestBadRefs(t *testing.T) {
	for _, s := range []Store{NewSession(), NewKeyring(newFake())} {
		for _, ref := range []string{"", "a\x00b", "a#chunk1", strings.Repeat("r", 600)} {
			if err := s.Set(ref, "v"); !errors.Is(err, ErrBadRef) {
				t.Errorf("%s: Set(%q) = %v; want ErrBadRef", s.Kind(), ref, err)
			}
		}
	}
}

func TestSessionStore(t *testing.T) {
	s := NewSession()
	if _, err := s.Get("a"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get = %v", err)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref := fmt.Sprintf("r%d", i)
			for j := range 100 {
				if err := s.Set(ref, fmt.Sprint(j)); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Get(ref); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if v, _ := s.Get("r3"); v != "99" {
		t.Fatalf("r3 = %q", v)
	}
	if err := s.Delete("r3"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("r3"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after Delete: %v", err)
	}
}
