package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckExitCodes(t *testing.T) {
	empty := t.TempDir()
	tests := []struct {
		name     string
		dir      string // working directory
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noStdout bool
	}{
		{name: "clean dataset", args: []string{"check", "--data", testdata(t, "valid")}, code: exitOK,
			stdout: []string{"document doc/small", "ok: no problems"}},
		{name: "broken dataset: every problem with file:line", args: []string{"check", "--data", testdata(t, "broken")}, code: exitProblems,
			stdout: []string{
				filepath.Join(testdata(t, "broken"), "small", "facts.yaml") + ":39: entities[6].evidence[0].quote: quote not found verbatim",
				filepath.Join(testdata(t, "broken"), "small", "facts.yaml") + `:62: relations[0].object: dangling reference: object "place/nowhere"`,
				"15 problems",
			}},
		{name: "json report", args: []string{"check", "--json", "--data", testdata(t, "broken")}, code: exitProblems,
			stdout: []string{`"code": "dangling"`, `"line": 62`}},
		{name: "missing data directory", args: []string{"check", "--data", filepath.Join(empty, "nope")}, code: exitError,
			stderr: []string{"nope"}},
		{name: "unknown flag", args: []string{"check", "--nope"}, code: exitError, stderr: []string{"flag provided but not defined: -nope"}},
		{name: "positional argument", args: []string{"check", "extra"}, code: exitError, stderr: []string{`unexpected argument "extra"`}},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitError, stderr: []string{`unknown command "frobnicate"`, "usage: kg"}},
		{name: "no command", args: nil, code: exitError, stderr: []string{"usage: kg"}},
		{name: "help", args: []string{"help"}, code: exitOK, stdout: []string{"serve", "seed", "check", "stats", "export"}},
		{name: "command help", args: []string{"check", "-h"}, code: exitOK, stderr: []string{"-fix"}},
		{name: "fix needs a directory on disk", dir: empty, args: []string{"check", "--fix"}, code: exitError,
			stderr: []string{"--fix needs a data directory on disk"}},
		{name: "embedded dataset is used outside the repository", dir: empty, args: []string{"check", "--json"}, code: -1,
			stdout: []string{`"id": "doc/mkw-2025-11"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := kg(t, tt.dir, tt.args...)
			if tt.code >= 0 && r.code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tt.code, r.stdout, r.stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(r.stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, r.stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(r.stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, r.stderr)
				}
			}
		})
	}
}

func TestCheckFixThroughBinary(t *testing.T) {
	root := t.TempDir()
	copyTree(t, testdata(t, "unfixed"), filepath.Join(root, "data"))
	copyTree(t, testdata(t, "source"), filepath.Join(root, "source"))
	data := filepath.Join(root, "data")

	if r := kg(t, "", "check", "--data", data); r.code != exitProblems || !strings.Contains(r.stdout, "run kg check --fix") {
		t.Fatalf("before --fix: exit %d\n%s", r.code, r.stdout)
	}
	r := kg(t, "", "check", "--fix", "--data", data)
	if r.code != exitOK || !strings.Contains(r.stdout, "fixed ") || !strings.Contains(r.stdout, "ok: no problems") {
		t.Fatalf("--fix: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := kg(t, "", "check", "--data", data); r.code != exitOK {
		t.Fatalf("after --fix: exit %d\n%s", r.code, r.stdout)
	}
}

func TestCheckCoverage(t *testing.T) {
	root := t.TempDir()
	copyTree(t, testdata(t, "valid"), filepath.Join(root, "data"))
	copyTree(t, testdata(t, "source"), filepath.Join(root, "source"))
	data := filepath.Join(root, "data")

	r := kg(t, "", "check", "--coverage", "--data", data)
	if r.code != exitProblems || !strings.Contains(r.stdout, `missed: line 2: docno "测委〔2025〕1号"`) || !strings.Contains(r.stdout, "ok: no problems") {
		t.Fatalf("coverage of the valid fixture: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	ignore := filepath.Join(data, "small", "coverage-ignore.yaml")
	writeFile(t, ignore, "ignore:\n  - text: 测委〔2025〕1号\n    line: 2\n    reason: the notice's own number; the test dataset does not model the notice\n")
	if r := kg(t, "", "check", "--coverage", "--data", data); r.code != exitOK || !strings.Contains(r.stdout, "coverage ok") {
		t.Fatalf("with the ignore file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := kg(t, "", "check", "--coverage", "--json", "--data", data); r.code != exitOK || !strings.Contains(r.stdout, `"coverage": [`) {
		t.Fatalf("--json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	writeFile(t, ignore, "ignore:\n  - text: 测委〔2025〕1号\n    reason: \"\"\n")
	if r := kg(t, "", "check", "--coverage", "--data", data); r.code != exitError || !strings.Contains(r.stderr, "coverage-ignore.yaml:2") {
		t.Fatalf("a bad ignore file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}
