package authlib

// Hawk HTTP authentication, as specified in mozilla/hawk API.md (the
// hapijs/hawk protocol, version 1; "hawk.1" strings).
//
// Supported:
//   - the request MAC over the "hawk.1.header" normalized string (ts,
//     nonce, method, request URI, host, port, hash, ext, and app/dlg for
//     Oz), with HMAC-SHA256 or HMAC-SHA1;
//   - the payload hash "hawk.1.payload" over the body (read through
//     GetBody) and the media type of Content-Type, when asked;
//   - the response: a Server-Authorization header is checked ("hawk.1.response"
//     MAC with the request's ts and nonce); a mismatch is an error. When it
//     carries a hash, the response body is checked too, up to 16 MiB;
//   - clock skew: a 401 with WWW-Authenticate: Hawk ts="…", tsm="…" whose
//     tsm verifies makes Knock adjust its clock and retry once, as the Hawk
//     client does, unless the timestamp is fixed.
//
// Not supported: bewit (URI authorization) and single-message (authenticateMessage)
// signatures. "user" is accepted for Postman compatibility but Hawk sends no
// user: the server maps id to its user.
//
// Why hand-written: the Go Hawk libraries (tent/hawk-go, hiyosi/hawk) have
// been unmaintained for years, do not check payloads of responses and do
// not expose the normalized string that Knock shows the user.

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

func init() {
	register(Method{
		Type:  "hawk",
		Title: "Hawk Authentication",
		Help:  "Hawk MAC over the request (mozilla/hawk), with response verification",
		Params: []Param{
			{Name: "authId", Help: "Hawk key identifier (id)", Required: true},
			{Name: "authKey", Help: "Hawk key", Secret: true, Required: true},
			{Name: "algorithm", Help: "MAC algorithm", Default: "sha256", Choices: []string{"sha256", "sha1"}},
			{Name: "user", Help: "user name (informational: Hawk does not send it)"},
			{Name: "nonce", Help: "fixed nonce; empty for a random one per request"},
			{Name: "extraData", Help: "ext: application data covered by the MAC"},
			{Name: "app", Help: "Oz application id (app)"},
			{Name: "delegation", Help: "Oz delegation (dlg), used with app"},
			{Name: "timestamp", Help: "fixed ts in seconds; empty for the current time"},
			{Name: "includePayloadHash", Help: `"true" covers the body with the payload hash`, Choices: []string{"true", "false"}},
		},
		New: func(p Params) (Scheme, error) { return newHawkFromParams(p) },
	})
}

// HawkConfig holds the settings of a [Hawk] scheme.
type HawkConfig struct {
	ID, Key string
	// Algorithm is "sha256" (the default when empty) or "sha1".
	Algorithm string
	User      string
	// Nonce and Timestamp fix the nonce and ts; empty means random and now.
	Nonce, Timestamp string
	Ext              string
	App, Dlg         string
	// IncludePayloadHash adds the payload hash of the body.
	IncludePayloadHash bool
}

// Hawk authorizes requests with Hawk and checks the server's answer.
type Hawk struct {
	cfg    HawkConfig
	newMAC func() hash.Hash
	now    func() time.Time

	mu     sync.Mutex
	offset time.Duration // server clock minus ours, learnt from a tsm
}

// hawkAttrValue is the character set a Hawk server accepts in a header
// attribute (hawk lib/utils.js parseAuthorizationHeader).
var hawkAttrValue = regexp.MustCompile(`^[ \w!#$%&'()*+,\-./:;<=>?@\[\]^` + "`" + `{|}~]*$`)

func newHawkFromParams(p Params) (*Hawk, error) {
	cfg := HawkConfig{
		ID: p["authId"], Key: p["authKey"], Algorithm: p.Get("algorithm", "sha256"), User: p["user"],
		Nonce: p["nonce"], Timestamp: strings.TrimSpace(p["timestamp"]), Ext: p["extraData"],
		App: p.Get("app", p["appId"]), Dlg: p["delegation"],
	}
	if v := strings.TrimSpace(p["includePayloadHash"]); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("authlib: hawk: parameter \"includePayloadHash\" is %q; want true or false", v)
		}
		cfg.IncludePayloadHash = b
	}
	return NewHawk(cfg)
}

