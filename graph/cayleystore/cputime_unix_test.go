//go:build unix

package cayleystore

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process has used so far,
// for benchmarks on a shared machine, where wall time mostly measures the
// other processes.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
