package server

import (
	"context"
	"io"
	"regexp"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/minhang-kg/kg/graph"
)

// metrics are the server's Prometheus collectors, in a registry of their own
// (so that several servers can live in one process, e.g. in tests).
type metrics struct {
	reg           *prometheus.Registry
	httpRequests  *prometheus.CounterVec   // handler, code
	httpDuration  *prometheus.HistogramVec // handler
	operations    *prometheus.CounterVec   // operation, type, result
	opDuration    *prometheus.HistogramVec // operation, type
	graphqlErrors *prometheus.CounterVec   // code
	storeErrors   *prometheus.CounterVec   // method, kind
	panics        prometheus.Counter
	rateLimited   prometheus.Counter

	// response cache (cache.go)
	cacheRequests      *prometheus.CounterVec // result: hit, miss, bypass
	cacheBytes         prometheus.Gauge
	cacheEvictions     prometheus.Counter
	cacheInvalidations prometheus.Counter

	opNames opNameSet
}

func newMetrics(version string) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kg_http_requests_total", Help: "HTTP requests by handler and status code.",
		}, []string{"handler", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kg_http_request_duration_seconds", Help: "HTTP request latency by handler.",
			Buckets: prometheus.DefBuckets,
		}, []string{"handler"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kg_graphql_operations_total", Help: "GraphQL operations by operation name, type and result (ok or error).",
		}, []string{"operation", "type", "result"}),
		opDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "kg_graphql_operation_duration_seconds", Help: "GraphQL operation latency by operation name and type.",
			Buckets: prometheus.DefBuckets,
		}, []string{"operation", "type"}),
		graphqlErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kg_graphql_errors_total", Help: "GraphQL errors by extensions.code.",
		}, []string{"code"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kg_store_errors_total", Help: "Failed graph store calls by method and kind (not_found, invalid, canceled, timeout, unavailable, other).",
		}, []string{"method", "kind"}),
		panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kg_graphql_panics_total", Help: "Resolver panics recovered.",
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kg_rate_limited_total", Help: "Requests refused by the per-client rate limit.",
		}),
		opNames: opNameSet{names: map[string]bool{}},
	}
	if version == "" {
		version = "(devel)"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
			version = bi.Main.Version
		}
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "kg_build_info", Help: "Build information; the value is always 1.",
		ConstLabels: prometheus.Labels{"version": version, "goversion": runtime.Version()},
	})
	build.Set(1)
	m.reg.MustRegister(m.httpRequests, m.httpDuration, m.operations, m.opDuration, m.graphqlErrors,
		m.storeErrors, m.panics, m.rateLimited, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.reg.MustRegister(newCacheMetrics(m)...)
	return m
}

// opNameSet bounds the label values taken from client-chosen operation
// names: well-formed names up to maxOpNames distinct ones, then "other".
type opNameSet struct {
	mu    sync.Mutex
	names map[string]bool
}

const maxOpNames = 200

var reOpName = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)

func (s *opNameSet) label(name string) string {
	if name == "" {
		return "anonymous"
	}
	if !reOpName.MatchString(name) {
		return "other"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.names[name] {
		return name
	}
	if len(s.names) >= maxOpNames {
		return "other"
	}
	s.names[name] = true
	return name
}

// instrumentedStore counts failed store calls by method.
type instrumentedStore struct {
	graph.Store
	errs *prometheus.CounterVec
}

func (s instrumentedStore) note(method string, err error) error {
	if err == nil {
		return nil
	}
	class, _ := graph.ClassOf(err)
	s.errs.WithLabelValues(method, class.Label).Inc()
	return err
}

func (s instrumentedStore) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	v, err := s.Store.Entities(ctx, ids)
	return v, s.note("Entities", err)
}

func (s instrumentedStore) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	return s.note("ScanEntities", s.Store.ScanEntities(ctx, kinds, after, fn))
}

func (s instrumentedStore) RelationsOf(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]*graph.Relation, error) {
	v, err := s.Store.RelationsOf(ctx, ids, f)
	return v, s.note("RelationsOf", err)
}

func (s instrumentedStore) Relations(ctx context.Context, ids []string) ([]*graph.Relation, error) {
	v, err := s.Store.Relations(ctx, ids)
	return v, s.note("Relations", err)
}

func (s instrumentedStore) ScanRelations(ctx context.Context, fn func(*graph.Relation) bool) error {
	return s.note("ScanRelations", s.Store.ScanRelations(ctx, fn))
}

func (s instrumentedStore) Neighbors(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]string, error) {
	v, err := s.Store.Neighbors(ctx, ids, f)
	return v, s.note("Neighbors", err)
}

func (s instrumentedStore) LookupName(ctx context.Context, name string) ([]string, error) {
	v, err := s.Store.LookupName(ctx, name)
	return v, s.note("LookupName", err)
}

func (s instrumentedStore) Documents(ctx context.Context) ([]graph.Document, error) {
	v, err := s.Store.Documents(ctx)
	return v, s.note("Documents", err)
}

func (s instrumentedStore) DocumentText(ctx context.Context, id string) (string, error) {
	v, err := s.Store.DocumentText(ctx, id)
	return v, s.note("DocumentText", err)
}

func (s instrumentedStore) Stats(ctx context.Context) (graph.Stats, error) {
	v, err := s.Store.Stats(ctx)
	return v, s.note("Stats", err)
}

func (s instrumentedStore) Generation(ctx context.Context) (int64, error) {
	v, err := s.Store.Generation(ctx)
	return v, s.note("Generation", err)
}

func (s instrumentedStore) ReplaceDocument(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	v, err := s.Store.ReplaceDocument(ctx, facts)
	return v, s.note("ReplaceDocument", err)
}

func (s instrumentedStore) SyncDocuments(ctx context.Context, docs []graph.DocumentFacts) ([]graph.Change, error) {
	v, err := s.Store.SyncDocuments(ctx, docs)
	return v, s.note("SyncDocuments", err)
}

func (s instrumentedStore) PutFacts(ctx context.Context, facts graph.DocumentFacts) (graph.Change, error) {
	v, err := s.Store.PutFacts(ctx, facts)
	return v, s.note("PutFacts", err)
}

func (s instrumentedStore) DeleteRelation(ctx context.Context, id string) (graph.Change, error) {
	v, err := s.Store.DeleteRelation(ctx, id)
	return v, s.note("DeleteRelation", err)
}

func (s instrumentedStore) AppendAudit(ctx context.Context, e graph.AuditEntry) error {
	return s.note("AppendAudit", s.Store.AppendAudit(ctx, e))
}

func (s instrumentedStore) Audit(ctx context.Context, limit int) ([]graph.AuditEntry, error) {
	v, err := s.Store.Audit(ctx, limit)
	return v, s.note("Audit", err)
}

func (s instrumentedStore) ExportNQuads(ctx context.Context, w io.Writer) error {
	return s.note("ExportNQuads", s.Store.ExportNQuads(ctx, w))
}

func (s instrumentedStore) Ping(ctx context.Context) error {
	return s.note("Ping", s.Store.Ping(ctx))
}
