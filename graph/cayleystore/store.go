package cayleystore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/quad"
	"github.com/lib/pq"
	bolt "go.etcd.io/bbolt"

	"github.com/minhang-kg/kg/graph"
)

// Store implements graph.Store on a Cayley quad store. See graph/doc.go for
// how facts map to quads.
//
// Within one process, reads take a shared lock and writes an exclusive one,
// so every read sees a consistent graph (Cayley's memstore also needs it:
// it has no locking of its own). Writes made by other processes sharing a
// PostgreSQL database are detected through the generation quad, which
// every write replaces inside its own transaction; a write that loses that
// race is recomputed and retried.
type Store struct {
	backend string
	qs      cgraph.QuadStore
	log     *slog.Logger
	ping    func(ctx context.Context) error
	onClose func() error
	// sqlDB is set on PostgreSQL: a pool of our own, for bulk reads
	// (sqlFetcher), counting and Ping. Its presence also says that other
	// processes may write the same backend.
	sqlDB *sql.DB
	// inTx, when set, runs several ApplyDeltas calls as one transaction
	// (bbolt; see sharedTxKV).
	inTx func(run func() error) error
	// skv is set on bbolt: the kv layer Cayley writes through, and
	// kvIndexes its quad indexes.
	skv       *sharedTxKV
	kvIndexes []kv.QuadIndex
	// cayleyAdds (tests) makes bbolt writes add quads with Cayley's
	// ApplyDeltas instead of appendQuads, for comparison.
	cayleyAdds bool
	// bolt is set on bbolt: Dump reads Cayley's primitive log from it
	// directly (dump.go).
	bolt *bolt.DB

	mu     sync.RWMutex
	closed bool
}

var _ graph.Store = (*Store)(nil)

// chunk is how many entities or relations a scan decodes per lock hold.
const chunk = 256

// maxWriteAttempts bounds retries of a write that raced with another
// process.
const maxWriteAttempts = 5

func (s *Store) rlock(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("cayleystore: %w", err)
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return graph.ErrClosed
	}
	return nil
}

// wrap annotates a backend error; network failures also wrap
// graph.ErrUnavailable.
func (s *Store) wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, graph.ErrInvalid) || errors.Is(err, graph.ErrNotFound) || errors.Is(err, graph.ErrClosed) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("cayleystore %s: %s: %w", s.backend, op, err)
	}
	if unavailable(err) {
		return fmt.Errorf("cayleystore %s: %s: %w: %w", s.backend, op, graph.ErrUnavailable, err)
	}
	return fmt.Errorf("cayleystore %s: %s: %w", s.backend, op, err)
}

// unavailable reports whether err says the backend cannot be reached: a
// network error, a broken connection, or PostgreSQL refusing work
// (connection exceptions, shutdown, too many connections).
func unavailable(err error) bool {
	var (
		ne net.Error
		pe *pq.Error
	)
	switch {
	case errors.As(err, &ne), errors.Is(err, driver.ErrBadConn):
		return true
	case errors.As(err, &pe):
		c := pe.Code.Class()
		return c == "08" || c == "57" || c == "53"
	}
	return false
}

// Entities implements graph.Store.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	m, err := s.reader(ctx).entities(ids)
	if err != nil {
		return nil, s.wrap("entities", err)
	}
	out := make([]*graph.Entity, len(ids))
	used := make(map[string]bool, len(m))
	for i, id := range ids {
		e := m[id]
		if e == nil {
			continue
		}
		if used[id] { // a repeated ID gets its own copy
			e = cloneEntity(e)
		}
		used[id] = true
		out[i] = e
	}
	return out, nil
}

// ScanEntities implements graph.Store.
func (s *Store) ScanEntities(ctx context.Context, kinds []graph.Kind, after string, fn func(*graph.Entity) bool) error {
	for _, k := range kinds {
		if !k.Valid() {
			return fmt.Errorf("cayleystore: scan entities: %w: unknown kind %q", graph.ErrInvalid, k)
		}
	}
	if err := s.rlock(ctx); err != nil {
		return err
	}
	ids, err := s.reader(ctx).entityIDs(kinds, after)
	s.mu.RUnlock()
	if err != nil {
		return s.wrap("scan entities", err)
	}
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		ents, err := s.Entities(ctx, ids[:n])
		if err != nil {
			return err
		}
		ids = ids[n:]
		for _, e := range ents {
			if e == nil { // removed meanwhile
				continue
			}
			if !fn(e) {
				return nil
			}
		}
	}
	return nil
}

