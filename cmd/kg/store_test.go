package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestSeedTwiceGivesIdenticalStats(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kg.db")
	data := testdata(t, "valid")

	r := kg(t, "", "seed", "--path", db, "--data", data)
	if r.code != exitOK || !strings.Contains(r.stdout, "doc/small: 7 entities added, 5 relations added") {
		t.Fatalf("first seed: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	stats1 := kg(t, "", "stats", "--json", "--path", db)
	export1 := kg(t, "", "export", "--format", "nquads", "--path", db)

	r = kg(t, "", "seed", "--path", db, "--data", data)
	if r.code != exitOK || strings.TrimSpace(r.stdout) != "doc/small: unchanged" {
		t.Fatalf("second seed: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	stats2 := kg(t, "", "stats", "--json", "--path", db)
	export2 := kg(t, "", "export", "--format", "nquads", "--path", db)

	if stats1.code != exitOK || stats1.stdout != stats2.stdout {
		t.Errorf("stats --json differ after a second seed:\n%s\n%s", stats1.stdout, stats2.stdout)
	}
	for _, want := range []string{`"entities": 7`, `"relations": 5`, `"documents": 1`, `"co_builds": 2`, `"INSTITUTION": 3`} {
		if !strings.Contains(stats1.stdout, want) {
			t.Errorf("stats lack %s:\n%s", want, stats1.stdout)
		}
	}
	if export1.code != exitOK || export1.stdout == "" || export1.stdout != export2.stdout {
		t.Errorf("N-Quads differ after a second seed")
	}
	if text := kg(t, "", "stats", "--path", db); text.code != exitOK || !strings.Contains(text.stdout, "signs_agreement_with   1") {
		t.Errorf("stats:\n%s", text.stdout)
	}
}

func TestSeedRejectsAnInvalidDatasetAndKeepsTheGraph(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kg.db")
	if r := kg(t, "", "seed", "--path", db, "--data", testdata(t, "valid")); r.code != exitOK {
		t.Fatalf("seed: %s", r.stderr)
	}
	before := kg(t, "", "export", "--path", db)
	r := kg(t, "", "seed", "--path", db, "--data", testdata(t, "broken"))
	if r.code != exitError || !strings.Contains(r.stderr, "dataset has 15 problem(s)") || !strings.Contains(r.stderr, "facts.yaml:62:") {
		t.Fatalf("seed of a broken dataset: exit %d\n%s", r.code, r.stderr)
	}
	if after := kg(t, "", "export", "--path", db); after.stdout != before.stdout {
		t.Error("a rejected seed changed the graph")
	}
}

func TestReadCommandsNeedAStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "none.db")
	for _, cmd := range []string{"stats", "export"} {
		r := kg(t, "", cmd, "--path", db)
		if r.code != exitError || !strings.Contains(r.stderr, "no store at "+db) {
			t.Errorf("kg %s on a missing store: exit %d\n%s", cmd, r.code, r.stderr)
		}
	}
	if r := kg(t, "", "stats", "--store", "postgres"); r.code != exitError || !strings.Contains(r.stderr, "--dsn") {
		t.Errorf("postgres without DSN: exit %d\n%s", r.code, r.stderr)
	}
	if r := kg(t, "", "stats", "--store", "mongo"); r.code != exitError || !strings.Contains(r.stderr, `"mongo"`) {
		t.Errorf("unknown backend: exit %d\n%s", r.code, r.stderr)
	}
}

// TestServeAndLockedStore runs kg serve on a bbolt file, checks its health
// endpoints, then runs a second kg on the same file: it must fail fast
// naming the file. SIGTERM then stops the server cleanly.
func TestServeAndLockedStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kg.db")
	srv := start(t, "", "serve", "--addr", "127.0.0.1:0", "--path", db, "--data", testdata(t, "valid"), "--log-format", "json")
	addr, _ := srv.waitLog(t, "listening", 30*time.Second)["addr"].(string)
	srv.waitLog(t, "ready", 30*time.Second)
	srv.waitLog(t, "query data warmed", 30*time.Second)
	if addr == "" {
		t.Fatal("no address logged")
	}
	for _, path := range []string{"/livez", "/readyz"} {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d %s", path, resp.StatusCode, body)
		}
	}

	// The GraphQL API serves the seeded graph.
	resp, err := http.Post("http://"+addr+"/graphql", "application/json",
		strings.NewReader(`{"query":"{ entity(id: \"org/sjtu\") { name } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "上海交通大学") {
		t.Errorf("POST /graphql = %d %s", resp.StatusCode, body)
	}

	// kg stats on the file a kg serve holds asks that server instead
	// (found through KG_ADDR), saying so; --server asks it directly.
	r := kgEnv(t, "", []string{"KG_ADDR=" + addr}, "stats", "--json", "--path", db)
	if r.code != exitOK || !strings.Contains(r.stdout, `"entities": 7`) || !strings.Contains(r.stderr, "held by a running kg serve") {
		t.Errorf("stats on a store held by kg serve: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := kg(t, "", "stats", "--server", "http://"+addr); r.code != exitOK || !strings.Contains(r.stdout, "signs_agreement_with   1") {
		t.Errorf("stats --server: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	for _, cmd := range [][]string{
		{"stats", "--path", db},
		{"seed", "--path", db, "--data", testdata(t, "valid")},
		{"serve", "--addr", "127.0.0.1:0", "--path", db, "--data", testdata(t, "valid")},
	} {
		began := time.Now()
		// Nothing listens on port 1: stats cannot fall back to a server.
		r := kgEnv(t, "", []string{"KG_ADDR=127.0.0.1:1"}, cmd...)
		took := time.Since(began)
		if r.code != exitError {
			t.Errorf("kg %s on a locked store: exit %d, want %d", cmd[0], r.code, exitError)
		}
		if !strings.Contains(r.stderr, db) || !strings.Contains(r.stderr, "in use by another process") {
			t.Errorf("kg %s on a locked store: message does not name the file:\n%s", cmd[0], r.stderr)
		}
		t.Logf("kg %s on a locked store exited in %s", cmd[0], took)
	}

	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := srv.wait(t, 30*time.Second); code != exitOK {
		t.Errorf("kg serve exited %d after SIGTERM:\n%s", code, srv.stderr())
	}
	srv.waitLog(t, "stopped", time.Second)
	// The lock is released: the store opens again and holds the seeded graph.
	if r := kg(t, "", "stats", "--json", "--path", db); r.code != exitOK || !strings.Contains(r.stdout, `"entities": 7`) {
		t.Errorf("stats after shutdown: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestServeInProcess runs kg serve through run() (so -race sees it) on the
// memory store: seeding, readiness and shutdown on cancel.
func TestServeInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sink := &lineSink{lines: make(chan map[string]any, 1000)}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--store", "memory", "--data", testdata(t, "valid"), "--log-format", "json"},
			env{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: sink})
	}()
	var addr string
	for ready := false; !ready; {
		select {
		case l := <-sink.lines:
			if l["msg"] == "listening" {
				addr, _ = l["addr"].(string)
			}
			ready = l["msg"] == "ready"
		case code := <-done:
			t.Fatalf("serve exited %d before it was ready", code)
		case <-time.After(30 * time.Second):
			t.Fatal("serve not ready after 30s")
		}
	}
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz = %d", resp.StatusCode)
	}
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("serve exited %d after cancel", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
}

// lineSink decodes JSON log lines written to it.
type lineSink struct {
	mu    sync.Mutex
	buf   []byte
	lines chan map[string]any
}

func (s *lineSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.buf = append(s.buf, p...)
	for {
		i := bytes.IndexByte(s.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		var m map[string]any
		if json.Unmarshal(s.buf[:i], &m) == nil {
			select {
			case s.lines <- m:
			default:
			}
		}
		s.buf = s.buf[i+1:]
	}
}

func TestReadinessGate(t *testing.T) {
	tests := []struct {
		name   string
		seeded bool
		path   string
		want   int
	}{
		{"livez while seeding", false, "/livez", http.StatusTeapot},
		{"readyz while seeding", false, "/readyz", http.StatusServiceUnavailable},
		{"app while seeding", false, "/graphql", http.StatusServiceUnavailable},
		{"readyz when seeded", true, "/readyz", http.StatusTeapot},
		{"app when seeded", true, "/graphql", http.StatusTeapot},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &readiness{}
			r.seeded.Store(tt.seeded)
			h := r.gate(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if rec.Code != tt.want {
				t.Errorf("GET %s = %d, want %d", tt.path, rec.Code, tt.want)
			}
		})
	}
}
