//go:build race

package bodyview

// raceEnabled: the race detector slows byte loops about tenfold, so the
// large-body test uses 10 MB under it and 100 MB otherwise.
const raceEnabled = true
