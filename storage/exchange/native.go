package exchange

// The native format: one request per file (NAME.knock.json, see
// requestfile.go) and, for a collection, a folder of such files with
// sub-folders for folders and one collection file, knock.collection.json,
// that holds the order, the folders' metadata, the variables and the auth.
// docs/format.md is the specification; docs/knock-request.schema.json and
// docs/knock-collection.schema.json are its JSON Schemas.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/knockhttp/knock/storage"
)

// The native file names and format markers.
const (
	CollectionFormat   = "knock.collection/v1"
	CollectionFileName = "knock.collection.json"
	RequestFileSuffix  = ".knock.json"
)

// nativeMaxFiles bounds how many files one collection folder may hold.
const nativeMaxFiles = 100000

// nativeCollectionFile is the shape of knock.collection.json.
type nativeCollectionFile struct {
	Format      string             `json:"format"`
	Name        string             `json:"name"`
	Description string             `json:"description,omitempty"`
	Auth        storage.AuthSpec   `json:"auth,omitzero"`
	Variables   []storage.Variable `json:"variables,omitempty"`
	Headers     []storage.KeyValue `json:"headers,omitempty"`
	Scripts     []storage.Script   `json:"scripts,omitempty"`
	Items       []nativeItem       `json:"items,omitempty"`
}

// nativeItem is one entry of a collection's or folder's ordered items:
// either a request file or a folder (a sub-directory) with its metadata
// and items. Paths are relative to the parent's directory.
type nativeItem struct {
	Request     string             `json:"request,omitempty"`
	Folder      string             `json:"folder,omitempty"`
	Name        string             `json:"name,omitempty"`
	Description string             `json:"description,omitempty"`
	Auth        storage.AuthSpec   `json:"auth,omitzero"`
	Variables   []storage.Variable `json:"variables,omitempty"`
	Headers     []storage.KeyValue `json:"headers,omitempty"`
	Scripts     []storage.Script   `json:"scripts,omitempty"`
	Items       []nativeItem       `json:"items,omitempty"`
}

// NativeExport tells what ExportNativeFolder wrote.
type NativeExport struct {
	Files   []string // the files written or left unchanged, relative to the folder, slash-separated
	Removed []string // stale request files removed
	// Secrets are the names written in place of secret values; the
	// people who import the folder are asked for them.
	Secrets []string
	// IDs maps each path (files; folders with a trailing "/") to the ID
	// of the collection, folder or request it holds, for items that had
	// one.
	IDs map[string]string
	// Sums holds the SHA-256 (hex) of each file written or found
	// unchanged; Held lists the files that NativeExportOptions.Hold kept.
	Sums map[string]string
	Held []string
}

// NativeExportOptions tune ExportNativeFolderWith.
type NativeExportOptions struct {
	// Hold, when set, is asked before a file is written or a stale
	// request file removed (rel is slash-separated); for true the file
	// is left as it is. Folder sync holds files changed on disk that it
	// has not taken in yet.
	Hold func(rel string) bool
}

func init() {
	registerImporter(Importer{
		Format: "native",
		Title:  "Knock request file or collection folder",
		Detect: nativeDetect,
		Import: nativeImport,
	})
}

func nativeDetect(name string, data []byte) bool {
	base := filepath.Base(name)
	if base == CollectionFileName || strings.HasSuffix(base, RequestFileSuffix) {
		return true
	}
	data, err := nativeDecodeText(data)
	if err != nil {
		return false
	}
	return nativeSniff(data, 512, `"knock.request/`) || nativeSniff(data, 512, `"knock.collection/`)
}

// nativeImport imports a request file as a collection of one request, or
// a knock.collection.json with the folder around it.
func nativeImport(name string, data []byte) (*Result, error) {
	text, err := nativeDecodeText(data)
	if err != nil {
		return nil, err
	}
	var probe struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(text, &probe); err != nil {
		return nil, JSONError(text, err)
	}
	if strings.HasPrefix(probe.Format, "knock.collection/") {
		return nativeImportFolder(filepath.Dir(name), text)
	}
	return nativeImportRequest(name, text)
}

