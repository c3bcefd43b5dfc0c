package resolvers

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vikstrous/dataloadgen"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/resolvers/model"
)

// Batch resolvers (gqlgen.yml: `batch: true`) get every parent of a list at
// once: Relation.from for the 20 relations of a page is one call with 20
// relations. Two things decide how such a call reads the store:
//
//   - When the batch holds every parent at its position in the response (the
//     path above the parents' list has no list index, e.g.
//     entity.relations.nodes[*].from), nothing else can join it, so it reads
//     at once: no loader window.
//   - Otherwise (e.g. entities.nodes[*].relations.nodes[*].from, one batch per
//     entity) the sibling batches go through the request's loaders, which
//     merge them into one store call after the loader window, so the number
//     of store calls stays independent of the number of items.

// soleBatch reports whether the batch resolver called with ctx holds every
// parent at its position in the response (see above).
func soleBatch(ctx context.Context) bool {
	path := graphql.GetPath(ctx)
	n := len(path) - 1 // the field itself is last
	if n > 0 {
		if _, ok := path[n-1].(ast.PathIndex); ok {
			n-- // the parents' own list
		}
	}
	for _, p := range path[:max(n, 0)] {
		if _, ok := p.(ast.PathIndex); ok {
			return false
		}
	}
	return true
}

// batchLoad returns the values of keys, in order: read at once with fetch
// when the batch is sole, else through the loader. A per-key failure comes
// back as graphql.BatchErrorList (one entry per key), any other failure as
// the error.
func batchLoad[K comparable, V any](ctx context.Context, l *dataloadgen.Loader[K, V], fetch func(context.Context, []K) (map[K]V, error), keys []K) ([]V, error) {
	if !soleBatch(ctx) {
		vs, err := l.LoadAll(ctx, keys)
		if errs, ok := err.(dataloadgen.ErrorSlice); ok {
			return vs, graphql.BatchErrorList(errs)
		}
		return vs, err
	}
	m, err := fetch(ctx, distinct(keys))
	if err != nil {
		return nil, err
	}
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out, nil
}

// batchEntities returns the entities with the IDs, in order, nil for
// unknown IDs. A sole batch reads the ones this request has not read yet
// at once; other batches go through the entity loader.
func (r *Resolver) batchEntities(ctx context.Context, ids []string) ([]*graph.Entity, error) {
	l := r.loaders(ctx)
	if !soleBatch(ctx) {
		es, err := l.entities.LoadAll(ctx, ids)
		if errs, ok := err.(dataloadgen.ErrorSlice); ok {
			return es, graphql.BatchErrorList(errs)
		}
		return es, err
	}
	out, missing := l.known(ids)
	if len(missing) == 0 {
		return out, nil
	}
	es, err := r.store.Entities(ctx, missing)
	if err != nil {
		return nil, fmt.Errorf("load entities: %w", err)
	}
	l.remember(missing, es)
	byID := make(map[string]*graph.Entity, len(missing))
	for i, e := range es {
		byID[missing[i]] = e
	}
	for i, id := range ids {
		if out[i] == nil {
			out[i] = byID[id]
		}
	}
	return out, nil
}

// batchEndpoints returns, for each parent, the entity with the ID that id
// gives (which must exist); what names the end in errors ("subject of
// rel/x").
func batchEndpoints[P any](ctx context.Context, r *Resolver, parents []P, id func(P) string, what func(P) string) ([]*graph.Entity, error) {
	ids := make([]string, len(parents))
	for i, p := range parents {
		ids[i] = id(p)
	}
	es, err := r.batchEntities(ctx, ids)
	return es, mustExist(es, ids, err, func(i int) string { return what(parents[i]) })
}

// batchEntityLists is batchEndpoints for a list of entities per parent.
func batchEntityLists[P any](ctx context.Context, r *Resolver, parents []P, ids func(P) []string) ([][]*graph.Entity, error) {
	var flat []string
	for _, p := range parents {
		flat = append(flat, ids(p)...)
	}
	es, err := r.batchEntities(ctx, flat)
	if err != nil {
		if _, ok := err.(graphql.BatchErrorList); !ok {
			return nil, err
		}
	}
	out := make([][]*graph.Entity, len(parents))
	var errs graphql.BatchErrorList
	k := 0
	for i, p := range parents {
		n := len(ids(p))
		perr := mustExist(es[k:k+n], flat[k:k+n], sub(err, k, n), nil)
		if perr != nil {
			if errs == nil {
				errs = make(graphql.BatchErrorList, len(parents))
			}
			errs[i] = firstError(perr)
		} else {
			out[i] = es[k : k+n]
		}
		k += n
	}
	if errs != nil {
		return out, errs
	}
	return out, nil
}

// mustExist turns unknown entities (nil) and per-key load errors into one
// error per key (graphql.BatchErrorList), nil if there are none; what, if
// set, names the reference of key i in the error.
func mustExist(es []*graph.Entity, ids []string, err error, what func(i int) string) error {
	if err != nil {
		if _, ok := err.(graphql.BatchErrorList); !ok {
			return err
		}
	}
	var errs graphql.BatchErrorList
	for i := range ids {
		var e error
		if le := sub(err, i, 1); le != nil {
			e = firstError(le)
		} else if es[i] == nil {
			e = fmt.Errorf("entity %s: %w", ids[i], graph.ErrNotFound)
		}
		if e != nil {
			if errs == nil {
				errs = make(graphql.BatchErrorList, len(ids))
			}
			if what != nil {
				e = fmt.Errorf("%s: %w", what(i), e)
			}
			errs[i] = e
		}
	}
	if errs != nil {
		return errs
	}
	return nil
}

// sub returns the per-key errors [k, k+n) of a BatchErrorList (nil if none
// of them failed).
func sub(err error, k, n int) error {
	list, ok := err.(graphql.BatchErrorList)
	if !ok {
		return nil
	}
	part := list[k : k+n]
	for _, e := range part {
		if e != nil {
			return part
		}
	}
	return nil
}

// firstError is the first failure of a BatchErrorList, or err itself.
func firstError(err error) error {
	if list, ok := err.(graphql.BatchErrorList); ok {
		for _, e := range list {
			if e != nil {
				return e
			}
		}
	}
	return err
}

func distinct[K comparable](keys []K) []K {
	if len(keys) <= 1 {
		return keys
	}
	seen := make(map[K]bool, len(keys))
	out := make([]K, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

func partnershipB(p *model.Partnership) string { return p.BID }

func partnerOf(p *model.Partnership) string { return "partnership " + p.AID + " – " + p.BID }
