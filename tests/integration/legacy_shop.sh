#!/bin/sh
# tests/integration/legacy_shop.sh - PostgreSQL as a source, and a messy
# legacy database restructured: the legacy shop (one denormalised table of
# order lines, tests/fixtures/legacy_shop_gen.sql, made by
# scripts/gen-legacy-shop in its own database) is moved by
# mappings/legacy_shop.yaml into schemas/shop.sql (customers, products,
# orders, order_items).
#
# Every expectation is computed here, in SQL, from the legacy rows (a
# second copy of the generated database inside the target database, checked
# to be identical): the values the clean rows must become, which rows cannot
# be repaired, which key wins among duplicates.  Nothing is taken from
# pgmap's output or hard-coded.  Checked:
#   - the mapping in docs/legacy-shop.md is mappings/legacy_shop.yaml;
#   - pgmap check accepts the mapping;
#   - a dry run writes nothing and predicts the real run's counts and rejects;
#   - the run: every valid order exactly once with exactly its items
#     (order_no, line_no, sku, qty, price, legacy id, both ways), every
#     customer (by lower(trim(email))) and product (by sku) exactly once
#     with the values of the line the dedup rule picks, lookups pointing at
#     the right rows, product ids uuid v5 of the sku, avatar hashes md5 of
#     the e-mail address;
#   - every unrepairable line is in the rejects file under its legacy id,
#     each table's rejects name exactly the right rows, with the raw value,
#     and each kind of breakage has its specific operation and column; no
#     row reached the server's constraints;
#   - per table: read = inserted + updated + unchanged + rejected +
#     deduplicated in the report, and each of these is the expected number;
#   - a second run inserts and updates nothing and leaves every row version
#     as it was;
#   - a new order in the source, of a customer who moved, is carried over by
#     the next run: the order and its lines inserted, the customer updated.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster

SCALE=${LEGACY_SHOP_SCALE:-2000}
MAP=$top_srcdir/mappings/legacy_shop.yaml
DOC=$top_srcdir/docs/legacy-shop.md
GEN=$top_srcdir/tests/fixtures/legacy_shop_gen.sql
NS=3f9c4a52-8e1b-4d7a-9c2e-6b5d1f0a7e34     # the products' uuid v5 namespace in the mapping
TABLES="customers products orders order_items"

