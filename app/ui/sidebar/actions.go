package sidebar

import (
	"fyne.io/fyne/v2"

	"github.com/knockhttp/knock/storage"
)

// The labels of the node actions, as the menus show them.
const (
	actOpen       = "Open"
	actNewRequest = "New request…"
	actNewFolder  = "New folder…"
	actRename     = "Rename…"
	actDuplicate  = "Duplicate"
	actDelete     = "Delete"
	actMoveUp     = "Move up"
	actMoveDown   = "Move down"
	actMoveTo     = "Move to…"
	actCopyCurl   = "Copy as curl"
	actExport     = "Export…"
	actLink       = "Link to folder…"
	actUnlink     = "Unlink from "
)

// menuFor lists what can be done with a node; actions that cannot apply
// (Move up on the first item, an unset hook) are disabled.
func (p *collectionsPane) menuFor(id string) *fyne.Menu {
	n := p.m.get(id)
	if n == nil {
		return fyne.NewMenu("")
	}
	list, i := p.m.siblings(n)
	item := func(label string, action func(string), disabled bool) *fyne.MenuItem {
		mi := fyne.NewMenuItem(label, func() { action(id) })
		mi.Disabled = disabled
		return mi
	}
	var items []*fyne.MenuItem
	if n.kind == storage.KindRequest {
		items = append(items, item(actOpen, p.s.openRequest, false))
	} else {
		items = append(items,
			item(actNewRequest, p.onNewRequest, false),
			item(actNewFolder, p.onNewFolder, false))
	}
	items = append(items, fyne.NewMenuItemSeparator(),
		item(actRename, p.onRename, false),
		item(actDuplicate, p.onDuplicate, false),
		item(actDelete, p.onDelete, false),
		fyne.NewMenuItemSeparator(),
		item(actMoveUp, p.onMoveUp, i <= 0),
		item(actMoveDown, p.onMoveDown, i < 0 || i >= len(list)-1))
	if n.kind != storage.KindCollection {
		items = append(items, item(actMoveTo, p.onMoveTo, false))
	}
	items = append(items, fyne.NewMenuItemSeparator())
	if n.kind == storage.KindRequest {
		items = append(items, item(actCopyCurl, p.onCopyCurl, p.s.OnCopyCurl == nil))
	}
	items = append(items, item(actExport, p.onExport, p.s.OnExport == nil))
	if n.kind == storage.KindCollection && p.s.OnLinkFolder != nil && p.s.LinkedFolder != nil {
		if dir, ok := p.s.LinkedFolder(id); ok && p.s.OnUnlinkFolder != nil {
			items = append(items, item(actUnlink+dir, p.s.OnUnlinkFolder, false))
		} else {
			items = append(items, item(actLink, p.s.OnLinkFolder, false))
		}
	}
	return fyne.NewMenu("", items...)
}

// container is where new items go when id is selected: the node itself,
// or a request's folder.
func (p *collectionsPane) container(id string) *node {
	n := p.m.get(id)
	if n != nil && n.kind == storage.KindRequest {
		return n.parent
	}
	return n
}

// ---- create ----

func (p *collectionsPane) onNewCollection() {
	p.s.askName("New collection", "Create", "New collection", p.createCollection)
}

func (p *collectionsPane) createCollection(name string) {
	c := &storage.Collection{Name: name}
	p.s.writes.run(func() {
		err := p.s.db.CreateCollection(c)
		p.s.do(func() {
			p.onCreated("", &node{id: c.ID, kind: storage.KindCollection, name: name}, "Could not create collection "+quote(name), err)
		})
	})
}

func (p *collectionsPane) onNewRequest(id string) {
	parent := p.container(id)
	if parent == nil {
		return
	}
	parentID := parent.id
	p.s.askName("New request in "+quote(parent.name), "Create", "New request", func(name string) {
		p.createRequest(parentID, name)
	})
}

