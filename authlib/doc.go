// Package authlib holds Knock's HTTP authentication schemes. It imports
// nothing from the rest of the project.
//
// # Model
//
// A [Scheme] authorizes requests by wrapping an [http.RoundTripper], in the
// way golang.org/x/oauth2's Transport does: the wrapper clones each request
// before it adds anything, so the caller's request is never changed and the
// caller can drop every credential on a cross-origin redirect simply by not
// using the wrapper for that hop. Challenge-response schemes (Digest, NTLM,
// Negotiate) answer a 401 inside the wrapper and replay the body through
// [http.Request.GetBody], so callers must set GetBody when a body is present.
//
// A Scheme keeps state between requests where its spec allows (a Digest
// nonce and its nonce count, an OAuth 2 token), so callers should keep one
// Scheme per saved request and reuse it. Schemes are safe for concurrent use.
//
// Every scheme records what it did in a [Trace] carried by the request's
// context: the challenge it parsed, the values it derived and the header it
// produced, with secrets masked by [Mask].
//
// # Methods
//
// Methods are registered by type name; [Methods] lists them with their
// parameters for the window's forms and for `knock send --help`. Type names
// and parameter names are the ones Postman uses in its exports, so imported
// collections map one to one. Knock adds "netrc", "header" and "negotiate".
//
// Each scheme's file states which parts of its spec it supports.
package authlib
