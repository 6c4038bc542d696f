package authlib

// Kerberos through HTTP Negotiate: RFC 4559 (the HTTP binding), RFC 4178
// (SPNEGO), RFC 4121 (the Kerberos GSS-API mechanism) and RFC 4120
// (Kerberos). The Kerberos work is done by github.com/jcmturner/gokrb5/v8.
//
// Supported:
//   - Credentials from a password, a keytab, or an MIT credential cache
//     filled by kinit (FILE: caches only), in that order of preference; a
//     password and a keytab together are refused as ambiguous. The cache
//     defaults to $KRB5CCNAME, then default_ccache_name in krb5.conf, then
//     /tmp/krb5cc_<uid>.
//   - krb5.conf from the krb5conf parameter, else the first file of
//     $KRB5_CONFIG, else /etc/krb5.conf, parsed by gokrb5.
//   - The service principal HTTP/<host of the URL>, lowercased, as RFC 4559
//     §4.1 describes, or the spn parameter. The host name is not
//     canonicalized through DNS (MIT's dns_canonicalize_hostname): set spn
//     when the service is known under another name.
//   - The AS exchange (RFC 4120 §3.1) and the TGS exchange (§3.3) are
//     driven here with gokrb5's exported message functions, so that the
//     trace can show the ticket-granting ticket and the service ticket:
//     principal, realm, KDC, encryption types and lifetimes, never a key.
//     Both are kept and reused until they expire; a password or keytab
//     logs in again, a credential cache must be refreshed with kinit.
//   - Mutual authentication (RFC 4121 §4.1.1, RFC 4120 §3.2.5): the token
//     asks for it, and when the server's final answer carries an AP-REP its
//     encrypted time stamp is checked against the authenticator sent; a
//     mismatch is an error, since the answer may not come from the service.
//     A server that sends no AP-REP is noted in the trace.
//   - The exchange is one request without credentials, then one with the
//     Kerberos token. The body is replayed from [http.Request.GetBody].
//     A rejected token ends the exchange with the server's 401; it is never
//     retried in a loop.
//   - NTLM fallback: when the server offers NTLM (a "WWW-Authenticate: NTLM"
//     challenge, or an NTLM token inside Negotiate) and Kerberos fails or is
//     refused, and a user name and password are given, the handshake of the
//     ntlm method (ntlm.go) runs with the same user name ("DOMAIN\user").
//
// Not supported: cross-realm tickets other than through KDC referrals
// (RFC 6806), FAST armoring (disabled, as MIT KDCs without FAST expect),
// credential delegation, PKINIT, non-FILE credential caches (KEYRING:,
// KCM:, DIR:), writing tickets back to the cache, and Kerberos inside
// SPNEGO continuation rounds (accept-incomplete), which HTTP servers do not
// use for Kerberos.

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jcmturner/gokrb5/v8/client"
	"github.com/jcmturner/gokrb5/v8/config"
	"github.com/jcmturner/gokrb5/v8/credentials"
	"github.com/jcmturner/gokrb5/v8/crypto"
	"github.com/jcmturner/gokrb5/v8/gssapi"
	"github.com/jcmturner/gokrb5/v8/iana/flags"
	"github.com/jcmturner/gokrb5/v8/iana/keyusage"
	"github.com/jcmturner/gokrb5/v8/iana/nametype"
	"github.com/jcmturner/gokrb5/v8/keytab"
	"github.com/jcmturner/gokrb5/v8/messages"
	"github.com/jcmturner/gokrb5/v8/spnego"
	"github.com/jcmturner/gokrb5/v8/types"
)

func init() {
	register(Method{
		Type:  "negotiate",
		Title: "Kerberos (Negotiate)",
		Help:  "Kerberos through SPNEGO (RFC 4559) with a password, a keytab or a kinit credential cache; NTLM fallback",
		Params: []Param{
			{Name: "username", Help: `Kerberos user ("alice" or "alice@REALM"); "DOMAIN\alice" also names the NTLM fallback's domain`},
			{Name: "password", Help: "password (or use a keytab or a credential cache)", Secret: true},
			{Name: "realm", Help: "Kerberos realm; default: from user@REALM, else default_realm of krb5.conf"},
			{Name: "keytab", Help: "path of a keytab holding the user's keys"},
			{Name: "ccache", Help: "path of a credential cache filled by kinit; default $KRB5CCNAME"},
			{Name: "krb5conf", Help: "path of krb5.conf; default $KRB5_CONFIG, else /etc/krb5.conf"},
			{Name: "spn", Help: "service principal; default HTTP/<host of the URL>"},
		},
		New: func(p Params) (Scheme, error) {
			return NewNegotiate(NegotiateConfig{
				Username: p["username"], Password: p["password"], Realm: p["realm"],
				Keytab: p["keytab"], CCache: p["ccache"], Krb5Conf: p["krb5conf"], SPN: p["spn"],
			})
		},
	})
}

