package cayleystore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/storetest"
	"github.com/minhang-kg/kg/internal/pgtest"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// openT opens a store for a test and closes it at cleanup (ignoring
// ErrClosed from stores the test closed itself).
func openT(t *testing.T, cfg Config) *Store {
	t.Helper()
	s, err := Open(t.Context(), cfg, testLogger(t))
	if err != nil {
		t.Fatalf("Open(%+v): %v", cfg, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil && !errors.Is(err, graph.ErrClosed) {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openT(t, Config{Backend: BackendMemory})
	})
}

func TestBbolt(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		return openT(t, Config{Backend: BackendBbolt, Path: filepath.Join(t.TempDir(), "sub", "kg.db")})
	})
}

// TestExportParses reads the export back with Cayley's N-Quads parser.
func TestExportParses(t *testing.T) {
	for _, backend := range []string{BackendMemory, BackendBbolt, BackendPostgres} {
		t.Run(backend, func(t *testing.T) {
			s := openBackend(t, backend)
			f := graph.DocumentFacts{
				Document: graph.Document{ID: "doc/x", Title: "标题", Text: "第一行\n第二行\t\"引号\" \\ 反斜杠"},
				Entities: []graph.Entity{
					{ID: "org/a", Kind: graph.KindInstitution, Name: "甲", NameEn: "A \"quoted\"", Attributes: []graph.Attribute{{Key: "count", Value: "8", Unit: "个", Type: graph.AttrInteger}}},
					{ID: "org/b", Kind: graph.KindCompany, Name: "乙", Evidence: []graph.Evidence{{Quote: "第一行", Start: 0, End: 3}}},
				},
				Relations: []graph.Relation{{Subject: "org/a", Predicate: "partners_with", Object: "org/b"}},
			}
			if _, err := s.ReplaceDocument(t.Context(), f); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := s.ExportNQuads(t.Context(), &buf); err != nil {
				t.Fatal(err)
			}
			r := nquads.NewReader(bytes.NewReader(buf.Bytes()), false)
			n := 0
			for {
				q, err := r.ReadQuad()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("quad %d: %v", n+1, err)
				}
				if q.Subject == nil || q.Predicate == nil || q.Object == nil {
					t.Errorf("quad %d incomplete: %v", n+1, q)
				}
				n++
			}
			st, err := s.Stats(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if int64(n) != st.Quads-1 { // all but the generation
				t.Errorf("parsed %d quads, Stats.Quads = %d", n, st.Quads)
			}
			if c, err := storetest.CountNQuads(buf.String()); err != nil || c != n {
				t.Errorf("storetest.CountNQuads = %d, %v; Cayley's parser read %d", c, err, n)
			}
		})
	}
}

func TestBboltReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "kg.db")
	ctx := t.Context()
	f := graph.DocumentFacts{
		Document: graph.Document{ID: "doc/x", Title: "标题", Text: "甲与乙合作。"},
		Entities: []graph.Entity{
			{ID: "org/a", Kind: graph.KindInstitution, Name: "甲", Aliases: []string{"甲方"}},
			{ID: "org/b", Kind: graph.KindCompany, Name: "乙"},
		},
		Relations: []graph.Relation{{Subject: "org/a", Predicate: "partners_with", Object: "org/b", Evidence: []graph.Evidence{{Quote: "甲与乙合作", Start: 0, End: 5}}}},
	}
	type view struct {
		Entities []*graph.Entity
		Rels     map[string][]*graph.Relation
		Stats    graph.Stats
		Gen      int64
		Export   string
		Audit    []graph.AuditEntry
	}
	read := func(s *Store) view {
		t.Helper()
		var v view
		var err error
		if v.Entities, err = s.Entities(ctx, []string{"org/a", "org/b"}); err != nil {
			t.Fatal(err)
		}
		if v.Rels, err = s.RelationsOf(ctx, []string{"org/a"}, graph.RelationFilter{}); err != nil {
			t.Fatal(err)
		}
		if v.Stats, err = s.Stats(ctx); err != nil {
			t.Fatal(err)
		}
		if v.Gen, err = s.Generation(ctx); err != nil {
			t.Fatal(err)
		}
		if v.Audit, err = s.Audit(ctx, 0); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := s.ExportNQuads(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		v.Export = buf.String()
		return v
	}
	cfg := Config{Backend: BackendBbolt, Path: path}
	s, err := Open(ctx, cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReplaceDocument(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := s.AppendAudit(ctx, graph.AuditEntry{Actor: "admin", Action: "upsertEntity", Target: "org/a"}); err != nil {
		t.Fatal(err)
	}
	before := read(s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The file has the predicate and label indexes (else reads by
	// predicate or document scan all quads), and they hold every quad.
	checkKVIndexes(t, path, quadIndexes)
	s2 := openT(t, cfg)
	after := read(s2)
	if !reflect.DeepEqual(before, after) {
		t.Errorf("reopened store differs:\nbefore %+v\nafter  %+v", before, after)
	}
	if before.Entities[0] == nil || len(before.Rels["org/a"]) != 1 || len(before.Audit) != 1 {
		t.Fatalf("nothing was stored: %+v", before)
	}
	// Writes after reopening work and are idempotent.
	if ch, err := s2.ReplaceDocument(ctx, f); err != nil || !ch.Unchanged() {
		t.Errorf("reload after reopen: %+v, %v", ch, err)
	}
	f.Entities[1].NameEn = "B Co."
	if ch, err := s2.ReplaceDocument(ctx, f); err != nil || ch.EntitiesChanged != 1 {
		t.Errorf("change after reopen: %+v, %v", ch, err)
	}
}

// childEnv names the bbolt file a re-executed test binary tries to open
// (see TestBboltSecondProcess).
const childEnv = "KG_TEST_BBOLT_SECOND_PROCESS"

// Exit codes of the child process.
const (
	childOpened = 0
	childLocked = 3
	childOther  = 4
)

// TestBboltSecondProcess re-executes the test binary so that a real second
// process opens the bbolt file the first one holds: it must fail fast with
// ErrLocked and name the file, not hang.
func TestBboltSecondProcess(t *testing.T) {
	if path := os.Getenv(childEnv); path != "" {
		runChild(path)
		return
	}
	path := filepath.Join(t.TempDir(), "kg.db")
	s := openT(t, Config{Backend: BackendBbolt, Path: path})
	if _, err := s.ReplaceDocument(t.Context(), graph.DocumentFacts{Document: graph.Document{ID: "doc/x"}}); err != nil {
		t.Fatal(err)
	}

	child := func() (code int, stderr string) {
		t.Helper()
		// The bound only catches a hang.
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestBboltSecondProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnv+"="+path)
		var errBuf bytes.Buffer
		cmd.Stderr = &errBuf
		err := cmd.Run()
		if ctx.Err() != nil {
			t.Fatalf("second process still running after 30s (hangs on the lock?); stderr: %s", errBuf.String())
		}
		var ee *exec.ExitError
		switch {
		case err == nil:
			return 0, errBuf.String()
		case errors.As(err, &ee):
			return ee.ExitCode(), errBuf.String()
		}
		t.Fatalf("running second process: %v", err)
		return 0, ""
	}

	code, stderr := child()
	if code != childLocked {
		t.Fatalf("second process exit code %d, want %d (locked); stderr:\n%s", code, childLocked, stderr)
	}
	t.Logf("second process: exit %d, stderr:\n%s", code, stderr)
	if !strings.Contains(stderr, path) {
		t.Errorf("second process's error does not name the file %s:\n%s", path, stderr)
	}
	// It gave up because the lock timeout ran out (bbolt's Timeout option
	// is set), not for another reason: the error says how long it waited.
	if want := fmt.Sprintf("waited %s for its lock", DefaultLockTimeout); !strings.Contains(stderr, want) {
		t.Errorf("second process's error does not say %q:\n%s", want, stderr)
	}

	// Once the first process lets go, the second opens the file.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if code, stderr := child(); code != childOpened {
		t.Errorf("second process after Close: exit code %d; stderr:\n%s", code, stderr)
	}
}

// runChild is the second process: it opens path once and exits with a code
// saying what happened.
func runChild(path string) {
	s, err := Open(context.Background(), Config{Backend: BackendBbolt, Path: path}, nil)
	switch {
	case err == nil:
		s.Close()
		os.Exit(childOpened)
	case errors.Is(err, graph.ErrLocked):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(childLocked)
	default:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(childOther)
	}
}

// TestCayleyKVMixedBatch pins the Cayley kv bug sharedTxKV works around:
// one ApplyDeltas that deletes a node's last-but-one reference and adds a
// quad using that node writes the added quad with a zero node ID, so the
// quad cannot be read. If this test fails, Cayley fixed it, and Store.apply
// could go back to a single ApplyDeltas call.
func TestCayleyKVMixedBatch(t *testing.T) {
	s := openT(t, Config{Backend: BackendBbolt, Path: filepath.Join(t.TempDir(), "kg.db")})
	x, g := quad.IRI("x"), quad.IRI("g")
	q1 := quad.Quad{Subject: x, Predicate: quad.IRI("p1"), Object: quad.String("a"), Label: g}
	q2 := quad.Quad{Subject: x, Predicate: quad.IRI("p2"), Object: quad.String("b"), Label: g}
	q3 := quad.Quad{Subject: x, Predicate: quad.IRI("p3"), Object: quad.String("c"), Label: g}
	if err := s.qs.ApplyDeltas([]cgraph.Delta{{Quad: q1, Action: cgraph.Add}, {Quad: q2, Action: cgraph.Add}}, cgraph.IgnoreOpts{}); err != nil {
		t.Fatal(err)
	}
	// x loses two references and gains one: net -1.
	err := s.qs.ApplyDeltas([]cgraph.Delta{
		{Quad: q1, Action: cgraph.Delete}, {Quad: q2, Action: cgraph.Delete}, {Quad: q3, Action: cgraph.Add},
	}, cgraph.IgnoreOpts{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.reader(t.Context()).quads(quad.Subject, []quad.Value{x}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 1 && got[0] == q3 {
		t.Fatal("Cayley's kv ApplyDeltas now keeps the added quad: the two-call workaround in Store.apply (sharedTxKV) can be removed")
	}
	if len(got) != 0 {
		t.Fatalf("quads of x after the mixed batch: %v", got)
	}
	// Store.apply (deletes, then adds, in one transaction) keeps it.
	y := quad.IRI("y")
	r1 := quad.Quad{Subject: y, Predicate: quad.IRI("p1"), Object: quad.String("a"), Label: g}
	r2 := quad.Quad{Subject: y, Predicate: quad.IRI("p2"), Object: quad.String("b"), Label: g}
	r3 := quad.Quad{Subject: y, Predicate: quad.IRI("p3"), Object: quad.String("c"), Label: g}
	if err := s.apply([]cgraph.Delta{{Quad: r1, Action: cgraph.Add}, {Quad: r2, Action: cgraph.Add}}); err != nil {
		t.Fatal(err)
	}
	if err := s.apply([]cgraph.Delta{{Quad: r1, Action: cgraph.Delete}, {Quad: r2, Action: cgraph.Delete}, {Quad: r3, Action: cgraph.Add}}); err != nil {
		t.Fatal(err)
	}
	got, err = s.reader(t.Context()).quads(quad.Subject, []quad.Value{y}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != r3 {
		t.Errorf("quads of y after Store.apply: %v, want [%v]", got, r3)
	}
}

// TestBboltApplyRollsBack: when the adding half of a write fails, the
// deleting half already applied in the same bbolt transaction is rolled
// back with it, and the store keeps working.
func TestBboltApplyRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kg.db")
	s := openT(t, Config{Backend: BackendBbolt, Path: path})
	x, g := quad.IRI("x"), quad.IRI("g")
	q1 := quad.Quad{Subject: x, Predicate: quad.IRI("p1"), Object: quad.String("a"), Label: g}
	q2 := quad.Quad{Subject: x, Predicate: quad.IRI("p2"), Object: quad.IRI("new-node"), Label: g}
	q3 := quad.Quad{Subject: x, Predicate: quad.IRI("p3"), Object: quad.String("c"), Label: g}
	if err := s.apply([]cgraph.Delta{{Quad: q1, Action: cgraph.Add}, {Quad: q3, Action: cgraph.Add}}); err != nil {
		t.Fatal(err)
	}
	// Delete q1, add q2 (new nodes) and q3 again: adding q3 fails.
	err := s.apply([]cgraph.Delta{{Quad: q1, Action: cgraph.Delete}, {Quad: q2, Action: cgraph.Add}, {Quad: q3, Action: cgraph.Add}})
	if !errors.Is(err, cgraph.ErrQuadExists) {
		t.Fatalf("apply: %v, want ErrQuadExists", err)
	}
	check := func(s *Store, when string) {
		t.Helper()
		got, err := s.reader(t.Context()).quads(quad.Subject, []quad.Value{x}, nil)
		if err != nil {
			t.Fatal(err)
		}
		sortQuads(got)
		if want := sortQuads([]quad.Quad{q1, q3}); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: quads %v, want %v", when, got, want)
		}
	}
	check(s, "after the failed write")
	// The store still writes correctly (no stale node IDs cached by the
	// failed attempt), also after reopening.
	if err := s.apply([]cgraph.Delta{{Quad: q2, Action: cgraph.Add}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.reader(t.Context()).quads(quad.Object, []quad.Value{q2.Object}, nil)
	if err != nil || len(got) != 1 || got[0] != q2 {
		t.Errorf("quad with a node the failed write had created: %v, %v; want [%v]", got, err, q2)
	}
	if err := s.apply([]cgraph.Delta{{Quad: q2, Action: cgraph.Delete}}); err != nil {
		t.Fatal(err)
	}
	check(s, "after writing again")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	check(openT(t, Config{Backend: BackendBbolt, Path: path}), "after reopening")
}

// openBackend opens an empty store of the backend: bbolt in a temporary
// file, PostgreSQL in a fresh database (pgtest: fails under CI=true without one).
func openBackend(t *testing.T, backend string) *Store {
	t.Helper()
	cfg := Config{Backend: backend, Path: filepath.Join(t.TempDir(), "kg.db")}
	if backend == BackendPostgres {
		cfg.DSN = pgtest.DSN(t)
	}
	return openT(t, cfg)
}
