// Package bench holds the benchmarks of the whole service: every store
// method, every query of the GraphQL contract through graph/query and
// through the HTTP handler, on each backend with and without the in-memory
// index (graph/index), the index load itself, at each size, next to the GraphQL floor
// (bench/floor). The raw-Cayley and map baselines of the store questions
// live in graph/cayleystore/baseline_test.go (only that package may import
// Cayley). See BENCHMARKS.md for the commands and results.
package bench
