#!/bin/sh
# tests/integration/chinook.sh - mappings/chinook.yaml end to end: every
# value of the 11 tables equals the bundled Chinook source (PostgreSQL parses
# the source text itself), identity sequences are past the loaded keys, and
# a second run writes nothing, and pgmap verify finds no difference.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
start_cluster sqlite3

DB=$top_srcdir/data/chinook/Chinook_Sqlite.sqlite
MAP=$top_srcdir/mappings/chinook.yaml

# The compiled plan is pinned by a golden file (paths and the server's
# address vary between machines and are left out).  Regenerate with
# PGMAP_REGEN_GOLDEN=1 after a deliberate change, and read the diff.
GOLDEN=$top_srcdir/tests/golden/chinook.explain
run_pgmap explain "$MAP"
is "$STATUS" 0 "pgmap explain exits 0 (the DDL is applied and rolled back)"
sed -e '1d' -e '/^source: /d' -e '/^target: /d' "$OUT" >"$PG_TMPDIR/explain"
[ -z "${PGMAP_REGEN_GOLDEN:-}" ] || cp "$PG_TMPDIR/explain" "$GOLDEN"
is "$(diff "$GOLDEN" "$PG_TMPDIR/explain" && echo same)" "same" "the plan equals tests/golden/chinook.explain"
is "$(pg_psql -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'chinook'")" "0" "explain created nothing"

run_pgmap run "$MAP"
is "$STATUS" 0 "pgmap run mappings/chinook.yaml exits 0"
[ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
is "$(total_of 5)" "0" "nothing rejected"

# TABLE|source columns with casts|target table|target columns
while IFS='|' read -r src scols tgt tcols; do
    [ -n "$src" ] || continue
    src_load "$DB" "$src"
    same_rows "SELECT $scols FROM cmp.\"$src\"" "SELECT $tcols FROM chinook.$tgt" "$tgt: every value equals the source"
done <<'TABLES'
Artist|"ArtistId"::int, "Name"|artist|artist_id, name
Album|"AlbumId"::int, "Title", "ArtistId"::int|album|album_id, title, artist_id
Employee|"EmployeeId"::int, "LastName", "FirstName", "Title", "ReportsTo"::int, "BirthDate"::timestamp, "HireDate"::timestamp, "Address", "City", "State", "Country", "PostalCode", "Phone", "Fax", "Email"|employee|employee_id, last_name, first_name, title, reports_to, birth_date, hire_date, address, city, state, country, postal_code, phone, fax, email
Customer|"CustomerId"::int, "FirstName", "LastName", "Company", "Address", "City", "State", "Country", "PostalCode", "Phone", "Fax", "Email", "SupportRepId"::int|customer|customer_id, first_name, last_name, company, address, city, state, country, postal_code, phone, fax, email, support_rep_id
Genre|"GenreId"::int, "Name"|genre|genre_id, name
MediaType|"MediaTypeId"::int, "Name"|media_type|media_type_id, name
Track|"TrackId"::int, "Name", "AlbumId"::int, "MediaTypeId"::int, "GenreId"::int, "Composer", "Milliseconds"::int, "Bytes"::int, "UnitPrice"::numeric|track|track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price
Invoice|"InvoiceId"::int, "CustomerId"::int, "InvoiceDate"::timestamp, "BillingAddress", "BillingCity", "BillingState", "BillingCountry", "BillingPostalCode", "Total"::numeric|invoice|invoice_id, customer_id, invoice_date, billing_address, billing_city, billing_state, billing_country, billing_postal_code, total
InvoiceLine|"InvoiceLineId"::int, "InvoiceId"::int, "TrackId"::int, "UnitPrice"::numeric, "Quantity"::int|invoice_line|invoice_line_id, invoice_id, track_id, unit_price, quantity
Playlist|"PlaylistId"::int, "Name"|playlist|playlist_id, name
PlaylistTrack|"PlaylistId"::int, "TrackId"::int|playlist_track|playlist_id, track_id
TABLES

# Identity sequences continue after the loaded keys.
for t in artist album employee customer genre media_type track invoice invoice_line playlist; do
    is "$(pg_psql -c "SELECT nextval(pg_get_serial_sequence('chinook.$t', '${t}_id')) > max(${t}_id) FROM chinook.$t")" "t" \
       "$t: the identity sequence is past max(${t}_id)"
done

# Foreign keys hold in the target (they are enforced, so this checks the
# load order: every child row found its parent).
is "$(pg_psql -c "SELECT count(*) FROM pg_constraint WHERE connamespace = 'chinook'::regnamespace AND contype = 'f' AND convalidated")" \
   "$(pg_psql -c "SELECT count(*) FROM pg_constraint WHERE connamespace = 'chinook'::regnamespace AND contype = 'f'")" \
   "every foreign key is validated"

run_pgmap run "$MAP"
is "$STATUS" 0 "second run exits 0"
is "$(total_of 2)/$(total_of 3)/$(total_of 5)" "0/0/0" "second run: 0 inserted, 0 updated, 0 rejected"

# pgmap verify: the schema chinook.ddl implies and every value, no false alarm.
run_pgmap verify "$MAP" --report "$PG_TMPDIR/verify.json"
is "$STATUS" 0 "pgmap verify finds no difference"
[ "$STATUS" = 0 ] || diag "$(cat "$OUT" "$ERR")"
like "$(tail -n 1 "$OUT")" '^verify: everything matches: 11 tables, 15607 rows, every value compared' \
     "verify compared 15607 rows in 11 tables"

done_testing
