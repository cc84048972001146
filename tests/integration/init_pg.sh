#!/bin/sh
# tests/integration/init_pg.sh - `pgmap init` from a PostgreSQL schema, then
# `pgmap run`, with no edit in between, is a complete migration: schema
# legacy (every common type with nasty values, identity and serial columns,
# a free sequence, enum and domain types, composite keys with text, unique,
# CHECK (one NOT VALID), expression and partial indexes, foreign keys with
# actions and deferral, defaults, generated, keyless, partitioned and
# inheriting tables, names with spaces, capitals and quotes, views in
# dependency order, a materialized view, comments) is copied into schema
# modern of the same database.  Then, by SQL: every value of every table and
# view (rows as text, EXCEPT ALL both ways, and counts), and the catalogs
# (column types, NOT NULL, defaults, identity and generation, collations,
# constraint, index and view definitions, enum labels, domains, sequences
# and their positions, comments) with the schema names normalised; the
# identity, serial and free sequences continue where the source's do; a
# second run writes nothing.  Also the command line: default names, URI
# parameters, a percent-encoded schema with an extension living in it,
# errors.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster

WORK=$(mktemp -d "${TMPDIR:-/tmp}/pgmap-init-pg.XXXXXX")
pg_on_exit "rm -rf '$WORK'"
SRC="postgresql:///$PGDATABASE?schema=legacy"
MAP=$WORK/legacy.yaml
DDL=$WORK/legacy.ddl

pgq() {
    pg_psql -c "$1" 2>&1 </dev/null
}

show_stderr() {
    [ ! -s "$ERR" ] || diag "stderr of pgmap:
$(head -n 40 "$ERR")"
}

# ---- the source schema ------------------------------------------------------

HAVE_CITEXT=$(pgq "SELECT count(*) FROM pg_available_extensions WHERE name = 'citext'")
CITEXT_COL=
if [ "$HAVE_CITEXT" = 1 ]; then
    pgq "CREATE EXTENSION citext SCHEMA public" >/dev/null
    CITEXT_COL='login public.citext,'
fi

cat >"$WORK/legacy.sql" <<EOF
CREATE SCHEMA legacy;
SET search_path = legacy;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'it''s "complicated"');
COMMENT ON TYPE mood IS 'how it feels';
CREATE DOMAIN posint AS integer CONSTRAINT posint_positive CHECK (VALUE > 0);
COMMENT ON CONSTRAINT posint_positive ON DOMAIN posint IS 'strictly';
CREATE DOMAIN short_code AS varchar(8) NOT NULL DEFAULT 'x'
    CONSTRAINT short_code_letters CHECK (VALUE ~ '^[a-z]+$');
CREATE SEQUENCE ticket_seq AS bigint START WITH 1000 INCREMENT BY 7;
DO \$\$BEGIN PERFORM nextval('ticket_seq') FROM generate_series(1, 3); END\$\$;
CREATE SEQUENCE reset_seq;
DO \$\$BEGIN PERFORM setval('reset_seq', 500, false); END\$\$;

CREATE TABLE every_type (
    id integer GENERATED ALWAYS AS IDENTITY (START WITH 10 INCREMENT BY 5) PRIMARY KEY,
    i2 smallint, i4 integer, i8 bigint,
    n12 numeric(12,3), n numeric, r real, d double precision,
    t text, vc varchar(10), c3 char(3), b bytea, bo boolean,
    dt date, tm time, ttz timetz, ts timestamp, tstz timestamptz, iv interval,
    u uuid, j json, jb jsonb,
    ia integer[], ta text[], i2d integer[][], m mood, p posint, ma mood[],
    code short_code,
    created timestamptz NOT NULL DEFAULT now(),
    status text NOT NULL DEFAULT 'new',
    feeling mood DEFAULT 'ok',
    ticket bigint DEFAULT nextval('ticket_seq'),
    total numeric GENERATED ALWAYS AS (n12 * 2) STORED,
    CONSTRAINT every_type_i2_check CHECK (i2 IS NULL OR i2 > -32768 OR i4 IS NOT NULL)
);
COMMENT ON TABLE every_type IS 'one of each';
COMMENT ON COLUMN every_type.t IS 'text, with ''quotes'' and a
second line';

