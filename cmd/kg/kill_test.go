package main

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minhang-kg/kg/internal/synth"
)

// TestKillMidSeed seeds a bbolt store with one generated dataset, then
// starts real kg seed processes replacing it with another generated
// dataset of the same document and SIGKILLs each at a random point of the
// write. After every kill the store must open and hold exactly the old or
// exactly the new graph (compared by a digest of the full N-Quads export).
//
// KG_KILL_TEST_QUADS sets the dataset size (default 5000 quads, a write
// window of about a second here).
func TestKillMidSeed(t *testing.T) {
	if testing.Short() {
		t.Skip("kill test skipped in -short mode")
	}
	quads := 5000
	if v := os.Getenv("KG_KILL_TEST_QUADS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("KG_KILL_TEST_QUADS=%q: want a positive integer", v)
		}
		quads = n
	}
	root := t.TempDir()
	oldData, newData := filepath.Join(root, "old"), filepath.Join(root, "new")
	for _, d := range []struct {
		dir  string
		seed int64
	}{{oldData, 1}, {newData, 2}} {
		f := synth.MustGenerate(synth.Config{Quads: quads, Seed: d.seed})
		if _, err := synth.WriteDataset(d.dir, f, synth.WriteOptions{}); err != nil {
			t.Fatal(err)
		}
	}

	// The old graph.
	oldDB := filepath.Join(root, "old.db")
	if r := kg(t, "", "seed", "--path", oldDB, "--data", oldData); r.code != exitOK {
		t.Fatalf("seeding the old dataset: %s", r.stderr)
	}
	oldDigest := exportDigest(t, oldDB)

	// The new graph, replacing the old one undisturbed; time the write.
	refDB := filepath.Join(root, "ref.db")
	copyFile(t, oldDB, refDB)
	ref := start(t, "", "seed", "--path", refDB, "--data", newData, "--log-format", "json", "--log-level", "debug")
	ref.waitLog(t, "syncing documents", 2*time.Minute)
	began := time.Now()
	if code := ref.wait(t, 5*time.Minute); code != exitOK {
		t.Fatalf("reference seed exited %d:\n%s", code, ref.stderr())
	}
	write := time.Since(began)
	newDigest := exportDigest(t, refDB)
	if newDigest == oldDigest {
		t.Fatal("the old and new datasets give the same graph; the test would prove nothing")
	}
	t.Logf("%d quads; replacing the document took %s", quads, write)

	seed := time.Now().UnixNano()
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	t.Logf("kill points from seed %d", seed)
	outcomes := map[string]int{}
	const kills = 6
	for i := 0; i < kills; i++ {
		workDB := filepath.Join(root, "work.db")
		copyFile(t, oldDB, workDB)
		c := start(t, "", "seed", "--path", workDB, "--data", newData, "--log-format", "json", "--log-level", "debug")
		c.waitLog(t, "syncing documents", 2*time.Minute)
		// Spread kills over the write; the last one falls just after it.
		delay := time.Duration(rng.Int64N(int64(write)))
		if i == 0 {
			delay = 0
		}
		time.Sleep(delay)
		killErr := c.cmd.Process.Kill() // SIGKILL
		c.wait(t, time.Minute)
		got := exportDigest(t, workDB)
		state := "old"
		switch got {
		case oldDigest:
		case newDigest:
			state = "new"
		default:
			t.Fatalf("kill %d after %s: the store holds neither the old nor the new graph", i, delay)
		}
		if killErr != nil {
			state += " (exited before the kill)"
		}
		outcomes[state]++
		t.Logf("kill %d after %s into the write: %s graph", i, delay, state)
	}
	t.Logf("outcomes: %v", outcomes)
}

// exportDigest hashes the sorted N-Quads export of a bbolt store.
func exportDigest(t *testing.T, db string) string {
	t.Helper()
	r := kg(t, "", "export", "--format", "nquads", "--path", db)
	if r.code != exitOK {
		t.Fatalf("export of %s: exit %d\n%s", db, r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimRight(r.stdout, "\n"), "\n")
	sort.Strings(lines)
	h := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(h[:])
}
