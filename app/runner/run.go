package runner

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/knockhttp/knock/app/engine"
	"github.com/knockhttp/knock/authlib"
	"github.com/knockhttp/knock/storage"
)

// Options control a run.
type Options struct {
	Engine *engine.Engine
	// Iterations runs the plan this many times (at least once). With Data,
	// there is one iteration per row instead.
	Iterations int
	// Data rows: each row's columns are variables for one iteration.
	Data []map[string]string
	// Environment and Globals are the variable scopes around the plan's.
	Environment map[string]string
	Globals     map[string]string
	// Bail stops the run at the first failed request or assertion.
	Bail bool
	// Concurrency sends this many requests at once (default 1, in order).
	Concurrency int
	// Timeout is each request's total timeout when it sets none.
	Timeout time.Duration
	// Netrc applies netrc credentials to requests without auth.
	Netrc bool
	// Progress is called after each request (from the run's goroutines,
	// serialised): requests done, total, failures so far.
	Progress func(done, total, failed int)
}

// Result is the outcome of one request of one iteration.
type Result struct {
	Iteration      int               `json:"iteration"`
	Item           string            `json:"item"`
	Method         string            `json:"method"`
	URL            string            `json:"url"`
	Status         int               `json:"status,omitempty"`
	Duration       time.Duration     `json:"durationNs"`
	BodySize       int64             `json:"bodySize"`
	Error          string            `json:"error,omitempty"`
	Assertions     []AssertionResult `json:"assertions,omitempty"`
	SkippedScripts []string          `json:"skippedScripts,omitempty"`
	Skipped        bool              `json:"skipped,omitempty"` // not sent because of --bail
}

// Failed reports whether the request failed or an assertion did not hold.
func (r *Result) Failed() bool {
	if r.Error != "" {
		return true
	}
	for _, a := range r.Assertions {
		if !a.Passed {
			return true
		}
	}
	return false
}

// Summary is the whole run.
type Summary struct {
	Name             string        `json:"name"`
	Results          []Result      `json:"results"`
	Requests         int           `json:"requests"`
	FailedRequests   int           `json:"failedRequests"`
	Assertions       int           `json:"assertions"`
	FailedAssertions int           `json:"failedAssertions"`
	SkippedScripts   int           `json:"skippedScripts"`
	NotSent          int           `json:"notSent"`
	Duration         time.Duration `json:"durationNs"`
	Started          time.Time     `json:"started"`
}

// Failed reports whether anything failed.
func (s *Summary) Failed() bool { return s.FailedRequests > 0 || s.FailedAssertions > 0 }

type job struct {
	index     int
	iteration int
	item      *Item
	row       map[string]string
}

// Run sends the plan and evaluates its assertions. Cancel ctx to stop.
func Run(ctx context.Context, plan Plan, opt Options) *Summary {
	if opt.Engine == nil {
		opt.Engine = engine.New()
	}
	if opt.Netrc {
		// The netrc file is looked for once, when the run starts: without
		// one, the requests of the run do not each look for it again.
		if n, path, err := authlib.LoadNetrc(); n == nil && path == "" && err == nil {
			opt.Netrc = false
		}
	}
	iterations := max(opt.Iterations, 1)
	if len(opt.Data) > 0 {
		iterations = len(opt.Data)
	}
	jobs := make([]job, 0, iterations*len(plan.Items))
	for it := 0; it < iterations; it++ {
		var row map[string]string
		if len(opt.Data) > 0 {
			row = opt.Data[it]
		}
		for i := range plan.Items {
			jobs = append(jobs, job{index: len(jobs), iteration: it + 1, item: &plan.Items[i], row: row})
		}
	}
	s := &Summary{Name: plan.Name, Results: make([]Result, len(jobs)), Started: time.Now()}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var mu sync.Mutex
	done, failed := 0, 0
	finish := func(r Result, idx int) {
		mu.Lock()
		defer mu.Unlock()
		s.Results[idx] = r
		done++
		if r.Failed() {
			failed++
			if opt.Bail {
				cancel()
			}
		}
		if opt.Progress != nil {
			opt.Progress(done, len(jobs), failed)
		}
	}
	skip := func(j job) {
		s.Results[j.index] = Result{Iteration: j.iteration, Item: j.item.Path, Method: j.item.Request.Method, URL: j.item.Request.URL, Skipped: true}
	}
	if workers := max(opt.Concurrency, 1); workers == 1 {
		// In order, on this goroutine: handing each request to a worker
		// would cost a goroutine switch, often a thread wake-up, per
		// request.
		for _, j := range jobs {
			if ctx.Err() != nil {
				skip(j)
				continue
			}
			finish(runOne(ctx, plan, j, opt), j.index)
		}
	} else {
		queue := make(chan job)
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for j := range queue {
					finish(runOne(ctx, plan, j, opt), j.index)
				}
			}()
		}
		for _, j := range jobs {
			if ctx.Err() != nil {
				skip(j)
				continue
			}
			queue <- j
		}
		close(queue)
		wg.Wait()
	}
	s.Duration = time.Since(s.Started)
	s.tally()
	return s
}

