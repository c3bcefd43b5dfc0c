// Package synth generates synthetic knowledge graphs shaped like the real
// Minhang dataset: the same entity kinds and predicate vocabulary, bilingual
// names, 3–8 relations per entity whose targets follow a power law (half
// uniform, half Zipf), and sentence-level evidence on every entity and
// relation, citing a generated source text in which every quote occurs.
//
// Generation is deterministic: the same Config gives byte-identical output.
// The size is given in quads as the Cayley store counts them (see the quad
// mapping in graph/doc.go); QuadCount computes that count from the facts.
package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand"
	"strings"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// Config says what to generate.
type Config struct {
	// Quads is the target size in store quads (graph.Stats.Quads after
	// loading into an empty store). The result is within one entity's
	// quads of it. Ignored when Entities is set.
	Quads int
	// Entities, when > 0, fixes the number of entities instead.
	Entities int
	// Seed makes the graph; the same seed gives the same graph.
	Seed int64
	// Document is the document ID; default DefaultDocument.
	Document string
	// ZipfS is the Zipf exponent of the popular half of relation targets;
	// default 1.1 (must be > 1).
	ZipfS float64
}

// DefaultDocument is the document ID used when Config.Document is empty.
const DefaultDocument = "doc/synth"

// Title is the title of every generated document; its English title is
// TitleEn.
const (
	Title   = "闵行区科技创新合成数据集"
	TitleEn = "Minhang S&T synthetic dataset"
)

// sentencesPerLine and linesPerSection shape the source text.
const (
	sentencesPerLine = 8
	linesPerSection  = 40
	sectionsPerPart  = 9
)

// Generate builds the graph described by cfg. It panics only on a
// programming error; invalid configs return an error.
func Generate(cfg Config) (graph.DocumentFacts, error) {
	g, err := newGen(cfg)
	if err != nil {
		return graph.DocumentFacts{}, err
	}
	return g.run(), nil
}

// MustGenerate is Generate for benchmarks and tests with a constant config.
func MustGenerate(cfg Config) graph.DocumentFacts {
	f, err := Generate(cfg)
	if err != nil {
		panic(err)
	}
	return f
}

// kindSpec describes how entities of one kind look.
type kindSpec struct {
	kind     graph.Kind
	prefix   string
	weight   int
	suffix   string // Chinese name suffix
	suffixEn string // English name suffix
	preds    []string
	attrs    func(r *rand.Rand, e *graph.Entity)
}

var kinds = []kindSpec{
	{graph.KindInstitution, "org", 14, "研究院", "Institute",
		[]string{"co_builds", "supports", "guides", "partners_with", "signs_agreement_with", "builds", "founds", "cooperates_on", "issues", "hosts", "leads"}, nil},
	{graph.KindCompany, "co", 24, "科技有限公司", "Technology Co., Ltd.",
		[]string{"partners_with", "signs_agreement_with", "lands_in", "located_in", "wins", "member_of", "cooperates_on", "co_builds", "leads"}, nil},
	{graph.KindLab, "lab", 12, "重点实验室", "Key Laboratory",
		[]string{"located_in", "part_of", "partners_with", "co_builds", "wins", "leads", "operates"}, nil},
	{graph.KindAlliance, "alliance", 3, "产业联盟", "Industry Alliance",
		[]string{"has_member", "co_hosts", "supports", "launches"}, nil},
	{graph.KindPolicy, "policy", 6, "若干政策措施", "Policy Measures",
		[]string{"implements", "supports", "part_of", "funds"}, policyAttrs},
	{graph.KindEvent, "event", 8, "创新论坛", "Innovation Forum",
		[]string{"part_of", "located_in", "unveils", "launches"}, nil},
	{graph.KindPerson, "person", 5, "", "",
		[]string{"member_of", "wins", "leads", "founds"}, nil},
	{graph.KindPlace, "place", 3, "科创园区", "Innovation Park",
		[]string{"part_of", "located_in", "supports"}, nil},
	{graph.KindAward, "award", 3, "科技奖", "Science and Technology Award",
		[]string{"part_of", "supports"}, nil},
	{graph.KindFund, "fund", 3, "专项资金", "Special Fund",
		[]string{"funds", "supports", "part_of"}, nil},
	{graph.KindProject, "project", 8, "攻关项目", "Research Project",
		[]string{"part_of", "lands_in", "located_in", "wins"}, nil},
	{graph.KindProgram, "program", 6, "行动计划", "Action Plan",
		[]string{"implements", "supports", "launches", "part_of", "has_member"}, nil},
	{graph.KindIndicator, "ind", 5, "研发投入", "R&D Spending",
		[]string{"measures"}, indicatorAttrs},
}

