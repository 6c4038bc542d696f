package storage

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func TestOpenCreatesLayout(t *testing.T) {
	db, dir := openTest(t)
	if db.Path() != filepath.Join(dir, DBFile) {
		t.Fatalf("Path = %s", db.Path())
	}
	fi, err := os.Stat(db.Path())
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %v, want 0600", fi.Mode().Perm())
	}
	must(t, db.view(func(tx *bolt.Tx) error {
		for _, b := range topBuckets {
			if tx.Bucket(b) == nil {
				t.Errorf("bucket %s missing", b)
			}
		}
		if v, _ := readSchema(tx); v != SchemaVersion {
			t.Errorf("schema %d, want %d", v, SchemaVersion)
		}
		return nil
	}))
	// The routine backup of a new database.
	list, err := Backups(dir)
	must(t, err)
	if len(list) != 1 || !strings.HasSuffix(list[0], "-v2.db") {
		t.Fatalf("backups = %v", list)
	}
	// Reopening takes no second backup the same day.
	must(t, db.Close())
	db2, err := Open(dir, nil)
	must(t, err)
	must(t, db2.Close())
	if list, _ := Backups(dir); len(list) != 1 {
		t.Fatalf("backups after reopening = %v", list)
	}
}

func TestDataDirEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(DataDirEnv, dir)
	db, err := Open("", nil)
	must(t, err)
	defer db.Close()
	if db.Dir() != dir {
		t.Fatalf("Dir = %s, want %s", db.Dir(), dir)
	}
}

// TestAlreadyRunning holds the database in a second process and opens it
// here: a clear error, no hang.
func TestAlreadyRunning(t *testing.T) {
	dir := t.TempDir()
	cmd := helperCmd(t, "hold-lock", dir)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	defer func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "READY" {
		t.Fatalf("child: %q, %v", line, err)
	}

	start := time.Now()
	db, err := Open(dir, nil)
	if err == nil {
		db.Close()
		t.Fatal("Open succeeded while another process holds the database")
	}
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("err = %v; want ErrAlreadyRunning", err)
	}
	if want := "Knock is already running (data: " + dir + ")"; err.Error() != want {
		t.Fatalf("message %q, want %q", err.Error(), want)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("Open took %s", d)
	}

	// Once the other process exits, the database opens.
	_ = stdin.Close()
	must(t, cmd.Wait())
	db, err = Open(dir, nil)
	must(t, err)
	must(t, db.Close())
}

// TestCrashKeepsSavedRequests kills a process that saves in a loop and
// checks that every save it reported is in the reopened, consistent file.
func TestCrashKeepsSavedRequests(t *testing.T) {
	dir := t.TempDir()
	cmd := helperCmd(t, "save-loop", dir)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	saved := map[string]string{} // request ID -> collection ID
	sc := bufio.NewScanner(stdout)
	deadline := time.Now().Add(30 * time.Second)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "SAVED" {
			saved[f[2]] = f[1]
		} else {
			t.Logf("child: %s", sc.Text())
		}
		if len(saved) == 300 || time.Now().After(deadline) {
			must(t, cmd.Process.Signal(syscall.SIGKILL))
			break
		}
	}
	// Lines the child printed before dying count too.
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 3 && f[0] == "SAVED" {
			saved[f[2]] = f[1]
		}
	}
	_ = cmd.Wait()
	if len(saved) < 50 {
		t.Fatalf("only %d saves before the kill", len(saved))
	}

	db, err := Open(dir, &Options{Check: true})
	must(t, err)
	defer db.Close()
	must(t, db.view(func(tx *bolt.Tx) error {
		for e := range tx.Check() {
			t.Errorf("consistency check: %v", e)
		}
		return nil
	}))
	for id, coll := range saved {
		r, err := db.Request(id)
		if err != nil {
			t.Fatalf("request %s reported saved is missing: %v", id, err)
		}
		loc, err := db.Locate(id)
		must(t, err)
		if loc.CollectionID != coll || !strings.HasPrefix(r.URL, "https://example.test/") {
			t.Fatalf("request %s: %+v %+v", id, loc, r)
		}
	}
	t.Logf("%d saves survived SIGKILL", len(saved))
}

// populated returns a closed database with a little data and a backup.
func populated(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	db, err := Open(dir, nil)
	must(t, err)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	for i := range 200 {
		must(t, db.CreateRequest(c.ID, &Request{Name: "r", Method: "GET", URL: "https://x.test/" + strings.Repeat("p", i)}))
	}
	path = db.Path()
	_, err = db.Backup()
	must(t, err)
	must(t, db.Close())
	return dir, path
}

func checkCorrupt(t *testing.T, dir, path string, before []byte, err error, reason string) {
	t.Helper()
	var ce *CorruptError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v; want a *CorruptError", err)
	}
	if ce.Path != path || !strings.Contains(err.Error(), path) {
		t.Errorf("error does not name the file: %v", err)
	}
	if reason != "" && !strings.Contains(ce.Reason, reason) {
		t.Errorf("Reason = %q; want %q in it", ce.Reason, reason)
	}
	latest, _ := LatestBackup(dir)
	if latest == "" || ce.Backup != latest || !strings.Contains(err.Error(), latest) {
		t.Errorf("Backup = %q, want the latest backup %q named in %q", ce.Backup, latest, err)
	}
	if after := fileBytes(t, path); !bytes.Equal(before, after) {
		t.Errorf("the damaged file was changed (%d -> %d bytes)", len(before), len(after))
	}
}

