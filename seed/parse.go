package seed

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/minhang-kg/kg/graph"
)

// DocumentFile is the name of the file describing a document in its folder.
const DocumentFile = "document.yaml"

// Dataset is a parsed data directory: one DocumentSpec per document folder.
// Parsing never stops at the first problem: everything that could be read
// is kept, and the problems found on the way are reported by Validate.
type Dataset struct {
	Dir       string          // the data directory as given
	Documents []*DocumentSpec // ordered by folder name
	problems  []Problem       // problems found while parsing
	files     files
}

// DocumentSpec is one document folder.
type DocumentSpec struct {
	Dir     string // folder (display path)
	File    string // document.yaml (display path)
	ID      string
	Title   string
	TitleEn string
	Source  string // as written in document.yaml
	// Date is the issue date (YYYY-MM-DD), Period what the document
	// reports on ("2024", "2024-01/2024-11"); either may be empty.
	Date       string
	Period     string
	SourceFile string // resolved (display path)
	Text       string // source text; "" if it could not be read
	Files      []*FactFile
	lines      map[string]int // field -> line in document.yaml
	outline    *graph.Outline
	files      files
}

// CoverageIgnore reads the document folder's coverage ignore file
// (CoverageIgnoreFile); none when there is no such file.
func (d *DocumentSpec) CoverageIgnore() ([]CoverageIgnore, error) {
	p := d.files.join(d.Dir, CoverageIgnoreFile)
	data, err := d.files.readFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("coverage ignore file: %w", err)
	}
	return ParseCoverageIgnore(p, data)
}

// Outline returns the heading outline of the document's source text.
func (d *DocumentSpec) Outline() *graph.Outline {
	if d.outline == nil {
		d.outline = graph.NewOutline(d.Text, d.Title)
	}
	return d.outline
}

// FactFile is one YAML file of entities and relations.
type FactFile struct {
	Name      string // display path
	path      string // path for reading and writing
	data      []byte
	Entities  []*EntitySpec
	Relations []*RelationSpec
}

// EntitySpec is an entity as written in a fact file.
type EntitySpec struct {
	ID      string
	Kind    string
	Name    string
	NameEn  string
	Aliases []string
	// Mentions are words the text uses for the entity only in context
	// (全区, 科委, 产业联盟): they count for kg check --coverage but are no
	// names: not stored, not looked up, not compared across entities.
	Mentions []string
	// SameAs is the ID of an entity (of another document) this one is:
	// the document's facts about ID are stored about SameAs.
	SameAs string
	// DistinctFrom lists entities that share a name with this one but are
	// others.
	DistinctFrom  []string
	Description   string
	DescriptionEn string
	Attributes    []AttributeSpec
	Evidence      []*EvidenceSpec
	Draft         bool // marked draft: true, not yet reviewed (see draft.go)
	File          *FactFile
	Line          int
	Path          string // YAML path, e.g. entities[3]
	lines         map[string]int
}

// AttributeSpec is an attribute as written.
type AttributeSpec struct {
	graph.Attribute
	Line int
	Path string
}

// RelationSpec is a relation as written in a fact file.
type RelationSpec struct {
	Subject   string
	Predicate string
	Object    string
	// ValidFrom and ValidTo as written (ISO dates; empty when left out:
	// DocumentSpec.Facts fills them in by the predicate's temporal kind).
	ValidFrom  string
	ValidTo    string
	Attributes []AttributeSpec
	Evidence   []*EvidenceSpec
	Draft      bool // marked draft: true, not yet reviewed (see draft.go)
	File       *FactFile
	Line       int
	Path       string
	lines      map[string]int
}

// EvidenceSpec is one evidence item as written. Start, End and Section
// are nil when left out.
type EvidenceSpec struct {
	Quote   string
	Start   *int
	End     *int
	Section *string
	URL     string
	Note    string
	Line    int
	Path    string
	fields  map[string]field
	node    ast.Node
}

