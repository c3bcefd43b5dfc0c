package query

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/minhang-kg/kg/graph"
)

// buildTimeout bounds one snapshot build. The build runs detached from the
// request that triggered it (others may be waiting for it), so it needs a
// bound of its own.
const buildTimeout = 2 * time.Minute

// snapshot is everything derived from one generation of the store. It is
// immutable once built and shared by concurrent requests.
type snapshot struct {
	gen int64

	entities map[string]*entry // by ID
	order    []*entry          // sorted by ID

	degree map[string]int // stored relations per entity
	ranked []string       // entity IDs by degree desc, then ID

	// Partnerships are derived on first use (partnerIndex): at 1e6 quads
	// there are millions, which take seconds and hundreds of MB to build,
	// and most requests (search, stats, paths) never need them.
	joint     *jointBuilder // the joint relations, until the index is built
	pairsOnce sync.Once
	pairsDone chan struct{} // closed once pidx is set
	pidx      *pairIndex

	indicators []string // INDICATOR entity IDs in source-text order

	pinyin [][]string // the sets searchKey.syl indexes (pinyinCache.sets)

	relations int
}

// pairIndex is every partnership of a snapshot.
type pairIndex struct {
	pairs   []*pair            // every partnership, in global order (see pairCmp)
	pairsOf map[string][]*pair // entity ID → its partnerships, by strength desc then partner ID
}

// partnerIndex returns the snapshot's partnerships, building them on the
// first call. The build runs detached, so a caller whose ctx ends stops
// waiting and the next caller finds it done or under way.
func (snap *snapshot) partnerIndex(ctx context.Context) (*pairIndex, error) {
	snap.pairsOnce.Do(func() {
		go func() {
			snap.pidx = snap.joint.index()
			snap.joint = nil
			close(snap.pairsDone)
		}()
	})
	select {
	case <-snap.pairsDone:
		return snap.pidx, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("query: waiting for the partnership index: %w", ctx.Err())
	}
}

// entry is what the snapshot keeps of an entity: enough to search, filter
// by kind and rank, not the full entity (that is read on demand).
type entry struct {
	id     string
	kind   graph.Kind
	keys   []searchKey
	degree int // == snapshot.degree[id], kept here for the search loop
}

// pair is one partnership between a and b (a < b).
type pair struct {
	a, b string
	// via are the shared context entities, sorted; ctxRels[i] are the stored
	// joint relations of a and b to via[i], sorted by ID.
	via     []string
	ctxRels [][]string
	// explicit are stored symmetric joint relations between a and b, sorted.
	explicit []string
	// n is the strength: len(via) + len(explicit), set once built.
	n int
}

func (p *pair) strength() int { return p.n }

func (p *pair) other(id string) string {
	if p.a == id {
		return p.b
	}
	return p.a
}

// pairCmp is the global partnership order: strongest first, then by the
// two IDs.
func pairCmp(x, y *pair) int {
	if c := cmp.Compare(y.strength(), x.strength()); c != 0 {
		return c
	}
	if c := cmp.Compare(x.a, y.a); c != 0 {
		return c
	}
	return cmp.Compare(x.b, y.b)
}

