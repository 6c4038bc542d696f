package storage

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// ---- folders and requests ----

// CreateFolder adds a folder at the end of parentID (a collection or a
// folder).
func (db *DB) CreateFolder(parentID string, f *Folder) error {
	return db.CreateTree(parentID, -1, []TreeItem{{Folder: f}})
}

// CreateRequest adds a request at the end of parentID (a collection or a
// folder). An empty ID is assigned; secret values move to the secret store
// and r receives the references.
func (db *DB) CreateRequest(parentID string, r *Request) error {
	return db.CreateTree(parentID, -1, []TreeItem{{Request: r}})
}

// CreateTree adds folders and requests under parentID at index (-1: the
// end), in one transaction.
func (db *DB) CreateTree(parentID string, index int, items []TreeItem) error {
	if err := db.view(func(tx *bolt.Tx) error {
		_, _, err := resolveParent(tx, parentID)
		return err
	}); err != nil {
		return err
	}
	var written []string
	prepared, err := db.prepareItems(items, &written)
	if err == nil {
		err = db.update(func(tx *bolt.Tx) error {
			coll, parent, err := resolveParent(tx, parentID)
			if err != nil {
				return err
			}
			return insertItems(tx, coll, parent, index, prepared)
		})
	}
	if err != nil {
		_ = db.deleteRefs(written)
		return err
	}
	prepared.writeBack()
	return nil
}

// SaveFolder saves changes to an existing folder.
func (db *DB) SaveFolder(f *Folder) error {
	if strings.TrimSpace(f.Name) == "" {
		return fmt.Errorf("%w: a folder needs a name", ErrInvalid)
	}
	if err := db.mustExist(f.ID, KindFolder); err != nil {
		return err
	}
	owner := ownerOf(ownerKindFolder, f.ID)
	doc := cloneJSON(f)
	docSlots := containerSlots(&doc.Auth, doc.Variables, doc.Headers)
	if err := db.dehydrate(docSlots, owner, true); err != nil {
		return err
	}
	var stale []string
	err := db.update(func(tx *bolt.Tx) error {
		var old Folder
		b, rec, err := nodeForUpdate(tx, f.ID, KindFolder, &old)
		if err != nil {
			return err
		}
		stale = staleRefs(ownedRefs(containerSlots(&old.Auth, old.Variables, old.Headers), owner), ownedRefs(docSlots, owner))
		rec.Name = doc.Name
		return putNode(b, f.ID, rec, doc)
	})
	if err != nil {
		return err
	}
	copyRefs(containerSlots(&f.Auth, f.Variables, f.Headers), docSlots)
	_ = db.deleteRefs(stale)
	return nil
}

// SaveRequest saves changes to an existing request. Secret values move to
// the secret store; r keeps its values and receives the references.
// References the request no longer uses are deleted from the store.
func (db *DB) SaveRequest(r *Request) error {
	// Checked first, so that no secret is written for a request that
	// is not there.
	if err := db.mustExist(r.ID, KindRequest); err != nil {
		return err
	}
	owner := ownerOf(ownerKindRequest, r.ID)
	doc := cloneJSON(r)
	docSlots, err := requestSlots(doc)
	if err != nil {
		return err
	}
	if err := db.dehydrate(docSlots, owner, true); err != nil {
		return err
	}
	var stale []string
	err = db.update(func(tx *bolt.Tx) error {
		var old Request
		b, rec, err := nodeForUpdate(tx, r.ID, KindRequest, &old)
		if err != nil {
			return err
		}
		oldSlots, err := requestSlots(&old)
		if err != nil {
			return err
		}
		stale = staleRefs(ownedRefs(oldSlots, owner), ownedRefs(docSlots, owner))
		rec.Name, rec.Method, rec.URL = doc.Name, doc.Method, doc.URL
		return putNode(b, r.ID, rec, doc)
	})
	if err != nil {
		return err
	}
	if rs, err := requestSlots(r); err == nil {
		copyRefs(rs, docSlots)
	}
	_ = db.deleteRefs(stale)
	return nil
}

