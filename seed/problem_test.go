package seed

import (
	"errors"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

func TestReportText(t *testing.T) {
	tests := []struct {
		name string
		rep  Report
		want string
	}{
		{
			name: "clean",
			rep:  Report{Documents: []DocumentSummary{{ID: "doc/a", Dir: "d/a", Entities: 2, Relations: 1, Evidence: 3}}},
			want: "document doc/a (d/a): 2 entities, 1 relations, 3 evidence items\nok: no problems\n",
		},
		{
			name: "problems",
			rep: Report{Problems: []Problem{
				{File: "a.yaml", Line: 3, Field: "entities[0].kind", Code: CodeUnknownKind, Msg: `unknown kind "X"`},
				{File: "b", Code: CodeRequired, Msg: "document folder has no document.yaml"},
			}},
			want: "a.yaml:3: entities[0].kind: unknown kind \"X\"\nb: document folder has no document.yaml\n2 problems\n",
		},
		{
			name: "fixes grouped per evidence item",
			rep: Report{Fixes: []Correction{
				{File: "f.yaml", Line: 7, Field: "entities[0].evidence[0].start", New: "10"},
				{File: "f.yaml", Line: 7, Field: "entities[0].evidence[0].end", Old: "3", New: "12"},
				{File: "f.yaml", Line: 7, Field: "entities[0].evidence[0].section", New: "一、"},
				{File: "f.yaml", Line: 9, Field: "entities[0].evidence[1].section", Old: "二、", New: "一、"},
			}, Problems: []Problem{{File: "f.yaml", Line: 20, Code: CodeAmbiguousQuote, Msg: "the quote occurs 2 times"}}},
			want: "fixed f.yaml:7: entities[0].evidence[0]: start 10, end 12 (was 3), section 一、\n" +
				"fixed f.yaml:9: entities[0].evidence[1]: section 一、 (was 二、)\n" +
				"f.yaml:20: the quote occurs 2 times\n1 problem\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := tt.rep.WriteText(&b); err != nil {
				t.Fatal(err)
			}
			if b.String() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tt.want)
			}
			if err := tt.rep.Err(); (err == nil) != tt.rep.OK() || (err != nil && !errors.Is(err, graph.ErrInvalid)) {
				t.Errorf("Err() = %v with OK() = %v", err, tt.rep.OK())
			}
		})
	}
}
