package authlib

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/rc4"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	ntlmssp "github.com/Azure/go-ntlmssp"
	//lint:ignore SA1019 NTLM is defined on MD4 (MS-NLMP §3.3.1); this is the test-only reference implementation
	"golang.org/x/crypto/md4"
)

// --- a small, test-only NTLMv2 (MS-NLMP §3.3.2), independent of go-ntlmssp ---

func ntlmTestUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

func ntlmTestHMAC(key []byte, parts ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, p := range parts {
		m.Write(p)
	}
	return m.Sum(nil)
}

// ntlmTestNTOWFv1 is MD4(UNICODE(Passwd)) (MS-NLMP §3.3.1).
func ntlmTestNTOWFv1(password string) []byte {
	h := md4.New()
	h.Write(ntlmTestUTF16(password))
	return h.Sum(nil)
}

// ntlmTestNTOWFv2 is HMAC_MD5(NTOWFv1, UNICODE(Uppercase(User) ‖ UserDom)).
func ntlmTestNTOWFv2(password, user, domain string) []byte {
	return ntlmTestHMAC(ntlmTestNTOWFv1(password), ntlmTestUTF16(strings.ToUpper(user)+domain))
}

func ntlmTestAV(id uint16, value []byte) []byte {
	b := make([]byte, 4, 4+len(value))
	binary.LittleEndian.PutUint16(b, id)
	binary.LittleEndian.PutUint16(b[2:], uint16(len(value)))
	return append(b, value...)
}

func ntlmTestHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

// MS-NLMP §4.2.4 messages, as transcribed in AUTH_VECTORS.md section 5.
const (
	ntlmSpecChallengeHex = `4e544c4d53535000020000000c000c003800000033828ae20123456789abcdef00000000000000002400240044000000060070170000000f53006500720076006500720002000c0044006f006d00610069006e0001000c0053006500720076006500720000000000`
	ntlmSpecAuthHex      = `4e544c4d5353500003000000180018006c00000054005400840000000c000c0048000000080008005400000010001000
 5c00000010001000d8000000358288e20501280a0000000f44006f006d006100 69006e00550073006500720043004f004d005000550054004500520086c35097
 ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa68cd0ab851e51c96aabc927b ebef6a1c01010000000000000000000000000000aaaaaaaaaaaaaaaa00000000
 02000c0044006f006d00610069006e0001000c00530065007200760065007200 0000000000000000c5dad2544fc9799094ce1ce90bc9d03e`
)

