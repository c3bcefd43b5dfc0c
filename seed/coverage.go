package seed

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/goccy/go-yaml"

	"github.com/minhang-kg/kg/graph"
)

// Coverage cross-checks a dataset against its source text, paragraph by
// paragraph: which facts cite each paragraph, and which names and values of
// the paragraph no fact accounts for.
//
// A paragraph is a line of the source text that is not blank. An evidence
// item cites a paragraph when its start offset lies inside the paragraph
// (evidence of another document, or without a quote, is not counted).
//
// Candidates are found by pattern (see CandidateKind):
//
//   - CandidateName: a name ending in one of NameSuffixes. The span runs back
//     from the suffix to the nearest delimiter (punctuation such as 、，。；：
//     or an opening quote/bracket, a quantity such as "5个", or a stop word
//     such as a verb 成立/启动/建立/举办 or a function word 与/和/及/等/的 —
//     see covStopWords). A short quoted or parenthesised part directly
//     attached to the name (“大零号湾”机器人创新联盟, 宁德时代未来能源（上海）研究院)
//     is kept inside the span. Spans with fewer than two runes before the
//     suffix, and suffixes directly followed by 企业/公司/体系/生 (平台企业,
//     创新平台体系, 大学生), are not candidates.
//   - CandidateTitle: the text inside 《…》 and, nested in it, 〈…〉.
//   - CandidateDocNo: an official document number, issuer + 〔YYYY〕N号.
//   - CandidateNumber: a number directly followed by one of NumberUnits,
//     optionally with 余/多 in between (1000余家).
//   - CandidateItem: each item of an enumeration closed by 等 (包括节卡、飒智等6个
//     智能机器人制造企业 gives 节卡 and 飒智) — how the summary names the
//     members of groups it counts. Items are separated by 、; the first one
//     starts where a name would (same delimiters and stop words).
//   - CandidateQuoted: the text inside “…” — in this genre the way brands,
//     programmes and short names are marked (“科创金融集市”), but also
//     slogans (“硬家底”), which the ignore file then explains.
//
// Coverage rules. Texts are compared after normalisation, which drops
// quotation marks, book-title brackets and white space.
//
//   - An entity is "at" a paragraph when it has evidence citing the
//     paragraph or is at either end of a relation whose evidence cites it.
//   - A name, title, document number, list item or quoted text is covered
//     when it equals
//     the name or an alias of any entity of the document (a later mention of
//     an entity defined elsewhere is covered), or is contained in the name or
//     an alias of an entity at the paragraph (a shorter span of a longer
//     name, e.g. 2024年青少年科创大赛 of 首届《大国小匠》2024年青少年科创大赛),
//     or (document numbers, list items and quoted texts) is contained in an attribute
//     value of any entity. The entity reported is the exact match, else the
//     one with the shortest name or alias containing the candidate. Entities are global to the document:
//     a later mention of an entity defined elsewhere is covered.
//   - A number is covered when an entity at the paragraph has an attribute whose value equals the
//     number (numerically, with a compatible unit: the attribute's unit is
//     empty or one unit contains the other), or whose text contains the
//     candidate as written (1.6个 in 高于全市平均值1.6个百分点, 1000余家).
//     Numbers are paragraph-scoped because the same value can mean different
//     things in different paragraphs.
//
// A candidate that is not covered is ignored when an ignore entry has the
// same text (after normalisation) and either no line or the paragraph's
// line; otherwise it is a miss. Ignore entries that match nothing are
// reported as unused.
func Coverage(text string, facts graph.DocumentFacts, ignore []CoverageIgnore) CoverageReport {
	return coverage(text, facts, ignore, nil)
}

// Coverage reports the document's coverage (see Coverage), honouring its
// coverage ignore file and counting the entities' mentions (words the text
// uses for an entity in context, EntitySpec.Mentions) like aliases.
func (d *DocumentSpec) Coverage() (CoverageReport, error) {
	ignore, err := d.CoverageIgnore()
	if err != nil {
		return CoverageReport{}, err
	}
	same := d.sameAs()
	mentions := map[string][]string{}
	for _, f := range d.Files {
		for _, e := range f.Entities {
			id := canon(same, e.ID)
			mentions[id] = append(mentions[id], e.Mentions...)
		}
	}
	return coverage(d.Text, d.Facts(), ignore, mentions), nil
}

