// Command ratios turns `go test -bench` output of the benchmark matrix into
// the markdown tables of BENCHMARKS.md:
//
//   - baseline: BenchmarkBaseline (graph/cayleystore): per size, backend and
//     question, the time of each implementation and its ratio to the map
//     baseline measured in the same process;
//   - indexload: BenchmarkIndexLoad (bench; through Store.Dump and through
//     the scans): load time and heap per size and backend;
//   - api: BenchmarkStore, BenchmarkQuery and BenchmarkHTTP (bench): per
//     size, each method or query direct and through the index, per backend;
//   - growth: how each cell grows with size (time at each size, and the ratio
//     of the largest size to the smallest), for the baseline and api cells;
//   - fixtures: the fixture and memory lines the benchmarks log (load rate,
//     heap and RSS after loading and after building the index).
//
// Cells the harness did not run (benchenv.Bench: one operation longer than
// KG_BENCH_MAX_OP; a "not-run" metric, or a SKIP under -v) show as
// "> 20.00 s (not run)". Several outputs may be concatenated, and a run
// may repeat cells (-count N): each cell shows its fastest measurement (the
// one least disturbed by other work on a shared machine).
//
//	go test ./graph/cayleystore -run '^$' -bench Baseline -benchmem | go run ./bench/ratios
//	cat base.txt api.txt | go run ./bench/ratios -tables api,growth
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

