package query

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/internal/kgtest"
)

func hitIDs(hits []SearchHit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Entity.ID
	}
	return ids
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		kinds   []graph.Kind
		first   int
		want    []string
		match   string // Match of the first hit
		matched string // Matched of the first hit
	}{
		{"alias exact beats prefix and substring", "交大", nil, 10,
			[]string{"org/sjtu", "lab/ai-lab", "org/sjtu-med"}, "exact", "交大"},
		{"first cuts", "交大", nil, 1, []string{"org/sjtu"}, "exact", "交大"},
		{"short alias", "上海交大", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "exact", "上海交大"},
		{"full name", "上海交通大学", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "exact", "上海交通大学"},
		{"name inside query", "上海交通大学闵行校区", nil, 10, []string{"org/sjtu"}, "substring", "上海交通大学"},
		{"two names in one query", "上海交通大学与华东师范大学合作", nil, 10, []string{"org/sjtu", "org/ecnu"}, "substring", "上海交通大学"},
		{"short names not inside long queries", "交大与区科委的合作项目", nil, 10, []string{}, "", ""},
		{"longer names inside long queries", "闵行区科委与交大的合作项目", nil, 10, []string{"org/mh-stc"}, "substring", "闵行区科委"},
		{"english name inside a longer query", "east china normal university library", nil, 10, []string{"org/ecnu"}, "substring", "East China Normal University"},
		{"english name inside a word of the query does not count", "xsjtu", nil, 10, []string{}, "", ""},
		{"official document number", "闵府办发〔2024〕33号", nil, 10, []string{"policy/dlhw-plan"}, "exact", "闵府办发〔2024〕33号"},
		{"ties broken by ID", "island", nil, 10, []string{"co/island-a", "co/island-b"}, "prefix", "Island A"},
		{"kinds filter", "交大", []graph.Kind{graph.KindLab}, 10, []string{"lab/ai-lab"}, "prefix", "交大人工智能实验室"},
		{"kinds filter, several", "交大", []graph.Kind{graph.KindLab, graph.KindInstitution}, 10,
			[]string{"org/sjtu", "lab/ai-lab", "org/sjtu-med"}, "exact", "交大"},
		{"pinyin full", "shanghaijiaotongdaxue", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "pinyin", "上海交通大学"},
		{"pinyin with spaces", "shanghai jiaotong daxue", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "pinyin", "上海交通大学"},
		{"pinyin initials", "shjtdx", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "pinyin", "上海交通大学"},
		{"pinyin initials, upper case, spaced", "S H J T D X", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "pinyin", "上海交通大学"},
		{"pinyin heteronym 行=hang, exact before prefix, then degree", "minhangqu", nil, 10,
			[]string{"place/minhang", "org/mh-stc", "event/sci-fest"}, "pinyin", "闵行区"},
		{"pinyin mixed syllables and initials", "huadongsd", nil, 10, []string{"org/ecnu"}, "pinyin", "华东师大"},
		{"english prefix, ties by degree", "SHANGHAI JIAO TONG", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "prefix", "Shanghai Jiao Tong University"},
		{"english case-insensitive, several prefixes by degree", "minhang", nil, 10,
			[]string{"place/minhang", "org/mh-stc", "event/sci-fest"}, "prefix", "Minhang District"},
		{"full-width latin folds", "ｓｊｔｕ", nil, 10, []string{"org/sjtu", "lab/ai-lab"}, "exact", "SJTU"},
		{"quotes stripped from query and names", "“大零号湾”专项规划", nil, 10,
			[]string{"policy/dlhw-plan", "place/dalinghaowan"}, "exact", "《“大零号湾”专项规划》"},
		{"book title marks and spaces trimmed", "  《大零号湾》 ", nil, 10,
			[]string{"place/dalinghaowan", "policy/dlhw-plan"}, "exact", "大零号湾"},
		{"spaces inside chinese ignored", "华东 师大", nil, 10, []string{"org/ecnu"}, "exact", "华东师大"},
		{"latin substring at a word start", "jiao tong", nil, 10, []string{"org/sjtu", "org/sjtu-med"}, "substring", "Shanghai Jiao Tong University"},
		{"short latin query only at word starts", "ai", nil, 10, []string{"lab/ai-lab", "co/comac"}, "substring", "SJTU AI Lab"},
		{"longer latin query inside a word", "ence", nil, 10,
			[]string{"org/mh-stc", "event/sci-fest", "org/sh-stc"}, "substring", "Minhang District Science and Technology Commission"},
		{"no match is empty", "不存在的东西", nil, 10, []string{}, "", ""},
	}
	eachBackend(t, func(t *testing.T, st graph.Store, svc *Service) {
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				hits, err := svc.Search(context.Background(), tc.text, tc.kinds, tc.first)
				if err != nil {
					t.Fatal(err)
				}
				if hits == nil {
					t.Fatal("hits is nil, want empty slice")
				}
				if got := hitIDs(hits); !slices.Equal(got, tc.want) {
					t.Fatalf("Search(%q) = %v, want %v", tc.text, got, tc.want)
				}
				if len(hits) > 0 && (hits[0].Match != tc.match || hits[0].Matched != tc.matched) {
					t.Errorf("first hit matched %q as %q, want %q as %q", hits[0].Matched, hits[0].Match, tc.matched, tc.match)
				}
				for i := 1; i < len(hits); i++ {
					if hits[i].Score > hits[i-1].Score {
						t.Errorf("hit %d scores %v > hit %d's %v", i, hits[i].Score, i-1, hits[i-1].Score)
					}
				}
				for _, h := range hits {
					if h.Entity.Name == "" {
						t.Errorf("hit %s has no full entity", h.Entity.ID)
					}
				}
			})
		}
	})
}

