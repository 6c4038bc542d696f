// Package engine is Knock's send pipeline, shared by the window and the
// command line. It has no UI code.
//
// A send goes through these stages, each in its own file:
//
//   - variables.go: {{name}} is resolved from the environment, then the
//     collection, then the globals, plus the dynamic values {{$uuid}},
//     {{$timestamp}}, {{$isoTimestamp}} and {{$randomInt}}. Every unresolved
//     name is reported, with where it was used, before anything is sent.
//   - urlcheck.go: the URL is checked, with a specific error for a missing
//     or mistyped scheme, a space, or a bad port.
//   - build.go: the storage.Request becomes an *http.Request whose body
//     can be replayed (GetBody), which challenge-response auth needs.
//   - transport.go: pooled transports per TLS and proxy configuration:
//     verification on by default, custom CA files, client certificates in
//     PEM or PKCS#12, HTTP_PROXY/HTTPS_PROXY/NO_PROXY or an explicit proxy,
//     with credentials from its URL or from Basic proxy auth (sent to the
//     proxy only: on plain http requests and on CONNECT).
//   - redirect.go: redirects are followed here, one round trip per hop,
//     not by net/http, so that a change of host, of port or a scheme
//     downgrade drops every credential, as Python requests'
//     should_strip_auth does; Go's client would keep Authorization on a
//     port change or a subdomain. Dropped means: the auth scheme no longer
//     runs (nothing it adds is sent), the user's Authorization,
//     Proxy-Authorization and Cookie headers are removed, and the cookie
//     jar sends nothing (it still stores what those hops set). It stays
//     dropped for the rest of the chain.
//   - timing.go: per round trip timings from net/http/httptrace.
//   - body.go: the response body is decompressed (gzip, deflate, br) under
//     a size cap and kept in memory up to a threshold, then spooled to a
//     temporary file, or streamed to a caller's writer.
//   - errors.go: failures are classified (DNS, connect, TLS, timeout, …)
//     and worded for the user.
//
// Compression is negotiated by the engine rather than by net/http so that
// both the size on the wire and the decoded size can be reported, and so
// that brotli and a decompression cap are possible.
package engine
