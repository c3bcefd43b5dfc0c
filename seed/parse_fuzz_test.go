package seed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

const fuzzDocYAML = "id: doc/fuzz\ntitle: 模糊测试\nsource: source.txt\n"

const fuzzSource = "模糊测试\n一、总体\n上海交通大学与华东师范大学签订战略合作协议。\n闵行区科委与上海交大共同推进“大零号湾”建设。\n"

// FuzzParse: the dataset parser and validator accept any fact file without
// panicking, and every problem they report names the file it is about.
// The seed corpus is the committed dataset's fact files, a generated one
// and malformed variants (testdata/fuzz/FuzzParse).
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("data", "*", "*.yaml"))
	for _, name := range files {
		if filepath.Base(name) == DocumentFile {
			continue
		}
		if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte("entities:\n  - id: org/a\n    kind: INSTITUTION\n    name: 上海交通大学\n    evidence:\n      - quote: 上海交通大学与华东师范大学签订战略合作协议\n"))
	f.Add([]byte("relations:\n  - {subject: org/a, predicate: partners_with, object: org/b, evidence: [{quote: x, start: 9, end: 2}]}\n"))
	f.Add([]byte("entities: [\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"data/fuzz/document.yaml": {Data: []byte(fuzzDocYAML)},
			"data/fuzz/source.txt":    {Data: []byte(fuzzSource)},
			"data/fuzz/facts.yaml":    {Data: data},
		}
		ds, err := ParseFS(fsys, "data")
		if err != nil {
			t.Fatalf("ParseFS: %v", err)
		}
		rep := ds.Validate()
		for _, p := range rep.Problems {
			if p.File == "" || !strings.HasPrefix(p.File, "data/fuzz") {
				t.Fatalf("problem without its file: %+v", p)
			}
			if p.Line < 0 {
				t.Fatalf("problem with a negative line: %+v", p)
			}
			_ = p.String()
		}
	})
}
