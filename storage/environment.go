package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// GlobalsID is the ID of the one environment that holds the global
// variables, resolved after the environment's and the collection's.
const GlobalsID = "globals"

// Environment is a named set of variables. CollectionID ties it to one
// collection; "" makes it usable with any. The globals are the environment
// with ID GlobalsID.
type Environment struct {
	ID           string     `json:"id"`
	Name         string     `json:"name"`
	CollectionID string     `json:"collectionId,omitempty"`
	Variables    []Variable `json:"variables,omitempty"`
}

// Environments lists the environments of a collection (collectionID "":
// the ones not tied to a collection, without the globals), by name.
func (db *DB) Environments(collectionID string) ([]Environment, error) {
	var out []Environment
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bEnvironments).ForEach(func(k, v []byte) error {
			var e Environment
			if err := decodeDoc(v, &e, "environment", string(k)); err != nil {
				return err
			}
			if e.ID != GlobalsID && e.CollectionID == collectionID {
				out = append(out, e)
			}
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, err
}

// Environment returns one environment, with secret references.
func (db *DB) Environment(id string) (*Environment, error) {
	var e Environment
	err := db.view(func(tx *bolt.Tx) error {
		return decodeDoc(tx.Bucket(bEnvironments).Get([]byte(id)), &e, "environment", id)
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// Globals returns the global variables (an empty environment before the
// first save).
func (db *DB) Globals() (*Environment, error) {
	e, err := db.Environment(GlobalsID)
	if errors.Is(err, ErrNotFound) {
		return &Environment{ID: GlobalsID, Name: "Globals"}, nil
	}
	return e, err
}

// SaveEnvironment creates or updates an environment (an empty ID is
// assigned). Values of variables marked secret move to the secret store.
func (db *DB) SaveEnvironment(e *Environment) error {
	if e.ID == "" {
		e.ID = newID()
	}
	if e.ID == GlobalsID {
		e.CollectionID = ""
	}
	owner := ownerOf(ownerKindEnv, e.ID)
	doc := cloneJSON(e)
	docSlots := varSlots(doc.Variables, "variable")
	if err := db.dehydrate(docSlots, owner, true); err != nil {
		return err
	}
	var stale []string
	err := db.update(func(tx *bolt.Tx) error {
		if doc.CollectionID != "" && collBucket(tx, doc.CollectionID) == nil {
			return fmt.Errorf("%w: collection %s", ErrNotFound, doc.CollectionID)
		}
		envs := tx.Bucket(bEnvironments)
		if raw := envs.Get([]byte(e.ID)); raw != nil {
			var old Environment
			if err := json.Unmarshal(raw, &old); err == nil {
				stale = staleRefs(ownedRefs(varSlots(old.Variables, "variable"), owner), ownedRefs(docSlots, owner))
			}
		}
		return putJSON(envs, []byte(e.ID), doc)
	})
	if err != nil {
		return err
	}
	copyRefs(varSlots(e.Variables, "variable"), docSlots)
	_ = db.deleteRefs(stale)
	return nil
}

// DeleteEnvironment deletes an environment and its secrets at once (there
// is no trash for environments on their own).
func (db *DB) DeleteEnvironment(id string) error {
	var refs []string
	err := db.update(func(tx *bolt.Tx) error {
		envs := tx.Bucket(bEnvironments)
		var e Environment
		if err := decodeDoc(envs.Get([]byte(id)), &e, "environment", id); err != nil {
			return err
		}
		refs = ownedRefs(varSlots(e.Variables, "variable"), ownerOf(ownerKindEnv, id))
		return envs.Delete([]byte(id))
	})
	if err != nil {
		return err
	}
	return db.deleteRefs(refs)
}

// CookieRecord is one cookie of a collection's jar, as the engine persists
// it. A zero Expires is a session cookie.
type CookieRecord struct {
	Name     string    `json:"name"`
	Value    string    `json:"value"`
	Domain   string    `json:"domain"`
	Path     string    `json:"path,omitempty"`
	HostOnly bool      `json:"hostOnly,omitempty"`
	Expires  time.Time `json:"expires,omitzero"`
	Secure   bool      `json:"secure,omitempty"`
	HttpOnly bool      `json:"httpOnly,omitempty"`
	SameSite string    `json:"sameSite,omitempty"`
	Created  time.Time `json:"created,omitzero"`
}

// NoCollection is the cookie jar of requests that are not in a
// collection.
const NoCollection = ""

func cookieKey(collectionID string) []byte {
	if collectionID == NoCollection {
		return []byte("~")
	}
	return []byte(collectionID)
}

// SaveCookies replaces the stored cookies of a collection (NoCollection for
// unsaved requests).
func (db *DB) SaveCookies(collectionID string, cookies []CookieRecord) error {
	return db.update(func(tx *bolt.Tx) error {
		if len(cookies) == 0 {
			return tx.Bucket(bCookies).Delete(cookieKey(collectionID))
		}
		return putJSON(tx.Bucket(bCookies), cookieKey(collectionID), cookies)
	})
}

// Cookies returns the stored cookies of a collection.
func (db *DB) Cookies(collectionID string) ([]CookieRecord, error) {
	var out []CookieRecord
	err := db.view(func(tx *bolt.Tx) error {
		raw := tx.Bucket(bCookies).Get(cookieKey(collectionID))
		if raw == nil {
			return nil
		}
		return decodeDoc(raw, &out, "cookie jar", collectionID)
	})
	return out, err
}