func policyAttrs(r *rand.Rand, e *graph.Entity) {
	e.Attributes = append(e.Attributes,
		graph.Attribute{Key: "docNo", Value: fmt.Sprintf("闵府办发〔2024〕%d号", 1+r.Intn(99)), Type: graph.AttrDocNo},
		graph.Attribute{Key: "issued", Value: fmt.Sprintf("2024-%02d-%02d", 1+r.Intn(12), 1+r.Intn(28)), Type: graph.AttrDate},
		graph.Attribute{Key: "measureCount", Value: fmt.Sprint(5 + r.Intn(60)), Unit: "条", Type: graph.AttrInteger},
	)
}

func indicatorAttrs(r *rand.Rand, e *graph.Entity) {
	e.Attributes = append(e.Attributes,
		graph.Attribute{Key: "value", Value: fmt.Sprintf("%d.%02d", 1+r.Intn(999), r.Intn(100)), Unit: "亿元", Type: graph.AttrNumber},
		graph.Attribute{Key: "year", Value: "2024", Type: graph.AttrDate},
	)
	if r.Intn(2) == 0 {
		p := fmt.Sprintf("%d.%02d", r.Intn(30), r.Intn(100))
		e.Attributes = append(e.Attributes,
			graph.Attribute{Key: "change", Value: "同比增长" + p + "%", Type: graph.AttrText},
			graph.Attribute{Key: "changePercent", Value: p, Type: graph.AttrNumber},
		)
	}
}

// syllables: characters with distinct pinyin, used to spell unique names;
// pinyin[i] romanises syllables[i].
var (
	syllables = []rune("华科创新智能生物医药材料息数精密航空海洋源环量子光电片网络云算图像音机器人农业食品金融文教育健康城通安全泰达博明峰辰凯恒锐迪嘉泽浩斯兰德力")
	pinyin    = strings.Fields("hua ke chuang xin zhi neng sheng wu yi yao cai liao xi shu jing mi hang kong hai yang yuan huan liang zi guang dian pian wang luo yun suan tu xiang yin ji qi ren nong ye shi pin jin rong wen jiao yu jian kang cheng tong an quan tai da bo ming feng chen kai heng rui di jia ze hao si lan de li")
	surnames  = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	surnameEn = strings.Fields("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Gao Lin Luo")
)

func init() {
	if len(syllables) != len(pinyin) || len(surnames) != len(surnameEn) {
		panic(fmt.Sprintf("synth: name tables out of step: %d/%d, %d/%d", len(syllables), len(pinyin), len(surnames), len(surnameEn)))
	}
	seenZh, seenEn := map[rune]bool{}, map[string]bool{}
	for i, r := range syllables {
		if seenZh[r] || seenEn[pinyin[i]] || strings.ContainsRune("零一二三四五六七八九十百千〇", r) {
			panic(fmt.Sprintf("synth: syllable %c (%s) repeated or a numeral", r, pinyin[i]))
		}
		seenZh[r], seenEn[pinyin[i]] = true, true
	}
}

// core spells n (>= 0) as a unique string of at least 3 syllables, in
// Chinese and romanised ("Hua-ke-chuang"); both spellings are injective.
func core(n int) (zh, en string) {
	var zs []rune
	var es []string
	k := len(syllables)
	for i := 0; i < 3 || n > 0; i++ {
		d := n % k
		n /= k
		zs = append(zs, syllables[d])
		es = append(es, pinyin[d])
	}
	en = strings.Join(es, "-")
	return string(zs), strings.ToUpper(en[:1]) + en[1:]
}

type gen struct {
	cfg      Config
	doc      string
	n        int      // entities, excluding the document entity
	specs    []int    // kind spec index per entity
	relCount []int    // relations per entity
	ids      []string // entity IDs
	names    []string
	ents     []graph.Entity
}

