package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// kgBin is the kg binary built once for the tests that run it as a child
// process.
var kgBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kg-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	kgBin = filepath.Join(dir, "kg")
	build := exec.Command("go", "build", "-o", kgBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building kg:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a finished kg process left.
type result struct {
	stdout, stderr string
	code           int
}

// kg runs the binary in dir (the test's working directory when "") with a
// clean KG_* environment and a deadline, and returns its output and exit
// code.
func kg(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return kgEnv(t, dir, nil, args...)
}

// kgEnv is kg with extra KEY=value environment variables.
func kgEnv(t *testing.T, dir string, extra []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kgBin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), extra...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("kg %v: %v", args, err)
	}
	if ctx.Err() != nil {
		t.Fatalf("kg %v did not finish: %v", args, ctx.Err())
	}
	return result{stdout.String(), stderr.String(), code}
}

// cleanEnv is the test process environment without KG_* variables.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KG_") {
			env = append(env, kv)
		}
	}
	return env
}

// child is a kg process running in the background whose JSON log lines on
// stderr can be waited for.
type child struct {
	cmd   *exec.Cmd
	mu    sync.Mutex
	lines []map[string]any
	raw   bytes.Buffer
	seen  chan struct{} // signalled on every new line
	done  chan error
}

// start starts kg with --log-format json among args.
func start(t *testing.T, dir string, args ...string) *child {
	t.Helper()
	return startEnv(t, dir, nil, args...)
}

// startEnv is start with extra KEY=value environment variables.
func startEnv(t *testing.T, dir string, extra []string, args ...string) *child {
	t.Helper()
	cmd := exec.Command(kgBin, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), extra...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, seen: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for sc.Scan() {
			var m map[string]any
			_ = json.Unmarshal(sc.Bytes(), &m)
			c.mu.Lock()
			c.raw.Write(sc.Bytes())
			c.raw.WriteByte('\n')
			if m != nil {
				c.lines = append(c.lines, m)
			}
			c.mu.Unlock()
			select {
			case c.seen <- struct{}{}:
			default:
			}
		}
		c.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// waitLog waits for a log line with the message and returns it.
func (c *child) waitLog(t *testing.T, msg string, timeout time.Duration) map[string]any {
	t.Helper()
	deadline := time.After(timeout)
	for {
		c.mu.Lock()
		for _, l := range c.lines {
			if l["msg"] == msg {
				c.mu.Unlock()
				return l
			}
		}
		c.mu.Unlock()
		select {
		case <-c.seen:
		case err := <-c.done:
			c.done <- err
			t.Fatalf("kg exited (%v) before logging %q:\n%s", err, msg, c.stderr())
		case <-deadline:
			t.Fatalf("no %q log line after %s:\n%s", msg, timeout, c.stderr())
		}
	}
}

func (c *child) stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.raw.String()
}

// wait waits for the process to exit and returns its exit code.
func (c *child) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case err := <-c.done:
		c.done <- err
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(timeout):
		t.Fatalf("kg did not exit within %s:\n%s", timeout, c.stderr())
		return -1
	}
}

// testdata returns the absolute path of a seed testdata directory.
func testdata(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("..", "..", "seed", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// copyTree copies a directory tree.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, name, body string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}
