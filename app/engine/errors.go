package engine

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
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
	if errors.Is(context.Cause(ctx), errTotalTimeout) || (errors.Is(err, context.DeadlineExceeded) && total > 0) {
		return &Error{Kind: KindTimeout, Msg: fmt.Sprintf("no complete response from %s within %s (total timeout)", host, total), Err: err}
	}
	if errors.Is(err, context.Canceled) {
		return &Error{Kind: KindCanceled, Msg: "the request was cancelled", Err: err}
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
		return &Error{Kind: KindTLS, Err: err, Msg: fmt.Sprintf("the TLS certificate of %s is not valid for that name: %v", host, hostErr.Error())}
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
	var alert tls.AlertError
	if errors.As(err, &alert) {
		msg := fmt.Sprintf("the TLS handshake with %s failed: the server sent alert %q", host, alert.Error())
		if strings.Contains(alert.Error(), "certificate required") || strings.Contains(alert.Error(), "bad certificate") {
			msg += "; the server wants a client certificate (--cert)"
		}
		return &Error{Kind: KindTLS, Err: err, Msg: msg}
	}
	var recErr tls.RecordHeaderError
	if errors.As(err, &recErr) {
		return &Error{Kind: KindTLS, Err: err, Msg: fmt.Sprintf("%s did not answer with TLS: is it an http:// server?", host)}
	}
	return nil
}

func isSelfSigned(c *x509.Certificate) bool {
	return c.Subject.String() == c.Issuer.String() && c.CheckSignatureFrom(c) == nil
}