func nativeImportRequest(name string, data []byte) (*Result, error) {
	r, err := UnmarshalRequest(data)
	if err != nil {
		return nil, err
	}
	if r.Name == "" {
		r.Name = strings.TrimSuffix(filepath.Base(name), RequestFileSuffix)
	}
	res := &Result{
		Collection: &storage.Collection{Name: r.Name},
		Items:      []storage.TreeItem{{Request: &r}},
	}
	res.Report.Imported = []string{r.Name}
	nativeReportScripts(&res.Report, r.Name, r.Scripts)
	if err := nativeFinishSecrets(res); err != nil {
		return nil, err
	}
	return res, nil
}

// nativeFinishSecrets turns the references of an imported tree into the
// Report's SecretNeeds.
func nativeFinishSecrets(res *Result) error {
	set := &nativeNeedSet{}
	if c := res.Collection; c != nil {
		if err := set.container(&c.Auth, c.Variables, c.Headers, c.Name); err != nil {
			return err
		}
	}
	if err := set.tree(res.Items, ""); err != nil {
		return err
	}
	for i := range res.Environments {
		if err := set.variables(res.Environments[i].Variables, res.Environments[i].Name); err != nil {
			return err
		}
	}
	res.Report.Secrets = set.list()
	return nil
}

func nativeReportScripts(rep *Report, where string, scripts []storage.Script) {
	for _, s := range scripts {
		if strings.TrimSpace(s.Text) != "" {
			rep.NotRun = append(rep.NotRun, where+": "+s.Event+" script")
		}
	}
}

// ImportNativeFolder reads a collection folder: knock.collection.json and
// the request files it lists. Request files that the collection file does
// not list (a teammate added one and the merge kept only the file) are
// imported after the listed ones, in name order; listed files that are
// missing are reported as skipped. Symbolic links are not followed.
func ImportNativeFolder(dir string) (*Result, error) {
	data, err := os.ReadFile(filepath.Join(dir, CollectionFileName))
	if err != nil {
		return nil, err
	}
	text, err := nativeDecodeText(data)
	if err != nil {
		return nil, err
	}
	return nativeImportFolder(dir, text)
}

func nativeImportFolder(dir string, collData []byte) (*Result, error) {
	res, _, err := nativeReadFolder(dir, collData, &nativeReadState{})
	if err != nil {
		return nil, err
	}
	if err := nativeFinishSecrets(res); err != nil {
		return nil, err
	}
	return res, nil
}

// nativeParseCollection decodes and checks a collection file.
func nativeParseCollection(data []byte) (*nativeCollectionFile, error) {
	var probe struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, JSONError(data, err)
	}
	switch {
	case probe.Format == "":
		return nil, errors.New(`not a Knock collection file: no "format" field`)
	case probe.Format == RequestFormat:
		return nil, fmt.Errorf("this is a request file (%q), not a collection file", probe.Format)
	case probe.Format != CollectionFormat:
		return nil, fmt.Errorf("unsupported format %q (this Knock reads %q)", probe.Format, CollectionFormat)
	}
	var cf nativeCollectionFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cf); err != nil {
		return nil, JSONError(data, err)
	}
	if strings.TrimSpace(cf.Name) == "" {
		return nil, errors.New(`the collection has no "name"`)
	}
	if err := nativeCheckItems(cf.Items, "items", 0); err != nil {
		return nil, err
	}
	return &cf, nil
}

// nativeCheckItems checks the shape and the paths of the item list.
func nativeCheckItems(items []nativeItem, path string, depth int) error {
	if depth > nativeMaxDepth {
		return fmt.Errorf("%s: folders nested deeper than %d", path, nativeMaxDepth)
	}
	for i, it := range items {
		p := nativeIndex(path, i)
		switch {
		case it.Request != "" && it.Folder != "":
			return fmt.Errorf(`%s: an item is either a "request" or a "folder", not both`, p)
		case it.Request != "":
			if err := nativeCheckFileName(it.Request); err != nil {
				return fmt.Errorf("%s.request: %w", p, err)
			}
			if !strings.HasSuffix(it.Request, RequestFileSuffix) {
				return fmt.Errorf("%s.request: %s does not end in %s", p, nativeShort(it.Request), RequestFileSuffix)
			}
			if it.Name != "" || it.Description != "" || !it.Auth.IsNone() || len(it.Variables)+len(it.Headers)+len(it.Scripts)+len(it.Items) > 0 {
				return fmt.Errorf("%s: a request item holds only \"request\"; its fields are in the request file", p)
			}
		case it.Folder != "":
			if err := nativeCheckFileName(it.Folder); err != nil {
				return fmt.Errorf("%s.folder: %w", p, err)
			}
			if err := nativeCheckItems(it.Items, p+".items", depth+1); err != nil {
				return err
			}
		default:
			return fmt.Errorf(`%s: an item needs "request" (a file) or "folder" (a directory)`, p)
		}
	}
	return nil
}

