package storage

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Folder sync links (package app/foldersync): a collection can be linked
// to a directory that holds it in the native format, usually a git
// checkout. The link lives in a bucket of its own, never in the
// collection's document, so that no export ever carries a local path.
//
//	synclinks   <collection ID> -> bucket:
//	              "link"  -> SyncLink JSON (the directory)
//	              files/  <slash path> -> SyncFile JSON
//
// The bucket is created by the first link; a database without it simply
// has no links, so no schema change was needed.
var (
	bSyncLinks = []byte("synclinks")
	kSyncLink  = []byte("link")
	bSyncFiles = []byte("files")
)

// SyncLink links a collection to a directory.
type SyncLink struct {
	CollectionID string `json:"collectionId"`
	// Dir is the absolute path of the directory.
	Dir string `json:"dir"`
}

// SyncFile is what the last sync knew of one path of a linked directory:
// the node it holds and the SHA-256 (hex) of the content that the store
// and the disk agreed on. A folder's path ends in "/" and has no Sum.
type SyncFile struct {
	ID  string `json:"id,omitempty"`
	Sum string `json:"sum,omitempty"`
	// Secrets maps a secret's place in the document ("auth.password",
	// "header.authorization#0", "var.apiKey", …) to the KNOCK_SECRET_
	// name the file gives it, so that the names teammates use survive a
	// rewrite even for secrets this machine has no value for.
	Secrets map[string]string `json:"secrets,omitempty"`
}

// SetSyncLink links a collection to dir (made absolute), replacing an
// earlier link of the same collection and forgetting its file states.
// The collection must exist, and no other collection may be linked to
// the same directory.
func (db *DB) SetSyncLink(collectionID, dir string) error {
	if strings.TrimSpace(dir) == "" {
		return fmt.Errorf("%w: the sync directory is empty", ErrInvalid)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("storage: sync directory: %w", err)
	}
	abs = filepath.Clean(abs)
	return db.update(func(tx *bolt.Tx) error {
		if collBucket(tx, collectionID) == nil {
			return fmt.Errorf("%w: collection %s", ErrNotFound, collectionID)
		}
		root, err := tx.CreateBucketIfNotExists(bSyncLinks)
		if err != nil {
			return err
		}
		if err := root.ForEachBucket(func(k []byte) error {
			var l SyncLink
			if raw := root.Bucket(k).Get(kSyncLink); raw != nil && json.Unmarshal(raw, &l) == nil &&
				string(k) != collectionID && l.Dir == abs {
				return fmt.Errorf("%w: %s is already linked to another collection", ErrInvalid, abs)
			}
			return nil
		}); err != nil {
			return err
		}
		if root.Bucket([]byte(collectionID)) != nil {
			if err := root.DeleteBucket([]byte(collectionID)); err != nil {
				return err
			}
		}
		b, err := root.CreateBucket([]byte(collectionID))
		if err != nil {
			return err
		}
		if _, err := b.CreateBucket(bSyncFiles); err != nil {
			return err
		}
		return putJSON(b, kSyncLink, &SyncLink{CollectionID: collectionID, Dir: abs})
	})
}

// SyncLink returns the link of a collection, or an error matching
// ErrNotFound when it has none.
func (db *DB) SyncLink(collectionID string) (*SyncLink, error) {
	var l *SyncLink
	err := db.view(func(tx *bolt.Tx) error {
		b := syncBucket(tx, collectionID)
		if b == nil {
			return fmt.Errorf("%w: collection %s is not linked to a directory", ErrNotFound, collectionID)
		}
		l = new(SyncLink)
		return decodeDoc(b.Get(kSyncLink), l, "sync link", collectionID)
	})
	return l, err
}

// SyncLinks lists every link, by collection ID.
func (db *DB) SyncLinks() ([]SyncLink, error) {
	var out []SyncLink
	err := db.view(func(tx *bolt.Tx) error {
		root := tx.Bucket(bSyncLinks)
		if root == nil {
			return nil
		}
		return root.ForEachBucket(func(k []byte) error {
			var l SyncLink
			if err := decodeDoc(root.Bucket(k).Get(kSyncLink), &l, "sync link", string(k)); err != nil {
				return err
			}
			out = append(out, l)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].CollectionID < out[j].CollectionID })
	return out, err
}

// DeleteSyncLink removes a collection's link and its file states. The
// directory is not touched. Removing a link that is not there is not an
// error.
func (db *DB) DeleteSyncLink(collectionID string) error {
	return db.update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bSyncLinks)
		if root == nil || root.Bucket([]byte(collectionID)) == nil {
			return nil
		}
		return root.DeleteBucket([]byte(collectionID))
	})
}

// SyncFiles returns the file states of a link, by slash path.
func (db *DB) SyncFiles(collectionID string) (map[string]SyncFile, error) {
	out := map[string]SyncFile{}
	err := db.view(func(tx *bolt.Tx) error {
		b := syncBucket(tx, collectionID)
		if b == nil {
			return fmt.Errorf("%w: collection %s is not linked to a directory", ErrNotFound, collectionID)
		}
		files := b.Bucket(bSyncFiles)
		if files == nil {
			return nil
		}
		return files.ForEach(func(k, v []byte) error {
			var f SyncFile
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("storage: sync state %s of %s: %w", k, collectionID, err)
			}
			out[string(k)] = f
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateSyncFiles changes the file states of a link in one transaction: a
// nil value removes the path.
func (db *DB) UpdateSyncFiles(collectionID string, changes map[string]*SyncFile) error {
	if len(changes) == 0 {
		return nil
	}
	return db.update(func(tx *bolt.Tx) error {
		b := syncBucket(tx, collectionID)
		if b == nil {
			return fmt.Errorf("%w: collection %s is not linked to a directory", ErrNotFound, collectionID)
		}
		files, err := b.CreateBucketIfNotExists(bSyncFiles)
		if err != nil {
			return err
		}
		for p, f := range changes {
			if p == "" {
				return fmt.Errorf("%w: an empty sync path", ErrInvalid)
			}
			if f == nil {
				if err := files.Delete([]byte(p)); err != nil {
					return err
				}
				continue
			}
			if err := putJSON(files, []byte(p), f); err != nil {
				return err
			}
		}
		return nil
	})
}

func syncBucket(tx *bolt.Tx, collectionID string) *bolt.Bucket {
	root := tx.Bucket(bSyncLinks)
	if root == nil || collectionID == "" {
		return nil
	}
	return root.Bucket([]byte(collectionID))
}
