package seed

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// yfile decodes one YAML file by walking goccy/go-yaml's AST, so that every
// value keeps its line and every unknown key is reported.
type yfile struct {
	name     string // display name
	problems []Problem
}

func (y *yfile) add(line int, field, code, format string, args ...any) {
	y.problems = append(y.problems, Problem{File: y.name, Line: line, Field: field, Code: code, Msg: fmt.Sprintf(format, args...)})
}

// parseYAML parses data into its document body. A syntax error becomes a
// problem and the returned node is nil.
func (y *yfile) parseYAML(data []byte) ast.Node {
	f, err := parser.ParseBytes(data, parser.ParseComments)
	if err != nil {
		line := 0
		msg := err.Error()
		var ye yaml.Error
		if errors.As(err, &ye) {
			msg = ye.GetMessage()
			line = errorLine(ye.GetToken(), msg)
		}
		y.add(line, "", CodeSyntax, "invalid YAML: %s", msg)
		return nil
	}
	if len(f.Docs) == 0 || f.Docs[0] == nil || f.Docs[0].Body == nil {
		return nil
	}
	if _, comment := f.Docs[0].Body.(*ast.CommentGroupNode); comment {
		return nil // a file of comments only
	}
	if len(f.Docs) > 1 {
		y.add(line(f.Docs[1].Body), "", CodeSyntax, "more than one YAML document in the file")
	}
	return f.Docs[0].Body
}

// errorLine is the line a YAML syntax error is to be reported at. The
// parser blames the token where it noticed the error, which is often not
// where the error is: an unclosed flow list or mapping ("',' or ']' must be
// specified") is noticed at the first token of a later line, so the error
// is at the end of the token before it; a plain scalar that runs on over
// several lines (a line indented too deep folds into the value above) is
// blamed at its first line while the offending colon is on its last.
func errorLine(tk *token.Token, msg string) int {
	if tk == nil || tk.Position == nil {
		return 0
	}
	if strings.Contains(msg, "must be specified") {
		for p := tk.Prev; p != nil; p = p.Prev {
			if p.Type == token.CommentType || p.Position == nil {
				continue
			}
			if end := lastLine(p); end < tk.Position.Line {
				return end
			}
			break
		}
		return tk.Position.Line
	}
	if strings.HasPrefix(msg, "mapping value is not allowed in this context") {
		return lastLine(tk)
	}
	return tk.Position.Line
}

// lastLine is the line a token's text ends on.
func lastLine(tk *token.Token) int {
	text := strings.TrimRight(strings.TrimLeft(tk.Origin, " \t\r\n"), " \t\r\n")
	if tk.Type != token.StringType {
		return tk.Position.Line
	}
	return tk.Position.Line + strings.Count(text, "\n")
}

// line returns the 1-based line of a node, 0 if unknown.
func line(n ast.Node) int {
	if n == nil {
		return 0
	}
	if mv, ok := n.(*ast.MappingValueNode); ok && mv.Key != nil {
		return line(mv.Key)
	}
	if m, ok := n.(*ast.MappingNode); ok && len(m.Values) > 0 {
		return line(m.Values[0])
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 0
	}
	return tk.Position.Line
}

// unwrap strips anchors and tags.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			n = v.Value
		default:
			return n
		}
	}
}

// isNull reports whether the node is absent or an explicit null.
func isNull(n ast.Node) bool {
	n = unwrap(n)
	if n == nil {
		return true
	}
	_, ok := n.(*ast.NullNode)
	return ok
}

// field is one key/value pair of a mapping.
type field struct {
	key   string
	line  int // line of the key
	value ast.Node
	node  *ast.MappingValueNode
}

