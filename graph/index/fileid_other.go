//go:build !unix

package index

import "os"

// devIno is not available here: snapshots rely on size, modification time
// and the store generation.
func devIno(os.FileInfo) (dev, ino uint64) { return 0, 0 }
