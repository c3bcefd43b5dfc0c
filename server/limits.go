package server

import (
	"context"
	"strings"

	"github.com/vektah/gqlparser/v2/parser"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Error codes (extensions.code) of the limits. All of them reject the
// request before execution, like a validation error (HTTP 400 with
// application/graphql-response+json).
const (
	CodeDepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	CodeAliasLimit      = "ALIAS_LIMIT_EXCEEDED"
	CodeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED" // set by gqlgen's extension.ComplexityLimit
	CodeTokenLimit      = "TOKEN_LIMIT_EXCEEDED"
	CodeFieldLimit      = "FIELD_LIMIT_EXCEEDED"
	// CodeIntrospectionDisabled rejects __schema and __type when
	// Config.DisableIntrospection is set (__typename stays allowed).
	CodeIntrospectionDisabled = "INTROSPECTION_DISABLED"
)

func init() {
	for _, c := range []string{CodeDepthLimit, CodeAliasLimit, CodeComplexityLimit, CodeTokenLimit, CodeFieldLimit, CodeIntrospectionDisabled} {
		errcode.RegisterErrorType(c, errcode.KindProtocol)
	}
}

// shapeLimit is a gqlgen extension that rejects operations nested deeper
// than maxDepth or using more than maxAliases aliases (gqlgen has neither).
// A limit <= 0 is off. Introspection fields (__schema, __type) do not count
// towards depth: their nesting is bounded by the schema.
//
// With noIntrospection it also rejects operations selecting __schema or
// __type, before execution.
type shapeLimit struct {
	maxDepth, maxAliases int
	noIntrospection      bool
}

var (
	_ graphql.HandlerExtension        = shapeLimit{}
	_ graphql.OperationContextMutator = shapeLimit{}
)

func (shapeLimit) ExtensionName() string                          { return "ShapeLimit" }
func (shapeLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l shapeLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := shapeWalker{depth: map[string]int{}, aliases: map[string]int{}}
	if l.noIntrospection && selectsIntrospection(oc.Operation.SelectionSet) {
		err := gqlerror.Errorf("introspection is disabled on this server")
		errcode.Set(err, CodeIntrospectionDisabled)
		return err
	}
	if l.maxDepth > 0 {
		if d := w.depthOf(oc.Operation.SelectionSet); d > l.maxDepth {
			err := gqlerror.Errorf("query depth %d exceeds the limit of %d", d, l.maxDepth)
			errcode.Set(err, CodeDepthLimit)
			return err
		}
	}
	if l.maxAliases > 0 {
		if n := w.aliasesOf(oc.Operation.SelectionSet, l.maxAliases); n > l.maxAliases {
			err := gqlerror.Errorf("query uses more than %d aliases", l.maxAliases)
			errcode.Set(err, CodeAliasLimit)
			return err
		}
	}
	return nil
}

// shapeWalker memoises per fragment, so repeated spreads cost nothing. The
// validator has already rejected fragment cycles and unknown fragments.
type shapeWalker struct {
	depth   map[string]int
	aliases map[string]int
}

func (w shapeWalker) depthOf(set ast.SelectionSet) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				continue
			}
			d = 1 + w.depthOf(s.SelectionSet)
		case *ast.InlineFragment:
			d = w.depthOf(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			v, ok := w.depth[s.Name]
			if !ok {
				v = w.depthOf(s.Definition.SelectionSet)
				w.depth[s.Name] = v
			}
			d = v
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// aliasesOf counts aliased fields, saturating a little above limit.
func (w shapeWalker) aliasesOf(set ast.SelectionSet, limit int) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Alias != "" && s.Alias != s.Name {
				n++
			}
			n += w.aliasesOf(s.SelectionSet, limit)
		case *ast.InlineFragment:
			n += w.aliasesOf(s.SelectionSet, limit)
		case *ast.FragmentSpread:
			if s.Definition == nil {
				continue
			}
			v, ok := w.aliases[s.Name]
			if !ok {
				v = w.aliasesOf(s.Definition.SelectionSet, limit)
				w.aliases[s.Name] = v
			}
			n += v
		}
		if n > limit {
			return limit + 1
		}
	}
	return n
}

// selectsIntrospection reports whether a root selection set asks for
// __schema or __type (directly or through fragments).
func selectsIntrospection(set ast.SelectionSet) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				return true
			}
		case *ast.InlineFragment:
			if selectsIntrospection(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition != nil && selectsIntrospection(s.Definition.SelectionSet) {
				return true
			}
		}
	}
	return false
}

// fieldLimit rejects documents with more than max field selections (with
// fragment spreads expanded) before gqlgen validates them: GraphQL
// validation (OverlappingFieldsCanBeMerged) is super-linear in the number of
// fields, so a query within the token limit made of thousands of copies of
// one field would otherwise cost seconds of CPU. Documents already in the
// query cache were checked when they were first seen.
type fieldLimit struct {
	max        int
	tokenLimit int
	cache      graphql.Cache[*ast.QueryDocument]
}

var (
	_ graphql.HandlerExtension          = fieldLimit{}
	_ graphql.OperationParameterMutator = fieldLimit{}
)

func (fieldLimit) ExtensionName() string                          { return "FieldLimit" }
func (fieldLimit) Validate(schema graphql.ExecutableSchema) error { return nil }

func (l fieldLimit) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if l.max <= 0 || p.Query == "" {
		return nil
	}
	if _, ok := l.cache.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.tokenLimit)
	if err != nil {
		return nil // gqlgen parses again and reports it
	}
	c := fieldCounter{doc: doc, limit: l.max, memo: map[string]int{}, visiting: map[string]bool{}}
	n := 0
	for _, op := range doc.Operations {
		n += c.count(op.SelectionSet)
		if n > l.max {
			err := gqlerror.Errorf("the query selects more than %d fields (fragments expanded)", l.max)
			errcode.Set(err, CodeFieldLimit)
			return err
		}
	}
	return nil
}

// fieldCounter counts field selections with fragments expanded, saturating
// just above limit; fragment cycles (rejected later by validation) count 0.
type fieldCounter struct {
	doc      *ast.QueryDocument
	limit    int
	memo     map[string]int
	visiting map[string]bool
}

func (c fieldCounter) count(set ast.SelectionSet) int {
	n := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			n += 1 + c.count(s.SelectionSet)
		case *ast.InlineFragment:
			n += c.count(s.SelectionSet)
		case *ast.FragmentSpread:
			v, ok := c.memo[s.Name]
			if !ok {
				f := c.doc.Fragments.ForName(s.Name)
				if f == nil || c.visiting[s.Name] {
					continue
				}
				c.visiting[s.Name] = true
				v = c.count(f.SelectionSet)
				delete(c.visiting, s.Name)
				c.memo[s.Name] = v
			}
			n += v
		}
		if n > c.limit {
			return c.limit + 1
		}
	}
	return n
}
