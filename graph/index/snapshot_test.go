package index_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/graph/storetest"
	"github.com/minhang-kg/kg/internal/kgtest"
	"github.com/minhang-kg/kg/internal/synth"
)

// logBuf collects log lines of an index for assertions.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func openBbolt(t *testing.T, path string) graph.Store {
	t.Helper()
	s, err := cayleystore.Open(t.Context(), cayleystore.Config{Backend: cayleystore.BackendBbolt, Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// openSnapshotted opens the bbolt store at path behind an index with a
// snapshot; it returns the index, the counting backing store (to tell a
// snapshot load from a scan) and the index's log.
func openSnapshotted(t *testing.T, path string) (*index.Store, *kgtest.CountingStore, *logBuf) {
	t.Helper()
	backing := kgtest.NewCountingStore(openBbolt(t, path))
	logs := &logBuf{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ix, err := index.NewWithOptions(t.Context(), backing, log, index.Options{Poll: -1, SnapshotPath: path + ".index", StoreFile: path})
	if err != nil {
		backing.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() }) // (a second Close is harmless)
	return ix, backing, logs
}

// write puts one curation entity into the bbolt store at path through a
// handle of its own (as another process would), bumping its generation.
func write(t *testing.T, path, id string) {
	t.Helper()
	s := openBbolt(t, path)
	defer s.Close()
	if _, err := s.PutFacts(t.Context(), graph.DocumentFacts{
		Document: graph.Document{ID: graph.CurationDocument, Title: "curation"},
		Entities: []graph.Entity{{ID: id, Kind: graph.KindInstitution, Name: "快照测试" + id, NameEn: "Snapshot " + id, Aliases: []string{}}},
	}); err != nil {
		t.Fatal(err)
	}
}

func seedBbolt(t *testing.T, path string) {
	t.Helper()
	s := openBbolt(t, path)
	defer s.Close()
	big := synth.MustGenerate(synth.Config{Quads: 2500, Seed: 11})
	if _, err := s.ReplaceDocument(t.Context(), big); err != nil {
		t.Fatal(err)
	}
	// A dated document with dated, qualified relations: the snapshot
	// carries them.
	dated := graph.DocumentFacts{Document: graph.Document{ID: "doc/dated", Title: "有日期的文件", Text: "正文", Date: "2025-06-30", Period: "2025-01/2025-06"}}
	for i := 0; i+1 < 6; i += 2 {
		dated.Relations = append(dated.Relations, graph.Relation{
			Subject: big.Entities[i].ID, Predicate: "partners_with", Object: big.Entities[i+1].ID,
			ValidFrom: "2025-0" + string(rune('1'+i)), ValidTo: "2025",
			Attributes: []graph.Attribute{{Key: "amount", Value: "5000", Unit: "万元", Type: graph.AttrNumber}},
		})
	}
	if _, err := s.ReplaceDocument(t.Context(), dated); err != nil {
		t.Fatal(err)
	}
}

func TestSnapshot(t *testing.T) {
	flip := func(t *testing.T, path string, at func(size int64) int64) {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b[at(int64(len(b)))] ^= 0x20
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		// change runs between the close that wrote the snapshot and the
		// next open.
		change func(t *testing.T, db, snap string)
		// loaded: the next open must use the snapshot; otherwise it must
		// ignore it, log why, and build from the store.
		loaded bool
		why    string
		newID  string // an entity the reads must show
	}{
		{name: "unchanged", change: func(*testing.T, string, string) {}, loaded: true},
		{name: "written by another handle", change: func(t *testing.T, db, _ string) { write(t, db, "org/snap-other") },
			why: "generation", newID: "org/snap-other"},
		{name: "temporary file of an interrupted write", change: func(t *testing.T, _, snap string) {
			os.WriteFile(snap+".tmp4711", []byte("KGINDEX"), 0o600)
		}, loaded: true},
		{name: "missing", change: func(t *testing.T, _, snap string) { os.Remove(snap) }, why: "no index snapshot"},
		{name: "empty", change: func(t *testing.T, _, snap string) { os.WriteFile(snap, nil, 0o644) }, why: "truncated"},
		{name: "truncated", change: func(t *testing.T, _, snap string) {
			fi, _ := os.Stat(snap)
			os.Truncate(snap, fi.Size()/2)
		}, why: "truncated"},
		{name: "truncated by the trailer", change: func(t *testing.T, _, snap string) {
			fi, _ := os.Stat(snap)
			os.Truncate(snap, fi.Size()-3)
		}, why: "truncated"},
		{name: "bit flip in the payload", change: func(t *testing.T, _, snap string) {
			flip(t, snap, func(n int64) int64 { return n / 2 })
		}, why: "snapshot ignored"},
		{name: "bit flip at the end of the payload", change: func(t *testing.T, _, snap string) {
			// The last payload byte: a string that still decodes; caught by the
			// checksum.
			flip(t, snap, func(n int64) int64 { return n - 20 - 1 })
		}, why: "snapshot ignored"},
		{name: "other format version", change: func(t *testing.T, _, snap string) {
			b, _ := os.ReadFile(snap)
			binary.BigEndian.PutUint32(b[8:], binary.BigEndian.Uint32(b[8:])+1)
			os.WriteFile(snap, b, 0o644)
		}, why: "format version"},
		{name: "not a snapshot", change: func(t *testing.T, _, snap string) {
			os.WriteFile(snap, bytes.Repeat([]byte("x"), 4096), 0o644)
		}, why: "not an index snapshot"},
		{name: "store file replaced at the same generation", change: func(t *testing.T, db, _ string) {
			// A new store with the same history has the same generation
			// but may hold other content: only the file identity tells.
			os.Remove(db)
			seedBbolt(t, db)
			write(t, db, "org/snap-first")
		}, why: "store file changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "kg.db")
			snap := db + ".index"
			seedBbolt(t, db)
			write(t, db, "org/snap-first")

			// First start: no snapshot, built from the store; Close writes it.
			ix, _, logs := openSnapshotted(t, db)
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(logs.String(), "index snapshot written") {
				t.Fatalf("no snapshot written:\n%s", logs)
			}
			if _, err := os.Stat(snap); err != nil {
				t.Fatal(err)
			}
			if tmps, _ := filepath.Glob(snap + ".tmp*"); len(tmps) > 0 {
				t.Fatalf("temporary files left: %v", tmps)
			}

			tt.change(t, db, snap)

			ix, backing, logs := openSnapshotted(t, db)
			calls := backing.Reset()
			scanned := calls["ScanEntities"] + calls["ScanRelations"]
			if tt.loaded {
				if scanned != 0 || !strings.Contains(logs.String(), "index snapshot loaded") {
					t.Fatalf("snapshot not used (scans %d):\n%s", scanned, logs)
				}
				// (After a build, the index is writing a new snapshot now.)
				if tmps, _ := filepath.Glob(snap + ".tmp*"); len(tmps) > 0 {
					t.Fatalf("temporary files left after start: %v", tmps)
				}
			} else {
				if scanned == 0 || strings.Contains(logs.String(), "index snapshot loaded") {
					t.Fatalf("snapshot used, want a build from the store:\n%s", logs)
				}
				if !strings.Contains(logs.String(), tt.why) {
					t.Fatalf("log does not say %q:\n%s", tt.why, logs)
				}
			}
			// Reads equal those of a fresh build from the store.
			fresh, err := index.NewWithOptions(t.Context(), nopClose{backing}, nil, index.Options{Poll: -1})
			if err != nil {
				t.Fatal(err)
			}
			sameReads(t, fresh, ix)
			sameReads(t, backing, ix)
			fresh.Close()
			for _, id := range []string{"org/snap-first", tt.newID} {
				if id == "" {
					continue
				}
				if es, err := ix.Entities(t.Context(), []string{id}); err != nil || es[0] == nil {
					t.Fatalf("entity %s missing: %v", id, err)
				}
			}
			// A write through the index is in the snapshot Close writes.
			if _, err := ix.PutFacts(t.Context(), graph.DocumentFacts{
				Document: graph.Document{ID: graph.CurationDocument, Title: "curation"},
				Entities: []graph.Entity{{ID: "org/snap-late", Kind: graph.KindLab, Name: "晚到"}},
			}); err != nil {
				t.Fatal(err)
			}
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}

			// Whatever happened, the next start uses the rewritten snapshot.
			ix, backing, logs = openSnapshotted(t, db)
			defer ix.Close()
			if calls := backing.Reset(); calls["ScanEntities"]+calls["ScanRelations"] != 0 {
				t.Fatalf("rewritten snapshot not used:\n%s", logs)
			}
			if es, err := ix.Entities(t.Context(), []string{"org/snap-late"}); err != nil || es[0] == nil {
				t.Fatalf("write before close missing from the snapshot: %v", err)
			}
			sameReads(t, backing, ix)
		})
	}
}

// The shared store suite passes with a snapshotting index on bbolt.
func TestStoreSuiteBboltSnapshot(t *testing.T) {
	storetest.Run(t, func(t *testing.T) graph.Store {
		path := filepath.Join(t.TempDir(), "kg.db")
		backing := openBbolt(t, path)
		ix, err := index.NewWithOptions(context.WithoutCancel(t.Context()), backing, nil,
			index.Options{Poll: -1, SnapshotPath: path + ".index", StoreFile: path})
		if err != nil {
			backing.Close()
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	})
}
