package storetest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// Document IDs used by the suite. docA sorts before docB, so docA wins the
// merge of single-valued fields.
const (
	docA = "doc/a"
	docB = "doc/b"
)

const textA = "闵行区科学技术委员会2024年工作总结\n" +
	"闵行区科委与上海交大、华东师大等高校共同推进“大零号湾”建设。\n" +
	"上海交通大学与华东师范大学签订战略合作协议。\n" +
	"印发《闵行区促进科技创新若干措施》（闵府办发〔2024〕33号），共20条措施。\n" +
	"全社会研发投入266.18亿元，占GDP达8.87%。\n"

const textB = "复旦大学与上海交通大学开展合作，落户大零号湾。\n" +
	"上海交通大学科研实力全市第一。\n"

// cite returns evidence for quote, which must occur in text, with rune
// offsets.
func cite(text, quote, section string) graph.Evidence {
	i := strings.Index(text, quote)
	if i < 0 {
		panic(fmt.Sprintf("storetest: quote %q not in text", quote))
	}
	start := utf8.RuneCountInString(text[:i])
	return graph.Evidence{Quote: quote, Start: start, End: start + utf8.RuneCountInString(quote), Section: section}
}

// factsA is the first document: institutions, a place, a policy, an
// indicator and relations of several predicates, one of them symmetric and
// given "backwards" (the store orders symmetric ends).
func factsA() graph.DocumentFacts {
	evBuild := cite(textA, "闵行区科委与上海交大、华东师大等高校共同推进“大零号湾”建设", "一")
	evSign := cite(textA, "上海交通大学与华东师范大学签订战略合作协议", "一")
	evPolicy := cite(textA, "印发《闵行区促进科技创新若干措施》（闵府办发〔2024〕33号）", "二")
	evRD := cite(textA, "全社会研发投入266.18亿元", "三")
	return graph.DocumentFacts{
		Document: graph.Document{ID: docA, Title: "闵行区科学技术委员会2024年工作总结", TitleEn: "Minhang STC 2024 Work Summary", Text: textA, Digest: "sha256:aaaa",
			Date: "2025-01-15", Period: "2024"},
		Entities: []graph.Entity{
			{ID: docA, Kind: graph.KindDocument, Name: "闵行区科学技术委员会2024年工作总结", NameEn: "Minhang STC 2024 Work Summary"},
			{
				ID: "org/sjtu", Kind: graph.KindInstitution, Name: "上海交通大学", NameEn: "Shanghai Jiao Tong University",
				Aliases:     []string{"上海交大", "SJTU"},
				Description: "位于闵行区的国家重点大学", DescriptionEn: "National key university in Minhang",
				Attributes: []graph.Attribute{
					{Key: "founded", Value: "1896", Type: graph.AttrDate},
					{Key: "campuses", Value: "7", Unit: "个", Type: graph.AttrInteger},
				},
				Evidence: []graph.Evidence{evBuild, evSign},
			},
			{ID: "org/ecnu", Kind: graph.KindInstitution, Name: "华东师范大学", NameEn: "East China Normal University", Aliases: []string{"华东师大"}, Evidence: []graph.Evidence{evSign}},
			{ID: "org/mh-stc", Kind: graph.KindInstitution, Name: "闵行区科学技术委员会", NameEn: "Minhang District Science and Technology Commission", Aliases: []string{"闵行区科委"}},
			{ID: "place/neobay", Kind: graph.KindPlace, Name: "大零号湾", NameEn: "Greater Neo Bay", Description: "科技创新策源功能区"},
			{
				ID: "policy/measures", Kind: graph.KindPolicy, Name: "闵行区促进科技创新若干措施", NameEn: "Measures to Promote S&T Innovation in Minhang",
				Attributes: []graph.Attribute{
					{Key: "docNo", Value: "闵府办发〔2024〕33号", Type: graph.AttrDocNo},
					{Key: "issued", Value: "2024-09-13", Type: graph.AttrDate},
					{Key: "measureCount", Value: "20", Unit: "条", Type: graph.AttrInteger},
				},
				Evidence: []graph.Evidence{evPolicy},
			},
			{
				ID: "ind/rd-spend", Kind: graph.KindIndicator, Name: "全社会研发投入", NameEn: "Total R&D expenditure",
				Attributes: []graph.Attribute{
					{Key: "value", Value: "266.18", Unit: "亿元", Type: graph.AttrNumber},
					{Key: "year", Value: "2024", Type: graph.AttrDate},
					{Key: "rank", Value: "全市第一"},
				},
				Evidence: []graph.Evidence{evRD},
			},
		},
		Relations: []graph.Relation{
			// Time and qualifiers: open towards the future, two attributes
			// (one typed, with a unit).
			{Subject: "org/mh-stc", Predicate: "co_builds", Object: "place/neobay", Evidence: []graph.Evidence{evBuild},
				ValidFrom: "2024", Attributes: []graph.Attribute{
					{Key: "role", Value: "牵头单位"},
					{Key: "amount", Value: "5000", Unit: "万元", Type: graph.AttrNumber},
				}},
			{Subject: "org/sjtu", Predicate: "co_builds", Object: "place/neobay", Evidence: []graph.Evidence{evBuild}},
			{Subject: "org/ecnu", Predicate: "co_builds", Object: "place/neobay", Evidence: []graph.Evidence{evBuild}},
			// Symmetric, given with the larger ID first.
			{Subject: "org/sjtu", Predicate: "signs_agreement_with", Object: "org/ecnu", Evidence: []graph.Evidence{evSign}},
			{Subject: "org/mh-stc", Predicate: "issues", Object: "policy/measures", Evidence: []graph.Evidence{evPolicy},
				ValidFrom: "2024-09-13", ValidTo: "2024-09-13"},
			{Subject: "ind/rd-spend", Predicate: "measures", Object: "org/mh-stc", Evidence: []graph.Evidence{evRD}},
		},
	}
}

