package workload

import (
	"encoding/json"
	"testing"

	"github.com/minhang-kg/kg/bench/benchenv"
)

func TestBodiesAreJSON(t *testing.T) {
	s := benchenv.NewSample(benchenv.Facts(2000))
	for _, q := range Queries {
		for i := 0; i < 3; i++ {
			var v struct {
				Query     string         `json:"query"`
				Variables map[string]any `json:"variables"`
			}
			if err := json.Unmarshal(Body(q, s, i), &v); err != nil || v.Query != q.Text {
				t.Fatalf("%s: %v", q.Name, err)
			}
		}
	}
}
