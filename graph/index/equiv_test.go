package index_test

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/internal/synth"
)

func openMemory(t *testing.T) graph.Store {
	t.Helper()
	s, err := cayleystore.Open(context.Background(), cayleystore.Config{Backend: cayleystore.BackendMemory}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// sameReads compares every read of got with want over the whole graph.
func sameReads(t *testing.T, want, got graph.Store) {
	t.Helper()
	ctx := context.Background()
	var wantEnts, gotEnts []*graph.Entity
	collect := func(s graph.Store, kinds []graph.Kind, out *[]*graph.Entity) {
		*out = nil
		if err := s.ScanEntities(ctx, kinds, "", func(e *graph.Entity) bool { *out = append(*out, e); return true }); err != nil {
			t.Fatal(err)
		}
	}
	collect(want, nil, &wantEnts)
	collect(got, nil, &gotEnts)
	if !reflect.DeepEqual(wantEnts, gotEnts) {
		t.Fatalf("ScanEntities differ: %d vs %d entities", len(wantEnts), len(gotEnts))
	}
	kinds := []graph.Kind{graph.KindLab, graph.KindPerson}
	collect(want, kinds, &wantEnts)
	collect(got, kinds, &gotEnts)
	if !reflect.DeepEqual(wantEnts, gotEnts) {
		t.Fatalf("ScanEntities(kinds) differ: %d vs %d", len(wantEnts), len(gotEnts))
	}
	var ids []string
	var names []string
	collect(want, nil, &wantEnts)
	for _, e := range wantEnts {
		ids = append(ids, e.ID)
		names = append(names, e.Name, e.NameEn)
		names = append(names, e.Aliases...)
	}
	ids = append(ids, "org/nope", ids[0])
	check := func(what string, f func(s graph.Store) (any, error)) {
		t.Helper()
		w, err := f(want)
		if err != nil {
			t.Fatalf("%s on backing: %v", what, err)
		}
		g, err := f(got)
		if err != nil {
			t.Fatalf("%s on index: %v", what, err)
		}
		if !reflect.DeepEqual(w, g) {
			t.Fatalf("%s differs:\nbacking %v\nindex   %v", what, w, g)
		}
	}
	check("Entities", func(s graph.Store) (any, error) { return s.Entities(ctx, ids) })
	filters := []graph.RelationFilter{
		{}, {Direction: graph.Out}, {Direction: graph.In},
		{Predicates: []string{"partners_with", "co_builds"}},
		{Direction: graph.In, Predicates: []string{"partners_with", "located_in"}},
	}
	for _, f := range filters {
		check("RelationsOf", func(s graph.Store) (any, error) { return s.RelationsOf(ctx, ids, f) })
		check("Neighbors", func(s graph.Store) (any, error) { return s.Neighbors(ctx, ids, f) })
	}
	var rels []*graph.Relation
	if err := want.ScanRelations(ctx, func(r *graph.Relation) bool { rels = append(rels, r); return true }); err != nil {
		t.Fatal(err)
	}
	check("ScanRelations", func(s graph.Store) (any, error) {
		var out []*graph.Relation
		err := s.ScanRelations(ctx, func(r *graph.Relation) bool { out = append(out, r); return true })
		return out, err
	})
	relIDs := []string{"rel/0000000000000000"}
	for _, r := range rels {
		relIDs = append(relIDs, r.ID)
	}
	check("Relations", func(s graph.Store) (any, error) { return s.Relations(ctx, relIDs) })
	for _, n := range append(names[:min(len(names), 200)], "", "  ", "nope", "SJTU", "sjtu") {
		check("LookupName "+n, func(s graph.Store) (any, error) { return s.LookupName(ctx, n) })
	}
	check("Documents", func(s graph.Store) (any, error) { return s.Documents(ctx) })
	check("Stats", func(s graph.Store) (any, error) { return s.Stats(ctx) })
	// Scans that stop early and resume after an ID.
	if len(wantEnts) > 3 {
		after := wantEnts[1].ID
		check("ScanEntities after", func(s graph.Store) (any, error) {
			var out []string
			err := s.ScanEntities(ctx, nil, after, func(e *graph.Entity) bool { out = append(out, e.ID); return len(out) < 2 })
			return out, err
		})
	}
}

// scansOnly hides a store's graph.Dumper: the index then loads through
// ScanEntities, ScanRelations and Documents.
type scansOnly struct{ graph.Store }

func TestIndexMatchesBacking(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(graph.Store) graph.Store
	}{
		{"dump", func(s graph.Store) graph.Store { return s }},
		{"scans", func(s graph.Store) graph.Store { return scansOnly{s} }},
	} {
		t.Run(tc.name, func(t *testing.T) { testIndexMatchesBacking(t, tc.wrap) })
	}
}

func testIndexMatchesBacking(t *testing.T, wrap func(graph.Store) graph.Store) {
	ctx := context.Background()
	backing := openMemory(t)
	facts := synth.MustGenerate(synth.Config{Quads: 4000, Seed: 5})
	if _, err := backing.ReplaceDocument(ctx, facts); err != nil {
		t.Fatal(err)
	}
	if _, ok := wrap(backing).(graph.Dumper); ok != (wrap(backing) == backing) {
		t.Fatalf("the memory store should be a graph.Dumper and scansOnly not (%T: %v)", wrap(backing), ok)
	}
	ix, err := index.NewWithOptions(ctx, wrap(backing), nil, index.Options{Poll: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	sameReads(t, backing, ix)

	g0, _ := ix.Generation(ctx)
	// Writes through the index: a curation document adds facts and a
	// relation, then one relation of the big document is deleted, then the
	// big document is replaced with a smaller graph of the same shape.
	e := facts.Entities[3]
	cur := graph.DocumentFacts{
		Document: graph.Document{ID: graph.CurationDocument, Title: "curation"},
		Entities: []graph.Entity{{ID: "org/new-one", Kind: graph.KindInstitution, Name: "新机构", NameEn: "New One", Aliases: []string{"NO1"}}},
		Relations: []graph.Relation{
			{Subject: "org/new-one", Predicate: "partners_with", Object: e.ID},
			{Subject: facts.Entities[5].ID, Predicate: "supports", Object: "org/new-one"},
		},
	}
	if _, err := ix.PutFacts(ctx, cur); err != nil {
		t.Fatal(err)
	}
	sameReads(t, backing, ix)
	if _, err := ix.DeleteRelation(ctx, facts.Relations[7].ID); err != nil {
		t.Fatal(err)
	}
	sameReads(t, backing, ix)
	smaller := synth.MustGenerate(synth.Config{Quads: 2500, Seed: 6})
	// Keep the entities the curation facts point to.
	keep := map[string]bool{}
	for _, x := range smaller.Entities {
		keep[x.ID] = true
	}
	for _, x := range []graph.Entity{e, facts.Entities[5]} {
		if !keep[x.ID] {
			smaller.Entities = append(smaller.Entities, x)
		}
	}
	if _, err := ix.ReplaceDocument(ctx, smaller); err != nil {
		t.Fatal(err)
	}
	sameReads(t, backing, ix)
	if g1, _ := ix.Generation(ctx); g1 <= g0 {
		t.Fatalf("generation did not move: %d -> %d", g0, g1)
	}
	// A rejected write changes nothing.
	bad := graph.DocumentFacts{Document: graph.Document{ID: graph.CurationDocument}, Relations: []graph.Relation{{Subject: "org/new-one", Predicate: "nope", Object: e.ID}}}
	if _, err := ix.PutFacts(ctx, bad); err == nil {
		t.Fatal("bad predicate accepted")
	}
	sameReads(t, backing, ix)
}

// TestReplicasSeeEachOther runs two indexes on one backing store, as two
// server replicas on one PostgreSQL database do: a write through one shows
// through the other after its poll.
func TestReplicasSeeEachOther(t *testing.T) {
	ctx := context.Background()
	backing := openMemory(t)
	facts := synth.MustGenerate(synth.Config{Quads: 1500, Seed: 9})
	if _, err := backing.ReplaceDocument(ctx, facts); err != nil {
		t.Fatal(err)
	}
	a, err := index.NewWithOptions(ctx, backing, nil, index.Options{Poll: -1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := index.NewWithOptions(ctx, nopClose{backing}, nil, index.Options{Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer b.Close()
	cur := graph.DocumentFacts{
		Document: graph.Document{ID: graph.CurationDocument, Title: "curation"},
		Entities: []graph.Entity{{ID: "org/replica-test", Kind: graph.KindInstitution, Name: "副本测试机构"}},
	}
	if _, err := a.PutFacts(ctx, cur); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		ids, err := b.LookupName(ctx, "副本测试机构")
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(ids, []string{"org/replica-test"}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("write through replica a never showed through replica b")
		}
		time.Sleep(10 * time.Millisecond)
	}
	sameReads(t, a, b)
}

// nopClose shares one backing store between two indexes in a test.
type nopClose struct{ graph.Store }

func (nopClose) Close() error { return nil }
