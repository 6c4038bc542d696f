package engine

// {{variables}}: scopes and their precedence, dynamic values, and the
// error that lists every unresolved name before anything is sent.

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage"
)

func TestVariablesPrecedenceEnvironmentCollectionGlobals(t *testing.T) {
	srv := newRecServer(t, nil)
	vars := Variables{
		Environment: map[string]string{"a": "env", "empty": ""},
		Collection:  map[string]string{"a": "coll", "b": "coll", "empty": "coll"},
		Globals:     map[string]string{"a": "glob", "b": "glob", "c": "glob"},
	}
	r := storage.Request{Method: "GET", URL: srv.URL + "/{{a}}/{{b}}/{{c}}?empty=[{{empty}}]"}
	mustSend(t, newTestEngine(t), r, Options{Vars: vars})
	if got, want := srv.only(t).URI, "/env/coll/glob?empty=[]"; got != want {
		t.Errorf("target %q, want %q (environment > collection > globals; an empty value is a value)", got, want)
	}

	// Extra (a data file's row) comes before all of them.
	vars.Extra = map[string]string{"a": "extra"}
	got, err := ExpandString(vars, "{{a}}-{{b}}-{{ c }}")
	if err != nil || got != "extra-coll-glob" {
		t.Errorf("ExpandString = %q, %v; want extra-coll-glob", got, err)
	}
}

func TestVariablesEverywhereInTheRequest(t *testing.T) {
	srv := newRecServer(t, nil)
	vars := Variables{Environment: map[string]string{
		"host": strings.TrimPrefix(srv.URL, "http://"), "path": "items", "id": "42", "token": "t0k", "hdr": "X-Dyn",
		"method": "PATCH", "base": "{{host}}", // nested
	}}
	r := storage.Request{
		Method:  "{{method}}",
		URL:     "http://{{base}}/{{path}}/{{id}}",
		Params:  []storage.KeyValue{kv("id", "{{id}}"), off("x", "{{undefined_but_disabled}}")},
		Headers: []storage.KeyValue{kv("{{hdr}}", "Bearer {{token}}"), off("X-Off", "{{also_undefined}}")},
		Body:    storage.Body{Mode: storage.BodyRaw, Raw: `{"id": {{id}}}`, ContentType: "application/json"},
	}
	mustSend(t, newTestEngine(t), r, Options{Vars: vars})
	c := srv.only(t)
	if c.Method != "PATCH" || c.URI != "/items/42?id=42" {
		t.Errorf("request %s %s", c.Method, c.URI)
	}
	if got := c.Header.Get("X-Dyn"); got != "Bearer t0k" {
		t.Errorf("X-Dyn %q", got)
	}
	if string(c.Body) != `{"id": 42}` {
		t.Errorf("body %q", c.Body)
	}
}

func TestVariablesDynamicValues(t *testing.T) {
	srv := newRecServer(t, nil)
	r := storage.Request{Method: "GET", URL: srv.URL, Headers: []storage.KeyValue{
		kv("X-UUID", "{{$uuid}}"), kv("X-UUID-2", "{{$uuid}}"), kv("X-TS", "{{$timestamp}}"),
		kv("X-ISO", "{{$isoTimestamp}}"), kv("X-Rand", "{{$randomInt}}"),
	}}
	before := time.Now()
	e := newTestEngine(t)
	const sends = 40
	ints := map[string]bool{}
	for range sends {
		mustSend(t, e, r, Options{})
	}
	after := time.Now()
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for _, c := range srv.requests() {
		for _, h := range []string{"X-UUID", "X-UUID-2"} {
			u := c.Header.Get(h)
			if !uuidV4.MatchString(u) {
				t.Errorf("%s %q is not a version 4 UUID", h, u)
			}
			if seen[u] {
				t.Errorf("UUID %q repeated: each use must get a fresh value", u)
			}
			seen[u] = true
		}
		ts, err := strconv.ParseInt(c.Header.Get("X-TS"), 10, 64)
		if err != nil || ts < before.Unix() || ts > after.Unix() {
			t.Errorf("$timestamp %q is not unix seconds between %d and %d", c.Header.Get("X-TS"), before.Unix(), after.Unix())
		}
		iso := c.Header.Get("X-ISO")
		when, err := time.Parse(time.RFC3339, iso)
		if err != nil || !strings.HasSuffix(iso, "Z") {
			t.Errorf("$isoTimestamp %q is not RFC 3339 UTC: %v", iso, err)
		} else if when.Before(before.Add(-time.Second)) || when.After(after.Add(time.Second)) {
			t.Errorf("$isoTimestamp %s is not near now (%s)", when, before)
		}
		n, err := strconv.Atoi(c.Header.Get("X-Rand"))
		if err != nil || n < 0 || n > 1000 {
			t.Errorf("$randomInt %q is not in 0..1000", c.Header.Get("X-Rand"))
		}
		ints[c.Header.Get("X-Rand")] = true
	}
	if len(ints) < 5 {
		t.Errorf("$randomInt gave only %d distinct values in %d sends", len(ints), sends)
	}
}

func TestVariablesUnresolvedListsEveryNameAndSendsNothing(t *testing.T) {
	srv := newRecServer(t, nil)
	vars := Variables{Environment: map[string]string{"known": "k"}}
	r := storage.Request{
		Method:  "POST",
		URL:     srv.URL + "/{{known}}/{{missingPath}}",
		Params:  []storage.KeyValue{kv("q", "{{missingQuery}}")},
		Headers: []storage.KeyValue{kv("X-Token", "{{apiToken}}"), kv("X-Again", "{{missingPath}}")},
		Body:    storage.Body{Mode: storage.BodyRaw, Raw: "{{bodyVar}} {{$nosuchdynamic}}"},
		Auth:    storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "{{user}}", "password": "p"}},
	}
	err := sendErr(t, newTestEngine(t), r, Options{Vars: vars}, KindVariable,
		"{{missingPath}} in URL", `{{missingQuery}} in query parameter "q"`, `{{apiToken}} in header "X-Token"`,
		`{{missingPath}} in header "X-Again"`, "{{bodyVar}} in body", "{{$nosuchdynamic}} in body",
		`{{user}} in auth parameter "username"`, "nothing was sent")
	if strings.Contains(err.Msg, "known") {
		t.Errorf("message %q names a resolved variable", err.Msg)
	}
	var ue *UnresolvedError
	if !asUnresolved(err, &ue) || len(ue.Missing) != 7 {
		t.Errorf("UnresolvedError with 7 entries expected, got %#v", err.Err)
	}
	if n := srv.count(); n != 0 {
		t.Errorf("the server received %d requests; nothing may be sent with an unresolved variable", n)
	}
}

func asUnresolved(e *Error, target **UnresolvedError) bool {
	u, ok := e.Err.(*UnresolvedError)
	*target = u
	return ok
}

func TestVariablesSelfReferenceEnds(t *testing.T) {
	got, err := ExpandString(Variables{Globals: map[string]string{"a": "x{{a}}"}}, "{{a}}")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "xxxxxxxxxx") || len(got) > 100 {
		t.Errorf("self-referencing variable expanded to %q", got)
	}
}

func TestVariablesUnterminatedBracesAreLiteral(t *testing.T) {
	got, err := ExpandString(Variables{Globals: map[string]string{"a": "A"}}, "{{a}} {{b")
	if err != nil || got != "A {{b" {
		t.Errorf("got %q, %v", got, err)
	}
}
