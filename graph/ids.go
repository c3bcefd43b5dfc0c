package graph

import (
	"crypto/sha1"
	"encoding/hex"
)

// RelationID is the stable ID of a relation: "rel/" and 16 hex digits of a
// hash of its document, subject, predicate and object. For symmetric
// predicates the two ends are ordered first, so A–B and B–A get one ID.
func RelationID(document, subject, predicate, object string) string {
	if p, ok := LookupPredicate(predicate); ok && p.Symmetric && object < subject {
		subject, object = object, subject
	}
	h := sha1.New()
	for _, s := range []string{document, subject, predicate, object} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "rel/" + hex.EncodeToString(h.Sum(nil))[:16]
}
