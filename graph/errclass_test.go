package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
)

func TestClassOf(t *testing.T) {
	tests := []struct {
		err                error
		code, label        string
		status             int
		known, unavailable bool
	}{
		{ErrInvalid, CodeInvalid, "invalid", http.StatusBadRequest, true, false},
		{ErrNotFound, CodeNotFound, "not_found", http.StatusNotFound, true, false},
		{ErrClosed, CodeUnavailable, "unavailable", http.StatusServiceUnavailable, true, true},
		{ErrLocked, CodeUnavailable, "unavailable", http.StatusServiceUnavailable, true, true},
		{ErrUnavailable, CodeUnavailable, "unavailable", http.StatusServiceUnavailable, true, true},
		{context.DeadlineExceeded, CodeTimeout, "timeout", http.StatusServiceUnavailable, true, true},
		{context.Canceled, CodeCancelled, "canceled", StatusClientClosedRequest, true, false},
		{errors.New("disk on fire"), CodeInternal, "other", http.StatusInternalServerError, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.err.Error(), func(t *testing.T) {
			wrapped := fmt.Errorf("store: read x: %w", tc.err)
			got, known := ClassOf(wrapped)
			if got.Code != tc.code || got.Label != tc.label || got.Status != tc.status || known != tc.known || got.Unavailable != tc.unavailable {
				t.Errorf("ClassOf(%v) = %+v, %v; want code %s label %s status %d known %v unavailable %v",
					wrapped, got, known, tc.code, tc.label, tc.status, tc.known, tc.unavailable)
			}
			if got.Reason == "" {
				t.Errorf("ClassOf(%v) has no reason", wrapped)
			}
		})
	}
}
