package export

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// writeNQuads writes the store's own N-Quads. For a selection it keeps the
// quads about the selected entities (their names, kind, attributes,
// evidence) and about the relations among them (the relation quad and its
// statement node), dropping everything else.
func writeNQuads(ctx context.Context, st graph.Store, sel Selection, w io.Writer) error {
	if sel.Whole() {
		if err := st.ExportNQuads(ctx, w); err != nil {
			return fmt.Errorf("export nquads: %w", err)
		}
		return nil
	}
	g, err := Collect(ctx, st, sel)
	if err != nil {
		return err
	}
	ents := make(map[string]bool, len(g.Entities))
	for _, e := range g.Entities {
		ents[iri(e.ID)] = true
	}
	rels := make(map[string]bool, len(g.Relations))
	for _, r := range g.Relations {
		rels[iri(r.ID)] = true
	}
	var buf bytes.Buffer
	if err := st.ExportNQuads(ctx, &buf); err != nil {
		return fmt.Errorf("export nquads: %w", err)
	}
	ew := &errWriter{w: w}
	sc := bufio.NewScanner(&buf)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20) // document text quads are long
	line := 0
	for sc.Scan() {
		line++
		q, ok, err := ParseNQuad(sc.Text())
		if err != nil {
			return fmt.Errorf("export nquads: store output line %d: %w", line, err)
		}
		if !ok {
			continue
		}
		keep := false
		switch {
		case rels[q.Subject]:
			keep = true // statement node: statedIn, evidence
		case ents[q.Subject]:
			if strings.HasPrefix(q.Label, "<"+nsID+"rel/") {
				keep = rels[q.Label] // a relation quad: only if the relation is selected
			} else {
				keep = true
			}
		}
		if keep {
			ew.printf("%s\n", sc.Text())
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("export nquads: %w", err)
	}
	if ew.err != nil {
		return fmt.Errorf("export nquads: %w", ew.err)
	}
	return nil
}

// iri returns the N-Quads IRI term of an entity, document or relation ID.
func iri(id string) string { return "<" + nsID + id + ">" }

// Quad is one parsed N-Quads statement; each term is kept as written
// (IRIs with their angle brackets, literals with quotes, language tag or
// datatype). Label is "" for a triple in the default graph.
type Quad struct {
	Subject, Predicate, Object, Label string
}

// ParseNQuad parses one line of N-Quads strictly (W3C N-Quads grammar,
// without relative IRIs). ok is false for blank and comment lines.
func ParseNQuad(line string) (q Quad, ok bool, err error) {
	p := &nqParser{s: line}
	p.ws()
	if p.eof() || p.peek() == '#' {
		return Quad{}, false, nil
	}
	if q.Subject, err = p.term(false); err != nil {
		return Quad{}, false, fmt.Errorf("subject: %w", err)
	}
	if strings.HasPrefix(q.Subject, "\"") {
		return Quad{}, false, fmt.Errorf("subject: literal not allowed")
	}
	p.ws()
	if q.Predicate, err = p.term(false); err != nil {
		return Quad{}, false, fmt.Errorf("predicate: %w", err)
	}
	if !strings.HasPrefix(q.Predicate, "<") {
		return Quad{}, false, fmt.Errorf("predicate: must be an IRI")
	}
	p.ws()
	if q.Object, err = p.term(true); err != nil {
		return Quad{}, false, fmt.Errorf("object: %w", err)
	}
	p.ws()
	if !p.eof() && p.peek() != '.' {
		if q.Label, err = p.term(false); err != nil {
			return Quad{}, false, fmt.Errorf("graph label: %w", err)
		}
		if strings.HasPrefix(q.Label, "\"") {
			return Quad{}, false, fmt.Errorf("graph label: literal not allowed")
		}
		p.ws()
	}
	if p.eof() || p.peek() != '.' {
		return Quad{}, false, fmt.Errorf("missing final '.' at column %d", p.i+1)
	}
	p.i++
	p.ws()
	if !p.eof() && p.peek() != '#' {
		return Quad{}, false, fmt.Errorf("unexpected %q after '.' at column %d", p.s[p.i:], p.i+1)
	}
	return q, true, nil
}

