// Command bareloop is the floor of the `knock run` benchmark: the same
// requests as the generated collection, sent in order by a plain net/http
// client, with the same checks (status 200) and the same auth (a Basic
// header; Digest by a minimal challenge-response, MD5 with qop=auth, RFC
// 7616 section 3.4). It is a compiled program so that its process start is
// counted as knock's is.
//
// The Digest client here is deliberately minimal (no nonce reuse, no
// auth-int, no SHA-256, no stale handling): it is the least work a client
// can do, which is what a floor is for. Knock's full implementation is
// authlib/digest.go.
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
	client := &http.Client{Timeout: 30 * time.Second}
	failed := 0
	for _, r := range p.Requests {
		status, err := send(client, r.URL, r.Auth, p.User, p.Password)
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

func send(client *http.Client, url, auth, user, pass string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if auth == "basic" {
		req.SetBasicAuth(user, pass)
	}
	status, challenge, err := do(client, req)
	if err != nil || auth != "digest" || status != http.StatusUnauthorized {
		return status, err
	}
	header, err := digestAnswer(challenge, user, pass, req.URL.RequestURI())
	if err != nil {
		return status, err
	}
	req, err = http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", header)
	status, _, err = do(client, req)
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

// digestAnswer computes the Authorization header for an MD5 qop=auth
// challenge.
func digestAnswer(challenge, user, pass, uri string) (string, error) {
	rest, ok := strings.CutPrefix(challenge, "Digest ")
	if !ok {
		return "", fmt.Errorf("not a Digest challenge: %q", challenge)
	}
	p, err := params(rest)
	if err != nil {
		return "", err
	}
	if a := p["algorithm"]; a != "" && !strings.EqualFold(a, "MD5") {
		return "", fmt.Errorf("algorithm %q: only MD5", a)
	}
	if !strings.Contains(p["qop"], "auth") {
		return "", fmt.Errorf("qop %q: only auth", p["qop"])
	}
	var b [8]byte
	rand.Read(b[:])
	cnonce := hex.EncodeToString(b[:])
	const nc = "00000001"
	ha1 := md5hex(user + ":" + p["realm"] + ":" + pass)
	ha2 := md5hex("GET:" + uri)
	response := md5hex(ha1 + ":" + p["nonce"] + ":" + nc + ":" + cnonce + ":auth:" + ha2)
	h := fmt.Sprintf(`Digest username=%q, realm=%q, nonce=%q, uri=%q, algorithm=MD5, qop=auth, nc=%s, cnonce=%q, response=%q`,
		user, p["realm"], p["nonce"], uri, nc, cnonce, response)
	if o, ok := p["opaque"]; ok {
		h += fmt.Sprintf(", opaque=%q", o)
	}
	return h, nil
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
