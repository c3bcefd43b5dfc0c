package cayleystore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"
	"github.com/lib/pq"

	"github.com/minhang-kg/kg/graph"
)

// write runs one write: plan reads the current state (under the exclusive
// lock) and returns the quads to delete and add; they are applied together
// with the generation bump, atomically (see apply). When another process
// changed the backend in between (the generation quad moved), the write is
// planned again.
func (s *Store) write(ctx context.Context, op string, plan func(r *reader) (del, add []quad.Quad, ch graph.Change, err error)) (graph.Change, error) {
	if err := ctx.Err(); err != nil {
		return graph.Change{}, fmt.Errorf("cayleystore: %s: %w", op, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return graph.Change{}, graph.ErrClosed
	}
	for attempt := 1; ; attempt++ {
		r := s.reader(ctx)
		// The generation is read before the state the write is planned
		// from: if another process commits in between, deleting this
		// generation quad fails and the write is planned again.
		g, hasGen, err := r.generation()
		var (
			del, add []quad.Quad
			ch       graph.Change
		)
		if err == nil {
			del, add, ch, err = plan(r)
		}
		if err == nil && len(del) == 0 && len(add) == 0 {
			return ch, nil
		}
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			// On bbolt the order only decides IDs (appendQuads and Cayley's
			// kv order their puts themselves): no sort.
			err = s.apply(makeDeltas(del, add, g, hasGen, s.inTx == nil))
		}
		if err == nil {
			s.log.DebugContext(ctx, "store write", "op", op, "document", ch.Document,
				"quadsAdded", ch.QuadsAdded, "quadsRemoved", ch.QuadsRemoved, "generation", g+1)
			return ch, nil
		}
		if s.sqlDB == nil || !retryable(err) || attempt >= maxWriteAttempts {
			return graph.Change{}, s.wrap(op, err)
		}
		s.log.InfoContext(ctx, "store write raced with another writer; retrying", "op", op, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return graph.Change{}, s.wrap(op, ctx.Err())
		case <-time.After(time.Duration(attempt*attempt) * 10 * time.Millisecond):
		}
	}
}

// makeDeltas lists the deltas of a write (sorted when sorted, so
// memstore and PostgreSQL writes are deterministic) and replaces generation
// g with g+1.
func makeDeltas(del, add []quad.Quad, g int64, hasGen, sorted bool) []cgraph.Delta {
	deltas := make([]cgraph.Delta, 0, len(del)+len(add)+2)
	if sorted {
		sortQuads(del)
		sortQuads(add)
	}
	for _, q := range del {
		deltas = append(deltas, cgraph.Delta{Quad: q, Action: cgraph.Delete})
	}
	for _, q := range add {
		deltas = append(deltas, cgraph.Delta{Quad: q, Action: cgraph.Add})
	}
	if hasGen {
		deltas = append(deltas, cgraph.Delta{Quad: generationQuad(g), Action: cgraph.Delete})
	}
	return append(deltas, cgraph.Delta{Quad: generationQuad(g + 1), Action: cgraph.Add})
}

// errConflict: a read found a quad whose node cannot be named, which only
// another process deleting it meanwhile explains.
var errConflict = errors.New("concurrent write by another process")

// retryable reports whether a write failed because another process wrote
// the backend meanwhile.
func retryable(err error) bool {
	var pe *pq.Error
	switch {
	case errors.Is(err, errConflict), errors.Is(err, cgraph.ErrQuadExists), errors.Is(err, cgraph.ErrQuadNotExist):
		return true
	case errors.As(err, &pe):
		// serialization_failure, deadlock_detected, unique_violation
		return pe.Code.Class() == "40" || pe.Code == "23505"
	}
	return false
}

// apply applies deltas atomically: in one ApplyDeltas call on memstore
// (under the Store's lock) and PostgreSQL (one SQL transaction); on bbolt
// as a delete call and then the additions (appendQuads) inside one bbolt
// transaction (see sharedTxKV for why not one call).
func (s *Store) apply(deltas []cgraph.Delta) error {
	if s.inTx == nil {
		return s.qs.ApplyDeltas(deltas, cgraph.IgnoreOpts{})
	}
	var del, add []cgraph.Delta
	for _, d := range deltas {
		if d.Action == cgraph.Delete {
			del = append(del, d)
		} else {
			add = append(add, d)
		}
	}
	return s.inTx(func() error {
		if len(del) > 0 {
			if err := s.qs.ApplyDeltas(del, cgraph.IgnoreOpts{}); err != nil {
				return err
			}
		}
		if len(add) == 0 {
			return nil
		}
		if s.cayleyAdds {
			return s.qs.ApplyDeltas(add, cgraph.IgnoreOpts{})
		}
		qs := make([]quad.Quad, len(add))
		for i, d := range add {
			qs[i] = d.Quad
		}
		return appendQuads(context.Background(), s.skv.tx, s.kvIndexes, qs)
	})
}

