package cayleystore

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/storetest"
	"github.com/minhang-kg/kg/internal/pgtest"
)

func TestPostgres(t *testing.T) {
	pgtest.Server(t) // skip (or fail under CI) once, not in every subtest
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openT(t, Config{Backend: BackendPostgres, DSN: pgtest.DSN(t)})
	})
}

// TestPostgresSharedDatabase opens two stores on one database, as two
// replicas would: each sees the other's writes, Generation included, and
// concurrent writers through both end in a consistent graph.
func TestPostgresSharedDatabase(t *testing.T) {
	db := pgtest.DSN(t)
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
