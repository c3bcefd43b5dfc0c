package resolvers

import (
	"github.com/minhang-kg/kg/graph"
	"github.com/minhang-kg/kg/resolvers/generated"
	"github.com/minhang-kg/kg/resolvers/model"
)

// Complexity of a field is 1 plus the complexity of its selection; list
// fields whose size the client chooses multiply their selection by that size
// (`first`, `limit`; paths by first × (maxHops+1) nodes). Fields not listed
// here cost 1 + their selection (gqlgen's default).
func complexity() generated.ComplexityRoot {
	var c generated.ComplexityRoot

	c.Query.Entities = func(child int, _ *graph.Kind, _ []graph.Kind, _ *model.AttributeFilter, _ *string, first *int, _ *string) int {
		return list(child, first, 20)
	}
	c.Query.Search = func(child int, _ string, _ []graph.Kind, first *int) int { return list(child, first, 10) }
	c.Query.Partners = func(child int, _ string, _ *string, first *int) int { return list(child, first, 50) }
	c.Query.Partnerships = func(child int, _ []graph.Kind, _ *string, first *int, _ *string) int {
		return list(child, first, 50)
	}
	c.Query.Paths = func(child int, _, _ string, maxHops *int, first *int, _ *string) int {
		hops := intArg(maxHops, 4) + 1
		return list(list(child, &hops, 1), first, 3)
	}
	c.Query.Subgraph = func(child int, _ []string, _ *int, _ []graph.Kind, limit *int, _ *string) int {
		return list(child, limit, 300)
	}
	c.Query.Indicators = func(child int, _, _, _ *string, first *int) int { return list(child, first, 100) }
	c.Query.AuditLog = func(child int, first *int) int { return list(child, first, 50) }
	c.Entity.Relations = func(child int, _ *model.Direction, _ []string, _ *string, first *int, _ *string) int {
		return list(child, first, 20)
	}
	c.Changes.Began = func(child int, first *int, _ *string) int { return list(child, first, 50) }
	c.Changes.Ended = func(child int, first *int, _ *string) int { return list(child, first, 50) }
	c.Changes.PartnershipsBegan = func(child int, first *int, _ *string) int { return list(child, first, 50) }
	c.Changes.PartnershipsEnded = func(child int, first *int, _ *string) int { return list(child, first, 50) }
	c.Entity.Partners = func(child int, first *int, _ *string) int { return list(child, first, 50) }
	c.Stats.TopConnected = func(child int, first *int) int { return list(child, first, 10) }
	// A whole source text: count it like a page of results.
	c.Document.Text = func(child int) int { return 20 }
	return c
}

// list is the cost of a list of n (first, or def when absent) items of
// complexity child; bounded so the sum cannot overflow.
func list(child int, first *int, def int) int {
	const maxN, maxChild = 1 << 20, 1 << 30
	n := intArg(first, def)
	n = max(1, min(n, maxN))
	child = max(1, min(child, maxChild))
	return 1 + n*child
}
