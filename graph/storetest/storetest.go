// Package storetest is the one test suite every graph.Store backend runs.
//
//	func TestMemory(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) graph.Store { ... fresh, empty store, closed by t.Cleanup ... })
//	}
//
// It covers every method of graph.Store against the contract written in
// graph/store.go. Run it with -race: one test mixes concurrent readers and
// writers.
package storetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
)

// Run runs the suite. open must return a fresh, empty store for each call;
// closing it is open's business (t.Cleanup). A store the suite closes
// itself may be closed again by the cleanup: Close then returns ErrClosed,
// which cleanups should ignore.
func Run(t *testing.T, open func(t *testing.T) graph.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s graph.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Documents", testDocuments},
		{"MergeDocuments", func(t *testing.T, s graph.Store) { testMerge(t, s, func() graph.Store { return open(t) }) }},
		{"ReplaceOnlyThatDocument", testReplaceOnlyThatDocument},
		{"Idempotent", testIdempotent},
		{"ChangeCounts", testChangeCounts},
		{"InvalidWritesNothing", testInvalid},
		{"SymmetricRelations", testSymmetric},
		{"RelationFilters", testRelationFilters},
		{"Neighbors", testNeighbors},
		{"LookupName", testLookupName},
		{"ScanEntities", testScanEntities},
		{"RelationsByID", testRelationsByID},
		{"ScanRelations", testScanRelations},
		{"SyncDocuments", func(t *testing.T, s graph.Store) { testSync(t, s, func() graph.Store { return open(t) }) }},
		{"SyncRemoves", func(t *testing.T, s graph.Store) { testSyncRemoves(t, s, func() graph.Store { return open(t) }) }},
		{"SyncAtomic", testSyncAtomic},
		{"ImportNQuads", func(t *testing.T, s graph.Store) { testImport(t, s, func() graph.Store { return open(t) }) }},
		{"PutFacts", testPutFacts},
		{"DeleteRelation", testDeleteRelation},
		{"Generation", testGeneration},
		{"Stats", testStats},
		{"Audit", testAudit},
		{"ExportNQuads", testExport},
		{"Ping", testPing},
		{"Concurrent", testConcurrent},
		{"CancelledContext", testCancelled},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, open(t))
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func mustReplace(t *testing.T, s graph.Store, f graph.DocumentFacts) graph.Change {
	t.Helper()
	ch, err := s.ReplaceDocument(ctx(t), f)
	if err != nil {
		t.Fatalf("ReplaceDocument(%s): %v", f.Document.ID, err)
	}
	return ch
}

func loadAB(t *testing.T, s graph.Store) {
	t.Helper()
	mustReplace(t, s, factsA())
	mustReplace(t, s, factsB())
}

func entity(t *testing.T, s graph.Store, id string) *graph.Entity {
	t.Helper()
	es, err := s.Entities(ctx(t), []string{id})
	if err != nil {
		t.Fatalf("Entities(%s): %v", id, err)
	}
	if len(es) != 1 {
		t.Fatalf("Entities(%s): %d results, want 1", id, len(es))
	}
	return es[0]
}

func stats(t *testing.T, s graph.Store) graph.Stats {
	t.Helper()
	st, err := s.Stats(ctx(t))
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	return st
}

func generation(t *testing.T, s graph.Store) int64 {
	t.Helper()
	g, err := s.Generation(ctx(t))
	if err != nil {
		t.Fatalf("Generation: %v", err)
	}
	return g
}

func export(t *testing.T, s graph.Store) string {
	t.Helper()
	var buf bytes.Buffer
	if err := s.ExportNQuads(ctx(t), &buf); err != nil {
		t.Fatalf("ExportNQuads: %v", err)
	}
	return buf.String()
}

func relationsOf(t *testing.T, s graph.Store, id string, f graph.RelationFilter) []*graph.Relation {
	t.Helper()
	m, err := s.RelationsOf(ctx(t), []string{id}, f)
	if err != nil {
		t.Fatalf("RelationsOf(%s, %+v): %v", id, f, err)
	}
	return m[id]
}

func relIDs(rels []*graph.Relation) []string {
	out := make([]string, len(rels))
	for i, r := range rels {
		out[i] = r.ID
	}
	return out
}

func js(v any) string {
	b, _ := json.MarshalIndent(v, "", "  ")
	return string(b)
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got: %s\nwant: %s", what, js(got), js(want))
	}
}

func testRoundTrip(t *testing.T, s graph.Store) {
	mustReplace(t, s, factsA())
	a := factsA()
	ev := func(quote, section string) graph.Evidence { return withDoc(docA, cite(textA, quote, section))[0] }
	evBuild := ev("闵行区科委与上海交大、华东师大等高校共同推进“大零号湾”建设", "一")
	evSign := ev("上海交通大学与华东师范大学签订战略合作协议", "一")
	tests := []struct {
		id   string
		want *graph.Entity
	}{
		{"org/sjtu", &graph.Entity{
			ID: "org/sjtu", Kind: graph.KindInstitution, Name: "上海交通大学", NameEn: "Shanghai Jiao Tong University",
			Aliases:     []string{"SJTU", "上海交大"},
			Description: "位于闵行区的国家重点大学", DescriptionEn: "National key university in Minhang",
			Attributes: []graph.Attribute{ // by key
				{Key: "campuses", Value: "7", Unit: "个", Type: graph.AttrInteger},
				{Key: "founded", Value: "1896", Type: graph.AttrDate},
			},
			Evidence:  []graph.Evidence{evBuild, evSign}, // by offset
			Documents: []string{docA},
		}},
		{"policy/measures", &graph.Entity{
			ID: "policy/measures", Kind: graph.KindPolicy, Name: "闵行区促进科技创新若干措施", NameEn: "Measures to Promote S&T Innovation in Minhang",
			Attributes: []graph.Attribute{
				{Key: "docNo", Value: "闵府办发〔2024〕33号", Type: graph.AttrDocNo},
				{Key: "issued", Value: "2024-09-13", Type: graph.AttrDate},
				{Key: "measureCount", Value: "20", Unit: "条", Type: graph.AttrInteger},
			},
			Evidence:  withDoc(docA, a.Entities[5].Evidence...),
			Documents: []string{docA},
		}},
		{"ind/rd-spend", &graph.Entity{
			ID: "ind/rd-spend", Kind: graph.KindIndicator, Name: "全社会研发投入", NameEn: "Total R&D expenditure",
			Attributes: []graph.Attribute{
				{Key: "rank", Value: "全市第一", Type: graph.AttrText}, // an empty type reads back as text
				{Key: "value", Value: "266.18", Unit: "亿元", Type: graph.AttrNumber},
				{Key: "year", Value: "2024", Type: graph.AttrDate},
			},
			Evidence:  withDoc(docA, a.Entities[6].Evidence...),
			Documents: []string{docA},
		}},
		{"place/neobay", &graph.Entity{
			ID: "place/neobay", Kind: graph.KindPlace, Name: "大零号湾", NameEn: "Greater Neo Bay", Description: "科技创新策源功能区",
			Documents: []string{docA},
		}},
		{docA, &graph.Entity{
			ID: docA, Kind: graph.KindDocument, Name: a.Document.Title, NameEn: a.Document.TitleEn, Documents: []string{docA},
		}},
		{"org/unknown", nil},
	}
	ids := make([]string, len(tests))
	for i, tc := range tests {
		ids[i] = tc.id
	}
	got, err := s.Entities(ctx(t), ids)
	if err != nil {
		t.Fatalf("Entities: %v", err)
	}
	if len(got) != len(ids) {
		t.Fatalf("Entities: %d results for %d IDs", len(got), len(ids))
	}
	for i, tc := range tests {
		same(t, "entity "+tc.id, got[i], tc.want)
	}
	// Duplicate IDs give equal, independent answers.
	dup, err := s.Entities(ctx(t), []string{"org/sjtu", "org/sjtu"})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "duplicate IDs", dup[1], dup[0])
	if len(dup[0].Aliases) > 0 {
		dup[0].Aliases[0] = "mutated"
		if dup[1].Aliases[0] == "mutated" {
			t.Error("Entities returned shared slices for duplicate IDs")
		}
	}
	empty, err := s.Entities(ctx(t), nil)
	if err != nil || len(empty) != 0 {
		t.Errorf("Entities(nil) = %v, %v; want empty", empty, err)
	}
}

