package authlib

// NTLM authentication over HTTP: MS-NLMP (the NTLM protocol) carried in
// HTTP headers as MS-NTHT and RFC 4559 §4 describe.
//
// Supported:
//   - NTLMv2 only (MS-NLMP §3.3.2). The three messages are built by
//     github.com/Azure/go-ntlmssp (NEGOTIATE with the 8-byte Version field,
//     which gss-ntlmssp requires, and an AUTHENTICATE whose NTLMv2 response
//     is computed by the library); this file adds the HTTP exchange and a
//     decoder used only to show each message in the trace.
//   - The raw "NTLM" scheme, and an NTLM token inside "Negotiate" when the
//     server offers only Negotiate (RFC 4559 §4; the token is sent raw, not
//     wrapped in SPNEGO, as Windows clients do without Kerberos). When both
//     are offered, "NTLM" is used.
//   - The user's domain as the domain parameter or as "DOMAIN\user" in the
//     user name; a user principal name ("user@example.com") is sent as the
//     user name with an empty domain (MS-NLMP §3.1.5.1.2).
//   - The handshake is one request sent without credentials, then the
//     NEGOTIATE and AUTHENTICATE legs on one kept-alive connection: NTLM
//     authenticates the TCP connection, not the request. The request body
//     is replayed on every leg from [http.Request.GetBody]. A server that
//     keeps the connection authenticated answers the first leg directly.
//   - A rejected AUTHENTICATE message ends the exchange: the 401 goes back to
//     the caller after one handshake, never a retry loop.
//
// Not supported: NTLMv1 and LM (refused by the library), key exchange
// (NTLMSSP_NEGOTIATE_KEY_EXCH), the MIC and channel bindings
// (MsvAvChannelBindings; servers that enforce Extended Protection for
// Authentication on https refuse the message), signing and sealing (not
// used by HTTP), and HTTP/2, which cannot carry NTLM because several
// requests share one connection.
//
// The trace shows the three messages decoded: flags, target information,
// the server challenge, the client's blob, and the user, domain and
// workstation. The password, the NTProofStr and the LMv2 response are
// masked, because the NTProofStr with the server challenge allows an
// offline guess of the password.

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"

	ntlmssp "github.com/Azure/go-ntlmssp"
)

func init() {
	register(Method{
		Type:  "ntlm",
		Title: "NTLM Authentication",
		Help:  "Windows NTLMv2 challenge-response (MS-NLMP) on one kept-alive connection",
		Params: []Param{
			{Name: "username", Help: `user name; "DOMAIN\user" sets the domain too`, Required: true},
			{Name: "password", Help: "password", Secret: true},
			{Name: "domain", Help: "the user's domain (NetBIOS or DNS name); empty for a local account"},
			{Name: "workstation", Help: "the client's computer name sent to the server (optional)"},
		},
		New: func(p Params) (Scheme, error) {
			return NewNTLM(p["username"], p["password"], p["domain"], p["workstation"])
		},
	})
}

// NTLM authenticates with NTLMv2. The zero value is not usable; use
// [NewNTLM].
type NTLM struct {
	user, domain, password, workstation string

	// mu serializes handshakes, so that two requests sent through the same
	// scheme do not take each other's half-authenticated connection.
	mu sync.Mutex
}

// NewNTLM returns the NTLM scheme. The user name may carry the domain as
// "DOMAIN\user"; it must then agree with domain when both are given.
func NewNTLM(username, password, domain, workstation string) (*NTLM, error) {
	user := username
	if d, u, ok := strings.Cut(username, `\`); ok {
		if domain != "" && !strings.EqualFold(domain, d) {
			return nil, fmt.Errorf(`authlib: ntlm: the user name %q names domain %q but the domain parameter is %q`, username, d, domain)
		}
		user, domain = u, d
	}
	if user == "" {
		return nil, errors.New("authlib: ntlm: the user name is empty")
	}
	if strings.Contains(user, `\`) {
		return nil, fmt.Errorf(`authlib: ntlm: the user name %q has more than one '\'`, username)
	}
	if strings.Contains(user, "@") && domain != "" {
		return nil, fmt.Errorf("authlib: ntlm: the user name %q is a user principal name, which carries its own domain; leave the domain (%q) empty", user, domain)
	}
	return &NTLM{user: user, domain: domain, password: password, workstation: workstation}, nil
}

