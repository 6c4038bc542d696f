package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/knockhttp/knock/app/foldersync"
	"github.com/knockhttp/knock/storage"
)

// knock link --collection NAME DIR: links a stored collection to a
// directory of native files (a git checkout). The window keeps them in
// step while it runs; this command makes the link and the first sync.
func runLink(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("knock link", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	collection := fs.String("collection", "", "the stored collection's `NAME`")
	secretsFlag := fs.String("secrets", "", "`keyring` (default), session or vault (passphrase from KNOCK_VAULT_PASSPHRASE)")
	rest, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, `Usage: knock link --collection NAME DIR

Links a collection to a directory of Knock files, usually in a git checkout.
If DIR holds a knock.collection.json (a fresh clone), the directory wins and
is read into the collection; secrets the files name are read from the
KNOCK_SECRET_* environment variables of the same names. Otherwise the
collection is written to DIR. While the window runs, saves write the files
and changes on disk (a git pull) are read back. The local path is kept in
the database, never in the files.

Flags:`)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0
	}
	if err != nil {
		return fail(stderr, "%v (see knock link --help)", err)
	}
	if len(rest) != 1 {
		return fail(stderr, "knock link takes one DIR (see knock link --help)")
	}
	ws, err := openWorkspace(*secretsFlag)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer ws.Close()
	c, err := collectionByName(ws.DB, *collection)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	s, err := foldersync.New(ws.DB, foldersync.Options{SecretLookup: os.LookupEnv})
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer s.Close()
	res, err := s.Link(c.ID, rest[0])
	if err != nil {
		return fail(stderr, "%v", err)
	}
	dir, _ := s.Linked(c.ID)
	if res.FromDisk {
		ch := res.Change
		fmt.Fprintf(stdout, "linked %s to %s: read from the directory (%d added, %d updated, %d moved, %d to the trash)\n",
			c.Name, dir, len(ch.Added), len(ch.Updated), len(ch.Moved), len(ch.Removed))
		for _, n := range ch.SecretsNeeded {
			fmt.Fprintf(stdout, "  secret not given: %s (set it in the environment and link again, or fill it in the window)\n", n)
		}
		return 0
	}
	fmt.Fprintf(stdout, "linked %s to %s: wrote %d files\n", c.Name, dir, len(res.Files))
	return 0
}

// knock unlink --collection NAME
func runUnlink(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("knock unlink", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	collection := fs.String("collection", "", "the stored collection's `NAME`")
	rest, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, "Usage: knock unlink --collection NAME\n\nStops syncing a collection with its directory. Both stay as they are.\n\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0
	}
	if err != nil {
		return fail(stderr, "%v (see knock unlink --help)", err)
	}
	if len(rest) != 0 {
		return fail(stderr, "knock unlink takes no arguments besides --collection")
	}
	// No secret is read or written: the keyring is not needed.
	ws, err := openWorkspace("session")
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer ws.Close()
	c, err := collectionByName(ws.DB, *collection)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	l, err := ws.DB.SyncLink(c.ID)
	if errors.Is(err, storage.ErrNotFound) {
		return fail(stderr, "collection %s is not linked to a directory", c.Name)
	}
	if err != nil {
		return fail(stderr, "%v", err)
	}
	if err := ws.DB.DeleteSyncLink(c.ID); err != nil {
		return fail(stderr, "%v", err)
	}
	fmt.Fprintf(stdout, "unlinked %s from %s\n", c.Name, l.Dir)
	return 0
}

// collectionByName finds a stored collection by name, ignoring case.
func collectionByName(db *storage.DB, name string) (*storage.Collection, error) {
	colls, err := db.Collections()
	if err != nil {
		return nil, err
	}
	var names []string
	for i := range colls {
		if strings.EqualFold(colls[i].Name, name) {
			return &colls[i], nil
		}
		names = append(names, colls[i].Name)
	}
	if name == "" {
		return nil, fmt.Errorf("--collection NAME is needed (collections: %s)", strings.Join(names, ", "))
	}
	return nil, fmt.Errorf("no collection %q (collections: %s)", name, strings.Join(names, ", "))
}