func coverage(text string, facts graph.DocumentFacts, ignore []CoverageIgnore, mentions map[string][]string) CoverageReport {
	rep := CoverageReport{Document: facts.Document.ID}
	outline := graph.NewOutline(text, facts.Document.Title)
	used := make([]bool, len(ignore))

	names := make([]covNameRef, 0, len(facts.Entities)*2)
	byID := make(map[string]*graph.Entity, len(facts.Entities))
	for i := range facts.Entities {
		e := &facts.Entities[i]
		byID[e.ID] = e
		names = append(names, covNameRef{covNormalize(e.Name), e.ID})
		for _, a := range e.Aliases {
			names = append(names, covNameRef{covNormalize(a), e.ID})
		}
		for _, m := range mentions[e.ID] {
			names = append(names, covNameRef{covNormalize(m), e.ID})
		}
	}

	cites := func(ev graph.Evidence, p *ParagraphCoverage) bool {
		if ev.Quote == "" || (ev.Document != "" && facts.Document.ID != "" && ev.Document != facts.Document.ID) {
			return false
		}
		return ev.Start >= p.Start && ev.Start < p.End
	}

	off := 0
	for i, ln := range strings.Split(text, "\n") {
		n := utf8.RuneCountInString(ln)
		start := off
		off += n + 1
		if strings.TrimFunc(ln, unicode.IsSpace) == "" {
			continue
		}
		p := ParagraphCoverage{Line: i + 1, Start: start, End: start + n, Section: outline.SectionAt(start), Text: ln}

		at := map[string]bool{} // entities at this paragraph
		for _, e := range facts.Entities {
			for _, ev := range e.Evidence {
				if cites(ev, &p) {
					p.Entities = append(p.Entities, e.ID)
					at[e.ID] = true
					break
				}
			}
		}
		for _, r := range facts.Relations {
			for _, ev := range r.Evidence {
				if cites(ev, &p) {
					p.Relations = append(p.Relations, r.Subject+" "+r.Predicate+" "+r.Object)
					at[r.Subject], at[r.Object] = true, true
					break
				}
			}
		}
		sort.Strings(p.Entities)
		sort.Strings(p.Relations)

		for _, c := range covFindCandidates(ln, start, i+1) {
			switch c.Kind {
			case CandidateNumber:
				c.CoveredBy = covNumberCoveredBy(c, at, byID)
			case CandidateDocNo, CandidateQuoted, CandidateItem:
				c.CoveredBy = covNameCoveredBy(c.Text, names, at)
				if c.CoveredBy == "" {
					c.CoveredBy = covAttrCoveredBy(c.Text, facts.Entities)
				}
			default:
				c.CoveredBy = covNameCoveredBy(c.Text, names, at)
			}
			if c.CoveredBy == "" {
				for k, ig := range ignore {
					if covNormalize(ig.Text) == covNormalize(c.Text) && (ig.Line == 0 || ig.Line == c.Line) {
						c.Ignored, c.Reason, used[k] = true, ig.Reason, true
						break
					}
				}
			}
			p.Candidates = append(p.Candidates, c)
		}
		rep.Paragraphs = append(rep.Paragraphs, p)
	}
	for k, u := range used {
		if !u {
			rep.Unused = append(rep.Unused, ignore[k])
		}
	}
	return rep
}

// CoverageIgnoreFile is the name of a document folder's coverage ignore
// file (see LoadCoverageIgnore). It is not a fact file.
const CoverageIgnoreFile = "coverage-ignore.yaml"

// CoverageIgnore excuses one candidate from the coverage check.
type CoverageIgnore struct {
	Text   string `yaml:"text" json:"text"`     // the candidate as reported
	Line   int    `yaml:"line" json:"line"`     // source line; 0 = any line
	Reason string `yaml:"reason" json:"reason"` // why it need not be in the dataset (required)
}

// LoadCoverageIgnore reads a coverage ignore file:
//
//	ignore:
//	  - text: 公共服务平台
//	    line: 33
//	    reason: generic category of platforms, not a named entity
//
// Every entry needs a text and a non-empty reason; unknown fields are
// errors. Errors name the file and line. A missing file is an error that
// matches fs.ErrNotExist (callers treat it as an empty list if they wish).
func LoadCoverageIgnore(path string) ([]CoverageIgnore, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("coverage ignore file: %w", err)
	}
	return ParseCoverageIgnore(path, data)
}

