#!/bin/sh
# tests/integration/bench_tiny.sh - bench/run at a tiny scale, so the
# benchmark cannot rot: the generator, the limit (COPY FROM file + keys),
# pgmap init + run --jobs 2 + verify, the row counts of all three compared
# by bench/run itself (it exits 1 when they differ).  No figure is checked:
# machines are noisy; docs/performance.md has the real run.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib/tap.sh"
command -v bash >/dev/null 2>&1 || skip_all "bash is needed by bench/run"
command -v sqlite3 >/dev/null 2>&1 || skip_all "the sqlite3 CLI is needed by bench/run"
. "$top_srcdir/tests/lib/pgcluster.sh"
pg_available || skip_all "PostgreSQL server not installed"
GEN=$top_builddir/bench/pgmap-benchgen
[ -x "$GEN" ] || skip_all "bench/pgmap-benchgen is not built"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
PGMAP=${PGMAP:-$top_builddir/pgmap}
status=0
BENCH_DIR=$W/cache BENCHGEN=$GEN PGMAP=$PGMAP \
    bash "$top_srcdir/bench/run" --scales 0.002 --jobs 2 --repeat 2 --no-pgloader --out "$W/r.md" \
    >"$W/out" 2>&1 || status=$?
is "$status" "0" "bench/run at scale 0.002 exits 0 (pgmap's and the limit's rows equal the source's)"
[ "$status" -eq 0 ] || sed 's/^/# /' "$W/out"
like "$(cat "$W/r.md" 2>/dev/null)" '\| limit \(COPY FROM file \+ keys\) \| [0-9.]+ \| 6000 \|.*\| [0-9]+ \|$' "the limit loaded the 6000 rows (with its steal %)"
like "$(cat "$W/r.md" 2>/dev/null)" '\| pgmap init\+run \| [0-9.]+ \| 6000 \|' "pgmap init+run loaded the 6000 rows"
like "$(cat "$W/r.md" 2>/dev/null)" '\| pgmap verify \|' "verify was timed"
done_testing