INSERT INTO every_type (created) VALUES ('2020-01-01 00:00:00+00');
INSERT INTO every_type (i2, i4, i8, n12, n, r, d, t, vc, c3, b, bo, dt, tm, ttz, ts, tstz, iv, u, j, jb,
                        ia, ta, i2d, m, p, ma, code, created, status, feeling, ticket) VALUES
 (-32768, 2147483647, -9223372036854775808, 999999999.999,
  123456789012345678901234567890.123456789012345678901234567890, 'Infinity', '-Infinity',
  E'unicode żółć 😀 中文 back\\\\slash tab\\there new\\nline cr\\rend', 'ten chars!', 'ab',
  '\\x00ff5c0a0d09', true,
  '4713-01-01 BC', '24:00:00', '23:59:59.999999+15:59', '294276-12-31 23:59:59.999999',
  '-infinity', '-178000000 years', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{"b":1,  "a":2, "a":3, "s":"x\\u00e9\\n"}', '{"k": "v", "n": 1.0, "deep": [1, {"x": null}]}',
  '{1,NULL,3}', ARRAY['a,b', 'with "quote"', NULL, 'NULL', '', 'back\\slash', E'tab\\there', '{braces}'],
  '{{1,2},{3,4}}', 'it''s "complicated"', 42, '{happy,sad,NULL}', 'abc',
  '2000-01-01 00:00:00+05:30', '', 'happy', 5),
 (32767, -2147483648, 9223372036854775807, -999999999.999, 'NaN', 'NaN', 1e308,
  '', '', '   ', '', false,
  'infinity', '00:00:00.000001', '00:00:00-15:59', '4713-01-01 00:00:00 BC',
  'infinity', '178000000 years 1 mon -3 days 04:05:06.789', '00000000-0000-0000-0000-000000000000',
  '[]', '{}', '{}', '{}', '{{{1}}}', 'sad', 1, '{}', 'z',
  '1970-01-01 00:00:00+00', 'NULL', 'sad', NULL),
 (0, 0, 0, 0, '-0.000000000000000000001', 1.17549435e-38, 5e-324,
  '\\N', 'NULL', 'a\\b', '\\\\', NULL,
  '0001-01-01', '12:34:56', '12:34:56+00', '2000-02-29 12:00:00',
  '2000-02-29 12:00:00.123456+00', '-1 days -00:00:00.000001', NULL,
  'null', '"a string"', '{NULL}', '{NULL,"\\\\N"}', '{{NULL,2},{3,NULL}}', NULL, 2147483647, '{NULL}', 'q',
  '2038-01-19 03:14:08+00', E' \\t ', 'ok', NULL),
 (NULL, NULL, NULL, 0.001, '1e-1000', '-0', '-0', E'\\u00a0nbsp', NULL, 'abc', '\\x', NULL,
  '5874897-12-31', NULL, NULL, '2000-01-01 00:00:00.5', '1999-12-31 23:59:59.999999-08', NULL,
  NULL, '  {"spaced" : true}  ', '[1, "2", [3]]', NULL, '{"","  "," x "}', NULL, 'happy', NULL,
  '{"it''s \\"complicated\\"",ok}', 'abc', '2000-01-01 00:00:00+00', 'x', NULL, 7);
INSERT INTO every_type (i4, created) SELECT g, '2021-06-01 12:00:00+02' FROM generate_series(1, 20) g;
DELETE FROM every_type WHERE i4 BETWEEN 19 AND 20;

CREATE TABLE "Customer Accounts" (
    "Id" serial PRIMARY KEY,
    "E-mail" text NOT NULL UNIQUE,
    "we""ird" text,
    name text COLLATE "C",
    $CITEXT_COL
    balance numeric(12,2) NOT NULL DEFAULT 0 CHECK (balance >= -1000)
);
CREATE INDEX "lower e-mail" ON "Customer Accounts" (lower("E-mail"));
CREATE INDEX accounts_rich ON "Customer Accounts" USING btree (balance DESC NULLS LAST) WHERE balance > 1000;
COMMENT ON INDEX accounts_rich IS 'the rich ones';
INSERT INTO "Customer Accounts" ("E-mail", "we""ird", name, balance) VALUES
  ('ada@example.com', 'a"b', 'Ada', 5000), ('bob@example.com', NULL, 'Bob', 10),
  ('cy@example.com', 'x', 'Zoë', 150), ('gone@example.com', NULL, 'Gone', 0);
