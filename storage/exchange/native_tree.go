package exchange

// Reading a collection folder with the place of every item, for folder
// sync (app/foldersync): it matches files to stored nodes by their path
// and tells changed files from unchanged ones by their SHA-256.

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/knockhttp/knock/storage"
)

// NativeTree is a collection folder as ReadNativeTree read it.
type NativeTree struct {
	// Collection holds the collection file's fields. Secret references
	// are the KNOCK_SECRET_ names the file gives (no values).
	Collection *storage.Collection
	// CollectionSum is the SHA-256 (hex) of knock.collection.json.
	CollectionSum string
	// Items are the collection's folders and requests in order, as an
	// import reads them (unlisted files after the listed ones).
	Items []NativeNode
	// Report is the import report; Report.Secrets lists the names the
	// folder needs. Its setters fill a copy: use the names only.
	Report Report
}

// NativeNode is one folder or request of a NativeTree.
type NativeNode struct {
	// Path is the slash path relative to the collection's folder: a
	// request file ("Admin/Delete user.knock.json"), or a folder's
	// directory with a trailing slash ("Admin/").
	Path string
	// Sum is the SHA-256 (hex) of a request file's bytes.
	Sum string
	// Exactly one of Folder and Request is set. Secret references are
	// the file's KNOCK_SECRET_ names; IDs are empty.
	Folder   *storage.Folder
	Request  *storage.Request
	Children []NativeNode
}

// nativeReadState is carried through one folder read: the file count
// that bounds it and, for ReadNativeTree, where each item came from.
type nativeReadState struct {
	files int
	paths map[any]string    // *storage.Request or *storage.Folder -> path
	sums  map[string]string // request file path -> SHA-256 hex
}

func (st *nativeReadState) trace(item any, rel string) {
	if st.paths != nil {
		st.paths[item] = rel
	}
}

func (st *nativeReadState) sum(rel string, data []byte) {
	if st.sums != nil {
		st.sums[rel] = nativeSum(data)
	}
}

// nativeSum is the SHA-256 of data in hex.
func nativeSum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// FileSum returns the SHA-256 (hex) of a file's bytes, as NativeTree and
// NativeExport give them.
func FileSum(data []byte) string { return nativeSum(data) }

// ReadNativeTree reads a collection folder as ImportNativeFolder does,
// with the same errors (naming the file and the line or JSON path) and
// the same checks of secret reference names, but keeps each item's path
// and each file's SHA-256, and leaves the secret references in place.
func ReadNativeTree(dir string) (*NativeTree, error) {
	data, err := os.ReadFile(filepath.Join(dir, CollectionFileName))
	if err != nil {
		return nil, err
	}
	sum := nativeSum(data)
	text, err := nativeDecodeText(data)
	if err != nil {
		return nil, err
	}
	res, st, err := nativeReadFolder(dir, text, &nativeReadState{paths: map[any]string{}, sums: map[string]string{}})
	if err != nil {
		return nil, err
	}
	// The secret names are checked, and listed in the report, on a copy:
	// the tree keeps its references.
	probe := &Result{Collection: nativeClone(res.Collection), Items: *nativeClone(&res.Items)}
	if err := nativeFinishSecrets(probe); err != nil {
		return nil, err
	}
	res.Report.Secrets = probe.Report.Secrets
	tree := &NativeTree{Collection: res.Collection, CollectionSum: sum, Report: res.Report}
	tree.Items = nativeNodes(res.Items, st)
	return tree, nil
}

// nativeReadFolder reads the collection file's fields and the items,
// without turning secret references into needs.
func nativeReadFolder(dir string, collData []byte, st *nativeReadState) (*Result, *nativeReadState, error) {
	cf, err := nativeParseCollection(collData)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", CollectionFileName, err)
	}
	res := &Result{Collection: &storage.Collection{
		Name:        cf.Name,
		Description: cf.Description,
		Auth:        cf.Auth,
		Variables:   cf.Variables,
		Headers:     cf.Headers,
		Scripts:     cf.Scripts,
	}}
	nativeReportScripts(&res.Report, cf.Name, cf.Scripts)
	items, err := nativeReadItems(dir, "", "", cf.Items, 0, &res.Report, st)
	if err != nil {
		return nil, nil, err
	}
	res.Items = items
	return res, st, nil
}

func nativeNodes(items []storage.TreeItem, st *nativeReadState) []NativeNode {
	out := make([]NativeNode, 0, len(items))
	for _, it := range items {
		switch {
		case it.Folder != nil:
			out = append(out, NativeNode{Path: st.paths[it.Folder], Folder: it.Folder, Children: nativeNodes(it.Children, st)})
		case it.Request != nil:
			p := st.paths[it.Request]
			out = append(out, NativeNode{Path: p, Sum: st.sums[p], Request: it.Request})
		}
	}
	return out
}

// NativePaths returns the paths an export of the collection would give
// its items (ExportNativeFolder's naming), mapped to their IDs: request
// files, folders with a trailing "/", and knock.collection.json for the
// collection. Items without an ID are left out.
func NativePaths(c *storage.Collection, items []storage.TreeItem) map[string]string {
	out := map[string]string{}
	if c != nil && c.ID != "" {
		out[CollectionFileName] = c.ID
	}
	var walk func(rel string, items []storage.TreeItem, depth int)
	walk = func(rel string, items []storage.TreeItem, depth int) {
		if depth > nativeMaxDepth {
			return
		}
		names := nativeNameSet{}
		for _, it := range items {
			switch {
			case it.Folder != nil:
				sub := path.Join(rel, names.claim(nativeFileName(it.Folder.Name, "folder"), ""))
				if it.Folder.ID != "" {
					out[sub+"/"] = it.Folder.ID
				}
				walk(sub, it.Children, depth+1)
			case it.Request != nil:
				p := path.Join(rel, names.claim(nativeFileName(it.Request.Name, "request"), RequestFileSuffix))
				if it.Request.ID != "" {
					out[p] = it.Request.ID
				}
			}
		}
	}
	walk("", items, 0)
	return out
}
