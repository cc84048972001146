# tests/lib/compare_all.sh - compare EVERY value of every column of a SQLite
# table (or of a whole SQLite file) with its PostgreSQL copy, for the tests
# of `pgmap init` (sourced, not run; needs tap.sh and pgcluster.sh, a running
# cluster, and the sqlite3 shell).
#
#   compare_table DB SRC_TABLE PG_SCHEMA PG_TABLE [ARG...]
#   compare_database DB PG_SCHEMA [ARG...]
#
# compare_table emits one TAP test: the rows of the source table (or view)
# and of the target table (or view) are equal as multisets (EXCEPT ALL both
# ways, so duplicates count), every column compared; on failure the
# diagnostics name the differing columns with example values.
# compare_database does that for every table of the SQLite file (sqlite_%
# and the shadow tables of virtual tables left out; virtual tables themselves
# are compared) against the table of the same name in PG_SCHEMA, then one
# more test that the schema holds no table the source lacks.
#
# ARGs, with source names (the TAP name always says what was left out):
#   TABLE.COLUMN            the column is not compared
#   TABLE.COLUMN=OPS        text values go through the policy the mapping
#                           declares before they are compared; OPS is a
#                           comma list of strip_nul, fix_utf8 (stray bytes as
#                           Latin-1) and fix_utf8:replace (U+FFFD), applied
#                           in that order as src/ops_clean.c does
#   TABLE.*                 compare_database leaves the table to the caller
# and, for compare_table, in the environment:
#   CMP_SRC_WHERE           an SQLite condition on the source rows
#   CMP_TGT_WHERE           a PostgreSQL condition on the target rows
#
# The comparison does not reuse pgmap's conversions:
#
# - SQLite renders every value per storage class, losslessly and in ASCII:
#   typeof() and the value (integers in decimal, reals as printf('%!.20e'),
#   which reads back exactly where '%.17g' does not, +-Infinity spelled out,
#   text and blobs as hex of their bytes).  The sqlite3 shell would otherwise
#   print 15 digits of a real and cut text at a NUL byte.  The pairs are
#   loaded as text into cmp.src_data.
# - PostgreSQL casts them to the target column's type, read from the catalog
#   (the base type of a domain), with TimeZone UTC and DateStyle ISO, YMD like
#   pgmap's own session, and compares:
#     bytea                   the bytes of text and blob values
#     text, varchar, citext   as text, case-sensitively; integers in decimal,
#                             blobs as '\x' + lower-case hex; in a column
#                             holding reals, number-looking values on both
#                             sides compare as float8 (pgmap writes the
#                             shortest round-trip digits, 0.1 and not
#                             0.10000000000000001)
#     smallint .. numeric     as numeric, never rounded to the target's scale
#                             (a value that lost digits does not compare
#                             equal); reals through their shortest digits,
#                             which is what pgmap writes for them
#     real, double precision  as numeric through the shortest digits of the
#                             double (Infinity, -Infinity), so an integer
#                             beyond 2^53 that a double rounded is unequal
#     boolean                 integers 1/0, text as PostgreSQL reads it
#                             (t/f/true/false/yes/no/on/off/1/0)
#     date, timestamp         as timestamp: text is read as timestamptz and
#                             taken at UTC (an offset in the text is honoured,
#                             not dropped); a date equals midnight
#     timestamptz             text read as timestamptz, UTC unless it says
#                             otherwise
#     numbers into date/time  epoch; the unit per column from the largest
#                             magnitude: < 1e11 seconds, < 1e14 milliseconds,
#                             else microseconds
#     uuid, jsonb             as uuid / jsonb values (16-byte blobs as uuid)
#     json, anything else     the text output of the value cast to the type
#   A value PostgreSQL cannot cast to the target type (a placeholder such as
#   'N/A' in a date column) fails the test with the cast's error: NULL is not
#   equal to 'N/A'.
# - Text with a NUL byte or invalid UTF-8 cannot be stored unchanged in a
#   PostgreSQL text value; such a value is never equal to a textual target
#   value (bytea targets compare its bytes exactly), and the diagnostics say
#   so.  Pass TABLE.COLUMN=OPS with the mapping's policy, or TABLE.COLUMN to
#   leave the column out.
#
# Columns are matched by name.  A source column name longer than 63 bytes
# cannot exist in PostgreSQL; it is matched by position instead: the k-th
# source column (pragma_table_xinfo order, generated columns included) is
# the k-th column of the target (pg_attribute.attnum order), which holds as
# long as the generated DDL keeps the source's column order.  The target
# must have no column the source lacks.  A table name longer than 63 bytes
# is matched, in compare_database, with whichever target table left over
# gives equal rows.  Names containing a newline are not supported.

