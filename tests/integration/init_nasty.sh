#!/bin/sh
# tests/integration/init_nasty.sh - `pgmap init` + `pgmap run` on the nasty
# fixture (tests/fixtures/nasty.sql, which lists its cases; plus a 50 MB blob
# added here), with no edit in between: every value of every table equals the
# source (tests/lib/compare_all.sh), the text PostgreSQL cannot hold arrives
# as the mapping's declared policy says, no row is lost, and the PostgreSQL
# catalog has what the SQLite one had: types chosen from the values
# (docs/type-mapping.md), identity sequences past max(id) and
# sqlite_sequence, short distinct names for long ones, primary keys, partial
# and expression indexes, foreign keys (NOT VALID where orphans exist),
# CHECKs, translatable views with the same rows, and defaults that give what
# SQLite gives.  A second run writes nothing; `pgmap schema` prints the DDL.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
. "$top_srcdir/tests/lib/compare_all.sh"
start_cluster sqlite3

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgmap-init-nasty.XXXXXX")
pg_on_exit "rm -rf '$WORK'"
DB=$WORK/nasty.db
MAP=$WORK/nasty.yaml
DDL=$WORK/nasty.ddl
REJ=$WORK/nasty.rejects.jsonl
S=nasty

# q SQL: one value from the fixture.
q() {
    sqlite3 -batch -init /dev/null "$DB" "$1" </dev/null
}

# pgq SQL: one value from the target.
pgq() {
    pg_psql -c "$1" 2>&1 </dev/null
}

show_stderr() {
    [ ! -s "$ERR" ] || diag "stderr of pgmap:
$(head -n 40 "$ERR")"
}

# ---- the fixture -------------------------------------------------------

ok "the fixture builds" sqlite3 -bail -batch -init /dev/null "$DB" ".read $top_srcdir/tests/fixtures/nasty.sql"
ok "a 50 MB blob is added" sqlite3 -bail -batch -init /dev/null "$DB" \
    "INSERT INTO big_blob VALUES (3, randomblob(50 * 1024 * 1024))"
is "$(q "SELECT seq FROM sqlite_sequence WHERE name = 'ticket'")/$(q 'SELECT max(id) FROM ticket')" "10/7" \
   "fixture: ticket's sqlite_sequence (10) is past max(id) (7)"

# ---- init ---------------------------------------------------------------

run_pgmap init "$DB" -o "$MAP" --schema "$S"
st=1
case $STATUS in 0 | 1) st=0 ;; esac
ok "pgmap init exits 0 or 1 (got $STATUS)" "$st"
[ "$st" -eq 0 ] || show_stderr
[ -s "$MAP" ] || bail_out "init wrote no mapping"
ok "init wrote the DDL beside the mapping" test -s "$DDL"

# The policy the mapping declares for bad_text.v (text with NUL bytes and
# invalid UTF-8), as compare_all.sh spells it: strip_nul,fix_utf8[:replace].
policy=$(sed -n '/^  bad_text:/,/^  [^ ]/p' "$MAP" | grep -E '^ +v:' |
         sed -n 's/.*ops: *\[\(.*\)\].*/\1/p' | sed -e 's/{ *fix_utf8: *replace *}/fix_utf8:replace/' -e 's/[ {}]//g')
like "$(sed -n '/^  bad_text:/,/^  [^ ]/p' "$MAP")" '# policy: .*NUL' "the mapping explains the policy for NUL bytes in bad_text.v"
like "$policy" 'strip_nul' "bad_text.v: the mapping declares strip_nul"
like "$policy" 'fix_utf8' "bad_text.v: the mapping declares fix_utf8"

# ---- run ----------------------------------------------------------------

run_pgmap run "$MAP" --rejects "$REJ"
st=1
case $STATUS in 0 | 1) st=0 ;; esac
ok "pgmap run exits 0 or 1 (got $STATUS)" "$st"
[ "$STATUS" = 0 ] || show_stderr
[ "$st" -eq 0 ] || bail_out "the run failed"
is "$(total_of 5)" "0" "no row rejected"
[ ! -s "$REJ" ] || diag "first rejects:
$(head -n 5 "$REJ" | cut -c1-300)"
is "$(total_of 6)" "0" "no value nulled"

