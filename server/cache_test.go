package server_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/server"
)

// cacheCount reads kg_response_cache_requests_total{result} from /metrics.
func cacheCount(t *testing.T, h http.Handler, result string) int {
	t.Helper()
	m := get(t, h, "/metrics")
	re := regexp.MustCompile(`(?m)^kg_response_cache_requests_total\{result="` + result + `"\} (\d+)`)
	sub := re.FindStringSubmatch(m.Body)
	if sub == nil {
		return 0
	}
	n, err := strconv.Atoi(sub[1])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// reads counts the store calls other than Generation (which the cache
// makes on every request).
func reads(cs *kgtest.CountingStore) int {
	n := 0
	for m, c := range cs.Reset() {
		if m != "Generation" {
			n += c
		}
	}
	return n
}

const entityQuery = `query E($id: ID!) { entity(id: $id) { name nameEn relations { totalCount nodes { from { name } to { name } } } } }`

// TestResponseCache: through the real handler, a repeated query is answered
// from the cache without reading the store; different variables, operation
// names or queries are different entries; a write through the API empties
// it; mutations, responses with errors and requests with an Authorization
// header are never served from it; it stays within its size;
// ResponseCacheBytes < 0 turns it off.
func TestResponseCache(t *testing.T) {
	const auth = "Authorization: Bearer tok"
	sjtu := map[string]any{"id": "org/sjtu"}

	t.Run("hit after miss", func(t *testing.T) {
		cs := kgtest.NewCountingStore(fixtureStore(t))
		h := newHandler(t, cs, server.Config{})
		first := post(t, h, entityQuery, sjtu)
		if first.Status != 200 || len(first.Errors) > 0 || reads(cs) == 0 {
			t.Fatalf("first: HTTP %d %s", first.Status, first.Body)
		}
		second := post(t, h, entityQuery, sjtu)
		if second.Body != first.Body || second.ContentType != first.ContentType {
			t.Fatalf("cached answer differs:\n%s %s\n%s %s", first.ContentType, first.Body, second.ContentType, second.Body)
		}
		if n := reads(cs); n != 0 {
			t.Errorf("a hit read the store %d times", n)
		}
		if hits, misses := cacheCount(t, h, "hit"), cacheCount(t, h, "miss"); hits != 1 || misses != 1 {
			t.Errorf("hits %d misses %d, want 1 and 1", hits, misses)
		}
		// Other variables, another operation name: other entries.
		other := post(t, h, entityQuery, map[string]any{"id": "org/ecnu"})
		if other.Body == first.Body || reads(cs) == 0 {
			t.Errorf("other variables answered from the cache: %s", other.Body)
		}
		post(t, h, `query Other($id: ID!) { entity(id: $id) { name } }`, sjtu)
		if reads(cs) == 0 {
			t.Error("another query answered from the cache")
		}
	})

	t.Run("a write invalidates", func(t *testing.T) {
		cs := kgtest.NewCountingStore(fixtureStore(t))
		h := newHandler(t, cs, server.Config{AdminToken: "tok"})
		const q = `{ entity(id: "org/ecnu") { nameEn } }`
		if r := post(t, h, q, nil); r.Status != 200 || len(r.Errors) > 0 {
			t.Fatalf("HTTP %d %s", r.Status, r.Body)
		}
		post(t, h, q, nil) // now cached
		w := post(t, h, `mutation { upsertEntity(input: {id: "org/ecnu", kind: INSTITUTION, name: "华东师范大学", nameEn: "ECNU (curated)"}) { nameEn } }`, nil, auth)
		if w.Status != 200 || len(w.Errors) > 0 {
			t.Fatalf("mutation: HTTP %d %s", w.Status, w.Body)
		}
		var d struct{ Entity struct{ NameEn string } }
		post(t, h, q, nil).decode(t, &d)
		if d.Entity.NameEn != "ECNU (curated)" {
			t.Errorf("after the write: nameEn %q, want the curated one (stale cache)", d.Entity.NameEn)
		}
	})

	t.Run("mutations are never cached", func(t *testing.T) {
		cs := kgtest.NewCountingStore(fixtureStore(t))
		h := newHandler(t, cs, server.Config{AdminToken: "tok"})
		const m = `mutation { upsertEntity(input: {id: "org/zizhu", kind: INSTITUTION, name: "紫竹高新区管委会"}) { id } }`
		for i := range 2 {
			if r := post(t, h, m, nil, auth); r.Status != 200 || len(r.Errors) > 0 {
				t.Fatalf("#%d: HTTP %d %s", i, r.Status, r.Body)
			}
		}
		var d struct{ AuditLog []struct{ Target string } }
		post(t, h, `{ auditLog { target } }`, nil, auth).decode(t, &d)
		if len(d.AuditLog) != 2 {
			t.Errorf("audit log has %d entries, want 2 (each mutation executed): %+v", len(d.AuditLog), d.AuditLog)
		}
	})

	t.Run("authorised requests bypass", func(t *testing.T) {
		// Nothing readable depends on the caller today, but an admin-only
		// read would: requests with an Authorization header neither use
		// nor fill the cache.
		cs := kgtest.NewCountingStore(fixtureStore(t))
		h := newHandler(t, cs, server.Config{AdminToken: "tok"})
		for i := range 2 {
			if r := post(t, h, entityQuery, sjtu, auth); r.Status != 200 || len(r.Errors) > 0 {
				t.Fatalf("#%d: HTTP %d %s", i, r.Status, r.Body)
			}
			if reads(cs) == 0 {
				t.Errorf("#%d: an authorised request was answered from the cache", i)
			}
		}
		post(t, h, entityQuery, sjtu)
		if reads(cs) == 0 {
			t.Error("an authorised request filled the cache")
		}
		if n := cacheCount(t, h, "bypass"); n != 2 {
			t.Errorf("bypass count %d, want 2", n)
		}
	})

	t.Run("errors are never cached", func(t *testing.T) {
		st := &flakyStats{Store: fixtureStore(t)}
		st.fail.Store(true)
		cs := kgtest.NewCountingStore(st)
		h := newHandler(t, cs, server.Config{})
		const q = `{ stats { entities } }`
		if r := post(t, h, q, nil); r.code() != server.CodeUnavailable {
			t.Fatalf("failing store: code %q body %s", r.code(), r.Body)
		}
		st.fail.Store(false)
		var d struct{ Stats struct{ Entities int } }
		post(t, h, q, nil).decode(t, &d)
		if d.Stats.Entities == 0 {
			t.Errorf("stats after the store recovered: %+v", d)
		}
		// A bad argument is an error too: executed each time.
		const bad = `{ entities(first: 5000) { totalCount } }`
		for i := range 2 {
			if r := post(t, h, bad, nil); r.code() != "BAD_USER_INPUT" {
				t.Fatalf("#%d: code %q", i, r.code())
			}
		}
		if n := cacheCount(t, h, "hit"); n != 0 {
			t.Errorf("%d hits, want none", n)
		}
	})

	t.Run("off", func(t *testing.T) {
		cs := kgtest.NewCountingStore(fixtureStore(t))
		h := newHandler(t, cs, server.Config{ResponseCacheBytes: -1})
		for i := range 2 {
			post(t, h, entityQuery, sjtu)
			if reads(cs) == 0 {
				t.Errorf("#%d: answered without reading the store", i)
			}
		}
	})

	t.Run("bounded", func(t *testing.T) {
		const limit = 64 << 10
		h := newHandler(t, fixtureStore(t), server.Config{ResponseCacheBytes: limit})
		for i := range 200 {
			if r := post(t, h, fmt.Sprintf(`query Q%d { entity(id: "org/sjtu") { name relations { nodes { id } } } }`, i), nil); len(r.Errors) > 0 {
				t.Fatal(r.Body)
			}
		}
		m := get(t, h, "/metrics")
		sub := regexp.MustCompile(`(?m)^kg_response_cache_bytes (\S+)$`).FindStringSubmatch(m.Body)
		if sub == nil {
			t.Fatal("/metrics lacks kg_response_cache_bytes")
		}
		if n, _ := strconv.ParseFloat(sub[1], 64); n <= 0 || n > limit {
			t.Errorf("cache holds %v bytes, want (0, %d]", n, limit)
		}
		if !regexp.MustCompile(`(?m)^kg_response_cache_evictions_total [1-9]`).MatchString(m.Body) {
			t.Error("no evictions after filling the cache past its size")
		}
	})
}

// flakyStats fails Stats with ErrUnavailable while fail is set.
type flakyStats struct {
	graph.Store
	fail atomic.Bool
}

func (s *flakyStats) Stats(ctx context.Context) (graph.Stats, error) {
	if s.fail.Load() {
		return graph.Stats{}, fmt.Errorf("stats: %w", graph.ErrUnavailable)
	}
	return s.Store.Stats(ctx)
}
