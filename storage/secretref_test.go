package storage

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage/secrets"
)

func TestSecretsSaveAndHydrate(t *testing.T) {
	db, _ := openTest(t)
	store := db.Secrets()
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))

	r := &Request{
		Name: "R", Method: "GET", URL: "https://api.test/",
		Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": "pw-basic-1"}},
		Settings: Settings{
			ClientCertPassword: "pw-p12-2",
			Proxy:              "http://proxyuser:pw-proxy-3@proxy.test:3128",
			ProxyAuth:          &AuthSpec{Type: "basic", Params: map[string]string{"username": "pu", "password": "pw-proxyauth-4"}},
		},
	}
	must(t, db.CreateRequest(c.ID, r))

	// The caller keeps its values and learns the references.
	if r.Auth.Params["password"] != "pw-basic-1" || r.Settings.Proxy != "http://proxyuser:pw-proxy-3@proxy.test:3128" {
		t.Fatalf("caller's request lost its values: %+v", r)
	}
	wantRefs := map[string]string{
		r.Auth.SecretRefs["password"]:               "request:" + r.ID + ":auth.password",
		r.Settings.ClientCertPasswordRef:            "request:" + r.ID + ":clientCertPassword",
		r.Settings.ProxyPasswordRef:                 "request:" + r.ID + ":proxyPassword",
		r.Settings.ProxyAuth.SecretRefs["password"]: "request:" + r.ID + ":proxyAuth.password",
	}
	for got, want := range wantRefs {
		if got != want {
			t.Errorf("reference %q, want %q", got, want)
		}
	}
	if _, ok := r.Auth.SecretRefs["username"]; ok {
		t.Error("username was treated as a secret")
	}

	// What the database holds: references, no values.
	stored, err := db.Request(r.ID)
	must(t, err)
	if _, ok := stored.Auth.Params["password"]; ok || stored.Settings.ClientCertPassword != "" ||
		stored.Settings.Proxy != "http://proxyuser@proxy.test:3128" || stored.Auth.Params["username"] != "alice" {
		t.Fatalf("stored request holds secrets: %+v %+v", stored.Auth, stored.Settings)
	}
	if v, _ := store.Get(r.Settings.ProxyPasswordRef); v != "pw-proxy-3" {
		t.Fatalf("store holds %q for the proxy password", v)
	}
	must(t, db.HydrateRequest(stored))
	if stored.Auth.Params["password"] != "pw-basic-1" || stored.Settings.ClientCertPassword != "pw-p12-2" ||
		stored.Settings.Proxy != "http://proxyuser:pw-proxy-3@proxy.test:3128" || stored.Settings.ProxyAuth.Params["password"] != "pw-proxyauth-4" {
		t.Fatalf("hydrated = %+v %+v", stored.Auth, stored.Settings)
	}

	// Saving a loaded (not hydrated) request keeps the secrets.
	loaded, _ := db.Request(r.ID)
	loaded.URL = "https://api.test/v2"
	must(t, db.SaveRequest(loaded))
	again, _ := db.Request(r.ID)
	must(t, db.HydrateRequest(again))
	if again.Auth.Params["password"] != "pw-basic-1" {
		t.Fatal("secret lost by saving an unhydrated request")
	}

	// Clearing a secret parameter (present and empty) deletes it.
	again.Auth.Params["password"] = ""
	must(t, db.SaveRequest(again))
	if _, err := store.Get("request:" + r.ID + ":auth.password"); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("cleared secret still stored: %v", err)
	}
	// Changing the auth type drops the old type's secrets.
	again.Auth = AuthSpec{Type: "digest", Params: map[string]string{"username": "x"}, SecretRefs: again.Auth.SecretRefs}
	again.Settings.ProxyAuth = nil
	must(t, db.SaveRequest(again))
	if _, err := store.Get("request:" + r.ID + ":proxyAuth.password"); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("secret of a removed proxy auth still stored: %v", err)
	}

	// Duplicates get their own copies.
	dupID, err := db.Duplicate(r.ID)
	must(t, err)
	dup, _ := db.Request(dupID)
	if dup.Settings.ClientCertPasswordRef != "request:"+dupID+":clientCertPassword" {
		t.Fatalf("duplicate shares or lacks the reference: %q", dup.Settings.ClientCertPasswordRef)
	}
	_, err = db.Delete(r.ID)
	must(t, err)
	_, err = db.PurgeTrash(farFuture)
	must(t, err)
	must(t, db.HydrateRequest(dup))
	if dup.Settings.ClientCertPassword != "pw-p12-2" {
		t.Fatalf("duplicate's secret went with the original: %q", dup.Settings.ClientCertPassword)
	}

	// Environment variables marked secret; unmarking brings the value back.
	env := &Environment{Name: "E", Variables: []Variable{
		{Key: "token", Value: "env-secret-5", Secret: true, Enabled: true},
		{Key: "host", Value: "x.test", Enabled: true},
	}}
	must(t, db.SaveEnvironment(env))
	se, _ := db.Environment(env.ID)
	if se.Variables[0].Value != "" || !strings.HasPrefix(se.Variables[0].SecretRef, "environment:"+env.ID+":var.") || se.Variables[1].Value != "x.test" {
		t.Fatalf("stored environment = %+v", se.Variables)
	}
	must(t, db.HydrateEnvironment(se))
	if se.Variables[0].Value != "env-secret-5" {
		t.Fatal("variable not hydrated")
	}
	ref := env.Variables[0].SecretRef
	loadedEnv, _ := db.Environment(env.ID)
	loadedEnv.Variables[0].Secret = false
	must(t, db.SaveEnvironment(loadedEnv))
	plain, _ := db.Environment(env.ID)
	if plain.Variables[0].Value != "env-secret-5" || plain.Variables[0].SecretRef != "" {
		t.Fatalf("unmarked variable = %+v", plain.Variables[0])
	}
	if _, err := store.Get(ref); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatal("unmarked variable's secret still in the store")
	}

	// Settings.
	s, _ := db.Settings()
	s.Proxy = ProxySettings{Mode: "manual", URL: "http://u:pw-url-6@p.test:8080", Username: "u", Password: "pw-set-7"}
	s.ClientCerts = []ClientCert{{Host: "api.test", CertFile: "/c.p12", Password: "pw-cert-8"}}
	must(t, db.SaveSettings(&s))
	ss, _ := db.Settings()
	if ss.Proxy.Password != "" || ss.Proxy.URL != "http://u@p.test:8080" || ss.ClientCerts[0].Password != "" || ss.ClientCerts[0].PasswordRef == "" {
		t.Fatalf("stored settings = %+v", ss)
	}
	must(t, db.HydrateSettings(&ss))
	if ss.Proxy.Password != "pw-set-7" || ss.Proxy.URL != "http://u:pw-url-6@p.test:8080" || ss.ClientCerts[0].Password != "pw-cert-8" {
		t.Fatalf("hydrated settings = %+v", ss)
	}

	// A proxy URL that cannot be parsed but may hold a password is refused.
	bad := &Request{Method: "GET", URL: "/", Settings: Settings{Proxy: "http://u:p@[::1"}}
	if err := db.CreateRequest(c.ID, bad); !errors.Is(err, ErrInvalid) || strings.Contains(err.Error(), "u:p") {
		t.Fatalf("bad proxy = %v", err)
	}

	// Missing values are reported, the others filled.
	loaded2, _ := db.Request(dupID)
	must(t, store.Delete(loaded2.Settings.ClientCertPasswordRef))
	err = db.HydrateRequest(loaded2)
	var missing *MissingSecretsError
	if !errors.As(err, &missing) || !errors.Is(err, ErrSecretMissing) || len(missing.Fields) != 1 || missing.Fields[0] != "client certificate password" {
		t.Fatalf("missing = %v", err)
	}
	if loaded2.Settings.Proxy != "http://proxyuser:pw-proxy-3@proxy.test:3128" {
		t.Fatal("the other secrets were not filled")
	}
}

