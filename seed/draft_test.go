package seed

import (
	"strings"
	"testing"
)

func TestDraftMarkersAreReportedWithEverythingElse(t *testing.T) {
	const ev = "    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}\n"
	const lab = "entities:\n  - id: lab/test-lab\n    kind: LAB\n    name: 测试实验室\n"
	tests := []struct {
		name string
		body string
		want []loc
		msgs []string
	}{
		{
			name: "reviewed",
			body: lab + ev + "  - id: org/x\n    kind: INSTITUTION\n    name: 甲\n    draft: false\n" + ev,
		},
		{
			name: "entity and relation marked",
			body: lab + "    draft: true\n" + ev +
				"relations:\n  - subject: lab/test-lab\n    predicate: builds\n    object: lab/test-lab2\n    draft: true\n" + ev +
				"  - {subject: lab/test-lab, predicate: supports, object: lab/test-lab, draft: true, evidence: [{quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}]}\n",
			want: []loc{
				{"x.yaml", 5, CodeDraft},
				{"x.yaml", 11, CodeDangling},     // reported although the relation is a draft
				{"x.yaml", 12, CodeDraft},        //
				{"x.yaml", 15, CodeSelfRelation}, // the flow mapping's line
				{"x.yaml", 15, CodeDraft},        //
			},
			msgs: []string{
				"x.yaml:5: entities[0].draft: unreviewed draft: entity lab/test-lab 测试实验室 (LAB); check it against its evidence, then delete `draft: true` (or the entity)",
				"x.yaml:12: relations[0].draft: unreviewed draft: relation lab/test-lab builds lab/test-lab2;",
			},
		},
		{
			name: "not a boolean",
			body: lab + "    draft: maybe\n" + ev,
			want: []loc{{"x.yaml", 5, CodeType}},
			msgs: []string{`draft must be true (unreviewed) or false, found "maybe"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := smallDataset(t, map[string]string{"x.yaml": tt.body})
			rep, err := Check(dir)
			if err != nil {
				t.Fatal(err)
			}
			wantLocs(t, rep, tt.want)
			for _, m := range tt.msgs {
				if !strings.Contains(text(rep), m) {
					t.Errorf("report lacks %q:\n%s", m, text(rep))
				}
			}
			// A dataset with drafts does not load.
			if len(tt.want) > 0 && rep.Err() == nil {
				t.Error("Err() = nil with drafts")
			}
		})
	}
}
