package exchange

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/knockhttp/knock/storage"
)

// Result is what an import produces, ready for storage.DB's
// CreateCollectionTree: one collection with its tree, plus the
// environments the file carried. Nothing is written until the caller saves
// the whole Result in one transaction, so a failed import leaves the store
// as it was.
type Result struct {
	Format       string
	Collection   *storage.Collection
	Items        []storage.TreeItem
	Environments []storage.Environment
	Report       Report
}

// Report tells the user what an import did: every request imported, and
// every item that could not be mapped, with the reason. Nothing is dropped
// silently.
type Report struct {
	Imported []string // request paths, "Folder/Sub/Request"
	Skipped  []Skip
	// NotRun lists the scripts kept as text but not executed.
	NotRun []string
	// Secrets lists the secrets the file names but does not hold (native
	// files never hold secret values). Ask the user, or read them from the
	// environment, and call Result.FillSecrets before saving.
	Secrets []SecretNeed
}

// Skip is one item that was not imported, or imported only in part.
type Skip struct {
	Item   string // the item's path, or its JSON path
	Reason string
}

// Skipf records a skipped item.
func (r *Report) Skipf(item, format string, a ...any) {
	r.Skipped = append(r.Skipped, Skip{Item: item, Reason: fmt.Sprintf(format, a...)})
}

// Requests counts the requests of a tree.
func Requests(items []storage.TreeItem) int {
	n := 0
	for _, it := range items {
		if it.Request != nil {
			n++
		}
		n += Requests(it.Children)
	}
	return n
}

// Importer reads one format.
type Importer struct {
	Format string // "postman", "insomnia", "har", "curl", "http", "openapi", "bruno", "native", …
	Title  string
	// Detect reports whether data looks like this format. name is the file
	// name and may be used for its extension.
	Detect func(name string, data []byte) bool
	// Import converts the file. Errors name the file's line and column or
	// JSON path.
	Import func(name string, data []byte) (*Result, error)
}

// ErrUnknownFormat is returned when no importer recognises a file.
var ErrUnknownFormat = errors.New("exchange: unknown file format")

var (
	importersMu sync.RWMutex
	importers   = map[string]Importer{}
)

// registerImporter adds an importer. Each format's file calls it from init.
func registerImporter(i Importer) {
	importersMu.Lock()
	defer importersMu.Unlock()
	if _, dup := importers[i.Format]; dup {
		panic("exchange: importer registered twice: " + i.Format)
	}
	importers[i.Format] = i
}

// Importers lists the importers by format name.
func Importers() []Importer {
	importersMu.RLock()
	defer importersMu.RUnlock()
	out := make([]Importer, 0, len(importers))
	for _, i := range importers {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Format < out[b].Format })
	return out
}

// Import detects the format of a file and imports it. format forces one
// importer when not empty.
func Import(name string, data []byte, format string) (*Result, error) {
	if format != "" {
		importersMu.RLock()
		i, ok := importers[format]
		importersMu.RUnlock()
		if !ok {
			return nil, fmt.Errorf("%w %q", ErrUnknownFormat, format)
		}
		return runImporter(i, name, data)
	}
	for _, i := range Importers() {
		if i.Detect != nil && i.Detect(name, data) {
			return runImporter(i, name, data)
		}
	}
	var names []string
	for _, i := range Importers() {
		names = append(names, i.Format)
	}
	return nil, fmt.Errorf("%s: %w: not one of %s", name, ErrUnknownFormat, strings.Join(names, ", "))
}

func runImporter(i Importer, name string, data []byte) (*Result, error) {
	res, err := i.Import(name, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", name, i.Format, err)
	}
	res.Format = i.Format
	return res, nil
}
