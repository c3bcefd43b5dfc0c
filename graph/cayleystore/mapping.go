package cayleystore

import (
	"bytes"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/minhang-kg/kg/graph"
)

// The quad mapping; see graph/doc.go for the whole picture.
const (
	ns       = graph.NS
	nsID     = graph.NSID
	nsRel    = graph.NSRel
	nsKind   = graph.NSKind
	nsAttr   = graph.NSAttr
	nsUnit   = graph.NSUnit
	nsSchema = graph.NSSchema
	nsAudit  = graph.NSAudit

	rdfType      = quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
	rdfJSON      = quad.IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON")
	rdfsLabel    = quad.IRI("http://www.w3.org/2000/01/rdf-schema#label")
	rdfsComment  = quad.IRI("http://www.w3.org/2000/01/rdf-schema#comment")
	skosAltLabel = quad.IRI("http://www.w3.org/2004/02/skos/core#altLabel")

	xsdInteger    = quad.IRI("http://www.w3.org/2001/XMLSchema#integer")
	xsdDecimal    = quad.IRI("http://www.w3.org/2001/XMLSchema#decimal")
	xsdDate       = quad.IRI("http://www.w3.org/2001/XMLSchema#date")
	xsdGYearMonth = quad.IRI("http://www.w3.org/2001/XMLSchema#gYearMonth")
	xsdGYear      = quad.IRI("http://www.w3.org/2001/XMLSchema#gYear")

	pEvidence   = quad.IRI(nsSchema + "evidence")
	pStatedIn   = quad.IRI(nsSchema + "statedIn")
	pTitle      = quad.IRI(nsSchema + "title")
	pDigest     = quad.IRI(nsSchema + "digest")
	pText       = quad.IRI(nsSchema + "text")
	pGeneration = quad.IRI(nsSchema + "generation")
	pAuditEntry = quad.IRI(nsSchema + "auditEntry")
	pValidFrom  = quad.IRI(nsSchema + "validFrom")
	pValidTo    = quad.IRI(nsSchema + "validTo")
	pIssued     = quad.IRI("http://purl.org/dc/terms/issued")
	pTemporal   = quad.IRI("http://purl.org/dc/terms/temporal")
	cDocument   = quad.IRI(nsSchema + "Document")
	tDocNo      = quad.IRI(nsSchema + "DocNo")

	metaNode   = quad.IRI(ns + "meta")
	metaGraph  = quad.IRI(ns + "graph/meta")
	auditGraph = quad.IRI(ns + "graph/audit")

	langZh = "zh"
	langEn = "en"
)

func idIRI(id string) quad.IRI      { return quad.IRI(nsID + id) }
func relIRI(pred string) quad.IRI   { return quad.IRI(nsRel + pred) }
func kindIRI(k graph.Kind) quad.IRI { return quad.IRI(nsKind + string(k)) }
func attrIRI(key string) quad.IRI   { return quad.IRI(nsAttr + url.PathEscape(key)) }
func unitIRI(key string) quad.IRI   { return quad.IRI(nsUnit + url.PathEscape(key)) }
func auditIRI(id string) quad.IRI   { return quad.IRI(nsAudit + id) }
func zh(s string) quad.LangString   { return quad.LangString{Value: quad.String(s), Lang: langZh} }
func en(s string) quad.LangString   { return quad.LangString{Value: quad.String(s), Lang: langEn} }
func jsonLit(b []byte) quad.TypedString {
	return quad.TypedString{Value: quad.String(b), Type: rdfJSON}
}

// trimIRI returns the part of v after prefix when v is an IRI starting with
// it.
func trimIRI(v quad.Value, prefix string) (string, bool) {
	iri, ok := v.(quad.IRI)
	if !ok || !strings.HasPrefix(string(iri), prefix) {
		return "", false
	}
	return string(iri)[len(prefix):], true
}

func idOf(v quad.Value) (string, bool) { return trimIRI(v, nsID) }