func newGen(cfg Config) (*gen, error) {
	if cfg.Quads <= 0 && cfg.Entities <= 0 {
		return nil, fmt.Errorf("synth: Quads or Entities must be > 0")
	}
	if cfg.ZipfS == 0 {
		cfg.ZipfS = 1.1
	}
	if cfg.ZipfS <= 1 {
		return nil, fmt.Errorf("synth: ZipfS must be > 1, got %v", cfg.ZipfS)
	}
	if cfg.Document == "" {
		cfg.Document = DefaultDocument
	}
	if !strings.HasPrefix(cfg.Document, "doc/") {
		return nil, fmt.Errorf("synth: document ID %q must start with doc/", cfg.Document)
	}
	return &gen{cfg: cfg, doc: cfg.Document}, nil
}

// rng returns the random source of one entity for one purpose, so that an
// entity's shape does not depend on how many entities there are.
func (g *gen) rng(i int, purpose int64) *rand.Rand {
	return rand.New(rand.NewSource(g.cfg.Seed*1_000_003 + int64(i)*7919 + purpose))
}

const (
	purposeShape = iota
	purposeTargets
)

// Quad costs of the mapping in graph/doc.go.
const (
	quadsDocument  = 5 // type, title zh, title en, digest, text
	quadsMeta      = 1 // generation counter
	quadsPerRelExt = 2 // relation quad + statedIn; plus one per evidence
)

func (g *gen) run() graph.DocumentFacts {
	// Pass 1: entity shapes until the quad budget is spent.
	docEnt := g.documentEntity()
	total := quadsDocument + quadsMeta + EntityQuads(&docEnt)
	for i := 0; ; i++ {
		if g.cfg.Entities > 0 && i >= g.cfg.Entities {
			break
		}
		if g.cfg.Entities <= 0 && total >= g.cfg.Quads && i >= 2 {
			break
		}
		e, spec, k := g.entity(i)
		g.ents = append(g.ents, e)
		g.specs = append(g.specs, spec)
		g.relCount = append(g.relCount, k)
		g.ids = append(g.ids, e.ID)
		g.names = append(g.names, e.Name)
		total += EntityQuads(&e) + 1 + k*(quadsPerRelExt+1) // +1: its evidence
	}
	g.n = len(g.ents)
	// A graph of two entities cannot hold 3–8 distinct relations per
	// entity; cap the count by what is possible.
	maxRel := 0
	if g.n > 1 {
		maxRel = 2 * len(graph.Vocabulary) * (g.n - 1)
	}
	rels := g.relations(maxRel)
	tx := newText(g.doc)
	for i := range g.ents {
		e := &g.ents[i]
		e.Evidence = []graph.Evidence{tx.add(entitySentence(e))}
	}
	for i := range rels {
		r := &rels[i]
		r.Evidence = []graph.Evidence{tx.add(relationSentence(g.names[g.index(r.Subject)], r.Predicate, g.names[g.index(r.Object)]))}
	}
	text := tx.String()
	docEnt.Evidence = []graph.Evidence{{Document: g.doc, Quote: Title, Start: tx.titleStart, End: tx.titleStart + utf8.RuneCountInString(Title), Section: tx.titleSection}}
	ents := append([]graph.Entity{docEnt}, g.ents...)
	return graph.DocumentFacts{
		Document:  graph.Document{ID: g.doc, Title: Title, TitleEn: TitleEn, Text: text, Digest: digest(text)},
		Entities:  ents,
		Relations: rels,
	}
}

func (g *gen) documentEntity() graph.Entity {
	return graph.Entity{ID: g.doc, Kind: graph.KindDocument, Name: Title, NameEn: TitleEn,
		Description: "用于性能与可靠性测试的合成数据", DescriptionEn: "Synthetic data for performance and reliability tests"}
}

// index returns the position of an entity ID (IDs are "<prefix>/s<n>").
func (g *gen) index(id string) int {
	j := strings.Index(id, "/s")
	n := 0
	for _, c := range id[j+2:] {
		n = n*10 + int(c-'0')
	}
	return n
}