// NegotiateConfig holds the parameters of the negotiate method. Empty
// fields take the defaults described in the file comment.
type NegotiateConfig struct {
	Username string
	Password string
	Realm    string
	Keytab   string // path
	CCache   string // path, optionally prefixed "FILE:"
	Krb5Conf string // path
	SPN      string // e.g. "HTTP/www.example.com"
}

// Negotiate authenticates with Kerberos through SPNEGO. Use
// [NewNegotiate].
type Negotiate struct {
	user     string // Kerberos principal name, without the realm
	realm    string // from the realm parameter or user@REALM; may be empty
	password string
	keytab   string
	ccache   string // explicit or from $KRB5CCNAME; empty: ask krb5.conf
	confPath string
	confFrom string
	spn      string
	ntlm     *NTLM // the fallback; nil without a user name and password

	mu  sync.Mutex
	krb *negotiateKrb // loaded at the first challenge
}

// negotiateKrb is the Kerberos state: configuration, TGT and tickets.
type negotiateKrb struct {
	conf    *config.Config
	cl      *client.Client
	realm   string
	kdcs    string
	source  string // "password", "keytab <path>", "credential cache <path>"
	tgt     messages.Ticket
	tgtKey  types.EncryptionKey
	tgtEnd  time.Time
	tickets map[string]negotiateTicket
}

type negotiateTicket struct {
	tkt        messages.Ticket
	key        types.EncryptionKey
	start, end time.Time
}

