package seed

import (
	"math/big"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// Quantity is a stated number of a source text: a count, amount, share or
// rank, as FindQuantities finds them.
type Quantity struct {
	Text  string `json:"text"`  // as written: 4300余家, 26.53%, 1/4, 三项, 全市第一
	Value string `json:"value"` // the number in ASCII (4300, 26.53, 1/4, 3, 1); "" when it has none
	Unit  string `json:"unit"`  // the measure word or unit (家, %, 个百分点); "" for a bare fraction
	Rank  bool   `json:"rank"`  // a rank such as 全市第一 (Value is the place)
	Line  int    `json:"line"`  // 1-based source line
	Start int    `json:"start"` // rune offsets in the text, end exclusive
	End   int    `json:"end"`
}

// QuantityUnits are the units and measure words FindQuantities accepts
// after a number, longest first where one is the prefix of another.
var QuantityUnits = []string{
	"个百分点", "百分点", "亿元", "万元", "千元", "元", "万人", "人次", "人",
	"家", "项", "台", "个", "件", "款", "场", "条", "名", "位", "所", "座", "批", "类", "次", "篇", "套",
	"倍", "%", "％",
}

const quantityDigits = "零〇一二两三四五六七八九十百千万"

var (
	// A number: Arabic (with decimals) or Chinese numerals, optionally with
	// 余/多 (“1000余家”), then a unit; or a fraction such as 1/4 (a share).
	quantityRe = regexp.MustCompile(`(\d+(?:\.\d+)?|[` + quantityDigits + `]+)(余|多)?(` + quantityUnitAlternation() + `)|(\d+/\d+)`)
	// A rank among peers: 全市第一, 全国排名第三, 全区第2.
	quantityRankRe = regexp.MustCompile(`全[市国省区](?:排名|排)?第([` + quantityDigits + `]+|\d+)`)
)

func quantityUnitAlternation() string {
	qs := make([]string, len(QuantityUnits))
	for i, u := range QuantityUnits {
		qs[i] = regexp.QuoteMeta(u)
	}
	return strings.Join(qs, "|")
}

// FindQuantities returns the stated numbers of a text by a general rule of
// the genre (Chinese government reports, policy texts, news): a number in
// Arabic or Chinese numerals followed by a unit or measure word
// (QuantityUnits, optionally with 余/多 in between), a percentage, a
// fraction (全市占比1/4) or a rank (全市第一, 全市排名第一). Not quantities:
// dates and years (2024年, 9月13日: 年/月/日 are not units), document
// numbers (〔2024〕33号), ordinals (第三届, 第一批: a numeral after 第 is not
// a count, unless it is a rank), and digits inside a longer token (TR35,
// 2024-01).
func FindQuantities(text string) []Quantity {
	var out []Quantity
	off := 0
	for i, ln := range strings.Split(text, "\n") {
		out = append(out, quantitiesOfLine(ln, off, i+1)...)
		off += utf8.RuneCountInString(ln) + 1
	}
	return out
}

func quantitiesOfLine(ln string, base, line int) []Quantity {
	rs := []rune(ln)
	runeAt := covRuneIndexer(ln)
	var out []Quantity
	for _, m := range quantityRankRe.FindAllStringSubmatchIndex(ln, -1) {
		s, e := runeAt(m[0]), runeAt(m[1])
		out = append(out, Quantity{Text: string(rs[s:e]), Value: quantityNumber(ln[m[2]:m[3]]), Rank: true,
			Line: line, Start: base + s, End: base + e})
	}
	for _, m := range quantityRe.FindAllStringSubmatchIndex(ln, -1) {
		s, e := runeAt(m[0]), runeAt(m[1])
		if s > 0 {
			prev := rs[s-1]
			if unicode.IsDigit(prev) || prev == '.' || prev == '/' || prev == '-' || prev < 0x80 && unicode.IsLetter(prev) || prev == '第' {
				continue // inside a longer token (TR35) or an ordinal (第三届, 第一批)
			}
		}
		if e < len(rs) && m[8] >= 0 && (unicode.IsDigit(rs[e]) || rs[e] == '-') {
			continue // a fraction-like token inside a longer one (2024-01/2024-11)
		}
		q := Quantity{Text: string(rs[s:e]), Line: line, Start: base + s, End: base + e}
		if m[8] >= 0 {
			q.Value = ln[m[8]:m[9]]
		} else {
			q.Value, q.Unit = quantityNumber(ln[m[2]:m[3]]), ln[m[6]:m[7]]
		}
		if q.Unit == "％" {
			q.Unit = "%"
		}
		out = append(out, q)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Start < out[b].Start })
	return out
}

