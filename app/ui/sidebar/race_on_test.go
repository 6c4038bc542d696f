//go:build race

package sidebar

// raceEnabled: the race detector slows everything about tenfold, so the
// large-store test uses 2,000 requests under it, 10,000 otherwise, and
// checks its time bounds only without it.
const raceEnabled = true
