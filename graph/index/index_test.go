package index_test

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/graph/storetest"
	"github.com/minhang-kg/kg/internal/pgtest"
)

// openIndexed opens a store of cfg behind an index, closed at cleanup.
func openIndexed(t *testing.T, cfg cayleystore.Config, poll time.Duration) graph.Store {
	t.Helper()
	backing, err := cayleystore.Open(t.Context(), cfg, nil)
	if err != nil {
		t.Fatalf("open %s: %v", cfg.Backend, err)
	}
	ix, err := index.NewWithOptions(t.Context(), backing, nil, index.Options{Poll: poll})
	if err != nil {
		backing.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// The shared store suite passes with the index in front of every backend,
// as it does without (graph/cayleystore's TestMemory, TestBbolt,
// TestPostgres).
func TestStoreSuiteMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openIndexed(t, cayleystore.Config{Backend: cayleystore.BackendMemory}, -1)
	})
}

// The same without graph.Dumper: the index loads through the scans.
func TestStoreSuiteMemoryScans(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		backing, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendMemory}, nil)
		if err != nil {
			t.Fatal(err)
		}
		ix, err := index.NewWithOptions(t.Context(), scansOnly{backing}, nil, index.Options{Poll: -1})
		if err != nil {
			backing.Close()
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	})
}

func TestStoreSuiteBbolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openIndexed(t, cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: filepath.Join(t.TempDir(), "kg.db")}, -1)
	})
}

func TestStoreSuitePostgres(t *testing.T) {
	pgtest.Server(t) // skip (or fail under CI) once, not in every subtest
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openIndexed(t, cayleystore.Config{Backend: cayleystore.BackendPostgres, DSN: pgtest.DSN(t)}, 50*time.Millisecond)
	})
}

// TestPostgresReplicas: two indexed stores on one PostgreSQL database, as
// two kg serve replicas: a write through either shows through the other.
func TestPostgresReplicas(t *testing.T) {
	db := pgtest.DSN(t)
	cfg := cayleystore.Config{Backend: cayleystore.BackendPostgres, DSN: db}
	a := openIndexed(t, cfg, 20*time.Millisecond)
	b := openIndexed(t, cfg, 20*time.Millisecond)
	ctx := t.Context()
	put := func(s graph.Store, id, name string) {
		t.Helper()
		f := graph.DocumentFacts{
			Document: graph.Document{ID: graph.CurationDocument, Title: "curation"},
			Entities: []graph.Entity{{ID: id, Kind: graph.KindInstitution, Name: name}},
		}
		if _, err := s.PutFacts(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	waitFor := func(s graph.Store, name, id string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			ids, err := s.LookupName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Equal(ids, []string{id}) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s (%s) never became visible through the other replica", id, name)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	put(a, "org/replica-a", "副本甲")
	waitFor(b, "副本甲", "org/replica-a")
	put(b, "org/replica-b", "副本乙")
	waitFor(a, "副本乙", "org/replica-b")
	sameReads(t, a, b)
}
