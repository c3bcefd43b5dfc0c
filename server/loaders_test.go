package server_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/server"
)

// companies stores n companies, each co-building the zone with the fixture's
// institutions, so each has relations and partners.
func companies(t testing.TB, st graph.Store, n int) {
	t.Helper()
	facts := graph.DocumentFacts{Document: graph.Document{ID: "doc/companies", Title: "companies", Text: testText}}
	for i := range n {
		id := fmt.Sprintf("co/c%03d", i)
		e := ev(t, qCoBuild)
		e.Document = facts.Document.ID
		facts.Entities = append(facts.Entities, graph.Entity{ID: id, Kind: graph.KindCompany, Name: fmt.Sprintf("企业%03d", i), NameEn: fmt.Sprintf("Company %d", i)})
		facts.Relations = append(facts.Relations, graph.Relation{Subject: id, Predicate: "co_builds", Object: "place/dalinghaowan", Evidence: []graph.Evidence{e}})
	}
	if _, err := st.ReplaceDocument(t.Context(), facts); err != nil {
		t.Fatal(err)
	}
}

// TestLoadersBoundStoreCalls: a query for N entities with their relations
// (and both ends of each), degrees and partners makes a small number of
// store calls that does not grow with N: about 6 (one per loader batch and
// per root resolver) for N = 10 and N = 100, where one call per entity would
// make hundreds. The bound leaves room for a batch split by a slow scheduler
// (e.g. under -race on a busy machine).
func TestLoadersBoundStoreCalls(t *testing.T) {
	const q = `query($n: Int!) {
  entities(kind: COMPANY, first: $n) {
    nodes {
      id name degree
      relations(first: 5) { totalCount nodes { id from { id name } to { id name } } }
      partners(first: 3) { strength partner { id name } via { id } }
    }
  }
}`
	totals := map[int]int{}
	for _, n := range []int{10, 100} {
		st := fixtureStore(t)
		companies(t, st, n)
		cs := kgtest.NewCountingStore(st)
		// A wide batching window: the test must not depend on scheduling.
		h := newHandler(t, cs, server.Config{LoaderWait: 250 * time.Millisecond})
		// Warm the query service's index (built once per graph generation).
		post(t, h, `{ stats { topConnected(first: 1) { degree } } }`, nil)
		cs.Reset()

		r := post(t, h, q, map[string]any{"n": n})
		var d struct {
			Entities struct {
				Nodes []struct {
					ID        string
					Degree    int
					Relations struct{ TotalCount int }
					Partners  []struct{ Partner struct{ ID string } }
				}
			}
		}
		r.decode(t, &d)
		if len(d.Entities.Nodes) != n {
			t.Fatalf("n=%d: got %d entities", n, len(d.Entities.Nodes))
		}
		for _, e := range d.Entities.Nodes {
			if e.Degree != 1 || e.Relations.TotalCount != 1 || len(e.Partners) != 3 {
				t.Fatalf("n=%d: %+v", n, e)
			}
		}
		calls := cs.Reset()
		total := 0
		for m, c := range calls {
			total += c
			// One call per loader batch and per resolver, never per entity.
			if c > 4 {
				t.Errorf("n=%d: %s called %d times: %v", n, m, c, calls)
			}
		}
		totals[n] = total
		t.Logf("n=%d: %d store calls %v", n, total, calls)
	}
	for n, total := range totals {
		if total > 16 {
			t.Errorf("n=%d: %d store calls, want a bound independent of n: %v", n, total, totals)
		}
	}
}

// faultyStore fails or panics on Stats.
type faultyStore struct {
	graph.Store
	err   error
	panic bool
}

func (s faultyStore) Stats(ctx context.Context) (graph.Stats, error) {
	if s.panic {
		panic("boom: internal detail pq://user:hunter2@db")
	}
	return graph.Stats{}, s.err
}

// TestErrorsDoNotLeak: unknown errors and panics come back as "internal
// error" with a request ID and the INTERNAL code; store outages as
// UNAVAILABLE; the details only go to the log.
func TestErrorsDoNotLeak(t *testing.T) {
	st := fixtureStore(t)
	tests := []struct {
		name     string
		store    graph.Store
		wantCode string
	}{
		{"unknown error", faultyStore{Store: st, err: errors.New("pq: password authentication failed for hunter2")}, server.CodeInternal},
		{"panic", faultyStore{Store: st, panic: true}, server.CodeInternal},
		{"store unavailable", faultyStore{Store: st, err: fmt.Errorf("dial hunter2: %w", graph.ErrUnavailable)}, server.CodeUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var logs strings.Builder
			h, err := server.New(tc.store, server.Config{}, slog.New(slog.NewTextHandler(&logs, nil)))
			if err != nil {
				t.Fatal(err)
			}
			r := post(t, h, `{ stats { entities } }`, nil, "X-Request-ID: req-leak-1")
			if r.code() != tc.wantCode || strings.Contains(r.Body, "hunter2") {
				t.Fatalf("code %q body %s", r.code(), r.Body)
			}
			if r.Errors[0].Extensions["requestId"] != "req-leak-1" || !strings.Contains(r.Errors[0].Message, "req-leak-1") {
				t.Errorf("error lacks the request ID: %s", r.Body)
			}
			if !strings.Contains(logs.String(), "hunter2") || !strings.Contains(logs.String(), "req-leak-1") {
				t.Errorf("the log lacks the detail and request ID:\n%s", logs.String())
			}
		})
	}
}

