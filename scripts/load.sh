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
# KG_LOAD_CACHE ("on off": kg serve with its response cache, then with
# KG_RESPONSE_CACHE_BYTES=-1), KG_LOAD_PORT / KG_LOAD_FLOOR_PORT (18080 / 18181),
# KG_LOAD_OUT (directory for bodies, logs, wrk's RESULT lines (runs.log, with socket
# and status errors apart) and results; default a temp dir).
# Prints a markdown table: req/s, p50, p99, errors, RSS of kg serve after each run,
# the share of the run's requests answered from the response cache (from
# kg serve's /metrics; "–" when the server reports no cache), and the ratio of
# each kg run to the floor at the same connection count. Every body of a
# workload repeats (64 variable sets), so with the cache on nearly every
# request after the warm-up is a hit: the "off" rows are the cost of executing.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${KG_LOAD_DURATION:-60s}
conns=${KG_LOAD_CONNS:-16 64}
threads=${KG_LOAD_THREADS:-2}
backend=${KG_LOAD_STORE:-bbolt}
useindex=${KG_LOAD_INDEX:-on}
cachemodes=${KG_LOAD_CACHE:-on off}
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

# start_kg MODE: kg serve on the seeded store with the response cache on or
# off; sets kgpid, ready_s and rss_ready.
start_kg() {
	local cache=()
	[ "$1" = off ] && cache=(KG_RESPONSE_CACHE_BYTES=-1)
	env "${cache[@]}" KG_INDEX=$useindex "$out/kg" serve --addr "$kgaddr" "${store_args[@]}" "${data_args[@]}" --seed never --log-level warn 2>>"$out/serve.log" &
	kgpid=$!
	pids+=($kgpid)
	ready_s=$(wait_ready "http://$kgaddr/readyz") || die "kg serve did not become ready (see $out/serve.log)"
	rss_ready=$(rss_kb $kgpid)
	log "kg serve (response cache $1) ready in ${ready_s}s, RSS $((rss_ready / 1024)) MB"
}
stop_kg() {
	kill "$kgpid"; wait "$kgpid" 2>/dev/null || true
	local keep=() p
	for p in "${pids[@]}"; do [ "$p" = "$kgpid" ] || keep+=("$p"); done
	pids=("${keep[@]}")
}

# cache_counts: "<hits> <requests>" of kg serve's response cache so far.
cache_counts() {
	curl -fsS "http://$kgaddr/metrics" | awk '
		/^kg_response_cache_requests_total/ { n += $2; if ($0 ~ /result="hit"/) h += $2 }
		END { printf "%d %d\n", h, n }'
}

set -- $cachemodes
kgmode=$1
start_kg "$kgmode"
first_ready_s=$ready_s first_rss=$rss_ready

"$out/floor" -addr "$flooraddr" 2>"$out/floor.log" &
pids+=($!)
wait_ready "http://$flooraddr/readyz" >/dev/null || die "floor did not start"
printf 'hello\t{"query":"{ hello }"}\n' >"$out/floor.tsv"

"$out/bodies" -url "http://$kgaddr/graphql" >"$out/mixed.tsv"
"$out/bodies" -url "http://$kgaddr/graphql" -only entity >"$out/entity.tsv"

# Warm up the floor (kg serve is warmed up after each start, below).
wrk -t1 -c4 -d2s -s scripts/load.lua "http://$flooraddr/graphql" -- "$out/floor.tsv" >/dev/null

results=$out/results.md
{
	echo "| run | conns | req/s | p50 ms | p99 ms | errors | kg RSS MB | cache hits | vs floor |"
	echo "|---|---|---|---|---|---|---|---|---|"
} >"$results"

run() { # name conns url bodies -> RESULT line fields
	wrk -t"$threads" -c"$2" -d"$duration" --latency -s scripts/load.lua "$3" -- "$4" 2>>"$out/wrk-errors.log" | grep "^RESULT" | tee -a "$out/runs.log"
}
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

# At each connection count: the floor, then kg serve in each cache mode
# (restarted when the mode changes and warmed up with the mixed workload).
warm=0
for c in $conns; do
	floor=$(run floor "$c" "http://$flooraddr/graphql" "$out/floor.tsv")
	frps=$(field rps "$floor")
	echo "| floor hello | $c | $frps | $(field p50_ms "$floor") | $(field p99_ms "$floor") | $(field errors "$floor") | – | – | 1.00 |" >>"$results"
	for mode in $cachemodes; do
		if [ "$mode" != "$kgmode" ]; then
			stop_kg
			kgmode=$mode
			start_kg "$kgmode"
			warm=0
		fi
		if [ $warm = 0 ]; then
			wrk -t1 -c4 -d3s -s scripts/load.lua "http://$kgaddr/graphql" -- "$out/mixed.tsv" >/dev/null
			warm=1
		fi
		for w in entity mixed; do
			read -r h0 n0 <<<"$(cache_counts)"
			r=$(run "$w" "$c" "http://$kgaddr/graphql" "$out/$w.tsv")
			read -r h1 n1 <<<"$(cache_counts)"
			hits=$(awk -v h=$((h1 - h0)) -v n=$((n1 - n0)) 'BEGIN { if (n > 0) printf "%.0f %%", 100 * h / n; else print "–" }')
			rps=$(field rps "$r")
			echo "| kg $w (cache $mode) | $c | $rps | $(field p50_ms "$r") | $(field p99_ms "$r") | $(field errors "$r") | $(($(rss_kb $kgpid) / 1024)) | $hits | $(awk -v a="$rps" -v b="$frps" 'BEGIN { printf "%.2f", a / b }') |" >>"$results"
		done
	done
done

{
	echo
	echo "kg serve ($backend, index $useindex, data: ${KG_LOAD_QUADS:-summary}): seeded in ${seed_s}s; cold start to ready ${first_ready_s}s, RSS at ready $((first_rss / 1024)) MB, after load $(($(rss_kb $kgpid) / 1024)) MB."
	echo "At each connection count the floor ran first, then kg serve per cache mode (restarted between modes); ratios are to that floor run."
	echo "wrk -t$threads, $duration per run; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ {print $2}') GB RAM, $(go version | cut -d' ' -f3)."
} >>"$results"
cat "$results"
log "results in $results"
