#!/bin/sh
# tests/integration/ddl_after.sh - a ddl file in two parts (tables, then
# after the "-- pgmap: after load" line the keys, indexes, foreign keys,
# CHECKs and views): the tables are created before the load and the rest
# after it, all in one transaction.  A mandatory after-load statement that
# fails leaves nothing behind; an optional one that fails is a warning; the
# dry run runs the after part too; a second run upserts and writes nothing.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster sqlite3

FIX=$top_srcdir/tests/fixtures
DB=$PG_TMPDIR/ddl_after.db
W=$PG_TMPDIR/w      # copies of the mapping and ddl file that the cases edit
mkdir -p "$W"
sqlite3 "$DB" <"$FIX/ddl_after.sql"

# fresh: start from an empty target and pristine copies of the fixtures.
fresh() {
    pg_psql -c "DROP SCHEMA IF EXISTS lib CASCADE; DROP SCHEMA IF EXISTS pgmap CASCADE" >/dev/null 2>&1
    cp "$FIX/ddl_after.yaml" "$FIX/ddl_after.ddl" "$W/"
}
# pgmap_run ARGS...: pgmap run on the copied mapping.
pgmap_run() {
    run_pgmap run "$W/ddl_after.yaml" --source "$DB" --rejects "$PG_TMPDIR/rejects.jsonl" "$@"
}
lib_objects() {
    pg_psql -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'lib'"
}
constraints() {
    pg_psql -c "SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint
                WHERE connamespace = 'lib'::regnamespace"
}
indexes() {
    pg_psql -c "SELECT string_agg(indexrelid::regclass::text, ' ' ORDER BY indexrelid::regclass::text)
                FROM pg_index WHERE indrelid IN ('lib.author'::regclass, 'lib.book'::regclass)"
}
ALL_CONSTRAINTS="author_pkey book_author_fkey book_pkey book_title_check book_year_check"
ALL_INDEXES="lib.author_email_key lib.author_pkey lib.book_author_idx lib.book_pkey"

# 1. explain on an empty target: what the run would do, nothing created
fresh
run_pgmap explain "$W/ddl_after.yaml" --source "$DB"
is "$STATUS" 0 "explain exits 0"
like "$(cat "$OUT")" '^ddl after load: 7 statements \(1 optional\)' "explain counts the after-load statements"
like "$(cat "$OUT")" 'lib.book  \(mode insert \[new table, its key comes after the load: upsert on later runs\], key \(id\)' \
    "explain: the declared upsert is an insert while the key does not exist"
like "$(cat "$OUT")" 'lib.author  \(mode insert, batch' "explain: a new table without a key is loaded with insert"
is "$(lib_objects)" "0" "explain created nothing"

