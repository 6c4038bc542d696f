package secrets

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

// Service is the keyring service name every Knock item is stored under.
const Service = "knock"

// MaxItemSize is the largest value written to one keyring item. Windows'
// Credential Manager refuses values over 2560 bytes and macOS limits
// service, account and value together to about 3000 bytes; larger secrets
// (PEM private keys, OAuth 2 token sets) are split into chunks of at most
// this many bytes.
const MaxItemSize = 2048

// DefaultTimeout bounds one keyring call. A Secret Service call can wait for
// an unlock prompt; after this long the call is reported as unavailable
// (the call itself keeps waiting in the background and its result is
// dropped).
const DefaultTimeout = 2 * time.Minute

// Chunked values: the item under the reference holds a header,
//
//	"\x00knock-chunked:v1:<count>:<sha256 hex of the whole value>"
//
// and the chunks live under "<ref>#chunk1" … "<ref>#chunk<count>". The NUL
// byte cannot start a value typed by a user; a value that nevertheless
// starts with the header's prefix is stored chunked too, so that reading
// is never ambiguous.
const (
	chunkMagic = "\x00knock-chunked:v1:"
	chunkSep   = "#chunk"
)

// Backend is the part of github.com/zalando/go-keyring that Keyring uses.
// SystemBackend is the real one; tests may inject another to play a keyring
// that refuses.
type Backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// SystemBackend returns the operating system's keyring through go-keyring.
//
// On Linux and the BSDs it first checks that a D-Bus session bus can be
// found the way godbus finds one (DBUS_SESSION_BUS_ADDRESS, or
// /run/user/UID/bus). Without one, godbus would start dbus-launch, which
// leaves a daemon running for every call; SystemBackend reports the keyring
// unavailable instead.
func SystemBackend() Backend { return systemBackend{} }

type systemBackend struct{}

