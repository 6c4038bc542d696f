package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// knock import FILE… [--collection NAME]: adds files to the store. Each
// file is one transaction: a file that fails leaves nothing behind.
func runImport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("knock import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	collection := fs.String("collection", "", "import into a new collection of this `NAME` (default: the file's own name)")
	format := fs.String("format", "", "force the importer: "+importerNames())
	secretsFlag := fs.String("secrets", "", "`keyring` (default), session or vault (passphrase from KNOCK_VAULT_PASSPHRASE)")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, "Usage: knock import FILE... [--collection NAME] [--format FORMAT]\n\nImports Postman, Insomnia, HAR, curl, .http, OpenAPI, Bruno and native files into the store.\nA FILE may be a folder: a Knock collection folder, or a Bruno collection (with its bruno.json).\n\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0
	}
	if err != nil {
		return fail(stderr, "%v (see knock import --help)", err)
	}
	if len(files) == 0 {
		return fail(stderr, "knock import needs at least one FILE")
	}
	ws, err := openWorkspace(*secretsFlag)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer ws.Close()
	failed := false
	for _, path := range files {
		res, err := importPath(path, *format)
		var missing []exchange.SecretNeed
		if err == nil {
			// A shared file names its secrets; their values come from
			// KNOCK_SECRET_* variables, and the rest are reported.
			missing = res.FillSecrets(os.LookupEnv)
			err = saveResult(ws, res, *collection)
		}
		if err != nil {
			fmt.Fprintf(stderr, "knock: %s: %v\n", path, err)
			failed = true
			continue
		}
		writeImportReport(stdout, path, res)
		for _, m := range missing {
			fmt.Fprintf(stdout, "  secret not given: %s (set it in the environment and import again, or fill it in the window)\n", m.Name)
		}
	}
	if failed {
		return 1
	}
	return 0
}

func importerNames() string {
	var names []string
	for _, i := range exchange.Importers() {
		names = append(names, i.Format)
	}
	return strings.Join(names, ", ")
}

func importPath(path, format string) (*exchange.Result, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		if exchange.IsBrunoFolder(path) {
			return exchange.ImportBrunoFolder(path)
		}
		return exchange.ImportNativeFolder(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return exchange.Import(filepath.Base(path), data, format)
}

// saveResult writes an import in one transaction, then its environments.
func saveResult(ws *workspace.Workspace, res *exchange.Result, name string) error {
	db := ws.DB
	if res.Collection != nil {
		if name != "" {
			res.Collection.Name = name
		}
		if err := db.CreateCollectionTree(res.Collection, res.Items); err != nil {
			return err
		}
	}
	for i := range res.Environments {
		e := res.Environments[i]
		if res.Collection != nil && e.CollectionID == "" && e.ID != storage.GlobalsID {
			e.CollectionID = res.Collection.ID
		}
		if err := db.SaveEnvironment(&e); err != nil {
			return err
		}
	}
	return nil
}

func writeImportReport(w io.Writer, path string, res *exchange.Result) {
	name := ""
	if res.Collection != nil {
		name = " into collection " + res.Collection.Name
	}
	fmt.Fprintf(w, "%s: imported %d requests and %d environments (%s)%s\n", path, exchange.Requests(res.Items), len(res.Environments), res.Format, name)
	for _, s := range res.Report.Skipped {
		fmt.Fprintf(w, "  not imported: %s: %s\n", s.Item, s.Reason)
	}
	for _, s := range res.Report.NotRun {
		fmt.Fprintf(w, "  script kept, not run: %s\n", s)
	}
}

// knock export --format native|postman|har|curl|http --collection NAME [-o PATH]
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("knock export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "native", "`FORMAT`: native (a folder), postman, har (from history), curl or http")
	collection := fs.String("collection", "", "the stored collection's `NAME` (not needed for har)")
	out := fs.String("o", "", "write to `PATH` (a folder for native; default: stdout, or the collection's name for native)")
	secretsFlag := fs.String("secrets", "", "`keyring` (default), session or vault")
	if _, err := parseInterspersed(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, "Usage: knock export --format native|postman|har|curl|http --collection NAME [-o PATH]\n\nExports carry no secret values, only their names.\n\nFlags:")
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return 0
		}
		return fail(stderr, "%v (see knock export --help)", err)
	}
	ws, err := openWorkspace(*secretsFlag)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer ws.Close()
	if *format == "har" {
		return exportHAR(ws, *out, stdout, stderr)
	}
	c, items, err := findCollection(ws.DB, *collection)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	var data []byte
	switch *format {
	case "native":
		dir := *out
		if dir == "" {
			dir = c.Name
		}
		res, err := exchange.ExportNativeFolder(dir, c, items)
		if err != nil {
			return fail(stderr, "%v", err)
		}
		fmt.Fprintf(stdout, "exported %d files to %s\n", len(res.Files), dir)
		for _, s := range res.Secrets {
			fmt.Fprintf(stdout, "  secret left out, named %s\n", s)
		}
		return 0
	case "postman":
		var skipped []exchange.Skip
		if data, skipped, err = exchange.ExportPostman(c, items); err != nil {
			return fail(stderr, "%v", err)
		}
		for _, s := range skipped {
			fmt.Fprintf(stderr, "knock: not exported: %s: %s\n", s.Item, s.Reason)
		}
	case "http":
		data = exchange.ExportHTTPFile(*c, items)
	case "curl":
		var b strings.Builder
		walkRequests(items, func(r *storage.Request) {
			fmt.Fprintf(&b, "# %s\n%s\n\n", r.Name, exchange.ExportCurl(*r, exchange.GenOptions{}))
		})
		data = []byte(b.String())
	default:
		return fail(stderr, "unknown --format %q: want native, postman, har, curl or http", *format)
	}
	return writeOut(*out, data, stdout, stderr)
}