// TestReopenedHistoryAdoptsSecrets: a request reopened from history and
// saved gets its own copy of the original's secrets.
func TestReopenedHistoryAdoptsSecrets(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	r := &Request{Method: "GET", URL: "https://x.test/", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "tok-adopt-1"}}}
	must(t, db.CreateRequest(c.ID, r))
	e, err := db.History().Add(*r, ResponseSummary{Status: 200}, nil)
	must(t, err)
	re, err := db.History().Reopen(e.ID)
	must(t, err)
	if re.ID != "" || re.Auth.Params["token"] != "" || re.Auth.SecretRefs["token"] != r.Auth.SecretRefs["token"] {
		t.Fatalf("reopened = %+v", re.Auth)
	}
	must(t, db.CreateRequest(c.ID, re))
	if re.Auth.SecretRefs["token"] == r.Auth.SecretRefs["token"] {
		t.Fatal("the new request shares the original's reference")
	}
	_, err = db.Delete(r.ID)
	must(t, err)
	_, err = db.PurgeTrash(farFuture)
	must(t, err)
	got, _ := db.Request(re.ID)
	must(t, db.HydrateRequest(got))
	if got.Auth.Params["token"] != "tok-adopt-1" {
		t.Fatalf("token = %q", got.Auth.Params["token"])
	}
}