// Rename renames a collection, folder or request.
func (db *DB) Rename(id, name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("%w: the name is empty", ErrInvalid)
	}
	return db.update(func(tx *bolt.Tx) error {
		if b := collBucket(tx, id); b != nil {
			var c Collection
			if err := decodeDoc(b.Get(kDoc), &c, "collection", id); err != nil {
				return err
			}
			c.Name = name
			return putJSON(b, kDoc, &c)
		}
		loc, err := locate(tx, id)
		if err != nil {
			return err
		}
		if loc.Kind == KindFolder {
			var f Folder
			b, rec, err := nodeForUpdate(tx, id, KindFolder, &f)
			if err != nil {
				return err
			}
			f.Name, rec.Name = name, name
			return putNode(b, id, rec, &f)
		}
		var r Request
		b, rec, err := nodeForUpdate(tx, id, KindRequest, &r)
		if err != nil {
			return err
		}
		r.Name, rec.Name = name, name
		return putNode(b, id, rec, &r)
	})
}

// Move puts a folder or request under newParentID (a collection or a
// folder, in the same or another collection) at index among its new
// siblings (-1: the end). Moving within the same parent reorders. IDs and
// secret references do not change.
func (db *DB) Move(id, newParentID string, index int) error {
	return db.update(func(tx *bolt.Tx) error {
		fromColl := string(tx.Bucket(bNodeLoc).Get([]byte(id)))
		if fromColl == "" {
			if collBucket(tx, id) != nil {
				return fmt.Errorf("%w: %s is a collection; use MoveCollection", ErrInvalidMove, id)
			}
			return fmt.Errorf("%w: %s", ErrNotFound, id)
		}
		toColl, toParent, err := resolveParent(tx, newParentID)
		if err != nil {
			return err
		}
		from := collBucket(tx, fromColl)
		rec, err := decodeNode([]byte(id), from.Bucket(bNodes).Get([]byte(id)))
		if err != nil {
			return err
		}
		if rec.Kind == KindFolder && toColl == fromColl {
			// Walk up from the target: meeting id means a cycle.
			for p := toParent; p != ""; {
				if p == id {
					return fmt.Errorf("%w: a folder cannot move into itself or its own folders", ErrInvalidMove)
				}
				pr, err := decodeNode([]byte(p), from.Bucket(bNodes).Get([]byte(p)))
				if err != nil {
					return err
				}
				p = pr.Parent
			}
		}
		to := collBucket(tx, toColl)
		if toColl != fromColl {
			ids := []string{id}
			if rec.Kind == KindFolder {
				ids = append(ids, descendants(from.Bucket(bNodes), id)...)
			}
			for _, nid := range ids {
				k := []byte(nid)
				if err := to.Bucket(bNodes).Put(k, from.Bucket(bNodes).Get(k)); err != nil {
					return err
				}
				if err := to.Bucket(bDocs).Put(k, from.Bucket(bDocs).Get(k)); err != nil {
					return err
				}
				if err := from.Bucket(bNodes).Delete(k); err != nil {
					return err
				}
				if err := from.Bucket(bDocs).Delete(k); err != nil {
					return err
				}
				if err := tx.Bucket(bNodeLoc).Put(k, []byte(toColl)); err != nil {
					return err
				}
			}
		}
		nodes := to.Bucket(bNodes)
		sibs, err := childrenOf(nodes, toParent, id)
		if err != nil {
			return err
		}
		order, err := placeAt(sibs, index, renumberIn(nodes))
		if err != nil {
			return err
		}
		rec.Parent, rec.Order = toParent, order
		return nodes.Put([]byte(id), rec.encode())
	})
}

