package cayleystore

import (
	"encoding/binary"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cayleygraph/cayley/graph/kv"
	bolt "go.etcd.io/bbolt"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/synth"
)

// checkKVIndexes verifies a closed bbolt store: its recorded index list is
// want, every index of want lists every live quad under its key, and no
// entry names a live quad whose nodes do not match the key (dead quad IDs
// may stay listed: Cayley's kv never removes them).
func checkKVIndexes(t *testing.T, path string, want []kv.QuadIndex) {
	t.Helper()
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bolt.Tx) error {
		have, err := storedQuadIndexes(tx)
		if err != nil {
			return err
		}
		if !slices.EqualFunc(have, want, sameIndex) {
			return fmt.Errorf("index list %v, want %v", have, want)
		}
		links, err := liveLinks(tx)
		if err != nil {
			return err
		}
		if len(links) == 0 {
			return fmt.Errorf("no live quads")
		}
		byID := make(map[uint64]link, len(links))
		for _, l := range links {
			byID[l.id] = l
		}
		for _, ind := range want {
			b := tx.Bucket(indexBucket(ind))
			if b == nil {
				return fmt.Errorf("index %v: no bucket", ind.Dirs)
			}
			listed := map[uint64]bool{}
			err := b.ForEach(func(k, v []byte) error {
				for len(v) > 0 {
					id, n := binary.Uvarint(v)
					if n <= 0 {
						return fmt.Errorf("index %v key %x: bad list", ind.Dirs, k)
					}
					v = v[n:]
					l, live := byID[id]
					if !live {
						continue
					}
					for i, d := range ind.Dirs {
						if got := binary.BigEndian.Uint64(k[8*i:]); got != l.dirs[dirIndex(d)] {
							return fmt.Errorf("index %v key %x lists quad %d with %v node %d", ind.Dirs, k, id, d, l.dirs[dirIndex(d)])
						}
					}
					listed[id] = true
				}
				return nil
			})
			if err != nil {
				return err
			}
			if len(listed) != len(links) {
				return fmt.Errorf("index %v lists %d of %d live quads", ind.Dirs, len(listed), len(links))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// graphView is what the tests compare between stores: every entity and
// relation (with evidence) and the documents.
type graphView struct {
	Entities  []*graph.Entity
	Relations []*graph.Relation
	Docs      []graph.Document
}

func viewOf(t *testing.T, s *Store) graphView {
	t.Helper()
	ctx := t.Context()
	var v graphView
	if err := s.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool { v.Entities = append(v.Entities, e); return true }); err != nil {
		t.Fatal(err)
	}
	if err := s.ScanRelations(ctx, func(r *graph.Relation) bool { v.Relations = append(v.Relations, r); return true }); err != nil {
		t.Fatal(err)
	}
	var err error
	if v.Docs, err = s.Documents(ctx); err != nil {
		t.Fatal(err)
	}
	return v
}

// writeHistory runs writes that leave dead quads in the kv log and its
// index lists: a load, a replacement by a different graph of the same
// document, a second document, and a relation delete.
func writeHistory(t *testing.T, s *Store) {
	t.Helper()
	ctx := t.Context()
	a := synth.MustGenerate(synth.Config{Quads: 600, Seed: 1})
	b := synth.MustGenerate(synth.Config{Quads: 600, Seed: 2})
	c := synth.MustGenerate(synth.Config{Quads: 300, Seed: 3, Document: "doc/other"})
	for _, f := range []graph.DocumentFacts{a, b, c} {
		if _, err := s.ReplaceDocument(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.DeleteRelation(ctx, c.Relations[0].ID); err != nil {
		t.Fatal(err)
	}
}

// TestBboltMigratesQuadIndexes opens stores written with older index
// layouts: the indexes are rebuilt once, reads are unchanged, and later
// writes give the same graph as on a store made with the current layout.
func TestBboltMigratesQuadIndexes(t *testing.T) {
	ctx := t.Context()
	next := synth.MustGenerate(synth.Config{Quads: 600, Seed: 4})
	fresh := openT(t, Config{Backend: BackendBbolt, Path: filepath.Join(t.TempDir(), "fresh.db")})
	writeHistory(t, fresh)
	if _, err := fresh.ReplaceDocument(ctx, next); err != nil {
		t.Fatal(err)
	}
	wantAfter := viewOf(t, fresh)

	for _, tc := range []struct {
		name    string
		layout  []kv.QuadIndex
		dropped []string // buckets the migration removes
	}{
		{"predicate and label", legacyQuadIndexes, []string{"p", "c"}},
		{"cayley defaults", kv.DefaultQuadIndexes, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kg.db")
			cfg := Config{Backend: BackendBbolt, Path: path}
			old, err := openBboltIndexes(cfg, testLogger(t), tc.layout)
			if err != nil {
				t.Fatal(err)
			}
			old.backend, old.log = BackendBbolt, testLogger(t)
			writeHistory(t, old)
			before := viewOf(t, old)
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			checkKVIndexes(t, path, tc.layout)

			s := openT(t, cfg)
			if got := viewOf(t, s); !reflect.DeepEqual(got, before) {
				t.Fatalf("reads differ after migration")
			}
			if _, err := s.ReplaceDocument(ctx, next); err != nil {
				t.Fatal(err)
			}
			if got := viewOf(t, s); !reflect.DeepEqual(got, wantAfter) {
				t.Errorf("graph after a write on the migrated store differs from the same writes on a new store")
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			checkKVIndexes(t, path, quadIndexes)
			db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second, ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.View(func(tx *bolt.Tx) error {
				for _, name := range tc.dropped {
					if tx.Bucket([]byte(name)) != nil {
						return fmt.Errorf("bucket %q of a dropped index is still there", name)
					}
				}
				return nil
			}); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestBboltSmallWriteCost checks structurally that a small write costs what
// it touches, not what the store holds: the kv traffic (keys read, bytes
// read and written, scanned entries) of small writes into a store holding
// one big document must not grow with that document. Before the bounded
// indexes, each quad existence check decoded index lists as long as the
// store, and every write rewrote them.
func TestBboltSmallWriteCost(t *testing.T) {
	if testing.Short() {
		t.Skip("loads two synthetic graphs")
	}
	ctx := t.Context()
	small := synth.MustGenerate(synth.Config{Quads: 300, Seed: 3, Document: "doc/small"})
	// writes returns the kv traffic of each small write into a store whose
	// big document has n quads.
	writes := func(n int) map[string]kvCounter {
		s := openT(t, Config{Backend: BackendBbolt, Path: filepath.Join(t.TempDir(), "kg.db")})
		big := synth.MustGenerate(synth.Config{Quads: n, Seed: 1})
		if _, err := s.ReplaceDocument(ctx, big); err != nil {
			t.Fatal(err)
		}
		out := map[string]kvCounter{}
		measure := func(name string, write func() (graph.Change, error)) {
			t.Helper()
			c := &kvCounter{}
			s.skv.counter = c
			ch, err := write()
			s.skv.counter = nil
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if ch.QuadsAdded+ch.QuadsRemoved == 0 {
				t.Fatalf("%s changed nothing", name)
			}
			out[name] = *c
		}
		measure("new small document", func() (graph.Change, error) { return s.ReplaceDocument(ctx, small) })
		// One entity of the big document gets an alias and one relation
		// is added. The entities are the least connected ones: reading an
		// entity costs its degree, and hubs grow with the graph.
		degree := map[string]int{}
		for _, r := range big.Relations {
			degree[r.Subject]++
			degree[r.Object]++
		}
		ents := slices.Clone(big.Entities)
		slices.SortStableFunc(ents, func(a, b graph.Entity) int { return degree[a.ID] - degree[b.ID] })
		e := ents[0]
		e.Aliases = append(slices.Clone(e.Aliases), "新别名")
		put := graph.DocumentFacts{Document: big.Document, Entities: []graph.Entity{e},
			Relations: []graph.Relation{{Subject: ents[1].ID, Predicate: "partners_with", Object: ents[2].ID}}}
		measure("put facts into the big document", func() (graph.Change, error) { return s.PutFacts(ctx, put) })
		measure("delete a relation of the big document", func() (graph.Change, error) {
			return s.DeleteRelation(ctx, big.Relations[len(big.Relations)/2].ID)
		})
		measure("replace the small document", func() (graph.Change, error) {
			f := small
			f.Entities = f.Entities[1:]
			f.Relations = slices.DeleteFunc(slices.Clone(f.Relations), func(r graph.Relation) bool {
				return r.Subject == small.Entities[0].ID || r.Object == small.Entities[0].ID
			})
			return s.ReplaceDocument(ctx, f)
		})
		return out
	}
	const n1, n2 = 2000, 16000
	a, b := writes(n1), writes(n2)
	for name, ca := range a {
		cb := b[name]
		t.Logf("%s: %d quads: %+v; %d quads: %+v", name, n1, ca, n2, cb)
		for _, m := range []struct {
			what   string
			va, vb int
		}{
			{"keys read", ca.gets, cb.gets},
			{"bytes read", ca.readBytes, cb.readBytes},
			{"entries scanned", ca.scanned, cb.scanned},
			{"bytes written", ca.putBytes, cb.putBytes},
		} {
			// 8× the store: allow 25 % plus a little for hash buckets and
			// varint widths, far below the 8× of a cost that scales.
			if float64(m.vb) > 1.25*float64(m.va)+256 {
				t.Errorf("%s: %s grows with the store: %d at %d quads, %d at %d quads", name, m.what, m.va, n1, m.vb, n2)
			}
		}
	}
}
