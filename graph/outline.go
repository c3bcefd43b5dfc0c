package graph

import (
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Section names for the text before the first numbered heading.
const (
	// SectionNotice holds everything before the line that repeats the
	// document title: the cover notice (issuer, document number, addressees,
	// issue date).
	SectionNotice = "通知"
	// SectionPreamble holds the title line and the opening paragraphs up to
	// the first numbered heading.
	SectionPreamble = "总述"
)

// Headings: 一、… (level 1) and （一）… (level 2), on a line of their own.
var (
	reLevel1 = regexp.MustCompile(`^[一二三四五六七八九十百零〇]+、`)
	reLevel2 = regexp.MustCompile(`^[（(][一二三四五六七八九十百零〇]+[）)]`)
)

// maxHeadingRunes bounds the length of a heading line; longer lines are
// paragraphs that happen to start with a numeral.
const maxHeadingRunes = 60

// Section is one part of a source text delimited by headings.
type Section struct {
	Path  string `json:"path"`  // e.g. "二、（一）"
	Title string `json:"title"` // the heading line (trimmed), "" for 通知/总述 without a title line
	Line  int    `json:"line"`  // 1-based line the section starts on
	Start int    `json:"start"` // rune offset, inclusive
	End   int    `json:"end"`   // rune offset, exclusive
}

// Outline indexes a source text: its sections, lines and rune offsets.
//
// Section rule: a line is a heading when, trimmed of white space, it starts
// with a Chinese numeral and 、 (level 1, path "一、") or a Chinese numeral in
// parentheses (level 2, path "<level 1>（一）", half-width parentheses are
// normalised to full-width), contains no 。 and has at most 60 characters.
// A heading line belongs to the section it opens. Text before the first
// heading is split at the first line whose trimmed text equals the document
// title: before it is SectionNotice ("通知"), from it on SectionPreamble
// ("总述"). Without such a line all of it is SectionPreamble.
type Outline struct {
	Sections   []Section
	text       string
	runes      []rune
	lineStarts []int   // rune offset of the start of each line
	runeOf     []int32 // byte offset -> rune offset (len(text)+1 entries)
}

// NewOutline computes the outline of text; title is the document title.
func NewOutline(text, title string) *Outline {
	o := &Outline{text: text, runes: []rune(text)}
	o.runeOf = make([]int32, len(text)+1)
	r := 0
	for i := range text {
		o.runeOf[i] = int32(r)
		r++
	}
	// Continuation bytes of a rune map to the rune's offset.
	for i := 1; i < len(text); i++ {
		if !utf8.RuneStart(text[i]) {
			o.runeOf[i] = o.runeOf[i-1]
		}
	}
	o.runeOf[len(text)] = int32(len(o.runes))

	title = strings.TrimSpace(title)
	var (
		off      int
		level1   string
		sawTitle bool
		sawHead  bool
	)
	add := func(path, heading string, line, start int) {
		if n := len(o.Sections); n > 0 {
			o.Sections[n-1].End = start
		}
		o.Sections = append(o.Sections, Section{Path: path, Title: heading, Line: line, Start: start})
	}
	lines := strings.Split(text, "\n")
	for i, ln := range lines {
		o.lineStarts = append(o.lineStarts, off)
		if i == 0 {
			add(SectionPreamble, "", 1, 0)
		}
		t := strings.TrimFunc(ln, unicode.IsSpace)
		switch {
		case isHeading(t, reLevel1):
			level1 = reLevel1.FindString(t)
			add(level1, t, i+1, off)
			sawHead = true
		case isHeading(t, reLevel2):
			m := reLevel2.FindString(t)
			m = "（" + strings.TrimRight(strings.TrimLeft(m, "（("), "）)") + "）"
			add(level1+m, t, i+1, off)
			sawHead = true
		case !sawHead && !sawTitle && title != "" && t == title:
			sawTitle = true
			if i == 0 {
				o.Sections[0].Title = t
			} else {
				o.Sections[0].Path = SectionNotice
				add(SectionPreamble, t, i+1, off)
			}
		}
		off += utf8.RuneCountInString(ln) + 1
	}
	o.Sections[len(o.Sections)-1].End = len(o.runes)
	// Drop empty sections (a heading on the very first line).
	var kept []Section
	for _, s := range o.Sections {
		if s.End > s.Start || s.Title != "" {
			kept = append(kept, s)
		}
	}
	if len(kept) > 0 {
		o.Sections = kept
	}
	return o
}

func isHeading(t string, re *regexp.Regexp) bool {
	return re.MatchString(t) && !strings.Contains(t, "。") && utf8.RuneCountInString(t) <= maxHeadingRunes
}

// Len is the length of the text in runes.
func (o *Outline) Len() int { return len(o.runes) }

// SectionAt returns the path of the section holding rune offset off.
func (o *Outline) SectionAt(off int) string {
	i := sort.Search(len(o.Sections), func(i int) bool { return o.Sections[i].Start > off }) - 1
	if i < 0 {
		i = 0
	}
	return o.Sections[i].Path
}

// HasSection reports whether path is the path of a section.
func (o *Outline) HasSection(path string) bool {
	for _, s := range o.Sections {
		if s.Path == path {
			return true
		}
	}
	return false
}

// LineAt returns the 1-based line holding rune offset off.
func (o *Outline) LineAt(off int) int {
	return sort.Search(len(o.lineStarts), func(i int) bool { return o.lineStarts[i] > off })
}

// Slice returns the text between rune offsets start and end, and false if
// they are out of range.
func (o *Outline) Slice(start, end int) (string, bool) {
	if start < 0 || end < start || end > len(o.runes) {
		return "", false
	}
	return string(o.runes[start:end]), true
}

// Find returns the rune offsets of every occurrence of quote (overlapping
// occurrences included).
func (o *Outline) Find(quote string) []int {
	if quote == "" {
		return nil
	}
	var out []int
	for from := 0; from <= len(o.text); {
		i := strings.Index(o.text[from:], quote)
		if i < 0 {
			break
		}
		b := from + i
		out = append(out, int(o.runeOf[b]))
		_, size := utf8.DecodeRuneInString(o.text[b:])
		from = b + size
	}
	return out
}