// TestNTLMSpecVectors recomputes MS-NLMP §4.2.4 (NTLMv2 Authentication)
// from its inputs (§4.2.1) with the test-only implementation above.
func TestNTLMSpecVectors(t *testing.T) {
	serverChallenge := ntlmTestHex(t, "0123456789abcdef")
	clientChallenge := bytes.Repeat([]byte{0xaa}, 8)
	avPairs := append(append(ntlmTestAV(2, ntlmTestUTF16("Domain")), ntlmTestAV(1, ntlmTestUTF16("Server"))...), 0, 0, 0, 0)
	temp := append([]byte{1, 1, 0, 0, 0, 0, 0, 0}, make([]byte, 8)...) // Responserversion, HiResponserversion, Z(6), Time=0
	temp = append(temp, clientChallenge...)
	temp = append(temp, 0, 0, 0, 0)
	temp = append(temp, avPairs...)
	temp = append(temp, 0, 0, 0, 0)

	v1 := ntlmTestNTOWFv1("Password")
	v2 := ntlmTestNTOWFv2("Password", "User", "Domain")
	proof := ntlmTestHMAC(v2, serverChallenge, temp)
	lmv2 := append(ntlmTestHMAC(v2, serverChallenge, clientChallenge), clientChallenge...)
	sessionBaseKey := ntlmTestHMAC(v2, proof)
	c, err := rc4.NewCipher(sessionBaseKey) // KeyExchangeKey = SessionBaseKey for NTLMv2
	if err != nil {
		t.Fatal(err)
	}
	encKey := make([]byte, 16)
	c.XORKeyStream(encKey, bytes.Repeat([]byte{0x55}, 16))

	for _, tc := range []struct {
		name string
		got  []byte
		want string
	}{
		{"NTOWFv1", v1, "a4f49c406510bdcab6824ee7c30fd852"},
		{"NTOWFv2", v2, "0c868a403bfd7a93a3001ef22ef02e3f"},
		{"temp", temp, "01010000000000000000000000000000aaaaaaaaaaaaaaaa0000000002000c0044006f006d00610069006e0001000c005300650072007600650072000000000000000000"},
		{"NTProofStr", proof, "68cd0ab851e51c96aabc927bebef6a1c"},
		{"LMv2", lmv2, "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa"},
		{"SessionBaseKey", sessionBaseKey, "8de40ccadbc14a82f15cb0ad0de95ca3"},
		{"EncryptedRandomSessionKey", encKey, "c5dad2544fc9799094ce1ce90bc9d03e"},
	} {
		if got := hex.EncodeToString(tc.got); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.name, got, tc.want)
		}
	}

	// The spec's CHALLENGE_MESSAGE, through the trace decoder.
	ch, err := ntlmParseChallenge(ntlmTestHex(t, ntlmSpecChallengeHex))
	if err != nil {
		t.Fatalf("parse spec CHALLENGE_MESSAGE: %v", err)
	}
	if ch.Flags != 0xe28a8233 || ch.TargetName != "Server" || !bytes.Equal(ch.ServerChallenge[:], serverChallenge) {
		t.Errorf("challenge = flags %#x target %q challenge %x", ch.Flags, ch.TargetName, ch.ServerChallenge)
	}
	if ch.Version != "6.0 build 6000, NTLM revision 15" {
		t.Errorf("challenge version = %q", ch.Version)
	}
	if len(ch.TargetInfo) != 2 || ch.TargetInfo[0].ID != 2 || ntlmString(ch.TargetInfo[0].Value, true) != "Domain" ||
		ch.TargetInfo[1].ID != 1 || ntlmString(ch.TargetInfo[1].Value, true) != "Server" {
		t.Errorf("challenge target info = %+v", ch.TargetInfo)
	}
	if f := ntlmFlagString(ch.Flags); !strings.Contains(f, "NEGOTIATE_KEY_EXCH") || !strings.Contains(f, "NEGOTIATE_TARGET_INFO") || !strings.HasPrefix(f, "0xe28a8233 NEGOTIATE_UNICODE | NEGOTIATE_OEM") {
		t.Errorf("flag string = %q", f)
	}

	// The spec's AUTHENTICATE_MESSAGE, through the trace decoder: its
	// responses are the values computed above.
	am, err := ntlmParseAuthenticate(ntlmTestHex(t, ntlmSpecAuthHex))
	if err != nil {
		t.Fatalf("parse spec AUTHENTICATE_MESSAGE: %v", err)
	}
	if am.Domain != "Domain" || am.User != "User" || am.Workstation != "COMPUTER" || am.SessionKeyLen != 16 {
		t.Errorf("authenticate = %+v", am)
	}
	if !bytes.Equal(am.LmResponse, lmv2) || !bytes.Equal(am.NtResponse, append(append([]byte(nil), proof...), temp...)) {
		t.Errorf("responses differ from the computed LMv2 / NTProofStr‖temp")
	}
	gotProof, blob, err := ntlmParseV2Response(am.NtResponse)
	if err != nil || !bytes.Equal(gotProof, proof) || !bytes.Equal(blob.ClientChallenge, clientChallenge) || blob.Timestamp.Year() != 1601 || len(blob.AVPairs) != 2 {
		t.Errorf("NTLMv2 response: proof %x blob %+v err %v", gotProof, blob, err)
	}
}