func keyOf(v quad.Value, prefix string) (string, bool) {
	s, ok := trimIRI(v, prefix)
	if !ok {
		return "", false
	}
	k, err := url.PathUnescape(s)
	if err != nil {
		return "", false
	}
	return k, true
}

// dateLiteral encodes an ISO date as xsd:date, xsd:gYearMonth or xsd:gYear
// by its precision.
func dateLiteral(v string) quad.Value {
	return attrLiteral(graph.Attribute{Value: v, Type: graph.AttrDate})
}

// attrLiteral encodes an attribute value as a typed literal.
func attrLiteral(a graph.Attribute) quad.Value {
	switch a.Type {
	case graph.AttrInteger:
		return quad.TypedString{Value: quad.String(a.Value), Type: xsdInteger}
	case graph.AttrNumber:
		return quad.TypedString{Value: quad.String(a.Value), Type: xsdDecimal}
	case graph.AttrDocNo:
		return quad.TypedString{Value: quad.String(a.Value), Type: tDocNo}
	case graph.AttrDate:
		t := xsdDate
		switch len(a.Value) {
		case 4:
			t = xsdGYear
		case 7:
			t = xsdGYearMonth
		}
		return quad.TypedString{Value: quad.String(a.Value), Type: t}
	default:
		return quad.String(a.Value)
	}
}

// attrFromLiteral decodes attrLiteral. An xsd:integer literal may also be
// stored as a native integer (quad.Int: Cayley's own N-Quads loader
// converts them).
func attrFromLiteral(key string, v quad.Value) (graph.Attribute, bool) {
	switch v := v.(type) {
	case quad.Int:
		return graph.Attribute{Key: key, Value: strconv.FormatInt(int64(v), 10), Type: graph.AttrInteger}, true
	case quad.String:
		return graph.Attribute{Key: key, Value: string(v), Type: graph.AttrText}, true
	case quad.TypedString:
		a := graph.Attribute{Key: key, Value: string(v.Value)}
		switch v.Type {
		case xsdInteger:
			a.Type = graph.AttrInteger
		case xsdDecimal:
			a.Type = graph.AttrNumber
		case tDocNo:
			a.Type = graph.AttrDocNo
		case xsdDate, xsdGYearMonth, xsdGYear:
			a.Type = graph.AttrDate
		default:
			return graph.Attribute{}, false
		}
		return a, true
	}
	return graph.Attribute{}, false
}