// factsB is a second document that states more about org/sjtu and
// org/ecnu, adds org/fudan, and relates to entities only docA states.
func factsB() graph.DocumentFacts {
	evCoop := cite(textB, "复旦大学与上海交通大学开展合作", "一")
	evLand := cite(textB, "落户大零号湾", "一")
	evRank := cite(textB, "上海交通大学科研实力全市第一", "二")
	return graph.DocumentFacts{
		Document: graph.Document{ID: docB, Title: "第二份文件", Text: textB, Date: "2025-07-01", Period: "2025-01/2025-06"},
		Entities: []graph.Entity{
			{
				ID: "org/sjtu", Kind: graph.KindInstitution, Name: "上海交通大学（闵行）",
				Aliases:     []string{"交大", "SJTU"},
				Description: "另一份文件的描述",
				Attributes:  []graph.Attribute{{Key: "rank", Value: "全市第一", Type: graph.AttrText}},
				Evidence:    []graph.Evidence{evRank},
			},
			// docA gives no description of org/ecnu: docB's is used; docA's
			// kind wins over docB's.
			{ID: "org/ecnu", Kind: graph.KindLab, Name: "华东师大", Description: "师范大学", DescriptionEn: "A normal university"},
			{ID: "org/fudan", Kind: graph.KindInstitution, Name: "复旦大学", NameEn: "Fudan University", Evidence: []graph.Evidence{evCoop}},
		},
		Relations: []graph.Relation{
			{Subject: "org/sjtu", Predicate: "partners_with", Object: "org/fudan", Evidence: []graph.Evidence{evCoop},
				ValidFrom: "2025-03", ValidTo: "2025"},
			{Subject: "org/fudan", Predicate: "lands_in", Object: "place/neobay", Evidence: []graph.Evidence{evLand},
				ValidFrom: "2025-05-20"},
		},
	}
}

// relID is the ID the store gives a relation of doc.
func relID(doc, s, p, o string) string { return graph.RelationID(doc, s, p, o) }

// withDoc returns evs with Document set as the store reports it.
func withDoc(doc string, evs ...graph.Evidence) []graph.Evidence {
	out := make([]graph.Evidence, len(evs))
	for i, ev := range evs {
		if ev.Document == "" {
			ev.Document = doc
		}
		out[i] = ev
	}
	return out
}

// docC is a small dated news item of 2025: it states more about org/sjtu
// (merge), adds a partner of it valid from 2025-03 and its own DOCUMENT
// entity.
const docC = "doc/c-2025-news"

const textC = "2025年3月，上海交通大学与浙江大学签署合作协议，共建联合实验室，首期投入研发经费5000万元。\n"

func factsC() graph.DocumentFacts {
	evSign := cite(textC, "上海交通大学与浙江大学签署合作协议", "正文")
	evLab := cite(textC, "共建联合实验室，首期投入研发经费5000万元", "正文")
	return graph.DocumentFacts{
		Document: graph.Document{ID: docC, Title: "上海交大与浙大签署合作协议", TitleEn: "SJTU and ZJU sign a cooperation agreement",
			Text: textC, Digest: "sha256:cccc", Date: "2025-03-18", Period: "2025-03"},
		Entities: []graph.Entity{
			{ID: docC, Kind: graph.KindDocument, Name: "上海交大与浙大签署合作协议"},
			{ID: "org/sjtu", Kind: graph.KindInstitution, Name: "上海交通大学", Aliases: []string{"上海交大"}, Evidence: []graph.Evidence{evSign}},
			{ID: "org/zju", Kind: graph.KindInstitution, Name: "浙江大学", NameEn: "Zhejiang University", Aliases: []string{"浙大", "ZJU"}, Evidence: []graph.Evidence{evSign}},
			{ID: "lab/sjtu-zju", Kind: graph.KindLab, Name: "上海交大—浙大联合实验室", Evidence: []graph.Evidence{evLab}},
		},
		Relations: []graph.Relation{
			{Subject: "org/zju", Predicate: "signs_agreement_with", Object: "org/sjtu", Evidence: []graph.Evidence{evSign}, ValidFrom: "2025-03"},
			{Subject: "org/sjtu", Predicate: "co_builds", Object: "lab/sjtu-zju", Evidence: []graph.Evidence{evLab}, ValidFrom: "2025-03",
				Attributes: []graph.Attribute{{Key: "amount", Value: "5000", Unit: "万元", Type: graph.AttrNumber}}},
			{Subject: "org/zju", Predicate: "co_builds", Object: "lab/sjtu-zju", Evidence: []graph.Evidence{evLab}, ValidFrom: "2025-03"},
		},
	}
}
