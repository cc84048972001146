#!/bin/sh
# tests/integration/init_golden.sh - pins what `pgmap init` writes for
# small fixtures (the mapping and the DDL), and checks its command line:
# default file names, --force, --naming snake_case, pgmap schema, errors.
# Needs no PostgreSQL: init reads only the source.  Regenerate the golden
# files with PGMAP_REGEN_GOLDEN=1 after a deliberate change, and read the diff.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
PGMAP=${PGMAP:-$top_builddir/pgmap}
. "$top_srcdir/tests/lib/tap.sh"
command -v sqlite3 >/dev/null || skip_all "sqlite3 command not found (apt-get install sqlite3)"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
G=$top_srcdir/tests/golden

# golden NAME FILE: compares FILE with tests/golden/NAME (source paths,
# which differ between machines, replaced by SOURCE).
golden() {
    sed -e "s|$TMP/||g" -e "s|$top_srcdir/||g" "$2" >"$TMP/normalised"
    [ -z "${PGMAP_REGEN_GOLDEN:-}" ] || cp "$TMP/normalised" "$G/$1"
    if diff -u "$G/$1" "$TMP/normalised" >"$TMP/diff"; then
        ok "$1 equals the golden file" true
    else
        ok "$1 equals the golden file" false
        diag "$(head -40 "$TMP/diff")"
    fi
}

sqlite3 "$TMP/small.db" <"$top_srcdir/tests/fixtures/init_small.sql"
cd "$TMP"
st=0
"$PGMAP" init small.db >out 2>err || st=$?
is "$st" 1 "init exits 1: the fixture has warnings"
like "$(cat out)" "wrote small.yaml and small.ddl: 4 tables, 9 rows" "the summary names both files"
like "$(cat err)" "warning: log.level: incompatible storage classes" "each warning is one line on stderr"
golden init_small.yaml small.yaml
golden init_small.ddl small.ddl

st=0
"$PGMAP" init small.db >out 2>err || st=$?
is "$st" 2 "init refuses to overwrite an existing mapping"
like "$(cat err)" "small.ddl already exists \(use --force" "and says how to overwrite"
st=0
"$PGMAP" init small.db --force -q -o sub.yaml --ddl schema.sql --naming snake_case >out 2>err || st=$?
is "$st" 1 "--force, -o, --ddl and --naming snake_case"
is "$(cat out)" "" "-q prints no summary"
like "$(grep '^ddl:' sub.yaml)" "$TMP/schema.sql" "a --ddl elsewhere is written with its full path"
like "$(cat schema.sql)" 'CREATE TABLE "public"."empty_one"' "snake_case keeps lower-case names"
like "$(grep 'renamed' sub.yaml || true)" "" "nothing to rename in snake_case here"

st=0
"$PGMAP" init small.db --sample 1 -o sampled.yaml >out 2>err || st=$?
like "$(cat out)" "4 tables, 9 rows" "--sample 1 still counts every row"
like "$(grep '^      name:' sampled.yaml)" "1 text" "--sample 1 reads one row per table"

st=0
"$PGMAP" schema small.yaml >schema.out 2>err || st=$?
is "$st" 0 "pgmap schema exits 0"
is "$(cmp schema.out small.ddl && echo same)" "same" "pgmap schema prints the DDL file the mapping names"

st=0
"$PGMAP" init nonexistent.db -o x.yaml >out 2>err || st=$?
is "$st" 2 "a missing source fails"
like "$(cat err)" "source nonexistent.db: no such file" "and says so in one line"
printf 'not a database' >junk.db
st=0
"$PGMAP" init junk.db -o x.yaml >out 2>err || st=$?
is "$st" 2 "a file that is not SQLite fails"
is "$(ls x.yaml 2>/dev/null || true)" "" "and writes no mapping"
st=0
"$PGMAP" init >out 2>err || st=$?
is "$st" 64 "init without SOURCE is a usage error"
st=0
"$PGMAP" init small.db --naming camel >out 2>err || st=$?
is "$st" 64 "an unknown --naming is a usage error"

# Chinook, bundled: the whole mapping is pinned too.
"$PGMAP" init "$top_srcdir/data/chinook/Chinook_Sqlite.sqlite" -o chinook.yaml --schema chinook_init -q
sed -e "s|^source: .*|source: SOURCE|" chinook.yaml >chinook.norm
golden init_chinook.yaml chinook.norm
golden init_chinook.ddl chinook.ddl
done_testing
