// Package pgtest gives tests a throwaway PostgreSQL database.
//
// The tests of several packages (graph/cayleystore, graph/index, cmd/kg)
// run against a real PostgreSQL server named by KG_TEST_PG_DSN, which
// scripts/pg.sh start prints:
//
//	eval "$(scripts/pg.sh start)"
//	go test ./graph/cayleystore/ -run Postgres
//	scripts/pg.sh stop
//
// Each test gets its own empty database on that server (DSN), so tests and
// packages run in parallel without seeing each other's data. Without
// KG_TEST_PG_DSN a test fails when CI=true (CI must not pass by skipping
// the PostgreSQL backend) and is skipped elsewhere.
//
// The package talks to the server with database/sql and lib/pq only: it
// does not import Cayley (only graph/cayleystore may).
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	_ "github.com/lib/pq" // the "postgres" database/sql driver
)

// EnvDSN names the environment variable holding the test server's DSN.
const EnvDSN = "KG_TEST_PG_DSN"

// dbPrefix starts the name of every database DSN creates, so that leftovers
// of a killed test run are easy to find on the server.
const dbPrefix = "kgtest_"

// Server returns the DSN of the test server (KG_TEST_PG_DSN). Without one
// it fails t when CI=true and skips t otherwise. Tests that write should use
// DSN, not this database; Server is for tests that need to know the server
// is there before they create databases in subtests.
func Server(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv(EnvDSN)
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal(EnvDSN + " is not set (CI=true): start PostgreSQL with scripts/pg.sh start")
		}
		t.Skip(EnvDSN + " is not set; run: eval \"$(scripts/pg.sh start)\"")
	}
	return dsn
}

// DSN creates an empty database on the test server (see Server for what
// happens without one) and returns its DSN, in the syntax of
// KG_TEST_PG_DSN (URL or key=value). The database is dropped at t's
// cleanup, after the cleanups registered later (stores opened on it).
func DSN(t testing.TB) string {
	t.Helper()
	server := Server(t)
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatalf("%s: %v", EnvDSN, err)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		admin.Close()
		t.Fatal(err)
	}
	name := dbPrefix + hex.EncodeToString(b[:])
	dsn, err := withDatabase(server, name)
	if err != nil {
		admin.Close()
		t.Fatal(err)
	}
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		// t.Context is done by now; FORCE ends connections a test leaked.
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	return dsn
}

// withDatabase returns dsn pointing at database name, for both URL
// (postgres://, postgresql://) and key=value DSNs.
func withDatabase(dsn, name string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("%s: %w", EnvDSN, err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	return dsn + " dbname=" + name, nil
}