func testDocuments(t *testing.T, s graph.Store) {
	docs, err := s.Documents(ctx(t))
	if err != nil || len(docs) != 0 {
		t.Fatalf("Documents of empty store = %v, %v", docs, err)
	}
	loadAB(t, s)
	docs, err = s.Documents(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	a, b := factsA().Document, factsB().Document
	a.Text, b.Text = "", ""
	same(t, "Documents", docs, []graph.Document{a, b})
	tests := []struct {
		id      string
		want    string
		wantErr error
	}{
		{docA, textA, nil},
		{docB, textB, nil},
		{"doc/none", "", graph.ErrNotFound},
		{"org/sjtu", "", graph.ErrNotFound}, // an entity, not a document
	}
	for _, tc := range tests {
		got, err := s.DocumentText(ctx(t), tc.id)
		if !errors.Is(err, tc.wantErr) || got != tc.want {
			t.Errorf("DocumentText(%s) = %.20q, %v; want %.20q, %v", tc.id, got, err, tc.want, tc.wantErr)
		}
	}
}

func testMerge(t *testing.T, s graph.Store, fresh func() graph.Store) {
	mustReplace(t, s, factsA())
	mustReplace(t, s, factsB())
	evA := func(q, sec string) graph.Evidence { return withDoc(docA, cite(textA, q, sec))[0] }
	evB := func(q, sec string) graph.Evidence { return withDoc(docB, cite(textB, q, sec))[0] }
	tests := []struct {
		id   string
		want *graph.Entity
	}{
		{"org/sjtu", &graph.Entity{
			ID: "org/sjtu", Kind: graph.KindInstitution,
			Name: "上海交通大学", NameEn: "Shanghai Jiao Tong University", // docA wins
			Aliases:     []string{"SJTU", "上海交大", "交大"}, // union, sorted
			Description: "位于闵行区的国家重点大学", DescriptionEn: "National key university in Minhang",
			Attributes: []graph.Attribute{ // docA's, then docB's
				{Key: "campuses", Value: "7", Unit: "个", Type: graph.AttrInteger},
				{Key: "founded", Value: "1896", Type: graph.AttrDate},
				{Key: "rank", Value: "全市第一", Type: graph.AttrText},
			},
			Evidence: []graph.Evidence{
				evA("闵行区科委与上海交大、华东师大等高校共同推进“大零号湾”建设", "一"),
				evA("上海交通大学与华东师范大学签订战略合作协议", "一"),
				evB("上海交通大学科研实力全市第一", "二"),
			},
			Documents: []string{docA, docB},
		}},
		{"org/ecnu", &graph.Entity{
			ID: "org/ecnu", Kind: graph.KindInstitution, // docA's kind wins over docB's LAB
			Name: "华东师范大学", NameEn: "East China Normal University",
			Aliases:     []string{"华东师大"},
			Description: "师范大学", DescriptionEn: "A normal university", // only docB gives them
			Evidence:  []graph.Evidence{evA("上海交通大学与华东师范大学签订战略合作协议", "一")},
			Documents: []string{docA, docB},
		}},
		{"org/fudan", &graph.Entity{
			ID: "org/fudan", Kind: graph.KindInstitution, Name: "复旦大学", NameEn: "Fudan University",
			Evidence:  []graph.Evidence{evB("复旦大学与上海交通大学开展合作", "一")},
			Documents: []string{docB},
		}},
	}
	for _, tc := range tests {
		same(t, "merged "+tc.id, entity(t, s, tc.id), tc.want)
	}
	// The merge goes by document ID, not load order: load docB first (without
	// its relation to an entity only docA states), then docA, then all of
	// docB.
	s2 := fresh()
	b := factsB()
	b.Relations = b.Relations[:1]
	mustReplace(t, s2, b)
	mustReplace(t, s2, factsA())
	mustReplace(t, s2, factsB())
	for _, tc := range tests {
		same(t, "merged, docB loaded first: "+tc.id, entity(t, s2, tc.id), tc.want)
	}
	same(t, "graph loaded in two orders", snapshot(t, s2), snapshot(t, s))
}

func testReplaceOnlyThatDocument(t *testing.T, s graph.Store) {
	mustReplace(t, s, factsA())
	onlyA := snapshot(t, s)
	mustReplace(t, s, factsB())
	withB := snapshot(t, s)
	if reflect.DeepEqual(onlyA, withB) {
		t.Fatal("loading docB changed nothing")
	}

	// Replace docB with a smaller version: fudan and its relations go, the
	// rest of docB stays, docA is untouched.
	b := factsB()
	b.Entities = b.Entities[:2]
	b.Relations = nil
	ch := mustReplace(t, s, b)
	if ch.Document != docB || ch.EntitiesRemoved != 1 || ch.RelationsRemoved != 2 || ch.EntitiesAdded != 0 || ch.EntitiesChanged != 0 || ch.RelationsAdded != 0 {
		t.Errorf("shrinking docB: change %+v; want 1 entity and 2 relations removed", ch)
	}
	if e := entity(t, s, "org/fudan"); e != nil {
		t.Errorf("org/fudan still present: %s", js(e))
	}
	if e := entity(t, s, "org/sjtu"); !slices.Equal(e.Documents, []string{docA, docB}) {
		t.Errorf("org/sjtu documents = %v", e.Documents)
	}

	// Replacing docB with docB's facts only about entities of docA makes
	// the store equal to docA alone again.
	empty := graph.DocumentFacts{Document: factsB().Document}
	mustReplace(t, s, empty)
	got := snapshot(t, s)
	// docB itself is still a loaded (empty) document.
	got.docs = slices.DeleteFunc(got.docs, func(d graph.Document) bool { return d.ID == docB })
	same(t, "docA after emptying docB", got, onlyA)
	if e := entity(t, s, "org/sjtu"); !slices.Equal(e.Documents, []string{docA}) {
		t.Errorf("org/sjtu documents = %v, want only %s", e.Documents, docA)
	}
}

// state is what the public reads say about the whole graph.
type state struct {
	entities  []*graph.Entity
	relations []*graph.Relation
	docs      []graph.Document
}

func snapshot(t *testing.T, s graph.Store) state {
	t.Helper()
	var st state
	if err := s.ScanEntities(ctx(t), nil, "", func(e *graph.Entity) bool { st.entities = append(st.entities, e); return true }); err != nil {
		t.Fatalf("ScanEntities: %v", err)
	}
	if err := s.ScanRelations(ctx(t), func(r *graph.Relation) bool { st.relations = append(st.relations, r); return true }); err != nil {
		t.Fatalf("ScanRelations: %v", err)
	}
	docs, err := s.Documents(ctx(t))
	if err != nil {
		t.Fatalf("Documents: %v", err)
	}
	st.docs = docs
	return st
}

func testIdempotent(t *testing.T, s graph.Store) {
	first := mustReplace(t, s, factsA())
	if first.Unchanged() || first.QuadsAdded == 0 || first.QuadsRemoved != 0 {
		t.Errorf("first load: change %+v", first)
	}
	st1, g1, ex1 := stats(t, s), generation(t, s), export(t, s)
	for i := range 2 {
		ch := mustReplace(t, s, factsA())
		if !ch.Unchanged() || ch != (graph.Change{Document: docA}) {
			t.Errorf("reload %d: change %+v, want unchanged", i, ch)
		}
	}
	if st2 := stats(t, s); st2.Quads != st1.Quads {
		t.Errorf("reload changed quad count: %d -> %d", st1.Quads, st2.Quads)
	}
	if g2 := generation(t, s); g2 != g1 {
		t.Errorf("no-op reload changed generation: %d -> %d", g1, g2)
	}
	if ex2 := export(t, s); ex2 != ex1 {
		t.Error("no-op reload changed the exported quads")
	}
	// The same facts in another order, with the symmetric relation turned
	// around, are the same facts.
	f := factsA()
	slices.Reverse(f.Entities)
	slices.Reverse(f.Relations)
	for i := range f.Relations {
		if f.Relations[i].Predicate == "signs_agreement_with" {
			f.Relations[i].Subject, f.Relations[i].Object = f.Relations[i].Object, f.Relations[i].Subject
		}
	}
	if ch := mustReplace(t, s, f); !ch.Unchanged() {
		t.Errorf("reordered facts: change %+v, want unchanged", ch)
	}
}

func testChangeCounts(t *testing.T, s graph.Store) {
	a := factsA()
	ch := mustReplace(t, s, a)
	want := graph.Change{Document: docA, EntitiesAdded: len(a.Entities), RelationsAdded: len(a.Relations), QuadsAdded: ch.QuadsAdded}
	if ch != want {
		t.Errorf("first load: %+v, want %+v", ch, want)
	}
	// Change one entity's description and drop one relation.
	a.Entities[1].Description = "新的描述"
	a.Relations = a.Relations[1:]
	ch = mustReplace(t, s, a)
	if ch.EntitiesChanged != 1 || ch.EntitiesAdded != 0 || ch.EntitiesRemoved != 0 || ch.RelationsRemoved != 1 || ch.RelationsAdded != 0 {
		t.Errorf("edit: %+v, want 1 entity changed, 1 relation removed", ch)
	}
	if ch.QuadsAdded < 1 || ch.QuadsRemoved < 3 { // description swapped; relation quad, statement, evidence removed
		t.Errorf("edit: quads +%d -%d", ch.QuadsAdded, ch.QuadsRemoved)
	}
	if got := entity(t, s, a.Entities[1].ID).Description; got != "新的描述" {
		t.Errorf("description = %q", got)
	}
}

func testInvalid(t *testing.T, s graph.Store) {
	loadAB(t, s)
	before, g0 := export(t, s), generation(t, s)
	tests := []struct {
		name   string
		mutate func(f *graph.DocumentFacts)
	}{
		{"unknown kind", func(f *graph.DocumentFacts) { f.Entities[1].Kind = "UNIVERSITY" }},
		{"empty kind", func(f *graph.DocumentFacts) { f.Entities[1].Kind = "" }},
		{"empty name", func(f *graph.DocumentFacts) { f.Entities[1].Name = "  " }},
		{"bad entity ID", func(f *graph.DocumentFacts) { f.Entities[1].ID = "org/上海" }},
		{"duplicate entity", func(f *graph.DocumentFacts) { f.Entities = append(f.Entities, f.Entities[1]) }},
		{"bad date", func(f *graph.DocumentFacts) { f.Entities[1].Attributes[1].Value = "1896年" }},
		{"bad integer", func(f *graph.DocumentFacts) { f.Entities[1].Attributes[0].Value = "七" }},
		{"unknown attribute type", func(f *graph.DocumentFacts) { f.Entities[1].Attributes[0].Type = "money" }},
		{"bad evidence offsets", func(f *graph.DocumentFacts) { f.Entities[1].Evidence[0].End = -1 }},
		{"unknown predicate", func(f *graph.DocumentFacts) { f.Relations[0].Predicate = "likes" }},
		{"dangling object", func(f *graph.DocumentFacts) { f.Relations[0].Object = "org/nobody" }},
		{"dangling subject", func(f *graph.DocumentFacts) { f.Relations[0].Subject = "org/nobody" }},
		{"relation of another document", func(f *graph.DocumentFacts) { f.Relations[0].Document = docB }},
		{"bad document ID", func(f *graph.DocumentFacts) { f.Document.ID = "doc a" }},
		{"empty document ID", func(f *graph.DocumentFacts) { f.Document.ID = "" }},
		{"one ID for two relations", func(f *graph.DocumentFacts) {
			f.Relations[0].ID, f.Relations[1].ID = "rel/same", "rel/same"
		}},
		// docB's relations refer to place/neobay, which only docA states.
		{"orphans another document's relation", func(f *graph.DocumentFacts) {
			f.Entities = slices.DeleteFunc(f.Entities, func(e graph.Entity) bool { return e.ID == "place/neobay" })
			f.Relations = slices.DeleteFunc(f.Relations, func(r graph.Relation) bool { return r.Object == "place/neobay" })
		}},
	}
	reject := func(t *testing.T, name string, mutate func(f *graph.DocumentFacts), want ...string) {
		t.Helper()
		f := factsA()
		f.Document.Title = "changed, but must not be written"
		mutate(&f)
		ch, err := s.ReplaceDocument(ctx(t), f)
		if !errors.Is(err, graph.ErrInvalid) {
			t.Fatalf("ReplaceDocument: %+v, %v; want ErrInvalid", ch, err)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("ReplaceDocument: %v; want it to name %q", err, w)
			}
		}
		if !ch.Unchanged() {
			t.Errorf("failed write reports change %+v", ch)
		}
		if _, err := s.PutFacts(ctx(t), f); name != "orphans another document's relation" && !errors.Is(err, graph.ErrInvalid) {
			t.Errorf("PutFacts: %v; want ErrInvalid", err)
		}
		if after := export(t, s); after != before {
			t.Error("a rejected write changed the stored quads")
		}
		if g := generation(t, s); g != g0 {
			t.Errorf("a rejected write changed the generation: %d -> %d", g0, g)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { reject(t, tc.name, tc.mutate) })
	}
	// Time: the error names the relation (by ID) or document and the field.
	r0 := factsA().Relations[0]
	r0ID := relID(docA, r0.Subject, r0.Predicate, r0.Object)
	timeTests := []struct {
		name   string
		mutate func(f *graph.DocumentFacts)
		want   []string
	}{
		{"bad validFrom", func(f *graph.DocumentFacts) { f.Relations[0].ValidFrom = "2024年5月" }, []string{r0ID, "validFrom", "2024年5月"}},
		{"bad validTo", func(f *graph.DocumentFacts) { f.Relations[0].ValidTo = "2024-13" }, []string{r0ID, "validTo"}},
		{"validTo before validFrom", func(f *graph.DocumentFacts) { f.Relations[0].ValidTo = "2023-12" }, []string{r0ID, "validTo", "validFrom"}},
		{"bad relation attribute", func(f *graph.DocumentFacts) { f.Relations[0].Attributes[1].Value = "五千" }, []string{r0ID, "amount"}},
		{"relation attribute with two units", func(f *graph.DocumentFacts) {
			f.Relations[0].Attributes = append(f.Relations[0].Attributes, graph.Attribute{Key: "amount", Value: "1", Unit: "亿元", Type: graph.AttrNumber})
		}, []string{r0ID, "amount", "units"}},
		{"one relation twice with different validity", func(f *graph.DocumentFacts) {
			r := f.Relations[0]
			r.ValidFrom = "2025"
			f.Relations = append(f.Relations, r)
		}, []string{r0ID, "validity"}},
		{"bad document date", func(f *graph.DocumentFacts) { f.Document.Date = "2025-01" }, []string{docA, "date"}},
		{"bad document period", func(f *graph.DocumentFacts) { f.Document.Period = "2024/2023" }, []string{docA, "period"}},
	}
	for _, tc := range timeTests {
		t.Run(tc.name, func(t *testing.T) { reject(t, tc.name, tc.mutate, tc.want...) })
	}
	// A relation may refer to an entity another document states.
	c := graph.DocumentFacts{
		Document:  graph.Document{ID: graph.CurationDocument},
		Relations: []graph.Relation{{Subject: "org/fudan", Predicate: "partners_with", Object: "org/ecnu"}},
	}
	if _, err := s.ReplaceDocument(ctx(t), c); err != nil {
		t.Errorf("relation between entities of other documents: %v", err)
	}
}