// TestNTLMLibraryMatchesSpec feeds the spec's CHALLENGE_MESSAGE to
// go-ntlmssp and checks its AUTHENTICATE_MESSAGE with the test-only NTLMv2:
// the library picks its own client challenge and time, so the NTProofStr is
// recomputed from the blob it sent.
func TestNTLMLibraryMatchesSpec(t *testing.T) {
	ch := ntlmTestHex(t, ntlmSpecChallengeHex)
	// go-ntlmssp does not support key exchange, which the spec's server
	// asks for; it must say so rather than build a wrong message.
	if _, err := ntlmssp.NewAuthenticateMessage(ch, `Domain\User`, "Password", nil); err == nil || !strings.Contains(err.Error(), "KEY_EXCH") {
		t.Fatalf("library with KEY_EXCH: err = %v, want a key-exchange refusal", err)
	}
	binary.LittleEndian.PutUint32(ch[20:], binary.LittleEndian.Uint32(ch[20:])&^(1<<30))
	msg, err := ntlmssp.NewAuthenticateMessage(ch, `Domain\User`, "Password", &ntlmssp.AuthenticateMessageOptions{WorkstationName: "COMPUTER"})
	if err != nil {
		t.Fatal(err)
	}
	am, err := ntlmParseAuthenticate(msg)
	if err != nil {
		t.Fatal(err)
	}
	if am.Domain != "Domain" || am.User != "User" || am.Workstation != "COMPUTER" {
		t.Errorf("names = %q %q %q", am.Domain, am.User, am.Workstation)
	}
	proof, blob, err := ntlmParseV2Response(am.NtResponse)
	if err != nil {
		t.Fatal(err)
	}
	serverChallenge := ntlmTestHex(t, "0123456789abcdef")
	want := ntlmTestHMAC(ntlmTestNTOWFv2("Password", "User", "Domain"), serverChallenge, am.NtResponse[16:])
	if !bytes.Equal(proof, want) {
		t.Errorf("library NTProofStr %x, independent %x", proof, want)
	}
	if wrong := ntlmTestHMAC(ntlmTestNTOWFv2("password", "User", "Domain"), serverChallenge, am.NtResponse[16:]); bytes.Equal(proof, wrong) {
		t.Error("the check cannot tell passwords apart")
	}
	// The blob carries the server's target information unchanged.
	if len(blob.AVPairs) != 2 || ntlmString(blob.AVPairs[1].Value, true) != "Server" {
		t.Errorf("blob AV pairs = %+v", blob.AVPairs)
	}
	if time.Since(blob.Timestamp) > time.Minute || time.Since(blob.Timestamp) < -time.Minute {
		t.Errorf("blob timestamp %v is not now", blob.Timestamp)
	}
	// The NEGOTIATE message: 40 bytes with the Version field (gss-ntlmssp
	// refuses shorter ones).
	t1, _ := ntlmssp.NewNegotiateMessage("", "")
	if len(t1) != 40 || ntlmVersion(t1[32:40]) != "6.1 build 7601, NTLM revision 15" {
		t.Errorf("NEGOTIATE message is %d bytes: %x", len(t1), t1)
	}
}

// --- an in-process, connection-bound NTLM server with a test-only verifier ---

// ntlmTestVerifier plays the server side of NTLMv2 for one account.
type ntlmTestVerifier struct {
	user, domain, password string
}

// ntlmTestConnState is the NTLM state of one TCP connection.
type ntlmTestConnState struct {
	id        int
	challenge []byte
	authed    bool
	who       string
}

const ntlmTestServerFlags = 0x1 | 0x4 | 0x200 | 0x8000 | 0x20000 | 0x80000 | 0x800000 | 0x2000000 | 0x20000000 | 0x80000000