// NewHawk returns the Hawk scheme.
func NewHawk(cfg HawkConfig) (*Hawk, error) {
	h := &Hawk{cfg: cfg, now: time.Now}
	switch strings.ToLower(cfg.Algorithm) {
	case "", "sha256":
		h.newMAC, h.cfg.Algorithm = sha256.New, "sha256"
	case "sha1":
		h.newMAC, h.cfg.Algorithm = sha1.New, "sha1"
	default:
		return nil, fmt.Errorf("authlib: hawk: algorithm %q is not supported; want sha256 or sha1", cfg.Algorithm)
	}
	if cfg.ID == "" {
		return nil, errors.New(`authlib: hawk: parameter "authId" is required`)
	}
	if cfg.Key == "" {
		return nil, errors.New(`authlib: hawk: parameter "authKey" is required`)
	}
	for _, a := range []struct{ name, v string }{{"authId", cfg.ID}, {"nonce", cfg.Nonce}, {"extraData", cfg.Ext}, {"app", cfg.App}, {"delegation", cfg.Dlg}} {
		if !hawkAttrValue.MatchString(a.v) {
			return nil, fmt.Errorf("authlib: hawk: parameter %q may hold only printable ASCII without '\"' or '\\' (Hawk servers refuse other header values)", a.name)
		}
	}
	if cfg.Timestamp != "" {
		if _, err := strconv.ParseInt(cfg.Timestamp, 10, 64); err != nil {
			return nil, fmt.Errorf("authlib: hawk: timestamp %q is not a whole number of seconds since 1970", cfg.Timestamp)
		}
	}
	return h, nil
}

// hawkArtifacts are the values a MAC covers.
type hawkArtifacts struct {
	ts, nonce, method, resource, host, port, hash, ext, app, dlg string
}

