package cayleystore

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/nquads"

	"github.com/minhang-kg/kg/graph"
)

var _ graph.Importer = (*Store)(nil)

// ImportNQuads implements graph.Importer: the input is read and checked
// first, then the difference between the stored quads and the input is
// applied as one write (see apply: one transaction on every backend).
func (s *Store) ImportNQuads(ctx context.Context, r io.Reader, name string) (graph.Change, error) {
	want, err := readNQuads(ctx, r, name)
	if err != nil {
		return graph.Change{}, fmt.Errorf("cayleystore: import: %w", err)
	}
	return s.write(ctx, "import "+name, func(rd *reader) ([]quad.Quad, []quad.Quad, graph.Change, error) {
		cur, err := rd.allQuads()
		if err != nil {
			return nil, nil, graph.Change{}, err
		}
		have := make(map[quad.Quad]bool, len(cur))
		var del, add []quad.Quad
		for _, q := range cur {
			if q.Label == metaGraph {
				continue
			}
			have[q] = true
			if !want[q] {
				del = append(del, q)
			}
		}
		for q := range want {
			if !have[q] {
				add = append(add, q)
			}
		}
		return del, add, graph.Change{QuadsAdded: len(add), QuadsRemoved: len(del)}, nil
	})
}

// readNQuads reads N-Quads, one statement per line (blank and comment
// lines allowed), into a set. Errors name name:line and wrap
// graph.ErrInvalid.
func readNQuads(ctx context.Context, r io.Reader, name string) (map[quad.Quad]bool, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	out := map[quad.Quad]bool{}
	for line := 1; ; line++ {
		if line%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		b, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if t := bytes.TrimSpace(b); len(t) > 0 && t[0] != '#' {
			q, perr := parseNQuad(string(t))
			if perr != nil {
				return nil, fmt.Errorf("%w: %s:%d: %v", graph.ErrInvalid, name, line, perr)
			}
			if q.Label != metaGraph {
				out[q] = true
			}
		}
		if err != nil { // io.EOF
			return out, nil
		}
	}
}

// parseNQuad parses one N-Quads statement as the store wrote it. Cayley's
// parser turns typed literals of some datatypes (xsd:integer, ...) into
// native values; the store keeps them as typed strings with their
// lexical form, so those are turned back (their lexical forms have no
// escapes: the text between the object's quotes is the value).
func parseNQuad(line string) (quad.Quad, error) {
	q, err := nquads.Parse(line)
	if err != nil {
		return q, err
	}
	if q.Subject == nil || q.Predicate == nil || q.Object == nil {
		return q, fmt.Errorf("incomplete statement")
	}
	if q.Label == nil {
		return q, fmt.Errorf("statement without a graph label (every quad of a kg export has one)")
	}
	for _, d := range quad.Directions {
		switch v := q.Get(d); v.(type) {
		case quad.IRI, quad.String, quad.TypedString, quad.LangString, quad.BNode:
		case nil:
			// the label of a triple; refused above
		default:
			if d != quad.Object {
				return q, fmt.Errorf("%s: cannot read %s", d, quad.StringOf(v))
			}
			ts, ok := typedLiteral(line)
			if !ok {
				return q, fmt.Errorf("object: cannot read the typed literal")
			}
			q.Object = ts
		}
	}
	return q, nil
}

// typedLiteral cuts the typed literal "lexical"^^<type> out of a statement
// whose subject and predicate are IRIs.
func typedLiteral(line string) (quad.TypedString, bool) {
	i := strings.IndexByte(line, '"')
	j := strings.LastIndex(line, `"^^<`)
	if i < 0 || j <= i {
		return quad.TypedString{}, false
	}
	lex := line[i+1 : j]
	rest := line[j+4:]
	k := strings.IndexByte(rest, '>')
	if k < 0 || strings.ContainsAny(lex, `\"`) {
		return quad.TypedString{}, false
	}
	return quad.TypedString{Value: quad.String(lex), Type: quad.IRI(rest[:k])}, true
}
