package seed

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

type loc struct {
	file string // base name
	line int
	code string
}

func locs(rep *Report) []loc {
	out := make([]loc, 0, len(rep.Problems))
	for _, p := range rep.Problems {
		out = append(out, loc{filepath.Base(p.File), p.Line, p.Code})
	}
	return out
}

// wantLocs fails t unless rep reports exactly the problems want, in order.
func wantLocs(t *testing.T, rep *Report, want []loc) {
	t.Helper()
	got := locs(rep)
	if len(got) != len(want) {
		t.Fatalf("problems %v, want %v\n%s", got, want, text(rep))
	}
	mismatch := false
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d = %+v, want %+v", i, got[i], want[i])
			mismatch = true
		}
	}
	if mismatch {
		t.Logf("report:\n%s", text(rep))
	}
}

func TestCheckBrokenFixtureReportsEveryProblemWithItsLine(t *testing.T) {
	rep, err := Check("testdata/broken")
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{
		{"facts.yaml", 14, CodeUnknownKind},
		{"facts.yaml", 18, CodeBadID},
		{"facts.yaml", 25, CodeRequired},
		{"facts.yaml", 32, CodeAttribute},
		{"facts.yaml", 39, CodeQuoteNotFound},
		{"facts.yaml", 44, CodeOffsets},
		{"facts.yaml", 49, CodeSection},
		{"facts.yaml", 52, CodeUnknownField},
		{"facts.yaml", 55, CodeAmbiguousQuote},
		{"facts.yaml", 56, CodeNoEvidence},
		{"facts.yaml", 62, CodeDangling},
		{"facts.yaml", 66, CodeUnknownPred},
		{"facts.yaml", 75, CodeDuplicate},
		{"facts.yaml", 80, CodeNoEvidence},
		{"more.yaml", 2, CodeDuplicate},
	}
	wantLocs(t, rep, want)
	// Messages name what is needed to act on them.
	for _, frag := range []string{
		`facts.yaml:39: entities[6].evidence[0].quote: quote not found verbatim in testdata/source/small.txt`,
		`facts.yaml:62: relations[0].object: dangling reference: object "place/nowhere" is not an entity of any loaded document`,
		`unknown predicate "collaborates": not in the vocabulary (graph/predicates.go)`,
		`more.yaml:2: entities[0].id: duplicate entity ID org/sjtu: also defined at testdata/broken/small/facts.yaml:8`,
		`facts.yaml:55: entities[9].evidence[0]: start, end and section missing; the quote occurs 2 times, at 202..213 (line 14), 214..225 (line 14): give start/end or a longer quote`,
		`section is "一、" but the quote is under "总述"`,
		`unknown kind "UNIVERSITY"`,
	} {
		if !strings.Contains(text(rep), frag) {
			t.Errorf("report lacks %q:\n%s", frag, text(rep))
		}
	}
	if err := rep.Err(); !errors.Is(err, graph.ErrInvalid) {
		t.Errorf("Err() = %v, want ErrInvalid", err)
	}
}

func TestCheckValidFixture(t *testing.T) {
	rep, err := Check("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("valid fixture has problems:\n%s", text(rep))
	}
	want := DocumentSummary{ID: "doc/small", Dir: filepath.Join("testdata/valid", "small"), Entities: 6, Relations: 5, Evidence: 12}
	if len(rep.Documents) != 1 || rep.Documents[0] != want {
		t.Errorf("Documents = %+v, want [%+v]", rep.Documents, want)
	}
}

func text(rep *Report) string {
	var b strings.Builder
	_ = rep.WriteText(&b)
	return b.String()
}