// hawkNormalized is the normalized string of type ("header" or
// "response").
func hawkNormalized(typ string, a hawkArtifacts) string {
	var b strings.Builder
	b.WriteString("hawk.1." + typ + "\n")
	for _, v := range []string{a.ts, a.nonce, strings.ToUpper(a.method), a.resource, strings.ToLower(a.host), a.port, a.hash} {
		b.WriteString(v + "\n")
	}
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(a.ext, `\`, `\\`), "\n", `\n`) + "\n")
	if a.app != "" {
		b.WriteString(a.app + "\n" + a.dlg + "\n")
	}
	return b.String()
}

func (h *Hawk) mac(normalized string) string {
	m := hmac.New(h.newMAC, []byte(h.cfg.Key))
	m.Write([]byte(normalized))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// hawkPayloadHash is base64(H("hawk.1.payload\n" + media type + "\n" +
// payload + "\n")).
func hawkPayloadHash(newHash func() hash.Hash, contentType string, body io.Reader) (string, error) {
	h := newHash()
	mt := strings.ToLower(strings.TrimSpace(strings.Split(contentType, ";")[0]))
	io.WriteString(h, "hawk.1.payload\n"+mt+"\n")
	if body != nil {
		if _, err := io.Copy(h, body); err != nil {
			return "", err
		}
	}
	io.WriteString(h, "\n")
	return base64.StdEncoding.EncodeToString(h.Sum(nil)), nil
}

func hawkNonce() (string, error) {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("authlib: hawk: nonce: %v", err)
	}
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b[:]), nil
}

// sign sets the Authorization header on the clone r and returns the
// artifacts for checking the response.
func (h *Hawk) sign(r *http.Request) (hawkArtifacts, error) {
	tr := TraceFrom(r.Context())
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	name, port, err := net.SplitHostPort(host)
	if err != nil {
		name = host
		port = "80"
		if strings.EqualFold(r.URL.Scheme, "https") {
			port = "443"
		}
	}
	a := hawkArtifacts{method: r.Method, resource: r.URL.RequestURI(), host: name, port: port,
		ext: h.cfg.Ext, app: h.cfg.App, dlg: h.cfg.Dlg, nonce: h.cfg.Nonce, ts: h.cfg.Timestamp}
	if a.app == "" {
		a.dlg = ""
	}
	if a.ts == "" {
		h.mu.Lock()
		off := h.offset
		h.mu.Unlock()
		a.ts = strconv.FormatInt(h.now().Add(off).Unix(), 10)
	}
	if a.nonce == "" {
		if a.nonce, err = hawkNonce(); err != nil {
			return a, err
		}
	}
	if h.cfg.IncludePayloadHash {
		rc, err := oauth1BodyReader(r)
		if err != nil {
			return a, fmt.Errorf("authlib: hawk: payload hash: %v", err)
		}
		var body io.Reader
		if rc != nil {
			defer rc.Close()
			body = rc
		}
		if a.hash, err = hawkPayloadHash(h.newMAC, r.Header.Get("Content-Type"), body); err != nil {
			return a, fmt.Errorf("authlib: hawk: payload hash: reading the body: %v", err)
		}
		tr.Add("hawk", "Payload hash", F("formula", `base64(`+h.cfg.Algorithm+`("hawk.1.payload\n" + content type + "\n" + body + "\n"))`),
			F("content type", strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("Content-Type"), ";")[0]))), F("hash", a.hash))
	}
	norm := hawkNormalized("header", a)
	mac := h.mac(norm)
	var hdr strings.Builder
	fmt.Fprintf(&hdr, `Hawk id="%s", ts="%s", nonce="%s"`, h.cfg.ID, a.ts, a.nonce)
	if a.hash != "" {
		fmt.Fprintf(&hdr, `, hash="%s"`, a.hash)
	}
	if a.ext != "" {
		fmt.Fprintf(&hdr, `, ext="%s"`, a.ext)
	}
	fmt.Fprintf(&hdr, `, mac="%s"`, mac)
	if a.app != "" {
		fmt.Fprintf(&hdr, `, app="%s"`, a.app)
		if a.dlg != "" {
			fmt.Fprintf(&hdr, `, dlg="%s"`, a.dlg)
		}
	}
	r.Header.Set("Authorization", hdr.String())
	fields := []Field{F("normalized string", norm), S("key", h.cfg.Key),
		F("formula", "base64(HMAC-"+strings.ToUpper(h.cfg.Algorithm)+"(key, normalized string))"), F("mac", mac),
		F("Authorization", hdr.String())}
	if h.cfg.User != "" {
		fields = append(fields, F("user (not sent)", h.cfg.User))
	}
	tr.Add("hawk", "Request MAC (hawk.1.header)", fields...)
	return a, nil
}

// Wrap implements [Scheme].
func (h *Hawk) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = cloneRequest(r)
		a, err := h.sign(r)
		if err != nil {
			return nil, err
		}
		resp, err := next.RoundTrip(r)
		if err != nil {
			return nil, err
		}
		if resp.StatusCode == http.StatusUnauthorized && h.cfg.Timestamp == "" && (r.Body == nil || r.Body == http.NoBody || r.GetBody != nil) {
			if off, ok := h.skew(r, resp); ok {
				h.mu.Lock()
				h.offset = off
				h.mu.Unlock()
				io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
				resp.Body.Close()
				r = cloneRequest(r)
				if r.GetBody != nil {
					if r.Body, err = r.GetBody(); err != nil {
						return nil, fmt.Errorf("authlib: hawk: replaying the body: %v", err)
					}
				}
				if a, err = h.sign(r); err != nil {
					return nil, err
				}
				if resp, err = next.RoundTrip(r); err != nil {
					return nil, err
				}
			}
		}
		if err := h.verifyResponse(r, resp, a); err != nil {
			resp.Body.Close()
			return nil, err
		}
		return resp, nil
	})
}

// hawkAttrs parses `Hawk a="b", c="d"`. It returns nil when v is not a
// Hawk header.
func hawkAttrs(v string) (map[string]string, error) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	if !strings.EqualFold(scheme, "Hawk") {
		return nil, nil
	}
	out := map[string]string{}
	rest = strings.TrimSpace(rest)
	pos := len(v) - len(rest)
	for rest != "" {
		eq := strings.IndexByte(rest, '=')
		if eq <= 0 {
			return nil, fmt.Errorf("attribute without '=' at byte %d", pos)
		}
		name := strings.TrimSpace(rest[:eq])
		rest = rest[eq+1:]
		pos += eq + 1
		if !strings.HasPrefix(rest, `"`) {
			return nil, fmt.Errorf("attribute %q: value is not quoted at byte %d", name, pos)
		}
		end := strings.IndexByte(rest[1:], '"')
		if end < 0 {
			return nil, fmt.Errorf("attribute %q: unterminated quoted string at byte %d", name, pos)
		}
		val := rest[1 : 1+end]
		if !hawkAttrValue.MatchString(val) {
			return nil, fmt.Errorf("attribute %q: bad character in value at byte %d", name, pos)
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("attribute %q appears twice", name)
		}
		out[name] = val
		consumed := 2 + end
		rest = rest[consumed:]
		pos += consumed
		trimmed := strings.TrimLeft(rest, " ")
		pos += len(rest) - len(trimmed)
		rest = trimmed
		if rest == "" {
			break
		}
		if rest[0] != ',' {
			return nil, fmt.Errorf("expected ',' at byte %d", pos)
		}
		trimmed = strings.TrimLeft(rest[1:], " ")
		pos += len(rest) - len(trimmed)
		rest = trimmed
	}
	return out, nil
}