// ParseCoverageIgnore parses the content of a coverage ignore file; name is
// used in error messages. See LoadCoverageIgnore.
func ParseCoverageIgnore(name string, data []byte) ([]CoverageIgnore, error) {
	var doc struct {
		Ignore []CoverageIgnore `yaml:"ignore"`
	}
	if err := yaml.UnmarshalWithOptions(data, &doc, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", name, covYAMLErrorLine(err), err)
	}
	var errs []error
	for i, ig := range doc.Ignore {
		line := covEntryLine(data, i)
		switch {
		case strings.TrimSpace(ig.Text) == "":
			errs = append(errs, fmt.Errorf("%s:%d: ignore[%d]: text is empty", name, line, i))
		case strings.TrimSpace(ig.Reason) == "":
			errs = append(errs, fmt.Errorf("%s:%d: ignore[%d] (%q): reason is required", name, line, i, ig.Text))
		case ig.Line < 0:
			errs = append(errs, fmt.Errorf("%s:%d: ignore[%d] (%q): line %d is negative", name, line, i, ig.Text, ig.Line))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return doc.Ignore, nil
}

// covYAMLErrorLine returns the line a goccy/go-yaml error points at, or 0.
func covYAMLErrorLine(err error) int {
	var ye yaml.Error
	if errors.As(err, &ye) {
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line
		}
	}
	return 0
}

// covEntryLine returns the 1-based line of the i-th entry of the ignore list.
func covEntryLine(data []byte, i int) int {
	p, err := yaml.PathString(fmt.Sprintf("$.ignore[%d]", i))
	if err != nil {
		return 0
	}
	n, err := p.ReadNode(strings.NewReader(string(data)))
	if err != nil || n == nil {
		return 0
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line
	}
	return 0
}

// CandidateKind says which pattern found a candidate.
type CandidateKind string

// Candidate kinds.
const (
	CandidateName   CandidateKind = "name"   // ends in one of NameSuffixes
	CandidateTitle  CandidateKind = "title"  // 《…》 or 〈…〉
	CandidateDocNo  CandidateKind = "docno"  // 闵府办发〔2024〕33号
	CandidateNumber CandidateKind = "number" // 266.18亿元
	CandidateQuoted CandidateKind = "quoted" // the text inside “…”: brands, programmes, titles (or slogans)
	CandidateItem   CandidateKind = "item"   // an item of an enumeration closed by 等 (节卡、飒智等)
)

// NameSuffixes end the names the coverage check looks for.
var NameSuffixes = []string{
	"实验室", "研究院", "研究所", "孵化器", "联盟", "中心", "基地", "平台", "论坛", "大赛", "峰会", "大会",
	"基金会", "基金", "产业园", "学院", "大学", "众创空间", "工作站", "训练营", "科技节",
}

// NumberUnits follow the numbers the coverage check looks for.
var NumberUnits = []string{"亿元", "万元", "家", "项", "台", "个", "%", "％", "件", "款", "场", "条"}

// Candidate is one name or value found in the source text.
type Candidate struct {
	Kind      CandidateKind `json:"kind"`
	Text      string        `json:"text"` // as written
	Line      int           `json:"line"`
	Start     int           `json:"start"` // rune offsets in the text
	End       int           `json:"end"`
	CoveredBy string        `json:"coveredBy,omitempty"` // ID of the entity that covers it
	Ignored   bool          `json:"ignored,omitempty"`
	Reason    string        `json:"reason,omitempty"` // of the ignore entry
}

// Missed reports whether the candidate is neither covered nor ignored.
func (c Candidate) Missed() bool { return c.CoveredBy == "" && !c.Ignored }

// ParagraphCoverage is the coverage of one paragraph.
type ParagraphCoverage struct {
	Line       int         `json:"line"`
	Start      int         `json:"start"`
	End        int         `json:"end"`
	Section    string      `json:"section"`
	Text       string      `json:"-"`
	Entities   []string    `json:"entities"`  // IDs of entities with evidence here
	Relations  []string    `json:"relations"` // "subject predicate object" with evidence here
	Candidates []Candidate `json:"candidates"`
}

// CoverageReport is the result of Coverage.
type CoverageReport struct {
	Document   string              `json:"document"`
	Paragraphs []ParagraphCoverage `json:"paragraphs"`
	Unused     []CoverageIgnore    `json:"unused,omitempty"` // ignore entries that matched nothing
}

// Misses returns every candidate that is neither covered nor ignored.
func (r CoverageReport) Misses() []Candidate {
	var out []Candidate
	for _, p := range r.Paragraphs {
		for _, c := range p.Candidates {
			if c.Missed() {
				out = append(out, c)
			}
		}
	}
	return out
}

// OK reports whether there is no miss.
func (r CoverageReport) OK() bool { return len(r.Misses()) == 0 }

// Counts returns the number of candidates, covered, ignored and missed.
func (r CoverageReport) Counts() (candidates, covered, ignored, missed int) {
	for _, p := range r.Paragraphs {
		for _, c := range p.Candidates {
			candidates++
			switch {
			case c.CoveredBy != "":
				covered++
			case c.Ignored:
				ignored++
			default:
				missed++
			}
		}
	}
	return
}

// Write prints the report for people: per paragraph the facts citing it and
// its candidates, then a summary with every miss and unused ignore entry.
func (r CoverageReport) Write(w io.Writer) error {
	ew := &covWriter{w: w}
	ew.printf("coverage of %s: %d paragraphs\n", r.Document, len(r.Paragraphs))
	for _, p := range r.Paragraphs {
		ew.printf("\nline %d [%s] %d..%d: %d entities, %d relations — %s\n",
			p.Line, p.Section, p.Start, p.End, len(p.Entities), len(p.Relations), covClip(strings.TrimSpace(p.Text), 24))
		if len(p.Entities) > 0 {
			ew.printf("  entities: %s\n", strings.Join(p.Entities, ", "))
		}
		for _, rel := range p.Relations {
			ew.printf("  relation: %s\n", rel)
		}
		for _, c := range p.Candidates {
			switch {
			case c.CoveredBy != "":
				ew.printf("  ok      %-6s %s → %s\n", c.Kind, c.Text, c.CoveredBy)
			case c.Ignored:
				ew.printf("  ignored %-6s %s (%s)\n", c.Kind, c.Text, c.Reason)
			default:
				ew.printf("  MISSED  %-6s %s at %d..%d\n", c.Kind, c.Text, c.Start, c.End)
			}
		}
	}
	n, cov, ign, miss := r.Counts()
	ew.printf("\n%d candidates: %d covered, %d ignored, %d missed\n", n, cov, ign, miss)
	for _, c := range r.Misses() {
		ew.printf("missed: line %d: %s %q at %d..%d\n", c.Line, c.Kind, c.Text, c.Start, c.End)
	}
	for _, ig := range r.Unused {
		if ig.Line > 0 {
			ew.printf("unused ignore entry: %q (line %d)\n", ig.Text, ig.Line)
		} else {
			ew.printf("unused ignore entry: %q\n", ig.Text)
		}
	}
	if miss == 0 {
		ew.printf("coverage ok\n")
	}
	return ew.err
}

type covWriter struct {
	w   io.Writer
	err error
}

func (e *covWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// ---- candidate extraction ----

var (
	covReTitle  = regexp.MustCompile(`《([^《》]+)》`)
	covReInner  = regexp.MustCompile(`〈([^〈〉]+)〉`)
	covReQuoted = regexp.MustCompile(`“([^“”]+)”`)
	covReDocNo  = regexp.MustCompile(`\p{Han}{1,10}〔\d{4}〕\d+号`)
	covReNumber = regexp.MustCompile(`(\d+(?:\.\d+)?)(?:余|多)?(` + covUnitAlternation() + `)`)
)

func covUnitAlternation() string {
	qs := make([]string, len(NumberUnits))
	for i, u := range NumberUnits {
		qs[i] = regexp.QuoteMeta(u)
	}
	return strings.Join(qs, "|")
}

// covStopWords end a name when read backwards from its suffix: verbs and
// function words that precede names in the summary's style.
var covStopWords = []string{
	"加速", "加快", "提升", "聚力", "成立", "启动", "建立", "建设", "建成", "举办", "承办", "主办", "打造", "支持", "共建", "推进", "推动",
	"落地", "揭牌", "发起", "引进", "鼓励", "申报", "获评", "获得", "开展", "布局", "培育", "完成", "优化",
	"加强", "做好", "组建", "依托", "入选", "参加", "参与", "包括", "围绕", "设立", "出台", "印发", "签订",
	"牵头", "配合", "会同", "各类", "其中", "获", "在", "与", "和", "及", "等", "的", "为", "将", "已", "于", "以", "了",
}

// covDelims end a name when read backwards.
const covDelims = "、，。；：！？,.;:!?（）()“”‘’\"'《》〈〉—-–… \t\u3000[]【】"

const covNumerals = "0123456789一二三四五六七八九十百千两"
const covClassifiers = "个家项所场批条类"

// covFindCandidates returns the candidates of one line; base is the rune
// offset of the line in the text, line its 1-based number.
func covFindCandidates(ln string, base, line int) []Candidate {
	rs := []rune(ln)
	var out []Candidate
	add := func(kind CandidateKind, s, e int) {
		out = append(out, Candidate{Kind: kind, Text: string(rs[s:e]), Line: line, Start: base + s, End: base + e})
	}
	runeAt := covRuneIndexer(ln)

	for _, m := range covReTitle.FindAllStringSubmatchIndex(ln, -1) {
		add(CandidateTitle, runeAt(m[2]), runeAt(m[3]))
	}
	for _, m := range covReInner.FindAllStringSubmatchIndex(ln, -1) {
		add(CandidateTitle, runeAt(m[2]), runeAt(m[3]))
	}
	for _, m := range covReQuoted.FindAllStringSubmatchIndex(ln, -1) {
		add(CandidateQuoted, runeAt(m[2]), runeAt(m[3]))
	}
	for _, m := range covReDocNo.FindAllStringIndex(ln, -1) {
		add(CandidateDocNo, runeAt(m[0]), runeAt(m[1]))
	}
	for _, m := range covReNumber.FindAllStringIndex(ln, -1) {
		s := runeAt(m[0])
		if s > 0 && (unicode.IsDigit(rs[s-1]) || rs[s-1] == '.' || unicode.IsLetter(rs[s-1]) && rs[s-1] < 0x80) {
			continue // inside a longer token such as TR35
		}
		add(CandidateNumber, s, runeAt(m[1]))
	}
	for i := range rs {
		for _, suf := range NameSuffixes {
			sr := []rune(suf)
			end := i + len(sr)
			if end > len(rs) || string(rs[i:end]) != suf {
				continue
			}
			if covFollowedByNoun(rs, end) {
				continue
			}
			start := covNameStart(rs, i)
			if i-start >= 2 {
				add(CandidateName, start, end)
			}
			break
		}
	}
	// Enumerations closed by 等: 包括节卡、飒智等6个…, 与中国老龄事业基金会等多家机构.
	for k, r := range rs {
		if r != '等' || k > 0 && strings.ContainsRune(covNumerals, rs[k-1]) ||
			k+1 < len(rs) && strings.ContainsRune("级奖同于待", rs[k+1]) {
			continue // 一等奖, 等级, 等同, 等于, 等待: not an enumeration
		}
		for end := k; end > 0; {
			start := covNameStart(rs, end)
			if end-start < 2 {
				break
			}
			add(CandidateItem, start, end)
			if start == 0 || rs[start-1] != '、' {
				break
			}
			end = start - 1
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	// A span found by several patterns is reported once, by the most
	// specific: name or title, then document number, list item, quoted text.
	rank := map[CandidateKind]int{CandidateName: 0, CandidateTitle: 0, CandidateDocNo: 1, CandidateItem: 2, CandidateQuoted: 3, CandidateNumber: 0}
	type span struct{ s, e int }
	best := map[span]int{}
	for _, c := range out {
		sp := span{c.Start, c.End}
		if r, ok := best[sp]; !ok || rank[c.Kind] < r {
			best[sp] = rank[c.Kind]
		}
	}
	kept := out[:0]
	for _, c := range out {
		sp := span{c.Start, c.End}
		if r, ok := best[sp]; ok && r == rank[c.Kind] {
			kept = append(kept, c)
			best[sp] = -1 // report the span once
		}
	}
	return kept
}

// covNameStart walks back from rune index i (the start of a suffix) to the
// start of the name.
func covNameStart(rs []rune, i int) int {
	j := i // the name is rs[j:...]; look at rs[j-1]
	for j > 0 {
		r := rs[j-1]
		if r == '”' || r == '）' || r == ')' {
			if k := covAttachedGroup(rs, j-1); k >= 0 {
				j = k
				continue
			}
			break
		}
		if strings.ContainsRune(covDelims, r) {
			break
		}
		if strings.ContainsRune(covClassifiers, r) && j >= 2 && strings.ContainsRune(covNumerals, rs[j-2]) {
			break
		}
		if stop := covStopWordEndingAt(rs, j); stop {
			break
		}
		j--
	}
	return j
}

// covAttachedGroup handles a closing quote or parenthesis at index c while
// walking back: when it closes a short (at most 12 runes) quoted or
// parenthesised part that is itself attached to the name — preceded by a
// name rune, or (quotes) starting the name — it returns the index of the
// opening mark, else -1.
func covAttachedGroup(rs []rune, c int) int {
	open := map[rune]rune{'”': '“', '）': '（', ')': '('}[rs[c]]
	for k := c - 1; k >= 0 && c-k <= 13; k-- {
		switch rs[k] {
		case open:
			if open == '“' {
				return k // a quoted part: keep it (“大零号湾”机器人创新联盟)
			}
			if k > 0 && unicode.Is(unicode.Han, rs[k-1]) {
				return k // 宁德时代未来能源（上海）研究院
			}
			return -1
		case '”', '）', ')', '、', '，', '。', '；':
			return -1
		}
	}
	return -1
}

func covStopWordEndingAt(rs []rune, j int) bool {
	for _, w := range covStopWords {
		wr := []rune(w)
		if j >= len(wr) && string(rs[j-len(wr):j]) == w {
			return true
		}
	}
	return false
}

// covNotNameEnd are words that, right after a suffix, show that the suffix
// is a modifier rather than the end of a name (平台企业, 创新平台体系).
var covNotNameEnd = []string{"企业", "公司", "体系", "生"}

func covFollowedByNoun(rs []rune, end int) bool {
	for _, w := range covNotNameEnd {
		if covHasPrefixAt(rs, end, w) {
			return true
		}
	}
	return false
}

func covHasPrefixAt(rs []rune, i int, s string) bool {
	sr := []rune(s)
	return i+len(sr) <= len(rs) && string(rs[i:i+len(sr)]) == s
}

// covRuneIndexer maps byte offsets of s to rune offsets.
func covRuneIndexer(s string) func(int) int {
	idx := make([]int, len(s)+1)
	r := 0
	for b := range s {
		idx[b] = r
		r++
	}
	idx[len(s)] = r
	return func(b int) int { return idx[b] }
}

// ---- coverage rules ----

type covNameRef struct {
	norm string
	id   string
}

// covNormalize drops quotation marks, book-title brackets and white space.
func covNormalize(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("“”‘’\"'《》〈〉「」『』", r) {
			return -1
		}
		return r
	}, s)
}

// covNameCoveredBy returns the entity whose name or alias equals text, else
// the entity at the paragraph (at) with the shortest name or alias
// containing it, else "".
func covNameCoveredBy(text string, names []covNameRef, at map[string]bool) string {
	t := covNormalize(text)
	if t == "" {
		return ""
	}
	best, bestLen := "", 0
	for _, n := range names {
		switch {
		case n.norm == t:
			return n.id
		case at[n.id] && strings.Contains(n.norm, t) && (best == "" || len(n.norm) < bestLen):
			best, bestLen = n.id, len(n.norm)
		}
	}
	return best
}

func covAttrCoveredBy(text string, ents []graph.Entity) string {
	t := covNormalize(text)
	for _, e := range ents {
		for _, a := range e.Attributes {
			if strings.Contains(covNormalize(a.Value), t) {
				return e.ID
			}
		}
	}
	return ""
}

func covNumberCoveredBy(c Candidate, at map[string]bool, byID map[string]*graph.Entity) string {
	m := covReNumber.FindStringSubmatch(c.Text)
	if m == nil {
		return ""
	}
	num, unit := m[1], m[2]
	if unit == "％" {
		unit = "%"
	}
	ids := make([]string, 0, len(at))
	for id := range at {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		e := byID[id]
		if e == nil {
			continue
		}
		for _, a := range e.Attributes {
			if strings.Contains(covNormalize(a.Value), covNormalize(c.Text)) {
				return id
			}
			if (a.Type == graph.AttrNumber || a.Type == graph.AttrInteger) && covNumEqual(a.Value, num) && covUnitCompatible(a.Unit, unit) {
				return id
			}
		}
	}
	return ""
}

func covNumEqual(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}

func covUnitCompatible(attrUnit, unit string) bool {
	attrUnit = strings.ReplaceAll(attrUnit, "％", "%")
	return attrUnit == "" || strings.Contains(attrUnit, unit) || strings.Contains(unit, attrUnit)
}

// covClip shortens s to at most n runes, marking the cut with …
func covClip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}
