package query

import (
	"context"
	"fmt"

	"github.com/minhang-kg/kg/graph"
)

func exampleService() *Service {
	st := emptyStore()
	if _, err := st.ReplaceDocument(context.Background(), fixtureFacts()); err != nil {
		panic(err)
	}
	return New(st, nil)
}

func ExampleService_Search() {
	svc := exampleService()
	for _, text := range []string{"交大", "shjtdx"} {
		hits, err := svc.Search(context.Background(), text, nil, 3)
		if err != nil {
			panic(err)
		}
		for _, h := range hits {
			fmt.Printf("%s: %s (%s %s, %.2f)\n", text, h.Entity.ID, h.Match, h.Matched, h.Score)
		}
	}
	// Output:
	// 交大: org/sjtu (exact 交大, 1.00)
	// 交大: lab/ai-lab (prefix 交大人工智能实验室, 0.80)
	// 交大: org/sjtu-med (substring 上海交大医学院, 0.60)
	// shjtdx: org/sjtu (pinyin 上海交通大学, 0.30)
	// shjtdx: org/sjtu-med (pinyin 上海交通大学医学院, 0.25)
}

func ExampleService_Partners() {
	svc := exampleService()
	ps, err := svc.Partners(context.Background(), "org/sjtu", 10, graph.Span{})
	if err != nil {
		panic(err)
	}
	for _, p := range ps {
		inferred := 0
		for _, r := range p.Relations {
			if r.Inferred {
				inferred++
			}
		}
		fmt.Printf("%s–%s strength %d via %v, %d relations (%d inferred)\n", p.A, p.B, p.Strength, p.Via, len(p.Relations), inferred)
	}
	// Output:
	// org/sjtu–org/ecnu strength 2 via [place/dalinghaowan], 4 relations (1 inferred)
	// org/sjtu–org/mh-stc strength 2 via [event/sci-fest place/dalinghaowan], 6 relations (2 inferred)
}

func ExampleService_Paths() {
	svc := exampleService()
	ps, err := svc.Paths(context.Background(), "org/sjtu", "co/chain-x", 4, 10, graph.Span{})
	if err != nil {
		panic(err)
	}
	for _, p := range ps {
		fmt.Print(p.Nodes[0])
		for i, r := range p.Relations {
			fmt.Printf(" -%s- %s", r.Predicate, p.Nodes[i+1])
		}
		fmt.Println()
	}
	// Output:
	// org/sjtu -part_of- lab/ai-lab -located_in- place/minhang -lands_in- co/chain-x
	// org/sjtu -co_builds- place/dalinghaowan -located_in- place/minhang -lands_in- co/chain-x
}
