package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

func mustSync(t *testing.T, s graph.Store, docs ...graph.DocumentFacts) []graph.Change {
	t.Helper()
	chs, err := s.SyncDocuments(ctx(t), docs)
	if err != nil {
		t.Fatalf("SyncDocuments: %v", err)
	}
	return chs
}

// curated is a curation fact about an entity of docA (org/sjtu) and one
// about an entity only docC states (org/zju).
func curated(withZJU bool) graph.DocumentFacts {
	f := graph.DocumentFacts{
		Document: graph.Document{ID: graph.CurationDocument, Title: "人工整理"},
		Entities: []graph.Entity{{ID: "person/li", Kind: graph.KindPerson, Name: "李明"}},
		Relations: []graph.Relation{
			{Subject: "person/li", Predicate: "member_of", Object: "org/sjtu", Evidence: []graph.Evidence{{URL: "https://example.org/a", Note: "curated"}}},
		},
	}
	if withZJU {
		f.Relations = append(f.Relations, graph.Relation{Subject: "person/li", Predicate: "member_of", Object: "org/zju"})
	}
	return f
}

func docIDs(t *testing.T, s graph.Store) []string {
	t.Helper()
	docs, err := s.Documents(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	return ids
}

// testSync: adding, merging, replacing and the no-op, each equal to the
// store built document by document.
func testSync(t *testing.T, s graph.Store, fresh func() graph.Store) {
	// Add two documents at once; they share org/sjtu.
	chs := mustSync(t, s, factsC(), factsA())
	a, c := factsA(), factsC()
	if len(chs) != 2 || chs[0].Document != docC || chs[1].Document != docA {
		t.Fatalf("changes %+v; want one for %s, then %s", chs, docC, docA)
	}
	if chs[1].EntitiesAdded != len(a.Entities) || chs[1].RelationsAdded != len(a.Relations) || chs[1].DocumentRemoved {
		t.Errorf("change of %s: %+v", docA, chs[1])
	}
	// org/sjtu is docA's (counted there or in docC, once each: each
	// document adds its own facts about it).
	if chs[0].EntitiesAdded != len(c.Entities) || chs[0].RelationsAdded != len(c.Relations) {
		t.Errorf("change of %s: %+v", docC, chs[0])
	}
	ref := fresh()
	mustReplace(t, ref, factsA())
	mustReplace(t, ref, factsC())
	same(t, "synced vs replaced one by one", snapshot(t, s), snapshot(t, ref))
	if export(t, s) != export(t, ref) {
		t.Error("export after a sync differs from the store loaded document by document")
	}
	if e := entity(t, s, "org/sjtu"); e == nil || !slices.Equal(e.Documents, []string{docA, docC}) {
		t.Errorf("org/sjtu after sync: %s", js(e))
	}
	docs, err := s.Documents(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []graph.Document{a.Document, c.Document}
	want[0].Text, want[1].Text = "", ""
	same(t, "Documents after sync", docs, want)

	// The same documents again, in another order: nothing changes.
	g := generation(t, s)
	ex := export(t, s)
	for _, ch := range mustSync(t, s, factsA(), factsC()) {
		if !ch.Unchanged() {
			t.Errorf("repeated sync: change %+v", ch)
		}
	}
	if generation(t, s) != g || export(t, s) != ex {
		t.Error("a repeated sync changed the store")
	}

	// Replace: docC loses a relation and changes its date; docA is
	// untouched.
	c2 := factsC()
	c2.Document.Date = "2025-03-19"
	c2.Relations = c2.Relations[:2]
	chs = mustSync(t, s, factsA(), c2)
	if !chs[0].Unchanged() || chs[1].RelationsRemoved != 1 || chs[1].RelationsAdded != 0 || chs[1].EntitiesRemoved != 0 {
		t.Errorf("replace: changes %+v", chs)
	}
	ref2 := fresh()
	mustReplace(t, ref2, factsA())
	mustReplace(t, ref2, c2)
	if export(t, s) != export(t, ref2) {
		t.Error("export after replacing by sync differs from the store loaded with the new version")
	}
	same(t, "replaced by sync", snapshot(t, s), snapshot(t, ref2))

	// A relation with an explicit ID may move from one document to
	// another in one sync.
	a3, c3 := factsA(), factsC()
	a3.Relations = append(a3.Relations, graph.Relation{ID: "rel/moving", Subject: "org/sjtu", Predicate: "supports", Object: "org/ecnu"})
	mustSync(t, s, a3, c3)
	a4, c4 := factsA(), factsC()
	c4.Relations = append(c4.Relations, graph.Relation{ID: "rel/moving", Subject: "org/sjtu", Predicate: "supports", Object: "org/ecnu"})
	mustSync(t, s, a4, c4)
	rels, err := s.Relations(ctx(t), []string{"rel/moving"})
	if err != nil || rels[0] == nil || rels[0].Document != docC {
		t.Fatalf("moved relation: %v, %v; want it in %s", rels, err, docC)
	}
	ref3 := fresh()
	mustSync(t, ref3, a4, c4)
	if export(t, s) != export(t, ref3) {
		t.Error("export after moving a relation between documents differs from a fresh store")
	}
}

// testSyncRemoves: a document left out is removed completely; curated
// facts stay; the export equals that of a store that never had it.
func testSyncRemoves(t *testing.T, s graph.Store, fresh func() graph.Store) {
	mustSync(t, s, factsA(), factsC())
	if _, err := s.PutFacts(ctx(t), curated(false)); err != nil {
		t.Fatal(err)
	}
	chs := mustSync(t, s, factsA())
	if len(chs) != 2 || !chs[0].Unchanged() || chs[1].Document != docC || !chs[1].DocumentRemoved {
		t.Fatalf("changes %+v; want docA unchanged, then docC removed", chs)
	}
	c := factsC()
	if chs[1].RelationsRemoved != len(c.Relations) || chs[1].QuadsAdded != 0 || chs[1].QuadsRemoved == 0 {
		t.Errorf("removal: %+v", chs[1])
	}
	ref := fresh()
	mustReplace(t, ref, factsA())
	if _, err := ref.PutFacts(ctx(t), curated(false)); err != nil {
		t.Fatal(err)
	}
	if got, want := export(t, s), export(t, ref); got != want {
		t.Errorf("export after removing %s differs from a store that never had it:\n got %d bytes\nwant %d bytes", docC, len(got), len(want))
	}
	same(t, "after removal", snapshot(t, s), snapshot(t, ref))
	if _, err := s.DocumentText(ctx(t), docC); !errors.Is(err, graph.ErrNotFound) {
		t.Errorf("text of the removed document: %v, want ErrNotFound", err)
	}
	for _, id := range []string{docC, "org/zju", "lab/sjtu-zju"} {
		if e := entity(t, s, id); e != nil {
			t.Errorf("%s survives the removal: %s", id, js(e))
		}
	}
	if e := entity(t, s, "org/sjtu"); e == nil || !slices.Equal(e.Documents, []string{docA}) {
		t.Errorf("org/sjtu after the removal: %s", js(e))
	}
	if ids, err := s.LookupName(ctx(t), "浙大"); err != nil || len(ids) != 0 {
		t.Errorf("LookupName(浙大) after the removal = %v, %v", ids, err)
	}
	if got := docIDs(t, s); !slices.Equal(got, []string{docA, graph.CurationDocument}) {
		t.Errorf("documents after the removal: %v", got)
	}
	// Removing every source document leaves only the curated facts, if
	// they do not depend on them.
	if _, err := s.SyncDocuments(ctx(t), nil); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("removing the document curated facts refer to: %v, want ErrInvalid", err)
	}
	if _, err := s.DeleteRelation(ctx(t), relID(graph.CurationDocument, "person/li", "member_of", "org/sjtu")); err != nil {
		t.Fatal(err)
	}
	mustSync(t, s)
	if got := docIDs(t, s); !slices.Equal(got, []string{graph.CurationDocument}) {
		t.Errorf("documents after removing all: %v", got)
	}
	if e := entity(t, s, "person/li"); e == nil {
		t.Error("curated entity removed by a sync")
	}
}

// testSyncAtomic: a sync that fails anywhere writes nothing, and names
// the document and fact.
func testSyncAtomic(t *testing.T, s graph.Store) {
	mustSync(t, s, factsA(), factsC())
	if _, err := s.PutFacts(ctx(t), curated(true)); err != nil {
		t.Fatal(err)
	}
	before, g0 := export(t, s), generation(t, s)
	changedA := func() graph.DocumentFacts {
		a := factsA()
		a.Document.Title = "changed, but must not be written"
		a.Entities[1].Description = "也不得写入"
		return a
	}
	zjuRel := relID(graph.CurationDocument, "person/li", "member_of", "org/zju")
	tests := []struct {
		name string
		docs []graph.DocumentFacts
		want []string // the error names these
	}{
		{"second document invalid", []graph.DocumentFacts{changedA(), func() graph.DocumentFacts {
			c := factsC()
			c.Entities[2].Kind = "UNIVERSITY"
			return c
		}()}, []string{docC, "org/zju", "UNIVERSITY"}},
		{"second document dangling", []graph.DocumentFacts{changedA(), func() graph.DocumentFacts {
			c := factsC()
			c.Relations[0].Object = "org/nobody"
			return c
		}()}, []string{docC, "org/nobody"}},
		{"second document with a bad date", []graph.DocumentFacts{changedA(), func() graph.DocumentFacts {
			c := factsC()
			c.Relations[1].ValidFrom = "2025年3月"
			return c
		}()}, []string{docC, "validFrom"}},
		{"removal orphans a curated relation", []graph.DocumentFacts{changedA()}, []string{zjuRel, "org/zju", docC}},
		{"new version orphans a curated relation", []graph.DocumentFacts{changedA(), func() graph.DocumentFacts {
			c := factsC()
			c.Entities = slices.DeleteFunc(c.Entities, func(e graph.Entity) bool { return e.ID == "org/zju" })
			c.Relations = nil
			return c
		}()}, []string{zjuRel, "org/zju", docC}},
		{"one document twice", []graph.DocumentFacts{changedA(), factsC(), factsA()}, []string{docA, "twice"}},
		{"the curation document", []graph.DocumentFacts{changedA(), factsC(), {Document: graph.Document{ID: graph.CurationDocument}}}, []string{graph.CurationDocument}},
		{"one relation ID in two documents", []graph.DocumentFacts{func() graph.DocumentFacts {
			a := changedA()
			a.Relations[0].ID = "rel/shared"
			return a
		}(), func() graph.DocumentFacts {
			c := factsC()
			c.Relations[0].ID = "rel/shared"
			return c
		}()}, []string{"rel/shared"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chs, err := s.SyncDocuments(ctx(t), tc.docs)
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("SyncDocuments: %+v, %v; want ErrInvalid", chs, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
			if len(chs) != 0 {
				t.Errorf("a failed sync reports changes %+v", chs)
			}
			if after := export(t, s); after != before {
				t.Error("a failed sync changed the export")
			}
			if g := generation(t, s); g != g0 {
				t.Errorf("a failed sync moved the generation %d -> %d", g0, g)
			}
		})
	}
}