func testSymmetric(t *testing.T, s graph.Store) {
	mustReplace(t, s, factsA())
	id := relID(docA, "org/sjtu", "signs_agreement_with", "org/ecnu")
	if other := relID(docA, "org/ecnu", "signs_agreement_with", "org/sjtu"); other != id {
		t.Fatalf("RelationID is not symmetric: %s %s", id, other)
	}
	want := &graph.Relation{
		ID: id, Subject: "org/ecnu", Predicate: "signs_agreement_with", Object: "org/sjtu", Document: docA, // ends ordered
		Evidence: withDoc(docA, cite(textA, "上海交通大学与华东师范大学签订战略合作协议", "一")),
	}
	for _, end := range []string{"org/sjtu", "org/ecnu"} {
		for _, dir := range []graph.Direction{graph.Both, graph.Out, graph.In} {
			rels := relationsOf(t, s, end, graph.RelationFilter{Direction: dir, Predicates: []string{"signs_agreement_with"}})
			same(t, fmt.Sprintf("%s direction %d", end, dir), rels, []*graph.Relation{want})
		}
	}
}

func testRelationFilters(t *testing.T, s graph.Store) {
	loadAB(t, s)
	coMH := relID(docA, "org/mh-stc", "co_builds", "place/neobay")
	coSJTU := relID(docA, "org/sjtu", "co_builds", "place/neobay")
	coECNU := relID(docA, "org/ecnu", "co_builds", "place/neobay")
	lands := relID(docB, "org/fudan", "lands_in", "place/neobay")
	sign := relID(docA, "org/ecnu", "signs_agreement_with", "org/sjtu")
	partner := relID(docB, "org/fudan", "partners_with", "org/sjtu")
	issues := relID(docA, "org/mh-stc", "issues", "policy/measures")
	measures := relID(docA, "ind/rd-spend", "measures", "org/mh-stc")
	sorted := func(ids ...string) []string { slices.Sort(ids); return ids }
	tests := []struct {
		id   string
		f    graph.RelationFilter
		want []string
	}{
		{"place/neobay", graph.RelationFilter{}, sorted(coMH, coSJTU, coECNU, lands)},
		{"place/neobay", graph.RelationFilter{Direction: graph.In}, sorted(coMH, coSJTU, coECNU, lands)},
		{"place/neobay", graph.RelationFilter{Direction: graph.Out}, nil},
		{"place/neobay", graph.RelationFilter{Predicates: []string{"co_builds"}}, sorted(coMH, coSJTU, coECNU)},
		{"place/neobay", graph.RelationFilter{Predicates: []string{"lands_in", "located_in"}}, []string{lands}},
		{"org/sjtu", graph.RelationFilter{}, sorted(coSJTU, sign, partner)},
		{"org/sjtu", graph.RelationFilter{Direction: graph.Out}, sorted(coSJTU, sign, partner)},
		{"org/sjtu", graph.RelationFilter{Direction: graph.In}, sorted(sign, partner)},
		{"org/mh-stc", graph.RelationFilter{Direction: graph.Out}, sorted(coMH, issues)},
		{"org/mh-stc", graph.RelationFilter{Direction: graph.In}, []string{measures}},
		{"org/mh-stc", graph.RelationFilter{Direction: graph.In, Predicates: []string{"issues"}}, nil},
		{"org/nobody", graph.RelationFilter{}, nil},
	}
	for _, tc := range tests {
		got := relIDs(relationsOf(t, s, tc.id, tc.f))
		if len(got) == 0 {
			got = nil
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("RelationsOf(%s, %+v) = %v, want %v", tc.id, tc.f, got, tc.want)
		}
	}
	// Many IDs in one call; absent entries for IDs without relations.
	m, err := s.RelationsOf(ctx(t), []string{"place/neobay", "org/nobody", "org/sjtu", "place/neobay"}, graph.RelationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m["org/nobody"]; ok {
		t.Error("entry for an ID without relations")
	}
	if len(m["place/neobay"]) != 4 || len(m["org/sjtu"]) != 3 || len(m) != 2 {
		t.Errorf("batched RelationsOf: %d entries, %d and %d relations", len(m), len(m["place/neobay"]), len(m["org/sjtu"]))
	}
	// Relations carry their document and evidence.
	for _, r := range m["place/neobay"] {
		if r.ID == lands {
			same(t, "lands_in", r, &graph.Relation{
				ID: lands, Subject: "org/fudan", Predicate: "lands_in", Object: "place/neobay", Document: docB,
				Evidence: withDoc(docB, cite(textB, "落户大零号湾", "一")), ValidFrom: "2025-05-20",
			})
		}
	}
	if _, err := s.RelationsOf(ctx(t), []string{"org/sjtu"}, graph.RelationFilter{Predicates: []string{"likes"}}); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown predicate filter: %v, want ErrInvalid", err)
	}
}

