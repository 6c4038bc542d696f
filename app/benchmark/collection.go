package benchmark

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// Auth kinds of a benchmark request.
const (
	AuthNone   = ""
	AuthBasic  = "basic"
	AuthDigest = "digest"
)

// Req is one request of a generated collection: a GET of Path on the
// benchmark server, with no auth, Basic or Digest, expecting a 200.
type Req struct {
	Name string
	Path string // "/items/7", "/big?mb=5&i=3"
	Auth string
}

// Collection1000 is the collection of the `knock run` benchmark: 800
// GETs, 100 Basic and 100 Digest, interleaved (in every ten, eight GETs,
// one Basic and one Digest).
func Collection1000() []Req {
	reqs := make([]Req, 0, 1000)
	for i := range 1000 {
		switch i % 10 {
		case 8:
			reqs = append(reqs, Req{Name: fmt.Sprintf("basic-%04d", i), Path: fmt.Sprintf("/basic/%d", i), Auth: AuthBasic})
		case 9:
			reqs = append(reqs, Req{Name: fmt.Sprintf("digest-%04d", i), Path: fmt.Sprintf("/digest/%d", i), Auth: AuthDigest})
		default:
			reqs = append(reqs, Req{Name: fmt.Sprintf("get-%04d", i), Path: fmt.Sprintf("/items/%d", i)})
		}
	}
	return reqs
}

// BigCollection is n GETs of mb MiB each.
func BigCollection(n, mb int) []Req {
	reqs := make([]Req, 0, n)
	for i := range n {
		reqs = append(reqs, Req{Name: fmt.Sprintf("big-%02d", i), Path: fmt.Sprintf("/big?mb=%d&i=%d", mb, i)})
	}
	return reqs
}

// Expect is what the server must count for reqs, one run.
func Expect(reqs []Req) Counts {
	var c Counts
	for _, r := range reqs {
		switch {
		case r.Auth == AuthBasic:
			c.Basic++
		case r.Auth == AuthDigest:
			c.Digest++
		case strings.HasPrefix(r.Path, "/big"):
			c.Big++
		default:
			c.Items++
		}
	}
	return c
}

// Check compares what the server counted with what reqs should give.
// Challenges and Basic retries are not counted against a client.
func Check(got Counts, reqs []Req) error {
	want := Expect(reqs)
	if got.Items != want.Items || got.Basic != want.Basic || got.Digest != want.Digest || got.Big != want.Big || got.Other != 0 {
		return fmt.Errorf("the server counted %s; want items %d, basic %d, digest %d, big %d, other 0",
			got, want.Items, want.Basic, want.Digest, want.Big)
	}
	return nil
}

// The Postman v2.1 collection, as much of it as the benchmark writes.
type postmanCollection struct {
	Info postmanInfo  `json:"info"`
	Item []postmanReq `json:"item"`
}

type postmanInfo struct {
	Name   string `json:"name"`
	Schema string `json:"schema"`
}

type postmanReq struct {
	Name    string         `json:"name"`
	Event   []postmanEvent `json:"event,omitempty"`
	Request postmanRequest `json:"request"`
}

type postmanEvent struct {
	Listen string        `json:"listen"`
	Script postmanScript `json:"script"`
}

type postmanScript struct {
	Type string   `json:"type"`
	Exec []string `json:"exec"`
}

type postmanRequest struct {
	Method string       `json:"method"`
	URL    string       `json:"url"`
	Auth   *postmanAuth `json:"auth,omitempty"`
}

type postmanAuth struct {
	Type   string      `json:"type"`
	Basic  []postmanKV `json:"basic,omitempty"`
	Digest []postmanKV `json:"digest,omitempty"`
}

type postmanKV struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Type  string `json:"type"`
}

// postmanStatusTest is the test script of every request: the status check.
var postmanStatusTest = []string{`pm.test("status is 200", function () { pm.response.to.have.status(200); });`}

