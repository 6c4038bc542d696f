package engine

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// ErrorKind classifies a failed send, so the window can say what went
// wrong in plain words and the CLI can pick its message.
type ErrorKind string

// The kinds of failure.
const (
	KindURL       ErrorKind = "url"
	KindVariable  ErrorKind = "variable"
	KindRequest   ErrorKind = "request"  // the request could not be built (body file, header, …)
	KindDNS       ErrorKind = "dns"      // the host name could not be resolved
	KindConnect   ErrorKind = "connect"  // refused, unreachable, reset
	KindTLS       ErrorKind = "tls"      // handshake or certificate
	KindTimeout   ErrorKind = "timeout"  // connect or total timeout
	KindCanceled  ErrorKind = "canceled" // the user cancelled
	KindRedirect  ErrorKind = "redirect" // too many redirects, a loop
	KindAuth      ErrorKind = "auth"     // the auth scheme failed before a response
	KindBody      ErrorKind = "body"     // reading or decoding the response body
	KindProxy     ErrorKind = "proxy"
	KindTransport ErrorKind = "transport" // anything else on the wire
)

// Error is a failed send. Msg is a complete sentence for the user; Err is
// the underlying error.
type Error struct {
	Kind ErrorKind
	Msg  string
	Err  error
}

func (e *Error) Error() string { return e.Msg }

func (e *Error) Unwrap() error { return e.Err }

// connectTimeoutError marks a dial that hit the connect timeout.
type connectTimeoutError struct {
	addr  string
	after time.Duration
	err   error
}

func (e *connectTimeoutError) Error() string {
	return fmt.Sprintf("could not connect to %s within %s (connect timeout)", e.addr, e.after)
}

func (e *connectTimeoutError) Unwrap() error { return e.err }

func (e *connectTimeoutError) Timeout() bool { return true }

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// classify turns an error of the send into an *Error with a message the
// user can act on. host is the request's host; total is the total timeout.
func classify(err error, host string, total time.Duration, ctx context.Context) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var ue *URLError
	if errors.As(err, &ue) {
		return &Error{Kind: KindURL, Msg: ue.Error(), Err: err}
	}
	var ve *UnresolvedError
	if errors.As(err, &ve) {
		return &Error{Kind: KindVariable, Msg: ve.Error(), Err: err}
	}
	var cte *connectTimeoutError
	if errors.As(err, &cte) {
		return &Error{Kind: KindTimeout, Msg: cte.Error(), Err: err}
	}
	// ctx is the send's context: once it is done, whatever error the
	// transport returned (a cause, "request canceled", a closed body) is
	// the consequence, so the context decides the kind.
	if errors.Is(err, errTotalTimeout) || errors.Is(context.Cause(ctx), errTotalTimeout) {
		return &Error{Kind: KindTimeout, Msg: fmt.Sprintf("no complete response from %s within %s (total timeout)", host, total), Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled) {
		return &Error{Kind: KindCanceled, Msg: "the request was cancelled", Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &Error{Kind: KindTimeout, Msg: fmt.Sprintf("no complete response from %s before the caller's deadline", host), Err: err}
	}
	if e := classifyProxy(err); e != nil {
		return e
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		msg := fmt.Sprintf("could not resolve host %q", dnsErr.Name)
		if dnsErr.IsNotFound {
			msg += ": no such host; check the spelling"
		} else if dnsErr.IsTimeout {
			msg += ": the DNS server did not answer in time"
		}
		return &Error{Kind: KindDNS, Msg: msg, Err: err}
	}
	if tlsErr := classifyTLS(err, host); tlsErr != nil {
		return tlsErr
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &Error{Kind: KindConnect, Msg: fmt.Sprintf("connection refused by %s: nothing is listening on that port", host), Err: err}
	}
	if errors.Is(err, syscall.ECONNRESET) {
		return &Error{Kind: KindConnect, Msg: fmt.Sprintf("the connection to %s was reset by the server", host), Err: err}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{Kind: KindConnect, Msg: fmt.Sprintf("%s closed the connection without answering", host), Err: err}
	}
	if errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH) {
		return &Error{Kind: KindConnect, Msg: fmt.Sprintf("%s is unreachable from this machine", host), Err: err}
	}
	if isTimeout(err) || errors.Is(err, os.ErrDeadlineExceeded) {
		return &Error{Kind: KindTimeout, Msg: fmt.Sprintf("%s did not answer in time", host), Err: err}
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "net/http: ")
	return &Error{Kind: KindTransport, Msg: fmt.Sprintf("request to %s failed: %s", host, msg), Err: err}
}

var errTotalTimeout = errors.New("total timeout")

