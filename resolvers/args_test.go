package resolvers

import (
	"errors"
	"math"
	"testing"

	"github.com/minhang-kg/kg/graph"
)

func ptr[T any](v T) *T { return &v }

func TestPageSize(t *testing.T) {
	tests := []struct {
		v       *int
		want    int
		wantErr bool
	}{
		{nil, 20, false},
		{ptr(0), 0, false},
		{ptr(100), 100, false},
		{ptr(101), 0, true},
		{ptr(-1), 0, true},
	}
	for _, tc := range tests {
		got, err := pageSize("first", tc.v, 20)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("pageSize(%v) = %d, %v", tc.v, got, err)
		}
		if err != nil && (!errors.Is(err, graph.ErrInvalid) || err.(*ArgError).Arg != "first") {
			t.Errorf("error %v must be an ArgError for first wrapping ErrInvalid", err)
		}
	}
}

func TestCursorRoundTrip(t *testing.T) {
	c := encodeCursor(cursorEntity, "org/sjtu")
	tests := []struct {
		name    string
		in      *string
		kind    string
		want    string
		wantErr bool
	}{
		{"absent", nil, cursorEntity, "", false},
		{"empty", ptr(""), cursorEntity, "", false},
		{"round trip", &c, cursorEntity, "org/sjtu", false},
		{"other kind", &c, cursorRelation, "", true},
		{"not base64", ptr("%%%"), cursorEntity, "", true},
		{"no key", ptr(encodeCursor(cursorEntity, "")), cursorEntity, "", true},
	}
	for _, tc := range tests {
		got, err := decodeCursor("after", tc.kind, tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("%s: got %q, %v", tc.name, got, err)
		}
	}
}

func TestListComplexity(t *testing.T) {
	tests := []struct {
		name  string
		child int
		first *int
		want  int
	}{
		{"default size", 3, nil, 1 + 20*3},
		{"given size", 3, ptr(100), 301},
		{"zero counts as one", 3, ptr(0), 4},
		{"negative counts as one", 3, ptr(-5), 4},
	}
	for _, tc := range tests {
		if got := list(tc.child, tc.first, 20); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	// Huge sizes and children saturate instead of overflowing.
	if got := list(math.MaxInt, ptr(math.MaxInt), 20); got <= 0 || got > 1<<51 {
		t.Errorf("saturation: %d", got)
	}
}