func (p *collectionsPane) createRequest(parentID, name string) {
	r := &storage.Request{Name: name, Method: "GET"}
	p.s.writes.run(func() {
		err := p.s.change([]string{parentID}, func() error { return p.s.db.CreateRequest(parentID, r) })
		p.s.do(func() {
			p.onCreated(parentID, &node{id: r.ID, kind: storage.KindRequest, name: name, method: r.Method}, "Could not create request "+quote(name), err)
		})
	})
}

func (p *collectionsPane) onNewFolder(id string) {
	parent := p.container(id)
	if parent == nil {
		return
	}
	parentID := parent.id
	p.s.askName("New folder in "+quote(parent.name), "Create", "New folder", func(name string) {
		p.createFolder(parentID, name)
	})
}

func (p *collectionsPane) createFolder(parentID, name string) {
	f := &storage.Folder{Name: name}
	p.s.writes.run(func() {
		err := p.s.change([]string{parentID}, func() error { return p.s.db.CreateFolder(parentID, f) })
		p.s.do(func() {
			p.onCreated(parentID, &node{id: f.ID, kind: storage.KindFolder, name: name}, "Could not create folder "+quote(name), err)
		})
	})
}

// onCreated puts a node the store created at the end of its parent
// ("" for a collection), selects it, and opens it if it is a request.
func (p *collectionsPane) onCreated(parentID string, n *node, what string, err error) {
	if err != nil {
		p.s.showError(what, err)
		return
	}
	var parent *node
	if parentID != "" {
		if parent = p.m.get(parentID); parent == nil {
			p.reload() // the parent went meanwhile; read everything again
			return
		}
	}
	n.setChildren(nil)
	p.m.insert(parent, n, -1)
	p.afterEdit()
	p.selectNode(n.id)
	if n.kind != storage.KindRequest {
		p.tree.OpenBranch(n.id)
	}
	p.s.changed()
	if n.kind == storage.KindRequest {
		p.s.openRequest(n.id)
	}
}

// ---- rename ----

func (p *collectionsPane) onRename(id string) {
	n := p.m.get(id)
	if n == nil {
		return
	}
	p.s.askName("Rename "+string(n.kind), "Rename", n.name, func(name string) { p.rename(id, name) })
}

// rename shows the new name at once and saves it; if the store refuses,
// the collection is read again, bringing the stored name back.
func (p *collectionsPane) rename(id, name string) {
	n := p.m.get(id)
	if n == nil || n.name == name {
		return
	}
	old, coll := n.name, n.collection().id
	n.name = name
	p.tree.RefreshItem(id)
	p.refreshSearch()
	p.s.writes.run(func() {
		err := p.s.change([]string{id}, func() error { return p.s.db.Rename(id, name) })
		p.s.do(func() { p.onRenamed(id, coll, old, err) })
	})
}

// onRenamed reports a rename the store refused, and reads the collection
// again so the tree shows what is stored.
func (p *collectionsPane) onRenamed(id, coll, old string, err error) {
	if err == nil {
		p.s.changed()
		return
	}
	p.s.showError("Could not rename "+quote(old), err)
	p.refreshCollections("", coll)
}

// ---- duplicate ----

func (p *collectionsPane) onDuplicate(id string) {
	n := p.m.get(id)
	if n == nil {
		return
	}
	coll, name := n.collection().id, n.name
	p.s.writes.run(func() {
		var copyID string
		err := p.s.change([]string{id}, func() (err error) {
			copyID, err = p.s.db.Duplicate(id)
			return err
		})
		p.s.do(func() {
			if err != nil {
				p.s.showError("Could not duplicate "+quote(name), err)
				return
			}
			p.refreshCollections(copyID, coll)
			p.s.changed()
		})
	})
}

// ---- delete and undo ----

