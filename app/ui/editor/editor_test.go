package editor

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/storage"
)

func TestEditorCustomMethod(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	dirty := dirtyCounter(e)
	selectAll(w, e.bar.method)
	test.Type(e.bar.method, "PURGE")
	if got := e.Request().Method; got != "PURGE" {
		t.Fatalf("method = %q, want PURGE", got)
	}
	if *dirty == 0 {
		t.Error("typing a method did not mark the request changed")
	}
	e.SetRequest(storage.Request{Method: "PROPFIND", URL: "https://dav.example/"})
	if e.bar.method.Text != "PROPFIND" {
		t.Errorf("method entry shows %q, want PROPFIND", e.bar.method.Text)
	}
}

func TestEditorOnChangedOnlyForUserEdits(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	dirty := dirtyCounter(e)
	e.SetRequest(storage.Request{
		Method:   "POST",
		URL:      "https://x/y?a=1",
		Headers:  []storage.KeyValue{{Key: "Accept", Value: "*/*", Enabled: true}},
		Body:     storage.Body{Mode: storage.BodyRaw, Raw: `{"a":1}`, ContentType: "application/json"},
		Auth:     storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "u"}},
		Settings: storage.Settings{TimeoutMs: 1000, Insecure: true},
	})
	if *dirty != 0 {
		t.Fatalf("SetRequest called OnChanged %d times", *dirty)
	}
	typeInto(w, e.bar.url, "/z")
	if *dirty == 0 {
		t.Fatal("typing in the URL did not call OnChanged")
	}
	n := *dirty
	test.Tap(e.headers.table.rows[0].enabled)
	if *dirty == n {
		t.Error("unticking a header did not call OnChanged")
	}
	n = *dirty
	test.Tap(e.settings.verify)
	if *dirty == n || e.Request().Settings.Insecure {
		t.Error("ticking TLS verification was not an edit")
	}
}

func TestEditorParamsFollowURL(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	typeInto(w, e.bar.url, "https://x/y?a=1&b=two+words&a=3#frag")
	req := e.Request()
	if req.URL != "https://x/y#frag" {
		t.Errorf("URL = %q, want the URL without query", req.URL)
	}
	want := []storage.KeyValue{kv("a", "1"), kv("b", "two words"), kv("a", "3")}
	if !reflect.DeepEqual(req.Params, want) {
		t.Errorf("params = %#v, want %#v", req.Params, want)
	}
	if got := e.params.table.values(); !reflect.DeepEqual(got, want) {
		t.Errorf("table rows = %#v, want %#v", got, want)
	}
	if n := len(e.params.table.rows); n != 4 {
		t.Errorf("table has %d rows, want 3 and the blank one", n)
	}
	if e.tabs.params.Text != "Params (3)" {
		t.Errorf("tab title = %q", e.tabs.params.Text)
	}
}

func TestEditorURLFollowsParams(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	e.SetRequest(storage.Request{Method: "GET", URL: "https://x/y", Params: []storage.KeyValue{kv("a", "1")}})
	if e.bar.url.Text != "https://x/y?a=1" {
		t.Fatalf("URL entry = %q", e.bar.url.Text)
	}
	blank := e.params.table.rows[1]
	typeInto(w, blank.key, "q")
	typeInto(w, blank.value, "a&b")
	if got := e.bar.url.Text; got != "https://x/y?a=1&q=a%26b" {
		t.Errorf("URL entry = %q after adding a row", got)
	}
	test.Tap(e.params.table.rows[0].enabled) // disable a=1
	if got := e.bar.url.Text; got != "https://x/y?q=a%26b" {
		t.Errorf("URL entry = %q after disabling a row", got)
	}
	want := []storage.KeyValue{off("a", "1"), kv("q", "a&b")}
	if got := e.Request().Params; !reflect.DeepEqual(got, want) {
		t.Errorf("params = %#v, want %#v", got, want)
	}
	// Editing the URL keeps the disabled row.
	typeInto(w, e.bar.url, "&z=9")
	want = []storage.KeyValue{off("a", "1"), kv("q", "a&b"), kv("z", "9")}
	if got := e.Request().Params; !reflect.DeepEqual(got, want) {
		t.Errorf("params = %#v, want %#v", got, want)
	}
	// Removing a row removes it from the URL.
	test.Tap(e.params.table.rows[1].remove)
	if got := e.bar.url.Text; got != "https://x/y?z=9" {
		t.Errorf("URL entry = %q after removing a row", got)
	}
}