// TestSearchClassesOutrankEachOther ranks, through Search, entities that
// match one query in different classes. The IDs run against the class
// order, so the order is the classes' and not the ID tie-break.
func TestSearchClassesOutrankEachOther(t *testing.T) {
	ent := func(id, name, nameEn string) graph.Entity {
		return graph.Entity{ID: id, Kind: graph.KindInstitution, Name: name, NameEn: nameEn, Evidence: evOther}
	}
	facts := graph.DocumentFacts{
		Document: graph.Document{ID: fixtureDoc, Title: "测试"},
		Entities: []graph.Entity{
			ent("org/a", "甲", "Conscience Works"),         // a Latin query inside a word
			ent("org/b", "乙", "Open Science Hub"),         // … at a word start
			ent("org/c", "丙", "Science Park"),             // … the start of the name
			ent("org/d", "丁", "Science"),                  // … the whole name
			ent("org/e", "开放科学园区", ""),                    // pinyin of a run of the name
			ent("org/f", "科学园区", ""),                      // pinyin of the start of the name
			ent("org/g", "科学", ""),                        // pinyin of the whole name
			ent("org/h", "科学城建设办公室", "Kexue City Office"), // a Latin prefix
		},
	}
	tests := []struct {
		query   string
		want    []string
		matches []string
	}{
		{"science", []string{"org/d", "org/c", "org/b", "org/a"}, []string{"exact", "prefix", "substring", "substring"}},
		{"kexue", []string{"org/h", "org/g", "org/f", "org/e"}, []string{"prefix", "pinyin", "pinyin", "pinyin"}},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			svc := New(b.open(t, facts), kgtest.Logger(t))
			for _, tc := range tests {
				hits, err := svc.Search(context.Background(), tc.query, nil, 10)
				if err != nil {
					t.Fatal(err)
				}
				if got := hitIDs(hits); !slices.Equal(got, tc.want) {
					t.Fatalf("Search(%q) = %v, want %v", tc.query, got, tc.want)
				}
				for i, h := range hits {
					if h.Match != tc.matches[i] {
						t.Errorf("Search(%q): %s matched as %q, want %q", tc.query, h.Entity.ID, h.Match, tc.matches[i])
					}
					if i > 0 && !(h.Score < hits[i-1].Score) {
						t.Errorf("Search(%q): %s scores %v, not below %s's %v", tc.query, h.Entity.ID, h.Score, hits[i-1].Entity.ID, hits[i-1].Score)
					}
				}
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  Shanghai   JIAO\tTong ", "shanghai jiao tong"},
		{"ＳＪＴＵ", "sjtu"},
		{"“大零号湾”", "大零号湾"},
		{"《推进落实〈若干政策措施〉的方案》", "推进落实若干政策措施的方案"},
		{"「交大」『医学院』", "交大医学院"},
		{"Xi'an", "xian"},
		{"２０２４年", "2024年"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := normalize(tc.in); got != tc.want {
			t.Errorf("normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPinyinMatch(t *testing.T) {
	py := newPinyinCache()
	tests := []struct {
		name, q string
		want    matchKind // 0: no match
	}{
		{"上海交通大学", "shanghaijiaotongdaxue", matchExact},
		{"上海交通大学", "shjtdx", matchExact},
		{"上海交通大学", "shjtdaxue", matchExact},
		{"上海交通大学", "shanghaijiaotongdaxu", matchExact}, // still typing the last syllable
		{"上海交通大学", "shanghaijiao", matchPrefix},
		{"上海交通大学", "shhjt", matchPrefix}, // 上 by its initial sh, 海 by h
		{"上海交通大学", "jiaotong", matchSubstring},
		{"上海交通大学", "jtdx", matchSubstring},
		{"上海交通大学", "beijing", 0},
		{"上海交通大学", "shanghaijiaotongdaxuea", 0},
		{"闵行区", "minhang", matchPrefix},
		{"闵行区", "minxing", matchPrefix},
		{"绿地", "ludi", matchExact}, // ü typed as u
		{"绿地", "lvdi", matchExact}, // … or v
		{"5g创新中心", "5gcx", matchPrefix},
		{"5g创新中心", "cxzx", matchSubstring},
	}
	for _, tc := range tests {
		got, ok := pinyinMatch(py.sets, py.syllables(normalize(tc.name)), tc.q)
		if !ok {
			got = 0
		}
		if got != tc.want {
			t.Errorf("pinyinMatch(%s, %q) = %v, want %v", tc.name, tc.q, got, tc.want)
		}
	}
	if py.syllables("Shanghai") != nil {
		t.Error("a name without Han has pinyin syllables")
	}
}

func TestSearchArgumentErrors(t *testing.T) {
	svc := New(emptyStore(), kgtest.Logger(t))
	tests := []struct {
		name  string
		text  string
		kinds []graph.Kind
		first int
		arg   string
	}{
		{"first zero", "交大", nil, 0, "first"},
		{"first too big", "交大", nil, 500, "first"},
		{"empty text", "", nil, 10, "text"},
		{"blank text", " \t ", nil, 10, "text"},
		{"only quotes", "“”《》", nil, 10, "text"},
		{"text too long", strings.Repeat("交", MaxTextRunes+1), nil, 10, "text"},
		{"unknown kind", "交大", []graph.Kind{"UNIVERSITY"}, 10, "kinds"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := svc.Search(context.Background(), tc.text, tc.kinds, tc.first)
			assertArgError(t, err, tc.arg)
		})
	}
}

// assertArgError checks that err is an argument error naming arg and
// wrapping graph.ErrInvalid.
func assertArgError(t *testing.T, err error, arg string) {
	t.Helper()
	if !errors.Is(err, graph.ErrInvalid) {
		t.Fatalf("err = %v, want one wrapping graph.ErrInvalid", err)
	}
	var ae *ArgError
	if !errors.As(err, &ae) || ae.Arg != arg || !strings.HasPrefix(err.Error(), arg+": ") {
		t.Fatalf("err = %q, want an *ArgError for %q", err, arg)
	}
}

func TestArgErrorMessage(t *testing.T) {
	svc := New(emptyStore(), kgtest.Logger(t))
	_, err := svc.Search(context.Background(), "交大", nil, 500)
	if got, want := err.Error(), "first: must be between 1 and 100, got 500"; got != want {
		t.Errorf("err = %q, want %q", got, want)
	}
}
