#!/bin/sh
# tests/integration/sync_rounds.sh - `pgmap sync` on the Chinook story: old
# and new systems side by side.  Migrate with `pgmap init` + `pgmap run`,
# then three rounds of changes to the SQLite source (new invoices with their
# lines, some at exactly the cursor's mark, updated customers, tracks
# deleted with their playlist entries and invoice lines), each followed by
# a sync and a comparison of every value of every table.  Also: the counts
# of each sync, a sync of an unchanged source writes nothing, deletes:
# ignore and deletes: mark, lookback, two concurrent syncs, a sync before
# any run, and the state's record of each sync.
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
. "$top_srcdir/tests/lib/compare_all.sh"
start_cluster sqlite3

DB=$PG_TMPDIR/chinook.db
MAP=$PG_TMPDIR/chinook.yaml
cp "$top_srcdir/data/chinook/Chinook_Sqlite.sqlite" "$DB"
chmod u+w "$DB"

run_pgmap init "$DB" -o "$MAP" --schema ch -q
is "$STATUS" 0 "init writes the mapping"
# Invoice gets a cursor; the other tables are compared by checksums
sed -i 's/^  Invoice:   # 412 rows$/&\n    cursor: InvoiceDate/' "$MAP"
like "$(cat "$MAP")" 'Invoice:   # 412 rows
    cursor: InvoiceDate' "the mapping has a cursor on Invoice"

run_pgmap sync "$MAP"
is "$STATUS" 2 "sync before any run: exit 2"
like "$(cat "$ERR")" 'has never been loaded into this target: run `pgmap run .*` first' "sync before any run says so"

run_pgmap run "$MAP" -q
is "$STATUS" 0 "the first run loads Chinook"
[ "$STATUS" = 0 ] || diag "$(cat "$ERR")"

# sum of a column of the sync report's total line (1 read 2 inserted 3 updated 4 deleted 5 unchanged 6 rejected)
sync_total() { awk -v c="$1" '$1 == "total" { print $(c + 1) }' "$OUT"; }
sync_row() { awk -v t="ch.$1" '$1 == t { print $3 "/" $4 "/" $5 }' "$OUT"; }

run_pgmap sync "$MAP"
is "$STATUS" 0 "sync of an unchanged source: exit 0"
is "$(sync_total 2)/$(sync_total 3)/$(sync_total 4)" "0/0/0" "unchanged source: nothing inserted, updated or deleted"
is "$(sync_total 5)" "15607" "every row counted unchanged"
is "$(pg_psql -c "SELECT mark FROM pgmap.cursors WHERE table_name = 'ch.Invoice'")" \
    "$(sqlite3 "$DB" "SELECT max(InvoiceDate) FROM Invoice")" \
    "the first sync records the cursor's mark (the largest InvoiceDate)"

max_id() { sqlite3 "$DB" "SELECT max($2) FROM $1"; }

# One round of changes.  $1 = round number.
change_source() {
    r=$1
    inv=$(( $(max_id Invoice InvoiceId) + 1 ))
    line=$(( $(max_id InvoiceLine InvoiceLineId) + 1 ))
    mark=$(sqlite3 "$DB" "SELECT max(InvoiceDate) FROM Invoice")
    # two invoices: one at exactly the mark (a boundary tie), one later
    sqlite3 "$DB" <<SQL
INSERT INTO Invoice VALUES ($inv, $r, '$mark', 'Tie street $r', 'Oslo', NULL, 'Norway', '0$r', 1.98);
INSERT INTO Invoice VALUES ($((inv + 1)), $((r + 1)), datetime('$mark', '+$r days'), 'Later $r', 'Bergen', NULL, 'Norway', NULL, 2.97);
INSERT INTO InvoiceLine VALUES ($line, $inv, $((100 + r)), 0.99, 2), ($((line + 1)), $((inv + 1)), $((200 + r)), 0.99, 3);
UPDATE Customer SET City = 'City of round $r', Email = 'round$r.' || Email WHERE CustomerId IN ($r, $((r + 10)));
DELETE FROM PlaylistTrack WHERE TrackId IN ($((r * 7)), $((r * 7 + 1)));
DELETE FROM InvoiceLine WHERE TrackId IN ($((r * 7)), $((r * 7 + 1)));
DELETE FROM Track WHERE TrackId IN ($((r * 7)), $((r * 7 + 1)));
SQL
}

