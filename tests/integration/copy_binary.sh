#!/bin/sh
# tests/integration/copy_binary.sh - the one-COPY load of a created table
# travels in COPY's binary format (pgbinary.c), and the server stores
# exactly what the text format gives: every type pgmap knows, at its edges
# (BC dates, infinities, years past 9999, offsets with seconds, 24:00,
# NaN, -0, denormals, long numerics, NULLs, tabs and backslashes), loaded
# once as binary and once with PGMAP_COPY_FORMAT=text, then compared value
# for value, and checked by pgmap verify.
#  - a timestamptz with a zone name cannot travel in binary: the table is
#    loaded again as text (still FREEZE), every row arrives, each reject
#    line is written once, the counts are those of the text load;
#  - a table with a type pgmap does not know goes as text.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster sqlite3

DB=$PG_TMPDIR/bin.db
sqlite3 "$DB" <<'SQL'
CREATE TABLE v (id INTEGER PRIMARY KEY, i2, i4, i8, n, n102, f4, f8, b, u, d, ts, tz, tm, j, jb, by, tx, vc, ch);
INSERT INTO v VALUES
 (1, -32768, 2147483647, -9223372036854775808, '0', 2.675, '1e-45', 5e-324, 0, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11',
  '2000-01-01', '2000-01-01 00:00:00.000001', '2020-06-01 12:00:00+05:30', '24:00:00', '{"a":[1,2.50,"xé"]}',
  '{"b": 1, "a": [1, 2.50]}', x'00015c0a', 'tab	nl
bs\ é', 'ab  ', 'a'),
 (2, 32767, -2147483648, 9223372036854775807, '-0.000', '-0.005', '3.4028235e+38', 1e308, 1, '{a0eebc999c0b4ef8bb6d6bb9bd380a11}',
  '0044-03-15 BC', '1999-12-31T23:59:59.999999', '1850-01-01 00:00:00+00:09:21', '00:00:00.5', '[]',
  '{}', 'text as bytes', '', '12345', 'xyz'),
 (3, 3.0, ' 42 ', '7', '123456789012345678901234567890.123456789', '99999999.99', 0.1, -0.0, 't', x'a0eebc999c0b4ef8bb6d6bb9bd380a11',
  'infinity', '0001-01-01 00:00:00 BC', '2020-01-01 10:00:00Z', '23:59:59.999999', 'null',
  '"s"', x'', 'x', NULL, NULL),
 (4, NULL, NULL, NULL, 'NaN', NULL, 'NaN', 'Infinity', 'no', NULL,
  '-infinity', 'infinity', '1999-12-31 23:00:00', NULL, NULL,
  NULL, NULL, NULL, NULL, NULL),
 (5, 0, 0, 0, '-Infinity', '0.1', '-0', '-Infinity', NULL, NULL,
  '5874897-12-31', '294276-12-31 23:59:59.999999', '-infinity', '12:34:56', '1e400',
  '1.0e-5', x'ff', '\N', 'é', 'é'),
 (6, 1, 1, 1, 1e-20, 0, 1.5, 0.1, 1, NULL,
  '1970-01-01', '10000-01-01 00:00:00', '12020-03-04 05:06:07.5-12:00', '00:00:00', '{"k":"tab\there"}',
  '[1, "x", null, true]', x'5c78', 'tail\', 'a\b', '\');
CREATE TABLE z (id INTEGER PRIMARY KEY, at TEXT, q TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
INSERT INTO z SELECT i, '2021-05-0' || (1 + i % 9) || ' 10:00:00+02', CASE WHEN i IN (10, 4990) THEN 'x' ELSE i END FROM n;
UPDATE z SET at = '2021-05-01 10:00:00 Europe/Paris' WHERE id = 2500;
CREATE TABLE o (id INTEGER PRIMARY KEY, span TEXT, addr TEXT);
INSERT INTO o VALUES (1, '1 day 02:00', '10.0.0.1/8'), (2, NULL, '::1');
SQL

make_target() {   # $1 = database
    pg_psql -d "$1" <<'SQL' >/dev/null
CREATE SCHEMA b;
CREATE EXTENSION IF NOT EXISTS pg_visibility SCHEMA public;
SQL
}
DDL=$PG_TMPDIR/bin.ddl
cat >"$DDL" <<'SQL'
CREATE TABLE b.v (id integer NOT NULL, i2 smallint, i4 integer, i8 bigint, n numeric, n102 numeric(10,2),
  f4 real, f8 double precision, b boolean, u uuid, d date, ts timestamp, tz timestamptz, tm time, j json,
  jb jsonb, "by" bytea, tx text, vc varchar(3), ch char(3));
CREATE TABLE b.z (id integer NOT NULL, at timestamptz NOT NULL, q integer);
CREATE TABLE b.o (id integer NOT NULL, span interval, addr inet);
-- pgmap: after load
ALTER TABLE b.v ADD PRIMARY KEY (id);
ALTER TABLE b.z ADD PRIMARY KEY (id);
ALTER TABLE b.o ADD PRIMARY KEY (id);
SQL
MAP=$PG_TMPDIR/bin.yaml
cat >"$MAP" <<YAML
source: $DB
schema: b
ddl: $DDL
tables:
  v:
    key: [id]
    columns:
      vc: {from: vc, on_error: "null"}
  z: {key: [id]}
  o: {key: [id]}
YAML

pg_psql -c "CREATE DATABASE txt" >/dev/null
pg_psql -c "ALTER DATABASE pgmap_test SET timezone = 'Asia/Tokyo'" >/dev/null
pg_psql -c "ALTER DATABASE txt SET timezone = 'America/New_York'" >/dev/null
for db in pgmap_test txt; do make_target "$db"; done

run_pgmap run "$MAP" -v --rejects "$PG_TMPDIR/bin.jsonl"
is "$STATUS" "1" "binary: exits 1 (rows rejected)"
like "$(cat "$ERR")" "b\\.v: one COPY FREEZE, binary format" "binary: b.v went as binary"
like "$(cat "$ERR")" "b\\.o: one COPY FREEZE, text format" "binary: b.o (interval, inet) went as text"
like "$(cat "$ERR")" "b\\.z: one COPY FREEZE, binary format" "binary: b.z started as binary"
like "$(cat "$ERR")" "b\\.z: one COPY FREEZE, text format" "binary: b.z loaded again as text after the zone name"
cp "$OUT" "$PG_TMPDIR/bin.out"
PGMAP_COPY_FORMAT=text run_pgmap run "$MAP" -v --target "dbname=txt" --rejects "$PG_TMPDIR/txt.jsonl"
is "$STATUS" "1" "text: exits 1 (rows rejected)"
nok "text: nothing went as binary" grep -q "binary format" "$ERR"

# The same counts (read, inserted, rejected, nulled) and the same reject lines.
counts() { grep -E '^ *b\.[voz] ' "$1" | awk '{print $1, $2, $3, $4, $5, $6, $7}'; }
is "$(counts "$PG_TMPDIR/bin.out")" "$(counts "$OUT")" "the same counts per table as the text load"
like "$(counts "$OUT")" "b.z 5000 4998" "b.z: 5000 read, 4998 inserted"
is "$(wc -l <"$PG_TMPDIR/bin.jsonl")" "$(wc -l <"$PG_TMPDIR/txt.jsonl")" "as many reject lines as the text load"
is "$(grep -c '"table":"b.z"' "$PG_TMPDIR/bin.jsonl")" "2" "b.z: each of its two rejects written once"
like "$(counts "$OUT")" "b.v 6 6 0 0 0 1" "b.v: the too-long varchar nulled, the row kept"

# Value for value: the server's text output of each table (in UTC).
dump() {   # $1 = database
    for t in v z o; do
        PGTZ=UTC pg_psql -d "$1" -c "COPY (SELECT * FROM b.$t ORDER BY id) TO STDOUT"
    done
}
dump pgmap_test >"$PG_TMPDIR/bin.dump"
dump txt >"$PG_TMPDIR/txt.dump"
is "$(wc -l <"$PG_TMPDIR/bin.dump")" "5006" "binary: 6 + 4998 + 2 rows"
if cmp -s "$PG_TMPDIR/bin.dump" "$PG_TMPDIR/txt.dump"; then
    ok "binary and text loads store the same values" true
else
    ok "binary and text loads store the same values" false
    diff "$PG_TMPDIR/txt.dump" "$PG_TMPDIR/bin.dump" | head -20 | sed 's/^/# /'
fi
is "$(PGTZ=UTC pg_psql -c "SELECT tz FROM b.v WHERE id = 2")" "1849-12-31 23:50:39+00" \
   "an offset with seconds (+00:09:21) applied"
is "$(pg_psql -c "SELECT count(*) FILTER (WHERE NOT all_frozen) || '/' || (count(*) > 0)::text FROM pg_visibility_map('b.z')")" \
   "0/true" "b.z, loaded again as text, still with COPY FREEZE"

PGMAP_COPY_FORMAT=binray run_pgmap run "$MAP" --target "dbname=txt"
is "$STATUS" "64" "PGMAP_COPY_FORMAT misspelt: a usage error, nothing loaded"
like "$(cat "$ERR")" "text or binary expected" "PGMAP_COPY_FORMAT misspelt: says what it takes"

run_pgmap verify "$MAP"
is "$STATUS" "0" "pgmap verify of the binary load: no difference"
like "$(cat "$OUT")" "every value compared" "verify compared every value"

done_testing
