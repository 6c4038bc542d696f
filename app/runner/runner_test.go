package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/knockhttp/knock/storage"
)

func apiServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/items":
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Total", "3")
			fmt.Fprintf(w, `{"items":[{"id":1,"name":"a"},{"id":2,"name":"b"},{"id":3,"name":"%s"}],"user":%q}`, r.URL.Query().Get("name"), r.Header.Get("X-User"))
		case "/slow":
			time.Sleep(150 * time.Millisecond)
			fmt.Fprint(w, "slow")
		case "/missing":
			w.WriteHeader(404)
		default:
			fmt.Fprint(w, "ok")
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func assertion(kind, target, op, value string) storage.Assertion {
	return storage.Assertion{Kind: kind, Target: target, Op: op, Value: value, Enabled: true}
}

func TestAssertionsPassAndFailOnRealResponses(t *testing.T) {
	srv, _ := apiServer(t)
	req := storage.Request{Name: "items", Method: "GET", URL: srv.URL + "/items?name={{name}}", Assertions: []storage.Assertion{
		assertion("status", "", "==", "200"),
		assertion("header", "X-Total", "==", "3"),
		assertion("jq", ".items | length", "==", "3"),
		assertion("jq", ".items[2].name", "==", "c"),
		assertion("jq", ".items[0].id", "<", "2"),
		assertion("jq", ".items | map(.name) | join(\",\")", "matches", "^a,b,"),
		assertion("body", "", "contains", `"id":2`),
		assertion("time", "", "<", "5000"),
		assertion("status", "", "!=", "200"),      // fails
		assertion("jq", ".items[1].id", ">", "5"), // fails
		assertion("header", "X-Total", "contains", "9"),
		{Kind: "status", Op: "==", Value: "500", Enabled: false}, // disabled: not evaluated
	}}
	plan := Plan{Name: "api", Items: []Item{{Path: "items", Request: req, Variables: map[string]string{"name": "c"}}}}
	s := Run(context.Background(), plan, Options{})
	if s.Requests != 1 || s.Assertions != 11 || s.FailedAssertions != 3 || !s.Failed() {
		t.Fatalf("summary %+v", s)
	}
	var failed []string
	for _, a := range s.Results[0].Assertions {
		if !a.Passed {
			failed = append(failed, a.Name)
		}
	}
	want := []string{"status != 200", "jq .items[1].id > 5", "header X-Total contains 9"}
	if strings.Join(failed, "|") != strings.Join(want, "|") {
		t.Errorf("failed assertions %q, want %q", failed, want)
	}
}

func TestAssertionErrorsAreReported(t *testing.T) {
	srv, _ := apiServer(t)
	req := storage.Request{Method: "GET", URL: srv.URL + "/plain", Assertions: []storage.Assertion{
		assertion("jq", ".a", "==", "1"),
		assertion("jq", ".[", "==", "1"),
		assertion("body", "", "matches", "("),
		assertion("status", "", "~=", "200"),
	}}
	s := Run(context.Background(), Plan{Items: []Item{{Path: "p", Request: req}}}, Options{})
	errs := []string{}
	for _, a := range s.Results[0].Assertions {
		if a.Passed || a.Error == "" {
			t.Errorf("%s passed=%v error=%q; want a failure with an error", a.Name, a.Passed, a.Error)
		}
		errs = append(errs, a.Error)
	}
	all := strings.Join(errs, "\n")
	for _, want := range []string{"not JSON", "jq", "regular expression", "unknown operator"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors %q lack %q", all, want)
		}
	}
}

func TestDataRowsIterationsBailAndOrder(t *testing.T) {
	srv, hits := apiServer(t)
	items := []Item{
		{Path: "first", Request: storage.Request{Method: "GET", URL: srv.URL + "/items?name={{name}}", Headers: []storage.KeyValue{{Key: "X-User", Value: "{{user}}", Enabled: true}},
			Assertions: []storage.Assertion{assertion("jq", ".items[2].name", "==", "{{name}}")}}},
		{Path: "second", Request: storage.Request{Method: "GET", URL: srv.URL + "/slow"}},
	}
	// {{name}} in an assertion value is not expanded by the runner: compare literally.
	items[0].Request.Assertions[0].Value = "x"
	rows := []map[string]string{{"name": "x", "user": "u1"}, {"name": "y", "user": "u2"}, {"name": "x", "user": "u3"}}
	s := Run(context.Background(), Plan{Name: "d", Items: items}, Options{Data: rows, Concurrency: 3})
	if len(s.Results) != 6 || s.Requests != 6 || s.FailedAssertions != 1 {
		t.Fatalf("results %d, requests %d, failed assertions %d", len(s.Results), s.Requests, s.FailedAssertions)
	}
	for i, r := range s.Results {
		wantItem := []string{"first", "second"}[i%2]
		if r.Item != wantItem || r.Iteration != i/2+1 {
			t.Errorf("result %d is %s of iteration %d: order lost under concurrency", i, r.Item, r.Iteration)
		}
	}
	if !s.Results[2].Failed() || s.Results[0].Failed() {
		t.Errorf("only iteration 2 (name=y) should fail")
	}

	hits.Store(0)
	s = Run(context.Background(), Plan{Name: "bail", Items: []Item{
		{Path: "bad", Request: storage.Request{Method: "GET", URL: srv.URL + "/missing", Assertions: []storage.Assertion{assertion("status", "", "==", "200")}}},
		{Path: "never", Request: storage.Request{Method: "GET", URL: srv.URL + "/"}},
	}}, Options{Bail: true, Iterations: 3})
	if hits.Load() != 1 || s.NotSent != 5 || !s.Results[1].Skipped {
		t.Errorf("--bail: %d hits, %d not sent; want 1 and 5", hits.Load(), s.NotSent)
	}
}

