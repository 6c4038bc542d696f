// Command bareloop is the floor of the `knock run` benchmark: the same
// requests as the generated collection, sent in order by a plain net/http
// client, with the same checks (status 200) and the same auth (a Basic
// header; Digest by a minimal challenge-response, MD5 with qop=auth, RFC
// 7616 section 3.4). It is a compiled program so that its process start is
// counted as knock's is.
//
// The Digest client here is deliberately minimal (no auth-int, no
// SHA-256, no stale handling): it is the least work a client can do, which
// is what a floor is for. Like knock run, it answers one challenge and
// then reuses that nonce with a rising nonce count (RFC 7616 §3.4),
// answering a new challenge if the server refuses it, so that both send
// the same requests. Knock's full implementation is authlib/digest.go.
//
// Usage: bareloop PLAN.json, where the plan is {"user", "password",
// "requests": [{"url", "auth": ""|"basic"|"digest"}]}. It prints "N
// requests, F failed" and exits 1 when any request failed.
package main

import (
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

type plan struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Requests []struct {
		URL  string `json:"url"`
		Auth string `json:"auth"`
	} `json:"requests"`
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bareloop PLAN.json")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var p plan
	if err := json.Unmarshal(data, &p); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c := &bareClient{http: &http.Client{Timeout: 30 * time.Second}, user: p.User, pass: p.Password}
	failed := 0
	for _, r := range p.Requests {
		status, err := c.send(r.URL, r.Auth)
		if err != nil || status != http.StatusOK {
			failed++
			fmt.Fprintf(os.Stderr, "%s: status %d, error %v\n", r.URL, status, err)
		}
	}
	fmt.Printf("%d requests, %d failed\n", len(p.Requests), failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// bareClient sends the plan's requests, keeping the last Digest challenge.
type bareClient struct {
	http       *http.Client
	user, pass string
	challenge  map[string]string // the last Digest challenge's parameters
	nc         int               // the last nonce count sent with it
}

func (c *bareClient) send(url, auth string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	switch {
	case auth == "basic":
		req.SetBasicAuth(c.user, c.pass)
	case auth == "digest" && c.challenge != nil:
		c.nc++
		req.Header.Set("Authorization", c.digestAnswer(req.URL.RequestURI()))
	}
	status, challenge, err := do(c.http, req)
	if err != nil || auth != "digest" || status != http.StatusUnauthorized {
		return status, err
	}
	if err := c.learn(challenge); err != nil {
		return status, err
	}
	req, err = http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", c.digestAnswer(req.URL.RequestURI()))
	status, _, err = do(c.http, req)
	return status, err
}

// do sends req and reads the whole body.
func do(client *http.Client, req *http.Request) (int, string, error) {
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, "", err
	}
	return resp.StatusCode, resp.Header.Get("WWW-Authenticate"), nil
}

// learn keeps an MD5 qop=auth challenge for the requests that follow.
func (c *bareClient) learn(challenge string) error {
	rest, ok := strings.CutPrefix(challenge, "Digest ")
	if !ok {
		return fmt.Errorf("not a Digest challenge: %q", challenge)
	}
	p, err := params(rest)
	if err != nil {
		return err
	}
	if a := p["algorithm"]; a != "" && !strings.EqualFold(a, "MD5") {
		return fmt.Errorf("algorithm %q: only MD5", a)
	}
	if !strings.Contains(p["qop"], "auth") {
		return fmt.Errorf("qop %q: only auth", p["qop"])
	}
	c.challenge, c.nc = p, 1
	return nil
}

// digestAnswer is the Authorization header for the kept challenge and
// nonce count.
func (c *bareClient) digestAnswer(uri string) string {
	p := c.challenge
	var b [8]byte
	rand.Read(b[:])
	cnonce := hex.EncodeToString(b[:])
	nc := fmt.Sprintf("%08x", c.nc)
	ha1 := md5hex(c.user + ":" + p["realm"] + ":" + c.pass)
	ha2 := md5hex("GET:" + uri)
	response := md5hex(ha1 + ":" + p["nonce"] + ":" + nc + ":" + cnonce + ":auth:" + ha2)
	h := fmt.Sprintf(`Digest username=%q, realm=%q, nonce=%q, uri=%q, algorithm=MD5, qop=auth, nc=%s, cnonce=%q, response=%q`,
		c.user, p["realm"], p["nonce"], uri, nc, cnonce, response)
	if o, ok := p["opaque"]; ok {
		h += fmt.Sprintf(", opaque=%q", o)
	}
	return h
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// params parses the auth-params of a challenge: name=token or
// name="quoted string", separated by commas.
func params(s string) (map[string]string, error) {
	out := map[string]string{}
	for i := 0; i < len(s); {
		for i < len(s) && (s[i] == ' ' || s[i] == ',') {
			i++
		}
		eq := strings.IndexByte(s[i:], '=')
		if eq < 0 {
			break
		}
		name := strings.ToLower(strings.TrimSpace(s[i : i+eq]))
		i += eq + 1
		var v strings.Builder
		if i < len(s) && s[i] == '"' {
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				v.WriteByte(s[i])
			}
			if i >= len(s) {
				return nil, errors.New("unterminated quoted string in the challenge")
			}
			i++
		} else {
			for ; i < len(s) && s[i] != ','; i++ {
				v.WriteByte(s[i])
			}
		}
		out[name] = strings.TrimSpace(v.String())
	}
	return out, nil
}
