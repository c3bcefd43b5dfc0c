package query

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

// TestCacheFollowsGeneration writes through the store and checks that the
// next call sees the change, and that calls without a change reuse the index.
func TestCacheFollowsGeneration(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			st := kgtest.NewCountingStore(b.open(t, fixtureFacts()))
			svc := New(st, kgtest.Logger(t))

			search := func(text string) []string {
				t.Helper()
				hits, err := svc.Search(ctx, text, nil, 10)
				if err != nil {
					t.Fatal(err)
				}
				return hitIDs(hits)
			}
			partners := func(id string) []string {
				t.Helper()
				ps, err := svc.Partners(ctx, id, 10, graph.Span{})
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, p := range ps {
					out = append(out, fmt.Sprintf("%s:%d", p.B, p.Strength))
				}
				return out
			}

			if got := search("新型研发机构"); len(got) != 0 {
				t.Fatalf("before the write: %v", got)
			}
			search("交大")
			partners("org/ecnu")
			if n := svc.builds.Load(); n != 1 {
				t.Fatalf("%d builds without a change, want 1", n)
			}
			if c := st.Reset(); c["ScanEntities"] != 1 || c["ScanRelations"] != 1 || c["Generation"] != 3+1 {
				t.Fatalf("store calls %v, want one scan of each and a generation check per call (and one for the build)", c)
			}

			// Another writer adds an entity that co-builds the zone.
			_, err := st.PutFacts(ctx, graph.DocumentFacts{
				Document: graph.Document{ID: fixtureDoc},
				Entities: []graph.Entity{{ID: "lab/new", Kind: graph.KindLab, Name: "新型研发机构", Evidence: evOther}},
				Relations: []graph.Relation{
					{Subject: "lab/new", Predicate: "co_builds", Object: "place/dalinghaowan", Evidence: evOther},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := search("新型研发机构"); !slices.Equal(got, []string{"lab/new"}) {
				t.Fatalf("after the write: %v", got)
			}
			if got, want := partners("org/ecnu"), []string{"org/sjtu:2", "lab/new:1", "org/mh-stc:1"}; !slices.Equal(got, want) {
				t.Fatalf("partners after the write = %v, want %v", got, want)
			}
			deg, err := svc.Degrees(ctx, []string{"place/dalinghaowan"})
			if err != nil || deg["place/dalinghaowan"] != 6 {
				t.Fatalf("degree after the write = %v, %v", deg, err)
			}
			if n := svc.builds.Load(); n != 2 {
				t.Fatalf("%d builds after one write, want 2", n)
			}

			// Removing the relation removes the partnership.
			rels, err := st.RelationsOf(ctx, []string{"lab/new"}, graph.RelationFilter{})
			if err != nil || len(rels["lab/new"]) != 1 {
				t.Fatalf("relations of lab/new: %v, %v", rels, err)
			}
			if _, err := st.DeleteRelation(ctx, rels["lab/new"][0].ID); err != nil {
				t.Fatal(err)
			}
			if got, want := partners("org/ecnu"), []string{"org/sjtu:2", "org/mh-stc:1"}; !slices.Equal(got, want) {
				t.Fatalf("partners after the delete = %v, want %v", got, want)
			}
		})
	}
}

// slowScanStore makes index builds take a while, so that concurrent callers
// pile up behind one.
type slowScanStore struct{ graph.Store }

func (s slowScanStore) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	time.Sleep(30 * time.Millisecond)
	return s.Store.ScanEntities(ctx, kinds, after, fn)
}

