package graph

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
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

// IDPrefixes are the allowed first segments of IDs: the entity prefixes of
// the dataset format (ARCHITECTURE.md, "Dataset format"), "doc" for
// documents and "rel" for relations.
var IDPrefixes = []string{
	"org", "co", "lab", "alliance", "policy", "event", "person", "place",
	"award", "fund", "project", "program", "ind", "group", "doc", "rel",
}

// maxIDLen bounds an ID (it becomes part of an IRI and of index keys).
const maxIDLen = 512

// reID: <prefix>/<slug>, lowercase ASCII letters, digits, - and /; no empty
// segments, no leading or trailing - or /.
var reID = regexp.MustCompile(`^[a-z]+/[a-z0-9]+(?:[-/][a-z0-9]+)*$`)

// CheckIDSyntax is the one syntax of the ID of an entity, a document or a
// relation, which every store enforces: nil if id is <prefix>/<slug> of
// lowercase ASCII letters, digits, - and / (no empty segment, no leading or
// trailing - or /), at most 512 bytes; else an error saying what is wrong.
func CheckIDSyntax(id string) error {
	if id == "" {
		return errors.New("ID is empty")
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("bad ID %.40q…: longer than %d bytes", id, maxIDLen)
	}
	if !reID.MatchString(id) {
		return fmt.Errorf("bad ID %q: want <prefix>/<slug> of lowercase ASCII letters, digits, - and /", id)
	}
	return nil
}

// CheckID is CheckIDSyntax plus a prefix of IDPrefixes: the rule for IDs
// people write (the dataset loader and the curation API). Stores accept
// any well-formed ID, so that a new kind of document can bring a prefix
// without a change to the stores.
func CheckID(id string) error {
	if err := CheckIDSyntax(id); err != nil {
		return err
	}
	prefix := id[:strings.IndexByte(id, '/')]
	if !slices.Contains(IDPrefixes, prefix) {
		return fmt.Errorf("bad ID %q: unknown prefix %q (known: %s)", id, prefix+"/", strings.Join(IDPrefixes, "/, ")+"/")
	}
	return nil
}
