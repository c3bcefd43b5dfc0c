package query

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

func TestDataset(t *testing.T) {
	ctx := context.Background()
	st := kgtest.DatasetStore(t, kgtest.Logger(t))
	svc := New(st, kgtest.Logger(t))

	t.Run("交大 finds SJTU first", func(t *testing.T) {
		hits, err := svc.Search(ctx, "交大", nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].Entity.ID != "org/sjtu" || hits[0].Match != "exact" {
			t.Fatalf("Search(交大) = %v", hitIDs(hits))
		}
	})
	t.Run("pinyin finds SJTU", func(t *testing.T) {
		for _, q := range []string{"shanghaijiaotongdaxue", "shjtdx", "Shanghai Jiaotong Daxue"} {
			hits, err := svc.Search(ctx, q, []graph.Kind{graph.KindInstitution}, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Entity.ID != "org/sjtu" {
				t.Errorf("Search(%q) = %v", q, hitIDs(hits))
			}
		}
	})

	t.Run("partners of SJTU", func(t *testing.T) {
		ps, err := svc.Partners(ctx, "org/sjtu", 100, graph.Span{})
		if err != nil {
			t.Fatal(err)
		}
		byB := map[string]Partnership{}
		for _, p := range ps {
			byB[p.B] = p
			checkPartnership(t, p)
		}
		for _, want := range []string{"org/mh-stc", "org/ecnu"} {
			p, ok := byB[want]
			if !ok {
				t.Errorf("%s is not a partner of org/sjtu; partners: %v", want, slices.Collect(func(yield func(string) bool) {
					for _, p := range ps {
						if !yield(p.B) {
							return
						}
					}
				}))
				continue
			}
			var quotes, inferred int
			for _, r := range p.Relations {
				for _, e := range r.Evidence {
					if strings.TrimSpace(e.Quote) != "" {
						quotes++
					}
				}
				if r.Inferred {
					inferred++
				}
			}
			if quotes == 0 || p.Strength < 1 || inferred != len(p.Via) {
				t.Errorf("org/sjtu–%s: strength %d, %d quotes, %d inferred for %d contexts", want, p.Strength, quotes, inferred, len(p.Via))
			}
			t.Logf("org/sjtu–%s: strength %d via %v", want, p.Strength, p.Via)
		}
	})

	t.Run("path between entities with no direct relation", func(t *testing.T) {
		from, to := "org/ecnu", "org/mh-stc"
		nb, err := st.Neighbors(ctx, []string{from}, graph.RelationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(nb[from], to) {
			t.Fatalf("precondition: %s and %s are related directly; pick another pair", from, to)
		}
		ps, err := svc.Paths(ctx, from, to, 4, 10, graph.Span{})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 {
			t.Fatalf("no path from %s to %s", from, to)
		}
		for _, p := range ps {
			checkPath(t, p)
			if len(p.Nodes) < 3 || p.Nodes[0] != from || p.Nodes[len(p.Nodes)-1] != to {
				t.Errorf("path %v", p.Nodes)
			}
		}
		t.Logf("%d paths, e.g. %v", len(ps), ps[0].Nodes)
	})

	t.Run("indicators", func(t *testing.T) {
		inds, err := svc.Indicators(ctx, IndicatorFilter{}, 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(inds) == 0 {
			t.Fatal("no indicators")
		}
		var withValue, withSubject int
		for _, in := range inds {
			if in.Value != nil {
				withValue++
			}
			if in.Subject != "" {
				withSubject++
			}
		}
		if withValue == 0 || withSubject == 0 {
			t.Errorf("%d indicators, %d with a value, %d with a subject", len(inds), withValue, withSubject)
		}
	})
}