// RelationsOf implements graph.Store.
func (s *Store) RelationsOf(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]*graph.Relation, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	r := s.reader(ctx)
	ends, err := r.incident(ids, f)
	if err != nil {
		return nil, s.wrap("relations of", err)
	}
	// One statement read for all relations; a relation seen from both
	// ends is read once and copied.
	byID := map[string]*graph.Relation{}
	var uniqRels []*graph.Relation
	for _, es := range ends {
		for _, e := range es {
			if byID[e.rel.ID] == nil {
				byID[e.rel.ID] = e.rel
				uniqRels = append(uniqRels, e.rel)
			}
		}
	}
	if err := r.fillStatements(uniqRels); err != nil {
		return nil, s.wrap("relations of", err)
	}
	out := make(map[string][]*graph.Relation, len(ends))
	for id, es := range ends {
		rels := make([]*graph.Relation, 0, len(es))
		for _, e := range es {
			rel := byID[e.rel.ID]
			if rel.Document == "" { // no statement: not a stored relation
				continue
			}
			if e.rel != rel {
				rel = cloneRelation(rel)
			}
			rels = append(rels, rel)
		}
		if len(rels) == 0 {
			continue
		}
		sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
		out[id] = rels
	}
	return out, nil
}

// Neighbors implements graph.Store.
func (s *Store) Neighbors(ctx context.Context, ids []string, f graph.RelationFilter) (map[string][]string, error) {
	if err := checkFilter(f); err != nil {
		return nil, err
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	ends, err := s.reader(ctx).incident(ids, f)
	if err != nil {
		return nil, s.wrap("neighbors", err)
	}
	out := make(map[string][]string, len(ends))
	for id, es := range ends {
		seen := make(map[string]bool, len(es))
		ns := make([]string, 0, len(es))
		for _, e := range es {
			if !seen[e.other] {
				seen[e.other] = true
				ns = append(ns, e.other)
			}
		}
		sort.Strings(ns)
		out[id] = ns
	}
	return out, nil
}

func checkFilter(f graph.RelationFilter) error {
	if f.Direction != graph.Both && f.Direction != graph.Out && f.Direction != graph.In {
		return fmt.Errorf("cayleystore: %w: unknown direction %d", graph.ErrInvalid, f.Direction)
	}
	for _, p := range f.Predicates {
		if _, ok := graph.LookupPredicate(p); !ok {
			return fmt.Errorf("cayleystore: %w: predicate %q is not in the vocabulary", graph.ErrInvalid, p)
		}
	}
	return nil
}

// Relations implements graph.Store.
func (s *Store) Relations(ctx context.Context, ids []string) ([]*graph.Relation, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	m, err := s.reader(ctx).relations(ids)
	if err != nil {
		return nil, s.wrap("relations", err)
	}
	out := make([]*graph.Relation, len(ids))
	used := make(map[string]bool, len(m))
	for i, id := range ids {
		rel := m[id]
		if rel == nil {
			continue
		}
		if used[id] {
			rel = cloneRelation(rel)
		}
		used[id] = true
		out[i] = rel
	}
	return out, nil
}

// ScanRelations implements graph.Store.
func (s *Store) ScanRelations(ctx context.Context, fn func(*graph.Relation) bool) error {
	if err := s.rlock(ctx); err != nil {
		return err
	}
	rels, err := s.reader(ctx).allRelations()
	s.mu.RUnlock()
	if err != nil {
		return s.wrap("scan relations", err)
	}
	sort.Slice(rels, func(i, j int) bool { return rels[i].ID < rels[j].ID })
	for len(rels) > 0 {
		n := min(chunk, len(rels))
		batch := rels[:n]
		rels = rels[n:]
		if err := s.rlock(ctx); err != nil {
			return err
		}
		err := s.reader(ctx).fillStatements(batch)
		s.mu.RUnlock()
		if err != nil {
			return s.wrap("scan relations", err)
		}
		for _, rel := range batch {
			if rel.Document == "" { // removed meanwhile
				continue
			}
			if !fn(rel) {
				return nil
			}
		}
	}
	return nil
}

// LookupName implements graph.Store.
func (s *Store) LookupName(ctx context.Context, name string) ([]string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	ids, err := s.reader(ctx).lookupName(name)
	return ids, s.wrap("lookup name", err)
}

// Documents implements graph.Store.
func (s *Store) Documents(ctx context.Context) ([]graph.Document, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	docs, err := s.reader(ctx).documents()
	return docs, s.wrap("documents", err)
}

// DocumentText implements graph.Store.
func (s *Store) DocumentText(ctx context.Context, id string) (string, error) {
	if err := s.rlock(ctx); err != nil {
		return "", err
	}
	defer s.mu.RUnlock()
	docs, err := s.reader(ctx).documentsByID([]string{id}, true)
	if err != nil {
		return "", s.wrap("document text", err)
	}
	d := docs[id]
	if d == nil {
		return "", fmt.Errorf("cayleystore: document %q: %w", id, graph.ErrNotFound)
	}
	return d.Text, nil
}

// Stats implements graph.Store.
func (s *Store) Stats(ctx context.Context) (graph.Stats, error) {
	if err := s.rlock(ctx); err != nil {
		return graph.Stats{}, err
	}
	defer s.mu.RUnlock()
	st, err := s.reader(ctx).stats()
	if err == nil {
		st.Quads, err = s.quadCount(ctx)
	}
	return st, s.wrap("stats", err)
}

// quadCount counts every stored quad.
func (s *Store) quadCount(ctx context.Context) (int64, error) {
	if s.sqlDB != nil {
		// Cayley's SQL store caches its count, missing other processes'
		// writes.
		var n int64
		err := s.sqlDB.QueryRowContext(ctx, `SELECT count(*) FROM quads`).Scan(&n)
		return n, err
	}
	// Cayley's memstore and kv counts are exact whatever the flag, which
	// only makes kv count nodes by a full scan.
	cs, err := s.qs.Stats(ctx, false)
	if errors.Is(err, kv.ErrNoBucket) { // a kv store nothing was written to yet
		return 0, nil
	}
	return cs.Quads.Value, err
}

// Generation implements graph.Store.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	if err := s.rlock(ctx); err != nil {
		return 0, err
	}
	defer s.mu.RUnlock()
	g, _, err := s.reader(ctx).generation()
	return g, s.wrap("generation", err)
}

