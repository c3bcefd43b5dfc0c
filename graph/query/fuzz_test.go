package query

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/minhang-kg/kg/graph"
)

// FuzzSearch: any text either is rejected as an argument error or gives
// hits that are ranked and within first; nothing panics.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"交大", "shjtdx", "ＳＪＴＵ", "“”", "\xff\xfe", "a", "zh", "上海 jiao", "   ", "《大零号湾》", "0", "ü"} {
		f.Add(s)
	}
	svc := exampleService()
	f.Fuzz(func(t *testing.T, text string) {
		hits, err := svc.Search(context.Background(), text, nil, 5)
		if err != nil {
			if !errors.Is(err, graph.ErrInvalid) {
				t.Fatalf("Search(%q): %v", text, err)
			}
			return
		}
		if len(hits) > 5 {
			t.Fatalf("%d hits", len(hits))
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Fatalf("unranked: %v", hits)
			}
		}
	})
}

// FuzzNormalize: normalising is idempotent and gives valid UTF-8.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"  Shanghai   JIAO ", "ＳＪＴＵ", "“大零号湾”", "\xff", "ﬁ", "Ⅻ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("normalize(%q) = %q is not UTF-8", s, n)
		}
		if again := normalize(n); again != n {
			t.Fatalf("normalize not idempotent: %q -> %q -> %q", s, n, again)
		}
	})
}
