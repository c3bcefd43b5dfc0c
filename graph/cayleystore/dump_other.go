//go:build !linux

package cayleystore

import bolt "go.etcd.io/bbolt"

// releaseMapped does nothing here; see dump_linux.go.
func releaseMapped(*bolt.DB) error { return nil }
