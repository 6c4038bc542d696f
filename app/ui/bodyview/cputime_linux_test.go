//go:build linux

package bodyview

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time the calling OS thread has used. The test's UI
// loop runs on a locked thread, so the CPU time of one of its functions
// is what it would hold the UI goroutine for on an idle machine, whatever
// else the machine runs.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

const haveThreadCPU = true
