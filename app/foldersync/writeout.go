package foldersync

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// writeOut writes l's collection from the store. A file whose content on
// disk is not the one the last sync agreed on (changed by someone else
// and not taken in yet, in conflict, malformed, or unknown) is held: not
// written, not removed. Secrets keep the names the files gave them.
func (s *Syncer) writeOut(l *link) (*exchange.NativeExport, error) {
	c, items, err := exchange.LoadCollection(s.db, l.id, false)
	if err != nil {
		return nil, err
	}
	idPath := make(map[string]string, len(l.files))
	for p, f := range l.files {
		if f.ID != "" {
			idPath[f.ID] = p
		}
	}
	if cf := l.conflicts[l.id]; cf != nil && cf.DiskCollection != nil {
		disk := clone(cf.DiskCollection)
		disk.ID = c.ID
		c = disk
	} else {
		names := l.files[exchange.CollectionFileName].Secrets
		nameForFile(containerSlots(&c.Auth, c.Variables, c.Headers, names), names)
	}
	items = s.forFiles(l, items, idPath)
	hold := func(rel string) bool {
		data, err := os.ReadFile(filepath.Join(l.dir, filepath.FromSlash(rel)))
		if err != nil {
			return !errors.Is(err, fs.ErrNotExist)
		}
		f, known := l.files[rel]
		return !known || exchange.FileSum(data) != f.Sum
	}
	out, err := exchange.ExportNativeFolderWith(l.dir, c, items, &exchange.NativeExportOptions{Hold: hold})
	if err != nil {
		return nil, &SyncError{CollectionID: l.id, Dir: l.dir, Err: err}
	}

	files := make(map[string]storage.SyncFile, len(l.files))
	for p, f := range l.files {
		files[p] = f
	}
	exported := map[string]bool{}
	for p, id := range out.IDs {
		exported[p] = true
		sum, written := out.Sums[p]
		if !written && !strings.HasSuffix(p, "/") {
			continue // held: the last sync's state stays
		}
		f := storage.SyncFile{ID: id, Sum: sum}
		if old, ok := files[p]; ok && old.ID == id {
			f.Secrets = old.Secrets // the next sync reads the names of new ones
		}
		files[p] = f
	}
	for _, p := range out.Files {
		exported[p] = true
	}
	for _, p := range out.Removed {
		delete(files, p)
	}
	for p := range files {
		if exported[p] {
			continue
		}
		if _, err := os.Lstat(filepath.Join(l.dir, filepath.FromSlash(strings.TrimSuffix(p, "/")))); errors.Is(err, fs.ErrNotExist) {
			delete(files, p)
		}
	}
	s.watchTree(l, l.dir) // the directories the export made
	if changes := diffFiles(l.files, files); len(changes) > 0 {
		if err := s.db.UpdateSyncFiles(l.id, changes); err != nil {
			return nil, err
		}
		l.files = files
	}
	return out, nil
}

// forFiles prepares the stored items for the files: each secret gets the
// name its file gave it, and a node in conflict is written as the disk
// has it (its file is held anyway; this keeps the paths where they are),
// or left out when the disk deleted it.
func (s *Syncer) forFiles(l *link, items []storage.TreeItem, idPath map[string]string) []storage.TreeItem {
	out := items[:0]
	for _, it := range items {
		switch {
		case it.Request != nil:
			r := it.Request
			if cf := l.conflicts[r.ID]; cf != nil {
				if cf.DiskRequest == nil {
					continue
				}
				disk := clone(cf.DiskRequest)
				disk.ID = r.ID
				it.Request = disk
				break
			}
			names := l.files[idPath[r.ID]].Secrets
			nameForFile(requestSlots(r, names), names)
		case it.Folder != nil:
			f := it.Folder
			cf := l.conflicts[f.ID]
			if cf != nil && cf.Deleted {
				continue
			}
			if cf != nil && cf.DiskFolder != nil {
				disk := clone(cf.DiskFolder)
				disk.ID = f.ID
				it.Folder = disk
			} else {
				names := l.files[idPath[f.ID]].Secrets
				nameForFile(containerSlots(&f.Auth, f.Variables, f.Headers, names), names)
			}
			it.Children = s.forFiles(l, it.Children, idPath)
		}
		out = append(out, it)
	}
	return out
}
