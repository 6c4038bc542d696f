package storage

import (
	"strings"
	"testing"
)

func TestNodeRoundTrip(t *testing.T) {
	for _, n := range []nodeRec{
		{Kind: KindFolder, Order: -5 << 20, Name: "Folder"},
		{Kind: KindRequest, Parent: "0123456789abcdef", Order: 1 << 62, Name: "Ünïcode ✓", Method: "PROPFIND", URL: "https://x.test/" + strings.Repeat("a", 300)},
		{Kind: KindRequest},
	} {
		got, err := decodeNode([]byte("id"), n.encode())
		if err != nil || got != n {
			t.Fatalf("round trip of %+v = %+v, %v", n, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {1}, {2, 'r', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {1, 'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, {1, 'r', 0, 0, 0, 0, 0, 0, 0, 0, 5, 'a'}} {
		if _, err := decodeNode([]byte("id"), bad); err == nil || !strings.Contains(err.Error(), "node id: malformed node summary") {
			t.Errorf("decode(%v) = %v", bad, err)
		}
	}
}

// FuzzParseNode feeds arbitrary bytes to the node summary parser, which
// reads what a damaged file holds: it must return an error or a summary
// that encodes back to the same bytes, and never panic.
func FuzzParseNode(f *testing.F) {
	f.Add((&nodeRec{Kind: KindRequest, Parent: "p", Name: "n", Method: "GET", URL: "u"}).encode())
	f.Add((&nodeRec{Kind: KindFolder, Name: "folder"}).encode())
	f.Add([]byte{1, 'r', 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseNode(b)
		if err != nil {
			return
		}
		rec := v.rec()
		again, err := parseNode(rec.encode())
		if err != nil || again.rec() != rec {
			t.Fatalf("re-encoding %+v failed: %v", rec, err)
		}
		_ = containsFold(v.ur, []byte("x"))
	})
}
