package exchange

// Import of a whole Bruno collection folder: bruno.json (the marker and
// the name), collection.bru (the collection's headers, auth, variables,
// scripts and docs), a folder.bru per sub-folder (its name, seq, auth,
// headers, variables), the request .bru files, and environments/*.bru.
// Each .bru file goes through the single-file importer (bruno.go); this
// file arranges them into one tree.
//
// Order: within a folder, items with a meta seq come first by seq, then
// the others; ties go by name (Bruno's own sidebar order). A request file
// that cannot be read (a malformed file, a gRPC or WebSocket request) is
// skipped and reported with its reason; bruno.json and collection.bru
// must be readable, or the import fails naming the file. Hidden entries,
// node_modules and the folders bruno.json lists under "ignore" are not
// read, nor are symbolic links.

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// BrunoCollectionFile marks a Bruno collection folder.
const BrunoCollectionFile = "bruno.json"

// brunoMaxFiles bounds the .bru files one folder import reads.
const brunoMaxFiles = 20000

// brunoConfig is the part of bruno.json the importer reads.
type brunoConfig struct {
	Version string   `json:"version"`
	Name    string   `json:"name"`
	Type    string   `json:"type"`
	Ignore  []string `json:"ignore"`
}

// IsBrunoFolder reports whether dir holds a Bruno collection (a
// bruno.json).
func IsBrunoFolder(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, BrunoCollectionFile))
	return err == nil && st.Mode().IsRegular()
}