func testNeighbors(t *testing.T, s graph.Store) {
	loadAB(t, s)
	tests := []struct {
		id   string
		f    graph.RelationFilter
		want []string
	}{
		{"place/neobay", graph.RelationFilter{}, []string{"org/ecnu", "org/fudan", "org/mh-stc", "org/sjtu"}},
		{"place/neobay", graph.RelationFilter{Direction: graph.Out}, nil},
		{"org/sjtu", graph.RelationFilter{}, []string{"org/ecnu", "org/fudan", "place/neobay"}},
		{"org/sjtu", graph.RelationFilter{Direction: graph.In}, []string{"org/ecnu", "org/fudan"}}, // symmetric only
		{"org/sjtu", graph.RelationFilter{Predicates: []string{"co_builds"}}, []string{"place/neobay"}},
		{"org/mh-stc", graph.RelationFilter{Direction: graph.Out}, []string{"place/neobay", "policy/measures"}},
		{"org/mh-stc", graph.RelationFilter{Direction: graph.In}, []string{"ind/rd-spend"}},
		{"org/nobody", graph.RelationFilter{}, nil},
	}
	for _, tc := range tests {
		m, err := s.Neighbors(ctx(t), []string{tc.id}, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		if got := m[tc.id]; !slices.Equal(got, tc.want) {
			t.Errorf("Neighbors(%s, %+v) = %v, want %v", tc.id, tc.f, got, tc.want)
		}
	}
	// Batched.
	m, err := s.Neighbors(ctx(t), []string{"place/neobay", "org/sjtu", "org/nobody"}, graph.RelationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "batched Neighbors", m, map[string][]string{
		"place/neobay": {"org/ecnu", "org/fudan", "org/mh-stc", "org/sjtu"},
		"org/sjtu":     {"org/ecnu", "org/fudan", "place/neobay"},
	})
	// A second relation to the same neighbour adds no duplicate.
	c := graph.DocumentFacts{
		Document:  graph.Document{ID: graph.CurationDocument},
		Relations: []graph.Relation{{Subject: "org/sjtu", Predicate: "located_in", Object: "place/neobay"}},
	}
	mustReplace(t, s, c)
	m, err = s.Neighbors(ctx(t), []string{"org/sjtu"}, graph.RelationFilter{Direction: graph.Out})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "neighbours with two relations to one entity", m["org/sjtu"], []string{"org/ecnu", "org/fudan", "place/neobay"})
}

