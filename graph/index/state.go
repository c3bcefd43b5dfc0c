package index

import (
	"slices"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// state is the in-memory graph. It is changed only under Store.mu's write
// lock and read under its read lock.
type state struct {
	ents   map[string]*graph.Entity
	entIDs []string // sorted
	rels   map[string]*graph.Relation
	relIDs []string          // sorted
	adj    map[string][]half // entity -> incident relations, sorted by relation ID

	zhNames   map[string][]string    // Chinese name -> entity IDs
	foldNames map[string][]nameEntry // lower-cased English name or alias -> entries

	docEnts map[string]map[string]struct{} // document -> entities it states facts about
	docRels map[string]map[string]struct{} // document -> its relations

	// multiDoc counts entities stated by more than one document: the
	// merged entity shows only the winning names, so name lookups must ask
	// the backing store while there are any.
	multiDoc int

	byKind map[graph.Kind]int
	byPred map[string]int
	docs   []graph.Document
}

// half is one end of a relation, seen from the entity it is stored under.
type half struct {
	rel   *graph.Relation
	other string
	out   bool // the entity is the subject
	sym   bool // the predicate is symmetric
}

func (h *half) match(f graph.RelationFilter) bool {
	switch {
	case f.Direction == graph.Both || h.sym:
	case f.Direction == graph.Out && !h.out:
		return false
	case f.Direction == graph.In && h.out:
		return false
	}
	return len(f.Predicates) == 0 || slices.Contains(f.Predicates, h.rel.Predicate)
}

// cloneEntity copies e with slices of its own, so callers may modify it.
func cloneEntity(e *graph.Entity) graph.Entity {
	c := *e
	c.Aliases = slices.Clone(e.Aliases)
	c.Attributes = slices.Clone(e.Attributes)
	c.Evidence = slices.Clone(e.Evidence)
	c.Documents = slices.Clone(e.Documents)
	return c
}

// cloneRelation copies r with evidence and attribute slices of its own.
func cloneRelation(r *graph.Relation) graph.Relation {
	c := *r
	c.Evidence = slices.Clone(r.Evidence)
	c.Attributes = slices.Clone(r.Attributes)
	return c
}

type nameEntry struct {
	id   string
	name string // as written
}

func newState() *state {
	return &state{
		ents:      map[string]*graph.Entity{},
		rels:      map[string]*graph.Relation{},
		adj:       map[string][]half{},
		zhNames:   map[string][]string{},
		foldNames: map[string][]nameEntry{},
		docEnts:   map[string]map[string]struct{}{},
		docRels:   map[string]map[string]struct{}{},
		byKind:    map[graph.Kind]int{},
		byPred:    map[string]int{},
	}
}

// bulk fills an empty state.
func (st *state) bulk(ents []*graph.Entity, rels []*graph.Relation) {
	st.ents = make(map[string]*graph.Entity, len(ents))
	st.rels = make(map[string]*graph.Relation, len(rels))
	st.adj = make(map[string][]half, len(ents))
	st.entIDs = make([]string, 0, len(ents))
	st.relIDs = make([]string, 0, len(rels))
	for _, e := range ents {
		st.addEntity(e)
		st.entIDs = append(st.entIDs, e.ID)
	}
	// Relations arrive ordered by ID from ScanRelations; sort anyway so
	// adjacency lists come out sorted whatever the source.
	if !slices.IsSortedFunc(rels, func(a, b *graph.Relation) int { return strings.Compare(a.ID, b.ID) }) {
		rels = slices.Clone(rels)
		slices.SortFunc(rels, func(a, b *graph.Relation) int { return strings.Compare(a.ID, b.ID) })
	}
	for _, r := range rels {
		st.addRelation(r, false)
		st.relIDs = append(st.relIDs, r.ID)
	}
	slices.Sort(st.entIDs)
}

func (st *state) addEntity(e *graph.Entity) {
	st.ents[e.ID] = e
	st.byKind[e.Kind]++
	if len(e.Documents) > 1 {
		st.multiDoc++
	}
	if e.Name != "" {
		st.zhNames[e.Name] = append(st.zhNames[e.Name], e.ID)
	}
	for _, n := range foldKeys(e) {
		k := strings.ToLower(n)
		st.foldNames[k] = append(st.foldNames[k], nameEntry{id: e.ID, name: n})
	}
	for _, d := range e.Documents {
		set := st.docEnts[d]
		if set == nil {
			set = map[string]struct{}{}
			st.docEnts[d] = set
		}
		set[e.ID] = struct{}{}
	}
}

func foldKeys(e *graph.Entity) []string {
	keys := make([]string, 0, 1+len(e.Aliases))
	if e.NameEn != "" {
		keys = append(keys, e.NameEn)
	}
	return append(keys, e.Aliases...)
}

func (st *state) removeEntity(id string) {
	e := st.ents[id]
	if e == nil {
		return
	}
	delete(st.ents, id)
	if len(e.Documents) > 1 {
		st.multiDoc--
	}
	if st.byKind[e.Kind]--; st.byKind[e.Kind] <= 0 {
		delete(st.byKind, e.Kind)
	}
	if ids := slices.DeleteFunc(st.zhNames[e.Name], func(x string) bool { return x == id }); len(ids) > 0 {
		st.zhNames[e.Name] = ids
	} else {
		delete(st.zhNames, e.Name)
	}
	for _, n := range foldKeys(e) {
		k := strings.ToLower(n)
		if es := slices.DeleteFunc(st.foldNames[k], func(x nameEntry) bool { return x.id == id }); len(es) > 0 {
			st.foldNames[k] = es
		} else {
			delete(st.foldNames, k)
		}
	}
	for _, d := range e.Documents {
		if set := st.docEnts[d]; set != nil {
			delete(set, id)
			if len(set) == 0 {
				delete(st.docEnts, d)
			}
		}
	}
}

// addRelation indexes r. With sorted set, adjacency lists are kept sorted
// by insertion at the right place; without, r is appended (bulk loads add
// in ID order).
func (st *state) addRelation(r *graph.Relation, sorted bool) {
	st.rels[r.ID] = r
	st.byPred[r.Predicate]++
	p, _ := graph.LookupPredicate(r.Predicate)
	sym := p != nil && p.Symmetric
	st.link(r.Subject, half{rel: r, other: r.Object, out: true, sym: sym}, sorted)
	if r.Object != r.Subject {
		st.link(r.Object, half{rel: r, other: r.Subject, out: false, sym: sym}, sorted)
	}
	set := st.docRels[r.Document]
	if set == nil {
		set = map[string]struct{}{}
		st.docRels[r.Document] = set
	}
	set[r.ID] = struct{}{}
}

func (st *state) link(id string, h half, sorted bool) {
	l := st.adj[id]
	if !sorted {
		st.adj[id] = append(l, h)
		return
	}
	i, _ := slices.BinarySearchFunc(l, h.rel.ID, func(x half, id string) int { return strings.Compare(x.rel.ID, id) })
	st.adj[id] = slices.Insert(l, i, h)
}

func (st *state) unlink(id, relID string) {
	l := slices.DeleteFunc(st.adj[id], func(x half) bool { return x.rel.ID == relID })
	if len(l) == 0 {
		delete(st.adj, id)
	} else {
		st.adj[id] = l
	}
}

func (st *state) removeRelation(id string) {
	r := st.rels[id]
	if r == nil {
		return
	}
	delete(st.rels, id)
	if st.byPred[r.Predicate]--; st.byPred[r.Predicate] <= 0 {
		delete(st.byPred, r.Predicate)
	}
	st.unlink(r.Subject, id)
	st.unlink(r.Object, id)
	if set := st.docRels[r.Document]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(st.docRels, r.Document)
		}
	}
}

