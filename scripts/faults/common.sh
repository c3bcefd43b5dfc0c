# Shared helpers of the fault scripts (sourced).
set -euo pipefail
log() { printf '%s: %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "FAIL: $*"; exit 1; }

# build_kg DIR: builds the kg binary into DIR.
build_kg() {
	(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && go build -o "$1/kg" ./cmd/kg)
}

# graph_digest KG STORE-ARGS...: a digest of the stored graph (N-Quads,
# sorted, without the store-internal generation quad). Fails if the store
# cannot be opened or exported.
graph_digest() {
	local kg=$1
	shift
	"$kg" export "$@" --format nquads --log-level error | grep -v 'graph/meta> \.$' | LC_ALL=C sort | sha256sum | cut -c1-16
}

now_ms() { date +%s%3N; }