// onDelete takes the node out of the tree at once and moves it to the
// trash; the banner offers Undo for a few seconds.
func (p *collectionsPane) onDelete(id string) {
	n := p.m.get(id)
	if n == nil {
		return
	}
	coll, name := n.collection().id, n.name
	if sel := p.m.get(p.selected); sel != nil && n.contains(sel) {
		p.tree.UnselectAll()
		p.selected = ""
	}
	p.m.remove(n)
	p.afterEdit()
	p.s.writes.run(func() {
		var trashID string
		err := p.s.change([]string{id}, func() (err error) {
			trashID, err = p.s.db.Delete(id)
			return err
		})
		p.s.do(func() {
			if err != nil {
				p.s.showError("Could not delete "+quote(name), err)
				p.refreshCollections("", coll)
				return
			}
			p.banner.show("Deleted "+quote(name), func() { p.undoDelete(trashID, id, coll, name) })
			p.s.changed()
		})
	})
}

// undoDelete restores a deleted node from the trash and selects it.
func (p *collectionsPane) undoDelete(trashID, id, coll, name string) {
	p.s.writes.run(func() {
		err := p.s.change([]string{coll}, func() error { return p.s.db.Restore(trashID) })
		p.s.do(func() {
			if err != nil {
				p.s.showError("Could not restore "+quote(name), err)
				return
			}
			p.refreshCollections(id, coll)
			p.s.changed()
		})
	})
}

// ---- move ----

func (p *collectionsPane) onMoveUp(id string)   { p.moveBy(id, -1) }
func (p *collectionsPane) onMoveDown(id string) { p.moveBy(id, +1) }

// moveBy moves a node one place among its siblings: in the model at
// once, then in the store.
func (p *collectionsPane) moveBy(id string, delta int) {
	n := p.m.get(id)
	if n == nil {
		return
	}
	list, i := p.m.siblings(n)
	j := i + delta
	if i < 0 || j < 0 || j >= len(list) {
		return
	}
	parent := n.parent
	p.m.move(n, parent, j)
	p.afterEdit()
	p.tree.ScrollTo(id)
	name := n.name
	if parent == nil {
		p.s.writes.run(func() {
			err := p.s.db.MoveCollection(id, j)
			p.s.do(func() { p.onMoved(name, err, id) })
		})
		return
	}
	parentID, coll := parent.id, n.collection().id
	p.s.writes.run(func() {
		err := p.s.change([]string{id}, func() error { return p.s.db.Move(id, parentID, j) })
		p.s.do(func() { p.onMoved(name, err, coll) })
	})
}

// moveInto puts a folder or request at the end of a collection or
// folder, possibly in another collection.
func (p *collectionsPane) moveInto(id, targetID string) {
	n, t := p.m.get(id), p.m.get(targetID)
	if n == nil || t == nil || n.kind == storage.KindCollection || t.kind == storage.KindRequest || n.contains(t) {
		return
	}
	from, to, name := n.collection().id, t.collection().id, n.name
	p.m.move(n, t, -1)
	p.afterEdit()
	p.selectNode(id)
	p.s.writes.run(func() {
		err := p.s.change([]string{id, targetID}, func() error { return p.s.db.Move(id, targetID, -1) })
		p.s.do(func() { p.onMoved(name, err, from, to) })
	})
}

// onMoved reports a move the store refused and reads the collections
// involved again, so the tree shows what is stored.
func (p *collectionsPane) onMoved(name string, err error, colls ...string) {
	if err == nil {
		p.s.changed()
		return
	}
	p.s.showError("Could not move "+quote(name), err)
	p.refreshCollections("", colls...)
}

func (p *collectionsPane) onMoveTo(id string) {
	n := p.m.get(id)
	if n == nil || n.kind == storage.KindCollection {
		return
	}
	newMoveDialog(p, n).show()
}

// ---- hooks ----

func (p *collectionsPane) onCopyCurl(id string) {
	if p.s.OnCopyCurl != nil {
		p.s.OnCopyCurl(id)
	}
}

func (p *collectionsPane) onExport(id string) {
	if p.s.OnExport != nil {
		p.s.OnExport(id)
	}
}
