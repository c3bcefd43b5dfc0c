package seed

import (
	"embed"
	"fmt"
)

// embedded holds the source texts and the dataset, so that the binary can
// seed a store from anywhere. Paths inside are "source/..." and "data/...",
// so the relative source paths of document.yaml files resolve as on disk.
//
//go:embed data source
var embedded embed.FS

// EmbeddedDataDir is the data directory inside the embedded files.
const EmbeddedDataDir = "data"

// Embedded parses the dataset embedded in the binary.
func Embedded() (*Dataset, error) {
	ds, err := ParseFS(embedded, EmbeddedDataDir)
	if err != nil {
		return nil, fmt.Errorf("embedded dataset: %w", err)
	}
	return ds, nil
}