# 2. dry run on an empty target: the after part runs, then everything is rolled back
run_pgmap run "$W/ddl_after.yaml" --source "$DB" --dry-run
is "$STATUS" 0 "dry run exits 0"
[ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
like "$(cat "$OUT")" '^ddl after load: 7 statements in [0-9.]+ s, 0 optional not applied' "dry run ran the after part"
is "$(total_of 2)" "7" "dry run: would insert 7 rows"
is "$(lib_objects)" "0" "dry run left nothing behind"

# 3. the run: tables before the load, keys, indexes and foreign keys after it
pgmap_run
is "$STATUS" 0 "run exits 0"
[ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
is "$(total_of 2)" "7" "7 rows inserted"
like "$(cat "$OUT")" '^ddl after load: 7 statements in [0-9.]+ s, 0 optional not applied' "the report counts the after part"
is "$(constraints)" "$ALL_CONSTRAINTS" "primary keys, foreign key and CHECKs exist (pg_constraint)"
is "$(indexes)" "$ALL_INDEXES" "primary key and other indexes exist (pg_index)"
is "$(pg_psql -c "SELECT string_agg(title || '/' || author, ' ' ORDER BY id) FROM lib.book_titles")" \
    "First/Ann Second/Ann Third/Bob Fourth/Cy" "the optional view was made and reads the loaded rows"
is "$(pg_psql -c "SELECT nextval(pg_get_serial_sequence('lib.author', 'id'))")" "4" \
    "the identity sequence is moved past the loaded ids"

# 4. a second run: tables and keys exist, upsert everywhere, nothing written
pgmap_run
is "$STATUS" 0 "second run exits 0"
is "$(total_of 2)/$(total_of 3)/$(total_of 4)" "0/0/7" "second run: 0 inserted, 0 updated, 7 unchanged"
is "$(grep -c '^ddl after load' "$OUT" || true)" "0" "second run: the ddl file does not run"
run_pgmap explain "$W/ddl_after.yaml" --source "$DB"
like "$(cat "$OUT")" 'lib.author  \(mode upsert, key \(id\)' "second run: author is upserted by its primary key"
like "$(cat "$OUT")" 'lib.book  \(mode upsert, key \(id\), batch' "second run: book is upserted by its declared key"

# 5. a mandatory after-load statement that the data violates, in a run that
#    is one transaction (--single-transaction): exit 2, nothing left
fresh
echo 'ALTER TABLE lib.book ADD CONSTRAINT book_one_per_author UNIQUE (author_id);' >>"$W/ddl_after.ddl"
pgmap_run --single-transaction
is "$STATUS" 2 "failing mandatory after-load statement: exit 2"
like "$(cat "$ERR")" "^pgmap: error: ddl $W/ddl_after.ddl:34: could not create unique index \"book_one_per_author\"" \
    "the error names the file and line and gives PostgreSQL's message"
is "$(grep -c '^pgmap: error' "$ERR")" "1" "one error line"
like "$(cat "$OUT")" 'rolled back, nothing was written' "the run says nothing was written"
is "$(lib_objects)" "0" "nothing is left in the target (not even the schema)"

# 6. the same in a dry run: the dry run meets what the real run would meet
pgmap_run --dry-run
is "$STATUS" 2 "dry run with a failing after-load statement: exit 2"
like "$(cat "$ERR")" "ddl $W/ddl_after.ddl:34: could not create unique index" "dry run names the statement"
is "$(lib_objects)" "0" "dry run left nothing behind"

# 6b. the same in a normal run: book's own statements (its key, the new
#     unique constraint) run with book's last batch (run_after.c), so that
#     batch is rolled back with them; author, loaded before, is kept with
#     its key.  The run stays unfinished; once the ddl file is fixed, the
#     next run skips author, loads book and runs the rest of the after part
fresh
echo 'ALTER TABLE lib.book ADD CONSTRAINT book_one_per_author UNIQUE (author_id);' >>"$W/ddl_after.ddl"
pgmap_run
is "$STATUS" 2 "normal run, failing after-load statement: exit 2"
like "$(cat "$OUT")" 'committed batches are kept: `pgmap run .*` continues from them' "the run says how to go on"
is "$(pg_psql -c "SELECT count(*) FROM lib.author")" "3" "the table loaded before is kept"
is "$(pg_psql -c "SELECT count(*) FROM lib.book")" "0" "the refused table's last batch was rolled back with its statements"
is "$(constraints)" "author_pkey book_title_check" "author's key was made with its last batch; nothing of book's after part"
run_pgmap status "$W/ddl_after.yaml"
like "$(cat "$OUT")" "is unfinished \(the ddl file's after part is pending\)" "status: the after part is pending"
like "$(cat "$OUT")" '  [0-9]+ +run +failed .*could not create unique index' "status: the failed run and why"
cp "$FIX/ddl_after.ddl" "$W/"
pgmap_run
is "$STATUS" 0 "the fixed ddl file: the next run exits 0"
[ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
like "$(cat "$OUT")" 'finished in an earlier run: skipped' "finished tables are skipped"
is "$(total_of 2)" "7" "the counts are the whole run's"
is "$(constraints)" "$ALL_CONSTRAINTS" "the after part ran"
is "$(pg_psql -c "SELECT count(*) FROM lib.book")" "4" "no row twice"

# 7. an optional after-load statement that fails: a warning, exit 1, the rest applied
fresh
printf '%s\n' '-- pgmap: optional' 'CREATE VIEW lib.bad AS SELECT no_such_column FROM lib.book;' >>"$W/ddl_after.ddl"
pgmap_run
is "$STATUS" 1 "failing optional statement: exit 1 (warnings)"
like "$(cat "$ERR")" "^pgmap: warning: ddl $W/ddl_after.ddl:35: not applied: column \"no_such_column\" does not exist" \
    "the warning names the file and line"
like "$(cat "$OUT")" '^ddl after load: 8 statements in [0-9.]+ s, 1 optional not applied' "the report counts it"
is "$(pg_psql -c "SELECT count(*) FROM lib.book")" "4" "the data is there"
is "$(constraints)" "$ALL_CONSTRAINTS" "the other constraints are there"
is "$(pg_psql -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'lib'::regnamespace AND relkind = 'v'")" "1" \
    "the good view is there, the bad one is not"
run_pgmap run "$W/ddl_after.yaml" --source "$DB" --rejects "$PG_TMPDIR/rejects.jsonl" -q
is "$STATUS" 0 "the next run does not run the ddl file again: exit 0"

# 8. rows the database refuses while the whole run is one transaction: the
#    batch split (savepoints) still isolates them
fresh
cp "$DB" "$PG_TMPDIR/refused.db"
sqlite3 "$PG_TMPDIR/refused.db" "INSERT INTO book VALUES (14, 2, '', 2010), (15, 2, 'Fifth', 2011)"
run_pgmap run "$W/ddl_after.yaml" --source "$PG_TMPDIR/refused.db" --rejects "$PG_TMPDIR/refused.jsonl" --batch 4
is "$STATUS" 1 "a refused row: exit 1"
[ "$STATUS" = 1 ] || diag "$(cat "$ERR")"
like "$(cat "$PG_TMPDIR/refused.jsonl")" '"key":\{"id":14\}.*"constraint":"book_title_check"' \
    "the refused row is rejected with its constraint"
is "$(pg_psql -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM lib.book")" "10,11,12,13,15" "every other row is loaded"
is "$(constraints)" "$ALL_CONSTRAINTS" "and the after part ran"

# 9. a statement of the before part that fails names its line; nothing is left
fresh
sed -i 's/^    year      integer$/    year      integr/' "$W/ddl_after.ddl"
pgmap_run
is "$STATUS" 2 "failing before-part statement: exit 2"
like "$(cat "$ERR")" "^pgmap: error: ddl $W/ddl_after.ddl:15: type \"integr\" does not exist" \
    "the error names the line where the statement starts"
is "$(lib_objects)" "0" "nothing is left (the schema made by line 7 is rolled back)"

# 10. transaction control in the file would end pgmap's transaction
fresh
sed -i 's/^-- pgmap: after load$/COMMIT;\n&/' "$W/ddl_after.ddl"
pgmap_run
is "$STATUS" 2 "COMMIT in the ddl file: exit 2"
like "$(cat "$ERR")" "ddl $W/ddl_after.ddl:22: the statement ended pgmap's transaction" "says why and where"

# 11. an unterminated string: the file is not run at all
fresh
echo "COMMENT ON TABLE lib.book IS 'books;" >>"$W/ddl_after.ddl"
pgmap_run
is "$STATUS" 2 "unterminated string in the ddl file: exit 2"
like "$(cat "$ERR")" "^pgmap: error: ddl $W/ddl_after.ddl:34: unterminated quoted string" "names the line"
is "$(lib_objects)" "0" "nothing was run"

done_testing
