#!/usr/bin/env bash
# ssh-load.sh: a bounded load run of `snapdash serve`'s SSH layer on loopback.
# 50 concurrent SSH sessions (x/crypto clients in a child process) against the
# real server, real dashboard and the simulator, then the same with a one-line
# model to show what the SSH layer alone costs. Reports, per session, the heap
# in use (runtime.MemStats HeapInuse delta / sessions), the time to the first
# screen, keystroke-to-output latency p50/p99, the bytes sent per cursor move,
# and the requests that reached the platform: with an upstream per session
# (before `serve` shared one) and with the one shared upstream `serve` uses.
#
#   bench/ssh-load.sh [sessions] [moves-per-session]     (default 50 20)
#   bench/ssh-load.sh 200                                 (the issue's second figure)
set -euo pipefail

SESSIONS=${1:-50}
MOVES=${2:-20}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$(mktemp -d "${TMPDIR:-/tmp}/snapdash-sshload.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

cd "$ROOT"
for name in tui shared bare; do
	model=$name upstream=own
	if [ "$name" = shared ]; then model=tui upstream=shared; fi
	SNAPDASH_LOAD=1 SNAPDASH_LOAD_MODEL=$model SNAPDASH_LOAD_UPSTREAM=$upstream SNAPDASH_LOAD_SESSIONS=$SESSIONS \
		SNAPDASH_LOAD_MOVES=$MOVES SNAPDASH_LOAD_OUT="$OUT/$name.txt" \
		go test -count=1 -timeout 10m -run '^TestLoad$' ./tui/sshserve/ >"$OUT/$name.log" 2>&1 ||
		{ cat "$OUT/$name.log" >&2; exit 1; }
	cat "$OUT/$name.txt"
done
