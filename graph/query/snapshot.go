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
	// timed holds the partnerships as of a few recent times (pairsAt),
	// at most maxTimedPairs of them, the oldest dropped first.
	timedMu    sync.Mutex
	timed      map[graph.Span]*timedPairs
	timedOrder []graph.Span

	indicators []string // INDICATOR entity IDs in source-text order
	// measures: indicator ID → the objects of its measures relations.
	measures map[string][]string

	// begins and ends are the relations with a bounded start (end), by
	// that instant then ID: the relations that begin or end in a window
	// are a range of them (Changes).
	begins, ends []instant

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
	// spans are the validity intervals of the joint relations that have
	// one (graph.Relation.Span); a relation not in it holds at all times.
	spans map[string]graph.Span
	// bounded are the ends of the joint relations in spans, to find the
	// partnerships a relation that begins or ends takes part in.
	bounded map[string]jointRel
}

// jointRel is a joint relation's ends: between two partners (explicit)
// or from a partner to a context.
type jointRel struct {
	subject, object string
	explicit        bool
}

// untimed reports whether every joint relation holds at at: at is all of
// time, or no joint relation is bounded in time.
func (j *jointIndex) untimed(at graph.Span) bool { return allTime(at) || len(j.spans) == 0 }

// holding returns the joint relations of ids that hold at at (ids itself
// when all do).
func (j *jointIndex) holding(ids []string, at graph.Span) []string {
	if j.untimed(at) {
		return ids
	}
	var out []string
	for _, id := range ids {
		if sp, ok := j.spans[id]; !ok || sp.Overlaps(at) {
			out = append(out, id)
		}
	}
	return out
}

// anyHolds reports whether one of the joint relations ids holds at at.
func (j *jointIndex) anyHolds(ids []string, at graph.Span) bool {
	if j.untimed(at) {
		return len(ids) > 0
	}
	for _, id := range ids {
		if sp, ok := j.spans[id]; !ok || sp.Overlaps(at) {
			return true
		}
	}
	return false
}

// via returns the contexts p.a and p.b share at at (both have a joint
// relation to it that holds then), sorted, and for each the stored joint
// relations of the two to it that hold at at, sorted by ID.
func (j *jointIndex) via(p *pair, at graph.Span) (via []string, rels [][]string) {
	x, y := j.ctxOf[p.a], j.ctxOf[p.b]
	for i, k := 0, 0; i < len(x) && k < len(y); {
		switch c := cmp.Compare(x[i], y[k]); {
		case c < 0:
			i++
		case c > 0:
			k++
		default:
			subs := j.contexts[x[i]]
			ra, rb := j.holding(subs[p.a], at), j.holding(subs[p.b], at)
			if len(ra) > 0 && len(rb) > 0 {
				rs := append(slices.Clone(ra), rb...)
				slices.Sort(rs)
				via = append(via, x[i])
				rels = append(rels, slices.Compact(rs))
			}
			i++
			k++
		}
	}
	return via, rels
}