// TestConcurrentCallsBuildOnce runs many calls at once (run with -race):
// one build per generation, however many callers wait for it.
func TestConcurrentCallsBuildOnce(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			inner := b.open(t, fixtureFacts())
			svc := New(slowScanStore{inner}, kgtest.Logger(t))
			for round := 1; round <= 3; round++ {
				var wg sync.WaitGroup
				errs := make(chan error, 64)
				for i := range 16 {
					wg.Go(func() {
						var err error
						switch i % 4 {
						case 0:
							_, err = svc.Search(ctx, "交大", nil, 5)
						case 1:
							_, err = svc.Partners(ctx, "org/sjtu", 5, graph.Span{})
						case 2:
							_, err = svc.Subgraph(ctx, []string{"org/sjtu"}, 2, nil, 50, graph.Span{})
						case 3:
							_, err = svc.Partnerships(ctx, nil, 5, "", graph.Span{})
						}
						errs <- err
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					if err != nil {
						t.Fatal(err)
					}
				}
				if n := svc.builds.Load(); n != int64(round) {
					t.Fatalf("round %d: %d builds, want %d", round, n, round)
				}
				_, err := inner.PutFacts(ctx, graph.DocumentFacts{
					Document: graph.Document{ID: fixtureDoc},
					Entities: []graph.Entity{{ID: fmt.Sprintf("co/new-%d", round), Kind: graph.KindCompany, Name: fmt.Sprintf("新公司%d", round), Evidence: evOther}},
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// gatedStore holds the next entity scan until release is closed, and
// says on scanning when one has begun.
type gatedStore struct {
	graph.Store
	scanning chan struct{}
	release  chan struct{}
	once     sync.Once
	// running and most count concurrent scans.
	mu            sync.Mutex
	running, most int
}

func (g *gatedStore) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	g.mu.Lock()
	g.running++
	g.most = max(g.most, g.running)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.running--
		g.mu.Unlock()
	}()
	gated := false
	g.once.Do(func() { gated = true })
	if gated {
		close(g.scanning)
		<-g.release
	}
	return g.Store.ScanEntities(ctx, kinds, after, fn)
}

// TestCallDuringBuildSeesEarlierWrites: a call that starts while a build is
// running, after a write, does not get that build's (older) snapshot; it
// waits for the next build, which starts only when the first is done.
func TestCallDuringBuildSeesEarlierWrites(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			inner := b.open(t, fixtureFacts())
			gs := &gatedStore{Store: inner, scanning: make(chan struct{}), release: make(chan struct{})}
			svc := New(gs, kgtest.Logger(t))

			first := make(chan error, 1)
			go func() {
				_, err := svc.Search(ctx, "交大", nil, 5)
				first <- err
			}()
			<-gs.scanning // the first build has read the generation and is scanning
			_, err := inner.PutFacts(ctx, graph.DocumentFacts{
				Document: graph.Document{ID: fixtureDoc},
				Entities: []graph.Entity{{ID: "lab/late", Kind: graph.KindLab, Name: "晚到实验室", Evidence: evOther}},
			})
			if err != nil {
				t.Fatal(err)
			}
			second := make(chan []SearchHit, 1)
			go func() {
				hits, err := svc.Search(ctx, "晚到实验室", nil, 5)
				if err != nil {
					t.Error(err)
				}
				second <- hits
			}()
			close(gs.release)
			if err := <-first; err != nil {
				t.Fatal(err)
			}
			if got := hitIDs(<-second); !slices.Equal(got, []string{"lab/late"}) {
				t.Fatalf("search after the write, during the older build = %v, want [lab/late]", got)
			}
			if n := svc.builds.Load(); n != 2 {
				t.Errorf("%d builds, want 2", n)
			}
			gs.mu.Lock()
			defer gs.mu.Unlock()
			if gs.most != 1 {
				t.Errorf("%d builds ran at once, want 1", gs.most)
			}
		})
	}
}

// TestCancelledCallerDoesNotFailOthers: a caller whose ctx is cancelled
// gets its ctx error; the build goes on for the next caller.
func TestCancelledCaller(t *testing.T) {
	svc := New(slowScanStore{func() graph.Store {
		st := emptyStore()
		if _, err := st.ReplaceDocument(context.Background(), fixtureFacts()); err != nil {
			t.Fatal(err)
		}
		return st
	}()}, kgtest.Logger(t))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := svc.Search(ctx, "交大", nil, 5); err == nil {
		t.Fatal("cancelled call succeeded")
	}
	hits, err := svc.Search(context.Background(), "交大", nil, 5)
	if err != nil || len(hits) == 0 {
		t.Fatalf("next call: %v, %v", hits, err)
	}
}

// scaleFacts is a graph whose answers grow with w while the work per
// request should not need more store calls: a source s, three layers of w
// nodes each fully linked to the next, a target t; the first layer
// co-builds one zone and co-hosts one event.
func scaleFacts(w int) graph.DocumentFacts {
	f := graph.DocumentFacts{Document: graph.Document{ID: fixtureDoc}}
	add := func(id string, k graph.Kind) {
		f.Entities = append(f.Entities, graph.Entity{ID: id, Kind: k, Name: "实体" + id, Evidence: evOther})
	}
	rel := func(s, p, o string) {
		f.Relations = append(f.Relations, graph.Relation{Subject: s, Predicate: p, Object: o, Evidence: evOther})
	}
	add("x/s", graph.KindInstitution)
	add("x/t", graph.KindInstitution)
	add("place/zone", graph.KindPlace)
	add("event/e", graph.KindEvent)
	node := func(layer, i int) string { return fmt.Sprintf("x/l%d-%03d", layer, i) }
	for layer := range 3 {
		for i := range w {
			add(node(layer, i), graph.KindCompany)
		}
	}
	for i := range w {
		rel("x/s", "supports", node(0, i))
		rel(node(2, i), "supports", "x/t")
		rel(node(0, i), "co_builds", "place/zone")
		rel(node(0, i), "co_hosts", "event/e")
		for layer := range 2 {
			for j := range w {
				rel(node(layer, i), "supports", node(layer+1, j))
			}
		}
	}
	return f
}

// TestStoreCallsBounded proves that Partners, Partnerships, Paths, Subgraph
// and Search make the same, small number of store calls on a small and on a
// large graph (after the index is built).
func TestStoreCallsBounded(t *testing.T) {
	type call struct {
		name string
		max  map[string]int // the most calls of each method allowed
		run  func(ctx context.Context, svc *Service) (int, error)
	}
	calls := []call{
		{"Partners", map[string]int{"Generation": 1, "Relations": 1},
			func(ctx context.Context, svc *Service) (int, error) {
				ps, err := svc.Partners(ctx, "x/l0-000", 100, graph.Span{})
				return len(ps), err
			}},
		{"Partnerships", map[string]int{"Generation": 1, "Relations": 1},
			func(ctx context.Context, svc *Service) (int, error) {
				p, err := svc.Partnerships(ctx, []graph.Kind{graph.KindCompany}, 100, "", graph.Span{})
				return len(p.Items), err
			}},
		{"Paths", map[string]int{"Entities": 1, "Neighbors": 4, "RelationsOf": 1},
			func(ctx context.Context, svc *Service) (int, error) {
				ps, err := svc.Paths(ctx, "x/s", "x/t", 6, 100, graph.Span{})
				return len(ps), err
			}},
		{"Subgraph", map[string]int{"Generation": 1, "Neighbors": 3, "Entities": 1, "RelationsOf": 1},
			func(ctx context.Context, svc *Service) (int, error) {
				sg, err := svc.Subgraph(ctx, []string{"x/s"}, 3, nil, 2000, graph.Span{})
				return len(sg.Nodes), err
			}},
		{"Search", map[string]int{"Generation": 1, "Entities": 1},
			func(ctx context.Context, svc *Service) (int, error) {
				hits, err := svc.Search(ctx, "实体", nil, 100)
				return len(hits), err
			}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			counts := map[int]map[string]map[string]int{}
			sizes := map[int]map[string]int{}
			for _, w := range []int{2, 12} {
				st := kgtest.NewCountingStore(b.open(t, scaleFacts(w)))
				svc := New(st, kgtest.Logger(t))
				if _, err := svc.Degrees(ctx, nil); err != nil { // builds the index
					t.Fatal(err)
				}
				counts[w], sizes[w] = map[string]map[string]int{}, map[string]int{}
				for _, c := range calls {
					st.Reset()
					n, err := c.run(ctx, svc)
					if err != nil {
						t.Fatalf("%s: %v", c.name, err)
					}
					got := st.Reset()
					counts[w][c.name], sizes[w][c.name] = got, n
					for m, k := range got {
						if k > c.max[m] {
							t.Errorf("w=%d %s: %d calls to %s, want at most %d (all: %v)", w, c.name, k, m, c.max[m], got)
						}
					}
				}
			}
			for _, c := range calls {
				if sizes[12][c.name] <= sizes[2][c.name] {
					t.Errorf("%s: result does not grow with the graph (%d vs %d): the test proves nothing", c.name, sizes[2][c.name], sizes[12][c.name])
				}
				if !maps.Equal(counts[2][c.name], counts[12][c.name]) {
					t.Errorf("%s: store calls depend on graph size: %v vs %v", c.name, counts[2][c.name], counts[12][c.name])
				}
			}
		})
	}
}