// Duplicate copies a collection, folder (with everything in it) or request
// and places the copy right after the original, named "<name> copy". The
// copy gets new IDs and its own copies of the secrets. It returns the
// copy's ID.
func (db *DB) Duplicate(id string) (string, error) {
	var (
		loc   *Location
		coll  *Collection
		items []TreeItem
		index int
	)
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		if loc, err = locate(tx, id); err != nil {
			return err
		}
		b := collBucket(tx, loc.CollectionID)
		if loc.Kind == KindCollection {
			coll = new(Collection)
			if err := decodeDoc(b.Get(kDoc), coll, "collection", id); err != nil {
				return err
			}
			items, err = readSubtree(b, "")
			return err
		}
		sub, err := readItem(b, id, loc.Kind)
		if err != nil {
			return err
		}
		items = []TreeItem{sub}
		sibs, err := childrenOf(b.Bucket(bNodes), loc.ParentID, "")
		if err != nil {
			return err
		}
		for i, s := range sibs {
			if s.id == id {
				index = i + 1
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	clearIDs(items)
	if coll != nil {
		coll.ID = ""
		coll.Name += " copy"
		if err := db.CreateCollectionTree(coll, items); err != nil {
			return "", err
		}
		return coll.ID, nil
	}
	parent := loc.ParentID
	if parent == "" {
		parent = loc.CollectionID
	}
	if items[0].Folder != nil {
		items[0].Folder.Name += " copy"
	} else {
		items[0].Request.Name += " copy"
	}
	if err := db.CreateTree(parent, index, items); err != nil {
		return "", err
	}
	if items[0].Folder != nil {
		return items[0].Folder.ID, nil
	}
	return items[0].Request.ID, nil
}

// ---- helpers ----

// mustExist checks that id names a node of kind.
func (db *DB) mustExist(id string, kind NodeKind) error {
	return db.view(func(tx *bolt.Tx) error {
		loc, err := locate(tx, id)
		if err != nil {
			return err
		}
		if loc.Kind != kind {
			return fmt.Errorf("%w: %s is a %s, not a %s", ErrNotFound, id, loc.Kind, kind)
		}
		return nil
	})
}

func collBucket(tx *bolt.Tx, id string) *bolt.Bucket {
	if id == "" {
		return nil
	}
	return tx.Bucket(bCollections).Bucket([]byte(id))
}

func decodeDoc(raw []byte, v any, kind, id string) error {
	if raw == nil {
		return fmt.Errorf("%w: %s %s has no document", ErrNotFound, kind, id)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("storage: %s %s: the stored document cannot be read: %w", kind, id, err)
	}
	return nil
}

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("storage: encode %s: %w", key, err)
	}
	return b.Put(key, raw)
}

// cloneJSON deep-copies a document through its JSON form, which is exactly
// what is stored.
func cloneJSON[T any](v *T) *T {
	raw, err := json.Marshal(v)
	if err != nil {
		panic("storage: a document cannot be encoded: " + err.Error())
	}
	out := new(T)
	if err := json.Unmarshal(raw, out); err != nil {
		panic("storage: a document cannot be decoded: " + err.Error())
	}
	return out
}