// apply replaces the named entities and relations with what was read back
// (nil: gone) and fixes the sorted ID lists.
func (st *state) apply(entIDs []string, ents []*graph.Entity, relIDs []string, rels []*graph.Relation) {
	entsChanged := false
	for i, id := range entIDs {
		_, had := st.ents[id]
		st.removeEntity(id)
		if ents[i] != nil {
			st.addEntity(ents[i])
		}
		if had != (ents[i] != nil) {
			entsChanged = true
		}
	}
	relsChanged := false
	for i, id := range relIDs {
		_, had := st.rels[id]
		st.removeRelation(id)
		if rels[i] != nil {
			st.addRelation(rels[i], true)
		}
		if had != (rels[i] != nil) {
			relsChanged = true
		}
	}
	if entsChanged {
		st.entIDs = sortedKeys(st.ents)
	}
	if relsChanged {
		st.relIDs = sortedKeys(st.rels)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// documentFacts lists the entities document doc states facts about and its
// relations with their ends: what a write replacing or removing doc may
// change.
func (st *state) documentFacts(doc string) (ents, rels []string) {
	for id := range st.docEnts[doc] {
		ents = append(ents, id)
	}
	for id := range st.docRels[doc] {
		rels = append(rels, id)
		r := st.rels[id]
		ents = append(ents, r.Subject, r.Object)
	}
	return ents, rels
}
