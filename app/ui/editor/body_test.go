package editor

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

func TestEditorBodyModesRoundTrip(t *testing.T) {
	q := newUIQueue(t)
	e, w := newTestEditor(t, Options{})
	selectTab(t, e, e.tabs.body)
	b := e.body

	b.mode.SetSelected("raw")
	b.raw.ctype.SetSelected("XML")
	typeInto(w, b.raw.text, "<a/>")
	if got := e.Request().Body; got.Mode != storage.BodyRaw || got.Raw != "<a/>" || got.ContentType != "application/xml" {
		t.Errorf("raw body = %+v", got)
	}
	b.raw.ctype.SetSelected(rawCustomType)
	typeInto(w, b.raw.custom, "application/vnd.api+json")
	if got := e.Request().Body.ContentType; got != "application/vnd.api+json" {
		t.Errorf("custom content type = %q", got)
	}

	b.mode.SetSelected("form-urlencoded")
	typeInto(w, b.form.rows[0].key, "name")
	typeInto(w, b.form.rows[0].value, "Ada Lovelace")
	if got := e.Request().Body; got.Mode != storage.BodyURLEncoded || !reflect.DeepEqual(got.Form, []storage.KeyValue{kv("name", "Ada Lovelace")}) {
		t.Errorf("form body = %+v", got)
	}

	b.mode.SetSelected("multipart")
	test.Tap(findButton(t, b.panels[storage.BodyFormData], "Add field"))
	test.Tap(findButton(t, b.panels[storage.BodyFormData], "Add field"))
	rows := b.multipart.rows
	typeInto(w, rows[0].key, "note")
	typeInto(w, rows[0].text, "hello")
	typeInto(w, rows[1].key, "avatar")
	rows[1].kind.SetSelected(partFile)
	typeInto(w, rows[1].path, "/tmp/a.png")
	typeInto(w, rows[1].ctype, "image/png")
	want := []storage.FormPart{
		{Key: "note", Value: "hello", Enabled: true},
		{Key: "avatar", File: "/tmp/a.png", ContentType: "image/png", Enabled: true},
	}
	if got := e.Request().Body; got.Mode != storage.BodyFormData || !reflect.DeepEqual(got.Multipart, want) {
		t.Errorf("multipart = %+v, want %+v", got.Multipart, want)
	}
	if rows[1].path.Size().Width < 50 || rows[1].text.Visible() {
		t.Errorf("a file field does not show its path entry (width %v)", rows[1].path.Size().Width)
	}

	b.mode.SetSelected("binary file")
	typeInto(w, b.file.path, "/nonexistent/file.bin")
	q.next(t) // the size lookup
	if got := e.Request().Body; got.Mode != storage.BodyFile || got.File != "/nonexistent/file.bin" {
		t.Errorf("file body = %+v", got)
	}

	b.mode.SetSelected("GraphQL")
	typeInto(w, b.graphql.query, "{ me { id } }")
	typeInto(w, b.graphql.variables, `{"x": 1}`)
	if got := e.Request().Body; got.Mode != storage.BodyGraphQL || got.GraphQL == nil || got.GraphQL.Query != "{ me { id } }" || got.GraphQL.Variables != `{"x": 1}` {
		t.Errorf("graphql body = %+v", got.GraphQL)
	}

	// Every mode's fields survived the switches, and SetRequest shows them
	// all again.
	req := e.Request()
	if req.Body.Raw != "<a/>" || len(req.Body.Form) != 1 || len(req.Body.Multipart) != 2 || req.Body.File == "" {
		t.Errorf("switching modes lost fields: %+v", req.Body)
	}
	e.SetRequest(req)
	if e.body.raw.text.Text != "<a/>" || e.body.form.rows[0].value.Text != "Ada Lovelace" ||
		e.body.multipart.rows[1].path.Text != "/tmp/a.png" || e.body.graphql.query.Text != "{ me { id } }" ||
		e.body.mode.Selected != "GraphQL" {
		t.Error("SetRequest did not show every mode's fields")
	}
	for len(q) > 0 {
		q.next(t)
	}
	if !reflect.DeepEqual(e.Request(), req) {
		t.Errorf("Request() after SetRequest differs:\n got %+v\nwant %+v", e.Request(), req)
	}
}

