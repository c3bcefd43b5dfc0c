package query

import (
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

const fixtureDoc = "doc/fixture"

func ev(quote string, start int) []graph.Evidence {
	return []graph.Evidence{{Document: fixtureDoc, Quote: quote, Start: start, End: start + len([]rune(quote)), Section: "二、（一）"}}
}

// Quotes shared by the relations that rest on one sentence.
var (
	evZone   = ev("与上海交大、华东师大等高校共同推进“大零号湾”建设", 100)
	evFest   = ev("与上海交大联合主办闵行区科技节", 200)
	evComac  = ev("与中国商飞签订战略合作协议", 300)
	evPlan   = ev("会同市规划资源局、市科委联合研究编制“大零号湾”专项规划", 400)
	evECNU   = ev("华东师大与上海交大开展合作", 500)
	evOther  = ev("其他事实", 600)
	evIndRD  = ev("全社会研发投入266.18亿元", 10)
	evIndTec = ev("技术合同成交额达到367.58亿元，同比增长9.06%", 40)
)

// fixtureFacts is a small graph shaped like the real dataset: an SJTU-like
// university with the alias 交大, the district commission, a zone co-built
// by three parties, an event co-hosted by two, an agreement, a plan drafted
// jointly by three, a chain for paths, indicators and disconnected parts.
func fixtureFacts() graph.DocumentFacts {
	ent := func(id string, kind graph.Kind, name, nameEn string, aliases ...string) graph.Entity {
		return graph.Entity{ID: id, Kind: kind, Name: name, NameEn: nameEn, Aliases: aliases, Evidence: evOther}
	}
	rd := ent("ind/rd-spend", graph.KindIndicator, "全社会研发投入", "R&D spending")
	rd.Evidence = evIndRD
	rd.Attributes = []graph.Attribute{
		{Key: "value", Value: "266.18", Unit: "亿元", Type: graph.AttrNumber},
		{Key: "year", Value: "2024", Type: graph.AttrDate},
		{Key: "rank", Value: "全市第一"},
	}
	tec := ent("ind/tech-contract", graph.KindIndicator, "技术合同成交额", "Technology contract turnover")
	tec.Evidence = evIndTec
	tec.Attributes = []graph.Attribute{
		{Key: "value", Value: "367.58", Unit: "亿元", Type: graph.AttrNumber},
		{Key: "year", Value: "2024", Type: graph.AttrDate},
		{Key: "change", Value: "同比增长9.06%"},
	}
	plan := ent("policy/dlhw-plan", graph.KindPolicy, "《“大零号湾”专项规划》", "Greater Neo Bay Special Plan")
	plan.Attributes = []graph.Attribute{{Key: "docNo", Value: "闵府办发〔2024〕33号", Type: graph.AttrDocNo}}
	rel := func(s, p, o string, e []graph.Evidence) graph.Relation {
		return graph.Relation{Subject: s, Predicate: p, Object: o, Evidence: e}
	}
	return graph.DocumentFacts{
		Document: graph.Document{ID: fixtureDoc, Title: "测试文档"},
		Entities: []graph.Entity{
			ent("org/sjtu", graph.KindInstitution, "上海交通大学", "Shanghai Jiao Tong University", "上海交大", "交大", "SJTU"),
			ent("org/sjtu-med", graph.KindInstitution, "上海交通大学医学院", "Shanghai Jiao Tong University School of Medicine", "上海交大医学院"),
			ent("org/ecnu", graph.KindInstitution, "华东师范大学", "East China Normal University", "华东师大"),
			ent("org/mh-stc", graph.KindInstitution, "闵行区科学技术委员会", "Minhang District Science and Technology Commission", "闵行区科委", "区科委"),
			ent("org/sh-stc", graph.KindInstitution, "上海市科学技术委员会", "Shanghai Municipal Science and Technology Commission", "市科委"),
			ent("org/sh-plan", graph.KindInstitution, "上海市规划和自然资源局", "Shanghai Municipal Bureau of Planning and Natural Resources", "市规划资源局"),
			ent("org/lonely", graph.KindInstitution, "孤立研究所", "Lonely Institute"),
			ent("place/dalinghaowan", graph.KindPlace, "“大零号湾”科技创新策源功能区", "Greater Neo Bay Innovation Zone", "大零号湾"),
			ent("place/minhang", graph.KindPlace, "闵行区", "Minhang District", "闵行"),
			ent("event/sci-fest", graph.KindEvent, "闵行区科技节", "Minhang Science Festival"),
			ent("co/comac", graph.KindCompany, "中国商用飞机有限责任公司", "Commercial Aircraft Corporation of China", "中国商飞", "COMAC"),
			plan,
			ent("lab/ai-lab", graph.KindLab, "交大人工智能实验室", "SJTU AI Lab"),
			ent("co/chain-x", graph.KindCompany, "链条科技", "Chain Tech"),
			ent("co/island-a", graph.KindCompany, "孤岛甲公司", "Island A"),
			ent("co/island-b", graph.KindCompany, "孤岛乙公司", "Island B"),
			rd, tec,
		},
		Relations: []graph.Relation{
			rel("org/mh-stc", "co_builds", "place/dalinghaowan", evZone),
			rel("org/sjtu", "co_builds", "place/dalinghaowan", evZone),
			rel("org/ecnu", "co_builds", "place/dalinghaowan", evZone),
			rel("org/mh-stc", "co_hosts", "event/sci-fest", evFest),
			rel("org/sjtu", "co_hosts", "event/sci-fest", evFest),
			rel("org/mh-stc", "signs_agreement_with", "co/comac", evComac),
			rel("org/mh-stc", "jointly_drafts", "policy/dlhw-plan", evPlan),
			rel("org/sh-plan", "jointly_drafts", "policy/dlhw-plan", evPlan),
			rel("org/sh-stc", "jointly_drafts", "policy/dlhw-plan", evPlan),
			rel("org/sh-stc", "guides", "place/dalinghaowan", evOther), // not joint: no partnership
			rel("place/dalinghaowan", "located_in", "place/minhang", evOther),
			rel("lab/ai-lab", "part_of", "org/sjtu", evOther),
			rel("lab/ai-lab", "located_in", "place/minhang", evOther),
			rel("co/chain-x", "lands_in", "place/minhang", evOther),
			rel("org/sjtu-med", "part_of", "org/sjtu", evOther),
			rel("co/island-a", "supports", "co/island-b", evOther),
			rel("ind/rd-spend", "measures", "place/minhang", evIndRD),
			rel("ind/tech-contract", "measures", "place/minhang", evIndTec),
			rel("org/ecnu", "partners_with", "org/sjtu", evECNU),
		},
	}
}

// backends lists the stores the tests run on, each loaded with facts
// (memory_test.go adds them): real backends, which run the shared store
// suite (graph/storetest), never a fake of the contract.
var backends []struct {
	name string
	open func(t testing.TB, facts graph.DocumentFacts) graph.Store
}

// eachBackend runs fn as a subtest on every backend, with a Service over
// the fixture.
func eachBackend(t *testing.T, fn func(t *testing.T, st graph.Store, svc *Service)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st := b.open(t, fixtureFacts())
			fn(t, st, New(st, kgtest.Logger(t)))
		})
	}
}
