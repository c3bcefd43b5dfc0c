#!/usr/bin/env bash
# Fault trial: kill -9 during seeding at random points. The stored graph
# must always be exactly the old one or the new one, and the store must
# open afterwards.
#
#   scripts/faults/kill-seed.sh                  # bbolt, 20 kills, 1e3-quad graphs
#   KG_FAULT_STORE=postgres scripts/faults/kill-seed.sh   # needs KG_TEST_PG_DSN (scripts/pg.sh start)
#   KG_FAULT_KILLS=50 KG_FAULT_QUADS=1e5 scripts/faults/kill-seed.sh
#
# Two synthetic datasets of the same document (kg gen, seeds 1 and 2) are
# the old and the new graph. Each trial starts `kg seed --data NEW` on a
# store holding OLD, kills it with SIGKILL after a random delay in
# [0, 1.5 × the measured seed time], and compares the digest of the stored
# graph with both. After a trial that ended with NEW, OLD is seeded again.
source "$(dirname "$0")/common.sh"

kills=${KG_FAULT_KILLS:-20}
quads=${KG_FAULT_QUADS:-1e3}
backend=${KG_FAULT_STORE:-bbolt}
work=$(mktemp -d "${TMPDIR:-/tmp}/kg-kill.XXXXXX")
trap 'rm -rf "$work"' EXIT
build_kg "$work"
kg=$work/kg

case $backend in
bbolt) store=(--store bbolt --path "$work/kg.db") ;;
postgres) store=(--store postgres --dsn "${KG_TEST_PG_DSN:?set KG_TEST_PG_DSN (scripts/pg.sh start)}") ;;
*) die "KG_FAULT_STORE: bbolt or postgres" ;;
esac

"$kg" gen --quads "$quads" --seed 1 --out "$work/old" --log-level error >/dev/null
"$kg" gen --quads "$quads" --seed 2 --out "$work/new" --log-level error >/dev/null
seed() { "$kg" seed "${store[@]}" --data "$1" --log-level error >/dev/null; }

seed "$work/new"
new=$(graph_digest "$kg" "${store[@]}")
seed "$work/old"
old=$(graph_digest "$kg" "${store[@]}")
[ "$old" != "$new" ] || die "old and new graphs have the same digest"
t0=$(now_ms)
seed "$work/new"
span=$(($(now_ms) - t0))
seed "$work/old"
log "$backend, $quads quads: a seed takes ${span} ms; old=$old new=$new"

n_old=0 n_new=0
for i in $(seq 1 "$kills"); do
	delay=$((RANDOM % (span * 15 / 10 + 1)))
	"$kg" seed "${store[@]}" --data "$work/new" --log-level error >/dev/null 2>&1 &
	pid=$!
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	got=$(graph_digest "$kg" "${store[@]}") || die "trial $i (kill at ${delay} ms): the store no longer opens"
	case $got in
	"$old") n_old=$((n_old + 1)); state=old ;;
	"$new") n_new=$((n_new + 1)); state=new; seed "$work/old" ;;
	*) die "trial $i (kill at ${delay} ms): the graph is neither the old nor the new one (digest $got)" ;;
	esac
	log "trial $i: killed at ${delay} ms -> $state graph"
done
echo "kill-seed ($backend, $quads quads, seed ${span} ms): $kills kills, $n_old left the old graph, $n_new the new one, 0 corrupt or mixed"