func TestEditorJSONValidation(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	e.SetRequest(storage.Request{Method: "POST", Body: storage.Body{Mode: storage.BodyRaw, ContentType: "application/json"}})
	raw := e.body.raw
	typeInto(w, raw.text, "{\n  \"a\": 1,\n}")
	if raw.status.Text != "invalid JSON at line 3, column 1: invalid character '}' looking for beginning of object key string" ||
		raw.status.Importance != widget.DangerImportance {
		t.Errorf("status = %q", raw.status.Text)
	}
	// Fix it: remove the comma.
	raw.CursorTo(1, 9)
	raw.text.TypedKey(keyBackspace)
	if raw.status.Text != "Valid JSON" {
		t.Errorf("status after the fix = %q (text %q)", raw.status.Text, raw.text.Text)
	}
	test.Tap(raw.pretty)
	if got := e.Request().Body.Raw; got != "{\n  \"a\": 1\n}" {
		t.Errorf("pretty = %q", got)
	}
	// Not JSON: no check.
	raw.ctype.SetSelected("Text")
	if raw.status.Text != "" {
		t.Errorf("a text body is checked as JSON: %q", raw.status.Text)
	}
	// GraphQL variables are checked too.
	e.body.mode.SetSelected("GraphQL")
	typeInto(w, e.body.graphql.variables, `{"id": }`)
	if !strings.HasPrefix(e.body.graphql.status.Text, "Variables: invalid JSON at line 1, column 8") {
		t.Errorf("graphql status = %q", e.body.graphql.status.Text)
	}
}

func TestEditorLargeBodyStaysOutOfTheEntry(t *testing.T) {
	q := newUIQueue(t)
	e, _ := newTestEditor(t, Options{})
	dirty := dirtyCounter(e)
	big := `{"data": "` + strings.Repeat("x", 100<<10) + `"}`
	e.SetRequest(storage.Request{Method: "POST", Body: storage.Body{Mode: storage.BodyRaw, ContentType: "application/json", Raw: big}})
	raw := e.body.raw
	if raw.text.Text != "" || raw.text.Visible() {
		t.Fatalf("a %d-byte body went into the Entry", len(big))
	}
	if !raw.large.Visible() || !strings.Contains(raw.notice.Text, "100.0 KB") {
		t.Errorf("notice = %q (visible %v)", raw.notice.Text, raw.large.Visible())
	}
	if got := e.Request().Body.Raw; got != big {
		t.Error("the large body is not kept in the model")
	}
	if raw.status.Text != "Checking the JSON…" {
		t.Errorf("status = %q before the check finished", raw.status.Text)
	}
	q.next(t)
	if raw.status.Text != "Valid JSON" {
		t.Errorf("status = %q after the check", raw.status.Text)
	}
	// Pretty runs on a goroutine and keeps the body out of the Entry.
	test.Tap(raw.pretty)
	q.next(t)
	if got := e.Request().Body.Raw; got != "{\n  \"data\": \""+strings.Repeat("x", 100<<10)+"\"\n}" {
		t.Errorf("pretty large body starts %q", got[:20])
	}
	if raw.text.Text != "" || *dirty == 0 {
		t.Errorf("after Pretty: entry holds %d bytes, dirty %d", len(raw.text.Text), *dirty)
	}
	for len(q) > 0 {
		q.next(t)
	}
	// A body over the edit limit cannot be put in the Entry at all.
	huge := strings.Repeat("y", rawEditMax+1)
	e.SetRequest(storage.Request{Body: storage.Body{Mode: storage.BodyRaw, Raw: huge}})
	if !raw.anyway.Disabled() {
		t.Error("Edit anyway is offered for a body over the limit")
	}
	test.Tap(raw.anyway)
	if raw.text.Text != "" {
		t.Error("Edit anyway put a huge body in the Entry")
	}
	test.Tap(findButton(t, raw.large, "Clear"))
	if e.Request().Body.Raw != "" || !raw.text.Visible() || raw.large.Visible() {
		t.Error("Clear did not bring back an empty editor")
	}
}

func TestEditorBinaryFileSize(t *testing.T) {
	q := newUIQueue(t)
	e, w := newTestEditor(t, Options{})
	path := filepath.Join(t.TempDir(), "blob.bin")
	if err := os.WriteFile(path, make([]byte, 3000), 0o600); err != nil {
		t.Fatal(err)
	}
	e.body.mode.SetSelected("binary file")
	typeInto(w, e.body.file.path, path)
	// One lookup per character typed; only the last may show.
	for range len([]rune(path)) {
		q.next(t)
	}
	if got := e.body.file.size.Text; got != "2.9 KB (3000 bytes)" {
		t.Errorf("size = %q", got)
	}
	e.body.file.path.SetText(filepath.Dir(path))
	q.next(t)
	if got := e.body.file.size.Text; got != "this is a directory, not a file" {
		t.Errorf("size = %q for a directory", got)
	}
}
