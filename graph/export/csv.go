package export

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Column headers follow Gephi's spreadsheet import (Id/Label for nodes;
// Source/Target/Type/Id/Label for edges); the other columns become
// attributes there.
var (
	nodeHeader = []string{"Id", "Label", "LabelEn", "Kind", "Aliases", "Description", "DescriptionEn", "Attributes", "Degree", "Documents"}
	edgeHeader = []string{"Id", "Source", "Target", "Type", "Label", "LabelEn", "Predicate", "Evidence", "EvidenceSpans", "Document"}
)

func writeNodesCSV(g *Graph, w io.Writer) error {
	deg := map[string]int{}
	for _, r := range g.Relations {
		deg[r.Subject]++
		if r.Object != r.Subject {
			deg[r.Object]++
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(nodeHeader); err != nil {
		return fmt.Errorf("export csv nodes: %w", err)
	}
	for _, e := range g.Entities {
		rec := []string{e.ID, displayName(e), e.NameEn, string(e.Kind), strings.Join(e.Aliases, "|"),
			e.Description, e.DescriptionEn, joinAttrs(e.Attributes), strconv.Itoa(deg[e.ID]), strings.Join(e.Documents, " ")}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export csv nodes: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export csv nodes: %w", err)
	}
	return nil
}

func writeEdgesCSV(g *Graph, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(edgeHeader); err != nil {
		return fmt.Errorf("export csv edges: %w", err)
	}
	for _, r := range g.Relations {
		p := predicateInfo(r.Predicate)
		typ := "Directed"
		if p.Symmetric {
			typ = "Undirected"
		}
		rec := []string{r.ID, r.Subject, r.Object, typ, p.Label, p.LabelEn, r.Predicate,
			joinQuotes(r.Evidence), joinSpans(r.Evidence, r.Document), r.Document}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export csv edges: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export csv edges: %w", err)
	}
	return nil
}

// zipEpoch is the fixed modification time of the zip entries, so the
// archive is byte-for-byte reproducible.
var zipEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func writeCSVZip(g *Graph, w io.Writer) error {
	zw := zip.NewWriter(w)
	for _, part := range []struct {
		name  string
		write func(*Graph, io.Writer) error
	}{{"nodes.csv", writeNodesCSV}, {"edges.csv", writeEdgesCSV}} {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: part.name, Method: zip.Deflate, Modified: zipEpoch})
		if err != nil {
			return fmt.Errorf("export csv: %w", err)
		}
		if err := part.write(g, f); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("export csv: %w", err)
	}
	return nil
}