// ntlmTestChallengeMessage builds a CHALLENGE_MESSAGE with target
// information and a timestamp, as Windows and gss-ntlmssp send.
func ntlmTestChallengeMessage(flags uint32, serverChallenge []byte, target string) []byte {
	ts := make([]byte, 8)
	binary.LittleEndian.PutUint64(ts, uint64(time.Now().UnixNano()/100)+116444736000000000)
	var info []byte
	info = append(info, ntlmTestAV(2, ntlmTestUTF16(target))...)
	info = append(info, ntlmTestAV(1, ntlmTestUTF16("SERVER"))...)
	info = append(info, ntlmTestAV(7, ts)...)
	info = append(info, 0, 0, 0, 0)
	name := ntlmTestUTF16(target)
	const hdr = 56
	b := make([]byte, hdr, hdr+len(name)+len(info))
	copy(b, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(b[8:], 2)
	binary.LittleEndian.PutUint16(b[12:], uint16(len(name)))
	binary.LittleEndian.PutUint16(b[14:], uint16(len(name)))
	binary.LittleEndian.PutUint32(b[16:], hdr)
	binary.LittleEndian.PutUint32(b[20:], flags)
	copy(b[24:32], serverChallenge)
	binary.LittleEndian.PutUint16(b[40:], uint16(len(info)))
	binary.LittleEndian.PutUint16(b[42:], uint16(len(info)))
	binary.LittleEndian.PutUint32(b[44:], uint32(hdr+len(name)))
	copy(b[48:], []byte{10, 0, 0x61, 0x4a, 0, 0, 0, 15})
	b = append(b, name...)
	return append(b, info...)
}

// step answers one Authorization (or Proxy-Authorization) value on a
// connection. It returns the challenge to send, or ok when the connection
// is now authenticated.
func (v *ntlmTestVerifier) step(c *ntlmTestConnState, scheme, header string, flags uint32) (challenge string, ok bool, err error) {
	s, tok, _ := strings.Cut(header, " ")
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(raw) < 12 || !bytes.HasPrefix(raw, ntlmSignature) {
		return "", false, fmt.Errorf("not an NTLM message: %q", header)
	}
	switch binary.LittleEndian.Uint32(raw[8:]) {
	case 1:
		if len(raw) < 40 { // as gss-ntlmssp 1.2.0
			return "", false, fmt.Errorf("NEGOTIATE message of %d bytes", len(raw))
		}
		c.challenge = make([]byte, 8)
		_, _ = rand.Read(c.challenge)
		return s + " " + base64.StdEncoding.EncodeToString(ntlmTestChallengeMessage(flags, c.challenge, v.domain)), false, nil
	case 3:
		if c.challenge == nil {
			return "", false, errors.New("AUTHENTICATE without a CHALLENGE on this connection")
		}
		am, err := ntlmParseAuthenticate(raw)
		if err != nil {
			return "", false, err
		}
		if len(am.NtResponse) <= 24 {
			return "", false, errors.New("not an NTLMv2 response")
		}
		want := ntlmTestHMAC(ntlmTestNTOWFv2(v.password, am.User, am.Domain), c.challenge, am.NtResponse[16:])
		c.challenge = nil
		if !strings.EqualFold(am.User, v.user) || !strings.EqualFold(am.Domain, v.domain) || !hmac.Equal(want, am.NtResponse[:16]) {
			return "", false, fmt.Errorf("bad credentials for %s\\%s", am.Domain, am.User)
		}
		c.authed, c.who = true, am.Domain+`\`+am.User
		return "", true, nil
	}
	return "", false, errors.New("unexpected message type")
}

type ntlmTestReq struct {
	Method, Auth, Body string
	Conn               int
	Status             int
}

// ntlmTestServer is a connection-bound NTLM server (like Apache with
// GssapiConnectionBound On) that records every request.
type ntlmTestServer struct {
	*httptest.Server
	verifier ntlmTestVerifier
	offers   []string // WWW-Authenticate values of the first 401
	// closeAfterChallenge makes the server close the connection after the
	// CHALLENGE, which breaks the handshake.
	closeAfterChallenge bool
	// challengeOverride replaces the CHALLENGE header value.
	challengeOverride string

	mu    sync.Mutex
	reqs  []ntlmTestReq
	nconn int
}

type ntlmTestConnKey struct{}

func newNTLMTestServer(t *testing.T, offers ...string) *ntlmTestServer {
	t.Helper()
	if len(offers) == 0 {
		offers = []string{"Negotiate", "NTLM"}
	}
	s := &ntlmTestServer{verifier: ntlmTestVerifier{user: "alice", domain: "DOMAIN", password: "Passw0rd!"}, offers: offers}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		s.mu.Lock()
		s.nconn++
		id := s.nconn
		s.mu.Unlock()
		return context.WithValue(ctx, ntlmTestConnKey{}, &ntlmTestConnState{id: id})
	}
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (s *ntlmTestServer) serve(w http.ResponseWriter, r *http.Request) {
	c := r.Context().Value(ntlmTestConnKey{}).(*ntlmTestConnState)
	body, _ := io.ReadAll(r.Body)
	rec := ntlmTestReq{Method: r.Method, Auth: r.Header.Get("Authorization"), Body: string(body), Conn: c.id}
	status := s.answer(w, r, c)
	rec.Status = status
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	s.mu.Unlock()
}

func (s *ntlmTestServer) answer(w http.ResponseWriter, r *http.Request, c *ntlmTestConnState) int {
	deny := func() int {
		for _, o := range s.offers {
			w.Header().Add("WWW-Authenticate", o)
		}
		w.WriteHeader(http.StatusUnauthorized)
		return http.StatusUnauthorized
	}
	if c.authed {
		fmt.Fprintf(w, "hello %s", c.who)
		return http.StatusOK
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return deny()
	}
	scheme, _, _ := strings.Cut(h, " ")
	challenge, ok, err := s.verifier.step(c, scheme, h, ntlmTestServerFlags)
	switch {
	case err != nil:
		return deny()
	case ok:
		fmt.Fprintf(w, "hello %s", c.who)
		return http.StatusOK
	}
	if s.challengeOverride != "" {
		challenge = s.challengeOverride
	}
	w.Header().Set("WWW-Authenticate", challenge)
	if s.closeAfterChallenge {
		w.Header().Set("Connection", "close")
	}
	w.WriteHeader(http.StatusUnauthorized)
	return http.StatusUnauthorized
}

func (s *ntlmTestServer) requests() []ntlmTestReq {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ntlmTestReq(nil), s.reqs...)
}

// ntlmTestSend sends one request through scheme over client's transport and
// returns the response body.
func ntlmTestSend(t *testing.T, s Scheme, tr http.RoundTripper, method, url, body string) (*http.Response, string, *Trace, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	trace := &Trace{}
	req = req.WithContext(WithTrace(context.Background(), trace))
	resp, err := s.Wrap(tr).RoundTrip(req)
	if err != nil {
		return nil, "", trace, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if req.Header.Get("Authorization") != "" {
		t.Errorf("the caller's request was modified: Authorization %q", req.Header.Get("Authorization"))
	}
	return resp, string(b), trace, nil
}

func ntlmTestTraceText(t *testing.T, tr *Trace) string {
	t.Helper()
	b, err := json.Marshal(struct {
		S []Step
		W []string
	}{tr.Steps(), tr.Warnings()})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// ntlmTestSecretsAbsent checks that none of the secrets of an NTLM
// exchange appear in text: the password, and the NTProofStr and LMv2
// response of every AUTHENTICATE message in auths.
func ntlmTestSecretsAbsent(t *testing.T, text, password string, auths []string) {
	t.Helper()
	if strings.Contains(text, password) {
		t.Errorf("the password appears in %q", text)
	}
	for _, a := range auths {
		_, tok, _ := strings.Cut(a, " ")
		raw, err := base64.StdEncoding.DecodeString(tok)
		if err != nil || len(raw) < 12 || binary.LittleEndian.Uint32(raw[8:]) != 3 {
			continue
		}
		if strings.Contains(text, tok) {
			t.Errorf("the AUTHENTICATE message appears unmasked")
		}
		am, err := ntlmParseAuthenticate(raw)
		if err != nil {
			t.Fatal(err)
		}
		if p := hex.EncodeToString(am.NtResponse[:16]); strings.Contains(text, p) {
			t.Errorf("the NTProofStr %s appears", p)
		}
		if len(am.LmResponse) > 0 && strings.Contains(text, hex.EncodeToString(am.LmResponse)) {
			t.Errorf("the LM response appears")
		}
	}
}

func TestNTLMHandshakeOneConnectionWithBody(t *testing.T) {
	s := newNTLMTestServer(t)
	scheme, err := NewNTLM(`DOMAIN\alice`, "Passw0rd!", "", "KNOCKPC")
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, body, trace, err := ntlmTestSend(t, scheme, tr, "POST", s.URL+"/upload", "payload=1&x=2")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body != `hello DOMAIN\alice` {
		t.Fatalf("got %s %q", resp.Status, body)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("server saw %d requests, want 3: %+v", len(reqs), reqs)
	}
	if reqs[0].Auth != "" || !strings.HasPrefix(reqs[1].Auth, "NTLM TlRMTVNTUAAB") || !strings.HasPrefix(reqs[2].Auth, "NTLM TlRMTVNTUAAD") {
		t.Errorf("Authorization per leg: %q, %.20q, %.20q", reqs[0].Auth, reqs[1].Auth, reqs[2].Auth)
	}
	for i, r := range reqs {
		if r.Body != "payload=1&x=2" || r.Method != "POST" {
			t.Errorf("leg %d: %s with body %q, want the full body replayed", i, r.Method, r.Body)
		}
	}
	if reqs[1].Conn != reqs[2].Conn {
		t.Errorf("NEGOTIATE on connection %d, AUTHENTICATE on %d", reqs[1].Conn, reqs[2].Conn)
	}
	text := ntlmTestTraceText(t, trace)
	for _, want := range []string{"NEGOTIATE_MESSAGE", "CHALLENGE_MESSAGE", "server challenge", "MsvAvTimestamp", "AUTHENTICATE_MESSAGE", `{"name":"user","value":"alice"}`, `{"name":"workstation","value":"KNOCKPC"}`, "Both legs used one connection", "Authenticated"} {
		if !strings.Contains(text, want) {
			t.Errorf("trace lacks %q: %s", want, text)
		}
	}
	ntlmTestSecretsAbsent(t, text, "Passw0rd!", []string{reqs[2].Auth})

	// The connection stays authenticated: the next request passes at once.
	resp, _, _, err = ntlmTestSend(t, scheme, tr, "GET", s.URL+"/again", "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("second request: %v %v", resp, err)
	}
	if n := len(s.requests()); n != 4 {
		t.Errorf("second request took %d requests, want 1", n-3)
	}
}

func TestNTLMInsideNegotiate(t *testing.T) {
	s := newNTLMTestServer(t, "Negotiate")
	scheme, _ := NewNTLM("alice", "Passw0rd!", "DOMAIN", "")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, _, trace, err := ntlmTestSend(t, scheme, tr, "GET", s.URL, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v %v", resp, err)
	}
	reqs := s.requests()
	if len(reqs) != 3 || !strings.HasPrefix(reqs[1].Auth, "Negotiate TlRMTVNTUAAB") || !strings.HasPrefix(reqs[2].Auth, "Negotiate TlRMTVNTUAAD") {
		t.Errorf("requests: %+v", reqs)
	}
	if !strings.Contains(ntlmTestTraceText(t, trace), "inside Negotiate") {
		t.Error("trace does not say NTLM went inside Negotiate")
	}
}

func TestNTLMWrongPasswordNoLoop(t *testing.T) {
	s := newNTLMTestServer(t)
	scheme, _ := NewNTLM(`DOMAIN\alice`, "wrong-password", "", "")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, _, trace, err := ntlmTestSend(t, scheme, tr, "PUT", s.URL, "data")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 401 {
		t.Fatalf("status %s, want 401", resp.Status)
	}
	if n := len(s.requests()); n != 3 {
		t.Errorf("server saw %d requests, want 3 (one handshake, no retry)", n)
	}
	text := ntlmTestTraceText(t, trace)
	if !strings.Contains(text, "rejected the AUTHENTICATE message") {
		t.Errorf("trace: %s", text)
	}
	ntlmTestSecretsAbsent(t, text, "wrong-password", []string{s.requests()[2].Auth})
}

func TestNTLMUserPrincipalName(t *testing.T) {
	s := newNTLMTestServer(t)
	s.verifier.domain = ""
	s.verifier.user = "alice@example.com"
	scheme, _ := NewNTLM("alice@example.com", "Passw0rd!", "", "")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, _, _, err := ntlmTestSend(t, scheme, tr, "GET", s.URL, "")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %v %v", resp, err)
	}
}

func TestNTLMNotOfferedOrNotRequired(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		offer  string
	}{
		{"basic only", 401, `Basic realm="x"`},
		{"no auth needed", 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n++
				if r.Header.Get("Authorization") != "" {
					t.Errorf("credentials sent unasked: %q", r.Header.Get("Authorization"))
				}
				if tc.offer != "" {
					w.Header().Set("WWW-Authenticate", tc.offer)
				}
				w.WriteHeader(tc.status)
			}))
			defer srv.Close()
			scheme, _ := NewNTLM("alice", "pw", "", "")
			resp, _, _, err := ntlmTestSend(t, scheme, http.DefaultTransport, "GET", srv.URL, "")
			if err != nil || resp.StatusCode != tc.status || n != 1 {
				t.Errorf("got %v %v after %d requests", resp, err, n)
			}
		})
	}
}

func TestNTLMChallengeProblems(t *testing.T) {
	for _, tc := range []struct {
		name, challenge string
		wantErr         string // empty: a 401 is returned
	}{
		{"not base64", "NTLM !!!", "not base64"},
		{"kerberos token", "NTLM " + base64.StdEncoding.EncodeToString([]byte{0x60, 0x82, 1, 2, 3}), "not an NTLM message"},
		{"truncated", "NTLM " + base64.StdEncoding.EncodeToString([]byte("NTLMSSP\x00\x02\x00\x00\x00")), "shorter than its 32-byte fixed part"},
		{"target info past end", "NTLM " + base64.StdEncoding.EncodeToString(func() []byte {
			b := ntlmTestChallengeMessage(ntlmTestServerFlags, make([]byte, 8), "D")
			binary.LittleEndian.PutUint16(b[40:], 999)
			return b
		}()), "TargetInfo (999 bytes at offset 58) runs past the end"},
		{"key exchange", "NTLM " + base64.StdEncoding.EncodeToString(ntlmTestChallengeMessage(ntlmTestServerFlags|1<<30, make([]byte, 8), "D")), "KEY_EXCH"},
		{"no token", "NTLM", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newNTLMTestServer(t, "NTLM")
			s.challengeOverride = tc.challenge
			scheme, _ := NewNTLM(`DOMAIN\alice`, "Passw0rd!", "", "")
			tr := &http.Transport{}
			defer tr.CloseIdleConnections()
			resp, _, _, err := ntlmTestSend(t, scheme, tr, "GET", s.URL, "")
			if tc.wantErr == "" {
				if err != nil || resp.StatusCode != 401 {
					t.Fatalf("got %v %v, want the 401", resp, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "authlib: ntlm: ") {
				t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
			}
			if n := len(s.requests()); n != 2 {
				t.Errorf("server saw %d requests, want 2", n)
			}
		})
	}
}

func TestNTLMSplitConnectionWarns(t *testing.T) {
	s := newNTLMTestServer(t)
	s.closeAfterChallenge = true
	scheme, _ := NewNTLM(`DOMAIN\alice`, "Passw0rd!", "", "")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, _, trace, err := ntlmTestSend(t, scheme, tr, "GET", s.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 401 {
		t.Errorf("status %s, want 401: the AUTHENTICATE came on a new connection", resp.Status)
	}
	if w := strings.Join(trace.Warnings(), "\n"); !strings.Contains(w, "split across two") {
		t.Errorf("warnings = %q", w)
	}
}

func TestNTLMBodyWithoutGetBody(t *testing.T) {
	scheme, _ := NewNTLM("alice", "pw", "", "")
	req, _ := http.NewRequest("POST", "http://127.0.0.1:1/", io.NopCloser(strings.NewReader("x")))
	req.GetBody = nil
	called := false
	_, err := scheme.Wrap(RoundTripFunc(func(*http.Request) (*http.Response, error) { called = true; return nil, errors.New("no") })).RoundTrip(req)
	if err == nil || !strings.Contains(err.Error(), "GetBody") || called {
		t.Fatalf("err = %v, sent = %v", err, called)
	}
}

func TestNewNTLMParams(t *testing.T) {
	for _, tc := range []struct {
		user, domain         string
		wantUser, wantDomain string
		wantErr              string
	}{
		{`DOMAIN\alice`, "", "alice", "DOMAIN", ""},
		{`DOMAIN\alice`, "domain", "alice", "DOMAIN", ""},
		{"alice", "DOMAIN", "alice", "DOMAIN", ""},
		{"alice@example.com", "", "alice@example.com", "", ""},
		{`DOMAIN\alice`, "OTHER", "", "", `names domain "DOMAIN" but the domain parameter is "OTHER"`},
		{`DOMAIN\`, "", "", "", "user name is empty"},
		{`A\b\c`, "", "", "", `more than one '\'`},
		{"alice@example.com", "DOMAIN", "", "", "user principal name"},
	} {
		n, err := NewNTLM(tc.user, "pw", tc.domain, "")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("NewNTLM(%q, %q): err = %v, want %q", tc.user, tc.domain, err, tc.wantErr)
			}
			continue
		}
		if err != nil || n.user != tc.wantUser || n.domain != tc.wantDomain {
			t.Errorf("NewNTLM(%q, %q) = %+v, %v", tc.user, tc.domain, n, err)
		}
	}
	if _, err := New("ntlm", Params{"password": "x"}); err == nil || !strings.Contains(err.Error(), `"username" is required`) {
		t.Errorf("New without username: %v", err)
	}
	if s, err := New("ntlm", Params{"username": `D\u`, "password": "x", "workstation": "W"}); err != nil || s.(*NTLM).workstation != "W" {
		t.Errorf("New: %v %v", s, err)
	}
	if !IsSecretParam("ntlm", "password") || IsSecretParam("ntlm", "domain") {
		t.Error("only the password is secret")
	}
}

