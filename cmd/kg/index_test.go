package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestIndexSnapshotPath(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    string
		wantErr string
	}{
		{name: "bbolt default", args: []string{"--path", "/srv/kg.db"}, want: "/srv/kg.db.index"},
		{name: "bbolt explicit", args: []string{"--path", "/srv/kg.db", "--index-snapshot", "/cache/ix"}, want: "/cache/ix"},
		{name: "bbolt from the environment", env: map[string]string{"KG_INDEX_SNAPSHOT": "/cache/env"}, want: "/cache/env"},
		{name: "bbolt off", args: []string{"--index-snapshot", "off"}, want: ""},
		{name: "off from the environment", env: map[string]string{"KG_INDEX_SNAPSHOT": "off"}, want: ""},
		{name: "flag wins over the environment", env: map[string]string{"KG_INDEX_SNAPSHOT": "off"}, args: []string{"--path", "/a.db", "--index-snapshot", ""}, want: "/a.db.index"},
		{name: "memory has none", args: []string{"--store", "memory"}, want: ""},
		{name: "postgres has none", args: []string{"--store", "postgres", "--dsn", "postgres://x/kg"}, want: ""},
		{name: "memory explicit", args: []string{"--store", "memory", "--index-snapshot", "/x"}, wantErr: "only for the bbolt store"},
		{name: "memory off", args: []string{"--store", "memory", "--index-snapshot", "off"}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseServe(tt.args, testEnv(tt.env))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Index.snapshotPath(c.Store)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("snapshotPath = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestServeIndexSnapshot: kg serve on bbolt saves the index beside the
// store, starts from it while the store is unchanged, and ignores it once
// another process (kg seed) wrote the store.
func TestServeIndexSnapshot(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "kg.db")
	serve := func(wantLog string) {
		t.Helper()
		srv := start(t, "", "serve", "--addr", "127.0.0.1:0", "--path", db, "--data", testdata(t, "valid"), "--log-format", "json", "--seed", "never")
		srv.waitLog(t, "ready", 30*time.Second)
		srv.waitLog(t, wantLog, 30*time.Second)
		if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if code := srv.wait(t, 30*time.Second); code != exitOK {
			t.Fatalf("kg serve exited %d:\n%s", code, srv.stderr())
		}
	}
	if r := kg(t, "", "seed", "--path", db, "--data", testdata(t, "valid")); r.code != exitOK {
		t.Fatalf("seed: exit %d\n%s", r.code, r.stderr)
	}
	serve("no index snapshot; building the index from the store")
	if _, err := os.Stat(db + ".index"); err != nil {
		t.Fatalf("no snapshot after kg serve: %v", err)
	}
	serve("index snapshot loaded")

	gen := filepath.Join(dir, "gen")
	if r := kg(t, "", "gen", "--quads", "300", "--seed", "3", "--out", gen); r.code != exitOK {
		t.Fatalf("gen: exit %d\n%s", r.code, r.stderr)
	}
	if r := kg(t, "", "seed", "--path", db, "--data", gen); r.code != exitOK {
		t.Fatalf("seed: exit %d\n%s", r.code, r.stderr)
	}
	serve("index snapshot ignored; building the index from the store")
	serve("index snapshot loaded")
}
