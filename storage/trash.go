package storage

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TrashItem is one deleted collection, folder (with its contents) or
// request, as the trash view lists it.
type TrashItem struct {
	ID             string    `json:"id"` // the trash entry's ID, for Restore and PurgeTrashItem
	ItemID         string    `json:"itemId"`
	Kind           NodeKind  `json:"kind"`
	Name           string    `json:"name"`
	CollectionID   string    `json:"collectionId"`
	CollectionName string    `json:"collectionName,omitempty"`
	ParentID       string    `json:"parentId,omitempty"`
	Deleted        time.Time `json:"deleted"`
	Requests       int       `json:"requests"` // requests inside (1 for a request)
}

type trashNode struct {
	ID   string          `json:"id"`
	Node []byte          `json:"node"` // the summary, as stored in nodes/
	Doc  json.RawMessage `json:"doc"`
}

type trashEntry struct {
	TrashItem
	Order        int64             `json:"order"`
	Nodes        []trashNode       `json:"nodes"`
	Collection   json.RawMessage   `json:"collection,omitempty"`
	Environments []json.RawMessage `json:"environments,omitempty"`
	Cookies      json.RawMessage   `json:"cookies,omitempty"`
}

// Delete moves a collection, folder or request (with everything inside)
// to the trash and returns the trash entry's ID. Secrets stay in the
// secret store so that Restore brings everything back; they are deleted
// when the entry is purged. A collection takes its environments and
// cookies with it.
func (db *DB) Delete(id string) (string, error) {
	trashID := newID()
	err := db.update(func(tx *bolt.Tx) error {
		loc, err := locate(tx, id)
		if err != nil {
			return err
		}
		b := collBucket(tx, loc.CollectionID)
		var c Collection
		if err := decodeDoc(b.Get(kDoc), &c, "collection", loc.CollectionID); err != nil {
			return err
		}
		e := trashEntry{TrashItem: TrashItem{
			ID: trashID, ItemID: id, Kind: loc.Kind, Name: loc.Name,
			CollectionID: loc.CollectionID, CollectionName: c.Name, ParentID: loc.ParentID,
			Deleted: time.Now().UTC(),
		}}
		nodes, docs, nodeLoc := b.Bucket(bNodes), b.Bucket(bDocs), tx.Bucket(bNodeLoc)
		var ids []string
		switch loc.Kind {
		case KindCollection:
			e.Order = int64(readU64(b.Get(kOrder)))
			e.Collection = append(json.RawMessage(nil), b.Get(kDoc)...)
			_ = nodes.ForEach(func(k, _ []byte) error {
				ids = append(ids, string(k))
				return nil
			})
		default:
			rec, err := decodeNode([]byte(id), nodes.Get([]byte(id)))
			if err != nil {
				return err
			}
			e.Order = rec.Order
			ids = append([]string{id}, descendants(nodes, id)...)
		}
		for _, nid := range ids {
			k := []byte(nid)
			n := trashNode{ID: nid, Node: append([]byte(nil), nodes.Get(k)...), Doc: append(json.RawMessage(nil), docs.Get(k)...)}
			if v, err := parseNode(n.Node); err == nil && v.kind == 'r' {
				e.Requests++
			}
			e.Nodes = append(e.Nodes, n)
			if loc.Kind != KindCollection {
				if err := nodes.Delete(k); err != nil {
					return err
				}
				if err := docs.Delete(k); err != nil {
					return err
				}
			}
			if err := nodeLoc.Delete(k); err != nil {
				return err
			}
		}
		if loc.Kind == KindCollection {
			envs := tx.Bucket(bEnvironments)
			var envKeys [][]byte
			if err := envs.ForEach(func(k, v []byte) error {
				var env Environment
				if err := json.Unmarshal(v, &env); err == nil && env.CollectionID == id {
					e.Environments = append(e.Environments, append(json.RawMessage(nil), v...))
					envKeys = append(envKeys, append([]byte(nil), k...))
				}
				return nil
			}); err != nil {
				return err
			}
			for _, k := range envKeys {
				if err := envs.Delete(k); err != nil {
					return err
				}
			}
			if v := tx.Bucket(bCookies).Get(cookieKey(id)); v != nil {
				e.Cookies = append(json.RawMessage(nil), v...)
				if err := tx.Bucket(bCookies).Delete(cookieKey(id)); err != nil {
					return err
				}
			}
			if err := tx.Bucket(bCollections).DeleteBucket([]byte(id)); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket(bTrash), []byte(trashID), &e)
	})
	if err != nil {
		return "", err
	}
	return trashID, nil
}

