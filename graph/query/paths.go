package query

import (
	"context"
	"fmt"
	"slices"

	"github.com/minhang-kg/kg/graph"
)

// Path is a walk from one entity to another. Relations[i] links Nodes[i] and
// Nodes[i+1] (in either direction).
type Path struct {
	Nodes     []string
	Relations []*graph.Relation
}

// Paths returns the shortest paths between from and to, ignoring relation
// direction, of at most maxHops hops (1..6), at most first (1..100) of them,
// in lexicographic order of their node IDs. Paths are distinct node
// sequences; where two entities are linked by several relations, the hop
// uses the one with the smallest ID. No path within maxHops gives an empty
// result, not an error; an unknown endpoint is an error wrapping
// graph.ErrNotFound. from == to gives the one path of no hops. With at
// (not the zero Span), only relations that hold at at are walked.
//
// The search is a bidirectional breadth-first search that reads a whole
// frontier per store call: at most maxHops+2 store calls in all.
func (s *Service) Paths(ctx context.Context, from, to string, maxHops, first int, at graph.Span) ([]Path, error) {
	if err := checkRange("maxHops", maxHops, 1, MaxPathHops); err != nil {
		return nil, err
	}
	if err := checkRange("first", first, 1, MaxFirst); err != nil {
		return nil, err
	}
	if from == "" {
		return nil, argErr("from", "must not be empty")
	}
	if to == "" {
		return nil, argErr("to", "must not be empty")
	}
	ents, err := s.store.Entities(ctx, []string{from, to})
	if err != nil {
		return nil, fmt.Errorf("query: paths: read endpoints: %w", err)
	}
	if ents[0] == nil {
		return nil, fmt.Errorf("query: paths: from %q: %w", from, graph.ErrNotFound)
	}
	if ents[1] == nil {
		return nil, fmt.Errorf("query: paths: to %q: %w", to, graph.ErrNotFound)
	}
	if from == to {
		return []Path{{Nodes: []string{from}, Relations: []*graph.Relation{}}}, nil
	}

	fw := newBFSSide(from)
	bw := newBFSSide(to)
	var meet []string
	for fw.depth+bw.depth < maxHops {
		if len(fw.frontier) == 0 || len(bw.frontier) == 0 {
			return []Path{}, nil
		}
		side, other := fw, bw
		if len(bw.frontier) < len(fw.frontier) {
			side, other = bw, fw
		}
		nb, err := s.neighbors(ctx, side.frontier, at)
		if err != nil {
			return nil, fmt.Errorf("query: paths: neighbours at depth %d: %w", side.depth+1, err)
		}
		side.expand(nb)
		for _, v := range side.frontier {
			if _, ok := other.dist[v]; ok {
				meet = append(meet, v)
			}
		}
		if len(meet) > 0 {
			break
		}
	}
	if len(meet) == 0 {
		return []Path{}, nil
	}

	nodeSeqs := enumeratePaths(fw, bw, meet, first)
	return s.pathRelations(ctx, nodeSeqs, at)
}

// bfsSide is one half of the bidirectional search.
type bfsSide struct {
	root     string
	dist     map[string]int
	parents  map[string][]string // node → its neighbours one step nearer the root, sorted
	frontier []string            // nodes at depth, sorted
	depth    int
}

func newBFSSide(root string) *bfsSide {
	return &bfsSide{root: root, dist: map[string]int{root: 0}, parents: map[string][]string{}, frontier: []string{root}}
}

// expand moves the frontier one level out, given the neighbours of every
// frontier node.
func (b *bfsSide) expand(nb map[string][]string) {
	d := b.depth + 1
	var next []string
	for _, u := range b.frontier {
		for _, v := range nb[u] {
			if dv, ok := b.dist[v]; ok && dv < d {
				continue
			} else if !ok {
				b.dist[v] = d
				next = append(next, v)
			}
			b.parents[v] = append(b.parents[v], u)
		}
	}
	for _, v := range next {
		slices.Sort(b.parents[v])
		b.parents[v] = slices.Compact(b.parents[v])
	}
	slices.Sort(next)
	b.frontier = next
	b.depth = d
}

// enumeratePaths lists, in lexicographic order, up to first node sequences
// of the shortest paths: from the forward root down the forward tree to a
// meeting node, then up the backward tree to the backward root.
func enumeratePaths(fw, bw *bfsSide, meet []string, first int) [][]string {
	meetDepth := fw.dist[meet[0]] // the same for every meeting node
	// Forward nodes that lead to a meeting node, with their children.
	children := map[string][]string{}
	useful := map[string]bool{}
	stack := slices.Clone(meet)
	for _, m := range meet {
		useful[m] = true
	}
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, u := range fw.parents[v] {
			children[u] = append(children[u], v)
			if !useful[u] {
				useful[u] = true
				stack = append(stack, u)
			}
		}
	}
	for u := range children {
		slices.Sort(children[u])
		children[u] = slices.Compact(children[u])
	}
	length := meetDepth + bw.dist[meet[0]]
	var out [][]string
	seq := make([]string, 0, length+1)
	var walk func(v string)
	walk = func(v string) {
		if len(out) >= first {
			return
		}
		seq = append(seq, v)
		defer func() { seq = seq[:len(seq)-1] }()
		if len(seq) == length+1 {
			out = append(out, slices.Clone(seq))
			return
		}
		next := children[v]
		if len(seq)-1 >= meetDepth {
			next = bw.parents[v]
		}
		for _, w := range next {
			walk(w)
		}
	}
	walk(fw.root)
	return out
}

// pathRelations picks, with one batched read, the relation (holding at at)
// for every hop.
func (s *Service) pathRelations(ctx context.Context, seqs [][]string, at graph.Span) ([]Path, error) {
	var nodes []string
	for _, seq := range seqs {
		nodes = append(nodes, seq...)
	}
	slices.Sort(nodes)
	nodes = slices.Compact(nodes)
	rels, err := s.RelationsOf(ctx, nodes, graph.RelationFilter{}, at)
	if err != nil {
		return nil, fmt.Errorf("query: paths: %w", err)
	}
	between := func(u, v string) *graph.Relation {
		var best *graph.Relation
		for _, r := range rels[u] {
			if (r.Subject == u && r.Object == v || r.Subject == v && r.Object == u) && (best == nil || r.ID < best.ID) {
				best = r
			}
		}
		return best
	}
	out := make([]Path, 0, len(seqs))
next:
	for _, seq := range seqs {
		p := Path{Nodes: seq, Relations: make([]*graph.Relation, 0, len(seq)-1)}
		for i := 0; i+1 < len(seq); i++ {
			r := between(seq[i], seq[i+1])
			if r == nil { // removed since the search read it
				s.log.WarnContext(ctx, "query: path hop has no relation any more", "from", seq[i], "to", seq[i+1])
				continue next
			}
			p.Relations = append(p.Relations, r)
		}
		out = append(out, p)
	}
	return out, nil
}