func TestEditorAuthKeepsValuesPerMethod(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	selectTab(t, e, e.tabs.auth)
	e.auth.choice.SetSelected("Basic Auth")
	basic := e.auth.forms["basic"]
	typeInto(w, basic.fields["username"].(*hookEntry), "alice")
	typeInto(w, basic.fields["password"].(*hookEntry), "pw")
	e.auth.choice.SetSelected("Bearer Token")
	bearer := e.auth.forms["bearer"]
	typeInto(w, bearer.fields["token"].(*hookEntry), "tok")
	if got := e.Request().Auth; got.Type != "bearer" || !reflect.DeepEqual(got.Params, map[string]string{"token": "tok"}) {
		t.Errorf("auth = %#v, want bearer with its token only", got)
	}
	e.auth.choice.SetSelected("Basic Auth")
	if u := e.auth.forms["basic"].fields["username"].(*hookEntry).Text; u != "alice" {
		t.Errorf("username shows %q after switching back, want alice", u)
	}
	if got := e.Request().Auth; got.Type != "basic" || !reflect.DeepEqual(got.Params, map[string]string{"username": "alice", "password": "pw"}) {
		t.Errorf("auth = %#v, want basic alice/pw", got)
	}
	if e.tabs.auth.Text != "Auth: Basic Auth" {
		t.Errorf("tab title = %q", e.tabs.auth.Text)
	}
	e.auth.choice.SetSelected(titleNone)
	if got := e.Request().Auth; got.Type != storage.AuthNone || got.Params != nil {
		t.Errorf("auth = %#v, want none", got)
	}
	// A new request forgets the values typed for the previous one.
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: "digest"}})
	e.auth.choice.SetSelected("Basic Auth")
	if u := e.auth.forms["basic"].fields["username"].(*hookEntry).Text; u != "" {
		t.Errorf("username %q survived SetRequest", u)
	}
}

func TestEditorAuthFormFromMetadata(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: "oauth2", Params: map[string]string{
		"grant_type": "client_credentials", "extra.prompt": "consent",
	}}})
	f := e.auth.forms["oauth2"]
	if f == nil {
		t.Fatal("no OAuth 2 form")
	}
	grant, ok := f.fields["grant_type"].(*widget.Select)
	if !ok || grant.Selected != "client_credentials" {
		t.Fatalf("grant_type is %T %v, want a Select showing client_credentials", f.fields["grant_type"], f.fields["grant_type"])
	}
	if !f.fields["clientSecret"].(*hookEntry).Password {
		t.Error("clientSecret is not a password entry")
	}
	if f.fields["clientId"].(*hookEntry).Password {
		t.Error("clientId is masked")
	}
	if ph := f.fields["headerPrefix"].(*hookEntry).PlaceHolder; ph != "default: Bearer" {
		t.Errorf("headerPrefix placeholder = %q, want the default", ph)
	}
	// A parameter the metadata does not name is shown and kept.
	rows := f.extras.values()
	if len(rows) != 1 || rows[0].Key != "extra.prompt" || rows[0].Value != "consent" {
		t.Fatalf("other parameters = %#v", rows)
	}
	typeInto(w, f.extras.rows[1].key, "extra.login_hint")
	typeInto(w, f.extras.rows[1].value, "ada")
	got := e.Request().Auth.Params
	if got["extra.prompt"] != "consent" || got["extra.login_hint"] != "ada" || got["grant_type"] != "client_credentials" {
		t.Errorf("params = %#v", got)
	}
}

