package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/knockhttp/knock/storage"
)

// RequestFormat is the format marker and version of a native request file.
const RequestFormat = "knock.request/v1"

// requestFile is the on-disk shape of a native request file: a format
// marker, then the request (see docs/format.md). Secret values are never
// written; the file names them in secretRefs (and the other *Ref fields)
// and the values come from the user, a flag or the environment when the
// file is used.
type requestFile struct {
	Format string `json:"format"`
	storage.Request
}

// MarshalRequest returns the native file for r: fixed layout, no ID, and
// no secret values. isSecret reports which auth parameters are secrets
// (nil: authlib's declarations, then the parameter's name). Secret values
// that are only {{variable}} references are kept.
func MarshalRequest(r storage.Request, isSecret func(authType, param string) bool) ([]byte, error) {
	if isSecret == nil {
		isSecret = nativeIsSecretParam
	}
	c := nativeStripRequest(&r, &nativeSecretNamer{}, isSecret)
	return nativeMarshal(requestFile{Format: RequestFormat, Request: *c})
}

// SecretEnvName is the reference name, and the environment variable the
// command line reads, for a secret parameter: KNOCK_SECRET_ and the name
// in capitals, camelCase split with _ ("clientSecret" gives
// KNOCK_SECRET_CLIENT_SECRET), anything else than letters and digits
// turned into _.
func SecretEnvName(param string) string {
	var b strings.Builder
	prevLower, sep := false, false
	for _, r := range param {
		if r >= utf8.RuneSelf || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			sep, prevLower = b.Len() > 0, false
			continue
		}
		if unicode.IsUpper(r) && prevLower {
			sep = true
		}
		if sep {
			b.WriteByte('_')
			sep = false
		}
		b.WriteRune(unicode.ToUpper(r))
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	name := b.String()
	if name == "" {
		name = "VALUE"
	}
	if len(name) > 100 {
		name = name[:100]
	}
	return nativeSecretPrefix + name
}

// ReadRequestFile reads a native request file. Errors name the file and,
// for JSON errors, the line and column.
func ReadRequestFile(path string) (storage.Request, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return storage.Request{}, err
	}
	r, err := UnmarshalRequest(data)
	if err != nil {
		return storage.Request{}, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// UnmarshalRequest parses a native request file. Secret references stay in
// place (the command line reads them from KNOCK_SECRET_* variables, see
// FillRequestSecrets); any reference that is not a KNOCK_SECRET_ name is
// an error.
func UnmarshalRequest(data []byte) (storage.Request, error) {
	var f requestFile
	if err := unmarshalRequestFile(data, &f); err != nil {
		return storage.Request{}, err
	}
	return f.Request, nil
}

// unmarshalRequestFile is UnmarshalRequest into f, which the caller may
// keep without copying the request out of it.
func unmarshalRequestFile(data []byte, f *requestFile) error {
	data, err := nativeDecodeText(data)
	if err != nil {
		return err
	}
	// A well-formed file is decoded once; anything else goes the long
	// way below, which words the error.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if dec.Decode(f) == nil && f.Format == RequestFormat && nativeOnlySpace(data[dec.InputOffset():]) {
		return finishRequestFile(f)
	}
	*f = requestFile{}
	return unmarshalRequestChecked(data, f)
}

