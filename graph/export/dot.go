package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/minhang-kg/kg/graph"
)

// dotQuote returns s as a DOT quoted string. Inside quotes DOT only knows
// the escape \"; a backslash would start a label escape (\n, \l, \N…), so
// it is doubled, and line breaks become the \n label escape.
func dotQuote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func dotNodeLabel(e *graph.Entity) string {
	if e.NameEn != "" && e.Name != "" && e.NameEn != e.Name {
		return e.Name + "\n" + e.NameEn
	}
	return displayName(e)
}

func writeDOT(g *Graph, w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("digraph %s {\n", dotQuote("minhang-kg"))
	ew.printf("  graph [charset=\"UTF-8\", overlap=false, splines=true, fontname=\"Noto Sans CJK SC\"];\n")
	ew.printf("  node [shape=box, style=\"rounded,filled\", fontname=\"Noto Sans CJK SC\", fontsize=10];\n")
	ew.printf("  edge [fontname=\"Noto Sans CJK SC\", fontsize=8, color=\"#888888\"];\n")
	for _, e := range g.Entities {
		ew.printf("  %s [label=%s, kind=%s, name=%s, nameEn=%s, fillcolor=%s];\n",
			dotQuote(e.ID), dotQuote(dotNodeLabel(e)), dotQuote(string(e.Kind)),
			dotQuote(e.Name), dotQuote(e.NameEn), dotQuote(kindColor(e.Kind)+"80"))
	}
	for _, r := range g.Relations {
		p := predicateInfo(r.Predicate)
		extra := ""
		if p.Symmetric {
			extra = ", dir=none"
		}
		ew.printf("  %s -> %s [id=%s, label=%s, predicate=%s, labelEn=%s, evidence=%s%s];\n",
			dotQuote(r.Subject), dotQuote(r.Object), dotQuote(r.ID), dotQuote(p.Label),
			dotQuote(r.Predicate), dotQuote(p.LabelEn), dotQuote(joinQuotes(r.Evidence)), extra)
	}
	ew.printf("}\n")
	if ew.err != nil {
		return fmt.Errorf("export dot: %w", ew.err)
	}
	return nil
}