// ImportBrunoFolder reads a Bruno collection folder into one collection
// with its folders, requests and environments. Secret environment
// variables (vars:secret) are marked secret and have no value: Bruno
// keeps their values outside the folder, so the user enters them.
func ImportBrunoFolder(dir string) (*Result, error) {
	raw, err := os.ReadFile(filepath.Join(dir, BrunoCollectionFile))
	if err != nil {
		return nil, err
	}
	text, err := nativeDecodeText(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", BrunoCollectionFile, err)
	}
	var cfg brunoConfig
	if err := json.Unmarshal(text, &cfg); err != nil {
		return nil, fmt.Errorf("%s: %w", BrunoCollectionFile, JSONError(text, err))
	}
	if cfg.Type != "" && cfg.Type != "collection" {
		return nil, fmt.Errorf("%s: type %q is not a collection", BrunoCollectionFile, cfg.Type)
	}
	res := &Result{Format: "bruno", Collection: &storage.Collection{Name: cfg.Name}}
	if data, err := os.ReadFile(filepath.Join(dir, "collection.bru")); err == nil {
		sub, err := brunoImport("collection.bru", data)
		if err != nil {
			return nil, fmt.Errorf("collection.bru: %w", err)
		}
		res.Collection = sub.Collection
		if cfg.Name != "" {
			res.Collection.Name = cfg.Name
		}
		brunoMergeReport(&res.Report, "collection.bru", &sub.Report)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if strings.TrimSpace(res.Collection.Name) == "" {
		res.Collection.Name = filepath.Base(filepath.Clean(dir))
	}
	ignore := map[string]bool{"node_modules": true}
	for _, p := range cfg.Ignore {
		ignore[path.Clean(filepath.ToSlash(p))] = true
	}
	w := &brunoWalker{dir: dir, ignore: ignore, res: res}
	items, err := w.folder("", "", 0)
	if err != nil {
		return nil, err
	}
	res.Items = items
	if err := w.environments(); err != nil {
		return nil, err
	}
	return res, nil
}

type brunoWalker struct {
	dir    string
	ignore map[string]bool
	res    *Result
	files  int
}

// brunoEntry is one item of a folder with its place in the order.
type brunoEntry struct {
	item   storage.TreeItem
	seq    int
	hasSeq bool
	name   string
	folder bool
}

// folder reads the items of one directory (rel is slash-separated, ""
// for the collection's root; display is the folder path for the report).
func (w *brunoWalker) folder(rel, display string, depth int) ([]storage.TreeItem, error) {
	if depth > nativeMaxDepth {
		return nil, fmt.Errorf("%s: folders nested deeper than %d", rel, nativeMaxDepth)
	}
	list, err := os.ReadDir(filepath.Join(w.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	var entries []brunoEntry
	for _, d := range list {
		name := d.Name()
		p := path.Join(rel, name)
		switch {
		case strings.HasPrefix(name, ".") || w.ignore[p] || w.ignore[name]:
			continue
		case d.Type()&fs.ModeSymlink != 0:
			if strings.HasSuffix(name, ".bru") || rel == "" {
				w.res.Report.Skipf(p, "a symbolic link: not followed")
			}
		case d.IsDir():
			if rel == "" && name == "environments" {
				continue
			}
			e, ok, err := w.subfolder(p, display, depth)
			if err != nil {
				return nil, err
			}
			if ok {
				entries = append(entries, e)
			}
		case d.Type().IsRegular() && strings.HasSuffix(name, ".bru"):
			if name == "folder.bru" || (rel == "" && name == "collection.bru") {
				continue
			}
			if e, ok := w.request(p, display); ok {
				entries = append(entries, e)
			}
		}
	}
	sort.SliceStable(entries, func(i, j int) bool {
		a, b := entries[i], entries[j]
		if a.hasSeq != b.hasSeq {
			return a.hasSeq
		}
		if a.hasSeq && a.seq != b.seq {
			return a.seq < b.seq
		}
		if a.folder != b.folder {
			return a.folder
		}
		return a.name < b.name
	})
	out := make([]storage.TreeItem, len(entries))
	for i, e := range entries {
		out[i] = e.item
	}
	return out, nil
}

// subfolder reads a sub-directory and its folder.bru; parent is the
// parent's path for the report.
func (w *brunoWalker) subfolder(rel, parent string, depth int) (brunoEntry, bool, error) {
	base := path.Base(rel)
	f := &storage.Folder{Name: base, Auth: storage.AuthSpec{Type: storage.AuthInherit}}
	e := brunoEntry{name: base, folder: true}
	meta := path.Join(rel, "folder.bru")
	if data, err := w.read(meta); err == nil {
		sub, err := brunoImport("folder.bru", data)
		switch {
		case err != nil:
			w.res.Report.Skipf(meta, "not read, the folder keeps its directory's name and inherits its auth: %v", err)
		case len(sub.Items) == 1 && sub.Items[0].Folder != nil:
			f = sub.Items[0].Folder
			brunoMergeReport(&w.res.Report, meta, &sub.Report)
		default:
			w.res.Report.Skipf(meta, "not a folder file; ignored")
		}
		e.seq, e.hasSeq, _ = brunoMeta(data)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return e, false, err
	}
	kids, err := w.folder(rel, nativePathJoin(parent, f.Name), depth+1)
	if err != nil {
		return e, false, err
	}
	e.name = f.Name
	e.item = storage.TreeItem{Folder: f, Children: kids}
	return e, true, nil
}

// request reads one request file; one that cannot be read is skipped
// with its reason.
func (w *brunoWalker) request(rel, display string) (brunoEntry, bool) {
	data, err := w.read(rel)
	if err != nil {
		w.res.Report.Skipf(rel, "not read: %v", err)
		return brunoEntry{}, false
	}
	seq, has, typ := brunoMeta(data)
	if typ != "" && typ != "http" && typ != "graphql" {
		w.res.Report.Skipf(rel, "a %s request: Knock imports HTTP and GraphQL requests", typ)
		return brunoEntry{}, false
	}
	sub, err := brunoImport(path.Base(rel), data)
	if err != nil {
		w.res.Report.Skipf(rel, "%v", err)
		return brunoEntry{}, false
	}
	if len(sub.Items) != 1 || sub.Items[0].Request == nil {
		w.res.Report.Skipf(rel, "not a request file (a collection, folder or environment file out of place); not imported")
		return brunoEntry{}, false
	}
	r := sub.Items[0].Request
	// The single-file importer keeps a request's vars:pre-request on the
	// collection it makes; here they join the collection's.
	if len(sub.Collection.Variables) > 0 {
		w.mergeVariables(rel, sub.Collection.Variables)
	}
	brunoMergeReport(&w.res.Report, rel, &sub.Report)
	w.res.Report.Imported = append(w.res.Report.Imported, nativePathJoin(display, r.Name))
	return brunoEntry{item: storage.TreeItem{Request: r}, seq: seq, hasSeq: has, name: r.Name}, true
}

func (w *brunoWalker) mergeVariables(rel string, vs []storage.Variable) {
	c := w.res.Collection
	for _, v := range vs {
		found := false
		for _, have := range c.Variables {
			if have.Key == v.Key {
				found = true
			}
		}
		if found {
			w.res.Report.Skipf(rel, "vars:pre-request %s: the collection already has a variable of that name; this value is not imported", v.Key)
			continue
		}
		c.Variables = append(c.Variables, v)
	}
}

// environments reads environments/*.bru, in name order.
func (w *brunoWalker) environments() error {
	list, err := os.ReadDir(filepath.Join(w.dir, "environments"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, d := range list {
		name := d.Name()
		rel := path.Join("environments", name)
		if !d.Type().IsRegular() || !strings.HasSuffix(name, ".bru") || strings.HasPrefix(name, ".") {
			continue
		}
		data, err := w.read(rel)
		if err != nil {
			return err
		}
		sub, err := brunoImport(name, data)
		if err != nil {
			w.res.Report.Skipf(rel, "%v", err)
			continue
		}
		if len(sub.Environments) != 1 {
			w.res.Report.Skipf(rel, "not an environment file; not imported")
			continue
		}
		env := sub.Environments[0]
		env.Name = strings.TrimSuffix(name, ".bru")
		brunoMergeReport(&w.res.Report, rel, &sub.Report)
		w.res.Environments = append(w.res.Environments, env)
	}
	return nil
}

func (w *brunoWalker) read(rel string) ([]byte, error) {
	w.files++
	if w.files > brunoMaxFiles {
		return nil, fmt.Errorf("more than %d files", brunoMaxFiles)
	}
	p := filepath.Join(w.dir, filepath.FromSlash(rel))
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if st.Size() > brunoMaxInput {
		return nil, fmt.Errorf("%s is %d bytes; at most %d are read", rel, st.Size(), brunoMaxInput)
	}
	return os.ReadFile(p)
}

// brunoMeta reads meta { seq, type } from a file: seq when it is a
// number there.
func brunoMeta(data []byte) (seq int, hasSeq bool, typ string) {
	blocks, err := brunoParse(data)
	if err != nil {
		return 0, false, ""
	}
	for i := range blocks {
		if blocks[i].name != "meta" {
			continue
		}
		typ, _ = blocks[i].value("type")
		typ = strings.TrimSpace(typ)
		if v, ok := blocks[i].value("seq"); ok {
			if n, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && n > -1e9 && n < 1e9 {
				return int(n), true, typ
			}
		}
		return 0, false, typ
	}
	return 0, false, ""
}

// brunoMergeReport adds one file's report to the folder's, naming the
// file in each skipped item ("auth/Login.bru: line 12").
func brunoMergeReport(to *Report, rel string, from *Report) {
	for _, s := range from.Skipped {
		item := rel
		if s.Item != "" && s.Item != "line 0" {
			item += ": " + s.Item
		}
		to.Skipped = append(to.Skipped, Skip{Item: item, Reason: s.Reason})
	}
	for _, n := range from.NotRun {
		to.NotRun = append(to.NotRun, rel+": "+n)
	}
}