func TestEditorSecretsMaskedUntilRevealed(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "hunter2"}}})
	selectTab(t, e, e.tabs.auth)
	pw := e.auth.forms["basic"].fields["password"].(*hookEntry)
	markup := test.RenderObjectToMarkup(pw)
	if strings.Contains(markup, "hunter2") {
		t.Fatal("the password is drawn in clear text before the toggle is tapped")
	}
	if !strings.Contains(markup, "•••••••") {
		t.Fatalf("the password is not drawn masked:\n%s", markup)
	}
	toggle, ok := pw.ActionItem.(fyne.Tappable)
	if !ok {
		t.Fatalf("the password entry has no reveal toggle (ActionItem %T)", pw.ActionItem)
	}
	test.Tap(toggle)
	if !strings.Contains(test.RenderObjectToMarkup(pw), "hunter2") {
		t.Error("the reveal toggle did not show the password")
	}
	test.Tap(toggle)
	if strings.Contains(test.RenderObjectToMarkup(pw), "hunter2") {
		t.Error("the toggle did not hide the password again")
	}
	if !e.settings.certPassword.Password {
		t.Error("the client certificate password is not masked")
	}
	_ = w
}

func TestEditorInheritShowsParent(t *testing.T) {
	e, _ := newTestEditor(t, Options{InheritedAuth: func() (storage.AuthSpec, string, bool) {
		return storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "hunter2"}}, `folder "Users"`, true
	}})
	e.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: storage.AuthInherit}})
	text := e.auth.inherit.Text
	for _, want := range []string{`folder "Users"`, "Basic Auth", "alice"} {
		if !strings.Contains(text, want) {
			t.Errorf("inherited auth %q does not mention %q", text, want)
		}
	}
	if strings.Contains(text, "hunter2") {
		t.Errorf("inherited auth shows the parent's password: %q", text)
	}
	e2, _ := newTestEditor(t, Options{InheritedAuth: func() (storage.AuthSpec, string, bool) { return storage.AuthSpec{}, "", false }})
	e2.SetRequest(storage.Request{Auth: storage.AuthSpec{Type: storage.AuthInherit}})
	if !strings.Contains(e2.auth.inherit.Text, "without credentials") {
		t.Errorf("no parent auth: %q", e2.auth.inherit.Text)
	}
}

func TestEditorVariableLine(t *testing.T) {
	vars := map[string]string{"base": "https://api.example.com", "token": "hunter2"}
	e, _ := newTestEditor(t, Options{
		Lookup:   func(n string) (string, bool) { v, ok := vars[n]; return v, ok },
		IsSecret: func(n string) bool { return n == "token" },
	})
	e.SetRequest(storage.Request{URL: "{{base}}/u?t={{token}}&m={{ missing }}&id={{$uuid}}"})
	var line strings.Builder
	var missingColor fyne.ThemeColorName
	for _, seg := range e.bar.status.text.Segments {
		ts := seg.(*widget.TextSegment)
		line.WriteString(ts.Text)
		if ts.Text == "{{missing}}" {
			missingColor = ts.Style.ColorName
		}
	}
	text := line.String()
	for _, want := range []string{"{{base}} = https://api.example.com", "{{token}} = ••••••", "{{missing}} unresolved", "{{$uuid}} = (dynamic)"} {
		if !strings.Contains(text, want) {
			t.Errorf("status line %q lacks %q", text, want)
		}
	}
	if strings.Contains(text, "hunter2") {
		t.Errorf("status line shows a secret: %q", text)
	}
	if missingColor != theme.ColorNameError {
		t.Errorf("unresolved variable colour = %q, want the error colour", missingColor)
	}
}

func TestEditorVariableCompletion(t *testing.T) {
	e, w := newTestEditor(t, Options{VariableNames: func() []string { return []string{"token", "base", "tenant"} }})
	typeInto(w, e.bar.url, "https://x/?t={{")
	p := e.bar.url.popup
	if p == nil || !p.shown {
		t.Fatal("typing {{ opened no completion popup")
	}
	if len(p.items) < 3 || p.items[0] != "base" {
		t.Fatalf("items = %v, want the variable names sorted first", p.items)
	}
	// Keys typed while the popup has the focus go on into the entry.
	p.TypedRune('t')
	p.TypedRune('o')
	if !reflect.DeepEqual(p.items, []string{"token"}) {
		t.Fatalf("items after 'to' = %v", p.items)
	}
	p.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if got := e.bar.url.Text; got != "https://x/?t={{token}}" {
		t.Errorf("URL = %q after choosing", got)
	}
	if p.shown {
		t.Error("the popup stayed open after a choice")
	}
	if got := e.Request().Params; !reflect.DeepEqual(got, []storage.KeyValue{kv("t", "{{token}}")}) {
		t.Errorf("params = %#v", got)
	}
	if w.Canvas().Focused() != e.bar.url {
		t.Error("the focus did not return to the URL entry")
	}
}

