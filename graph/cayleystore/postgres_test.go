package cayleystore

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/storetest"
)

// pgDSN returns the DSN of the test server (scripts/pg.sh start prints
// it). Without one the test fails under CI and is skipped elsewhere.
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

// freshDatabase creates an empty database on the test server, dropped at
// cleanup, and returns its DSN.
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
	name := "kgtest_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	out, err := withDatabase(dsn, name)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// withDatabase returns dsn pointing at database name, for both URL and
// key=value DSNs.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("KG_TEST_PG_DSN: %w", err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	return dsn + " dbname=" + name, nil
}

func TestPostgres(t *testing.T) {
	dsn := pgDSN(t)
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openT(t, Config{Backend: BackendPostgres, DSN: freshDatabase(t, dsn)})
	})
}

// TestPostgresSharedDatabase opens two stores on one database, as two
// replicas would: each sees the other's writes, Generation included, and
// concurrent writers through both end in a consistent graph.
func TestPostgresSharedDatabase(t *testing.T) {
	db := freshDatabase(t, pgDSN(t))
	a := openT(t, Config{Backend: BackendPostgres, DSN: db})
	b := openT(t, Config{Backend: BackendPostgres, DSN: db})
	ctx := t.Context()

	g0, err := b.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc := func(id string, n int) graph.DocumentFacts {
		f := graph.DocumentFacts{Document: graph.Document{ID: id, Title: id}}
		for i := range n {
			f.Entities = append(f.Entities, graph.Entity{ID: fmt.Sprintf("%s/e%d", strings.ReplaceAll(id, "doc/", "org/"), i), Kind: graph.KindInstitution, Name: fmt.Sprintf("%s 第%d", id, i)})
		}
		return f
	}
	if _, err := a.ReplaceDocument(ctx, doc("doc/one", 3)); err != nil {
		t.Fatal(err)
	}
	g1, err := b.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g1 == g0 {
		t.Errorf("replica's Generation stayed %d after the other replica wrote", g1)
	}
	if es, err := b.Entities(ctx, []string{"org/one/e0"}); err != nil || es[0] == nil {
		t.Errorf("replica does not see the other's entity: %v %v", es, err)
	}

	// Concurrent writers on both replicas, to different documents: every
	// write lands, and the generation moved once per write.
	const rounds = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*rounds)
	for i, s := range []*Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				if _, err := s.ReplaceDocument(ctx, doc(fmt.Sprintf("doc/w%d", i), r+1)); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent write: %v", err)
	}
	g2, err := a.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g2 != g1+2*rounds {
		t.Errorf("generation %d after %d writes from %d; want %d", g2, 2*rounds, g1, g1+2*rounds)
	}
	var quads []int64
	for _, s := range []*Store{a, b} {
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Entities != 3+2*rounds || st.Documents != 3 {
			t.Errorf("stats after concurrent writes: %+v", st)
		}
		quads = append(quads, st.Quads)
	}
	if quads[0] != quads[1] {
		t.Errorf("replicas count %d and %d quads", quads[0], quads[1])
	}
	// b has just counted; a write through a must show in b's count.
	if _, err := a.ReplaceDocument(ctx, doc("doc/two", 2)); err != nil {
		t.Fatal(err)
	}
	sa, errA := a.Stats(ctx)
	sb, errB := b.Stats(ctx)
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if sb.Quads != sa.Quads || sb.Quads <= quads[1] || sb.Entities != sa.Entities {
		t.Errorf("after a's write: a counts %d quads/%d entities, b %d/%d (before: %d quads)", sa.Quads, sa.Entities, sb.Quads, sb.Entities, quads[1])
	}
}

// TestPostgresUnavailable needs no server: nothing listens on the port.
func TestPostgresUnavailable(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"nothing listening", Config{Backend: BackendPostgres, DSN: "postgres://kg:secret@127.0.0.1:1/kg?sslmode=disable&connect_timeout=2"}, graph.ErrUnavailable},
		{"empty DSN", Config{Backend: BackendPostgres}, nil},
		{"unknown backend", Config{Backend: "leveldb"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(t.Context(), tc.cfg, testLogger(t))
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Open: %v, want %v", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}
}
