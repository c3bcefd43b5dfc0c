package query

import (
	"cmp"
	"slices"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/internal/synth"
)

// TestPartnersOfMatchesGlobal: one entity's partnerships derived on their
// own (jointIndex.partnersOf, what Partners and PartnersOf use) are exactly
// the pairs of the global derivation (jointIndex.pairs, what Partnerships
// uses) that involve the entity, in the same order, with the same explicit
// relations and strengths — for every entity of the curated dataset and of
// a synthetic graph with hubs.
func TestPartnersOfMatchesGlobal(t *testing.T) {
	tests := []struct {
		name  string
		facts func(t *testing.T) []graph.Relation
	}{
		{"curated dataset", func(t *testing.T) []graph.Relation {
			st := kgtest.DatasetStore(t, kgtest.Logger(t))
			var rels []graph.Relation
			if err := st.ScanRelations(t.Context(), func(r *graph.Relation) bool {
				rels = append(rels, *r)
				return true
			}); err != nil {
				t.Fatal(err)
			}
			return rels
		}},
		{"synthetic 2e4 quads", func(t *testing.T) []graph.Relation {
			return synth.MustGenerate(synth.Config{Quads: 20000, Seed: 7}).Relations
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			jb := newJointBuilder()
			entities := map[string]bool{}
			for _, r := range tc.facts(t) {
				jb.add(&r)
				entities[r.Subject], entities[r.Object] = true, true
			}
			j := jb.finish()
			global := map[string][]*pair{}
			all := j.pairs(graph.Span{})
			if len(all) == 0 {
				t.Fatal("no partnerships: the test would prove nothing")
			}
			for _, p := range all {
				global[p.a] = append(global[p.a], p)
				global[p.b] = append(global[p.b], p)
			}
			checked := 0
			for id := range entities {
				want := global[id]
				slices.SortFunc(want, func(x, y *pair) int {
					return cmp.Or(cmp.Compare(y.strength(), x.strength()), cmp.Compare(x.other(id), y.other(id)))
				})
				got := j.partnersOf(id, graph.Span{})
				if len(got) != len(want) {
					t.Fatalf("%s: %d partnerships, global derivation has %d", id, len(got), len(want))
				}
				for i := range got {
					g, w := got[i], want[i]
					if g.a != w.a || g.b != w.b || g.n != w.n || !slices.Equal(g.explicit, w.explicit) {
						t.Fatalf("%s #%d: got %+v, global derivation %+v", id, i, *g, *w)
					}
				}
				checked += len(got)
			}
			t.Logf("%d entities, %d partnerships, %d per-entity rows compared", len(entities), len(all), checked)
		})
	}
}
