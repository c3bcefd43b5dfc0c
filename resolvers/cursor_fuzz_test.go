package resolvers

import (
	"strings"
	"testing"
)

// FuzzDecodeCursor: decoding any `after` value never panics; a cursor of
// another kind or a malformed one is an argument error naming the
// argument; every encoded cursor decodes to its key.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(encodeCursor(cursorEntity, "org/sjtu"), "org/sjtu")
	f.Add(encodeCursor(cursorRelation, "rel/0123456789abcdef"), "")
	f.Add("!!", "x")
	f.Add("", "")
	f.Add("ZW50aXR5Og", "a:b")
	f.Fuzz(func(t *testing.T, c, key string) {
		got, err := decodeCursor("after", cursorEntity, &c)
		switch {
		case err != nil:
			if !strings.Contains(err.Error(), "after") {
				t.Fatalf("decodeCursor(%q): error %q does not name the argument", c, err)
			}
		case c != "" && got == "":
			t.Fatalf("decodeCursor(%q) accepted a cursor without a key", c)
		}
		if key == "" {
			return
		}
		enc := encodeCursor(cursorEntity, key)
		back, err := decodeCursor("after", cursorEntity, &enc)
		if err != nil || back != key {
			t.Fatalf("round trip of %q: %q, %v", key, back, err)
		}
		if _, err := decodeCursor("after", cursorRelation, &enc); err == nil {
			t.Fatalf("an entity cursor was accepted as a relation cursor")
		}
	})
}