// skew reads a 401's WWW-Authenticate: Hawk ts="…", tsm="…" and returns the
// clock offset when the tsm proves the server holds the key.
func (h *Hawk) skew(r *http.Request, resp *http.Response) (time.Duration, bool) {
	tr := TraceFrom(r.Context())
	for _, v := range resp.Header.Values("Www-Authenticate") {
		attrs, err := hawkAttrs(v)
		if err != nil || attrs == nil || attrs["ts"] == "" || attrs["tsm"] == "" {
			continue
		}
		want := h.mac("hawk.1.ts\n" + attrs["ts"] + "\n")
		if !hmac.Equal([]byte(want), []byte(attrs["tsm"])) {
			tr.Warn("Hawk: the server's timestamp (tsm) does not verify with the key, so Knock did not adjust its clock")
			return 0, false
		}
		sts, err := strconv.ParseInt(attrs["ts"], 10, 64)
		if err != nil {
			return 0, false
		}
		off := time.Unix(sts, 0).Sub(h.now())
		tr.Add("hawk", "Clock skew (WWW-Authenticate tsm verified); retrying once",
			F("server ts", attrs["ts"]), F("error", attrs["error"]), F("offset", off.Round(time.Second).String()))
		return off, true
	}
	return 0, false
}

// hawkMaxResponse bounds the response body read to check its hash.
const hawkMaxResponse = 16 << 20

// verifyResponse checks Server-Authorization when the server sent it.
func (h *Hawk) verifyResponse(r *http.Request, resp *http.Response, a hawkArtifacts) error {
	tr := TraceFrom(r.Context())
	v := resp.Header.Get("Server-Authorization")
	if v == "" {
		return nil
	}
	attrs, err := hawkAttrs(v)
	if err != nil {
		return fmt.Errorf("authlib: hawk: Server-Authorization: %v", err)
	}
	if attrs == nil {
		return fmt.Errorf("authlib: hawk: Server-Authorization is not a Hawk header: %q", v)
	}
	ra := a
	ra.hash, ra.ext = attrs["hash"], attrs["ext"]
	norm := hawkNormalized("response", ra)
	want := h.mac(norm)
	if !hmac.Equal([]byte(want), []byte(attrs["mac"])) {
		return fmt.Errorf("authlib: hawk: Server-Authorization mac %q does not match %q computed over the response artifacts: the response may have been altered on the way, or the server used another key", attrs["mac"], want)
	}
	fields := []Field{F("normalized string", norm), F("Server-Authorization mac", attrs["mac"]+" (verified)")}
	if ra.hash != "" {
		buf, err := io.ReadAll(io.LimitReader(resp.Body, hawkMaxResponse+1))
		if err != nil {
			return fmt.Errorf("authlib: hawk: reading the response to check its hash: %v", err)
		}
		if len(buf) > hawkMaxResponse {
			resp.Body = hawkBody{io.MultiReader(bytes.NewReader(buf), resp.Body), resp.Body}
			tr.Warn("Hawk: the response is larger than 16 MiB; its payload hash was not checked")
		} else {
			resp.Body.Close()
			resp.Body = io.NopCloser(bytes.NewReader(buf))
			got, _ := hawkPayloadHash(h.newMAC, resp.Header.Get("Content-Type"), bytes.NewReader(buf))
			if got != ra.hash {
				return fmt.Errorf("authlib: hawk: the response body does not match the hash in Server-Authorization (got %s, the server signed %s): the body was altered or the server hashed another content type", got, ra.hash)
			}
			fields = append(fields, F("response payload hash", ra.hash+" (verified)"))
		}
	}
	tr.Add("hawk", "Server-Authorization verified (hawk.1.response)", fields...)
	return nil
}

// hawkBody keeps the original closer under a re-assembled body.
type hawkBody struct {
	io.Reader
	c io.Closer
}

func (b hawkBody) Close() error { return b.c.Close() }
