package graph

import (
	"context"
	"errors"
	"net/http"
)

// Error codes (GraphQL extensions.code) of the sentinel errors and of the
// context errors a request can end with.
const (
	CodeInvalid     = "BAD_USER_INPUT"
	CodeNotFound    = "NOT_FOUND"
	CodeUnavailable = "UNAVAILABLE"
	CodeTimeout     = "TIMEOUT"
	CodeCancelled   = "CANCELLED"
	CodeInternal    = "INTERNAL"
)

// ErrorClass is how an error is reported to the outside: the one table
// the GraphQL error presenter, the HTTP handlers (exports, health) and the
// metrics all read, so a sentinel error means the same everywhere.
type ErrorClass struct {
	Code   string // GraphQL extensions.code
	Status int    // HTTP status
	Label  string // metric label
	Reason string // short text safe to show (never the error itself)
	// Unavailable: the store cannot serve now; retrying later may work.
	Unavailable bool
}

// StatusClientClosedRequest is the status of a request the client gave up
// (there is no standard one; 499 is the common convention).
const StatusClientClosedRequest = 499

// errorClasses maps each sentinel error, in the order they are tested.
var errorClasses = []struct {
	err   error
	class ErrorClass
}{
	{ErrInvalid, ErrorClass{Code: CodeInvalid, Status: http.StatusBadRequest, Label: "invalid", Reason: "invalid input"}},
	{ErrNotFound, ErrorClass{Code: CodeNotFound, Status: http.StatusNotFound, Label: "not_found", Reason: "not found"}},
	{ErrClosed, ErrorClass{Code: CodeUnavailable, Status: http.StatusServiceUnavailable, Label: "unavailable", Reason: "store closed", Unavailable: true}},
	{ErrLocked, ErrorClass{Code: CodeUnavailable, Status: http.StatusServiceUnavailable, Label: "unavailable", Reason: "store locked by another process", Unavailable: true}},
	{ErrUnavailable, ErrorClass{Code: CodeUnavailable, Status: http.StatusServiceUnavailable, Label: "unavailable", Reason: "store unavailable", Unavailable: true}},
	{context.DeadlineExceeded, ErrorClass{Code: CodeTimeout, Status: http.StatusServiceUnavailable, Label: "timeout", Reason: "timed out", Unavailable: true}},
	{context.Canceled, ErrorClass{Code: CodeCancelled, Status: StatusClientClosedRequest, Label: "canceled", Reason: "cancelled"}},
}

// internalClass is the class of every error not in the table.
var internalClass = ErrorClass{Code: CodeInternal, Status: http.StatusInternalServerError, Label: "other", Reason: "internal error"}

// ClassOf returns the class of err: that of the first sentinel error of the
// table err wraps (errors.Is), and false with the internal class for any
// other error. Unknown errors must never be shown: log them.
func ClassOf(err error) (ErrorClass, bool) {
	for _, c := range errorClasses {
		if errors.Is(err, c.err) {
			return c.class, true
		}
	}
	return internalClass, false
}
