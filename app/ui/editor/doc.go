// Package editor is the request editor of Knock's window: one per request
// tab. It edits a storage.Request in place and reports the user's edits.
//
// The top line holds the method (any token), the URL and Send, with a line
// under it that lists the {{variables}} the URL uses, resolved or not.
// Sub-tabs edit the query params, the headers, the body (none, raw,
// form-urlencoded, multipart, binary file, GraphQL), the auth (a form per
// authlib method, built from its parameter metadata) and the transport
// settings.
//
// # Model
//
// Request.URL holds no query: Request.Params hold every query row, and the
// URL entry shows the URL with the enabled rows as its query (urlquery.go
// explains the rules). A request set with a query in its URL is brought
// into this form by SetRequest.
//
// # Threading
//
// Call every method on Fyne's goroutine. The editor never blocks it: a
// file's size, a large body's JSON check and pretty-printing, reading a
// body from a file and every OAuth 2 token operation run on goroutines and
// hand their results back with fyne.Do. Each such result carries the
// generation it was started for and is dropped if the user changed the
// thing in between.
//
// # Shortcuts
//
// Fyne gives a keyboard shortcut only to the focused widget. Every entry
// of the editor first offers shortcuts to Options.Shortcut, so the
// window's shortcuts work wherever the focus is.
package editor