# ---- 0. the documentation shows the mapping as it is -----------------------
# The fenced yaml block of the doc that starts with the mapping's first line.
awk 'inb && /^```$/ { if (keep) exit; inb = 0; next }
     inb { if (first) { keep = ($0 ~ /^# legacy_shop\.yaml - /); first = 0 } if (keep) print; next }
     /^```yaml$/ { inb = 1; first = 1; keep = 0 }' "$DOC" >"$PG_TMPDIR/doc.yaml" 2>/dev/null || true
ok "docs/legacy-shop.md shows mappings/legacy_shop.yaml in full, unchanged" \
    cmp "$PG_TMPDIR/doc.yaml" "$MAP"
is "$(grep -c "$NS" "$MAP")" "1" "the namespace this test checks product ids with is the mapping's"

# ---- 1. the legacy database, and a copy for the expectations --------------
sh "$top_srcdir/scripts/gen-legacy-shop" -s "$SCALE" legacy_shop >"$PG_TMPDIR/gen.out" 2>&1 || {
    cat "$PG_TMPDIR/gen.out" >&2
    bail_out "scripts/gen-legacy-shop failed"
}
pg_psql -v scale="$SCALE" -f "$GEN" >/dev/null
FINGERPRINT="SELECT count(*) || ' ' || md5(string_agg(t::text, E'\n' ORDER BY id)) FROM legacy.orders t"
is "$(pg_psql -d legacy_shop -c "$FINGERPRINT")" "$(pg_psql -c "$FINGERPRINT")" \
   "the generator is deterministic: the source and the copy the checks read are the same rows"

# ---- 2. the target schema, created as the application's migration would --
pg_psql -f "$top_srcdir/schemas/shop.sql" >/dev/null

# ---- 3. the expectations, from the legacy rows ----------------------------
# chk.lines: every legacy line as the shop should see it, or NULL where a
# value cannot be repaired.  The parsing is written again here, differently
# (POSIX regexes, make_date, numeric casts), not taken from pgmap.
pg_psql >/dev/null <<'SQL'
CREATE SCHEMA chk;

-- '2023-04-05', '05/04/2023' (day first), 'April 5, 2023'; NULL otherwise
CREATE FUNCTION chk.pdate(t text) RETURNS date LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    s text := btrim(t);
    m text[];
BEGIN
    m := regexp_match(s, '^(\d{4})-(\d{1,2})-(\d{1,2})$');
    IF m IS NOT NULL THEN
        RETURN make_date(m[1]::int, m[2]::int, m[3]::int);
    END IF;
    m := regexp_match(s, '^(\d{1,2})/(\d{1,2})/(\d{4})$');
    IF m IS NOT NULL THEN
        RETURN make_date(m[3]::int, m[2]::int, m[1]::int);
    END IF;
    m := regexp_match(s, '^([A-Za-z]+) +(\d{1,2}), *(\d{4})$');
    IF m IS NOT NULL THEN
        RETURN make_date(m[3]::int,
                         array_position(ARRAY['january', 'february', 'march', 'april', 'may', 'june', 'july',
                                              'august', 'september', 'october', 'november', 'december'],
                                        lower(m[1])),
                         m[2]::int);
    END IF;
    RETURN NULL;
EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format OR numeric_value_out_of_range THEN
    RETURN NULL;
END $$;

CREATE FUNCTION chk.email(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN lower(btrim(t)) ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN lower(btrim(t)) END
$$;

-- '€12,50', '$1,249.00', '1.249,00 EUR', '12,50 €', '12.50'
CREATE FUNCTION chk.price(t text) RETURNS numeric LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    s text := btrim(t);
BEGIN
    s := regexp_replace(s, '^(€|\$) *', '');
    s := regexp_replace(s, ' *(€|EUR|\$)$', '');
    IF s ~ '^\d{1,3}(\.\d{3})+,\d{2}$' OR s ~ '^\d+,\d{2}$' THEN
        RETURN replace(replace(s, '.', ''), ',', '.')::numeric;
    ELSIF s ~ '^\d{1,3}(,\d{3})+\.\d{2}$' OR s ~ '^\d+(\.\d{1,2})?$' THEN
        RETURN replace(s, ',', '')::numeric;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION chk.qty(t text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN btrim(t) ~ '^[0-9]{1,9}$' AND btrim(t)::int > 0 THEN btrim(t)::int END
$$;

-- 'Meyer, Anna' is Anna Meyer; blanks collapsed; case as typed
CREATE FUNCTION chk.name(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(regexp_replace(btrim(t), '\s+', ' ', 'g'), '^([^,]+), *(.+)$', '\2 \1')
$$;

CREATE FUNCTION chk.status(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE lower(btrim(t))
        WHEN 'open' THEN 'open' WHEN 'new' THEN 'open' WHEN 'pending' THEN 'open'
        WHEN 'shipped' THEN 'shipped' WHEN 'sent' THEN 'shipped' WHEN 'delivered' THEN 'shipped'
        WHEN 'cancelled' THEN 'cancelled' WHEN 'canceled' THEN 'cancelled'
        WHEN 'returned' THEN 'returned'
        ELSE 'unknown' END
$$;

CREATE TABLE chk.lines AS
SELECT id,
       upper(btrim(order_no)) AS order_no,
       line_no,
       chk.pdate(order_date) AS d,
       chk.email(customer_email) AS email,
       chk.name(customer_name) AS name,
       btrim(split_part(customer_address, ',', 1)) AS street,
       CASE WHEN strpos(customer_address, ',') > 0 THEN btrim(split_part(customer_address, ',', 2)) END AS city,
       chk.status(status) AS status,
       nullif(upper(btrim(sku)), '') AS sku,
       btrim(product_name) AS product_name,
       chk.qty(qty) AS qty,
       chk.price(unit_price) AS price
FROM legacy.orders;
ALTER TABLE chk.lines ADD PRIMARY KEY (id);
-- An order can be loaded when its date and its customer's address can be
-- read; a line when its order can and its own sku, qty and price can.
ALTER TABLE chk.lines ADD order_ok boolean, ADD line_ok boolean;
UPDATE chk.lines SET order_ok = d IS NOT NULL AND email IS NOT NULL;
UPDATE chk.lines SET line_ok = order_ok AND sku IS NOT NULL AND qty IS NOT NULL AND coalesce(price >= 0, false);

-- The rows each table must hold.  Customers: per address, the line with
-- the latest date (ties: the first line); products: the last line of the
-- sku; orders: the first line of the order.
CREATE VIEW chk.customers AS
SELECT DISTINCT ON (email) email, name, street, city, md5(email) AS avatar_hash, d AS last_order_on
FROM chk.lines WHERE email IS NOT NULL AND d IS NOT NULL
ORDER BY email, d DESC, id;
CREATE VIEW chk.products AS
SELECT DISTINCT ON (sku) sku, product_name AS name FROM chk.lines WHERE sku IS NOT NULL ORDER BY sku, id DESC;
CREATE VIEW chk.orders AS
SELECT DISTINCT ON (order_no) order_no, d AS ordered_on, email, status FROM chk.lines WHERE order_ok
ORDER BY order_no, id;
CREATE VIEW chk.items AS
SELECT id AS legacy_id, order_no, line_no, sku, qty, price FROM chk.lines WHERE line_ok;

-- What each table must report: read, rejected, and of the rest how many
-- distinct keys (inserted on the first run) and how many duplicates.
CREATE VIEW chk.counts AS
SELECT 'customers' AS tbl, count(*) AS read,
       count(*) FILTER (WHERE email IS NULL OR d IS NULL) AS rejected,
       (SELECT count(*) FROM chk.customers) AS rows
FROM chk.lines
UNION ALL
SELECT 'products', count(*), count(*) FILTER (WHERE sku IS NULL), (SELECT count(*) FROM chk.products) FROM chk.lines
UNION ALL
SELECT 'orders', count(*), count(*) FILTER (WHERE NOT order_ok), (SELECT count(*) FROM chk.orders) FROM chk.lines
UNION ALL
SELECT 'order_items', count(*), count(*) FILTER (WHERE NOT line_ok), (SELECT count(*) FROM chk.items) FROM chk.lines;
SQL

# want TABLE: "read inserted rejected deduplicated" expected of a first run
want() {
    pg_psql -c "SELECT read || ' ' || rows || ' ' || rejected || ' ' || (read - rejected - rows) FROM chk.counts WHERE tbl = '$1'"
}

# The generated data must have what the checks are about; otherwise they
# would pass for nothing.
is "$(pg_psql -c "SELECT count(*) FROM (SELECT order_no FROM legacy.orders GROUP BY order_no
        HAVING count(DISTINCT (order_date, status, customer_name, customer_email, customer_address)) > 1) x")" "0" \
   "legacy: order-level values are the same on every line of an order"
is "$(pg_psql -c "SELECT count(DISTINCT CASE WHEN order_date ~ '^\d{4}-' THEN 1 WHEN order_date ~ '/' THEN 2
                                          WHEN order_date ~ '^[A-Z][a-z]+ ' THEN 3 END) FROM legacy.orders")" "3" \
   "legacy: dates in three formats"
is "$(pg_psql -c "SELECT bool_and(n > 0)::text FROM (
          SELECT count(*) FILTER (WHERE unit_price LIKE '€%') AS n FROM legacy.orders
          UNION ALL SELECT count(*) FILTER (WHERE unit_price LIKE '\$%,%.%') FROM legacy.orders
          UNION ALL SELECT count(*) FILTER (WHERE unit_price LIKE '%.%,% EUR') FROM legacy.orders
          UNION ALL SELECT count(*) FILTER (WHERE customer_email <> btrim(customer_email)) FROM legacy.orders
          UNION ALL SELECT count(*) FILTER (WHERE customer_email <> lower(customer_email)) FROM legacy.orders
          UNION ALL SELECT count(*) FILTER (WHERE sku <> upper(btrim(sku))) FROM legacy.orders
          UNION ALL SELECT count(*) FILTER (WHERE customer_address NOT LIKE '%,%') FROM legacy.orders) x")" "true" \
   "legacy: prices with signs, codes, commas and groups; e-mail blanks and case; sku case; addresses without city"
is "$(pg_psql -c "SELECT count(*) > 0 FROM (SELECT l.email FROM chk.lines l JOIN legacy.orders o USING (id)
                  WHERE l.email IS NOT NULL GROUP BY l.email HAVING count(DISTINCT o.customer_email) > 1) x")" "t" \
   "legacy: customers whose address is written differently on different orders"
is "$(pg_psql -c "SELECT count(*) > 0 FROM chk.customers c WHERE c.name <> (SELECT name FROM chk.lines l
                      WHERE l.email = c.email AND l.d IS NOT NULL ORDER BY id LIMIT 1)")" "t" \
   "legacy: for some customers the latest line's name is not the first line's (the dedup rule matters)"
is "$(pg_psql -c "SELECT count(*) > 0 FROM chk.products p WHERE p.name <> (SELECT product_name FROM chk.lines l
                      WHERE l.sku = p.sku ORDER BY id LIMIT 1)")" "t" \
   "legacy: some products were renamed (last is not first)"

# ---- helpers ------------------------------------------------------------------
# load_jsonl FILE TABLE LABEL: JSON lines into a jsonb table (as dirty.sh
# does); a test that the file is there and every line is a JSON object.
load_jsonl() {
    pg_psql -c "DROP TABLE IF EXISTS $2" -c "CREATE TABLE $2 (doc jsonb)" >/dev/null
    ok "$3: the rejects file exists and holds JSON lines" \
        pg_psql -c "\\copy $2 FROM '$1' WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')"
}

# report TABLE: "read inserted updated unchanged rejected deduplicated" of
# shop.TABLE from the last run's report ($OUT), columns found by their
# headings ("would insert"/"would update" in a dry run); "missing" when the
# table or a column is not there.
report() {
    awk -v t="shop.$1" '
        !h && $1 == "table" && $2 == "read" {
            sub(/would insert/, "inserted"); sub(/would update/, "updated")
            for (i = 1; i <= NF; i++) col[$i] = i
            h = 1; next
        }
        h && $1 == t && $2 ~ /^[0-9]+$/ && !done {
            n = split("read inserted updated unchanged rejected deduplicated", want, " ")
            line = ""
            for (k = 1; k <= n; k++)
                line = line (k > 1 ? " " : "") (want[k] in col ? $(col[want[k]]) : "missing")
            print line; done = 1
        }
        END { if (!done) print "missing" }' "$OUT"
}

# check_report LABEL FIRST: the report's arithmetic and numbers per table;
# FIRST=1 for a run into empty tables, 0 for a run that finds every row.
check_report() {
    for t in $TABLES; do
        r=$(report "$t")
        # shellcheck disable=SC2086 # the six numbers
        set -- $r
        if [ $# -ne 6 ] || [ "$r" != "${r#*missing}" ]; then
            is "$r" "read inserted updated unchanged rejected deduplicated" \
               "$LABEL: the report has shop.$t with every column"
            diag "$(cat "$OUT")"
            continue
        fi
        read=$1 ins=$2 upd=$3 unch=$4 rej=$5 dedup=$6
        is "$read" "$((ins + upd + unch + rej + dedup))" \
           "$LABEL: shop.$t: read = inserted + updated + unchanged + rejected + deduplicated ($r)"
        # shellcheck disable=SC2046 # the four expected numbers
        set -- $(want "$t")
        w_read=$1 w_rows=$2 w_rej=$3 w_dedup=$4
        if [ "$FIRST" = 1 ]; then
            want_iuu="$w_rows/0/0"
        else
            want_iuu="0/0/$w_rows"
        fi
        is "$read $ins/$upd/$unch $rej $dedup" "$w_read $want_iuu $w_rej $w_dedup" \
           "$LABEL: shop.$t: read, inserted/updated/unchanged, rejected, deduplicated as expected"
    done
}

# The rows of the four tables as the shop sees them.
ACT_CUSTOMERS="SELECT email, name, street, city, avatar_hash, last_order_on FROM shop.customers"
ACT_PRODUCTS="SELECT sku, name FROM shop.products"
ACT_ORDERS="SELECT o.order_no, o.ordered_on, c.email, o.status FROM shop.orders o JOIN shop.customers c USING (customer_id)"
ACT_ITEMS="SELECT i.legacy_id, o.order_no, i.line_no, p.sku, i.qty, i.unit_price
           FROM shop.order_items i JOIN shop.orders o USING (order_id) JOIN shop.products p USING (product_id)"
COUNT_ALL="SELECT (SELECT count(*) FROM shop.customers) || '/' || (SELECT count(*) FROM shop.products) || '/'
               || (SELECT count(*) FROM shop.orders) || '/' || (SELECT count(*) FROM shop.order_items)"
# Every row with its row version: equal before and after means untouched.
SNAPSHOT="SELECT md5(string_agg(x, E'\n' ORDER BY x)) FROM (
            SELECT 'c' || xmin || t::text AS x FROM shop.customers t UNION ALL
            SELECT 'p' || xmin || t::text FROM shop.products t UNION ALL
            SELECT 'o' || xmin || t::text FROM shop.orders t UNION ALL
            SELECT 'i' || xmin || t::text FROM shop.order_items t) s"

# ---- 4. pgmap check and explain -------------------------------------------------
run_pgmap check "$MAP"
is "$STATUS" 0 "pgmap check accepts the mapping"
[ "$STATUS" = 0 ] || diag "$(cat "$OUT" "$ERR")"

run_pgmap explain "$MAP"
like "$(cat "$OUT")" 'load order: (shop\.customers, shop\.products|shop\.products, shop\.customers), shop\.orders, shop\.order_items$' \
   "explain: customers and products, then orders, then order_items (foreign keys and lookups)"

# ---- 5. a dry run first: nothing written, the real run's numbers -------------
run_pgmap run "$MAP" --dry-run --rejects "$PG_TMPDIR/dry.jsonl"
is "$STATUS" 1 "dry run exits 1 (rows would be rejected)"
[ "$STATUS" = 1 ] || diag "$(cat "$OUT" "$ERR")"
is "$(pg_psql -c "$COUNT_ALL")" "0/0/0/0" "dry run: the four tables are still empty"
is "$(pg_psql -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgmap'")" "0" "dry run: no state schema left behind"
LABEL="dry run"; FIRST=1; check_report
load_jsonl "$PG_TMPDIR/dry.jsonl" chk.dry "dry run"

# ---- 6. the run ---------------------------------------------------------------------
run_pgmap run "$MAP" --rejects "$PG_TMPDIR/run.jsonl"
is "$STATUS" 1 "run exits 1 (rows rejected)"
[ "$STATUS" = 1 ] || diag "$(cat "$OUT" "$ERR")"
diag "the report:"
diag "$(cat "$OUT")"
LABEL="run"; FIRST=1; check_report
load_jsonl "$PG_TMPDIR/run.jsonl" chk.rej "run"

# orders and items
is "$(pg_psql -c "SELECT count(*) || '/' || count(DISTINCT order_no) FROM shop.orders")" \
   "$(pg_psql -c "SELECT count(*) || '/' || count(*) FROM chk.orders")" "every valid order is there exactly once"
same_rows "SELECT order_no, ordered_on, email, status FROM chk.orders" "$ACT_ORDERS" \
   "orders: order_no, date (three formats), customer (by lookup) and status (map with fallback) as expected"
same_rows "SELECT legacy_id, order_no, line_no, sku, qty, price FROM chk.items" "$ACT_ITEMS" \
   "order_items: every valid line exactly once, with its order, product, qty and price (both ways)"
is "$(pg_psql -c "SELECT count(*) FROM shop.orders o WHERE NOT EXISTS (SELECT 1 FROM shop.order_items i WHERE i.order_id = o.order_id)")" \
   "$(pg_psql -c "SELECT count(*) FROM chk.orders o WHERE NOT EXISTS (SELECT 1 FROM chk.items i WHERE i.order_no = o.order_no)")" \
   "orders whose every line was rejected are there without items, as many as expected"

# customers and products
is "$(pg_psql -c "SELECT count(*) || '/' || count(DISTINCT lower(btrim(email))) FROM shop.customers")" \
   "$(pg_psql -c "SELECT count(*) || '/' || count(*) FROM chk.customers")" \
   "every customer exactly once (by lower(trim(email)))"
same_rows "SELECT email, name, street, city, avatar_hash, last_order_on FROM chk.customers" "$ACT_CUSTOMERS" \
   "customers: the latest line's name and address (dedup max), split address, md5 avatar hash"
is "$(pg_psql -c "SELECT count(*) || '/' || count(DISTINCT sku) FROM shop.products")" \
   "$(pg_psql -c "SELECT count(*) || '/' || count(*) FROM chk.products")" "every product exactly once (by sku)"
same_rows "SELECT sku, name FROM chk.products" "$ACT_PRODUCTS" "products: the last line's name (dedup last)"
if pg_psql -c 'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" SCHEMA chk' >/dev/null 2>&1; then
    is "$(pg_psql -c "SELECT count(*) FILTER (WHERE product_id = chk.uuid_generate_v5('$NS', sku)) || '/' || count(*) FROM shop.products")" \
       "$(pg_psql -c "SELECT count(*) || '/' || count(*) FROM chk.products")" \
       "products: product_id is the uuid v5 of the sku in the mapping's namespace (uuid-ossp agrees)"
else
    skip "uuid-ossp extension not installed (postgresql-contrib)"
fi

# ---- 7. the rejects ------------------------------------------------------------------
# A restructuring table names a rejected row by the source's primary key,
# the legacy id ({"id": 1234}), whatever the target's key.  Every
# unrepairable line is among the order_items rejects, once.
REJ_IDS="SELECT (doc->'key'->>'id')::int FROM chk.rej WHERE doc->>'table'"
same_rows "SELECT id FROM chk.lines WHERE NOT line_ok" "$REJ_IDS = 'shop.order_items'" \
   "order_items rejects: exactly the unrepairable lines, each once, named by the legacy id"
same_rows "SELECT id FROM chk.lines WHERE NOT order_ok" "$REJ_IDS = 'shop.orders'" \
   "orders rejects: every line of every unrepairable order (unreadable date or e-mail address), by legacy id"
same_rows "SELECT id FROM chk.lines WHERE email IS NULL OR d IS NULL" "$REJ_IDS = 'shop.customers'" \
   "customers rejects: the lines without a usable e-mail address or date, by legacy id"
same_rows "SELECT id FROM chk.lines WHERE sku IS NULL" "$REJ_IDS = 'shop.products'" \
   "products rejects: the lines without a sku, by legacy id"
is "$(pg_psql -c "SELECT count(*) FROM chk.rej WHERE jsonb_typeof(doc->'key') IS DISTINCT FROM 'object'
                     OR (SELECT array_agg(k) FROM jsonb_object_keys(doc->'key') k) IS DISTINCT FROM ARRAY['id']
                     OR coalesce(doc->>'message', '') = '' OR doc->>'operation' IS NULL OR doc->>'column' IS NULL")" "0" \
   "every reject has a key {\"id\": N}, a column, an operation and a reason"
is "$(pg_psql -c "SELECT count(*) FROM chk.rej WHERE doc->>'sqlstate' IS NOT NULL")" "0" \
   "no row reached the server's constraints: pgmap rejected them all itself"
# Each reject's value is the raw legacy value of the column's source column.
is "$(pg_psql -c "SELECT count(*) FROM chk.rej r
                  LEFT JOIN legacy.orders o ON o.id = (r.doc->'key'->>'id')::int
                  LEFT JOIN (VALUES ('shop.customers', 'email', 'customer_email'),
                                    ('shop.customers', 'last_order_on', 'order_date'),
                                    ('shop.products', 'product_id', 'sku'),
                                    ('shop.orders', 'ordered_on', 'order_date'),
                                    ('shop.orders', 'customer_id', 'customer_email'),
                                    ('shop.order_items', 'order_id', 'order_no'),
                                    ('shop.order_items', 'product_id', 'sku'),
                                    ('shop.order_items', 'qty', 'qty'),
                                    ('shop.order_items', 'unit_price', 'unit_price')) m (tbl, col, src)
                         ON m.tbl = r.doc->>'table' AND m.col = r.doc->>'column'
                  WHERE o.id IS NULL OR m.src IS NULL OR r.doc->'value' IS DISTINCT FROM to_jsonb(o) -> m.src")" "0" \
   "every reject carries the raw legacy value of the failing column ('lots', ' -1', NULL ...)"

# reason TABLE COLUMN OPERATION WHERE NAME: every legacy line selected by
# WHERE (over legacy.orders o and chk.lines l) has a reject in shop.TABLE
# under its id with that column and operation; there is at least one.
reason() {
    got=$(pg_psql -c "SELECT count(*) || '/' || count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM chk.rej r WHERE r.doc->>'table' = 'shop.$1' AND (r.doc->'key'->>'id')::int = o.id
               AND r.doc->>'column' = '$2' AND r.doc->>'operation' = '$3'))
          FROM legacy.orders o JOIN chk.lines l USING (id) WHERE $4" 2>&1) || true
    n=${got%/*}
    if [ "$n" -gt 0 ] 2>/dev/null; then
        is "$got" "$n/$n" "reason: $5 -> shop.$1 column $2, operation $3 ($n lines)"
    else
        is "$got" "at least one line" "reason: $5 (the generator made none)"
    fi
}
reason order_items qty to_int "l.order_ok AND btrim(o.qty) = 'lots'" "qty 'lots'"
reason order_items qty range "l.order_ok AND btrim(o.qty) IN ('0', '-1')" "qty 0 or negative"
reason order_items unit_price to_numeric "l.order_ok AND btrim(o.unit_price) = 'free?'" "price 'free?'"
reason order_items unit_price not_null "l.order_ok AND btrim(o.unit_price) = ''" "price empty"
reason order_items product_id not_null "l.order_ok AND btrim(o.sku) = ''" "sku empty"
reason order_items order_id lookup "NOT l.order_ok" "a line of an unrepairable order (no order to point to)"
reason orders ordered_on parse_date "l.d IS NULL" "order date 'unknown', '2023-13-45', '31/02/2023'"
reason orders customer_id lookup "l.d IS NOT NULL AND o.customer_email LIKE '_%' AND o.customer_email NOT LIKE '%@%'" \
    "e-mail address without '@' (no such customer)"
reason orders customer_id not_null "l.d IS NOT NULL AND coalesce(btrim(o.customer_email), '') = ''" "e-mail address missing"
reason customers email match "o.customer_email LIKE '_%' AND o.customer_email NOT LIKE '%@%'" "e-mail address without '@'"
reason customers email not_null "coalesce(btrim(o.customer_email), '') = ''" "e-mail address missing"
reason customers last_order_on parse_date "l.email IS NOT NULL AND l.d IS NULL" "order date unreadable"
reason products product_id not_null "btrim(o.sku) = ''" "sku empty"
same_rows "SELECT doc->>'table', doc->'key', doc->>'column', doc->>'operation' FROM chk.dry" \
          "SELECT doc->>'table', doc->'key', doc->>'column', doc->>'operation' FROM chk.rej" \
   "the dry run predicted exactly these rejects"

# ---- 8. a second run changes nothing -----------------------------------------------
before=$(pg_psql -c "$SNAPSHOT")
run_pgmap run "$MAP" --rejects "$PG_TMPDIR/run2.jsonl"
is "$STATUS" 1 "second run exits 1 (the same rows are rejected again)"
[ "$STATUS" = 1 ] || diag "$(cat "$OUT" "$ERR")"
LABEL="second run"; FIRST=0; check_report
is "$(pg_psql -c "$SNAPSHOT")" "$before" "second run: every row and row version is as it was"
load_jsonl "$PG_TMPDIR/run2.jsonl" chk.rej2 "second run"
same_rows "SELECT doc FROM chk.rej" "SELECT doc FROM chk.rej2" "second run: the same rejects"

# pgmap verify: dedup tables by keys, the lookups' columns by value, the
# rejects of the run accounted for; no false alarm.
run_pgmap verify "$MAP" --rejects "$PG_TMPDIR/run2.jsonl"
is "$STATUS" 0 "pgmap verify finds no difference"
[ "$STATUS" = 0 ] || diag "$(cat "$OUT" "$ERR")"
is "$(awk '$1 == "shop.order_items" { print $2 }' "$OUT")" "values" "verify: order_items (lookups) compared value by value"
is "$(awk '$1 == "shop.customers" { print $2 }' "$OUT")" "keys" "verify: customers (dedup) compared by keys"

# ---- 9. the old shop goes on: a new order of a known customer who moved ----------
# Two lines appended to the source; a run inserts the order and its lines,
# updates the customer (the new order is the latest) and nothing else.
CUST=$(pg_psql -c "SELECT email FROM shop.customers ORDER BY email LIMIT 1")
pg_psql -d legacy_shop -v email="$CUST" >/dev/null <<'SQL'
INSERT INTO legacy.orders (order_no, line_no, order_date, status, customer_name, customer_email,
                           customer_address, sku, product_name, unit_price, qty)
SELECT 'SO-999999', n, 'January 2, 2031', 'Sent', 'Newname,  Person', ' ' || upper(:'email'),
       '1 New Street , 99999 Newtown', lower(sku),
       (SELECT btrim(product_name) FROM legacy.orders o WHERE o.sku = p.sku ORDER BY id DESC LIMIT 1),
       '1.234,50 EUR', ' 2'
FROM (VALUES (1, 'SK-00001'), (2, 'SK-00002')) AS p (n, sku);
SQL
run_pgmap run "$MAP" --rejects "$PG_TMPDIR/run3.jsonl"
is "$STATUS" 1 "third run exits 1 (the old rejects are still there)"
[ "$STATUS" = 1 ] || diag "$(cat "$OUT" "$ERR")"
got=
for t in $TABLES; do
    # shellcheck disable=SC2046 # the six numbers
    set -- $(report "$t")
    got="$got $t:${2:-?}/${3:-?}"
done
is "$got" " customers:0/1 products:0/0 orders:1/0 order_items:2/0" \
   "third run: the customer updated, the order and its two lines inserted, nothing else written"
is "$(pg_psql -c "SELECT name || '|' || street || '|' || city || '|' || last_order_on FROM shop.customers WHERE email = '$CUST'")" \
   "Person Newname|1 New Street|99999 Newtown|2031-01-02" "third run: the customer's name and address are the new order's"
is "$(pg_psql -c "SELECT o.ordered_on || '|' || o.status || '|' || c.email || '|' ||
                         string_agg(i.line_no || ':' || p.sku || ':' || i.qty || ':' || i.unit_price, ',' ORDER BY i.line_no)
                  FROM shop.orders o JOIN shop.customers c USING (customer_id)
                  JOIN shop.order_items i USING (order_id) JOIN shop.products p USING (product_id)
                  WHERE o.order_no = 'SO-999999' GROUP BY o.ordered_on, o.status, c.email")" \
   "2031-01-02|shipped|$CUST|1:SK-00001:2:1234.50,2:SK-00002:2:1234.50" "third run: the new order with its lines"

done_testing