// TestConcurrentRequests runs queries and curation writes in parallel
// through one handler (run with -race): loaders, metrics, the rate limiter
// and the query service's cache are shared safely.
func TestConcurrentRequests(t *testing.T) {
	st := fixtureStore(t)
	h := newHandler(t, st, server.Config{AdminToken: "tok", RateLimit: 1e6, RateBurst: 1e6})
	queries := []string{
		`{ entity(id: "org/sjtu") { name degree relations { nodes { from { name } to { name } } } partners { partner { name } } } }`,
		`{ search(text: "交大") { entity { id } } }`,
		`{ paths(from: "org/mh-stc", to: "org/ecnu") { length } }`,
		`{ subgraph(ids: ["place/dalinghaowan"]) { nodes { id degree } } stats { entities } }`,
	}
	var wg sync.WaitGroup
	errs := make(chan string, 100)
	for g := range 8 {
		wg.Go(func() {
			for i := range 10 {
				var r gqlResponse
				if g == 0 {
					r = post(t, h, `mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`,
						map[string]any{"in": map[string]any{"id": fmt.Sprintf("org/curated-%d", i), "kind": "INSTITUTION", "name": fmt.Sprintf("机构%d", i)}},
						"Authorization: Bearer tok")
				} else {
					r = post(t, h, queries[(g+i)%len(queries)], nil)
				}
				if r.Status != 200 || len(r.Errors) > 0 {
					errs <- r.Body
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestBatchesDoNotWaitForLoaders: a batch resolver whose batch holds every
// parent at its place in the response (the root entity's relations, the
// endpoints of one page of relations, one list of partners…) reads the
// store at once instead of waiting for the loader window, so with a window
// of an hour these queries still answer, each with a few store calls.
// (Batches nested in another list, e.g. the endpoints of the relations of
// each path, still wait for the window to merge: TestLoadersBoundStoreCalls.)
// The guard of a minute only turns a hang into a failure; it measures
// nothing.
func TestBatchesDoNotWaitForLoaders(t *testing.T) {
	tests := []struct {
		name, query string
		maxCalls    int
	}{
		{"entity with relations", `{ entity(id: "org/sjtu") { name degree
			relations { totalCount nodes { from { name } to { name } } }
			partners { partner { name } a { name } via { name } } } }`, 12},
		{"relation", `{ relation(id: "rel/x") { id } }`, 1},
		{"entities page", `{ entities(first: 10) { nodes { id degree relations(first: 2) { totalCount } partners(first: 1) { strength } } } }`, 10},
		{"partners", `{ partners(id: "org/sjtu") { partner { name } a { name } b { name } via { name } } }`, 8},
		{"paths", `{ paths(from: "org/mh-stc", to: "org/ecnu") { length nodes { name } relations { id } } }`, 10},
		{"indicators", `{ indicators { name subject { name } } }`, 8},
	}
	st := fixtureStore(t)
	cs := kgtest.NewCountingStore(st)
	h := newHandler(t, cs, server.Config{LoaderWait: time.Hour})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cs.Reset()
			done := make(chan gqlResponse, 1)
			go func() { done <- post(t, h, tc.query, nil) }()
			var r gqlResponse
			select {
			case r = <-done:
			case <-time.After(time.Minute):
				t.Fatal("no answer after a minute: a resolver waits for the (one-hour) loader window")
			}
			if r.Status != 200 || len(r.Errors) > 0 {
				t.Fatalf("HTTP %d: %s", r.Status, r.Body)
			}
			calls := cs.Reset()
			delete(calls, "Generation") // the response cache's and query service's checks
			total := 0
			for _, c := range calls {
				total += c
			}
			if total > tc.maxCalls {
				t.Errorf("%d store calls, want at most %d: %v", total, tc.maxCalls, calls)
			}
		})
	}
}

// unreadableStore fails every Generation call.
type unreadableStore struct{ graph.Store }

func (unreadableStore) Generation(context.Context) (int64, error) {
	return 0, fmt.Errorf("dial db: %w", graph.ErrUnavailable)
}

// TestAppWarm: Warm builds the query data from the store, and reports a
// store that cannot be read.
func TestAppWarm(t *testing.T) {
	tests := []struct {
		name    string
		store   graph.Store
		wantErr error
	}{
		{"readable store", fixtureStore(t), nil},
		{"unreadable store", unreadableStore{fixtureStore(t)}, graph.ErrUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			app, err := server.New(tc.store, server.Config{}, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			err = app.Warm(t.Context())
			if tc.wantErr == nil && err != nil {
				t.Fatalf("Warm: %v", err)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Fatalf("Warm: %v, want %v", err, tc.wantErr)
			}
		})
	}
}