// mapping decodes n as a mapping whose keys must be among known. Unknown
// and non-string keys are reported. ok is false if n is not a mapping.
func (y *yfile) mapping(n ast.Node, path string, known ...string) (fields map[string]field, ok bool) {
	n = unwrap(n)
	var values []*ast.MappingValueNode
	switch v := n.(type) {
	case *ast.MappingNode:
		values = v.Values
	case *ast.MappingValueNode:
		values = []*ast.MappingValueNode{v}
	case *ast.AliasNode:
		y.add(line(n), path, CodeType, "YAML aliases are not supported; write the value out")
		return nil, false
	default:
		y.add(line(n), path, CodeType, "expected a mapping (key: value), found %s", describe(n))
		return nil, false
	}
	fields = make(map[string]field, len(values))
	for _, mv := range values {
		key, isStr := scalar(mv.Key)
		if !isStr || key == "" {
			y.add(line(mv), path, CodeType, "mapping key must be a plain name")
			continue
		}
		if key == "<<" {
			y.add(line(mv), join(path, key), CodeType, "YAML merge keys are not supported")
			continue
		}
		if !contains(known, key) {
			y.add(line(mv), join(path, key), CodeUnknownField, "unknown field %q (known: %s)", key, strings.Join(known, ", "))
			continue
		}
		fields[key] = field{key: key, line: line(mv), value: mv.Value, node: mv}
	}
	return fields, true
}

// sequence decodes n as a list. A null value is an empty list.
func (y *yfile) sequence(n ast.Node, path string) ([]ast.Node, bool) {
	if isNull(n) {
		return nil, true
	}
	switch v := unwrap(n).(type) {
	case *ast.SequenceNode:
		return v.Values, true
	default:
		y.add(line(n), path, CodeType, "expected a list, found %s", describe(n))
		return nil, false
	}
}

// str reads a scalar field as a string ("" when absent or null).
func (y *yfile) str(fields map[string]field, key, path string) string {
	f, ok := fields[key]
	if !ok || isNull(f.value) {
		return ""
	}
	s, ok := scalar(f.value)
	if !ok {
		y.add(f.line, join(path, key), CodeType, "expected a text value, found %s", describe(f.value))
		return ""
	}
	return s
}

// strList reads a list of scalars.
func (y *yfile) strList(fields map[string]field, key, path string) []string {
	f, ok := fields[key]
	if !ok {
		return nil
	}
	items, ok := y.sequence(f.value, join(path, key))
	if !ok {
		return nil
	}
	out := make([]string, 0, len(items))
	for i, it := range items {
		s, ok := scalar(it)
		if !ok || isNull(it) {
			y.add(line(it), index(join(path, key), i), CodeType, "expected a text value, found %s", describe(it))
			continue
		}
		out = append(out, s)
	}
	return out
}

// optInt reads an optional integer field; nil when absent or null.
func (y *yfile) optInt(fields map[string]field, key, path string) *int {
	f, ok := fields[key]
	if !ok || isNull(f.value) {
		return nil
	}
	in, isInt := unwrap(f.value).(*ast.IntegerNode)
	if !isInt {
		y.add(f.line, join(path, key), CodeType, "expected a whole number, found %s", describe(f.value))
		return nil
	}
	v, err := strconv.Atoi(strings.ReplaceAll(in.GetToken().Value, "_", ""))
	if err != nil {
		y.add(f.line, join(path, key), CodeType, "expected a decimal whole number, found %q", in.GetToken().Value)
		return nil
	}
	return &v
}

// scalar returns the text of a scalar node as written (for strings, the
// unquoted value).
func scalar(n ast.Node) (string, bool) {
	switch v := unwrap(n).(type) {
	case *ast.StringNode:
		return v.Value, true
	case *ast.LiteralNode:
		if v.Value == nil {
			return "", true
		}
		return v.Value.Value, true
	case *ast.NullNode:
		return "", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		return v.GetToken().Value, true
	default:
		return "", false
	}
}

func describe(n ast.Node) string {
	switch unwrap(n).(type) {
	case nil:
		return "nothing"
	case *ast.MappingNode, *ast.MappingValueNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "null"
	case *ast.AliasNode:
		return "an alias"
	default:
		return "a scalar"
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