for round in 1 2 3; do
    before_lines=$(sqlite3 "$DB" "SELECT count(*) FROM InvoiceLine")
    gone_lines=$(sqlite3 "$DB" "SELECT count(*) FROM InvoiceLine WHERE TrackId IN ($((round * 7)), $((round * 7 + 1)))")
    gone_pt=$(sqlite3 "$DB" "SELECT count(*) FROM PlaylistTrack WHERE TrackId IN ($((round * 7)), $((round * 7 + 1)))")
    change_source "$round"
    run_pgmap sync "$MAP"
    is "$STATUS" 0 "round $round: sync exits 0"
    [ "$STATUS" = 0 ] || diag "$(cat "$ERR")"
    is "$(sync_row Invoice)" "2/0/0" "round $round: 2 invoices inserted (one a tie at the mark), none updated or deleted"
    is "$(sync_row Customer)" "0/2/0" "round $round: 2 customers updated"
    is "$(sync_row Track)" "0/0/2" "round $round: 2 tracks deleted"
    is "$(sync_row PlaylistTrack)" "0/0/$gone_pt" "round $round: their $gone_pt playlist entries deleted"
    is "$(sync_row InvoiceLine)" "2/0/$gone_lines" "round $round: 2 invoice lines inserted, their $gone_lines deleted"
    compare_database "$DB" ch
    run_pgmap sync "$MAP"
    is "$(sync_total 2)/$(sync_total 3)/$(sync_total 4)" "0/0/0" "round $round: a second sync changes nothing"
done

is "$(pg_psql -c "SELECT count(*) || ' ' || string_agg(DISTINCT status, ',') FROM pgmap.runs WHERE command = 'sync'")" \
    "7 done" "every sync is a run in the state, with status done"
like "$(pg_psql -c "SELECT inserted || '/' || updated || '/' || deleted FROM pgmap.runs WHERE command = 'sync' ORDER BY run_id OFFSET 1 LIMIT 1")" \
    '^[1-9][0-9]*/2/[1-9][0-9]*$' "the state keeps each sync's inserted/updated/deleted counts"
run_pgmap status "$MAP"
like "$(cat "$OUT")" 'ch.Invoice +InvoiceDate +[0-9-]+ ' "status shows the cursor's mark"

# A row the cursor does not see (its InvoiceDate is older than the mark)
# is still found: the keys of a cursor table are compared for deletes and
# missed inserts.
inv=$(( $(max_id Invoice InvoiceId) + 1 ))
sqlite3 "$DB" "INSERT INTO Invoice VALUES ($inv, 5, '2001-01-01 00:00:00', 'Old', 'Rome', NULL, 'Italy', NULL, 0.5);
               DELETE FROM Invoice WHERE InvoiceId = 1 AND NOT EXISTS (SELECT 1 FROM InvoiceLine WHERE InvoiceId = 1)"
sqlite3 "$DB" "DELETE FROM InvoiceLine WHERE InvoiceId = 2; DELETE FROM Invoice WHERE InvoiceId = 2"
run_pgmap sync "$MAP"
is "$STATUS" 0 "an old-dated insert and a delete on the cursor table: exit 0"
is "$(sync_row Invoice)" "1/0/1" "the cursor table: the old-dated row inserted, the deleted one deleted"
compare_database "$DB" ch