func TestSkippedScriptsAreListed(t *testing.T) {
	srv, _ := apiServer(t)
	req := storage.Request{Method: "GET", URL: srv.URL, Scripts: []storage.Script{{Event: "test", Text: `pm.test("x", () => {})`}}}
	s := Run(context.Background(), Plan{Items: []Item{{Path: "r", Request: req}}}, Options{})
	if s.SkippedScripts != 1 {
		t.Fatalf("skipped scripts %d, want 1", s.SkippedScripts)
	}
	var buf bytes.Buffer
	WriteText(&buf, s)
	if !strings.Contains(buf.String(), "skipped: test script") || !strings.Contains(buf.String(), "1 scripts skipped") {
		t.Errorf("text report:\n%s", buf.String())
	}
}

func TestPlanFromTreeAppliesInheritance(t *testing.T) {
	c := &storage.Collection{Name: "c", Auth: storage.AuthSpec{Type: "bearer", Params: map[string]string{"token": "root"}},
		Headers: []storage.KeyValue{{Key: "X-Coll", Value: "1", Enabled: true}}, Variables: []storage.Variable{{Key: "v", Value: "coll", Enabled: true}}}
	tree := []storage.TreeItem{
		{Request: &storage.Request{Name: "top", Auth: storage.AuthSpec{Type: storage.AuthInherit}}},
		{Folder: &storage.Folder{Name: "f", Auth: storage.AuthSpec{Type: "basic", Params: map[string]string{"username": "u"}}, Variables: []storage.Variable{{Key: "v", Value: "folder", Enabled: true}}},
			Children: []storage.TreeItem{
				{Request: &storage.Request{Name: "inner", Auth: storage.AuthSpec{Type: storage.AuthInherit}, Headers: []storage.KeyValue{{Key: "x-coll", Value: "own", Enabled: true}}}},
				{Request: &storage.Request{Name: "none", Auth: storage.AuthSpec{Type: storage.AuthNone}}},
			}},
	}
	p := PlanFromTree(c, tree)
	if len(p.Items) != 3 || p.Items[1].Path != "f/inner" {
		t.Fatalf("items %+v", p.Items)
	}
	if a := p.Items[0].Request.Auth; a.Type != "bearer" || a.Params["token"] != "root" {
		t.Errorf("top inherits %+v", a)
	}
	if a := p.Items[1].Request.Auth; a.Type != "basic" {
		t.Errorf("inner inherits %+v, want the folder's basic", a)
	}
	if a := p.Items[2].Request.Auth; a.Type != storage.AuthNone {
		t.Errorf("an explicit none must stay none: %+v", a)
	}
	if h := p.Items[1].Request.Headers; len(h) != 1 || h[0].Value != "own" {
		t.Errorf("the request's own header must win: %+v", h)
	}
	if p.Items[0].Variables["v"] != "coll" || p.Items[1].Variables["v"] != "folder" {
		t.Errorf("variables %v / %v", p.Items[0].Variables, p.Items[1].Variables)
	}
}

