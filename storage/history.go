package storage

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// HistoryDir is the folder, in the data directory, of response bodies too
// large to keep inside the database.
const HistoryDir = "history"

// Timings are the phases of one exchange, as the engine measures them.
// The fields are engine.Timings' in the same order, so the engine converts
// with storage.Timings(resp.Timings).
type Timings struct {
	DNS      time.Duration `json:"dns,omitempty"`
	Connect  time.Duration `json:"connect,omitempty"`
	TLS      time.Duration `json:"tls,omitempty"`
	TTFB     time.Duration `json:"ttfb,omitempty"`
	Download time.Duration `json:"download,omitempty"`
	Total    time.Duration `json:"total,omitempty"`
	Reused   bool          `json:"reused,omitempty"`
}

// ResponseSummary is what history keeps of a response besides its body.
// The engine fills it from its Response.
type ResponseSummary struct {
	Status   int         `json:"status"`
	Proto    string      `json:"proto,omitempty"`
	Header   http.Header `json:"header,omitempty"`
	Timings  Timings     `json:"timings,omitzero"`
	WireSize int64       `json:"wireSize,omitempty"`
	BodySize int64       `json:"bodySize,omitempty"`
	// Error is set when the send failed before a response (Status 0).
	Error string `json:"error,omitempty"`
}

// HistoryEntry is one sent request. Request is the snapshot with its
// secrets redacted; the body is read with History.Body.
type HistoryEntry struct {
	ID           uint64          `json:"id"`
	Time         time.Time       `json:"time"`
	RequestID    string          `json:"requestId,omitempty"` // the saved request it came from
	CollectionID string          `json:"collectionId,omitempty"`
	Request      Request         `json:"request"`
	Response     ResponseSummary `json:"response"`
	// BodyStored is how many body bytes are kept: inside the database up
	// to the HistoryBodyCap setting, in BodyFile (under DATA/history)
	// above it. BodyTruncated says the kept body is shorter than the one
	// received (it hit HistoryMaxBytes, or reading it failed).
	BodyStored    int64  `json:"bodyStored"`
	BodyFile      string `json:"bodyFile,omitempty"`
	BodyTruncated bool   `json:"bodyTruncated,omitempty"`
	// Size is what the entry counts against HistoryMaxBytes: its record
	// plus its body. (Schema v2; v1 entries get it when migrated.)
	Size int64 `json:"size"`
}

// HistoryQuery selects history entries. Empty fields match everything.
type HistoryQuery struct {
	URL    string // a substring of the URL, ignoring case
	Method string // the method, ignoring case
	// Status is an exact status (404) or a class 1-5 (4 for any 4xx).
	Status int
	// Before pages back: only entries with a smaller ID.
	Before uint64
	Limit  int // 0: no limit
}

// History is the history of sent requests, bounded by the
// HistoryMaxEntries and HistoryMaxBytes settings.
type History struct{ db *DB }

// History returns the history.
func (db *DB) History() *History { return &History{db: db} }

func (db *DB) historyDir() string { return filepath.Join(db.dir, HistoryDir) }

var errBodyLimit = errors.New("body limit reached")

// Add records a sent request: the snapshot (redacted here; pass it as
// edited or as sent), the response summary and the body, read to its end
// or to the size limit. scrub lists more secret values to remove wherever
// they appear (the values of secret variables the request used). Entries
// past the limits are pruned with their body files. It returns the stored
// entry.
func (h *History) Add(snap Request, sum ResponseSummary, body io.Reader, scrub ...string) (*HistoryEntry, error) {
	db := h.db
	settings, err := db.Settings()
	if err != nil {
		return nil, err
	}
	req := cloneJSON(&snap)
	req.Examples = nil // saved examples are not part of what was sent
	needles := redactRequest(req, scrub)
	sum.Header = redactResponseHeader(sum.Header, needles)
	if rep := replacerFor(needles); rep != nil {
		sum.Error = rep.Replace(sum.Error)
	}
	e := &HistoryEntry{Time: time.Now().UTC(), RequestID: req.ID, Request: *req, Response: sum}

	sp := &spill{cap: settings.HistoryBodyCap, limit: settings.HistoryMaxBytes, dir: db.historyDir()}
	if body != nil {
		sw := newScrubWriter(sp, needles)
		_, cerr := io.Copy(sw, body)
		if cerr == nil || errors.Is(cerr, errBodyLimit) {
			cerr = sw.Flush()
		}
		switch {
		case errors.Is(cerr, errBodyLimit):
			e.BodyTruncated = true
		case cerr != nil && sp.fileErr != nil:
			sp.discard()
			return nil, fmt.Errorf("storage: history: body file: %w", sp.fileErr)
		case cerr != nil:
			e.BodyTruncated = true // keep what arrived
		}
	}
	inline, file, stored, err := sp.finish()
	if err != nil {
		return nil, fmt.Errorf("storage: history: body file: %w", err)
	}
	e.BodyFile, e.BodyStored = file, stored

	var prunedFiles []string
	err = db.update(func(tx *bolt.Tx) error {
		hb, bodies, meta := tx.Bucket(bHistory), tx.Bucket(bHistoryBody), tx.Bucket(bMeta)
		seq, err := hb.NextSequence()
		if err != nil {
			return err
		}
		e.ID = seq
		if req.ID != "" {
			e.CollectionID = string(tx.Bucket(bNodeLoc).Get([]byte(req.ID)))
		}
		raw, err := json.Marshal(e)
		if err != nil {
			return err
		}
		e.Size = int64(len(raw)) + stored
		if raw, err = json.Marshal(e); err != nil {
			return err
		}
		key := u64(seq)
		if err := hb.Put(key, raw); err != nil {
			return err
		}
		if len(inline) > 0 {
			if err := bodies.Put(key, inline); err != nil {
				return err
			}
		}
		count := readU64(meta.Get(kHistoryCount)) + 1
		total := readU64(meta.Get(kHistoryBytes)) + uint64(e.Size)
		// Drop the oldest entries past either bound; the newest stays.
		c := hb.Cursor()
		for k, v := c.First(); k != nil && count > 1 && (count > uint64(settings.HistoryMaxEntries) || total > uint64(settings.HistoryMaxBytes)); k, v = c.First() {
			var old HistoryEntry
			if err := json.Unmarshal(v, &old); err != nil {
				return fmt.Errorf("storage: history entry %x: %w", k, err)
			}
			if old.BodyFile != "" {
				prunedFiles = append(prunedFiles, old.BodyFile)
			}
			kc := append([]byte(nil), k...)
			if err := c.Delete(); err != nil {
				return err
			}
			if err := bodies.Delete(kc); err != nil {
				return err
			}
			count--
			total -= min(total, uint64(old.Size))
		}
		if err := meta.Put(kHistoryCount, u64(count)); err != nil {
			return err
		}
		return meta.Put(kHistoryBytes, u64(total))
	})
	if err != nil {
		if file != "" {
			_ = os.Remove(filepath.Join(db.historyDir(), file))
		}
		return nil, err
	}
	db.removeHistoryFiles(prunedFiles)
	return e, nil
}