func (systemBackend) Set(service, user, password string) error {
	if err := sessionBusPresent(); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

func (systemBackend) Get(service, user string) (string, error) {
	if err := sessionBusPresent(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

func (systemBackend) Delete(service, user string) error {
	if err := sessionBusPresent(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// runUserDir is where godbus looks for a per-user bus socket; tests
// point it elsewhere.
var runUserDir = "/run/user"

// sessionBusPresent mirrors godbus' search for the session bus, so that it
// never falls through to autolaunch.
func sessionBusPresent() error {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
	default:
		return nil
	}
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" && a != "autolaunch:" {
		return nil
	}
	run := filepath.Join(runUserDir, strconv.Itoa(os.Getuid()))
	for _, f := range []string{"bus", "dbus-session"} {
		if _, err := os.Stat(filepath.Join(run, f)); err == nil {
			return nil
		}
	}
	return &UnavailableError{Reason: "no D-Bus session bus: DBUS_SESSION_BUS_ADDRESS is not set, so no Secret Service can be reached"}
}

// Keyring is the Store backed by the OS keyring: service "knock", one item
// per secret, the reference as the item's user (account) name. Values over
// MaxItemSize bytes are split into chunks.
//
// Every error other than a missing item is reported as an
// *UnavailableError, whose Reason tells the user what is wrong.
type Keyring struct {
	backend Backend
	timeout time.Duration
}

var _ Store = (*Keyring)(nil)

// NewKeyring returns the keyring store over backend; nil means
// SystemBackend().
func NewKeyring(backend Backend) *Keyring {
	if backend == nil {
		backend = SystemBackend()
	}
	return &Keyring{backend: backend, timeout: DefaultTimeout}
}

// SetTimeout changes how long one keyring call may take (DefaultTimeout
// unless changed). Call it before the store is shared.
func (k *Keyring) SetTimeout(d time.Duration) {
	if d > 0 {
		k.timeout = d
	}
}

// Kind returns KindKeyring.
func (k *Keyring) Kind() Kind { return KindKeyring }

// Probe checks that the keyring works by writing, reading back and
// deleting a test item. It returns nil or an *UnavailableError. The window
// calls it once at start (in a goroutine) to decide whether to ask the user
// for another store.
func (k *Keyring) Probe() error {
	var b [8]byte
	_, _ = rand.Read(b[:])
	ref := "knock-probe:" + hex.EncodeToString(b[:])
	const want = "knock keyring probe"
	if err := k.Set(ref, want); err != nil {
		return asUnavailable(err, "the keyring did not accept a test item")
	}
	got, err := k.Get(ref)
	delErr := k.Delete(ref)
	if err != nil {
		return asUnavailable(err, "the keyring did not return a test item")
	}
	if got != want {
		return &UnavailableError{Reason: "the keyring returned a different value for a test item"}
	}
	if delErr != nil {
		return asUnavailable(delErr, "the keyring did not delete a test item")
	}
	return nil
}

func asUnavailable(err error, reason string) error {
	var u *UnavailableError
	if errors.As(err, &u) {
		return u
	}
	return &UnavailableError{Reason: reason + ": " + err.Error(), Err: err}
}

// Get returns the secret stored under ref, joining chunks.
func (k *Keyring) Get(ref string) (string, error) {
	if err := checkRef(ref); err != nil {
		return "", err
	}
	v, err := k.get(ref)
	if err != nil {
		return "", err
	}
	n, sum, chunked := parseChunkHeader(v)
	if !chunked {
		return v, nil
	}
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		part, err := k.get(chunkRef(ref, i))
		if errors.Is(err, ErrNotFound) {
			return "", fmt.Errorf("secrets: keyring: %s: chunk %d of %d is missing", ref, i, n)
		}
		if err != nil {
			return "", err
		}
		sb.WriteString(part)
	}
	out := sb.String()
	if h := sha256.Sum256([]byte(out)); hex.EncodeToString(h[:]) != sum {
		return "", fmt.Errorf("secrets: keyring: %s: the %d chunks do not add up to the stored value (a write was interrupted?)", ref, n)
	}
	return out, nil
}

// Set stores value under ref. A value over MaxItemSize bytes is written as
// chunks first and its header last, so a reader never sees a header whose
// chunks are not there yet; chunks left over from a longer earlier value
// are deleted.
func (k *Keyring) Set(ref, value string) error {
	if err := checkRef(ref); err != nil {
		return err
	}
	oldChunks := 0
	if old, err := k.get(ref); err == nil {
		oldChunks, _, _ = parseChunkHeader(old)
	} else if !errors.Is(err, ErrNotFound) {
		return err
	}
	newChunks := 0
	if len(value) <= MaxItemSize && !strings.HasPrefix(value, chunkMagic) {
		if err := k.set(ref, value); err != nil {
			return err
		}
	} else {
		parts := splitValue(value, MaxItemSize)
		for i, p := range parts {
			if err := k.set(chunkRef(ref, i+1), p); err != nil {
				return err
			}
		}
		sum := sha256.Sum256([]byte(value))
		if err := k.set(ref, chunkMagic+strconv.Itoa(len(parts))+":"+hex.EncodeToString(sum[:])); err != nil {
			return err
		}
		newChunks = len(parts)
	}
	for i := newChunks + 1; i <= oldChunks; i++ {
		if err := k.del(chunkRef(ref, i)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// Delete removes ref and its chunks. A missing item is not an error.
func (k *Keyring) Delete(ref string) error {
	if err := checkRef(ref); err != nil {
		return err
	}
	v, err := k.get(ref)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	n, _, _ := parseChunkHeader(v)
	for i := 1; i <= n; i++ {
		if err := k.del(chunkRef(ref, i)); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	if err := k.del(ref); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}

func chunkRef(ref string, i int) string { return ref + chunkSep + strconv.Itoa(i) }

// parseChunkHeader returns the chunk count and checksum of a header value.
func parseChunkHeader(v string) (n int, sum string, ok bool) {
	rest, found := strings.CutPrefix(v, chunkMagic)
	if !found {
		return 0, "", false
	}
	count, sum, found := strings.Cut(rest, ":")
	if !found {
		return 0, "", false
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > 1<<20 || len(sum) != 64 {
		return 0, "", false
	}
	return n, sum, true
}

// splitValue cuts s into pieces of at most max bytes, at UTF-8 character
// boundaries where s is valid UTF-8 (a keyring may treat values as text).
func splitValue(s string, max int) []string {
	var parts []string
	for len(s) > max {
		cut := max
		for back := 0; back < utf8.UTFMax && cut > 0 && !utf8.RuneStart(s[cut]); back++ {
			cut--
		}
		if cut == 0 || !utf8.RuneStart(s[cut]) {
			cut = max
		}
		parts = append(parts, s[:cut])
		s = s[cut:]
	}
	return append(parts, s)
}

// The raw calls: bounded by the timeout, errors classified.

func (k *Keyring) get(user string) (string, error) {
	var v string
	err := k.call(func() error {
		var err error
		v, err = k.backend.Get(Service, user)
		return err
	})
	if err != nil {
		return "", k.classify("get", user, err)
	}
	return v, nil
}

func (k *Keyring) set(user, value string) error {
	return k.classify("set", user, k.call(func() error { return k.backend.Set(Service, user, value) }))
}

func (k *Keyring) del(user string) error {
	return k.classify("delete", user, k.call(func() error { return k.backend.Delete(Service, user) }))
}

var errCallTimeout = errors.New("keyring call timed out")

func (k *Keyring) call(fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(k.timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return errCallTimeout
	}
}

// classify turns a keyring library error into ErrNotFound, an
// *UnavailableError with a reason for the user, or a plain error. The
// messages name the reference, never the value.
func (k *Keyring) classify(op, ref string, err error) error {
	if err == nil {
		return nil
	}
	var u *UnavailableError
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("secrets: keyring: %s: %w", ref, ErrNotFound)
	case errors.As(err, &u):
		return u
	case errors.Is(err, errCallTimeout):
		return &UnavailableError{Reason: fmt.Sprintf("the keyring did not answer within %s (is an unlock prompt waiting?)", k.timeout), Err: err}
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("secrets: keyring: %s %s: the keyring refused the value's size: %w", op, ref, err)
	}
	return &UnavailableError{Reason: reasonFor(err), Err: err}
}

func reasonFor(err error) string {
	var dbe dbus.Error
	if errors.As(err, &dbe) {
		switch dbe.Name {
		case "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner":
			return "no Secret Service (GNOME Keyring, KWallet, KeePassXC) is running on the session bus"
		case "org.freedesktop.Secret.Error.IsLocked":
			return "the keyring is locked"
		case "org.freedesktop.DBus.Error.AccessDenied":
			return "the Secret Service denied access"
		case "org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout":
			return "the Secret Service did not reply"
		}
		return "the Secret Service refused the request (" + dbe.Name + ")"
	}
	var ne *net.OpError
	var errno syscall.Errno
	msg := err.Error()
	switch {
	case errors.As(err, &ne), errors.As(err, &errno), strings.Contains(msg, "dial unix"):
		return "cannot connect to the D-Bus session bus at " + busAddress() + ": " + msg
	case strings.Contains(msg, "failed to unlock"):
		return "the keyring is locked and unlocking it was refused"
	case strings.HasPrefix(msg, "dbus:"):
		return "the D-Bus session bus failed: " + msg
	}
	return "the keyring failed: " + msg
}

func busAddress() string {
	if a := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); a != "" {
		return a
	}
	return "(not set)"
}
