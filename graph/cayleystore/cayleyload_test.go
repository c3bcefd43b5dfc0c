package cayleystore

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	cgraph "github.com/cayleygraph/cayley/graph"
	_ "github.com/cayleygraph/cayley/graph/kv/bbolt" // Cayley's "bbolt" backend, as cayley load -d bbolt
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/index"
	"github.com/minhang-kg/kg/internal/synth"
)

// A bbolt store written by Cayley's own loader from a kg export (as
// `cayley load -d bbolt -i export.nq` does: Cayley's N-Quads reader, which
// turns xsd:integer literals into native integers, and its single quad
// writer) opens, loads into the read index as kg serve does, reads as
// the exported store, exports the same bytes, and takes writes.
func TestCayleyLoadedStoreOpens(t *testing.T) {
	ctx := t.Context()
	src := openT(t, Config{Backend: BackendMemory})
	big := synth.MustGenerate(synth.Config{Quads: 1500, Seed: 5})
	if _, err := src.ReplaceDocument(ctx, big); err != nil {
		t.Fatal(err)
	}
	dated := graph.DocumentFacts{
		Document: graph.Document{ID: "doc/dated", Title: "有日期的文件", Text: "正文", Date: "2025-06-30", Period: "2025"},
		Entities: []graph.Entity{{ID: "org/counted", Kind: graph.KindInstitution, Name: "计数单位",
			Attributes: []graph.Attribute{{Key: "count", Value: "8", Unit: "个", Type: graph.AttrInteger}}}},
		Relations: []graph.Relation{{Subject: "org/counted", Predicate: "partners_with", Object: big.Entities[0].ID,
			ValidFrom: "2025-03", Attributes: []graph.Attribute{{Key: "projects", Value: "12", Type: graph.AttrInteger}}}},
	}
	if _, err := src.ReplaceDocument(ctx, dated); err != nil {
		t.Fatal(err)
	}
	if err := src.AppendAudit(ctx, graph.AuditEntry{Actor: "admin", Action: "upsertEntity", Target: "org/counted"}); err != nil {
		t.Fatal(err)
	}
	var exp bytes.Buffer
	if err := src.ExportNQuads(ctx, &exp); err != nil {
		t.Fatal(err)
	}

	// Cayley's loader.
	dir := filepath.Join(t.TempDir(), "cayley")
	if err := cgraph.InitQuadStore("bbolt", dir, nil); err != nil {
		t.Fatal(err)
	}
	cqs, err := cgraph.NewQuadStore("bbolt", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	qw, err := cgraph.NewQuadWriter("single", cqs, nil)
	if err != nil {
		t.Fatal(err)
	}
	qr := nquads.NewReader(bytes.NewReader(exp.Bytes()), false)
	bw := cgraph.NewWriter(qw)
	if _, err := quad.CopyBatch(bw, qr, quad.DefaultBatch); err != nil {
		t.Fatal(err)
	}
	if err := bw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := qw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := cqs.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "indexes.bolt")
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}

	s := openT(t, Config{Backend: BackendBbolt, Path: path})
	// kg serve's path: the index loads through Dump.
	ix, err := index.NewWithOptions(ctx, nopClose{s}, nil, index.Options{Poll: -1})
	if err != nil {
		t.Fatalf("index over the Cayley-loaded store: %v", err)
	}
	defer ix.Close()
	want, got := scanAll(t, src), scanAll(t, s)
	want.Generation, want.Quads = got.Generation, got.Quads // the generation is not exported
	sameAsScans(t, got, want)
	sameDump(t, s)
	var again bytes.Buffer
	if err := s.ExportNQuads(ctx, &again); err != nil {
		t.Fatal(err)
	}
	if again.String() != exp.String() {
		g, w := bytes.Split(again.Bytes(), []byte("\n")), bytes.Split(exp.Bytes(), []byte("\n"))
		for i := range min(len(g), len(w)) {
			if !bytes.Equal(g[i], w[i]) {
				t.Errorf("export of the Cayley-loaded store differs from the original export at line %d:\n%s\nwant\n%s", i+1, g[i], w[i])
				break
			}
		}
	}
	// Writes: the same document again rewrites its natively typed
	// integers (the count attribute and the relation's projects) as the store
	// writes them; then it changes nothing.
	if ch, err := s.ReplaceDocument(ctx, dated); err != nil || ch.QuadsAdded != 2 || ch.QuadsRemoved != 2 {
		t.Errorf("reloading a document into the Cayley-loaded store: %+v, %v; want its 2 integer quads rewritten", ch, err)
	}
	if ch, err := s.ReplaceDocument(ctx, dated); err != nil || !ch.Unchanged() {
		t.Errorf("reloading a document again: %+v, %v", ch, err)
	}
	again.Reset()
	if err := s.ExportNQuads(ctx, &again); err != nil || again.String() != exp.String() {
		t.Errorf("export after rewriting the integers differs (%v)", err)
	}
	dated.Entities[0].Attributes[0].Value = "9"
	if _, err := s.ReplaceDocument(ctx, dated); err != nil {
		t.Fatalf("replacing a document in the Cayley-loaded store: %v", err)
	}
	es, err := s.Entities(ctx, []string{"org/counted"})
	if err != nil || es[0] == nil || !reflect.DeepEqual(es[0].Attributes, []graph.Attribute{{Key: "count", Value: "9", Unit: "个", Type: graph.AttrInteger}}) {
		t.Errorf("after the replacement: %+v, %v", es, err)
	}
	sameDump(t, s)
}

// nopClose keeps the index from closing the store (openT's cleanup does).
type nopClose struct{ graph.Store }

func (nopClose) Close() error { return nil }
