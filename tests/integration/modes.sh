#!/bin/sh
# tests/integration/modes.sh - load modes (insert, upsert, ignore, replace),
# tables read from a query, `sql:` column expressions, on_error null and
# default, table-wide null_if, operation pipelines, and sequences set past
# the loaded keys; each checked by reading the target back.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster sqlite3

DB=$PG_TMPDIR/modes.db
MAP=$PG_TMPDIR/modes.yaml
sqlite3 "$DB" <<'SQL'
CREATE TABLE "Item List" ("Item Id" INTEGER PRIMARY KEY, "Name" TEXT, qty TEXT, tag TEXT);
INSERT INTO "Item List" VALUES (1, '  apple  ', '3', 'fruit'), (2, 'Pear', 'many', '-'),
                               (3, 'fig', '', 'fruit'), (5, 'kiwi', '7', NULL);
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT, at INTEGER);
INSERT INTO events VALUES (10, 'open', 1700000000), (11, 'close', 1700000060);
SQL
pg_psql <<'SQL' >/dev/null
CREATE SCHEMA m;
CREATE TABLE m.items (item_id integer PRIMARY KEY, name text NOT NULL, qty integer NOT NULL DEFAULT 0,
                      tag text, shout text);
CREATE TABLE m.items_ignore (item_id integer PRIMARY KEY, name text);
CREATE TABLE m.items_replace (item_id integer, name text);
CREATE TABLE m.events (id bigserial PRIMARY KEY, kind text, at timestamptz);
CREATE TABLE m.kinds (kind text PRIMARY KEY, n integer);
CREATE TABLE m.stamps (id integer PRIMARY KEY, t timestamptz);
SQL

cat >"$MAP" <<YAML
source: $DB
schema: m
tables:
  "*":
    null_if: ["-"]
  items:
    from: Item List
    columns:
      item_id: Item Id
      name: {from: Name, ops: [trim, lower]}
      qty: {on_error: default, ops: [to_int]}
      shout: {sql: 'upper("Name")'}
  items_ignore: {from: Item List, mode: ignore, columns: {item_id: Item Id, name: Name}}
  items_replace: {from: Item List, mode: replace, columns: {item_id: Item Id, name: Name}}
  events:
    columns:
      at: {ops: [{epoch: s}]}
  kinds:
    query: SELECT kind, count(*) AS n FROM events GROUP BY kind
  stamps:
    query: "SELECT 1 AS id, '01/07/2021 10:00' AS t UNION ALL SELECT 2, '15/01/2021 10:00'"
    columns:
      t: {ops: [{parse_timestamp: {formats: ["%d/%m/%Y %H:%M"], tz: Europe/Paris}}]}
YAML

run_pgmap run "$MAP"
is "$STATUS" 1 "first run exits 1: values were defaulted"
[ "$STATUS" -le 1 ] || diag "$(cat "$ERR")"
is "$(pg_psql -c "SELECT string_agg(item_id || ':' || name || ':' || qty || ':' || coalesce(tag, 'NULL') || ':' || shout, ' ' ORDER BY item_id) FROM m.items")" \
   "1:apple:3:fruit:  APPLE   2:pear:0:NULL:PEAR 3:fig:0:fruit:FIG 5:kiwi:7:NULL:KIWI" \
   "items: trim+lower, to_int with on_error default (target DEFAULT 0), null_if, sql expression"
like "$(cat "$OUT")" 'm.items.qty to_int: 2 values' "the report counts the defaulted values"
is "$(pg_psql -c "SELECT string_agg(id || '=' || kind || '@' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), ' ' ORDER BY id) FROM m.events")" \
   "10=open@2023-11-14 22:13:20 11=close@2023-11-14 22:14:20" "events: epoch seconds -> timestamptz"
is "$(pg_psql -c "SELECT nextval('m.events_id_seq')")" "12" "bigserial sequence set past the loaded ids"
is "$(pg_psql -c "SELECT string_agg(kind || '=' || n, ' ' ORDER BY kind) FROM m.kinds")" "close=1 open=1" "a table read from a query"
is "$(pg_psql -c "SELECT string_agg((t AT TIME ZONE 'UTC')::text, ' ' ORDER BY id) FROM m.stamps")" "2021-07-01 08:00:00 2021-01-15 09:00:00" \
   "parse_timestamp with a format and a zone name (summer and winter time)"

# The source changes: a row updated, a row deleted.
sqlite3 "$DB" "UPDATE \"Item List\" SET \"Name\" = 'Apple Pie' WHERE \"Item Id\" = 1; DELETE FROM \"Item List\" WHERE \"Item Id\" = 5"
run_pgmap run "$MAP"
is "$(pg_psql -c "SELECT name FROM m.items WHERE item_id = 1")" "apple pie" "upsert updated the changed row"
is "$(pg_psql -c "SELECT count(*) FROM m.items")" "4" "upsert does not delete (that is pgmap sync's job)"
is "$(pg_psql -c "SELECT name FROM m.items_ignore WHERE item_id = 1")" "  apple  " "ignore left the existing row alone"
is "$(pg_psql -c "SELECT string_agg(item_id::text, ',' ORDER BY item_id) FROM m.items_replace")" "1,2,3" \
   "replace: the table is exactly the source again"
is "$(pg_psql -c "SELECT name FROM m.items_replace WHERE item_id = 1")" "Apple Pie" "replace: new values"
is "$(awk '$1 == "m.items" { print $3 "/" $4 "/" $5 }' "$OUT")" "0/1/2" "items: 0 inserted, 1 updated, 2 unchanged"

# on_error null on a NOT NULL column rejects instead of loading NULL.
sed 's/qty: {on_error: default/qty: {on_error: null/' "$MAP" >"$PG_TMPDIR/null.yaml"
pg_psql -c "TRUNCATE m.items" >/dev/null
run_pgmap run "$PG_TMPDIR/null.yaml" --rejects "$PG_TMPDIR/null.jsonl"
is "$(pg_psql -c "SELECT string_agg(item_id::text, ',' ORDER BY item_id) FROM m.items")" "1" \
   "on_error null into a NOT NULL column: those rows are rejected"
like "$(cat "$PG_TMPDIR/null.jsonl")" '"key":\{"Item Id":2\},"column":"qty","operation":"to_int","value":"many"' \
   "the reject names the key (source names), column, operation and raw value"

# insert mode: a second run rejects the duplicates instead of duplicating.
sed 's/  items:$/  items:\n    mode: insert/' "$MAP" >"$PG_TMPDIR/insert.yaml"
run_pgmap run "$PG_TMPDIR/insert.yaml" --rejects "$PG_TMPDIR/ins.jsonl"
is "$(pg_psql -c "SELECT count(*) FROM m.items")" "3" "insert mode: the new rows are inserted"
run_pgmap run "$PG_TMPDIR/insert.yaml" --rejects "$PG_TMPDIR/ins.jsonl"
is "$(pg_psql -c "SELECT count(*) FROM m.items")" "3" "insert mode re-run: no duplicates"
is "$(grep -c '"sqlstate":"23505","constraint":"items_pkey"' "$PG_TMPDIR/ins.jsonl")" "3" \
   "insert mode re-run: each duplicate rejected with SQLSTATE and constraint"

# explain shows the program of each column
run_pgmap explain "$MAP"
like "$(cat "$OUT")" 'name +text +<- Name \| null_if\("-"\) \| trim \| lower \| cast text not null' "explain shows the column program"
like "$(cat "$OUT")" 'source: SELECT "Item Id", "Name", "qty", "tag", \(upper\("Name"\)\) FROM "Item List"' \
   "explain shows the source statement with quoted names"

done_testing