func (g *gen) entity(i int) (graph.Entity, int, int) {
	r := g.rng(i, purposeShape)
	w := r.Intn(totalWeight)
	spec := 0
	for w >= kinds[spec].weight {
		w -= kinds[spec].weight
		spec++
	}
	ks := &kinds[spec]
	zh, en := core(i)
	e := graph.Entity{ID: fmt.Sprintf("%s/s%d", ks.prefix, i), Kind: ks.kind}
	if ks.kind == graph.KindPerson {
		s := r.Intn(len(surnames))
		e.Name = string(surnames[s]) + zh
		e.NameEn = surnameEn[s] + " " + en
	} else {
		e.Name = "闵行" + zh + ks.suffix
		e.NameEn = "Minhang " + en + " " + ks.suffixEn
	}
	if r.Intn(10) < 3 && ks.kind != graph.KindPerson {
		e.Aliases = []string{zh + string([]rune(ks.suffix)[:1])}
	}
	if r.Intn(2) == 0 {
		e.Description = fmt.Sprintf("位于闵行区的%s，编号%d", kindNoun[ks.kind], i)
		e.DescriptionEn = fmt.Sprintf("A %s in Minhang, number %d", strings.ToLower(string(ks.kind)), i)
	}
	if ks.attrs != nil {
		ks.attrs(r, &e)
	}
	k := 3 + r.Intn(6)
	return e, spec, k
}

// kindNoun names a kind in descriptions.
var kindNoun = map[graph.Kind]string{
	graph.KindInstitution: "机构", graph.KindCompany: "企业", graph.KindLab: "创新平台", graph.KindAlliance: "联盟",
	graph.KindPolicy: "政策", graph.KindEvent: "活动", graph.KindPerson: "人才", graph.KindPlace: "园区",
	graph.KindAward: "奖项", graph.KindFund: "资金", graph.KindProject: "项目", graph.KindProgram: "计划",
	graph.KindIndicator: "指标",
}

var totalWeight = func() int {
	t := 0
	for _, k := range kinds {
		t += k.weight
	}
	return t
}()

