package export

import (
	"os"
	"regexp"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

// TestKindColorsMatchExplorer keeps the export colours (GEXF, GraphML, DOT)
// the same as the explorer's legend (web/src/lib/kinds.js), and complete.
func TestKindColorsMatchExplorer(t *testing.T) {
	src, err := os.ReadFile("../../web/src/lib/kinds.js")
	if err != nil {
		t.Fatal(err)
	}
	web := map[graph.Kind]string{}
	for _, m := range regexp.MustCompile(`\['([A-Z]+)', '(#[0-9a-f]{6})'`).FindAllStringSubmatch(string(src), -1) {
		web[graph.Kind(m[1])] = m[2]
	}
	for _, k := range graph.Kinds {
		if kindColors[k] == "" {
			t.Errorf("kind %s has no export colour", k)
		}
		if web[k] != kindColors[k] {
			t.Errorf("kind %s: explorer colour %q, export colour %q", k, web[k], kindColors[k])
		}
	}
	if len(web) != len(graph.Kinds) {
		t.Errorf("explorer lists %d kinds, the model has %d", len(web), len(graph.Kinds))
	}
}
