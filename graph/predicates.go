package graph

import (
	"fmt"
	"sort"
	"strings"
)

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
	// Temporal says how long a fact of the predicate holds when the text
	// gives no time of its own (see DefaultValidity).
	Temporal Temporal
	Doc      string // when to use it
}

// Temporal is the time shape of a predicate's facts: a dated act, or a
// state that begins and lasts.
type Temporal int

// The temporal kinds. Every predicate of the vocabulary has one.
const (
	// TemporalEvent: a one-off act (hosts, launches, wins, issues, signs an
	// agreement, approves, a measurement) holds for the time it happened:
	// ValidFrom and ValidTo are both that time.
	TemporalEvent Temporal = iota + 1
	// TemporalLasting: a state (part_of, located_in, builds, operates, member_of,
	// supports, guides, leads, lands_in …) holds from the time it began and
	// stays open-ended unless the text ends it.
	TemporalLasting
)

// String is "event" or "lasting".
func (t Temporal) String() string {
	switch t {
	case TemporalEvent:
		return "event"
	case TemporalLasting:
		return "lasting"
	}
	return fmt.Sprintf("Temporal(%d)", int(t))
}

// DefaultValidity completes the validity a relation of predicate p states
// (either end may be empty) from the period of the document that states it
// (see ParsePeriod; empty when the document gives none):
//   - given both ends, they stand;
//   - an event given one end happened then: the other end is the same;
//   - a lasting state given its start stays open; given only its end, it
//     began at the start of the period (or at its end, if the period starts
//     later);
//   - given no time, an event happened some time in the period (ValidFrom
//     is the period's first date, ValidTo its last) and a lasting state
//     holds from the period's first date on, open-ended.
//
// Without a period, what is missing stays empty (open).
func (p *Predicate) DefaultValidity(validFrom, validTo, period string) (from, to string) {
	from, to = validFrom, validTo
	if from != "" && to != "" {
		return from, to
	}
	if p.Temporal == TemporalEvent {
		switch {
		case from != "":
			return from, from
		case to != "":
			return to, to
		}
	}
	if from != "" {
		return from, to
	}
	first, last, ok := periodEnds(period)
	if !ok {
		return from, to
	}
	if to != "" {
		if _, err := ValidSpan(first, to); err == nil {
			return first, to
		}
		return to, to
	}
	if p.Temporal == TemporalEvent {
		return first, last
	}
	return first, ""
}

// periodEnds splits a well-formed period into its first and last date.
func periodEnds(period string) (first, last string, ok bool) {
	if period == "" {
		return "", "", false
	}
	if _, err := ParsePeriod(period); err != nil {
		return "", "", false
	}
	first, last, found := strings.Cut(period, "/")
	if !found {
		last = first
	}
	return first, last, true
}

