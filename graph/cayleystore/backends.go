// Package cayleystore implements graph.Store on Cayley. It is the only
// package of the module that imports Cayley.
//
// Backends: "memory" (Cayley's memstore, for tests and throwaway use),
// "bbolt" (the embedded default, one file) and "postgres" (shared by many
// processes). The quad mapping is described in graph/doc.go.
package cayleystore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/cayleygraph/cayley/clog"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/memstore"
	csql "github.com/cayleygraph/cayley/graph/sql"
	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // registers the "postgres" SQL flavour and lib/pq
	hkv "github.com/hidal-go/hidalgo/kv"
	hbolt "github.com/hidal-go/hidalgo/kv/bbolt"
	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/minhang-kg/kg/graph"
)

func init() {
	// Cayley logs through its own global logger (clog, to the standard
	// log) errors that it also returns, and the store returns them
	// wrapped; silence it rather than print them twice, bypassing the
	// injected slog.Logger. Set here, before any goroutine can log.
	clog.SetLogger(nil)
}

// Backend names.
const (
	BackendMemory   = "memory"
	BackendBbolt    = "bbolt"
	BackendPostgres = "postgres"
)

// initialMmapSize is bbolt's first memory map: address space, not file
// size or memory. Big enough that creating a store (createValueBuckets)
// and loading graphs up to ~1e6 quads never remap, which costs a walk
// over every open bucket in the middle of a commit.
const initialMmapSize = 1 << 30

// Defaults. DefaultLockTimeout is short so that a second process on the
// same bbolt file fails fast, naming the file.
const (
	DefaultPath        = "./data/kg.db"
	DefaultLockTimeout = 500 * time.Millisecond
)

// Config selects and configures a backend.
type Config struct {
	Backend     string        // "memory" | "bbolt" | "postgres"
	Path        string        // bbolt file; default DefaultPath
	DSN         string        // postgres connection string (lib/pq syntax)
	LockTimeout time.Duration // how long to wait for another process's bbolt lock; default DefaultLockTimeout
}

// Open opens (creating when needed) the configured store.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("cayleystore: open: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "cayleystore", "backend", cfg.Backend)
	var (
		s   *Store
		err error
	)
	switch cfg.Backend {
	case BackendMemory:
		s = &Store{qs: memstore.New()}
	case BackendBbolt:
		s, err = openBbolt(cfg, log)
	case BackendPostgres:
		s, err = openPostgres(ctx, cfg)
	default:
		return nil, fmt.Errorf("cayleystore: unknown backend %q (want %s, %s or %s)", cfg.Backend, BackendMemory, BackendBbolt, BackendPostgres)
	}
	if err != nil {
		return nil, err
	}
	s.backend, s.log = cfg.Backend, log
	switch cfg.Backend {
	case BackendBbolt:
		log.InfoContext(ctx, "store opened", "path", cmp.Or(cfg.Path, DefaultPath))
	case BackendPostgres:
		log.InfoContext(ctx, "store opened", "database", redactDSN(cfg.DSN))
	default:
		log.InfoContext(ctx, "store opened")
	}
	return s, nil
}

// redactDSN drops the password from a PostgreSQL DSN, for logs.
func redactDSN(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		return u.Redacted()
	}
	var kept []string
	for _, f := range strings.Fields(dsn) {
		if !strings.HasPrefix(f, "password=") {
			kept = append(kept, f)
		}
	}
	return strings.Join(kept, " ")
}

// openBbolt opens the bbolt file itself, with a lock timeout (Cayley's own
// bbolt registration waits forever for another process's lock), then hands
// it to Cayley's kv quad store without bloom filters (which would take
// ~150 MB of heap on a fresh store).
func openBbolt(cfg Config, log *slog.Logger) (*Store, error) {
	return openBboltIndexes(cfg, log, quadIndexes)
}

// openBboltIndexes opens a bbolt store with the given quad indexes, migrating an
// existing store to them (tests make legacy stores with it).
func openBboltIndexes(cfg Config, log *slog.Logger, indexes []kv.QuadIndex) (*Store, error) {
	path := cfg.Path
	if path == "" {
		path = DefaultPath
	}
	timeout := cfg.LockTimeout
	if timeout <= 0 {
		timeout = DefaultLockTimeout
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cayleystore: bbolt %s: %w", path, err)
		}
	}
	db, err := bolt.Open(path, 0o644, &bolt.Options{Timeout: timeout, InitialMmapSize: initialMmapSize})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("cayleystore: bbolt %s: %w (waited %s for its lock): %w", path, graph.ErrLocked, timeout, err)
	}
	if err != nil {
		return nil, fmt.Errorf("cayleystore: bbolt %s: %w", path, err)
	}
	skv := &sharedTxKV{KV: hbolt.New(db), db: db}
	switch err := kv.Init(skv, nil); {
	case err == nil:
		if err := errors.Join(createValueBuckets(db), setQuadIndexes(skv, indexes)); err != nil {
			db.Close()
			return nil, fmt.Errorf("cayleystore: bbolt %s: init: %w", path, err)
		}
	case !errors.Is(err, cgraph.ErrDatabaseExists):
		db.Close()
		return nil, fmt.Errorf("cayleystore: bbolt %s: init: %w", path, err)
	}
	if _, err := migrateQuadIndexes(db, indexes, log, path); err != nil {
		db.Close()
		return nil, fmt.Errorf("cayleystore: bbolt %s: %w", path, err)
	}
	opts := cgraph.Options{kv.OptNoBloom: true}
	qs, err := kv.New(skv, opts)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("cayleystore: bbolt %s: %w", path, err)
	}
	s := &Store{
		qs:   qs,
		bolt: db,
		skv:  skv,
		// The list migrateQuadIndexes made the store's.
		kvIndexes: indexes,
		ping: func(context.Context) error {
			return db.View(func(*bolt.Tx) error { return nil })
		},
	}
	s.inTx = func(run func() error) error {
		err := skv.within(run)
		if err != nil {
			// A failed ApplyDeltas may leave Cayley's in-memory caches
			// (value IDs) ahead of the rolled-back file: start afresh.
			if qs, err2 := kv.New(skv, opts); err2 == nil {
				s.qs = qs
			} else {
				err = errors.Join(err, err2)
			}
		}
		return err
	}
	return s, nil
}

