#!/bin/sh
# tests/integration/load_fast.sh - the load's fast paths keep every promise
# of the slow ones:
#  - batches stream while they fill (loader.c): a batch the server refuses
#    part of, after its rows already travelled, is still split until the
#    refused rows are alone, and every other row arrives;
#  - --jobs N (run_jobs.c): tables load at once on their own connections;
#    a table whose lookups read another waits for it; reject lines are
#    written once each; the result equals the one-at-a-time run's, value
#    for value; --jobs with --dry-run is refused;
#  - tables the run created get autovacuum back at the end (run.c), and
#    are loaded with one COPY FREEZE each (loader_freeze.c), which a
#    refusal rolls back and replaces with the batched load.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster sqlite3

DB=$PG_TMPDIR/fast.db
MAP=$PG_TMPDIR/fast.yaml
# 30000 rows of ~60 bytes: a 10000-row batch is ~600 kB, well past the
# 64 kB at which streaming starts.  Codes 'BAD' break a CHECK on the server
# only; qty 'x' fails pgmap's own integer cast.
sqlite3 "$DB" <<'SQL'
CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT, code TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO big SELECT i, 'name number ' || i || ' with a tab	and a \ backslash',
       CASE WHEN i IN (5000, 17777, 29999) THEN 'BAD' ELSE 'c' || (i % 97) END FROM n;
