package seed

import (
	"testing"
)

// A syntax error is reported at the line that holds the mistake, not at
// the token where the parser noticed it (often the next line).
func TestYAMLSyntaxErrorLine(t *testing.T) {
	const head = "entities:\n  - id: org/a\n    kind: LAB\n"
	tests := []struct {
		name string
		body string
		line int
	}{
		{"unclosed flow list", head + "    aliases: [甲, 乙\n    name: 甲\n", 4},
		{"unclosed flow list before a comment", head + "    aliases: [甲, 乙\n    # a comment\n    name: 甲\n", 4},
		{"unclosed flow mapping", head + "    name: 甲\n    evidence:\n      - {quote: 甲, start: 1\n  - id: org/b\n", 6},
		{"line indented too deep", head + "     name: 甲\n    nameEn: A\n", 4},
		{"value of a key indented too deep", "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n     evidence:\n", 5},
		{"unclosed double quote", head + "    name: \"甲\n  - id: org/b\n", 4},
		{"tab indentation", head + "\tname: 甲\n", 4},
		{"list item out of line", head + "    name: 甲\n   - id: org/b\n", 5},
		{"key without a colon", "entities:\n  - id org/a\n    kind: LAB\n", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := smallDataset(t, map[string]string{"x.yaml": tt.body})
			rep, err := Check(dir)
			if err != nil {
				t.Fatal(err)
			}
			var got []loc
			for _, l := range locs(rep) {
				if l.code == CodeSyntax {
					got = append(got, l)
				}
			}
			if len(got) != 1 || got[0] != (loc{"x.yaml", tt.line, CodeSyntax}) {
				t.Errorf("syntax problems %v, want one at x.yaml:%d\n%s", got, tt.line, text(rep))
			}
		})
	}
}