func TestNTLMSplitChallenges(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{[]string{"Negotiate", "NTLM"}, "Negotiate| NTLM|"},
		{[]string{`Digest realm="a, NTLM b", nonce="x", NTLM`}, `Digest|realm="a, NTLM b", nonce="x" NTLM|`},
		{[]string{"NTLM TlRMTVNTUAACAAAA=="}, "NTLM|TlRMTVNTUAACAAAA=="},
		{[]string{`Basic realm="x", Negotiate abc==`}, `Basic|realm="x" Negotiate|abc==`},
		{[]string{`, ,`}, ""},
	} {
		var parts []string
		for _, it := range ntlmSplitChallenges(tc.in) {
			parts = append(parts, it.Scheme+"|"+it.Rest)
		}
		if got := strings.Join(parts, " "); got != tc.want {
			t.Errorf("%q -> %q, want %q", tc.in, got, tc.want)
		}
	}
	if s, ok := ntlmPickScheme([]string{"Negotiate", "ntlm"}); !ok || s != "ntlm" {
		t.Errorf("pick = %q %v, want the NTLM offer", s, ok)
	}
	if _, ok := ntlmPickScheme([]string{`Basic realm="NTLM"`}); ok {
		t.Error("picked NTLM from inside a quoted string")
	}
}