// nativeOnlySpace reports whether b is JSON white space only.
func nativeOnlySpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// unmarshalRequestChecked parses a request file step by step, so that
// an error says what is wrong: not JSON, not a request file, a field it
// does not know.
func unmarshalRequestChecked(data []byte, f *requestFile) error {
	var probe struct {
		Format string `json:"format"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return JSONError(data, err)
	}
	switch {
	case probe.Format == "":
		return errors.New(`not a Knock request file: no "format" field`)
	case probe.Format == CollectionFormat:
		return fmt.Errorf("this is a collection file (%q), not a request file", probe.Format)
	case probe.Format != RequestFormat:
		return fmt.Errorf("unsupported format %q (this Knock reads %q)", probe.Format, RequestFormat)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(f); err != nil {
		return JSONError(data, err)
	}
	return finishRequestFile(f)
}

// finishRequestFile applies the defaults to a decoded request file and
// checks its secret references.
func finishRequestFile(f *requestFile) error {
	if f.Method == "" {
		f.Method = "GET"
	}
	f.ID = ""
	return nativeCheckRequestRefs(&f.Request)
}

// nativeCheckRequestRefs checks every secret reference of r by name.
func nativeCheckRequestRefs(r *storage.Request) error {
	if !nativeHasCheckedRefs(r) {
		return nil // nothing that nativeNeedSet.request would look at
	}
	probe := nativeClone(r)
	return (&nativeNeedSet{}).request(probe, "request")
}

// nativeHasCheckedRefs reports whether r holds a reference that
// nativeNeedSet.request checks: in its auth, its headers, its client
// certificate password, its proxy password or its proxy auth.
func nativeHasCheckedRefs(r *storage.Request) bool {
	if len(r.Auth.SecretRefs) > 0 || r.Settings.ClientCertPasswordRef != "" || r.Settings.ProxyPasswordRef != "" {
		return true
	}
	if pa := r.Settings.ProxyAuth; pa != nil && len(pa.SecretRefs) > 0 {
		return true
	}
	for _, h := range r.Headers {
		if h.SecretRef != "" {
			return true
		}
	}
	return false
}

// JSONError words a JSON decoding error with its line and column.
func JSONError(data []byte, err error) error {
	var (
		se *json.SyntaxError
		te *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &se):
		line, col := nativeLineCol(data, se.Offset)
		return fmt.Errorf("line %d, column %d: %w", line, col, err)
	case errors.As(err, &te):
		line, col := nativeLineCol(data, te.Offset)
		field := te.Field
		if field == "" {
			field = "value"
		}
		return &nativeJSONTypeError{line: line, col: col, field: field, want: nativeGoKind(te.Type.Kind().String()), got: nativeJSONKind(te.Value), err: err}
	}
	// Unknown fields carry no offset: find the key in the text.
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		name := strings.TrimPrefix(msg, "json: unknown field ")
		if i := bytes.Index(data, []byte(name)); i >= 0 {
			line, col := nativeLineCol(data, int64(i)+1)
			return fmt.Errorf("line %d, column %d: unknown field %s", line, col, name)
		}
	}
	return err
}

// nativeJSONTypeError is a value of the wrong JSON type, with its place.
type nativeJSONTypeError struct {
	line, col int
	field     string
	want, got string
	err       error
}

func (e *nativeJSONTypeError) Error() string {
	return fmt.Sprintf("line %d, column %d: %s: want %s, got %s", e.line, e.col, e.field, e.want, e.got)
}

func (e *nativeJSONTypeError) Unwrap() error { return e.err }

func nativeGoKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	case "ptr":
		return "an object or null"
	}
	if strings.HasPrefix(kind, "int") || strings.HasPrefix(kind, "uint") || strings.HasPrefix(kind, "float") {
		return "a number"
	}
	return kind
}

// nativeJSONKind words encoding/json's name of a JSON type.
func nativeJSONKind(v string) string {
	switch v {
	case "number", "string", "boolean", "bool":
		if v == "bool" {
			v = "boolean"
		}
		return "a " + v
	case "array", "object":
		return "an " + v
	}
	return v
}

// nativeLineCol turns a 1-based byte offset (as encoding/json reports it)
// into a line and a column.
func nativeLineCol(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off-1 && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

// RequestFileName is the file name Knock gives a request named name, e.g.
// "Create order.knock.json": safe on every platform, never a path (see
// docs/format.md, "File names").
func RequestFileName(name string) string {
	return nativeFileName(name, "request") + RequestFileSuffix
}