// nativeCheckFileName accepts one plain path element: no separators, no
// "." or "..", nothing that would leave the collection's folder.
func nativeCheckFileName(name string) error {
	switch {
	case name == "." || name == "..":
		return fmt.Errorf("%s is not a file name", nativeShort(name))
	case strings.ContainsAny(name, `/\:`) || strings.ContainsRune(name, 0):
		return fmt.Errorf("%s must be a plain name inside the collection's folder (no /, \\ or :)", nativeShort(name))
	case !utf8.ValidString(name):
		return fmt.Errorf("%s is not valid UTF-8", nativeShort(name))
	}
	return nil
}

// nativeReadItems reads the listed items of one directory, then the
// request files and sub-directories it holds that are not listed.
func nativeReadItems(dir, rel, display string, listed []nativeItem, depth int, rep *Report, st *nativeReadState) ([]storage.TreeItem, error) {
	if depth > nativeMaxDepth {
		return nil, fmt.Errorf("%s: folders nested deeper than %d", rel, nativeMaxDepth)
	}
	entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	onDisk := map[string]fs.DirEntry{}
	for _, e := range entries {
		onDisk[e.Name()] = e
	}
	seen := map[string]bool{}
	var out []storage.TreeItem
	where := func(name string) string { return path.Join(rel, name) }
	for _, it := range listed {
		if it.Request != "" {
			seen[it.Request] = true
			e, ok := onDisk[it.Request]
			if !ok || !e.Type().IsRegular() {
				rep.Skipf(where(it.Request), "listed in %s but not a file in the folder", CollectionFileName)
				continue
			}
			r, err := nativeReadRequestFile(dir, where(it.Request), st)
			if err != nil {
				return nil, err
			}
			rep.Imported = append(rep.Imported, nativePathJoin(display, r.Name))
			nativeReportScripts(rep, nativePathJoin(display, r.Name), r.Scripts)
			out = append(out, storage.TreeItem{Request: r})
			continue
		}
		seen[it.Folder] = true
		if e, ok := onDisk[it.Folder]; ok && !e.IsDir() {
			rep.Skipf(where(it.Folder), "listed as a folder in %s but not a directory", CollectionFileName)
			continue
		}
		name := it.Name
		if strings.TrimSpace(name) == "" {
			name = it.Folder
		}
		f := &storage.Folder{
			Name:        name,
			Description: it.Description,
			Auth:        it.Auth,
			Variables:   it.Variables,
			Headers:     it.Headers,
			Scripts:     it.Scripts,
		}
		nativeReportScripts(rep, nativePathJoin(display, name), it.Scripts)
		kids, err := nativeReadItems(dir, where(it.Folder), nativePathJoin(display, name), it.Items, depth+1, rep, st)
		if err != nil {
			return nil, err
		}
		st.trace(f, where(it.Folder)+"/")
		out = append(out, storage.TreeItem{Folder: f, Children: kids})
	}
	// What the collection file does not list, in name order.
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !seen[e.Name()] {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		e := onDisk[n]
		switch {
		case e.Type()&fs.ModeSymlink != 0:
			if strings.HasSuffix(n, RequestFileSuffix) {
				rep.Skipf(where(n), "a symbolic link: not followed")
			}
		case e.Type().IsRegular() && strings.HasSuffix(n, RequestFileSuffix):
			r, err := nativeReadRequestFile(dir, where(n), st)
			if err != nil {
				return nil, err
			}
			rep.Imported = append(rep.Imported, nativePathJoin(display, r.Name))
			nativeReportScripts(rep, nativePathJoin(display, r.Name), r.Scripts)
			out = append(out, storage.TreeItem{Request: r})
		case e.IsDir() && !strings.HasPrefix(n, "."):
			if _, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(where(n)), CollectionFileName)); err == nil {
				rep.Skipf(where(n), "a collection of its own (it has a %s): not imported with this one", CollectionFileName)
				continue
			}
			kids, err := nativeReadItems(dir, where(n), nativePathJoin(display, n), nil, depth+1, rep, st)
			if err != nil {
				return nil, err
			}
			if len(kids) > 0 {
				f := &storage.Folder{Name: n}
				st.trace(f, where(n)+"/")
				out = append(out, storage.TreeItem{Folder: f, Children: kids})
			}
		}
	}
	return out, nil
}