// TestCheckSnippets checks one fact file at a time against the small source.
func TestCheckSnippets(t *testing.T) {
	const ok = `{quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}`
	tests := []struct {
		name     string
		yaml     string
		want     []loc // file is always x.yaml
		contains string
	}{
		{
			name: "clean",
			yaml: "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\n",
		},
		{
			name:     "syntax error has its line",
			yaml:     "entities:\n  - id: org/a\n    kind: [LAB\n",
			want:     []loc{{"x.yaml", 3, CodeSyntax}},
			contains: "invalid YAML",
		},
		{
			name:     "duplicate key is a syntax error",
			yaml:     "entities:\n  - id: org/a\n    id: org/b\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 3, CodeSyntax}},
			contains: `mapping key "id" already defined`,
		},
		{
			name:     "unknown top-level field",
			yaml:     "entity:\n  - id: org/a\n",
			want:     []loc{{"x.yaml", 1, CodeUnknownField}},
			contains: `unknown field "entity" (known: entities, relations)`,
		},
		{
			name: "unknown evidence and attribute fields",
			yaml: "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    attributes:\n      - {key: k, value: v, units: 个}\n    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）, page: 3}\n",
			want: []loc{{"x.yaml", 6, CodeUnknownField}, {"x.yaml", 8, CodeUnknownField}},
		},
		{
			name:     "a list where a name is expected",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: [甲, 乙]\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 4, CodeType}, {"x.yaml", 4, CodeRequired}},
			contains: "expected a text value, found a list",
		},
		{
			name:     "start must be a number",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - quote: 上海交大牵头建设测试实验室\n        start: \"177\"\n        end: 190\n        section: 二、（一）\n",
			want:     []loc{{"x.yaml", 6, CodeOffsets}, {"x.yaml", 7, CodeType}},
			contains: "expected a whole number",
		},
		{
			name: "entities is not a list",
			yaml: "entities:\n  id: org/a\n",
			want: []loc{{"x.yaml", 2, CodeType}},
		},
		{
			name: "empty file is fine",
			yaml: "# nothing yet\n",
		},
		{
			name:     "unknown ID prefix",
			yaml:     "entities:\n  - id: school/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 2, CodeBadID}},
			contains: `unknown prefix "school/"`,
		},
		{
			name: "bad ID syntax",
			yaml: "entities:\n  - id: org/a--b/\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\n",
			want: []loc{{"x.yaml", 2, CodeBadID}},
		},
		{
			name:     "predicate suggestion",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: org/a\n    predicate: co_build\n    object: doc/small\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 9, CodeUnknownPred}},
			contains: "did you mean co_builds",
		},
		{
			name: "relation to the document entity (made from document.yaml)",
			yaml: "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: org/a\n    predicate: issues\n    object: doc/small\n    evidence:\n      - " + ok + "\n",
		},
		{
			name:     "self relation",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: org/a\n    predicate: supports\n    object: org/a\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 8, CodeSelfRelation}},
			contains: "relation of org/a to itself",
		},
		{
			name:     "out of range offsets",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 9000, section: 二、（一）}\n",
			want:     []loc{{"x.yaml", 6, CodeOffsets}},
			contains: "out of range",
		},
		{
			name:     "an indicator needs a measures relation",
			yaml:     "entities:\n  - id: ind/a\n    kind: INDICATOR\n    name: 甲\n    attributes:\n      - {key: year, value: \"2024\", type: date}\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 2, CodeConvention}},
			contains: "indicator ind/a has no measures relation",
		},
		{
			name:     "an indicator needs its time",
			yaml:     "entities:\n  - id: ind/a\n    kind: INDICATOR\n    name: 甲\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: ind/a\n    predicate: measures\n    object: doc/small\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 2, CodeConvention}},
			contains: "indicator ind/a has no year or asOf attribute",
		},
		{
			name:     "an indicator's asOf is a date",
			yaml:     "entities:\n  - id: ind/a\n    kind: INDICATOR\n    name: 甲\n    attributes:\n      - {key: year, value: \"2024\", type: date}\n      - {key: asOf, value: 截至目前}\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: ind/a\n    predicate: measures\n    object: doc/small\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 7, CodeConvention}},
			contains: "keep the words as written in asOfText",
		},
		{
			name:     "a malformed validFrom names its field and line",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: org/a\n    predicate: issues\n    object: doc/small\n    validFrom: 2024-13\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 11, CodeTime}},
			contains: `relations[0].validFrom: validFrom: "2024-13" is not an ISO date`,
		},
		{
			name:     "validTo before validFrom",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: org/a\n    predicate: supports\n    object: doc/small\n    validFrom: 2024-05\n    validTo: 2023\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 12, CodeTime}},
			contains: `relations[0].validTo: validTo "2023" ends before validFrom "2024-05"`,
		},
		{
			name:     "a relation attribute is typed",
			yaml:     "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\nrelations:\n  - subject: org/a\n    predicate: funds\n    object: doc/small\n    validFrom: 2024-05-13\n    attributes:\n      - {key: amount, value: 五千, unit: 万元, type: number}\n    evidence:\n      - " + ok + "\n",
			want:     []loc{{"x.yaml", 13, CodeAttribute}},
			contains: `relations[0].attributes[0]: attribute "amount": "五千" is not a number`,
		},
		{
			name: "the document entity must be a DOCUMENT",
			yaml: "entities:\n  - id: doc/small\n    kind: LAB\n    name: 甲\n    evidence:\n      - " + ok + "\n",
			want: []loc{{"x.yaml", 3, CodeUnknownKind}},
		},
		{
			name: "url evidence needs no quote",
			yaml: "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - {url: \"https://example.org/a\", note: curated}\n",
		},
		{
			name: "evidence without quote or url",
			yaml: "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - {note: x}\n",
			want: []loc{{"x.yaml", 6, CodeRequired}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := smallDataset(t, map[string]string{"x.yaml": tt.yaml})
			rep, err := Check(dir)
			if err != nil {
				t.Fatal(err)
			}
			wantLocs(t, rep, tt.want)
			if tt.contains != "" && !strings.Contains(text(rep), tt.contains) {
				t.Errorf("report lacks %q:\n%s", tt.contains, text(rep))
			}
		})
	}
}