// Vocabulary is the closed set of predicates. A relation with any other
// predicate is rejected. Keep it sorted by ID.
var Vocabulary = []Predicate{
	{ID: "approves", Label: "审议通过", LabelEn: "approves", Temporal: TemporalEvent, Doc: "a body (or its meeting) deliberates and approves the policy, plan or document (审议通过)"},
	{ID: "awards", Label: "授予", LabelEn: "awards", Temporal: TemporalEvent, Doc: "a body grants an award or title to the object"},
	{ID: "builds", Label: "建设", LabelEn: "builds", Temporal: TemporalLasting, Doc: "the subject builds or operates the object (one party)"},
	{ID: "co_builds", Label: "共建", LabelEn: "co-builds", Joint: true, Temporal: TemporalLasting, Doc: "the subject is one of several parties jointly building or advancing the object (共同推进, 共建)"},
	{ID: "co_founds", Label: "联合成立", LabelEn: "co-founds", Joint: true, Temporal: TemporalEvent, Doc: "the subject is one of several founders of the object (联合成立, 共同发起)"},
	{ID: "co_hosts", Label: "联合主办", LabelEn: "co-hosts", Joint: true, Temporal: TemporalEvent, Doc: "the subject is one of several hosts or organisers of the event (联合承办, 联合主办)"},
	{ID: "cooperates_on", Label: "合作推进", LabelEn: "cooperates on", Joint: true, Temporal: TemporalLasting, Doc: "the subject works with others on the object (配合, 共同推动); shared context"},
	{ID: "drafts", Label: "编制", LabelEn: "drafts", Temporal: TemporalEvent, Doc: "the subject drafts or formulates the object (one party)"},
	{ID: "founds", Label: "成立", LabelEn: "founds", Temporal: TemporalEvent, Doc: "the subject founds or establishes the object"},
	{ID: "funds", Label: "资助", LabelEn: "funds", Temporal: TemporalEvent, Doc: "the subject provides money to the object"},
	{ID: "governs", Label: "规范", LabelEn: "governs", Temporal: TemporalLasting, Doc: "a regulation or management measure governs the use and management of the object (a fund, programme or platform; 使用和管理办法)"},
	{ID: "guides", Label: "指导", LabelEn: "guides", Temporal: TemporalLasting, Doc: "the subject gives guidance or leadership to the object"},
	{ID: "has_member", Label: "包含", LabelEn: "has member", Temporal: TemporalLasting, Doc: "a quantified group or list includes the object (inverse of member_of for groups)"},
	{ID: "hosts", Label: "举办", LabelEn: "hosts", Temporal: TemporalEvent, Doc: "the subject holds or organises the event (one party)"},
	{ID: "implements", Label: "落实", LabelEn: "implements", Temporal: TemporalLasting, Doc: "a policy, plan or programme implements or details another"},
	{ID: "initiates", Label: "发起", LabelEn: "initiates", Temporal: TemporalEvent, Doc: "the subject initiates the object (发起成立)"},
	{ID: "issues", Label: "印发", LabelEn: "issues", Temporal: TemporalEvent, Doc: "the subject issues or publishes the document or policy"},
	{ID: "jointly_drafts", Label: "联合编制", LabelEn: "jointly drafts", Joint: true, Temporal: TemporalEvent, Doc: "the subject is one of several parties drafting the plan or policy (会同…联合研究编制)"},
	{ID: "lands_in", Label: "落地", LabelEn: "lands in", Temporal: TemporalLasting, Doc: "an organisation or project is established in a place"},
	{ID: "launches", Label: "启动", LabelEn: "launches", Temporal: TemporalEvent, Doc: "the subject starts or launches the object"},
	{ID: "leads", Label: "牵头", LabelEn: "leads", Temporal: TemporalLasting, Doc: "the subject leads the project or work"},
	{ID: "located_in", Label: "位于", LabelEn: "located in", Temporal: TemporalLasting, Doc: "the subject is situated in the place"},
	{ID: "measures", Label: "衡量", LabelEn: "measures", Temporal: TemporalEvent, Doc: "an indicator measures the object (the region, sector or organisation it is about)"},
	{ID: "member_of", Label: "成员", LabelEn: "member of", Temporal: TemporalLasting, Doc: "the subject is a member of the object"},
	{ID: "operates", Label: "运营", LabelEn: "operates", Temporal: TemporalLasting, Doc: "the subject runs or manages the object"},
	{ID: "part_of", Label: "隶属", LabelEn: "part of", Temporal: TemporalLasting, Doc: "the subject is a part, unit or sub-programme of the object"},
	{ID: "partners_with", Label: "合作", LabelEn: "partners with", Symmetric: true, Joint: true, Temporal: TemporalLasting, Doc: "an explicit partnership between two parties"},
	{ID: "signs_agreement_with", Label: "签订合作协议", LabelEn: "signs agreement with", Symmetric: true, Joint: true, Temporal: TemporalEvent, Doc: "the two parties sign a (strategic) cooperation agreement"},
	{ID: "supports", Label: "支持", LabelEn: "supports", Temporal: TemporalLasting, Doc: "the subject supports the object (policy, services, backing)"},
	{ID: "unveils", Label: "揭牌", LabelEn: "unveils", Temporal: TemporalEvent, Doc: "the object is unveiled (揭牌) by or at the subject"},
	{ID: "wins", Label: "获得", LabelEn: "wins", Temporal: TemporalEvent, Doc: "the subject wins the award or recognition"},
}

var vocabIndex = func() map[string]*Predicate {
	if !sort.SliceIsSorted(Vocabulary, func(i, j int) bool { return Vocabulary[i].ID < Vocabulary[j].ID }) {
		panic("graph: Vocabulary must be sorted by ID")
	}
	for _, p := range Vocabulary {
		if p.Temporal != TemporalEvent && p.Temporal != TemporalLasting {
			panic("graph: predicate " + p.ID + " has no Temporal kind")
		}
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