func (s *Summary) tally() {
	for i := range s.Results {
		r := &s.Results[i]
		if r.Skipped {
			s.NotSent++
			continue
		}
		s.Requests++
		if r.Error != "" {
			s.FailedRequests++
		}
		s.SkippedScripts += len(r.SkippedScripts)
		for _, a := range r.Assertions {
			s.Assertions++
			if !a.Passed {
				s.FailedAssertions++
			}
		}
	}
}

// runOne sends one request and checks its assertions. The body is released
// as soon as the assertions are done, so a run holds no bodies.
func runOne(ctx context.Context, plan Plan, j job, opt Options) Result {
	req := j.item.Request
	r := Result{Iteration: j.iteration, Item: j.item.Path, Method: req.Method, URL: req.URL}
	for _, sc := range req.Scripts {
		if sc.Event == "test" || sc.Event == "prerequest" {
			r.SkippedScripts = append(r.SkippedScripts, sc.Event+" script (not run: Knock runs declarative assertions only)")
		}
	}
	if ctx.Err() != nil {
		r.Skipped = true
		return r
	}
	eopt := engine.Options{
		Vars: engine.Variables{
			Extra:       j.row,
			Environment: opt.Environment,
			Collection:  j.item.Variables,
			Globals:     opt.Globals,
		},
		CollectionID: plan.CollectionID,
		// No per-request key: requests of the run with the same resolved
		// auth share its state, as one client session would. A Digest
		// nonce is then answered once and reused with a rising nonce
		// count (RFC 7616 §3.3, §3.4) instead of a challenge per request.
		// (OAuth 2 tokens were shared already, by authlib's token cache.)
		SchemeKey: "",
		Netrc:     opt.Netrc,
		Timeout:   opt.Timeout,
	}
	assertions := enabledAssertions(req.Assertions)
	if !readsBody(assertions) {
		// Nothing looks at the body: stream it away instead of holding
		// it, so a run's memory does not grow with response sizes.
		eopt.Sink = io.Discard
	}
	resp, err := opt.Engine.Send(ctx, req, eopt)
	if err != nil {
		r.Error = err.Error()
		return r
	}
	defer resp.Close()
	r.Status = resp.Status
	r.Duration = resp.Timings.Total
	r.BodySize = resp.BodySize
	r.URL = resp.URL
	r.Assertions = Evaluate(assertions, resp)
	return r
}

// readsBody reports whether an assertion needs the response body.
func readsBody(list []storage.Assertion) bool {
	for _, a := range list {
		if a.Kind == storage.AssertBody || a.Kind == storage.AssertJQ {
			return true
		}
	}
	return false
}

func enabledAssertions(list []storage.Assertion) []storage.Assertion {
	var out []storage.Assertion
	for _, a := range list {
		if a.Enabled {
			out = append(out, a)
		}
	}
	return out
}
