package query

import (
	"context"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/internal/kgtest"
)

// emptyStore opens an empty store on the memory backend (Cayley's
// memstore), for tests and examples that fill it themselves.
func emptyStore() graph.Store {
	st, err := cayleystore.Open(context.Background(), cayleystore.Config{Backend: cayleystore.BackendMemory}, nil)
	if err != nil {
		panic(err)
	}
	return st
}

// The tests run on the Cayley memory store.
func init() {
	backends = append(backends, struct {
		name string
		open func(t testing.TB, facts graph.DocumentFacts) graph.Store
	}{"memory", openMemory})
}

func openMemory(t testing.TB, facts graph.DocumentFacts) graph.Store {
	t.Helper()
	st := kgtest.MemoryStore(t, kgtest.Logger(t))
	if _, err := st.ReplaceDocument(context.Background(), facts); err != nil {
		t.Fatalf("load fixture: %v", err)
	}
	return st
}

// The tests also run on the bbolt backend, in a file per test.
func init() {
	backends = append(backends, struct {
		name string
		open func(t testing.TB, facts graph.DocumentFacts) graph.Store
	}{"bbolt", func(t testing.TB, facts graph.DocumentFacts) graph.Store {
		t.Helper()
		ctx := context.Background()
		st, err := cayleystore.Open(ctx, cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: t.TempDir() + "/kg.db"}, kgtest.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.ReplaceDocument(ctx, facts); err != nil {
			t.Fatalf("load fixture: %v", err)
		}
		return st
	}})
}
