package graph

import (
	"fmt"
	"regexp"
	"strings"
)

// Kind is the closed set of entity kinds. The string values are also the
// GraphQL EntityKind enum values.
type Kind string

// The entity kinds.
const (
	KindInstitution Kind = "INSTITUTION" // government bodies, universities, schools, research institutes, offices
	KindLab         Kind = "LAB"         // labs, platforms, centres, bases, incubators, innovation carriers
	KindAlliance    Kind = "ALLIANCE"    // alliances, unions, consortia
	KindPolicy      Kind = "POLICY"      // policies, plans, regulations, measures
	KindEvent       Kind = "EVENT"       // forums, summits, conferences, competitions, festivals, camps, rankings
	KindCompany     Kind = "COMPANY"     // companies and enterprises (and quantified groups of them)
	KindPerson      Kind = "PERSON"      // named people
	KindPlace       Kind = "PLACE"       // districts, zones, parks, towns
	KindAward       Kind = "AWARD"       // awards, prizes, honours, titles
	KindFund        Kind = "FUND"        // funds, loans, special funding
	KindProject     Kind = "PROJECT"     // projects, works, products
	KindProgram     Kind = "PROGRAM"     // programs, brands, campaigns, initiatives
	KindIndicator   Kind = "INDICATOR"   // measured values (R&D spend, counts, shares)
	KindDocument    Kind = "DOCUMENT"    // source documents and official notices
)

// Kinds lists every kind in display order.
var Kinds = []Kind{
	KindInstitution, KindLab, KindAlliance, KindPolicy, KindEvent, KindCompany, KindPerson,
	KindPlace, KindAward, KindFund, KindProject, KindProgram, KindIndicator, KindDocument,
}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// AttrType says how an attribute value is to be read.
type AttrType string

// Attribute types. Values are always stored as strings in canonical form.
const (
	AttrText    AttrType = "text"    // free text
	AttrDate    AttrType = "date"    // ISO 8601: YYYY, YYYY-MM or YYYY-MM-DD
	AttrNumber  AttrType = "number"  // decimal number, e.g. 266.18
	AttrInteger AttrType = "integer" // whole number, e.g. 3668
	AttrDocNo   AttrType = "docno"   // an official document number, e.g. 闵府办发〔2024〕33号
)

// Attribute is one typed property of an entity, e.g. {count, 8, 个, integer}.
type Attribute struct {
	Key   string   `json:"key"`
	Value string   `json:"value"`
	Unit  string   `json:"unit,omitempty"`
	Type  AttrType `json:"type,omitempty"` // empty means AttrText
}

var (
	reDate    = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)
	reNumber  = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
	reInteger = regexp.MustCompile(`^-?\d+$`)
)

// Validate checks the value against the attribute type.
func (a Attribute) Validate() error {
	if strings.TrimSpace(a.Key) == "" {
		return fmt.Errorf("attribute key is empty")
	}
	switch a.Type {
	case "", AttrText, AttrDocNo:
		if strings.TrimSpace(a.Value) == "" {
			return fmt.Errorf("attribute %q: empty value", a.Key)
		}
	case AttrDate:
		if !reDate.MatchString(a.Value) {
			return fmt.Errorf("attribute %q: %q is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)", a.Key, a.Value)
		}
	case AttrNumber:
		if !reNumber.MatchString(a.Value) {
			return fmt.Errorf("attribute %q: %q is not a number", a.Key, a.Value)
		}
	case AttrInteger:
		if !reInteger.MatchString(a.Value) {
			return fmt.Errorf("attribute %q: %q is not an integer", a.Key, a.Value)
		}
	default:
		return fmt.Errorf("attribute %q: unknown type %q", a.Key, a.Type)
	}
	return nil
}

// Evidence locates the sentence a fact was taken from. Start and End are
// rune (not byte) offsets into the document text, End exclusive, so that
// []rune(text)[Start:End] == Quote. Curated facts may instead cite a URL.
type Evidence struct {
	Document string `json:"document"`          // document ID, e.g. "doc/mkw-2025-11"
	Quote    string `json:"quote"`             // verbatim text
	Start    int    `json:"start"`             // rune offset, inclusive
	End      int    `json:"end"`               // rune offset, exclusive
	Section  string `json:"section,omitempty"` // heading path, e.g. "二、（一）"
	URL      string `json:"url,omitempty"`     // for curated facts citing outside sources
	Note     string `json:"note,omitempty"`
}

// Entity is a thing the graph knows about.
type Entity struct {
	ID            string      `json:"id"` // stable readable ID, e.g. "org/sjtu"
	Kind          Kind        `json:"kind"`
	Name          string      `json:"name"`   // Chinese name as written
	NameEn        string      `json:"nameEn"` // official English name or faithful translation
	Aliases       []string    `json:"aliases,omitempty"`
	Description   string      `json:"description,omitempty"` // one line, Chinese
	DescriptionEn string      `json:"descriptionEn,omitempty"`
	Attributes    []Attribute `json:"attributes,omitempty"`
	Evidence      []Evidence  `json:"evidence,omitempty"`
	// Documents lists the IDs of the documents that state facts about the
	// entity (filled by the store on read; ignored on write).
	Documents []string `json:"documents,omitempty"`
}