// TestPathsRandomGraphsMatchOracle compares Paths with the oracle on random
// graphs, where many equal-length paths and odd meeting points occur.
func TestPathsRandomGraphsMatchOracle(t *testing.T) {
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 42))
		f := graph.DocumentFacts{Document: graph.Document{ID: fixtureDoc}}
		const n = 30
		for i := range n {
			f.Entities = append(f.Entities, graph.Entity{ID: fmt.Sprintf("x/%02d", i), Kind: graph.KindCompany, Name: fmt.Sprint("公司", i), Evidence: evOther})
		}
		seen := map[[2]int]bool{}
		for range 45 {
			a, b := rng.IntN(n), rng.IntN(n)
			if a == b || seen[[2]int{a, b}] {
				continue
			}
			seen[[2]int{a, b}] = true
			f.Relations = append(f.Relations, graph.Relation{Subject: fmt.Sprintf("x/%02d", a), Predicate: "supports", Object: fmt.Sprintf("x/%02d", b), Evidence: evOther})
		}
		for _, b := range backends {
			if b.name == "bbolt" && seed > 0 {
				continue // slow; one graph is enough to check the disk backend
			}
			t.Run(fmt.Sprintf("%s/seed%d", b.name, seed), func(t *testing.T) {
				st := b.open(t, f)
				svc := New(st, kgtest.Logger(t))
				adj, ids := adjacency(t, st)
				for _, from := range ids {
					for _, to := range ids {
						if from == to {
							continue
						}
						for _, hops := range []int{2, 4, 6} {
							ps, err := svc.Paths(context.Background(), from, to, hops, MaxFirst, graph.Span{})
							if err != nil {
								t.Fatal(err)
							}
							want := oraclePaths(adj, from, to, hops)
							if len(want) > MaxFirst {
								want = want[:MaxFirst]
							}
							if got := pathStrings(ps); !slices.Equal(got, want) {
								t.Fatalf("Paths(%s, %s, %d) =\n%q\nwant\n%q", from, to, hops, got, want)
							}
						}
					}
				}
			})
		}
	}
}

