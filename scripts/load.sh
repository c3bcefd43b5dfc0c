#!/usr/bin/env bash
# HTTP load test: a mixed workload of the GraphQL contract's queries against
# kg serve, and the entity-with-relations query alone, next to the GraphQL
# floor (bench/floor: gqlgen, type Query { hello: String! }) measured in the
# same run, with wrk (Debian package wrk) at each connection count.
#
#   scripts/load.sh                         # the summary dataset, bbolt, 60 s at 16 and 64 connections
#   KG_LOAD_QUADS=1e5 scripts/load.sh       # a synthetic graph of 1e5 quads instead (kg gen)
#   KG_LOAD_DURATION=10s KG_LOAD_CONNS="16" scripts/load.sh   # a quick run
#
# Environment: KG_LOAD_DURATION (60s), KG_LOAD_CONNS ("16 64"), KG_LOAD_THREADS (2),
# KG_LOAD_STORE (bbolt), KG_LOAD_INDEX (on), KG_LOAD_QUADS (unset: the summary dataset),
# KG_LOAD_OUT (directory for bodies, logs and results; default a temp dir).
# Prints a markdown table: req/s, p50, p99, errors, RSS of kg serve after each run,
# and the ratio of each kg run to the floor at the same connection count.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${KG_LOAD_DURATION:-60s}
conns=${KG_LOAD_CONNS:-16 64}
threads=${KG_LOAD_THREADS:-2}
backend=${KG_LOAD_STORE:-bbolt}
useindex=${KG_LOAD_INDEX:-on}
out=${KG_LOAD_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/kg-load.XXXXXX")}
kgaddr=127.0.0.1:${KG_LOAD_PORT:-18080}
flooraddr=127.0.0.1:${KG_LOAD_FLOOR_PORT:-18181}
mkdir -p "$out"

log() { printf 'load.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

command -v wrk >/dev/null || {
	[ "$(id -u)" = 0 ] || die "wrk not found: apt-get install wrk"
	log "installing wrk"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2 || {
		apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
	}
}

log "building kg and the floor into $out"
go build -o "$out/kg" ./cmd/kg
go build -o "$out/floor" ./bench/floor/cmd/floor
go build -o "$out/bodies" ./bench/workload/cmd/bodies

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# wait_ready URL: polls until 200; prints the seconds it took.
wait_ready() {
	local url=$1 t0 now
	t0=$(date +%s.%N)
	for _ in $(seq 1 3000); do
		if curl -fsS -o /dev/null "$url" 2>/dev/null; then
			now=$(date +%s.%N)
			awk -v a="$now" -v b="$t0" 'BEGIN { printf "%.2f\n", a - b }'
			return 0
		fi
		sleep 0.02
	done
	return 1
}

data_args=()
if [ -n "${KG_LOAD_QUADS:-}" ]; then
	"$out/kg" gen --quads "$KG_LOAD_QUADS" --seed 1 --out "$out/data" >&2
	data_args=(--data "$out/data")
fi
store_args=(--store "$backend")
case $backend in
bbolt) store_args+=(--path "$out/kg.db") ;;
postgres) store_args+=(--dsn "${KG_TEST_PG_DSN:?KG_TEST_PG_DSN must be set for postgres}") ;;
esac

# 1. Seed (kg serve seeds an empty store), then restart to measure a cold
#    start on a seeded store: ready time and RSS.
log "seeding ($backend)"
KG_INDEX=$useindex "$out/kg" serve --addr "$kgaddr" "${store_args[@]}" "${data_args[@]}" --log-level warn 2>"$out/serve-seed.log" &
pids+=($!)
seed_s=$(wait_ready "http://$kgaddr/readyz") || die "kg serve did not become ready (see $out/serve-seed.log)"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'
log "seeded in ${seed_s}s"

KG_INDEX=$useindex "$out/kg" serve --addr "$kgaddr" "${store_args[@]}" "${data_args[@]}" --seed never --log-level warn 2>"$out/serve.log" &
kgpid=$!
pids+=($kgpid)
ready_s=$(wait_ready "http://$kgaddr/readyz") || die "kg serve did not become ready (see $out/serve.log)"
rss_ready=$(rss_kb $kgpid)
log "kg serve ready in ${ready_s}s, RSS $((rss_ready / 1024)) MB"

"$out/floor" -addr "$flooraddr" 2>"$out/floor.log" &
pids+=($!)
wait_ready "http://$flooraddr/readyz" >/dev/null || die "floor did not start"
printf 'hello\t{"query":"{ hello }"}\n' >"$out/floor.tsv"

"$out/bodies" -url "http://$kgaddr/graphql" >"$out/mixed.tsv"
"$out/bodies" -url "http://$kgaddr/graphql" -only entity >"$out/entity.tsv"

# Warm up both servers (query caches, derived indexes).
wrk -t1 -c4 -d3s -s scripts/load.lua "http://$kgaddr/graphql" -- "$out/mixed.tsv" >/dev/null
wrk -t1 -c4 -d2s -s scripts/load.lua "http://$flooraddr/graphql" -- "$out/floor.tsv" >/dev/null

results=$out/results.md
{
	echo "| run | conns | req/s | p50 ms | p99 ms | errors | kg RSS MB | vs floor |"
	echo "|---|---|---|---|---|---|---|---|"
} >"$results"

run() { # name conns url bodies -> RESULT line fields
	wrk -t"$threads" -c"$2" -d"$duration" --latency -s scripts/load.lua "$3" -- "$4" 2>>"$out/wrk-errors.log" | grep '^RESULT'
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

for c in $conns; do
	floor=$(run floor "$c" "http://$flooraddr/graphql" "$out/floor.tsv")
	frps=$(field rps "$floor")
	echo "| floor hello | $c | $frps | $(field p50_ms "$floor") | $(field p99_ms "$floor") | $(field errors "$floor") | – | 1.00 |" >>"$results"
	for w in entity mixed; do
		r=$(run "$w" "$c" "http://$kgaddr/graphql" "$out/$w.tsv")
		rps=$(field rps "$r")
		echo "| kg $w | $c | $rps | $(field p50_ms "$r") | $(field p99_ms "$r") | $(field errors "$r") | $(($(rss_kb $kgpid) / 1024)) | $(awk -v a="$rps" -v b="$frps" 'BEGIN { printf "%.2f", a / b }') |" >>"$results"
	done
done

{
	echo
	echo "kg serve ($backend, index $useindex, data: ${KG_LOAD_QUADS:-summary}): seeded in ${seed_s}s; cold start to ready ${ready_s}s, RSS at ready $((rss_ready / 1024)) MB, after load $(($(rss_kb $kgpid) / 1024)) MB."
	echo "wrk -t$threads, $duration per run; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(go version | cut -d' ' -f3)."
} >>"$results"
cat "$results"
log "results in $results"
