# tests/lib/compare.sh - value-by-value comparison of a SQLite source with
# the PostgreSQL target, for the integration tests (sourced, not run).
#
# The source table is copied as text (sqlite3 -csv, NULL kept apart from
# '') into cmp."TABLE" in the test database, then PostgreSQL itself parses
# each value with the cast the test names and compares it with the target.
# The comparison never goes through pgmap's own conversions, so it checks
# them instead of repeating them.
#
#   src_load DB TABLE                  # -> cmp."TABLE", every column text
#   diff_rows "SELECT ... FROM cmp.x" "SELECT ... FROM target"
#       prints the number of rows in either side and not the other (EXCEPT
#       ALL both ways, so duplicates count), 0 when they match.

_cmp_q() {
    printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"
}

src_load() {
    _db=$1
    _t=$2
    _qt=$(_cmp_q "$_t")
    _cols=$(sqlite3 "$_db" "SELECT group_concat('\"' || replace(name, '\"', '\"\"') || '\" text', ', ') FROM pragma_table_info('$(printf '%s' "$_t" | sed "s/'/''/g")')")
    _csv=$(mktemp)
    sqlite3 -csv -nullvalue '\N' "$_db" "SELECT * FROM $_qt" >"$_csv"
    pg_psql -c "CREATE SCHEMA IF NOT EXISTS cmp" -c "DROP TABLE IF EXISTS cmp.$_qt" \
        -c "CREATE TABLE cmp.$_qt ($_cols)" >/dev/null
    # psql runs as root here and reads the file itself (\copy): no server access needed.
    pg_psql -c "\\copy cmp.$_qt FROM '$_csv' WITH (FORMAT csv, NULL '\\N')" >/dev/null
    rm -f "$_csv"
}

diff_rows() {
    pg_psql -c "SELECT (SELECT count(*) FROM (($1) EXCEPT ALL ($2)) a) + (SELECT count(*) FROM (($2) EXCEPT ALL ($1)) b)"
}

# show_diff A B: the first differing rows, for the TAP diagnostics.
show_diff() {
    pg_psql -c "(($1) EXCEPT ALL ($2)) LIMIT 5" 2>&1 | sed 's/^/# source only: /'
    pg_psql -c "(($2) EXCEPT ALL ($1)) LIMIT 5" 2>&1 | sed 's/^/# target only: /'
}

# same_rows A B NAME: a TAP test that the two queries give the same rows.
same_rows() {
    _n=$(diff_rows "$1" "$2" 2>&1)
    is "$_n" "0" "$3"
    [ "$_n" = "0" ] || show_diff "$1" "$2"
}

# run_pgmap ARGS...: runs the binary (through PGMAP_WRAPPER, e.g. valgrind);
# stdout to $OUT, stderr to $ERR, exit status in $STATUS.
run_pgmap() {
    OUT=$(mktemp)
    ERR=$(mktemp)
    pg_on_exit "rm -f '$OUT' '$ERR'"
    STATUS=0
    # shellcheck disable=SC2086 # the wrapper is a command line on purpose
    ${PGMAP_WRAPPER:-} "$PGMAP" "$@" >"$OUT" 2>"$ERR" || STATUS=$?
}

# total_of COLUMN: a number from the "total" line of the last run's summary
# (columns: read inserted updated unchanged rejected nulled).
total_of() {
    awk -v c="$1" '$1 == "total" { print $(c + 1) }' "$OUT"
}
