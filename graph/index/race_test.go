package index_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/internal/synth"
)

// TestConcurrentWritesAndReads runs writers (curation puts and deletes)
// against readers of every method, through the index and directly on the
// store, on memory and bbolt. Run it with -race. Readers check invariants
// that hold in every consistent state; at the end the index must read
// exactly like its backing store.
func TestConcurrentWritesAndReads(t *testing.T) {
	for _, backend := range []string{cayleystore.BackendMemory, cayleystore.BackendBbolt} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			cfg := cayleystore.Config{Backend: backend}
			if backend == cayleystore.BackendBbolt {
				cfg.Path = filepath.Join(t.TempDir(), "kg.db")
			}
			backing, err := cayleystore.Open(ctx, cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			facts := synth.MustGenerate(synth.Config{Quads: 2000, Seed: 21})
			if _, err := backing.ReplaceDocument(ctx, facts); err != nil {
				t.Fatal(err)
			}
			ix, err := index.NewWithOptions(ctx, backing, nil, index.Options{Poll: 5 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			stores := map[string]graph.Store{"index": ix, "direct": backing}
			var ids []string
			for _, e := range facts.Entities {
				ids = append(ids, e.ID)
			}

			const writers, perWriter = 2, 8
			var wg sync.WaitGroup
			var stop atomic.Bool
			errs := make(chan error, 64)
			fail := func(err error) {
				select {
				case errs <- err:
				default:
				}
			}
			for w := 0; w < writers; w++ {
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; i < perWriter; i++ {
						id := fmt.Sprintf("org/race-%d-%d", w, i)
						f := graph.DocumentFacts{
							Document: graph.Document{ID: graph.CurationDocument, Title: "curation"},
							Entities: []graph.Entity{{ID: id, Kind: graph.KindInstitution, Name: fmt.Sprintf("并发机构%d-%d", w, i)}},
							Relations: []graph.Relation{{Subject: id, Predicate: "partners_with", Object: ids[(w*31+i*7)%len(ids)]},
								{Subject: id, Predicate: "supports", Object: ids[(w*17+i*13)%len(ids)]}},
						}
						if _, err := ix.PutFacts(ctx, f); err != nil {
							fail(fmt.Errorf("writer %d put %d: %w", w, i, err))
							return
						}
						if i%3 == 0 {
							rel := graph.RelationID(graph.CurationDocument, id, "supports", ids[(w*17+i*13)%len(ids)])
							if _, err := ix.DeleteRelation(ctx, rel); err != nil {
								fail(fmt.Errorf("writer %d delete %d: %w", w, i, err))
								return
							}
						}
					}
				}(w)
			}
			var readers sync.WaitGroup
			for name, st := range stores {
				for r := 0; r < 2; r++ {
					readers.Add(1)
					go func(name string, st graph.Store, r int) {
						defer readers.Done()
						for i := 0; !stop.Load(); i++ {
							if err := readOnce(ctx, st, ids[(i*11+r)%len(ids)], name == "index"); err != nil {
								fail(fmt.Errorf("%s reader %d: %w", name, r, err))
								return
							}
						}
					}(name, st, r)
				}
			}
			wg.Wait()
			stop.Store(true)
			readers.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			sameReads(t, backing, ix)
		})
	}
}

// readOnce runs every read once around id and checks invariants; scans
// and Stats (full scans on the Cayley store) only when all is set.
func readOnce(ctx context.Context, st graph.Store, id string, all bool) error {
	rels, err := st.RelationsOf(ctx, []string{id}, graph.RelationFilter{})
	if err != nil {
		return err
	}
	for _, r := range rels[id] {
		if r.Subject != id && r.Object != id {
			return fmt.Errorf("RelationsOf(%s) returned %s–%s", id, r.Subject, r.Object)
		}
	}
	if !sort.SliceIsSorted(rels[id], func(i, j int) bool { return rels[id][i].ID < rels[id][j].ID }) {
		return fmt.Errorf("RelationsOf(%s) not sorted", id)
	}
	ns, err := st.Neighbors(ctx, []string{id}, graph.RelationFilter{})
	if err != nil {
		return err
	}
	if !sort.StringsAreSorted(ns[id]) {
		return fmt.Errorf("Neighbors(%s) not sorted", id)
	}
	ents, err := st.Entities(ctx, append([]string{id}, ns[id]...))
	if err != nil {
		return err
	}
	if ents[0] == nil || ents[0].ID != id {
		return fmt.Errorf("Entities(%s) = %v", id, ents[0])
	}
	if _, err := st.LookupName(ctx, ents[0].Name); err != nil {
		return err
	}
	if !all {
		return nil
	}
	prev := ""
	n := 0
	if err := st.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool {
		if e.ID <= prev {
			err = fmt.Errorf("ScanEntities out of order: %s after %s", e.ID, prev)
			return false
		}
		prev = e.ID
		n++
		return n < 300
	}); err != nil {
		return err
	}
	if err != nil {
		return err
	}
	if _, err := st.Generation(ctx); err != nil {
		return err
	}
	_, err = st.Stats(ctx)
	return err
}