// nativeFileBufs holds the buffers request files are read into.
var nativeFileBufs = sync.Pool{New: func() any { return new([]byte) }}

func nativeReadRequestFile(dir, rel string, st *nativeReadState) (*storage.Request, error) {
	st.files++
	if st.files > nativeMaxFiles {
		return nil, fmt.Errorf("more than %d request files", nativeMaxFiles)
	}
	// The text is only decoded (decoding copies every string out of it),
	// so one buffer serves file after file.
	bp := nativeFileBufs.Get().(*[]byte)
	defer nativeFileBufs.Put(bp)
	data, err := nativeReadSmallFile(filepath.Join(dir, filepath.FromSlash(rel)), *bp)
	if err != nil {
		return nil, err
	}
	*bp = data[:0]
	f := new(requestFile)
	if err := unmarshalRequestFile(data, f); err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	r := &f.Request
	if r.Name == "" {
		r.Name = strings.TrimSuffix(path.Base(rel), RequestFileSuffix)
	}
	st.trace(r, rel)
	st.sum(rel, data)
	return r, nil
}

// ExportNativeFolder writes a collection as a folder of native files:
// knock.collection.json and one NAME.knock.json per request, with a
// sub-directory per folder. File names come from the item names (see
// nativeFileName); files whose content did not change are not rewritten,
// and request files of an earlier export that are no longer part of the
// collection are removed (other files are never touched). No secret value
// is written: secrets become KNOCK_SECRET_* references, listed in the
// result. Pass documents with their secret values filled in (the Hydrate
// methods) so that equal secrets share one name; documents holding only
// store references work too.
func ExportNativeFolder(dir string, c *storage.Collection, items []storage.TreeItem) (*NativeExport, error) {
	return ExportNativeFolderWith(dir, c, items, nil)
}