func testLookupName(t *testing.T, s graph.Store) {
	loadAB(t, s)
	tests := []struct {
		name string
		want []string
	}{
		{"上海交通大学", []string{"org/sjtu"}},
		{"上海交通大学（闵行）", []string{"org/sjtu"}}, // docB's name counts too
		{"Shanghai Jiao Tong University", []string{"org/sjtu"}},
		{"shanghai jiao tong UNIVERSITY", []string{"org/sjtu"}},
		{"上海交大", []string{"org/sjtu"}}, // alias
		{"交大", []string{"org/sjtu"}},   // alias from docB
		{"sjtu", []string{"org/sjtu"}}, // alias, case-insensitive
		{"华东师大", []string{"org/ecnu"}}, // docA alias and docB name
		{" 复旦大学 ", []string{"org/fudan"}},
		{"上海交通", nil}, // no substring matches
		{"闵行区科学技术委员会2024年工作总结", []string{docA}},
		{"nothing", nil},
		{"", nil},
	}
	for _, tc := range tests {
		got, err := s.LookupName(ctx(t), tc.name)
		if err != nil {
			t.Fatalf("LookupName(%q): %v", tc.name, err)
		}
		if len(got) == 0 {
			got = nil
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("LookupName(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
	// Two entities with one name.
	c := graph.DocumentFacts{
		Document: graph.Document{ID: graph.CurationDocument},
		Entities: []graph.Entity{{ID: "org/sjtu-2", Kind: graph.KindInstitution, Name: "交大", NameEn: "Another JD"}},
	}
	mustReplace(t, s, c)
	got, err := s.LookupName(ctx(t), "交大")
	if err != nil || !slices.Equal(got, []string{"org/sjtu", "org/sjtu-2"}) {
		t.Errorf("LookupName(交大) = %v, %v", got, err)
	}
}

func testScanEntities(t *testing.T, s graph.Store) {
	n := 0
	if err := s.ScanEntities(ctx(t), nil, "", func(*graph.Entity) bool { n++; return true }); err != nil || n != 0 {
		t.Fatalf("scan of empty store: %d entities, %v", n, err)
	}
	loadAB(t, s)
	all := []string{docA, "ind/rd-spend", "org/ecnu", "org/fudan", "org/mh-stc", "org/sjtu", "place/neobay", "policy/measures"}
	scan := func(kinds []graph.Kind, after string, limit int) []string {
		t.Helper()
		var ids []string
		err := s.ScanEntities(ctx(t), kinds, after, func(e *graph.Entity) bool {
			if e == nil || e.Name == "" {
				t.Errorf("scan yielded an incomplete entity %+v", e)
			}
			ids = append(ids, e.ID)
			return limit <= 0 || len(ids) < limit
		})
		if err != nil {
			t.Fatalf("ScanEntities(%v, %q): %v", kinds, after, err)
		}
		return ids
	}
	tests := []struct {
		kinds []graph.Kind
		after string
		limit int
		want  []string
	}{
		{nil, "", 0, all},
		{nil, "org/ecnu", 0, all[3:]},
		{nil, "org/a", 0, all[2:]}, // after need not be an ID
		{nil, "zzz", 0, nil},
		{nil, "", 3, all[:3]},
		{[]graph.Kind{graph.KindPlace}, "", 0, []string{"place/neobay"}},
		{[]graph.Kind{graph.KindLab}, "", 0, nil}, // org/ecnu's merged kind is INSTITUTION
		{[]graph.Kind{graph.KindPolicy, graph.KindIndicator}, "", 0, []string{"ind/rd-spend", "policy/measures"}},
		{[]graph.Kind{graph.KindInstitution}, "org/ecnu", 2, []string{"org/fudan", "org/mh-stc"}},
	}
	for _, tc := range tests {
		if got := scan(tc.kinds, tc.after, tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("ScanEntities(%v, %q, limit %d) = %v, want %v", tc.kinds, tc.after, tc.limit, got, tc.want)
		}
	}
	// Paging by `after` visits everything once.
	var paged []string
	for after := ""; ; {
		page := scan(nil, after, 3)
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1]
	}
	if !slices.Equal(paged, all) {
		t.Errorf("paged scan = %v, want %v", paged, all)
	}
	if err := s.ScanEntities(ctx(t), []graph.Kind{"NOPE"}, "", func(*graph.Entity) bool { return true }); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("unknown kind: %v, want ErrInvalid", err)
	}
	// Scanned entities equal those read by ID.
	var scanned []*graph.Entity
	if err := s.ScanEntities(ctx(t), nil, "", func(e *graph.Entity) bool { scanned = append(scanned, e); return true }); err != nil {
		t.Fatal(err)
	}
	byID, err := s.Entities(ctx(t), all)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "scanned vs by ID", scanned, byID)
}

