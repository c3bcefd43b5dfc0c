package graph

import (
	"strings"
	"testing"
)

func TestCheckID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"org/sjtu", true},
		{"co/nio-2", true},
		{"ind/rd/2024", true},
		{"doc/mkw-2025-11", true},
		{"", false},
		{"org", false},
		{"org/", false},
		{"Org/sjtu", false},
		{"org/SJTU", false},
		{"org/sj_tu", false},
		{"org/-a", false},
		{"org/a-", false},
		{"org//a", false},
		{"xyz/a", false},
		{"org/上海", false},
		{"rel/0123456789abcdef", true},
		{"org/a b", false},
		{"org/<x>", false},
		{"org/" + strings.Repeat("a", maxIDLen), false},
	}
	for _, tt := range tests {
		if err := CheckID(tt.id); (err == nil) != tt.ok {
			t.Errorf("CheckID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
		}
	}
}

func TestCheckIDSyntaxAcceptsAnyPrefix(t *testing.T) {
	if err := CheckIDSyntax("xyz/a"); err != nil {
		t.Errorf("CheckIDSyntax(xyz/a) = %v, want nil", err)
	}
	if err := CheckID("xyz/a"); err == nil {
		t.Error("CheckID(xyz/a) = nil, want an unknown-prefix error")
	}
	for _, id := range []string{"", "org/SJTU", "org/a b", "org//a"} {
		if err := CheckIDSyntax(id); err == nil {
			t.Errorf("CheckIDSyntax(%q) = nil, want an error", id)
		}
	}
}
