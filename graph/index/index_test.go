package index_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/graph/storetest"
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

func TestStoreSuiteBbolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openIndexed(t, cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: filepath.Join(t.TempDir(), "kg.db")}, -1)
	})
}

func TestStoreSuitePostgres(t *testing.T) {
	dsn := pgDSN(t)
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openIndexed(t, cayleystore.Config{Backend: cayleystore.BackendPostgres, DSN: freshDatabase(t, dsn)}, 50*time.Millisecond)
	})
}

// TestPostgresReplicas: two indexed stores on one PostgreSQL database, as
// two kg serve replicas: a write through either shows through the other.
func TestPostgresReplicas(t *testing.T) {
	db := freshDatabase(t, pgDSN(t))
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

// pgDSN is KG_TEST_PG_DSN (scripts/pg.sh start); without it the test fails
// under CI and is skipped elsewhere.
func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("KG_TEST_PG_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("KG_TEST_PG_DSN is not set (CI=true): start PostgreSQL with scripts/pg.sh start")
		}
		t.Skip("KG_TEST_PG_DSN is not set; run: eval \"$(scripts/pg.sh start)\"")
	}
	return dsn
}

// freshDatabase creates an empty database, dropped at cleanup, and returns
// its DSN.
func freshDatabase(t *testing.T, dsn string) string {
	t.Helper()
	admin, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "kgindex_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("KG_TEST_PG_DSN: %v", err)
		}
		u.Path = "/" + name
		return u.String()
	}
	return dsn + " dbname=" + name
}
