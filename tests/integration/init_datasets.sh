#!/bin/sh
# tests/integration/init_datasets.sh - `pgmap init` on every real SQLite file
# under ../shared/datasets, with no edit in between: init writes a mapping and
# its DDL (exit 0, or 1 for warnings), `pgmap run` loads it with nothing
# rejected and no value nulled, every value of every table equals the source
# (tests/lib/compare_all.sh: values, not counts), a second run writes nothing,
# a sync of the unchanged source finds every checksum equal, pgmap verify
# finds no difference (no false alarm),
# and `pgmap schema` prints DDL that creates the same tables and columns in an
# empty database.  Each file gets its own schema, named after its path.
# Skipped when ../shared (or $PGMAP_SHARED) has no datasets.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
. "$top_srcdir/tests/lib/compare_all.sh"

DATASETS=${PGMAP_SHARED:-$top_srcdir/../shared}/datasets
[ -d "$DATASETS" ] || skip_all "no shared datasets at $DATASETS (set PGMAP_SHARED)"
FILES=$(find "$DATASETS" -type f \( -name '*.sqlite' -o -name '*.sqlite3' -o -name '*.db' \) | LC_ALL=C sort)
[ -n "$FILES" ] || skip_all "no SQLite file under $DATASETS"
start_cluster sqlite3

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgmap-init-datasets.XXXXXX")
pg_on_exit "rm -rf '$WORK'"

# columns_of DATABASE SCHEMA: every table and column with its type, one a
# line, for comparing two databases built from the same DDL.
columns_of() {
    pg_psql -d "$1" -c "SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                          FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
                         WHERE c.relnamespace = to_regnamespace('$2')::oid AND c.relkind IN ('r', 'p', 'v')
                           AND a.attnum > 0 AND NOT a.attisdropped
                         ORDER BY c.relname COLLATE \"C\", a.attnum"
}

# show_stderr: the last command's stderr as diagnostics.
show_stderr() {
    [ ! -s "$ERR" ] || diag "stderr of pgmap:
$(head -n 40 "$ERR")"
}

n=0
# The list is read from fd 3: nothing in the loop can eat it from stdin.
while IFS= read -r f <&3; do
    n=$((n + 1))
    rel=${f#"$DATASETS"/}
    # chinook/Chinook_Sqlite.sqlite -> chinook_chinook_sqlite
    name=$(printf '%s' "${rel%.*}" | LC_ALL=C tr '[:upper:]' '[:lower:]' | LC_ALL=C tr -c '[:lower:][:digit:]' '_')
    map=$WORK/$name.yaml
    ddl=$WORK/$name.ddl
    rej=$WORK/$name.rejects.jsonl
    diag "$rel -> schema $name"

    run_pgmap init "$f" -o "$map" --schema "$name"
    st=1
    case $STATUS in 0 | 1) st=0 ;; esac
    ok "$rel: pgmap init exits 0 or 1 (got $STATUS)" "$st"
    if [ "$st" -ne 0 ] || [ ! -s "$map" ]; then
        show_stderr
        skip "$rel: init wrote no mapping" 1
        continue
    fi
    ok "$rel: init wrote the DDL beside the mapping ($name.ddl)" test -s "$ddl"

    run_pgmap run "$map" --rejects "$rej"
    st=1
    case $STATUS in 0 | 1) st=0 ;; esac
    ok "$rel: pgmap run exits 0 or 1 (got $STATUS)" "$st"
    [ "$STATUS" = 0 ] || show_stderr
    is "$(total_of 5)" "0" "$rel: no row rejected"
    if [ -s "$rej" ]; then
        diag "first rejects:
