package storage

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Schema history.
//
// v1 (the previous layout) kept each document as one JSON value, with
// order implied by lists:
//
//	meta          "schema" -> 1
//	collections   <id> -> Collection JSON + "children": [IDs in order]
//	folders       <id> -> Folder JSON + "collectionId", "children": [IDs in order]
//	requests      <id> -> Request JSON + "collectionId"
//	environments  <id> -> Environment JSON
//	history       <seq> -> entry JSON with the body inline ("body", base64)
//	settings      "app" -> settings JSON
//
// Loading the tree meant decoding every folder and request, moving a
// request rewrote two folders' lists, and history had no size to bound it
// by bytes.
//
// v2 (current) gives every node an explicit order index in a compact
// per-collection summary (nodes/), keeps documents apart (docs/), adds the
// node-to-collection index (nodeloc), moves history bodies out of the
// entries (historybody) and gives each entry its size. See the package
// documentation.

// migrations[v] turns a v database into a v+1 one, inside one write
// transaction.
var migrations = map[int]func(tx *bolt.Tx) error{
	1: migrateV1toV2,
}

// migrate backs the file up, then runs each step in its own transaction.
func (db *DB) migrate(from int) error {
	if from < 1 {
		return db.corrupt(fmt.Sprintf("it has schema version %d, which no Knock wrote", from), nil)
	}
	backup, err := db.backup(from)
	if err != nil {
		return fmt.Errorf("storage: backup before migrating from schema v%d: %w", from, err)
	}
	for v := from; v < SchemaVersion; v++ {
		step, ok := migrations[v]
		if !ok {
			return fmt.Errorf("storage: no migration from schema v%d", v)
		}
		err := db.update(func(tx *bolt.Tx) error {
			if err := step(tx); err != nil {
				return err
			}
			return writeSchema(tx, v+1)
		})
		if err != nil {
			return fmt.Errorf("storage: migrating %s from schema v%d to v%d: %w (the database is unchanged; a backup is at %s)", db.path, v, v+1, err, backup)
		}
	}
	return nil
}

type v1Collection struct {
	Collection
	Children []string `json:"children"`
}

type v1Folder struct {
	Folder
	CollectionID string   `json:"collectionId"`
	Children     []string `json:"children"`
}

type v1Request struct {
	Request
	CollectionID string `json:"collectionId"`
}

type v1HistoryEntry struct {
	ID       uint64          `json:"id"`
	Time     time.Time       `json:"time"`
	Request  Request         `json:"request"`
	Response ResponseSummary `json:"response"`
	Body     []byte          `json:"body,omitempty"`
}