_CA_READY=

# _ca_hex STRING: the bytes of STRING as lower-case hex.
_ca_hex() {
    printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'
}

# _ca_bytes STRING: the length of STRING in bytes.
_ca_bytes() {
    printf '%s' "$1" | wc -c | tr -d ' '
}

# _ca_sqlite DB SQL: the sqlite3 shell without any ~/.sqliterc.
_ca_sqlite() {
    sqlite3 -batch -init /dev/null "$1" "$2" 2>&1
}

# _ca_setup: the cmp schema and its functions, once per cluster.
_ca_setup() {
    [ -z "$_CA_READY" ] || return 0
    pg_psql -f "$top_srcdir/tests/lib/compare_all.sql" >/dev/null
    _CA_READY=1
}

# _ca_arr HEX...: a PostgreSQL text[] expression of the hex-encoded strings.
_ca_arr() {
    _ca_a=
    for _ca_h in "$@"; do
        _ca_a="$_ca_a${_ca_a:+, }convert_from(decode('$_ca_h', 'hex'), 'UTF8')"
    done
    printf 'ARRAY[%s]::text[]' "$_ca_a"
}

# _ca_load DB SRC_TABLE: the source rows into cmp.src_data; sets _CA_NAMES
# (the PostgreSQL text[] of the source column names).
_ca_load() {
    _ca_db=$1
    _ca_th=$(_ca_hex "$2")
    _ca_qt=\"$(printf '%s' "$2" | sed 's/"/""/g')\"
    _ca_cols="FROM pragma_table_xinfo(CAST(x'$_ca_th' AS TEXT)) WHERE hidden IN (0, 2, 3)"
    _ca_n=$(_ca_sqlite "$_ca_db" "SELECT count(*) $_ca_cols")
    # shellcheck disable=SC2016 # the $ are SQL, not shell
    _ca_list=$(_ca_sqlite "$_ca_db" "SELECT group_concat(replace('typeof(@), CASE typeof(@) WHEN ''integer'' THEN CAST(@ AS TEXT) WHEN ''real'' THEN CASE WHEN @ > 1.7976931348623157e308 THEN ''Infinity'' WHEN @ < -1.7976931348623157e308 THEN ''-Infinity'' ELSE printf(''%!.20e'', @) END WHEN ''null'' THEN NULL ELSE hex(@) END', '@', '\"' || replace(name, '\"', '\"\"') || '\"'), ', ') FROM (SELECT name $_ca_cols ORDER BY cid)")
    _ca_hexnames=$(_ca_sqlite "$_ca_db" "SELECT lower(hex(name)) $_ca_cols ORDER BY cid")
    # shellcheck disable=SC2086 # one hex word each
    _CA_NAMES=$(_ca_arr $_ca_hexnames)
    _ca_defs=$(awk -v n="$_ca_n" 'BEGIN { for (i = 1; i <= n; i++) printf "%sc%dt text, c%dv text", (i > 1 ? ", " : ""), i, i }')
    pg_psql -c "DROP TABLE IF EXISTS cmp.src_data" -c "CREATE TABLE cmp.src_data ($_ca_defs)" >/dev/null || return 1
    [ "$_ca_n" -gt 0 ] || return 0
    _ca_csv=$(mktemp)
    _ca_where=
    [ -z "${CMP_SRC_WHERE:-}" ] || _ca_where=" WHERE ($CMP_SRC_WHERE)"
    if ! sqlite3 -batch -init /dev/null -csv -nullvalue '\N' "$_ca_db" \
            "SELECT $_ca_list FROM $_ca_qt$_ca_where" >"$_ca_csv" 2>"$_ca_csv.err"; then
        diag "sqlite3 failed on $2: $(cat "$_ca_csv.err")"
        rm -f "$_ca_csv" "$_ca_csv.err"
        return 1
    fi
    pg_psql -c "\\copy cmp.src_data FROM '$_ca_csv' WITH (FORMAT csv, NULL '\\N')" >/dev/null
    _ca_st=$?
    rm -f "$_ca_csv" "$_ca_csv.err"
    return $_ca_st
}

