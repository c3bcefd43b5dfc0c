package query

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// SearchHit is one search result.
type SearchHit struct {
	Entity  *graph.Entity
	Score   float64
	Matched string // the name, alias or English name that matched, as stored
	Match   string // "exact", "prefix", "substring" or "pinyin"
}

// matchKind orders matches, best last.
type matchKind int

const (
	matchSubstring matchKind = iota + 1
	matchPrefix
	matchExact
)

// Scores. Classes never overlap: every exact match outranks every prefix
// match, and so on down to pinyin. Within a class ties are broken by degree,
// then ID.
const (
	scoreExact           = 1.0
	scorePrefix          = 0.8
	scoreSubstring       = 0.6  // the query occurs in the name
	scoreContained       = 0.5  // the name occurs in the query
	scoreInWord          = 0.4  // a Latin query occurs inside a word ("versity")
	scorePinyinExact     = 0.3  // the query types the whole name in pinyin
	scorePinyinPrefix    = 0.25 // … the start of the name
	scorePinyinSubstring = 0.2  // … some run of the name
)

// searchKey is one searchable string of an entity.
type searchKey struct {
	text    string  // as stored
	norm    string  // normalize(text)
	compact string  // norm without spaces
	syl     []int32 // pinyin: indexes into the snapshot's pinyin sets; nil if text has no Han rune
	starts  uint64  // startMask(syl)
	// runes in norm and in compact
	normRunes, compactRunes int
}

// entityKeys lists an entity's names in preference order: name, aliases,
// official document numbers (docno attributes, e.g. 闵府办发〔2024〕33号),
// English name.
func entityKeys(e *graph.Entity, py *pinyinCache) []searchKey {
	texts := make([]string, 0, 2+len(e.Aliases))
	texts = append(texts, e.Name)
	texts = append(texts, e.Aliases...)
	for _, a := range e.Attributes {
		if a.Type == graph.AttrDocNo {
			texts = append(texts, a.Value)
		}
	}
	texts = append(texts, e.NameEn)
	keys := make([]searchKey, 0, len(texts))
	seen := make(map[string]bool, len(texts))
	for _, t := range texts {
		n := normalize(t)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		syl := py.syllables(n)
		c := compact(n)
		keys = append(keys, searchKey{text: t, norm: n, compact: c, syl: syl, starts: startMask(py.sets, syl),
			normRunes: runeLen(n), compactRunes: runeLen(c)})
	}
	return keys
}

// query is a normalised search text.
type query struct {
	norm   string
	han    bool   // compare space-free forms
	form   string // norm, or compact(norm) if han
	runes  int
	pinyin string // pinyinQuery(norm); "" if not pinyin-like
}

func newQuery(text string) query {
	q := query{norm: normalize(text)}
	q.han = hasHan(q.norm)
	q.form = q.norm
	if q.han {
		q.form = compact(q.norm)
	}
	q.runes = runeLen(q.form)
	if !q.han {
		q.pinyin = pinyinQuery(q.norm)
	}
	return q
}

// minContainedRunes is the length from which a name found inside a longer
// query always counts.
const minContainedRunes = 4

// minInWordRunes is the shortest Latin query matched inside a word: "ai"
// should not find "Shanghai".
const minInWordRunes = 4

// containsAtWordStart reports whether sub occurs in s where a word starts:
// at the start of s or after a rune that is not an ASCII letter or digit.
func containsAtWordStart(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 || !isASCIIAlnum(s[at-1]) {
			return true
		}
		i = at + 1
	}
	return false
}

func isASCIIAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

// score returns how well q matches k, or 0. m is scratch space for pinyin.
func (q query) score(k *searchKey, m *pyMatcher) (float64, string) {
	form, formRunes := k.norm, k.normRunes
	if q.han {
		form, formRunes = k.compact, k.compactRunes
	}
	switch {
	case form == q.form:
		return scoreExact, "exact"
	case strings.HasPrefix(form, q.form):
		return scorePrefix, "prefix"
	case q.han && strings.Contains(form, q.form):
		return scoreSubstring, "substring"
	case !q.han && containsAtWordStart(form, q.form):
		return scoreSubstring, "substring"
	case !q.han && q.runes >= minInWordRunes && strings.Contains(form, q.form):
		return scoreInWord, "substring"
	}
	// The name occurs in the query ("上海交通大学闵行校区" finds 上海交通大学),
	// when the name is not too short to mean anything: four runes or more,
	// or two or more and at least half of the query (so that 闵行 does not
	// match every long query about Minhang).
	if formRunes >= 2 && (formRunes >= minContainedRunes || 2*formRunes >= q.runes) &&
		(q.han && strings.Contains(q.form, form) || !q.han && containsAtWordStart(q.form, form)) {
		return scoreContained, "substring"
	}
	if q.pinyin != "" && k.starts&byteBit(q.pinyin[0]) != 0 {
		if kind, ok := m.match(k.syl, q.pinyin); ok {
			switch kind {
			case matchExact:
				return scorePinyinExact, "pinyin"
			case matchPrefix:
				return scorePinyinPrefix, "pinyin"
			default:
				return scorePinyinSubstring, "pinyin"
			}
		}
	}
	return 0, ""
}

// Search finds entities by Chinese name, alias or abbreviation (substring),
// English name (case-insensitive) and pinyin (full syllables or initials,
// with or without spaces). Results are ranked exact > prefix > substring >
// pinyin, ties broken by degree (best connected first), then ID. kinds
// filters (none means all). first must be in 1..100.
func (s *Service) Search(ctx context.Context, text string, kinds []graph.Kind, first int) ([]SearchHit, error) {
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return nil, err
	}
	ks, err := kindSet(kinds)
	if err != nil {
		return nil, err
	}
	q := newQuery(text)
	if q.form == "" {
		return nil, argErr("text", "must not be empty")
	}
	if q.runes > MaxTextRunes {
		return nil, argErr("text", "must be at most %d characters, got %d", MaxTextRunes, q.runes)
	}
	snap, err := s.current(ctx)
	if err != nil {
		return nil, err
	}

	type cand struct {
		en      *entry
		score   float64
		match   string
		matched string
		degree  int
	}
	var cands []cand
	pm := pyMatcher{sets: snap.pinyin}
	for _, en := range snap.order {
		if ks != nil && !ks[en.kind] {
			continue
		}
		best := cand{en: en}
		for i := range en.keys {
			sc, m := q.score(&en.keys[i], &pm)
			if sc > best.score {
				best.score, best.match, best.matched = sc, m, en.keys[i].text
			}
		}
		if best.score > 0 {
			best.degree = en.degree
			cands = append(cands, best)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("query: search: %w", err)
	}
	slices.SortFunc(cands, func(x, y cand) int {
		return cmp.Or(cmp.Compare(y.score, x.score), cmp.Compare(y.degree, x.degree), cmp.Compare(x.en.id, y.en.id))
	})
	if len(cands) > first {
		cands = cands[:first]
	}
	if len(cands) == 0 {
		return []SearchHit{}, nil
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.en.id
	}
	ents, err := s.store.Entities(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("query: search: read entities: %w", err)
	}
	hits := make([]SearchHit, 0, len(cands))
	for i, c := range cands {
		if ents[i] == nil { // removed since the index was built
			continue
		}
		hits = append(hits, SearchHit{Entity: ents[i], Score: c.score, Matched: c.matched, Match: c.match})
	}
	return hits, nil
}