// quantityNumber converts Arabic digits (kept as written) or Chinese
// numerals below 10^8 (三 → 3, 二十 → 20, 一百零五 → 105) to ASCII; "" when
// the numerals do not form a number.
func quantityNumber(s string) string {
	if s != "" && s[0] >= '0' && s[0] <= '9' {
		return s
	}
	digit := map[rune]int64{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	mult := map[rune]int64{'十': 10, '百': 100, '千': 1000, '万': 10000}
	var total, section, cur int64
	for _, r := range s {
		if d, ok := digit[r]; ok {
			cur = d
			continue
		}
		m, ok := mult[r]
		if !ok {
			return ""
		}
		if m == 10000 {
			total += (section + cur) * m
			section, cur = 0, 0
			continue
		}
		if cur == 0 {
			cur = 1 // 十 = 10
		}
		section += cur * m
		cur = 0
	}
	return big.NewInt(total + section + cur).String()
}

// QuantityCitation says which indicator accounts for a stated number.
type QuantityCitation struct {
	Quantity
	Indicator string `json:"indicator,omitempty"` // ID of the INDICATOR entity, "" when none
}

// IndicatorCitations checks every stated number of the document's text
// (FindQuantities) against its indicators: a number is accounted for by an
// INDICATOR entity when the evidence of the entity or of a relation it is
// the subject of contains the number's span, and one of the entity's
// attributes holds the number — numerically equal with a compatible unit
// (value 4300 家 for 4300余家, cityShare 26.53 % for 26.53%), or its text
// contains the number as written (rank 全市第一, valueText 超600家,
// comparison 高于全市平均值1.6个百分点). The result lists every quantity in
// text order with the indicator found, if any.
func (d *DocumentSpec) IndicatorCitations() []QuantityCitation {
	facts := d.Facts()
	type span struct{ s, e int }
	cites := map[string][]span{} // indicator ID -> evidence spans of its facts
	attrs := map[string][]graph.Attribute{}
	var ids []string
	for _, e := range facts.Entities {
		if e.Kind != graph.KindIndicator {
			continue
		}
		ids = append(ids, e.ID)
		attrs[e.ID] = e.Attributes
		for _, ev := range e.Evidence {
			cites[e.ID] = append(cites[e.ID], span{ev.Start, ev.End})
		}
	}
	for _, r := range facts.Relations {
		if _, ok := attrs[r.Subject]; !ok {
			continue
		}
		for _, ev := range r.Evidence {
			cites[r.Subject] = append(cites[r.Subject], span{ev.Start, ev.End})
		}
	}
	sort.Strings(ids)
	var out []QuantityCitation
	for _, q := range FindQuantities(d.Text) {
		c := QuantityCitation{Quantity: q}
		for _, id := range ids {
			cited := false
			for _, sp := range cites[id] {
				if sp.s <= q.Start && q.End <= sp.e {
					cited = true
					break
				}
			}
			if cited && quantityHeldBy(q, attrs[id]) {
				c.Indicator = id
				break
			}
		}
		out = append(out, c)
	}
	return out
}

func quantityHeldBy(q Quantity, attrs []graph.Attribute) bool {
	written := covNormalize(q.Text)
	for _, a := range attrs {
		if strings.Contains(covNormalize(a.Value), written) {
			return true
		}
		if q.Rank {
			if place := q.Text[strings.LastIndex(q.Text, "第"):]; strings.Contains(a.Value, place) {
				return true // 全市排名第一 is held by rank 全市第一
			}
			continue
		}
		if (a.Type == graph.AttrNumber || a.Type == graph.AttrInteger) && covNumEqual(a.Value, q.Value) && covUnitCompatible(a.Unit, q.Unit) {
			return true
		}
		if q.Unit == "" && a.Type == graph.AttrNumber && a.Unit == "%" { // a fraction held as a percentage
			if x, ok := new(big.Rat).SetString(q.Value); ok {
				if y, ok := new(big.Rat).SetString(a.Value); ok && new(big.Rat).Mul(x, big.NewRat(100, 1)).Cmp(y) == 0 {
					return true
				}
			}
		}
	}
	return false
}