DELETE FROM "Customer Accounts" WHERE "E-mail" = 'gone@example.com';

CREATE TABLE "order" (
    region text,
    "No" integer,
    customer integer REFERENCES "Customer Accounts" ("Id") ON DELETE CASCADE,
    placed date DEFAULT CURRENT_DATE,
    PRIMARY KEY (region, "No"),
    UNIQUE (customer, placed)
);
COMMENT ON CONSTRAINT order_pkey ON "order" IS 'region first';
INSERT INTO "order" VALUES ('eu', 1, 1, '2024-01-01'), ('eu', 2, 1, '2024-01-02'), ('us', 1, 2, '2024-01-01'),
  ('us', 2, 3, NULL), ('e''u "x"', 1, NULL, NULL);

CREATE TABLE order_line (
    region text, order_no integer, line smallint, item text NOT NULL, qty integer CHECK (qty > 0),
    PRIMARY KEY (region, order_no, line),
    CONSTRAINT order_line_order_fk FOREIGN KEY (region, order_no) REFERENCES "order" (region, "No")
        ON DELETE CASCADE ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
);
INSERT INTO order_line VALUES ('eu', 1, 1, 'pen', 2), ('eu', 1, 2, 'ink', 1), ('us', 2, 1, 'pad', 50);
ALTER TABLE order_line ADD CONSTRAINT order_line_qty_small CHECK (qty < 100) NOT VALID;

CREATE TABLE audit_log (at timestamptz DEFAULT now(), who text, what text);
INSERT INTO audit_log VALUES ('2024-01-01 10:00:00+00', 'ada', 'login'), ('2024-01-01 10:00:00+00', 'ada', 'login'),
  (NULL, NULL, NULL);

CREATE TABLE "Twins" (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "Name" text, name text);
INSERT INTO "Twins" ("Name", name) VALUES ('Upper', 'lower'), (NULL, 'only lower');

CREATE TABLE measurements (id bigint, at date NOT NULL, v double precision, PRIMARY KEY (id, at))
    PARTITION BY RANGE (at);
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
INSERT INTO measurements VALUES (1, '2023-05-01', 1.5), (2, '2024-05-01', -0.0), (3, '2024-12-31', 0.1);

CREATE TABLE animal (id integer PRIMARY KEY, name text);
CREATE TABLE dog (good boolean DEFAULT true) INHERITS (animal);
INSERT INTO animal VALUES (1, 'generic');
INSERT INTO dog VALUES (2, 'rex', true), (3, 'fido', false);

CREATE VIEW big_customers AS SELECT "Id", "E-mail", balance FROM "Customer Accounts" WHERE balance > 100;
COMMENT ON VIEW big_customers IS 'rich';
COMMENT ON COLUMN big_customers.balance IS 'in euros';
CREATE VIEW big_customer_orders AS
    SELECT b."Id", o.region, o."No" FROM big_customers b JOIN "order" o ON o.customer = b."Id";
CREATE MATERIALIZED VIEW mood_counts AS SELECT m, count(*) AS n FROM every_type GROUP BY m;
CREATE UNIQUE INDEX mood_counts_m ON mood_counts (m);

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN NEW.at := now(); RETURN NEW; END\$\$;
CREATE TRIGGER audit_touch BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION touch();
EOF
ok "the source schema builds" pg_psql -f "$WORK/legacy.sql"

# Tables and views compared value by value (one a line, quoted); animal is
# read ONLY, its child's rows being dog's.
TABLES='"Customer Accounts"
audit_log
every_type
measurements
"order"
order_line
"Twins"
animal
dog'
VIEWS='big_customers
big_customer_orders
mood_counts'

