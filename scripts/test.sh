#!/usr/bin/env bash
# Runs every check CI runs, from a fresh Debian machine or a developer's
# checkout:
#
#   1. installs the Debian packages the tests need when missing (one
#      apt-get update): postgresql, graphviz; for the browser test also nodejs, npm,
#      chromium and fonts-noto-cjk;
#   2. starts a throwaway PostgreSQL cluster (scripts/pg.sh) and exports
#      KG_TEST_PG_DSN for the store tests;
#   3. gofmt, go vet, staticcheck, deadcode (the go.mod tool: reports nothing
#      unreachable from the commands and tests), the layering check, go generate
#      (must leave no diff);
#   4. go test -race ./...;
#   5. the browser test of the explorer and playground (scripts/browser-test.sh).
#
# Environment: CI=true makes tests that need PostgreSQL or Chromium fail
# instead of skip (set by .ci/run). KG_TEST_SKIP_BROWSER=1 skips step 5
# locally. GOFLAGS and friends pass through to go.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

STATICCHECK_VERSION=v0.8.2

log() { printf 'test.sh: %s\n' "$*" >&2; }
die() {
	log "$*"
	exit 1
}

command -v go >/dev/null || die "go is not installed (need Go $(sed -n 's/^go //p' go.mod))"

# 1. Debian packages, installed together after a single apt-get update.
missing=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null; then
	missing+=(postgresql)
fi
if [ -d web ] && [ "${KG_TEST_SKIP_BROWSER:-}" != 1 ]; then
	command -v node >/dev/null || missing+=(nodejs)
	command -v npm >/dev/null || missing+=(npm)
	[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
	dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
fi
command -v dot >/dev/null || missing+=(graphviz) # renders the DOT export in graph/export's tests
command -v git >/dev/null || missing+=(git)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q >&2
		apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
	elif [ "${CI:-}" = true ]; then
		die "missing ${missing[*]} and cannot apt-get install them (not root)"
	else
		log "missing ${missing[*]}; tests that need them will skip"
	fi
fi

# 2. A throwaway PostgreSQL cluster of our own, removed on exit.
export KG_PG_DIR=${KG_PG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/kg-test-pg.XXXXXX")}
cleanup() { scripts/pg.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if pg_env=$(scripts/pg.sh start); then
	eval "$pg_env"
	log "PostgreSQL for the tests: $KG_TEST_PG_DSN"
elif [ "${CI:-}" = true ]; then
	die "PostgreSQL did not start"
else
	log "PostgreSQL did not start; PostgreSQL tests will skip"
fi

# Steps 3-5 all run; the failures are listed at the end.
failed=()
step() {
	local name=$1
	shift
	log "$name"
	if ! "$@"; then
		log "FAILED: $name"
		failed+=("$name")
	fi
}

# 3. Static checks.
check_gofmt() {
	local unformatted
	unformatted=$(gofmt -l $(find . -name '*.go' -not -path '*/node_modules/*' -not -path './.git/*'))
	[ -z "$unformatted" ] || { log "not gofmt-ed: $unformatted"; return 1; }
}
check_generate() {
	local before
	snapshot() { { git diff; git ls-files --others --exclude-standard; } | sha256sum; }
	if ! git rev-parse --git-dir >/dev/null 2>&1; then
		log "not a git checkout: go generate diff check skipped"
		return 0
	fi
	before=$(snapshot)
	go generate ./... || return 1
	if [ "$(snapshot)" != "$before" ]; then
		git status --short >&2
		log "go generate changed files: run it and commit the result"
		return 1
	fi
}
step gofmt check_gofmt
step "go vet" go vet ./...
step "staticcheck $STATICCHECK_VERSION" go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...
check_deadcode() {
	local out
	out=$(go tool deadcode -test ./...) || return 1
	[ -z "$out" ] || { log "unreachable code:"; printf '%s\n' "$out" >&2; return 1; }
}
step deadcode check_deadcode
check_layers() {
	local bad
	# The resolvers call graph/query and the curation rules of graph: they
	# import neither the dataset loader nor a store backend.
	bad=$(go list -deps ./resolvers/... | grep -E '^github.com/minhang-kg/kg/seed|cayleygraph' || true)
	[ -z "$bad" ] || { log "resolvers import $bad"; return 1; }
}
step "layering (resolvers import neither seed nor Cayley)" check_layers
step "go generate (must leave no diff)" check_generate

# 4. Go tests.
step "go test -race ./..." go test -race -count=1 ./...

# 5. Browser test.
if [ -x scripts/browser-test.sh ] && [ "${KG_TEST_SKIP_BROWSER:-}" != 1 ]; then
	step "browser test" scripts/browser-test.sh
fi

if ((${#failed[@]})); then
	log "failed: $(printf '%s; ' "${failed[@]}")"
	exit 1
fi
log "all tests passed"
