package storage

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage/secrets"
)

// Tests that need a second process re-run the test binary with
// storageHelperEnv set; TestMain then plays that process.
const storageHelperEnv = "KNOCK_STORAGE_TEST_HELPER"

func TestMain(m *testing.M) {
	mode := os.Getenv(storageHelperEnv)
	if mode == "" {
		os.Exit(m.Run())
	}
	if err := runHelper(mode, os.Getenv("KNOCK_TEST_DIR")); err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	os.Exit(0)
}

func runHelper(mode, dir string) error {
	switch mode {
	case "hold-lock":
		// Hold the database until stdin closes (at most a minute).
		db, err := Open(dir, nil)
		if err != nil {
			return err
		}
		fmt.Println("READY")
		done := make(chan struct{})
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(time.Minute):
		}
		return db.Close()
	case "save-loop":
		// Save requests and print each ID after Save returned, until
		// killed (at most 100,000 saves).
		db, err := Open(dir, nil)
		if err != nil {
			return err
		}
		c := &Collection{Name: "crash"}
		if err := db.CreateCollection(c); err != nil {
			return err
		}
		w := bufio.NewWriter(os.Stdout)
		for i := range 100_000 {
			r := &Request{Name: fmt.Sprint("r", i), Method: "POST", URL: fmt.Sprintf("https://example.test/%d", i), Body: Body{Mode: BodyRaw, Raw: strings.Repeat("x", i%3000)}}
			if err := db.CreateRequest(c.ID, r); err != nil {
				return err
			}
			fmt.Fprintln(w, "SAVED", c.ID, r.ID)
			if err := w.Flush(); err != nil {
				return err
			}
		}
		return db.Close()
	}
	return errors.New("unknown helper mode " + mode)
}

// farFuture is a purge cutoff that takes everything.
var farFuture = time.Now().Add(100 * 365 * 24 * time.Hour)

// helperCmd prepares a child process playing mode on dir.
func helperCmd(t *testing.T, mode, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), storageHelperEnv+"="+mode, "KNOCK_TEST_DIR="+dir)
	cmd.Stderr = os.Stderr
	return cmd
}

// openTest opens a database in a fresh directory with an in-memory
// secret store.
func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	dir := t.TempDir()
	db, err := Open(dir, &Options{Secrets: secrets.NewSession()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db, dir
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// requireKeyring fails when no session bus is there, unless
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

// failingBackend is a keyring that refuses every call, as a locked
// keyring whose unlock was refused does.
type failingBackend struct{ err error }

func (f failingBackend) Set(string, string, string) error   { return f.err }
func (f failingBackend) Get(string, string) (string, error) { return "", f.err }
func (f failingBackend) Delete(string, string) error        { return f.err }

func lockedKeyring() *secrets.Keyring {
	return secrets.NewKeyring(failingBackend{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")})
}

func fileBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return b
}

// dataFiles lists every regular file under dir, temp files included.
func dataFiles(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	must(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() {
			paths = append(paths, p)
		}
		return err
	}))
	return paths
}

// countingStore wraps a store and counts calls, for tests that check
// which secrets a step touched.
type countingStore struct {
	secrets.Store
	mu      sync.Mutex
	deletes []string
}

func (c *countingStore) Delete(ref string) error {
	c.mu.Lock()
	c.deletes = append(c.deletes, ref)
	c.mu.Unlock()
	return c.Store.Delete(ref)
}
