package kgtest

import (
	"context"
	"io"
	"maps"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/seed"
)

// TestDatasetStore: the store holds exactly the curated dataset.
func TestDatasetStore(t *testing.T) {
	ds, err := seed.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	facts, err := ds.Facts()
	if err != nil {
		t.Fatal(err)
	}
	entities, relations := map[string]bool{}, map[string]bool{}
	for _, f := range facts {
		for _, e := range f.Entities {
			entities[e.ID] = true
		}
		for _, r := range f.Relations {
			relations[graph.RelationID(f.Document.ID, r.Subject, r.Predicate, r.Object)] = true
		}
	}
	st, err := DatasetStore(t, nil).Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(entities) == 0 || st.Entities != len(entities) || st.Relations != len(relations) || st.Documents < len(facts) {
		t.Errorf("store stats %+v; the dataset has %d documents, %d entities, %d relations", st, len(facts), len(entities), len(relations))
	}
}

func TestMemoryStoreEmpty(t *testing.T) {
	st, err := MemoryStore(t, nil).Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Entities != 0 || st.Relations != 0 {
		t.Errorf("new memory store: %+v", st)
	}
}

// TestCountingStore: every read method is counted under its own name,
// writes are not, and Reset returns and zeroes the counts.
func TestCountingStore(t *testing.T) {
	c := NewCountingStore(MemoryStore(t, nil))
	ctx := t.Context()
	facts := graph.DocumentFacts{
		Document:  graph.Document{ID: "doc/t", Title: "t", Text: "甲乙"},
		Entities:  []graph.Entity{{ID: "org/a", Kind: graph.KindInstitution, Name: "甲"}, {ID: "org/b", Kind: graph.KindInstitution, Name: "乙"}},
		Relations: []graph.Relation{{Subject: "org/a", Predicate: "partners_with", Object: "org/b"}},
	}
	if _, err := c.ReplaceDocument(ctx, facts); err != nil {
		t.Fatal(err)
	}
	if got := c.Reset(); len(got) != 0 {
		t.Errorf("writes counted: %v", got)
	}
	reads := []struct {
		method string
		call   func(context.Context) error
	}{
		{"Entities", func(ctx context.Context) error { _, err := c.Entities(ctx, []string{"org/a"}); return err }},
		{"ScanEntities", func(ctx context.Context) error {
			return c.ScanEntities(ctx, nil, "", func(*graph.Entity) bool { return true })
		}},
		{"RelationsOf", func(ctx context.Context) error {
			_, err := c.RelationsOf(ctx, []string{"org/a"}, graph.RelationFilter{})
			return err
		}},
		{"Relations", func(ctx context.Context) error { _, err := c.Relations(ctx, []string{"x"}); return err }},
		{"ScanRelations", func(ctx context.Context) error {
			return c.ScanRelations(ctx, func(*graph.Relation) bool { return true })
		}},
		{"Neighbors", func(ctx context.Context) error {
			_, err := c.Neighbors(ctx, []string{"org/a"}, graph.RelationFilter{})
			return err
		}},
		{"LookupName", func(ctx context.Context) error { _, err := c.LookupName(ctx, "甲"); return err }},
		{"Documents", func(ctx context.Context) error { _, err := c.Documents(ctx); return err }},
		{"DocumentText", func(ctx context.Context) error { _, err := c.DocumentText(ctx, "doc/t"); return err }},
		{"Stats", func(ctx context.Context) error { _, err := c.Stats(ctx); return err }},
		{"Generation", func(ctx context.Context) error { _, err := c.Generation(ctx); return err }},
		{"Audit", func(ctx context.Context) error { _, err := c.Audit(ctx, 10); return err }},
		{"ExportNQuads", func(ctx context.Context) error { return c.ExportNQuads(ctx, io.Discard) }},
		{"Ping", func(ctx context.Context) error { return c.Ping(ctx) }},
	}
	for _, r := range reads {
		t.Run(r.method, func(t *testing.T) {
			for range 2 {
				if err := r.call(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if got, want := c.Reset(), map[string]int{r.method: 2}; !maps.Equal(got, want) {
				t.Errorf("counts %v, want %v", got, want)
			}
		})
	}
}