# No row lost: the summary read every source row (virtual tables included,
# shadow tables not) and wrote each one.
tables=$(q "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual')
              AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
nsrc=0
while IFS= read -r t; do
    [ -n "$t" ] || continue
    nsrc=$((nsrc + $(q "SELECT count(*) FROM \"$(printf '%s' "$t" | sed 's/"/""/g')\"")))
done <<EOF
$tables
EOF
is "$(total_of 1)" "$nsrc" "the run read every source row ($nsrc)"
is "$(total_of 2)" "$nsrc" "the run inserted every source row"

# ---- every value ----------------------------------------------------------

if [ -n "$policy" ]; then
    compare_database "$DB" "$S" "bad_text.v=$policy"
else
    compare_database "$DB" "$S"
fi

# ---- types chosen from the values (docs/type-mapping.md) -----------------

while IFS='|' read -r t c want why; do
    [ -n "$t" ] || continue
    like "$(pgq "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
                  WHERE attrelid = to_regclass(format('%I.%I', '$S', '$t')) AND attname = '$c'")" \
         "^($want)\$" "type of $t.$c: $(printf "%s" "$want" | tr -d "\\\\") ($why)"
done <<'EOF'
mixed|i|text|integers, a real and text
mixed|n|numeric|integers beyond 2^53 and reals
mixed|tb|bytea|text and blobs
mixed|r|double precision|reals with Infinity
mixed|big|bigint|the int64 extremes
bad_text|v|text|NUL bytes and invalid UTF-8, with a policy
bad_text|raw|bytea|blobs and a text with a NUL byte
people|login|citext|COLLATE NOCASE
uuids|u|uuid|only UUIDs
uuids|u_opt|uuid|UUIDs and NULLs
json_docs|j|jsonb|only JSON objects and arrays, declared JSON
booleans|mix|boolean|0/1 and boolean words
booleans|bit|boolean|only 0/1, declared BOOLEAN
booleans|tf|boolean|only true/false
times|naive|timestamp without time zone|ISO datetimes without offset
times|zulu|timestamp with time zone|ISO datetimes with Z
times|offset|timestamp with time zone|ISO datetimes with offsets
times|mixed_tz|timestamp with time zone|naive and offset datetimes
times|d_epoch|timestamp with time zone|epoch seconds, declared DATE
times|dt_ms|timestamp with time zone|epoch milliseconds, declared DATETIME
times|d_place|text|dates and placeholders
times|t|time without time zone|times of day
odd_types|tiny|smallint|tinyint
odd_types|med|integer|mediumint
odd_types|i5|integer|int(5)
odd_types|nv|character varying\(40\)|NVARCHAR(40)
odd_types|ch|character varying\(3\)|CHARACTER(3), a value with a trailing blank
odd_types|dp|double precision|DOUBLE PRECISION
odd_types|dec|numeric|DECIMAL(10,2) with integers and reals
defaults|dt|date|ISO dates
many|tenth|double precision|reals
EOF

# ---- identity columns and their sequences ---------------------------------

# Every rowid alias (the single INTEGER PRIMARY KEY of a rowid table) is an
# identity column whose next value is past max(id) and sqlite_sequence.
idents=$(q "SELECT m.name, p.name FROM pragma_table_list l JOIN sqlite_master m ON m.name = l.name,
                   pragma_table_info(m.name) p
             WHERE l.schema = 'main' AND l.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
               AND p.pk = 1 AND upper(p.type) = 'INTEGER'
               AND (SELECT count(*) FROM pragma_table_info(m.name) WHERE pk > 0) = 1
               AND upper(m.sql) NOT LIKE '%WITHOUT ROWID%' AND length(CAST(m.name AS BLOB)) <= 63
             ORDER BY 1")
while IFS='|' read -r t c; do
    [ -n "$t" ] || continue
    qt=$(printf '%s' "$t" | sed 's/"/""/g')
    low=$(q "SELECT max(coalesce((SELECT max(\"$c\") FROM \"$qt\"), 0),
                        coalesce((SELECT seq FROM sqlite_sequence WHERE name = '$(printf '%s' "$t" | sed "s/'/''/g")'), 0))")
    lit=$(printf '%s' "$t" | sed "s/'/''/g")
    is "$(pgq "SELECT a.attidentity <> '' AND nextval(pg_get_serial_sequence(format('%I.%I', '$S', '$lit'), '$c')) > $low
                 FROM pg_attribute a WHERE a.attrelid = to_regclass(format('%I.%I', '$S', '$lit')) AND a.attname = '$c'")" \
       "t" "$t.$c: an identity column whose next value is past $low"
done <<EOF
$idents
EOF
is "$(pgq "SELECT nextval(pg_get_serial_sequence('$S.empty_auto', 'id')) > 5")" "t" \
   "empty_auto: empty, but the sequence continues after sqlite_sequence (5)"

# ---- names ----------------------------------------------------------------

is "$(pgq "SELECT count(DISTINCT relname) FROM pg_class WHERE relnamespace = '$S'::regnamespace AND relkind = 'r'
            AND relname LIKE 'a\\_table\\_name\\_that\\_is\\_much\\_longer%'")" "2" \
   "the two table names equal in their first 63 bytes give two tables"
is "$(pgq "SELECT count(DISTINCT attname) || '/' || max(octet_length(attname)) FROM pg_attribute
            WHERE attrelid = '$S.long_columns'::regclass AND attnum > 0 AND NOT attisdropped")" "5/63" \
   "long_columns: 5 distinct column names, the longest 63 bytes"
for t in 'we"ird' 'with space' 'order' 'données'; do
    lit=$(printf '%s' "$t" | sed "s/'/''/g")
    ok "table $t keeps its name" test -n "$(pgq "SELECT to_regclass(format('%I.%I', '$S', '$lit'))")"
done

# ---- keys and indexes ------------------------------------------------------

# pk_of TABLE: the primary key columns, in key order.
pk_of() {
    pgq "SELECT string_agg(a.attname, ',' ORDER BY array_position(c.conkey, a.attnum))
           FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
          WHERE c.conrelid = to_regclass('$S.$1') AND c.contype = 'p'"
}
is "$(pk_of enrolment)" "student_id,course_id" "enrolment: the composite primary key"
is "$(pk_of kv)" "k" "kv (WITHOUT ROWID): primary key k"
is "$(pgq "SELECT count(*) FROM pg_index WHERE indrelid = '$S.people'::regclass AND indpred IS NOT NULL")" "1" \
   "people: the partial index"
is "$(pgq "SELECT count(*) FROM pg_index WHERE indrelid = '$S.people'::regclass AND indexprs IS NOT NULL
            AND NOT indisunique AND pg_get_indexdef(indexrelid) LIKE '%lower(name)%'")" "1" \
   "people: the expression index on lower(name)"
is "$(pgq "SELECT count(*) FROM pg_index WHERE indrelid = '$S.people'::regclass AND indisunique
            AND pg_get_indexdef(indexrelid) LIKE '%email%'")" "1" \
   "people: the UNIQUE index on email COLLATE NOCASE"
like "$(pgq "INSERT INTO $S.people (id, name, email) VALUES (99, 'x', 'ADA@example.com')")" 'duplicate key.*people_email' \
     "people: the NOCASE unique index refuses a case variant of an email"

# ---- foreign keys ----------------------------------------------------------

# fk CHILD PARENT: delete rule, deferrable, deferred, validated of the FK.
fk() {
    pgq "SELECT concat_ws(' ', confdeltype, condeferrable, condeferred, convalidated)
           FROM pg_constraint WHERE contype = 'f' AND conrelid = to_regclass('$S.$1') AND confrelid = to_regclass('$S.$2')"
}
while IFS='|' read -r child parent want why; do
    [ -n "$child" ] || continue
    is "$(fk "$child" "$parent")" "$want" "FK $child -> $parent: $why"
done <<'EOF'
employee|employee|a f f t|self-referencing, validated
dept|staff|a f f t|cyclic pair, validated
staff|dept|a f f t|cyclic pair, validated
order_line|"order"|a f f t|to a reserved word, validated
child|parent|c f f f|ON DELETE CASCADE, NOT VALID (orphans)
child_setnull|parent|n t t t|ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED, validated
child_deferred|parent|a t t f|DEFERRABLE INITIALLY DEFERRED, NOT VALID (an orphan)
EOF

# ---- CHECK constraints -----------------------------------------------------

checks=$(pgq "SELECT string_agg(pg_get_constraintdef(oid), ' ; ' ORDER BY conname) FROM pg_constraint
               WHERE conrelid = '$S.stock'::regclass AND contype = 'c'")
like "$checks" 'qty >= 0' "stock: CHECK (qty >= 0) is there"
like "$checks" 'qty < 1000000' "stock: the table CHECK (qty < 1000000) is there"
like "$checks" 'length\(code\) = 3' "stock: CHECK (length(code) = 3) is there"
like "$(pgq "INSERT INTO $S.stock (id, code, qty) VALUES (99, 'xyz', -1)")" 'violates check constraint' \
     "stock: CHECK (qty >= 0) refuses -1"

# ---- views ----------------------------------------------------------------

is "$(pgq "SELECT relkind FROM pg_class WHERE oid = to_regclass('$S.v_people')")" "v" "the view v_people exists"
compare_table "$DB" v_people "$S" v_people
if [ -n "$(pgq "SELECT to_regclass('$S.v_sqlite_only')")" ]; then
    compare_table "$DB" v_sqlite_only "$S" v_sqlite_only
else
    # Not translated (printf has no PostgreSQL twin): then the DDL says so.
    like "$(grep 'view v_sqlite_only' "$DDL")" "not translated: uses function" \
         "v_sqlite_only is reported in the DDL with the reason it was not translated"
fi
like "$(grep 'view v_broken' "$DDL")" "SQLite itself cannot run it" "v_broken is reported as broken in SQLite itself"
is "$(pgq "SELECT to_regclass('$S.v_broken') IS NULL")" "t" "v_broken (on a missing table) is not there"

# ---- defaults give what SQLite gives ---------------------------------------

# A row with nothing but its key, in both databases: the constant defaults
# are equal; the clock ones are now (UTC), as in SQLite.
cp "$DB" "$WORK/defaults.db"
sqlite3 -batch -init /dev/null "$WORK/defaults.db" "INSERT INTO defaults (id) VALUES (100)"
pgq "INSERT INTO $S.defaults (id) VALUES (100)" >/dev/null
CMP_SRC_WHERE='id = 100' CMP_TGT_WHERE='id = 100' compare_table "$WORK/defaults.db" defaults "$S" defaults \
    defaults.created defaults.created2 defaults.epoch defaults.dt defaults.tm
is "$(pgq "SELECT abs(extract(epoch FROM created - (now() AT TIME ZONE 'UTC'))) < 300
               AND abs(extract(epoch FROM created2 - (now() AT TIME ZONE 'UTC'))) < 300
               AND abs(epoch - extract(epoch FROM now())) < 300
               AND abs(dt - (now() AT TIME ZONE 'UTC')::date) <= 1
               AND tm::time IS NOT NULL
             FROM $S.defaults WHERE id = 100")" "t" \
   "defaults: CURRENT_TIMESTAMP, datetime('now'), strftime('%s','now'), CURRENT_DATE, CURRENT_TIME give the current UTC time"
pgq "DELETE FROM $S.defaults WHERE id = 100" >/dev/null

# ---- a second run ---------------------------------------------------------

run_pgmap run "$MAP" --rejects "$REJ"
is "$STATUS" "0" "second run exits 0"
[ "$STATUS" = 0 ] || show_stderr
is "$(total_of 3)/$(total_of 5)" "0/0" "second run: 0 updated, 0 rejected"
# Keyed tables are upserted (nothing inserted); keyless ones are in mode
# replace, emptied and reloaded whole: inserted = read for those only.
want=$(awk '/^  [^ #].*:   # [0-9]+ row/ { r = $0; sub(/.*:   # /, "", r); sub(/ row.*/, "", r); rows = r + 0 }
            /^    mode: replace/ && rows > 0 { c++ } END { print c + 0 }' "$MAP")
got=$(awk '$1 != "total" && $NF ~ /^[0-9.]+$/ && $(NF-6) ~ /^[0-9]+$/ && $(NF-6) > 0 { if ($(NF-6) == $(NF-7)) c++; else c -= 1000 } END { print c + 0 }' "$OUT")
is "$got" "$want" "second run: only the $want keyless table(s) are reloaded, whole"
# Still one target row per source row (a keyless table reloaded, not doubled).
while IFS= read -r t; do
    [ -n "$t" ] || continue
    [ "$(_ca_bytes "$t")" -le 63 ] || continue
    lit=$(printf '%s' "$t" | sed "s/'/''/g")
    is "$(pgq "SELECT count(*) FROM $(pgq "SELECT to_regclass(format('%I.%I', '$S', '$lit'))")")" \
       "$(q "SELECT count(*) FROM \"$(printf '%s' "$t" | sed 's/"/""/g')\"")" "after the second run, $t has the source's row count"
done <<EOF
$tables
EOF

# ---- pgmap schema ----------------------------------------------------------

run_pgmap schema "$MAP"
is "$STATUS" "0" "pgmap schema exits 0"
[ "$STATUS" = 0 ] || show_stderr
like "$(cat "$OUT")" 'CREATE TABLE' "pgmap schema prints the DDL"
# psql goes past the optional statements PostgreSQL refuses (warnings in
# the run); every table must still be created.
pg_psql -d postgres -c "DROP DATABASE IF EXISTS ddl_check" -c "CREATE DATABASE ddl_check" >/dev/null
pg_psql -d ddl_check -v ON_ERROR_STOP=0 -f "$OUT" >/dev/null 2>&1 || true
is "$(pg_psql -d ddl_check -c "SELECT count(*) FROM pg_tables WHERE schemaname = '$S'")" \
   "$(pgq "SELECT count(*) FROM pg_tables WHERE schemaname = '$S'")" "the printed DDL creates the tables the run created"
pg_psql -d postgres -c "DROP DATABASE IF EXISTS ddl_check" >/dev/null

done_testing
