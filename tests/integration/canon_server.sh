#!/bin/sh
# tests/integration/canon_server.sh - canon_text against a real server.
#
# pgmap sync trusts that canon_text writes a value exactly as the server
# prints it (TimeZone UTC, DateStyle ISO, extra_float_digits 3), and that
# the record text and md5 pgmap builds equal md5(ROW(...)::text).  This
# test asks the server: every value in tests/fixtures/canon_cases.tsv plus
# generated floats, numerics and timestamps with offsets goes through
# pgmap's cast and canon_text (tests/unit/canon_probe); the cast's text is
# loaded with the type's input function and printed with its output
# function; every value canon_text promises must match byte for byte, and
# canon_text must promise exactly what the fixture expects.  Then whole
# rows with NULLs, quotes, commas, spaces and empty strings: the server's
# md5(ROW(...)::text) and the two int32 halves against pgmap's.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
PROBE=$top_builddir/tests/unit/canon_probe
[ -x "$PROBE" ] || skip_all "$PROBE not built (make check builds it)"
start_cluster awk

W=$PG_TMPDIR/canon
mkdir "$W"
chmod 755 "$W"

SESSION="SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601';
SET extra_float_digits = 3;"

# gen_cases: random values of the kinds whose rules do arithmetic (a fixed
# seed, so a failure can be reproduced).
gen_cases() {
    awk 'BEGIN {
        srand(20240611);
        for (i = 0; i < 1500; i++) {           # doubles over the whole range
            nd = 1 + int(rand() * 17); m = "";
            for (k = 0; k < nd; k++) m = m int(rand() * 10);
            e = int(rand() * 600) - 300;
            printf "double precision\t%s%s.%se%d\t1\n", (rand() < .3 ? "-" : ""), substr(m, 1, 1), substr(m, 2), e;
        }
        for (i = 0; i < 300; i++) {            # doubles near the fixed/exponent switch
            printf "double precision\t%.*g\t1\n", 1 + int(rand() * 17), rand() * 10 ^ (int(rand() * 24) - 6);
        }
        for (i = 0; i < 200; i++)              # trailing zeros, as written and as real_shortest writes them
            printf "double precision\t%d%s\t1\n", int(rand() * 100000) * 10 ^ int(rand() * 5), (rand() < .5 ? ".000" : "");
        printf "double precision\t1e23\t1\ndouble precision\t-1e23\t1\ndouble precision\t1.500e-3\t1\n";
        printf "double precision\t9007199254740993\t1\ndouble precision\t2.2250738585072014e-308\t1\n";
        printf "double precision\t4.9e-324\t1\ndouble precision\t100000000000000000000000\t1\n";
        for (i = 0; i < 800; i++) {            # floats
            nd = 1 + int(rand() * 9); m = "";
            for (k = 0; k < nd; k++) m = m int(rand() * 10);
            e = int(rand() * 70) - 35;
            if (substr(m, 1, 1) == "0") m = "1" substr(m, 2);
            printf "real\t%s.%se%d\t1\n", substr(m, 1, 1), substr(m, 2), e;
        }
        for (i = 0; i < 200; i++)
            printf "real\t%.*g\t1\n", 1 + int(rand() * 9), rand() * 10 ^ (int(rand() * 14) - 6);
        for (i = 0; i < 300; i++) {            # numerics with exponents
            nd = 1 + int(rand() * 25); m = "";
            for (k = 0; k < nd; k++) m = m int(rand() * 10);
            p = int(rand() * (nd + 1));
            printf "numeric\t%s%s.%se%d\t1\n", (rand() < .3 ? "-" : ""), substr(m, 1, p), substr(m, p + 1), int(rand() * 40) - 20;
            printf "numeric(14,4)\t%s%s.%s\t1\n", (rand() < .3 ? "-" : ""), substr(m, 1, p > 9 ? 9 : p), substr(m, p + 1);
        }
        for (i = 0; i < 600; i++) {            # timestamptz with offsets across days, months, years
            y = (rand() < .1) ? (rand() < .5 ? 1 : 9999) : 1 + int(rand() * 9999);
            mo = (rand() < .3) ? (rand() < .5 ? 1 : 12) : 1 + int(rand() * 12);
            d = (rand() < .3) ? 1 : 1 + int(rand() * 28);
            if (rand() < .2 && mo == 2) d = 28 + int(rand() * 2) * (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
            if (rand() < .2 && mo != 2) d = (mo == 4 || mo == 6 || mo == 9 || mo == 11) ? 30 : 31;
            h = int(rand() * 24); mi = int(rand() * 60); s = int(rand() * 60);
            oh = int(rand() * 16); om = (rand() < .5) ? 0 : int(rand() * 60);
            frac = (rand() < .5) ? "" : sprintf(".%06d", int(rand() * 1000000));
            off = sprintf("%s%02d%s", (rand() < .5 ? "-" : "+"), oh, om ? sprintf(":%02d", om) : "");
            printf "timestamptz\t%04d-%02d-%02d %02d:%02d:%02d%s%s\t1\n", y, mo, d, h, mi, s, frac, off;
        }
    }'
}