func testRelationsByID(t *testing.T, s graph.Store) {
	loadAB(t, s)
	a := factsA()
	r0 := a.Relations[0]
	want0 := &graph.Relation{
		ID: relID(docA, r0.Subject, r0.Predicate, r0.Object), Subject: r0.Subject, Predicate: r0.Predicate, Object: r0.Object,
		Document: docA, Evidence: withDoc(docA, r0.Evidence...),
		ValidFrom: "2024",
		Attributes: []graph.Attribute{ // by key; an empty type reads back as text
			{Key: "amount", Value: "5000", Unit: "万元", Type: graph.AttrNumber},
			{Key: "role", Value: "牵头单位", Type: graph.AttrText},
		},
	}
	partner := relID(docB, "org/fudan", "partners_with", "org/sjtu")
	got, err := s.Relations(ctx(t), []string{want0.ID, "rel/0000000000000000", partner, want0.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("Relations: %d results, want 4", len(got))
	}
	same(t, "relation 0", got[0], want0)
	if got[1] != nil {
		t.Errorf("unknown ID gave %s", js(got[1]))
	}
	same(t, "partners_with", got[2], &graph.Relation{
		ID: partner, Subject: "org/fudan", Predicate: "partners_with", Object: "org/sjtu", Document: docB,
		Evidence:  withDoc(docB, cite(textB, "复旦大学与上海交通大学开展合作", "一")),
		ValidFrom: "2025-03", ValidTo: "2025",
	})
	same(t, "repeated ID", got[3], want0)
	// An explicit relation ID is kept.
	c := graph.DocumentFacts{
		Document:  graph.Document{ID: graph.CurationDocument},
		Relations: []graph.Relation{{ID: "rel/custom-1", Subject: "org/fudan", Predicate: "supports", Object: "org/ecnu", Evidence: []graph.Evidence{{URL: "https://example.org/news", Note: "curated"}}}},
	}
	mustReplace(t, s, c)
	got, err = s.Relations(ctx(t), []string{"rel/custom-1"})
	if err != nil {
		t.Fatal(err)
	}
	same(t, "custom ID", got[0], &graph.Relation{
		ID: "rel/custom-1", Subject: "org/fudan", Predicate: "supports", Object: "org/ecnu", Document: graph.CurationDocument,
		Evidence: []graph.Evidence{{Document: graph.CurationDocument, URL: "https://example.org/news", Note: "curated"}},
	})
	// Another document may not reuse it.
	b := factsB()
	b.Relations[0].ID = "rel/custom-1"
	if _, err := s.ReplaceDocument(ctx(t), b); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("reusing another document's relation ID: %v, want ErrInvalid", err)
	}
}

func testScanRelations(t *testing.T, s graph.Store) {
	loadAB(t, s)
	var got []*graph.Relation
	if err := s.ScanRelations(ctx(t), func(r *graph.Relation) bool { got = append(got, r); return true }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(factsA().Relations)+len(factsB().Relations) {
		t.Fatalf("ScanRelations: %d relations", len(got))
	}
	ids := relIDs(got)
	if !slices.IsSorted(ids) {
		t.Errorf("ScanRelations not ordered by ID: %v", ids)
	}
	byID, err := s.Relations(ctx(t), ids)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "scanned vs by ID", got, byID)
	for _, r := range got {
		if r.Document == "" || len(r.Evidence) == 0 || r.Inferred {
			t.Errorf("incomplete relation %s", js(r))
		}
	}
	n := 0
	if err := s.ScanRelations(ctx(t), func(*graph.Relation) bool { n++; return n < 2 }); err != nil || n != 2 {
		t.Errorf("early stop: %d calls, %v", n, err)
	}
}

func testPutFacts(t *testing.T, s graph.Store) {
	loadAB(t, s)
	aBefore := entity(t, s, "org/mh-stc")
	person := graph.Entity{ID: "person/li", Kind: graph.KindPerson, Name: "李明", NameEn: "Li Ming"}
	member := graph.Relation{Subject: "person/li", Predicate: "member_of", Object: "org/sjtu"}
	c := graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument, Title: "人工整理"}, Entities: []graph.Entity{person}, Relations: []graph.Relation{member}}
	ch, err := s.PutFacts(ctx(t), c)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Document != graph.CurationDocument || ch.EntitiesAdded != 1 || ch.RelationsAdded != 1 {
		t.Errorf("PutFacts: %+v", ch)
	}
	docs, err := s.Documents(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(docs, func(d graph.Document) bool { return d.ID == graph.CurationDocument && d.Title == "人工整理" }) {
		t.Errorf("PutFacts did not register its document: %v", docs)
	}
	// A second put updates the entity and keeps the relation.
	person.Aliases = []string{"小李"}
	ch, err = s.PutFacts(ctx(t), graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}, Entities: []graph.Entity{person}})
	if err != nil {
		t.Fatal(err)
	}
	if ch.EntitiesChanged != 1 || ch.EntitiesAdded != 0 || ch.RelationsRemoved != 0 || ch.QuadsAdded != 1 || ch.QuadsRemoved != 0 {
		t.Errorf("second PutFacts: %+v", ch)
	}
	if e := entity(t, s, "person/li"); !slices.Equal(e.Aliases, []string{"小李"}) {
		t.Errorf("aliases = %v", e.Aliases)
	}
	mid := relID(graph.CurationDocument, "person/li", "member_of", "org/sjtu")
	if rels, _ := s.Relations(ctx(t), []string{mid}); rels[0] == nil {
		t.Error("PutFacts of an entity removed the document's relation")
	}
	// The same put again changes nothing.
	ch, err = s.PutFacts(ctx(t), graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}, Entities: []graph.Entity{person}})
	if err != nil || !ch.Unchanged() {
		t.Errorf("repeated PutFacts: %+v, %v", ch, err)
	}
	// The document keeps its title.
	docs, _ = s.Documents(ctx(t))
	if !slices.ContainsFunc(docs, func(d graph.Document) bool { return d.ID == graph.CurationDocument && d.Title == "人工整理" }) {
		t.Errorf("PutFacts changed an existing document's title: %v", docs)
	}
	// PutFacts into docA replaces only the named entity's docA facts.
	ecnu := graph.Entity{ID: "org/ecnu", Kind: graph.KindInstitution, Name: "华东师范大学"}
	if _, err := s.PutFacts(ctx(t), graph.DocumentFacts{Document: graph.Document{ID: docA}, Entities: []graph.Entity{ecnu}}); err != nil {
		t.Fatal(err)
	}
	e := entity(t, s, "org/ecnu")
	if e.NameEn != "" || !slices.Equal(e.Aliases, nil) || len(e.Evidence) != 0 || e.Description != "师范大学" {
		t.Errorf("org/ecnu after PutFacts = %s", js(e))
	}
	same(t, "untouched entity", entity(t, s, "org/mh-stc"), aBefore)
	if txt, err := s.DocumentText(ctx(t), docA); err != nil || txt != textA {
		t.Errorf("PutFacts changed docA's text: %v", err)
	}
	// The document's own entity can be put without touching the document.
	docEntity := graph.Entity{ID: docA, Kind: graph.KindDocument, Name: "新标题"}
	if _, err := s.PutFacts(ctx(t), graph.DocumentFacts{Document: graph.Document{ID: docA}, Entities: []graph.Entity{docEntity}}); err != nil {
		t.Fatal(err)
	}
	if e := entity(t, s, docA); e == nil || e.Name != "新标题" {
		t.Errorf("document entity after PutFacts = %s", js(e))
	}
	if txt, err := s.DocumentText(ctx(t), docA); err != nil || txt != textA {
		t.Errorf("PutFacts of the document entity changed the document: %v", err)
	}
	// Dangling reference.
	bad := graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}, Relations: []graph.Relation{{Subject: "person/li", Predicate: "member_of", Object: "org/none"}}}
	if _, err := s.PutFacts(ctx(t), bad); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("dangling PutFacts: %v, want ErrInvalid", err)
	}
}

