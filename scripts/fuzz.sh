#!/usr/bin/env bash
# Runs the fuzz targets one after another (see RELIABILITY.md, "Fuzzing"):
#
#   scripts/fuzz.sh                 # every target, 150 s each
#   KG_FUZZ_TIME=10m scripts/fuzz.sh FuzzParse FuzzGraphQLArgs
#
# Environment: KG_FUZZ_TIME (default 150s), KG_FUZZ_PARALLEL (default 1),
# KG_FUZZ_MINIMIZE (default 2000x).
#
# -fuzzminimizetime is bounded by a count on purpose: with Go's default
# (60 s) the minimisation of a new interesting input of a few KB (O(n²)
# candidate executions) runs into the coordinator's 60 s deadline, the
# worker is killed and restarted and every execution it made is dropped
# from the count, which shows as minutes of "0/sec". A count limit ends the
# minimisation inside the worker instead.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A pkg=(
	[FuzzParse]=./seed
	[FuzzNormalize]=./graph/query
	[FuzzPartnershipCursor]=./graph/query
	[FuzzDecodeCursor]=./resolvers
	[FuzzGraphQLArgs]=./server
)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(FuzzParse FuzzNormalize FuzzPartnershipCursor FuzzDecodeCursor FuzzGraphQLArgs)

for t in "${targets[@]}"; do
	p=${pkg[$t]:-}
	[ -n "$p" ] || {
		echo "fuzz.sh: unknown target $t" >&2
		exit 2
	}
	echo "fuzz.sh: $t in $p" >&2
	go test "$p" -run '^$' -fuzz "^$t\$" -fuzztime "${KG_FUZZ_TIME:-150s}" \
		-fuzzminimizetime "${KG_FUZZ_MINIMIZE:-2000x}" -parallel "${KG_FUZZ_PARALLEL:-1}"
done