// classifyTLS words certificate failures, with the way to trust the
// server when it is self-signed or from an unknown authority.
func classifyTLS(err error, host string) *Error {
	var unknown x509.UnknownAuthorityError
	if errors.As(err, &unknown) {
		what := "signed by an unknown authority"
		if c := unknown.Cert; c != nil && isSelfSigned(c) {
			what = "self-signed"
		}
		subject := ""
		if c := unknown.Cert; c != nil {
			subject = fmt.Sprintf(" (subject %q, issuer %q)", c.Subject.String(), c.Issuer.String())
		}
		return &Error{Kind: KindTLS, Err: err, Msg: fmt.Sprintf(
			"the TLS certificate of %s is %s%s, so it cannot be verified. To trust it, add its CA certificate as a CA file (knock send --cacert FILE), or turn off TLS verification for this request (--insecure)",
			host, what, subject)}
	}
	var hostErr x509.HostnameError
	if errors.As(err, &hostErr) {
		msg := fmt.Sprintf("the TLS certificate of %s is not valid for that name", host)
		if c := hostErr.Certificate; c != nil {
			var names []string
			names = append(names, c.DNSNames...)
			for _, ip := range c.IPAddresses {
				names = append(names, ip.String())
			}
			if len(names) == 0 && c.Subject.CommonName != "" {
				names = append(names, "CN "+c.Subject.CommonName)
			}
			if len(names) > 0 {
				msg += "; it is for " + strings.Join(names, ", ")
			}
		}
		return &Error{Kind: KindTLS, Err: err, Msg: msg + " (" + hostErr.Error() + ")"}
	}
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) {
		msg := invalid.Error()
		if invalid.Reason == x509.Expired {
			msg = fmt.Sprintf("expired or not yet valid: %s", invalid.Detail)
		}
		return &Error{Kind: KindTLS, Err: err, Msg: fmt.Sprintf("the TLS certificate of %s is invalid: %s", host, msg)}
	}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return &Error{Kind: KindTLS, Err: err, Msg: fmt.Sprintf("the TLS certificate of %s could not be verified: %v", host, verr.Err)}
	}
	// A TLS alert from the server: over TCP, crypto/tls reports it as a
	// *net.OpError whose Op is "remote error" (tls.AlertError is only
	// used with QUIC).
	alert := ""
	var opErr *net.OpError
	var alertErr tls.AlertError
	if errors.As(err, &opErr) && opErr.Op == "remote error" && opErr.Err != nil {
		alert = strings.TrimPrefix(opErr.Err.Error(), "tls: ")
	} else if errors.As(err, &alertErr) {
		alert = strings.TrimPrefix(alertErr.Error(), "tls: ")
	}
	if alert != "" {
		msg := fmt.Sprintf("the TLS handshake with %s failed: the server sent the alert %q", host, alert)
		switch alert {
		case "certificate required":
			msg += "; the server wants a client certificate (--cert)"
		case "bad certificate", "unknown certificate authority", "certificate unknown", "unsupported certificate", "certificate expired", "certificate revoked":
			msg += "; the server did not accept the client certificate (--cert)"
		}
		return &Error{Kind: KindTLS, Err: err, Msg: msg}
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return &Error{Kind: KindTLS, Err: err, Msg: fmt.Sprintf("%s did not answer with TLS: is it an http:// server?", host)}
	}
	return nil
}

// isSelfSigned reports whether c is signed by its own key. CheckSignature
// is used rather than CheckSignatureFrom, which also wants c to be a CA:
// many self-signed server certificates are not.
func isSelfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawSubject, c.RawIssuer) && c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// classifyProxy words a failure to reach or use the proxy, which net/http
// reports as a *net.OpError with Op "proxyconnect": without this, a proxy
// that refuses connections would read as the target refusing them.
func classifyProxy(err error) *Error {
	var pce *proxyConnectError
	if errors.As(err, &pce) {
		return &Error{Kind: KindProxy, Msg: pce.Error(), Err: err}
	}
	var op *net.OpError
	if !errors.As(err, &op) || op.Op != "proxyconnect" || op.Err == nil {
		return nil
	}
	inner := op.Err
	var msg string
	switch {
	case errors.Is(inner, syscall.ECONNREFUSED):
		msg = fmt.Sprintf("the proxy refused the connection (%v): is the proxy address right, and is it running?", inner)
	default:
		var dnsErr *net.DNSError
		if errors.As(inner, &dnsErr) {
			msg = fmt.Sprintf("could not resolve the proxy host %q", dnsErr.Name)
		} else {
			msg = fmt.Sprintf("the proxy failed: %v", inner)
		}
	}
	return &Error{Kind: KindProxy, Msg: msg, Err: err}
}
