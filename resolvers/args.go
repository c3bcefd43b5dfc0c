package resolvers

import (
	"encoding/base64"
	"strings"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
)

// MaxFirst is the largest page size of connections and lists whose size the
// client chooses.
const MaxFirst = 100

// pageSize reads a `first` argument: def when absent, else 0..MaxFirst.
func pageSize(arg string, v *int, def int) (int, error) {
	if v == nil {
		return def, nil
	}
	if *v < 0 || *v > MaxFirst {
		return 0, argErrorf(arg, "must be between 0 and %d, got %d", MaxFirst, *v)
	}
	return *v, nil
}

// intArg returns *v or def.
func intArg(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

// Cursors are opaque to clients: base64url of "<kind>:<key>".
const (
	cursorEntity   = "entity"
	cursorRelation = "relation"
)

func encodeCursor(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key))
}

// decodeCursor returns the key of an `after` cursor of the given kind ("" when
// absent), or an ArgError naming arg.
func decodeCursor(arg, kind string, c *string) (string, error) {
	if c == nil || *c == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*c)
	if err != nil {
		return "", argErrorf(arg, "invalid cursor")
	}
	key, ok := strings.CutPrefix(string(b), kind+":")
	if !ok || key == "" {
		return "", argErrorf(arg, "invalid cursor (not a %s cursor)", kind)
	}
	return key, nil
}

// kindsArg merges the `kind` and `kinds` arguments.
func kindsArg(kind *graph.Kind, kinds []graph.Kind) []graph.Kind {
	if kind == nil {
		return kinds
	}
	return append([]graph.Kind{*kind}, kinds...)
}

// optional returns nil for "", else &s.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timeArg reads a time argument (asOf): absent or "" is the zero Span (no
// time), else an ISO date; a malformed one is an error naming arg.
func timeArg(arg string, v *string) (graph.Span, error) {
	return query.ParseTime(arg, deref(v))
}
