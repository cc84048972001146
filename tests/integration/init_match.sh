#!/bin/sh
# tests/integration/init_match.sh - `pgmap init SOURCE TARGET` into a schema
# that already exists (the movies practicum's `content` DDLs): tables and
# columns matched by name, no DDL written, target columns nothing fills as
# TODO comments with candidates; with the created_at DDL the mapping runs
# as written and every value arrives.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
SHARED=${PGMAP_SHARED:-$top_srcdir/../shared}/datasets/movies-practicum
[ -f "$SHARED/db.sqlite" ] || skip_all "../shared/datasets/movies-practicum is absent"
start_cluster sqlite3
. "$top_srcdir/tests/lib/compare_all.sh"
W=$PG_TMPDIR/work
mkdir -p "$W"

# 1. The practicum's own DDL: created/modified instead of created_at/updated_at.
pg_psql -f "$SHARED/target/movies_database.ddl" >/dev/null 2>&1
run_pgmap init "$SHARED/db.sqlite" "" --schema content -o "$W/m1.yaml"
is "$STATUS" 0 "init with an existing target exits 0"
like "$(cat "$OUT")" "5 existing tables of content matched \(no DDL" "it says it matched the existing tables"
is "$(ls "$W"/m1.ddl 2>/dev/null || true)" "" "and writes no DDL"
like "$(grep '^      film_work_id: film_work_id' "$W/m1.yaml" | head -1)" "uuid <- TEXT" "columns are matched by name, with the target type"
like "$(grep 'TODO: created ' "$W/m1.yaml" | head -1)" "candidates: created_at" \
     "a target column nothing fills is a TODO naming the likely source column"
is "$(grep -c '^ddl:' "$W/m1.yaml" || true)" 0 "the mapping names no ddl"
run_pgmap check "$W/m1.yaml"
is "$STATUS" 0 "the matched mapping passes pgmap check"

# 2. The created_at variant: every column matches, and the run loads it all.
pg_psql -c "DROP SCHEMA content CASCADE" >/dev/null
pg_psql -f "$SHARED/target/movies_database_created_at.ddl" >/dev/null 2>&1
run_pgmap init "$SHARED/db.sqlite" --target "" --schema content -o "$W/m2.yaml"
is "$STATUS" 0 "init --target exits 0"
is "$(grep -c 'TODO' "$W/m2.yaml" | tr -d ' ')" 1 "no TODO but the header's"
run_pgmap run "$W/m2.yaml"
is "$STATUS" 0 "the matched mapping runs"
is "$(total_of 5)" 0 "nothing rejected"
for t in genre film_work person genre_film_work person_film_work; do
    is "$(pg_psql -c "SELECT count(*) FROM content.$t")" "$(sqlite3 "$SHARED/db.sqlite" "SELECT count(*) FROM $t")" \
       "content.$t has every source row"
done
compare_table "$SHARED/db.sqlite" genre content genre

# 3. A schema with tables none of which matches is an error, not a guess.
pg_psql -c "CREATE SCHEMA other" -c "CREATE TABLE other.unrelated (x int)" >/dev/null
run_pgmap init "$SHARED/db.sqlite" "" --schema other -o "$W/m3.yaml"
is "$STATUS" 2 "no matching table: exit 2"
like "$(cat "$ERR")" "none matches a source table" "and the reason"
done_testing
