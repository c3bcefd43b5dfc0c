package seed

import (
	"fmt"
	"testing"

	"github.com/minhang-kg/kg/internal/synth"
)

// BenchmarkCheck parses and validates generated datasets of growing size
// (what kg check and every seed do before writing).
func BenchmarkCheck(b *testing.B) {
	for _, quads := range []int{10_000, 100_000} {
		dir := b.TempDir()
		if _, err := synth.WriteDataset(dir, synth.MustGenerate(synth.Config{Quads: quads, Seed: 1}), synth.WriteOptions{}); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("quads=%d", quads), func(b *testing.B) {
			for b.Loop() {
				rep, err := Check(dir)
				if err != nil {
					b.Fatal(err)
				}
				if !rep.OK() {
					b.Fatalf("generated dataset has problems:\n%s", text(rep))
				}
			}
		})
	}
}
