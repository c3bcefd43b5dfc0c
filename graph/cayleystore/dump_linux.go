package cayleystore

import (
	"fmt"
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// releaseMapped drops the pages of bbolt's read-only memory map from the
// process's resident set (madvise MADV_DONTNEED). A dump reads most of the
// file, and every page it touched would otherwise stay resident (counted
// in RSS as RssFile) while the caller, an in-memory index, has no further
// use for them. The pages stay in the kernel's page cache, and a later
// read faults them back in from there; nothing is written (bbolt maps the
// file read-only and writes through the file descriptor).
//
// It runs inside a read transaction, which holds bbolt's mmap lock, so the
// mapping cannot be replaced meanwhile, and covers the file's size in that
// transaction, which the mapping always spans.
func releaseMapped(db *bolt.DB) error {
	return db.View(func(tx *bolt.Tx) error {
		info := db.Info()
		size := uintptr(tx.Size())
		if info.Data == 0 || size == 0 {
			return nil
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, info.Data, size, syscall.MADV_DONTNEED); errno != 0 {
			return fmt.Errorf("madvise: %w", errno)
		}
		return nil
	})
}
