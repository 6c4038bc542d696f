package bodyview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/itchyny/gojq"
)

const (
	// maxJQInput bounds the body a filter runs on: gojq works on the
	// decoded values, which take about ten times the body's size.
	maxJQInput = 128 << 20
	// maxJQOutput bounds what a filter may print; the rest is dropped.
	maxJQOutput = 256 << 20
)

// jqResult is a filter's output, laid out as pretty JSON.
type jqResult struct {
	doc     *textDoc
	results int
	cut     bool
}

// runJQ runs filter over every JSON value in data (a body may hold a
// sequence of values, as jq reads them). Errors are written for people.
// It runs on a worker goroutine and stops when ctx is canceled.
func runJQ(ctx context.Context, data []byte, filter string) (*jqResult, error) {
	q, err := gojq.Parse(filter)
	if err != nil {
		var pe *gojq.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("the filter is not valid jq: %s (at character %d)", pe.Error(), pe.Offset)
		}
		return nil, fmt.Errorf("the filter is not valid jq: %w", err)
	}
	code, err := gojq.Compile(q)
	if err != nil {
		return nil, fmt.Errorf("the filter cannot run: %w", err)
	}
	if len(data) > maxJQInput {
		return nil, fmt.Errorf("the body is %s; jq filters run on bodies up to %s", humanBytes(int64(len(data))), humanBytes(maxJQInput))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // keep large integers exact; gojq takes json.Number
	res := &jqResult{}
	var out []byte
values:
	for {
		var v any
		if err := dec.Decode(&v); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("the body is not valid JSON: %w", err)
		}
		iter := code.RunWithContext(ctx, v)
		for {
			x, ok := iter.Next()
			if !ok {
				break
			}
			if err, isErr := x.(error); isErr {
				var he *gojq.HaltError
				if errors.As(err, &he) && he.Value() == nil {
					break
				}
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("the filter failed: %w", err)
			}
			b, err := gojq.Marshal(x)
			if err != nil {
				return nil, fmt.Errorf("the filter's output cannot be shown: %w", err)
			}
			if len(out)+len(b) > maxJQOutput {
				res.cut = true
				break values
			}
			out = append(append(out, b...), '\n')
			res.results++
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	doc, err := prettyJSON(ctx, out, nil)
	if err != nil {
		return nil, err
	}
	res.doc = doc
	return res, nil
}
