package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/graph/query"
	"github.com/minhang-kg/kg/resolvers"
)

// Error codes (extensions.code) set by the error presenter. Parse and
// validation errors keep gqlgen's GRAPHQL_PARSE_FAILED and
// GRAPHQL_VALIDATION_FAILED; the limits have their own (limits.go).
//
// The codes of the graph's sentinel errors and of the context errors come
// from the one table in graph (graph.ClassOf).
const (
	CodeBadUserInput = graph.CodeInvalid
	CodeNotFound     = graph.CodeNotFound
	CodeForbidden    = "FORBIDDEN"
	CodeTimeout      = graph.CodeTimeout
	CodeCancelled    = graph.CodeCancelled
	CodeUnavailable  = graph.CodeUnavailable
	CodeInternal     = graph.CodeInternal
	// Transport-level errors (no GraphQL execution).
	CodeBadRequest   = "BAD_REQUEST"
	CodeBodyTooLarge = "REQUEST_TOO_LARGE"
	CodeRateLimited  = "RATE_LIMITED"
	CodeMethod       = "METHOD_NOT_ALLOWED"
	CodeMediaType    = "UNSUPPORTED_MEDIA_TYPE"
	CodeCrossOrigin  = "CROSS_ORIGIN_FORBIDDEN"
)

// errPanic marks a recovered panic (the panic value is logged, never shown).
var errPanic = errors.New("panic in resolver")

// presenter is the one place that maps errors to extensions.code. Errors it
// does not know never leak: they are logged with the request ID and shown as
// "internal error".
type presenter struct {
	log     *slog.Logger
	metrics *metrics
}

func (p presenter) present(ctx context.Context, err error) *gqlerror.Error {
	gqlErr := graphql.DefaultErrorPresenter(ctx, err)
	cause := errors.Unwrap(gqlErr) // the resolver's error, if any
	if cause == nil {
		// Parse, validation and limit errors: gqlgen's own, already safe.
		if code, _ := gqlErr.Extensions["code"].(string); code == errcode.ParseFailed && strings.HasPrefix(gqlErr.Message, "exceeded token limit") {
			errcode.Set(gqlErr, CodeTokenLimit)
		}
		p.count(gqlErr)
		return gqlErr
	}
	// A resolver error that is already a gqlerror with a code keeps it.
	if inner, ok := errors.AsType[*gqlerror.Error](cause); ok && inner.Extensions["code"] != nil {
		if inner.Path == nil {
			inner.Path = gqlErr.Path
		}
		p.count(inner)
		return inner
	}
	out := &gqlerror.Error{Message: gqlErr.Message, Path: gqlErr.Path, Locations: gqlErr.Locations}
	reqID := requestID(ctx)
	var argErr *resolvers.ArgError
	var queryArgErr *query.ArgError
	switch {
	case errors.As(cause, &argErr):
		out.Message = argErr.Error() // without the wrapping context
		setCode(out, CodeBadUserInput)
		out.Extensions["argument"] = argErr.Arg
	case errors.As(cause, &queryArgErr):
		out.Message = "argument " + queryArgErr.Error()
		setCode(out, CodeBadUserInput)
		out.Extensions["argument"] = queryArgErr.Arg
	case errors.Is(cause, resolvers.ErrForbidden):
		setCode(out, CodeForbidden)
	default:
		class, known := graph.ClassOf(cause)
		setCode(out, class.Code)
		switch {
		case !known:
			if !errors.Is(cause, errPanic) { // panics are logged by recoverFunc
				p.log.ErrorContext(ctx, "internal error", "path", gqlErr.Path.String(), "err", cause)
			}
			out.Message = withRequest("internal error", reqID)
		case class.Code == CodeTimeout:
			out.Message = "the query took too long and was stopped"
		case class.Code == CodeCancelled:
			out.Message = "the request was cancelled"
		case class.Unavailable:
			p.log.ErrorContext(ctx, "store unavailable", "path", gqlErr.Path.String(), "err", cause)
			out.Message = withRequest("the graph store is unavailable", reqID)
		}
	}
	if reqID != "" {
		out.Extensions["requestId"] = reqID
	}
	p.count(out)
	return out
}

func (p presenter) count(e *gqlerror.Error) {
	if p.metrics == nil {
		return
	}
	code, _ := e.Extensions["code"].(string)
	if code == "" {
		code = "UNKNOWN"
	}
	p.metrics.graphqlErrors.WithLabelValues(code).Inc()
}

// recover turns a resolver panic into an error; the stack is logged.
func (p presenter) recover(ctx context.Context, v any) error {
	p.log.ErrorContext(ctx, "panic in resolver", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	if p.metrics != nil {
		p.metrics.panics.Inc()
	}
	return errPanic
}

// withRequest appends the request ID to a message, for looking up the log.
func withRequest(msg, reqID string) string {
	if reqID == "" {
		return msg
	}
	return fmt.Sprintf("%s (request %s)", msg, reqID)
}

func setCode(e *gqlerror.Error, code string) {
	if e.Extensions == nil {
		e.Extensions = map[string]any{}
	}
	e.Extensions["code"] = code
}
