package resolvers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
)

// loaders batch and cache, for one request, the reads resolvers make per
// item, so that a query for N entities with their relations, degrees and
// partners costs a number of store calls that does not grow with N.
type loaders struct {
	entities  *dataloadgen.Loader[string, *graph.Entity]
	relations *dataloadgen.Loader[relationsKey, []*graph.Relation]
	degrees   *dataloadgen.Loader[string, int]
	partners  *dataloadgen.Loader[partnersKey, []query.Partnership]

	// read holds the entities this request has read, for batches that
	// read at once (batchEntities) instead of through the entity loader.
	mu   sync.Mutex
	read map[string]*graph.Entity
}

// known returns the entities of ids this request has read (nil where not)
// and the distinct IDs it has not.
func (l *loaders) known(ids []string) (found []*graph.Entity, missing []string) {
	found = make([]*graph.Entity, len(ids))
	l.mu.Lock()
	defer l.mu.Unlock()
	for i, id := range ids {
		if e, ok := l.read[id]; ok {
			found[i] = e
		} else if !slices.Contains(missing, id) {
			missing = append(missing, id)
		}
	}
	return found, missing
}

// remember records entities read for ids (es[i] for ids[i]; nil: unknown
// ID) and primes the entity loader with the ones that exist.
func (l *loaders) remember(ids []string, es []*graph.Entity) {
	l.mu.Lock()
	if l.read == nil {
		l.read = make(map[string]*graph.Entity, len(ids))
	}
	for i, e := range es {
		l.read[ids[i]] = e
	}
	l.mu.Unlock()
	for i, e := range es {
		if e != nil {
			l.entities.Prime(ids[i], e)
		}
	}
}

// relationsKey selects the relations of one entity; Predicates is the sorted
// predicate list joined by "\x00" (keys must be comparable). After and
// First are the page the caller serves (After a relation ID, "" for the
// first page): the value is every relation of the entity, but only the
// page's endpoints are read ahead (primeEndpoints).
type relationsKey struct {
	ID         string
	Direction  graph.Direction
	Predicates string
	At         graph.Span // the zero Span: every relation
	After      string
	First      int
}

type partnersKey struct {
	ID    string
	First int
	At    graph.Span
}

func (r *Resolver) newLoaders() *loaders {
	wait := dataloadgen.WithWait(r.loaderWait)
	return &loaders{
		entities:  dataloadgen.NewLoader(r.fetchEntities, wait),
		relations: dataloadgen.NewMappedLoader(r.fetchRelations, wait),
		degrees:   dataloadgen.NewMappedLoader(r.fetchDegrees, wait),
		partners:  dataloadgen.NewMappedLoader(r.fetchPartners, wait),
	}
}

// fetchEntities reads entities in one store call; unknown IDs load as nil.
func (r *Resolver) fetchEntities(ctx context.Context, ids []string) ([]*graph.Entity, []error) {
	es, err := r.store.Entities(ctx, ids)
	if err != nil {
		return nil, []error{fmt.Errorf("load entities: %w", err)}
	}
	r.loaders(ctx).remember(ids, es)
	return es, nil
}

// fetchRelations makes one RelationsOf call per distinct filter in the batch.
func (r *Resolver) fetchRelations(ctx context.Context, keys []relationsKey) (map[relationsKey][]*graph.Relation, error) {
	type filterKey struct {
		dir   graph.Direction
		preds string
		at    graph.Span
	}
	groups := map[filterKey][]string{}
	seen := make(map[relationsKey]bool, len(keys)) // keys without the page
	for _, k := range keys {
		fk := filterKey{k.Direction, k.Predicates, k.At}
		if e := (relationsKey{ID: k.ID, Direction: k.Direction, Predicates: k.Predicates, At: k.At}); !seen[e] {
			seen[e] = true
			groups[fk] = append(groups[fk], k.ID)
		}
	}
	byFilter := make(map[filterKey]map[string][]*graph.Relation, len(groups))
	for fk, ids := range groups {
		f := graph.RelationFilter{Direction: fk.dir}
		if fk.preds != "" {
			f.Predicates = strings.Split(fk.preds, "\x00")
		}
		m, err := r.query.RelationsOf(ctx, ids, f, fk.at)
		if err != nil {
			return nil, fmt.Errorf("load relations: %w", err)
		}
		byFilter[fk] = m
	}
	out := make(map[relationsKey][]*graph.Relation, len(keys))
	for _, k := range keys {
		out[k] = byFilter[filterKey{k.Direction, k.Predicates, k.At}][k.ID] // nil: no relations
	}
	r.primeEndpoints(ctx, out)
	return out, nil
}

