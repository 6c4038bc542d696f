// Package runner runs a collection of requests headless, as `knock run`
// does: in order, for a number of iterations or one per row of a data
// file, with declarative assertions on each response, and reports the
// result as text, JSON or JUnit XML.
//
// Assertions are data, not scripts (storage.Assertion): the status, a
// header's value, a jq expression over a JSON body (github.com/itchyny/gojq),
// the body's text, and the response time. Postman pm.test scripts are not
// executed; each one is reported as skipped, so the user knows.
package runner
