// Package kgtest holds test helpers shared by the tests of several
// packages: a memory store on the real (Cayley) backend, the same store
// loaded with the curated dataset, and a store wrapper that counts calls.
//
// It is imported by tests only. It may not be imported by the tests of
// graph/cayleystore or seed themselves (it imports both).
package kgtest

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/seed"
)

// MemoryStore opens an empty store on the memory backend, closed at t's
// cleanup. A nil log discards the store's log.
func MemoryStore(t testing.TB, log *slog.Logger) graph.Store {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendMemory}, log)
	if err != nil {
		t.Fatalf("open memory store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// DatasetStore is a MemoryStore loaded with the curated dataset (seed/data,
// as compiled into the binary, so the test's working directory does not
// matter). It fails t if the dataset does not load or loads nothing.
func DatasetStore(t testing.TB, log *slog.Logger) graph.Store {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	st := MemoryStore(t, log)
	ds, err := seed.Embedded()
	if err != nil {
		t.Fatalf("seed: %v", err)
	}
	if _, err := ds.Load(t.Context(), st, log); err != nil {
		t.Fatalf("seed: %v", err)
	}
	return st
}

// Logger returns a logger that writes warnings and errors to t's log (shown
// with the test's output when it fails or with go test -v), so that what a
// component logs stays attached to the test that made it log.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
