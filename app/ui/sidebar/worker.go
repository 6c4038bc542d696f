package sidebar

import (
	"sync"
	"sync/atomic"

	"github.com/knockhttp/knock/app/ui/uithread"
)

// runOnUI hands work done on a goroutine back to Fyne's goroutine. It is
// uithread.Do; the tests replace it, before New, with a queue they drain on
// their own goroutine, because Fyne's test driver runs fyne.Do's function
// on the calling goroutine. Each Sidebar keeps the value it was created
// with, so a late timer never reaches another test's queue.
var runOnUI = uithread.Do

// serial runs jobs one after another on a goroutine that exists only while
// there is work, so store edits reach the store in the order they were
// made.
type serial struct {
	mu      sync.Mutex
	queue   []func()
	running bool
	busy    *atomic.Int64
}

func (q *serial) run(job func()) {
	q.busy.Add(1)
	q.mu.Lock()
	q.queue = append(q.queue, job)
	start := !q.running
	q.running = true
	q.mu.Unlock()
	if start {
		go q.loop()
	}
}

func (q *serial) loop() {
	for {
		q.mu.Lock()
		if len(q.queue) == 0 {
			q.running = false
			q.mu.Unlock()
			return
		}
		job := q.queue[0]
		q.queue[0] = nil
		q.queue = q.queue[1:]
		q.mu.Unlock()
		job()
		q.busy.Add(-1)
	}
}

// latest runs the most recent job only: a job submitted while another runs
// replaces any job still waiting. Searches and history pages use it, so
// typing fast never piles up store reads.
type latest struct {
	mu      sync.Mutex
	next    func()
	running bool
	busy    *atomic.Int64
}

func (l *latest) run(job func()) {
	l.mu.Lock()
	if l.next == nil {
		l.busy.Add(1)
	}
	l.next = job
	start := !l.running
	l.running = true
	l.mu.Unlock()
	if start {
		go l.loop()
	}
}

func (l *latest) loop() {
	for {
		l.mu.Lock()
		job := l.next
		l.next = nil
		if job == nil {
			l.running = false
			l.mu.Unlock()
			return
		}
		l.mu.Unlock()
		job()
		l.busy.Add(-1)
	}
}
