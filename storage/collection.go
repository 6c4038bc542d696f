package storage

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// NodeKind says what an ID names.
type NodeKind string

// The kinds of node in a collection's tree.
const (
	KindCollection NodeKind = "collection"
	KindFolder     NodeKind = "folder"
	KindRequest    NodeKind = "request"
)

// Collection is the root of a tree of folders and requests. Its auth,
// variables and default headers apply to every request inside (see
// Resolve). An empty Auth.Type means no auth.
type Collection struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Auth        AuthSpec   `json:"auth,omitzero"`
	Variables   []Variable `json:"variables,omitempty"`
	Headers     []KeyValue `json:"headers,omitempty"`
	Scripts     []Script   `json:"scripts,omitempty"`
}

// Folder groups requests and folders. An empty Auth.Type means "inherit
// from the parent", as AuthInherit does; AuthNone stops the inheritance.
type Folder struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Description string     `json:"description,omitempty"`
	Auth        AuthSpec   `json:"auth,omitzero"`
	Variables   []Variable `json:"variables,omitempty"`
	Headers     []KeyValue `json:"headers,omitempty"`
	Scripts     []Script   `json:"scripts,omitempty"`
}

// Node is one entry of a collection's tree as the sidebar shows it.
// Method and URL are set for requests; Children, in order, for the
// collection and folders.
type Node struct {
	ID       string
	Kind     NodeKind
	Name     string
	Method   string
	URL      string
	Children []*Node
}

// Location says where a node is.
type Location struct {
	CollectionID string
	ParentID     string // "" for the collection's top level (and for a collection)
	Kind         NodeKind
	Name         string
}

// TreeItem is a folder (with its children) or a request to be created by
// CreateCollectionTree or CreateTree. IDs are assigned and written back
// into the Folder and Request values.
type TreeItem struct {
	Folder   *Folder
	Request  *Request
	Children []TreeItem
}

// orderGap spaces sibling order values so that most inserts fit between
// two neighbours without renumbering.
const orderGap int64 = 1 << 20

// ---- reading ----

// Collections lists the collections in their order.
func (db *DB) Collections() ([]Collection, error) {
	type item struct {
		c     Collection
		order int64
	}
	var items []item
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bCollections).ForEachBucket(func(k []byte) error {
			b := tx.Bucket(bCollections).Bucket(k)
			var c Collection
			if err := json.Unmarshal(b.Get(kDoc), &c); err != nil {
				return fmt.Errorf("storage: collection %s: %w", k, err)
			}
			items = append(items, item{c, int64(readU64(b.Get(kOrder)))})
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].order < items[j].order })
	out := make([]Collection, len(items))
	for i, it := range items {
		out[i] = it.c
	}
	return out, nil
}

