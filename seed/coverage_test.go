package seed

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// covEv returns evidence for the first occurrence of quote in text.
func covEv(t *testing.T, text, quote string) graph.Evidence {
	t.Helper()
	b := strings.Index(text, quote)
	if b < 0 {
		t.Fatalf("quote %q not in text", quote)
	}
	s := utf8.RuneCountInString(text[:b])
	return graph.Evidence{Document: "doc/t", Quote: quote, Start: s, End: s + utf8.RuneCountInString(quote)}
}

func TestFindCoverageCandidates(t *testing.T) {
	type cand struct {
		Kind CandidateKind
		Text string
	}
	tests := []struct {
		name string
		line string
		want []cand
	}{
		{"verb stops a name", "相继成立闵行区合成生物产业联盟。", []cand{{CandidateName, "闵行区合成生物产业联盟"}}},
		{"list of names", "支持举办上海市产业技术创新大会、2024绿色生态创新大会等活动", []cand{
			{CandidateName, "上海市产业技术创新大会"}, {CandidateName, "2024绿色生态创新大会"}}},
		{"attached quoted part is kept", "相继成立“大零号湾”机器人创新联盟等", []cand{
			{CandidateName, "“大零号湾”机器人创新联盟"}, {CandidateQuoted, "大零号湾"}}},
		{"name inside quotes", "交大“大零号湾一公里孵化器”已有21个项目注册落地", []cand{
			{CandidateName, "大零号湾一公里孵化器"}, {CandidateNumber, "21个"}}},
		{"attached parentheses are kept", "将与宁德时代未来能源（上海）研究院新型储能研发中心等单位", []cand{
			{CandidateName, "宁德时代未来能源（上海）研究院"}, {CandidateName, "宁德时代未来能源（上海）研究院新型储能研发中心"}}},
		{"quantity stops a name", "发起成立长三角合作联盟等5个产业联盟；", []cand{
			{CandidateName, "长三角合作联盟"}, {CandidateNumber, "5个"}, {CandidateName, "产业联盟"}}},
		{"suffix used as a modifier", "鼓励各类平台企业申报，创新平台体系初步形成", nil},
		{"too short before the suffix", "建设新中心", nil},
		{"enumeration closed by 等", "首批落地项目包括节卡、飒智等6个企业，与中国老龄事业基金会等多家机构，获一等奖", []cand{
			{CandidateItem, "节卡"}, {CandidateItem, "飒智"}, {CandidateNumber, "6个"}, {CandidateName, "中国老龄事业基金会"}}},
		{"enumeration of names and quoted texts", "相继成立甲乙产业联盟、“丙丁”机器人联盟等，会同市财政局、市科委等研究", []cand{
			{CandidateName, "甲乙产业联盟"}, {CandidateName, "“丙丁”机器人联盟"}, {CandidateQuoted, "丙丁"},
			{CandidateItem, "市财政局"}, {CandidateItem, "市科委"}}},
		{"longest suffix, 大学 inside 大学生", "与中国老龄事业基金会签订协议，举办中国国际大学生创新大赛", []cand{
			{CandidateName, "中国老龄事业基金会"}, {CandidateName, "中国国际大学生创新大赛"}}},
		{"quoted texts", "深化“科创金融集市”品牌，做实科技“硬家底”", []cand{
			{CandidateQuoted, "科创金融集市"}, {CandidateQuoted, "硬家底"}}},
		{"book titles, nested", "印发《推进落实〈关于若干政策措施〉责任分工的方案》（闵府办发〔2024〕33号）", []cand{
			{CandidateTitle, "推进落实〈关于若干政策措施〉责任分工的方案"}, {CandidateTitle, "关于若干政策措施"},
			{CandidateDocNo, "闵府办发〔2024〕33号"}}},
		{"numbers and units", "研发投入266.18亿元，占GDP达8.87%，超3668家，1000余家，近500场，1/4，2024年，TR35中国区", []cand{
			{CandidateNumber, "266.18亿元"}, {CandidateNumber, "8.87%"}, {CandidateNumber, "3668家"},
			{CandidateNumber, "1000余家"}, {CandidateNumber, "500场"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []cand
			for _, c := range covFindCandidates(tt.line, 100, 7) {
				if c.Line != 7 || c.End-c.Start != utf8.RuneCountInString(c.Text) || c.Start < 100 {
					t.Errorf("candidate %+v: bad line or offsets", c)
				}
				got = append(got, cand{c.Kind, c.Text})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("candidates of %q:\n got %v\nwant %v", tt.line, got, tt.want)
			}
		})
	}
}

func TestCoverage(t *testing.T) {
	const text = "标题\n" +
		"闵行区相继成立测试产业联盟、“零号湾”机器人创新联盟，举办未知创新大会。\n" +
		"\n" +
		"全区研发投入266.18亿元，占比8.87%，高于全市平均值1.6个百分点，支持1000余家企业，共享仪器2949台。\n" +
		"另有研发投入266.18亿元的重复表述，印发《测试政策》（闵府办发〔2024〕33号），引进某某科技实验室和测试产业联盟。\n"
	ind := graph.Entity{ID: "ind/rd", Kind: graph.KindIndicator, Name: "研发投入",
		Attributes: []graph.Attribute{
			{Key: "value", Value: "266.18", Unit: "亿元", Type: graph.AttrNumber},
			{Key: "cityShare", Value: "8.870", Unit: "%", Type: graph.AttrNumber},
			{Key: "comparison", Value: "高于全市平均值1.6个百分点"},
		}}
	ind.Evidence = []graph.Evidence{covEv(t, text, "全区研发投入266.18亿元")}
	group := graph.Entity{ID: "group/firms", Kind: graph.KindCompany, Name: "企业",
		Attributes: []graph.Attribute{{Key: "count", Value: "1000", Unit: "家", Type: graph.AttrInteger}}}
	instr := graph.Entity{ID: "ind/instruments", Kind: graph.KindIndicator, Name: "共享仪器",
		Attributes: []graph.Attribute{{Key: "value", Value: "2949", Unit: "个", Type: graph.AttrNumber}}}
	instr.Evidence = []graph.Evidence{covEv(t, text, "共享仪器2949台")}
	policy := graph.Entity{ID: "policy/test", Kind: graph.KindPolicy, Name: "测试政策",
		Attributes: []graph.Attribute{{Key: "docNo", Value: "闵府办发〔2024〕33号", Type: graph.AttrDocNo}}}
	facts := graph.DocumentFacts{
		Document: graph.Document{ID: "doc/t", Title: "标题", Text: text},
		Entities: []graph.Entity{
			{ID: "alliance/test", Kind: graph.KindAlliance, Name: "闵行区测试产业联盟", Aliases: []string{"测试联盟"},
				Evidence: []graph.Evidence{covEv(t, text, "闵行区相继成立测试产业联盟")}},
			{ID: "alliance/robot", Kind: graph.KindAlliance, Name: "零号湾机器人创新联盟",
				Evidence: []graph.Evidence{covEv(t, text, "“零号湾”机器人创新联盟")}},
			{ID: "place/minhang", Kind: graph.KindPlace, Name: "闵行区"},
			ind, group, instr, policy,
		},
		Relations: []graph.Relation{{Subject: "place/minhang", Predicate: "supports", Object: "group/firms",
			Evidence: []graph.Evidence{covEv(t, text, "支持1000余家企业")}}},
	}

	type status struct{ Text, By, Reason string }
	tests := []struct {
		name   string
		ignore []CoverageIgnore
		want   map[int][]status // line -> candidates; By "" and Reason "" = missed
		ok     bool
		unused int
	}{
		{
			name: "no ignore list",
			want: map[int][]status{
				2: {{"测试产业联盟", "alliance/test", ""}, {"“零号湾”机器人创新联盟", "alliance/robot", ""}, {"零号湾", "alliance/robot", ""}, {"未知创新大会", "", ""}},
				4: {{"266.18亿元", "ind/rd", ""}, {"8.87%", "ind/rd", ""}, {"1.6个", "ind/rd", ""},
					{"1000余家", "group/firms", ""}, {"2949台", "", ""}},
				5: {{"266.18亿元", "", ""}, {"测试政策", "policy/test", ""}, {"闵府办发〔2024〕33号", "policy/test", ""},
					{"某某科技实验室", "", ""}, {"测试产业联盟", "", ""}},
			},
		},
		{
			name: "ignored on any line, on the right line, not on another line",
			ignore: []CoverageIgnore{
				{Text: "未知创新大会", Reason: "generic"},
				{Text: "2949台", Line: 4, Reason: "unit differs on purpose"},
				{Text: "266.18亿元", Line: 5, Reason: "restatement"},
				{Text: "某某科技实验室", Line: 2, Reason: "wrong line"},
				{Text: "从未出现", Reason: "stale"},
			},
			want: map[int][]status{
				2: {{"测试产业联盟", "alliance/test", ""}, {"“零号湾”机器人创新联盟", "alliance/robot", ""}, {"零号湾", "alliance/robot", ""}, {"未知创新大会", "", "generic"}},
				4: {{"266.18亿元", "ind/rd", ""}, {"8.87%", "ind/rd", ""}, {"1.6个", "ind/rd", ""},
					{"1000余家", "group/firms", ""}, {"2949台", "", "unit differs on purpose"}},
				5: {{"266.18亿元", "", "restatement"}, {"测试政策", "policy/test", ""}, {"闵府办发〔2024〕33号", "policy/test", ""},
					{"某某科技实验室", "", ""}, {"测试产业联盟", "", ""}},
			},
			unused: 2,
		},
		{
			name: "everything explained",
			ignore: []CoverageIgnore{
				{Text: "未知创新大会", Reason: "generic"},
				{Text: "2949台", Reason: "x"},
				{Text: "266.18亿元", Line: 5, Reason: "restatement"},
				{Text: "“某某科技实验室”", Line: 5, Reason: "quotes are normalised away"},
				{Text: "测试产业联盟", Line: 5, Reason: "part of a name whose entity is not cited here"},
			},
			want: map[int][]status{
				2: {{"测试产业联盟", "alliance/test", ""}, {"“零号湾”机器人创新联盟", "alliance/robot", ""}, {"零号湾", "alliance/robot", ""}, {"未知创新大会", "", "generic"}},
				4: {{"266.18亿元", "ind/rd", ""}, {"8.87%", "ind/rd", ""}, {"1.6个", "ind/rd", ""},
					{"1000余家", "group/firms", ""}, {"2949台", "", "x"}},
				5: {{"266.18亿元", "", "restatement"}, {"测试政策", "policy/test", ""}, {"闵府办发〔2024〕33号", "policy/test", ""},
					{"某某科技实验室", "", "quotes are normalised away"},
					{"测试产业联盟", "", "part of a name whose entity is not cited here"}},
			},
			ok: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := Coverage(text, facts, tt.ignore)
			if rep.Document != "doc/t" {
				t.Errorf("document %q", rep.Document)
			}
			var lines []int
			got := map[int][]status{}
			for _, p := range rep.Paragraphs {
				lines = append(lines, p.Line)
				for _, c := range p.Candidates {
					got[p.Line] = append(got[p.Line], status{c.Text, c.CoveredBy, c.Reason})
				}
			}
			if want := []int{1, 2, 4, 5}; !reflect.DeepEqual(lines, want) {
				t.Errorf("paragraph lines %v, want %v", lines, want)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("candidates:\n got %v\nwant %v", got, tt.want)
			}
			if rep.OK() != tt.ok {
				t.Errorf("OK() = %v, want %v; misses %v", rep.OK(), tt.ok, rep.Misses())
			}
			if len(rep.Unused) != tt.unused {
				t.Errorf("unused %v, want %d", rep.Unused, tt.unused)
			}
			var buf bytes.Buffer
			if err := rep.Write(&buf); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if tt.ok != strings.Contains(out, "coverage ok") || tt.ok == strings.Contains(out, "MISSED") {
				t.Errorf("report does not match OK()=%v:\n%s", tt.ok, out)
			}
		})
	}

	t.Run("facts cited per paragraph", func(t *testing.T) {
		rep := Coverage(text, facts, nil)
		p := rep.Paragraphs[2] // line 4
		if want := []string{"ind/instruments", "ind/rd"}; !reflect.DeepEqual(p.Entities, want) {
			t.Errorf("entities %v, want %v", p.Entities, want)
		}
		if want := []string{"place/minhang supports group/firms"}; !reflect.DeepEqual(p.Relations, want) {
			t.Errorf("relations %v, want %v", p.Relations, want)
		}
		lines := strings.Split(text, "\n")
		start := utf8.RuneCountInString(strings.Join(lines[:3], "\n")) + 1
		if p.Start != start || p.End != start+utf8.RuneCountInString(lines[3]) {
			t.Errorf("offsets %d..%d", p.Start, p.End)
		}
	})
}

