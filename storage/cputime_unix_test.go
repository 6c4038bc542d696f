//go:build unix

package storage

import (
	"syscall"
	"time"
)

// cpuTime returns the process's user plus system CPU time. The benchmarks
// report it per operation beside the wall time, because on a shared
// machine the wall time includes waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
