package seed

import (
	"reflect"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

func TestFindQuantities(t *testing.T) {
	type q struct{ Text, Value, Unit string }
	tests := []struct {
		name string
		text string
		want []q
	}{
		{"amounts, percentages and approximations",
			"全社会研发投入266.18亿元，占GDP达8.87%，超3668家，1000余家，近500场，20余个项目",
			[]q{{"266.18亿元", "266.18", "亿元"}, {"8.87%", "8.87", "%"}, {"3668家", "3668", "家"},
				{"1000余家", "1000", "家"}, {"500场", "500", "场"}, {"20余个", "20", "个"}}},
		{"Chinese numerals", "围绕五个方面，新增十二家、二十项与两台", []q{
			{"五个", "5", "个"}, {"十二家", "12", "家"}, {"二十项", "20", "项"}, {"两台", "2", "台"}}},
		{"fraction and points", "全市占比1/4，高于全市平均值1.6个百分点", []q{
			{"1/4", "1/4", ""}, {"1.6个百分点", "1.6", "个百分点"}}},
		{"ranks", "全市第一；技术合同登记考核全市第二，全市排名第一", []q{
			{"全市第一", "1", ""}, {"全市第二", "2", ""}, {"全市排名第一", "1", ""}}},
		{"not quantities: dates, document numbers, ordinals, tokens",
			"2024年9月13日，闵府办发〔2024〕33号，第三届、第一批、第39届，TR35，2024-01/2024-11，一区一特", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []q
			for _, x := range FindQuantities(tt.text) {
				got = append(got, q{x.Text, x.Value, x.Unit})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FindQuantities(%q):\n got %v\nwant %v", tt.text, got, tt.want)
			}
		})
	}
}

// quantityIgnore lists the stated numbers of the embedded documents that are
// not measurements, by document, source line and text, with the reason.
var quantityIgnore = map[string][]struct {
	Line         int
	Text, Reason string
}{
	"doc/mkw-2025-11": {
		{34, "三类", "class III of the medical-device classification (三类医疗器械39件): a category, not a count; the 39 is the indicator"},
		{34, "二类", "class II medical devices (二类医疗器械69件): a category; the 69 is the indicator"},
		{34, "一类", "class 1 innovative drugs (2款一类创新药品): a category; the 2 is the indicator"},
		{36, "一批", "挖掘一批优秀科普项目和人才: an indefinite quantity (\"a number of\"), not a stated count"},
	},
}

// TestDatasetIndicatorsCiteEveryNumber: every number the source text states
// (FindQuantities) is held by an INDICATOR entity whose facts cite it, so
// that it is reachable through the indicators query; the exceptions above
// are not measurements.
func TestDatasetIndicatorsCiteEveryNumber(t *testing.T) {
	ds, err := Parse("data")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Documents) == 0 {
		t.Fatal("no documents in the dataset")
	}
	for _, d := range ds.Documents {
		t.Run(d.ID, func(t *testing.T) {
			ignore := quantityIgnore[d.ID]
			used := make([]bool, len(ignore))
			n := 0
		next:
			for _, c := range d.IndicatorCitations() {
				n++
				if c.Indicator != "" {
					continue
				}
				for k, ig := range ignore {
					if ig.Line == c.Line && ig.Text == c.Text {
						used[k] = true
						continue next
					}
				}
				t.Errorf("line %d: %q (%d..%d) is held by no INDICATOR whose evidence cites it", c.Line, c.Text, c.Start, c.End)
			}
			for k, u := range used {
				if !u {
					t.Errorf("ignore entry %q (line %d) matches nothing; remove it", ignore[k].Text, ignore[k].Line)
				}
			}
			if n == 0 {
				t.Error("no numbers found: the rule is broken")
			}
		})
	}
}

// TestDatasetGroupCountsAreIndicators: every quantified group's count is the
// value of an INDICATOR that measures the group, so that a group's size and
// the indicators query agree.
func TestDatasetGroupCountsAreIndicators(t *testing.T) {
	ds, err := Parse("data")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds.Documents {
		t.Run(d.ID, func(t *testing.T) {
			facts := d.Facts()
			kinds := map[string]graph.Kind{}
			values := map[string][]graph.Attribute{}
			for _, e := range facts.Entities {
				kinds[e.ID] = e.Kind
				for _, a := range e.Attributes {
					if a.Key == "value" {
						values[e.ID] = append(values[e.ID], a)
					}
				}
			}
			measuredBy := map[string][]string{} // group -> indicators measuring it
			for _, r := range facts.Relations {
				if r.Predicate == "measures" && kinds[r.Subject] == graph.KindIndicator {
					measuredBy[r.Object] = append(measuredBy[r.Object], r.Subject)
				}
			}
			groups := 0
			for _, e := range facts.Entities {
				for _, c := range e.Attributes {
					if c.Key != "count" {
						continue
					}
					groups++
					ok := false
					for _, ind := range measuredBy[e.ID] {
						for _, v := range values[ind] {
							ok = ok || covNumEqual(v.Value, c.Value) && v.Unit == c.Unit
						}
					}
					if !ok {
						t.Errorf("%s: count %s %s is the value of no INDICATOR that measures it (indicators measuring it: %v)", e.ID, c.Value, c.Unit, measuredBy[e.ID])
					}
				}
			}
			if groups == 0 && d.ID == "doc/mkw-2025-11" {
				t.Error("no group with a count found")
			}
		})
	}
}

func TestQuantityHeldBy(t *testing.T) {
	at := func(text string) Quantity { return FindQuantities(text)[0] }
	num := func(key, v, unit string) graph.Attribute {
		return graph.Attribute{Key: key, Value: v, Unit: unit, Type: graph.AttrNumber}
	}
	tests := []struct {
		name  string
		q     Quantity
		attrs []graph.Attribute
		want  bool
	}{
		{"value with 余", at("1000余家"), []graph.Attribute{num("value", "1000", "家")}, true},
		{"other unit", at("1000家"), []graph.Attribute{num("value", "1000", "个")}, false},
		{"other value", at("1001家"), []graph.Attribute{num("value", "1000", "家")}, false},
		{"percentage", at("全市占比26.53%"), []graph.Attribute{num("cityShare", "26.53", "%")}, true},
		{"fraction as a percentage", at("全市占比1/4"), []graph.Attribute{num("cityShare", "25", "%")}, true},
		{"fraction, other share", at("全市占比1/4"), []graph.Attribute{num("cityShare", "20", "%")}, false},
		{"rank as written", at("全市第一"), []graph.Attribute{{Key: "rank", Value: "全市第一"}}, true},
		{"rank with 排名", at("全市排名第一"), []graph.Attribute{{Key: "rank", Value: "全市第一"}}, true},
		{"other rank", at("全市第二"), []graph.Attribute{{Key: "rank", Value: "全市第一"}, num("value", "2", "")}, false},
		{"text as written", at("高于全市平均值1.6个百分点"), []graph.Attribute{{Key: "comparison", Value: "高于全市平均值1.6个百分点"}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := quantityHeldBy(tt.q, tt.attrs); got != tt.want {
				t.Errorf("quantityHeldBy(%q, %v) = %v, want %v", tt.q.Text, tt.attrs, got, tt.want)
			}
		})
	}
}
