package storage

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout this Knock writes. See the package
// documentation for the layout, and migrate.go for the older ones.
const SchemaVersion = 2

// Top-level buckets.
var (
	bMeta         = []byte("meta")
	bCollections  = []byte("collections")
	bNodeLoc      = []byte("nodeloc")
	bEnvironments = []byte("environments")
	bTrash        = []byte("trash")
	bHistory      = []byte("history")
	bHistoryBody  = []byte("historybody")
	bCookies      = []byte("cookies")
	bSettings     = []byte("settings")
	bSession      = []byte("session")

	topBuckets = [][]byte{bMeta, bCollections, bNodeLoc, bEnvironments, bTrash, bHistory, bHistoryBody, bCookies, bSettings, bSession}
)

// Keys.
var (
	kSchema       = []byte("schema")
	kHistoryCount = []byte("history.count")
	kHistoryBytes = []byte("history.bytes")

	// inside collections/<id>
	kDoc   = []byte("doc")
	kOrder = []byte("order")
	bNodes = []byte("nodes")
	bDocs  = []byte("docs")

	kAppSettings = []byte("app")
	kTabs        = []byte("tabs")
)

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }

func readU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

// readSchema returns the stored schema version.
func readSchema(tx *bolt.Tx) (int, bool) {
	m := tx.Bucket(bMeta)
	if m == nil {
		return 0, false
	}
	v := m.Get(kSchema)
	if len(v) != 8 {
		return 0, false
	}
	return int(readU64(v)), true
}

func writeSchema(tx *bolt.Tx, v int) error {
	m, err := tx.CreateBucketIfNotExists(bMeta)
	if err != nil {
		return err
	}
	return m.Put(kSchema, u64(uint64(v)))
}

// schemaVersion reads the version; empty is true for a file with no meta
// bucket.
func (db *DB) schemaVersion() (version int, empty bool, err error) {
	err = db.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bMeta) == nil {
			empty = true
			return nil
		}
		v, ok := readSchema(tx)
		if !ok {
			return db.corrupt("the meta bucket has no schema version", nil)
		}
		version = v
		return nil
	})
	return version, empty, err
}

// initSchema creates every top-level bucket of the current layout.
func initSchema(tx *bolt.Tx) error {
	for _, name := range topBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("storage: create bucket %s: %w", name, err)
		}
	}
	return writeSchema(tx, SchemaVersion)
}

// ensureBuckets checks that every top-level bucket is there (and, by
// reading their roots, that those pages are readable).
func ensureBuckets(tx *bolt.Tx) error {
	for _, name := range topBuckets {
		if tx.Bucket(name) == nil {
			return fmt.Errorf("storage: bucket %q is missing: the file is not a v%d Knock database", name, SchemaVersion)
		}
	}
	return nil
}

// newID returns a random 16-hex-digit ID. Random IDs, rather than
// NextSequence, stay unique when nodes move between collections and when
// files are shared between machines.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
