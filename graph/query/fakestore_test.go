package query

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/minhang-kg/kg/graph"
)

// fakeStore is a small in-memory graph.Store for unit tests: one map of
// entities, one of relations, a generation bumped on every write. It keeps
// the documented read semantics (ordering, symmetric relations at both
// ends, nil slots for unknown IDs) but not multi-document merging.
type fakeStore struct {
	mu   sync.RWMutex
	ents map[string]*graph.Entity
	rels map[string]*graph.Relation
	docs map[string]graph.Document
	gen  int64
}

var _ graph.Store = (*fakeStore)(nil)

func newFakeStore() *fakeStore {
	return &fakeStore{ents: map[string]*graph.Entity{}, rels: map[string]*graph.Relation{}, docs: map[string]graph.Document{}}
}

func cloneEntity(e *graph.Entity) *graph.Entity {
	c := *e
	c.Aliases = slices.Clone(e.Aliases)
	c.Attributes = slices.Clone(e.Attributes)
	c.Evidence = slices.Clone(e.Evidence)
	c.Documents = slices.Clone(e.Documents)
	return &c
}

func cloneRelation(r *graph.Relation) *graph.Relation {
	c := *r
	c.Evidence = slices.Clone(r.Evidence)
	c.Attributes = slices.Clone(r.Attributes)
	return &c
}

func (f *fakeStore) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]*graph.Entity, len(ids))
	for i, id := range ids {
		if e := f.ents[id]; e != nil {
			out[i] = cloneEntity(e)
		}
	}
	return out, ctx.Err()
}

func (f *fakeStore) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	f.mu.RLock()
	var list []*graph.Entity
	for _, e := range f.ents {
		if e.ID > after && (len(kinds) == 0 || slices.Contains(kinds, e.Kind)) {
			list = append(list, cloneEntity(e))
		}
	}
	f.mu.RUnlock()
	slices.SortFunc(list, func(a, b *graph.Entity) int { return cmp.Compare(a.ID, b.ID) })
	for _, e := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !fn(e) {
			return nil
		}
	}
	return nil
}

func (f *fakeStore) matches(r *graph.Relation, id string, flt graph.RelationFilter) bool {
	if len(flt.Predicates) > 0 && !slices.Contains(flt.Predicates, r.Predicate) {
		return false
	}
	p, _ := graph.LookupPredicate(r.Predicate)
	if p != nil && p.Symmetric || flt.Direction == graph.Both {
		return r.Subject == id || r.Object == id
	}
	if flt.Direction == graph.Out {
		return r.Subject == id
	}
	return r.Object == id
}

func (f *fakeStore) sortedRels() []*graph.Relation {
	list := make([]*graph.Relation, 0, len(f.rels))
	for _, r := range f.rels {
		list = append(list, r)
	}
	slices.SortFunc(list, func(a, b *graph.Relation) int { return cmp.Compare(a.ID, b.ID) })
	return list
}

func (f *fakeStore) RelationsOf(ctx context.Context, ids []string, flt graph.RelationFilter) (map[string][]*graph.Relation, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := map[string][]*graph.Relation{}
	all := f.sortedRels()
	for _, id := range ids {
		for _, r := range all {
			if f.matches(r, id, flt) {
				out[id] = append(out[id], cloneRelation(r))
			}
		}
	}
	return out, ctx.Err()
}

func (f *fakeStore) Relations(ctx context.Context, ids []string) ([]*graph.Relation, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]*graph.Relation, len(ids))
	for i, id := range ids {
		if r := f.rels[id]; r != nil {
			out[i] = cloneRelation(r)
		}
	}
	return out, ctx.Err()
}

func (f *fakeStore) ScanRelations(ctx context.Context, fn func(*graph.Relation) bool) error {
	f.mu.RLock()
	list := f.sortedRels()
	for i, r := range list {
		list[i] = cloneRelation(r)
	}
	f.mu.RUnlock()
	for _, r := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !fn(r) {
			return nil
		}
	}
	return nil
}

