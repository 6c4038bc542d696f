package storage

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// SearchHit is a request found by Search.
type SearchHit struct {
	CollectionID string
	ID           string
	Name         string
	Method       string
	URL          string
}

// Search finds saved requests whose name, URL or method contain every
// word of query, ignoring case, across all collections in their order.
// limit <= 0 means no limit. It reads only the node summaries and matches
// their bytes in place.
func (db *DB) Search(query string, limit int) ([]SearchHit, error) {
	var terms [][]byte
	for _, w := range strings.Fields(strings.ToLower(query)) {
		terms = append(terms, []byte(w))
	}
	if len(terms) == 0 {
		return nil, nil
	}
	colls, err := db.Collections()
	if err != nil {
		return nil, err
	}
	var hits []SearchHit
	err = db.view(func(tx *bolt.Tx) error {
		for _, c := range colls {
			b := collBucket(tx, c.ID)
			if b == nil {
				continue
			}
			err := b.Bucket(bNodes).ForEach(func(k, v []byte) error {
				if limit > 0 && len(hits) >= limit {
					return errStop
				}
				nv, err := parseNode(v)
				if err != nil {
					return fmt.Errorf("storage: node %s: %w", k, err)
				}
				if nv.kind != 'r' {
					return nil
				}
				for _, t := range terms {
					if !containsFold(nv.name, t) && !containsFold(nv.ur, t) && !containsFold(nv.method, t) {
						return nil
					}
				}
				hits = append(hits, SearchHit{CollectionID: c.ID, ID: string(k), Name: string(nv.name), Method: string(nv.method), URL: string(nv.ur)})
				return nil
			})
			if err == errStop {
				return nil
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	return hits, err
}

var errStop = errors.New("stop")

// containsFold reports whether hay contains needle, which is lower case,
// ignoring ASCII case without allocating; text with other letters falls
// back to a full lower-casing.
func containsFold(hay, needle []byte) bool {
	n := len(needle)
	if n == 0 {
		return true
	}
	first := needle[0]
	for i := 0; i+n <= len(hay); i++ {
		if lowerASCII(hay[i]) != first {
			continue
		}
		j := 1
		for j < n && lowerASCII(hay[i+j]) == needle[j] {
			j++
		}
		if j == n {
			return true
		}
	}
	if hasNonASCII(needle) && hasNonASCII(hay) {
		return bytes.Contains(bytes.ToLower(hay), needle)
	}
	return false
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func hasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}
