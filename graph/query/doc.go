// Package query is the read side of the knowledge graph: search, partners
// and partnerships, shortest paths, neighbourhood subgraphs, degrees and
// indicators, computed over any graph.Store. The GraphQL resolvers call it.
//
// # Caching
//
// A Service keeps derived data in an immutable snapshot: a search index over
// every name, alias and English name (with pinyin), a degree table and the
// partnership (joint-context) index. Every call first asks the store for
// its Generation (one cheap call); when it differs from the snapshot's, the
// snapshot is rebuilt (one entity scan and one relation scan). Builds run one
// at a time and are shared by every caller waiting (singleflight), so a burst
// of calls or of writes never starts a build per caller; a call never gets a
// snapshot from a build that began before the call (it waits for the next
// one), so a client sees its own writes. Writes by another process
// sharing the backend change the generation too, so replicas stay current.
//
// # Store calls per request
//
// Requests make a bounded number of batched store calls, independent of the
// size of the answer: Search 2 (Generation, Entities), Partners and
// Partnerships 2 (Generation, Relations), Paths at most maxHops+2
// (Entities, one Neighbors per BFS level, RelationsOf), Subgraph at most
// hops+3, Degrees 1, TopConnected and Indicators 2–3. The first call after a
// change adds the rebuild: one more Generation call, Documents and the two
// scans. Filtering by time (asOf) adds no store calls.
//
// # Time
//
// Calls taking an `at graph.Span` keep the facts that hold at it; the zero
// Span is all of time. See README.md, "Time".
//
// # Errors
//
// Bad arguments return an *ArgError, which wraps graph.ErrInvalid and names
// the argument ("first: must be between 1 and 100, got 500"). Unknown
// entities given to Partners or Paths give errors wrapping
// graph.ErrNotFound. Store errors are wrapped with %w.
//
// See README.md in this directory for the exact semantics of each call.
package query
