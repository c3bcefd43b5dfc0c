package server

import (
	"time"

	"github.com/minhang-kg/kg/resolvers"
)

// Config is the HTTP server's configuration. The zero value of a field means
// its default (see DefaultConfig); for the GraphQL limits a negative value
// turns the limit off.
type Config struct {
	// AdminToken enables the curation mutations for requests that send it as
	// "Authorization: Bearer <token>" (compared in constant time). Empty: no
	// mutations at all (FORBIDDEN). From KG_ADMIN_TOKEN.
	AdminToken string
	// AdminActor is the name recorded as "who" in the audit trail for
	// changes made with the admin token. Default "admin".
	AdminActor string

	// CORSOrigins lists the origins allowed to call /graphql from a browser
	// ("*" for any). Empty: no CORS headers (same-origin only).
	CORSOrigins []string

	// DisableIntrospection turns GraphQL introspection off (the playground
	// needs it; on by default).
	DisableIntrospection bool

	// MaxBodyBytes bounds a request body (413 beyond). Default 1 MiB.
	MaxBodyBytes int64
	// MaxDocumentsBytes bounds the body of POST /admin/documents (every
	// document's facts and full text). Default 64 MiB.
	MaxDocumentsBytes int64
	// ParserTokenLimit bounds the number of lexer tokens of a query.
	// Default 15,000.
	ParserTokenLimit int
	// MaxFields bounds the number of field selections of a query, fragments
	// expanded (validation cost grows faster than linearly with it).
	// Default 1,000.
	MaxFields int
	// MaxDepth bounds the nesting of selections (introspection fields not
	// counted). Default 12.
	MaxDepth int
	// MaxAliases bounds the number of aliased fields in an operation
	// (fragments counted at each use). Default 30.
	MaxAliases int
	// MaxComplexity bounds the computed cost of an operation: each field
	// costs 1 plus its selection, lists multiply their selection by their
	// first/limit. Default 25,000.
	MaxComplexity int
	// QueryTimeout bounds the execution of one GraphQL request; beyond it
	// resolvers fail with TIMEOUT. Default 10 s.
	QueryTimeout time.Duration

	// RateLimit is the sustained number of requests per second allowed per
	// client (by remote IP) on /graphql and /export; 0 disables it (default).
	RateLimit float64
	// RateBurst is the burst allowed above RateLimit. Default 20.
	RateBurst int
	// TrustProxyHeaders makes the first X-Forwarded-For address the client
	// identity for rate limiting and logs (only behind a trusted proxy).
	TrustProxyHeaders bool

	// http.Server timeouts and limits (NewHTTPServer).
	ReadHeaderTimeout time.Duration // default 5 s
	ReadTimeout       time.Duration // default 15 s
	WriteTimeout      time.Duration // default 30 s (must exceed QueryTimeout)
	IdleTimeout       time.Duration // default 120 s
	MaxHeaderBytes    int           // default 64 KiB

	// LoaderWait is the batching window of the per-request loaders.
	// Each level of nested loads waits it once, so it is paid two or three
	// times per request. Default 200 µs: the resolvers of a list start
	// within microseconds of each other, so a list's loads still join one
	// batch on an idle machine, while the wait stays small next to the
	// ~0.1 ms a request costs (BENCHMARKS.md, section 5). On a store
	// without the read index, where each batch is a database round trip,
	// a longer window (kg serve --loader-wait 2ms) trades latency for fewer
	// calls.
	LoaderWait time.Duration

	// ResponseCacheBytes bounds the memory of the response cache: the
	// bodies of successful queries, keyed by query text, operation name and
	// variables at the graph's current generation (any write empties it).
	// Mutations, responses with errors and requests with an Authorization
	// header are never cached. Default 64 MiB; negative: no cache.
	ResponseCacheBytes int64

	// Version is reported in the kg_build_info metric. Default: the module
	// version from the build info.
	Version string
}

// Defaults.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultMaxDocumentsBytes = 64 << 20
	DefaultParserTokenLimit  = 15000
	DefaultMaxFields         = 1000
	DefaultMaxDepth          = 12
	DefaultMaxAliases        = 30
	DefaultMaxComplexity     = 25000
	DefaultQueryTimeout      = 10 * time.Second
	DefaultRateBurst         = 20
	DefaultReadHeaderTimeout = 5 * time.Second
	DefaultReadTimeout       = 15 * time.Second
	DefaultWriteTimeout      = 30 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultMaxHeaderBytes    = 64 << 10
	DefaultLoaderWait        = resolvers.DefaultLoaderWait
	DefaultAdminActor        = "admin"
	DefaultResponseCache     = 64 << 20
)

// DefaultConfig returns the configuration with every default filled in.
func DefaultConfig() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	if c.AdminActor == "" {
		c.AdminActor = DefaultAdminActor
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.MaxDocumentsBytes == 0 {
		c.MaxDocumentsBytes = DefaultMaxDocumentsBytes
	}
	if c.ResponseCacheBytes == 0 {
		c.ResponseCacheBytes = DefaultResponseCache
	}
	def(&c.ParserTokenLimit, DefaultParserTokenLimit)
	def(&c.MaxFields, DefaultMaxFields)
	def(&c.MaxDepth, DefaultMaxDepth)
	def(&c.MaxAliases, DefaultMaxAliases)
	def(&c.MaxComplexity, DefaultMaxComplexity)
	def(&c.RateBurst, DefaultRateBurst)
	def(&c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	defDur(&c.QueryTimeout, DefaultQueryTimeout)
	defDur(&c.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	defDur(&c.ReadTimeout, DefaultReadTimeout)
	defDur(&c.WriteTimeout, DefaultWriteTimeout)
	defDur(&c.IdleTimeout, DefaultIdleTimeout)
	defDur(&c.LoaderWait, DefaultLoaderWait)
	return c
}
