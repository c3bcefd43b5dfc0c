package cayleystore

import (
	"testing"

	"github.com/minhang-kg/kg/graph"
)

func TestAttrLiteralRoundTrip(t *testing.T) {
	tests := []struct {
		in   graph.Attribute
		want graph.AttrType
	}{
		{graph.Attribute{Key: "note", Value: "全市第一"}, graph.AttrText},
		{graph.Attribute{Key: "note", Value: "x", Type: graph.AttrText}, graph.AttrText},
		{graph.Attribute{Key: "count", Value: "8", Type: graph.AttrInteger}, graph.AttrInteger},
		{graph.Attribute{Key: "value", Value: "266.18", Type: graph.AttrNumber}, graph.AttrNumber},
		{graph.Attribute{Key: "docNo", Value: "闵府办发〔2024〕33号", Type: graph.AttrDocNo}, graph.AttrDocNo},
		{graph.Attribute{Key: "year", Value: "2024", Type: graph.AttrDate}, graph.AttrDate},
		{graph.Attribute{Key: "month", Value: "2024-09", Type: graph.AttrDate}, graph.AttrDate},
		{graph.Attribute{Key: "issued", Value: "2024-09-13", Type: graph.AttrDate}, graph.AttrDate},
		{graph.Attribute{Key: "key with space/和中文", Value: "v"}, graph.AttrText},
	}
	for _, tc := range tests {
		key, ok := keyOf(attrIRI(tc.in.Key), nsAttr)
		if !ok || key != tc.in.Key {
			t.Errorf("attribute key %q encodes to %s, decodes to %q", tc.in.Key, attrIRI(tc.in.Key), key)
		}
		got, ok := attrFromLiteral(key, attrLiteral(tc.in))
		want := tc.in
		want.Type = tc.want
		if !ok || got != want {
			t.Errorf("attrFromLiteral(attrLiteral(%+v)) = %+v, %v; want %+v", tc.in, got, ok, want)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	tests := []struct{ in, want string }{
		{"postgres://kg:secret@db:5432/kg?sslmode=disable", "postgres://kg:xxxxx@db:5432/kg?sslmode=disable"},
		{"postgres://kg@db/kg", "postgres://kg@db/kg"},
		{"host=db user=kg password=secret dbname=kg", "host=db user=kg dbname=kg"},
	}
	for _, tc := range tests {
		if got := redactDSN(tc.in); got != tc.want {
			t.Errorf("redactDSN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{"org/sjtu", true},
		{"doc/mkw-2025-11", true},
		{"rel/0123456789abcdef", true},
		{"audit/20261126T010203.000000000Z-abc", true},
		{"", false},
		{"org/上海", false},
		{"org/a b", false},
		{"org/<x>", false},
		{`org/"x"`, false},
	}
	for _, tc := range tests {
		if got := iriSafe(tc.id); got != tc.want {
			t.Errorf("iriSafe(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