func TestNoSecretStoreRefusesSecrets(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, nil)
	must(t, err)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	must(t, db.CreateRequest(c.ID, newReq("no secrets", "GET", "/"))) // fine without a store
	r := &Request{Method: "GET", URL: "/", Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "plain-text-never-1"}}}
	if err := db.CreateRequest(c.ID, r); !errors.Is(err, ErrNoSecretStore) {
		t.Fatalf("CreateRequest without a store = %v", err)
	}
	env := &Environment{Name: "E", Variables: []Variable{{Key: "k", Value: "plain-text-never-2", Secret: true}}}
	if err := db.SaveEnvironment(env); !errors.Is(err, ErrNoSecretStore) {
		t.Fatalf("SaveEnvironment without a store = %v", err)
	}
	must(t, db.Close())
	assertNotOnDisk(t, dir, "plain-text-never-1", "plain-text-never-2")
}

// TestKeyringUnavailableThenUserChooses plays the path the window takes:
// the keyring refuses (locked, unlock refused), the user is told why and
// nothing is saved; they choose the session store, then a vault.
func TestKeyringUnavailableThenUserChooses(t *testing.T) {
	dir := t.TempDir()
	db, err := Open(dir, &Options{Secrets: lockedKeyring()})
	must(t, err)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	r := &Request{Method: "GET", URL: "/", Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "choose-secret-1"}}}

	err = db.CreateRequest(c.ID, r)
	var u *secrets.UnavailableError
	if !errors.As(err, &u) || !errors.Is(err, secrets.ErrUnavailable) {
		t.Fatalf("save with a locked keyring = %v", err)
	}
	if !strings.Contains(u.Reason, "locked and unlocking it was refused") || strings.Contains(err.Error(), "choose-secret-1") {
		t.Fatalf("the reason for the user: %q (error %q)", u.Reason, err)
	}
	if tree, _ := db.Tree(c.ID); len(tree.Children) != 0 {
		t.Fatal("the request was saved without its secret")
	}

	// Choice 1: this session only.
	db.SetSecrets(secrets.NewSession())
	must(t, db.CreateRequest(c.ID, r))
	got, _ := db.Request(r.ID)
	must(t, db.HydrateRequest(got))
	if got.Auth.Params["password"] != "choose-secret-1" {
		t.Fatal("session store did not keep the secret")
	}

	// Choice 2: an encrypted vault, which outlives the process.
	v, err := secrets.CreateVault(secrets.VaultPath(dir), "a passphrase")
	must(t, err)
	db.SetSecrets(v)
	r2 := &Request{Method: "GET", URL: "/2", Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "choose-secret-2"}}}
	must(t, db.CreateRequest(c.ID, r2))
	must(t, v.Close())
	must(t, db.Close())
	assertNotOnDisk(t, dir, "choose-secret-1", "choose-secret-2")

	db, err = Open(dir, nil)
	must(t, err)
	defer db.Close()
	v, err = secrets.OpenVault(secrets.VaultPath(dir), "a passphrase")
	must(t, err)
	db.SetSecrets(v)
	got, _ = db.Request(r2.ID)
	must(t, db.HydrateRequest(got))
	if got.Auth.Params["password"] != "choose-secret-2" {
		t.Fatal("vault did not keep the secret")
	}
	// The session-only secret is gone after the "restart"; the user is
	// asked again.
	got, _ = db.Request(r.ID)
	if err := db.HydrateRequest(got); !errors.Is(err, ErrSecretMissing) {
		t.Fatalf("session secret after restart: %v", err)
	}
}

