package seed

import (
	"github.com/minhang-kg/kg/graph"

	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/token"
)

// Fix fills in missing (and corrects wrong) start, end and section of every
// evidence item of the data directory whose quote occurs exactly once in the
// source text, or whose start/end already locate it. It rewrites only the
// affected YAML files, by inserting or replacing those values in the text,
// so comments, order and formatting stay as they were; quotes are never
// changed. The returned report lists the fixes and every problem left.
func Fix(dataDir string) (*Report, error) {
	ds, err := Parse(dataDir)
	if err != nil {
		return nil, err
	}
	fixes, problems, err := ds.fix()
	if err != nil {
		return nil, err
	}
	if len(fixes) > 0 {
		if ds, err = Parse(dataDir); err != nil {
			return nil, err
		}
	}
	rep := ds.Validate()
	rep.Fixes = fixes
	rep.Problems = append(rep.Problems, problems...)
	rep.sort()
	return rep, nil
}

// wanted is what one evidence item's start, end and section should be.
type wanted struct {
	ev         *EvidenceSpec
	start, end int
	section    string
	setStart   bool // start must be written (missing or wrong)
	setEnd     bool
	setSection bool
	startOld   string
	endOld     string
	sectionOld string
}

func (ds *Dataset) fix() ([]Correction, []Problem, error) {
	if !ds.files.writable() {
		return nil, nil, fmt.Errorf("dataset %s is read-only (embedded); fix a data directory on disk", ds.Dir)
	}
	var fixes []Correction
	var problems []Problem
	for _, d := range ds.Documents {
		if d.Text == "" {
			continue
		}
		o := d.Outline()
		for _, f := range d.Files {
			var ws []wanted
			for _, e := range f.Entities {
				ws = appendWanted(ws, o, e.Evidence)
			}
			for _, r := range f.Relations {
				ws = appendWanted(ws, o, r.Evidence)
			}
			if len(ws) == 0 {
				continue
			}
			out, ff, err := rewrite(f, ws)
			if err != nil {
				problems = append(problems, Problem{File: f.Name, Code: CodeSyntax,
					Msg: fmt.Sprintf("cannot fill in offsets automatically: %v", err)})
				continue
			}
			if err := writeFileAtomic(f.path, out); err != nil {
				return fixes, problems, fmt.Errorf("write %s: %w", f.Name, err)
			}
			fixes = append(fixes, ff...)
		}
	}
	return fixes, problems, nil
}

// appendWanted adds the evidence items that need a change.
func appendWanted(ws []wanted, o *graph.Outline, evs []*EvidenceSpec) []wanted {
	for _, ev := range evs {
		if ev.Quote == "" {
			continue
		}
		qlen := utf8.RuneCountInString(ev.Quote)
		start := -1
		if ev.Start != nil && ev.End != nil {
			if got, _ := o.Slice(*ev.Start, *ev.End); got == ev.Quote {
				start = *ev.Start
			}
		}
		if start < 0 {
			occ := o.Find(ev.Quote)
			if len(occ) != 1 {
				continue // not found or ambiguous: Validate reports it
			}
			start = occ[0]
		}
		w := wanted{ev: ev, start: start, end: start + qlen, section: o.SectionAt(start)}
		if ev.Start == nil || *ev.Start != w.start {
			w.setStart = true
			if ev.Start != nil {
				w.startOld = strconv.Itoa(*ev.Start)
			}
		}
		if ev.End == nil || *ev.End != w.end {
			w.setEnd = true
			if ev.End != nil {
				w.endOld = strconv.Itoa(*ev.End)
			}
		}
		if ev.Section == nil || *ev.Section != w.section {
			w.setSection = true
			if ev.Section != nil {
				w.sectionOld = *ev.Section
			}
		}
		if w.setStart || w.setEnd || w.setSection {
			ws = append(ws, w)
		}
	}
	return ws
}

// edit replaces data[at:at+del] with ins.
type edit struct {
	at  int
	del int
	ins string
	seq int // keeps insertions at one offset in order
}

