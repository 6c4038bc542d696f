package storage

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// CollectionTree reads a whole collection as it is stored, for export: the
// collection document and its folders and requests in order. Secret values
// are not filled in: documents keep their references, so an exporter
// never sees a secret unless the caller hydrates on purpose.
func (db *DB) CollectionTree(id string) (*Collection, []TreeItem, error) {
	var c Collection
	var items []TreeItem
	err := db.view(func(tx *bolt.Tx) error {
		b := collBucket(tx, id)
		if b == nil {
			return fmt.Errorf("%w: collection %s", ErrNotFound, id)
		}
		if err := decodeDoc(b.Get(kDoc), &c, "collection", id); err != nil {
			return err
		}
		var err error
		items, err = readSubtree(b, "")
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return &c, items, nil
}
