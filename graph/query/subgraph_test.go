package query

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

type nodeView struct {
	ID          string
	Hop, Degree int
}

func (n nodeView) String() string { return fmt.Sprintf("%s@%d/%d", n.ID, n.Hop, n.Degree) }

func TestSubgraph(t *testing.T) {
	tests := []struct {
		name      string
		ids       []string
		hops      int
		kinds     []graph.Kind
		limit     int
		want      string // nodes as id@hop/degree
		edges     string // subject>object, sorted by relation ID then rendered sorted
		truncated bool
	}{
		{"one hop, all fit", []string{"org/sjtu"}, 1, nil, 100,
			"org/sjtu@0/5 place/dalinghaowan@1/5 event/sci-fest@1/2 lab/ai-lab@1/2 org/ecnu@1/2 org/sjtu-med@1/1",
			"lab/ai-lab>org/sjtu org/ecnu>org/sjtu org/ecnu>place/dalinghaowan org/sjtu-med>org/sjtu org/sjtu>event/sci-fest org/sjtu>place/dalinghaowan",
			false},
		{"cut keeps seed, then best connected, then ID", []string{"org/sjtu"}, 1, nil, 3,
			"org/sjtu@0/5 place/dalinghaowan@1/5 event/sci-fest@1/2",
			"org/sjtu>event/sci-fest org/sjtu>place/dalinghaowan",
			true},
		{"cut prefers nearer over better connected", []string{"co/chain-x"}, 2, nil, 2,
			"co/chain-x@0/1 place/minhang@1/5",
			"co/chain-x>place/minhang",
			true},
		{"given ids first, in the order given", []string{"org/lonely", "co/island-b"}, 1, nil, 2,
			"org/lonely@0/0 co/island-b@0/1",
			"",
			true},
		{"hops 0: only the given ids, edges between them", []string{"org/sjtu", "org/ecnu", "org/sjtu"}, 0, nil, 10,
			"org/sjtu@0/5 org/ecnu@0/2",
			"org/ecnu>org/sjtu",
			false},
		{"kinds filter what is added, not the given ids", []string{"place/minhang"}, 2, []graph.Kind{graph.KindInstitution}, 100,
			"place/minhang@0/5",
			"",
			false},
		{"kinds filter walks only through kept kinds", []string{"place/minhang"}, 2, []graph.Kind{graph.KindPlace, graph.KindInstitution}, 100,
			"place/minhang@0/5 place/dalinghaowan@1/5 org/sjtu@2/5 org/mh-stc@2/4 org/ecnu@2/2 org/sh-stc@2/2",
			"org/ecnu>org/sjtu org/ecnu>place/dalinghaowan org/mh-stc>place/dalinghaowan org/sh-stc>place/dalinghaowan org/sjtu>place/dalinghaowan place/dalinghaowan>place/minhang",
			false},
		{"unknown ids left out", []string{"org/nope", "co/island-a"}, 1, nil, 10,
			"co/island-a@0/1 co/island-b@1/1",
			"co/island-a>co/island-b",
			false},
		{"only unknown ids", []string{"org/nope"}, 1, nil, 10, "", "", false},
	}
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				sg, err := svc.Subgraph(context.Background(), tc.ids, tc.hops, tc.kinds, tc.limit, graph.Span{})
				if err != nil {
					t.Fatal(err)
				}
				var nodes []string
				for _, n := range sg.Nodes {
					nodes = append(nodes, nodeView{n.Entity.ID, n.Hop, n.Degree}.String())
				}
				if got := strings.Join(nodes, " "); got != tc.want {
					t.Errorf("nodes =\n%s\nwant\n%s", got, tc.want)
				}
				var edges []string
				seen := map[string]bool{}
				for i, e := range sg.Edges {
					if seen[e.ID] {
						t.Errorf("edge %s twice", e.ID)
					}
					seen[e.ID] = true
					if i > 0 && sg.Edges[i-1].ID > e.ID {
						t.Errorf("edges not sorted by ID")
					}
					edges = append(edges, e.Subject+">"+e.Object)
				}
				slices.Sort(edges)
				if got := strings.Join(edges, " "); got != tc.edges {
					t.Errorf("edges =\n%s\nwant\n%s", got, tc.edges)
				}
				if sg.Truncated != tc.truncated {
					t.Errorf("Truncated = %v, want %v", sg.Truncated, tc.truncated)
				}
			})
		}
	})
}

func TestSubgraphArgumentErrors(t *testing.T) {
	svc := New(emptyStore(), kgtest.Logger(t))
	tests := []struct {
		ids   []string
		hops  int
		kinds []graph.Kind
		limit int
		arg   string
	}{
		{nil, 1, nil, 10, "ids"},
		{[]string{"org/sjtu"}, -1, nil, 10, "hops"},
		{[]string{"org/sjtu"}, 4, nil, 10, "hops"},
		{[]string{"org/sjtu"}, 1, nil, 0, "limit"},
		{[]string{"org/sjtu"}, 1, nil, 2001, "limit"},
		{[]string{"org/sjtu"}, 1, []graph.Kind{"nope"}, 10, "kinds"},
	}
	for _, tc := range tests {
		_, err := svc.Subgraph(context.Background(), tc.ids, tc.hops, tc.kinds, tc.limit, graph.Span{})
		assertArgError(t, err, tc.arg)
	}
}

func TestDegreesAndTopConnected(t *testing.T) {
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		ctx := context.Background()
		deg, err := svc.Degrees(ctx, []string{"org/sjtu", "place/minhang", "org/lonely", "org/nope"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"org/sjtu": 5, "place/minhang": 5, "org/lonely": 0, "org/nope": 0}
		if fmt.Sprint(deg) != fmt.Sprint(want) {
			t.Errorf("Degrees = %v, want %v", deg, want)
		}
		top, err := svc.TopConnected(ctx, 4)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range top {
			got = append(got, fmt.Sprintf("%s:%d", r.Entity.ID, r.Degree))
		}
		if w := []string{"org/sjtu:5", "place/dalinghaowan:5", "place/minhang:5", "org/mh-stc:4"}; !slices.Equal(got, w) {
			t.Errorf("TopConnected = %v, want %v", got, w)
		}
		for _, first := range []int{0, 101} {
			_, err := svc.TopConnected(ctx, first)
			assertArgError(t, err, "first")
		}
	})
}

func TestIndicators(t *testing.T) {
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		ctx := context.Background()
		inds, err := svc.Indicators(ctx, IndicatorFilter{}, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, in := range inds {
			v := "nil"
			if in.Value != nil {
				v = fmt.Sprint(*in.Value)
			}
			got = append(got, strings.Join([]string{in.Entity.ID, v, in.Unit, in.Year, in.Change, in.Rank, in.Subject}, "|"))
		}
		want := []string{
			"ind/rd-spend|266.18|亿元|2024||全市第一|place/minhang",
			"ind/tech-contract|367.58|亿元|2024|同比增长9.06%||place/minhang",
		}
		if !slices.Equal(got, want) {
			t.Errorf("Indicators =\n%q\nwant\n%q", got, want)
		}
		one, err := svc.Indicators(ctx, IndicatorFilter{}, 1)
		if err != nil || len(one) != 1 || one[0].Entity.ID != "ind/rd-spend" {
			t.Errorf("Indicators(1) = %v, %v", one, err)
		}
		_, err = svc.Indicators(ctx, IndicatorFilter{}, 0)
		assertArgError(t, err, "first")
	})
}
