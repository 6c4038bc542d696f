package storage

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// nodeRec is the summary of one folder or request kept in a collection's
// "nodes" bucket: everything the sidebar tree and the search need, so that
// neither decodes a request document.
//
// It is stored in a fixed binary layout rather than JSON because the tree
// of 10,000 requests and every search read all of them: decoding that many
// JSON objects costs tens of milliseconds, reading this layout costs one or
// two, and the search matches the bytes in place without allocating.
//
//	byte 0      layout version (1)
//	byte 1      kind: 'f' folder, 'r' request
//	bytes 2-9   order among siblings, int64 big-endian
//	then four strings, each a uvarint length and the bytes:
//	            parent ID ("" for the collection's root), name, method, URL
type nodeRec struct {
	Kind   NodeKind
	Parent string
	Order  int64
	Name   string
	Method string
	URL    string
}

const nodeLayout = 1

var errBadNode = errors.New("malformed node summary")

func (n *nodeRec) encode() []byte {
	size := 10 + 4*binary.MaxVarintLen64 + len(n.Parent) + len(n.Name) + len(n.Method) + len(n.URL)
	b := make([]byte, 0, size)
	b = append(b, nodeLayout, kindByte(n.Kind))
	b = binary.BigEndian.AppendUint64(b, uint64(n.Order))
	for _, s := range [...]string{n.Parent, n.Name, n.Method, n.URL} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func kindByte(k NodeKind) byte {
	if k == KindFolder {
		return 'f'
	}
	return 'r'
}

// nodeView is a decoded summary whose strings still point into the bytes
// it was read from (valid only inside the transaction).
type nodeView struct {
	kind                     byte
	order                    int64
	parent, name, method, ur []byte
}

func parseNode(b []byte) (nodeView, error) {
	var v nodeView
	if len(b) < 10 || b[0] != nodeLayout || (b[1] != 'f' && b[1] != 'r') {
		return v, errBadNode
	}
	v.kind = b[1]
	v.order = int64(binary.BigEndian.Uint64(b[2:10]))
	rest := b[10:]
	fields := [4]*[]byte{&v.parent, &v.name, &v.method, &v.ur}
	for _, f := range fields {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) {
			return v, errBadNode
		}
		*f = rest[k : k+int(n)]
		rest = rest[k+int(n):]
	}
	if len(rest) != 0 {
		return v, errBadNode
	}
	return v, nil
}

func (v nodeView) rec() nodeRec {
	k := KindRequest
	if v.kind == 'f' {
		k = KindFolder
	}
	return nodeRec{Kind: k, Parent: string(v.parent), Order: v.order, Name: string(v.name), Method: string(v.method), URL: string(v.ur)}
}

func decodeNode(id, b []byte) (nodeRec, error) {
	v, err := parseNode(b)
	if err != nil {
		return nodeRec{}, fmt.Errorf("storage: node %s: %w", id, err)
	}
	return v.rec(), nil
}