func TestNTLMMessageErrors(t *testing.T) {
	good := ntlmTestChallengeMessage(ntlmTestServerFlags, make([]byte, 8), "DOMAIN")
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "missing the NTLMSSP signature at byte 0"},
		{"wrong type", append(append([]byte("NTLMSSP\x00"), 3, 0, 0, 0), make([]byte, 40)...), "message type is 3, want 2 at byte 8"},
		{"av pairs without EOL", func() []byte {
			b := append([]byte(nil), good...)
			return b[:len(b)-4]
		}(), "runs past the end"},
		{"av pair too long", func() []byte {
			b := append([]byte(nil), good...)
			binary.LittleEndian.PutUint16(b[56+12+2:], 500) // the first AV_PAIR's length
			return b
		}(), "AV_PAIR 2 of 500 bytes runs past the end"},
	} {
		if _, err := ntlmParseChallenge(tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := ntlmParseAuthenticate([]byte("NTLMSSP\x00\x03\x00\x00\x00")); err == nil || !strings.Contains(err.Error(), "64-byte fixed part") {
		t.Errorf("short AUTHENTICATE: %v", err)
	}
	if _, _, err := ntlmParseV2Response(make([]byte, 30)); err == nil || !strings.Contains(err.Error(), "too short for NTLMv2") {
		t.Errorf("short NTLMv2 response: %v", err)
	}
}

func FuzzNTLMParseChallenge(f *testing.F) {
	f.Add(ntlmTestChallengeMessage(ntlmTestServerFlags, make([]byte, 8), "DOMAIN"))
	spec, _ := hex.DecodeString(ntlmSpecChallengeHex)
	f.Add(spec)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ntlmParseChallenge(b)
		if err == nil {
			_ = c.fields()
		}
	})
}

func FuzzNTLMParseAuthenticate(f *testing.F) {
	spec, _ := hex.DecodeString(strings.Join(strings.Fields(ntlmSpecAuthHex), ""))
	f.Add(spec)
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ntlmParseAuthenticate(b)
		if err == nil {
			_ = a.fields()
		}
		_ = ntlmNegotiateFields(b)
	})
}

func FuzzNTLMSplitChallenges(f *testing.F) {
	f.Add(`Negotiate, NTLM TlRMTVNTUAACAAAA==, Digest realm="a\"b, c", nonce=x`)
	f.Fuzz(func(t *testing.T, s string) {
		items := ntlmSplitChallenges([]string{s})
		for _, it := range items {
			if it.Scheme == "" || strings.ContainsAny(it.Scheme, " ,=") {
				t.Fatalf("bad scheme %q from %q", it.Scheme, s)
			}
		}
		_, _, _ = ntlmChallengeToken([]string{s}, "NTLM")
	})
}
