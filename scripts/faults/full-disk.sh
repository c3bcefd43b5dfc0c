#!/usr/bin/env bash
# Fault trial: the disk fills up during a seed. kg seed must fail with a
# clear error, the previous graph must be intact (same digest, the store
# opens), and once space is freed the same seed must succeed.
#
#   scripts/faults/full-disk.sh        # as root: mounts a small tmpfs
#
# The bbolt store lives on a tmpfs of KG_FAULT_TMPFS (default 96m). OLD is a
# 1e3-quad synthetic graph; NEW (same document) has KG_FAULT_QUADS (default
# 2e4) quads. After OLD is seeded, a filler file takes all but
# KG_FAULT_FREE_KB (default 512) KB of the tmpfs.
source "$(dirname "$0")/common.sh"
[ "$(id -u)" = 0 ] || die "needs root (mounts a tmpfs)"

size=${KG_FAULT_TMPFS:-96m}
quads=${KG_FAULT_QUADS:-2e4}
free_kb=${KG_FAULT_FREE_KB:-512}
work=$(mktemp -d "${TMPDIR:-/tmp}/kg-full.XXXXXX")
mnt=$work/disk
mkdir -p "$mnt"
mount -t tmpfs -o "size=$size" tmpfs "$mnt"
trap 'umount "$mnt" 2>/dev/null || true; rm -rf "$work"' EXIT
build_kg "$work"
kg=$work/kg
store=(--store bbolt --path "$mnt/kg.db")

"$kg" gen --quads 1e3 --seed 1 --out "$work/old" --log-level error >/dev/null
"$kg" gen --quads "$quads" --seed 2 --out "$work/new" --log-level error >/dev/null
"$kg" seed "${store[@]}" --data "$work/old" --log-level error >/dev/null
old=$(graph_digest "$kg" "${store[@]}")
log "old graph seeded ($(du -k "$mnt/kg.db" | cut -f1) KB), digest $old"

avail_kb=$(df -k --output=avail "$mnt" | tail -1)
fill_kb=$((avail_kb - free_kb))
[ "$fill_kb" -gt 0 ] || die "tmpfs too small"
dd if=/dev/zero of="$mnt/filler" bs=1K count="$fill_kb" status=none 2>/dev/null || true
log "disk filled: $(df -k --output=avail "$mnt" | tail -1) KB free"

set +e
msg=$("$kg" seed "${store[@]}" --data "$work/new" --log-level error 2>&1)
code=$?
set -e
[ "$code" -ne 0 ] || die "seed on a full disk succeeded?! ($msg)"
log "seed on a full disk failed as it should (exit $code): $msg"
grep -qi "no space left on device" <<<"$msg" || die "the error does not say the disk is full: $msg"

got=$(graph_digest "$kg" "${store[@]}") || die "the store no longer opens after the failed seed"
[ "$got" = "$old" ] || die "the old graph changed: $got != $old"
log "old graph intact after the failed seed (digest $got)"

rm -f "$mnt/filler"
"$kg" seed "${store[@]}" --data "$work/new" --log-level error >/dev/null || die "seed after freeing space failed"
new=$(graph_digest "$kg" "${store[@]}")
[ "$new" != "$old" ] || die "the new seed did not change the graph"
echo "full-disk: seed of $quads quads on a full $size tmpfs failed with \"$(grep -io 'no space left on device' <<<"$msg" | head -1)\" (exit $code); the old graph was intact (digest $old) and the seed succeeded once space was freed"
