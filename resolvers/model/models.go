// Package model holds the GraphQL models that are not graph types: the
// hand-written ones below (which keep entity IDs so resolvers can load the
// entities through the per-request loaders) and those gqlgen generates into
// models_gen.go.
package model

import (
	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
)

// SearchHit is one search result.
type SearchHit struct {
	Entity  *graph.Entity
	Score   float64
	Matched string
	Match   string
}

// Relation is graph.Relation as the API serves it: the same fields, with
// the predicate's labels as methods, so that gqlgen resolves label, labelEn
// and symmetric inline instead of as resolvers (each resolver field of an
// object with more than one is run on a goroutine of its own). Convert with
// (*Relation)(rel) or Relations.
type Relation graph.Relation

// Relations converts a slice of graph relations.
func Relations(rels []*graph.Relation) []*Relation {
	out := make([]*Relation, len(rels))
	for i, rel := range rels {
		out[i] = (*Relation)(rel)
	}
	return out
}

// vocab is the vocabulary entry of the relation's predicate; an unknown
// predicate (which stores reject) reads as its own label.
func (r *Relation) vocab() *graph.Predicate {
	if p, ok := graph.LookupPredicate(r.Predicate); ok {
		return p
	}
	return &graph.Predicate{ID: r.Predicate, Label: r.Predicate, LabelEn: r.Predicate}
}

// Label is the Chinese label of the predicate.
func (r *Relation) Label() string { return r.vocab().Label }

// LabelEn is the English label of the predicate.
func (r *Relation) LabelEn() string { return r.vocab().LabelEn }

// Symmetric reports whether the predicate relates both ends the same way.
func (r *Relation) Symmetric() bool { return r.vocab().Symmetric }

// ValidFromOrNil is ValidFrom, or nil when it is empty (open towards the
// past).
func (r *Relation) ValidFromOrNil() *string { return orNil(r.ValidFrom) }

// ValidToOrNil is ValidTo, or nil when it is empty (open towards the
// future).
func (r *Relation) ValidToOrNil() *string { return orNil(r.ValidTo) }

func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Partnership is two entities that work together. For Query.partners and
// Entity.partners, AID is the entity asked about and BID the partner.
type Partnership struct {
	AID       string
	BID       string
	ViaIDs    []string
	Relations []*Relation
	Strength  int
}

// Path is a chain of relations; Relations[i] joins NodeIDs[i] and NodeIDs[i+1].
type Path struct {
	NodeIDs   []string
	Relations []*Relation
}

// Indicator is a measured value; SubjectID is what it measures ("" if
// unknown). Text fields are nil when the source does not give them.
type Indicator struct {
	Entity    *graph.Entity
	Value     *float64
	Unit      *string
	Year      *string
	Change    *string
	Rank      *string
	SubjectID string
}

// Changes is what changed in a window; its lists are read when asked for.
type Changes struct {
	From   string
	To     string
	Window query.Window
}