func TestCorruptTruncated(t *testing.T) {
	for _, keep := range []int64{0, 100, 4096 * 3, -1} {
		dir, path := populated(t)
		fi, _ := os.Stat(path)
		size := keep
		if keep < 0 {
			size = fi.Size() / 2
		}
		must(t, os.Truncate(path, size))
		before := fileBytes(t, path)
		db, err := Open(dir, nil)
		if err == nil {
			db.Close()
			t.Fatalf("truncated to %d bytes: Open succeeded", size)
		}
		checkCorrupt(t, dir, path, before, err, "")
	}
}

func TestCorruptGarbage(t *testing.T) {
	t.Run("header pages", func(t *testing.T) {
		dir, path := populated(t)
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		must(t, err)
		_, err = f.WriteAt(bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 4096), 0) // both meta pages
		must(t, err)
		must(t, f.Close())
		before := fileBytes(t, path)
		_, err = Open(dir, nil)
		checkCorrupt(t, dir, path, before, err, "neither header page is valid")
	})
	t.Run("data pages", func(t *testing.T) {
		dir, path := populated(t)
		fi, _ := os.Stat(path)
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		must(t, err)
		// Overwrite every page after the two meta pages.
		_, err = f.WriteAt(bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, int(fi.Size()-8192)/4), 8192)
		must(t, err)
		must(t, f.Close())
		before := fileBytes(t, path)
		db, err := Open(dir, nil)
		if err == nil {
			// If opening got through, the first read must fail cleanly.
			_, err = db.Collections()
			db.Close()
		}
		checkCorrupt(t, dir, path, before, err, "")
	})
	t.Run("one data page, found by the check", func(t *testing.T) {
		dir, path := populated(t)
		// Find a leaf page in use, and overwrite it.
		b, err := bolt.Open(path, 0o600, nil)
		must(t, err)
		var leaf int64 = -1
		pageSize := int64(b.Info().PageSize)
		must(t, b.View(func(tx *bolt.Tx) error {
			for id := 2; ; id++ {
				p, err := tx.Page(id)
				if err != nil || p == nil {
					return err
				}
				if p.Type == "leaf" {
					leaf = int64(id)
				}
			}
		}))
		must(t, b.Close())
		if leaf < 0 {
			t.Fatal("no leaf page found")
		}
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		must(t, err)
		_, err = f.WriteAt(bytes.Repeat([]byte{0x5a}, int(pageSize)), leaf*pageSize)
		must(t, err)
		must(t, f.Close())
		before := fileBytes(t, path)
		db, err := Open(dir, &Options{Check: true})
		if err == nil {
			err = db.Check()
			db.Close()
		}
		checkCorrupt(t, dir, path, before, err, "")
	})
}

func TestRestoreBackup(t *testing.T) {
	dir, path := populated(t)
	must(t, os.Truncate(path, 5000))
	_, err := Open(dir, nil)
	var ce *CorruptError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v", err)
	}
	damaged, err := RestoreBackup(dir, ce.Backup)
	must(t, err)
	if fi, err := os.Stat(damaged); err != nil || fi.Size() != 5000 {
		t.Fatalf("the damaged file was not kept: %v", err)
	}
	db, err := Open(dir, nil)
	must(t, err)
	defer db.Close()
	must(t, db.Check())
	colls, err := db.Collections()
	must(t, err)
	if len(colls) != 1 {
		t.Fatalf("restored database has %d collections", len(colls))
	}
	tree, err := db.Tree(colls[0].ID)
	must(t, err)
	if len(tree.Children) != 200 {
		t.Fatalf("restored tree has %d requests", len(tree.Children))
	}
}

// TestEmptyFileWithoutBackups: a zero-byte file and no backup means the
// first Open died before bbolt wrote anything; it is initialised.
func TestEmptyFileWithoutBackups(t *testing.T) {
	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, DBFile), nil, 0o600))
	db, err := Open(dir, nil)
	must(t, err)
	must(t, db.Close())
}

func TestNewerSchemaLeftAlone(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DBFile)
	b, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bolt.Tx) error { return writeSchema(tx, SchemaVersion+1) }))
	must(t, b.Close())
	before := fileBytes(t, path)
	_, err = Open(dir, nil)
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("err = %v", err)
	}
	if !bytes.Equal(before, fileBytes(t, path)) {
		t.Fatal("file changed")
	}
}

func TestNotAKnockDatabase(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DBFile)
	b, err := bolt.Open(path, 0o600, nil)
	must(t, err)
	must(t, b.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("someone else's"))
		return err
	}))
	must(t, b.Close())
	_, err = Open(dir, nil)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "no Knock data") {
		t.Fatalf("err = %v", err)
	}
}
