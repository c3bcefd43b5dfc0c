package benchenv

import (
	"bufio"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/minhang-kg/kg/graph"
)

// Opener opens a store of one backend; cayleystore tests and the bench
// package provide it (only graph/cayleystore may import Cayley, and this
// package must not import the store, to be usable from its tests).
type Opener func(ctx context.Context, backend, path, dsn string) (graph.Store, error)

// BulkLoader writes f into the empty store s. A test binary that can do
// better than ReplaceDocument for a benchmark fixture (Cayley's batch
// writer, graph/cayleystore's baseline_test.go) sets BulkLoad; the fixture
// is checked against the expected counts afterwards either way.
type BulkLoader func(ctx context.Context, s graph.Store, f graph.DocumentFacts) error

// BulkLoad loads empty fixture stores; nil means ReplaceDocument (atomic,
// the seed path).
var BulkLoad BulkLoader

// fixture describes what a cached store holds. It is kept beside a bbolt
// file (<file>.fixture) and in a table of a PostgreSQL fixture database,
// and a cached store is reused only while the generator's output (its
// fingerprint) and the store's generation are unchanged.
type fixture struct {
	Quads       int     `json:"quads"` // requested size
	Seed        int64   `json:"seed"`
	Fingerprint string  `json:"fingerprint"` // of the generated facts
	Entities    int     `json:"entities"`
	Relations   int     `json:"relations"`
	Generation  int64   `json:"generation"` // the store's, after loading
	LoadSeconds float64 `json:"load_seconds,omitempty"`
	Loader      string  `json:"loader,omitempty"`
}

var fingerprints = map[int]string{}

// fingerprint hashes the generated facts of a size, so a cached store
// built by an older generator is not reused.
func fingerprint(quads int) string {
	f := Facts(quads)
	factsMu.Lock()
	defer factsMu.Unlock()
	if fp, ok := fingerprints[quads]; ok {
		return fp
	}
	h := sha256.New()
	w := bufio.NewWriter(h)
	if err := json.NewEncoder(w).Encode(f); err != nil {
		panic(err)
	}
	w.Flush()
	fp := hex.EncodeToString(h.Sum(nil))[:16]
	fingerprints[quads] = fp
	return fp
}

func wantFixture(quads int) fixture {
	f := Facts(quads)
	return fixture{Quads: quads, Seed: Seed(), Fingerprint: fingerprint(quads), Entities: len(f.Entities), Relations: len(f.Relations)}
}

// same reports whether a stored fixture record describes want.
func (got fixture) same(want fixture) bool {
	return got.Quads == want.Quads && got.Seed == want.Seed && got.Fingerprint == want.Fingerprint &&
		got.Entities == want.Entities && got.Relations == want.Relations
}