// WritePostman writes reqs as a Postman v2.1 collection, each request with
// a pm.test status check (newman runs it).
func WritePostman(path, name, baseURL string, reqs []Req) error {
	c := postmanCollection{Info: postmanInfo{Name: name, Schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}}
	for _, r := range reqs {
		pr := postmanReq{
			Name:    r.Name,
			Event:   []postmanEvent{{Listen: "test", Script: postmanScript{Type: "text/javascript", Exec: postmanStatusTest}}},
			Request: postmanRequest{Method: "GET", URL: baseURL + r.Path},
		}
		creds := []postmanKV{{Key: "username", Value: User, Type: "string"}, {Key: "password", Value: Password, Type: "string"}}
		switch r.Auth {
		case AuthBasic:
			pr.Request.Auth = &postmanAuth{Type: "basic", Basic: creds}
		case AuthDigest:
			pr.Request.Auth = &postmanAuth{Type: "digest", Digest: append(creds, postmanKV{Key: "algorithm", Value: "MD5", Type: "string"})}
		}
		c.Item = append(c.Item, pr)
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// WriteBruno writes reqs as a Bruno collection folder: bruno.json and one
// .bru file per request, each with an `assert { res.status: eq 200 }`.
func WriteBruno(dir, name, baseURL string, reqs []Req) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	meta := fmt.Sprintf(`{"version": "1", "name": %q, "type": "collection", "ignore": ["node_modules", ".git"]}`+"\n", name)
	if err := os.WriteFile(filepath.Join(dir, "bruno.json"), []byte(meta), 0o644); err != nil {
		return err
	}
	for i, r := range reqs {
		var b strings.Builder
		fmt.Fprintf(&b, "meta {\n  name: %s\n  type: http\n  seq: %d\n}\n\n", r.Name, i+1)
		auth := "none"
		if r.Auth != AuthNone {
			auth = r.Auth
		}
		fmt.Fprintf(&b, "get {\n  url: %s\n  body: none\n  auth: %s\n}\n\n", baseURL+r.Path, auth)
		if r.Auth != AuthNone {
			fmt.Fprintf(&b, "auth:%s {\n  username: %s\n  password: %s\n}\n\n", r.Auth, User, Password)
		}
		b.WriteString("assert {\n  res.status: eq 200\n}\n")
		if err := os.WriteFile(filepath.Join(dir, r.Name+".bru"), []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// passwordVar is the collection variable the native collection reads the
// password from: a native file holds no secret value, but keeps a secret
// parameter that is only a {{variable}} reference.
const passwordVar = "benchPassword"

// NativeTree is reqs as a storage collection, each request with a status
// assertion; the password comes from a collection variable.
func NativeTree(name, baseURL string, reqs []Req) (*storage.Collection, []storage.TreeItem) {
	c := &storage.Collection{
		Name:      name,
		Variables: []storage.Variable{{Key: passwordVar, Value: Password, Enabled: true}},
	}
	items := make([]storage.TreeItem, 0, len(reqs))
	for _, r := range reqs {
		req := &storage.Request{
			Name:       r.Name,
			Method:     "GET",
			URL:        baseURL + r.Path,
			Auth:       storage.AuthSpec{Type: storage.AuthNone},
			Assertions: []storage.Assertion{{Kind: storage.AssertStatus, Op: "==", Value: "200", Enabled: true}},
		}
		if r.Auth != AuthNone {
			req.Auth = storage.AuthSpec{Type: r.Auth, Params: map[string]string{"username": User, "password": "{{" + passwordVar + "}}"}}
		}
		items = append(items, storage.TreeItem{Request: req})
	}
	return c, items
}

// WriteNative writes reqs as a native collection folder with the exchange
// package's exporter, and reads it back to check that every request, its
// assertion and its credentials survived.
func WriteNative(dir, name, baseURL string, reqs []Req) error {
	c, items := NativeTree(name, baseURL, reqs)
	if _, err := exchange.ExportNativeFolder(dir, c, items); err != nil {
		return err
	}
	res, err := exchange.ImportNativeFolder(dir)
	if err != nil {
		return fmt.Errorf("read back %s: %w", dir, err)
	}
	if n := exchange.Requests(res.Items); n != len(reqs) {
		return fmt.Errorf("read back %s: %d requests, want %d", dir, n, len(reqs))
	}
	for _, it := range res.Items {
		r := it.Request
		if r == nil || len(r.Assertions) != 1 || !r.Assertions[0].Enabled {
			return fmt.Errorf("read back %s: a request lost its status assertion", dir)
		}
		if !r.Auth.IsNone() && r.Auth.Params["password"] != "{{"+passwordVar+"}}" {
			return fmt.Errorf("read back %s: %s: password %q, want the {{%s}} reference", dir, r.Name, r.Auth.Params["password"], passwordVar)
		}
	}
	return nil
}

// barePlan is the input of the bareloop program.
type barePlan struct {
	User     string    `json:"user"`
	Password string    `json:"password"`
	Requests []bareReq `json:"requests"`
}

type bareReq struct {
	URL  string `json:"url"`
	Auth string `json:"auth,omitempty"`
}

// WriteBarePlan writes the requests for the bareloop program.
func WriteBarePlan(path, baseURL string, reqs []Req) error {
	p := barePlan{User: User, Password: Password}
	for _, r := range reqs {
		p.Requests = append(p.Requests, bareReq{URL: baseURL + r.Path, Auth: r.Auth})
	}
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}
