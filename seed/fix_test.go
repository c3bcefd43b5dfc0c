package seed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixRoundTrip fills in the offsets of testdata/unfixed and expects
// exactly testdata/valid: comments, blank lines, flow mappings and quoting
// are kept; a second run changes nothing.
func TestFixRoundTrip(t *testing.T) {
	root := t.TempDir()
	copyDir(t, "testdata/unfixed", filepath.Join(root, "data"))
	copyDir(t, "testdata/source", filepath.Join(root, "source"))
	facts := filepath.Join(root, "data", "small", "facts.yaml")

	before, err := Check(filepath.Join(root, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if before.OK() {
		t.Fatal("unfixed fixture has no problems")
	}
	rep, err := Fix(filepath.Join(root, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("problems after --fix:\n%s", text(rep))
	}
	if len(rep.Fixes) != 12*3 {
		t.Errorf("%d fixes, want 36", len(rep.Fixes))
	}
	got, err := os.ReadFile(facts)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/valid/small/facts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("fixed file differs from testdata/valid/small/facts.yaml:\n%s", got)
	}

	again, err := Fix(filepath.Join(root, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if len(again.Fixes) != 0 || !again.OK() {
		t.Errorf("second --fix: %d fixes, problems:\n%s", len(again.Fixes), text(again))
	}
	got2, _ := os.ReadFile(facts)
	if string(got2) != string(got) {
		t.Error("second --fix changed the file")
	}
}

func TestFixSnippets(t *testing.T) {
	const head = "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n"
	tests := []struct {
		name     string
		in       string // evidence lines after head
		want     string // expected evidence lines after --fix
		problems []loc
	}{
		{
			name: "wrong start and end are corrected in place",
			in:   "      - quote: 上海交大牵头建设测试实验室\n        start: 1   # old\n        end: 2\n        section: 二、（一）\n",
			want: "      - quote: 上海交大牵头建设测试实验室\n        start: 177   # old\n        end: 190\n        section: 二、（一）\n",
		},
		{
			name: "wrong quoted section is replaced",
			in:   "      - quote: 上海交大牵头建设测试实验室\n        start: 177\n        end: 190\n        section: \"一、\"\n",
			want: "      - quote: 上海交大牵头建设测试实验室\n        start: 177\n        end: 190\n        section: 二、（一）\n",
		},
		{
			name: "empty values are filled",
			in:   "      - quote: 上海交大牵头建设测试实验室\n        start:\n        end: ~\n        section:\n",
			want: "      - quote: 上海交大牵头建设测试实验室\n        start: 177\n        end: 190\n        section: 二、（一）\n",
		},
		{
			name: "missing end goes after start, section after end",
			in:   "      - quote: 上海交大牵头建设测试实验室  # why\n        start: 177\n        note: 备注\n",
			want: "      - quote: 上海交大牵头建设测试实验室  # why\n        start: 177\n        end: 190\n        section: 二、（一）\n        note: 备注\n",
		},
		{
			name: "flow mapping",
			in:   "      - {quote: 上海交大牵头建设测试实验室 , end: 7 }\n",
			want: "      - {quote: 上海交大牵头建设测试实验室 , end: 190, start: 177, section: 二、（一） }\n",
		},
		{
			name: "last line without newline",
			in:   "      - quote: 上海交大牵头建设测试实验室",
			want: "      - quote: 上海交大牵头建设测试实验室\n        start: 177\n        end: 190\n        section: 二、（一）",
		},
		{
			name: "comment lines after the quote stay after the new values' anchor",
			in:   "      - quote: 上海交大牵头建设测试实验室\n\n        # comment about the note\n        note: n\n",
			want: "      - quote: 上海交大牵头建设测试实验室\n        start: 177\n        end: 190\n        section: 二、（一）\n\n        # comment about the note\n        note: n\n",
		},
		{
			name: "multi-line literal quote",
			in:   "      - quote: |-\n          测试委员会工作总结\n          2024年\n        note: spans two lines\n",
			want: "      - quote: |-\n          测试委员会工作总结\n          2024年\n        start: 56\n        end: 71\n        section: 总述\n        note: spans two lines\n",
		},
		{
			name: "double-quoted quote with an escape",
			in:   "      - quote: \"测试委员会工作总结\\n2024年\"\n",
			want: "      - quote: \"测试委员会工作总结\\n2024年\"\n        start: 56\n        end: 71\n        section: 总述\n",
		},
		{
			name:     "ambiguous quote is left alone and reported",
			in:       "      - quote: 测试实验室正式启动运营\n",
			want:     "      - quote: 测试实验室正式启动运营\n",
			problems: []loc{{"x.yaml", 6, CodeAmbiguousQuote}},
		},
		{
			name: "ambiguous quote with valid offsets gets its section",
			in:   "      - quote: 测试实验室正式启动运营\n        start: 214\n        end: 225\n",
			want: "      - quote: 测试实验室正式启动运营\n        start: 214\n        end: 225\n        section: 二、（二）\n",
		},
		{
			name:     "quote not found is left alone",
			in:       "      - quote: 不存在的句子\n",
			want:     "      - quote: 不存在的句子\n",
			problems: []loc{{"x.yaml", 6, CodeQuoteNotFound}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := smallDataset(t, map[string]string{"x.yaml": head + tt.in})
			rep, err := Fix(dir)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(dir, "small", "x.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != head+tt.want {
				t.Errorf("after --fix:\n%s\nwant:\n%s", got, head+tt.want)
			}
			wantLocs(t, rep, tt.problems)
		})
	}
}

func TestFixAmbiguousListsLines(t *testing.T) {
	dir := smallDataset(t, map[string]string{"x.yaml": "entities:\n  - id: org/a\n    kind: LAB\n    name: 甲\n    evidence:\n      - quote: 测试实验室\n"})
	rep, err := Fix(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "x.yaml:6: entities[0].evidence[0]: start, end and section missing; the quote occurs 3 times, " +
		"at 185..190 (line 12), 202..207 (line 14), 214..219 (line 14): give start/end or a longer quote"
	if out := text(rep); !strings.Contains(out, want) {
		t.Errorf("report lacks %q:\n%s", want, out)
	}
}

func TestFixEmbeddedIsReadOnly(t *testing.T) {
	ds, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ds.fix(); err == nil {
		t.Fatal("fix of the embedded dataset succeeded")
	}
}

func TestFixKeepsCRLF(t *testing.T) {
	in := "entities:\r\n  - id: org/a\r\n    kind: LAB\r\n    name: 甲\r\n    evidence:\r\n      - quote: 上海交大牵头建设测试实验室\r\n      - quote: 测试委员会与上海交大签订战略合作协议\r\n"
	want := "entities:\r\n  - id: org/a\r\n    kind: LAB\r\n    name: 甲\r\n    evidence:\r\n      - quote: 上海交大牵头建设测试实验室\r\n        start: 177\r\n        end: 190\r\n        section: 二、（一）\r\n" +
		"      - quote: 测试委员会与上海交大签订战略合作协议\r\n        start: 158\r\n        end: 176\r\n        section: 二、（一）\r\n"
	dir := smallDataset(t, map[string]string{"x.yaml": in})
	rep, err := Fix(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "small", "x.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("after --fix:\n%q\nwant:\n%q", got, want)
	}
	if !rep.OK() {
		t.Errorf("problems:\n%s", text(rep))
	}
}
