// Package cayleystore implements graph.Store on Cayley. It is the only
// package of the module that imports Cayley.
package cayleystore

import (
	// Backends registered with Cayley.
	_ "github.com/cayleygraph/cayley/graph/kv/bbolt"
	_ "github.com/cayleygraph/cayley/graph/memstore"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres"
)
