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

	// joints are the joint relations by context and by explicit pair,
	// built with the snapshot (linear in the relations): enough to answer
	// one entity's partners. Every partnership (Partnerships) is derived on
	// first use (partnerIndex): at 1e6 quads there are millions, which take
	// seconds and hundreds of MB to build, and most requests (search,
	// stats, paths, partners) never need them.
	joints    *jointIndex
	log       *slog.Logger // for the partnership build
	pairsOnce sync.Once
	pairsDone chan struct{} // closed once pidx is set
	pidx      *pairIndex

	indicators []string // INDICATOR entity IDs in source-text order

	pinyin [][]string // the sets searchKey.syl indexes (pinyinCache.sets)

	relations int
}

// pairIndex is every partnership of a snapshot.
type pairIndex struct {
	pairs []*pair // every partnership, in global order (see pairCmp)
	*jointIndex
}

// jointIndex holds a snapshot's joint relations.
type jointIndex struct {
	// contexts: context entity → subject → IDs of its joint relations to
	// it (jointBuilder.contexts); ctxOf: entity → the contexts with at
	// least two subjects it is one of, sorted.
	contexts map[string]map[string][]string
	ctxOf    map[string][]string
	// explicit: pair (sorted) → its stored symmetric joint relations;
	// explicitOf: entity → the entities it has such relations with.
	explicit   map[[2]string][]string
	explicitOf map[string][]string
}

// via returns the contexts p.a and p.b share, sorted, and for each the
// stored joint relations of the two to it, sorted by ID.
func (j *jointIndex) via(p *pair) (via []string, rels [][]string) {
	x, y := j.ctxOf[p.a], j.ctxOf[p.b]
	for i, k := 0, 0; i < len(x) && k < len(y); {
		switch c := cmp.Compare(x[i], y[k]); {
		case c < 0:
			i++
		case c > 0:
			k++
		default:
			subs := j.contexts[x[i]]
			rs := append(slices.Clone(subs[p.a]), subs[p.b]...)
			slices.Sort(rs)
			via = append(via, x[i])
			rels = append(rels, slices.Compact(rs))
			i++
			k++
		}
	}
	return via, rels
}

// partnersOf derives the partnerships of one entity, by strength desc then
// partner ID: the same pairs, explicit relations and strengths as the
// global derivation (jointBuilder.pairs), at the cost of the entity's own
// contexts rather than of every partnership.
func (j *jointIndex) partnersOf(id string) []*pair {
	byOther := make(map[string]*pair)
	get := func(other string) *pair {
		p := byOther[other]
		if p == nil {
			p = &pair{a: min(id, other), b: max(id, other)}
			byOther[other] = p
		}
		return p
	}
	for _, other := range j.explicitOf[id] {
		p := get(other)
		p.explicit = append(p.explicit, j.explicit[[2]string{p.a, p.b}]...)
	}
	for _, c := range j.ctxOf[id] {
		for sub := range j.contexts[c] {
			if sub != id {
				get(sub).n++
			}
		}
	}
	out := make([]*pair, 0, len(byOther))
	for _, p := range byOther {
		slices.Sort(p.explicit)
		p.explicit = slices.Compact(p.explicit)
		p.n += len(p.explicit)
		out = append(out, p)
	}
	slices.SortFunc(out, func(x, y *pair) int {
		return cmp.Or(cmp.Compare(y.strength(), x.strength()), cmp.Compare(x.other(id), y.other(id)))
	})
	return out
}

// partnerIndex returns the snapshot's partnerships, building them on the
// first call. The build runs detached, so a caller whose ctx ends stops
// waiting and the next caller finds it done or under way.
func (snap *snapshot) partnerIndex(ctx context.Context) (*pairIndex, error) {
	snap.pairsOnce.Do(func() {
		go func() {
			snap.pidx = snap.joints.index(snap.log)
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

// pair is one partnership between a and b (a < b). The shared contexts
// are not kept here (there can be millions of pairs): pairIndex.via
// derives them when a pair is shown.
type pair struct {
	a, b string
	// explicit are stored symmetric joint relations between a and b, sorted.
	explicit []string
	// n is the strength: shared contexts + len(explicit), set once built.
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
	snap.joints = jb.finish()
	snap.log = s.log

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

// jointBuilder collects joint relations.
type jointBuilder struct {
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

// finish indexes the collected relations by entity: for each, the
// contexts (with at least two subjects) it has joint relations to, sorted,
// and the entities it has explicit joint relations with.
func (b *jointBuilder) finish() *jointIndex {
	ctxs := make([]string, 0, len(b.contexts))
	for c, subs := range b.contexts {
		if len(subs) >= 2 {
			ctxs = append(ctxs, c)
		}
	}
	slices.Sort(ctxs) // so that ctxOf comes out sorted
	ctxOf := make(map[string][]string)
	for _, c := range ctxs {
		for sub := range b.contexts[c] {
			ctxOf[sub] = append(ctxOf[sub], c)
		}
	}
	explicitOf := make(map[string][]string)
	for k := range b.explicit {
		explicitOf[k[0]] = append(explicitOf[k[0]], k[1])
		explicitOf[k[1]] = append(explicitOf[k[1]], k[0])
	}
	return &jointIndex{contexts: b.contexts, ctxOf: ctxOf, explicit: b.explicit, explicitOf: explicitOf}
}

// index derives every partnership, in global order (log: nil for none).
func (j *jointIndex) index(log *slog.Logger) *pairIndex {
	began := time.Now()
	idx := &pairIndex{pairs: j.pairs(), jointIndex: j}
	if log != nil {
		log.Info("query partnership index built", "partnerships", len(idx.pairs), "took", time.Since(began).Round(time.Millisecond))
	}
	return idx
}

// pairs derives every partnership, in global order.
func (j *jointIndex) pairs() []*pair {
	// Pairs live in one slab, found by the two entities' numbers: at 1e6
	// quads there are millions, and string-keyed maps and one allocation
	// per pair made this build take tens of seconds.
	num := make(map[string]uint32)
	number := func(id string) uint32 {
		n, ok := num[id]
		if !ok {
			n = uint32(len(num))
			num[id] = n
		}
		return n
	}
	at := make(map[uint64]int)
	var slab []pair
	get := func(x, y string, nx, ny uint32) *pair {
		k := uint64(nx)<<32 | uint64(ny)
		i, ok := at[k]
		if !ok {
			i = len(slab)
			slab = append(slab, pair{a: x, b: y})
			at[k] = i
		}
		return &slab[i] // valid until the next append
	}
	for k, ids := range j.explicit {
		p := get(k[0], k[1], number(k[0]), number(k[1]))
		p.explicit = append(p.explicit, ids...)
	}
	var nums []uint32
	for _, subs := range j.contexts {
		if len(subs) < 2 {
			continue
		}
		ids := make([]string, 0, len(subs))
		for sub := range subs {
			ids = append(ids, sub)
		}
		slices.Sort(ids)
		nums = nums[:0]
		for _, id := range ids {
			nums = append(nums, number(id))
		}
		for i, x := range ids {
			for k := i + 1; k < len(ids); k++ {
				get(x, ids[k], nums[i], nums[k]).n++
			}
		}
	}
	out := make([]*pair, len(slab))
	for i := range slab {
		p := &slab[i]
		slices.Sort(p.explicit) // a copy: appended from nil
		p.explicit = slices.Compact(p.explicit)
		p.n += len(p.explicit)
		out[i] = p
	}
	slices.SortFunc(out, pairCmp)
	return out
}
