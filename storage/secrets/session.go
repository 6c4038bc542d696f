package secrets

import (
	"fmt"
	"sort"
	"sync"
)

// Session is the Store the user chooses when the keyring cannot be used
// and they do not want a vault: secrets live in this process's memory and
// are gone when Knock exits. References saved meanwhile stay in the
// database; after a restart their values are missing (ErrNotFound) and the
// window asks for them again.
type Session struct {
	mu     sync.RWMutex
	values map[string]string
}

var _ Store = (*Session)(nil)

// NewSession returns an empty in-memory store.
func NewSession() *Session { return &Session{values: map[string]string{}} }

// Kind returns KindSession.
func (s *Session) Kind() Kind { return KindSession }

// Get returns the value under ref.
func (s *Session) Get(ref string) (string, error) {
	if err := checkRef(ref); err != nil {
		return "", err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	v, ok := s.values[ref]
	if !ok {
		return "", fmt.Errorf("secrets: session: %s: %w", ref, ErrNotFound)
	}
	return v, nil
}

// Set stores value under ref.
func (s *Session) Set(ref, value string) error {
	if err := checkRef(ref); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[ref] = value
	return nil
}

// Delete removes ref.
func (s *Session) Delete(ref string) error {
	if err := checkRef(ref); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.values, ref)
	return nil
}

// Refs lists the references held, sorted (to copy them to a vault when
// the user changes store).
func (s *Session) Refs() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.values))
	for k := range s.values {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
