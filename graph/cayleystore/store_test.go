package cayleystore

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/cayleygraph/quad/nquads"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/storetest"
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
	for _, backend := range []string{BackendMemory, BackendBbolt} {
		t.Run(backend, func(t *testing.T) {
			s := openT(t, Config{Backend: backend, Path: filepath.Join(t.TempDir(), "kg.db")})
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
			if int64(n) != st.Quads {
				t.Errorf("parsed %d quads, Stats.Quads = %d", n, st.Quads)
			}
			if c, err := storetest.CountNQuads(buf.String()); err != nil || c != n {
				t.Errorf("storetest.CountNQuads = %d, %v; Cayley's parser read %d", c, err, n)
			}
		})
	}
}