// rewrite applies ws to the file text and checks the result parses to the
// same facts with the new values.
func rewrite(f *FactFile, ws []wanted) ([]byte, []Correction, error) {
	src := newSourceMap(f.data)
	var edits []edit
	var fixes []Correction
	seq := 0
	for _, w := range ws {
		ev := w.ev
		type kv struct {
			key, val, old string
			set           bool
		}
		want := []kv{
			{"start", strconv.Itoa(w.start), w.startOld, w.setStart},
			{"end", strconv.Itoa(w.end), w.endOld, w.setEnd},
			{"section", yamlScalar(w.section), w.sectionOld, w.setSection},
		}
		mapping, _ := ev.node.(*ast.MappingNode)
		flow := mapping != nil && mapping.IsFlowStyle
		anchor := ev.fields["quote"] // the key new lines go after
		for _, x := range want {
			cur, exists := ev.fields[x.key]
			if exists {
				if x.set {
					e, err := src.replaceValue(cur.node, x.val, flow)
					if err != nil {
						return nil, nil, fmt.Errorf("line %d: %s: %w", cur.line, x.key, err)
					}
					edits = append(edits, e)
				}
				anchor = cur
			} else if x.set {
				var e edit
				var err error
				if flow {
					e, err = src.insertFlow(mapping, x.key+": "+x.val)
				} else {
					e, err = src.insertAfter(anchor.node, x.key+": "+x.val)
				}
				if err != nil {
					return nil, nil, fmt.Errorf("line %d: %s: %w", ev.Line, x.key, err)
				}
				e.seq = seq
				seq++
				edits = append(edits, e)
			}
			if x.set {
				fixes = append(fixes, Correction{File: f.Name, Line: lineOr(fieldLines(ev.fields), "quote", ev.Line),
					Field: join(ev.Path, x.key), Old: x.old, New: unquoteScalar(x.val)})
			}
		}
	}
	out := applyEdits(f.data, edits)
	if err := verifyRewrite(f, out, ws); err != nil {
		return nil, nil, err
	}
	return out, fixes, nil
}

func applyEdits(data []byte, edits []edit) []byte {
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at > edits[j].at
		}
		return edits[i].seq > edits[j].seq
	})
	out := append([]byte(nil), data...)
	for _, e := range edits {
		var b bytes.Buffer
		b.Write(out[:e.at])
		b.WriteString(e.ins)
		b.Write(out[e.at+e.del:])
		out = b.Bytes()
	}
	return out
}

// verifyRewrite re-parses the rewritten file and checks that it holds the
// same facts, with the same quotes, and the new values in place.
func verifyRewrite(f *FactFile, out []byte, ws []wanted) error {
	ff, probs := parseFactFile(memFile{name: f.Name, data: out}, f.Name)
	if len(probs) > 0 {
		return fmt.Errorf("the rewritten file does not parse: %s", probs[0])
	}
	collect := func(ff *FactFile) []*EvidenceSpec {
		var evs []*EvidenceSpec
		for _, e := range ff.Entities {
			evs = append(evs, e.Evidence...)
		}
		for _, r := range ff.Relations {
			evs = append(evs, r.Evidence...)
		}
		return evs
	}
	before, after := collect(f), collect(ff)
	if len(before) != len(after) || len(f.Entities) != len(ff.Entities) || len(f.Relations) != len(ff.Relations) {
		return fmt.Errorf("the rewritten file has a different structure")
	}
	byPath := map[string]wanted{}
	for _, w := range ws {
		byPath[w.ev.Path] = w
	}
	for i, b := range before {
		a := after[i]
		if a.Quote != b.Quote || a.Path != b.Path {
			return fmt.Errorf("rewriting would change the quote at %s", b.Path)
		}
		if w, ok := byPath[b.Path]; ok {
			if a.Start == nil || *a.Start != w.start || a.End == nil || *a.End != w.end || a.Section == nil || *a.Section != w.section {
				return fmt.Errorf("rewriting %s did not give the expected values", b.Path)
			}
		}
	}
	return nil
}

// sourceMap converts goccy/go-yaml positions (1-based line, rune column) to
// byte offsets.
type sourceMap struct {
	data       []byte
	lineStarts []int  // byte offset of each line
	eol        string // the file's line ending, for inserted lines
}

func newSourceMap(data []byte) *sourceMap {
	m := &sourceMap{data: data, lineStarts: []int{0}, eol: "\n"}
	if bytes.Contains(data, []byte("\r\n")) {
		m.eol = "\r\n"
	}
	for i, c := range data {
		if c == '\n' {
			m.lineStarts = append(m.lineStarts, i+1)
		}
	}
	return m
}

// offset returns the byte offset of a position.
func (m *sourceMap) offset(p *token.Position) (int, error) {
	if p == nil || p.Line < 1 || p.Line > len(m.lineStarts) {
		return 0, fmt.Errorf("position out of range")
	}
	off := m.lineStarts[p.Line-1]
	for col := 1; col < p.Column; col++ {
		if off >= len(m.data) || m.data[off] == '\n' {
			return 0, fmt.Errorf("column %d beyond line %d", p.Column, p.Line)
		}
		_, size := utf8.DecodeRune(m.data[off:])
		off += size
	}
	return off, nil
}

func (m *sourceMap) lineText(line int) string {
	start := m.lineStarts[line-1]
	end := len(m.data)
	if line < len(m.lineStarts) {
		end = m.lineStarts[line] - 1
	}
	return strings.TrimRight(string(m.data[start:end]), "\r")
}

// replaceValue replaces the scalar value of mv (which may be null or empty)
// with val.
func (m *sourceMap) replaceValue(mv *ast.MappingValueNode, val string, flow bool) (edit, error) {
	if mv == nil || mv.Start == nil {
		return edit{}, fmt.Errorf("no mapping value")
	}
	colon, err := m.offset(mv.Start.Position)
	if err != nil {
		return edit{}, err
	}
	if colon >= len(m.data) || m.data[colon] != ':' {
		return edit{}, fmt.Errorf("unexpected layout")
	}
	from := colon + 1
	i := from
	for i < len(m.data) && (m.data[i] == ' ' || m.data[i] == '\t') {
		i++
	}
	end, err := scalarEnd(m.data, i, flow)
	if err != nil {
		return edit{}, err
	}
	return edit{at: from, del: end - from, ins: " " + val}, nil
}