func TestJUnitAndJSONReports(t *testing.T) {
	srv, _ := apiServer(t)
	plan := Plan{Name: "suite.v1", Items: []Item{
		{Path: "ok", Request: storage.Request{Method: "GET", URL: srv.URL, Assertions: []storage.Assertion{assertion("status", "", "==", "200")}}},
		{Path: "bad", Request: storage.Request{Method: "GET", URL: srv.URL + "/missing", Assertions: []storage.Assertion{assertion("status", "", "==", "200")}}},
		{Path: "down", Request: storage.Request{Method: "GET", URL: "http://127.0.0.1:1/"}},
	}}
	s := Run(context.Background(), plan, Options{Iterations: 2})
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, s); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name     string `xml:"name,attr"`
				Failures []struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Error *struct {
					Message string `xml:"message,attr"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("JUnit XML does not parse: %v\n%s", err, buf.String())
	}
	if doc.Tests != 6 || doc.Failures != 2 || doc.Errors != 2 || len(doc.Suites) != 2 {
		t.Fatalf("JUnit totals tests=%d failures=%d errors=%d suites=%d\n%s", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites), buf.String())
	}
	c := doc.Suites[0].Cases
	if c[1].Name != "bad" || len(c[1].Failures) != 1 || !strings.Contains(c[1].Failures[0].Message, "got 404") {
		t.Errorf("failure case %+v", c[1])
	}
	if c[2].Error == nil || !strings.Contains(c[2].Error.Message, "connection refused") {
		t.Errorf("error case %+v", c[2])
	}
	buf.Reset()
	if err := WriteJSON(&buf, s); err != nil {
		t.Fatal(err)
	}
	var js Summary
	if err := json.Unmarshal(buf.Bytes(), &js); err != nil || js.Requests != 6 || js.FailedAssertions != 2 || js.FailedRequests != 2 {
		t.Errorf("JSON report: %v %+v", err, js)
	}
}

func TestReadData(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "rows.csv")
	os.WriteFile(csvPath, []byte("\xef\xbb\xbfname,user\nx,\"u, 1\"\ny,u2\n"), 0o600)
	rows, err := ReadData(csvPath)
	if err != nil || len(rows) != 2 || rows[0]["name"] != "x" || rows[0]["user"] != "u, 1" {
		t.Errorf("csv: %v %v", rows, err)
	}
	jsonPath := filepath.Join(dir, "rows.json")
	os.WriteFile(jsonPath, []byte(`[{"name":"x","n":2},{"name":"y","n":null}]`), 0o600)
	rows, err = ReadData(jsonPath)
	if err != nil || len(rows) != 2 || rows[0]["n"] != "2" || rows[1]["n"] != "" {
		t.Errorf("json: %v %v", rows, err)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b\n1,2,3\n"), 0o600)
	if _, err := ReadData(bad); err == nil || !strings.Contains(err.Error(), "bad.csv") {
		t.Errorf("a malformed CSV must name the file: %v", err)
	}
}

// TestJUnitOneFailureElementPerCase: a request with two failed assertions
// is one <failure> whose message names the first and counts the rest, and
// whose text lists both; a request error's text holds the error.
func TestJUnitOneFailureElementPerCase(t *testing.T) {
	srv, _ := apiServer(t)
	s := Run(context.Background(), Plan{Name: "two", Items: []Item{
		{Path: "missing", Request: storage.Request{Method: "GET", URL: srv.URL + "/missing", Assertions: []storage.Assertion{
			assertion("status", "", "==", "200"),
			assertion("body", "", "contains", "items"),
			assertion("status", "", "==", "404"),
		}}},
		{Path: "down", Request: storage.Request{Method: "GET", URL: "http://127.0.0.1:1/"}},
	}}, Options{})
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, s); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Cases []struct {
				Failures []struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
				Errors []struct {
					Text string `xml:",chardata"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil || len(doc.Suites) != 1 || len(doc.Suites[0].Cases) != 2 {
		t.Fatalf("JUnit XML: %v\n%s", err, buf.String())
	}
	c := doc.Suites[0].Cases[0]
	if len(c.Failures) != 1 {
		t.Fatalf("%d <failure> elements for one request, want 1:\n%s", len(c.Failures), buf.String())
	}
	f := c.Failures[0]
	if !strings.Contains(f.Message, "got 404") || !strings.Contains(f.Message, "(and 1 more failed assertion)") {
		t.Errorf("failure message %q", f.Message)
	}
	if lines := strings.Split(strings.TrimSpace(f.Text), "\n"); len(lines) != 2 || !strings.Contains(lines[1], "contains") {
		t.Errorf("failure text lists %d lines, want the 2 failed assertions: %q", len(lines), f.Text)
	}
	if e := doc.Suites[0].Cases[1].Errors; len(e) != 1 || !strings.Contains(e[0].Text, "connection refused") {
		t.Errorf("error element %+v: its text should hold the error", e)
	}
}

// TestTextReportShowsSubMillisecondTimes: a request to a nearby server
// takes less than a millisecond; the report says how much, not "0s".
func TestTextReportShowsSubMillisecondTimes(t *testing.T) {
	var buf bytes.Buffer
	WriteText(&buf, &Summary{Results: []Result{{Iteration: 1, Item: "ping", Method: "GET", URL: "http://127.0.0.1/ping", Status: 200, Duration: 350 * time.Microsecond}}, Requests: 1})
	if !strings.Contains(buf.String(), "  200  0.3ms\n") {
		t.Errorf("the request line does not show 0.3ms:\n%s", buf.String())
	}
}