func TestEditorHeaderNameCompletion(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	selectTab(t, e, e.tabs.headers)
	key := e.headers.table.rows[0].key
	typeInto(w, key, "content-t")
	p := key.popup
	if p == nil || !p.shown || p.items[0] != "Content-Type" {
		t.Fatalf("no completion for content-t: %+v", p)
	}
	p.TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	if key.Text != "Content-Type" {
		t.Errorf("key = %q after choosing", key.Text)
	}
	if got := e.Request().Headers; len(got) != 1 || got[0].Key != "Content-Type" || !got[0].Enabled {
		t.Errorf("headers = %#v", got)
	}
	p.hide()
	typeInto(w, e.headers.table.rows[1].key, "X-Req")
	if p2 := e.headers.table.rows[1].key.popup; p2 == nil || !p2.shown || p2.items[0] != "X-Request-ID" {
		t.Errorf("no completion for X-Req")
	}
}

func TestEditorSendAndCancel(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	sent, cancelled := 0, 0
	e.OnSend = func() { sent++ }
	e.OnCancel = func() { cancelled++ }
	test.Tap(e.bar.send)
	if sent != 1 {
		t.Fatalf("Send tapped: OnSend called %d times", sent)
	}
	e.SetBusy(true)
	if e.bar.send.Text != "Cancel" {
		t.Errorf("busy button reads %q", e.bar.send.Text)
	}
	test.Tap(e.bar.send)
	w.Canvas().Focus(e.bar.url)
	e.bar.url.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if cancelled != 1 || sent != 1 {
		t.Errorf("while busy: sent %d, cancelled %d; want 1, 1", sent, cancelled)
	}
	e.SetBusy(false)
	e.bar.url.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if sent != 2 || e.bar.send.Text != "Send" {
		t.Errorf("Enter in the URL: sent %d, button %q", sent, e.bar.send.Text)
	}
}

func TestEditorShortcutsReachTheWindow(t *testing.T) {
	var got []string
	e, w := newTestEditor(t, Options{Shortcut: func(sc fyne.Shortcut) bool {
		got = append(got, sc.ShortcutName())
		_, custom := sc.(*desktop.CustomShortcut)
		return custom
	}})
	send := &desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierShortcutDefault}
	targets := []fyne.Shortcutable{e.bar.url, e.bar.method, e.headers.table.rows[0].value, e.body.raw.text, e.settings.certPassword}
	for _, target := range targets {
		target.TypedShortcut(send)
	}
	if len(got) != len(targets) {
		t.Fatalf("the window saw %d of %d shortcuts: %v", len(got), len(targets), got)
	}
	// A shortcut the window does not take is the entry's: paste.
	cb := test.NewClipboard()
	cb.SetContent("pasted")
	w.Canvas().Focus(e.bar.url)
	e.bar.url.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if e.bar.url.Text != "pasted" {
		t.Errorf("URL after paste = %q", e.bar.url.Text)
	}
}

