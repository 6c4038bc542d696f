package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/knockhttp/knock/storage"
)

// RequestFormat is the format marker and version of a native request file.
const RequestFormat = "knock.request/v1"

// requestFile is the on-disk shape of a native request file: a format
// marker, then the request. Secret auth parameters are never written; the
// file names them in secretRefs and the values come from the user, a flag
// or the environment when the file is used.
type requestFile struct {
	Format string `json:"format"`
	storage.Request
}

// MarshalRequest returns the native file for r, with the values of secret
// auth parameters removed. isSecret reports which parameters are secrets.
func MarshalRequest(r storage.Request, isSecret func(authType, param string) bool) ([]byte, error) {
	r.ID = ""
	if len(r.Auth.Params) > 0 {
		params := make(map[string]string, len(r.Auth.Params))
		refs := map[string]string{}
		for k, v := range r.Auth.Params {
			if isSecret(r.Auth.Type, k) && !isTemplate(v) {
				refs[k] = SecretEnvName(k)
				continue
			}
			params[k] = v
		}
		r.Auth.Params = params
		if len(refs) > 0 {
			r.Auth.SecretRefs = refs
		}
	}
	r.Settings.ClientCertPassword = ""
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(requestFile{Format: RequestFormat, Request: r}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// isTemplate reports whether v is only a {{variable}} reference, which is
// safe to write.
func isTemplate(v string) bool {
	v = strings.TrimSpace(v)
	return strings.HasPrefix(v, "{{") && strings.HasSuffix(v, "}}") && strings.Count(v, "{{") == 1
}

// SecretEnvName is the environment variable the command line reads a
// missing secret parameter from.
func SecretEnvName(param string) string {
	return "KNOCK_SECRET_" + strings.ToUpper(param)
}

// ReadRequestFile reads a native request file. Errors name the file and,
// for JSON syntax errors, the line and column.
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

// UnmarshalRequest parses a native request file.
func UnmarshalRequest(data []byte) (storage.Request, error) {
	var f requestFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return storage.Request{}, JSONError(data, err)
	}
	if f.Format == "" {
		return storage.Request{}, errors.New(`not a Knock request file: no "format" field`)
	}
	if f.Format != RequestFormat {
		return storage.Request{}, fmt.Errorf("unsupported format %q (this Knock reads %q)", f.Format, RequestFormat)
	}
	if f.Method == "" {
		f.Method = "GET"
	}
	return f.Request, nil
}

// JSONError words a JSON decoding error with its line and column.
func JSONError(data []byte, err error) error {
	var off int64 = -1
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 {
		return err
	}
	line, col := 1, 1
	for i := int64(0); i < off-1 && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
