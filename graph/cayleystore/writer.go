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
	chs, err := s.writeMany(ctx, op, func(r *reader) ([]quad.Quad, []quad.Quad, []graph.Change, error) {
		del, add, ch, err := plan(r)
		return del, add, []graph.Change{ch}, err
	})
	if err != nil {
		return graph.Change{}, err
	}
	return chs[0], nil
}

// writeMany is write for a plan that reports one change per document.
func (s *Store) writeMany(ctx context.Context, op string, plan func(r *reader) (del, add []quad.Quad, chs []graph.Change, err error)) ([]graph.Change, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cayleystore: %s: %w", op, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, graph.ErrClosed
	}
	for attempt := 1; ; attempt++ {
		r := s.reader(ctx)
		// The generation is read before the state the write is planned
		// from: if another process commits in between, deleting this
		// generation quad fails and the write is planned again.
		g, hasGen, err := r.generation()
		var (
			del, add []quad.Quad
			chs      []graph.Change
		)
		if err == nil {
			del, add, chs, err = plan(r)
		}
		if err == nil && len(del) == 0 && len(add) == 0 {
			return chs, nil
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
			docs := make([]string, len(chs))
			for i, ch := range chs {
				docs[i] = ch.Document
			}
			s.log.DebugContext(ctx, "store write", "op", op, "documents", docs,
				"quadsAdded", len(add), "quadsRemoved", len(del), "generation", g+1)
			return chs, nil
		}
		if s.sqlDB == nil || !retryable(err) || attempt >= maxWriteAttempts {
			return nil, s.wrap(op, err)
		}
		s.log.InfoContext(ctx, "store write raced with another writer; retrying", "op", op, "attempt", attempt, "err", err)
		select {
		case <-ctx.Done():
			return nil, s.wrap(op, ctx.Err())
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
	p, err := planDocument(facts)
	if err != nil {
		return graph.Change{}, fmt.Errorf("cayleystore: replace document: %w", err)
	}
	doc := p.nf.Document.ID
	return s.write(ctx, "replace document "+doc, func(r *reader) ([]quad.Quad, []quad.Quad, graph.Change, error) {
		del, add, chs, err := planDocuments(r, []docPlan{p}, nil)
		if err != nil {
			return nil, nil, graph.Change{}, err
		}
		return del, add, chs[0], nil
	})
}

// SyncDocuments implements graph.Store: the diffs of every given document
// and the deletion of every stored document not given, applied as one
// write (see apply: one transaction on every backend).
func (s *Store) SyncDocuments(ctx context.Context, docs []graph.DocumentFacts) ([]graph.Change, error) {
	plans := make([]docPlan, len(docs))
	given := make(map[string]bool, len(docs))
	for i, f := range docs {
		p, err := planDocument(f)
		if err != nil {
			return nil, fmt.Errorf("cayleystore: sync documents: %w", err)
		}
		id := p.nf.Document.ID
		if id == graph.CurationDocument {
			return nil, fmt.Errorf("cayleystore: sync documents: %w: document %s holds the curated facts; syncing never touches it", graph.ErrInvalid, id)
		}
		if given[id] {
			return nil, fmt.Errorf("cayleystore: sync documents: %w: document %s is given twice", graph.ErrInvalid, id)
		}
		given[id] = true
		plans[i] = p
	}
	return s.writeMany(ctx, "sync documents", func(r *reader) ([]quad.Quad, []quad.Quad, []graph.Change, error) {
		stored, err := r.documentIDs()
		if err != nil {
			return nil, nil, nil, err
		}
		var removed []string
		for _, id := range stored {
			if !given[id] && id != graph.CurationDocument {
				removed = append(removed, id)
			}
		}
		return planDocuments(r, plans, removed)
	})
}

// docPlan is one document to write: its normalised facts and their quads.
type docPlan struct {
	nf   graph.DocumentFacts
	want quadSet
}

func planDocument(f graph.DocumentFacts) (docPlan, error) {
	nf, err := normalize(f)
	if err != nil {
		return docPlan{}, err
	}
	want := quadSet{}
	encodeDocumentMeta(want, nf.Document)
	if err := encodeFacts(want, nf); err != nil {
		return docPlan{}, fmt.Errorf("document %s: %w", nf.Document.ID, err)
	}
	return docPlan{nf: nf, want: want}, nil
}

// planDocuments returns the quads that turn the stored documents of plans
// into their new facts and remove the documents `removed` completely, and
// one change per document (plans in order, then removed). It checks the
// references of the state after the write (checkFinal).
func planDocuments(r *reader, plans []docPlan, removed []string) (del, add []quad.Quad, chs []graph.Change, err error) {
	curs := make([]quadSet, len(plans))
	for i, p := range plans {
		if curs[i], err = r.docQuads(p.nf.Document.ID); err != nil {
			return nil, nil, nil, err
		}
	}
	gone := make([]quadSet, len(removed))
	for i, id := range removed {
		if gone[i], err = r.docQuads(id); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := checkFinal(r, plans, curs, removed, gone); err != nil {
		return nil, nil, nil, err
	}
	for i, p := range plans {
		d, a, ch := diff(curs[i], p.want)
		ch.Document = p.nf.Document.ID
		del, add = append(del, d...), append(add, a...)
		chs = append(chs, ch)
	}
	for i, id := range removed {
		d, _, ch := diff(gone[i], nil)
		ch.Document, ch.DocumentRemoved = id, true
		del = append(del, d...)
		chs = append(chs, ch)
	}
	// A quad one document drops and another adds (a relation whose
	// explicit ID moved between documents) stays.
	if len(plans)+len(removed) > 1 && len(del) > 0 && len(add) > 0 {
		dropped := make(map[quad.Quad]bool, len(del))
		for _, q := range del {
			dropped[q] = true
		}
		kept := map[quad.Quad]bool{}
		add = slices.DeleteFunc(add, func(q quad.Quad) bool {
			if dropped[q] {
				kept[q] = true
				return true
			}
			return false
		})
		del = slices.DeleteFunc(del, func(q quad.Quad) bool { return kept[q] })
	}
	return del, add, chs, nil
}

// checkFinal checks the references of the state a write of plans (whose
// documents now hold curs) and the removal of the documents `removed`
// (now holding gone) leaves: every relation end of the new facts is an
// entity stated by some document afterwards; no entity that only the
// written or removed documents stated disappears while a relation of
// another document refers to it; and no relation ID is used by two
// documents.
func checkFinal(r *reader, plans []docPlan, curs []quadSet, removed []string, gone []quadSet) error {
	touched := make(map[string]bool, len(plans)+len(removed))
	for _, p := range plans {
		touched[p.nf.Document.ID] = true
	}
	for _, id := range removed {
		touched[id] = true
	}
	// Entities the written documents state (every normalised entity has a
	// kind), and the relation IDs they use.
	stated := map[string]bool{}
	relDoc := map[string]string{}
	var custom []string
	for _, p := range plans {
		doc := p.nf.Document.ID
		for _, e := range p.nf.Entities {
			stated[e.ID] = true
		}
		for _, rel := range p.nf.Relations {
			if other, dup := relDoc[rel.ID]; dup {
				return fmt.Errorf("%w: document %s: relation ID %s is also used by document %s", graph.ErrInvalid, doc, rel.ID, other)
			}
			relDoc[rel.ID] = doc
			if rel.ID != graph.RelationID(doc, rel.Subject, rel.Predicate, rel.Object) {
				custom = append(custom, rel.ID)
			}
		}
	}
	// Relation ends not stated by the written documents must be stated by
	// an untouched one.
	var ends []string
	for _, p := range plans {
		for _, rel := range p.nf.Relations {
			for _, id := range []string{rel.Subject, rel.Object} {
				if !stated[id] {
					ends = append(ends, id)
				}
			}
		}
	}
	elsewhere, err := r.existingExcept(ends, touched)
	if err != nil {
		return err
	}
	for _, p := range plans {
		for _, rel := range p.nf.Relations {
			for _, id := range []string{rel.Subject, rel.Object} {
				if !stated[id] && !elsewhere[id] {
					return fmt.Errorf("%w: document %s: relation %s (%s %s %s): no entity %q in any document",
						graph.ErrInvalid, p.nf.Document.ID, rel.ID, rel.Subject, rel.Predicate, rel.Object, id)
				}
			}
		}
	}
	owners, err := r.statementDocuments(custom)
	if err != nil {
		return err
	}
	for _, id := range custom {
		if other := owners[id]; other != "" && !touched[other] {
			return fmt.Errorf("%w: document %s: relation ID %s is already used by document %s", graph.ErrInvalid, relDoc[id], id, other)
		}
	}
	// Entities whose facts the write drops (from the document that stated
	// them): do relations of untouched documents still refer to them?
	lost := map[string]string{} // entity -> a document that no longer states it
	ownRels := map[string]bool{}
	collect := func(doc string, cur quadSet) {
		for _, o := range cur {
			switch o.kind {
			case ownEntity:
				if !stated[o.id] && lost[o.id] == "" {
					lost[o.id] = doc
				}
			case ownRelation:
				ownRels[o.id] = true
			}
		}
	}
	for i, p := range plans {
		collect(p.nf.Document.ID, curs[i])
	}
	for i, id := range removed {
		collect(id, gone[i])
	}
	if len(lost) == 0 {
		return nil
	}
	ids := make([]string, 0, len(lost))
	for id := range lost {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if elsewhere, err = r.existingExcept(ids, touched); err != nil {
		return err
	}
	ids = slices.DeleteFunc(ids, func(id string) bool { return elsewhere[id] })
	inc, err := r.incident(ids, graph.RelationFilter{})
	if err != nil {
		return err
	}
	for _, id := range ids {
		for _, e := range inc[id] {
			if ownRels[e.rel.ID] {
				continue // a relation of a written or removed document: checked above or deleted
			}
			docs, err := r.statementDocuments([]string{e.rel.ID})
			if err != nil {
				return err
			}
			how := "no longer states it"
			if slices.Contains(removed, lost[id]) {
				how = "is removed"
			}
			return fmt.Errorf("%w: relation %s (%s %s %s) of document %s refers to entity %q, which no document states after the write: document %s %s",
				graph.ErrInvalid, e.rel.ID, e.rel.Subject, e.rel.Predicate, e.rel.Object, docs[e.rel.ID], id, lost[id], how)
		}
	}
	return nil
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
	if !iriSafe(e.ID) {
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

// writeNQuads writes qs sorted as N-Quads, each line once.
func writeNQuads(ctx context.Context, w io.Writer, qs []quad.Quad) error {
	sortQuads(qs)
	qs = slices.Compact(qs)
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
