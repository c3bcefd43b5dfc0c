package seed

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

// CurationConflicts finds the curated relations a seed would leave without
// an entity, before anything is written, located at the document that no
// longer states it; curated relations to entities the dataset or curation
// still states are no conflict.
func TestCurationConflicts(t *testing.T) {
	ctx := context.Background()
	st := memStore(t)
	if _, err := Load(ctx, st, "testdata/valid", discard()); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutFacts(ctx, graph.DocumentFacts{
		Document: graph.Document{ID: graph.CurationDocument},
		Entities: []graph.Entity{{ID: "person/li", Kind: graph.KindPerson, Name: "李明"}},
		Relations: []graph.Relation{
			{Subject: "person/li", Predicate: "member_of", Object: "org/ecnu"},
			{Subject: "person/li", Predicate: "member_of", Object: "org/sjtu"},
		},
	}); err != nil {
		t.Fatal(err)
	}
	without := func(ids ...string) *Dataset {
		t.Helper()
		ds, err := Parse("testdata/valid")
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ds.Documents[0].Files {
			f.Entities = slices.DeleteFunc(f.Entities, func(e *EntitySpec) bool { return slices.Contains(ids, e.ID) })
			f.Relations = slices.DeleteFunc(f.Relations, func(r *RelationSpec) bool {
				return slices.Contains(ids, r.Subject) || slices.Contains(ids, r.Object)
			})
		}
		return ds
	}
	tests := []struct {
		name string
		ds   *Dataset
		want []string // one substring per expected problem
	}{
		{"the dataset as stored", without(), nil},
		{"an entity of a curated relation dropped", without("org/ecnu"), []string{
			`document.yaml: curated relation ` + graph.RelationID(graph.CurationDocument, "person/li", "member_of", "org/ecnu") +
				` (person/li member_of org/ecnu) of doc/curation refers to entity "org/ecnu", which no document states after seeding (stated now by doc/small; doc/small no longer states it)`,
		}},
		{"both dropped", without("org/ecnu", "org/sjtu"), []string{`entity "org/ecnu"`, `entity "org/sjtu"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, err := tt.ds.CurationConflicts(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("%d problems, want %d: %v", len(ps), len(tt.want), ps)
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(ps, func(p Problem) bool { return strings.Contains(p.String(), w) && p.Code == CodeCuratedDangling }) {
					t.Errorf("no %s problem containing %s: %v", CodeCuratedDangling, w, ps)
				}
			}
		})
	}
}