// partnersOf derives the partnerships of one entity that hold at at, by
// strength desc then partner ID: the same pairs, explicit relations and
// strengths as the global derivation (jointIndex.pairs), at the cost of
// the entity's own contexts rather than of every partnership.
func (j *jointIndex) partnersOf(id string, at graph.Span) []*pair {
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
		k := [2]string{min(id, other), max(id, other)}
		if rs := j.holding(j.explicit[k], at); len(rs) > 0 {
			p := get(other)
			p.explicit = append(p.explicit, rs...)
		}
	}
	for _, c := range j.ctxOf[id] {
		subs := j.contexts[c]
		if !j.anyHolds(subs[id], at) {
			continue
		}
		for sub, rs := range subs {
			if sub != id && j.anyHolds(rs, at) {
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

// maxTimedPairs bounds how many "as of" partnership lists a snapshot keeps.
const maxTimedPairs = 8

// timedPairs is every partnership holding at one time; pairs is set when
// done is closed.
type timedPairs struct {
	done  chan struct{}
	pairs []*pair
}

// pairsAt returns the partnerships that hold at at, in global order by
// their strength at at: the partnership index itself when every joint
// relation holds at at, else derived from the joint relations that do on
// the first call for at and kept (a few times per snapshot). The
// derivation runs detached, like partnerIndex's.
func (snap *snapshot) pairsAt(ctx context.Context, at graph.Span) ([]*pair, error) {
	if snap.joints.untimed(at) {
		pi, err := snap.partnerIndex(ctx)
		if err != nil {
			return nil, err
		}
		return pi.pairs, nil
	}
	snap.timedMu.Lock()
	tp := snap.timed[at]
	if tp == nil {
		if snap.timed == nil {
			snap.timed = make(map[graph.Span]*timedPairs)
		}
		if len(snap.timedOrder) >= maxTimedPairs {
			delete(snap.timed, snap.timedOrder[0])
			snap.timedOrder = snap.timedOrder[1:]
		}
		tp = &timedPairs{done: make(chan struct{})}
		snap.timed[at] = tp
		snap.timedOrder = append(snap.timedOrder, at)
		go func() {
			tp.pairs = snap.joints.pairs(at)
			close(tp.done)
		}()
	}
	snap.timedMu.Unlock()
	select {
	case <-tp.done:
		return tp.pairs, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("query: waiting for the partnerships as of a time: %w", ctx.Err())
	}
}

// entry is what the snapshot keeps of an entity: enough to search, filter
// by kind and time and rank, not the full entity (that is read on demand).
type entry struct {
	id     string
	kind   graph.Kind
	keys   []searchKey
	degree int // == snapshot.degree[id], kept here for the search loop

	// When the entity exists (existsAt): always, or at the spans. An
	// indicator with a year or asOf attribute (measured) exists at that
	// time only.
	always   bool
	measured bool
	spans    []graph.Span
}

// existsAt reports whether the entity exists as of at (see Entities).
func (en *entry) existsAt(at graph.Span) bool {
	if allTime(at) || en.always {
		return true
	}
	for _, sp := range en.spans {
		if sp.Overlaps(at) {
			return true
		}
	}
	return false
}

// addSpan records that the entity exists during sp (call mergeSpans once
// all are added).
func (en *entry) addSpan(sp graph.Span) {
	if allTime(sp) {
		en.always, en.spans = true, nil
		return
	}
	if !en.always {
		en.spans = append(en.spans, sp)
	}
}

// mergeSpans sorts the entity's spans and merges those that overlap or
// touch, so that each distinct stretch of time is kept once however many
// relations fall in it (existsAt answers the same: a span overlaps the
// union exactly when it overlaps one of its parts).
func (en *entry) mergeSpans() {
	if len(en.spans) < 2 {
		return
	}
	slices.SortFunc(en.spans, func(x, y graph.Span) int { return x.Start.Compare(y.Start) })
	out := en.spans[:1]
	for _, sp := range en.spans[1:] {
		cur := &out[len(out)-1]
		if cur.End.IsZero() || !sp.Start.After(cur.End) {
			if !cur.End.IsZero() && (sp.End.IsZero() || sp.End.After(cur.End)) {
				cur.End = sp.End
			}
			continue
		}
		out = append(out, sp)
	}
	en.spans = slices.Clip(out)
}

// instant is a time at which a relation begins or ends.
type instant struct {
	at  time.Time
	rel string
}

func instantCmp(x, y instant) int { return cmp.Or(x.at.Compare(y.at), cmp.Compare(x.rel, y.rel)) }

// indicatorSpan is the time an indicator's value refers to: its year
// attribute, else its asOf attribute (date-typed), or false.
func indicatorSpan(e *graph.Entity) (graph.Span, bool) {
	for _, key := range []string{"year", "asOf"} {
		if a, ok := e.Attr(key); ok && a.Type == graph.AttrDate {
			if sp, err := graph.ParseDate(a.Value); err == nil {
				return sp, true
			}
		}
	}
	return graph.Span{}, false
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
		measures:  make(map[string][]string),
	}
	docs, err := s.store.Documents(ctx)
	if err != nil {
		return nil, fmt.Errorf("query: build index: documents: %w", err)
	}
	periods := make(map[string]graph.Span, len(docs))
	for _, d := range docs {
		if sp, err := graph.ParsePeriod(d.Period); err == nil {
			periods[d.ID] = sp
		}
	}
	// The documents of the entities without a date attribute: without
	// relations either, they exist in their documents' periods.
	undated := make(map[string][]string)
	py := newPinyinCache()
	type indPos struct {
		id         string
		doc        string
		start      int
		noEvidence bool
	}
	var inds []indPos
	err = s.store.ScanEntities(ctx, nil, "", func(e *graph.Entity) bool {
		en := &entry{id: e.ID, kind: e.Kind, keys: entityKeys(e, py)}
		if sp, ok := indicatorSpan(e); ok && e.Kind == graph.KindIndicator {
			en.measured = true
			en.spans = []graph.Span{sp}
		} else {
			dated := false
			for _, a := range e.Attributes {
				if a.Type != graph.AttrDate {
					continue
				}
				if sp, err := graph.ParseDate(a.Value); err == nil {
					en.addSpan(graph.Span{Start: sp.Start}) // exists from then on
					dated = true
				}
			}
			if !dated {
				undated[e.ID] = e.Documents
			}
		}
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
		sp := r.Span()
		for _, id := range [2]string{r.Subject, r.Object} {
			if en := snap.entities[id]; en != nil && !en.measured {
				en.addSpan(sp)
			}
		}
		if !sp.Start.IsZero() {
			snap.begins = append(snap.begins, instant{sp.Start, r.ID})
		}
		if !sp.End.IsZero() {
			snap.ends = append(snap.ends, instant{sp.End, r.ID})
		}
		if r.Predicate == "measures" {
			snap.measures[r.Subject] = append(snap.measures[r.Subject], r.Object)
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("query: build index: scan relations: %w", err)
	}
	slices.SortFunc(snap.begins, instantCmp)
	slices.SortFunc(snap.ends, instantCmp)
	for id, ds := range undated {
		en := snap.entities[id]
		if en == nil || snap.degree[id] > 0 {
			continue
		}
		for _, d := range ds {
			if sp, ok := periods[d]; ok {
				en.addSpan(sp)
			}
		}
		if len(en.spans) == 0 {
			en.always = true // nothing says when: at all times
		}
	}
	for _, en := range snap.order {
		en.mergeSpans()
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
	spans    map[string]graph.Span // of the bounded joint relations
	bounded  map[string]jointRel
}

func newJointBuilder() *jointBuilder {
	return &jointBuilder{
		contexts: make(map[string]map[string][]string),
		explicit: make(map[[2]string][]string),
		spans:    make(map[string]graph.Span),
		bounded:  make(map[string]jointRel),
	}
}

func (b *jointBuilder) add(r *graph.Relation) {
	p, ok := graph.LookupPredicate(r.Predicate)
	if !ok || !p.Joint || r.Subject == r.Object {
		return
	}
	if sp := r.Span(); !allTime(sp) {
		b.spans[r.ID] = sp
		b.bounded[r.ID] = jointRel{r.Subject, r.Object, p.Symmetric}
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
	return &jointIndex{contexts: b.contexts, ctxOf: ctxOf, explicit: b.explicit, explicitOf: explicitOf, spans: b.spans, bounded: b.bounded}
}

// index derives every partnership, in global order (log: nil for none).
func (j *jointIndex) index(log *slog.Logger) *pairIndex {
	began := time.Now()
	idx := &pairIndex{pairs: j.pairs(graph.Span{}), jointIndex: j}
	if log != nil {
		log.Info("query partnership index built", "partnerships", len(idx.pairs), "took", time.Since(began).Round(time.Millisecond))
	}
	return idx
}

// pairs derives every partnership that holds at at, in global order (by
// the strength at at).
func (j *jointIndex) pairs(at graph.Span) []*pair {
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
	slot := make(map[uint64]int)
	var slab []pair
	get := func(x, y string, nx, ny uint32) *pair {
		k := uint64(nx)<<32 | uint64(ny)
		i, ok := slot[k]
		if !ok {
			i = len(slab)
			slab = append(slab, pair{a: x, b: y})
			slot[k] = i
		}
		return &slab[i] // valid until the next append
	}
	for k, ids := range j.explicit {
		if ids = j.holding(ids, at); len(ids) == 0 {
			continue
		}
		p := get(k[0], k[1], number(k[0]), number(k[1]))
		p.explicit = append(p.explicit, ids...)
	}
	var nums []uint32
	var ids []string
	for _, subs := range j.contexts {
		if len(subs) < 2 {
			continue
		}
		ids = ids[:0]
		for sub, rs := range subs {
			if j.anyHolds(rs, at) {
				ids = append(ids, sub)
			}
		}
		if len(ids) < 2 {
			continue
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