grep -v '^#' "$top_srcdir/tests/fixtures/canon_cases.tsv" >"$W/cases"
gen_cases >>"$W/cases"
st=0
${PGMAP_WRAPPER:-} "$PROBE" <"$W/cases" >"$W/probe" || st=$?
is "$st" 0 "canon_probe ran cleanly over every value"
is "$(wc -l <"$W/probe" | tr -d ' ')" "$(wc -l <"$W/cases" | tr -d ' ')" "one probe line per value"

# id, type (without the probe's ! and ~), expected, promise, load, canon
paste "$W/cases" "$W/probe" |
    awk -F'\t' 'BEGIN { OFS = "\t" } { t = $1; sub(/^[!~]/, "", t); print NR, t, $2, $3, $4, $5, $6 }' >"$W/table"

pg_psql >/dev/null <<SQL
CREATE TABLE canon_case (id int, typ text, input text, expect text, promise text, load text, canon text);
\\copy canon_case FROM '$W/table'
CREATE FUNCTION server_text(typ text, v text) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE r text;
BEGIN
    EXECUTE format('SELECT format(%L, \$1::%s)', '%s', typ) INTO r USING v;
    RETURN r;
EXCEPTION WHEN others THEN
    RETURN 'ERROR: ' || SQLERRM;
END \$\$;
SQL

# Server output of every promised value, in a session set up as sync's is.
query() {
    pg_psql -c "$SESSION" -c "$1"
}
total=$(query "SELECT count(*) FROM canon_case")
promised=$(query "SELECT count(*) FROM canon_case WHERE promise = '1'")
diag "$total values, $promised promised by canon_text"
bad=$(query "COPY (SELECT id, typ, load, canon, srv FROM (SELECT *, server_text(typ, load) AS srv
                   FROM canon_case WHERE promise = '1') x WHERE srv IS DISTINCT FROM canon ORDER BY id) TO STDOUT")
is "$bad" "" "every promised value is what the server prints ($promised values)"
wrong=$(query "COPY (SELECT id, typ, input, expect, promise, load FROM canon_case
                     WHERE expect IS DISTINCT FROM promise ORDER BY id) TO STDOUT")
is "$wrong" "" "canon_text promises exactly the expected values"
# Not promised but equal anyway: only a hint of rules that could be added.
same=$(query "SELECT count(*) FROM canon_case WHERE promise = '0' AND server_text(typ, load) = canon")
diag "$same of the values not promised print as given anyway"

