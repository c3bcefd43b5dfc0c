package export

import (
	"context"
	"sort"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

// testStore is a store holding the test graph, with the entities and
// relations it was loaded with.
type testStore struct {
	graph.Store
	ents []*graph.Entity
	rels []*graph.Relation
}

const testDoc = "doc/test"

// newTestStore loads a memory store (the real Cayley backend, which runs
// the shared store suite) with awkward strings (quotes, backslashes,
// line breaks, XML and DOT metacharacters), a symmetric relation, typed
// attributes and an isolated entity.
func newTestStore(t testing.TB) *testStore {
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
	facts := graph.DocumentFacts{Document: graph.Document{ID: testDoc, Title: "测试文件"}}
	for _, e := range ents {
		facts.Entities = append(facts.Entities, *e)
	}
	for _, r := range rels {
		facts.Relations = append(facts.Relations, *r)
	}
	st := kgtest.MemoryStore(t, nil)
	if _, err := st.ReplaceDocument(context.Background(), facts); err != nil {
		t.Fatalf("load the test graph: %v", err)
	}
	return &testStore{Store: st, ents: ents, rels: rels}
}
