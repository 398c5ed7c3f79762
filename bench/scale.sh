#!/usr/bin/env bash
# scale.sh: the dashboard against the simulator with organizations of 100,
# 1,000 and 5,000 interactions (2 pictures each): time to the first full
# count of pictures to review at snapdash's 20 requests/s, the request rate
# while counting, and the listings (and all requests) a minute afterwards
# while the event stream polls, the costliest transport (a re-list every
# 5 s). The targets: 1,000 interactions counted within 60 s at <= 20
# requests/s, and at most 100 listings a minute in the steady state.
#
#   bench/scale.sh                       (about 8 minutes)
#   SNAPDASH_BENCH_SIZES=100,1000 SNAPDASH_BENCH_STEADY=30s bench/scale.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
go test ./tui -run '^$' -bench '^BenchmarkFullCount$' -benchtime 1x -timeout 60m |
	awk '/^BenchmarkFullCount\// {
		split($1, a, "/"); sub(/-[0-9]+$/, "", a[2])
		for (i = 3; i < NF; i += 2) m[$(i+1)] = $i
		printf "%6s interactions: full count in %6.1f s at %6.0f requests/min; steady (polling): %5.1f listings/min, %5.1f requests/min\n",
			a[2], m["s-to-full-count"], m["req/min-counting"], m["listings/min-steady"], m["req/min-steady"]
		next }
		/^(ok|FAIL|---)/ { print }'
