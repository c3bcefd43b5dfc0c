#!/usr/bin/env bash
# Fault trial: PostgreSQL stopped and restarted while two kg serve replicas
# serve it. /readyz must go red while the database is down and green again
# after, no replica may crash, no acknowledged write may be lost, and a
# write through one replica must show through the other.
#
#   scripts/faults/pg-restart.sh       # as root; runs its own cluster (KG_PG_DIR), not the shared one
#
# A writer upserts curation entities through replica A every 100 ms (each
# acknowledged ID is recorded), a reader queries replica B; the database is
# stopped for KG_FAULT_DOWN seconds (default 5) and started again.
source "$(dirname "$0")/common.sh"
cd "$(dirname "$0")/../.."

down=${KG_FAULT_DOWN:-5}
work=$(mktemp -d "${TMPDIR:-/tmp}/kg-pgfault.XXXXXX")
export KG_PG_DIR=${KG_PG_DIR:-${TMPDIR:-/tmp}/kg-pgfault-$$}
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	scripts/pg.sh stop >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
eval "$(scripts/pg.sh start)"
dsn=$KG_TEST_PG_DSN
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
port=$(sed -n 's/.*127.0.0.1:\([0-9]*\).*/\1/p' <<<"$dsn")
pg() { runuser -u postgres -- "$pgbin/pg_ctl" -D "$KG_PG_DIR/data" "$@"; }
build_kg "$work"
kg=$work/kg
token=fault-test-token

serve() { # name addr; sets $last_pid
	KG_ADMIN_TOKEN=$token "$kg" serve --addr "$2" --store postgres --dsn "$dsn" --index-poll 200ms --log-level warn >/dev/null 2>"$work/$1.log" &
	last_pid=$!
	pids+=("$last_pid")
}
ready() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$1/readyz" || true; }
wait_code() { # addr code seconds
	for _ in $(seq 1 $(($3 * 20))); do
		[ "$(ready "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}
gql() { # addr json -> response body
	curl -s --max-time 5 -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d "$2" "http://$1/graphql" || true
}

A=127.0.0.1:18281 B=127.0.0.1:18282
serve a $A
pa=$last_pid
wait_code $A 200 60 || die "replica A not ready (see $work/a.log)"
serve b $B
pb=$last_pid
wait_code $B 200 60 || die "replica B not ready (see $work/b.log)"
log "two replicas ready on one PostgreSQL store"

# Writer: upsert entities through A, record the acknowledged ones.
: >"$work/acked"
(
	i=0
	while [ ! -f "$work/stop" ]; do
		i=$((i + 1))
		id="org/fault-$i"
		body=$(printf '{"query":"mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }","variables":{"in":{"id":"%s","kind":"INSTITUTION","name":"故障测试机构%d","evidence":[{"url":"https://example.org/fault","note":"fault trial"}]}}}' "$id" "$i")
		r=$(gql $A "$body")
		if grep -q "\"id\":\"$id\"" <<<"$r" && ! grep -q '"errors"' <<<"$r"; then
			echo "$id" >>"$work/acked"
		else
			echo "$i $r" >>"$work/rejected"
		fi
		sleep 0.1
	done
) &
pids+=($!)
# Reader: entity queries through B.
(
	while [ ! -f "$work/stop" ]; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Content-Type: application/json' \
			-d '{"query":"{ stats { entities relations } }"}' "http://$B/graphql" || echo 000)
		echo "$code" >>"$work/reads"
		sleep 0.05
	done
) &
pids+=($!)

sleep 2
log "stopping PostgreSQL for ${down}s"
pg -m fast -w stop >/dev/null
t0=$(now_ms)
wait_code $A 503 20 || die "replica A /readyz did not go red with the database down"
wait_code $B 503 20 || die "replica B /readyz did not go red with the database down"
red_ms=$(($(now_ms) - t0))
log "/readyz red on both replicas after ${red_ms} ms"
sleep "$down"
kill -0 "$pa" && kill -0 "$pb" || die "a replica died while the database was down"
pg -l "$KG_PG_DIR/server.log" -w -t 60 -o "-p $port -k $KG_PG_DIR/sock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
t0=$(now_ms)
wait_code $A 200 60 || die "replica A did not recover"
wait_code $B 200 60 || die "replica B did not recover"
green_ms=$(($(now_ms) - t0))
log "/readyz green again on both replicas ${green_ms} ms after the restart"
sleep 3
touch "$work/stop"
sleep 1
kill -0 "$pa" && kill -0 "$pb" || die "a replica died"

acked=$(wc -l <"$work/acked")
rejected=$(wc -l <"$work/rejected" 2>/dev/null || echo 0)
[ "$acked" -gt 0 ] || die "no write was acknowledged"
# Every acknowledged write is stored (read from the database by a fresh
# process) and visible through replica B.
"$kg" export --store postgres --dsn "$dsn" --format nquads --log-level error >"$work/export.nq"
lost=0
while read -r id; do
	grep -q "id/$id> " "$work/export.nq" || { lost=$((lost + 1)); log "lost: $id"; }
done <"$work/acked"
last=$(tail -1 "$work/acked")
for _ in $(seq 1 100); do
	r=$(gql $B "{\"query\":\"{ entity(id: \\\"$last\\\") { id } }\"}")
	grep -q "\"id\":\"$last\"" <<<"$r" && break
	sleep 0.05
done
grep -q "\"id\":\"$last\"" <<<"$r" || die "the last write through A ($last) is not visible through B: $r"
[ "$lost" = 0 ] || die "$lost acknowledged writes lost"
reads_ok=$(grep -c '^200$' "$work/reads" || true)
reads_bad=$(grep -vc '^200$' "$work/reads" || true)
sample=$(head -c 300 "$work/rejected" 2>/dev/null || true)
echo "pg-restart: PostgreSQL down ${down}s under 2 replicas: /readyz red after ${red_ms} ms, green ${green_ms} ms after restart, no crash; $acked writes acknowledged, 0 lost, $rejected rejected while down; reads through B: $reads_ok ok, $reads_bad failed; last write through A visible through B"
[ -z "$sample" ] || log "a rejected write: $sample"
