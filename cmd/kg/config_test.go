package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/minhang-kg/kg/graph/cayleystore"
	"github.com/minhang-kg/kg/server"
)

func testEnv(vars map[string]string) env {
	return env{getenv: func(k string) string { return vars[k] }, stdout: io.Discard, stderr: io.Discard}
}

func TestParseServe(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		check   func(t *testing.T, c serveConfig)
		wantErr string
	}{
		{
			name: "defaults",
			check: func(t *testing.T, c serveConfig) {
				if c.Addr != "127.0.0.1:8080" || c.Store.Backend != "bbolt" || c.Store.Path != "./data/kg.db" || c.Seed != seedAuto ||
					c.Log.Format != "text" || c.Log.Level != slog.LevelInfo || c.Store.LockTimeout != cayleystore.DefaultLockTimeout || c.AdminToken != "" {
					t.Errorf("config = %+v", c)
				}
			},
		},
		{
			name: "environment",
			env: map[string]string{"KG_ADDR": ":9000", "KG_STORE": "postgres", "KG_DSN": "postgres://x/kg", "KG_PATH": "data/a.db",
				"KG_ADMIN_TOKEN": "s3cret", "KG_LOG_FORMAT": "json", "KG_LOG_LEVEL": "debug", "KG_CORS_ORIGINS": "https://a, https://b",
				"KG_RATE_LIMIT": "5", "KG_LOCK_TIMEOUT": "2s"},
			check: func(t *testing.T, c serveConfig) {
				if c.Addr != ":9000" || c.Store.Backend != "postgres" || c.Store.DSN != "postgres://x/kg" || c.Store.Path != "data/a.db" ||
					c.AdminToken != "s3cret" || c.Server.AdminToken != "s3cret" || c.Log.Format != "json" || c.Log.Level != slog.LevelDebug ||
					len(c.Server.CORSOrigins) != 2 || c.Server.CORSOrigins[1] != "https://b" || c.Server.RateLimit != 5 || c.Store.LockTimeout != 2*time.Second {
					t.Errorf("config = %+v", c)
				}
			},
		},
		{
			name: "flags win over the environment",
			env:  map[string]string{"KG_ADDR": ":9000", "KG_STORE": "postgres"},
			args: []string{"--addr", "127.0.0.1:0", "--store", "memory", "--seed", "never"},
			check: func(t *testing.T, c serveConfig) {
				if c.Addr != "127.0.0.1:0" || c.Store.Backend != "memory" || c.Seed != seedNever {
					t.Errorf("config = %+v", c)
				}
			},
		},
		{
			name: "data directory from the environment",
			env:  map[string]string{"KG_DATA": "/srv/kg/data"},
			check: func(t *testing.T, c serveConfig) {
				if c.Data.Dir != "/srv/kg/data" {
					t.Errorf("data dir = %q", c.Data.Dir)
				}
			},
		},
		{
			name: "response cache default, env and flag",
			check: func(t *testing.T, c serveConfig) {
				if c.Server.ResponseCacheBytes != server.DefaultResponseCache {
					t.Errorf("ResponseCacheBytes = %d, want the default %d", c.Server.ResponseCacheBytes, server.DefaultResponseCache)
				}
			},
		},
		{
			name: "response cache off from the environment",
			env:  map[string]string{"KG_RESPONSE_CACHE_BYTES": "-1"},
			check: func(t *testing.T, c serveConfig) {
				if c.Server.ResponseCacheBytes != -1 {
					t.Errorf("ResponseCacheBytes = %d, want -1", c.Server.ResponseCacheBytes)
				}
			},
		},
		{
			name: "response cache size flag wins",
			env:  map[string]string{"KG_RESPONSE_CACHE_BYTES": "-1"},
			args: []string{"--response-cache-bytes", "1048576"},
			check: func(t *testing.T, c serveConfig) {
				if c.Server.ResponseCacheBytes != 1<<20 {
					t.Errorf("ResponseCacheBytes = %d, want 1 MiB", c.Server.ResponseCacheBytes)
				}
			},
		},
		{name: "bad response cache size in env", env: map[string]string{"KG_RESPONSE_CACHE_BYTES": "lots"}, wantErr: "KG_RESPONSE_CACHE_BYTES"},
		{name: "zero response cache size", args: []string{"--response-cache-bytes", "0"}, wantErr: "--response-cache-bytes"},
		{name: "postgres needs a DSN", args: []string{"--store", "postgres"}, wantErr: "--dsn"},
		{name: "unknown backend", args: []string{"--store", "sqlite"}, wantErr: `"sqlite"`},
		{name: "bad seed mode", args: []string{"--seed", "sometimes"}, wantErr: "--seed"},
		{name: "bad log format", args: []string{"--log-format", "xml"}, wantErr: "--log-format"},
		{name: "bad rate limit in env", env: map[string]string{"KG_RATE_LIMIT": "fast"}, wantErr: "KG_RATE_LIMIT"},
		{name: "bad lock timeout in env", env: map[string]string{"KG_LOCK_TIMEOUT": "soon"}, wantErr: "KG_LOCK_TIMEOUT"},
		{name: "bad log level in env", env: map[string]string{"KG_LOG_LEVEL": "loud"}, wantErr: "KG_LOG_LEVEL"},
		{name: "bad index poll in env", env: map[string]string{"KG_INDEX_POLL": "often"}, wantErr: `environment variable KG_INDEX_POLL="often"`},
		{name: "bad index switch in env", env: map[string]string{"KG_INDEX": "maybe"}, wantErr: "KG_INDEX"},
		{name: "bad loader wait in env", env: map[string]string{"KG_LOADER_WAIT": "short"}, wantErr: "KG_LOADER_WAIT"},
		{name: "negative rate limit", args: []string{"--rate-limit", "-1"}, wantErr: "--rate-limit"},
		{name: "no admin token flag", args: []string{"--admin-token", "x"}, wantErr: "not defined"},
		{name: "positional argument", args: []string{"now"}, wantErr: "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseServe(tt.args, testEnv(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseOtherCommands(t *testing.T) {
	tests := []struct {
		name    string
		parse   func() error
		wantErr string
	}{
		{"seed defaults", func() error { _, err := parseSeed(nil, testEnv(nil)); return err }, ""},
		{"seed bad lock timeout", func() error { _, err := parseSeed([]string{"--lock-timeout", "0s"}, testEnv(nil)); return err }, "--lock-timeout"},
		{"stats json", func() error {
			c, err := parseStats([]string{"--json"}, testEnv(nil))
			if err == nil && !c.JSON {
				t.Error("--json not set")
			}
			return err
		}, ""},
		{"export unknown format", func() error { _, err := parseExport([]string{"--format", "pdf"}, testEnv(nil)); return err }, `unknown format "pdf"`},
		{"export selection", func() error {
			c, err := parseExport([]string{"--format", "dot", "--ids", "org/a, org/b", "--hops", "2"}, testEnv(nil))
			if err == nil && (len(c.Selection.IDs) != 2 || c.Selection.IDs[1] != "org/b" || c.Selection.Hops != 2) {
				t.Errorf("selection = %+v", c.Selection)
			}
			return err
		}, ""},
		{"export hops out of range", func() error {
			_, err := parseExport([]string{"--ids", "org/a", "--hops", "99"}, testEnv(nil))
			return err
		}, "hops"},
		{"check data dir", func() error {
			c, err := parseCheck([]string{"--data", "x/y", "--coverage"}, testEnv(nil))
			if err == nil && (c.Data.Dir != "x/y" || !c.Coverage) {
				t.Errorf("config = %+v", c)
			}
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestEnvErrorsReported: every malformed variable of a command is reported,
// each naming itself, in the same form, whichever command reads it.
func TestEnvErrorsReported(t *testing.T) {
	env := testEnv(map[string]string{"KG_INDEX_POLL": "often", "KG_LOCK_TIMEOUT": "soon", "KG_LOG_LEVEL": "loud"})
	_, err := parseServe(nil, env)
	if err == nil {
		t.Fatal("parseServe accepted malformed environment variables")
	}
	for _, want := range []string{`environment variable KG_INDEX_POLL="often"`, `environment variable KG_LOCK_TIMEOUT="soon"`, `environment variable KG_LOG_LEVEL="loud"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("serve: error %q does not contain %q", err, want)
		}
	}
	for name, parse := range map[string]func() error{
		"seed":   func() error { _, err := parseSeed(nil, env); return err },
		"stats":  func() error { _, err := parseStats(nil, env); return err },
		"export": func() error { _, err := parseExport([]string{"--format", "nquads"}, env); return err },
	} {
		err := parse()
		if err == nil || !strings.Contains(err.Error(), `environment variable KG_LOCK_TIMEOUT="soon"`) {
			t.Errorf("%s: error %v, want one naming KG_LOCK_TIMEOUT", name, err)
		}
	}
}