// TestWarm: after Warm the first requests find the derived data built for
// the current generation (no build of their own), and Warm after a write
// builds the next one.
func TestWarm(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			st := kgtest.NewCountingStore(b.open(t, fixtureFacts()))
			svc := New(st, kgtest.Logger(t))
			if err := svc.Warm(ctx); err != nil {
				t.Fatal(err)
			}
			if n := svc.builds.Load(); n != 1 {
				t.Fatalf("%d builds after Warm, want 1", n)
			}
			if _, err := svc.TopConnected(ctx, 3); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Search(ctx, "交大", nil, 5); err != nil {
				t.Fatal(err)
			}
			if n := svc.builds.Load(); n != 1 {
				t.Fatalf("%d builds after Warm and two requests, want 1", n)
			}
			if _, err := st.PutFacts(ctx, graph.DocumentFacts{
				Document: graph.Document{ID: fixtureDoc},
				Entities: []graph.Entity{{ID: "lab/warm", Kind: graph.KindLab, Name: "预热实验室", Evidence: evOther}},
			}); err != nil {
				t.Fatal(err)
			}
			if err := svc.Warm(ctx); err != nil {
				t.Fatal(err)
			}
			if n := svc.builds.Load(); n != 2 {
				t.Fatalf("%d builds after a write and Warm, want 2", n)
			}
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := svc.Warm(cctx); err == nil {
				t.Error("Warm with a cancelled ctx returned nil")
			}
		})
	}
}
