package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/knockhttp/knock/app/engine"
)

// writeHead prints the status line and the header like curl -i.
func writeHead(w io.Writer, r *engine.Response) {
	fmt.Fprintf(w, "%s %s\r\n", r.Proto, r.StatusText)
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			fmt.Fprintf(w, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprint(w, "\r\n")
}

// writeTrace prints what --trace shows: the round trips, the redirect
// chain, the timings, TLS, and the auth steps with secrets masked.
func writeTrace(w io.Writer, r *engine.Response) {
	fmt.Fprintln(w, "* Round trips:")
	for i, ex := range r.Exchanges {
		fmt.Fprintf(w, "*   %d. %s %s -> %d (%s)\n", i+1, ex.Method, ex.URL, ex.Status, ms(ex.Timings.Total))
		if ex.Challenge != "" {
			fmt.Fprintf(w, "*      challenge: %s\n", ex.Challenge)
		}
	}
	if len(r.Redirects) > 0 {
		fmt.Fprintln(w, "* Redirects:")
		for _, h := range r.Redirects {
			note := ""
			if h.CredentialsDropped {
				note = " (other origin: credentials dropped)"
			}
			fmt.Fprintf(w, "*   %d %s -> %s %s%s\n", h.Status, h.From, h.Method, h.To, note)
		}
	}
	t := r.Timings
	fmt.Fprintf(w, "* Timings: dns %s, connect %s, tls %s, ttfb %s, download %s, total %s%s\n",
		ms(t.DNS), ms(t.Connect), ms(t.TLS), ms(t.TTFB), ms(t.Download), ms(t.Total), reused(t.Reused))
	fmt.Fprintf(w, "* Size: header %s, body %s on the wire, %s decoded%s\n",
		engine.HumanBytes(r.HeaderSize), engine.HumanBytes(r.WireSize), engine.HumanBytes(r.BodySize), encoding(r.Encoding))
	if tl := r.TLS; tl != nil {
		fmt.Fprintf(w, "* TLS: %s, %s, ALPN %q, verified %v\n", tl.Version, tl.CipherSuite, tl.ALPN, tl.Verified)
		fmt.Fprintf(w, "*   certificate: subject %q, issuer %q, expires %s\n", tl.Subject, tl.Issuer, tl.NotAfter.Format(time.RFC3339))
	}
	if len(r.AuthSteps) > 0 {
		fmt.Fprintln(w, "* Auth:")
		for _, s := range r.AuthSteps {
			fmt.Fprintf(w, "*   [%s] %s\n", s.Scheme, s.Title)
			for _, f := range s.Fields {
				fmt.Fprintf(w, "*      %s: %s\n", f.Name, indentContinuation(f.Value))
			}
		}
	}
}

func indentContinuation(s string) string {
	return strings.ReplaceAll(s, "\n", "\n*        ")
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
}

func reused(r bool) string {
	if r {
		return " (connection reused)"
	}
	return ""
}

func encoding(e string) string {
	if e == "" {
		return ""
	}
	return " (" + e + ")"
}