func TestEditorPastedCurlReplacesRequest(t *testing.T) {
	var parsed string
	e, w := newTestEditor(t, Options{ParseCurl: func(cmd string) (storage.Request, error) {
		parsed = cmd
		if strings.Contains(cmd, "bad") {
			return storage.Request{}, errors.New("curl: unknown option --bad")
		}
		return storage.Request{Method: "POST", URL: "https://api.example.com/v1?x=1",
			Headers: []storage.KeyValue{{Key: "Content-Type", Value: "application/json", Enabled: true}},
			Body:    storage.Body{Mode: storage.BodyRaw, Raw: `{"a":1}`}}, nil
	}})
	e.SetRequest(storage.Request{ID: "r1", Name: "Mine", Method: "GET"})
	dirty := dirtyCounter(e)
	cb := test.NewClipboard()
	cb.SetContent("  curl -X POST https://api.example.com/v1?x=1 -d '{\"a\":1}'\n")
	w.Canvas().Focus(e.bar.url)
	e.bar.url.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if !strings.HasPrefix(parsed, "curl -X POST") {
		t.Fatalf("ParseCurl got %q", parsed)
	}
	req := e.Request()
	if req.Method != "POST" || req.URL != "https://api.example.com/v1" || len(req.Params) != 1 || req.Body.Raw != `{"a":1}` {
		t.Errorf("request after paste = %+v", req)
	}
	if req.ID != "r1" || req.Name != "Mine" {
		t.Errorf("the tab's request lost its identity: %q %q", req.ID, req.Name)
	}
	if e.bar.url.Text != "https://api.example.com/v1?x=1" || e.headers.table.rows[0].key.Text != "Content-Type" {
		t.Errorf("widgets not updated: URL %q", e.bar.url.Text)
	}
	if *dirty == 0 {
		t.Error("a pasted curl command is an edit")
	}
	cb.SetContent("curl --bad https://x")
	e.bar.url.TypedShortcut(&fyne.ShortcutPaste{Clipboard: cb})
	if e.Request().URL != "https://api.example.com/v1" {
		t.Error("a curl command that failed to parse changed the request")
	}
	if note := e.bar.status.note; !strings.Contains(note, "unknown option --bad") {
		t.Errorf("status note = %q, want the parse error", note)
	}
}

func TestEditorRequestIsACopy(t *testing.T) {
	e, _ := newTestEditor(t, Options{})
	e.SetRequest(storage.Request{URL: "https://x/", Params: []storage.KeyValue{kv("a", "1")},
		Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "u"}}})
	r := e.Request()
	r.Params[0].Value = "changed"
	r.Auth.Params["username"] = "changed"
	again := e.Request()
	if again.Params[0].Value != "1" || again.Auth.Params["username"] != "u" {
		t.Errorf("Request() shares memory with the editor: %+v", again)
	}
}

func TestEditorSettings(t *testing.T) {
	e, w := newTestEditor(t, Options{})
	s := e.settings
	typeInto(w, s.timeout, "5000")
	typeInto(w, s.maxRedirects, "3")
	if got := e.Request().Settings; got.TimeoutMs != 5000 || got.MaxRedirects != 3 {
		t.Errorf("settings = %+v", got)
	}
	typeInto(w, s.timeout, "x")
	if got := e.Request().Settings.TimeoutMs; got != 5000 {
		t.Errorf("a timeout that is not a number changed the model to %d", got)
	}
	test.Tap(s.verify)
	if !e.Request().Settings.Insecure {
		t.Fatal("unticking verification did not set Insecure")
	}
	if s.tlsWarning.Importance != widget.DangerImportance || !strings.Contains(s.tlsWarning.Text, "OFF") {
		t.Errorf("TLS warning = %q", s.tlsWarning.Text)
	}
	if !strings.Contains(richText(e.bar.status.text), "TLS verification is off") {
		t.Error("the line under the URL does not warn that TLS verification is off")
	}
	test.Tap(s.follow)
	test.Tap(s.netrc)
	typeInto(w, s.proxy, "http://proxy:3128")
	typeInto(w, s.certPassword, "p12pass")
	got := e.Request().Settings
	if !got.NoFollow || !got.NoNetrc || got.Proxy != "http://proxy:3128" || got.ClientCertPassword != "p12pass" {
		t.Errorf("settings = %+v", got)
	}
	if !s.maxRedirects.Disabled() {
		t.Error("max redirects stays editable while redirects are not followed")
	}
}

func richText(r *widget.RichText) string {
	var b strings.Builder
	for _, seg := range r.Segments {
		if ts, ok := seg.(*widget.TextSegment); ok {
			b.WriteString(ts.Text)
		}
	}
	return b.String()
}

func TestParamLabel(t *testing.T) {
	for in, want := range map[string]string{
		"accessTokenUrl": "Access token URL", "redirect_uri": "Redirect URI", "clientId": "Client ID",
		"grant_type": "Grant type", "username": "Username", "URLPath": "URL path", "extra.prompt": "Extra.prompt",
	} {
		if got := paramLabel(in); got != want {
			t.Errorf("paramLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