// ReplaceDocument implements graph.Store.
func (s *Store) ReplaceDocument(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	nf, err := normalize(facts)
	if err != nil {
		return graph.Change{}, fmt.Errorf("cayleystore: replace document: %w", err)
	}
	doc := nf.Document.ID
	want := quadSet{}
	encodeDocumentMeta(want, nf.Document)
	if err := encodeFacts(want, nf); err != nil {
		return graph.Change{}, fmt.Errorf("cayleystore: replace document %s: %w", doc, err)
	}
	return s.write(ctx, "replace document "+doc, func(r *reader) ([]quad.Quad, []quad.Quad, graph.Change, error) {
		cur, err := r.docQuads(doc)
		if err != nil {
			return nil, nil, graph.Change{}, err
		}
		if err := checkReferences(r, nf, true); err != nil {
			return nil, nil, graph.Change{}, err
		}
		if err := checkOrphans(r, doc, cur, want); err != nil {
			return nil, nil, graph.Change{}, err
		}
		del, add, ch := diff(cur, want)
		ch.Document = doc
		return del, add, ch, nil
	})
}

// PutFacts implements graph.Store. The document's own description is
// written only when the document is not loaded yet.
func (s *Store) PutFacts(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	nf, err := normalize(facts)
	if err != nil {
		return graph.Change{}, fmt.Errorf("cayleystore: put facts: %w", err)
	}
	doc := nf.Document.ID
	want := quadSet{}
	if err := encodeFacts(want, nf); err != nil {
		return graph.Change{}, fmt.Errorf("cayleystore: put facts %s: %w", doc, err)
	}
	ents := make([]string, len(nf.Entities))
	for i, e := range nf.Entities {
		ents[i] = e.ID
	}
	rels := make([]string, len(nf.Relations))
	for i, rel := range nf.Relations {
		rels[i] = rel.ID
	}
	return s.write(ctx, "put facts "+doc, func(r *reader) ([]quad.Quad, []quad.Quad, graph.Change, error) {
		cur, loaded, err := r.factQuads(doc, ents, rels)
		if err != nil {
			return nil, nil, graph.Change{}, err
		}
		w := want
		if !loaded {
			w = make(quadSet, len(want)+4)
			for q, o := range want {
				w[q] = o
			}
			encodeDocumentMeta(w, nf.Document)
		}
		if err := checkReferences(r, nf, false); err != nil {
			return nil, nil, graph.Change{}, err
		}
		del, add, ch := diff(cur, w)
		ch.Document = doc
		return del, add, ch, nil
	})
}

// DeleteRelation implements graph.Store.
func (s *Store) DeleteRelation(ctx context.Context, id string) (graph.Change, error) {
	return s.write(ctx, "delete relation "+id, func(r *reader) ([]quad.Quad, []quad.Quad, graph.Change, error) {
		docs, err := r.statementDocuments([]string{id})
		if err != nil {
			return nil, nil, graph.Change{}, err
		}
		doc := docs[id]
		if doc == "" {
			return nil, nil, graph.Change{}, fmt.Errorf("relation %q: %w", id, graph.ErrNotFound)
		}
		cur, _, err := r.factQuads(doc, nil, []string{id})
		if err != nil {
			return nil, nil, graph.Change{}, err
		}
		del := make([]quad.Quad, 0, len(cur))
		for q := range cur {
			del = append(del, q)
		}
		return del, nil, graph.Change{Document: doc, RelationsRemoved: 1, QuadsRemoved: len(del)}, nil
	})
}

// AppendAudit implements graph.Store. Audit entries do not change the
// generation: they are not part of the graph.
func (s *Store) AppendAudit(ctx context.Context, e graph.AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if e.ID == "" {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return fmt.Errorf("cayleystore: append audit: %w", err)
		}
		e.ID = fmt.Sprintf("%s-%s", e.At.UTC().Format("20060102T150405.000000000Z"), hex.EncodeToString(b[:]))
	}
	if !validID(e.ID) {
		return fmt.Errorf("cayleystore: append audit: %w: bad ID %q", graph.ErrInvalid, e.ID)
	}
	b, err := marshalJSON(e)
	if err != nil {
		return fmt.Errorf("cayleystore: append audit: %w", err)
	}
	q := quad.Quad{Subject: auditIRI(e.ID), Predicate: pAuditEntry, Object: jsonLit(b), Label: auditGraph}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cayleystore: append audit: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return graph.ErrClosed
	}
	err = s.qs.ApplyDeltas([]cgraph.Delta{{Quad: q, Action: cgraph.Add}}, cgraph.IgnoreOpts{IgnoreDup: true})
	return s.wrap("append audit", err)
}

// encodeFacts adds the quads of nf's entities and relations to set.
func encodeFacts(set quadSet, nf graph.DocumentFacts) error {
	doc := nf.Document.ID
	for i := range nf.Entities {
		if err := encodeEntity(set, &nf.Entities[i], doc); err != nil {
			return err
		}
	}
	for i := range nf.Relations {
		if err := encodeRelation(set, &nf.Relations[i], doc); err != nil {
			return err
		}
	}
	return nil
}