# _ca_compare DB SRC_TABLE PG_SCHEMA PG_TABLE [TABLE.COLUMN...]: the report
# of cmp.compare_rows in $_CA_REPORT; returns 0 when the rows are equal.
# Only the TABLE.COLUMN entries naming SRC_TABLE count.
_ca_compare() {
    _ca_setup
    _ca_s=$1 _ca_src=$2 _ca_sch=$3 _ca_tab=$4
    shift 4
    if ! _ca_load "$_ca_s" "$_ca_src" </dev/null; then
        _CA_REPORT="not ok
could not load the source table"
        return 1
    fi
    _ca_ex=
    _ca_pc=
    _ca_po=
    for _ca_e in "$@"; do
        case $_ca_e in
            "$_ca_src".*) ;;
            *) continue ;;
        esac
        _ca_c=${_ca_e#"$_ca_src".}
        if _ca_is_policy "$_ca_c"; then
            _ca_pc="$_ca_pc $(_ca_hex "${_ca_c%=*}")"
            _ca_po="$_ca_po $(_ca_hex "${_ca_c##*=}")"
        else
            _ca_ex="$_ca_ex $(_ca_hex "$_ca_c")"
        fi
    done
    # shellcheck disable=SC2086 # one hex word each
    _ca_exarr=$(_ca_arr $_ca_ex)
    # shellcheck disable=SC2086
    _ca_pcarr=$(_ca_arr $_ca_pc)
    # shellcheck disable=SC2086
    _ca_poarr=$(_ca_arr $_ca_po)
    _CA_REPORT=$(pg_psql -c "SELECT * FROM cmp.compare_rows('cmp.src_data', $_CA_NAMES, $_ca_exarr,
                     $_ca_pcarr, $_ca_poarr,
                     convert_from(decode('$(_ca_hex "$_ca_sch")', 'hex'), 'UTF8'),
                     convert_from(decode('$(_ca_hex "$_ca_tab")', 'hex'), 'UTF8'),
                     convert_from(decode('$(_ca_hex "$_ca_src")', 'hex'), 'UTF8'),
                     convert_from(decode('$(_ca_hex "${CMP_TGT_WHERE:-}")', 'hex'), 'UTF8'))" 2>&1 </dev/null)
    [ "$(printf '%s\n' "$_CA_REPORT" | head -n 1)" = ok ]
}

# _ca_is_policy COLUMN=OPS: true when OPS is a list of strip_nul,
# fix_utf8 and fix_utf8:replace.
_ca_is_policy() {
    case $1 in *=*) ;; *) return 1 ;; esac
    printf '%s\n' "${1##*=}" | grep -Eqx '(strip_nul|fix_utf8(:replace)?)(,(strip_nul|fix_utf8(:replace)?))*'
}

# _ca_excluded WHAT SRC_TABLE [TABLE.COLUMN...]: the columns of SRC_TABLE
# in the list that are left out (WHAT=x) or compared through a policy
# (WHAT=p), comma-separated.
_ca_excluded() {
    _ca_w=$1 _ca_t=$2 _ca_l=
    shift 2
    for _ca_e in "$@"; do
        case $_ca_e in
            "$_ca_t".*) ;;
            *) continue ;;
        esac
        _ca_c=${_ca_e#"$_ca_t".}
        if _ca_is_policy "$_ca_c"; then
            [ "$_ca_w" != p ] || _ca_l="$_ca_l${_ca_l:+, }${_ca_c%=*} through ${_ca_c##*=}"
        else
            [ "$_ca_w" != x ] || _ca_l="$_ca_l${_ca_l:+, }$_ca_c"
        fi
    done
    printf '%s' "$_ca_l"
}

# _ca_tap STATUS NAME: one TAP result with the report as diagnostics.
_ca_tap() {
    if [ "$1" -eq 0 ]; then
        _tap_result 0 "$2"
    else
        _tap_result 1 "$2"
        printf '%s\n' "$_CA_REPORT" | sed -e '1{/^not ok$/d;}' -e 's/^/#     /'
    fi
}

# compare_table DB SRC_TABLE PG_SCHEMA PG_TABLE [TABLE.COLUMN...]
compare_table() {
    _ct_name="$2: every value equals $3.$4"
    _ct_ex=$(_ca_excluded x "$2" "$@")
    [ -z "$_ct_ex" ] || _ct_name="$_ct_name (not compared: $_ct_ex)"
    _ct_ex=$(_ca_excluded p "$2" "$@")
    [ -z "$_ct_ex" ] || _ct_name="$_ct_name (policy: $_ct_ex)"
    [ -z "${CMP_SRC_WHERE:-}" ] || _ct_name="$_ct_name (source rows where $CMP_SRC_WHERE)"
    [ -z "${CMP_TGT_WHERE:-}" ] || _ct_name="$_ct_name (target rows where $CMP_TGT_WHERE)"
    _ct_st=0
    _ca_compare "$@" || _ct_st=1
    _ca_tap "$_ct_st" "$_ct_name"
    return 0
}

