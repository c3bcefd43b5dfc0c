package query

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// pinyinCache maps runes to the strings that type them: the toneless
// readings of a Han rune (every reading of a heteronym, so that 闵行 matches
// "minhang" although 行 is mostly "xing"), or the rune itself for ASCII
// letters and digits. Each distinct rune's set is stored once in sets; names
// keep indexes into it (4 bytes a rune instead of a slice header). It is
// filled by one snapshot build and read-only afterwards.
type pinyinCache struct {
	args  pinyin.Args
	index map[rune]int32
	sets  [][]string
}

func newPinyinCache() *pinyinCache {
	return &pinyinCache{
		args:  pinyin.Args{Style: pinyin.Normal, Heteronym: true, Fallback: func(rune, pinyin.Args) []string { return nil }},
		index: make(map[rune]int32),
	}
}

// syllables returns, for each rune of s that can be typed, the index of its
// set in c.sets (readings of a Han rune with ü written both v and u, or the
// rune itself for ASCII letters and digits). Other runes are left out. It
// returns nil if s has no Han rune.
func (c *pinyinCache) syllables(s string) []int32 {
	if !hasHan(s) {
		return nil
	}
	var out []int32
	for _, r := range s {
		i, ok := c.index[r]
		if !ok {
			var set []string
			switch {
			case unicode.Is(unicode.Han, r):
				for _, p := range pinyin.SinglePinyin(r, c.args) {
					set = append(set, p)
					if strings.Contains(p, "v") {
						set = append(set, strings.ReplaceAll(p, "v", "u"))
					}
				}
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				set = []string{string(r)}
			}
			i = -1
			if len(set) > 0 {
				i = int32(len(c.sets))
				c.sets = append(c.sets, set)
			}
			c.index[r] = i
		}
		if i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// pinyinMatch reports how q (lower-case ASCII letters and digits) types a
// contiguous run of syl: every rune is typed by its full syllable, its first
// letter or its initial (zh, ch, sh), and the last typed rune may be typed
// by any prefix of its syllable. It returns the best kind of match: exact
// (q types all of syl), prefix (from the first rune) or substring; ok is
// false if q types no run of syl.
func pinyinMatch(sets [][]string, syl []int32, q string) (kind matchKind, ok bool) {
	m := pyMatcher{sets: sets}
	return m.match(syl, q)
}

// pyMatcher is a memoised matcher, reusable (not concurrently) across
// calls to save allocations.
type pyMatcher struct {
	sets [][]string // pinyinCache.sets
	syl  []int32
	q    string
	// failed[full][i*(len(q)+1)+j] records that typing q[j:] from rune i
	// fails (with full: and ending at the last rune).
	failed [2][]bool
}

func (m *pyMatcher) match(syl []int32, q string) (matchKind, bool) {
	if len(syl) == 0 || q == "" {
		return 0, false
	}
	m.syl, m.q = syl, q
	n := (len(syl) + 1) * (len(q) + 1)
	for f := range m.failed {
		if cap(m.failed[f]) < n {
			m.failed[f] = make([]bool, n)
		} else {
			m.failed[f] = m.failed[f][:n]
			clear(m.failed[f])
		}
	}
	if m.step(0, 0, true) {
		return matchExact, true
	}
	if m.step(0, 0, false) {
		return matchPrefix, true
	}
	for i := 1; i < len(syl); i++ {
		if m.step(i, 0, false) {
			return matchSubstring, true
		}
	}
	return 0, false
}

// startMask is the set of bytes the syllables of syl start with (a–z and
// 0–9 as bits 0–35): a name can only be typed by a query starting with one.
func startMask(sets [][]string, syl []int32) uint64 {
	var m uint64
	for _, i := range syl {
		for _, s := range sets[i] {
			m |= byteBit(s[0])
		}
	}
	return m
}

func byteBit(c byte) uint64 {
	switch {
	case c >= 'a' && c <= 'z':
		return 1 << (c - 'a')
	case c >= '0' && c <= '9':
		return 1 << (26 + c - '0')
	}
	return 0
}

func (m *pyMatcher) step(i, j int, full bool) bool {
	if j == len(m.q) {
		return !full || i == len(m.syl)
	}
	if i == len(m.syl) {
		return false
	}
	f := 0
	if full {
		f = 1
	}
	k := i*(len(m.q)+1) + j
	if m.failed[f][k] {
		return false
	}
	rest := m.q[j:]
	for _, s := range m.sets[m.syl[i]] {
		if rest[0] != s[0] {
			continue
		}
		if strings.HasPrefix(rest, s) && m.step(i+1, j+len(s), full) {
			return true
		}
		// The rest of the query is a prefix of this syllable: the user is
		// still typing it.
		if len(rest) < len(s) && strings.HasPrefix(s, rest) && (!full || i+1 == len(m.syl)) {
			return true
		}
		// The first letter.
		if len(s) > 1 && m.step(i+1, j+1, full) {
			return true
		}
		// The initial zh, ch or sh.
		if len(s) > 2 && s[1] == 'h' && (s[0] == 'z' || s[0] == 'c' || s[0] == 's') &&
			strings.HasPrefix(rest, s[:2]) && m.step(i+1, j+2, full) {
			return true
		}
	}
	m.failed[f][k] = true
	return false
}
