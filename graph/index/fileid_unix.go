//go:build unix

package index

import (
	"os"
	"syscall"
)

// devIno returns the device and inode of a file, identifying it across a
// delete and re-create of the same path.
func devIno(fi os.FileInfo) (dev, ino uint64) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		// The field types differ between platforms.
		return uint64(st.Dev), uint64(st.Ino)
	}
	return 0, 0
}