# _ca_lines TEXT: TEXT with empty lines removed (for here-documents).
_ca_lines() {
    printf '%s\n' "$1" | sed '/^$/d'
}

# compare_database DB PG_SCHEMA [TABLE.COLUMN...]
compare_database() {
    _cd_db=$1 _cd_sch=$2
    shift 2
    _ca_setup
    # pragma_table_list (SQLite 3.37) tells shadow tables apart; older
    # shells fall back to sqlite_master without the shadow tables of the
    # virtual tables found there.
    _cd_src=$(_ca_sqlite "$_cd_db" "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name") ||
    _cd_src=$(_ca_sqlite "$_cd_db" "SELECT name FROM sqlite_master m WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
        AND NOT EXISTS (SELECT 1 FROM sqlite_master v WHERE v.type = 'table' AND v.sql LIKE 'CREATE VIRTUAL TABLE%' AND m.name LIKE v.name || '\\_%' ESCAPE '\\')
        ORDER BY name")
    _cd_tgt=$(pg_psql -c "SELECT relname FROM pg_class WHERE relnamespace = to_regnamespace(convert_from(decode('$(_ca_hex "$_cd_sch")', 'hex'), 'UTF8'))::oid AND relkind IN ('r', 'p') ORDER BY relname")
    # Target tables not claimed by a source table of the same name.
    _cd_left=$(_ca_lines "$_cd_tgt" | while IFS= read -r _cd_t; do
        printf '%s\n' "$_cd_src" | grep -qxF -- "$_cd_t" || printf '%s\n' "$_cd_t"
    done)
    _cd_used=
    while IFS= read -r _cd_t; do
        # TABLE.* : the caller compares this table itself.
        _cd_skip=
        for _cd_e in "$@"; do
            [ "$_cd_e" != "$_cd_t.*" ] || _cd_skip=1
        done
        if [ -n "$_cd_skip" ]; then
            _cd_left=$(_ca_lines "$_cd_left" | grep -vxF -- "$_cd_t" || true)
            continue
        fi
        if [ "$(_ca_bytes "$_cd_t")" -le 63 ]; then
            compare_table "$_cd_db" "$_cd_t" "$_cd_sch" "$_cd_t" "$@" </dev/null
            continue
        fi
        # A long name: the leftover target table whose rows are equal.
        _cd_hit=
        _cd_first=
        while IFS= read -r _cd_c; do
            printf '%s\n' "$_cd_used" | grep -qxF -- "$_cd_c" && continue
            [ -n "$_cd_first" ] || _cd_first=$_cd_c
            if _ca_compare "$_cd_db" "$_cd_t" "$_cd_sch" "$_cd_c" "$@" </dev/null; then
                _cd_hit=$_cd_c
                break
            fi
        done <<EOF
$(_ca_lines "$_cd_left")
EOF
        _cd_name="$_cd_t ($(_ca_bytes "$_cd_t") bytes)"
        if [ -n "$_cd_hit" ]; then
            _cd_used="$_cd_used
$_cd_hit"
            _ca_tap 0 "$_cd_name: every value equals $_cd_sch.$_cd_hit"
        elif [ -n "$_cd_first" ]; then
            _ca_compare "$_cd_db" "$_cd_t" "$_cd_sch" "$_cd_first" "$@" </dev/null || true
            _ca_tap 1 "$_cd_name: no target table has equal rows (the first candidate: $_cd_sch.$_cd_first)"
        else
            _CA_REPORT="no target table is left for a name over 63 bytes"
            _ca_tap 1 "$_cd_name: every value equals a table of $_cd_sch"
        fi
    done <<EOF
$(_ca_lines "$_cd_src")
EOF
    # No table in the target that the source lacks.
    _cd_extra=$(_ca_lines "$_cd_left" | while IFS= read -r _cd_t; do
        printf '%s\n' "$_cd_used" | grep -qxF -- "$_cd_t" || printf '%s\n' "$_cd_t"
    done)
    is "$_cd_extra" "" "$_cd_sch holds no table the source lacks"
    pg_psql -c "DROP TABLE IF EXISTS cmp.src_data" >/dev/null 2>&1 || true
    return 0
}
