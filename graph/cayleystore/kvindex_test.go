package cayleystore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	cproto "github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	bolt "go.etcd.io/bbolt"
	"google.golang.org/protobuf/proto"

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

// kvContent is the logical content of a closed bbolt store's kv layout:
// every node value with its reference count, the live quads, the dead
// quad count, the recorded size, and whether the horizon covers every ID.
type kvContent struct {
	Nodes   map[string]uint64 // value (N-Quads form) -> reference count
	Quads   []string          // live quads, sorted N-Quads lines
	Dead    int
	Size    int64
	Horizon bool
}

// readKVContent decodes the kv layout of the bbolt file at path, checking
// that the value and reference buckets and the log agree.
func readKVContent(t *testing.T, path string) kvContent {
	t.Helper()
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c := kvContent{Nodes: map[string]uint64{}}
	err = db.View(func(tx *bolt.Tx) error {
		vals := map[uint64]quad.Value{}
		var quads [][4]uint64
		var maxID uint64
		err := tx.Bucket([]byte("log")).ForEach(func(k, v []byte) error {
			var p cproto.Primitive
			if err := proto.Unmarshal(v, &p); err != nil {
				return err
			}
			if p.ID != binary.BigEndian.Uint64(k) {
				return fmt.Errorf("log key %x holds ID %d", k, p.ID)
			}
			maxID = max(maxID, p.ID)
			switch {
			case len(p.Value) > 0:
				qv, err := pquads.UnmarshalValue(p.Value)
				if err != nil {
					return err
				}
				vals[p.ID] = qv
			case p.Deleted:
				c.Dead++
			default:
				quads = append(quads, [4]uint64{p.Subject, p.Predicate, p.Object, p.Label})
			}
			return nil
		})
		if err != nil {
			return err
		}
		for id, v := range vals {
			h := quad.HashOf(v)
			b := tx.Bucket([]byte{'v', h[0], h[1]})
			got, _ := binary.Uvarint(b.Get(h))
			if got != id {
				return fmt.Errorf("node %v (ID %d): value bucket says %d", v, id, got)
			}
			rc := tx.Bucket([]byte{'n', h[0], h[1]}).Get(h)
			if rc == nil {
				return fmt.Errorf("node %v: no reference count", v)
			}
			n, _ := binary.Uvarint(rc)
			c.Nodes[quad.StringOf(v)] = n
		}
		for _, ids := range quads {
			var q quad.Quad
			for i, d := range quad.Directions {
				if ids[i] == 0 {
					continue
				}
				v, ok := vals[ids[i]]
				if !ok {
					return fmt.Errorf("quad %v: node %d missing", ids, ids[i])
				}
				q.Set(d, v)
			}
			c.Quads = append(c.Quads, q.NQuad())
		}
		slices.Sort(c.Quads)
		meta := tx.Bucket([]byte("meta"))
		c.Size = int64(binary.LittleEndian.Uint64(meta.Get([]byte("size"))))
		c.Horizon = binary.LittleEndian.Uint64(meta.Get([]byte("horizon"))) >= maxID
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return c
}

// TestAppendQuadsMatchesCayley runs the same writes on two bbolt stores,
// one adding quads with appendQuads and one with Cayley's ApplyDeltas, and
// compares the kv layouts they leave: nodes with reference counts, live
// and dead quads, size, and complete indexes.
func TestAppendQuadsMatchesCayley(t *testing.T) {
	ctx := t.Context()
	var got []kvContent
	for _, cayley := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "kg.db")
		s := openT(t, Config{Backend: BackendBbolt, Path: path})
		s.cayleyAdds = cayley
		writeHistory(t, s)
		// PutFacts adds quads whose nodes all exist (a relation between
		// known entities, a known alias), and appends to index entries.
		f := synth.MustGenerate(synth.Config{Quads: 600, Seed: 2})
		e := f.Entities[3]
		e.Aliases = append(slices.Clone(e.Aliases), f.Entities[4].Name)
		put := graph.DocumentFacts{Document: graph.Document{ID: "doc/other"}, Entities: []graph.Entity{e},
			Relations: []graph.Relation{{Subject: f.Entities[5].ID, Predicate: "partners_with", Object: f.Entities[6].ID}}}
		if _, err := s.PutFacts(ctx, put); err != nil {
			t.Fatal(err)
		}
		if err := s.AppendAudit(ctx, graph.AuditEntry{ID: "a1", Actor: "t", Action: "x", Target: "y", At: time.Unix(1, 0).UTC()}); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		checkKVIndexes(t, path, quadIndexes)
		c := readKVContent(t, path)
		if int64(len(c.Quads)) != c.Size || !c.Horizon || c.Dead == 0 {
			t.Errorf("cayley=%v: %d live quads, size %d, horizon ok %v, %d dead", cayley, len(c.Quads), c.Size, c.Horizon, c.Dead)
		}
		got = append(got, c)
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		a, b := got[0], got[1]
		t.Errorf("appendQuads and ApplyDeltas leave different stores: %d/%d nodes, %d/%d quads, %d/%d dead, size %d/%d",
			len(a.Nodes), len(b.Nodes), len(a.Quads), len(b.Quads), a.Dead, b.Dead, a.Size, b.Size)
		for v, n := range a.Nodes {
			if b.Nodes[v] != n {
				t.Errorf("node %s: %d references, Cayley %d", v, n, b.Nodes[v])
			}
		}
		for v := range b.Nodes {
			if _, ok := a.Nodes[v]; !ok {
				t.Errorf("node %s only in Cayley's store", v)
			}
		}
	}
}