// build reads the whole store once (one entity scan, one relation scan) and
// derives the snapshot for generation gen.
func (s *Service) build(ctx context.Context, gen int64) (*snapshot, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	began := time.Now()

	snap := &snapshot{
		gen:       gen,
		entities:  make(map[string]*entry),
		degree:    make(map[string]int),
		pairsDone: make(chan struct{}),
	}
	py := newPinyinCache()
	type indPos struct {
		id         string
		doc        string
		start      int
		noEvidence bool
	}
	var inds []indPos
	err := s.store.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool {
		en := &entry{id: e.ID, kind: e.Kind, keys: entityKeys(e, py)}
		snap.entities[e.ID] = en
		snap.order = append(snap.order, en)
		if e.Kind == graph.KindIndicator {
			p := indPos{id: e.ID, noEvidence: len(e.Evidence) == 0}
			if !p.noEvidence {
				p.doc, p.start = e.Evidence[0].Document, e.Evidence[0].Start
				for _, ev := range e.Evidence[1:] {
					if ev.Document < p.doc || ev.Document == p.doc && ev.Start < p.start {
						p.doc, p.start = ev.Document, ev.Start
					}
				}
			}
			inds = append(inds, p)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("query: build index: scan entities: %w", err)
	}
	snap.pinyin = py.sets
	// ScanEntities is ordered by ID; sort anyway so that the order never
	// depends on a backend's behaviour.
	slices.SortFunc(snap.order, func(x, y *entry) int { return cmp.Compare(x.id, y.id) })
	slices.SortFunc(inds, func(x, y indPos) int {
		if x.noEvidence != y.noEvidence {
			if x.noEvidence {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(x.doc, y.doc), cmp.Compare(x.start, y.start), cmp.Compare(x.id, y.id))
	})
	for _, p := range inds {
		snap.indicators = append(snap.indicators, p.id)
	}

	jb := newJointBuilder()
	jb.log = s.log
	err = s.store.ScanRelations(ctx, func(r *graph.Relation) bool {
		snap.relations++
		snap.degree[r.Subject]++
		if r.Object != r.Subject {
			snap.degree[r.Object]++
		}
		jb.add(r)
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("query: build index: scan relations: %w", err)
	}
	snap.joint = jb

	snap.ranked = make([]string, 0, len(snap.order))
	for _, en := range snap.order {
		en.degree = snap.degree[en.id]
		snap.ranked = append(snap.ranked, en.id)
	}
	slices.SortStableFunc(snap.ranked, func(x, y string) int {
		return cmp.Compare(snap.degree[y], snap.degree[x]) // stable: ties stay by ID
	})

	s.builds.Add(1)
	s.log.LogAttrs(ctx, slog.LevelInfo, "query index built",
		slog.Int64("generation", gen),
		slog.Int("entities", len(snap.order)),
		slog.Int("relations", snap.relations),
		slog.Duration("took", time.Since(began)))
	return snap, nil
}

// jointBuilder collects joint relations and derives partnerships.
type jointBuilder struct {
	log *slog.Logger // nil: no log
	// contexts: object → subject → IDs of its non-symmetric joint relations
	// to that object.
	contexts map[string]map[string][]string
	explicit map[[2]string][]string
}

func newJointBuilder() *jointBuilder {
	return &jointBuilder{contexts: make(map[string]map[string][]string), explicit: make(map[[2]string][]string)}
}

func (b *jointBuilder) add(r *graph.Relation) {
	p, ok := graph.LookupPredicate(r.Predicate)
	if !ok || !p.Joint || r.Subject == r.Object {
		return
	}
	if p.Symmetric {
		k := [2]string{r.Subject, r.Object}
		if k[1] < k[0] {
			k[0], k[1] = k[1], k[0]
		}
		b.explicit[k] = append(b.explicit[k], r.ID)
		return
	}
	subs := b.contexts[r.Object]
	if subs == nil {
		subs = make(map[string][]string)
		b.contexts[r.Object] = subs
	}
	subs[r.Subject] = append(subs[r.Subject], r.ID)
}

// index derives every partnership and each entity's list.
func (b *jointBuilder) index() *pairIndex {
	began := time.Now()
	idx := &pairIndex{pairs: b.pairs(), pairsOf: make(map[string][]*pair)}
	for _, p := range idx.pairs {
		idx.pairsOf[p.a] = append(idx.pairsOf[p.a], p)
		idx.pairsOf[p.b] = append(idx.pairsOf[p.b], p)
	}
	for id, ps := range idx.pairsOf {
		slices.SortFunc(ps, func(x, y *pair) int {
			return cmp.Or(cmp.Compare(y.strength(), x.strength()), cmp.Compare(x.other(id), y.other(id)))
		})
	}
	if b.log != nil {
		b.log.Info("query partnership index built", "partnerships", len(idx.pairs), "took", time.Since(began).Round(time.Millisecond))
	}
	return idx
}

func (b *jointBuilder) pairs() []*pair {
	m := make(map[[2]string]*pair)
	get := func(x, y string) *pair {
		k := [2]string{x, y}
		p := m[k]
		if p == nil {
			p = &pair{a: x, b: y}
			m[k] = p
		}
		return p
	}
	for k, ids := range b.explicit {
		p := get(k[0], k[1])
		p.explicit = append(p.explicit, ids...)
	}
	ctxs := make([]string, 0, len(b.contexts))
	for c := range b.contexts {
		ctxs = append(ctxs, c)
	}
	slices.Sort(ctxs) // so that via comes out sorted
	for _, c := range ctxs {
		subs := b.contexts[c]
		if len(subs) < 2 {
			continue
		}
		ids := make([]string, 0, len(subs))
		for sub := range subs {
			ids = append(ids, sub)
		}
		slices.Sort(ids)
		for i, x := range ids {
			for _, y := range ids[i+1:] {
				p := get(x, y)
				rels := append(slices.Clone(subs[x]), subs[y]...)
				slices.Sort(rels)
				p.via = append(p.via, c)
				p.ctxRels = append(p.ctxRels, slices.Compact(rels))
			}
		}
	}
	out := make([]*pair, 0, len(m))
	for _, p := range m {
		slices.Sort(p.explicit)
		p.explicit = slices.Compact(p.explicit)
		p.n = len(p.via) + len(p.explicit)
		out = append(out, p)
	}
	slices.SortFunc(out, pairCmp)
	return out
}