# source_of TABLE: the source rows of a table.
source_of() {
    if [ "$1" = animal ]; then echo "ONLY legacy.animal"; else echo "legacy.$1"; fi
}

# ---- init ---------------------------------------------------------------------

cd "$WORK"
run_pgmap init "$SRC" --schema modern
is "$STATUS" 1 "init exits 1: there are warnings"
[ "$STATUS" = 1 ] || show_stderr
[ -s "$MAP" ] || bail_out "init wrote no mapping"
ok "the default names: the source schema's, in the current directory" test -s "$DDL"
like "$(cat "$OUT")" "wrote legacy.yaml and legacy.ddl: schema legacy, 9 tables" "the summary names both files"
for w in 'trigger audit_touch on audit_log is not carried' 'function touch\(\) is not carried' \
         'measurements is partitioned' 'dog inherits from legacy.animal' 'animal has inheritance children'; do
    like "$(cat "$ERR")" "^pgmap: warning: $w" "warning: $w"
    like "$(cat "$DDL")" "^-- $w" "the DDL says it too: $w"
done
if [ "$HAVE_CITEXT" = 1 ]; then
    like "$(cat "$ERR")" 'warning: extension citext \(in schema public\) is needed' "the extension citext is named"
    like "$(cat "$DDL")" '^-- CREATE EXTENSION IF NOT EXISTS "citext" SCHEMA "public";' "with its CREATE EXTENSION"
fi

# The mapping: the URI as given, keys, replace for the keyless tables,
# generated columns skipped, case twins named.
is "$(grep '^source:' "$MAP")" "source: \"$SRC\"" "the mapping's source is the URI as given"
is "$(grep '^schema:' "$MAP")" "schema: modern" "the mapping's schema is the target"
is "$(grep '^ddl:' "$MAP" | sed 's/ *#.*//')" "ddl: legacy.ddl" "the mapping names the DDL beside it"
like "$(sed -n '/^  order_line:/,/^$/p' "$MAP")" 'key: \[region, order_no, line\]' "order_line: the composite key"
like "$(sed -n '/^  "Customer Accounts":/,/^$/p' "$MAP")" 'key: \[Id\]' "Customer Accounts: key Id"
like "$(sed -n '/^  audit_log:/,/^$/p' "$MAP")" 'mode: replace' "audit_log (no key): mode replace"
like "$(sed -n '/^  dog:/,/^$/p' "$MAP")" 'mode: replace' "dog (no key): mode replace"
like "$(sed -n '/^  every_type:/,/^$/p' "$MAP")" 'total: \{skip: true\}' "every_type.total (generated) is skipped"
is "$(sed -n '/^  every_type:/,/^$/p' "$MAP" | grep -c '^      ')" 1 "every_type lists no other column"
like "$(sed -n '/^  Twins:/,/^$/p' "$MAP")" '^      Name: Name ' "Twins: Name is named (name differs only in case)"
like "$(sed -n '/^  animal:/,/^$/p' "$MAP")" "where: \"tableoid = '\\\\\"legacy\\\\\".\\\\\"animal\\\\\"'::regclass\"" \
     "animal: only its own rows"

# The DDL: search_path at the start of both parts, types before tables.
is "$(grep -c '^SET LOCAL search_path = "modern", pg_catalog;$' "$DDL")" 2 "SET LOCAL search_path in both parts"
is "$(grep -A1 '^-- pgmap: after load$' "$DDL")" "-- pgmap: after load
SET LOCAL search_path = \"modern\", pg_catalog;" "the second one right after the marker"
ok "the enum comes before the table using it" \
   test "$(grep -n 'CREATE TYPE "modern"."mood"' "$DDL" | cut -d: -f1)" -lt \
        "$(grep -n 'CREATE TABLE "modern"."every_type"' "$DDL" | cut -d: -f1)"

# ---- run ----------------------------------------------------------------------

run_pgmap run "$MAP"
is "$STATUS" 0 "pgmap run exits 0"
[ "$STATUS" = 0 ] || show_stderr
[ "$STATUS" -le 1 ] || bail_out "the run failed"
nsrc=0
while IFS= read -r t; do
    nsrc=$((nsrc + $(pgq "SELECT count(*) FROM $(source_of "$t")")))
