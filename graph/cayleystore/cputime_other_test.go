//go:build !unix

package cayleystore

import "time"

// processCPU is not measured here: benchmarks leave out CPU metrics.
func processCPU() time.Duration { return 0 }