func migrateV1toV2(tx *bolt.Tx) error {
	var (
		colls    []v1Collection
		folders  = map[string]*v1Folder{}
		requests = map[string]*v1Request{}
	)
	if b := tx.Bucket(bCollections); b != nil {
		if err := b.ForEach(func(k, v []byte) error {
			var c v1Collection
			if err := json.Unmarshal(v, &c); err != nil {
				return fmt.Errorf("v1 collection %s: %w", k, err)
			}
			c.ID = string(k)
			colls = append(colls, c)
			return nil
		}); err != nil {
			return err
		}
		if err := tx.DeleteBucket(bCollections); err != nil {
			return err
		}
	}
	for name, into := range map[string]func(k, v []byte) error{
		"folders": func(k, v []byte) error {
			var f v1Folder
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("v1 folder %s: %w", k, err)
			}
			f.ID = string(k)
			folders[f.ID] = &f
			return nil
		},
		"requests": func(k, v []byte) error {
			var r v1Request
			if err := json.Unmarshal(v, &r); err != nil {
				return fmt.Errorf("v1 request %s: %w", k, err)
			}
			r.ID = string(k)
			requests[r.ID] = &r
			return nil
		},
	} {
		b := tx.Bucket([]byte(name))
		if b == nil {
			continue
		}
		if err := b.ForEach(into); err != nil {
			return err
		}
		if err := tx.DeleteBucket([]byte(name)); err != nil {
			return err
		}
	}
	for _, name := range topBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}

	loc := tx.Bucket(bNodeLoc)
	placed := map[string]bool{}
	var place func(b *bolt.Bucket, coll, parent string, children []string) error
	place = func(b *bolt.Bucket, coll, parent string, children []string) error {
		order := int64(0)
		for _, id := range children {
			if placed[id] {
				continue // listed twice, or a cycle
			}
			var rec nodeRec
			var doc any
			var kids []string
			if f, ok := folders[id]; ok {
				rec = nodeRec{Kind: KindFolder, Name: f.Name}
				doc, kids = &f.Folder, f.Children
			} else if r, ok := requests[id]; ok {
				rec = nodeRec{Kind: KindRequest, Name: r.Name, Method: r.Method, URL: r.URL}
				doc = &r.Request
			} else {
				continue // a dangling ID in a v1 list
			}
			placed[id] = true
			order += orderGap
			rec.Parent, rec.Order = parent, order
			if err := putNode(b, id, rec, doc); err != nil {
				return err
			}
			if err := loc.Put([]byte(id), []byte(coll)); err != nil {
				return err
			}
			if err := place(b, coll, id, kids); err != nil {
				return err
			}
		}
		return nil
	}
	newColl := func(c *Collection, order int64) (*bolt.Bucket, error) {
		b, err := tx.Bucket(bCollections).CreateBucket([]byte(c.ID))
		if err != nil {
			return nil, err
		}
		if err := putJSON(b, kDoc, c); err != nil {
			return nil, err
		}
		if err := b.Put(kOrder, u64(uint64(order))); err != nil {
			return nil, err
		}
		if _, err := b.CreateBucket(bNodes); err != nil {
			return nil, err
		}
		_, err = b.CreateBucket(bDocs)
		return b, err
	}
	byID := map[string]*bolt.Bucket{}
	for i, c := range colls {
		b, err := newColl(&c.Collection, int64(i+1)*orderGap)
		if err != nil {
			return err
		}
		byID[c.ID] = b
		if err := place(b, c.ID, "", c.Children); err != nil {
			return err
		}
	}
	// Items no list reached: to the end of their collection, or to a
	// "Recovered" collection when theirs is gone.
	var orphans []string
	for id := range folders {
		if !placed[id] {
			orphans = append(orphans, id)
		}
	}
	for id := range requests {
		if !placed[id] {
			orphans = append(orphans, id)
		}
	}
	sort.Strings(orphans)
	for _, id := range orphans {
		if placed[id] {
			continue
		}
		coll := ""
		if f, ok := folders[id]; ok {
			coll = f.CollectionID
		} else {
			coll = requests[id].CollectionID
		}
		b := byID[coll]
		if b == nil {
			coll = "recovered"
			if b = byID[coll]; b == nil {
				var err error
				if b, err = newColl(&Collection{ID: coll, Name: "Recovered items"}, int64(len(colls)+1)*orderGap); err != nil {
					return err
				}
				byID[coll] = b
			}
		}
		sibs, err := childrenOf(b.Bucket(bNodes), "", "")
		if err != nil {
			return err
		}
		// place() numbers from the first gap; shift this one past the end.
		if err := place(b, coll, "", []string{id}); err != nil {
			return err
		}
		if len(sibs) > 0 {
			if err := renumberIn(b.Bucket(bNodes))(id, sibs[len(sibs)-1].order+orderGap); err != nil {
				return err
			}
		}
	}

	// History: bodies out of the entries, sizes in.
	hb, bodies, meta := tx.Bucket(bHistory), tx.Bucket(bHistoryBody), tx.Bucket(bMeta)
	var count, total uint64
	type rewrite struct {
		key, val, body []byte
	}
	var rewrites []rewrite
	if err := hb.ForEach(func(k, v []byte) error {
		var old v1HistoryEntry
		if err := json.Unmarshal(v, &old); err != nil {
			return fmt.Errorf("v1 history entry %x: %w", k, err)
		}
		e := HistoryEntry{ID: readU64(k), Time: old.Time, RequestID: old.Request.ID, Request: old.Request, Response: old.Response, BodyStored: int64(len(old.Body))}
		if e.RequestID != "" {
			e.CollectionID = string(loc.Get([]byte(e.RequestID)))
		}
		raw, err := json.Marshal(e)
		if err != nil {
			return err
		}
		e.Size = int64(len(raw)) + e.BodyStored
		if raw, err = json.Marshal(e); err != nil {
			return err
		}
		rewrites = append(rewrites, rewrite{append([]byte(nil), k...), raw, old.Body})
		count++
		total += uint64(e.Size)
		return nil
	}); err != nil {
		return err
	}
	for _, r := range rewrites {
		if err := hb.Put(r.key, r.val); err != nil {
			return err
		}
		if len(r.body) > 0 {
			if err := bodies.Put(r.key, r.body); err != nil {
				return err
			}
		}
	}
	if err := meta.Put(kHistoryCount, u64(count)); err != nil {
		return err
	}
	return meta.Put(kHistoryBytes, u64(total))
}
