package cayleystore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/quad"

	"github.com/minhang-kg/kg/graph"
)

// reader runs the reads of one Store call (under the Store's lock). Every
// read goes through quads, which fetches the quads touching many nodes at
// once: on memstore and bbolt with raw quad iterators, caching node names
// for the call; on PostgreSQL with two or three SQL queries however many
// nodes (see sqlFetcher).
type reader struct {
	ctx   context.Context
	qs    cgraph.QuadStore
	names map[any]quad.Value
	bulk  *sqlFetcher // nil: use Cayley's iterators
}

func (s *Store) reader(ctx context.Context) *reader {
	r := &reader{ctx: ctx, qs: s.qs, names: map[any]quad.Value{}}
	if s.sqlDB != nil {
		r.bulk = newSQLFetcher(s.sqlDB)
	}
	return r
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

// full returns the whole quad q. A node that cannot be named means another
// process deleted it meanwhile (errConflict).
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

// quads returns the quads whose value in direction d is one of vals and
// whose predicate passes keep (nil keeps all). The other values of a quad
// are resolved only when its predicate is kept.
func (r *reader) quads(d quad.Direction, vals []quad.Value, keep func(p quad.Value) bool) ([]quad.Quad, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	if r.bulk != nil {
		return r.bulk.quadsWith(r.ctx, d, vals, keep)
	}
	var out []quad.Quad
	for _, v := range vals {
		err := r.each(d, v, func(q cgraph.Ref) error {
			if keep != nil {
				p, err := r.dir(q, quad.Predicate)
				if err != nil || !keep(p) {
					return err
				}
			}
			x, err := r.full(q)
			if err == nil {
				out = append(out, x)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func is(ps ...quad.Value) func(quad.Value) bool {
	return func(p quad.Value) bool {
		for _, x := range ps {
			if p == x {
				return true
			}
		}
		return false
	}
}

func isRelPredicate(p quad.Value) bool {
	_, ok := trimIRI(p, nsRel)
	return ok
}

func idIRIs(ids []string) []quad.Value {
	out := make([]quad.Value, len(ids))
	for i, id := range ids {
		out[i] = idIRI(id)
	}
	return out
}

func uniq(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// entities reads entities by ID; IDs no document gives a kind are absent.
func (r *reader) entities(ids []string) (map[string]*graph.Entity, error) {
	ids = uniq(ids)
	qs, err := r.quads(quad.Subject, idIRIs(ids), entityPredicate)
	if err != nil {
		return nil, err
	}
	decs := make(map[string]*entityDecoder, len(ids))
	for _, q := range qs {
		id, ok := idOf(q.Subject)
		if !ok {
			continue
		}
		dec := decs[id]
		if dec == nil {
			dec = newEntityDecoder(id)
			decs[id] = dec
		}
		dec.add(q.Predicate, q.Object, q.Label)
	}
	out := make(map[string]*graph.Entity, len(decs))
	for id, dec := range decs {
		if e := dec.entity(); e != nil {
			out[id] = e
		}
	}
	return out, nil
}

// kindsByEntity returns the merged kind of every entity (the kind given by
// the first document by ID).
func (r *reader) kindsByEntity() (map[string]graph.Kind, error) {
	classes := make([]quad.Value, len(graph.Kinds))
	for i, k := range graph.Kinds {
		classes[i] = kindIRI(k)
	}
	qs, err := r.quads(quad.Object, classes, is(rdfType))
	if err != nil {
		return nil, err
	}
	type kd struct {
		kind graph.Kind
		doc  string
	}
	m := map[string]kd{}
	for _, q := range qs {
		id, ok1 := idOf(q.Subject)
		doc, ok2 := idOf(q.Label)
		k, ok3 := trimIRI(q.Object, nsKind)
		if !ok1 || !ok2 || !ok3 {
			continue
		}
		if cur, ok := m[id]; !ok || doc < cur.doc {
			m[id] = kd{graph.Kind(k), doc}
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

// relationOf decodes a relation quad (without statement details).
func relationOf(q quad.Quad) (*graph.Relation, bool) {
	pred, ok := trimIRI(q.Predicate, nsRel)
	if !ok {
		return nil, false
	}
	s, ok1 := idOf(q.Subject)
	o, ok2 := idOf(q.Object)
	id, ok3 := idOf(q.Label)
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	return &graph.Relation{ID: id, Subject: s, Predicate: pred, Object: o}, true
}

// incident returns, for each entity ID, its relations that match f, each
// once, without statement details.
func (r *reader) incident(ids []string, f graph.RelationFilter) (map[string][]end, error) {
	ids = uniq(ids)
	var preds map[string]bool
	if len(f.Predicates) > 0 {
		preds = make(map[string]bool, len(f.Predicates))
		for _, p := range f.Predicates {
			preds[p] = true
		}
	}
	out := make(map[string][]end, len(ids))
	seen := map[[2]string]bool{}
	for _, side := range []quad.Direction{quad.Subject, quad.Object} {
		qs, err := r.quads(side, idIRIs(ids), isRelPredicate)
		if err != nil {
			return nil, err
		}
		for _, q := range qs {
			rel, ok := relationOf(q)
			if !ok || (preds != nil && !preds[rel.Predicate]) {
				continue
			}
			p, ok := graph.LookupPredicate(rel.Predicate)
			if !ok {
				continue
			}
			switch {
			case f.Direction == graph.Both, p.Symmetric:
			case f.Direction == graph.Out && side == quad.Subject:
			case f.Direction == graph.In && side == quad.Object:
			default:
				continue
			}
			id, other := rel.Subject, rel.Object
			if side == quad.Object {
				id, other = rel.Object, rel.Subject
			}
			if seen[[2]string{id, rel.ID}] {
				continue
			}
			seen[[2]string{id, rel.ID}] = true
			out[id] = append(out[id], end{rel: rel, other: other})
		}
	}
	return out, nil
}

// fillStatements sets Document, Evidence, validity and attributes of each
// relation from its statement node. Document stays empty when the
// statement does not exist.
func (r *reader) fillStatements(rels []*graph.Relation) error {
	byID := make(map[string][]*graph.Relation, len(rels))
	ids := make([]string, 0, len(rels))
	for _, rel := range rels {
		rel.Document, rel.Evidence, rel.ValidFrom, rel.ValidTo, rel.Attributes = "", nil, "", "", nil
		if _, ok := byID[rel.ID]; !ok {
			ids = append(ids, rel.ID)
		}
		byID[rel.ID] = append(byID[rel.ID], rel)
	}
	qs, err := r.quads(quad.Subject, idIRIs(ids), statementPredicate)
	if err != nil {
		return err
	}
	decs := make(map[*graph.Relation]*statementDecoder, len(rels))
	for _, q := range qs {
		id, _ := idOf(q.Subject)
		for _, rel := range byID[id] {
			switch q.Predicate {
			case pStatedIn:
				if doc, ok := idOf(q.Object); ok {
					rel.Document = doc
				}
			case pEvidence:
				doc, _ := idOf(q.Label)
				if ev, ok := evidenceFromLiteral(q.Object, doc); ok {
					rel.Evidence = append(rel.Evidence, ev)
				}
			default:
				dec := decs[rel]
				if dec == nil {
					dec = &statementDecoder{}
					decs[rel] = dec
				}
				dec.add(rel, q.Predicate, q.Object)
			}
		}
	}
	for _, rel := range rels {
		dec := decs[rel]
		if dec == nil {
			dec = &statementDecoder{}
		}
		dec.finish(rel)
	}
	return nil
}

// relations reads relations by ID; unknown IDs are absent.
func (r *reader) relations(ids []string) (map[string]*graph.Relation, error) {
	ids = uniq(ids)
	qs, err := r.quads(quad.Label, idIRIs(ids), isRelPredicate)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*graph.Relation, len(ids))
	var rels []*graph.Relation
	for _, q := range qs {
		if rel, ok := relationOf(q); ok && out[rel.ID] == nil {
			out[rel.ID] = rel
			rels = append(rels, rel)
		}
	}
	if err := r.fillStatements(rels); err != nil {
		return nil, err
	}
	for id, rel := range out {
		if rel.Document == "" {
			delete(out, id)
		}
	}
	return out, nil
}

// allRelations returns every relation without statement details.
func (r *reader) allRelations() ([]*graph.Relation, error) {
	preds := make([]quad.Value, len(graph.Vocabulary))
	for i, p := range graph.Vocabulary {
		preds[i] = relIRI(p.ID)
	}
	qs, err := r.quads(quad.Predicate, preds, nil)
	if err != nil {
		return nil, err
	}
	out := make([]*graph.Relation, 0, len(qs))
	for _, q := range qs {
		if rel, ok := relationOf(q); ok {
			out = append(out, rel)
		}
	}
	return out, nil
}

// lookupName finds entities by Chinese name (exact), English name or alias
// (case-insensitive).
func (r *reader) lookupName(name string) ([]string, error) {
	var qs []quad.Quad
	var err error
	if strings.ToLower(name) == strings.ToUpper(name) {
		// No letter has case: exact lookups are enough.
		qs, err = r.quads(quad.Object, []quad.Value{zh(name), en(name), quad.String(name)}, is(rdfsLabel, skosAltLabel))
	} else {
		// Case-insensitive: scan the English names and aliases.
		var zhs, all []quad.Quad
		if zhs, err = r.quads(quad.Object, []quad.Value{zh(name)}, is(rdfsLabel)); err != nil {
			return nil, err
		}
		if all, err = r.quads(quad.Predicate, []quad.Value{rdfsLabel, skosAltLabel}, nil); err != nil {
			return nil, err
		}
		qs = zhs
		for _, q := range all {
			switch o := q.Object.(type) {
			case quad.LangString:
				if o.Lang == langEn && strings.EqualFold(string(o.Value), name) {
					qs = append(qs, q)
				}
			case quad.String:
				if strings.EqualFold(string(o), name) {
					qs = append(qs, q)
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}
	found := map[string]bool{}
	for _, q := range qs {
		if id, ok := idOf(q.Subject); ok {
			found[id] = true
		}
	}
	ids := make([]string, 0, len(found))
	for id := range found {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids, nil
}

// documentsByID reads the description of documents (with their text when
// withText); documents not loaded are absent.
func (r *reader) documentsByID(ids []string, withText bool) (map[string]*graph.Document, error) {
	keep := is(rdfType, pTitle, pDigest, pIssued, pTemporal)
	if withText {
		keep = is(rdfType, pTitle, pDigest, pIssued, pTemporal, pText)
	}
	qs, err := r.quads(quad.Subject, idIRIs(ids), keep)
	if err != nil {
		return nil, err
	}
	docs := map[string]*graph.Document{}
	found := map[string]bool{}
	for _, q := range qs {
		id, ok := idOf(q.Subject)
		if !ok || q.Label != q.Subject {
			continue
		}
		d := docs[id]
		if d == nil {
			d = &graph.Document{ID: id}
			docs[id] = d
		}
		switch q.Predicate {
		case rdfType:
			if q.Object == cDocument {
				found[id] = true
			}
		case pTitle, pDigest, pIssued, pTemporal:
			documentField(d, q.Predicate, q.Object)
		case pText:
			d.Text = lexical(q.Object)
		}
	}
	for id := range docs {
		if !found[id] {
			delete(docs, id)
		}
	}
	return docs, nil
}

// documents lists the loaded documents by ID, without text.
func (r *reader) documents() ([]graph.Document, error) {
	ids, err := r.documentIDs()
	if err != nil {
		return nil, err
	}
	m, err := r.documentsByID(ids, false)
	if err != nil {
		return nil, err
	}
	out := make([]graph.Document, 0, len(ids))
	for _, id := range ids {
		if d := m[id]; d != nil {
			out = append(out, *d)
		}
	}
	return out, nil
}

func (r *reader) documentIDs() ([]string, error) {
	qs, err := r.quads(quad.Object, []quad.Value{cDocument}, is(rdfType))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, q := range qs {
		if id, ok := idOf(q.Subject); ok && q.Label == q.Subject {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return uniq(ids), nil
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
	qs, err := r.quads(quad.Subject, []quad.Value{metaNode}, is(pGeneration))
	if err != nil {
		return 0, false, err
	}
	var (
		g     int64
		found bool
	)
	for _, q := range qs {
		n, err := strconv.ParseInt(lexical(q.Object), 10, 64)
		if err != nil {
			return 0, false, fmt.Errorf("bad generation %v: %w", q.Object, err)
		}
		if !found || n > g {
			g, found = n, true
		}
	}
	return g, found, nil
}

// audit decodes every audit entry.
func (r *reader) audit() ([]graph.AuditEntry, error) {
	qs, err := r.quads(quad.Predicate, []quad.Value{pAuditEntry}, nil)
	if err != nil {
		return nil, err
	}
	out := make([]graph.AuditEntry, 0, len(qs))
	for _, q := range qs {
		var e graph.AuditEntry
		if err := json.Unmarshal([]byte(lexical(q.Object)), &e); err != nil {
			return nil, fmt.Errorf("bad audit entry %v: %w", q.Object, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// allQuads returns every stored quad.
func (r *reader) allQuads() ([]quad.Quad, error) {
	if r.bulk != nil {
		return r.bulk.allQuads(r.ctx)
	}
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

// existing returns which of ids have facts (a kind) from a document other
// than except ("" excludes none).
func (r *reader) existing(ids []string, except string) (map[string]bool, error) {
	return r.existingExcept(ids, map[string]bool{except: except != ""})
}

// existingExcept returns which of ids have facts (a kind) from a document
// not in except.
func (r *reader) existingExcept(ids []string, except map[string]bool) (map[string]bool, error) {
	if len(ids) == 0 {
		return map[string]bool{}, nil
	}
	qs, err := r.quads(quad.Subject, idIRIs(uniq(ids)), is(rdfType))
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, q := range qs {
		if _, ok := trimIRI(q.Object, nsKind); !ok {
			continue
		}
		id, ok1 := idOf(q.Subject)
		doc, ok2 := idOf(q.Label)
		if ok1 && ok2 && !except[doc] {
			out[id] = true
		}
	}
	return out, nil
}

// statementDocuments returns the document stating each relation ID that
// has a statement.
func (r *reader) statementDocuments(ids []string) (map[string]string, error) {
	qs, err := r.quads(quad.Subject, idIRIs(uniq(ids)), is(pStatedIn))
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(qs))
	for _, q := range qs {
		id, ok1 := idOf(q.Subject)
		doc, ok2 := idOf(q.Object)
		if ok1 && ok2 {
			out[id] = doc
		}
	}
	return out, nil
}

// docQuads returns the quads of document doc with the fact each belongs
// to: every quad labelled with the document, and the relation quads
// labelled with its statement nodes.
func (r *reader) docQuads(doc string) (quadSet, error) {
	self := idIRI(doc)
	labelled, err := r.quads(quad.Label, []quad.Value{self}, nil)
	if err != nil {
		return nil, err
	}
	stmts := map[quad.Value]string{}
	var stmtIRIs []quad.Value
	for _, q := range labelled {
		if q.Predicate == pStatedIn {
			if id, ok := idOf(q.Subject); ok && stmts[q.Subject] == "" {
				stmts[q.Subject] = id
				stmtIRIs = append(stmtIRIs, q.Subject)
			}
		}
	}
	set := make(quadSet, len(labelled)+len(stmts))
	for _, q := range labelled {
		switch {
		case stmts[q.Subject] != "":
			set[q] = owner{ownRelation, stmts[q.Subject]}
		case isDocumentMeta(q, self):
			set[q] = owner{ownDocument, doc}
		default:
			id, _ := idOf(q.Subject)
			set[q] = owner{ownEntity, id}
		}
	}
	rels, err := r.quads(quad.Label, stmtIRIs, nil)
	if err != nil {
		return nil, err
	}
	for _, q := range rels {
		set[q] = owner{ownRelation, stmts[q.Label]}
	}
	return set, nil
}

// factQuads returns the quads by which document doc states the given
// entities and relations (what docQuads would return for them, without
// reading the whole document), and whether doc is loaded.
func (r *reader) factQuads(doc string, entities, rels []string) (quadSet, bool, error) {
	self := idIRI(doc)
	set := quadSet{}
	// The document's text (its biggest value) is never needed here.
	notText := func(p quad.Value) bool { return p != pText }
	ents, err := r.quads(quad.Subject, idIRIs(uniq(append(slices.Clone(entities), doc))), notText)
	if err != nil {
		return nil, false, err
	}
	want := map[quad.Value]bool{}
	for _, id := range entities {
		want[idIRI(id)] = true
	}
	loaded := false
	for _, q := range ents {
		if q.Label != self {
			continue
		}
		if isDocumentMeta(q, self) {
			loaded = loaded || q.Predicate == rdfType
			continue
		}
		if want[q.Subject] {
			id, _ := idOf(q.Subject)
			set[q] = owner{ownEntity, id}
		}
	}
	if len(rels) == 0 {
		return set, loaded, nil
	}
	rels = uniq(rels)
	stmts, err := r.quads(quad.Subject, idIRIs(rels), statementPredicate)
	if err != nil {
		return nil, false, err
	}
	ours := map[quad.Value]bool{}
	for _, q := range stmts {
		if q.Label == self {
			id, _ := idOf(q.Subject)
			set[q] = owner{ownRelation, id}
			if q.Predicate == pStatedIn {
				ours[q.Subject] = true
			}
		}
	}
	relQuads, err := r.quads(quad.Label, idIRIs(rels), isRelPredicate)
	if err != nil {
		return nil, false, err
	}
	for _, q := range relQuads {
		if ours[q.Label] {
			id, _ := idOf(q.Label)
			set[q] = owner{ownRelation, id}
		}
	}
	return set, loaded, nil
}

// documentField sets the title, digest, date or period of d from one of
// its quads (other predicates are ignored). The text is read by the
// callers that need it.
func documentField(d *graph.Document, p, o quad.Value) {
	switch p {
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
	case pIssued:
		d.Date = lexical(o)
	case pTemporal:
		d.Period = lexical(o)
	}
}