// evidenceJSON is the stored form of graph.Evidence; field order fixes the
// encoding so equal evidence gives equal literals.
type evidenceJSON struct {
	Quote    string `json:"quote,omitempty"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
	Section  string `json:"section,omitempty"`
	URL      string `json:"url,omitempty"`
	Note     string `json:"note,omitempty"`
	Document string `json:"document,omitempty"`
}

func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func evidenceLiteral(ev graph.Evidence, doc string) (quad.Value, error) {
	j := evidenceJSON{Quote: ev.Quote, Start: ev.Start, End: ev.End, Section: ev.Section, URL: ev.URL, Note: ev.Note}
	if ev.Document != doc {
		j.Document = ev.Document
	}
	b, err := marshalJSON(j)
	if err != nil {
		return nil, err
	}
	return jsonLit(b), nil
}

func evidenceFromLiteral(v quad.Value, doc string) (graph.Evidence, bool) {
	ts, ok := v.(quad.TypedString)
	if !ok || ts.Type != rdfJSON {
		return graph.Evidence{}, false
	}
	var j evidenceJSON
	if err := json.Unmarshal([]byte(ts.Value), &j); err != nil {
		return graph.Evidence{}, false
	}
	ev := graph.Evidence{Document: j.Document, Quote: j.Quote, Start: j.Start, End: j.End, Section: j.Section, URL: j.URL, Note: j.Note}
	if ev.Document == "" {
		ev.Document = doc
	}
	return ev, true
}

// quadSet is a set of quads with the fact each belongs to.
type quadSet map[quad.Quad]owner

// owner names the fact a quad belongs to: an entity, a relation or the
// document's own description.
type owner struct {
	kind ownerKind
	id   string
}

type ownerKind uint8

const (
	ownDocument ownerKind = iota
	ownEntity
	ownRelation
)

// encodeDocumentMeta returns the quads describing document d itself.
func encodeDocumentMeta(set quadSet, d graph.Document) {
	doc := idIRI(d.ID)
	o := owner{ownDocument, d.ID}
	set[quad.Quad{Subject: doc, Predicate: rdfType, Object: cDocument, Label: doc}] = o
	if d.Title != "" {
		set[quad.Quad{Subject: doc, Predicate: pTitle, Object: zh(d.Title), Label: doc}] = o
	}
	if d.TitleEn != "" {
		set[quad.Quad{Subject: doc, Predicate: pTitle, Object: en(d.TitleEn), Label: doc}] = o
	}
	if d.Digest != "" {
		set[quad.Quad{Subject: doc, Predicate: pDigest, Object: quad.String(d.Digest), Label: doc}] = o
	}
	if d.Text != "" {
		set[quad.Quad{Subject: doc, Predicate: pText, Object: quad.String(d.Text), Label: doc}] = o
	}
	if d.Date != "" {
		set[quad.Quad{Subject: doc, Predicate: pIssued, Object: dateLiteral(d.Date), Label: doc}] = o
	}
	if d.Period != "" {
		set[quad.Quad{Subject: doc, Predicate: pTemporal, Object: quad.String(d.Period), Label: doc}] = o
	}
}

// isDocumentMeta reports whether q is one of the quads describing document
// self itself (encodeDocumentMeta), as opposed to facts of its entity.
func isDocumentMeta(q quad.Quad, self quad.Value) bool {
	if q.Subject != self || q.Label != self {
		return false
	}
	switch q.Predicate {
	case pTitle, pDigest, pText, pIssued, pTemporal:
		return true
	case rdfType:
		return q.Object == cDocument
	}
	return false
}

// encodeEntity adds the quads of entity e as stated by document doc.
func encodeEntity(set quadSet, e *graph.Entity, doc string) error {
	s, l := idIRI(e.ID), idIRI(doc)
	o := owner{ownEntity, e.ID}
	add := func(p quad.IRI, v quad.Value) {
		set[quad.Quad{Subject: s, Predicate: p, Object: v, Label: l}] = o
	}
	add(rdfType, kindIRI(e.Kind))
	add(rdfsLabel, zh(e.Name))
	if e.NameEn != "" {
		add(rdfsLabel, en(e.NameEn))
	}
	for _, a := range e.Aliases {
		add(skosAltLabel, quad.String(a))
	}
	if e.Description != "" {
		add(rdfsComment, zh(e.Description))
	}
	if e.DescriptionEn != "" {
		add(rdfsComment, en(e.DescriptionEn))
	}
	for _, a := range e.Attributes {
		add(attrIRI(a.Key), attrLiteral(a))
		if a.Unit != "" {
			add(unitIRI(a.Key), quad.String(a.Unit))
		}
	}
	for _, ev := range e.Evidence {
		v, err := evidenceLiteral(ev, doc)
		if err != nil {
			return err
		}
		add(pEvidence, v)
	}
	return nil
}

// encodeRelation adds the quads of relation r (already normalised: ID set,
// symmetric ends ordered) stated by document doc.
func encodeRelation(set quadSet, r *graph.Relation, doc string) error {
	st, l := idIRI(r.ID), idIRI(doc)
	o := owner{ownRelation, r.ID}
	set[quad.Quad{Subject: idIRI(r.Subject), Predicate: relIRI(r.Predicate), Object: idIRI(r.Object), Label: st}] = o
	set[quad.Quad{Subject: st, Predicate: pStatedIn, Object: l, Label: l}] = o
	for _, ev := range r.Evidence {
		v, err := evidenceLiteral(ev, doc)
		if err != nil {
			return err
		}
		set[quad.Quad{Subject: st, Predicate: pEvidence, Object: v, Label: l}] = o
	}
	if r.ValidFrom != "" {
		set[quad.Quad{Subject: st, Predicate: pValidFrom, Object: dateLiteral(r.ValidFrom), Label: l}] = o
	}
	if r.ValidTo != "" {
		set[quad.Quad{Subject: st, Predicate: pValidTo, Object: dateLiteral(r.ValidTo), Label: l}] = o
	}
	for _, a := range r.Attributes {
		set[quad.Quad{Subject: st, Predicate: attrIRI(a.Key), Object: attrLiteral(a), Label: l}] = o
		if a.Unit != "" {
			set[quad.Quad{Subject: st, Predicate: unitIRI(a.Key), Object: quad.String(a.Unit), Label: l}] = o
		}
	}
	return nil
}

// statementPredicate reports whether quads with predicate p on a
// statement node carry relation details (what encodeRelation writes).
func statementPredicate(p quad.Value) bool {
	switch p {
	case pStatedIn, pEvidence, pValidFrom, pValidTo:
		return true
	}
	iri, ok := p.(quad.IRI)
	return ok && (strings.HasPrefix(string(iri), nsAttr) || strings.HasPrefix(string(iri), nsUnit))
}

// statementDecoder collects the details of one relation from the quads of
// its statement node (but for evidence, which callers decode themselves).
type statementDecoder struct {
	units map[string]string
}

// add applies one quad (predicate p, object o) of rel's statement node;
// it reports false for predicates it does not handle (statedIn, evidence).
func (d *statementDecoder) add(rel *graph.Relation, p, o quad.Value) bool {
	switch p {
	case pValidFrom:
		rel.ValidFrom = lexical(o)
	case pValidTo:
		rel.ValidTo = lexical(o)
	default:
		if key, ok := keyOf(p, nsAttr); ok {
			if a, ok := attrFromLiteral(key, o); ok {
				rel.Attributes = append(rel.Attributes, a)
			}
		} else if key, ok := keyOf(p, nsUnit); ok {
			if d.units == nil {
				d.units = map[string]string{}
			}
			d.units[key] = lexical(o)
		} else {
			return false
		}
	}
	return true
}

// finish sets the attributes' units and orders attributes (by key, then
// value) and evidence.
func (d *statementDecoder) finish(rel *graph.Relation) {
	sortAttributes(rel.Attributes)
	for i := range rel.Attributes {
		rel.Attributes[i].Unit = d.units[rel.Attributes[i].Key]
	}
	sortEvidence(rel.Evidence)
}

func sortAttributes(as []graph.Attribute) {
	sort.Slice(as, func(i, j int) bool {
		if as[i].Key != as[j].Key {
			return as[i].Key < as[j].Key
		}
		return as[i].Value < as[j].Value
	})
}

// docFacts accumulates one document's statements about one entity while
// decoding.
type docFacts struct {
	doc           string
	kind          graph.Kind
	name, nameEn  string
	desc, descEn  string
	aliases       []string
	attrs         []graph.Attribute
	units         map[string]string
	evidence      []graph.Evidence
	hasEntityFact bool
}

// entityDecoder rebuilds an entity from the quads whose subject it is.
type entityDecoder struct {
	id    string
	byDoc map[string]*docFacts
}

func newEntityDecoder(id string) *entityDecoder {
	return &entityDecoder{id: id, byDoc: map[string]*docFacts{}}
}

// wants reports whether quads with predicate p carry entity facts; the
// caller resolves the object only then (a document's text is large).
func entityPredicate(p quad.Value) bool {
	switch p {
	case rdfType, rdfsLabel, rdfsComment, skosAltLabel, pEvidence:
		return true
	}
	iri, ok := p.(quad.IRI)
	return ok && (strings.HasPrefix(string(iri), nsAttr) || strings.HasPrefix(string(iri), nsUnit))
}

func (d *entityDecoder) add(p, o, label quad.Value) {
	doc, ok := idOf(label)
	if !ok {
		return
	}
	f := d.byDoc[doc]
	if f == nil {
		f = &docFacts{doc: doc}
		d.byDoc[doc] = f
	}
	switch p {
	case rdfType:
		if k, ok := trimIRI(o, nsKind); ok {
			f.kind = graph.Kind(k)
			f.hasEntityFact = true
		}
	case rdfsLabel:
		if ls, ok := o.(quad.LangString); ok {
			switch ls.Lang {
			case langZh:
				f.name = string(ls.Value)
			case langEn:
				f.nameEn = string(ls.Value)
			}
		}
	case rdfsComment:
		if ls, ok := o.(quad.LangString); ok {
			switch ls.Lang {
			case langZh:
				f.desc = string(ls.Value)
			case langEn:
				f.descEn = string(ls.Value)
			}
		}
	case skosAltLabel:
		if s, ok := o.(quad.String); ok {
			f.aliases = append(f.aliases, string(s))
		}
	case pEvidence:
		if ev, ok := evidenceFromLiteral(o, doc); ok {
			f.evidence = append(f.evidence, ev)
		}
	default:
		if key, ok := keyOf(p, nsAttr); ok {
			if a, ok := attrFromLiteral(key, o); ok {
				f.attrs = append(f.attrs, a)
			}
		} else if key, ok := keyOf(p, nsUnit); ok {
			if s, ok := o.(quad.String); ok {
				if f.units == nil {
					f.units = map[string]string{}
				}
				f.units[key] = string(s)
			}
		}
	}
}

// entity merges the per-document facts; nil when no document gives the
// entity a kind (it does not exist).
func (d *entityDecoder) entity() *graph.Entity {
	docs := make([]*docFacts, 0, len(d.byDoc))
	for _, f := range d.byDoc {
		if f.hasEntityFact {
			docs = append(docs, f)
		}
	}
	if len(docs) == 0 {
		return nil
	}
	sort.Slice(docs, func(i, j int) bool { return docs[i].doc < docs[j].doc })
	e := &graph.Entity{ID: d.id}
	aliases := map[string]bool{}
	attrs := map[graph.Attribute]bool{}
	evs := map[graph.Evidence]bool{}
	for _, f := range docs {
		e.Documents = append(e.Documents, f.doc)
		first(&e.Name, f.name)
		first(&e.NameEn, f.nameEn)
		first(&e.Description, f.desc)
		first(&e.DescriptionEn, f.descEn)
		if e.Kind == "" {
			e.Kind = f.kind
		}
		for _, a := range f.aliases {
			if !aliases[a] {
				aliases[a] = true
				e.Aliases = append(e.Aliases, a)
			}
		}
		sortAttributes(f.attrs)
		for _, a := range f.attrs {
			a.Unit = f.units[a.Key]
			if !attrs[a] {
				attrs[a] = true
				e.Attributes = append(e.Attributes, a)
			}
		}
		for _, ev := range f.evidence {
			if !evs[ev] {
				evs[ev] = true
				e.Evidence = append(e.Evidence, ev)
			}
		}
	}
	sort.Strings(e.Aliases)
	sortEvidence(e.Evidence)
	return e
}

func first(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func sortEvidence(evs []graph.Evidence) {
	sort.Slice(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		switch {
		case a.Document != b.Document:
			return a.Document < b.Document
		case a.Start != b.Start:
			return a.Start < b.Start
		case a.End != b.End:
			return a.End < b.End
		case a.Quote != b.Quote:
			return a.Quote < b.Quote
		case a.URL != b.URL:
			return a.URL < b.URL
		case a.Section != b.Section:
			return a.Section < b.Section
		}
		return a.Note < b.Note
	})
}

// lexical returns the lexical form of a literal (its text without quotes,
// datatype or language).
func lexical(v quad.Value) string {
	switch v := v.(type) {
	case quad.String:
		return string(v)
	case quad.TypedString:
		return string(v.Value)
	case quad.LangString:
		return string(v.Value)
	case quad.Int: // an xsd:integer loaded by Cayley's own tools
		return strconv.FormatInt(int64(v), 10)
	case nil:
		return ""
	}
	return quad.StringOf(v)
}
