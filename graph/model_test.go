package graph

import (
	"strings"
	"testing"
)

func TestAttributeValidate(t *testing.T) {
	tests := []struct {
		name    string
		attr    Attribute
		wantErr string
	}{
		{"text", Attribute{Key: "level", Value: "市级"}, ""},
		{"empty key", Attribute{Key: " ", Value: "x"}, "key is empty"},
		{"empty text", Attribute{Key: "note", Value: ""}, "empty value"},
		{"docno", Attribute{Key: "docNo", Value: "闵府办发〔2024〕33号", Type: AttrDocNo}, ""},
		{"date day", Attribute{Key: "issued", Value: "2024-09-13", Type: AttrDate}, ""},
		{"date month", Attribute{Key: "issued", Value: "2024-09", Type: AttrDate}, ""},
		{"date year", Attribute{Key: "year", Value: "2024", Type: AttrDate}, ""},
		{"date chinese", Attribute{Key: "issued", Value: "2024年9月13日", Type: AttrDate}, "not an ISO date"},
		{"number", Attribute{Key: "value", Value: "266.18", Unit: "亿元", Type: AttrNumber}, ""},
		{"number negative", Attribute{Key: "value", Value: "-1.5", Type: AttrNumber}, ""},
		{"number bad", Attribute{Key: "value", Value: "266.18亿", Type: AttrNumber}, "not a number"},
		{"integer", Attribute{Key: "count", Value: "8", Type: AttrInteger}, ""},
		{"integer decimal", Attribute{Key: "count", Value: "8.5", Type: AttrInteger}, "not an integer"},
		{"unknown type", Attribute{Key: "x", Value: "1", Type: "money"}, "unknown type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.attr.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestKindValid(t *testing.T) {
	for _, k := range Kinds {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
	}
	for _, k := range []Kind{"", "institution", "ORG"} {
		if k.Valid() {
			t.Errorf("%q valid, want invalid", k)
		}
	}
}

func TestVocabulary(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Vocabulary {
		if seen[p.ID] {
			t.Errorf("duplicate predicate %s", p.ID)
		}
		seen[p.ID] = true
		if p.Label == "" || p.LabelEn == "" || p.Doc == "" {
			t.Errorf("predicate %s needs Chinese and English labels and a Doc", p.ID)
		}
		got, ok := LookupPredicate(p.ID)
		if !ok || got.ID != p.ID {
			t.Errorf("LookupPredicate(%s) = %v, %v", p.ID, got, ok)
		}
	}
	if _, ok := LookupPredicate("knows"); ok {
		t.Error("LookupPredicate(knows) found a predicate outside the vocabulary")
	}
}

func TestRelationID(t *testing.T) {
	a := RelationID("doc/x", "org/a", "co_builds", "place/z")
	if !strings.HasPrefix(a, "rel/") || len(a) != len("rel/")+16 {
		t.Fatalf("RelationID = %q, want rel/ + 16 hex digits", a)
	}
	if b := RelationID("doc/x", "org/a", "co_builds", "place/z"); a != b {
		t.Errorf("RelationID not stable: %q vs %q", a, b)
	}
	if b := RelationID("doc/y", "org/a", "co_builds", "place/z"); a == b {
		t.Error("RelationID ignores the document")
	}
	// Direction matters for ordinary predicates, not for symmetric ones.
	if RelationID("d", "a", "co_builds", "b") == RelationID("d", "b", "co_builds", "a") {
		t.Error("co_builds a→b and b→a share an ID")
	}
	if RelationID("d", "a", "signs_agreement_with", "b") != RelationID("d", "b", "signs_agreement_with", "a") {
		t.Error("symmetric signs_agreement_with a–b and b–a have different IDs")
	}
}
