package pgtest

import (
	"database/sql"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		name, dsn, want string
		wantErr         bool
	}{
		{"url", "postgres://postgres@127.0.0.1:54329/kg?sslmode=disable", "postgres://postgres@127.0.0.1:54329/kgtest_x?sslmode=disable", false},
		{"postgresql url without path", "postgresql://u:p@db:5432?connect_timeout=2", "postgresql://u:p@db:5432/kgtest_x?connect_timeout=2", false},
		{"key=value", "host=/var/run/postgresql port=5432 user=postgres dbname=kg", "host=/var/run/postgresql port=5432 user=postgres dbname=kg dbname=kgtest_x", false},
		{"bad url", "postgres://u@db:port/kg", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := withDatabase(tc.dsn, "kgtest_x")
			if (err != nil) != tc.wantErr {
				t.Fatalf("withDatabase(%q) error %v, want error %v", tc.dsn, err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), EnvDSN) {
				t.Errorf("error %q does not name %s", err, EnvDSN)
			}
			if got != tc.want {
				t.Errorf("withDatabase(%q) = %q, want %q", tc.dsn, got, tc.want)
			}
		})
	}
}

// recorder is a testing.TB whose Fatal and Skip record the outcome and end
// the goroutine, as the real ones do.
type recorder struct {
	testing.TB
	mu              sync.Mutex
	failed, skipped bool
	msg             string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatal(args ...any) {
	r.mu.Lock()
	r.failed, r.msg = true, sprint(args)
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Skip(args ...any) {
	r.mu.Lock()
	r.skipped, r.msg = true, sprint(args)
	r.mu.Unlock()
	runtime.Goexit()
}

func sprint(args []any) string {
	var b strings.Builder
	for _, a := range args {
		if s, ok := a.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// TestServerWithoutDSN: without KG_TEST_PG_DSN a test fails under CI=true
// and is skipped elsewhere (ARCHITECTURE.md: PostgreSQL tests must not pass
// CI by skipping).
func TestServerWithoutDSN(t *testing.T) {
	tests := []struct {
		ci                 string
		wantFail, wantSkip bool
	}{
		{"true", true, false},
		{"", false, true},
		{"false", false, true},
	}
	for _, tc := range tests {
		t.Run("CI="+tc.ci, func(t *testing.T) {
			t.Setenv(EnvDSN, "")
			t.Setenv("CI", tc.ci)
			r := &recorder{TB: t}
			done := make(chan string)
			go func() {
				defer close(done)
				done <- Server(r)
			}()
			if dsn, returned := <-done; returned {
				t.Fatalf("Server returned %q without a DSN", dsn)
			}
			if r.failed != tc.wantFail || r.skipped != tc.wantSkip {
				t.Errorf("failed %v skipped %v, want %v %v (%q)", r.failed, r.skipped, tc.wantFail, tc.wantSkip, r.msg)
			}
			if !strings.Contains(r.msg, "scripts/pg.sh start") {
				t.Errorf("message %q does not say how to start PostgreSQL", r.msg)
			}
		})
	}
}

// TestDSN: each call gives a new empty database that can be written to,
// and it is gone after the test that made it.
func TestDSN(t *testing.T) {
	server := Server(t)
	admin, err := sql.Open("postgres", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	exists := func(name string) bool {
		t.Helper()
		var n int
		if err := admin.QueryRowContext(t.Context(), "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n == 1
	}

	var names []string
	var open []*sql.DB
	defer func() {
		for _, db := range open {
			db.Close()
		}
	}()
	t.Run("create", func(t *testing.T) {
		for range 2 {
			dsn := DSN(t)
			db, err := sql.Open("postgres", dsn)
			if err != nil {
				t.Fatal(err)
			}
			// Closed after the drop, which must end its connection
			// (WITH (FORCE)).
			open = append(open, db)
			var name string
			if err := db.QueryRowContext(t.Context(), "SELECT current_database()").Scan(&name); err != nil {
				t.Fatalf("connect to %s: %v", dsn, err)
			}
			if !strings.HasPrefix(name, dbPrefix) || !exists(name) {
				t.Fatalf("connected to %q, want a fresh %s* database", name, dbPrefix)
			}
			var tables int
			if err := db.QueryRowContext(t.Context(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&tables); err != nil || tables != 0 {
				t.Fatalf("new database %s has %d tables (%v), want none", name, tables, err)
			}
			if _, err := db.ExecContext(t.Context(), "CREATE TABLE t (x int)"); err != nil {
				t.Fatalf("write to %s: %v", name, err)
			}
			names = append(names, name)
		}
	})
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("databases %v, want two different ones", names)
	}
	for _, name := range names {
		if exists(name) {
			t.Errorf("database %s still exists after its test", name)
		}
	}
}
