// Package seed reads, checks, fixes and loads the curated dataset.
//
// A data directory holds one folder per document: document.yaml (id, title,
// titleEn, source) and any number of *.yaml fact files with entities: and
// relations: lists (format in ARCHITECTURE.md, "Dataset format"); a
// coverage-ignore.yaml, if present, belongs to Coverage.
//
//   - Parse / ParseFS read it with goccy/go-yaml's AST, so every value keeps
//     its line and unknown fields are problems, not silently dropped.
//   - Dataset.Validate (and Check) report every problem, each as
//     "file:line: field: message" with a stable Code.
//     Across documents it finds one entity under two IDs (a name, English
//     name or alias shared by different entities) unless sameAs or
//     distinctFrom says which it is (identity.go).
//   - Fix fills in (or corrects) evidence start/end/section by editing the
//     YAML text in place, keeping comments and formatting; quotes are never
//     changed.
//   - Load / Dataset.Load validate everything first and write nothing if
//     there is any problem, then call Store.ReplaceDocument once per
//     document (atomic per document in the store). Loading twice changes
//     nothing the second time.
//   - Embedded returns the dataset compiled into the binary (go:embed of
//     data/ and source/).
//
// Sections of a source text are computed by graph.NewOutline; see graph.Outline for the
// rule.
package seed