func testDeleteRelation(t *testing.T, s graph.Store) {
	loadAB(t, s)
	id := relID(docB, "org/fudan", "lands_in", "place/neobay")
	before := stats(t, s)
	ch, err := s.DeleteRelation(ctx(t), id)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Document != docB || ch.RelationsRemoved != 1 || ch.QuadsRemoved != 4 || ch.QuadsAdded != 0 { // relation, statedIn, evidence, validFrom
		t.Errorf("DeleteRelation: %+v", ch)
	}
	if rels, err := s.Relations(ctx(t), []string{id}); err != nil || rels[0] != nil {
		t.Errorf("deleted relation still readable: %v %v", rels, err)
	}
	if got := relIDs(relationsOf(t, s, "org/fudan", graph.RelationFilter{Predicates: []string{"lands_in"}})); len(got) != 0 {
		t.Errorf("deleted relation still incident: %v", got)
	}
	if after := stats(t, s); after.Relations != before.Relations-1 || after.Quads != before.Quads-4 {
		t.Errorf("stats after delete: %d relations, %d quads; before %d, %d", after.Relations, after.Quads, before.Relations, before.Quads)
	}
	if _, err := s.DeleteRelation(ctx(t), id); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("second delete: %v, want ErrNotFound", err)
	}
	if _, err := s.DeleteRelation(ctx(t), "rel/none"); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("unknown relation: %v, want ErrNotFound", err)
	}
	// Reloading docB brings it back.
	if ch := mustReplace(t, s, factsB()); ch.RelationsAdded != 1 {
		t.Errorf("reload after delete: %+v", ch)
	}
}

func testGeneration(t *testing.T, s graph.Store) {
	g0 := generation(t, s)
	steps := []struct {
		name    string
		write   func() error
		changes bool
	}{
		{"load A", func() error { _, err := s.ReplaceDocument(ctx(t), factsA()); return err }, true},
		{"reload A", func() error { _, err := s.ReplaceDocument(ctx(t), factsA()); return err }, false},
		{"load B", func() error { _, err := s.ReplaceDocument(ctx(t), factsB()); return err }, true},
		{"invalid", func() error {
			f := factsB()
			f.Entities[0].Kind = "X"
			if _, err := s.ReplaceDocument(ctx(t), f); !errors.Is(err, graph.ErrInvalid) {
				return fmt.Errorf("want ErrInvalid, got %v", err)
			}
			return nil
		}, false},
		{"delete relation", func() error {
			_, err := s.DeleteRelation(ctx(t), relID(docB, "org/fudan", "lands_in", "place/neobay"))
			return err
		}, true},
		{"no-op put", func() error {
			_, err := s.PutFacts(ctx(t), graph.DocumentFacts{Document: factsA().Document})
			return err
		}, false},
		{"put", func() error {
			_, err := s.PutFacts(ctx(t), graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}, Entities: []graph.Entity{{ID: "person/x", Kind: graph.KindPerson, Name: "某人"}}})
			return err
		}, true},
	}
	prev := g0
	for _, st := range steps {
		if err := st.write(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		g := generation(t, s)
		if st.changes && g == prev {
			t.Errorf("%s: generation stayed %d", st.name, g)
		}
		if !st.changes && g != prev {
			t.Errorf("%s: generation moved %d -> %d", st.name, prev, g)
		}
		prev = g
	}
}

func testStats(t *testing.T, s graph.Store) {
	st := stats(t, s)
	if st.Entities != 0 || st.Relations != 0 || st.Documents != 0 {
		t.Errorf("empty store stats: %+v", st)
	}
	loadAB(t, s)
	st = stats(t, s)
	want := graph.Stats{
		Entities: 8, Relations: 8, Documents: 2, Quads: st.Quads,
		ByKind: map[graph.Kind]int{
			graph.KindDocument: 1, graph.KindInstitution: 4, graph.KindPlace: 1, graph.KindPolicy: 1, graph.KindIndicator: 1,
		},
		ByPredicate: map[string]int{"co_builds": 3, "signs_agreement_with": 1, "issues": 1, "measures": 1, "partners_with": 1, "lands_in": 1},
	}
	same(t, "Stats", st, want)
	if st.Quads < 60 {
		t.Errorf("Stats.Quads = %d, implausibly few", st.Quads)
	}
}

func testAudit(t *testing.T, s graph.Store) {
	got, err := s.Audit(ctx(t), 10)
	if err != nil || len(got) != 0 {
		t.Fatalf("Audit of empty store: %v, %v", got, err)
	}
	base := time.Now().UTC().Add(-time.Hour).Truncate(time.Second) // before the entry stamped by the store
	entries := []graph.AuditEntry{
		{ID: "audit/1", At: base, Actor: "admin", Action: "upsertEntity", Target: "org/sjtu", Detail: `{"name":"上海交通大学"}`},
		{ID: "audit/3", At: base.Add(2 * time.Second), Actor: "alice", Action: "removeRelation", Target: "rel/x"},
		{ID: "audit/2", At: base.Add(time.Second), Actor: "bob", Action: "addRelation", Target: "rel/y", Detail: `{"a":1}`},
	}
	for _, e := range entries {
		if err := s.AppendAudit(ctx(t), e); err != nil {
			t.Fatalf("AppendAudit: %v", err)
		}
	}
	// At and ID filled when empty; the newest entry comes first.
	if err := s.AppendAudit(ctx(t), graph.AuditEntry{Actor: "carol", Action: "upsertEntity", Target: "org/ecnu"}); err != nil {
		t.Fatal(err)
	}
	all, err := s.Audit(ctx(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 4 {
		t.Fatalf("Audit: %d entries, want 4", len(all))
	}
	if all[0].ID == "" || all[0].At.IsZero() || all[0].Actor != "carol" || time.Since(all[0].At) > time.Hour {
		t.Errorf("newest entry = %+v", all[0])
	}
	for i, want := range []graph.AuditEntry{entries[1], entries[2], entries[0]} {
		got := all[i+1]
		if !got.At.Equal(want.At) {
			t.Errorf("entry %d at %v, want %v", i+1, got.At, want.At)
		}
		got.At = want.At
		same(t, fmt.Sprintf("audit entry %d", i+1), got, want)
	}
	two, err := s.Audit(ctx(t), 2)
	if err != nil || len(two) != 2 || two[0].ID != all[0].ID || two[1].ID != "audit/3" {
		t.Errorf("Audit(2) = %+v, %v", two, err)
	}
}

func testExport(t *testing.T, s graph.Store) {
	loadAB(t, s)
	if err := s.AppendAudit(ctx(t), graph.AuditEntry{Actor: "admin", Action: "upsertEntity", Target: "org/sjtu", Detail: "{\"x\":\"a\\nb\"}"}); err != nil {
		t.Fatal(err)
	}
	out := export(t, s)
	n, err := CountNQuads(out)
	if err != nil {
		t.Fatalf("export is not N-Quads: %v", err)
	}
	// Every quad but the generation.
	if st := stats(t, s); int64(n) != st.Quads-1 {
		t.Errorf("export has %d quads, Stats.Quads = %d (want one more: the generation)", n, st.Quads)
	}
	if strings.Contains(out, "generation") {
		t.Error("export contains the store-internal generation")
	}
	for _, want := range []string{`"上海交通大学"@zh`, `"Shanghai Jiao Tong University"@en`, `^^<http://www.w3.org/2001/XMLSchema#integer>`} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s", want)
		}
	}
	if again := export(t, s); again != out {
		t.Error("two exports of one graph differ")
	}
}

// CountNQuads checks that text is line-based N-Quads (each statement on
// one line: subject, predicate, object, optional graph label, " .") and
// returns how many statements it holds. It is a structural check, not a
// full parser; backends test with a real parser too.
func CountNQuads(text string) (int, error) {
	n := 0
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if !strings.HasSuffix(l, " .") {
			return n, fmt.Errorf("line %d: no terminating ' .': %.80q", line, l)
		}
		rest := strings.TrimSuffix(l, " .")
		terms := 0
		for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimSpace(rest) {
			var err error
			if rest, err = skipTerm(rest); err != nil {
				return n, fmt.Errorf("line %d: %w", line, err)
			}
			terms++
		}
		if terms != 3 && terms != 4 {
			return n, fmt.Errorf("line %d: %d terms", line, terms)
		}
		n++
	}
	return n, sc.Err()
}