# deletes: ignore keeps target rows the source lost; deletes: mark marks them
pg_psql -c "ALTER TABLE ch.\"Genre\" ADD COLUMN gone_at timestamptz" >/dev/null
sed -i 's/^  Genre:   # 25 rows$/&\n    deletes: mark\n    mark_column: gone_at/' "$MAP"
sed -i 's/^  MediaType:   # 5 rows$/&\n    deletes: ignore/' "$MAP"
sqlite3 "$DB" "INSERT INTO Genre VALUES (26, 'Polka'), (27, 'Yodel'); INSERT INTO MediaType VALUES (6, 'Wax cylinder')"
run_pgmap sync "$MAP" -q
is "$STATUS" 0 "sync after adding genres and a media type"
sqlite3 "$DB" "DELETE FROM Genre WHERE GenreId = 26; DELETE FROM MediaType WHERE MediaTypeId = 6"
run_pgmap sync "$MAP"
is "$(sync_row Genre)" "0/0/1" "deletes: mark counts the marked row as deleted"
is "$(pg_psql -c "SELECT \"GenreId\" FROM ch.\"Genre\" WHERE gone_at IS NOT NULL")" "26" "deletes: mark sets the mark column"
is "$(pg_psql -c "SELECT count(*) FROM ch.\"MediaType\" WHERE \"MediaTypeId\" = 6")" "1" "deletes: ignore keeps the row"
run_pgmap sync "$MAP"
is "$(sync_total 2)/$(sync_total 3)/$(sync_total 4)" "0/0/0" "marked and ignored rows do not show up as changes again"
sqlite3 "$DB" "INSERT INTO Genre VALUES (26, 'Polka again')"
run_pgmap sync "$MAP"
is "$(pg_psql -c "SELECT \"Name\" || '/' || (gone_at IS NULL) FROM ch.\"Genre\" WHERE \"GenreId\" = 26")" "Polka again/true" \
    "a marked row that comes back is updated and unmarked"

# lookback: the cursor reads from the mark less the lookback
sed -i 's/^    cursor: InvoiceDate$/&\n    lookback: 400 days/' "$MAP"
run_pgmap sync "$MAP" -v
is "$STATUS" 0 "sync with a lookback"
read_inv=$(awk '$1 == "ch.Invoice" { print $2 }' "$OUT")
expect=$(sqlite3 "$DB" "SELECT count(*) FROM Invoice WHERE InvoiceDate >= datetime((SELECT max(InvoiceDate) FROM Invoice), '-400 days')")
is "$read_inv" "$expect" "with lookback: 400 days the cursor reads exactly the rows of the last 400 days"

# two concurrent syncs: the second exits 75 with a clear message
pg_psql -c "SELECT pg_advisory_lock(1885826401, hashtext('chinook'))" -c "SELECT pg_sleep(4)" >/dev/null 2>&1 &
holder=$!
sleep 1
run_pgmap sync "$MAP"
is "$STATUS" 75 "a sync while another session holds the mapping's lock: exit 75"
like "$(cat "$ERR")" 'another pgmap run or sync of mapping "chinook" is in progress' "and says so"
wait "$holder" || true
# two real syncs at once: one of them waits for nothing and fails fast
for n in 1 2; do
    ( rc=0; "$PGMAP" sync "$MAP" >"$PG_TMPDIR/s$n.out" 2>&1 || rc=$?; echo "$rc" >"$PG_TMPDIR/s$n.rc" ) &
done
wait
codes=$(sort "$PG_TMPDIR/s1.rc" "$PG_TMPDIR/s2.rc" | tr '\n' ' ')
case "$codes" in "0 75 "|"0 0 ") both=0 ;; *) both=1 ;; esac
ok "two syncs at once: one exits 75, or they ran one after the other (exit codes: $codes)" "$both"
compare_database "$DB" ch Genre.* MediaType.*

# mapping errors that only sync meets name the file, line and column
BAD=$PG_TMPDIR/bad.yaml
sed 's/^  Artist:   # 275 rows$/&\n    deletes: mark\n    mark_column: no_such_column/' "$MAP" >"$BAD"
sed -i 's/^name: .*//' "$BAD"; printf 'name: chinook\n' >>"$BAD"
run_pgmap sync "$BAD"
is "$STATUS" 2 "a mark_column the target lacks: exit 2"
like "$(cat "$ERR")" "^pgmap: error: $BAD:[0-9]+:[0-9]+: ch.Artist: mark_column no_such_column does not exist" \
    "the error names the mapping's file:line:col"
sed 's/^  Album:   # 347 rows$/&\n    mode: insert/' "$MAP" >"$BAD"
printf 'name: chinook\n' >>"$BAD"
run_pgmap sync "$BAD"
is "$STATUS" 2 "a keyed table in mode insert: exit 2"
like "$(cat "$ERR")" "^pgmap: error: $BAD:[0-9]+:[0-9]+: ch.Album: sync needs a key and mode upsert or ignore" \
    "the refusal names the mode's file:line:col"
is "$(pg_psql -c "SELECT count(*) FROM pgmap.runs WHERE command = 'sync' AND status = 'running'")" "0" \
    "a refused sync leaves no run behind (one transaction)"

done_testing