// relations picks, for every entity, its relations: predicate from its
// kind's list, object half uniform, half Zipf-distributed over a fixed
// permutation of the entities (the hubs). Duplicates (also the reverse of a
// symmetric relation) are redrawn.
func (g *gen) relations(maxRel int) []graph.Relation {
	if g.n < 2 {
		return nil
	}
	// Hub order: rank -> entity, a multiplicative permutation.
	step := 1
	for _, p := range []int{7919, 104729, 1299709, 15485863} {
		if gcd(p, g.n) == 1 {
			step = p % g.n
			if step == 0 {
				step = 1
			}
			break
		}
	}
	seen := make(map[string]struct{}, g.n*6)
	var out []graph.Relation
	for i := 0; i < g.n; i++ {
		r := g.rng(i, purposeTargets)
		z := rand.NewZipf(r, g.cfg.ZipfS, 1, uint64(g.n-1))
		preds := kinds[g.specs[i]].preds
		want := g.relCount[i]
		for made, tries := 0, 0; made < want && len(out) < maxRel && tries < 50*want; tries++ {
			var j int
			if r.Intn(2) == 0 {
				j = r.Intn(g.n)
			} else {
				j = int((z.Uint64() * uint64(step)) % uint64(g.n))
			}
			if j == i {
				continue
			}
			pred := preds[r.Intn(len(preds))]
			id := graph.RelationID(g.doc, g.ids[i], pred, g.ids[j])
			if _, dup := seen[id]; dup {
				continue
			}
			seen[id] = struct{}{}
			subj, obj := g.ids[i], g.ids[j]
			out = append(out, graph.Relation{ID: id, Subject: subj, Predicate: pred, Object: obj, Document: g.doc})
			made++
		}
	}
	return out
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func entitySentence(e *graph.Entity) string {
	return e.Name + "（" + e.NameEn + "）在闵行区开展科技创新工作。"
}

func relationSentence(subj, pred, obj string) string {
	p, _ := graph.LookupPredicate(pred)
	return subj + p.Label + obj + "。"
}

// digest stands in for the loader's content hash, so that the in-process
// graph has the same quads as the loaded dataset.
func digest(text string) string {
	h := sha256.Sum256([]byte(text))
	return "sha256:" + hex.EncodeToString(h[:])
}

// EntityQuads is the number of store quads an entity stated by one
// document occupies (graph/doc.go).
func EntityQuads(e *graph.Entity) int {
	n := 2 // type, Chinese name
	if e.NameEn != "" {
		n++
	}
	n += len(e.Aliases)
	if e.Description != "" {
		n++
	}
	if e.DescriptionEn != "" {
		n++
	}
	units := map[string]bool{}
	for _, a := range e.Attributes {
		n++
		if a.Unit != "" && !units[a.Key] {
			units[a.Key] = true
			n++
		}
	}
	return n + len(e.Evidence)
}

// QuadCount is the number of quads facts occupy in an otherwise empty
// store, by the mapping of graph/doc.go (the generation counter included).
// Evidence is counted one quad per item; entities without evidence yet are
// counted with one.
func QuadCount(f graph.DocumentFacts) int {
	n := quadsMeta + 1 // rdf:type schema:Document
	for _, v := range []string{f.Document.Title, f.Document.TitleEn, f.Document.Digest, f.Document.Text} {
		if v != "" {
			n++
		}
	}
	for i := range f.Entities {
		n += EntityQuads(&f.Entities[i])
		if len(f.Entities[i].Evidence) == 0 {
			n++
		}
	}
	for i := range f.Relations {
		ev := len(f.Relations[i].Evidence)
		if ev == 0 {
			ev = 1
		}
		n += quadsPerRelExt + ev
	}
	return n
}

// text builds the source text: a title line, then numbered parts (一、…)
// with numbered sections (（一）…), sentencesPerLine sentences per line.
type text struct {
	doc          string
	b            strings.Builder
	runes        int
	part1        int // current level-1 number (1-based), 0 before any
	sec          int // current level-2 number within the part
	lines        int // lines in the current section
	inLine       int // sentences on the current line
	titleStart   int
	titleSection string
}

func newText(doc string) *text {
	t := &text{doc: doc}
	t.write("闵行区科学技术委员会\n\n")
	t.titleStart = t.runes
	t.titleSection = "总述"
	t.write(Title + "\n")
	t.write("本数据集由程序生成，用于测试知识图谱服务的规模、速度与可靠性。\n")
	return t
}

func (t *text) write(s string) {
	t.b.WriteString(s)
	t.runes += utf8.RuneCountInString(s)
}

func (t *text) endLine() {
	if t.inLine > 0 {
		t.write("\n")
		t.inLine = 0
		t.lines++
	}
}

// add appends one sentence and returns the evidence citing it.
func (t *text) add(sentence string) graph.Evidence {
	if t.inLine >= sentencesPerLine {
		t.endLine()
	}
	if t.part1 == 0 || t.lines >= linesPerSection {
		t.endLine()
		t.sec++
		if t.part1 == 0 || t.sec > sectionsPerPart {
			t.part1++
			t.sec = 1
			t.write(Numeral(t.part1) + "、第" + Numeral(t.part1) + "部分\n")
		}
		t.write("（" + Numeral(t.sec) + "）第" + Numeral(t.sec) + "节\n")
		t.lines = 0
	}
	start := t.runes
	t.write(sentence)
	t.inLine++
	return graph.Evidence{Document: t.doc, Quote: sentence, Start: start, End: t.runes,
		Section: Numeral(t.part1) + "、（" + Numeral(t.sec) + "）"}
}

func (t *text) String() string {
	t.endLine()
	return t.b.String()
}

// Numeral writes n (1..9999) in Chinese numerals: 1 一, 10 十, 11 十一,
// 21 二十一, 105 一百零五, 1010 一千零一十.
func Numeral(n int) string {
	digits := []rune("零一二三四五六七八九")
	if n <= 0 {
		return string(digits[0])
	}
	if n < 20 && n >= 10 {
		if n == 10 {
			return "十"
		}
		return "十" + string(digits[n-10])
	}
	units := []string{"", "十", "百", "千"}
	var parts []string
	zero := false
	for i := 3; i >= 0; i-- {
		p := 1
		for j := 0; j < i; j++ {
			p *= 10
		}
		d := (n / p) % 10
		if n < p {
			continue
		}
		if d == 0 {
			zero = true
			continue
		}
		if zero {
			parts = append(parts, "零")
			zero = false
		}
		parts = append(parts, string(digits[d])+units[i])
	}
	return strings.Join(parts, "")
}
