package runner

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/itchyny/gojq"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/storage"
)

// AssertionResult is the verdict on one assertion.
type AssertionResult struct {
	Assertion storage.Assertion `json:"assertion"`
	Name      string            `json:"name"`
	Passed    bool              `json:"passed"`
	Actual    string            `json:"actual,omitempty"`
	Error     string            `json:"error,omitempty"`
}

// Describe words an assertion for reports: `status == 200`,
// `jq .items | length > 0`.
func Describe(a storage.Assertion) string {
	op := a.Op
	if op == "" {
		op = "=="
	}
	switch a.Kind {
	case storage.AssertStatus:
		return "status " + op + " " + a.Value
	case storage.AssertHeader:
		return "header " + a.Target + " " + op + " " + a.Value
	case storage.AssertJQ:
		return "jq " + a.Target + " " + op + " " + a.Value
	case storage.AssertBody:
		return "body " + op + " " + a.Value
	case storage.AssertTime:
		if a.Op == "" {
			op = "<"
		}
		return "time " + op + " " + a.Value + " ms"
	}
	return a.Kind + " " + op + " " + a.Value
}

// bodyReader gives the assertions the body once, read on first use.
type bodyReader struct {
	resp   *engine.Response
	data   []byte
	err    error
	read   bool
	parsed any
	jsonOK bool
	jsonE  error
}

// maxAssertedBody bounds the body read for body and jq assertions.
const maxAssertedBody = 256 << 20

func (b *bodyReader) bytes() ([]byte, error) {
	if !b.read {
		b.read = true
		b.data, _, b.err = b.resp.Body.Bytes(maxAssertedBody)
	}
	return b.data, b.err
}

func (b *bodyReader) json() (any, error) {
	if b.jsonOK || b.jsonE != nil {
		return b.parsed, b.jsonE
	}
	data, err := b.bytes()
	if err != nil {
		b.jsonE = err
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.UseNumber()
	if err := dec.Decode(&b.parsed); err != nil {
		b.jsonE = fmt.Errorf("the body is not JSON: %v", err)
		return nil, b.jsonE
	}
	b.parsed = normalizeNumbers(b.parsed)
	b.jsonOK = true
	return b.parsed, nil
}

// normalizeNumbers turns json.Number into the int or float64 gojq wants.
func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return int(i)
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	}
	return v
}

// Evaluate checks every enabled assertion against a response.
func Evaluate(list []storage.Assertion, resp *engine.Response) []AssertionResult {
	body := &bodyReader{resp: resp}
	var out []AssertionResult
	for _, a := range list {
		if !a.Enabled {
			continue
		}
		r := AssertionResult{Assertion: a, Name: Describe(a)}
		actual, err := actualValue(a, resp, body)
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Actual = actual
			op := a.Op
			if op == "" {
				op = "=="
				if a.Kind == storage.AssertTime {
					op = "<"
				}
			}
			r.Passed, err = compare(actual, op, a.Value)
			if err != nil {
				r.Error = err.Error()
			}
		}
		out = append(out, r)
	}
	return out
}

func actualValue(a storage.Assertion, resp *engine.Response, body *bodyReader) (string, error) {
	switch a.Kind {
	case storage.AssertStatus:
		return strconv.Itoa(resp.Status), nil
	case storage.AssertHeader:
		if a.Target == "" {
			return "", fmt.Errorf("a header assertion needs a header name")
		}
		return strings.Join(resp.Header.Values(a.Target), ", "), nil
	case storage.AssertTime:
		return strconv.FormatInt(resp.Timings.Total.Milliseconds(), 10), nil
	case storage.AssertBody:
		data, err := body.bytes()
		return string(data), err
	case storage.AssertJQ:
		return jqValue(a.Target, body)
	}
	return "", fmt.Errorf("unknown assertion kind %q", a.Kind)
}

// jqValue runs a jq expression over the JSON body. Strings compare by their
// text, anything else by its JSON; several results are joined by newlines.
func jqValue(expr string, body *bodyReader) (string, error) {
	q, err := gojq.Parse(expr)
	if err != nil {
		return "", fmt.Errorf("jq %q: %v", expr, err)
	}
	doc, err := body.json()
	if err != nil {
		return "", err
	}
	iter := q.Run(doc)
	var parts []string
	for i := 0; i < 10000; i++ {
		v, ok := iter.Next()
		if !ok {
			break
		}
		if e, isErr := v.(error); isErr {
			return "", fmt.Errorf("jq %q: %v", expr, e)
		}
		if s, isStr := v.(string); isStr {
			parts = append(parts, s)
			continue
		}
		b, _ := json.Marshal(v)
		parts = append(parts, string(b))
	}
	return strings.Join(parts, "\n"), nil
}

// compare applies op. < and > compare numbers; == and != compare numbers
// when both sides are numbers, text otherwise.
func compare(actual, op, want string) (bool, error) {
	switch op {
	case "==", "!=":
		eq := actual == want
		if a, errA := strconv.ParseFloat(actual, 64); errA == nil {
			if w, errW := strconv.ParseFloat(want, 64); errW == nil {
				eq = a == w
			}
		}
		if op == "==" {
			return eq, nil
		}
		return !eq, nil
	case "<", ">":
		a, err := strconv.ParseFloat(strings.TrimSpace(actual), 64)
		if err != nil {
			return false, fmt.Errorf("%q is not a number", actual)
		}
		w, err := strconv.ParseFloat(strings.TrimSpace(want), 64)
		if err != nil {
			return false, fmt.Errorf("expected value %q is not a number", want)
		}
		if op == "<" {
			return a < w, nil
		}
		return a > w, nil
	case "contains":
		return strings.Contains(actual, want), nil
	case "matches":
		re, err := regexp.Compile(want)
		if err != nil {
			return false, fmt.Errorf("bad regular expression %q: %v", want, err)
		}
		return re.MatchString(actual), nil
	}
	return false, fmt.Errorf("unknown operator %q (want ==, !=, <, >, contains or matches)", op)
}