type nqParser struct {
	s string
	i int
}

func (p *nqParser) eof() bool  { return p.i >= len(p.s) }
func (p *nqParser) peek() byte { return p.s[p.i] }
func (p *nqParser) ws() {
	for !p.eof() && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *nqParser) term(literalOK bool) (string, error) {
	if p.eof() {
		return "", fmt.Errorf("unexpected end of line")
	}
	start := p.i
	switch c := p.peek(); {
	case c == '<':
		if err := p.iriRef(); err != nil {
			return "", err
		}
	case c == '_':
		if !strings.HasPrefix(p.s[p.i:], "_:") {
			return "", fmt.Errorf("bad blank node at column %d", p.i+1)
		}
		p.i += 2
		n := p.i
		for !p.eof() && p.s[p.i] != ' ' && p.s[p.i] != '\t' {
			p.i++
		}
		if p.i == n {
			return "", fmt.Errorf("empty blank node label at column %d", n+1)
		}
		// A blank node label may not end with '.'; give it back.
		for p.i > n && p.s[p.i-1] == '.' {
			p.i--
		}
	case c == '"' && literalOK:
		if err := p.literal(); err != nil {
			return "", err
		}
	default:
		return "", fmt.Errorf("unexpected %q at column %d", c, p.i+1)
	}
	return p.s[start:p.i], nil
}

func (p *nqParser) iriRef() error {
	p.i++ // <
	n := p.i
	for !p.eof() && p.s[p.i] != '>' {
		c := p.s[p.i]
		switch {
		case c <= ' ' || strings.IndexByte("<\"{}|^`", c) >= 0:
			return fmt.Errorf("character %q not allowed in IRI at column %d", c, p.i+1)
		case c == '\\':
			if err := p.uchar(); err != nil {
				return err
			}
			continue
		}
		p.i++
	}
	if p.eof() {
		return fmt.Errorf("unterminated IRI")
	}
	if !strings.Contains(p.s[n:p.i], ":") {
		return fmt.Errorf("relative IRI %q", p.s[n:p.i])
	}
	p.i++ // >
	return nil
}

func (p *nqParser) uchar() error {
	if p.i+1 >= len(p.s) {
		return fmt.Errorf("bad escape at column %d", p.i+1)
	}
	n := 0
	switch p.s[p.i+1] {
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return fmt.Errorf("bad escape at column %d", p.i+1)
	}
	if p.i+2+n > len(p.s) {
		return fmt.Errorf("short \\u escape at column %d", p.i+1)
	}
	for _, h := range p.s[p.i+2 : p.i+2+n] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", h) {
			return fmt.Errorf("bad hex digit in escape at column %d", p.i+1)
		}
	}
	p.i += 2 + n
	return nil
}

func (p *nqParser) literal() error {
	p.i++ // opening quote
	for {
		if p.eof() {
			return fmt.Errorf("unterminated literal")
		}
		c := p.s[p.i]
		switch c {
		case '"':
			p.i++
			goto suffix
		case '\\':
			if p.i+1 < len(p.s) && strings.IndexByte("tbnrf\"'\\", p.s[p.i+1]) >= 0 {
				p.i += 2
				continue
			}
			if err := p.uchar(); err != nil {
				return err
			}
			continue
		case '\n', '\r':
			return fmt.Errorf("raw line break in literal at column %d", p.i+1)
		}
		_, size := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += size
	}
suffix:
	if p.eof() {
		return nil
	}
	switch {
	case p.peek() == '@':
		p.i++
		n := p.i
		for !p.eof() && (isAlpha(p.peek()) || (p.i > n && (p.peek() == '-' || isDigit(p.peek())))) {
			p.i++
		}
		if p.i == n {
			return fmt.Errorf("empty language tag at column %d", n)
		}
	case strings.HasPrefix(p.s[p.i:], "^^"):
		p.i += 2
		if p.eof() || p.peek() != '<' {
			return fmt.Errorf("datatype must be an IRI at column %d", p.i+1)
		}
		return p.iriRef()
	}
	return nil
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
