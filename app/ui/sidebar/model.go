package sidebar

import (
	"strings"

	"github.com/knockhttp/knock/storage"
)

// node is one collection, folder or request of the in-memory tree.
type node struct {
	id     string
	kind   storage.NodeKind
	name   string
	method string
	url    string
	parent *node // nil for a collection

	children []*node
	childIDs []string // the children's IDs, kept for widget.Tree's ChildUIDs
}

// collection returns the collection n belongs to (n itself for one).
func (n *node) collection() *node {
	for n.parent != nil {
		n = n.parent
	}
	return n
}

// contains reports whether other is n or below n.
func (n *node) contains(other *node) bool {
	for p := other; p != nil; p = p.parent {
		if p == n {
			return true
		}
	}
	return false
}

func (n *node) setChildren(kids []*node) {
	n.children = kids
	n.childIDs = make([]string, len(kids))
	for i, k := range kids {
		n.childIDs[i] = k.id
	}
}

// model is the tree the sidebar shows. It is built off the UI goroutine
// and handed over whole; after that only the UI goroutine touches it.
type model struct {
	roots   []*node
	rootIDs []string
	byID    map[string]*node
	rank    map[string]int // tree order of requests, for sorting hits; nil when stale
}

func newModel() *model { return &model{byID: map[string]*node{}} }

// buildModel turns storage trees, in collection order, into a model.
func buildModel(trees []*storage.Node) *model {
	m := newModel()
	roots := make([]*node, 0, len(trees))
	for _, t := range trees {
		roots = append(roots, m.adopt(t, nil))
	}
	m.setRoots(roots)
	return m
}

// adopt converts a storage subtree and indexes it.
func (m *model) adopt(sn *storage.Node, parent *node) *node {
	n := &node{id: sn.ID, kind: sn.Kind, name: sn.Name, method: sn.Method, url: sn.URL, parent: parent}
	m.byID[n.id] = n
	if len(sn.Children) > 0 {
		kids := make([]*node, len(sn.Children))
		for i, c := range sn.Children {
			kids[i] = m.adopt(c, n)
		}
		n.setChildren(kids)
	}
	m.rank = nil
	return n
}

// forget removes n and everything below it from the index.
func (m *model) forget(n *node) {
	delete(m.byID, n.id)
	for _, c := range n.children {
		m.forget(c)
	}
	m.rank = nil
}

func (m *model) setRoots(roots []*node) {
	m.roots = roots
	m.rootIDs = make([]string, len(roots))
	for i, r := range roots {
		m.rootIDs[i] = r.id
	}
	m.rank = nil
}

func (m *model) get(id string) *node { return m.byID[id] }

// childIDs answers widget.Tree's ChildUIDs without allocating.
func (m *model) childIDs(id string) []string {
	if id == "" {
		return m.rootIDs
	}
	if n := m.byID[id]; n != nil {
		return n.childIDs
	}
	return nil
}

func (m *model) isBranch(id string) bool {
	if id == "" {
		return true
	}
	n := m.byID[id]
	return n != nil && n.kind != storage.KindRequest
}

// siblings returns the list n is in and its index there.
func (m *model) siblings(n *node) ([]*node, int) {
	list := m.roots
	if n.parent != nil {
		list = n.parent.children
	}
	for i, s := range list {
		if s == n {
			return list, i
		}
	}
	return list, -1
}

// remove takes n (and its subtree) out of the tree.
func (m *model) remove(n *node) {
	m.detach(n)
	m.forget(n)
}

// detach takes n out of its parent's list, keeping it indexed.
func (m *model) detach(n *node) {
	list, i := m.siblings(n)
	if i < 0 {
		return
	}
	rest := make([]*node, 0, len(list)-1)
	rest = append(rest, list[:i]...)
	rest = append(rest, list[i+1:]...)
	if n.parent == nil {
		m.setRoots(rest)
	} else {
		n.parent.setChildren(rest)
	}
	m.rank = nil
}

// insert puts n under parent (nil: the collection list) at index (-1 or
// past the end: the end), as storage places it.
func (m *model) insert(parent *node, n *node, index int) {
	list := m.roots
	if parent != nil {
		list = parent.children
	}
	if index < 0 || index > len(list) {
		index = len(list)
	}
	out := make([]*node, 0, len(list)+1)
	out = append(out, list[:index]...)
	out = append(out, n)
	out = append(out, list[index:]...)
	n.parent = parent
	if parent == nil {
		m.setRoots(out)
	} else {
		parent.setChildren(out)
	}
	m.byID[n.id] = n
	m.rank = nil
}

// move mirrors storage.DB.Move: n goes under parent at index among its
// new siblings, n itself left out.
func (m *model) move(n, parent *node, index int) {
	m.detach(n)
	m.insert(parent, n, index)
}

// replaceCollection swaps in a freshly read collection, keeping its place
// (or appending it when it is new).
func (m *model) replaceCollection(sn *storage.Node) *node {
	fresh := m.adopt(sn, nil)
	for i, r := range m.roots {
		if r.id == sn.ID {
			m.forgetStale(r)
			roots := append([]*node(nil), m.roots...)
			roots[i] = fresh
			m.setRoots(roots)
			return fresh
		}
	}
	m.setRoots(append(append([]*node(nil), m.roots...), fresh))
	return fresh
}

// forgetStale drops old's IDs from the index, except those that a fresh
// copy has taken over already.
func (m *model) forgetStale(old *node) {
	var walk func(*node)
	walk = func(n *node) {
		if m.byID[n.id] == n {
			delete(m.byID, n.id)
		}
		for _, c := range n.children {
			walk(c)
		}
	}
	walk(old)
}

// orderRoots puts the collections in the order of ids; collections not
// in ids are dropped, IDs not in the model are ignored.
func (m *model) orderRoots(ids []string) {
	keep := make(map[string]bool, len(ids))
	roots := make([]*node, 0, len(ids))
	for _, id := range ids {
		if n := m.byID[id]; n != nil && n.parent == nil {
			roots = append(roots, n)
			keep[id] = true
		}
	}
	for _, r := range m.roots {
		if !keep[r.id] {
			m.forget(r)
		}
	}
	m.setRoots(roots)
}

// path is where a node sits, as "Collection › Folder › Folder" (without
// the node itself).
func (m *model) path(id string) string {
	n := m.byID[id]
	if n == nil {
		return ""
	}
	var parts []string
	for p := n.parent; p != nil; p = p.parent {
		parts = append(parts, p.name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.Join(parts, pathSep)
}

const pathSep = " › "

// order returns a node's place in a depth-first walk of the whole tree,
// for showing search hits in tree order; -1 for an unknown ID.
func (m *model) order(id string) int {
	if m.rank == nil {
		m.rank = make(map[string]int, len(m.byID))
		i := 0
		var walk func([]*node)
		walk = func(list []*node) {
			for _, n := range list {
				m.rank[n.id] = i
				i++
				walk(n.children)
			}
		}
		walk(m.roots)
	}
	if r, ok := m.rank[id]; ok {
		return r
	}
	return -1
}

// containers lists every collection and folder in tree order, for the
// Move to… dialog.
func (m *model) containers() []*node {
	var out []*node
	var walk func([]*node)
	walk = func(list []*node) {
		for _, n := range list {
			if n.kind != storage.KindRequest {
				out = append(out, n)
				walk(n.children)
			}
		}
	}
	walk(m.roots)
	return out
}

// requests counts the requests in the tree.
func (m *model) requests() int {
	c := 0
	for _, n := range m.byID {
		if n.kind == storage.KindRequest {
			c++
		}
	}
	return c
}