// TestNoSecretValueOnDisk writes requests, environments, settings, drafts
// and history with known secret values through the real keyring and a
// vault, then scans every byte under the data directory (database,
// backups, history body files, temporary files, the vault) for them.
func TestNoSecretValueOnDisk(t *testing.T) {
	requireKeyring(t)
	k := secrets.NewKeyring(nil)
	must(t, k.Probe())
	leakScenario(t, k)
}

// TestNoSecretValueOnDiskVault is the same with the vault, whose file is
// in the scanned directory.
func TestNoSecretValueOnDiskVault(t *testing.T) {
	leakScenario(t, nil)
}

func leakScenario(t *testing.T, store secrets.Store) {
	dir := t.TempDir()
	secretVals := []string{
		"Leak-Basic-Password-9f3k",
		"Leak-Bearer-Token-a8d2",
		"Leak-Env-Secret-77xq",
		"Leak-Proxy-Pass-k2m1",
		"Leak-Cert-Pass-q0w9",
		"Leak-Draft-Token-z5v6",
		"Leak-Folder-Secret-m3n4",
		"Leak-Set-Cookie-Val-p9o8",
		"Leak-Cookie-Header-u7y6",
	}
	bigKey := "-----BEGIN PRIVATE KEY-----Leak-PEM-" + strings.Repeat("QUJD", 1500) + "-----END PRIVATE KEY-----"
	if store == nil {
		// A vault, inside the scanned directory.
		v, err := secrets.CreateVault(secrets.VaultPath(dir), "pass")
		must(t, err)
		store = v
	}
	db, err := Open(dir, &Options{Secrets: store})
	must(t, err)
	h := db.History()
	s, _ := db.Settings()
	s.HistoryBodyCap = 1024 // force body files
	s.Proxy = ProxySettings{Mode: "manual", URL: "http://p.test:3128", Username: "u", Password: secretVals[3]}
	must(t, db.SaveSettings(&s))

	c := &Collection{Name: "C", Variables: []Variable{{Key: "apiKey", Value: secretVals[2], Secret: true, Enabled: true}}}
	must(t, db.CreateCollection(c))
	f := &Folder{Name: "F", Auth: AuthSpec{Type: "oauth2", Params: map[string]string{"clientSecret": secretVals[6], "accessTokenUrl": "https://auth.test/token"}}}
	must(t, db.CreateFolder(c.ID, f))
	// The saved request uses variables; the snapshot history gets is the
	// request as sent, with the values resolved into the URL and body.
	r := &Request{
		Name: "R", Method: "POST", URL: "https://api.test/items?key={{apiKey}}",
		Headers: []KeyValue{{Key: "Cookie", Value: "sid=" + secretVals[8], Enabled: true}, {Key: "Authorization", Value: "Bearer " + secretVals[1], Enabled: true}},
		Body:    Body{Mode: BodyRaw, Raw: `{"password":"{{pw}}"}`},
		Auth:    AuthSpec{Type: "basic", Params: map[string]string{"username": "alice", "password": secretVals[0]}},
		Settings: Settings{
			ClientCertPassword: secretVals[4],
			ClientKey:          "/k.pem",
			ProxyAuth:          &AuthSpec{Type: "bearer", Params: map[string]string{"token": secretVals[1]}},
		},
	}
	must(t, db.CreateRequest(f.ID, r))
	jwt := &Request{Name: "jwt", Method: "GET", URL: "https://api.test/", Auth: AuthSpec{Type: "jwt", Params: map[string]string{"privateKey": bigKey, "algorithm": "RS256"}}}
	must(t, db.CreateRequest(c.ID, jwt))
	env := &Environment{Name: "E", CollectionID: c.ID, Variables: []Variable{{Key: "token", Value: secretVals[1], Secret: true, Enabled: true}}}
	must(t, db.SaveEnvironment(env))
	must(t, db.SaveSession(&Session{Tabs: []Tab{{RequestID: r.ID}, {Draft: &Request{Method: "GET", URL: "/d", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": secretVals[5]}}}}}}))

	// History: the snapshot as sent (hydrated) and responses that echo
	// the secrets, small (inline) and large (a file).
	for i, size := range []int{100, 50_000} {
		body := strings.Repeat("z", size/2) + secretVals[0] + "|" + secretVals[2] + strings.Repeat("y", size/2)
		sum := ResponseSummary{Status: 200 + i, Proto: "HTTP/1.1", Header: http.Header{
			"Set-Cookie":   {"sid=" + secretVals[7] + "; Path=/; HttpOnly"},
			"X-Echo-Token": {secretVals[1]},
		}}
		snap := *cloneJSON(r)
		snap.URL = strings.ReplaceAll(snap.URL, "{{apiKey}}", secretVals[2])
		snap.Body.Raw = strings.ReplaceAll(snap.Body.Raw, "{{pw}}", secretVals[0])
		_, err := h.Add(snap, sum, strings.NewReader(body), secretVals[2])
		must(t, err)
	}
	entries, err := h.Search(HistoryQuery{})
	must(t, err)
	if len(entries) != 2 || entries[0].BodyFile == "" || entries[1].BodyFile != "" {
		t.Fatalf("entries: %+v", entries)
	}
	// The history keeps the shape: cookie name, redaction markers.
	if got := entries[0].Response.Header.Get("Set-Cookie"); got != "sid="+Redacted+"; Path=/; HttpOnly" {
		t.Errorf("Set-Cookie = %q", got)
	}
	if got := entries[0].Request.URL; got != "https://api.test/items?key="+Redacted {
		t.Errorf("URL = %q", got)
	}
	_, err = db.Backup()
	must(t, err)

	// Everything still reads back through the store.
	got, _ := db.Request(jwt.ID)
	must(t, db.HydrateRequest(got))
	if got.Auth.Params["privateKey"] != bigKey {
		t.Fatal("the large private key did not come back whole")
	}
	if v, ok := store.(*secrets.Vault); ok {
		must(t, v.Close())
	}
	must(t, db.Close())

	all := append(append([]string{}, secretVals...), "Leak-PEM-")
	assertNotOnDisk(t, dir, all...)

	// Clean up the keyring.
	if k, ok := store.(*secrets.Keyring); ok {
		db, err := Open(dir, &Options{Secrets: k})
		must(t, err)
		colls, _ := db.Collections()
		for _, c := range colls {
			_, _ = db.Delete(c.ID)
		}
		for _, e := range []string{env.ID} {
			_ = db.DeleteEnvironment(e)
		}
		_, _ = db.PurgeTrash(farFuture)
		must(t, db.SaveSession(&Session{}))
		s, _ := db.Settings()
		s.Proxy = ProxySettings{Mode: "system"}
		must(t, db.SaveSettings(&s))
		must(t, db.Close())
		for _, ref := range []string{r.Auth.SecretRefs["password"], jwt.Auth.SecretRefs["privateKey"], env.Variables[0].SecretRef} {
			if _, err := k.Get(ref); !errors.Is(err, secrets.ErrNotFound) {
				t.Errorf("%s still in the keyring after purge: %v", ref, err)
			}
		}
	}
}

// assertNotOnDisk scans every file under dir for each value (raw and in
// the encodings JSON or base64 would give a string) and fails on a hit.
func assertNotOnDisk(t *testing.T, dir string, values ...string) {
	t.Helper()
	files := dataFiles(t, dir)
	if len(files) == 0 {
		t.Fatal("no files to scan")
	}
	scanned := 0
	for _, p := range files {
		raw, err := os.ReadFile(p)
		must(t, err)
		scanned += len(raw)
		for _, v := range values {
			if bytes.Contains(raw, []byte(v)) {
				t.Errorf("%s holds the secret %q", p, v)
			}
		}
	}
	t.Logf("scanned %d files, %d bytes", len(files), scanned)
}

func TestHistory(t *testing.T) {
	db, dir := openTest(t)
	h := db.History()
	s, _ := db.Settings()
	s.HistoryBodyCap = 1000
	s.HistoryMaxEntries = 5
	s.HistoryMaxBytes = 1 << 20
	must(t, db.SaveSettings(&s))

	req := func(method, url string) Request {
		return Request{Method: method, URL: url, Headers: []KeyValue{{Key: "Authorization", Value: "Basic dXNlcjpwYXNz", Enabled: true}, {Key: "Accept", Value: "*/*", Enabled: true}},
			Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "hist-pass-1"}}}
	}
	sum := ResponseSummary{Status: 201, Proto: "HTTP/2.0", Header: http.Header{"Content-Type": {"text/plain"}}, WireSize: 321, BodySize: 12}
	e1, err := h.Add(req("POST", "https://h.test/a"), sum, strings.NewReader("small body"))
	must(t, err)
	if e1.BodyFile != "" || e1.BodyStored != 10 || e1.Size <= 10 {
		t.Fatalf("small entry = %+v", e1)
	}
	if e1.Request.Auth.Params["password"] != "" || e1.Request.Headers[0].Value != Redacted || e1.Request.Headers[1].Value != "*/*" {
		t.Fatalf("snapshot not redacted: %+v", e1.Request)
	}
	big := strings.Repeat("0123456789", 500)
	e2, err := h.Add(req("GET", "https://h.test/b"), ResponseSummary{Status: 404}, strings.NewReader(big))
	must(t, err)
	if e2.BodyFile == "" || e2.BodyStored != 5000 {
		t.Fatalf("large entry = %+v", e2)
	}
	rc, err := h.Body(e2.ID)
	must(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != big {
		t.Fatalf("file body: %d bytes", len(got))
	}
	rc, _ = h.Body(e1.ID)
	got, _ = io.ReadAll(rc)
	rc.Close()
	if string(got) != "small body" {
		t.Fatalf("inline body %q", got)
	}
	_, err = h.Add(req("GET", "https://other.test/"), ResponseSummary{Error: "dial tcp: connection refused"}, nil)
	must(t, err)

	search := func(q HistoryQuery) []uint64 {
		t.Helper()
		es, err := h.Search(q)
		must(t, err)
		var ids []uint64
		for _, e := range es {
			ids = append(ids, e.ID)
		}
		return ids
	}
	if ids := search(HistoryQuery{URL: "H.TEST"}); len(ids) != 2 || ids[0] != e2.ID {
		t.Fatalf("by URL: %v", ids)
	}
	if ids := search(HistoryQuery{Method: "post"}); len(ids) != 1 || ids[0] != e1.ID {
		t.Fatalf("by method: %v", ids)
	}
	if ids := search(HistoryQuery{Status: 4}); len(ids) != 1 || ids[0] != e2.ID {
		t.Fatalf("by class: %v", ids)
	}
	if ids := search(HistoryQuery{Status: 201}); len(ids) != 1 || ids[0] != e1.ID {
		t.Fatalf("by status: %v", ids)
	}
	if ids := search(HistoryQuery{Before: e2.ID}); len(ids) != 1 || ids[0] != e1.ID {
		t.Fatalf("paging: %v", ids)
	}

	// Reopen.
	re, err := h.Reopen(e1.ID)
	must(t, err)
	if re.ID != "" || re.Method != "POST" || re.Headers[0].Enabled || !re.Headers[1].Enabled {
		t.Fatalf("reopened = %+v", re)
	}

	// Bounded by count: the oldest go, with their body files.
	bodyPath := filepath.Join(dir, HistoryDir, e2.BodyFile)
	for i := range 5 {
		_, err := h.Add(req("GET", "https://h.test/n"), ResponseSummary{Status: 200 + i}, strings.NewReader("x"))
		must(t, err)
	}
	n, _, _ := h.Stats()
	if n != 5 {
		t.Fatalf("%d entries, want 5", n)
	}
	if _, err := os.Stat(bodyPath); !os.IsNotExist(err) {
		t.Fatalf("pruned entry's body file: %v", err)
	}
	if _, err := h.Get(e2.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("pruned entry: %v", err)
	}

	// Bounded by bytes.
	s.HistoryMaxEntries = 1000
	s.HistoryMaxBytes = 30_000
	must(t, db.SaveSettings(&s))
	for range 8 {
		_, err := h.Add(req("PUT", "https://h.test/big"), ResponseSummary{Status: 200}, strings.NewReader(strings.Repeat("b", 8000)))
		must(t, err)
	}
	n, size, _ := h.Stats()
	if size > 30_000 || n > 4 || n < 2 {
		t.Fatalf("after bytes bound: %d entries, %d bytes", n, size)
	}
	files, _ := os.ReadDir(filepath.Join(dir, HistoryDir))
	if len(files) != n {
		t.Fatalf("%d body files for %d entries", len(files), n)
	}
	// One body over the whole limit is kept truncated.
	e, err := h.Add(req("GET", "https://h.test/huge"), ResponseSummary{Status: 200}, strings.NewReader(strings.Repeat("h", 40_000)))
	must(t, err)
	if !e.BodyTruncated || e.BodyStored != 30_000 {
		t.Fatalf("huge entry = %+v", e)
	}

	must(t, h.Delete(e.ID))
	must(t, h.Clear())
	if n, size, _ := h.Stats(); n != 0 || size != 0 {
		t.Fatalf("after Clear: %d, %d", n, size)
	}
	if files, _ := os.ReadDir(filepath.Join(dir, HistoryDir)); len(files) != 0 {
		t.Fatalf("files after Clear: %d", len(files))
	}
}

func TestScrubWriterAcrossWrites(t *testing.T) {
	needles := scrubNeedles([]string{"SECRET-VALUE", "tok"}) // "tok" is too short
	var out bytes.Buffer
	w := newScrubWriter(&out, needles)
	in := "aaSECRET-VALUEbb SEC" + "RET-VALUE cc SECRET-VAL tok SECRET%2DVALUE"
	for i := 0; i < len(in); i += 3 {
		_, err := w.Write([]byte(in[i:min(i+3, len(in))]))
		must(t, err)
	}
	must(t, w.Flush())
	want := "aa" + Redacted + "bb " + Redacted + " cc SECRET-VAL tok SECRET%2DVALUE"
	if out.String() != want {
		t.Fatalf("got  %q\nwant %q", out.String(), want)
	}
}

// TestFailedCreateLeavesNoSecrets: a create that fails writes no secret,
// and never touches the secrets of the document whose ID it tried to take.
func TestFailedCreateLeavesNoSecrets(t *testing.T) {
	db, _ := openTest(t)
	store := db.Secrets()
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	r := &Request{Method: "GET", URL: "/", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "original-token"}}}
	must(t, db.CreateRequest(c.ID, r))

	// An explicit ID that is taken.
	clash := &Request{ID: r.ID, Method: "GET", URL: "/", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "intruder-token"}}}
	if err := db.CreateRequest(c.ID, clash); !errors.Is(err, ErrInvalid) {
		t.Fatalf("create with a taken ID = %v", err)
	}
	if v, _ := store.Get(r.Auth.SecretRefs["token"]); v != "original-token" {
		t.Fatalf("the existing request's secret became %q", v)
	}
	// A parent that is not there.
	lost := &Request{Method: "GET", URL: "/", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "lost-token"}}}
	if err := db.CreateRequest("ffffffffffffffff", lost); !errors.Is(err, ErrNotFound) {
		t.Fatalf("create under a missing parent = %v", err)
	}
	if lost.ID != "" || len(lost.Auth.SecretRefs) != 0 {
		t.Fatalf("the failed request was given an ID or references: %+v", lost)
	}
	// A second item that fails after the first one's secret was written.
	first := &Request{Method: "GET", URL: "/", Auth: AuthSpec{Type: "bearer", Params: map[string]string{"token": "first-token"}}}
	err := db.CreateTree(c.ID, -1, []TreeItem{{Request: first}, {Folder: &Folder{}}})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("CreateTree with a bad item = %v", err)
	}
	sess := store.(*secrets.Session)
	for _, want := range []string{"intruder-token", "lost-token", "first-token"} {
		for _, ref := range sess.Refs() {
			if v, _ := sess.Get(ref); v == want {
				t.Errorf("%q was left in the store under %s", want, ref)
			}
		}
	}
}