func locate(tx *bolt.Tx, id string) (*Location, error) {
	if b := collBucket(tx, id); b != nil {
		var c Collection
		if err := decodeDoc(b.Get(kDoc), &c, "collection", id); err != nil {
			return nil, err
		}
		return &Location{CollectionID: id, Kind: KindCollection, Name: c.Name}, nil
	}
	coll := string(tx.Bucket(bNodeLoc).Get([]byte(id)))
	b := collBucket(tx, coll)
	if b == nil {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	rec, err := decodeNode([]byte(id), b.Bucket(bNodes).Get([]byte(id)))
	if err != nil {
		return nil, err
	}
	return &Location{CollectionID: coll, ParentID: rec.Parent, Kind: rec.Kind, Name: rec.Name}, nil
}

// resolveParent maps a collection or folder ID to (collection, parent
// folder or "").
func resolveParent(tx *bolt.Tx, parentID string) (coll, parent string, err error) {
	if collBucket(tx, parentID) != nil {
		return parentID, "", nil
	}
	loc, err := locate(tx, parentID)
	if err != nil {
		return "", "", err
	}
	if loc.Kind != KindFolder {
		return "", "", fmt.Errorf("%w: %s is a request; only collections and folders hold items", ErrInvalidMove, parentID)
	}
	return loc.CollectionID, parentID, nil
}

func getNodeDoc(tx *bolt.Tx, id string, kind NodeKind, v any) error {
	coll := string(tx.Bucket(bNodeLoc).Get([]byte(id)))
	b := collBucket(tx, coll)
	if b == nil {
		return fmt.Errorf("%w: %s %s", ErrNotFound, kind, id)
	}
	rec, err := decodeNode([]byte(id), b.Bucket(bNodes).Get([]byte(id)))
	if err != nil {
		return err
	}
	if rec.Kind != kind {
		return fmt.Errorf("%w: %s is a %s, not a %s", ErrNotFound, id, rec.Kind, kind)
	}
	return decodeDoc(b.Bucket(bDocs).Get([]byte(id)), v, string(kind), id)
}

// nodeForUpdate reads a node's summary and document for a change; kind ""
// accepts folders and requests.
func nodeForUpdate(tx *bolt.Tx, id string, kind NodeKind, doc any) (*bolt.Bucket, nodeRec, error) {
	coll := string(tx.Bucket(bNodeLoc).Get([]byte(id)))
	b := collBucket(tx, coll)
	if b == nil {
		return nil, nodeRec{}, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	rec, err := decodeNode([]byte(id), b.Bucket(bNodes).Get([]byte(id)))
	if err != nil {
		return nil, rec, err
	}
	if kind != "" && rec.Kind != kind {
		return nil, rec, fmt.Errorf("%w: %s is a %s, not a %s", ErrNotFound, id, rec.Kind, kind)
	}
	return b, rec, decodeDoc(b.Bucket(bDocs).Get([]byte(id)), doc, string(rec.Kind), id)
}

func putNode(b *bolt.Bucket, id string, rec nodeRec, doc any) error {
	if err := b.Bucket(bNodes).Put([]byte(id), rec.encode()); err != nil {
		return err
	}
	return putJSON(b.Bucket(bDocs), []byte(id), doc)
}

type sibling struct {
	id    string
	order int64
}

func sortSiblings(s []sibling) {
	sort.Slice(s, func(i, j int) bool {
		if s[i].order != s[j].order {
			return s[i].order < s[j].order
		}
		return s[i].id < s[j].id
	})
}

// childrenOf lists parent's children in order, leaving out skip.
func childrenOf(nodes *bolt.Bucket, parent, skip string) ([]sibling, error) {
	var out []sibling
	err := nodes.ForEach(func(k, v []byte) error {
		nv, err := parseNode(v)
		if err != nil {
			return fmt.Errorf("storage: node %s: %w", k, err)
		}
		if string(nv.parent) == parent && string(k) != skip {
			out = append(out, sibling{string(k), nv.order})
		}
		return nil
	})
	sortSiblings(out)
	return out, err
}

// descendants lists every node below folder id.
func descendants(nodes *bolt.Bucket, id string) []string {
	kids := map[string][]string{}
	_ = nodes.ForEach(func(k, v []byte) error {
		if nv, err := parseNode(v); err == nil {
			kids[string(nv.parent)] = append(kids[string(nv.parent)], string(k))
		}
		return nil
	})
	var out []string
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range kids[p] {
			if !seen[c] { // a damaged file could hold a cycle
				seen[c] = true
				out = append(out, c)
				queue = append(queue, c)
			}
		}
	}
	return out
}

// placeAt returns the order value for an item put at index among sibs
// (sorted, without the item). When two neighbours leave no room, the
// siblings are renumbered through renumber.
func placeAt(sibs []sibling, index int, renumber func(id string, order int64) error) (int64, error) {
	if index < 0 || index > len(sibs) {
		index = len(sibs)
	}
	switch {
	case len(sibs) == 0:
		return orderGap, nil
	case index == len(sibs):
		return sibs[len(sibs)-1].order + orderGap, nil
	case index == 0:
		return sibs[0].order - orderGap, nil
	}
	lo, hi := sibs[index-1].order, sibs[index].order
	if hi-lo >= 2 {
		return lo + (hi-lo)/2, nil
	}
	for j, s := range sibs {
		slot := int64(j + 1)
		if j >= index {
			slot++
		}
		if err := renumber(s.id, slot*orderGap); err != nil {
			return 0, err
		}
	}
	return int64(index+1) * orderGap, nil
}

func renumberIn(nodes *bolt.Bucket) func(string, int64) error {
	return func(id string, order int64) error {
		rec, err := decodeNode([]byte(id), nodes.Get([]byte(id)))
		if err != nil {
			return err
		}
		rec.Order = order
		return nodes.Put([]byte(id), rec.encode())
	}
}

// preparedItem is a TreeItem whose document has an ID and its secrets in
// the store, ready to be written.
type preparedItem struct {
	id       string
	kind     NodeKind
	rec      nodeRec
	doc      any
	refs     func() // copies the new references back to the caller's value
	children []preparedItem
}

type preparedItems []preparedItem

// prepareItems assigns IDs and moves secrets to the store, outside any
// transaction (a keyring call must not hold the database's write lock).
// The references it wrote are added to *written, so that a failure later
// can delete them again. IDs the caller chose must be free.
func (db *DB) prepareItems(items []TreeItem, written *[]string) (preparedItems, error) {
	var taken []string
	var collect func([]TreeItem)
	collect = func(items []TreeItem) {
		for _, it := range items {
			if it.Folder != nil && it.Folder.ID != "" {
				taken = append(taken, it.Folder.ID)
			}
			if it.Request != nil && it.Request.ID != "" {
				taken = append(taken, it.Request.ID)
			}
			collect(it.Children)
		}
	}
	collect(items)
	if len(taken) > 0 {
		if err := db.view(func(tx *bolt.Tx) error {
			for _, id := range taken {
				if tx.Bucket(bNodeLoc).Get([]byte(id)) != nil || collBucket(tx, id) != nil {
					return fmt.Errorf("%w: the ID %s is taken", ErrInvalid, id)
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	return db.prepareLevel(items, written)
}

func (db *DB) prepareLevel(items []TreeItem, written *[]string) (preparedItems, error) {
	out := make(preparedItems, 0, len(items))
	for i := range items {
		it := &items[i]
		var p preparedItem
		switch {
		case it.Folder != nil && it.Request == nil:
			f := it.Folder
			if strings.TrimSpace(f.Name) == "" {
				return nil, fmt.Errorf("%w: a folder needs a name", ErrInvalid)
			}
			id := f.ID
			if id == "" {
				id = newID()
			}
			doc := cloneJSON(f)
			doc.ID = id
			owner := ownerOf(ownerKindFolder, id)
			docSlots := containerSlots(&doc.Auth, doc.Variables, doc.Headers)
			err := db.dehydrate(docSlots, owner, true)
			*written = append(*written, ownedRefs(docSlots, owner)...)
			if err != nil {
				return nil, err
			}
			p = preparedItem{id: id, kind: KindFolder, rec: nodeRec{Kind: KindFolder, Name: doc.Name}, doc: doc,
				refs: func() { f.ID = id; copyRefs(containerSlots(&f.Auth, f.Variables, f.Headers), docSlots) }}
			kids, err := db.prepareLevel(it.Children, written)
			if err != nil {
				return nil, err
			}
			p.children = kids
		case it.Request != nil && it.Folder == nil:
			if len(it.Children) > 0 {
				return nil, fmt.Errorf("%w: a request cannot hold children", ErrInvalid)
			}
			r := it.Request
			id := r.ID
			if id == "" {
				id = newID()
			}
			doc := cloneJSON(r)
			doc.ID = id
			owner := ownerOf(ownerKindRequest, id)
			docSlots, err := requestSlots(doc)
			if err != nil {
				return nil, err
			}
			err = db.dehydrate(docSlots, owner, true)
			*written = append(*written, ownedRefs(docSlots, owner)...)
			if err != nil {
				return nil, err
			}
			p = preparedItem{id: id, kind: KindRequest, rec: nodeRec{Kind: KindRequest, Name: doc.Name, Method: doc.Method, URL: doc.URL}, doc: doc,
				refs: func() {
					r.ID = id
					if rs, err := requestSlots(r); err == nil {
						copyRefs(rs, docSlots)
					}
				}}
		default:
			return nil, fmt.Errorf("%w: a tree item must be exactly one of a folder or a request", ErrInvalid)
		}
		out = append(out, p)
	}
	return out, nil
}

func (p preparedItems) writeBack() {
	for _, it := range p {
		it.refs()
		preparedItems(it.children).writeBack()
	}
}

// insertItems writes prepared items under parent at index.
func insertItems(tx *bolt.Tx, coll, parent string, index int, items preparedItems) error {
	if len(items) == 0 {
		return nil
	}
	b := collBucket(tx, coll)
	nodes, loc := b.Bucket(bNodes), tx.Bucket(bNodeLoc)
	// Appending: one pass over the siblings, then one gap apart. Inserting
	// at a position: place the items one by one.
	orders := make([]int64, len(items))
	if index < 0 {
		sibs, err := childrenOf(nodes, parent, "")
		if err != nil {
			return err
		}
		last := int64(0)
		if len(sibs) > 0 {
			last = sibs[len(sibs)-1].order
		}
		for i := range orders {
			orders[i] = last + int64(i+1)*orderGap
		}
	}
	var write func(parent string, it preparedItem, order int64) error
	write = func(parent string, it preparedItem, order int64) error {
		k := []byte(it.id)
		if loc.Get(k) != nil || tx.Bucket(bCollections).Bucket(k) != nil {
			return fmt.Errorf("%w: the ID %s is taken", ErrInvalid, it.id)
		}
		it.rec.Parent, it.rec.Order = parent, order
		if err := putNode(b, it.id, it.rec, it.doc); err != nil {
			return err
		}
		if err := loc.Put(k, []byte(coll)); err != nil {
			return err
		}
		for j, kid := range it.children {
			if err := write(it.id, kid, int64(j+1)*orderGap); err != nil {
				return err
			}
		}
		return nil
	}
	for i, it := range items {
		order := orders[i]
		if index >= 0 {
			sibs, err := childrenOf(nodes, parent, "")
			if err != nil {
				return err
			}
			if order, err = placeAt(sibs, index+i, renumberIn(nodes)); err != nil {
				return err
			}
		}
		if err := write(parent, it, order); err != nil {
			return err
		}
	}
	return nil
}

// readSubtree reads parent's children (recursively) as TreeItems.
func readSubtree(b *bolt.Bucket, parent string) ([]TreeItem, error) {
	sibs, err := childrenOf(b.Bucket(bNodes), parent, "")
	if err != nil {
		return nil, err
	}
	out := make([]TreeItem, 0, len(sibs))
	for _, s := range sibs {
		rec, err := decodeNode([]byte(s.id), b.Bucket(bNodes).Get([]byte(s.id)))
		if err != nil {
			return nil, err
		}
		it, err := readItem(b, s.id, rec.Kind)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

func readItem(b *bolt.Bucket, id string, kind NodeKind) (TreeItem, error) {
	raw := b.Bucket(bDocs).Get([]byte(id))
	if kind == KindRequest {
		var r Request
		if err := decodeDoc(raw, &r, "request", id); err != nil {
			return TreeItem{}, err
		}
		return TreeItem{Request: &r}, nil
	}
	var f Folder
	if err := decodeDoc(raw, &f, "folder", id); err != nil {
		return TreeItem{}, err
	}
	kids, err := readSubtree(b, id)
	if err != nil {
		return TreeItem{}, err
	}
	return TreeItem{Folder: &f, Children: kids}, nil
}

func clearIDs(items []TreeItem) {
	for i := range items {
		if items[i].Folder != nil {
			items[i].Folder.ID = ""
		}
		if items[i].Request != nil {
			items[i].Request.ID = ""
		}
		clearIDs(items[i].Children)
	}
}