// ExportNativeFolderWith is ExportNativeFolder with options (folder sync
// uses them; nil means none).
func ExportNativeFolderWith(dir string, c *storage.Collection, items []storage.TreeItem, opts *NativeExportOptions) (*NativeExport, error) {
	if opts == nil {
		opts = &NativeExportOptions{}
	}
	if c == nil {
		return nil, errors.New("export: no collection")
	}
	namer := &nativeSecretNamer{}
	col := nativeClone(c)
	nativeStripAuth(&col.Auth, "", namer, nativeIsSecretParam)
	nativeStripVariables(col.Variables, namer)
	nativeStripHeaders(col.Headers, namer)
	cf := nativeCollectionFile{
		Format:      CollectionFormat,
		Name:        col.Name,
		Description: col.Description,
		Auth:        col.Auth,
		Variables:   col.Variables,
		Headers:     col.Headers,
		Scripts:     col.Scripts,
	}
	out := &NativeExport{IDs: map[string]string{}, Sums: map[string]string{}}
	files := map[string][]byte{} // slash path -> content
	var dirs []string
	var build func(rel string, items []storage.TreeItem, depth int) ([]nativeItem, error)
	build = func(rel string, items []storage.TreeItem, depth int) ([]nativeItem, error) {
		if depth > nativeMaxDepth {
			return nil, fmt.Errorf("export: folders nested deeper than %d", nativeMaxDepth)
		}
		names := nativeNameSet{}
		var list []nativeItem
		for _, it := range items {
			switch {
			case it.Folder != nil:
				f := nativeClone(it.Folder)
				nativeStripAuth(&f.Auth, "", namer, nativeIsSecretParam)
				nativeStripVariables(f.Variables, namer)
				nativeStripHeaders(f.Headers, namer)
				dirName := names.claim(nativeFileName(f.Name, "folder"), "")
				sub := path.Join(rel, dirName)
				dirs = append(dirs, sub)
				if f.ID != "" {
					out.IDs[sub+"/"] = f.ID
				}
				kids, err := build(sub, it.Children, depth+1)
				if err != nil {
					return nil, err
				}
				list = append(list, nativeItem{
					Folder: dirName, Name: f.Name, Description: f.Description, Auth: f.Auth,
					Variables: f.Variables, Headers: f.Headers, Scripts: f.Scripts, Items: kids,
				})
			case it.Request != nil:
				r := nativeStripRequest(it.Request, namer, nativeIsSecretParam)
				fileName := names.claim(nativeFileName(r.Name, "request"), RequestFileSuffix)
				data, err := nativeMarshal(requestFile{Format: RequestFormat, Request: *r})
				if err != nil {
					return nil, err
				}
				files[path.Join(rel, fileName)] = data
				if it.Request.ID != "" {
					out.IDs[path.Join(rel, fileName)] = it.Request.ID
				}
				list = append(list, nativeItem{Request: fileName})
			}
		}
		return list, nil
	}
	list, err := build("", items, 0)
	if err != nil {
		return nil, err
	}
	cf.Items = list
	data, err := nativeMarshal(cf)
	if err != nil {
		return nil, err
	}
	files[CollectionFileName] = data
	if c.ID != "" {
		out.IDs[CollectionFileName] = c.ID
	}
	out.Secrets = namer.names

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	for _, d := range dirs {
		if err := nativeNoSymlinks(dir, d); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(d)), 0o755); err != nil {
			return nil, err
		}
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if opts.Hold != nil && opts.Hold(p) {
			out.Held = append(out.Held, p)
			continue
		}
		if err := nativeNoSymlinks(dir, p); err != nil {
			return nil, err
		}
		if err := nativeWriteFile(filepath.Join(dir, filepath.FromSlash(p)), files[p]); err != nil {
			return nil, err
		}
		out.Sums[p] = nativeSum(files[p])
	}
	out.Files = paths
	removed, err := nativeRemoveStale(dir, files, opts.Hold)
	if err != nil {
		return nil, err
	}
	out.Removed = removed
	return out, nil
}

// nativeNoSymlinks refuses to write through a symbolic link inside the
// export folder: a cloned repository could hold a link named like one of
// the folders, pointing anywhere on the disk.
func nativeNoSymlinks(dir, rel string) error {
	p := dir
	for _, elem := range strings.Split(rel, "/") {
		p = filepath.Join(p, elem)
		st, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("export: %s is a symbolic link: not writing through it", p)
		}
	}
	return nil
}

// nativeWriteFile writes data unless the file already holds it, through a
// temporary file and a rename, so that a crash never leaves half a file.
func nativeWriteFile(name string, data []byte) error {
	if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, data) {
		return nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), ".knock-*.tmp")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// nativeRemoveStale removes *.knock.json files under dir that the export
// did not write (they would come back on import), then the directories
// that this left empty. Hidden directories (.git), directories holding a
// collection of their own, symbolic links and all other files are left
// alone.
func nativeRemoveStale(dir string, keep map[string][]byte, hold func(string) bool) ([]string, error) {
	var removed []string
	parents := map[string]bool{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "." {
				return nil
			}
			if strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if _, err := os.Lstat(filepath.Join(p, CollectionFileName)); err == nil {
				if _, ours := keep[rel+"/"+CollectionFileName]; !ours {
					return filepath.SkipDir // another collection
				}
			}
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(d.Name(), RequestFileSuffix) {
			if _, ok := keep[rel]; !ok {
				if hold != nil && hold(rel) {
					return nil
				}
				if err := os.Remove(p); err != nil {
					return err
				}
				removed = append(removed, rel)
				parents[filepath.Dir(p)] = true
			}
		}
		return nil
	})
	if err != nil {
		return removed, err
	}
	// Remove the directories emptied, deepest first, up to dir itself
	// (exclusive); Remove fails harmlessly on one that is not empty.
	var list []string
	for p := range parents {
		for ; p != dir && strings.HasPrefix(p, dir); p = filepath.Dir(p) {
			list = append(list, p)
		}
	}
	sort.Slice(list, func(i, j int) bool { return len(list[i]) > len(list[j]) })
	for _, p := range list {
		_ = os.Remove(p)
	}
	return removed, nil
}

