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

	// contexts: context entity → subject → IDs of its joint relations to
	// it (jointBuilder.contexts); ctxOf: entity → the contexts with at
	// least two subjects it is one of, sorted.
	contexts map[string]map[string][]string
	ctxOf    map[string][]string
}

// via returns the contexts p.a and p.b share, sorted, and for each the
// stored joint relations of the two to it, sorted by ID.
func (pi *pairIndex) via(p *pair) (via []string, rels [][]string) {
	x, y := pi.ctxOf[p.a], pi.ctxOf[p.b]
	for i, j := 0, 0; i < len(x) && j < len(y); {
		switch c := cmp.Compare(x[i], y[j]); {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			subs := pi.contexts[x[i]]
			rs := append(slices.Clone(subs[p.a]), subs[p.b]...)
			slices.Sort(rs)
			via = append(via, x[i])
			rels = append(rels, slices.Compact(rs))
			i++
			j++
		}
	}
	return via, rels
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
	pairs, ctxOf := b.pairs()
	idx := &pairIndex{pairs: pairs, pairsOf: make(map[string][]*pair), contexts: b.contexts, ctxOf: ctxOf}
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

// pairs derives every partnership, in global order, and for each entity
// the contexts (with at least two subjects) it has joint relations to.
func (b *jointBuilder) pairs() ([]*pair, map[string][]string) {
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
	for k, ids := range b.explicit {
		p := get(k[0], k[1], number(k[0]), number(k[1]))
		p.explicit = append(p.explicit, ids...)
	}
	ctxs := make([]string, 0, len(b.contexts))
	for c := range b.contexts {
		ctxs = append(ctxs, c)
	}
	slices.Sort(ctxs) // so that ctxOf comes out sorted
	ctxOf := make(map[string][]string)
	var nums []uint32
	for _, c := range ctxs {
		subs := b.contexts[c]
		if len(subs) < 2 {
			continue
		}
		ids := make([]string, 0, len(subs))
		for sub := range subs {
			ids = append(ids, sub)
			ctxOf[sub] = append(ctxOf[sub], c)
		}
		slices.Sort(ids)
		nums = nums[:0]
		for _, id := range ids {
			nums = append(nums, number(id))
		}
		for i, x := range ids {
			for j := i + 1; j < len(ids); j++ {
				get(x, ids[j], nums[i], nums[j]).n++
			}
		}
	}
	out := make([]*pair, len(slab))
	for i := range slab {
		p := &slab[i]
		slices.Sort(p.explicit)
		p.explicit = slices.Compact(p.explicit)
		p.n += len(p.explicit)
		out[i] = p
	}
	slices.SortFunc(out, pairCmp)
	return out, ctxOf
}