func (f *fakeStore) Neighbors(ctx context.Context, ids []string, flt graph.RelationFilter) (map[string][]string, error) {
	rels, err := f.RelationsOf(ctx, ids, flt)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for id, rs := range rels {
		var nb []string
		for _, r := range rs {
			if r.Subject == id {
				nb = append(nb, r.Object)
			}
			if r.Object == id {
				nb = append(nb, r.Subject)
			}
		}
		slices.Sort(nb)
		out[id] = slices.Compact(nb)
	}
	return out, nil
}

func (f *fakeStore) LookupName(ctx context.Context, name string) ([]string, error) {
	return nil, fmt.Errorf("fakeStore: LookupName not used by the query service")
}

func (f *fakeStore) Documents(ctx context.Context) ([]graph.Document, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	out := make([]graph.Document, 0, len(f.docs))
	for _, d := range f.docs {
		d.Text = ""
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b graph.Document) int { return cmp.Compare(a.ID, b.ID) })
	return out, ctx.Err()
}

func (f *fakeStore) DocumentText(ctx context.Context, id string) (string, error) {
	return "", graph.ErrNotFound
}

func (f *fakeStore) Stats(ctx context.Context) (graph.Stats, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	st := graph.Stats{Entities: len(f.ents), Relations: len(f.rels), ByKind: map[graph.Kind]int{}}
	for _, e := range f.ents {
		st.ByKind[e.Kind]++
	}
	return st, nil
}

func (f *fakeStore) Generation(ctx context.Context) (int64, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.gen, ctx.Err()
}

func (f *fakeStore) ReplaceDocument(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, r := range f.rels {
		if r.Document == facts.Document.ID {
			delete(f.rels, id)
		}
	}
	f.ents = map[string]*graph.Entity{}
	return f.putLocked(facts)
}

// SyncDocuments is not used by the query tests.
func (f *fakeStore) SyncDocuments(ctx context.Context, docs []graph.DocumentFacts) ([]graph.Change, error) {
	return nil, fmt.Errorf("fakeStore: SyncDocuments is not supported: %w", graph.ErrInvalid)
}

func (f *fakeStore) PutFacts(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.putLocked(facts)
}

func (f *fakeStore) putLocked(facts graph.DocumentFacts) (graph.Change, error) {
	f.docs[facts.Document.ID] = facts.Document
	for i := range facts.Entities {
		e := cloneEntity(&facts.Entities[i])
		e.Documents = []string{facts.Document.ID}
		f.ents[e.ID] = e
	}
	for i := range facts.Relations {
		r := cloneRelation(&facts.Relations[i])
		r.Document = facts.Document.ID
		if r.ID == "" {
			r.ID = graph.RelationID(r.Document, r.Subject, r.Predicate, r.Object)
		}
		for j := range r.Evidence {
			r.Evidence[j].Document = r.Document
		}
		if f.ents[r.Subject] == nil || f.ents[r.Object] == nil {
			return graph.Change{}, fmt.Errorf("relation %s: dangling reference: %w", r.ID, graph.ErrInvalid)
		}
		f.rels[r.ID] = r
	}
	f.gen++
	return graph.Change{Document: facts.Document.ID, QuadsAdded: 1}, nil
}

func (f *fakeStore) DeleteRelation(ctx context.Context, id string) (graph.Change, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rels[id] == nil {
		return graph.Change{}, graph.ErrNotFound
	}
	delete(f.rels, id)
	f.gen++
	return graph.Change{RelationsRemoved: 1, QuadsRemoved: 1}, nil
}

func (f *fakeStore) AppendAudit(ctx context.Context, e graph.AuditEntry) error { return nil }

func (f *fakeStore) Audit(ctx context.Context, limit int) ([]graph.AuditEntry, error) {
	return nil, nil
}

func (f *fakeStore) ExportNQuads(ctx context.Context, w io.Writer) error { return nil }
func (f *fakeStore) Ping(ctx context.Context) error                      { return nil }
func (f *fakeStore) Close() error                                        { return nil }