// skipTerm consumes one IRI, blank node or literal.
func skipTerm(s string) (string, error) {
	switch {
	case strings.HasPrefix(s, "<"):
		i := strings.IndexByte(s, '>')
		if i < 0 || strings.ContainsAny(s[:i], " \"") {
			return "", fmt.Errorf("bad IRI in %.40q", s)
		}
		return s[i+1:], nil
	case strings.HasPrefix(s, "_:"):
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return "", nil
		}
		return s[i:], nil
	case strings.HasPrefix(s, `"`):
		i := 1
		for ; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				break
			}
			if s[i] == '\n' || s[i] == '\r' {
				return "", fmt.Errorf("raw newline in literal")
			}
		}
		if i >= len(s) {
			return "", fmt.Errorf("unterminated literal in %.40q", s)
		}
		rest := s[i+1:]
		switch {
		case strings.HasPrefix(rest, "^^"):
			return skipTerm(rest[2:])
		case strings.HasPrefix(rest, "@"):
			j := strings.IndexByte(rest, ' ')
			if j < 0 {
				j = len(rest)
			}
			return rest[j:], nil
		}
		return rest, nil
	}
	return "", fmt.Errorf("unexpected term %.40q", s)
}

func testPing(t *testing.T, s graph.Store) {
	if err := s.Ping(ctx(t)); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func testConcurrent(t *testing.T, s graph.Store) {
	loadAB(t, s)
	const rounds = 20
	small := factsB()
	small.Entities = small.Entities[:2]
	small.Relations = nil
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	fail := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	// Writers: docB flips between two versions; curation puts; audit.
	wg.Add(3)
	go func() {
		defer wg.Done()
		for i := range rounds {
			f := factsB()
			if i%2 == 1 {
				f = small
			}
			if _, err := s.ReplaceDocument(ctx(t), f); err != nil {
				fail(fmt.Errorf("writer: %w", err))
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds {
			e := graph.Entity{ID: fmt.Sprintf("person/p%02d", i), Kind: graph.KindPerson, Name: fmt.Sprintf("人%d", i)}
			r := graph.Relation{Subject: e.ID, Predicate: "member_of", Object: "org/sjtu"}
			if _, err := s.PutFacts(ctx(t), graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}, Entities: []graph.Entity{e}, Relations: []graph.Relation{r}}); err != nil {
				fail(fmt.Errorf("put: %w", err))
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds {
			if err := s.AppendAudit(ctx(t), graph.AuditEntry{Actor: "t", Action: "upsertEntity", Target: fmt.Sprint(i)}); err != nil {
				fail(fmt.Errorf("audit: %w", err))
			}
		}
	}()
	// Readers.
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				var err error
				switch r {
				case 0:
					var es []*graph.Entity
					es, err = s.Entities(ctx(t), []string{"org/sjtu", "org/fudan", "place/neobay"})
					if err == nil && (es[0] == nil || es[2] == nil) {
						err = fmt.Errorf("entities of docA vanished during writes")
					}
				case 1:
					_, err = s.RelationsOf(ctx(t), []string{"org/sjtu", "place/neobay"}, graph.RelationFilter{})
					if err == nil {
						_, err = s.Neighbors(ctx(t), []string{"org/sjtu"}, graph.RelationFilter{})
					}
				case 2:
					err = s.ScanEntities(ctx(t), nil, "", func(*graph.Entity) bool { return true })
					if err == nil {
						err = s.ScanRelations(ctx(t), func(*graph.Relation) bool { return true })
					}
				case 3:
					_, err = s.Stats(ctx(t))
					if err == nil {
						_, err = s.Generation(ctx(t))
					}
					if err == nil {
						_, err = s.LookupName(ctx(t), "sjtu")
					}
					if err == nil {
						_, err = s.Audit(ctx(t), 5)
					}
				}
				if err != nil {
					fail(fmt.Errorf("reader %d: %w", r, err))
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The final state is what the last writes say.
	if e := entity(t, s, "org/fudan"); e != nil {
		t.Errorf("org/fudan present after the last (small) docB: %s", js(e))
	}
	if e := entity(t, s, fmt.Sprintf("person/p%02d", rounds-1)); e == nil {
		t.Error("last curated person missing")
	}
	if a, err := s.Audit(ctx(t), 0); err != nil || len(a) != rounds {
		t.Errorf("audit after concurrent appends: %d entries, %v", len(a), err)
	}
}

// calls invokes every Store method once with c and returns their errors by
// method name.
func calls(c context.Context, s graph.Store) map[string]error {
	var buf bytes.Buffer
	out := map[string]error{}
	_, out["Entities"] = s.Entities(c, []string{"org/sjtu"})
	out["ScanEntities"] = s.ScanEntities(c, nil, "", func(*graph.Entity) bool { return true })
	_, out["RelationsOf"] = s.RelationsOf(c, []string{"org/sjtu"}, graph.RelationFilter{})
	_, out["Relations"] = s.Relations(c, []string{"rel/x"})
	out["ScanRelations"] = s.ScanRelations(c, func(*graph.Relation) bool { return true })
	_, out["Neighbors"] = s.Neighbors(c, []string{"org/sjtu"}, graph.RelationFilter{})
	_, out["LookupName"] = s.LookupName(c, "上海交通大学")
	_, out["Documents"] = s.Documents(c)
	_, out["DocumentText"] = s.DocumentText(c, docA)
	_, out["Stats"] = s.Stats(c)
	_, out["Generation"] = s.Generation(c)
	_, out["ReplaceDocument"] = s.ReplaceDocument(c, factsB())
	_, out["SyncDocuments"] = s.SyncDocuments(c, []graph.DocumentFacts{factsA()})
	_, out["PutFacts"] = s.PutFacts(c, graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}, Entities: []graph.Entity{{ID: "person/y", Kind: graph.KindPerson, Name: "某"}}})
	_, out["DeleteRelation"] = s.DeleteRelation(c, relID(docA, "org/mh-stc", "issues", "policy/measures"))
	out["AppendAudit"] = s.AppendAudit(c, graph.AuditEntry{Actor: "x", Action: "upsertEntity"})
	_, out["Audit"] = s.Audit(c, 1)
	out["ExportNQuads"] = s.ExportNQuads(c, &buf)
	out["Ping"] = s.Ping(c)
	return out
}

func testCancelled(t *testing.T, s graph.Store) {
	mustReplace(t, s, factsA())
	before := export(t, s)
	c, cancel := context.WithCancel(ctx(t))
	cancel()
	for name, err := range calls(c, s) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: %v, want context.Canceled", name, err)
		}
	}
	if export(t, s) != before {
		t.Error("writes with a cancelled context changed the store")
	}
}

func testClosed(t *testing.T, s graph.Store) {
	mustReplace(t, s, factsA())
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for name, err := range calls(ctx(t), s) {
		if !errors.Is(err, graph.ErrClosed) {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
	if err := s.Close(); !errors.Is(err, graph.ErrClosed) {
		t.Errorf("second Close: %v, want ErrClosed", err)
	}
}