CREATE TABLE kind (name TEXT PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO kind SELECT 'kind ' || i FROM n;
CREATE TABLE ev (id INTEGER PRIMARY KEY, kind TEXT, qty TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO ev SELECT i, 'kind ' || (1 + i % 20), CASE WHEN i IN (100, 15000) THEN 'x' ELSE i % 1000 END FROM n;
CREATE TABLE small (id INTEGER PRIMARY KEY, v REAL);
INSERT INTO small VALUES (1, 19.99), (2, 0.1), (3, -2.5e-7), (4, NULL);
SQL

make_target() {   # $1 = database
    pg_psql -d "$1" <<'SQL' >/dev/null
CREATE SCHEMA f;
CREATE TABLE f.big (id integer PRIMARY KEY, name text NOT NULL, code text CHECK (code <> 'BAD'));
CREATE TABLE f.kinds (kind_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text UNIQUE NOT NULL);
CREATE TABLE f.ev (id integer PRIMARY KEY, kind_id integer REFERENCES f.kinds, qty integer);
CREATE TABLE f.small (id integer PRIMARY KEY, v double precision);
SQL
}
make_target pgmap_test
pg_psql -c "CREATE DATABASE jobs" >/dev/null
make_target jobs

cat >"$MAP" <<YAML
source: $DB
schema: f
tables:
  big: {}
  kinds:
    from: kind
    columns:
      name: name
  ev:
    columns:
      id: id
      qty: qty
      kind_id:
        from: kind
        ops:
          - lookup: {table: kinds, key: name, value: kind_id}
  small: {}
YAML

run_pgmap run "$MAP" --rejects "$PG_TMPDIR/one.jsonl"
is "$STATUS" "1" "one at a time: exits 1 (rows rejected)"
run_pgmap run "$MAP" --target "dbname=jobs" --jobs 3 --rejects "$PG_TMPDIR/jobs.jsonl"
is "$STATUS" "1" "--jobs 3: exits 1 (rows rejected)"
like "$(cat "$OUT")" "f.big +30000 +29997 " "--jobs 3: big read 30000, inserted 29997"

# The refused rows, after streaming: exactly the three, by the server's CHECK.
ids() {
    sed -n 's/.*"table":"f.big","key":{"id":\([0-9]*\)}.*"sqlstate":"23514".*/\1/p' "$1" | sort -n | tr '\n' ' '
}
is "$(ids "$PG_TMPDIR/one.jsonl")" "5000 17777 29999 " "streamed batches: exactly the rows the server refused are rejected"
is "$(ids "$PG_TMPDIR/jobs.jsonl")" "5000 17777 29999 " "--jobs 3: the same three"
is "$(grep -c '"table":"f.ev"' "$PG_TMPDIR/jobs.jsonl")" "2" "--jobs 3: the two bad quantities, once each"
is "$(wc -l <"$PG_TMPDIR/jobs.jsonl" | tr -d ' ')" "5" "--jobs 3: five reject lines in all, none twice"

# Every value of the target against the source, then the two runs alike.
sqlite3 -separator '|' "$DB" "SELECT id, name, code FROM big WHERE code <> 'BAD' ORDER BY id" >"$PG_TMPDIR/src.txt"
for d in pgmap_test jobs; do
    pg_psql -d "$d" -F '|' -c "SELECT id, name, code FROM f.big ORDER BY id" >"$PG_TMPDIR/$d.txt"
    ok "$d: every loaded row of big equals its source row" cmp "$PG_TMPDIR/src.txt" "$PG_TMPDIR/$d.txt"
done
EVQ="SELECT e.id, k.name, e.qty FROM f.ev e JOIN f.kinds k USING (kind_id) ORDER BY e.id"
sqlite3 -separator '|' "$DB" "SELECT id, kind, qty FROM ev WHERE qty <> 'x' ORDER BY id" >"$PG_TMPDIR/ev_src.txt"
pg_psql -d jobs -F '|' -c "$EVQ" >"$PG_TMPDIR/ev_jobs.txt"
ok "--jobs 3: every ev row found its kind through the lookup (kinds loaded first)" \
    cmp "$PG_TMPDIR/ev_src.txt" "$PG_TMPDIR/ev_jobs.txt"
is "$(pg_psql -d jobs -c "SELECT string_agg(v::text, ',' ORDER BY id) FROM f.small")" \
   "19.99,0.1,-2.5e-07" "--jobs 3: the small table's REALs"

run_pgmap run "$MAP" --dry-run --jobs 2
is "$STATUS" "64" "--jobs with --dry-run: a usage error"
like "$(cat "$ERR")" "cannot go with" "--jobs with --dry-run: says why"

# A fresh database through init: created tables, autovacuum back on at the end.
pg_psql -c "CREATE DATABASE created" >/dev/null
(cd "$PG_TMPDIR" && "$PGMAP" init "$DB" -o init.yaml --schema c -q)
run_pgmap run "$PG_TMPDIR/init.yaml" --target "dbname=created" --jobs 2
is "$STATUS" "0" "init + run --jobs 2 of created tables: exits 0 (no key refuses a row)"
is "$(pg_psql -d created -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'c'::regnamespace AND relkind = 'r' AND reloptions IS NOT NULL")" \
   "0" "created tables: autovacuum switched back on after the load"
is "$(pg_psql -d created -c "SELECT count(*) FROM c.big")" "30000" "created tables: every big row"

# One COPY FREEZE per created table (loader_freeze.c): the clean table's
# pages are all frozen; a table whose before part has a CHECK the data
# breaks is rolled back and loaded again in batches, where exactly the
# refused rows are rejected, and its conversion rejects are written once.
if pg_psql -d created -c "CREATE EXTENSION pg_visibility" >/dev/null 2>&1; then
    is "$(pg_psql -d created -c "SELECT count(*) FILTER (WHERE NOT all_frozen) || '/' || (count(*) > 0)::text FROM pg_visibility_map('c.big')")" \
       "0/true" "created tables: loaded with COPY FREEZE (every page all-frozen)"
else
    skip "pg_visibility is not installed" 1
fi
cat >"$PG_TMPDIR/chk.ddl" <<'SQL'
CREATE SCHEMA g;
CREATE TABLE g.big (id integer NOT NULL, name text, code text CHECK (code <> 'BAD'), n integer);
-- pgmap: after load
ALTER TABLE g.big ADD PRIMARY KEY (id);
SQL
sqlite3 "$DB" "CREATE TABLE big2 AS SELECT id, name, code, CASE WHEN id IN (7, 20001) THEN 'x' ELSE id END AS n FROM big"
cat >"$PG_TMPDIR/chk.yaml" <<YAML
source: $DB
schema: g
ddl: chk.ddl
tables:
  big:
    from: big2
    key: [id]
YAML
pg_psql -c "CREATE DATABASE chk" >/dev/null
run_pgmap run "$PG_TMPDIR/chk.yaml" --target "dbname=chk" --rejects "$PG_TMPDIR/chk.jsonl"
is "$STATUS" "1" "created table with a CHECK the data breaks: exits 1 (rows rejected)"
like "$(cat "$OUT")" "g.big +30000 +29995 +0 +0 +5 " "read 30000 = 29995 loaded + 5 rejected"
is "$(sed -n 's/.*"table":"g.big","key":{"id":\([0-9]*\)}.*"sqlstate":"23514".*/\1/p' "$PG_TMPDIR/chk.jsonl" | sort -n | tr '\n' ' ')" \
   "5000 17777 29999 " "after the rolled-back COPY FREEZE: exactly the rows the CHECK refuses"
is "$(grep -c '"operation":"cast"' "$PG_TMPDIR/chk.jsonl")" "2" "the two conversion rejects, once each"
is "$(pg_psql -d chk -c "SELECT count(*) FROM g.big")" "29995" "every other row is there"

# Large values: a batch is bounded in bytes (16 MB) as well as rows, a
# blob goes into the row as hex once, and COPY data leaves in 1 MB pieces,
# so memory follows the largest row, not the table: four 20 MB blobs (40
# MB of hex each) must load in well under the 4 x 60 MB they would take
# if held together.
sqlite3 "$DB" "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4)
    INSERT INTO blobs SELECT i, randomblob(20000000) FROM n"
cat >"$PG_TMPDIR/blobs.yaml" <<YAML
source: $DB
schema: f
tables:
  blobs: {}
YAML
pg_psql -c "CREATE TABLE f.blobs (id integer PRIMARY KEY, data bytea)" >/dev/null
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true >/dev/null 2>&1; then
    /usr/bin/time -f %M -o "$PG_TMPDIR/rss" "$PGMAP" run "$PG_TMPDIR/blobs.yaml" -q >/dev/null 2>&1
    rss_mb=$(( $(tail -n 1 "$PG_TMPDIR/rss") / 1024 ))
    ok "four 20 MB blobs: peak memory ${rss_mb} MB, below 150 MB (one row at a time)" test "$rss_mb" -lt 150
else
    "$PGMAP" run "$PG_TMPDIR/blobs.yaml" -q >/dev/null 2>&1 || true
    skip "/usr/bin/time is not installed" 1
fi
is "$(pg_psql -c "SELECT count(*) || ' ' || sum(length(data)) FROM f.blobs")" "4 80000000" \
   "four 20 MB blobs: all four there, 80,000,000 bytes"

done_testing
