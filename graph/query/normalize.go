package query

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// quoteRunes are dropped from search text and from names before matching,
// wherever they occur: 《“大零号湾”专项规划》 matches 大零号湾专项规划.
var quoteRunes = map[rune]bool{
	'"': true, '\'': true, '`': true,
	'“': true, '”': true, '‘': true, '’': true, '„': true, '‟': true, '〝': true, '〞': true,
	'《': true, '》': true, '〈': true, '〉': true, '「': true, '」': true, '『': true, '』': true,
	'«': true, '»': true, '‹': true, '›': true,
}

// normalize folds s for matching: NFKC (full-width Latin and digits become
// ASCII), lower case, quotes removed, runs of white space collapsed to one
// space, trimmed.
func normalize(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case quoteRunes[r]:
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// compact removes the spaces normalize left.
func compact(s string) string { return strings.ReplaceAll(s, " ", "") }

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// pinyinQuery returns the query as a run of ASCII letters and digits for
// pinyin matching (spaces and syllable separators dropped), or "" if the
// query is not pinyin-like: it must be ASCII letters, digits, spaces, "-"
// or "'" only, with at least two letters.
func pinyinQuery(q string) string {
	var b strings.Builder
	letters := 0
	for _, r := range q {
		switch {
		case r >= 'a' && r <= 'z':
			letters++
			b.WriteRune(r)
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return ""
		}
	}
	if letters < 2 {
		return ""
	}
	return b.String()
}