// maxPrimedEndpoints caps how many relation endpoints fetchRelations reads
// ahead; beyond it the entity loader batches them as usual.
const maxPrimedEndpoints = 256

// primeEndpoints reads the endpoints of the relations on the pages the keys
// serve, in the same batch, and primes the entity loader with them, so that
// Relation.from/to resolve from the cache instead of waiting another loader
// window (a wait of at least a timer tick, ~1 ms, per level: BENCHMARKS.md,
// section 5). Only the pages: an entity with hundreds of relations serves 20
// of them, and reading the other endpoints made the request cost grow with
// the entity's degree. It is an optimisation only: on any error, or when
// there are too many endpoints, the entity loader fetches them when asked.
func (r *Resolver) primeEndpoints(ctx context.Context, rels map[relationsKey][]*graph.Relation) {
	seen := map[string]bool{}
	var ids []string
	for k, rs := range rels {
		start, end := pageBounds(rs, k.After, k.First)
		for _, rel := range rs[start:end] {
			for _, id := range [2]string{rel.Subject, rel.Object} {
				if !seen[id] {
					seen[id] = true
					ids = append(ids, id)
				}
			}
		}
	}
	if len(ids) == 0 || len(ids) > maxPrimedEndpoints {
		return
	}
	es, err := r.store.Entities(ctx, ids)
	if err != nil {
		r.log.DebugContext(ctx, "priming relation endpoints", "err", err)
		return
	}
	r.loaders(ctx).remember(ids, es)
}

func (r *Resolver) fetchDegrees(ctx context.Context, ids []string) (map[string]int, error) {
	m, err := r.query.Degrees(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load degrees: %w", err)
	}
	out := make(map[string]int, len(ids))
	for _, id := range ids {
		out[id] = m[id] // absent: degree 0
	}
	return out, nil
}

// fetchPartners makes one query.PartnersOf call per distinct page size
// and time.
func (r *Resolver) fetchPartners(ctx context.Context, keys []partnersKey) (map[partnersKey][]query.Partnership, error) {
	type group struct {
		first int
		at    graph.Span
	}
	groups := map[group][]string{}
	for _, k := range keys {
		g := group{k.First, k.At}
		groups[g] = append(groups[g], k.ID)
	}
	out := make(map[partnersKey][]query.Partnership, len(keys))
	for g, ids := range groups {
		m, err := r.query.PartnersOf(ctx, ids, g.first, g.at)
		if err != nil {
			return nil, fmt.Errorf("load partners: %w", err)
		}
		for _, id := range ids {
			out[partnersKey{id, g.first, g.at}] = m[id]
		}
	}
	return out, nil
}

// newRelationsKey is the key of the relations of id on the page of first
// relations after the relation ID after.
func newRelationsKey(id string, dir graph.Direction, preds []string, at graph.Span, after string, first int) relationsKey {
	p := slices.Clone(preds)
	slices.Sort(p)
	return relationsKey{ID: id, Direction: dir, Predicates: strings.Join(slices.Compact(p), "\x00"), At: at, After: after, First: first}
}

// pageBounds is the page rels[start:end] of at most n relations after the
// relation ID after ("": from the first); rels are ordered by ID.
func pageBounds(rels []*graph.Relation, after string, n int) (start, end int) {
	start = sort.Search(len(rels), func(i int) bool { return rels[i].ID > after })
	return start, min(start+n, len(rels))
}