// createValueBuckets creates, in a new store, the 2×65536 buckets Cayley's
// kv store shards node values and reference counts into ("v" and "n" and
// two bytes of the value hash), as its "upfront" option does. Without them
// the first large write creates them inside its one transaction, where
// bbolt's in-memory root node makes each creation move all the others, so
// a big first load slows down several times. Created in key order (which
// "upfront" does not), they cost one cheap transaction and ~16 MB of file.
func createValueBuckets(db *bolt.DB) error {
	return db.Update(func(tx *bolt.Tx) error {
		for _, prefix := range []byte{'n', 'v'} {
			for i := range 256 {
				for j := range 256 {
					if _, err := tx.CreateBucketIfNotExists([]byte{prefix, byte(i), byte(j)}); err != nil {
						return err
					}
				}
			}
		}
		return nil
	})
}

// sharedTxKV lets several Cayley ApplyDeltas calls run inside one bbolt
// write transaction: while within runs, Cayley's write transactions are
// the shared one, whose Commit and Close do nothing; within commits it at
// the end, or rolls it back.
//
// Why: Cayley's kv ApplyDeltas mis-resolves a node that both loses
// references (net) and appears in an added quad of the same batch (it
// writes the added quad with a zero ID for that node, so the quad is
// lost), which is the normal shape of a document replacement. Deleting in
// one call and adding in a second, in one transaction, avoids it and keeps
// the replacement atomic.
type sharedTxKV struct {
	hkv.KV
	db *bolt.DB
	tx hkv.Tx // set only while within runs, under the Store's write lock
	// counter, when set (tests), counts the traffic of every transaction.
	counter *kvCounter
}

func (k *sharedTxKV) Tx(ctx context.Context, rw bool) (hkv.Tx, error) {
	if rw && k.tx != nil {
		return borrowedTx{k.tx}, nil
	}
	tx, err := k.KV.Tx(ctx, rw)
	if err == nil && k.counter != nil {
		tx = countingTx{tx, k.counter}
	}
	return tx, err
}

func (k *sharedTxKV) within(run func() error) (err error) {
	ctx := context.Background()
	btx, err := k.db.Begin(true)
	if err != nil {
		return err
	}
	var tx hkv.Tx = newBoltTx(btx)
	if k.counter != nil {
		tx = countingTx{tx, k.counter}
	}
	k.tx = tx
	defer func() {
		k.tx = nil
		if err != nil {
			tx.Close() // rolls back
		}
	}()
	if err := run(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// borrowedTx is the shared transaction as Cayley sees it.
type borrowedTx struct{ hkv.Tx }

func (borrowedTx) Commit(context.Context) error { return nil }
func (borrowedTx) Close() error                 { return nil }

// openPostgres opens Cayley's SQL quad store on PostgreSQL, creating its
// tables when missing.
func openPostgres(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.DSN == "" {
		return nil, fmt.Errorf("cayleystore: postgres: empty DSN")
	}
	// A separate pool for Ping: Cayley does not expose its own.
	db, err := sql.Open("postgres", cfg.DSN)
	if err != nil {
		return nil, fmt.Errorf("cayleystore: postgres: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		if unavailable(err) {
			return nil, fmt.Errorf("cayleystore: postgres %s: %w: %w", redactDSN(cfg.DSN), graph.ErrUnavailable, err)
		}
		return nil, fmt.Errorf("cayleystore: postgres %s: %w", redactDSN(cfg.DSN), err)
	}
	var initialised bool
	if err := db.QueryRowContext(ctx, `SELECT to_regclass('nodes') IS NOT NULL AND to_regclass('quads') IS NOT NULL`).Scan(&initialised); err != nil {
		db.Close()
		return nil, fmt.Errorf("cayleystore: postgres: %w", err)
	}
	if !initialised {
		// Another process may be initialising at the same time: then one of
		// us finds the tables made.
		if err := csql.Init(BackendPostgres, cfg.DSN, nil); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
			db.Close()
			return nil, fmt.Errorf("cayleystore: postgres: init schema: %w", err)
		}
	}
	// Documents are read by quad label; Cayley indexes the other three
	// directions only.
	if _, err := db.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS kg_label_index ON quads (label_hash)`); err != nil {
		db.Close()
		return nil, fmt.Errorf("cayleystore: postgres: create label index: %w", err)
	}
	qs, err := csql.New(BackendPostgres, cfg.DSN, nil)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("cayleystore: postgres: %w", err)
	}
	return &Store{qs: qs, sqlDB: db, ping: db.PingContext, onClose: db.Close}, nil
}
