#!/bin/sh
# tests/integration/dirty.sh - the dirty fixture (placeholders, bad dates,
# bad uuids, orphans, duplicate natural keys, too-long values, CHECK and NOT
# NULL violations) produces exactly the expected rejects, loads every other
# row with the right values, and exits 1 (warnings).  A dry run finds the
# same problems and writes nothing; a reject limit turns it into a failure.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster sqlite3

FIX=$top_srcdir/tests/fixtures
DB=$PG_TMPDIR/dirty.db
REJ=$PG_TMPDIR/dirty.rejects.jsonl
sqlite3 "$DB" <"$FIX/dirty.sql"

# load_jsonl FILE TABLE: JSON lines into a jsonb table (CSV with quote and
# delimiter characters that never occur, so backslashes stay as they are).
load_jsonl() {
    pg_psql -c "DROP TABLE IF EXISTS $2" -c "CREATE TABLE $2 (doc jsonb)" >/dev/null
    pg_psql -c "\\copy $2 FROM '$1' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')" >/dev/null
}

# A reject matches an expectation when table, key, column and operation are
# equal and the reason is the SQLSTATE or part of the message.
MATCH="a.doc->'table' = e.doc->'table' AND a.doc->'key' = e.doc->'key'
   AND a.doc->'column' = e.doc->'column' AND a.doc->'operation' = e.doc->'operation'
   AND (a.doc->>'sqlstate' = e.doc->>'reason' OR strpos(a.doc->>'message', e.doc->>'reason') > 0)"

check_rejects() {
    load_jsonl "$1" actual
    is "$(pg_psql -c "SELECT count(*) FROM actual")" "$(grep -c . "$FIX/dirty.expected.jsonl")" "$2: as many rejects as expected"
    missing=$(pg_psql -c "SELECT string_agg(e.doc::text, ' ') FROM expected e WHERE NOT EXISTS (SELECT 1 FROM actual a WHERE $MATCH)")
    is "$missing" "" "$2: every expected reject is there"
    extra=$(pg_psql -c "SELECT string_agg(a.doc::text, ' ') FROM actual a WHERE NOT EXISTS (SELECT 1 FROM expected e WHERE $MATCH)")
    is "$extra" "" "$2: no unexpected reject"
}

load_jsonl "$FIX/dirty.expected.jsonl" expected

# 1. dry run: same problems, nothing written
run_pgmap run "$FIX/dirty.yaml" --source "$DB" --dry-run --rejects "$PG_TMPDIR/dry.jsonl"
is "$STATUS" 1 "dry run exits 1 (warnings)"
check_rejects "$PG_TMPDIR/dry.jsonl" "dry run"
like "$(cat "$OUT")" 'orphan rows for foreign key orders_customer_id_fkey' "dry run names the orphans"
like "$(cat "$OUT")" 'duplicate keys for unique index customer_email_key' "dry run names the duplicates"
like "$(cat "$OUT")" 'values too long in column name' "dry run names the values too long"
like "$(cat "$OUT")" 'most frequent: "2021-02-30" x1' "dry run shows failing values"
is "$(pg_psql -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'dirty'")" "0" "dry run wrote nothing"

# 2. the real run
run_pgmap run "$FIX/dirty.yaml" --source "$DB" --rejects "$REJ"
is "$STATUS" 1 "run exits 1 (rows rejected within the limit)"
[ "$STATUS" = 1 ] || diag "$(cat "$ERR")"
check_rejects "$REJ" "run"
is "$(pg_psql -c "SELECT string_agg(customer_id::text, ',' ORDER BY customer_id) FROM dirty.customer")" "1,2,3,7,12" \
   "customer: exactly the good rows are loaded"
is "$(pg_psql -c "SELECT string_agg(product_id || '=' || price, ',' ORDER BY product_id) FROM dirty.product")" \
   "1=1234.50,2=19.99,4=0.99,5=0.10" "product: to_numeric cleaned the prices"
is "$(pg_psql -c "SELECT string_agg(order_id::text, ',' ORDER BY order_id) FROM dirty.orders")" "1,2,8,9,10" \
   "orders: exactly the good rows are loaded"
is "$(pg_psql -c "SELECT count(*) FROM dirty.customer WHERE customer_id = 3 AND signup_date IS NULL AND country IS NULL AND external_id IS NULL")" "1" \
   "null_if turned '' placeholders into NULL"
is "$(pg_psql -c "SELECT external_id FROM dirty.customer WHERE customer_id = 7")" "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12" \
   "to_uuid accepted braces and upper case"
is "$(pg_psql -c "SELECT count(*) FROM dirty.orders WHERE order_id = 9 AND order_date IS NULL")" "1" "'' date became NULL"
is "$(total_of 1)" "27" "27 rows read"
is "$(total_of 5)" "13" "13 rows rejected"

# 3. a reject limit below the count fails the run
sed 's/^reject_limit: 10/reject_limit: 2/' "$FIX/dirty.yaml" >"$PG_TMPDIR/limit.yaml"
cp "$FIX/dirty.ddl" "$PG_TMPDIR/dirty.ddl"
pg_psql -c "DROP SCHEMA dirty CASCADE" >/dev/null
run_pgmap run "$PG_TMPDIR/limit.yaml" --source "$DB" --rejects "$PG_TMPDIR/limit.jsonl"
is "$STATUS" 2 "reject_limit exceeded: exit 2"
like "$(cat "$ERR")" 'exceed reject_limit 2' "reject_limit exceeded: says so"

# 4. on_error abort stops at the first bad value with its context
sed 's/^on_error: reject/on_error: abort/' "$FIX/dirty.yaml" >"$PG_TMPDIR/abort.yaml"
pg_psql -c "DROP SCHEMA IF EXISTS dirty CASCADE" >/dev/null
run_pgmap run "$PG_TMPDIR/abort.yaml" --source "$DB" --rejects "$PG_TMPDIR/abort.jsonl"
is "$STATUS" 2 "on_error abort: exit 2"
like "$(cat "$ERR")" 'dirty.customer key \{"id":4\} column signup_date' "on_error abort names table, key and column"

done_testing