// Attr returns the first attribute with the key, or false.
func (e *Entity) Attr(key string) (Attribute, bool) {
	for _, a := range e.Attributes {
		if a.Key == key {
			return a, true
		}
	}
	return Attribute{}, false
}

// Relation is one stated fact: Subject Predicate Object, with its evidence.
type Relation struct {
	ID        string     `json:"id"` // see RelationID
	Subject   string     `json:"subject"`
	Predicate string     `json:"predicate"`
	Object    string     `json:"object"`
	Evidence  []Evidence `json:"evidence,omitempty"`
	// Inferred is true for relations the service derives (partnerships via a
	// shared context); stored relations are never inferred.
	Inferred bool `json:"inferred,omitempty"`
	// Document is the ID of the document the relation belongs to.
	Document string `json:"document"`
	// ValidFrom and ValidTo bound when the fact holds (ISO dates of year,
	// month or day precision, see ParseDate); empty is an open end. A fact
	// holds from the start of ValidFrom to the end of ValidTo.
	ValidFrom string `json:"validFrom,omitempty"`
	ValidTo   string `json:"validTo,omitempty"`
	// Attributes qualify the fact (role, amount, date, count), typed like
	// entity attributes, e.g. {amount, 5000, 万元, number}.
	Attributes []Attribute `json:"attributes,omitempty"`
}

// Document is a source text loaded into the graph. Facts are grouped by
// document: replacing a document replaces exactly its facts.
type Document struct {
	ID      string `json:"id"`    // e.g. "doc/mkw-2025-11"
	Title   string `json:"title"` // Chinese title
	TitleEn string `json:"titleEn,omitempty"`
	// Text is the full source text; evidence offsets index into it.
	Text string `json:"-"`
	// Digest is a content hash of the text and dataset, set by the loader.
	Digest string `json:"digest,omitempty"`
	// Date is the day the document was issued (YYYY-MM-DD); Period is what
	// it reports on: one ISO date or two joined by "/" ("2024",
	// "2024-01/2024-11"), see ParsePeriod. Both may be empty for
	// pseudo-documents such as CurationDocument.
	Date   string `json:"date,omitempty"`
	Period string `json:"period,omitempty"`
}

// CurationDocument is the ID of the pseudo-document holding facts added
// through the curation API. Re-seeding a source document never touches it.
const CurationDocument = "doc/curation"

// Direction selects which end of a relation an entity sits at.
type Direction int

// Directions. For symmetric predicates Out and In both match either end.
const (
	Both Direction = iota
	Out            // entity is the subject
	In             // entity is the object
)

// Optional fields as the GraphQL API serves them: an empty string is null.
// They are methods (not resolvers) so the executor runs them inline.

// orNil is s, or nil when s is empty.
func orNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// NameEnOrNil is NameEn, or nil when it is empty.
func (e *Entity) NameEnOrNil() *string { return orNil(e.NameEn) }

// DescriptionOrNil is Description, or nil when it is empty.
func (e *Entity) DescriptionOrNil() *string { return orNil(e.Description) }

// DescriptionEnOrNil is DescriptionEn, or nil when it is empty.
func (e *Entity) DescriptionEnOrNil() *string { return orNil(e.DescriptionEn) }

// UnitOrNil is Unit, or nil when it is empty.
func (a Attribute) UnitOrNil() *string { return orNil(a.Unit) }

// TypeOrText is Type, with empty read as AttrText.
func (a Attribute) TypeOrText() AttrType {
	if a.Type == "" {
		return AttrText
	}
	return a.Type
}

// SectionOrNil is Section, or nil when it is empty.
func (ev Evidence) SectionOrNil() *string { return orNil(ev.Section) }

// URLOrNil is URL, or nil when it is empty.
func (ev Evidence) URLOrNil() *string { return orNil(ev.URL) }

// NoteOrNil is Note, or nil when it is empty.
func (ev Evidence) NoteOrNil() *string { return orNil(ev.Note) }

// TitleEnOrNil is TitleEn, or nil when it is empty.
func (d *Document) TitleEnOrNil() *string { return orNil(d.TitleEn) }

// DigestOrNil is Digest, or nil when it is empty.
func (d *Document) DigestOrNil() *string { return orNil(d.Digest) }

// DateOrNil is Date, or nil when it is empty.
func (d *Document) DateOrNil() *string { return orNil(d.Date) }

// PeriodOrNil is Period, or nil when it is empty.
func (d *Document) PeriodOrNil() *string { return orNil(d.Period) }