done <<EOF
$TABLES
EOF
is "$(total_of 1)/$(total_of 2)/$(total_of 5)" "$nsrc/$nsrc/0" "the run read and inserted every row ($nsrc), rejected none"
like "$(cat "$OUT")" 'ddl after load: [0-9]+ statements .* 0 optional not applied' "every after-load statement applied"

# ---- every value ----------------------------------------------------------------

# same_table SRC TGT: the rows as text, both ways, and the counts.
same_table() {
    same_rows "SELECT x::text FROM $1 x" "SELECT x::text FROM $2 x" "every value of $2 equals $1"
    is "$(pgq "SELECT count(*) FROM $2")" "$(pgq "SELECT count(*) FROM $1")" "$2 has the row count of $1"
}
while IFS= read -r t; do
    same_table "$(source_of "$t")" "modern.$t"
done <<EOF
$TABLES
$VIEWS
EOF
is "$(pgq "SELECT count(*) FROM modern.every_type WHERE total IS DISTINCT FROM n12 * 2")" 0 \
   "every_type.total is generated from n12 in the target"

# ---- the catalogs ---------------------------------------------------------------

# norm EXPR: the schema names of both sides replaced by S. (search_path is
# left at its default, so objects of both schemas print qualified).
norm() {
    printf "regexp_replace(regexp_replace(%s, '\\\\m(legacy|modern)\\\\.', 'S.', 'g'), ' ON ONLY ', ' ON ')" "$1"
}
# same_catalog NAME QUERY: QUERY (with :S for the schema) gives the same rows for both.
same_catalog() {
    same_rows "$(printf '%s' "$2" | sed "s/:S/'legacy'/g")" "$(printf '%s' "$2" | sed "s/:S/'modern'/g")" "$1"
}
# A serial column (nextval of the sequence it owns) is an identity BY
# DEFAULT in the target, without the default.
SERIAL="(a.attidentity = '' AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%'
         AND pg_get_serial_sequence(format('%I.%I', n.nspname, c.relname), a.attname) IS NOT NULL)"
same_catalog "columns: names, order, types, NOT NULL, defaults, identity, generation, collations" "
SELECT c.relname, c.relkind IN ('r', 'p'), a.attnum, a.attname, $(norm 'format_type(a.atttypid, a.atttypmod)'),
       a.attnotnull, CASE WHEN $SERIAL THEN 'd' ELSE a.attidentity END, a.attgenerated,
       CASE WHEN $SERIAL THEN NULL ELSE $(norm 'pg_get_expr(d.adbin, d.adrelid)') END, co.collname
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  LEFT JOIN pg_collation co ON co.oid = a.attcollation
 WHERE n.nspname = :S AND c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition"
is "$(pgq "SELECT string_agg(attrelid::regclass || '.' || attname || ':' || attidentity::text, ',' ORDER BY attrelid::regclass::text, attname)
            FROM pg_attribute WHERE attrelid IN ('modern.\"Customer Accounts\"'::regclass,
            'modern.every_type'::regclass, 'modern.\"Twins\"'::regclass) AND attidentity <> ''")" \
   'modern."Customer Accounts".Id:d,modern."Twins".id:d,modern.every_type.id:a' \
   "identity columns: the serial BY DEFAULT, the others as in the source"
same_catalog "constraints: names, kinds, definitions, deferral, validation" "
SELECT c.relname, co.conname, co.contype, $(norm 'pg_get_constraintdef(co.oid)'), co.condeferrable,
       co.condeferred, co.convalidated
  FROM pg_constraint co JOIN pg_class c ON c.oid = co.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = :S AND NOT c.relispartition AND co.conparentid = 0"
is "$(pgq "SELECT convalidated FROM pg_constraint WHERE conname = 'order_line_qty_small'
            AND connamespace = 'modern'::regnamespace")" "f" "the NOT VALID CHECK is NOT VALID again"
