package resolvers_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/resolvers"
)

// entityReads records how many entities each Entities call asks for.
type entityReads struct {
	graph.Store
	mu    sync.Mutex
	sizes []int
}

func (s *entityReads) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	s.mu.Lock()
	s.sizes = append(s.sizes, len(ids))
	s.mu.Unlock()
	return s.Store.Entities(ctx, ids)
}

// TestRelationPageReadsOnlyItsEndpoints: an entity with many relations
// serving a small page reads the endpoints of that page, not of every
// relation (the request cost must not grow with the entity's degree).
func TestRelationPageReadsOnlyItsEndpoints(t *testing.T) {
	const spokes = 30
	facts := graph.DocumentFacts{Document: graph.Document{ID: "doc/t", Title: "测试"}}
	facts.Entities = append(facts.Entities, graph.Entity{ID: "org/hub", Kind: graph.KindInstitution, Name: "枢纽"})
	for i := range spokes {
		id := fmt.Sprintf("org/s%02d", i)
		facts.Entities = append(facts.Entities, graph.Entity{ID: id, Kind: graph.KindInstitution, Name: "机构" + id})
		facts.Relations = append(facts.Relations, graph.Relation{Subject: "org/hub", Predicate: "co_builds", Object: id,
			Evidence: []graph.Evidence{{Document: "doc/t", URL: "https://example.org", Note: id}}})
	}
	st := &entityReads{Store: kgtest.MemoryStore(t, nil)}
	if _, err := st.ReplaceDocument(t.Context(), facts); err != nil {
		t.Fatalf("load: %v", err)
	}
	res := resolvers.New(st, query.New(st, nil), slog.New(slog.DiscardHandler), resolvers.Options{})
	srv := handler.New(res.Schema())
	srv.AddTransport(transport.POST{})
	c := client.New(res.Middleware(srv))

	tests := []struct {
		name  string
		query string
		nodes int
	}{
		{"first page", `{ entity(id: "org/hub") { relations(first: 3) { totalCount nodes { from { id } to { id } } } } }`, 3},
		{"after a cursor", `{ entity(id: "org/hub") { relations(first: 2, after: "` + cursorAfter(t, c) + `") { totalCount nodes { from { id } to { id } } } } }`, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st.mu.Lock()
			st.sizes = nil
			st.mu.Unlock()
			var resp struct {
				Entity struct {
					Relations struct {
						TotalCount int
						Nodes      []struct{ From, To struct{ ID string } }
					}
				}
			}
			if err := c.Post(tc.query, &resp); err != nil {
				t.Fatalf("query: %v", err)
			}
			if got := resp.Entity.Relations; got.TotalCount != spokes || len(got.Nodes) != tc.nodes {
				t.Fatalf("totalCount %d, %d nodes; want %d, %d", got.TotalCount, len(got.Nodes), spokes, tc.nodes)
			}
			read := 0
			st.mu.Lock()
			for _, n := range st.sizes {
				read += n
			}
			st.mu.Unlock()
			// The entity itself, the hub and one spoke per relation of the page.
			if want := 1 + 1 + tc.nodes; read > want {
				t.Errorf("read %d entities (calls %v), want at most %d", read, st.sizes, want)
			}
		})
	}
}

// cursorAfter is the end cursor of the hub's first relation.
func cursorAfter(t *testing.T, c *client.Client) string {
	t.Helper()
	var resp struct {
		Entity struct {
			Relations struct{ PageInfo struct{ EndCursor string } }
		}
	}
	if err := c.Post(`{ entity(id: "org/hub") { relations(first: 1) { pageInfo { endCursor } } } }`, &resp); err != nil {
		t.Fatalf("cursor: %v", err)
	}
	return resp.Entity.Relations.PageInfo.EndCursor
}
