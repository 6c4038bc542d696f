package engine

import (
	"crypto/tls"
	"net/http"
	"time"

	"github.com/knockhttp/knock/authlib"
)

// Response is everything Knock knows about one send.
type Response struct {
	Status      int
	StatusText  string // "200 OK"
	Proto       string // "HTTP/1.1", "HTTP/2.0"
	URL         string // the final URL, after redirects
	Method      string // the final method (a 303 turns POST into GET)
	Header      http.Header
	Cookies     []*http.Cookie // set by this response
	ContentType string
	Body        *Body // nil when the body went to Options.Sink

	HeaderSize int64 // the response header, as sent on the wire
	WireSize   int64 // the body as received, before decoding
	BodySize   int64 // the body after decoding gzip, deflate or br
	Encoding   string

	Timings   Timings // of the final round trip; Total is the whole send
	Redirects []Redirect
	Exchanges []Exchange // every round trip: auth challenges, retries, redirects
	TLS       *TLSInfo

	AuthSteps []authlib.Step
	Warnings  []string
	Started   time.Time
}

// Redirect is one hop of a redirect chain.
type Redirect struct {
	Status int
	From   string
	To     string
	Method string // the method used for To
	// CredentialsDropped is true when this hop left the origin, so auth,
	// cookies and Proxy-Authorization were not sent to To.
	CredentialsDropped bool
}

// Exchange is one request and response on the wire.
type Exchange struct {
	Method  string
	URL     string
	Status  int
	Timings Timings
	// Challenge is the WWW-Authenticate (or Proxy-Authenticate) header of a
	// 401 or 407, so the timeline can show the auth rounds.
	Challenge string
}

// TLSInfo describes the TLS connection of the final response.
type TLSInfo struct {
	Version     string
	CipherSuite string
	ALPN        string
	ServerName  string
	Subject     string
	Issuer      string
	NotBefore   time.Time
	NotAfter    time.Time
	DNSNames    []string
	Verified    bool // false when verification was turned off
}

func tlsInfo(s *tls.ConnectionState, verified bool) *TLSInfo {
	if s == nil {
		return nil
	}
	info := &TLSInfo{
		Version:     tls.VersionName(s.Version),
		CipherSuite: tls.CipherSuiteName(s.CipherSuite),
		ALPN:        s.NegotiatedProtocol,
		ServerName:  s.ServerName,
		Verified:    verified,
	}
	if len(s.PeerCertificates) > 0 {
		c := s.PeerCertificates[0]
		info.Subject = c.Subject.String()
		info.Issuer = c.Issuer.String()
		info.NotBefore = c.NotBefore
		info.NotAfter = c.NotAfter
		info.DNSNames = c.DNSNames
	}
	return info
}

// Close releases the body's temporary file, if any.
func (r *Response) Close() error {
	if r == nil {
		return nil
	}
	return r.Body.Close()
}
