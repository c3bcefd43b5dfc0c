// Package model holds the GraphQL models that are not graph types: the
// hand-written ones below (which keep entity IDs so resolvers can load the
// entities through the per-request loaders) and those gqlgen generates into
// models_gen.go.
package model

import "github.com/minhang-kg/kg/graph"

// SearchHit is one search result.
type SearchHit struct {
	Entity  *graph.Entity
	Score   float64
	Matched string
	Match   string
}

// Partnership is two entities that work together. For Query.partners and
// Entity.partners, AID is the entity asked about and BID the partner.
type Partnership struct {
	AID       string
	BID       string
	ViaIDs    []string
	Relations []*graph.Relation
	Strength  int
}

// Path is a chain of relations; Relations[i] joins NodeIDs[i] and NodeIDs[i+1].
type Path struct {
	NodeIDs   []string
	Relations []*graph.Relation
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