# check_rows NAME TYPES ROWS: a table with those column types, loaded with
# pgmap's cast of each row; the server's record text, md5 and halves must
# equal pgmap's.
check_rows() {
    printf '%s\n%s\n' "$2" "$3" >"$W/rows.in"
    st=0
    ${PGMAP_WRAPPER:-} "$PROBE" --record <"$W/rows.in" >"$W/rows.out" || st=$?
    is "$st/$(grep -c '^E' "$W/rows.out" || true)" "0/0" "$1: every row cast and canonicalised"
    cols="" defs=""
    n=0
    old_ifs=$IFS
    IFS='	'
    for t in $2; do
        n=$((n + 1))
        cols="$cols${cols:+, }c$n"
        defs="$defs, c$n $t"
    done
    IFS=$old_ifs
    query "DROP TABLE IF EXISTS canon_row; CREATE TABLE canon_row (id serial, md5 text, h1 int, h2 int, rec text$defs)" >/dev/null
    query "\\copy canon_row (md5, h1, h2, rec, $cols) FROM '$W/rows.out'" >/dev/null
    R="ROW($cols)::text"
    is "$(query "SELECT count(*) FROM canon_row")" "$(printf '%s\n' "$3" | grep -c .)" "$1: every row loaded"
    is "$(query "COPY (SELECT id, rec, $R FROM canon_row WHERE $R IS DISTINCT FROM rec ORDER BY id) TO STDOUT")" "" \
        "$1: record text equals ROW(...)::text"
    is "$(query "SELECT id FROM canon_row WHERE md5($R) IS DISTINCT FROM md5 ORDER BY id")" "" "$1: md5 equals the server's"
    is "$(query "SELECT id FROM canon_row WHERE h1 IS DISTINCT FROM ('x' || substr(md5($R), 1, 8))::bit(32)::int
                    OR h2 IS DISTINCT FROM ('x' || substr(md5($R), 9, 8))::bit(32)::int ORDER BY id")" "" \
        "$1: h1 and h2 equal the server's bit(32)::int halves"
}

T='	'
check_rows "text columns" "integer${T}text${T}character varying(10)${T}character(4)" \
"1${T}plain${T}x${T}ab
2${T}\\N${T}\\N${T}\\N
3${T}${T}${T}
4${T}a,b${T}(p)${T}\"q\"
5${T}back\\\\slash${T}say \"hi\"${T}x y
6${T}tab\\there${T}line\\nbreak${T}é
7${T}\\N${T}${T}\\N
-8${T}\\\\\"${T})${T},
9${T}NULL${T}()${T}\\\\N"

check_rows "typed columns" "numeric(10,2)${T}double precision${T}real${T}boolean${T}date${T}timestamp${T}timestamp with time zone${T}time${T}uuid${T}bytea${T}numeric" \
"1.005${T}0.1${T}0.1${T}yes${T}2020-02-29${T}2020-01-01 10:20:30.5${T}2020-01-01 00:30:00+01${T}10:20:30${T}A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11${T}abc${T}1e3
\\N${T}1e15${T}1e6${T}off${T}0001-01-01${T}2020-01-01 00:00:00${T}0001-01-01 00:00:00+01${T}00:00:00.5${T}\\N${T}${T}-0.00
-3${T}-0${T}NaN${T}\\N${T}\\N${T}\\N${T}9999-12-31 23:00:00-05${T}\\N${T}a0eebc999c0b4ef8bb6d6bb9bd380a11${T}a b,c${T}\\N
0${T}1e-5${T}-Infinity${T}true${T}9999-12-31${T}2020-01-01 10:20${T}2020-06-15 12:00:00.25-03:30${T}23:59:59.999999${T}\\N${T}\\N${T}123.4500"

check_rows "json columns" "jsonb${T}json${T}text" \
"{\"b\": 1, \"a\": [1.0, 1e2, \"x y\"]}${T}{\"b\":1,  \"a\":2}${T}x
{\"a\":1,\"a\":\"(,)\"}${T}[1, \"\\\\\\\\\"]${T}\\N
\"\\\\u00e9\\\\n\"${T}\\N${T}
[]${T}{}${T} "

check_rows "one column" "text" "a
\\N
${T}
(x)"

done_testing