same_catalog "indexes: names and definitions" "
SELECT c.relname, i.relname, $(norm 'pg_get_indexdef(i.oid)'), x.indisprimary, x.indisunique
  FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = :S AND NOT c.relispartition"
same_catalog "enum types: labels in order" "
SELECT t.typname, string_agg(e.enumlabel, '|' ORDER BY e.enumsortorder)
  FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid WHERE t.typnamespace = :S::regnamespace GROUP BY 1"
same_catalog "domains: base type, NOT NULL, default, constraints" "
SELECT t.typname, $(norm 'format_type(t.typbasetype, t.typtypmod)'), t.typnotnull,
       pg_get_expr(t.typdefaultbin, 'pg_type'::regclass),
       (SELECT string_agg(co.conname || ' ' || pg_get_constraintdef(co.oid), '; ' ORDER BY co.conname)
          FROM pg_constraint co WHERE co.contypid = t.oid)
  FROM pg_type t WHERE t.typnamespace = :S::regnamespace AND t.typtype = 'd'"
same_catalog "sequences: names, types, options and positions" "
SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache,
       s.seqcycle, pg_sequence_last_value(c.oid)
  FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid WHERE c.relnamespace = :S::regnamespace"
same_catalog "views: kinds and definitions" "
SELECT c.relname, c.relkind, $(norm 'pg_get_viewdef(c.oid)')
  FROM pg_class c WHERE c.relnamespace = :S::regnamespace AND c.relkind IN ('v', 'm')"
same_catalog "comments on tables, columns, views, indexes, types, constraints" "
SELECT c.relname, coalesce(a.attname, ''), d.description FROM pg_description d
  JOIN pg_class c ON d.classoid = 'pg_class'::regclass AND c.oid = d.objoid
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
 WHERE c.relnamespace = :S::regnamespace
UNION ALL SELECT t.typname, '', d.description FROM pg_description d
  JOIN pg_type t ON d.classoid = 'pg_type'::regclass AND t.oid = d.objoid WHERE t.typnamespace = :S::regnamespace
UNION ALL SELECT co.conname, '', d.description FROM pg_description d
  JOIN pg_constraint co ON d.classoid = 'pg_constraint'::regclass AND co.oid = d.objoid
 WHERE co.connamespace = :S::regnamespace"
is "$(pgq "SELECT count(*) FROM pg_description d JOIN pg_class c ON c.oid = d.objoid
            WHERE c.relnamespace = 'modern'::regnamespace")" 5 "the comments are there (not two empty sets)"
is "$(pgq "SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class
            WHERE relnamespace = 'modern'::regnamespace AND relkind NOT IN ('i', 'S')")" \
   "Customer Accounts:r,Twins:r,animal:r,audit_log:r,big_customer_orders:v,big_customers:v,dog:r,every_type:r,measurements:r,mood_counts:m,order:r,order_line:r" \
   "the target schema holds the tables and views, partitioned and inheriting tables as plain ones"

# ---- a second run -----------------------------------------------------------------

run_pgmap run "$MAP"
is "$STATUS" 0 "second run exits 0"
[ "$STATUS" = 0 ] || show_stderr
nkeyless=$(( $(pgq "SELECT count(*) FROM legacy.audit_log") + $(pgq "SELECT count(*) FROM legacy.dog") ))
is "$(total_of 2)/$(total_of 3)/$(total_of 5)" "$nkeyless/0/0" \
   "second run: 0 updated, 0 rejected, and 0 inserted but the $nkeyless rows of the keyless tables, reloaded whole"
is "$(awk '$1 ~ /^modern\./ && $(NF-6) > 0 { print $1 }' "$OUT" | sort | tr '\n' ' ')" \
   "modern.audit_log modern.dog " "second run: only the keyless tables are written"
ntables=$(printf '%s\n' "$TABLES" | wc -l | tr -d ' ')
is "$(awk '$1 ~ /^modern\./ { n++; if ($(NF-4) == $(NF-7)) u += $(NF-4) } END { print n + 0 "/" u + 0 }' "$OUT")" \
   "$ntables/$((nsrc - nkeyless))" "second run: all $ntables tables read, every row of the keyed ones unchanged"