// Trash lists the trash, most recently deleted first.
func (db *DB) Trash() ([]TrashItem, error) {
	var out []TrashItem
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bTrash).ForEach(func(k, v []byte) error {
			var e trashEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("storage: trash entry %s: %w", k, err)
			}
			out = append(out, e.TrashItem)
			return nil
		})
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Deleted.After(out[j].Deleted) })
	return out, err
}

// Restore undoes a Delete. A folder or request goes back to its folder, or
// to the top of its collection when the folder is gone; its collection
// must exist (restore the collection first).
func (db *DB) Restore(trashID string) error {
	return db.update(func(tx *bolt.Tx) error {
		trash := tx.Bucket(bTrash)
		var e trashEntry
		if err := decodeDoc(trash.Get([]byte(trashID)), &e, "trash entry", trashID); err != nil {
			return err
		}
		loc := tx.Bucket(bNodeLoc)
		for _, n := range e.Nodes {
			if loc.Get([]byte(n.ID)) != nil {
				return fmt.Errorf("%w: cannot restore %q: its ID %s is in use again", ErrInvalid, e.Name, n.ID)
			}
		}
		var b *bolt.Bucket
		if e.Kind == KindCollection {
			root := tx.Bucket(bCollections)
			if root.Bucket([]byte(e.ItemID)) != nil {
				return fmt.Errorf("%w: collection %s exists", ErrInvalid, e.ItemID)
			}
			var err error
			if b, err = root.CreateBucket([]byte(e.ItemID)); err != nil {
				return err
			}
			if err := b.Put(kDoc, e.Collection); err != nil {
				return err
			}
			if err := b.Put(kOrder, u64(uint64(e.Order))); err != nil {
				return err
			}
			if _, err := b.CreateBucket(bNodes); err != nil {
				return err
			}
			if _, err := b.CreateBucket(bDocs); err != nil {
				return err
			}
			for _, raw := range e.Environments {
				var env Environment
				if err := json.Unmarshal(raw, &env); err != nil {
					return fmt.Errorf("storage: trash entry %s: environment: %w", trashID, err)
				}
				if err := tx.Bucket(bEnvironments).Put([]byte(env.ID), raw); err != nil {
					return err
				}
			}
			if len(e.Cookies) > 0 {
				if err := tx.Bucket(bCookies).Put(cookieKey(e.ItemID), e.Cookies); err != nil {
					return err
				}
			}
		} else {
			if b = collBucket(tx, e.CollectionID); b == nil {
				return fmt.Errorf("%w: the collection %q of %q is gone; restore it first", ErrNotFound, e.CollectionName, e.Name)
			}
		}
		nodes, docs := b.Bucket(bNodes), b.Bucket(bDocs)
		for _, n := range e.Nodes {
			node := n.Node
			if n.ID == e.ItemID && e.Kind != KindCollection {
				rec, err := decodeNode([]byte(n.ID), node)
				if err != nil {
					return err
				}
				if rec.Parent != "" && nodes.Get([]byte(rec.Parent)) == nil {
					rec.Parent = ""
				}
				node = rec.encode()
			}
			if err := nodes.Put([]byte(n.ID), node); err != nil {
				return err
			}
			if err := docs.Put([]byte(n.ID), n.Doc); err != nil {
				return err
			}
			if err := loc.Put([]byte(n.ID), []byte(e.CollectionID)); err != nil {
				return err
			}
		}
		return trash.Delete([]byte(trashID))
	})
}

