package export

import (
	"bytes"
	"context"
	"testing"

	"github.com/minhang-kg/kg/internal/kgtest"
)

// TestExportsOfTheDataset exports the curated dataset from the real memory
// store in every format and reads each back with its parser: the node and
// edge counts must be the store's entity and relation counts.
func TestExportsOfTheDataset(t *testing.T) {
	ctx := context.Background()
	st := kgtest.DatasetStore(t, nil)
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Entities == 0 || stats.Relations == 0 {
		t.Fatalf("dataset loaded nothing: %+v", stats)
	}
	whole, err := Collect(ctx, st, Selection{})
	if err != nil {
		t.Fatal(err)
	}
	if len(whole.Entities) != stats.Entities || len(whole.Relations) != stats.Relations {
		t.Fatalf("Collect: %d entities, %d relations; Stats: %d, %d", len(whole.Entities), len(whole.Relations), stats.Entities, stats.Relations)
	}
	sjtu, err := Collect(ctx, st, Selection{IDs: []string{"org/sjtu"}, Hops: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(sjtu.Entities) < 2 || len(sjtu.Relations) < 1 {
		t.Fatalf("neighbourhood of org/sjtu: %d entities, %d relations", len(sjtu.Entities), len(sjtu.Relations))
	}
	for _, tc := range []struct {
		name string
		sel  Selection
		want *Graph
	}{{"whole", Selection{}, whole}, {"org-sjtu-1", Selection{IDs: []string{"org/sjtu"}, Hops: 1}, sjtu}} {
		for _, f := range Formats {
			t.Run(tc.name+"/"+f.Name, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(ctx, st, f.Name, tc.sel, &buf); err != nil {
					t.Fatal(err)
				}
				p := parsers[f.Name](t, buf.Bytes())
				if f.Name != "csv-edges" && len(p.nodes) != len(tc.want.Entities) {
					t.Errorf("%d nodes read back, want %d", len(p.nodes), len(tc.want.Entities))
				}
				if f.Name != "csv-nodes" && len(p.edges) != len(tc.want.Relations) {
					t.Errorf("%d edges read back, want %d", len(p.edges), len(tc.want.Relations))
				}
				for _, r := range tc.want.Relations {
					if _, ok := p.edges[r.ID]; !ok && f.Name != "csv-nodes" {
						t.Errorf("relation %s missing", r.ID)
						break
					}
				}
				for _, e := range tc.want.Entities {
					if name, ok := p.nodes[e.ID]; !ok && f.Name != "csv-edges" {
						t.Errorf("entity %s missing", e.ID)
						break
					} else if ok && name != e.Name {
						t.Errorf("entity %s: name %q read back, want %q", e.ID, name, e.Name)
						break
					}
				}
			})
		}
	}
}