func (db *DB) removeHistoryFiles(names []string) {
	for _, n := range names {
		if safeBodyName(n) {
			_ = os.Remove(filepath.Join(db.historyDir(), n))
		}
	}
}

// safeBodyName accepts only the names Add writes ("<16 hex>.body").
func safeBodyName(n string) bool {
	return len(n) == 21 && strings.HasSuffix(n, ".body") && !strings.ContainsAny(n, `/\`)
}

// Get returns one entry.
func (h *History) Get(id uint64) (*HistoryEntry, error) {
	var e HistoryEntry
	err := h.db.view(func(tx *bolt.Tx) error {
		return decodeDoc(tx.Bucket(bHistory).Get(u64(id)), &e, "history entry", fmt.Sprint(id))
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// Body opens an entry's stored body.
func (h *History) Body(id uint64) (io.ReadCloser, error) {
	var (
		inline []byte
		file   string
	)
	err := h.db.view(func(tx *bolt.Tx) error {
		var e HistoryEntry
		if err := decodeDoc(tx.Bucket(bHistory).Get(u64(id)), &e, "history entry", fmt.Sprint(id)); err != nil {
			return err
		}
		file = e.BodyFile
		inline = append([]byte(nil), tx.Bucket(bHistoryBody).Get(u64(id))...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if file != "" {
		if !safeBodyName(file) {
			return nil, fmt.Errorf("storage: history entry %d: bad body file name", id)
		}
		f, err := os.Open(filepath.Join(h.db.historyDir(), file))
		if err != nil {
			return nil, fmt.Errorf("storage: history entry %d: %w", id, err)
		}
		return f, nil
	}
	return io.NopCloser(bytes.NewReader(inline)), nil
}

// Search returns matching entries, newest first.
func (h *History) Search(q HistoryQuery) ([]HistoryEntry, error) {
	url := strings.ToLower(q.URL)
	var out []HistoryEntry
	err := h.db.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bHistory).Cursor()
		k, v := c.Last()
		if q.Before > 0 {
			k, v = c.Seek(u64(q.Before))
			if k == nil {
				k, v = c.Last()
			}
			for k != nil && readU64(k) >= q.Before {
				k, v = c.Prev()
			}
		}
		for ; k != nil; k, v = c.Prev() {
			if q.Limit > 0 && len(out) >= q.Limit {
				return nil
			}
			var e HistoryEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return fmt.Errorf("storage: history entry %x: %w", k, err)
			}
			if q.Method != "" && !strings.EqualFold(q.Method, e.Request.Method) {
				continue
			}
			if q.Status >= 1 && q.Status <= 5 && e.Response.Status/100 != q.Status {
				continue
			}
			if q.Status > 5 && e.Response.Status != q.Status {
				continue
			}
			if url != "" && !containsFold([]byte(e.Request.URL), []byte(url)) {
				continue
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Reopen returns an entry's request as a new, unsaved request. Its secret
// references still point at the saved request's secrets, so hydrating it
// brings them back while that request exists; header rows whose values
// were redacted are disabled, so they are not sent as "[redacted]".
func (h *History) Reopen(id uint64) (*Request, error) {
	e, err := h.Get(id)
	if err != nil {
		return nil, err
	}
	r := e.Request
	r.ID = ""
	for i := range r.Headers {
		if r.Headers[i].Value == Redacted {
			r.Headers[i].Enabled = false
		}
	}
	return &r, nil
}

// Delete removes one entry and its body.
func (h *History) Delete(id uint64) error {
	var file string
	err := h.db.update(func(tx *bolt.Tx) error {
		hb, meta := tx.Bucket(bHistory), tx.Bucket(bMeta)
		var e HistoryEntry
		if err := decodeDoc(hb.Get(u64(id)), &e, "history entry", fmt.Sprint(id)); err != nil {
			return err
		}
		file = e.BodyFile
		if err := hb.Delete(u64(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bHistoryBody).Delete(u64(id)); err != nil {
			return err
		}
		count, total := readU64(meta.Get(kHistoryCount)), readU64(meta.Get(kHistoryBytes))
		if err := meta.Put(kHistoryCount, u64(count-min(count, 1))); err != nil {
			return err
		}
		return meta.Put(kHistoryBytes, u64(total-min(total, uint64(e.Size))))
	})
	if err == nil && file != "" {
		h.db.removeHistoryFiles([]string{file})
	}
	return err
}

// Clear removes every entry and body file.
func (h *History) Clear() error {
	err := h.db.update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bHistory, bHistoryBody} {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bMeta)
		if err := meta.Put(kHistoryCount, u64(0)); err != nil {
			return err
		}
		return meta.Put(kHistoryBytes, u64(0))
	})
	if err != nil {
		return err
	}
	h.db.sweepHistoryFiles(false)
	return nil
}

// Stats returns the number of entries and the bytes they count.
func (h *History) Stats() (count int, size int64, err error) {
	err = h.db.view(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bMeta)
		count, size = int(readU64(meta.Get(kHistoryCount))), int64(readU64(meta.Get(kHistoryBytes)))
		return nil
	})
	return count, size, err
}

// sweepHistoryFiles removes body files no entry refers to: left by a crash
// between writing a body and committing its entry, or by a prune whose
// file removal did not happen. With temps it also removes unfinished
// temporary files (only safe while no Add runs, as during Open).
func (db *DB) sweepHistoryFiles(temps bool) {
	entries, err := os.ReadDir(db.historyDir())
	if err != nil || len(entries) == 0 {
		return
	}
	used := map[string]bool{}
	if err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bHistory).ForEach(func(k, v []byte) error {
			var e struct {
				BodyFile string `json:"bodyFile"`
			}
			if json.Unmarshal(v, &e) == nil && e.BodyFile != "" {
				used[e.BodyFile] = true
			}
			return nil
		})
	}); err != nil {
		return
	}
	for _, de := range entries {
		n := de.Name()
		if (safeBodyName(n) && !used[n]) || (temps && strings.HasPrefix(n, ".body-")) {
			_ = os.Remove(filepath.Join(db.historyDir(), n))
		}
	}
}

// spill keeps a body in memory up to cap bytes, and moves it to a file
// under dir once it grows past that. It stops at limit bytes.
type spill struct {
	cap, limit int64
	dir        string
	buf        bytes.Buffer
	f          *os.File
	n          int64
	fileErr    error
}

func (s *spill) Write(p []byte) (int, error) {
	full := len(p)
	if room := s.limit - s.n; int64(len(p)) > room {
		p = p[:max(room, 0)]
	}
	if s.f == nil && int64(s.buf.Len()+len(p)) > s.cap {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			s.fileErr = err
			return 0, err
		}
		f, err := os.CreateTemp(s.dir, ".body-*.tmp")
		if err != nil {
			s.fileErr = err
			return 0, err
		}
		s.f = f
		if _, err := f.Write(s.buf.Bytes()); err != nil {
			s.fileErr = err
			return 0, err
		}
		s.buf.Reset()
	}
	if s.f != nil {
		if _, err := s.f.Write(p); err != nil {
			s.fileErr = err
			return 0, err
		}
	} else {
		s.buf.Write(p)
	}
	s.n += int64(len(p))
	if len(p) < full {
		return len(p), errBodyLimit
	}
	return full, nil
}

// finish returns the inline body, or syncs the file and gives it its
// final name.
func (s *spill) finish() (inline []byte, file string, stored int64, err error) {
	if s.f == nil {
		return s.buf.Bytes(), "", int64(s.buf.Len()), nil
	}
	tmp := s.f.Name()
	if err := s.f.Sync(); err != nil {
		s.discard()
		return nil, "", 0, err
	}
	if err := s.f.Close(); err != nil {
		_ = os.Remove(tmp)
		return nil, "", 0, err
	}
	name := newID() + ".body"
	if err := os.Rename(tmp, filepath.Join(s.dir, name)); err != nil {
		_ = os.Remove(tmp)
		return nil, "", 0, err
	}
	syncDir(s.dir)
	return nil, name, s.n, nil
}

func (s *spill) discard() {
	if s.f != nil {
		_ = s.f.Close()
		_ = os.Remove(s.f.Name())
	}
}