// PurgeTrash deletes for good the trash entries deleted before the cutoff,
// and their secrets. It returns how many entries went. Secrets are deleted
// first; an entry whose secrets cannot be deleted (the store is not
// available) stays in the trash.
func (db *DB) PurgeTrash(before time.Time) (int, error) {
	return db.purge(func(e *trashEntry) bool { return e.Deleted.Before(before) })
}

// PurgeTrashItem deletes one trash entry for good, with its secrets.
func (db *DB) PurgeTrashItem(trashID string) error {
	n, err := db.purge(func(e *trashEntry) bool { return e.ID == trashID })
	if err == nil && n == 0 {
		return fmt.Errorf("%w: trash entry %s", ErrNotFound, trashID)
	}
	return err
}

// PurgeExpiredTrash purges the entries older than the TrashDays setting.
func (db *DB) PurgeExpiredTrash() (int, error) {
	s, err := db.Settings()
	if err != nil {
		return 0, err
	}
	return db.PurgeTrash(time.Now().Add(-time.Duration(s.TrashDays) * 24 * time.Hour))
}

func (db *DB) purge(match func(*trashEntry) bool) (int, error) {
	type victim struct {
		key  []byte
		refs []string
	}
	var victims []victim
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bTrash).ForEach(func(k, v []byte) error {
			var e trashEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("storage: trash entry %s: %w", k, err)
			}
			if match(&e) {
				refs, err := e.ownedRefs()
				if err != nil {
					return err
				}
				victims = append(victims, victim{append([]byte(nil), k...), refs})
			}
			return nil
		})
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, v := range victims {
		if err := db.deleteRefs(v.refs); err != nil {
			return n, fmt.Errorf("storage: purge: the secrets of a trash entry could not be deleted, so it stays in the trash: %w", err)
		}
		if err := db.update(func(tx *bolt.Tx) error { return tx.Bucket(bTrash).Delete(v.key) }); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// ownedRefs lists the secret references the entry's documents own.
func (e *trashEntry) ownedRefs() ([]string, error) {
	var refs []string
	for _, n := range e.Nodes {
		v, err := parseNode(n.Node)
		if err != nil {
			return nil, fmt.Errorf("storage: trash entry %s: node %s: %w", e.ID, n.ID, err)
		}
		if v.kind == 'r' {
			var r Request
			if err := json.Unmarshal(n.Doc, &r); err != nil {
				return nil, fmt.Errorf("storage: trash entry %s: request %s: %w", e.ID, n.ID, err)
			}
			slots, _ := requestSlots(&r)
			refs = append(refs, ownedRefs(slots, ownerOf(ownerKindRequest, n.ID))...)
		} else {
			var f Folder
			if err := json.Unmarshal(n.Doc, &f); err != nil {
				return nil, fmt.Errorf("storage: trash entry %s: folder %s: %w", e.ID, n.ID, err)
			}
			refs = append(refs, ownedRefs(containerSlots(&f.Auth, f.Variables, f.Headers), ownerOf(ownerKindFolder, n.ID))...)
		}
	}
	if len(e.Collection) > 0 {
		var c Collection
		if err := json.Unmarshal(e.Collection, &c); err != nil {
			return nil, fmt.Errorf("storage: trash entry %s: collection: %w", e.ID, err)
		}
		refs = append(refs, ownedRefs(containerSlots(&c.Auth, c.Variables, c.Headers), ownerOf(ownerKindCollection, e.ItemID))...)
	}
	for _, raw := range e.Environments {
		var env Environment
		if err := json.Unmarshal(raw, &env); err != nil {
			return nil, fmt.Errorf("storage: trash entry %s: environment: %w", e.ID, err)
		}
		refs = append(refs, ownedRefs(varSlots(env.Variables, "variable"), ownerOf(ownerKindEnv, env.ID))...)
	}
	return refs, nil
}