// Loaded opens a store of the backend holding the synthetic graph of quads
// quads, and closes it when tb ends.
//
//   - memory: loaded each time.
//   - bbolt: one file per size and seed under CacheDir, built once and
//     reopened while its <file>.fixture record matches the generator and
//     the store's generation (a file without the record is rebuilt).
//   - postgres: one database per size and seed (kg_bench_<quads>_seed<seed>)
//     on the server of KG_TEST_PG_DSN, with its record in the table
//     kg_bench_fixture; dropped and rebuilt when the record or the
//     generation differs.
//
// Empty stores are loaded with BulkLoad (or ReplaceDocument) and then
// checked with Stats.
func Loaded(tb testing.TB, open Opener, backend string, quads int) graph.Store {
	tb.Helper()
	ctx := context.Background()
	switch backend {
	case "bbolt":
		return loadedBbolt(ctx, tb, open, quads)
	case "postgres":
		return loadedPostgres(ctx, tb, open, quads)
	}
	s, err := open(ctx, backend, "", "")
	if err != nil {
		tb.Fatalf("open %s: %v", backend, err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := load(ctx, tb, s, quads, backend); err != nil {
		tb.Fatal(err)
	}
	LogMem(tb, fmt.Sprintf("%s/%s loaded", SizeName(quads), backend))
	return s
}

// load writes the facts of quads into the empty store s and checks the
// counts; it returns the record to keep.
func load(ctx context.Context, tb testing.TB, s graph.Store, quads int, backend string) (fixture, error) {
	tb.Helper()
	f := Facts(quads)
	rec := wantFixture(quads)
	t0 := time.Now()
	if BulkLoad != nil {
		rec.Loader = "bulk"
		if err := BulkLoad(ctx, s, f); err != nil {
			return rec, fmt.Errorf("bulk load %d quads into %s: %w", quads, backend, err)
		}
	} else {
		rec.Loader = "ReplaceDocument"
		if _, err := s.ReplaceDocument(ctx, f); err != nil {
			return rec, fmt.Errorf("load %d quads into %s: %w", quads, backend, err)
		}
	}
	rec.LoadSeconds = time.Since(t0).Seconds()
	st, err := s.Stats(ctx)
	if err != nil {
		return rec, fmt.Errorf("stats after loading %s: %w", backend, err)
	}
	if st.Entities != rec.Entities || st.Relations != rec.Relations {
		return rec, fmt.Errorf("%s after loading: %d entities, %d relations; want %d, %d", backend, st.Entities, st.Relations, rec.Entities, rec.Relations)
	}
	if rec.Generation, err = s.Generation(ctx); err != nil {
		return rec, fmt.Errorf("generation after loading %s: %w", backend, err)
	}
	tb.Logf("fixture %s/%s: loaded %d quads with %s in %.1f s (%.0f quads/s)", SizeName(quads), backend,
		st.Quads, rec.Loader, rec.LoadSeconds, float64(st.Quads)/rec.LoadSeconds)
	return rec, nil
}

func loadedBbolt(ctx context.Context, tb testing.TB, open Opener, quads int) graph.Store {
	tb.Helper()
	if err := os.MkdirAll(CacheDir(), 0o755); err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(CacheDir(), fmt.Sprintf("bbolt-%d-seed%d.db", quads, Seed()))
	recPath := path + ".fixture"
	want := wantFixture(quads)
	s, err := open(ctx, "bbolt", path, "")
	if err != nil {
		tb.Fatalf("open bbolt %s: %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	gen, err := s.Generation(ctx)
	if err != nil {
		tb.Fatalf("bbolt %s: generation: %v", path, err)
	}
	var rec fixture
	if b, err := os.ReadFile(recPath); err == nil && json.Unmarshal(b, &rec) == nil && rec.same(want) && rec.Generation == gen {
		tb.Logf("fixture %s/bbolt: reusing %s (generation %d)", SizeName(quads), path, gen)
		LogMem(tb, fmt.Sprintf("%s/bbolt opened", SizeName(quads)))
		return s
	}
	// No (matching) record: rebuild from an empty file. (A cache file of an
	// older version of the store, e.g. without its predicate and label
	// indexes, has the right counts but not the current format; and a stale
	// file could make ReplaceDocument a huge diff.)
	s.Close()
	for _, p := range []string{recPath, path} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			tb.Fatal(err)
		}
	}
	if s, err = open(ctx, "bbolt", path, ""); err != nil {
		tb.Fatalf("open bbolt %s: %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	if rec, err = load(ctx, tb, s, quads, "bbolt"); err != nil {
		tb.Fatal(err)
	}
	b, _ := json.Marshal(rec)
	if err := os.WriteFile(recPath, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	LogMem(tb, fmt.Sprintf("%s/bbolt loaded", SizeName(quads)))
	return s
}

// postgresFixtureDSN is KG_TEST_PG_DSN with the database replaced by db.
func postgresFixtureDSN(db string) (string, error) {
	u, err := url.Parse(PostgresDSN())
	if err != nil || u.Scheme == "" {
		return "", fmt.Errorf("KG_TEST_PG_DSN must be a postgres:// URL: %v", err)
	}
	u.Path = "/" + db
	return u.String(), nil
}

func loadedPostgres(ctx context.Context, tb testing.TB, open Opener, quads int) graph.Store {
	tb.Helper()
	if PostgresDSN() == "" {
		tb.Skip("KG_TEST_PG_DSN not set (scripts/pg.sh start)")
	}
	name := fmt.Sprintf("kg_bench_%d_seed%d", quads, Seed())
	dsn, err := postgresFixtureDSN(name)
	if err != nil {
		tb.Fatal(err)
	}
	want := wantFixture(quads)
	if rec, ok := readPGFixture(ctx, dsn); ok && rec.same(want) {
		s, err := open(ctx, "postgres", "", dsn)
		if err != nil {
			tb.Fatalf("open postgres %s: %v", name, err)
		}
		if gen, err := s.Generation(ctx); err == nil && gen == rec.Generation {
			tb.Cleanup(func() { s.Close() })
			tb.Logf("fixture %s/postgres: reusing database %s (generation %d, loaded in %.1f s with %s)", SizeName(quads), name, gen, rec.LoadSeconds, rec.Loader)
			LogMem(tb, fmt.Sprintf("%s/postgres opened", SizeName(quads)))
			return s
		}
		s.Close()
	}
	if err := recreateDB(ctx, name); err != nil {
		tb.Fatalf("postgres fixture database %s: %v", name, err)
	}
	s, err := open(ctx, "postgres", "", dsn)
	if err != nil {
		tb.Fatalf("open postgres %s: %v", name, err)
	}
	tb.Cleanup(func() { s.Close() })
	rec, err := load(ctx, tb, s, quads, "postgres")
	if err != nil {
		tb.Fatal(err)
	}
	if err := writePGFixture(ctx, dsn, rec); err != nil {
		tb.Fatalf("postgres fixture record: %v", err)
	}
	LogMem(tb, fmt.Sprintf("%s/postgres loaded", SizeName(quads)))
	return s
}

// readPGFixture reads the fixture record of a database; ok is false when
// the database or the record is missing.
func readPGFixture(ctx context.Context, dsn string) (fixture, bool) {
	var rec fixture
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return rec, false
	}
	defer db.Close()
	var b []byte
	if err := db.QueryRowContext(ctx, `SELECT record FROM kg_bench_fixture`).Scan(&b); err != nil {
		return rec, false
	}
	return rec, json.Unmarshal(b, &rec) == nil
}

func writePGFixture(ctx context.Context, dsn string, rec fixture) error {
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE kg_bench_fixture (record text NOT NULL)`); err != nil {
		return err
	}
	_, err = db.ExecContext(ctx, `INSERT INTO kg_bench_fixture (record) VALUES ($1)`, string(b))
	return err
}

// recreateDB drops and creates the fixture database through the
// KG_TEST_PG_DSN database.
func recreateDB(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", PostgresDSN())
	if err != nil {
		return err
	}
	defer db.Close()
	q := pq.QuoteIdentifier(name)
	if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+q+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop: %w", err)
	}
	if _, err := db.ExecContext(ctx, `CREATE DATABASE `+q); err != nil {
		return fmt.Errorf("create: %w", err)
	}
	return nil
}

// LogMem logs the Go heap in use and the process RSS (VmRSS, RssAnon,
// RssFile of /proc/self/status, where available) after a GC.
func LogMem(tb testing.TB, what string) {
	tb.Helper()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	tb.Logf("mem %s: heap %.0f MB, %s", what, float64(m.HeapAlloc)/(1<<20), procRSS())
}

func procRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "RSS n/a"
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		for _, k := range []string{"VmRSS:", "RssAnon:", "RssFile:"} {
			if strings.HasPrefix(l, k) {
				var kb int
				fmt.Sscan(strings.TrimSpace(strings.TrimPrefix(l, k)), &kb)
				out = append(out, fmt.Sprintf("%s %.0f MB", strings.TrimSuffix(k, ":"), float64(kb)/1024))
			}
		}
	}
	return strings.Join(out, ", ")
}

// MaxOp is KG_BENCH_MAX_OP (a duration, default 20s): a benchmark cell
// whose single operation takes longer is not run (see Bench).
func MaxOp() time.Duration {
	if v := os.Getenv("KG_BENCH_MAX_OP"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			panic(fmt.Sprintf("KG_BENCH_MAX_OP: %v", err))
		}
		return d
	}
	return 20 * time.Second
}

// SlowOp is the time per operation above which a cell is measured with
// the probe alone (one operation), not b.Loop.
const SlowOp = time.Second

// Bench runs one benchmark cell: op(ctx, i) for i = 0, 1, ... under
// b.Loop. It first runs op once under a MaxOp deadline (the probe): if
// that fails with the deadline, or takes longer than MaxOp, the cell is not
// run: it logs "not run: one op > MaxOp" and reports the metric not-run = 1
// next to the probe's time (so that one pathological cell, such as
// Cayley's Path API for partners on bbolt at 1e6, cannot stall a run); if it
// takes longer than SlowOp, the cell times b.N operations after the probe
// (one with the default -benchtime), so slow cells cost two operations.
func Bench(b *testing.B, op func(ctx context.Context, i int) error) {
	b.Helper()
	ctx := context.Background()
	pctx, cancel := context.WithTimeout(ctx, MaxOp())
	t0 := time.Now()
	err := op(pctx, 0)
	took := time.Since(t0)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) || (err == nil && took > MaxOp()) {
		// Not b.Skip: a skipped benchmark prints nothing without -v. The
		// result line carries the probe's time and a "not-run" metric.
		b.Logf("not run: one op > %v (probe stopped after %v)", MaxOp(), took.Round(time.Millisecond))
		b.ReportMetric(1, "not-run")
		return
	}
	if err != nil {
		b.Fatal(err)
	}
	if took > SlowOp {
		// No b.Loop, the classic b.N protocol: b.N is 1 on the first call
		// (and the probe took more than -benchtime 1s, so the framework
		// stops there); -benchtime Nx calls again with N. The probe is not
		// timed: a first call can fill a cache (the index's lazy quad
		// count) that later calls use.
		b.Logf("slow cell (probe %v): no b.Loop, %d timed op(s)", took.Round(time.Millisecond), b.N)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			if err := op(ctx, i+1); err != nil {
				b.Fatal(err)
			}
		}
		return
	}
	for i := 0; b.Loop(); i++ {
		if err := op(ctx, i); err != nil {
			b.Fatal(err)
		}
	}
}
