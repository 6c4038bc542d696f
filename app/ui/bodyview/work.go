package bodyview

import "runtime"

// workSlots bounds how many of the viewer's slow jobs (laying out a view,
// searching, jq) run at once: one fewer than the processors Go may use,
// and at least one. The UI goroutine then always finds a processor free,
// even when the machine is busy and the operating system holds a job's
// thread off the CPU (a Go processor held by such a thread cannot be
// taken back).
var workSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))

// acquireWork waits for a slot; the caller must call the returned release.
// It gives up, returning false, when done is closed first.
func acquireWork(done <-chan struct{}) (release func(), ok bool) {
	select {
	case workSlots <- struct{}{}:
		return func() { <-workSlots }, true
	case <-done:
		return nil, false
	}
}
