package cayleystore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/quad"

	"github.com/minhang-kg/kg/graph"
)

// reader runs the reads of one Store call (under the Store's lock) with
// raw quad iterators, caching node names for the call.
type reader struct {
	ctx   context.Context
	qs    cgraph.QuadStore
	names map[any]quad.Value
}

func (s *Store) reader(ctx context.Context) *reader {
	return &reader{ctx: ctx, qs: s.qs, names: map[any]quad.Value{}}
}

// each calls fn for every quad with v in direction d.
func (r *reader) each(d quad.Direction, v quad.Value, fn func(q cgraph.Ref) error) error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	ref, err := r.qs.ValueOf(v)
	if err != nil || ref == nil {
		return err
	}
	return r.iterate(r.qs.QuadIterator(d, ref), fn)
}

func (r *reader) iterate(sh iterator.Shape, fn func(q cgraph.Ref) error) error {
	it := sh.Iterate()
	defer it.Close()
	for it.Next(r.ctx) {
		if err := r.ctx.Err(); err != nil {
			return err
		}
		if err := fn(it.Result()); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	return r.ctx.Err()
}

// dir returns the value in direction d of quad q.
func (r *reader) dir(q cgraph.Ref, d quad.Direction) (quad.Value, error) {
	ref, err := r.qs.QuadDirection(q, d)
	if err != nil || ref == nil {
		return nil, err
	}
	k := ref.Key()
	if v, ok := r.names[k]; ok {
		return v, nil
	}
	v, err := r.qs.NameOf(ref)
	if err != nil {
		return nil, err
	}
	r.names[k] = v
	return v, nil
}

// full returns the whole quad q.
func (r *reader) full(q cgraph.Ref) (quad.Quad, error) {
	var out quad.Quad
	for _, d := range quad.Directions {
		v, err := r.dir(q, d)
		if err != nil {
			return out, err
		}
		if v == nil && d != quad.Label {
			return out, errConflict
		}
		out.Set(d, v)
	}
	return out, nil
}

// entity reads one entity; nil if no document gives it a kind.
func (r *reader) entity(id string) (*graph.Entity, error) {
	dec := newEntityDecoder(id)
	err := r.each(quad.Subject, idIRI(id), func(q cgraph.Ref) error {
		p, err := r.dir(q, quad.Predicate)
		if err != nil || !entityPredicate(p) {
			return err
		}
		o, err := r.dir(q, quad.Object)
		if err != nil {
			return err
		}
		l, err := r.dir(q, quad.Label)
		if err != nil {
			return err
		}
		dec.add(p, o, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dec.entity(), nil
}

// kindsByEntity returns the merged kind of every entity (the kind given by
// the first document by ID).
func (r *reader) kindsByEntity() (map[string]graph.Kind, error) {
	type kd struct {
		kind graph.Kind
		doc  string
	}
	m := map[string]kd{}
	for _, k := range graph.Kinds {
		err := r.each(quad.Object, kindIRI(k), func(q cgraph.Ref) error {
			p, err := r.dir(q, quad.Predicate)
			if err != nil || p != rdfType {
				return err
			}
			sv, err := r.dir(q, quad.Subject)
			if err != nil {
				return err
			}
			lv, err := r.dir(q, quad.Label)
			if err != nil {
				return err
			}
			id, ok1 := idOf(sv)
			doc, ok2 := idOf(lv)
			if !ok1 || !ok2 {
				return nil
			}
			if cur, ok := m[id]; !ok || doc < cur.doc {
				m[id] = kd{k, doc}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	out := make(map[string]graph.Kind, len(m))
	for id, v := range m {
		out[id] = v.kind
	}
	return out, nil
}

// entityIDs lists entity IDs after `after`, of the given kinds, sorted.
func (r *reader) entityIDs(kinds []graph.Kind, after string) ([]string, error) {
	m, err := r.kindsByEntity()
	if err != nil {
		return nil, err
	}
	want := map[graph.Kind]bool{}
	for _, k := range kinds {
		want[k] = true
	}
	ids := make([]string, 0, len(m))
	for id, k := range m {
		if id > after && (len(want) == 0 || want[k]) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids, nil
}

// end is one relation seen from one of its ends.
type end struct {
	rel   *graph.Relation // ID, Subject, Predicate, Object set
	other string          // the other end
}

// incident returns the relations of entity id that match f, each once,
// without statement details.
func (r *reader) incident(id string, f graph.RelationFilter) ([]end, error) {
	var preds map[string]bool
	if len(f.Predicates) > 0 {
		preds = make(map[string]bool, len(f.Predicates))
		for _, p := range f.Predicates {
			preds[p] = true
		}
	}
	var out []end
	seen := map[string]bool{}
	for _, side := range []quad.Direction{quad.Subject, quad.Object} {
		err := r.each(side, idIRI(id), func(q cgraph.Ref) error {
			pv, err := r.dir(q, quad.Predicate)
			if err != nil {
				return err
			}
			pred, ok := trimIRI(pv, nsRel)
			if !ok || (preds != nil && !preds[pred]) {
				return nil
			}
			p, ok := graph.LookupPredicate(pred)
			if !ok {
				return nil
			}
			switch {
			case f.Direction == graph.Both, p.Symmetric:
			case f.Direction == graph.Out && side == quad.Subject:
			case f.Direction == graph.In && side == quad.Object:
			default:
				return nil
			}
			lv, err := r.dir(q, quad.Label)
			if err != nil {
				return err
			}
			relID, ok := idOf(lv)
			if !ok || seen[relID] {
				return nil
			}
			seen[relID] = true
			otherDir := quad.Object
			if side == quad.Object {
				otherDir = quad.Subject
			}
			ov, err := r.dir(q, otherDir)
			if err != nil {
				return err
			}
			other, ok := idOf(ov)
			if !ok {
				return nil
			}
			rel := &graph.Relation{ID: relID, Predicate: pred, Subject: id, Object: other}
			if side == quad.Object {
				rel.Subject, rel.Object = other, id
			}
			out = append(out, end{rel: rel, other: other})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// relationFromQuad decodes a relation quad; false if q is not one.
func (r *reader) relationFromQuad(q cgraph.Ref) (*graph.Relation, bool, error) {
	pv, err := r.dir(q, quad.Predicate)
	if err != nil {
		return nil, false, err
	}
	pred, ok := trimIRI(pv, nsRel)
	if !ok {
		return nil, false, nil
	}
	var vals [3]string
	for i, d := range []quad.Direction{quad.Subject, quad.Object, quad.Label} {
		v, err := r.dir(q, d)
		if err != nil {
			return nil, false, err
		}
		if vals[i], ok = idOf(v); !ok {
			return nil, false, nil
		}
	}
	return &graph.Relation{ID: vals[2], Subject: vals[0], Predicate: pred, Object: vals[1]}, true, nil
}

// fillStatement sets Document and Evidence of rel from its statement node.
// Document stays empty when the statement does not exist.
func (r *reader) fillStatement(rel *graph.Relation) error {
	rel.Document, rel.Evidence = "", nil
	err := r.each(quad.Subject, idIRI(rel.ID), func(q cgraph.Ref) error {
		p, err := r.dir(q, quad.Predicate)
		if err != nil {
			return err
		}
		switch p {
		case pStatedIn:
			o, err := r.dir(q, quad.Object)
			if err != nil {
				return err
			}
			if doc, ok := idOf(o); ok {
				rel.Document = doc
			}
		case pEvidence:
			o, err := r.dir(q, quad.Object)
			if err != nil {
				return err
			}
			l, err := r.dir(q, quad.Label)
			if err != nil {
				return err
			}
			doc, _ := idOf(l)
			if ev, ok := evidenceFromLiteral(o, doc); ok {
				rel.Evidence = append(rel.Evidence, ev)
			}
		}
		return nil
	})
	sortEvidence(rel.Evidence)
	return err
}

// relation reads one relation by ID; nil if unknown.
func (r *reader) relation(id string) (*graph.Relation, error) {
	var rel *graph.Relation
	err := r.each(quad.Label, idIRI(id), func(q cgraph.Ref) error {
		x, ok, err := r.relationFromQuad(q)
		if ok && rel == nil {
			rel = x
		}
		return err
	})
	if err != nil || rel == nil {
		return nil, err
	}
	if err := r.fillStatement(rel); err != nil {
		return nil, err
	}
	if rel.Document == "" {
		return nil, nil
	}
	return rel, nil
}

// allRelations returns every relation without statement details.
func (r *reader) allRelations() ([]*graph.Relation, error) {
	var out []*graph.Relation
	for _, p := range graph.Vocabulary {
		err := r.each(quad.Predicate, relIRI(p.ID), func(q cgraph.Ref) error {
			rel, ok, err := r.relationFromQuad(q)
			if ok {
				out = append(out, rel)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// lookupName finds entities by Chinese name (exact), English name or alias
// (case-insensitive).
func (r *reader) lookupName(name string) ([]string, error) {
	found := map[string]bool{}
	collect := func(pred quad.Value, match func(quad.Value) bool) func(q cgraph.Ref) error {
		return func(q cgraph.Ref) error {
			p, err := r.dir(q, quad.Predicate)
			if err != nil || p != pred {
				return err
			}
			if match != nil {
				o, err := r.dir(q, quad.Object)
				if err != nil || !match(o) {
					return err
				}
			}
			s, err := r.dir(q, quad.Subject)
			if err != nil {
				return err
			}
			if id, ok := idOf(s); ok {
				found[id] = true
			}
			return nil
		}
	}
	if err := r.each(quad.Object, zh(name), collect(rdfsLabel, nil)); err != nil {
		return nil, err
	}
	if strings.ToLower(name) == strings.ToUpper(name) {
		// No letter has case: exact lookups are enough.
		if err := r.each(quad.Object, en(name), collect(rdfsLabel, nil)); err != nil {
			return nil, err
		}
		if err := r.each(quad.Object, quad.String(name), collect(skosAltLabel, nil)); err != nil {
			return nil, err
		}
	} else {
		enMatch := func(v quad.Value) bool {
			ls, ok := v.(quad.LangString)
			return ok && ls.Lang == langEn && strings.EqualFold(string(ls.Value), name)
		}
		aliasMatch := func(v quad.Value) bool {
			s, ok := v.(quad.String)
			return ok && strings.EqualFold(string(s), name)
		}
		if err := r.each(quad.Predicate, rdfsLabel, collect(rdfsLabel, enMatch)); err != nil {
			return nil, err
		}
		if err := r.each(quad.Predicate, skosAltLabel, collect(skosAltLabel, aliasMatch)); err != nil {
			return nil, err
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// document reads the description of document id (and its text when
// withText); found is false when it is not loaded.
func (r *reader) document(id string, withText bool) (d graph.Document, found bool, err error) {
	d.ID = id
	self := idIRI(id)
	err = r.each(quad.Subject, self, func(q cgraph.Ref) error {
		p, err := r.dir(q, quad.Predicate)
		if err != nil {
			return err
		}
		switch p {
		case rdfType, pTitle, pDigest:
		case pText:
			if !withText {
				return nil
			}
		default:
			return nil
		}
		l, err := r.dir(q, quad.Label)
		if err != nil || l != self {
			return err
		}
		o, err := r.dir(q, quad.Object)
		if err != nil {
			return err
		}
		switch p {
		case rdfType:
			if o == cDocument {
				found = true
			}
		case pTitle:
			if ls, ok := o.(quad.LangString); ok {
				switch ls.Lang {
				case langZh:
					d.Title = string(ls.Value)
				case langEn:
					d.TitleEn = string(ls.Value)
				}
			}
		case pDigest:
			d.Digest = lexical(o)
		case pText:
			d.Text = lexical(o)
		}
		return nil
	})
	return d, found, err
}

// documents lists the loaded documents by ID, without text.
func (r *reader) documents() ([]graph.Document, error) {
	ids, err := r.documentIDs()
	if err != nil {
		return nil, err
	}
	out := make([]graph.Document, 0, len(ids))
	for _, id := range ids {
		d, found, err := r.document(id, false)
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, d)
		}
	}
	return out, nil
}

func (r *reader) documentIDs() ([]string, error) {
	var ids []string
	err := r.each(quad.Object, cDocument, func(q cgraph.Ref) error {
		p, err := r.dir(q, quad.Predicate)
		if err != nil || p != rdfType {
			return err
		}
		s, err := r.dir(q, quad.Subject)
		if err != nil {
			return err
		}
		if id, ok := idOf(s); ok {
			ids = append(ids, id)
		}
		return nil
	})
	sort.Strings(ids)
	return ids, err
}

// stats counts what is stored, but for Quads (see Store.quadCount).
func (r *reader) stats() (graph.Stats, error) {
	st := graph.Stats{ByKind: map[graph.Kind]int{}, ByPredicate: map[string]int{}}
	kinds, err := r.kindsByEntity()
	if err != nil {
		return st, err
	}
	st.Entities = len(kinds)
	for _, k := range kinds {
		st.ByKind[k]++
	}
	for _, p := range graph.Vocabulary {
		n := 0
		err := r.each(quad.Predicate, relIRI(p.ID), func(cgraph.Ref) error { n++; return nil })
		if err != nil {
			return st, err
		}
		if n > 0 {
			st.ByPredicate[p.ID] = n
			st.Relations += n
		}
	}
	docs, err := r.documentIDs()
	if err != nil {
		return st, err
	}
	st.Documents = len(docs)
	return st, nil
}

// generation returns the stored generation and whether its quad exists.
func (r *reader) generation() (int64, bool, error) {
	var (
		g     int64
		found bool
	)
	err := r.each(quad.Subject, metaNode, func(q cgraph.Ref) error {
		p, err := r.dir(q, quad.Predicate)
		if err != nil || p != pGeneration {
			return err
		}
		o, err := r.dir(q, quad.Object)
		if err != nil {
			return err
		}
		if o == nil {
			return errConflict
		}
		n, err := strconv.ParseInt(lexical(o), 10, 64)
		if err != nil {
			return fmt.Errorf("bad generation %v: %w", o, err)
		}
		if !found || n > g {
			g, found = n, true
		}
		return nil
	})
	return g, found, err
}

// audit decodes every audit entry.
func (r *reader) audit() ([]graph.AuditEntry, error) {
	var out []graph.AuditEntry
	err := r.each(quad.Predicate, pAuditEntry, func(q cgraph.Ref) error {
		o, err := r.dir(q, quad.Object)
		if err != nil {
			return err
		}
		var e graph.AuditEntry
		if err := json.Unmarshal([]byte(lexical(o)), &e); err != nil {
			return fmt.Errorf("bad audit entry %v: %w", o, err)
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// allQuads returns every stored quad.
func (r *reader) allQuads() ([]quad.Quad, error) {
	var out []quad.Quad
	err := r.iterate(r.qs.QuadsAllIterator(), func(q cgraph.Ref) error {
		x, err := r.qs.Quad(q)
		if err != nil {
			return err
		}
		if x.IsValid() {
			out = append(out, x)
		}
		return nil
	})
	return out, err
}

// existsIn reports whether entity id has facts (a kind) from a document
// other than except ("" excludes none).
func (r *reader) existsIn(id, except string) (bool, error) {
	found := false
	err := r.each(quad.Subject, idIRI(id), func(q cgraph.Ref) error {
		if found {
			return nil
		}
		p, err := r.dir(q, quad.Predicate)
		if err != nil || p != rdfType {
			return err
		}
		o, err := r.dir(q, quad.Object)
		if err != nil {
			return err
		}
		if _, ok := trimIRI(o, nsKind); !ok {
			return nil
		}
		l, err := r.dir(q, quad.Label)
		if err != nil {
			return err
		}
		if doc, ok := idOf(l); ok && doc != except {
			found = true
		}
		return nil
	})
	return found, err
}

// statementDocument returns the document stating relation id ("" if none).
func (r *reader) statementDocument(id string) (string, error) {
	rel := &graph.Relation{ID: id}
	if err := r.fillStatement(rel); err != nil {
		return "", err
	}
	return rel.Document, nil
}

// docQuads returns the quads of document doc with the fact each belongs
// to: every quad labelled with the document, and the relation quads
// labelled with its statement nodes.
func (r *reader) docQuads(doc string) (quadSet, error) {
	self := idIRI(doc)
	var labelled []quad.Quad
	err := r.each(quad.Label, self, func(q cgraph.Ref) error {
		x, err := r.full(q)
		if err == nil {
			labelled = append(labelled, x)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	stmts := map[quad.Value]string{}
	for _, q := range labelled {
		if q.Predicate == pStatedIn {
			if id, ok := idOf(q.Subject); ok {
				stmts[q.Subject] = id
			}
		}
	}
	set := make(quadSet, len(labelled)+len(stmts))
	for _, q := range labelled {
		switch {
		case stmts[q.Subject] != "":
			set[q] = owner{ownRelation, stmts[q.Subject]}
		case q.Subject == self && (q.Predicate == pTitle || q.Predicate == pDigest || q.Predicate == pText ||
			(q.Predicate == rdfType && q.Object == cDocument)):
			set[q] = owner{ownDocument, doc}
		default:
			id, _ := idOf(q.Subject)
			set[q] = owner{ownEntity, id}
		}
	}
	for st, id := range stmts {
		err := r.each(quad.Label, st, func(q cgraph.Ref) error {
			x, err := r.full(q)
			if err == nil {
				set[x] = owner{ownRelation, id}
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return set, nil
}
