package storage

import (
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Origin names the collection, folder or request a resolved value came
// from, so the window can say "inherited from folder Admin".
type Origin struct {
	Kind NodeKind
	ID   string
	Name string
}

// Resolved is what a request gets from the folders and the collection
// around it.
type Resolved struct {
	CollectionID string
	// Path runs from the collection down to the request's folder.
	Path []Origin

	// Auth is the request's effective auth: its own, or for AuthInherit
	// the nearest ancestor's that is not inherit (a folder with an empty
	// type inherits too); AuthNone when no ancestor sets one. AuthFrom
	// says where it came from. Secret values are not filled; see
	// HydrateResolved.
	Auth     AuthSpec
	AuthFrom Origin
	// Inherited and InheritedFrom are what AuthInherit would give, for an
	// editor showing a draft whose auth differs from the saved one.
	Inherited     AuthSpec
	InheritedFrom Origin

	// Headers are the enabled default headers of the collection and the
	// folders, outermost first; a nearer folder's header replaces an
	// outer one of the same name (ignoring case).
	Headers []KeyValue
	// Variables are the enabled collection variables overlaid by the
	// folders' (nearest wins by key). Secret ones carry references.
	Variables []Variable
}

// Resolve returns the effective auth, default headers and variables of a
// saved request. For a collection or folder ID it returns what a new
// request placed there would inherit (Auth is then the inherited auth).
func (db *DB) Resolve(id string) (*Resolved, error) {
	var out *Resolved
	err := db.view(func(tx *bolt.Tx) error {
		loc, err := locate(tx, id)
		if err != nil {
			return err
		}
		b := collBucket(tx, loc.CollectionID)
		var c Collection
		if err := decodeDoc(b.Get(kDoc), &c, "collection", loc.CollectionID); err != nil {
			return err
		}
		out = &Resolved{CollectionID: loc.CollectionID}
		// The folders from the request's parent up to the top.
		var chain []*Folder
		parent := loc.ParentID
		switch loc.Kind {
		case KindFolder:
			parent = id
		case KindCollection:
			parent = ""
		}
		for depth := 0; parent != "" && depth < 10000; depth++ {
			var f Folder
			if err := getNodeDoc(tx, parent, KindFolder, &f); err != nil {
				return err
			}
			f.ID = parent
			chain = append(chain, &f)
			rec, err := decodeNode([]byte(parent), b.Bucket(bNodes).Get([]byte(parent)))
			if err != nil {
				return err
			}
			parent = rec.Parent
		}

		out.Path = append(out.Path, Origin{KindCollection, c.ID, c.Name})
		for i := len(chain) - 1; i >= 0; i-- {
			out.Path = append(out.Path, Origin{KindFolder, chain[i].ID, chain[i].Name})
		}

		out.Inherited, out.InheritedFrom = AuthSpec{Type: AuthNone}, Origin{KindCollection, c.ID, c.Name}
		found := false
		for _, f := range chain {
			if f.Auth.Type != "" && f.Auth.Type != AuthInherit {
				out.Inherited, out.InheritedFrom = f.Auth, Origin{KindFolder, f.ID, f.Name}
				found = true
				break
			}
		}
		if !found && c.Auth.Type != "" && c.Auth.Type != AuthInherit {
			out.Inherited = c.Auth
		}
		out.Auth, out.AuthFrom = out.Inherited, out.InheritedFrom
		if loc.Kind == KindRequest {
			var r Request
			if err := getNodeDoc(tx, id, KindRequest, &r); err != nil {
				return err
			}
			if r.Auth.Type != AuthInherit {
				out.Auth, out.AuthFrom = r.Auth, Origin{KindRequest, id, r.Name}
				if out.Auth.Type == "" {
					out.Auth.Type = AuthNone
				}
			}
		}

		out.Headers = mergeHeaders(nil, c.Headers)
		out.Variables = mergeVariables(nil, c.Variables)
		for i := len(chain) - 1; i >= 0; i-- {
			out.Headers = mergeHeaders(out.Headers, chain[i].Headers)
			out.Variables = mergeVariables(out.Variables, chain[i].Variables)
		}
		return nil
	})
	return out, err
}

func mergeHeaders(base, over []KeyValue) []KeyValue {
	names := map[string]bool{}
	for _, h := range over {
		if h.Enabled && h.Key != "" {
			names[strings.ToLower(h.Key)] = true
		}
	}
	out := make([]KeyValue, 0, len(base)+len(over))
	for _, b := range base {
		if !names[strings.ToLower(b.Key)] {
			out = append(out, b)
		}
	}
	for _, h := range over {
		if h.Enabled && h.Key != "" {
			out = append(out, h)
		}
	}
	return out
}

func mergeVariables(base, over []Variable) []Variable {
	for _, v := range over {
		if !v.Enabled || v.Key == "" {
			continue
		}
		replaced := false
		for i := range base {
			if base[i].Key == v.Key {
				base[i] = v
				replaced = true
			}
		}
		if !replaced {
			base = append(base, v)
		}
	}
	return base
}