// scalarEnd returns the end of the single-line scalar starting at i.
func scalarEnd(data []byte, i int, flow bool) (int, error) {
	if i >= len(data) || data[i] == '\n' || data[i] == '\r' || data[i] == '#' {
		return i, nil // empty value
	}
	switch data[i] {
	case '"':
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1, nil
			case '\n':
				return 0, fmt.Errorf("multi-line value")
			}
		}
		return 0, fmt.Errorf("unterminated string")
	case '\'':
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\'':
				if j+1 < len(data) && data[j+1] == '\'' {
					j++
					continue
				}
				return j + 1, nil
			case '\n':
				return 0, fmt.Errorf("multi-line value")
			}
		}
		return 0, fmt.Errorf("unterminated string")
	case '|', '>', '[', '{', '&', '*', '!':
		return 0, fmt.Errorf("value is not a plain scalar")
	}
	j := i
	for j < len(data) && data[j] != '\n' && data[j] != '\r' {
		if data[j] == '#' && (data[j-1] == ' ' || data[j-1] == '\t') {
			break
		}
		if flow && (data[j] == ',' || data[j] == '}') {
			break
		}
		j++
	}
	for j > i && (data[j-1] == ' ' || data[j-1] == '\t') {
		j--
	}
	return j, nil
}

// insertAfter returns an edit inserting "key: value" as a new line after
// the value of mv, indented like mv's key.
func (m *sourceMap) insertAfter(mv *ast.MappingValueNode, text string) (edit, error) {
	if mv == nil || mv.Key == nil {
		return edit{}, fmt.Errorf("no anchor")
	}
	kp := mv.Key.GetToken().Position
	indent := strings.Repeat(" ", kp.Column-1)
	last := m.valueEndLine(mv)
	at := len(m.data)
	if last < len(m.lineStarts) {
		at = m.lineStarts[last]
	}
	ins := indent + text + m.eol
	if at == len(m.data) && len(m.data) > 0 && m.data[len(m.data)-1] != '\n' {
		ins = m.eol + indent + text
	}
	return edit{at: at, ins: ins}, nil
}

// valueEndLine returns the last line of mv's value: the line before the
// next non-comment token, less trailing blank and comment lines.
func (m *sourceMap) valueEndLine(mv *ast.MappingValueNode) int {
	start := mv.Key.GetToken().Position.Line
	tk := mv.Value.GetToken()
	if lit, ok := mv.Value.(*ast.LiteralNode); ok && lit.Value != nil {
		tk = lit.Value.GetToken()
	}
	next := tk.Next
	for next != nil && next.Type == token.CommentType {
		next = next.Next
	}
	last := len(m.lineStarts)
	if next != nil && next.Position != nil {
		last = next.Position.Line - 1
		if next.Position.Line == tk.Position.Line {
			last = tk.Position.Line
		}
	}
	for last > start {
		t := strings.TrimSpace(m.lineText(last))
		if t == "" || strings.HasPrefix(t, "#") {
			last--
			continue
		}
		break
	}
	if last < start {
		last = start
	}
	return last
}

// insertFlow returns an edit appending "key: value" to a flow mapping.
func (m *sourceMap) insertFlow(mn *ast.MappingNode, text string) (edit, error) {
	if mn.End == nil {
		return edit{}, fmt.Errorf("flow mapping without end")
	}
	at, err := m.offset(mn.End.Position)
	if err != nil {
		return edit{}, err
	}
	if at >= len(m.data) || m.data[at] != '}' {
		return edit{}, fmt.Errorf("unexpected flow mapping layout")
	}
	for at > 0 && (m.data[at-1] == ' ' || m.data[at-1] == '\t') {
		at--
	}
	return edit{at: at, ins: ", " + text}, nil
}

var rePlain = regexp.MustCompile(`^[^\s\-?:,\[\]{}#&*!|>'"%@` + "`" + `][^#:,\[\]{}]*$`)

// yamlScalar renders s as a YAML scalar: plain when safe, else double-quoted.
func yamlScalar(s string) string {
	if s != "" && rePlain.MatchString(s) && strings.TrimSpace(s) == s {
		switch strings.ToLower(s) {
		case "null", "true", "false", "yes", "no", "on", "off", "~":
		default:
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				return s
			}
		}
	}
	return strconv.Quote(s)
}

func unquoteScalar(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}

// writeFileAtomic replaces name with data via a temporary file and rename,
// keeping the file mode.
func writeFileAtomic(name string, data []byte) error {
	mode := os.FileMode(0o644)
	if st, err := os.Stat(name); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
