package graph

import "sort"

// Predicate is one entry of the closed relation vocabulary.
type Predicate struct {
	ID      string // snake_case identifier stored in the graph
	Label   string // Chinese label
	LabelEn string // English label
	// Symmetric predicates relate two entities the same way in both
	// directions (A signs an agreement with B ⇔ B with A). They are stored once.
	Symmetric bool
	// Joint marks predicates of joint action. A symmetric joint predicate is
	// an explicit partnership between its two ends. For a non-symmetric joint
	// predicate the object is a shared context (a zone, event, fund, plan,
	// alliance): every two subjects that relate to the same object with joint
	// predicates are partners via that object.
	Joint bool
	Doc   string // when to use it
}

// Vocabulary is the closed set of predicates. A relation with any other
// predicate is rejected. Keep it sorted by ID.
var Vocabulary = []Predicate{
	{ID: "approves", Label: "审议通过", LabelEn: "approves", Doc: "a body (or its meeting) deliberates and approves the policy, plan or document (审议通过)"},
	{ID: "awards", Label: "授予", LabelEn: "awards", Doc: "a body grants an award or title to the object"},
	{ID: "builds", Label: "建设", LabelEn: "builds", Doc: "the subject builds or operates the object (one party)"},
	{ID: "co_builds", Label: "共建", LabelEn: "co-builds", Joint: true, Doc: "the subject is one of several parties jointly building or advancing the object (共同推进, 共建)"},
	{ID: "co_founds", Label: "联合成立", LabelEn: "co-founds", Joint: true, Doc: "the subject is one of several founders of the object (联合成立, 共同发起)"},
	{ID: "co_hosts", Label: "联合主办", LabelEn: "co-hosts", Joint: true, Doc: "the subject is one of several hosts or organisers of the event (联合承办, 联合主办)"},
	{ID: "cooperates_on", Label: "合作推进", LabelEn: "cooperates on", Joint: true, Doc: "the subject works with others on the object (配合, 共同推动); shared context"},
	{ID: "drafts", Label: "编制", LabelEn: "drafts", Doc: "the subject drafts or formulates the object (one party)"},
	{ID: "founds", Label: "成立", LabelEn: "founds", Doc: "the subject founds or establishes the object"},
	{ID: "funds", Label: "资助", LabelEn: "funds", Doc: "the subject provides money to the object"},
	{ID: "governs", Label: "规范", LabelEn: "governs", Doc: "a regulation or management measure governs the use and management of the object (a fund, programme or platform; 使用和管理办法)"},
	{ID: "guides", Label: "指导", LabelEn: "guides", Doc: "the subject gives guidance or leadership to the object"},
	{ID: "has_member", Label: "包含", LabelEn: "has member", Doc: "a quantified group or list includes the object (inverse of member_of for groups)"},
	{ID: "hosts", Label: "举办", LabelEn: "hosts", Doc: "the subject holds or organises the event (one party)"},
	{ID: "implements", Label: "落实", LabelEn: "implements", Doc: "a policy, plan or programme implements or details another"},
	{ID: "initiates", Label: "发起", LabelEn: "initiates", Doc: "the subject initiates the object (发起成立)"},
	{ID: "issues", Label: "印发", LabelEn: "issues", Doc: "the subject issues or publishes the document or policy"},
	{ID: "jointly_drafts", Label: "联合编制", LabelEn: "jointly drafts", Joint: true, Doc: "the subject is one of several parties drafting the plan or policy (会同…联合研究编制)"},
	{ID: "lands_in", Label: "落地", LabelEn: "lands in", Doc: "an organisation or project is established in a place"},
	{ID: "launches", Label: "启动", LabelEn: "launches", Doc: "the subject starts or launches the object"},
	{ID: "leads", Label: "牵头", LabelEn: "leads", Doc: "the subject leads the project or work"},
	{ID: "located_in", Label: "位于", LabelEn: "located in", Doc: "the subject is situated in the place"},
	{ID: "measures", Label: "衡量", LabelEn: "measures", Doc: "an indicator measures the object (the region, sector or organisation it is about)"},
	{ID: "member_of", Label: "成员", LabelEn: "member of", Doc: "the subject is a member of the object"},
	{ID: "operates", Label: "运营", LabelEn: "operates", Doc: "the subject runs or manages the object"},
	{ID: "part_of", Label: "隶属", LabelEn: "part of", Doc: "the subject is a part, unit or sub-programme of the object"},
	{ID: "partners_with", Label: "合作", LabelEn: "partners with", Symmetric: true, Joint: true, Doc: "an explicit partnership between two parties"},
	{ID: "signs_agreement_with", Label: "签订合作协议", LabelEn: "signs agreement with", Symmetric: true, Joint: true, Doc: "the two parties sign a (strategic) cooperation agreement"},
	{ID: "supports", Label: "支持", LabelEn: "supports", Doc: "the subject supports the object (policy, services, backing)"},
	{ID: "unveils", Label: "揭牌", LabelEn: "unveils", Doc: "the object is unveiled (揭牌) by or at the subject"},
	{ID: "wins", Label: "获得", LabelEn: "wins", Doc: "the subject wins the award or recognition"},
}

var vocabIndex = func() map[string]*Predicate {
	if !sort.SliceIsSorted(Vocabulary, func(i, j int) bool { return Vocabulary[i].ID < Vocabulary[j].ID }) {
		panic("graph: Vocabulary must be sorted by ID")
	}
	m := make(map[string]*Predicate, len(Vocabulary))
	for i := range Vocabulary {
		m[Vocabulary[i].ID] = &Vocabulary[i]
	}
	return m
}()

// LookupPredicate returns the predicate with the ID, or false if it is not in
// the vocabulary.
func LookupPredicate(id string) (*Predicate, bool) {
	p, ok := vocabIndex[id]
	return p, ok
}