// nativeNameSet hands out file names unique within one directory,
// ignoring case (macOS and Windows file systems do).
type nativeNameSet map[string]bool

func (s nativeNameSet) claim(base, suffix string) string {
	name := base + suffix
	for i := 2; s[strings.ToLower(name)] || strings.EqualFold(name, CollectionFileName); i++ {
		name = fmt.Sprintf("%s-%d%s", base, i, suffix)
	}
	s[strings.ToLower(name)] = true
	return name
}

// nativeFileName derives a safe, stable file name from an item name:
// letters and digits of any script, '_', '.', '(' and ')' are kept; a run
// of anything else becomes one '-' (one space if it was only spaces);
// leading and trailing dots and dashes are removed and ".." is reduced to
// "." (no hidden files, no path elements); the
// result is at most 80 bytes, never empty, and never a device name that
// Windows reserves.
func nativeFileName(name, fallback string) string {
	var b strings.Builder
	pending := "" // the separator owed before the next kept character
	for _, r := range name {
		switch {
		case r == ' ':
			if pending == "" {
				pending = " "
			}
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '.' || r == '(' || r == ')':
			if pending != "" && b.Len() > 0 {
				b.WriteString(pending)
			}
			pending = ""
			b.WriteRune(r)
		default: // '-' and everything else
			pending = "-"
		}
	}
	s := strings.Trim(b.String(), " .-")
	for strings.Contains(s, "..") {
		s = strings.ReplaceAll(s, "..", ".")
	}
	if len(s) > 80 {
		cut := 80
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.Trim(s[:cut], " .-")
	}
	if s == "" {
		s = fallback
	}
	upper := strings.ToUpper(s)
	if i := strings.IndexByte(upper, '.'); i >= 0 {
		upper = upper[:i]
	}
	switch upper {
	case "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		s = "_" + s
	}
	return s
}

// LoadCollection reads a saved collection and its whole tree, in order,
// ready for ExportNativeFolder or ExportPostman. With hydrate, secret
// values are filled in from the secret store (so that equal secrets share
// one reference name in the export; they are never written); secrets the
// store does not have stay as references. It blocks on the database and,
// with hydrate, on the secret store: never call it on the UI goroutine.
func LoadCollection(db *storage.DB, collectionID string, hydrate bool) (*storage.Collection, []storage.TreeItem, error) {
	c, err := db.Collection(collectionID)
	if err != nil {
		return nil, nil, err
	}
	tree, err := db.Tree(collectionID)
	if err != nil {
		return nil, nil, err
	}
	fill := func(err error) error {
		if !hydrate || err == nil || errors.Is(err, storage.ErrSecretMissing) {
			return nil
		}
		return err
	}
	if hydrate {
		if err := fill(db.HydrateCollection(c)); err != nil {
			return nil, nil, err
		}
	}
	var load func(nodes []*storage.Node, depth int) ([]storage.TreeItem, error)
	load = func(nodes []*storage.Node, depth int) ([]storage.TreeItem, error) {
		if depth > nativeMaxDepth {
			return nil, fmt.Errorf("export: folders nested deeper than %d", nativeMaxDepth)
		}
		out := make([]storage.TreeItem, 0, len(nodes))
		for _, n := range nodes {
			switch n.Kind {
			case storage.KindFolder:
				f, err := db.Folder(n.ID)
				if err != nil {
					return nil, err
				}
				if hydrate {
					if err := fill(db.HydrateFolder(f)); err != nil {
						return nil, err
					}
				}
				kids, err := load(n.Children, depth+1)
				if err != nil {
					return nil, err
				}
				out = append(out, storage.TreeItem{Folder: f, Children: kids})
			case storage.KindRequest:
				r, err := db.Request(n.ID)
				if err != nil {
					return nil, err
				}
				if hydrate {
					if err := fill(db.HydrateRequest(r)); err != nil {
						return nil, err
					}
				}
				out = append(out, storage.TreeItem{Request: r})
			}
		}
		return out, nil
	}
	items, err := load(tree.Children, 0)
	if err != nil {
		return nil, nil, err
	}
	return c, items, nil
}
