#!/bin/sh
# tests/integration/movies.sh - mappings/movies.yaml end to end: the sample
# database and the practicum's db.sqlite into both of the practicum's target
# DDLs, every value compared with the source, every relation checked; a
# second run writes nothing; a dry run writes nothing.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster sqlite3

SAMPLE=$top_builddir/data/movies.db
SHARED=${PGMAP_SHARED:-$top_srcdir/../shared}/datasets/movies-practicum
MAP=$top_srcdir/mappings/movies.yaml
MAP_AT=$top_srcdir/mappings/movies_created_at.yaml

# check_movies DB CREATED MODIFIED: every value of the five tables equals the
# source (created/modified are the target names of created_at/updated_at).
check_movies() {
    db=$1 cr=$2 md=$3 extra=${4:-}
    for t in film_work genre person genre_film_work person_film_work; do src_load "$db" "$t"; done
    same_rows "SELECT id::uuid, title, description, creation_date::date, rating::float8, type,
                      created_at::timestamptz, updated_at::timestamptz $extra FROM cmp.film_work" \
              "SELECT id, title, description, creation_date, rating, type, $cr, $md $extra
                 FROM content.film_work" "film_work: every value equals the source"
    same_rows "SELECT id::uuid, name, description, created_at::timestamptz, updated_at::timestamptz FROM cmp.genre" \
              "SELECT id, name, description, $cr, $md FROM content.genre" "genre: every value"
    same_rows "SELECT id::uuid, full_name, created_at::timestamptz, updated_at::timestamptz FROM cmp.person" \
              "SELECT id, full_name, $cr, $md FROM content.person" "person: every value"
    same_rows "SELECT id::uuid, film_work_id::uuid, genre_id::uuid, created_at::timestamptz FROM cmp.genre_film_work" \
              "SELECT id, film_work_id, genre_id, $cr FROM content.genre_film_work" "genre_film_work: every value"
    same_rows "SELECT id::uuid, film_work_id::uuid, person_id::uuid, role, created_at::timestamptz FROM cmp.person_film_work" \
              "SELECT id, film_work_id, person_id, role, $cr FROM content.person_film_work" "person_film_work: every value"
    is "$(pg_psql -c "SELECT count(*) FROM content.person_film_work pfw
                      JOIN content.film_work f ON f.id = pfw.film_work_id
                      JOIN content.person p ON p.id = pfw.person_id")" \
       "$(sqlite3 "$db" 'SELECT count(*) FROM person_film_work')" "every person_film_work joins its film and person"
    is "$(pg_psql -c "SELECT count(*) FROM content.genre_film_work g
                      JOIN content.film_work f ON f.id = g.film_work_id
                      JOIN content.genre ge ON ge.id = g.genre_id")" \
       "$(sqlite3 "$db" 'SELECT count(*) FROM genre_film_work')" "every genre_film_work joins its film and genre"
}

fresh_db() {
    pg_psql -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null
    PGDATABASE=$1
    export PGDATABASE
}

# 1. the sample database the build makes, with the mapping's own source
fresh_db sample
run_pgmap run "$MAP" --source "$SAMPLE" --rejects "$PG_TMPDIR/r.jsonl"
is "$STATUS" 0 "sample: pgmap run exits 0"
[ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
is "$(total_of 1)" "$(sqlite3 "$SAMPLE" 'SELECT (SELECT count(*) FROM film_work)+(SELECT count(*) FROM genre)+(SELECT count(*) FROM person)+(SELECT count(*) FROM genre_film_work)+(SELECT count(*) FROM person_film_work)')" \
   "sample: the summary counts every source row as read"
check_movies "$SAMPLE" created modified
run_pgmap verify "$MAP" --source "$SAMPLE" --rejects "$PG_TMPDIR/r.jsonl"
is "$STATUS" 0 "sample: pgmap verify finds no difference"
[ "$STATUS" = 0 ] || diag "$(cat "$OUT" "$ERR")"

# 2. a second run changes nothing: 0 written, and no row version changes
before=$(pg_psql -c "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM content.film_work")
run_pgmap run "$MAP" --source "$SAMPLE"
is "$STATUS" 0 "second run exits 0"
is "$(total_of 2)/$(total_of 3)" "0/0" "second run: 0 inserted, 0 updated"
is "$(total_of 4)" "$(total_of 1)" "second run: every row unchanged"
is "$(pg_psql -c "SELECT string_agg(xmin::text, ',' ORDER BY id) FROM content.film_work")" "$before" \
   "second run rewrote no row (xmin unchanged)"

# 3. a changed source row is updated, the rest stay unchanged
tmpdb=$PG_TMPDIR/changed.db
cp "$SAMPLE" "$tmpdb"
sqlite3 "$tmpdb" "UPDATE film_work SET title = title || ' (restored)' WHERE rowid = 1"
run_pgmap run "$MAP" --source "$tmpdb"
is "$(total_of 2)/$(total_of 3)" "0/1" "changed source: 0 inserted, 1 updated"
check_movies "$tmpdb" created modified

# 4. dry run on an empty database: reports, creates and writes nothing
fresh_db dry
run_pgmap run "$MAP" --source "$SAMPLE" --dry-run
is "$STATUS" 0 "dry run exits 0 on clean data"
like "$(cat "$OUT")" 'would insert' "dry run reports would-insert counts"
is "$(total_of 2)" "$(total_of 1)" "dry run: every row would be inserted"
is "$(pg_psql -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'content'")" "0" \
   "dry run left no schema behind (the DDL was rolled back too)"

if [ -f "$SHARED/db.sqlite" ]; then
    # 5. the practicum's db.sqlite into our DDL (created/modified)
    fresh_db practicum
    run_pgmap run "$MAP" --source "$SHARED/db.sqlite"
    is "$STATUS" 0 "practicum db into movies_database.ddl exits 0"
    [ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
    check_movies "$SHARED/db.sqlite" created modified
    run_pgmap verify "$MAP" --source "$SHARED/db.sqlite"
    is "$STATUS" 0 "practicum db: pgmap verify finds no difference"
    [ "$STATUS" = 0 ] || diag "$(cat "$OUT" "$ERR")"
    # 6. into the shared created_at DDL shape, with file_path kept
    fresh_db practicum_at
    run_pgmap run "$MAP_AT" --source "$SHARED/db.sqlite"
    is "$STATUS" 0 "practicum db into the created_at DDL exits 0"
    [ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
    check_movies "$SHARED/db.sqlite" created_at updated_at ", file_path"
    run_pgmap verify "$MAP_AT" --source "$SHARED/db.sqlite"
    is "$STATUS" 0 "practicum db, created_at shape: pgmap verify finds no difference"
    [ "$STATUS" = 0 ] || diag "$(cat "$OUT" "$ERR")"
    # 7. the shared DDL files themselves as the target schema
    for ddl in movies_database.ddl movies_database_created_at.ddl; do
        fresh_db shared_ddl
        pg_psql -f "$SHARED/target/$ddl" >/dev/null 2>&1
        case $ddl in *created_at*) m=$MAP_AT cr=created_at md=updated_at x=", file_path" ;; *) m=$MAP cr=created md=modified x= ;; esac
        run_pgmap run "$m" --source "$SHARED/db.sqlite"
        is "$STATUS" 0 "practicum db into the shared $ddl exits 0"
        [ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
        check_movies "$SHARED/db.sqlite" "$cr" "$md" "$x"
    done
else
    skip "../shared/datasets/movies-practicum is absent" 34
fi

done_testing
