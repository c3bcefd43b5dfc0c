package server

import (
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"strings"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/minhang-kg/kg/graph"
)

// responseCache keeps the response bodies of successful read-only GraphQL
// requests, keyed by what determines them: the query text, operation name,
// variables and response media type, at one generation of the graph. Any
// write changes the store's generation, and the first request that sees
// the new generation empties the cache. It holds at most maxBytes of keys
// and bodies, dropping the least recently used.
//
// What is never stored: mutations, responses with errors (including
// timeouts and cancellations), requests that carry an Authorization header
// (the admin-only fields answer differently with the token), and bodies
// larger than a sixteenth of the cache.
type responseCache struct {
	store    graph.Store
	maxBytes int64
	m        *metrics

	mu      sync.Mutex
	gen     int64
	bytes   int64
	lru     *list.List // of *cacheEntry, most recently used first
	entries map[cacheKey]*list.Element
}

type cacheKey [sha256.Size]byte

type cacheEntry struct {
	key       cacheKey
	body      []byte
	mediaType string
	opName    string // for the operation metrics of hits
}

// cacheEntryOverhead approximates the memory an entry costs beyond its body.
const cacheEntryOverhead = 200

func newResponseCache(store graph.Store, maxBytes int64, m *metrics) *responseCache {
	if maxBytes <= 0 {
		return nil
	}
	return &responseCache{store: store, maxBytes: maxBytes, m: m, lru: list.New(), entries: map[cacheKey]*list.Element{}}
}

// cacheLookup is what execute needs to answer from, or fill, the cache.
type cacheLookup struct {
	c   *responseCache
	key cacheKey
	gen int64
}

// lookup returns the cached entry for the request (nil on a miss) and, when
// the request may be cached, the lookup to pass to put. A nil cache, a
// request with an Authorization header or a store that cannot tell its
// generation bypass the cache (ok false).
func (c *responseCache) lookup(ctx context.Context, r *http.Request, params *graphql.RawParams, mediaType string) (hit *cacheEntry, l cacheLookup, ok bool) {
	if c == nil {
		return nil, l, false
	}
	if r.Header.Get("Authorization") != "" {
		c.m.cacheRequests.WithLabelValues("bypass").Inc()
		return nil, l, false
	}
	key, err := requestKey(params, mediaType)
	if err != nil {
		c.m.cacheRequests.WithLabelValues("bypass").Inc()
		return nil, l, false
	}
	gen, err := c.store.Generation(ctx)
	if err != nil {
		c.m.cacheRequests.WithLabelValues("bypass").Inc()
		return nil, l, false
	}
	c.mu.Lock()
	c.setGeneration(gen)
	el, found := c.entries[key]
	if found {
		c.lru.MoveToFront(el)
		hit = el.Value.(*cacheEntry)
	}
	c.mu.Unlock()
	if found {
		c.m.cacheRequests.WithLabelValues("hit").Inc()
	} else {
		c.m.cacheRequests.WithLabelValues("miss").Inc()
	}
	return hit, cacheLookup{c: c, key: key, gen: gen}, true
}

// put stores the body of a successful query answered at l.gen, unless the
// graph changed meanwhile.
func (l cacheLookup) put(ctx context.Context, body []byte, mediaType, opName string) {
	c := l.c
	size := int64(len(body)) + cacheEntryOverhead
	if size > c.maxBytes/16 {
		return
	}
	if gen, err := c.store.Generation(ctx); err != nil || gen != l.gen {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != l.gen {
		return // a request has seen a newer generation
	}
	if _, found := c.entries[l.key]; found {
		return
	}
	c.entries[l.key] = c.lru.PushFront(&cacheEntry{key: l.key, body: body, mediaType: mediaType, opName: opName})
	c.bytes += size
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
	}
	c.m.cacheBytes.Set(float64(c.bytes))
}

// setGeneration empties the cache when the graph has changed. c.mu held.
func (c *responseCache) setGeneration(gen int64) {
	if gen == c.gen {
		return
	}
	c.gen = gen
	if len(c.entries) > 0 {
		c.entries = map[cacheKey]*list.Element{}
		c.lru.Init()
		c.bytes = 0
		c.m.cacheBytes.Set(0)
		c.m.cacheInvalidations.Inc()
	}
}

// remove drops an entry. c.mu held.
func (c *responseCache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*cacheEntry)
	delete(c.entries, e.key)
	c.bytes -= int64(len(e.body)) + cacheEntryOverhead
	c.m.cacheEvictions.Inc()
}

// requestKey digests what determines a response: media type, query text,
// operation name and variables (JSON with sorted object keys).
func requestKey(params *graphql.RawParams, mediaType string) (cacheKey, error) {
	vars, err := json.Marshal(params.Variables)
	if err != nil {
		return cacheKey{}, err
	}
	h := sha256.New()
	for _, part := range [][]byte{[]byte(mediaType), []byte(params.Query), []byte(params.OperationName), vars} {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(part)))
		h.Write(n[:])
		h.Write(part)
	}
	var k cacheKey
	h.Sum(k[:0])
	return k, nil
}

// cacheMetrics are the response cache's collectors.
func newCacheMetrics(m *metrics) []prometheus.Collector {
	m.cacheRequests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "kg_response_cache_requests_total", Help: "GraphQL requests by response cache result: hit, miss or bypass (Authorization header, no generation).",
	}, []string{"result"})
	m.cacheBytes = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "kg_response_cache_bytes", Help: "Approximate memory held by the response cache.",
	})
	m.cacheEvictions = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "kg_response_cache_evictions_total", Help: "Responses dropped from the cache to stay within its size.",
	})
	m.cacheInvalidations = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "kg_response_cache_invalidations_total", Help: "Times the cache was emptied because the graph changed.",
	})
	return []prometheus.Collector{m.cacheRequests, m.cacheBytes, m.cacheEvictions, m.cacheInvalidations}
}

// served records a hit as operationMetrics records an executed query (the
// operation counter and the access log's operation; not the operation
// duration histogram, which times executions).
func (c *responseCache) served(ctx context.Context, e *cacheEntry) {
	if i := infoFrom(ctx); i != nil {
		i.setOperation(strings.TrimSpace("query " + e.opName))
	}
	c.m.operations.WithLabelValues(c.m.opNames.label(e.opName), "query", "ok").Inc()
}
