#!/usr/bin/env bash
# Browser test of the explorer (/explore) and the playground (/playground):
# Node's playwright-core drives Debian's Chromium against `kg serve --store
# memory` (seeded from seed/data) on a free local port. See web/README.md.
#
#   scripts/browser-test.sh            install what is missing, build, serve, test
#   KG_URL=http://127.0.0.1:8080 scripts/browser-test.sh   test a server already running
#
# Installs chromium and fonts-noto-cjk with apt-get when missing (as root).
# Without Chromium the test is skipped locally and FAILS when CI=true.
# Under CI=true it also fails when the committed web/dist is not what the
# sources build to. Screenshots: test-output/browser/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
export CHROMIUM
log() { printf 'browser-test: %s\n' "$*" >&2; }

# 1. Chromium and CJK fonts (Debian packages).
missing=()
[ -x "$CHROMIUM" ] || missing+=(chromium)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
if ((${#missing[@]})); then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "installing ${missing[*]}"
		apt-get update -q >&2 || log "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
			log "apt-get install ${missing[*]} failed"
	else
		log "missing ${missing[*]} and cannot apt-get install (not root)"
	fi
fi
if [ -x "$CHROMIUM" ] && ! "$CHROMIUM" --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1; then
	log "$CHROMIUM does not start"
	[ "${CI:-}" = true ] && exit 1
fi

# 2. Front-end: install exactly the locked packages, unit tests, build.
cd "$root/web"
npm ci --no-audit --no-fund >&2
npm run --silent test:unit
npm run --silent build >&2
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1 && ! git -C "$root" diff --quiet -- web/dist ||
	[ -n "$(git -C "$root" status --porcelain -- web/dist 2>/dev/null)" ]; then
	if [ "${CI:-}" = true ]; then
		git -C "$root" status --short -- web/dist >&2
		log "web/dist is stale: run 'npm run build' in web/ and commit web/dist"
		exit 1
	fi
	log "note: web/dist changed by the build; commit it with your source changes"
fi

# 3. The server: kg serve on a free port, unless KG_URL names one.
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT
if [ -z "${KG_URL:-}" ]; then
	cd "$root"
	go build -o "$tmp/kg" ./cmd/kg
	port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	KG_URL="http://127.0.0.1:$port"
	"$tmp/kg" serve --store memory --addr "127.0.0.1:$port" --data "$root/seed/data" >"$tmp/serve.log" 2>&1 &
	pid=$!
	for _ in $(seq 1 120); do
		if curl -fsS "$KG_URL/readyz" >/dev/null 2>&1; then break; fi
		if ! kill -0 "$pid" 2>/dev/null; then
			cat "$tmp/serve.log" >&2
			log "kg serve exited before it was ready"
			exit 1
		fi
		sleep 0.5
	done
	if ! curl -fsS "$KG_URL/readyz" >/dev/null; then
		cat "$tmp/serve.log" >&2
		log "kg serve not ready after 60s"
		exit 1
	fi
	log "kg serve ready at $KG_URL"
fi
export KG_URL
export TEST_OUTPUT="$root/test-output/browser"

# 4. The test.
cd "$root/web"
status=0
node --test --test-reporter=spec e2e/ || status=$?
if [ -n "$pid" ] && [ $status -ne 0 ]; then
	log "server log:"
	tail -n 50 "$tmp/serve.log" >&2
fi
exit $status
