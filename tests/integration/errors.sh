#!/bin/sh
# tests/integration/errors.sh - every bad input ends in one clear line on
# stderr and a non-zero exit status: missing or corrupt SQLite file, wrong
# password (never echoed), unreachable server, YAML error, usage errors.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster
MAP=$top_srcdir/mappings/movies.yaml
SAMPLE=$top_builddir/data/movies.db

# one_error NAME STATUS REGEX: exit status and exactly one "pgmap: error:" line.
one_error() {
    is "$STATUS" "$2" "$1: exit status $2"
    is "$(grep -c '^pgmap: error:' "$ERR" || true)" "1" "$1: exactly one error line"
    like "$(cat "$ERR")" "$3" "$1: the line says why"
}

run_pgmap run "$MAP" --source "$PG_TMPDIR/no-such.db"
one_error "missing SQLite file" 2 'no such file'

printf 'this is not a database, just text that is long enough to look like a header....\n%.0s' 1 2 3 4 5 6 7 8 >"$PG_TMPDIR/corrupt.db"
run_pgmap run "$MAP" --source "$PG_TMPDIR/corrupt.db"
one_error "corrupt SQLite file" 2 'not a readable SQLite database'

run_pgmap run "$MAP" --source "$SAMPLE" --target "host=$PGHOST port=$PGPORT dbname=$PGDATABASE user=pgmap_pw password=s3cret-Wrong"
one_error "wrong password" 2 'password authentication failed'
is "$(grep -c 's3cret-Wrong' "$ERR" "$OUT" | awk -F: '{ s += $NF } END { print s }')" "0" "wrong password: the password is never printed"

run_pgmap run "$MAP" --source "$SAMPLE" --target "postgresql://pgmap_pw:s3cret-Uri@/pgmap_test?host=$PGHOST&port=$PGPORT"
one_error "wrong password in a URI" 2 'password authentication failed'
is "$(grep -c 's3cret-Uri' "$ERR" "$OUT" | awk -F: '{ s += $NF } END { print s }')" "0" "URI password is never printed"

run_pgmap run "$MAP" --source "$SAMPLE" --target "host=$PG_TMPDIR/nowhere port=1 connect_timeout=2"
one_error "unreachable server" 2 'cannot connect'

bad=$PG_TMPDIR/bad.yaml
printf 'version: 1\nsource: x.db\ntables:\n  a: {from: b\n' >"$bad"
run_pgmap run "$bad"
one_error "YAML syntax error" 2 'error in the mapping'
like "$(cat "$ERR")" "bad.yaml:[0-9]+:[0-9]+: error: " "YAML syntax error: file:line:col"

printf 'version: 1\nsource: x.db\ntables:\n  a: {frm: b}\n' >"$bad"
run_pgmap check "$bad"
one_error "unknown key" 2 'error in the mapping'
like "$(cat "$ERR")" "bad.yaml:4:7: error: unknown key" "unknown key: position and message"

run_pgmap run
is "$STATUS" 64 "no mapping: usage error 64"
run_pgmap frobnicate
is "$STATUS" 64 "unknown command: usage error 64"
run_pgmap run "$MAP" --batch zero
is "$STATUS" 64 "bad --batch: usage error 64"
run_pgmap --version
is "$STATUS" 0 "--version exits 0"
like "$(cat "$OUT")" '^pgmap [0-9]' "--version prints the version"
for c in run check explain; do
    run_pgmap "$c" --help
    like "$STATUS:$(cat "$OUT")" "^0:usage: pgmap $c" "pgmap $c --help"
done

# A mapping whose references are wrong: every problem reported, with position.
cat >"$bad" <<YAML
version: 1
source: $SAMPLE
schema: content
ddl: $top_srcdir/schemas/movies_database.ddl
tables:
  film_work:
    columns:
      titel: title
      rating: {from: ratting}
      type: null
  nosuch: {}
  genre: {from: genres}
YAML
run_pgmap check "$bad"
is "$STATUS" 2 "check with bad references exits 2"
like "$(cat "$ERR")" 'bad.yaml:8:7: error: target column "titel" does not exist' "unknown target column, with position"
like "$(cat "$ERR")" 'bad.yaml:9:22: error: source column "ratting" does not exist' "unknown source column, with position"
like "$(cat "$ERR")" 'bad.yaml:10:7: error: target column "type" of content.film_work is NOT NULL and has no default: it cannot be skipped' \
     "a NOT NULL column without default cannot be skipped"
like "$(cat "$ERR")" 'bad.yaml:11:3: error: target table "content.nosuch" does not exist' "unknown target table"
like "$(cat "$ERR")" 'bad.yaml:12:17: error: source table "genres" does not exist' "unknown source table"
like "$(cat "$ERR")" '5 errors in the mapping' "all five problems are reported, not just the first"
is "$(pg_psql -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'content'")" "0" "check created nothing"
run_pgmap run "$bad"
is "$STATUS" 2 "run with bad references exits 2"
is "$(pg_psql -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'content'")" "0" \
   "a run that fails to compile leaves no half-made schema (the DDL is rolled back)"

# A NOT NULL target column that nothing fills (the query has no `type`).
cat >"$bad" <<YAML
source: $SAMPLE
schema: content
ddl: $top_srcdir/schemas/movies_database.ddl
tables:
  film_work:
    query: SELECT id, title FROM film_work
YAML
run_pgmap check "$bad"
is "$STATUS" 2 "check: NOT NULL column without a source exits 2"
like "$(cat "$ERR")" 'bad.yaml:5:3: error: target column "type" of content.film_work is NOT NULL and has neither a source nor a default' \
     "NOT NULL column with neither a source nor a default, at the table's position"

done_testing