func walkRequests(items []storage.TreeItem, fn func(*storage.Request)) {
	for _, it := range items {
		if it.Request != nil {
			fn(it.Request)
		}
		walkRequests(it.Children, fn)
	}
}

func exportHAR(ws *workspace.Workspace, out string, stdout, stderr io.Writer) int {
	entries, err := ws.DB.History().Search(storage.HistoryQuery{})
	if err != nil {
		return fail(stderr, "%v", err)
	}
	data, err := exchange.ExportHAR(entries, ws.DB.History().Body)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	return writeOut(out, data, stdout, stderr)
}

func writeOut(path string, data []byte, stdout, stderr io.Writer) int {
	if path == "" || path == "-" {
		stdout.Write(data)
		return 0
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fail(stderr, "%v", err)
	}
	return 0
}

func findCollection(db *storage.DB, name string) (*storage.Collection, []storage.TreeItem, error) {
	colls, err := db.Collections()
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, c := range colls {
		if strings.EqualFold(c.Name, name) {
			return db.CollectionTree(c.ID)
		}
		names = append(names, c.Name)
	}
	if name == "" {
		return nil, nil, fmt.Errorf("--collection NAME is needed (collections: %s)", strings.Join(names, ", "))
	}
	return nil, nil, fmt.Errorf("no collection %q (collections: %s)", name, strings.Join(names, ", "))
}

// knock gen --lang curl|python|go|js|httpie REQUESTFILE
func runGen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("knock gen", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	lang := fs.String("lang", "curl", "`LANG`: "+strings.Join(exchange.Languages(), ", "))
	withSecrets := fs.Bool("include-secrets", false, "write secret values instead of placeholders")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, "Usage: knock gen --lang curl|python|go|js|httpie REQUESTFILE\n\nWrites code that sends the request. Secrets are placeholders unless --include-secrets.\n\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0
	}
	if err != nil {
		return fail(stderr, "%v (see knock gen --help)", err)
	}
	if len(files) != 1 {
		return fail(stderr, "knock gen takes one REQUESTFILE")
	}
	r, err := exchange.ReadRequestFile(files[0])
	if err != nil {
		return fail(stderr, "%v", err)
	}
	code, err := exchange.Generate(*lang, r, exchange.GenOptions{IncludeSecrets: *withSecrets})
	if err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprint(stdout, code)
	return 0
}
