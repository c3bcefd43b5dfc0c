package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/minhang-kg/kg/internal/pgtest"
)

// TestServeReplicasOnPostgres runs two kg serve processes on one PostgreSQL
// store, as two replicas behind a load balancer would: a curated write
// through either replica becomes visible through the other.
func TestServeReplicasOnPostgres(t *testing.T) {
	const token = "replica-test-token"
	env := []string{"KG_STORE=postgres", "KG_DSN=" + pgtest.DSN(t), "KG_ADMIN_TOKEN=" + token}
	data := testdata(t, "valid")

	var addrs [2]string
	for i := range addrs {
		// The second replica finds the store seeded and serves it as is.
		srv := startEnv(t, "", env, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-format", "json")
		addrs[i], _ = srv.waitLog(t, "listening", time.Minute)["addr"].(string)
		srv.waitLog(t, "ready", time.Minute)
	}

	for i, tc := range []struct{ writer, reader int }{{0, 1}, {1, 0}} {
		id := fmt.Sprintf("org/replica-%d", i)
		name := fmt.Sprintf("副本测试机构%d", i)
		mutation := fmt.Sprintf(`mutation { upsertEntity(input: {id: %q, kind: INSTITUTION, name: %q, nameEn: "Replica test %d"}) { id } }`, id, name, i)
		if got := graphql(t, addrs[tc.writer], token, mutation); !strings.Contains(got, id) {
			t.Fatalf("upsertEntity through replica %d: %s", tc.writer, got)
		}
		query := fmt.Sprintf(`{ entity(id: %q) { name } }`, id)
		deadline := time.Now().Add(15 * time.Second)
		for {
			got := graphql(t, addrs[tc.reader], "", query)
			if strings.Contains(got, name) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s written through replica %d is not visible through replica %d: %s", id, tc.writer, tc.reader, got)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	// Both replicas now agree on what they serve.
	q := `{ stats { entities relations } search(text: "副本测试机构") { entity { id } } }`
	if a, b := graphql(t, addrs[0], "", q), graphql(t, addrs[1], "", q); a != b {
		t.Errorf("replicas disagree:\n%s\n%s", a, b)
	}
}

// graphql posts a query to the kg serve at addr and returns the response
// body; a non-200 status fails the test.
func graphql(t *testing.T, addr, token, query string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /graphql on %s: %s %s", addr, resp.Status, out)
	}
	return string(out)
}
