-- tests/lib/compare_all.sql - the cmp schema and the functions
-- tests/lib/compare_all.sh compares values with (loaded once per cluster).
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