// Collection returns one collection, with secret references and no values.
func (db *DB) Collection(id string) (*Collection, error) {
	var c Collection
	err := db.view(func(tx *bolt.Tx) error {
		b := collBucket(tx, id)
		if b == nil {
			return fmt.Errorf("%w: collection %s", ErrNotFound, id)
		}
		return decodeDoc(b.Get(kDoc), &c, "collection", id)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Folder returns one folder, with secret references and no values.
func (db *DB) Folder(id string) (*Folder, error) {
	var f Folder
	err := db.view(func(tx *bolt.Tx) error {
		return getNodeDoc(tx, id, KindFolder, &f)
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// Request returns one saved request, with secret references and no
// values; HydrateRequest fills them.
func (db *DB) Request(id string) (*Request, error) {
	var r Request
	err := db.view(func(tx *bolt.Tx) error {
		return getNodeDoc(tx, id, KindRequest, &r)
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Locate returns where a collection, folder or request is.
func (db *DB) Locate(id string) (*Location, error) {
	var loc *Location
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		loc, err = locate(tx, id)
		return err
	})
	return loc, err
}

// Tree returns a collection's whole tree, in order. It reads only the
// compact node summaries, never a request document.
func (db *DB) Tree(collectionID string) (*Node, error) {
	var root *Node
	err := db.view(func(tx *bolt.Tx) error {
		b := collBucket(tx, collectionID)
		if b == nil {
			return fmt.Errorf("%w: collection %s", ErrNotFound, collectionID)
		}
		var c Collection
		if err := decodeDoc(b.Get(kDoc), &c, "collection", collectionID); err != nil {
			return err
		}
		root = &Node{ID: collectionID, Kind: KindCollection, Name: c.Name}
		type entry struct {
			node  *Node
			order int64
		}
		var byID map[string]*Node
		children := map[string][]entry{}
		nodes := b.Bucket(bNodes)
		var (
			all     []Node
			parents []string
			orders  []int64
		)
		if err := nodes.ForEach(func(k, v []byte) error {
			nv, err := parseNode(v)
			if err != nil {
				return fmt.Errorf("storage: node %s: %w", k, err)
			}
			kind := KindRequest
			if nv.kind == 'f' {
				kind = KindFolder
			}
			all = append(all, Node{ID: string(k), Kind: kind, Name: string(nv.name), Method: string(nv.method), URL: string(nv.ur)})
			parents = append(parents, string(nv.parent))
			orders = append(orders, nv.order)
			return nil
		}); err != nil {
			return err
		}
		byID = make(map[string]*Node, len(all)+1)
		byID[""] = root
		for i := range all {
			byID[all[i].ID] = &all[i]
		}
		for i := range all {
			p := parents[i]
			if _, ok := byID[p]; !ok {
				p = "" // an orphan shows at the top rather than vanishing
			}
			children[p] = append(children[p], entry{&all[i], orders[i]})
		}
		for p, list := range children {
			slices.SortFunc(list, func(a, b entry) int {
				if c := cmp.Compare(a.order, b.order); c != 0 {
					return c
				}
				return strings.Compare(a.node.ID, b.node.ID)
			})
			parent := byID[p]
			parent.Children = make([]*Node, len(list))
			for i, e := range list {
				parent.Children[i] = e.node
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return root, nil
}

// ---- collections ----

// CreateCollection saves a new collection at the end of the list. An empty
// ID is assigned; secret values move to the secret store and c receives
// the references.
func (db *DB) CreateCollection(c *Collection) error {
	if strings.TrimSpace(c.Name) == "" {
		return fmt.Errorf("%w: a collection needs a name", ErrInvalid)
	}
	return db.CreateCollectionTree(c, nil)
}

// SaveCollection saves changes to an existing collection.
func (db *DB) SaveCollection(c *Collection) error {
	if strings.TrimSpace(c.Name) == "" {
		return fmt.Errorf("%w: a collection needs a name", ErrInvalid)
	}
	if err := db.mustExist(c.ID, KindCollection); err != nil {
		return err
	}
	owner := ownerOf(ownerKindCollection, c.ID)
	doc := cloneJSON(c)
	docSlots := containerSlots(&doc.Auth, doc.Variables, doc.Headers)
	if err := db.dehydrate(docSlots, owner, true); err != nil {
		return err
	}
	var stale []string
	err := db.update(func(tx *bolt.Tx) error {
		b := collBucket(tx, c.ID)
		if b == nil {
			return fmt.Errorf("%w: collection %s", ErrNotFound, c.ID)
		}
		var old Collection
		if err := decodeDoc(b.Get(kDoc), &old, "collection", c.ID); err != nil {
			return err
		}
		stale = staleRefs(ownedRefs(containerSlots(&old.Auth, old.Variables, old.Headers), owner), ownedRefs(docSlots, owner))
		return putJSON(b, kDoc, doc)
	})
	if err != nil {
		return err
	}
	copyRefs(containerSlots(&c.Auth, c.Variables, c.Headers), docSlots)
	_ = db.deleteRefs(stale)
	return nil
}

// MoveCollection puts a collection at index in the list (-1: the end).
func (db *DB) MoveCollection(id string, index int) error {
	return db.update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bCollections)
		if root.Bucket([]byte(id)) == nil {
			return fmt.Errorf("%w: collection %s", ErrNotFound, id)
		}
		var sibs []sibling
		_ = root.ForEachBucket(func(k []byte) error {
			if string(k) != id {
				sibs = append(sibs, sibling{string(k), int64(readU64(root.Bucket(k).Get(kOrder)))})
			}
			return nil
		})
		sortSiblings(sibs)
		order, err := placeAt(sibs, index, func(sid string, o int64) error {
			return root.Bucket([]byte(sid)).Put(kOrder, u64(uint64(o)))
		})
		if err != nil {
			return err
		}
		return root.Bucket([]byte(id)).Put(kOrder, u64(uint64(order)))
	})
}

// CreateCollectionTree creates a collection with its folders and requests
// in one transaction (an import). IDs are assigned to c and every item;
// secret values go to the secret store first.
func (db *DB) CreateCollectionTree(c *Collection, items []TreeItem) error {
	if strings.TrimSpace(c.Name) == "" {
		return fmt.Errorf("%w: a collection needs a name", ErrInvalid)
	}
	id := c.ID
	if id == "" {
		id = newID()
	} else if err := db.view(func(tx *bolt.Tx) error {
		if collBucket(tx, id) != nil || tx.Bucket(bNodeLoc).Get([]byte(id)) != nil {
			return fmt.Errorf("%w: the ID %s is taken", ErrInvalid, id)
		}
		return nil
	}); err != nil {
		return err
	}
	// On failure, the secrets written for the new documents go again.
	var written []string
	ok := false
	defer func() {
		if !ok {
			_ = db.deleteRefs(written)
		}
	}()
	doc := cloneJSON(c)
	doc.ID = id
	owner := ownerOf(ownerKindCollection, id)
	docSlots := containerSlots(&doc.Auth, doc.Variables, doc.Headers)
	err := db.dehydrate(docSlots, owner, true)
	written = append(written, ownedRefs(docSlots, owner)...)
	if err != nil {
		return err
	}
	prepared, err := db.prepareItems(items, &written)
	if err != nil {
		return err
	}
	err = db.update(func(tx *bolt.Tx) error {
		root := tx.Bucket(bCollections)
		if root.Get([]byte(id)) != nil || root.Bucket([]byte(id)) != nil || tx.Bucket(bNodeLoc).Get([]byte(id)) != nil {
			return fmt.Errorf("%w: the ID %s is taken", ErrInvalid, id)
		}
		last := int64(0)
		_ = root.ForEachBucket(func(k []byte) error {
			last = max(last, int64(readU64(root.Bucket(k).Get(kOrder))))
			return nil
		})
		b, err := root.CreateBucket([]byte(id))
		if err != nil {
			return err
		}
		if err := putJSON(b, kDoc, doc); err != nil {
			return err
		}
		if err := b.Put(kOrder, u64(uint64(last+orderGap))); err != nil {
			return err
		}
		if _, err := b.CreateBucket(bNodes); err != nil {
			return err
		}
		if _, err := b.CreateBucket(bDocs); err != nil {
			return err
		}
		return insertItems(tx, id, "", -1, prepared)
	})
	if err != nil {
		return err
	}
	ok = true
	c.ID = id
	copyRefs(containerSlots(&c.Auth, c.Variables, c.Headers), docSlots)
	prepared.writeBack()
	return nil
}
