package seed

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/cayleystore"
)

func memStore(t *testing.T) graph.Store {
	t.Helper()
	st, err := cayleystore.Open(context.Background(), cayleystore.Config{Backend: cayleystore.BackendMemory}, discard())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func exportSorted(t *testing.T, st graph.Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := st.ExportNQuads(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestLoadIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := memStore(t)
	first, err := Load(ctx, st, "testdata/valid", discard())
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 1 || first[0].Document != "doc/small" || first[0].EntitiesAdded != 7 || first[0].RelationsAdded != 5 {
		t.Fatalf("first load = %+v, want doc/small with 7 entities (6 + the document) and 5 relations added", first)
	}
	stats1, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	export1 := exportSorted(t, st)

	second, err := Load(ctx, st, "testdata/valid", discard())
	if err != nil {
		t.Fatal(err)
	}
	if len(second) != 1 || !second[0].Unchanged() {
		t.Errorf("second load = %+v, want unchanged", second)
	}
	stats2, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(stats1, stats2) {
		t.Errorf("stats differ after a second load:\n%+v\n%+v", stats1, stats2)
	}
	if export2 := exportSorted(t, st); export2 != export1 {
		t.Error("N-Quads differ after a second load")
	}
	want := graph.Stats{Entities: 7, Relations: 5, Documents: 1,
		ByKind:      map[graph.Kind]int{graph.KindInstitution: 3, graph.KindLab: 1, graph.KindPlace: 1, graph.KindIndicator: 1, graph.KindDocument: 1},
		ByPredicate: map[string]int{"builds": 1, "co_builds": 2, "measures": 1, "signs_agreement_with": 1},
		Quads:       stats1.Quads,
	}
	if !reflect.DeepEqual(stats1, want) {
		t.Errorf("stats = %+v, want %+v", stats1, want)
	}
}

func TestLoadWritesNothingWhenInvalid(t *testing.T) {
	ctx := context.Background()
	st := memStore(t)
	if _, err := Load(ctx, st, "testdata/valid", discard()); err != nil {
		t.Fatal(err)
	}
	before := exportSorted(t, st)
	_, err := Load(ctx, st, "testdata/broken", discard())
	var ve *ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("Load(broken) = %v, want a ValidationError wrapping ErrInvalid", err)
	}
	if len(ve.Problems) != 15 {
		t.Errorf("%d problems, want 15", len(ve.Problems))
	}
	if after := exportSorted(t, st); after != before {
		t.Error("a failed load changed the store")
	}
}

func TestFactsConversion(t *testing.T) {
	ds, err := Parse("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	facts, err := ds.Facts()
	if err != nil {
		t.Fatal(err)
	}
	if len(facts) != 1 {
		t.Fatalf("%d documents", len(facts))
	}
	f := facts[0]
	if f.Document.ID != "doc/small" || f.Document.Title != "测试委员会工作总结" || !strings.HasPrefix(f.Document.Digest, "sha256:") || f.Document.Text == "" {
		t.Errorf("document = %+v", f.Document)
	}
	// The document entity is made from document.yaml, citing the title line.
	var doc *graph.Entity
	for i := range f.Entities {
		if f.Entities[i].ID == "doc/small" {
			doc = &f.Entities[i]
		}
	}
	if doc == nil || doc.Kind != graph.KindDocument || doc.Name != "测试委员会工作总结" || len(doc.Evidence) != 1 {
		t.Fatalf("document entity = %+v", doc)
	}
	text := []rune(f.Document.Text)
	for _, e := range f.Entities {
		for _, ev := range e.Evidence {
			if string(text[ev.Start:ev.End]) != ev.Quote || ev.Document != "doc/small" || ev.Section == "" {
				t.Errorf("entity %s: evidence %+v does not locate its quote", e.ID, ev)
			}
		}
	}
	for _, r := range f.Relations {
		if r.ID != graph.RelationID("doc/small", r.Subject, r.Predicate, r.Object) || r.Document != "doc/small" {
			t.Errorf("relation %+v", r)
		}
	}
	if !sort.SliceIsSorted(f.Entities, func(i, j int) bool { return f.Entities[i].ID < f.Entities[j].ID }) {
		t.Error("entities not sorted by ID")
	}
	// The digest is stable and changes with the facts.
	again, _ := ds.Facts()
	if again[0].Document.Digest != f.Document.Digest {
		t.Error("digest is not stable")
	}
	f.Entities[0].Name += "x"
	if digest(f) == again[0].Document.Digest {
		t.Error("digest does not change with the facts")
	}
}

func TestOrderByDependency(t *testing.T) {
	doc := func(id string, entities []string, refs ...string) graph.DocumentFacts {
		f := graph.DocumentFacts{Document: graph.Document{ID: id}}
		for _, e := range entities {
			f.Entities = append(f.Entities, graph.Entity{ID: e})
		}
		for _, r := range refs {
			f.Relations = append(f.Relations, graph.Relation{Subject: entities[0], Predicate: "supports", Object: r})
		}
		return f
	}
	tests := []struct {
		name string
		docs []graph.DocumentFacts
		want []string
	}{
		{"independent: by ID", []graph.DocumentFacts{doc("doc/b", []string{"org/b"}), doc("doc/a", []string{"org/a"})}, []string{"doc/a", "doc/b"}},
		{"a references b", []graph.DocumentFacts{doc("doc/a", []string{"org/a"}, "org/b"), doc("doc/b", []string{"org/b"})}, []string{"doc/b", "doc/a"}},
		{"chain", []graph.DocumentFacts{doc("doc/a", []string{"org/a"}, "org/b"), doc("doc/b", []string{"org/b"}, "org/c"), doc("doc/c", []string{"org/c"})}, []string{"doc/c", "doc/b", "doc/a"}},
		{"cycle keeps ID order", []graph.DocumentFacts{doc("doc/b", []string{"org/b"}, "org/a"), doc("doc/a", []string{"org/a"}, "org/b")}, []string{"doc/a", "doc/b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range orderByDependency(tt.docs) {
				got = append(got, d.Document.ID)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("order = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestEmbeddedDatasetIsValid guards `kg serve` from any directory: the
// dataset compiled into the binary must load.
func TestEmbeddedDatasetIsValid(t *testing.T) {
	ds, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Documents) == 0 {
		t.Fatal("no document embedded")
	}
	for _, d := range ds.Documents {
		if d.Text == "" {
			t.Errorf("%s: source text not embedded", d.ID)
		}
	}
	if rep := ds.Validate(); !rep.OK() {
		t.Errorf("the embedded dataset has problems (run kg check):\n%s", text(rep))
	}
	st := memStore(t)
	if _, err := ds.Load(context.Background(), st, discard()); err != nil {
		t.Fatalf("loading the embedded dataset: %v", err)
	}
}

// TestLoadAcrossDocuments loads two documents where the first by ID
// relates to an entity only the second defines: the loader orders them so
// the store accepts both.
func TestLoadAcrossDocuments(t *testing.T) {
	const ev = "    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}\n"
	dir := smallDataset(t, map[string]string{"z.yaml": "entities:\n  - id: lab/only-in-small\n    kind: LAB\n    name: 丙\n" + ev})
	write(t, filepath.Join(dir, "other", "document.yaml"), "id: doc/other\ntitle: 测试委员会工作总结\nsource: ../../source/small.txt\n")
	write(t, filepath.Join(dir, "other", "y.yaml"), "entities:\n  - id: org/b\n    kind: LAB\n    name: 乙\n"+ev+
		"relations:\n  - subject: org/b\n    predicate: supports\n    object: lab/only-in-small\n"+ev)
	st := memStore(t)
	changes, err := Load(context.Background(), st, dir, discard())
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 2 || changes[0].Document != "doc/small" || changes[1].Document != "doc/other" {
		t.Fatalf("changes = %+v, want doc/small then doc/other", changes)
	}
	s, err := st.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if s.Documents != 2 || s.Relations != 1 || s.Entities != 4 {
		t.Errorf("stats = %+v, want 2 documents, 4 entities (2 + 2 document entities), 1 relation", s)
	}
}
