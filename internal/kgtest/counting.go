package kgtest

import (
	"context"
	"io"
	"sync"

	"github.com/minhang-kg/kg/graph"
)

// CountingStore wraps a graph.Store and counts the calls to each of its
// read methods, by method name, so that tests can bound the store round
// trips a query makes. Writes and Close pass through uncounted. It is safe
// for concurrent use.
type CountingStore struct {
	graph.Store
	mu    sync.Mutex
	calls map[string]int
}

// NewCountingStore wraps st.
func NewCountingStore(st graph.Store) *CountingStore {
	return &CountingStore{Store: st, calls: map[string]int{}}
}

func (c *CountingStore) count(method string) {
	c.mu.Lock()
	c.calls[method]++
	c.mu.Unlock()
}

// Reset zeroes the counts and returns the ones before: method name to
// number of calls, for the methods called at least once.
func (c *CountingStore) Reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.calls
	c.calls = map[string]int{}
	return old
}

func (c *CountingStore) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	c.count("Entities")
	return c.Store.Entities(ctx, ids)
}

func (c *CountingStore) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	c.count("ScanEntities")
	return c.Store.ScanEntities(ctx, kinds, after, fn)
}

func (c *CountingStore) RelationsOf(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]*graph.Relation, error) {
	c.count("RelationsOf")
	return c.Store.RelationsOf(ctx, ids, f)
}

func (c *CountingStore) Relations(ctx context.Context, ids []string) ([]*graph.Relation, error) {
	c.count("Relations")
	return c.Store.Relations(ctx, ids)
}

func (c *CountingStore) ScanRelations(ctx context.Context, fn func(*graph.Relation) bool) error {
	c.count("ScanRelations")
	return c.Store.ScanRelations(ctx, fn)
}

func (c *CountingStore) Neighbors(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]string, error) {
	c.count("Neighbors")
	return c.Store.Neighbors(ctx, ids, f)
}

func (c *CountingStore) LookupName(ctx context.Context, name string) ([]string, error) {
	c.count("LookupName")
	return c.Store.LookupName(ctx, name)
}

func (c *CountingStore) Documents(ctx context.Context) ([]graph.Document, error) {
	c.count("Documents")
	return c.Store.Documents(ctx)
}

func (c *CountingStore) DocumentText(ctx context.Context, id string) (string, error) {
	c.count("DocumentText")
	return c.Store.DocumentText(ctx, id)
}

func (c *CountingStore) Stats(ctx context.Context) (graph.Stats, error) {
	c.count("Stats")
	return c.Store.Stats(ctx)
}

func (c *CountingStore) Generation(ctx context.Context) (int64, error) {
	c.count("Generation")
	return c.Store.Generation(ctx)
}

func (c *CountingStore) Audit(ctx context.Context, limit int) ([]graph.AuditEntry, error) {
	c.count("Audit")
	return c.Store.Audit(ctx, limit)
}

func (c *CountingStore) ExportNQuads(ctx context.Context, w io.Writer) error {
	c.count("ExportNQuads")
	return c.Store.ExportNQuads(ctx, w)
}

func (c *CountingStore) Ping(ctx context.Context) error {
	c.count("Ping")
	return c.Store.Ping(ctx)
}
