// Command ratios turns `go test -bench Baseline` output (from
// graph/cayleystore) into the markdown tables of BENCHMARKS.md: per size,
// backend and question, the time of each implementation and its ratio to
// the map baseline measured in the same process.
//
//	go test ./graph/cayleystore -run '^$' -bench Baseline -benchmem | go run ./bench/ratios
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

var line = regexp.MustCompile(`^BenchmarkBaseline/([^/]+)/([^/]+)/([^/]+)/(\S+?)(-\d+)?\s+\d+\s+([\d.]+) ns/op`)

func main() {
	type key struct{ size, backend, op string }
	times := map[key]map[string]float64{}
	var order []key
	impls := []string{"map", "index", "cayley-raw", "cayley-path", "store"}
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		k := key{m[1], m[2], m[3]}
		if times[k] == nil {
			times[k] = map[string]float64{}
			order = append(order, k)
		}
		ns, _ := strconv.ParseFloat(m[6], 64)
		times[k][m[4]] = ns
	}
	fmt.Println("| quads | backend | question | " + strings.Join(impls, " | ") + " | index/map | raw/map | path/map | store/map |")
	fmt.Println("|---|---|---|" + strings.Repeat("---|", len(impls)+4))
	for _, k := range order {
		t := times[k]
		row := []string{k.size, k.backend, k.op}
		for _, i := range impls {
			row = append(row, dur(t[i]))
		}
		for _, i := range []string{"index", "cayley-raw", "cayley-path", "store"} {
			row = append(row, ratio(t[i], t["map"]))
		}
		fmt.Println("| " + strings.Join(row, " | ") + " |")
	}
}

func dur(ns float64) string {
	switch {
	case ns == 0:
		return "–"
	case ns < 1e3:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	case ns < 1e9:
		return fmt.Sprintf("%.1f ms", ns/1e6)
	default:
		return fmt.Sprintf("%.2f s", ns/1e9)
	}
}

func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", a/b)
}