$(head -n 5 "$rej" | cut -c1-300)"
    fi
    is "$(total_of 6)" "0" "$rel: no value nulled"
    if [ "$st" -ne 0 ]; then
        skip "$rel: the run failed" 1
        continue
    fi

    compare_database "$f" "$name"

    run_pgmap run "$map" --rejects "$rej"
    is "$STATUS" "0" "$rel: second run exits 0"
    [ "$STATUS" = 0 ] || show_stderr
    is "$(total_of 3)/$(total_of 5)" "0/0" "$rel: second run: 0 updated, 0 rejected"
    # Keyed tables are upserted: nothing inserted.  Tables without a
    # primary key are in mode replace (emptied and reloaded): the only
    # tables with inserted rows must be exactly those with rows.
    want=$(awk '/^  [^ #].*:   # [0-9]+ row/ { r = $0; sub(/.*:   # /, "", r); sub(/ row.*/, "", r); rows = r + 0 }
                /^    mode: replace/ && rows > 0 { c++ } END { print c + 0 }' "$map")
    got=$(awk '$1 != "total" && $NF ~ /^[0-9.]+$/ && $(NF-6) ~ /^[0-9]+$/ && $(NF-6) > 0 { c++ } END { print c + 0 }' "$OUT")
    is "$got" "$want" "$rel: second run: rows inserted only into the $want keyless table(s) it reloads"
    is "$(total_of 2)" "$(awk '$1 != "total" && $NF ~ /^[0-9.]+$/ && $(NF-6) ~ /^[0-9]+$/ { if ($(NF-6) > 0) s += $(NF-7) } END { print s + 0 }' "$OUT")" \
       "$rel: second run: those tables are reloaded whole (inserted = read), never doubled"
    # Whatever the second run did, no table gained or lost a row (a keyless
    # table reloaded, not doubled).
    diffs=$(sqlite3 -batch -init /dev/null "$f" "SELECT name FROM pragma_table_list WHERE schema = 'main'
                AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name" |
        while IFS= read -r t; do
            [ "$(_ca_bytes "$t")" -le 63 ] || continue
            qt=$(printf '%s' "$t" | sed 's/"/""/g')
            want=$(sqlite3 -batch -init /dev/null "$f" "SELECT count(*) FROM \"$qt\"" </dev/null)
            got=$(pg_psql -c "SELECT count(*) FROM $name.\"$qt\"" 2>&1 </dev/null)
            [ "$got" = "$want" ] || printf '%s: %s rows, the source has %s\n' "$t" "$got" "$want"
        done)
    is "$diffs" "" "$rel: after the second run every table has the source's row count"

    # A sync of the unchanged source: pgmap's checksums of its converted
    # rows agree with the server's of the loaded rows in every bucket, so
    # nothing is shipped; keyless (replace) tables are reloaded whole.
    run_pgmap sync "$map" -v --rejects "$rej"
    is "$STATUS" "0" "$rel: sync of the unchanged source exits 0"
    [ "$STATUS" = 0 ] || show_stderr
    is "$(total_of 3)/$(total_of 4)" "0/$(total_of 2)" \
       "$rel: sync: nothing updated; only keyless tables reloaded (deleted = inserted)"
    is "$(grep ' buckets differ' "$ERR" | grep -v ': 0 of ' || true)" "" \
       "$rel: sync: every bucket's checksum agrees with the target's (no row shipped)"

    # verify: every value through the mapping, the schema the DDL implies,
    # with no false alarm on a file nobody wrote for pgmap.
    run_pgmap verify "$map" --rejects "$rej"
    is "$STATUS" "0" "$rel: pgmap verify finds no difference"
    [ "$STATUS" = 0 ] || diag "$(grep -v '^  *[a-z_].* ok$' "$OUT" | head -n 30)$(head -n 5 "$ERR")"
    like "$(tail -n 1 "$OUT")" '^verify: everything matches: .* every value compared' \
         "$rel: verify compared every value"

    run_pgmap schema "$map"
    is "$STATUS" "0" "$rel: pgmap schema exits 0"
    [ "$STATUS" = 0 ] || show_stderr
    like "$(cat "$OUT")" 'CREATE TABLE' "$rel: pgmap schema prints the DDL"
    # The printed DDL, run by psql in an empty database, gives the tables,
    # views, columns and types the run created.  psql goes past errors:
    # statements marked optional (a view PostgreSQL judges differently from
    # SQLite) may fail there as they may in the run, where they are warnings.
    db=ddl_check_$n
    pg_psql -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    pg_psql -d "$db" -v ON_ERROR_STOP=0 -f "$OUT" >/dev/null 2>&1 || true
    is "$(columns_of "$db" "$name")" "$(columns_of "$PGDATABASE" "$name")" \
       "$rel: it creates the tables, views and columns the run created"
    pg_psql -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null
done 3<<EOF
$FILES
EOF

done_testing