while IFS= read -r t; do
    n=$(diff_rows "SELECT x::text FROM $(source_of "$t") x" "SELECT x::text FROM modern.$t x")
    is "$n" 0 "after the second run, modern.$t still equals $(source_of "$t")"
done <<EOF
$TABLES
EOF

# ---- sequences continue where the source's do -------------------------------------

# The same insert on both sides takes the same identity, serial and free
# sequence values and the same defaults (the clock ones aside).
for side in legacy modern; do
    pgq "INSERT INTO $side.every_type (i4) VALUES (-1)" >/dev/null
    pgq "INSERT INTO $side.\"Customer Accounts\" (\"E-mail\") VALUES ('new@example.com')" >/dev/null
    pgq "INSERT INTO $side.\"Twins\" (name) VALUES ('new')" >/dev/null
    pgq "INSERT INTO $side.\"order\" (region, \"No\") VALUES ('new', 1)" >/dev/null
done
same_rows "SELECT id, ticket, status, feeling::text, code::text, total FROM legacy.every_type WHERE i4 = -1" \
          "SELECT id, ticket, status, feeling::text, code::text, total FROM modern.every_type WHERE i4 = -1" \
          "every_type: a new row gets the same identity (past max(id)), ticket and defaults"
is "$(pgq "SELECT id > (SELECT max(id) FROM modern.every_type WHERE i4 IS DISTINCT FROM -1) FROM modern.every_type WHERE i4 = -1")" \
   "t" "every_type: the new identity is past max(id)"
same_rows "SELECT x::text FROM legacy.\"Customer Accounts\" x WHERE \"E-mail\" = 'new@example.com'" \
          "SELECT x::text FROM modern.\"Customer Accounts\" x WHERE \"E-mail\" = 'new@example.com'" \
          "Customer Accounts: the serial (now identity) continues where it was, the deleted row's id included"
same_rows "SELECT x::text FROM legacy.\"Twins\" x WHERE name = 'new'" "SELECT x::text FROM modern.\"Twins\" x WHERE name = 'new'" \
          "Twins: the BY DEFAULT identity continues"
is "$(pgq "SELECT placed = CURRENT_DATE FROM modern.\"order\" WHERE region = 'new'")" "t" "order.placed: DEFAULT CURRENT_DATE"
is "$(pgq "SELECT nextval('modern.reset_seq')")" "$(pgq "SELECT nextval('legacy.reset_seq')")" \
   "reset_seq (set back with is_called false) gives the same next value"
is "$(pgq "SELECT nextval('modern.reset_seq')")" 501 "and the one after"

# Keys and constraints act: a duplicate, an orphan, a CHECK, a domain.
like "$(pgq "INSERT INTO modern.\"Customer Accounts\" (\"E-mail\") VALUES ('ada@example.com')")" \
     'duplicate key value violates unique constraint "Customer Accounts_E-mail_key"' "the unique constraint refuses a duplicate"
like "$(pgq "INSERT INTO modern.order_line VALUES ('zz', 9, 1, 'x', 1)")" 'violates foreign key constraint "order_line_order_fk"' \
     "the deferred foreign key refuses an orphan at commit"
like "$(pgq "INSERT INTO modern.every_type (p) VALUES (0)")" 'violates check constraint "posint_positive"' \
     "the domain's CHECK refuses 0"
like "$(pgq "INSERT INTO modern.order_line VALUES ('eu', 2, 1, 'x', 100)")" 'violates check constraint "order_line_qty_small"' \
     "the NOT VALID CHECK checks new rows"
is "$(pgq "DELETE FROM modern.\"order\" WHERE region = 'eu' AND \"No\" = 1; SELECT count(*) FROM modern.order_line WHERE region = 'eu'")" \
   "0" "ON DELETE CASCADE removes the order's lines"

# ---- the command line -------------------------------------------------------------