// Parse reads the data directory dataDir from disk.
func Parse(dataDir string) (*Dataset, error) {
	st, err := os.Stat(dataDir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("data directory %s: not a directory", dataDir)
	}
	return parse(osFiles{}, dataDir)
}

// ParseFS reads the data directory dir of fsys (e.g. the embedded dataset).
func ParseFS(fsys fs.FS, dir string) (*Dataset, error) {
	st, err := fs.Stat(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("data directory %s: not a directory", dir)
	}
	return parse(fsFiles{fsys}, dir)
}

func parse(fl files, dir string) (*Dataset, error) {
	ds := &Dataset{Dir: dir, files: fl}
	entries, err := fl.readDir(dir)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	// A document folder given directly is a dataset of that one document.
	for _, e := range entries {
		if !e.IsDir() && e.Name() == DocumentFile {
			doc, probs := parseDocument(fl, dir)
			ds.problems = append(ds.problems, probs...)
			if doc != nil {
				ds.Documents = append(ds.Documents, doc)
			}
			return ds, nil
		}
	}
	defer func() {
		if len(ds.Documents) == 0 && len(ds.problems) == 0 {
			ds.problems = append(ds.problems, Problem{File: dir, Code: CodeRequired,
				Msg: "no document folders (each document is a folder with " + DocumentFile + ")"})
		}
	}()
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
			continue
		}
		p := fl.join(dir, name)
		if !e.IsDir() {
			if isYAMLName(name) {
				ds.problems = append(ds.problems, Problem{File: p, Code: CodeUnknownField,
					Msg: "YAML file outside a document folder (each document is a folder with document.yaml)"})
			}
			continue
		}
		doc, probs := parseDocument(fl, p)
		ds.problems = append(ds.problems, probs...)
		if doc != nil {
			ds.Documents = append(ds.Documents, doc)
		}
	}
	return ds, nil
}