func TestParseCoverageIgnore(t *testing.T) {
	tests := []struct {
		name    string
		yaml    string
		want    []CoverageIgnore
		wantErr []string // substrings of the error
	}{
		{
			name: "valid",
			yaml: "# comment\nignore:\n  - text: 公共服务平台\n    line: 33\n    reason: generic\n  - {text: 某某, reason: any line}\n",
			want: []CoverageIgnore{{Text: "公共服务平台", Line: 33, Reason: "generic"}, {Text: "某某", Reason: "any line"}},
		},
		{name: "empty file", yaml: "", want: nil},
		{
			name:    "missing reason names the file and line",
			yaml:    "ignore:\n  - text: a\n    reason: ok\n  - text: 公共服务平台\n    line: 33\n",
			wantErr: []string{"ignore.yaml:4:", "ignore[1]", "reason is required"},
		},
		{
			name:    "blank reason",
			yaml:    "ignore:\n  - text: a\n    reason: \"  \"\n",
			wantErr: []string{"ignore.yaml:2:", "reason is required"},
		},
		{
			name:    "empty text",
			yaml:    "ignore:\n  - reason: why\n",
			wantErr: []string{"ignore.yaml:2:", "text is empty"},
		},
		{
			name:    "unknown field",
			yaml:    "ignore:\n  - text: a\n    reason: b\n    note: c\n",
			wantErr: []string{"ignore.yaml:4:", "note"},
		},
		{
			name:    "wrong type",
			yaml:    "ignore:\n  - text: a\n    line: many\n    reason: b\n",
			wantErr: []string{"ignore.yaml:3:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCoverageIgnore("ignore.yaml", []byte(tt.yaml))
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, got %v", got)
				}
				for _, s := range tt.wantErr {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q does not contain %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLoadCoverageIgnore(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, CoverageIgnoreFile)
	if err := os.WriteFile(p, []byte("ignore:\n  - text: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCoverageIgnore(p); err == nil || !strings.Contains(err.Error(), p+":2:") {
		t.Errorf("error %v does not name %s:2", err, p)
	}
	if _, err := LoadCoverageIgnore(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
}

// TestDatasetCoverage is the acceptance gate of the dataset: every name and
// value the coverage check finds in each source text must be accounted for
// by the dataset or explained in the document's coverage-ignore.yaml.
func TestDatasetCoverage(t *testing.T) {
	const dataDir = "data"
	ds, err := Parse(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Facts(); err != nil {
		t.Fatalf("dataset is not valid (run kg check): %v", err)
	}
	if len(ds.Documents) == 0 {
		t.Fatal("no documents in the dataset")
	}
	for _, d := range ds.Documents {
		t.Run(d.ID, func(t *testing.T) {
			p := filepath.Join(d.Dir, CoverageIgnoreFile)
			rep, err := d.Coverage()
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range rep.Misses() {
				t.Errorf("line %d: %s %q (%d..%d) is not in the dataset and not in %s", c.Line, c.Kind, c.Text, c.Start, c.End, p)
			}
			for _, ig := range rep.Unused {
				t.Errorf("%s: entry %q (line %d) matches nothing; remove it", p, ig.Text, ig.Line)
			}
			if n, _, _, _ := rep.Counts(); n == 0 {
				t.Error("no candidates found: the patterns are broken")
			}
			if t.Failed() {
				var buf bytes.Buffer
				_ = rep.Write(&buf)
				t.Log("\n" + buf.String())
			}
		})
	}
}
