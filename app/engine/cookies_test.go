package engine

// Cookies: one jar per collection, with public-suffix rules.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

func TestCookiesOneJarPerCollection(t *testing.T) {
	srv := newHTTPBin(t)
	e := newTestEngine(t)
	resp := mustSend(t, e, get(srv.URL+"/cookies/set?session=abc&theme=dark"), Options{CollectionID: "shop"})
	if resp.Status != 200 || len(resp.Redirects) != 1 {
		t.Fatalf("status %d redirects %+v", resp.Status, resp.Redirects)
	}
	cookiesSeen := func(collection string) map[string]string {
		resp := mustSend(t, e, get(srv.URL+"/cookies"), Options{CollectionID: collection})
		var echo struct {
			Cookies map[string]string `json:"cookies"`
		}
		if err := json.Unmarshal([]byte(bodyText(t, resp)), &echo); err != nil {
			t.Fatal(err)
		}
		return echo.Cookies
	}
	if got := cookiesSeen("shop"); got["session"] != "abc" || got["theme"] != "dark" || len(got) != 2 {
		t.Errorf("same collection sent %v, want session and theme", got)
	}
	if got := cookiesSeen("admin"); len(got) != 0 {
		t.Errorf("another collection sent %v, want none", got)
	}
	if got := cookiesSeen(""); len(got) != 0 {
		t.Errorf("unsaved requests sent %v, want none", got)
	}
	// The jar is the one the window shows.
	if got := e.CookieJar("shop").Cookies(mustParse(t, srv.URL)); len(got) != 2 {
		t.Errorf("CookieJar(shop) holds %v", got)
	}
	// A new Engine starts empty.
	if got := newTestEngine(t).CookieJar("shop").Cookies(mustParse(t, srv.URL)); len(got) != 0 {
		t.Errorf("a new Engine's jar holds %v", got)
	}
}

func TestCookiesUserCookieHeaderIsMergedWithTheJar(t *testing.T) {
	srv := newRecServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			http.SetCookie(w, &http.Cookie{Name: "jar", Value: "1"})
		}
	})
	e := newTestEngine(t)
	mustSend(t, e, get(srv.URL+"/set"), Options{})
	r := storage.Request{URL: srv.URL + "/use", Headers: []storage.KeyValue{kv("Cookie", "mine=2")}}
	mustSend(t, e, r, Options{})
	got := srv.requests()[1].Header.Get("Cookie")
	if !strings.Contains(got, "mine=2") || !strings.Contains(got, "jar=1") {
		t.Errorf("Cookie %q, want both the user's and the jar's", got)
	}
}

func TestCookiesPublicSuffixRules(t *testing.T) {
	clearProxyEnv(t)
	proxy := newProxyOrigin(t)
	proxy.handle("www.example.co.uk", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "suffix=bad; Domain=co.uk; Path=/")
		w.Header().Add("Set-Cookie", "site=good; Domain=example.co.uk; Path=/")
		w.Header().Add("Set-Cookie", "hostonly=www; Path=/")
	})
	proxy.handle("api.example.co.uk", func(w http.ResponseWriter, r *http.Request) {})
	proxy.handle("other.co.uk", func(w http.ResponseWriter, r *http.Request) {})
	e := newTestEngine(t)
	s := storage.Settings{Proxy: proxy.URL}
	opt := Options{CollectionID: "uk"}
	resp := mustSend(t, e, storage.Request{URL: "http://www.example.co.uk/login", Settings: s}, opt)
	if len(resp.Cookies) != 3 {
		t.Fatalf("the response set %d cookies, want 3 (the jar decides which to keep)", len(resp.Cookies))
	}
	mustSend(t, e, storage.Request{URL: "http://api.example.co.uk/data", Settings: s}, opt)
	mustSend(t, e, storage.Request{URL: "http://other.co.uk/", Settings: s}, opt)

	if got := proxy.requestsFor("api.example.co.uk")[0].Header.Get("Cookie"); got != "site=good" {
		t.Errorf("api.example.co.uk got Cookie %q, want only site=good (Domain=co.uk is a public suffix; hostonly is for www)", got)
	}
	if got := proxy.requestsFor("other.co.uk")[0].Header.Get("Cookie"); got != "" {
		t.Errorf("other.co.uk got Cookie %q: a cookie for the public suffix co.uk was accepted", got)
	}
}