// qualifiedUser is the user name as go-ntlmssp expects it: "DOMAIN\user"
// or just "user".
func (n *NTLM) qualifiedUser() string {
	if n.domain == "" {
		return n.user
	}
	return n.domain + `\` + n.user
}

// Wrap implements [Scheme].
func (n *NTLM) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		return n.roundTrip(next, r)
	})
}

func (n *NTLM) roundTrip(next http.RoundTripper, r *http.Request) (*http.Response, error) {
	if err := ntlmCheckReplayable(r, "ntlm"); err != nil {
		return nil, err
	}
	tr := TraceFrom(r.Context())
	first := cloneRequest(r)
	first.Header.Del("Authorization")
	resp, err := next.RoundTrip(first)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		tr.Add("ntlm", "No challenge: the server answered without asking for credentials",
			F("status", resp.Status),
			F("note", "NTLM servers keep a connection authenticated after a handshake, so later requests on it pass without a header"))
		return resp, nil
	}
	offers := resp.Header.Values("WWW-Authenticate")
	scheme, ok := ntlmPickScheme(offers)
	if !ok {
		tr.Add("ntlm", "The server did not offer NTLM", F("status", resp.Status), F("WWW-Authenticate", ntlmJoinOffers(offers)))
		return resp, nil
	}
	chosen := "NTLM"
	if !strings.EqualFold(scheme, "NTLM") {
		chosen = "an NTLM token inside Negotiate (RFC 4559 §4)"
	}
	tr.Add("ntlm", "The server asked for authentication (401)",
		F("WWW-Authenticate", ntlmJoinOffers(offers)), F("using", chosen))
	ntlmDrain(resp)
	return n.handshake(next, r, scheme)
}

// handshake sends the NEGOTIATE and AUTHENTICATE legs with the given
// Authorization scheme name ("NTLM" or "Negotiate") and returns the
// server's last answer. The negotiate method calls it for its NTLM
// fallback.
func (n *NTLM) handshake(next http.RoundTripper, r *http.Request, scheme string) (*http.Response, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	tr := TraceFrom(r.Context())
	var conns ntlmConnLog

	// Leg 1: NEGOTIATE_MESSAGE.
	t1, err := ntlmssp.NewNegotiateMessage("", n.workstation)
	if err != nil {
		return nil, fmt.Errorf("authlib: ntlm: building the NEGOTIATE message: %w", err)
	}
	req1, err := ntlmLeg(r, &conns, 1)
	if err != nil {
		return nil, err
	}
	req1.Close = false // the AUTHENTICATE leg must follow on this connection
	h1 := scheme + " " + base64.StdEncoding.EncodeToString(t1)
	req1.Header.Set("Authorization", h1)
	fields := ntlmNegotiateFields(t1)
	tr.Add("ntlm", "NEGOTIATE_MESSAGE, type 1 (MS-NLMP §2.2.1.1)", append(fields, F("Authorization", h1))...)
	resp, err := next.RoundTrip(req1)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusUnauthorized {
		tr.Add("ntlm", "The server accepted the NEGOTIATE message without a challenge", F("status", resp.Status))
		return resp, nil
	}
	tok, found, err := ntlmChallengeToken(resp.Header.Values("WWW-Authenticate"), scheme)
	if err != nil {
		ntlmDrain(resp)
		return nil, fmt.Errorf("authlib: ntlm: the answer to the NEGOTIATE message from %s: %w", r.URL.Host, err)
	}
	if !found {
		tr.Add("ntlm", "The server answered the NEGOTIATE message without a CHALLENGE",
			F("status", resp.Status), F("WWW-Authenticate", ntlmJoinOffers(resp.Header.Values("WWW-Authenticate"))),
			F("note", "the server refused the NEGOTIATE message or does not support NTLM for this resource"))
		return resp, nil
	}
	ch, err := ntlmParseChallenge(tok)
	if err != nil {
		ntlmDrain(resp)
		return nil, fmt.Errorf("authlib: ntlm: CHALLENGE_MESSAGE from %s: %w", r.URL.Host, err)
	}
	tr.Add("ntlm", "CHALLENGE_MESSAGE, type 2 (MS-NLMP §2.2.1.2)", ch.fields()...)
	ntlmDrain(resp)

	// Leg 2: AUTHENTICATE_MESSAGE.
	var opts *ntlmssp.AuthenticateMessageOptions
	if n.workstation != "" {
		opts = &ntlmssp.AuthenticateMessageOptions{WorkstationName: n.workstation}
	}
	t3, err := ntlmssp.NewAuthenticateMessage(tok, n.qualifiedUser(), n.password, opts)
	if err != nil {
		return nil, fmt.Errorf("authlib: ntlm: building the AUTHENTICATE message for the challenge from %s: %w", r.URL.Host, err)
	}
	am, err := ntlmParseAuthenticate(t3)
	if err != nil {
		return nil, fmt.Errorf("authlib: ntlm: decoding our own AUTHENTICATE message: %w", err)
	}
	req2, err := ntlmLeg(r, &conns, 2)
	if err != nil {
		return nil, err
	}
	h3 := scheme + " " + base64.StdEncoding.EncodeToString(t3)
	req2.Header.Set("Authorization", h3)
	fields = am.fields()
	fields = append(fields, S("password", n.password),
		F("formula", "NTProofStr = HMAC_MD5(NTOWFv2(password, user, domain), server challenge ‖ blob); NTOWFv2 = HMAC_MD5(MD4(UTF-16LE(password)), UTF-16LE(UPPER(user) ‖ domain))"),
		F("Authorization", MaskHeader(h3)))
	tr.Add("ntlm", "AUTHENTICATE_MESSAGE, type 3 (MS-NLMP §2.2.1.3, NTLMv2 §3.3.2)", fields...)
	resp, err = next.RoundTrip(req2)
	if err != nil {
		return nil, err
	}
	conns.report(tr)
	if resp.ProtoMajor >= 2 {
		tr.Warn("NTLM over HTTP/" + strconv.Itoa(resp.ProtoMajor) + " cannot work: requests share the connection that NTLM authenticates; use HTTP/1.1")
	}
	if resp.StatusCode == http.StatusUnauthorized {
		tr.Add("ntlm", "The server rejected the AUTHENTICATE message (401)",
			F("status", resp.Status),
			F("meaning", "wrong user name, domain or password, or the account may not log on with NTLMv2; the handshake is not retried"))
		return resp, nil
	}
	who := am.User
	if am.Domain != "" {
		who = am.Domain + `\` + am.User
	}
	tr.Add("ntlm", "Authenticated", F("status", resp.Status), F("user", who))
	return resp, nil
}

// ntlmCheckReplayable refuses a request whose body could not be sent a
// second time.
func ntlmCheckReplayable(r *http.Request, scheme string) error {
	if r.Body != nil && r.Body != http.NoBody && r.GetBody == nil {
		_ = r.Body.Close()
		return fmt.Errorf("authlib: %s: the request has a body but no GetBody, so it cannot be replayed during the handshake", scheme)
	}
	return nil
}

// ntlmLeg returns a copy of r for one leg of a handshake, with a fresh body
// from GetBody and a hook that records the connection it used.
func ntlmLeg(r *http.Request, conns *ntlmConnLog, leg int) (*http.Request, error) {
	q := cloneRequest(r)
	if r.Body != nil && r.Body != http.NoBody {
		if r.GetBody == nil {
			return nil, errors.New("authlib: ntlm: the request body cannot be replayed (GetBody is nil)")
		}
		b, err := r.GetBody()
		if err != nil {
			return nil, fmt.Errorf("authlib: ntlm: replaying the request body: %w", err)
		}
		q.Body = b
	}
	if conns != nil {
		ctx := httptrace.WithClientTrace(q.Context(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) { conns.record(leg, info) },
		})
		q = q.WithContext(ctx)
	}
	return q, nil
}

// ntlmDrain reads a little of a response body and closes it, so that the
// transport can reuse the connection for the next leg.
func ntlmDrain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
}

// ntlmConnLog records which connection each leg used.
type ntlmConnLog struct {
	mu    sync.Mutex
	local map[int]string
	used  map[int]bool
}

func (c *ntlmConnLog) record(leg int, info httptrace.GotConnInfo) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.local == nil {
		c.local, c.used = map[int]string{}, map[int]bool{}
	}
	if info.Conn != nil {
		c.local[leg] = info.Conn.LocalAddr().String() + " → " + info.Conn.RemoteAddr().String()
	}
	c.used[leg] = info.Reused
}

// report adds a trace step saying whether both legs used one connection,
// and warns when they did not.
func (c *ntlmConnLog) report(tr *Trace) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, okA := c.local[1]
	b, okB := c.local[2]
	if !okA || !okB {
		return
	}
	if a == b {
		tr.Add("ntlm", "Both legs used one connection", F("connection", a), F("AUTHENTICATE leg reused it", strconv.FormatBool(c.used[2])))
		return
	}
	tr.Add("ntlm", "The legs used different connections", F("NEGOTIATE leg", a), F("AUTHENTICATE leg", b))
	tr.Warn("NTLM authenticates one TCP connection, but the handshake was split across two (" + a + ", then " + b + "); the server cannot link the messages. Is keep-alive disabled, or does a proxy or load balancer in the path open new connections?")
}

// ntlmAuthItem is one challenge of a WWW-Authenticate (or
// Proxy-Authenticate) header: the scheme and the rest of the element.
type ntlmAuthItem struct {
	Scheme string
	Rest   string
}

// ntlmSplitChallenges splits header values into challenges (RFC 9110
// §11.6.1). Elements are split at commas outside quoted strings; an element
// whose first word contains no '=' starts a new challenge, and other
// elements are parameters of the current one, appended to its Rest.
func ntlmSplitChallenges(values []string) []ntlmAuthItem {
	var out []ntlmAuthItem
	for _, v := range values {
		for _, el := range ntlmSplitList(v) {
			el = strings.TrimSpace(el)
			if el == "" {
				continue
			}
			word, rest, _ := strings.Cut(el, " ")
			if !strings.Contains(word, "=") && ntlmIsToken(word) {
				out = append(out, ntlmAuthItem{Scheme: word, Rest: strings.TrimSpace(rest)})
				continue
			}
			if len(out) > 0 {
				last := &out[len(out)-1]
				if last.Rest != "" {
					last.Rest += ", "
				}
				last.Rest += el
			}
		}
	}
	return out
}

// ntlmSplitList splits s at commas that are not inside a quoted string.
func ntlmSplitList(s string) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func ntlmIsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// ntlmPickScheme returns the scheme to use for an NTLM handshake: "NTLM"
// when offered, else "Negotiate", as the server spelled it.
func ntlmPickScheme(values []string) (string, bool) {
	var negotiate string
	for _, it := range ntlmSplitChallenges(values) {
		switch {
		case strings.EqualFold(it.Scheme, "NTLM"):
			return it.Scheme, true
		case strings.EqualFold(it.Scheme, "Negotiate") && negotiate == "":
			negotiate = it.Scheme
		}
	}
	return negotiate, negotiate != ""
}

// ntlmChallengeToken finds the token sent with the given scheme and decodes
// it. found is false when the scheme came without a token.
func ntlmChallengeToken(values []string, scheme string) (tok []byte, found bool, err error) {
	for _, it := range ntlmSplitChallenges(values) {
		if !strings.EqualFold(it.Scheme, scheme) || it.Rest == "" {
			continue
		}
		b, err := ntlmDecodeBase64(it.Rest)
		if err != nil {
			return nil, true, fmt.Errorf("the %s token is not base64: %w", it.Scheme, err)
		}
		if !bytes.HasPrefix(b, ntlmSignature) {
			return nil, true, fmt.Errorf("the %s token is not an NTLM message (it starts % x); a Kerberos/SPNEGO token needs the negotiate method", it.Scheme, b[:min(len(b), 8)])
		}
		return b, true, nil
	}
	return nil, false, nil
}

func ntlmDecodeBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

func ntlmJoinOffers(values []string) string {
	if len(values) == 0 {
		return "(none)"
	}
	shown := make([]string, len(values))
	for i, v := range values {
		// Tokens in challenges carry no secret, but long ones clutter the
		// trace; the decoded message is shown in its own step.
		if len(v) > 72 {
			v = v[:72] + "…"
		}
		shown[i] = v
	}
	return strings.Join(shown, " | ")
}

// --- message decoding, for the trace (MS-NLMP §2.2) ---

var ntlmSignature = []byte("NTLMSSP\x00")

// ntlmFlagNames names the NegotiateFlags bits (MS-NLMP §2.2.2.5).
var ntlmFlagNames = map[uint]string{
	0: "NEGOTIATE_UNICODE", 1: "NEGOTIATE_OEM", 2: "REQUEST_TARGET",
	4: "NEGOTIATE_SIGN", 5: "NEGOTIATE_SEAL", 6: "NEGOTIATE_DATAGRAM",
	7: "NEGOTIATE_LM_KEY", 9: "NEGOTIATE_NTLM", 11: "ANONYMOUS",
	12: "NEGOTIATE_OEM_DOMAIN_SUPPLIED", 13: "NEGOTIATE_OEM_WORKSTATION_SUPPLIED",
	15: "NEGOTIATE_ALWAYS_SIGN", 16: "TARGET_TYPE_DOMAIN", 17: "TARGET_TYPE_SERVER",
	19: "NEGOTIATE_EXTENDED_SESSIONSECURITY", 20: "NEGOTIATE_IDENTIFY",
	22: "REQUEST_NON_NT_SESSION_KEY", 23: "NEGOTIATE_TARGET_INFO",
	25: "NEGOTIATE_VERSION", 29: "NEGOTIATE_128", 30: "NEGOTIATE_KEY_EXCH",
	31: "NEGOTIATE_56",
}

const (
	ntlmFlagUnicode = 1 << 0
	ntlmFlagVersion = 1 << 25
)

// ntlmFlagString shows flags as hex and names, lowest bit first.
func ntlmFlagString(f uint32) string {
	var names []string
	for bit := uint(0); bit < 32; bit++ {
		if f&(1<<bit) == 0 {
			continue
		}
		if n, ok := ntlmFlagNames[bit]; ok {
			names = append(names, n)
		} else {
			names = append(names, "reserved bit "+strconv.Itoa(int(bit)))
		}
	}
	return fmt.Sprintf("0x%08x %s", f, strings.Join(names, " | "))
}

// ntlmMessageError reports a malformed message with the byte offset.
type ntlmMessageError struct {
	What   string
	Offset int
	Reason string
}

func (e *ntlmMessageError) Error() string {
	return fmt.Sprintf("%s: %s at byte %d", e.What, e.Reason, e.Offset)
}

// ntlmHeader checks the signature and message type.
func ntlmHeader(b []byte, typ uint32, what string, minLen int) error {
	if len(b) < 12 || !bytes.Equal(b[:8], ntlmSignature) {
		return &ntlmMessageError{what, 0, "missing the NTLMSSP signature"}
	}
	if got := binary.LittleEndian.Uint32(b[8:12]); got != typ {
		return &ntlmMessageError{what, 8, fmt.Sprintf("message type is %d, want %d", got, typ)}
	}
	if len(b) < minLen {
		return &ntlmMessageError{what, len(b), fmt.Sprintf("message is %d bytes, shorter than its %d-byte fixed part", len(b), minLen)}
	}
	return nil
}

// ntlmField reads the payload that a Len/MaxLen/Offset field at off points
// to (MS-NLMP §2.2.1).
func ntlmField(b []byte, off int, what, name string) ([]byte, error) {
	n := int(binary.LittleEndian.Uint16(b[off:]))
	start := int(binary.LittleEndian.Uint32(b[off+4:]))
	if n == 0 {
		return nil, nil
	}
	if start < 0 || start > len(b) || n > len(b)-start {
		return nil, &ntlmMessageError{what, off, fmt.Sprintf("%s (%d bytes at offset %d) runs past the end of the %d-byte message", name, n, start, len(b))}
	}
	return b[start : start+n], nil
}

func ntlmString(b []byte, unicode bool) string {
	if !unicode {
		return string(b)
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// ntlmVersion formats a VERSION structure (MS-NLMP §2.2.2.10).
func ntlmVersion(b []byte) string {
	if len(b) < 8 {
		return ""
	}
	return fmt.Sprintf("%d.%d build %d, NTLM revision %d", b[0], b[1], binary.LittleEndian.Uint16(b[2:4]), b[7])
}

// ntlmFiletime converts a FILETIME (100 ns since 1601) to a time.
func ntlmFiletime(b []byte) time.Time {
	ft := binary.LittleEndian.Uint64(b)
	const secondsTo1970 = 11644473600
	return time.Unix(int64(ft/1e7)-secondsTo1970, int64(ft%1e7)*100).UTC()
}

// ntlmAVPair is one AV_PAIR of target information (MS-NLMP §2.2.2.1).
type ntlmAVPair struct {
	ID    uint16
	Value []byte
}

var ntlmAVNames = map[uint16]string{
	1: "MsvAvNbComputerName", 2: "MsvAvNbDomainName", 3: "MsvAvDnsComputerName",
	4: "MsvAvDnsDomainName", 5: "MsvAvDnsTreeName", 6: "MsvAvFlags",
	7: "MsvAvTimestamp", 8: "MsvAvSingleHost", 9: "MsvAvTargetName",
	10: "MsvAvChannelBindings",
}

// ntlmParseAVPairs reads a list of AV_PAIRs up to MsvAvEOL.
func ntlmParseAVPairs(b []byte, what string) ([]ntlmAVPair, error) {
	var out []ntlmAVPair
	for i := 0; ; {
		if len(b)-i < 4 {
			return out, &ntlmMessageError{what, i, "target information ends without MsvAvEOL"}
		}
		id := binary.LittleEndian.Uint16(b[i:])
		n := int(binary.LittleEndian.Uint16(b[i+2:]))
		if id == 0 {
			return out, nil
		}
		if n > len(b)-i-4 {
			return out, &ntlmMessageError{what, i, fmt.Sprintf("AV_PAIR %d of %d bytes runs past the end", id, n)}
		}
		out = append(out, ntlmAVPair{ID: id, Value: b[i+4 : i+4+n]})
		i += 4 + n
	}
}

// ntlmAVFields renders AV pairs for the trace.
func ntlmAVFields(prefix string, pairs []ntlmAVPair) []Field {
	var out []Field
	for _, p := range pairs {
		name, ok := ntlmAVNames[p.ID]
		if !ok {
			name = "AvId " + strconv.Itoa(int(p.ID))
		}
		var v string
		switch {
		case p.ID >= 1 && p.ID <= 5 || p.ID == 9:
			v = ntlmString(p.Value, true)
		case p.ID == 6 && len(p.Value) == 4:
			v = fmt.Sprintf("0x%08x", binary.LittleEndian.Uint32(p.Value))
		case p.ID == 7 && len(p.Value) == 8:
			v = ntlmFiletime(p.Value).Format(time.RFC3339Nano)
		default:
			v = hex.EncodeToString(p.Value)
		}
		out = append(out, F(prefix+name, v))
	}
	return out
}

// ntlmNegotiateFields decodes our NEGOTIATE message for the trace.
func ntlmNegotiateFields(b []byte) []Field {
	const what = "NEGOTIATE_MESSAGE"
	if err := ntlmHeader(b, 1, what, 32); err != nil {
		return []Field{F("error", err.Error())}
	}
	flags := binary.LittleEndian.Uint32(b[12:16])
	fields := []Field{F("length", strconv.Itoa(len(b))+" bytes"), F("flags", ntlmFlagString(flags))}
	for _, f := range []struct {
		off  int
		name string
	}{{16, "domain (client machine)"}, {24, "workstation"}} {
		if v, err := ntlmField(b, f.off, what, f.name); err == nil && len(v) > 0 {
			fields = append(fields, F(f.name, string(v)))
		}
	}
	if len(b) >= 40 {
		v := ntlmVersion(b[32:40])
		if flags&ntlmFlagVersion == 0 {
			v += " (sent without the NEGOTIATE_VERSION flag)"
		}
		fields = append(fields, F("version", v))
	}
	return fields
}

// ntlmChallenge is a decoded CHALLENGE_MESSAGE.
type ntlmChallenge struct {
	Flags           uint32
	TargetName      string
	ServerChallenge [8]byte
	TargetInfo      []ntlmAVPair
	Version         string
}

// ntlmParseChallenge decodes a CHALLENGE_MESSAGE (MS-NLMP §2.2.1.2).
func ntlmParseChallenge(b []byte) (*ntlmChallenge, error) {
	const what = "CHALLENGE_MESSAGE"
	if err := ntlmHeader(b, 2, what, 32); err != nil {
		return nil, err
	}
	c := &ntlmChallenge{Flags: binary.LittleEndian.Uint32(b[20:24])}
	copy(c.ServerChallenge[:], b[24:32])
	name, err := ntlmField(b, 12, what, "TargetName")
	if err != nil {
		return nil, err
	}
	c.TargetName = ntlmString(name, c.Flags&ntlmFlagUnicode != 0)
	if len(b) >= 48 {
		info, err := ntlmField(b, 40, what, "TargetInfo")
		if err != nil {
			return nil, err
		}
		if len(info) > 0 {
			if c.TargetInfo, err = ntlmParseAVPairs(info, what+" TargetInfo"); err != nil {
				return nil, err
			}
		}
	}
	if c.Flags&ntlmFlagVersion != 0 && len(b) >= 56 {
		c.Version = ntlmVersion(b[48:56])
	}
	return c, nil
}

func (c *ntlmChallenge) fields() []Field {
	fields := []Field{
		F("flags", ntlmFlagString(c.Flags)),
		F("target name", c.TargetName),
		F("server challenge", hex.EncodeToString(c.ServerChallenge[:])),
	}
	fields = append(fields, ntlmAVFields("target info ", c.TargetInfo)...)
	if c.Version != "" {
		fields = append(fields, F("server version", c.Version))
	}
	if c.Flags&(1<<30) != 0 {
		fields = append(fields, F("note", "the server asks for key exchange (NEGOTIATE_KEY_EXCH), which is not supported"))
	}
	return fields
}

// ntlmAuthenticate is a decoded AUTHENTICATE_MESSAGE.
type ntlmAuthenticate struct {
	Flags                     uint32
	LmResponse, NtResponse    []byte
	Domain, User, Workstation string
	SessionKeyLen             int
}

// ntlmParseAuthenticate decodes an AUTHENTICATE_MESSAGE (MS-NLMP §2.2.1.3).
func ntlmParseAuthenticate(b []byte) (*ntlmAuthenticate, error) {
	const what = "AUTHENTICATE_MESSAGE"
	if err := ntlmHeader(b, 3, what, 64); err != nil {
		return nil, err
	}
	a := &ntlmAuthenticate{Flags: binary.LittleEndian.Uint32(b[60:64])}
	uni := a.Flags&ntlmFlagUnicode != 0
	var err error
	if a.LmResponse, err = ntlmField(b, 12, what, "LmChallengeResponse"); err != nil {
		return nil, err
	}
	if a.NtResponse, err = ntlmField(b, 20, what, "NtChallengeResponse"); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		off  int
		name string
		dst  *string
	}{{28, "DomainName", &a.Domain}, {36, "UserName", &a.User}, {44, "Workstation", &a.Workstation}} {
		v, err := ntlmField(b, f.off, what, f.name)
		if err != nil {
			return nil, err
		}
		*f.dst = ntlmString(v, uni)
	}
	key, err := ntlmField(b, 52, what, "EncryptedRandomSessionKey")
	if err != nil {
		return nil, err
	}
	a.SessionKeyLen = len(key)
	return a, nil
}

// ntlmV2Blob is the client's part of an NTLMv2 response (MS-NLMP
// §2.2.2.7, NTLMv2_CLIENT_CHALLENGE).
type ntlmV2Blob struct {
	Timestamp       time.Time
	ClientChallenge []byte
	AVPairs         []ntlmAVPair
}

// ntlmParseV2Response splits an NTLMv2 response into the NTProofStr and
// the blob.
func ntlmParseV2Response(nt []byte) (proof []byte, blob *ntlmV2Blob, err error) {
	const what = "NTLMv2 response"
	if len(nt) < 16+28 {
		return nil, nil, &ntlmMessageError{what, len(nt), fmt.Sprintf("is %d bytes, too short for NTLMv2", len(nt))}
	}
	proof, rest := nt[:16], nt[16:]
	if rest[0] != 1 || rest[1] != 1 {
		return nil, nil, &ntlmMessageError{what, 16, fmt.Sprintf("RespType %d/HiRespType %d, want 1/1", rest[0], rest[1])}
	}
	blob = &ntlmV2Blob{Timestamp: ntlmFiletime(rest[8:16]), ClientChallenge: rest[16:24]}
	blob.AVPairs, err = ntlmParseAVPairs(rest[28:], what)
	return proof, blob, err
}

func (a *ntlmAuthenticate) fields() []Field {
	fields := []Field{
		F("flags", ntlmFlagString(a.Flags)),
		F("domain", a.Domain),
		F("user", a.User),
		F("workstation", a.Workstation),
	}
	switch {
	case len(a.NtResponse) == 24:
		fields = append(fields, S("NtChallengeResponse (NTLMv1)", hex.EncodeToString(a.NtResponse)))
	case len(a.NtResponse) > 24:
		proof, blob, err := ntlmParseV2Response(a.NtResponse)
		fields = append(fields, F("NtChallengeResponse", strconv.Itoa(len(a.NtResponse))+" bytes: NTProofStr ‖ blob"))
		if proof != nil {
			fields = append(fields, S("NTProofStr", hex.EncodeToString(proof)))
		}
		if blob != nil {
			fields = append(fields,
				F("blob timestamp", blob.Timestamp.Format(time.RFC3339Nano)),
				F("client challenge", hex.EncodeToString(blob.ClientChallenge)))
			fields = append(fields, ntlmAVFields("blob ", blob.AVPairs)...)
		}
		if err != nil {
			fields = append(fields, F("blob error", err.Error()))
		}
	}
	if len(a.LmResponse) > 0 {
		fields = append(fields, S("LmChallengeResponse", hex.EncodeToString(a.LmResponse)))
	} else {
		fields = append(fields, F("LmChallengeResponse", "(empty: the server sent target information)"))
	}
	return fields
}
