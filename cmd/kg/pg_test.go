package main

import (
	"strings"
	"testing"

	"github.com/minhang-kg/kg/internal/pgtest"
)

// TestSeedPostgres seeds a PostgreSQL store twice through the binary, the
// DSN coming from KG_STORE/KG_DSN, and expects identical stats.
func TestSeedPostgres(t *testing.T) {
	env := []string{"KG_STORE=postgres", "KG_DSN=" + pgtest.DSN(t)}
	data := testdata(t, "valid")
	r := kgEnv(t, "", env, "seed", "--data", data)
	if r.code != exitOK || !strings.Contains(r.stdout, "doc/small: 7 entities added, 5 relations added") {
		t.Fatalf("first seed: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	stats1 := kgEnv(t, "", env, "stats", "--json")
	r = kgEnv(t, "", env, "seed", "--data", data)
	if r.code != exitOK || strings.TrimSpace(r.stdout) != "doc/small: unchanged" {
		t.Fatalf("second seed: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	stats2 := kgEnv(t, "", env, "stats", "--json")
	if stats1.code != exitOK || stats1.stdout != stats2.stdout || !strings.Contains(stats1.stdout, `"entities": 7`) {
		t.Errorf("stats after one and two seeds:\n%s\n%s%s", stats1.stdout, stats2.stdout, stats1.stderr)
	}
}