mkdir "$WORK/cli"
cd "$WORK/cli"
run_pgmap init "$SRC&connect_timeout=10" --schema other -q
is "$STATUS" 1 "schema= among other URI parameters: libpq never sees it"
[ "$STATUS" = 1 ] || show_stderr
is "$(cat "$OUT")" "" "-q prints no summary"
like "$(grep '^source:' legacy.yaml)" 'connect_timeout=10' "the source keeps every parameter"
run_pgmap init "$SRC" --schema other
is "$STATUS" 2 "init refuses to overwrite"
like "$(cat "$ERR")" 'already exists \(use --force' "and says how to overwrite"
run_pgmap init "$SRC" --schema other --force -o sub.yaml --ddl "$WORK/cli/elsewhere.sql"
is "$STATUS" 1 "--force, -o and --ddl"
is "$(grep '^ddl:' sub.yaml | sed 's/ *#.*//')" "ddl: $WORK/cli/elsewhere.sql" "a --ddl elsewhere is written with its full path"
run_pgmap init "postgresql:///$PGDATABASE?schema=nope" -o x.yaml
is "$STATUS" 2 "a missing source schema fails"
like "$(cat "$ERR")" 'error: source: the database has no schema nope' "and says so"
run_pgmap init "postgresql:///$PGDATABASE?schema=legacy" --naming snake_case -o x.yaml
is "$STATUS" 2 "--naming snake_case is refused for a PostgreSQL source"
like "$(cat "$ERR")" 'names are kept as they are' "with the reason"
run_pgmap init "postgresql:///no_such_db?schema=legacy" -o x.yaml
is "$STATUS" 2 "an unreachable database fails"
like "$(cat "$ERR")" '^pgmap: error: source: cannot connect' "as the source"
is "$(ls x.yaml 2>/dev/null || true)" "" "and no mapping is written"
run_pgmap init "postgresql://u:pa%zz@/$PGDATABASE?schema=legacy" -o x.yaml
is "$STATUS/$(grep -c 'pa%zz' "$ERR")" "2/0" "a malformed URI fails without showing its password"
like "$(cat "$ERR")" 'token: "\*\*\*"' "which is masked"

# A percent-encoded schema name holding an extension (hstore): its objects
# stay where they are and the target's search_path reaches them.
if [ "$(pgq "SELECT count(*) FROM pg_available_extensions WHERE name = 'hstore'")" = 1 ]; then
    pg_psql -c 'CREATE SCHEMA "Odd Schema"' -c 'CREATE EXTENSION hstore SCHEMA "Odd Schema"' \
        -c 'CREATE TABLE "Odd Schema"."T" (id int PRIMARY KEY, h "Odd Schema".hstore DEFAULT '"'a=>1'"')' \
        -c "INSERT INTO \"Odd Schema\".\"T\" VALUES (1, 'k=>v, \"x y\"=>NULL'), (2, NULL)" >/dev/null
    run_pgmap init "postgresql:///$PGDATABASE?schema=Odd%20Schema" --schema 'New Schema'
    is "$STATUS" 1 "init of \"Odd Schema\" exits 1 (the extension is a warning)"
    ok "its default names come from the schema" test -s "Odd Schema.yaml" -a -s "Odd Schema.ddl"
    like "$(cat "Odd Schema.ddl")" '^SET LOCAL search_path = "New Schema", "Odd Schema", pg_catalog;$' \
         "the extension's schema is on the target's search_path"
    run_pgmap run "Odd Schema.yaml"
    is "$STATUS" 0 "and it runs"
    [ "$STATUS" = 0 ] || show_stderr
    same_rows "SELECT x::text FROM \"Odd Schema\".\"T\" x" "SELECT x::text FROM \"New Schema\".\"T\" x" \
              "every value of the hstore table"
    is "$(pgq "SELECT format_type(atttypid, atttypmod) || ' ' || pg_get_expr(adbin, adrelid) FROM pg_attribute
                JOIN pg_attrdef ON adrelid = attrelid AND adnum = attnum WHERE attrelid = '\"New Schema\".\"T\"'::regclass
                AND attname = 'h'")" "\"Odd Schema\".hstore '\"a\"=>\"1\"'::\"Odd Schema\".hstore" \
       "the column keeps the extension's type and its default"
else
    skip "hstore is not available" 6
fi

cd "$WORK"
done_testing