// checkReferences verifies that every relation end is an entity of the
// facts or of the store (of another document when replacing, since the
// document's own facts are about to go), and that explicitly given
// relation IDs are not used by another document.
func checkReferences(r *reader, nf graph.DocumentFacts, replacing bool) error {
	doc := nf.Document.ID
	given := make(map[string]bool, len(nf.Entities))
	for _, e := range nf.Entities {
		given[e.ID] = true
	}
	var ends, custom []string
	for _, rel := range nf.Relations {
		for _, id := range []string{rel.Subject, rel.Object} {
			if !given[id] {
				ends = append(ends, id)
			}
		}
		if rel.ID != graph.RelationID(doc, rel.Subject, rel.Predicate, rel.Object) {
			custom = append(custom, rel.ID)
		}
	}
	except := ""
	if replacing {
		except = doc
	}
	exists, err := r.existing(ends, except)
	if err != nil {
		return err
	}
	stated, err := r.statementDocuments(custom)
	if err != nil {
		return err
	}
	for _, rel := range nf.Relations {
		for _, id := range []string{rel.Subject, rel.Object} {
			if !given[id] && !exists[id] {
				return fmt.Errorf("%w: document %s: relation %s %s %s: no entity %q", graph.ErrInvalid, doc, rel.Subject, rel.Predicate, rel.Object, id)
			}
		}
		if other := stated[rel.ID]; other != "" && other != doc {
			return fmt.Errorf("%w: document %s: relation ID %s is already used by document %s", graph.ErrInvalid, doc, rel.ID, other)
		}
	}
	return nil
}

// checkOrphans refuses a replacement that drops the last facts about an
// entity that relations of other documents still refer to.
func checkOrphans(r *reader, doc string, cur, want quadSet) error {
	gone := map[string]bool{}
	ownRels := map[string]bool{}
	for _, o := range cur {
		switch o.kind {
		case ownEntity:
			gone[o.id] = true
		case ownRelation:
			ownRels[o.id] = true
		}
	}
	for _, o := range want {
		if o.kind == ownEntity {
			delete(gone, o.id)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	ids := make([]string, 0, len(gone))
	for id := range gone {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	elsewhere, err := r.existing(ids, doc)
	if err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return elsewhere[id] })
	ends, err := r.incident(ids, graph.RelationFilter{})
	if err != nil {
		return err
	}
	for _, id := range ids {
		for _, e := range ends[id] {
			if ownRels[e.rel.ID] {
				continue
			}
			docs, err := r.statementDocuments([]string{e.rel.ID})
			if err != nil {
				return err
			}
			return fmt.Errorf("%w: document %s no longer states entity %q, but relation %s (%s %s %s) of document %s refers to it",
				graph.ErrInvalid, doc, id, e.rel.ID, e.rel.Subject, e.rel.Predicate, e.rel.Object, docs[e.rel.ID])
		}
	}
	return nil
}

// diff returns the quads to delete and add to turn cur into want, and the
// change it makes.
func diff(cur, want quadSet) (del, add []quad.Quad, ch graph.Change) {
	changed := map[owner]bool{}
	for q, o := range cur {
		if _, ok := want[q]; !ok {
			del = append(del, q)
			changed[o] = true
		}
	}
	for q, o := range want {
		if _, ok := cur[q]; !ok {
			add = append(add, q)
			changed[o] = true
		}
	}
	had, has := map[owner]bool{}, map[owner]bool{}
	for _, o := range cur {
		had[o] = true
	}
	for _, o := range want {
		has[o] = true
	}
	for o := range changed {
		switch o.kind {
		case ownEntity:
			switch {
			case had[o] && has[o]:
				ch.EntitiesChanged++
			case has[o]:
				ch.EntitiesAdded++
			default:
				ch.EntitiesRemoved++
			}
		case ownRelation:
			switch {
			case had[o] && !has[o]:
				ch.RelationsRemoved++
			case has[o] && !had[o]:
				ch.RelationsAdded++
			}
		}
	}
	ch.QuadsAdded, ch.QuadsRemoved = len(add), len(del)
	return del, add, ch
}

// sortQuads orders quads by their N-Quads form, so writes and exports are
// deterministic.
func sortQuads(qs []quad.Quad) []quad.Quad {
	type keyed struct {
		key string
		q   quad.Quad
	}
	ks := make([]keyed, len(qs))
	for i, q := range qs {
		ks[i] = keyed{q.NQuad(), q}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	for i := range ks {
		qs[i] = ks[i].q
	}
	return qs
}

// writeNQuads writes qs sorted as N-Quads.
func writeNQuads(ctx context.Context, w io.Writer, qs []quad.Quad) error {
	sortQuads(qs)
	nw := nquads.NewWriter(w)
	for i, q := range qs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("cayleystore: export: %w", err)
			}
		}
		if err := nw.WriteQuad(q); err != nil {
			return fmt.Errorf("cayleystore: export: %w", err)
		}
	}
	if err := nw.Close(); err != nil {
		return fmt.Errorf("cayleystore: export: %w", err)
	}
	return nil
}
