package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestGenThenCheck: a generated dataset passes kg check, and the same seed
// writes the same files.
func TestGenThenCheck(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	runKG := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		code := run(ctx, args, env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb})
		return code, out.String(), errb.String()
	}
	code, out, errs := runKG("gen", "--quads", "2e3", "--seed", "4", "--out", dir, "--per-file", "40")
	if code != exitOK || !strings.Contains(out, "quads") {
		t.Fatalf("kg gen: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = runKG("check", "--data", dir)
	if code != exitOK {
		t.Fatalf("kg check of a generated dataset: exit %d\n%s\n%s", code, out, errs)
	}
	for _, bad := range [][]string{
		{"gen", "--quads", "2e3"},                // no --out
		{"gen", "--quads", "lots", "--out", dir}, // not a number
		{"gen", "--quads", "1.5", "--out", dir},  // not whole
		{"gen", "--quads", "100", "--out", dir, "--per-file", "0"},
	} {
		if code, _, _ := runKG(bad...); code != exitError {
			t.Errorf("kg %v: exit %d, want %d", bad, code, exitError)
		}
	}
}