// Audit implements graph.Store. A limit <= 0 returns every entry.
func (s *Store) Audit(ctx context.Context, limit int) ([]graph.AuditEntry, error) {
	if err := s.rlock(ctx); err != nil {
		return nil, err
	}
	defer s.mu.RUnlock()
	entries, err := s.reader(ctx).audit()
	if err != nil {
		return nil, s.wrap("audit", err)
	}
	sort.Slice(entries, func(i, j int) bool {
		if !entries[i].At.Equal(entries[j].At) {
			return entries[i].At.After(entries[j].At)
		}
		return entries[i].ID > entries[j].ID
	})
	if limit > 0 && len(entries) > limit {
		entries = entries[:limit]
	}
	return entries, nil
}

// ExportNQuads implements graph.Store. Quads are written sorted, so equal
// graphs export to equal bytes; the store-internal meta graph (the
// generation) is left out, so equal graphs export equally whatever their
// history.
func (s *Store) ExportNQuads(ctx context.Context, w io.Writer) error {
	if err := s.rlock(ctx); err != nil {
		return err
	}
	qs, err := s.reader(ctx).allQuads()
	s.mu.RUnlock()
	if err != nil {
		return s.wrap("export", err)
	}
	qs = slices.DeleteFunc(qs, func(q quad.Quad) bool { return q.Label == metaGraph })
	for i := range qs {
		// Natively typed integers (a store loaded by Cayley's own tools)
		// export as the store writes them.
		if n, ok := qs[i].Object.(quad.Int); ok {
			qs[i].Object = quad.TypedString{Value: quad.String(strconv.FormatInt(int64(n), 10)), Type: xsdInteger}
		}
	}
	return writeNQuads(ctx, w, qs)
}

// Ping implements graph.Store.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.rlock(ctx); err != nil {
		return err
	}
	defer s.mu.RUnlock()
	if s.ping == nil {
		return nil
	}
	return s.wrap("ping", s.ping(ctx))
}

// Close implements graph.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return graph.ErrClosed
	}
	s.closed = true
	err := s.qs.Close()
	if s.onClose != nil {
		err = errors.Join(err, s.onClose())
	}
	if err != nil {
		return fmt.Errorf("cayleystore %s: close: %w", s.backend, err)
	}
	return nil
}

// generationQuad is the quad holding generation n.
func generationQuad(n int64) quad.Quad {
	return quad.Quad{
		Subject:   metaNode,
		Predicate: pGeneration,
		Object:    quad.TypedString{Value: quad.String(strconv.FormatInt(n, 10)), Type: xsdInteger},
		Label:     metaGraph,
	}
}

func cloneEntity(e *graph.Entity) *graph.Entity {
	c := *e
	c.Aliases = append([]string(nil), e.Aliases...)
	c.Attributes = append([]graph.Attribute(nil), e.Attributes...)
	c.Evidence = append([]graph.Evidence(nil), e.Evidence...)
	c.Documents = append([]string(nil), e.Documents...)
	return &c
}

func cloneRelation(r *graph.Relation) *graph.Relation {
	c := *r
	c.Evidence = append([]graph.Evidence(nil), r.Evidence...)
	c.Attributes = append([]graph.Attribute(nil), r.Attributes...)
	return &c
}
