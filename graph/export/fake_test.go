package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/minhang-kg/kg/graph"
)

// fakeStore is a small in-memory graph.Store with the reads the exporter
// uses. Methods the exporter must not call panic through the nil embedded
// interface.
type fakeStore struct {
	graph.Store
	ents []*graph.Entity
	rels []*graph.Relation
}

const testDoc = "doc/test"

// newFakeStore builds a store with awkward strings (quotes, backslashes,
// line breaks, XML and DOT metacharacters), a symmetric relation, typed
// attributes and an isolated entity.
func newFakeStore() *fakeStore {
	ev := func(q string, s int) []graph.Evidence {
		return []graph.Evidence{{Document: testDoc, Quote: q, Start: s, End: s + len([]rune(q)), Section: "二、（一）"}}
	}
	ents := []*graph.Entity{
		{ID: "org/sjtu", Kind: graph.KindInstitution, Name: "上海交通大学", NameEn: "Shanghai Jiao Tong University",
			Aliases: []string{"上海交大", "交大"}, Description: "位于闵行区的“国家重点”大学", Evidence: ev("与上海交大、华东师大等高校共同推进", 10), Documents: []string{testDoc}},
		{ID: "org/ecnu", Kind: graph.KindInstitution, Name: "华东师范大学", NameEn: `East China Normal "University"`, Aliases: []string{"华东师大"}},
		{ID: "org/mh-stc", Kind: graph.KindInstitution, Name: "闵行区科委", NameEn: "Minhang S&T Commission <STC>"},
		{ID: "place/dalinghaowan", Kind: graph.KindPlace, Name: "大零号湾", NameEn: `Greater Neo Bay \ zone`, Description: "line one\nline two"},
		{ID: "policy/33", Kind: graph.KindPolicy, Name: "闵行区关于推进“大零号湾”建设的若干措施", Attributes: []graph.Attribute{
			{Key: "docNo", Value: "闵府办发〔2024〕33号", Type: graph.AttrDocNo},
			{Key: "issued", Value: "2024-09-13", Type: graph.AttrDate},
			{Key: "measureCount", Value: "20", Unit: "条", Type: graph.AttrInteger},
		}},
		{ID: "ind/rd", Kind: graph.KindIndicator, Name: "R&D经费投入", Attributes: []graph.Attribute{{Key: "value", Value: "266.18", Unit: "亿元", Type: graph.AttrNumber}}},
		{ID: "person/lonely", Kind: graph.KindPerson, Name: "孤立节点"},
	}
	rel := func(s, p, o string, q string) *graph.Relation {
		return &graph.Relation{ID: graph.RelationID(testDoc, s, p, o), Subject: s, Predicate: p, Object: o, Document: testDoc, Evidence: ev(q, 40)}
	}
	rels := []*graph.Relation{
		rel("org/sjtu", "co_builds", "place/dalinghaowan", "与上海交大、华东师大等高校共同推进“大零号湾”建设"),
		rel("org/ecnu", "co_builds", "place/dalinghaowan", `共同推进 "大零号湾" \ 建设`),
		rel("org/mh-stc", "signs_agreement_with", "org/sjtu", "签订<战略>合作协议 & more"),
		rel("policy/33", "supports", "place/dalinghaowan", "支持\n大零号湾"),
		rel("ind/rd", "measures", "org/mh-stc", "R&D经费投入266.18亿元"),
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].ID < ents[j].ID })
	sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
	return &fakeStore{ents: ents, rels: rels}
}

func (f *fakeStore) entity(id string) *graph.Entity {
	for _, e := range f.ents {
		if e.ID == id {
			return e
		}
	}
	return nil
}

func (f *fakeStore) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	out := make([]*graph.Entity, len(ids))
	for i, id := range ids {
		out[i] = f.entity(id)
	}
	return out, ctx.Err()
}

func (f *fakeStore) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	for _, e := range f.ents {
		if e.ID > after && fn(e) == false {
			break
		}
	}
	return ctx.Err()
}

func (f *fakeStore) ScanRelations(ctx context.Context, fn func(*graph.Relation) bool) error {
	for _, r := range f.rels {
		if !fn(r) {
			break
		}
	}
	return ctx.Err()
}

func (f *fakeStore) RelationsOf(ctx context.Context, ids []string, _ graph.RelationFilter) (map[string][]*graph.Relation, error) {
	out := map[string][]*graph.Relation{}
	for _, id := range ids {
		for _, r := range f.rels {
			if r.Subject == id || r.Object == id {
				out[id] = append(out[id], r)
			}
		}
	}
	return out, ctx.Err()
}

func (f *fakeStore) Neighbors(ctx context.Context, ids []string, _ graph.RelationFilter) (map[string][]string, error) {
	out := map[string][]string{}
	for _, id := range ids {
		set := map[string]bool{}
		for _, r := range f.rels {
			switch id {
			case r.Subject:
				set[r.Object] = true
			case r.Object:
				set[r.Subject] = true
			}
		}
		for n := range set {
			out[id] = append(out[id], n)
		}
		sort.Strings(out[id])
	}
	return out, ctx.Err()
}

// ExportNQuads writes the facts with the quad mapping of graph/doc.go.
func (f *fakeStore) ExportNQuads(ctx context.Context, out io.Writer) error {
	w := &errWriter{w: out}
	lit := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	label := iri(testDoc)
	for _, e := range f.ents {
		s := iri(e.ID)
		fmt.Fprintf(w, "%s <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <%s%s> %s .\n", s, graph.NSKind, e.Kind, label)
		fmt.Fprintf(w, "%s <http://www.w3.org/2000/01/rdf-schema#label> %s@zh %s .\n", s, lit(e.Name), label)
		for _, a := range e.Aliases {
			fmt.Fprintf(w, "%s <http://www.w3.org/2004/02/skos/core#altLabel> %s %s .\n", s, lit(a), label)
		}
	}
	for _, r := range f.rels {
		fmt.Fprintf(w, "%s <%s%s> %s %s .\n", iri(r.Subject), graph.NSRel, r.Predicate, iri(r.Object), iri(r.ID))
		fmt.Fprintf(w, "%s <%sstatedIn> %s %s .\n", iri(r.ID), nsSchema, label, label)
		for _, ev := range r.Evidence {
			b, _ := json.Marshal(ev)
			fmt.Fprintf(w, "%s <%sevidence> %s^^<http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON> %s .\n", iri(r.ID), nsSchema, lit(string(b)), label)
		}
	}
	fmt.Fprintf(w, "<%smeta> <%sgeneration> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> <%sgraph/meta> .\n", graph.NS, nsSchema, graph.NS)
	if w.err != nil {
		return w.err
	}
	return ctx.Err()
}
