#!/bin/sh
# bench/sync_vs_run.sh - what `pgmap sync` of an unchanged (or barely
# changed) source, and `pgmap verify` (full and --counts) of the loaded
# target, cost next to a full `pgmap run`.  The requirement: a sync
# of an unchanged database of a million rows must cost far less than a run.
#
# Why it should: a full run reads and converts every source row, ships it
# with COPY into a staging table and merges it into the target (index
# lookups, row versions written, WAL, keys and foreign keys checked).  A
# sync of a table without a cursor also reads and converts every source
# row, but ships nothing: pgmap sums, per bucket of the key's hash, the
# md5s of the converted rows (as PostgreSQL would print them, canon.h),
# and the server sums the same md5s over one sequential scan of the target
#   SELECT b, count(*), sum(..), sum(..) FROM (SELECT <bucket of
#     md5(ROW(keys)::text)> AS b, md5(ROW(all columns)::text) AS r FROM t) s
#   GROUP BY b
# Only buckets whose sums differ are read again and shipped row by row
# (a second pass over the source that converts only the keys of rows in
# other buckets).  A table with a cursor reads the rows past its mark, then
# still reads every source row's key and compares key md5s with the target
# to find deletes (unless `deletes: ignore`).  So the cost model is
#   sync ~ read+convert(source) + md5 canon(source) + md5 scan(target)
#   run  ~ read+convert(source) + COPY + merge(target)
# and sync wins only when pgmap's md5 canon and the server's md5 scan are
# cheaper than COPY and merge.  The re-run (step 2) is what a user had
# before sync: it upserts everything and writes nothing.
#
# Builds, deterministically with the sqlite3 CLI, a SQLite database of ROWS
# rows (default 1,000,000) over three tables:
#   customer  10%  integer key, text, NULL emails/countries, ISO datetime, REAL
#   orders    60%  integer key, FK to customer, ISO datetimes created_at and
#                  updated_at (the sync cursor), REAL amount, status, NULL notes
#   event     30%  text UUID key, order id, ISO datetime, kind, NULL payloads, REAL
# then, against a private PostgreSQL cluster: `pgmap init` (schema bench),
# `cursor: updated_at` added to orders, and times
#   1 run            full load (create, COPY, merge, keys after the load)
#   2 re-run         the same run again: upserts, changes nothing
#   3 sync           the unchanged source
#   4 verify         every value of the loaded target (pgmap verify)
#   5 verify counts  row counts only (pgmap verify --counts)
#   6 sync 100 chg   after 100 updates, 100 inserts and 100 deletes in sqlite3
#   7 sync again     unchanged again (the cursor now has a mark)
# printing wall seconds, ROWS per second, pgmap's peak RSS and CPU seconds
# (the client's only: the server's work shows in the wall seconds), for the
# syncs the server's time in the checksum queries (from its log), and
# sync / run, then pgmap's own per-table reports.  At the end the row
# counts of source and target are compared per table, the sync after the
# changes must report exactly 100 inserted, 100 updated and 100 deleted,
# and the last sync nothing; the exit status is 1 if not.
#
# Usage: PGMAP=/tmp/br/pgmap bench/sync_vs_run.sh [ROWS]
# (PGMAP = the binary to measure, default ./pgmap; build it without
# --enable-asan.)  KEEP=DIR keeps the database, mapping and logs in DIR.
set -eu
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
PGMAP=${PGMAP:-./pgmap}
case $ROWS in
'' | *[!0-9]*) echo "usage: PGMAP=path/to/pgmap $0 [ROWS]" >&2; exit 64 ;;
esac
[ "$ROWS" -ge 1000 ] || { echo "$0: ROWS must be at least 1000" >&2; exit 64; }
command -v sqlite3 >/dev/null 2>&1 || { echo "$0: the sqlite3 CLI is needed" >&2; exit 2; }
[ -x "$PGMAP" ] || { echo "$0: $PGMAP is not an executable (set PGMAP)" >&2; exit 2; }
case $PGMAP in /*) ;; *) PGMAP=$(pwd)/$PGMAP ;; esac

. "$top_srcdir/tests/lib/pgcluster.sh"
pg_start || { echo "cannot start a private PostgreSQL cluster" >&2; exit 2; }
if [ -n "${KEEP:-}" ]; then
    mkdir -p "$KEEP"
    W=$(cd "$KEEP" && pwd)
else
    W=$(mktemp -d)
    pg_on_exit "rm -rf '$W'"
fi
DB=$W/bench.db
MAP=$W/bench.yaml
rm -f "$DB" "$MAP" "$W/bench.ddl"

NC=$((ROWS / 10))          # customers
NO=$((ROWS * 6 / 10))      # orders
NE=$((ROWS - NC - NO))     # events

# ---- the source ----
# 1500000000 = 2017-07-14; rows are 37 s apart, so the newest updated_at is
# well before the datetimes the changes write.
sqlite3 "$DB" >/dev/null <<SQL
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE customer (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    country TEXT,
    created_at DATETIME NOT NULL,
    balance REAL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customer(id),
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    amount REAL NOT NULL,
    status TEXT NOT NULL,
    note TEXT
);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE TABLE event (
    uuid TEXT PRIMARY KEY NOT NULL,
    order_id INTEGER NOT NULL,
    at DATETIME NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT,
    score REAL
);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $NC)
INSERT INTO customer SELECT i, 'Customer ' || i,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || i || '@example.org' END,
       CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN 'NO' WHEN 2 THEN 'SE' WHEN 3 THEN 'DE' ELSE 'FR' END,
       datetime(1400000000 + i * 311, 'unixepoch'),
       CASE WHEN i % 11 = 0 THEN NULL ELSE ((i * 7919) % 1000000) / 100.0 - 2500 END
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $NO)
INSERT INTO orders SELECT i, 1 + (i * 7) % $NC,
       datetime(1500000000 + i * 37, 'unixepoch'),
       datetime(1500000000 + i * 37 + (i % 97) * 3600, 'unixepoch'),
       ((i * 104729) % 100000) / 100.0 + 0.5,
       CASE i % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' ELSE 'delivered' END,
       CASE WHEN i % 9 = 0 THEN 'note for order ' || i || ': leave at the door' END
FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $NE)
INSERT INTO event SELECT
       printf('%08x-%04x-4%03x-8%03x-%012x', i * 2654435761 % 4294967296, i % 65536,
              i % 4096, (i * 7) % 4096, i * 13),
       1 + (i * 13) % $NO,
       datetime(1500000000 + i * 61, 'unixepoch'),
       CASE i % 3 WHEN 0 THEN 'view' WHEN 1 THEN 'click' ELSE 'buy' END,
       CASE WHEN i % 4 = 0 THEN NULL ELSE '{"n":' || i || ',"tag":"t' || (i % 50) || '"}' END,
       CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 1000) / 8.0 END
FROM n;
COMMIT;
SQL

# ---- init, cursor ----
"$PGMAP" init "$DB" -o "$MAP" --schema bench -q
sed -i 's/^  orders:   # [0-9]* rows$/&\n    cursor: updated_at/' "$MAP"
grep -q '^    cursor: updated_at$' "$MAP" || {
    echo "$0: could not add the cursor to orders in $MAP:" >&2
    sed 's/^/    /' "$MAP" >&2
    exit 2
}

# ---- timing ----
have_time=0
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
    have_time=1
fi
now() { date +%s.%N; }
RESULTS=$W/results
: >"$RESULTS"
n=0
# During the syncs the server logs every statement with its duration: the
# checksum queries' durations are read back from its log (md5 scan).
PGOPT_RUN=$PGOPTIONS
PGOPT_SYNC="$PGOPTIONS -c log_min_duration_statement=0"
# step LABEL PGMAP-ARGS...: runs pgmap; appends "label wall_s rss_mb cpu_s
# md5scan_s" to $RESULTS ("-" where unknown); pgmap's stdout and stderr go
# to $W/stepN.out and .err.
step() {
    label=$1
    shift
    n=$((n + 1))
    out=$W/step$n.out err=$W/step$n.err tv=$W/step$n.time
    printf '%-16s ...' "$label" >&2
    log0=$(wc -l <"$PG_LOG")
    case $label in
    sync* | verify*) PGOPTIONS=$PGOPT_SYNC ;;
    *) PGOPTIONS=$PGOPT_RUN ;;
    esac
    export PGOPTIONS
    t0=$(now)
    st=0
    if [ "$have_time" = 1 ]; then
        /usr/bin/time -v -o "$tv" "$PGMAP" "$@" >"$out" 2>"$err" || st=$?
    else
        "$PGMAP" "$@" >"$out" 2>"$err" || st=$?
    fi
    t1=$(now)
    if [ "$st" -ge 2 ]; then
        echo " pgmap $* failed (exit $st):" >&2
        sed 's/^/    /' "$err" "$out" >&2
        exit 2
    fi
    rss=- cpu=-
    if [ "$have_time" = 1 ]; then
        # "Elapsed (wall clock) time (h:mm:ss or m:ss): 1:02.51"
        secs=$(awk '/Elapsed \(wall clock\)/ {
                   k = split($NF, p, ":"); s = 0
                   for (j = 1; j <= k; j++) s = s * 60 + p[j]
                   printf "%.2f", s }' "$tv")
        rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$tv")
        cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$tv")
    else
        secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    fi
    scan=-
    case $label in
    sync* | verify*)
        scan=$(tail -n "+$((log0 + 1))" "$PG_LOG" | awk '
            /duration: [0-9.]+ ms +execute [^:]*: SELECT b, count\(\*\)/ {
                for (j = 1; j < NF; j++) if ($j == "duration:") s += $(j + 1) }
            END { printf "%.2f", s / 1000 }') ;;
    esac
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$secs" "$rss" "$cpu" "$scan" >>"$RESULTS"
    printf ' %s s\n' "$secs" >&2
}

echo "rows: $ROWS (customer $NC, orders $NO, event $NE); pgmap: $PGMAP" >&2
step "run" run "$MAP"
step "re-run" run "$MAP"
step "sync" sync "$MAP" -v
step "verify" verify "$MAP" -v
step "verify counts" verify "$MAP" --counts

# ---- 100 updates, 100 inserts, 100 deletes ----
# updates: 30 customers (email), 40 orders (status, and updated_at moved
# past the cursor's mark), 30 events (score); inserts: 50 orders (past the
# mark), 50 events; deletes: 50 orders, 50 events.  The rows are spread
# over each table; updated ones have even ids (rowids), deleted ones odd.
upto() { echo "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1) SELECT i FROM n)"; }
sqlite3 "$DB" >/dev/null <<SQL
BEGIN;
UPDATE customer SET email = 'changed' || id || '@example.net'
 WHERE id IN (SELECT i * ($NC / 31) FROM $(upto 30));
UPDATE orders SET status = 'refunded', updated_at = datetime(1900000000 + id, 'unixepoch')
 WHERE id IN (SELECT 2 * i * ($NO / 82) FROM $(upto 40));
UPDATE event SET score = -1.25
 WHERE rowid IN (SELECT 2 * i * ($NE / 62) FROM $(upto 30));
INSERT INTO orders
 SELECT $NO + i, 1 + i % $NC, datetime(1900000000 + i, 'unixepoch'),
        datetime(1900000000 + i, 'unixepoch'), i + 0.25, 'new', NULL
 FROM $(upto 50);
INSERT INTO event
 SELECT printf('ffffffff-0000-4000-8000-%012x', i), 1 + i, datetime(1900000000 + i, 'unixepoch'),
        'refund', NULL, 0.5
 FROM $(upto 50);
DELETE FROM orders WHERE id IN (SELECT 2 * i * ($NO / 102) + 1 FROM $(upto 50));
DELETE FROM event WHERE rowid IN (SELECT 2 * i * ($NE / 102) + 1 FROM $(upto 50));
COMMIT;
SQL
step "sync 100 chg" sync "$MAP" -v
step "sync again" sync "$MAP" -v

# ---- the table ----
echo
echo "rows: $ROWS (customer $NC, orders $NO, event $NE)"
awk -F'\t' -v rows="$ROWS" '
    { lab[NR] = $1; sec[NR] = $2; rss[NR] = $3; cpu[NR] = $4; scan[NR] = $5 }
    END {
        printf "%-14s %8s %9s %8s %8s %9s\n", "step", "seconds", "rows/s", "RSS MB", "CPU s", "md5 scan"
        for (i = 1; i <= NR; i++)
            printf "%-14s %8.2f %9.0f %8s %8s %9s\n", lab[i], sec[i],
                   (sec[i] > 0 ? rows / sec[i] : 0), rss[i], cpu[i], scan[i]
        run = sec[1] > 0 ? sec[1] : 0.01
        printf "sync(unchanged)/run   = %.3f\n", sec[3] / run
        printf "sync(100 changes)/run = %.3f\n", sec[6] / run
        printf "sync(again)/run       = %.3f\n", sec[7] / run
        printf "re-run/run            = %.3f\n", sec[2] / run
        printf "verify/run            = %.3f\n", sec[4] / run
        printf "verify counts/run     = %.3f\n", sec[5] / run
    }' "$RESULTS"
echo "(rows/s: ROWS / seconds; RSS MB: pgmap's peak; CPU s: pgmap's user+sys;"
echo " md5 scan: the server's time in sync's checksum queries, from its log)"
echo
# pgmap's own reports: per table seconds, and for the syncs the buckets
# that differed (-v)
k=0
while IFS='	' read -r label _; do
    k=$((k + 1))
    echo "$k $label:"
    grep -v '^ddl after load' "$W/step$k.out" | sed 's/^/    /'
    grep -E 'buckets differ' "$W/step$k.err" | sed 's/^/    /' || true
done <"$RESULTS"

# ---- correctness ----
fail=0
echo
for k in 4 5; do
    if tail -n 1 "$W/step$k.out" | grep -q '^verify: everything matches'; then
        echo "ok: step $k (verify) found no difference"
    else
        echo "MISMATCH: step $k (verify) reported differences"
        fail=1
    fi
done
for t in customer orders event; do
    s=$(sqlite3 "$DB" "SELECT count(*) FROM $t")
    g=$(pg_psql -c "SELECT count(*) FROM bench.$t")
    if [ "$s" = "$g" ]; then
        echo "ok: $t has $s rows in both"
    else
        echo "MISMATCH: $t has $s rows in SQLite, $g in PostgreSQL"
        fail=1
    fi
done
# the total line: total read inserted updated deleted unchanged rejected
got=$(awk '$1 == "total" { print $3 "/" $4 "/" $5 }' "$W/step6.out")
if [ "$got" = "100/100/100" ]; then
    echo "ok: the sync after the changes inserted/updated/deleted 100/100/100"
else
    echo "MISMATCH: the sync after the changes inserted/updated/deleted $got, expected 100/100/100"
    fail=1
fi
got=$(awk '$1 == "total" { print $3 "/" $4 "/" $5 }' "$W/step7.out")
if [ "$got" != "0/0/0" ]; then
    echo "MISMATCH: the last sync (unchanged source) wrote $got, expected 0/0/0"
    fail=1
fi
exit "$fail"
