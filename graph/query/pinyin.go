package query

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// pinyinCache maps Han runes to their toneless readings (every reading of
// a heteronym, so that 闵行 matches "minhang" although 行 is mostly "xing").
// It is used by one snapshot build at a time.
type pinyinCache struct {
	args  pinyin.Args
	runes map[rune][]string
}

func newPinyinCache() *pinyinCache {
	return &pinyinCache{
		args:  pinyin.Args{Style: pinyin.Normal, Heteronym: true, Fallback: func(rune, pinyin.Args) []string { return nil }},
		runes: make(map[rune][]string),
	}
}

// syllables returns, for each rune of s that can be typed, the strings
// that type it: the pinyin readings of a Han rune (ü written both v and u),
// or the rune itself for ASCII letters and digits. Other runes are left out.
// It returns nil if s has no Han rune.
func (c *pinyinCache) syllables(s string) [][]string {
	if !hasHan(s) {
		return nil
	}
	var out [][]string
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			rs, ok := c.runes[r]
			if !ok {
				for _, p := range pinyin.SinglePinyin(r, c.args) {
					rs = append(rs, p)
					if strings.Contains(p, "v") {
						rs = append(rs, strings.ReplaceAll(p, "v", "u"))
					}
				}
				c.runes[r] = rs
			}
			if len(rs) > 0 {
				out = append(out, rs)
			}
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			out = append(out, []string{string(r)})
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
func pinyinMatch(syl [][]string, q string) (kind matchKind, ok bool) {
	var m pyMatcher
	return m.match(syl, q)
}

// pyMatcher is a memoised matcher, reusable (not concurrently) across
// calls to save allocations.
type pyMatcher struct {
	syl [][]string
	q   string
	// failed[full][i*(len(q)+1)+j] records that typing q[j:] from rune i
	// fails (with full: and ending at the last rune).
	failed [2][]bool
}

func (m *pyMatcher) match(syl [][]string, q string) (matchKind, bool) {
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
func startMask(syl [][]string) uint64 {
	var m uint64
	for _, ss := range syl {
		for _, s := range ss {
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
	for _, s := range m.syl[i] {
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
