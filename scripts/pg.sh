#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests.
#
#   eval "$(scripts/pg.sh start)"   # prints: export KG_TEST_PG_DSN=postgres://...
#   go test ./graph/cayleystore/ -run Postgres
#   scripts/pg.sh stop
#
# start installs Debian's postgresql with apt-get when initdb is missing,
# initialises a cluster in a temporary directory (owned by the postgres user
# when run as root), starts it on a free local port (unix socket in that
# directory, fsync off: the data is disposable), creates the database "kg"
# and prints the DSN. It is idempotent: a running cluster is reused.
# stop shuts the cluster down and removes its directory.
# KG_PG_DIR chooses the directory (default: ${TMPDIR:-/tmp}/kg-pg-$UID).
set -euo pipefail

dir=${KG_PG_DIR:-${TMPDIR:-/tmp}/kg-pg-$(id -u)}
data=$dir/data
sock=$dir/sock
envfile=$dir/env

log() { printf 'pg.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# pgbin finds the directory of initdb/pg_ctl, installing PostgreSQL if needed.
pgbin() {
	local b
	b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	if [ -n "$b" ] && [ -x "$b/initdb" ]; then
		echo "$b"
		return
	fi
	if command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v initdb)"
		return
	fi
	[ "$(id -u)" = 0 ] || die "initdb not found and not root: install postgresql"
	log "installing postgresql with apt-get"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
	b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
	[ -n "$b" ] && [ -x "$b/initdb" ] || die "postgresql installed but initdb not found"
	echo "$b"
}

# as runs a command as the cluster owner: postgres when we are root.
as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

free_port() {
	local p
	for p in $(seq 54329 54999); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	die "no free port in 54329-54999"
}

start() {
	local bin port
	bin=$(pgbin)
	if [ -f "$envfile" ] && as "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
		cat "$envfile"
		return
	fi
	rm -rf "$dir"
	mkdir -p "$data" "$sock"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" --shell /bin/sh postgres
		chown -R postgres: "$dir"
	fi
	chmod 700 "$data"
	as "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
		{ cat "$dir/initdb.log" >&2; die "initdb failed"; }
	port=$(free_port)
	as "$bin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=200" \
		start >/dev/null || { cat "$dir/server.log" >&2; die "postgres did not start"; }
	as "$bin/psql" -h "$sock" -p "$port" -U postgres -d postgres -qAt -c "CREATE DATABASE kg" >/dev/null
	echo "export KG_TEST_PG_DSN=postgres://postgres@127.0.0.1:$port/kg?sslmode=disable" | tee "$envfile"
	log "PostgreSQL on 127.0.0.1:$port, data in $data"
}

stop() {
	local bin
	if [ ! -d "$data" ]; then
		log "no cluster in $dir"
		return
	fi
	bin=$(pgbin)
	as "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
	log "stopped and removed $dir"
}

case ${1:-} in
start) start ;;
stop) stop ;;
*) die "usage: $0 start|stop" ;;
esac