func TestCheckDocumentFile(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want []loc
	}{
		{"missing fields", "titleEn: x\n", []loc{{"document.yaml", 0, CodeRequired}, {"document.yaml", 0, CodeRequired}, {"document.yaml", 0, CodeRequired}}},
		{"unreadable source", "id: doc/small\ntitle: 测试委员会工作总结\nsource: ../../source/nope.txt\n", []loc{{"document.yaml", 3, CodeIO}}},
		{"bad id", "id: small\ntitle: t\nsource: ../../source/small.txt\n", []loc{{"document.yaml", 1, CodeBadID}}},
		{"reserved id", "id: doc/curation\ntitle: t\nsource: ../../source/small.txt\n", []loc{{"document.yaml", 1, CodeBadID}}},
		{"unknown field", "id: doc/small\ntitle: t\nsource: ../../source/small.txt\nauthor: x\n", []loc{{"document.yaml", 4, CodeUnknownField}}},
		{"date and period", "id: doc/small\ntitle: t\nsource: ../../source/small.txt\ndate: 2025-02-06\nperiod: 2024-01/2024-11\n", nil},
		{"date of month precision", "id: doc/small\ntitle: t\nsource: ../../source/small.txt\ndate: 2025-02\nperiod: \"2024\"\n", []loc{{"document.yaml", 4, CodeTime}}},
		{"bad date", "id: doc/small\ntitle: t\nsource: ../../source/small.txt\ndate: 2025-02-30\n", []loc{{"document.yaml", 4, CodeTime}}},
		{"period backwards", "id: doc/small\ntitle: t\nsource: ../../source/small.txt\nperiod: 2024-11/2024-01\n", []loc{{"document.yaml", 4, CodeTime}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := smallDataset(t, map[string]string{"document.yaml": tt.doc})
			rep, err := Check(dir)
			if err != nil {
				t.Fatal(err)
			}
			wantLocs(t, rep, tt.want)
		})
	}
}

func TestCheckDuplicateDocumentAndMissingDocumentFile(t *testing.T) {
	dir := smallDataset(t, nil)
	copyDir(t, filepath.Join(dir, "small"), filepath.Join(dir, "again"))
	if err := os.MkdirAll(filepath.Join(dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	rep, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []loc{{"empty", 0, CodeRequired}, {"document.yaml", 2, CodeDuplicate}}
	got := locs(rep)
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("got %v, want %v\n%s", got, want, text(rep))
	}
}

func TestCheckMissingDataDir(t *testing.T) {
	if _, err := Check(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("Check of a missing directory succeeded")
	}
}

// smallDataset makes a data directory in a temp dir with the small source
// and document: <tmp>/data/small/{document.yaml, files...}, <tmp>/source/.
// A "document.yaml" entry replaces the default one.
func smallDataset(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	src, err := os.ReadFile("testdata/source/small.txt")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "source", "small.txt"), string(src))
	doc, err := os.ReadFile("testdata/valid/small/document.yaml")
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(root, "data", "small", "document.yaml"), string(doc))
	for name, body := range files {
		write(t, filepath.Join(root, "data", "small", name), body)
	}
	return filepath.Join(root, "data")
}

func write(t *testing.T, name, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			copyDir(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
			continue
		}
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(to, e.Name()), string(b))
	}
}

func TestCheckAcrossDocuments(t *testing.T) {
	const ev = "    evidence:\n      - {quote: 上海交大牵头建设测试实验室, start: 177, end: 190, section: 二、（一）}\n"
	dir := smallDataset(t, map[string]string{"x.yaml": "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n" + ev})
	// A second document stating facts about org/a (with another kind) and
	// relating to an entity only the first document defines.
	write(t, filepath.Join(dir, "other", "document.yaml"), "id: doc/other\ntitle: 测试委员会工作总结\nsource: ../../source/small.txt\n")
	write(t, filepath.Join(dir, "other", "y.yaml"), "entities:\n  - id: org/a\n    kind: INSTITUTION\n    name: 甲\n"+ev+
		"  - id: org/b\n    kind: LAB\n    name: 乙\n"+ev+
		"relations:\n  - subject: org/b\n    predicate: supports\n    object: lab/only-in-small\n"+ev)
	write(t, filepath.Join(dir, "small", "z.yaml"), "entities:\n  - id: lab/only-in-small\n    kind: LAB\n    name: 丙\n"+ev)
	rep, err := Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := locs(rep)
	want := []loc{{"x.yaml", 3, CodeUnknownKind}}
	if len(got) != 1 || got[0] != want[0] {
		t.Fatalf("got %v, want %v\n%s", got, want, text(rep))
	}
	if !strings.Contains(text(rep), "entity org/a is LAB here but INSTITUTION in doc/other at ") {
		t.Errorf("message:\n%s", text(rep))
	}
}

func TestCheckDataDirShapes(t *testing.T) {
	// A document folder given directly is checked as a one-document dataset.
	rep, err := Check("testdata/valid/small")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || len(rep.Documents) != 1 || rep.Documents[0].ID != "doc/small" {
		t.Errorf("document folder: %+v\n%s", rep.Documents, text(rep))
	}
	// An empty directory is not silently clean.
	rep, err = Check(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got := locs(rep); len(got) != 1 || got[0].code != CodeRequired || !strings.Contains(text(rep), "no document folders") {
		t.Errorf("empty directory: %v\n%s", got, text(rep))
	}
}
