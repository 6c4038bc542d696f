package editor

import (
	"context"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"github.com/knockhttp/knock/storage"
)

// TestEditorScreenshots renders every sub-tab at 1100×700 and saves PNGs
// to test-artifacts/editor-*.png for a person to look at. It fails if a
// capture cannot be made or written.
func TestEditorScreenshots(t *testing.T) {
	vars := map[string]string{"base": "https://api.example.com", "token": "s3cr3t-token"}
	opts := Options{
		Lookup:        func(n string) (string, bool) { v, ok := vars[n]; return v, ok },
		IsSecret:      func(n string) bool { return n == "token" },
		VariableNames: func() []string { return []string{"base", "token"} },
		InheritedAuth: func() (storage.AuthSpec, string, bool) {
			return storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "pw"}}, `folder "Users"`, true
		},
		GetToken: func(ctx context.Context, params map[string]string, progress func(string)) (TokenInfo, error) {
			return TokenInfo{}, nil
		},
	}
	q := newUIQueue(t)
	e, w := newTestEditor(t, opts)
	fyne.CurrentApp().Settings().SetTheme(lightTheme{theme.DefaultTheme()})
	e.SetRequest(storage.Request{
		Method: "POST",
		URL:    "{{base}}/users?page=2&q=a+b&key={{missing}}",
		Params: []storage.KeyValue{{Key: "debug", Value: "1"}},
		Headers: []storage.KeyValue{
			{Key: "Accept", Value: "application/json", Enabled: true},
			{Key: "X-Request-ID", Value: "{{$uuid}}", Enabled: true},
			{Key: "Cache-Control", Value: "no-cache"},
		},
		Body: storage.Body{Mode: storage.BodyRaw, ContentType: "application/json", Raw: "{\n  \"name\": \"Ada\",\n  \"age\": 36,\n}"},
		Auth: storage.AuthSpec{Type: "oauth2", Params: map[string]string{"grant_type": "client_credentials", "clientId": "knock", "clientSecret": "hidden"}},
		Settings: storage.Settings{
			TimeoutMs: 30000, Insecure: true, Proxy: "http://proxy.local:3128",
		},
	})
	dir := filepath.Join("..", "..", "..", "test-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := []struct {
		name string
		item *container.TabItem
		prep func()
	}{
		{"params", e.tabs.params, nil},
		{"headers", e.tabs.headers, nil},
		{"body-raw", e.tabs.body, nil},
		{"body-multipart", e.tabs.body, func() {
			e.body.mode.SetSelected("multipart")
			e.body.multipart.onAddTapped()
			e.body.multipart.rows[0].key.SetText("avatar")
			e.body.multipart.rows[0].kind.SetSelected(partFile)
			e.body.multipart.onAddTapped()
		}},
		{"body-graphql", e.tabs.body, func() { e.body.mode.SetSelected("GraphQL") }},
		{"body-large", e.tabs.body, func() {
			e.body.mode.SetSelected("raw")
			e.body.raw.setRaw(strings.Repeat("x", 200<<10))
			q.next(t) // the JSON check
		}},
		{"auth-oauth2", e.tabs.auth, func() {
			e.auth.form(mustMethod(t, e, "oauth2")).token.showToken(TokenInfo{
				AccessToken: "eyJh…Q5w", TokenType: "Bearer", Expiry: time.Now().Add(59 * time.Minute),
				Scopes: []string{"read", "write"}, Claims: map[string]any{"sub": "alice", "aud": []any{"api"}},
			})
		}},
		{"auth-basic", e.tabs.auth, func() { e.auth.choice.SetSelected("Basic Auth") }},
		{"auth-inherit", e.tabs.auth, func() { e.auth.choice.SetSelected(titleInherit) }},
		{"settings", e.tabs.settingsItem, nil},
		{"header-completion", e.tabs.headers, func() {
			typeInto(w, e.headers.table.rows[3].key, "co")
		}},
		{"url-completion", e.tabs.params, func() {
			e.headers.table.rows[3].key.hideCompletions()
			typeInto(w, e.bar.url, "&t={{")
		}},
	}
	for _, s := range shots {
		selectTab(t, e, s.item)
		if s.prep != nil {
			s.prep()
		}
		e.Content().Refresh()
		img := w.Canvas().Capture()
		f, err := os.Create(filepath.Join(dir, "editor-"+s.name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// lightTheme is the default theme in its light variant.
type lightTheme struct{ fyne.Theme }

func (l lightTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return l.Theme.Color(n, theme.VariantLight)
}
