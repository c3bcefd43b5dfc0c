// Command bodies writes the GraphQL request bodies of the mixed workload
// (package bench/workload) for scripts/load.sh: it reads entity IDs, names
// and the best connected entities from a running kg serve, draws the
// sample, and prints one line per request, "<query name>\t<JSON body>",
// each query repeated by its share of the mix.
//
//	go run ./bench/workload/cmd/bodies -url http://127.0.0.1:8080/graphql > bodies.tsv
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"time"

	"github.com/minhang-kg/kg/bench/benchenv"
	"github.com/minhang-kg/kg/bench/workload"
)

func main() {
	url := flag.String("url", "http://127.0.0.1:8080/graphql", "GraphQL endpoint of kg serve")
	only := flag.String("only", "", "write only this query (e.g. entity) instead of the mix")
	maxEntities := flag.Int("max-entities", 5000, "read at most this many entity IDs")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, *url, *only, *maxEntities, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bodies:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, url, only string, maxEntities int, w io.Writer) error {
	var ids, names []string
	after := ""
	for len(ids) < maxEntities {
		var page struct {
			Entities struct {
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
				Nodes []struct {
					ID, Name string
					NameEn   *string
				}
			}
		}
		vars := map[string]any{"after": nil}
		if after != "" {
			vars["after"] = after
		}
		err := post(ctx, url, `query($after: String) { entities(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { id name nameEn } } }`, vars, &page)
		if err != nil {
			return err
		}
		for _, n := range page.Entities.Nodes {
			ids = append(ids, n.ID)
			names = append(names, n.Name)
		}
		if !page.Entities.PageInfo.HasNextPage {
			break
		}
		after = page.Entities.PageInfo.EndCursor
	}
	if len(ids) == 0 {
		return fmt.Errorf("the graph at %s has no entities", url)
	}
	var top struct {
		Stats struct {
			TopConnected []struct{ Entity struct{ ID string } }
		}
	}
	if err := post(ctx, url, `{ stats { topConnected(first: 8) { entity { id } } } }`, nil, &top); err != nil {
		return err
	}
	var hubs []string
	for _, t := range top.Stats.TopConnected {
		hubs = append(hubs, t.Entity.ID)
	}
	sort.Strings(ids)
	s := benchenv.SampleOf(ids, hubs, names)
	for _, q := range workload.Queries {
		if only != "" && q.Name != only {
			continue
		}
		n := q.Share
		if only != "" {
			n = 64
		}
		for i := 0; i < n; i++ {
			if _, err := fmt.Fprintf(w, "%s\t%s\n", q.Name, workload.Body(q, s, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func post(ctx context.Context, url, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("%s: HTTP %d: %w", url, resp.StatusCode, err)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("%s: %s", url, r.Errors[0].Message)
	}
	return json.Unmarshal(r.Data, out)
}
