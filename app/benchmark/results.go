package benchmark

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"
)

// Status of a row.
const (
	StatusMet     = "met"
	StatusMissed  = "missed"
	StatusPending = "pending" // the code it measures is not there yet
	StatusError   = "error"   // the measurement itself failed
	StatusInfo    = "info"    // a figure without a target
)

// Row is one figure of the benchmark.
type Row struct {
	ID       string  `json:"id"`
	What     string  `json:"what"`
	Unit     string  `json:"unit,omitempty"` // of Knock and Baseline: "s", "ms", "MiB"
	Knock    float64 `json:"knock"`
	Baseline float64 `json:"baseline,omitempty"`
	// BaselineName says what the baseline is: "newman 6.2.2", "bare net/http loop".
	BaselineName string `json:"baselineName,omitempty"`
	// Ratio is Knock / Baseline (0 when the row has no baseline).
	Ratio  float64 `json:"ratio,omitempty"`
	Target string  `json:"target"`
	Status string  `json:"status"`
	Note   string  `json:"note,omitempty"`
	// Runs holds the individual measurements behind the medians.
	Runs map[string]any `json:"runs,omitempty"`
}

// Results is bench/results.json.
type Results struct {
	Started    time.Time `json:"started"`
	Finished   time.Time `json:"finished"`
	GoVersion  string    `json:"goVersion"`
	CPUs       int       `json:"cpus"`
	LoadBefore []float64 `json:"loadAverageBefore"`
	LoadAfter  []float64 `json:"loadAverageAfter"`
	Versions   []string  `json:"versions,omitempty"` // of the other clients
	// Sections lists each section's duration and the load average at
	// its end: other work on the machine makes the figures noisy.
	Sections []Section `json:"sections,omitempty"`
	Rows     []Row     `json:"rows"`
	mu       sync.Mutex
}

// Section is one section of the run.
type Section struct {
	Name    string    `json:"name"`
	Seconds float64   `json:"seconds"`
	Load    []float64 `json:"loadAverage"`
}

// NewResults starts the record of a run.
func NewResults() *Results {
	return &Results{Started: time.Now().UTC(), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(), LoadBefore: LoadAverage()}
}

// Add records a row.
func (r *Results) Add(row Row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Rows = append(r.Rows, row)
}

// Failed lists the rows whose measurement failed.
func (r *Results) Failed() []Row {
	var out []Row
	for _, row := range r.Rows {
		if row.Status == StatusError {
			out = append(out, row)
		}
	}
	return out
}

// Write finishes the record and writes it as indented JSON.
func (r *Results) Write(path string) error {
	r.Finished = time.Now().UTC()
	r.LoadAfter = LoadAverage()
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Table prints what | knock | baseline | ratio | target | met?
func (r *Results) Table(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "what\tknock\tbaseline\tratio\ttarget\tmet?")
	for _, row := range r.Rows {
		knock, base, ratio := "-", "-", "-"
		if row.Status != StatusPending && row.Status != StatusError {
			knock = formatValue(row.Knock, row.Unit)
			if row.BaselineName != "" {
				base = formatValue(row.Baseline, row.Unit) + " (" + row.BaselineName + ")"
			}
			if row.Ratio != 0 {
				ratio = fmt.Sprintf("%.3g", row.Ratio)
			}
		} else if row.BaselineName != "" && row.Baseline != 0 {
			base = formatValue(row.Baseline, row.Unit) + " (" + row.BaselineName + ")"
		}
		met := map[string]string{StatusMet: "yes", StatusMissed: "NO", StatusPending: "pending", StatusError: "ERROR", StatusInfo: "-"}[row.Status]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", row.What, knock, base, ratio, row.Target, met)
	}
	tw.Flush()
	for _, row := range r.Rows {
		if row.Note != "" && row.Status != StatusMet && row.Status != StatusInfo {
			fmt.Fprintf(w, "  %s: %s\n", row.What, strings.ReplaceAll(row.Note, "\n", "\n    "))
		}
	}
}

func formatValue(v float64, unit string) string {
	switch unit {
	case "s":
		if v < 1 {
			return fmt.Sprintf("%.1f ms", v*1000)
		}
		return fmt.Sprintf("%.2f s", v)
	case "ms":
		return fmt.Sprintf("%.1f ms", v)
	case "MiB":
		return fmt.Sprintf("%.1f MiB", v)
	case "":
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}

// status turns a condition into StatusMet or StatusMissed.
func status(ok bool) string {
	if ok {
		return StatusMet
	}
	return StatusMissed
}

// RatioRow is a row whose target is Knock / Baseline ≤ limit.
func RatioRow(id, what, unit string, knock, base float64, baseName string, limit float64, target string) Row {
	row := Row{ID: id, What: what, Unit: unit, Knock: knock, Baseline: base, BaselineName: baseName, Target: target}
	if base > 0 {
		row.Ratio = knock / base
	}
	row.Status = status(base > 0 && row.Ratio <= limit)
	return row
}

// AbsRow is a row whose target is Knock ≤ limit, in unit.
func AbsRow(id, what, unit string, knock, limit float64, target string) Row {
	return Row{ID: id, What: what, Unit: unit, Knock: knock, Target: target, Status: status(knock <= limit)}
}

// ErrorRow records a measurement that failed.
func ErrorRow(id, what, target string, err error) Row {
	return Row{ID: id, What: what, Target: target, Status: StatusError, Note: err.Error()}
}
