//go:build !linux

package bodyview

import "time"

func threadCPU() time.Duration { return 0 }

const haveThreadCPU = false