// NewNegotiate returns the negotiate scheme. It reads no file yet: the
// configuration and credentials are loaded when a server first asks.
func NewNegotiate(c NegotiateConfig) (*Negotiate, error) {
	n := &Negotiate{password: c.Password, keytab: c.Keytab, spn: strings.TrimSpace(c.SPN)}
	user := strings.TrimSpace(c.Username)
	if _, u, ok := strings.Cut(user, `\`); ok {
		user = u
	}
	if u, r, ok := strings.Cut(user, "@"); ok {
		if strings.Contains(r, "@") || u == "" || r == "" {
			return nil, fmt.Errorf("authlib: negotiate: the user name %q is not of the form user@REALM", c.Username)
		}
		if c.Realm != "" && !strings.EqualFold(c.Realm, r) {
			return nil, fmt.Errorf("authlib: negotiate: the user name %q names realm %q but the realm parameter is %q", c.Username, r, c.Realm)
		}
		user, n.realm = u, r
	}
	if c.Realm != "" {
		n.realm = c.Realm
	}
	n.user = user
	switch {
	case c.Password != "" && c.Keytab != "":
		return nil, errors.New("authlib: negotiate: give a password or a keytab, not both")
	case (c.Password != "" || c.Keytab != "") && user == "":
		return nil, errors.New("authlib: negotiate: a password or keytab needs the user name")
	}
	if n.spn != "" && !strings.Contains(n.spn, "/") {
		return nil, fmt.Errorf("authlib: negotiate: the spn %q is not of the form service/host (e.g. HTTP/www.example.com)", n.spn)
	}
	n.confPath, n.confFrom = c.Krb5Conf, "krb5conf parameter"
	if n.confPath == "" {
		if env := os.Getenv("KRB5_CONFIG"); env != "" {
			n.confPath, n.confFrom = strings.Split(env, ":")[0], "$KRB5_CONFIG"
		} else {
			n.confPath, n.confFrom = "/etc/krb5.conf", "default"
		}
	}
	if c.Password == "" && c.Keytab == "" {
		n.ccache = c.CCache
		if n.ccache == "" {
			n.ccache = os.Getenv("KRB5CCNAME")
		}
	}
	if c.Username != "" && c.Password != "" {
		if nt, err := NewNTLM(c.Username, c.Password, "", ""); err == nil {
			n.ntlm = nt
		}
	}
	return n, nil
}

// Wrap implements [Scheme].
func (n *Negotiate) Wrap(next http.RoundTripper) http.RoundTripper {
	return RoundTripFunc(func(r *http.Request) (*http.Response, error) {
		return n.roundTrip(next, r)
	})
}

// negotiateOffer is what a 401 offers.
type negotiateOffer struct {
	negotiate     string // the scheme as spelled, "" when not offered
	ntlm          string // the "NTLM" scheme as spelled, "" when not offered
	ntlmInside    bool   // a Negotiate challenge carries an NTLM token
	negotiateData string // token sent with Negotiate, if any
}

func negotiateOffers(values []string) negotiateOffer {
	var o negotiateOffer
	for _, it := range ntlmSplitChallenges(values) {
		switch {
		case strings.EqualFold(it.Scheme, "Negotiate") && o.negotiate == "":
			o.negotiate, o.negotiateData = it.Scheme, it.Rest
			if b, err := ntlmDecodeBase64(it.Rest); err == nil && strings.HasPrefix(string(b), string(ntlmSignature)) {
				o.ntlmInside = true
			}
		case strings.EqualFold(it.Scheme, "NTLM") && o.ntlm == "":
			o.ntlm = it.Scheme
		}
	}
	return o
}

// ntlmScheme is the scheme name for an NTLM fallback, "" when the server
// offers no NTLM.
func (o negotiateOffer) ntlmScheme() string {
	switch {
	case o.ntlm != "":
		return o.ntlm
	case o.ntlmInside:
		return o.negotiate
	}
	return ""
}

func (n *Negotiate) roundTrip(next http.RoundTripper, r *http.Request) (*http.Response, error) {
	if err := ntlmCheckReplayable(r, "negotiate"); err != nil {
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
		tr.Add("negotiate", "No challenge: the server answered without asking for credentials", F("status", resp.Status))
		return resp, nil
	}
	values := resp.Header.Values("WWW-Authenticate")
	offer := negotiateOffers(values)
	tr.Add("negotiate", "The server asked for authentication (401)", F("WWW-Authenticate", ntlmJoinOffers(values)))
	if offer.negotiate == "" || offer.ntlmInside {
		if s := offer.ntlmScheme(); s != "" {
			return n.fallback(next, r, resp, s, "the server offers NTLM but not Kerberos")
		}
		tr.Add("negotiate", "The server did not offer Negotiate (RFC 4559)")
		return resp, nil
	}

	spn, spnFrom := n.spnFor(r.URL)
	tr.Add("negotiate", "Service principal (RFC 4559 §4.1)", F("SPN", spn), F("from", spnFrom))
	h, verify, err := n.kerberosHeader(tr, spn)
	if err != nil {
		if s := offer.ntlmScheme(); s != "" && n.ntlm != nil {
			tr.Warn("Kerberos failed, so NTLM was used: " + err.Error())
			return n.fallback(next, r, resp, s, "Kerberos failed")
		}
		ntlmDrain(resp)
		return nil, err
	}
	ntlmDrain(resp)
	req, err := ntlmLeg(r, nil, 0)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", h)
	tr.Add("negotiate", "SPNEGO NegTokenInit with a Kerberos AP-REQ (RFC 4178 §4.2.1, RFC 4121 §4.1)",
		F("mechanism", "Kerberos 5 (1.2.840.113554.1.2.2)"),
		F("flags", "mutual, integrity, confidentiality"),
		F("Authorization", MaskHeader(h)))
	resp, err = next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	answer := negotiateOffers(resp.Header.Values("WWW-Authenticate"))
	verr := n.traceServerToken(tr, answer.negotiateData, resp.StatusCode, verify)
	if resp.StatusCode != http.StatusUnauthorized {
		if verr != nil {
			ntlmDrain(resp)
			return nil, verr
		}
		tr.Add("negotiate", "Authenticated with Kerberos", F("status", resp.Status))
		return resp, nil
	}
	fb := answer.ntlmScheme()
	if fb == "" {
		fb = offer.ntlmScheme()
	}
	if fb != "" && n.ntlm != nil {
		return n.fallback(next, r, resp, fb, "the server refused the Kerberos token")
	}
	tr.Add("negotiate", "The server rejected the Kerberos token (401)",
		F("status", resp.Status),
		F("meaning", "the service could not accept the ticket (wrong SPN or service key, clock skew, or the user is not allowed); the exchange is not retried"))
	return resp, nil
}

// fallback drops the 401 and runs the NTLM handshake.
func (n *Negotiate) fallback(next http.RoundTripper, r *http.Request, resp *http.Response, scheme, why string) (*http.Response, error) {
	tr := TraceFrom(r.Context())
	if n.ntlm == nil {
		tr.Add("negotiate", "No NTLM fallback", F("reason", why), F("note", "NTLM needs the user name and password parameters"))
		return resp, nil
	}
	ntlmDrain(resp)
	tr.Add("negotiate", "Falling back to NTLM", F("reason", why), F("scheme", scheme))
	return n.ntlm.handshake(next, r, scheme)
}

// spnFor returns the service principal for u, and where it came from.
func (n *Negotiate) spnFor(u *url.URL) (string, string) {
	if n.spn != "" {
		return n.spn, "spn parameter"
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	return "HTTP/" + host, "HTTP/<host of the URL>, not canonicalized through DNS"
}

// negotiateVerify is what is needed to check the server's AP-REP.
type negotiateVerify struct {
	key   types.EncryptionKey
	ctime time.Time
	cusec int
}

// kerberosHeader returns the Authorization header value for spn.
func (n *Negotiate) kerberosHeader(tr *Trace, spn string) (string, *negotiateVerify, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	k, err := n.load(tr)
	if err != nil {
		return "", nil, err
	}
	t, err := n.serviceTicket(tr, k, spn)
	if err != nil {
		return "", nil, err
	}
	mt, err := spnego.NewKRB5TokenAPREQ(k.cl, t.tkt, t.key,
		[]int{gssapi.ContextFlagInteg, gssapi.ContextFlagConf, gssapi.ContextFlagMutual},
		[]int{flags.APOptionMutualRequired})
	if err != nil {
		return "", nil, fmt.Errorf("authlib: negotiate: building the AP-REQ for %s: %w", spn, err)
	}
	v := &negotiateVerify{key: t.key}
	if err := mt.APReq.DecryptAuthenticator(t.key); err == nil {
		v.ctime, v.cusec = mt.APReq.Authenticator.CTime, mt.APReq.Authenticator.Cusec
	}
	mtb, err := mt.Marshal()
	if err != nil {
		return "", nil, fmt.Errorf("authlib: negotiate: encoding the AP-REQ: %w", err)
	}
	init, err := spnego.NewNegTokenInitKRB5(k.cl, t.tkt, t.key)
	if err != nil {
		return "", nil, fmt.Errorf("authlib: negotiate: building the SPNEGO token: %w", err)
	}
	init.MechTokenBytes = mtb // the AP-REQ that asks for mutual authentication
	tok := spnego.SPNEGOToken{Init: true, NegTokenInit: init}
	b, err := tok.Marshal()
	if err != nil {
		return "", nil, fmt.Errorf("authlib: negotiate: encoding the SPNEGO token: %w", err)
	}
	return "Negotiate " + base64.StdEncoding.EncodeToString(b), v, nil
}

// load reads krb5.conf and the credentials, and logs in when needed.
func (n *Negotiate) load(tr *Trace) (*negotiateKrb, error) {
	if n.krb != nil {
		return n.krb, nil
	}
	conf, err := config.Load(n.confPath)
	var unsupported config.UnsupportedDirective
	if errors.As(err, &unsupported) {
		tr.Add("negotiate", "krb5.conf has directives gokrb5 ignores", F("detail", err.Error()))
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("authlib: negotiate: reading krb5.conf (%s, from the %s): %v", n.confPath, n.confFrom, err)
	}
	k := &negotiateKrb{conf: conf, tickets: map[string]negotiateTicket{}}
	kopts := client.DisablePAFXFAST(true)
	switch {
	case n.password != "":
		k.realm = n.realmOr(conf)
		k.cl = client.NewWithPassword(n.user, k.realm, n.password, conf, kopts)
		k.source = "password"
	case n.keytab != "":
		kt, err := keytab.Load(n.keytab)
		if err != nil {
			return nil, fmt.Errorf("authlib: negotiate: reading the keytab %s: %v", n.keytab, err)
		}
		k.realm = n.realmOr(conf)
		k.cl = client.NewWithKeytab(n.user, k.realm, kt, conf, kopts)
		k.source = "keytab " + n.keytab
	default:
		if err := n.loadCCache(tr, k, kopts); err != nil {
			return nil, err
		}
	}
	if k.realm == "" {
		return nil, errors.New("authlib: negotiate: no Kerberos realm: set the realm parameter, write the user as user@REALM, or set default_realm in krb5.conf")
	}
	_, kdcs, err := conf.GetKDCs(k.realm, true)
	if err != nil || len(kdcs) == 0 {
		return nil, fmt.Errorf("authlib: negotiate: no KDC for realm %s in %s (add it under [realms], or enable dns_lookup_kdc): %v", k.realm, n.confPath, err)
	}
	var list []string
	for i := 1; i <= len(kdcs); i++ {
		list = append(list, kdcs[i])
	}
	k.kdcs = strings.Join(list, ", ")
	tr.Add("negotiate", "Kerberos configuration",
		F("krb5.conf", n.confPath+" (from the "+n.confFrom+")"),
		F("realm", k.realm), F("KDC", k.kdcs), F("credentials", k.source))
	if k.tgtEnd.IsZero() {
		if err := n.login(tr, k); err != nil {
			return nil, err
		}
	}
	n.krb = k
	return k, nil
}

func (n *Negotiate) realmOr(conf *config.Config) string {
	if n.realm != "" {
		return n.realm
	}
	return conf.LibDefaults.DefaultRealm
}

// loadCCache reads the TGT and service tickets of a credential cache.
func (n *Negotiate) loadCCache(tr *Trace, k *negotiateKrb, kopts func(*client.Settings)) error {
	path, from := n.ccache, "ccache parameter or $KRB5CCNAME"
	if path == "" {
		path, from = negotiateDefaultCCache(n.confPath), "krb5.conf default_ccache_name or /tmp/krb5cc_<uid>"
	}
	if i := strings.Index(path, ":"); i > 0 && !strings.HasPrefix(path, "/") {
		typ := strings.ToUpper(path[:i])
		if typ != "FILE" {
			return fmt.Errorf("authlib: negotiate: credential cache %q: only FILE: caches can be read (%s: is not supported); run kinit with KRB5CCNAME=FILE:/some/path", path, typ)
		}
		path = path[i+1:]
	}
	if path == "" {
		return errors.New("authlib: negotiate: no password, keytab or credential cache: give one of them")
	}
	cc, err := credentials.LoadCCache(path)
	if err != nil {
		return fmt.Errorf("authlib: negotiate: no password or keytab given, and the credential cache %s (from the %s) cannot be read: %v; run kinit first", path, from, err)
	}
	princ := cc.DefaultPrincipal.PrincipalName.PrincipalNameString()
	realm := cc.DefaultPrincipal.Realm
	if n.user != "" && (n.user != princ || (n.realm != "" && !strings.EqualFold(n.realm, realm))) {
		return fmt.Errorf("authlib: negotiate: the credential cache %s holds tickets for %s@%s, not for %s", path, princ, realm, n.user)
	}
	k.realm, k.source = realm, "credential cache "+path
	cl, err := client.NewFromCCache(cc, k.conf, kopts)
	if cl == nil {
		return fmt.Errorf("authlib: negotiate: credential cache %s: %v", path, err)
	}
	k.cl = cl
	now := time.Now()
	for _, c := range cc.GetEntries() {
		var tkt messages.Ticket
		if tkt.Unmarshal(c.Ticket) != nil || !now.Before(c.EndTime) {
			continue
		}
		name := c.Server.PrincipalName.PrincipalNameString()
		if name == "krbtgt/"+realm {
			k.tgt, k.tgtKey, k.tgtEnd = tkt, c.Key, c.EndTime
			continue
		}
		k.tickets[name] = negotiateTicket{tkt: tkt, key: c.Key, start: c.StartTime, end: c.EndTime}
	}
	if k.tgtEnd.IsZero() && len(k.tickets) == 0 {
		return fmt.Errorf("authlib: negotiate: the credential cache %s holds no valid ticket for %s@%s (expired?); run kinit again", path, princ, realm)
	}
	fields := []Field{F("cache", path), F("principal", princ+"@"+realm)}
	if !k.tgtEnd.IsZero() {
		fields = append(fields, F("TGT valid until", k.tgtEnd.Local().Format(time.RFC3339)))
	}
	tr.Add("negotiate", "Read the credential cache", fields...)
	k.tgtEnd = negotiateNonZero(k.tgtEnd)
	return nil
}

// negotiateNonZero keeps an absent TGT distinguishable from "not loaded
// yet": a cache without a TGT must not trigger a login.
func negotiateNonZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Unix(1, 0)
	}
	return t
}

// negotiateDefaultCCache returns default_ccache_name from krb5.conf's
// [libdefaults], with %{uid} expanded, or MIT's /tmp/krb5cc_<uid>.
func negotiateDefaultCCache(confPath string) string {
	uid := strconv.Itoa(os.Getuid())
	if b, err := os.ReadFile(confPath); err == nil {
		section := ""
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "[") {
				section = line
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			if ok && section == "[libdefaults]" && strings.TrimSpace(k) == "default_ccache_name" {
				v = strings.TrimSpace(v)
				v = strings.NewReplacer("%{uid}", uid, "%{euid}", strconv.Itoa(os.Geteuid()), "%{USERID}", uid, "%{TEMP}", os.TempDir()).Replace(v)
				return v
			}
		}
	}
	return filepath.Join("/tmp", "krb5cc_"+uid)
}

// login runs the AS exchange for a password or keytab (RFC 4120 §3.1).
func (n *Negotiate) login(tr *Trace, k *negotiateKrb) error {
	if n.password == "" && n.keytab == "" {
		return fmt.Errorf("authlib: negotiate: the ticket-granting ticket from the %s has expired; run kinit again", k.source)
	}
	principal := n.user + "@" + k.realm
	asReq, err := messages.NewASReqForTGT(k.realm, k.conf, k.cl.Credentials.CName())
	if err != nil {
		return fmt.Errorf("authlib: negotiate: building the AS-REQ for %s: %v", principal, err)
	}
	asRep, err := k.cl.ASExchange(k.realm, asReq, 0)
	if err != nil {
		return negotiateLoginError(err, principal, k)
	}
	dep := asRep.DecryptedEncPart
	k.tgt, k.tgtKey, k.tgtEnd = asRep.Ticket, dep.Key, dep.EndTime
	fields := []Field{F("principal", principal), F("KDC", k.kdcs)}
	if n.password != "" {
		fields = append(fields, S("password", n.password))
	} else {
		fields = append(fields, F("keytab", n.keytab))
	}
	fields = append(fields,
		F("TGT", asRep.Ticket.SName.PrincipalNameString()+"@"+asRep.Ticket.Realm),
		F("TGT encryption", negotiateEtype(asRep.Ticket.EncPart.EType)),
		F("session key type", negotiateEtype(dep.Key.KeyType)),
		F("valid until", dep.EndTime.Local().Format(time.RFC3339)))
	tr.Add("negotiate", "Logged in: AS exchange (RFC 4120 §3.1)", fields...)
	return nil
}

// negotiateLoginError turns gokrb5's AS exchange errors into a sentence.
func negotiateLoginError(err error, principal string, k *negotiateKrb) error {
	msg := err.Error()
	var why string
	switch {
	case strings.Contains(msg, "integrity verification failed") || strings.Contains(msg, "KDC_ERR_PREAUTH_FAILED"):
		if strings.HasPrefix(k.source, "keytab") {
			why = "the keytab's key does not match the KDC's (wrong key version or encryption type?)"
		} else {
			why = "wrong password (the KDC's answer could not be decrypted with the key derived from it)"
		}
	case strings.Contains(msg, "KDC_ERR_C_PRINCIPAL_UNKNOWN"):
		why = "the KDC does not know this user"
	case strings.Contains(msg, "KDC_ERR_CLIENT_REVOKED"):
		why = "the account is locked or disabled"
	case strings.Contains(msg, "KDC_ERR_KEY_EXPIRED"):
		why = "the password has expired"
	case strings.Contains(msg, "KDC_ERR_ETYPE_NOSUPP"):
		why = "the KDC and the credentials share no encryption type"
	case strings.Contains(msg, "Matching key not found in keytab"):
		why = "the keytab has no key for this user and encryption type"
	case strings.Contains(msg, "communicat") || strings.Contains(msg, "connection refused") || strings.Contains(msg, "i/o timeout"):
		why = "the KDC (" + k.kdcs + ") cannot be reached"
	default:
		why = "the KDC refused the login"
	}
	return fmt.Errorf("authlib: negotiate: Kerberos login as %s failed: %s: %v", principal, why, err)
}

// serviceTicket returns a ticket for spn from the cache or the TGS
// exchange (RFC 4120 §3.3).
func (n *Negotiate) serviceTicket(tr *Trace, k *negotiateKrb, spn string) (negotiateTicket, error) {
	now := time.Now()
	if t, ok := k.tickets[spn]; ok && now.Add(30*time.Second).Before(t.end) {
		tr.Add("negotiate", "Service ticket (reused)",
			F("SPN", spn+"@"+k.realm), F("session key type", negotiateEtype(t.key.KeyType)),
			F("ticket encryption", negotiateEtype(t.tkt.EncPart.EType)),
			F("valid until", t.end.Local().Format(time.RFC3339)))
		return t, nil
	}
	if !now.Add(30 * time.Second).Before(k.tgtEnd) {
		if err := n.login(tr, k); err != nil {
			return negotiateTicket{}, err
		}
	}
	princ := types.NewPrincipalName(nametype.KRB_NT_SRV_HST, spn)
	if host := princ.NameString[len(princ.NameString)-1]; k.conf.ResolveRealm(host) != "" && !strings.EqualFold(k.conf.ResolveRealm(host), k.realm) {
		tr.Add("negotiate", "The host maps to another realm",
			F("host realm", k.conf.ResolveRealm(host)), F("note", "the ticket is asked of the user's realm "+k.realm+"; cross-realm works only through KDC referrals"))
	}
	_, rep, err := k.cl.TGSREQGenerateAndExchange(princ, k.realm, k.tgt, k.tgtKey, false)
	if err != nil {
		msg := err.Error()
		switch {
		case strings.Contains(msg, "KDC_ERR_S_PRINCIPAL_UNKNOWN"):
			return negotiateTicket{}, fmt.Errorf("authlib: negotiate: the KDC does not know the service principal %s@%s; set the spn parameter to the name the service is registered under: %v", spn, k.realm, err)
		case strings.Contains(msg, "KRB_AP_ERR_TKT_EXPIRED"):
			return negotiateTicket{}, fmt.Errorf("authlib: negotiate: the ticket-granting ticket has expired; log in again (kinit): %v", err)
		}
		return negotiateTicket{}, fmt.Errorf("authlib: negotiate: getting a service ticket for %s@%s: %v", spn, k.realm, err)
	}
	dep := rep.DecryptedEncPart
	if dep.StartTime.IsZero() { // optional; absent means from the authentication time (RFC 4120 §5.4.2)
		dep.StartTime = dep.AuthTime
	}
	t := negotiateTicket{tkt: rep.Ticket, key: dep.Key, start: dep.StartTime, end: dep.EndTime}
	k.tickets[spn] = t
	tr.Add("negotiate", "Service ticket: TGS exchange (RFC 4120 §3.3)",
		F("SPN", rep.Ticket.SName.PrincipalNameString()+"@"+rep.Ticket.Realm),
		F("KDC", k.kdcs),
		F("ticket encryption", negotiateEtype(rep.Ticket.EncPart.EType)),
		F("session key type", negotiateEtype(dep.Key.KeyType)),
		F("valid from", dep.StartTime.Local().Format(time.RFC3339)),
		F("valid until", dep.EndTime.Local().Format(time.RFC3339)))
	return t, nil
}

// negotiateEtype names an encryption type (RFC 3961, RFC 8009).
func negotiateEtype(id int32) string {
	names := map[int32]string{
		1: "des-cbc-crc", 3: "des-cbc-md5", 16: "des3-cbc-sha1",
		17: "aes128-cts-hmac-sha1-96", 18: "aes256-cts-hmac-sha1-96",
		19: "aes128-cts-hmac-sha256-128", 20: "aes256-cts-hmac-sha384-192",
		23: "rc4-hmac", 24: "rc4-hmac-exp",
	}
	if s, ok := names[id]; ok {
		return s + " (" + strconv.Itoa(int(id)) + ")"
	}
	return "enctype " + strconv.Itoa(int(id))
}

var negotiateNegStates = map[spnego.NegState]string{
	spnego.NegStateAcceptCompleted:  "accept-completed",
	spnego.NegStateAcceptIncomplete: "accept-incomplete",
	spnego.NegStateReject:           "reject",
	spnego.NegStateRequestMIC:       "request-mic",
}

// negotiateServerToken is the decoded Negotiate token of a server answer.
type negotiateServerToken struct {
	NegState string
	Mech     string
	Kind     string // "AP-REP", "KRB-ERROR", "none", "unknown"
	KRBError string
	APRep    *messages.APRep
}

// negotiateDecodeServerToken decodes a NegTokenResp (RFC 4178 §4.2.2).
// gokrb5's ASN.1 decoding runs on input from the network; a panic in it
// becomes an error.
func negotiateDecodeServerToken(data string) (st *negotiateServerToken, err error) {
	defer func() {
		if p := recover(); p != nil {
			st, err = nil, fmt.Errorf("malformed SPNEGO token (decoder panic: %v)", p)
		}
	}()
	b, err := ntlmDecodeBase64(data)
	if err != nil {
		return nil, fmt.Errorf("the Negotiate token is not base64: %w", err)
	}
	var tok spnego.SPNEGOToken
	if err := tok.Unmarshal(b); err != nil {
		// Some servers answer with a bare Kerberos token (RFC 4121 §4.1)
		// instead of a NegTokenResp.
		var mt spnego.KRB5Token
		if mt.Unmarshal(b) != nil {
			return nil, fmt.Errorf("the Negotiate token is neither SPNEGO nor Kerberos: %v", err)
		}
		tok.Resp = true
		tok.NegTokenResp.ResponseToken = b
		tok.NegTokenResp.SupportedMech = gssapi.OIDKRB5.OID()
	}
	if !tok.Resp {
		return nil, errors.New("the server sent a NegTokenInit, not a NegTokenResp")
	}
	resp := tok.NegTokenResp
	st = &negotiateServerToken{NegState: negotiateNegStates[resp.State()], Kind: "none"}
	if st.NegState == "" {
		st.NegState = "negState " + strconv.Itoa(int(resp.State()))
	}
	switch {
	case len(resp.SupportedMech) == 0:
	case resp.SupportedMech.Equal(gssapi.OIDKRB5.OID()):
		st.Mech = "Kerberos 5"
	case resp.SupportedMech.Equal(gssapi.OIDMSLegacyKRB5.OID()):
		st.Mech = "Kerberos 5 (Microsoft legacy OID)"
	default:
		st.Mech = resp.SupportedMech.String()
	}
	if len(resp.ResponseToken) > 0 {
		var mt spnego.KRB5Token
		switch {
		case mt.Unmarshal(resp.ResponseToken) != nil:
			st.Kind = "unknown"
		case mt.IsAPRep():
			st.Kind, st.APRep = "AP-REP", &mt.APRep
		case mt.IsKRBError():
			st.Kind, st.KRBError = "KRB-ERROR", mt.KRBError.Error()
		default:
			st.Kind = "unknown"
		}
	}
	return st, nil
}

// traceServerToken records the server's Negotiate answer and checks its
// AP-REP against the authenticator sent (RFC 4120 §3.2.5). The error is
// for a forged or mismatched AP-REP on a success.
func (n *Negotiate) traceServerToken(tr *Trace, data string, status int, v *negotiateVerify) error {
	if data == "" {
		if status < 400 {
			tr.Add("negotiate", "The server sent no Negotiate token", F("mutual authentication", "not performed: the server did not prove its identity"))
		}
		return nil
	}
	st, err := negotiateDecodeServerToken(data)
	if err != nil {
		tr.Add("negotiate", "The server's Negotiate token could not be decoded", F("error", err.Error()))
		if status < 400 {
			return fmt.Errorf("authlib: negotiate: the server's mutual-authentication token: %w", err)
		}
		return nil
	}
	fields := []Field{F("negState", st.NegState), F("mechanism", st.Mech), F("response token", st.Kind)}
	if st.KRBError != "" {
		fields = append(fields, F("Kerberos error", st.KRBError))
	}
	var verr error
	if st.APRep != nil && v != nil {
		if err := negotiateCheckAPRep(st.APRep, v); err != nil {
			fields = append(fields, F("mutual authentication", "FAILED: "+err.Error()))
			verr = fmt.Errorf("authlib: negotiate: mutual authentication failed, the answer may not come from the real service: %w", err)
		} else {
			fields = append(fields, F("mutual authentication", "verified: the AP-REP echoes the authenticator's time, so the server holds the service key"))
		}
	} else if status < 400 {
		fields = append(fields, F("mutual authentication", "not performed: no AP-REP"))
	}
	tr.Add("negotiate", "The server's SPNEGO answer (RFC 4178 §4.2.2)", fields...)
	return verr
}

// negotiateCheckAPRep decrypts the AP-REP with the ticket's session key and
// compares its ctime/cusec with the authenticator's.
func negotiateCheckAPRep(rep *messages.APRep, v *negotiateVerify) error {
	b, err := crypto.DecryptEncPart(rep.EncPart, v.key, keyusage.AP_REP_ENCPART)
	if err != nil {
		return fmt.Errorf("decrypting the AP-REP: %v", err)
	}
	var part messages.EncAPRepPart
	if err := part.Unmarshal(b); err != nil {
		return fmt.Errorf("decoding the AP-REP: %v", err)
	}
	if v.ctime.IsZero() || !part.CTime.Equal(v.ctime) || part.Cusec != v.cusec {
		return fmt.Errorf("the AP-REP time %v.%06d does not match the authenticator's %v.%06d", part.CTime, part.Cusec, v.ctime, v.cusec)
	}
	return nil
}
