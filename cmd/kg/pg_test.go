package main

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/lib/pq" // PostgreSQL driver for creating the test database
)

// pgDatabase creates an empty database on the test server named by
// KG_TEST_PG_DSN (scripts/pg.sh start prints it), dropped at cleanup, and
// returns its DSN. Without a server the test fails under CI=true and is
// skipped elsewhere.
func pgDatabase(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("KG_TEST_PG_DSN")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("KG_TEST_PG_DSN is not set (CI=true): start PostgreSQL with scripts/pg.sh start")
		}
		t.Skip("KG_TEST_PG_DSN is not set; run: eval \"$(scripts/pg.sh start)\"")
	}
	admin, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "kgcmd_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("KG_TEST_PG_DSN: %v", err)
		}
		u.Path = "/" + name
		return u.String()
	}
	return dsn + " dbname=" + name
}

// TestSeedPostgres seeds a PostgreSQL store twice through the binary, the
// DSN coming from KG_STORE/KG_DSN, and expects identical stats.
func TestSeedPostgres(t *testing.T) {
	env := []string{"KG_STORE=postgres", "KG_DSN=" + pgDatabase(t)}
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
