package runner

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText prints the run for people: one line per request, the failed
// assertions under it, and the summary.
func WriteText(w io.Writer, s *Summary) {
	iter := 0
	for _, r := range s.Results {
		if r.Iteration != iter {
			iter = r.Iteration
			if len(s.Results) > 0 && s.Results[len(s.Results)-1].Iteration > 1 {
				fmt.Fprintf(w, "Iteration %d\n", iter)
			}
		}
		mark := "✓"
		switch {
		case r.Skipped:
			mark = "-"
		case r.Failed():
			mark = "✗"
		}
		status := "---"
		if r.Status > 0 {
			status = fmt.Sprint(r.Status)
		}
		// Tenths of a millisecond, as knock send prints them: requests to
		// a nearby server take less than one.
		fmt.Fprintf(w, "  %s %s  %s %s  %s  %.1fms\n", mark, r.Item, r.Method, r.URL, status, float64(r.Duration.Microseconds())/1000)
		if r.Skipped {
			fmt.Fprintln(w, "      not sent (--bail)")
			continue
		}
		if r.Error != "" {
			fmt.Fprintf(w, "      error: %s\n", r.Error)
		}
		for _, a := range r.Assertions {
			if a.Passed {
				fmt.Fprintf(w, "      ✓ %s\n", a.Name)
				continue
			}
			if a.Error != "" {
				fmt.Fprintf(w, "      ✗ %s: %s\n", a.Name, a.Error)
			} else {
				fmt.Fprintf(w, "      ✗ %s: got %s\n", a.Name, clip(a.Actual, 200))
			}
		}
		for _, sk := range r.SkippedScripts {
			fmt.Fprintf(w, "      - skipped: %s\n", sk)
		}
	}
	fmt.Fprintf(w, "\n%d requests (%d failed), %d assertions (%d failed), %d scripts skipped, %d not sent, in %s\n",
		s.Requests, s.FailedRequests, s.Assertions, s.FailedAssertions, s.SkippedScripts, s.NotSent, s.Duration.Round(time.Millisecond))
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// WriteJSON writes the summary as JSON.
func WriteJSON(w io.Writer, s *Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}

// JUnit XML, in the shape Jenkins, GitLab and GitHub test reporters read:
// one testsuite per iteration, one testcase per request, a <failure> per
// failed assertion and an <error> for a request that got no response.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string       `xml:"name,attr"`
	Classname string       `xml:"classname,attr"`
	Time      string       `xml:"time,attr"`
	Failure   *junitDetail `xml:"failure,omitempty"`
	Error     *junitDetail `xml:"error,omitempty"`
	Skipped   *junitDetail `xml:"skipped,omitempty"`
	SystemOut string       `xml:"system-out,omitempty"`
}

type junitDetail struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the run as JUnit XML.
func WriteJUnit(w io.Writer, s *Summary) error {
	root := junitSuites{Name: s.Name, Time: seconds(s.Duration)}
	var suite *junitSuite
	for _, r := range s.Results {
		if suite == nil || suite.Name != fmt.Sprintf("%s (iteration %d)", s.Name, r.Iteration) {
			root.Suites = append(root.Suites, junitSuite{Name: fmt.Sprintf("%s (iteration %d)", s.Name, r.Iteration), Timestamp: s.Started.UTC().Format("2006-01-02T15:04:05")})
			suite = &root.Suites[len(root.Suites)-1]
		}
		c := junitCase{Name: r.Item, Classname: strings.ReplaceAll(s.Name, ".", "_"), Time: seconds(r.Duration)}
		switch {
		case r.Skipped:
			c.Skipped = &junitDetail{Message: "not sent (--bail)"}
			suite.Skipped++
		case r.Error != "":
			c.Error = &junitDetail{Message: r.Error, Type: "RequestError", Text: r.Error + "\n" + r.Method + " " + r.URL}
			suite.Errors++
		default:
			if f := junitFailure(r.Assertions); f != nil {
				c.Failure = f
				suite.Failures++
			}
		}
		if len(r.SkippedScripts) > 0 {
			c.SystemOut = strings.Join(r.SkippedScripts, "\n")
		}
		suite.Cases = append(suite.Cases, c)
		suite.Tests++
	}
	for i := range root.Suites {
		su := &root.Suites[i]
		var total time.Duration
		for _, r := range s.Results {
			if fmt.Sprintf("%s (iteration %d)", s.Name, r.Iteration) == su.Name {
				total += r.Duration
			}
		}
		su.Time = seconds(total)
		root.Tests += su.Tests
		root.Failures += su.Failures
		root.Errors += su.Errors
		root.Skipped += su.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitFailure is the one <failure> of a test case whose assertions
// failed, or nil: its message names the first failed assertion (and how
// many more there are), its text lists them all. CI systems show a
// failure's text as its details (GitLab presents the element's text), and
// not every consumer reads more than one failure element per test case,
// so one element carries them all.
func junitFailure(list []AssertionResult) *junitDetail {
	var lines []string
	for _, a := range list {
		if a.Passed {
			continue
		}
		msg := a.Name
		if a.Error != "" {
			msg += ": " + a.Error
		} else {
			msg += ": got " + clip(a.Actual, 500)
		}
		lines = append(lines, msg)
	}
	if len(lines) == 0 {
		return nil
	}
	f := &junitDetail{Message: lines[0], Type: "AssertionFailure", Text: strings.Join(lines, "\n")}
	switch n := len(lines) - 1; {
	case n == 1:
		f.Message += " (and 1 more failed assertion)"
	case n > 1:
		f.Message += fmt.Sprintf(" (and %d more failed assertions)", n)
	}
	return f
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }
