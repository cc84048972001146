#!/bin/sh
# bench/init_overhead.sh - what `pgmap init`'s full value scan costs next to
# the load itself.  Builds a SQLite database of ROWS rows (default
# 1,000,000) with the column kinds init must recognise (integers, reals,
# text, ISO datetimes, UUIDs, booleans, numerics), then times, against a
# private PostgreSQL cluster:
#   init   - pgmap init (catalog + every value read + files written)
#   run    - pgmap run of that mapping (create, COPY, keys after the load)
# and prints init / run.  The init issue's bound: init + run at most 1.15 x
# run alone.  Usage: bench/init_overhead.sh [ROWS] (PGMAP = the binary to
# measure, default ./pgmap; build it without --enable-asan).
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
PGMAP=${PGMAP:-./pgmap}
. "$top_srcdir/tests/lib/pgcluster.sh"
pg_start || { echo "cannot start a private PostgreSQL cluster" >&2; exit 1; }
W=$(mktemp -d)
pg_on_exit "rm -rf '$W'"

sqlite3 "$W/bench.db" <<SQL
CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price NUMERIC(10,2), weight REAL,
                   created DATETIME, ref TEXT, active BOOLEAN, qty INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO item SELECT i, 'item ' || i, (i % 10000) / 100.0, i * 0.37,
       datetime(1500000000 + i * 37, 'unixepoch'),
       printf('%08x-%04x-4%03x-8%03x-%012x', i, i % 65536, i % 4096, (i * 7) % 4096, i * 13),
       i % 2, i % 1000
FROM n;
SQL
now() { date +%s.%N; }
t0=$(now)
"$PGMAP" init "$W/bench.db" -o "$W/bench.yaml" -q
t1=$(now)
"$PGMAP" run "$W/bench.yaml" -q
t2=$(now)
echo "rows: $ROWS"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
    printf "init: %.2f s\nrun:  %.2f s\ninit + run = %.3f x run alone\n", b - a, c - b, (c - a) / (c - b) }'
