package resolvers

import (
	"errors"
	"fmt"

	"github.com/minhang-kg/kg/graph"
)

// ErrForbidden is returned by mutations when the request does not carry the
// admin token (or the server has none configured).
var ErrForbidden = errors.New("forbidden")

// ArgError is a bad argument value. It wraps graph.ErrInvalid, so the error
// presenter maps it to BAD_USER_INPUT; Arg names the argument (a path such as
// "input.evidence[0].quote" for input objects).
type ArgError struct {
	Arg string
	Msg string
}

func (e *ArgError) Error() string { return fmt.Sprintf("argument %s: %s", e.Arg, e.Msg) }

// Unwrap makes errors.Is(err, graph.ErrInvalid) hold.
func (e *ArgError) Unwrap() error { return graph.ErrInvalid }

func argErrorf(arg, format string, a ...any) error {
	return &ArgError{Arg: arg, Msg: fmt.Sprintf(format, a...)}
}