// TestAppendQuadsExisting: adding a quad that is stored fails with
// ErrQuadExists and leaves the store as it was; repeated quads in one call
// are written once.
func TestAppendQuadsExisting(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "kg.db")
	s := openT(t, Config{Backend: BackendBbolt, Path: path})
	q := quad.MakeIRI("a", "b", "c", "g")
	add := func(qs ...quad.Quad) error {
		return s.inTx(func() error { return appendQuads(ctx, s.skv.tx, s.kvIndexes, qs) })
	}
	if err := add(q, q, quad.MakeIRI("a", "b", "d", "")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		qs   []quad.Quad
	}{
		{"stored quad", []quad.Quad{q}},
		{"stored quad after a new one", []quad.Quad{quad.MakeIRI("x", "b", "c", "g"), q}},
	} {
		if err := add(tc.qs...); !errors.Is(err, cgraph.ErrQuadExists) {
			t.Errorf("%s: %v, want ErrQuadExists", tc.name, err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	c := readKVContent(t, path)
	want := []string{quad.MakeIRI("a", "b", "c", "g").NQuad(), quad.MakeIRI("a", "b", "d", "").NQuad()}
	slices.Sort(want)
	if !slices.Equal(c.Quads, want) || c.Size != 2 || c.Nodes["<a>"] != 2 || c.Nodes["<g>"] != 1 {
		t.Errorf("store after failed adds: %+v", c)
	}
}

// TestBboltWriteCostIndependentOfHistory checks structurally that a write
// does not get dearer with the number of writes before it: every write
// replaces the generation quad, and Cayley's kv keeps dead quad IDs in
// index entries, so without pruning the generation's entries (read by
// every write) grow by one ID per write.
func TestBboltWriteCostIndependentOfHistory(t *testing.T) {
	ctx := t.Context()
	s := openT(t, Config{Backend: BackendBbolt, Path: filepath.Join(t.TempDir(), "kg.db")})
	f := synth.MustGenerate(synth.Config{Quads: 300, Seed: 3})
	if _, err := s.ReplaceDocument(ctx, f); err != nil {
		t.Fatal(err)
	}
	e := f.Entities[0]
	writes := 0
	write := func() kvCounter {
		t.Helper()
		e.Aliases = []string{fmt.Sprintf("别名%d", writes)}
		writes++
		c := &kvCounter{}
		s.skv.counter = c
		_, err := s.PutFacts(ctx, graph.DocumentFacts{Document: graph.Document{ID: f.Document.ID}, Entities: []graph.Entity{e}})
		s.skv.counter = nil
		if err != nil {
			t.Fatal(err)
		}
		return *c
	}
	var early, late kvCounter
	for writes < 600 {
		c := write()
		switch writes {
		case 20:
			early = c
		case 600:
			late = c
		}
	}
	t.Logf("write 20: %+v; write 600: %+v", early, late)
	for _, m := range []struct {
		what   string
		va, vb int
	}{
		{"keys read", early.gets, late.gets},
		{"bytes read", early.readBytes, late.readBytes},
		{"bytes written", early.putBytes, late.putBytes},
	} {
		// Pruning happens at doublings of an entry from 256 bytes: allow
		// one pruning's worth.
		if m.vb > 2*m.va+512 {
			t.Errorf("%s grows with the number of writes: %d at write 20, %d at write 600", m.what, m.va, m.vb)
		}
	}
}
