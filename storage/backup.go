package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// BackupDir is the backups' folder in the data directory.
const BackupDir = "backups"

// backupTimeLayout sorts by name in time order.
const backupTimeLayout = "20060102T150405.000Z"

// Backup writes a hot copy of the database (tx.WriteTo) to
// DATA/backups/knock-<time>-v<schema>.db and returns its path. The copy is
// written to a temporary file and renamed, so a backup file is always whole.
func (db *DB) Backup() (string, error) {
	version := SchemaVersion
	_ = db.view(func(tx *bolt.Tx) error {
		if v, ok := readSchema(tx); ok {
			version = v
		}
		return nil
	})
	return db.backup(version)
}

func (db *DB) backup(version int) (string, error) {
	dir := filepath.Join(db.dir, BackupDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("storage: backup: %w", err)
	}
	t := time.Now().UTC()
	var path string
	for range 1000 {
		path = filepath.Join(dir, fmt.Sprintf("knock-%s-v%d.db", t.Format(backupTimeLayout), version))
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			break
		}
		t = t.Add(time.Millisecond)
	}
	tmp, err := os.CreateTemp(dir, ".backup-*.tmp")
	if err != nil {
		return "", fmt.Errorf("storage: backup: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return "", fmt.Errorf("storage: backup: %w", err)
	}
	if err := db.view(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(tmp)
		return err
	}); err != nil {
		return "", fmt.Errorf("storage: backup: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("storage: backup: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("storage: backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("storage: backup: %w", err)
	}
	ok = true
	syncDir(dir)
	return path, nil
}

// routineBackup takes a backup when the newest is older than the interval,
// and keeps only the newest KeepBackups.
func (db *DB) routineBackup() error {
	list, err := Backups(db.dir)
	if err != nil {
		return err
	}
	if len(list) > 0 {
		if t, ok := backupTime(list[0]); ok && time.Since(t) < db.opts.BackupInterval {
			return nil
		}
	}
	if _, err := db.Backup(); err != nil {
		return err
	}
	list, err = Backups(db.dir)
	if err != nil {
		return err
	}
	for _, old := range list[min(len(list), db.opts.KeepBackups):] {
		_ = os.Remove(old)
	}
	return nil
}

// Backups lists the backups in dir's backup folder, newest first.
func Backups(dir string) ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(dir, BackupDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("storage: backups: %w", err)
	}
	var out []string
	for _, e := range entries {
		if _, ok := backupTime(e.Name()); ok && e.Type().IsRegular() {
			out = append(out, filepath.Join(dir, BackupDir, e.Name()))
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out, nil
}

// LatestBackup returns the newest backup in dir's backup folder, or "".
func LatestBackup(dir string) (string, error) {
	list, err := Backups(dir)
	if err != nil || len(list) == 0 {
		return "", err
	}
	return list[0], nil
}

// backupTime parses the time out of a backup's file name.
func backupTime(path string) (time.Time, bool) {
	name := filepath.Base(path)
	rest, ok := strings.CutPrefix(name, "knock-")
	if !ok || !strings.HasSuffix(rest, ".db") || len(rest) < len(backupTimeLayout) {
		return time.Time{}, false
	}
	t, err := time.Parse(backupTimeLayout, rest[:len(backupTimeLayout)])
	if err != nil || !strings.HasPrefix(rest[len(backupTimeLayout):], "-v") {
		return time.Time{}, false
	}
	return t, true
}

// RestoreBackup puts a backup in place of a damaged database. The damaged
// file is not deleted: it is renamed to knock.db.damaged-<time>, and that
// name is returned. The database must not be open.
func RestoreBackup(dir, backup string) (damaged string, err error) {
	if dir == "" {
		if dir, err = DataDir(); err != nil {
			return "", err
		}
	}
	path := filepath.Join(dir, DBFile)
	src, err := os.Open(backup)
	if err != nil {
		return "", fmt.Errorf("storage: restore: %w", err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return "", fmt.Errorf("storage: restore: %w", err)
	}
	if reason := precheckFile(backup, fi.Size()); reason != "" {
		return "", fmt.Errorf("storage: restore: the backup %s is damaged too (%s)", backup, reason)
	}
	tmp, err := os.CreateTemp(dir, ".restore-*.tmp")
	if err != nil {
		return "", fmt.Errorf("storage: restore: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, src); err != nil {
		_ = tmp.Close()
		return "", fmt.Errorf("storage: restore: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return "", fmt.Errorf("storage: restore: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("storage: restore: %w", err)
	}
	if _, err := os.Stat(path); err == nil {
		damaged = path + ".damaged-" + time.Now().UTC().Format("20060102T150405Z")
		if err := os.Rename(path, damaged); err != nil {
			return "", fmt.Errorf("storage: restore: keep the damaged file: %w", err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return damaged, fmt.Errorf("storage: restore: %w", err)
	}
	syncDir(dir)
	return damaged, nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// precheckFile reads a bbolt file's two meta pages before bbolt maps it,
// and returns why it is damaged, or "". bbolt itself initialises an empty
// file (which would overwrite what is left of a damaged one) and touches
// pages past the end of a truncated file (a SIGBUS); both are caught here.
//
// The meta layout (go.etcd.io/bbolt internal/common/meta.go, file format
// version 2): after a 16-byte page header, magic u32, version u32, page
// size u32, flags u32, root bucket (root u64, sequence u64), freelist u64,
// pgid u64 (the high-water mark), txid u64, and an FNV-64a checksum of the
// preceding 56 bytes. Integers are in the machine's byte order.
func precheckFile(path string, size int64) string {
	if size == 0 {
		return "the file is empty"
	}
	f, err := os.Open(path)
	if err != nil {
		return "" // let bbolt report it
	}
	defer f.Close()

	type meta struct {
		pageSize, txid, pgid, root, freelist uint64
	}
	read := func(off int64) (meta, bool) {
		var b [64]byte
		if _, err := f.ReadAt(b[:], off+16); err != nil {
			return meta{}, false
		}
		ne := binary.NativeEndian
		h := fnv.New64a()
		_, _ = h.Write(b[:56])
		if ne.Uint32(b[0:]) != 0xED0CDAED || ne.Uint32(b[4:]) != 2 || ne.Uint64(b[56:]) != h.Sum64() {
			return meta{}, false
		}
		return meta{
			pageSize: uint64(ne.Uint32(b[8:])),
			root:     ne.Uint64(b[16:]),
			freelist: ne.Uint64(b[32:]),
			pgid:     ne.Uint64(b[40:]),
			txid:     ne.Uint64(b[48:]),
		}, true
	}
	var valid []meta
	m0, ok0 := read(0)
	if ok0 {
		valid = append(valid, m0)
		if m1, ok := read(int64(m0.pageSize)); ok {
			valid = append(valid, m1)
		}
	} else {
		for _, ps := range []int64{int64(os.Getpagesize()), 4096, 8192, 16384, 32768, 65536} {
			if m1, ok := read(ps); ok && int64(m1.pageSize) == ps {
				valid = append(valid, m1)
				break
			}
		}
	}
	if len(valid) == 0 {
		if size < 4096*2 {
			return fmt.Sprintf("the file is truncated to %d bytes", size)
		}
		return "neither header page is valid: this is not a bbolt database, or its start was overwritten"
	}
	m := valid[0]
	if len(valid) == 2 && valid[1].txid > m.txid {
		m = valid[1]
	}
	if m.pageSize < 512 || m.pageSize > 1<<20 {
		return fmt.Sprintf("the header names an impossible page size %d", m.pageSize)
	}
	if want := m.pgid * m.pageSize; uint64(size) < want {
		return fmt.Sprintf("the file is truncated: it is %d bytes, its header says %d", size, want)
	}
	if m.root >= m.pgid || (m.freelist >= m.pgid && m.freelist != ^uint64(0)) {
		return "the header points past the end of the data"
	}
	return ""
}