func TestExampleRequestsSecrets(t *testing.T) {
	db, _ := openTest(t)
	c := &Collection{Name: "C"}
	must(t, db.CreateCollection(c))
	r := &Request{Method: "GET", URL: "/", Examples: []Example{{
		Name: "ok", Status: 200, Body: "{}",
		Request: &Request{Method: "GET", URL: "/", Auth: AuthSpec{Type: "basic", Params: map[string]string{"username": "u", "password": "example-pass-1"}},
			Headers: []KeyValue{{Key: "Authorization", Value: "Basic ZXhhbXBsZQ==", Enabled: true}}},
	}}}
	must(t, db.CreateRequest(c.ID, r))
	got, _ := db.Request(r.ID)
	ex := got.Examples[0].Request
	if _, ok := ex.Auth.Params["password"]; ok || ex.Headers[0].Value != "" || !strings.HasPrefix(ex.Auth.SecretRefs["password"], "request:"+r.ID+":example.") {
		t.Fatalf("example request on disk: %+v", ex)
	}
	must(t, db.HydrateRequest(got))
	if got.Examples[0].Request.Auth.Params["password"] != "example-pass-1" || got.Examples[0].Request.Headers[0].Value != "Basic ZXhhbXBsZQ==" {
		t.Fatalf("hydrated example: %+v", got.Examples[0].Request)
	}
	// Saving again keeps the same references (no churn in the keyring).
	before := got.Examples[0].Request.Auth.SecretRefs["password"]
	must(t, db.SaveRequest(got))
	if after := got.Examples[0].Request.Auth.SecretRefs["password"]; after != before {
		t.Fatalf("reference changed on re-save: %s -> %s", before, after)
	}
	e, err := db.History().Add(*got, ResponseSummary{Status: 200}, nil)
	must(t, err)
	if len(e.Request.Examples) != 0 {
		t.Fatal("history snapshot kept the examples")
	}
}
