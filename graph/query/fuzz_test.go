package query

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNormalize: search normalisation is total and its output is in
// normal form: valid UTF-8 (for valid input), no quotes, no leading,
// trailing or doubled spaces, and normalising again changes nothing.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"", " ", "上海交通大学", "《“大零号湾”专项规划》", "Shanghai  Jiao\tTong\nUniversity",
		"ＡＢＣ１２３", "shang hai jiao tong", "jiao-tong", "'quoted' `x`", "İstanbul", "ǅ", "ﬁ", "\u00a0x\u3000y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := normalize(s)
		if utf8.ValidString(s) && !utf8.ValidString(n) {
			t.Fatalf("normalize(%q) = %q: invalid UTF-8", s, n)
		}
		if strings.HasPrefix(n, " ") || strings.HasSuffix(n, " ") || strings.Contains(n, "  ") {
			t.Fatalf("normalize(%q) = %q: stray spaces", s, n)
		}
		for _, r := range n {
			if quoteRunes[r] {
				t.Fatalf("normalize(%q) = %q: keeps quote %q", s, n, r)
			}
			if r != ' ' && unicode.IsSpace(r) {
				t.Fatalf("normalize(%q) = %q: keeps white space %U", s, n, r)
			}
		}
		if utf8.ValidString(s) {
			if again := normalize(n); again != n {
				t.Fatalf("normalize not idempotent: %q -> %q -> %q", s, n, again)
			}
		}
		if p := pinyinQuery(n); p != "" {
			for _, r := range p {
				if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
					t.Fatalf("pinyinQuery(%q) = %q: not [a-z0-9]", n, p)
				}
			}
		}
	})
}

// FuzzPartnershipCursor: decoding any string never panics, and every
// cursor that decodes re-encodes to a cursor decoding to the same pair.
func FuzzPartnershipCursor(f *testing.F) {
	f.Add(encodeCursor(&pair{a: "org/a", b: "org/b", n: 3}))
	f.Add("")
	f.Add("cHQxAA")
	f.Add("!!!")
	f.Fuzz(func(t *testing.T, c string) {
		p, err := decodeCursor(c)
		if err != nil {
			if p != nil {
				t.Fatalf("decodeCursor(%q): pair and error", c)
			}
			return
		}
		if p.a == "" || p.b == "" || p.a >= p.b || p.n < 1 {
			t.Fatalf("decodeCursor(%q) = %+v: accepted a malformed pair", c, p)
		}
		q, err := decodeCursor(encodeCursor(p))
		if err != nil || q.a != p.a || q.b != p.b || q.n != p.n {
			t.Fatalf("round trip of %+v: %+v, %v", p, q, err)
		}
	})
}