func isYAMLName(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// parseDocument reads one document folder.
func parseDocument(fl files, dir string) (*DocumentSpec, []Problem) {
	docPath := fl.join(dir, DocumentFile)
	data, err := fl.readFile(docPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, []Problem{{File: dir, Code: CodeRequired, Msg: "document folder has no " + DocumentFile}}
	}
	if err != nil {
		return nil, []Problem{{File: docPath, Code: CodeIO, Msg: err.Error()}}
	}
	y := &yfile{name: docPath}
	doc := &DocumentSpec{Dir: dir, File: docPath, lines: map[string]int{}, files: fl}
	if body := y.parseYAML(data); body != nil {
		if fields, ok := y.mapping(body, "", "id", "title", "titleEn", "source", "date", "period"); ok {
			for k, f := range fields {
				doc.lines[k] = f.line
			}
			doc.ID = y.str(fields, "id", "")
			doc.Title = y.str(fields, "title", "")
			doc.TitleEn = y.str(fields, "titleEn", "")
			doc.Source = y.str(fields, "source", "")
			doc.Date = y.str(fields, "date", "")
			doc.Period = y.str(fields, "period", "")
		}
	} else if len(y.problems) == 0 {
		y.add(0, "", CodeRequired, "empty file: id, title and source are required")
	}
	if doc.Source != "" {
		doc.SourceFile = fl.resolve(dir, doc.Source)
		text, err := fl.readFile(doc.SourceFile)
		if err != nil {
			y.add(doc.lines["source"], "source", CodeIO, "cannot read source text: %v", err)
		} else {
			doc.Text = string(text)
		}
	}
	probs := y.problems

	entries, err := fl.readDir(dir)
	if err != nil {
		return doc, append(probs, Problem{File: dir, Code: CodeIO, Msg: err.Error()})
	}
	for _, e := range entries {
		name := e.Name()
		// CoverageIgnoreFile excuses source phrases from kg check
		// --coverage; it holds no facts.
		if e.IsDir() || name == DocumentFile || name == CoverageIgnoreFile || strings.HasPrefix(name, ".") {
			continue
		}
		p := fl.join(dir, name)
		if strings.HasSuffix(name, ".yml") {
			probs = append(probs, Problem{File: p, Code: CodeUnknownField, Msg: "fact files must end in .yaml"})
			continue
		}
		if !strings.HasSuffix(name, ".yaml") {
			continue
		}
		ff, fprobs := parseFactFile(fl, p)
		probs = append(probs, fprobs...)
		if ff != nil {
			doc.Files = append(doc.Files, ff)
		}
	}
	sort.Slice(doc.Files, func(i, j int) bool { return doc.Files[i].Name < doc.Files[j].Name })
	return doc, probs
}

// parseFactFile reads one file of entities and relations.
func parseFactFile(fl files, p string) (*FactFile, []Problem) {
	data, err := fl.readFile(p)
	if err != nil {
		return nil, []Problem{{File: p, Code: CodeIO, Msg: err.Error()}}
	}
	ff := &FactFile{Name: p, path: p, data: data}
	y := &yfile{name: p}
	body := y.parseYAML(data)
	if body == nil {
		return ff, y.problems
	}
	fields, ok := y.mapping(body, "", "entities", "relations")
	if !ok {
		return ff, y.problems
	}
	if f, ok := fields["entities"]; ok {
		items, _ := y.sequence(f.value, "entities")
		for i, it := range items {
			if e := y.entity(it, index("entities", i)); e != nil {
				e.File = ff
				ff.Entities = append(ff.Entities, e)
			}
		}
	}
	if f, ok := fields["relations"]; ok {
		items, _ := y.sequence(f.value, "relations")
		for i, it := range items {
			if r := y.relation(it, index("relations", i)); r != nil {
				r.File = ff
				ff.Relations = append(ff.Relations, r)
			}
		}
	}
	return ff, y.problems
}

func (y *yfile) entity(n ast.Node, p string) *EntitySpec {
	fields, ok := y.mapping(n, p, "id", "kind", "name", "nameEn", "aliases", "mentions", "sameAs", "distinctFrom",
		"description", "descriptionEn", "attributes", "evidence", DraftField)
	if !ok {
		return nil
	}
	e := &EntitySpec{Line: line(n), Path: p, lines: lines(fields)}
	e.ID = y.str(fields, "id", p)
	e.Kind = y.str(fields, "kind", p)
	e.Name = y.str(fields, "name", p)
	e.NameEn = y.str(fields, "nameEn", p)
	e.Aliases = y.strList(fields, "aliases", p)
	e.Mentions = y.strList(fields, "mentions", p)
	e.SameAs = y.str(fields, "sameAs", p)
	e.DistinctFrom = y.strList(fields, "distinctFrom", p)
	e.Description = y.str(fields, "description", p)
	e.DescriptionEn = y.str(fields, "descriptionEn", p)
	e.Attributes = y.attributes(fields, p)
	e.Evidence = y.evidence(fields, p)
	e.Draft = y.draftMark(fields, p)
	return e
}

// attributes reads the typed attribute list of an entity or relation.
func (y *yfile) attributes(fields map[string]field, p string) []AttributeSpec {
	f, ok := fields["attributes"]
	if !ok {
		return nil
	}
	ap := join(p, "attributes")
	items, _ := y.sequence(f.value, ap)
	var out []AttributeSpec
	for i, it := range items {
		ip := index(ap, i)
		af, ok := y.mapping(it, ip, "key", "value", "unit", "type")
		if !ok {
			continue
		}
		out = append(out, AttributeSpec{
			Attribute: graph.Attribute{
				Key:   y.str(af, "key", ip),
				Value: y.str(af, "value", ip),
				Unit:  y.str(af, "unit", ip),
				Type:  graph.AttrType(y.str(af, "type", ip)),
			},
			Line: line(it),
			Path: ip,
		})
	}
	return out
}

func (y *yfile) relation(n ast.Node, p string) *RelationSpec {
	fields, ok := y.mapping(n, p, "subject", "predicate", "object", "validFrom", "validTo", "attributes", "evidence", DraftField)
	if !ok {
		return nil
	}
	r := &RelationSpec{Line: line(n), Path: p, lines: lines(fields)}
	r.Subject = y.str(fields, "subject", p)
	r.Predicate = y.str(fields, "predicate", p)
	r.Object = y.str(fields, "object", p)
	r.ValidFrom = y.str(fields, "validFrom", p)
	r.ValidTo = y.str(fields, "validTo", p)
	r.Attributes = y.attributes(fields, p)
	r.Evidence = y.evidence(fields, p)
	r.Draft = y.draftMark(fields, p)
	return r
}

func (y *yfile) evidence(fields map[string]field, p string) []*EvidenceSpec {
	f, ok := fields["evidence"]
	if !ok {
		return nil
	}
	ep := join(p, "evidence")
	items, _ := y.sequence(f.value, ep)
	var out []*EvidenceSpec
	for i, it := range items {
		ip := index(ep, i)
		ef, ok := y.mapping(it, ip, "quote", "start", "end", "section", "url", "note")
		if !ok {
			continue
		}
		ev := &EvidenceSpec{Line: line(it), Path: ip, fields: ef, node: unwrap(it)}
		ev.Quote = y.str(ef, "quote", ip)
		ev.Start = y.optInt(ef, "start", ip)
		ev.End = y.optInt(ef, "end", ip)
		if f, ok := ef["section"]; ok && !isNull(f.value) {
			s := y.str(ef, "section", ip)
			ev.Section = &s
		}
		ev.URL = y.str(ef, "url", ip)
		ev.Note = y.str(ef, "note", ip)
		out = append(out, ev)
	}
	return out
}

func lines(fields map[string]field) map[string]int {
	m := make(map[string]int, len(fields))
	for k, f := range fields {
		m[k] = f.line
	}
	return m
}

// files abstracts the disk and fs.FS (the embedded dataset).
type files interface {
	readFile(name string) ([]byte, error)
	readDir(name string) ([]fs.DirEntry, error)
	join(elem ...string) string
	// resolve returns the path of rel relative to the folder dir.
	resolve(dir, rel string) string
	// writable reports whether files can be rewritten (by --fix).
	writable() bool
}

type osFiles struct{}

func (osFiles) readFile(name string) ([]byte, error)       { return os.ReadFile(name) }
func (osFiles) readDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (osFiles) join(elem ...string) string                 { return filepath.Join(elem...) }
func (osFiles) writable() bool                             { return true }
func (osFiles) resolve(dir, rel string) string {
	rel = filepath.FromSlash(rel)
	if filepath.IsAbs(rel) {
		return rel
	}
	return filepath.Join(dir, rel)
}

type fsFiles struct{ fsys fs.FS }

func (f fsFiles) readFile(name string) ([]byte, error)       { return fs.ReadFile(f.fsys, name) }
func (f fsFiles) readDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(f.fsys, name) }
func (fsFiles) join(elem ...string) string                   { return path.Join(elem...) }
func (fsFiles) writable() bool                               { return false }
func (fsFiles) resolve(dir, rel string) string               { return path.Join(dir, rel) }

// memFile serves one file from memory (to re-parse a rewritten file).
type memFile struct {
	name string
	data []byte
}

func (m memFile) readFile(name string) ([]byte, error) {
	if name != m.name {
		return nil, fs.ErrNotExist
	}
	return m.data, nil
}
func (memFile) readDir(string) ([]fs.DirEntry, error) { return nil, fs.ErrNotExist }
func (memFile) join(elem ...string) string            { return filepath.Join(elem...) }
func (memFile) resolve(dir, rel string) string        { return filepath.Join(dir, rel) }
func (memFile) writable() bool                        { return false }
