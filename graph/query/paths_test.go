package query

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

func pathStrings(ps []Path) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = strings.Join(p.Nodes, " ")
	}
	return out
}

func TestPaths(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		maxHops  int
		first    int
		want     []string
	}{
		{"two equal-length paths, lexicographic", "org/sjtu", "co/chain-x", 6, 10, []string{
			"org/sjtu lab/ai-lab place/minhang co/chain-x",
			"org/sjtu place/dalinghaowan place/minhang co/chain-x",
		}},
		{"reverse direction", "co/chain-x", "org/sjtu", 6, 10, []string{
			"co/chain-x place/minhang lab/ai-lab org/sjtu",
			"co/chain-x place/minhang place/dalinghaowan org/sjtu",
		}},
		{"first cuts", "org/sjtu", "co/chain-x", 6, 1, []string{"org/sjtu lab/ai-lab place/minhang co/chain-x"}},
		{"exactly maxHops", "org/sjtu", "co/chain-x", 3, 10, []string{
			"org/sjtu lab/ai-lab place/minhang co/chain-x",
			"org/sjtu place/dalinghaowan place/minhang co/chain-x",
		}},
		{"none within maxHops", "org/sjtu", "co/chain-x", 2, 10, []string{}},
		{"direct relation is shortest", "org/sjtu", "org/ecnu", 6, 10, []string{"org/sjtu org/ecnu"}},
		{"no direct relation, against relation direction", "co/comac", "policy/dlhw-plan", 6, 10,
			[]string{"co/comac org/mh-stc policy/dlhw-plan"}},
		{"disconnected parts", "org/sjtu", "co/island-a", 6, 10, []string{}},
		{"isolated entity", "org/lonely", "org/sjtu", 6, 10, []string{}},
		{"same entity", "org/sjtu", "org/sjtu", 1, 10, []string{"org/sjtu"}},
	}
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				ps, err := svc.Paths(context.Background(), tc.from, tc.to, tc.maxHops, tc.first, graph.Span{})
				if err != nil {
					t.Fatal(err)
				}
				if ps == nil {
					t.Fatal("nil, want empty slice")
				}
				if got := pathStrings(ps); !slices.Equal(got, tc.want) {
					t.Fatalf("Paths(%s, %s, %d) =\n%q\nwant\n%q", tc.from, tc.to, tc.maxHops, got, tc.want)
				}
				for _, p := range ps {
					checkPath(t, p)
				}
			})
		}
	})
}

// checkPath checks that every hop is a stored relation, with evidence,
// between the two nodes it links.
func checkPath(t *testing.T, p Path) {
	t.Helper()
	if len(p.Relations) != len(p.Nodes)-1 {
		t.Fatalf("%d relations for %d nodes", len(p.Relations), len(p.Nodes))
	}
	for i, r := range p.Relations {
		u, v := p.Nodes[i], p.Nodes[i+1]
		if !(r.Subject == u && r.Object == v || r.Subject == v && r.Object == u) {
			t.Errorf("hop %d %s–%s rests on %s %s %s", i, u, v, r.Subject, r.Predicate, r.Object)
		}
		if r.Inferred || len(r.Evidence) == 0 {
			t.Errorf("hop %d relation %s: inferred %v, %d evidence", i, r.ID, r.Inferred, len(r.Evidence))
		}
	}
}

// oraclePaths lists every shortest path up to maxHops the slow way: a
// plain BFS from from over the whole adjacency, then every walk down the
// distance layers, sorted.
func oraclePaths(adj map[string][]string, from, to string, maxHops int) []string {
	dist := map[string]int{from: 0}
	queue := []string{from}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range adj[u] {
			if _, ok := dist[v]; !ok {
				dist[v] = dist[u] + 1
				queue = append(queue, v)
			}
		}
	}
	d, ok := dist[to]
	if !ok || d > maxHops {
		return []string{}
	}
	var out []string
	var walk func(path []string)
	walk = func(path []string) {
		u := path[len(path)-1]
		if u == to {
			out = append(out, strings.Join(path, " "))
			return
		}
		for _, v := range adj[u] {
			if dist[v] == len(path) && !slices.Contains(path, v) {
				walk(append(slices.Clone(path), v))
			}
		}
	}
	walk([]string{from})
	// Keep the walks that end at to after exactly d hops.
	out = slices.DeleteFunc(out, func(s string) bool { return len(strings.Fields(s)) != d+1 })
	slices.Sort(out)
	return out
}

func adjacency(t *testing.T, st graph.Store) (map[string][]string, []string) {
	t.Helper()
	adj := map[string][]string{}
	err := st.ScanRelations(context.Background(), func(r *graph.Relation) bool {
		adj[r.Subject] = append(adj[r.Subject], r.Object)
		adj[r.Object] = append(adj[r.Object], r.Subject)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	err = st.ScanEntities(context.Background(), nil, "", func(e *graph.Entity) bool {
		ids = append(ids, e.ID)
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range adj {
		slices.Sort(vs)
		adj[k] = slices.Compact(vs)
	}
	return adj, ids
}

// TestPathsMatchOracle compares every pair of entities of the fixture, at
// every maxHops, with the slow oracle.
func TestPathsMatchOracle(t *testing.T) {
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		adj, ids := adjacency(t, st)
		for _, from := range ids {
			for _, to := range ids {
				if from == to {
					continue
				}
				for _, hops := range []int{1, 2, 3, 6} {
					ps, err := svc.Paths(context.Background(), from, to, hops, MaxFirst, graph.Span{})
					if err != nil {
						t.Fatal(err)
					}
					got, want := pathStrings(ps), oraclePaths(adj, from, to, hops)
					if !slices.Equal(got, want) {
						t.Errorf("Paths(%s, %s, %d) =\n%q\nwant\n%q", from, to, hops, got, want)
					}
				}
			}
		}
	})
}

func TestPathsErrors(t *testing.T) {
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		ctx := context.Background()
		for _, tc := range []struct{ from, to string }{{"org/nope", "org/sjtu"}, {"org/sjtu", "org/nope"}} {
			if _, err := svc.Paths(ctx, tc.from, tc.to, 3, 10, graph.Span{}); !errors.Is(err, graph.ErrNotFound) {
				t.Errorf("Paths(%s, %s): err = %v, want ErrNotFound", tc.from, tc.to, err)
			}
		}
		args := []struct {
			from, to       string
			maxHops, first int
			arg            string
		}{
			{"org/sjtu", "org/ecnu", 0, 10, "maxHops"},
			{"org/sjtu", "org/ecnu", 7, 10, "maxHops"},
			{"org/sjtu", "org/ecnu", 3, 0, "first"},
			{"org/sjtu", "org/ecnu", 3, 101, "first"},
			{"", "org/ecnu", 3, 10, "from"},
			{"org/sjtu", "", 3, 10, "to"},
		}
		for _, tc := range args {
			t.Run(fmt.Sprintf("%s/%d/%d", tc.arg, tc.maxHops, tc.first), func(t *testing.T) {
				_, err := svc.Paths(ctx, tc.from, tc.to, tc.maxHops, tc.first, graph.Span{})
				assertArgError(t, err, tc.arg)
			})
		}
	})
}