var (
	resultLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+(\d+)\s+([\d.]+) ns/op(.*)$`)
	skipLine   = regexp.MustCompile(`^\s*--- SKIP: (Benchmark\S+?)(-\d+)?\s*$`)
	notRun     = regexp.MustCompile(`not run: one op > (\S+)`)
	benchHead  = regexp.MustCompile(`^\s*--- (?:BENCH|SKIP|FAIL): (Benchmark\S+?)(-\d+)?\s*$`)
	fixtureLog = regexp.MustCompile(`fixture (\S+)/(\S+): loaded (\d+) quads with (\S+) in ([\d.]+) s \((\d+) quads/s\)`)
	memLog     = regexp.MustCompile(`mem (\S+)/(\S+) (loaded|opened|index built): heap (\d+) MB, VmRSS (\d+) MB(?:, RssAnon (\d+) MB)?(?:, RssFile (\d+) MB)?`)
	metricPair = regexp.MustCompile(`([\d.]+) (\S+)`)
)

// cell is one measured (or skipped) benchmark.
type cell struct {
	runs    int // results seen (repeats with -count)
	ns      float64
	metrics map[string]float64
	skipped string // "> 20s" when not run
}

type data struct {
	cells map[string]*cell // by benchmark name without the -N suffix
	order []string
	fix   []string // fixture lines, rendered
	mem   []string // memory lines, rendered
}

func (d *data) get(name string) *cell {
	c, ok := d.cells[name]
	if !ok {
		c = &cell{metrics: map[string]float64{}}
		d.cells[name] = c
		d.order = append(d.order, name)
	}
	return c
}

func parse(r io.Reader) *data {
	d := &data{cells: map[string]*cell{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var current string // the benchmark whose log lines follow
	for sc.Scan() {
		t := sc.Text()
		if m := resultLine.FindStringSubmatch(t); m != nil {
			ns, _ := strconv.ParseFloat(m[4], 64)
			metrics := map[string]float64{}
			for _, p := range metricPair.FindAllStringSubmatch(m[5], -1) {
				v, _ := strconv.ParseFloat(p[1], 64)
				metrics[p[2]] = v
			}
			c := d.get(m[1])
			c.runs++
			if metrics["not-run"] > 0 { // benchenv.Bench: the probe's time is a lower bound
				if c.ns == 0 {
					c.skipped = dur(ns)
				}
				continue
			}
			// Repeats (-count, or several outputs): keep the fastest, the
			// run least disturbed by the machine's other work.
			if c.ns == 0 || ns < c.ns {
				c.ns, c.metrics, c.skipped = ns, metrics, ""
			}
			continue
		}
		if m := skipLine.FindStringSubmatch(t); m != nil {
			current = m[1]
			continue
		}
		if m := benchHead.FindStringSubmatch(t); m != nil {
			current = m[1]
			continue
		}
		if m := notRun.FindStringSubmatch(t); m != nil && current != "" {
			if c := d.get(current); c.ns == 0 && c.skipped == "" {
				c.skipped = m[1]
			}
			continue
		}
		if m := fixtureLog.FindStringSubmatch(t); m != nil {
			d.fix = append(d.fix, fmt.Sprintf("| %s | %s | %s | %s | %s s | %s |", m[1], m[2], m[3], m[4], m[5], m[6]))
			continue
		}
		if m := memLog.FindStringSubmatch(t); m != nil {
			d.mem = append(d.mem, fmt.Sprintf("| %s | %s | %s | %s MB | %s MB | %s | %s |", m[1], m[2], m[3], m[4], m[5], orDash(m[6], " MB"), orDash(m[7], " MB")))
		}
	}
	return d
}

func orDash(s, unit string) string {
	if s == "" {
		return "–"
	}
	return s + unit
}

func main() {
	tables := flag.String("tables", "baseline,indexload,api,growth,fixtures", "comma-separated tables to print")
	flag.Parse()
	d := parse(os.Stdin)
	for _, t := range strings.Split(*tables, ",") {
		switch strings.TrimSpace(t) {
		case "baseline":
			baseline(d)
		case "indexload":
			indexLoad(d)
		case "api":
			api(d)
		case "growth":
			growth(d)
		case "fixtures":
			fixtures(d)
		case "":
		default:
			fmt.Fprintf(os.Stderr, "ratios: unknown table %q\n", t)
			os.Exit(2)
		}
	}
}

// split returns the parts of a benchmark name after its prefix.
func split(name, prefix string) ([]string, bool) {
	if !strings.HasPrefix(name, prefix+"/") {
		return nil, false
	}
	return strings.Split(strings.TrimPrefix(name, prefix+"/"), "/"), true
}

var baselineImpls = []string{"map", "index", "cayley-raw", "cayley-path", "store"}

func baseline(d *data) {
	type key struct{ size, backend, op string }
	var order []key
	seen := map[key]bool{}
	for _, n := range d.order {
		p, ok := split(n, "BenchmarkBaseline")
		if !ok || len(p) != 4 {
			continue
		}
		k := key{p[0], p[1], p[2]}
		if !seen[k] {
			seen[k] = true
			order = append(order, k)
		}
	}
	if len(order) == 0 {
		return
	}
	fmt.Println("| quads | backend | question | " + strings.Join(baselineImpls, " | ") + " | index/map | raw/map | path/map | store/map |")
	fmt.Println("|---|---|---|" + strings.Repeat("---|", len(baselineImpls)+4))
	for _, k := range order {
		c := func(impl string) *cell {
			return d.cells[fmt.Sprintf("BenchmarkBaseline/%s/%s/%s/%s", k.size, k.backend, k.op, impl)]
		}
		row := []string{k.size, k.backend, k.op}
		for _, i := range baselineImpls {
			row = append(row, show(c(i)))
		}
		for _, i := range []string{"index", "cayley-raw", "cayley-path", "store"} {
			row = append(row, ratioCells(c(i), c("map")))
		}
		fmt.Println("| " + strings.Join(row, " | ") + " |")
	}
	fmt.Println()
}

func indexLoad(d *data) {
	var rows []string
	for _, n := range d.order {
		var how string
		var p []string
		// BenchmarkIndexLoad (bench): size/backend/how (dump or scans).
		q, ok := split(n, "BenchmarkIndexLoad")
		if !ok || len(q) != 3 {
			continue
		}
		how, p = q[2], q[:2]
		c := d.cells[n]
		heap := "–"
		if v, ok := c.metrics["MB-heap"]; ok {
			heap = fmt.Sprintf("%.1f MB", v)
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s |", p[0], p[1], how, show(c), heap))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Println("| quads | backend | read through | index load | index heap |")
	fmt.Println("|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
	fmt.Println()
}

// api prints, per size, one table with a row per layer and method and, per
// backend, the direct and indexed time and their ratio.
func api(d *data) {
	sizes := []string{}
	backends := map[string][]string{}
	rows := map[string][]row{}
	seenRow := map[string]map[row]bool{}
	var floor *cell
	for _, n := range d.order {
		if n == "BenchmarkHTTP/floor/hello" {
			floor = d.cells[n]
			continue
		}
		var layer string
		var p []string
		for _, l := range []string{"Store", "Query", "HTTP"} {
			if q, ok := split(n, "Benchmark"+l); ok && len(q) == 4 {
				layer, p = l, q
			}
		}
		if layer == "" {
			continue
		}
		size, backend, method := p[0], p[1], p[3]
		if _, ok := rows[size]; !ok {
			sizes = append(sizes, size)
			seenRow[size] = map[row]bool{}
		}
		if !contains(backends[size], backend) {
			backends[size] = append(backends[size], backend)
		}
		r := row{layer, method}
		if !seenRow[size][r] {
			seenRow[size][r] = true
			rows[size] = append(rows[size], r)
		}
	}
	for _, size := range sizes {
		bs := backends[size]
		rank := map[string]int{"memory": 1, "bbolt": 2, "postgres": 3}
		sort.SliceStable(bs, func(i, j int) bool { return rank[bs[i]] < rank[bs[j]] })
		head := "| quads | layer | method / query |"
		sep := "|---|---|---|"
		for _, b := range bs {
			head += fmt.Sprintf(" %s direct | %s index | %s direct/index |", b, b, b)
			sep += "---|---|---|"
		}
		fmt.Println(head)
		fmt.Println(sep)
		if floor != nil && anyLayer(rows[size], "HTTP") {
			line := fmt.Sprintf("| %s | HTTP | floor hello | %s |", size, show(floor))
			line += strings.Repeat(" |", len(bs)*3-1)
			fmt.Println(line)
		}
		for _, r := range rows[size] {
			line := fmt.Sprintf("| %s | %s | %s |", size, r.layer, r.method)
			for _, b := range bs {
				dc := d.cells[fmt.Sprintf("Benchmark%s/%s/%s/direct/%s", r.layer, size, b, r.method)]
				ic := d.cells[fmt.Sprintf("Benchmark%s/%s/%s/index/%s", r.layer, size, b, r.method)]
				line += fmt.Sprintf(" %s | %s | %s |", show(dc), show(ic), ratioCells(dc, ic))
			}
			fmt.Println(line)
		}
		fmt.Println()
	}
}

// row is one layer and method of the api table.
type row struct{ layer, method string }

func anyLayer(rs []row, l string) bool {
	for _, r := range rs {
		if r.layer == l {
			return true
		}
	}
	return false
}

// growth prints, for every cell measured at more than one size, its time
// at each size and the ratio of the largest size to the smallest.
func growth(d *data) {
	type key struct{ prefix, backend, rest string }
	var order []key
	bySize := map[key]map[string]*cell{}
	allSizes := map[string]bool{}
	for _, n := range d.order {
		parts := strings.Split(n, "/")
		if len(parts) < 4 || !isSize(parts[1]) {
			continue
		}
		switch parts[0] {
		case "BenchmarkBaseline", "BenchmarkStore", "BenchmarkQuery", "BenchmarkHTTP":
		default:
			continue
		}
		k := key{strings.TrimPrefix(parts[0], "Benchmark"), parts[2], strings.Join(parts[3:], "/")}
		if bySize[k] == nil {
			bySize[k] = map[string]*cell{}
			order = append(order, k)
		}
		bySize[k][parts[1]] = d.cells[n]
		allSizes[parts[1]] = true
	}
	var sizes []string
	for s := range allSizes {
		sizes = append(sizes, s)
	}
	sort.Slice(sizes, func(i, j int) bool { return sizeOf(sizes[i]) < sizeOf(sizes[j]) })
	if len(sizes) < 2 {
		return
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].prefix != order[j].prefix {
			return order[i].prefix < order[j].prefix
		}
		return order[i].backend < order[j].backend
	})
	fmt.Println("| bench | backend | cell | " + strings.Join(sizes, " | ") + " | growth " + sizes[0] + "→" + sizes[len(sizes)-1] + " |")
	fmt.Println("|---|---|---|" + strings.Repeat("---|", len(sizes)+1))
	for _, k := range order {
		if len(bySize[k]) < 2 {
			continue
		}
		row := []string{k.prefix, k.backend, k.rest}
		var first, last *cell
		for _, s := range sizes {
			c := bySize[k][s]
			row = append(row, show(c))
			if c != nil && c.ns > 0 {
				if first == nil {
					first = c
				}
				last = c
			}
		}
		g := "–"
		if first != nil && last != nil && first != last {
			g = fmt.Sprintf("%.0f×", last.ns/first.ns)
			if last.ns/first.ns < 10 {
				g = fmt.Sprintf("%.1f×", last.ns/first.ns)
			}
		}
		row = append(row, g)
		fmt.Println("| " + strings.Join(row, " | ") + " |")
	}
	fmt.Println()
}

func fixtures(d *data) {
	if len(d.fix) > 0 {
		fmt.Println("| quads | backend | quads loaded | loader | took | quads/s |")
		fmt.Println("|---|---|---|---|---|---|")
		for _, l := range d.fix {
			fmt.Println(l)
		}
		fmt.Println()
	}
	if len(d.mem) > 0 {
		fmt.Println("| quads | backend | after | Go heap | VmRSS | RssAnon | RssFile |")
		fmt.Println("|---|---|---|---|---|---|---|")
		for _, l := range d.mem {
			fmt.Println(l)
		}
		fmt.Println()
	}
}

func isSize(s string) bool { return sizeOf(s) > 0 }

func sizeOf(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return v
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func show(c *cell) string {
	switch {
	case c == nil:
		return "–"
	case c.skipped != "":
		return "> " + c.skipped + " (not run)"
	}
	return dur(c.ns)
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

// ratioCells is a/b; a skipped a gives "> x×" against b.
func ratioCells(a, b *cell) string {
	if a == nil || b == nil || b.ns == 0 {
		return "–"
	}
	if a.skipped != "" {
		return "–"
	}
	return ratio(a.ns, b.ns)
}

func ratio(a, b float64) string {
	if a == 0 || b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f×", a/b)
}
