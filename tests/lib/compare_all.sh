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
    pg_psql >/dev/null <<'SQL'
CREATE SCHEMA IF NOT EXISTS cmp;

-- Hex (as SQLite's hex() writes it) of valid UTF-8 without NUL bytes.
CREATE OR REPLACE FUNCTION cmp.utf8_ok(h text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT upper(h) ~ ('^(?:0[1-9A-F]|[1-7][0-9A-F]'
      || '|(?:C[2-9A-F]|D[0-9A-F])[89AB][0-9A-F]'
      || '|E0[AB][0-9A-F][89AB][0-9A-F]'
      || '|E[1-9A-CEF][89AB][0-9A-F][89AB][0-9A-F]'
      || '|ED[89][0-9A-F][89AB][0-9A-F]'
      || '|F0[9AB][0-9A-F][89AB][0-9A-F][89AB][0-9A-F]'
      || '|F[1-3][89AB][0-9A-F][89AB][0-9A-F][89AB][0-9A-F]'
      || '|F48[0-9A-F][89AB][0-9A-F][89AB][0-9A-F])*$')
$$;

-- Source text from its hex; text PostgreSQL cannot hold becomes a marker
-- that equals nothing pgmap could have written.
CREATE OR REPLACE FUNCTION cmp.utf8(h text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN cmp.utf8_ok(h) THEN convert_from(decode(h, 'hex'), 'UTF8')
              ELSE '<cmp: text with a NUL byte or invalid UTF-8: x''' || left(h, 120) || '''>' END
$$;

-- What strip_nul and fix_utf8 (latin1 or replace) make of the text whose
-- bytes are the hex h, as src/ops_clean.c does it: NUL bytes removed, then
-- every byte that does not start a valid UTF-8 sequence read as Latin-1
-- (or U+FFFD).  A policy that leaves the text invalid gives the marker.
CREATE OR REPLACE FUNCTION cmp.policy(h text, strip boolean, fix text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  o text := '';
  i int := 1;
  seq text;
  b int;
BEGIN
  IF h IS NULL OR cmp.utf8_ok(h) THEN
    RETURN cmp.utf8(h);
  END IF;
  h := upper(h);
  IF strip THEN
    SELECT coalesce(string_agg(p, '' ORDER BY x), '') INTO h
      FROM (SELECT x, substr(h, x, 2) AS p FROM generate_series(1, length(h), 2) x) pairs
     WHERE p <> '00';
  END IF;
  IF fix IS NULL OR cmp.utf8_ok(h) THEN
    RETURN cmp.utf8(h);
  END IF;
  WHILE i <= length(h) LOOP
    seq := substring(substr(h, i, 8) FROM '^([0-7][0-9A-F]'
      || '|(?:C[2-9A-F]|D[0-9A-F])[89AB][0-9A-F]'
      || '|E0[AB][0-9A-F][89AB][0-9A-F]'
      || '|E[1-9A-CEF][89AB][0-9A-F][89AB][0-9A-F]'
      || '|ED[89][0-9A-F][89AB][0-9A-F]'
      || '|F0[9AB][0-9A-F][89AB][0-9A-F][89AB][0-9A-F]'
      || '|F[1-3][89AB][0-9A-F][89AB][0-9A-F][89AB][0-9A-F]'
      || '|F48[0-9A-F][89AB][0-9A-F][89AB][0-9A-F])');
    IF seq IS NOT NULL THEN
      o := o || seq;
      i := i + length(seq);
    ELSE
      b := get_byte(decode(substr(h, i, 2), 'hex'), 0);
      o := o || CASE WHEN fix = 'replace' THEN 'EFBFBD'
                     ELSE upper(lpad(to_hex(192 | (b >> 6)), 2, '0') || lpad(to_hex(128 | (b & 63)), 2, '0')) END;
      i := i + 2;
    END IF;
  END LOOP;
  RETURN cmp.utf8(o);
END $$;

-- A value for the diagnostics: long ones cut, with their length and md5.
CREATE OR REPLACE FUNCTION cmp.brief(s text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN s IS NULL THEN 'NULL' WHEN length(s) <= 200 THEN s
              ELSE left(s, 160) || format('... (%s characters, md5 %s)', length(s), md5(s)) END
$$;

CREATE OR REPLACE FUNCTION cmp.bad(msg text) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '%', msg; END $$;

-- A number-looking text in its float8 spelling (both sides of a text column
-- that holds reals go through this).
CREATE OR REPLACE FUNCTION cmp.numcanon(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF s IS NULL OR s !~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$|^[-+]?Infinity$' THEN
    RETURN s;
  END IF;
  RETURN s::float8::text;
EXCEPTION WHEN others THEN
  RETURN s;
END $$;

-- cmp.compare_rows(SRC, NAMES, EXCLUDED, POLICY_COLUMNS, POLICIES, SCHEMA,
-- TABLE, SOURCE_TABLE, TARGET_WHERE): the first line is 'ok' or 'not ok',
-- the others are diagnostics.  SRC holds c<i>t (storage class) and c<i>v
-- (value) for the i-th source column, named NAMES[i].
DROP FUNCTION IF EXISTS cmp.compare_rows(regclass, text[], text[], text[], text[], text, text, text, text);
CREATE FUNCTION cmp.compare_rows(src regclass, names text[], excl text[],
                                 pcols text[], pols text[],
                                 tschema text, ttable text, stable text, twhere text)
RETURNS SETOF text LANGUAGE plpgsql
SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
SET extra_float_digits = 1
AS $fn$
DECLARE
  tgt regclass := to_regclass(format('%I.%I', tschema, ttable));
  tfrom text;
  pol text;
  tnames text[]; ttypes text[]; tfmts text[];
  n int := coalesce(array_length(names, 1), 0);
  m int;
  map int[];
  problems text[] := '{}';
  slist text[] := '{}'; glist text[] := '{}'; labels text[] := '{}'; lfmt text[] := '{}';
  nreal bigint[]; maxmag numeric[]; nbad bigint[];
  q text; st text; sx text; gx text; t text; v text; g text; unit bigint;
  i int; j int; k int;
  ns bigint; nt bigint; only_s bigint; only_t bigint; a bigint; b bigint;
  err text;
  line text;
BEGIN
  IF tgt IS NULL THEN
    RETURN NEXT 'not ok';
    RETURN NEXT format('the target table %I.%I does not exist', tschema, ttable);
    RETURN;
  END IF;
  SELECT array_agg(a.attname::text ORDER BY a.attnum),
         array_agg(bt.typname::text ORDER BY a.attnum),
         array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum)
    INTO tnames, ttypes, tfmts
    FROM pg_attribute a
    JOIN pg_type ty ON ty.oid = a.atttypid
    JOIN pg_type bt ON bt.oid = CASE WHEN ty.typtype = 'd' THEN ty.typbasetype ELSE ty.oid END
   WHERE a.attrelid = tgt AND a.attnum > 0 AND NOT a.attisdropped;
  m := coalesce(array_length(tnames, 1), 0);
  tfrom := tgt::text || coalesce(' WHERE (' || nullif(twhere, '') || ')', '');

  -- Match the columns: by name, by position for names PostgreSQL cannot hold.
  map := array_fill(0, ARRAY[greatest(n, 1)]);
  FOR i IN 1 .. n LOOP
    IF octet_length(names[i]) <= 63 THEN
      j := array_position(tnames, names[i]);
      IF j IS NULL THEN
        problems := problems || format('source column %I has no target column of that name', names[i]);
      END IF;
    ELSIF i > m THEN
      j := NULL;
      problems := problems || format('source column %I (%s bytes) has no target column at position %s',
                                     names[i], octet_length(names[i]), i);
    ELSE
      j := i;
      IF tnames[j] = ANY (names) THEN
        problems := problems || format('source column %I (%s bytes) should be at position %s of the target, where %I is',
                                       names[i], octet_length(names[i]), i, tnames[j]);
        j := NULL;
      END IF;
    END IF;
    map[i] := coalesce(j, 0);
  END LOOP;
  FOR j IN 1 .. m LOOP
    IF NOT (j = ANY (map)) THEN
      problems := problems || format('target column %I has no source column', tnames[j]);
    END IF;
  END LOOP;
  IF cardinality(problems) > 0 THEN
    RETURN NEXT 'not ok';
    FOREACH line IN ARRAY problems LOOP RETURN NEXT line; END LOOP;
    RETURN;
  END IF;

  -- Per column: reals present, largest number (epoch unit), bad text.
  IF n > 0 THEN
    SELECT 'SELECT ARRAY[' || string_agg(format('count(*) FILTER (WHERE %I = ''real'')', 'c' || x || 't'), ', ')
           || ']::bigint[], ARRAY['
           || string_agg(format('max(abs(%I::numeric)) FILTER (WHERE %I IN (''integer'', ''real''))', 'c' || x || 'v', 'c' || x || 't'), ', ')
           || ']::numeric[], ARRAY['
           || string_agg(format('count(*) FILTER (WHERE %I = ''text'' AND NOT cmp.utf8_ok(%I))', 'c' || x || 't', 'c' || x || 'v'), ', ')
           || ']::bigint[] FROM ' || src::text
      INTO q FROM generate_series(1, n) x;
    EXECUTE q INTO nreal, maxmag, nbad;
  END IF;

  FOR i IN 1 .. n LOOP
    CONTINUE WHEN names[i] = ANY (excl);
    j := map[i];
    t := format('%I', 'c' || i || 't');
    v := format('%I', 'c' || i || 'v');
    g := format('%I', tnames[j]);
    pol := pols[array_position(pcols, names[i])];
    st := format('CASE %1$s WHEN ''integer'' THEN %2$s WHEN ''real'' THEN %2$s::float8::text '
                 'WHEN ''text'' THEN %3$s WHEN ''blob'' THEN ''\x'' || lower(%2$s) END', t, v,
                 CASE WHEN pol IS NULL THEN format('cmp.utf8(%s)', v)
                      ELSE format('cmp.policy(%s, %L, %L)', v, pol ~ 'strip_nul',
                                  CASE WHEN pol ~ 'fix_utf8:replace' THEN 'replace'
                                       WHEN pol ~ 'fix_utf8' THEN 'latin1' END) END);
    unit := CASE WHEN maxmag[i] IS NULL OR maxmag[i] < 1e11 THEN 1000000
                 WHEN maxmag[i] < 1e14 THEN 1000 ELSE 1 END;
    CASE
      WHEN ttypes[j] = 'bytea' THEN
        sx := format('CASE WHEN %1$s IN (''text'', ''blob'') THEN decode(%2$s, ''hex'') '
                     'ELSE convert_to(%3$s, ''UTF8'') END', t, v, st);
        gx := g;
      WHEN ttypes[j] IN ('text', 'varchar', 'citext', 'name', 'bpchar') THEN
        IF ttypes[j] = 'bpchar' THEN
          st := format('rtrim(%s, '' '')', st);
        END IF;
        IF nreal[i] > 0 THEN
          sx := format('CASE WHEN %1$s = ''real'' THEN %2$s::float8::text ELSE cmp.numcanon(%3$s) END', t, v, st);
          gx := format('cmp.numcanon(%s::text)', g);
        ELSE
          sx := st;
          gx := format('%s::text', g);
        END IF;
      WHEN ttypes[j] IN ('int2', 'int4', 'int8', 'numeric') THEN
        sx := format('CASE %1$s WHEN ''real'' THEN %2$s::float8::text::numeric ELSE (%3$s)::numeric END', t, v, st);
        gx := format('%s::numeric', g);
      WHEN ttypes[j] IN ('float4', 'float8') THEN
        -- As numeric through the shortest digits: an integer beyond 2^53
        -- that a double rounded does not compare equal.
        sx := format('CASE %1$s WHEN ''real'' THEN %2$s::float8::text::numeric ELSE (%3$s)::numeric END', t, v, st);
        gx := format('%s::float8::text::numeric', g);
      WHEN ttypes[j] = 'bool' THEN
        sx := format('CASE %1$s WHEN ''integer'' THEN CASE %2$s WHEN ''1'' THEN true WHEN ''0'' THEN false '
                     'ELSE cmp.bad(''not a boolean: '' || %2$s)::boolean END '
                     'WHEN ''real'' THEN CASE %2$s::float8 WHEN 1 THEN true WHEN 0 THEN false '
                     'ELSE cmp.bad(''not a boolean: '' || %2$s)::boolean END '
                     'ELSE (%3$s)::boolean END', t, v, st);
        gx := g;
      WHEN ttypes[j] IN ('date', 'timestamp') THEN
        sx := format('CASE WHEN %1$s IN (''integer'', ''real'') '
                     'THEN ''epoch''::timestamp + (%2$s::float8 * %4$s) * interval ''1 microsecond'' '
                     'ELSE (%3$s)::timestamptz AT TIME ZONE ''UTC'' END', t, v, st, unit);
        gx := format('%s::timestamp', g);
      WHEN ttypes[j] = 'timestamptz' THEN
        sx := format('CASE WHEN %1$s IN (''integer'', ''real'') '
                     'THEN ''epoch''::timestamptz + (%2$s::float8 * %4$s) * interval ''1 microsecond'' '
                     'ELSE (%3$s)::timestamptz END', t, v, st, unit);
        gx := g;
      WHEN ttypes[j] = 'uuid' THEN
        sx := format('CASE %1$s WHEN ''blob'' THEN %2$s::uuid ELSE (%3$s)::uuid END', t, v, st);
        gx := g;
      WHEN ttypes[j] = 'jsonb' THEN
        sx := format('(%s)::jsonb', st);
        gx := g;
      WHEN ttypes[j] = 'json' THEN
        sx := st;
        gx := format('%s::text', g);
      ELSE
        sx := format('(%s)::%s::text', st, tfmts[j]);
        gx := format('%s::text', g);
    END CASE;
    slist := slist || sx;
    glist := glist || gx;
    labels := labels || names[i];
    lfmt := lfmt || tfmts[j];
  END LOOP;
  IF cardinality(slist) = 0 THEN
    slist := ARRAY['1'];
    glist := ARRAY['1'];
  END IF;

  q := format('SELECT (SELECT count(*) FROM %1$s), (SELECT count(*) FROM %2$s), '
              '(SELECT count(*) FROM ((SELECT %3$s FROM %1$s) EXCEPT ALL (SELECT %4$s FROM %2$s)) a), '
              '(SELECT count(*) FROM ((SELECT %4$s FROM %2$s) EXCEPT ALL (SELECT %3$s FROM %1$s)) b)',
              src, tfrom, array_to_string(slist, ', '), array_to_string(glist, ', '));
  BEGIN
    EXECUTE q INTO ns, nt, only_s, only_t;
  EXCEPTION WHEN others THEN
    err := SQLERRM;
  END;
  IF err IS NULL AND only_s = 0 AND only_t = 0 THEN
    RETURN NEXT 'ok';
    RETURN NEXT format('%s rows, %s columns', ns, cardinality(labels));
    RETURN;
  END IF;

  RETURN NEXT 'not ok';
  IF err IS NOT NULL THEN
    RETURN NEXT 'the comparison failed: ' || err;
  ELSE
    RETURN NEXT format('source: %s rows, target: %s rows; %s source rows not in the target, %s target rows not in the source',
                       ns, nt, only_s, only_t);
  END IF;
  FOR i IN 1 .. n LOOP
    IF nbad[i] > 0 AND NOT (names[i] = ANY (excl)) AND NOT (names[i] = ANY (pcols))
       AND ttypes[map[i]] <> 'bytea' THEN
      RETURN NEXT format('column %I: %s text values with a NUL byte or invalid UTF-8, which PostgreSQL text cannot hold; '
                         'pass %s.%s to leave the column out, or %s.%s=strip_nul,fix_utf8 to apply the mapping''s policy',
                         names[i], nbad[i], stable, names[i], stable, names[i]);
    END IF;
  END LOOP;
  -- Which columns differ, each on its own.
  FOR k IN 1 .. cardinality(labels) LOOP
    BEGIN
      EXECUTE format('SELECT (SELECT count(*) FROM ((SELECT %1$s FROM %2$s) EXCEPT ALL (SELECT %3$s FROM %4$s)) a), '
                     '(SELECT count(*) FROM ((SELECT %3$s FROM %4$s) EXCEPT ALL (SELECT %1$s FROM %2$s)) b)',
                     slist[k], src, glist[k], tfrom)
        INTO a, b;
      IF a + b > 0 THEN
        RETURN NEXT format('column %I (%s): %s source values not in the target, %s target values not in the source',
                           labels[k], lfmt[k], a, b);
        FOR line IN EXECUTE format('SELECT cmp.brief(x::text) FROM ((SELECT %1$s AS x FROM %2$s) EXCEPT ALL (SELECT %3$s FROM %4$s) LIMIT 3) d',
                                   slist[k], src, glist[k], tfrom) LOOP
          RETURN NEXT '    source only: ' || line;
        END LOOP;
        FOR line IN EXECUTE format('SELECT cmp.brief(x::text) FROM ((SELECT %3$s AS x FROM %4$s) EXCEPT ALL (SELECT %1$s FROM %2$s) LIMIT 3) d',
                                   slist[k], src, glist[k], tfrom) LOOP
          RETURN NEXT '    target only: ' || line;
        END LOOP;
      END IF;
    EXCEPTION WHEN others THEN
      RETURN NEXT format('column %I (%s): %s', labels[k], lfmt[k], SQLERRM);
    END;
  END LOOP;
  IF err IS NULL THEN
    FOR line IN EXECUTE format('SELECT cmp.brief(r::text) FROM ((SELECT %1$s FROM %2$s) EXCEPT ALL (SELECT %3$s FROM %4$s) LIMIT 3) r',
                               array_to_string(slist, ', '), src, array_to_string(glist, ', '), tfrom) LOOP
      RETURN NEXT 'source row not in the target: ' || line;
    END LOOP;
    FOR line IN EXECUTE format('SELECT cmp.brief(r::text) FROM ((SELECT %3$s FROM %4$s) EXCEPT ALL (SELECT %1$s FROM %2$s) LIMIT 3) r',
                               array_to_string(slist, ', '), src, array_to_string(glist, ', '), tfrom) LOOP
      RETURN NEXT 'target row not in the source: ' || line;
    END LOOP;
  END IF;
END
$fn$;
SQL
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
