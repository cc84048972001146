#!/bin/sh
# tests/integration/resume_refuse.sh - when a run that died may not be
# resumed, and the rest of the state around it:
#  - a changed column operation, a changed source shape: the next run
#    refuses (exit 2, "cannot resume run N", the table and what changed,
#    the --restart hint) and changes nothing; `--restart` abandons the run,
#    drops the tables its ddl file made and loads everything again;
#  - a changed batch size is no change: the run resumes;
#  - a run that fails with its connection alive is recorded failed and
#    resumed by the next run;
#  - the state schema's version: a newer one is refused, a version-1 one
#    (tests/fixtures/state_v1.sql) is upgraded to 2;
#  - the mapping's lock: run and sync exit 75 while another session holds
#    it; status still works; the lock is per mapping name (name:, else the
#    file's stem).
# The source, mapping and target are resume_kill.sh's (tests/fixtures/resume.*).
set -eu
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/integration.sh"
. "$top_srcdir/tests/lib/compare_all.sh"
start_cluster sqlite3 mkfifo md5sum

FIX=$top_srcdir/tests/fixtures
W=$PG_TMPDIR/w
mkdir -p "$W"
DB=$W/resume.db
DB2=$W/reshaped.db          # the source with a column more in events
MAP=$W/resume.yaml
REJ=$W/rejects.jsonl
FIFO=$W/progress
NAME=resume_kill
sqlite3 "$DB" <"$FIX/resume.sql"
cp "$DB" "$DB2"
sqlite3 "$DB2" "ALTER TABLE events ADD COLUMN extra TEXT"
cp "$FIX/resume.yaml" "$FIX/resume.ddl" "$W/"

src() {
    sqlite3 -batch -init /dev/null "$DB" "$@"
}
WANT_COUNTS=$(src "SELECT 'accounts=' || (SELECT count(*) FROM accounts WHERE name IS NOT NULL)
    || ' products=' || (SELECT count(*) FROM products)
    || ' stock=' || (SELECT count(*) FROM stock WHERE qty IS NULL OR qty >= 0)
    || ' events=' || (SELECT count(*) FROM events WHERE kind IS NOT NULL)
    || ' digest=' || (SELECT count(*) FROM digest)")
ACCOUNTS_OK=$(src "SELECT count(*) FROM accounts WHERE name IS NOT NULL")
WANT_REJECTS=$(src "SELECT (SELECT count(*) FROM accounts WHERE name IS NULL) + (SELECT count(*) FROM stock WHERE qty < 0)
    + (SELECT count(*) FROM events WHERE kind IS NULL)")

fresh() {
    pg_psql -c "DROP SCHEMA IF EXISTS acct CASCADE" -c "DROP SCHEMA IF EXISTS shop CASCADE" \
        -c "DROP SCHEMA IF EXISTS pgmap CASCADE" -f "$FIX/resume_target.sql" >/dev/null
    rm -f "$REJ"
    cp "$FIX/resume.yaml" "$MAP"
}

# mapping_with TABLE LINE...: the fixture's mapping with LINEs added under
# the entry of TABLE.
mapping_with() {
    _mt=$1
    shift
    printf '%s\n' "$@" >"$W/add"
    awk -v t="$_mt" -v add="$W/add" '
        { print }
        index($0, "  " t ":") == 1 { while ((getline l < add) > 0) print l; close(add) }' \
        "$FIX/resume.yaml" >"$MAP"
}

target_rows() {
    pg_psql -c "SELECT string_agg(split_part(t, '.', 2) || '=' || coalesce(rows_of(t)::text, '-'), ' ' ORDER BY o)
                FROM unnest(string_to_array('acct.accounts shop.products shop.stock acct.events acct.digest', ' '))
                     WITH ORDINALITY AS u(t, o)"
}
pg_psql -f "$top_srcdir/tests/lib/rows_of.sql" >/dev/null

run_statuses() {
    pg_psql -c "SELECT string_agg(status, ',' ORDER BY run_id) FROM pgmap.runs WHERE mapping = '$NAME'"
}
unfinished() {
    pg_psql -c "SELECT unfinished_run FROM pgmap.mappings WHERE mapping = '$NAME'"
}
# the rows, the state and the rejects file, to show that a refused run changed nothing
snapshot() {
    printf '%s|%s|%s|%s\n' "$(target_rows)" "$(run_statuses)" "$(unfinished)" \
        "$(md5sum <"$REJ" 2>/dev/null || echo none)"
}

backend_gone() {
    _bg=0
    while [ "$(pg_psql -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgmap'")" != 0 ]; do
        _bg=$((_bg + 1))
        [ "$_bg" -lt 600 ] || return 0
        sleep 0.1
    done
}

# kill_after N [OPTION...]: `pgmap run -v --batch 500`, SIGKILLed after its
# N-th progress line (stderr read through a FIFO as it comes).
kill_after() {
    _n=$1
    shift
    rm -f "$FIFO"
    mkfifo "$FIFO"
    ${PGMAP_WRAPPER:-} "$PGMAP" run -v --batch 500 "$MAP" --source "$DB" --rejects "$REJ" "$@" \
        >"$W/killed.out" 2>"$FIFO" &
    _pid=$!
    _lines=0
    while IFS= read -r _l; do
        case $_l in
        *" rows read, "*" rejected")
            _lines=$((_lines + 1))
            [ "$_lines" -ne "$_n" ] || kill -9 "$_pid" 2>/dev/null || true
            ;;
        esac
    done <"$FIFO"
    STATUS=0
    wait "$_pid" || STATUS=$?
    backend_gone
}

# pgmap_run [OPTION...]: pgmap run on the copied mapping.
pgmap_run() {
    run_pgmap run "$MAP" --source "$DB" --rejects "$REJ" "$@"
}

# verify LABEL: the target is exactly the source.
# shellcheck disable=SC2034 # CMP_SRC_WHERE is read by compare_all.sh
verify() {
    _vl=$1
    CMP_SRC_WHERE="name IS NOT NULL"
    compare_table "$DB" accounts acct accounts
    CMP_SRC_WHERE=
    compare_table "$DB" products shop products
    CMP_SRC_WHERE="qty IS NULL OR qty >= 0"
    compare_table "$DB" stock shop stock
    CMP_SRC_WHERE="kind IS NOT NULL"
    compare_table "$DB" events acct events
    CMP_SRC_WHERE=
    compare_table "$DB" digest acct digest
    is "$(target_rows)" "$WANT_COUNTS" "$_vl: row counts equal the source's"
    is "$(sed 's/,"column":.*//' "$REJ" | sort | uniq -d | wc -l | tr -d ' ')/$(wc -l <"$REJ" | tr -d ' ')" \
        "0/$WANT_REJECTS" "$_vl: each of the $WANT_REJECTS rejected rows once in the rejects file"
    is "$(pg_psql -c "SELECT string_agg(conname, ' ' ORDER BY conname) FROM pg_constraint
                      WHERE connamespace = 'shop'::regnamespace")" \
        "products_pkey stock_pkey stock_qty_check stock_sku_fkey" "$_vl: the after part ran"
}

# ---- 1. a changed mapping or source: refused; a changed batch size: resumed ----
fresh
kill_after 6
is "$STATUS" 137 "a run killed after its 6th batch (in acct.accounts)"
RUN1=$(unfinished)
ok "the killed run is unfinished in the state" test -n "$RUN1"
diag "killed in acct.accounts: $(target_rows)"
BEFORE=$(snapshot)

mapping_with accounts "    columns:" "      email: {ops: [trim]}"
pgmap_run
is "$STATUS" 2 "an operation added to acct.accounts.email: the run refuses (exit 2)"
like "$(cat "$ERR")" "^pgmap: error: cannot resume run $RUN1: the mapping of acct\.accounts changed \(its source statement, columns, operations, types, key or mode\)" \
    "the error names the run, the table and what changed"
like "$(cat "$ERR")" "to start over, run \`pgmap run --restart $MAP\`" "it suggests --restart"
is "$(grep -c -E 'shop\.|acct\.(events|digest)' "$ERR" || true)" "0" "no other table is named"
is "$(snapshot)" "$BEFORE" "the refused run changed nothing (rows, runs, state, rejects file)"

run_pgmap explain "$MAP" --source "$DB"
like "$(cat "$OUT")" 'email +text +<- email \| trim' "(the changed mapping compiles: explain shows the new operation)"

cp "$FIX/resume.yaml" "$MAP"
pgmap_run --source "$DB2"
is "$STATUS" 2 "a column added to the source table events: the run refuses (exit 2)"
like "$(cat "$ERR")" "^pgmap: error: cannot resume run $RUN1: the source of acct\.events changed shape \(was: at TEXT, kind TEXT, account_id INTEGER, payload TEXT; now: at TEXT, kind TEXT, account_id INTEGER, payload TEXT, extra TEXT\)" \
    "the error names the table and its shape before and now"
is "$(snapshot)" "$BEFORE" "the refused run changed nothing"

mapping_with accounts "    columns:" "      email: {ops: [trim]}"
pgmap_run --source "$DB2"
is "$STATUS" 2 "both changes: refused"
like "$(cat "$ERR")" "cannot resume run $RUN1: the mapping of acct\.accounts changed [^;]*; the source of acct\.events changed shape" \
    "both changes are named, one clause each"

mapping_with stock "    mode: upsert" "    key: [sku, warehouse]"
pgmap_run
is "$STATUS" 2 "a mode and key given to shop.stock: refused"
like "$(cat "$ERR")" "cannot resume run $RUN1: the mapping of shop\.stock changed" "the error names shop.stock"

mapping_with digest "    batch: 7"
sed -i 's/WHERE id % 8 = 0/WHERE id % 8 = 0 AND id > 0/' "$MAP"
pgmap_run
is "$STATUS" 2 "the query of acct.digest changed: refused"
like "$(cat "$ERR")" "cannot resume run $RUN1: the mapping of acct\.digest changed" "the error names acct.digest"
is "$(snapshot)" "$BEFORE" "none of the refused runs changed anything"

# only batch sizes differ: the same rows, the run resumes
COMMITTED=$(pg_psql -c "SELECT inserted FROM pgmap.checkpoints WHERE table_name = 'acct.accounts'")
mapping_with accounts "    batch: 300"
run_pgmap run "$MAP" --source "$DB" --rejects "$REJ" -v
is "$STATUS" 1 "batch: 300 on accounts (no --batch): the run resumes and ends (exit 1, rejects)"
[ "$STATUS" = 1 ] || sed 's/^/#     /' "$ERR"
like "$(head -n 1 "$OUT")" "^resuming run $RUN1 of $NAME$" "it says which run it resumes"
like "$(cat "$OUT")" 'acct.accounts: resumed after the last committed batch of an earlier run' "accounts continues after its last batch"
is "$(grep -c '^pgmap: acct\.accounts: ' "$ERR" || true)" "$(((ACCOUNTS_OK - COMMITTED) / 300))" \
    "the rest of accounts ($((ACCOUNTS_OK - COMMITTED)) rows to load) goes in batches of 300"
verify "batch changed, resumed"
is "$(run_statuses)" "interrupted,warnings" "state: the killed run, then the one that finished"

# ---- 2. --restart: the unfinished run abandoned, its tables dropped, all loaded again ----
fresh
kill_after 24
is "$STATUS" 137 "a run killed after 24 batches (in shop.stock)"
RUN1=$(unfinished)
diag "killed: $(target_rows)"
mapping_with stock "    columns:" "      note: {ops: [trim]}"
pgmap_run
is "$STATUS" 2 "an operation added to shop.stock.note: refused"
like "$(cat "$ERR")" "cannot resume run $RUN1: the mapping of shop\.stock changed" "the error names shop.stock"
pgmap_run --restart
is "$STATUS" 1 "--restart: the run starts over and ends (exit 1, rejects)"
[ "$STATUS" = 1 ] || sed 's/^/#     /' "$ERR"
like "$(cat "$ERR")" "^pgmap: run $RUN1 abandoned \(--restart\), the tables it created dropped; starting over" \
    "it says the run was abandoned and its tables dropped"
is "$(grep -c '^resuming' "$OUT" || true)" "0" "nothing is resumed"
verify "restarted"
is "$(run_statuses)" "abandoned,warnings" "state: the abandoned run, then the one that finished"
run_pgmap status "$MAP"
like "$(cat "$OUT")" "^  $RUN1 +run +abandoned " "pgmap status shows the abandoned run"

# --restart with no unfinished run is a plain run
pgmap_run --restart -q
is "$STATUS" 1 "--restart without an unfinished run: a plain run (exit 1: the same rows rejected again)"
like "$(run_statuses)" "^abandoned,warnings,(done|warnings)$" "state: one more run"
diag "(a second run of the mode insert tables appends; the target is not compared again)"

# ---- 3. a run that fails with its connection alive: recorded failed, then resumed ----
fresh
run_pgmap run "$MAP" --source "$DB" --rejects "$W/no such directory/rejects.jsonl" --batch 500
is "$STATUS" 2 "the rejects file cannot be written: the run fails (exit 2)"
like "$(cat "$ERR")" "^pgmap: error: .*rejects file $W/no such directory/rejects.jsonl: No such file or directory" \
    "it says why"
RUN1=$(unfinished)
is "$(run_statuses)" "failed" "state: the run is recorded as failed"
run_pgmap status "$MAP"
like "$(cat "$OUT")" "^  $RUN1 +run +failed .*rejects file" "pgmap status shows the failed run and its message"
like "$(cat "$OUT")" "^mapping $NAME: run $RUN1 is unfinished" "pgmap status: it is unfinished"
pgmap_run
is "$STATUS" 1 "the next run resumes it and ends (exit 1, rejects)"
like "$(head -n 1 "$OUT")" "^resuming run $RUN1 of $NAME$" "it says which run it resumes"
is "$(target_rows)" "$WANT_COUNTS" "the load is complete"
is "$(run_statuses)" "failed,warnings" "state: the failed run, then the one that finished"

# ---- 4. the state schema's version ----
pg_psql -c "UPDATE pgmap.version SET version = 99"
BEFORE=$(snapshot)
pgmap_run
is "$STATUS" 2 "state version 99: the run refuses (exit 2)"
like "$(cat "$ERR")" "^pgmap: error: the pgmap state schema in the target has version 99, written by a newer pgmap; this pgmap knows versions up to 2" \
    "the error says the state is from a newer pgmap"
is "$(snapshot)" "$BEFORE" "nothing was written"
run_pgmap sync "$MAP" --source "$DB"
is "$STATUS" 2 "sync refuses it too"
like "$(cat "$ERR")" "written by a newer pgmap" "sync says why"

fresh
pg_psql -f "$FIX/state_v1.sql" >/dev/null
pg_psql -c "INSERT INTO pgmap.runs (mapping, command, fingerprint, status, ended_at, rows_read, inserted)
            VALUES ('$NAME', 'run', 'from pgmap with state version 1', 'done', clock_timestamp(), 5, 5)" >/dev/null
run_pgmap status "$MAP"
diag "pgmap status on a version-1 state: $(head -n 1 "$OUT")"
pgmap_run
is "$STATUS" 1 "a version-1 state: the run upgrades it and loads (exit 1, rejects)"
[ "$STATUS" = 1 ] || sed 's/^/#     /' "$ERR"
is "$(pg_psql -c "SELECT string_agg(version::text, ',') FROM pgmap.version")" "2" "pgmap.version holds 2 (one row)"
is "$(pg_psql -c "SELECT to_regclass('pgmap.cursors') IS NOT NULL AND to_regclass('pgmap.run_tables') IS NOT NULL")" "t" \
    "pgmap.cursors and pgmap.run_tables exist"
is "$(pg_psql -c "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'pgmap'
                  AND column_name = 'deleted' AND table_name IN ('runs', 'checkpoints')")" "2" \
    "runs and checkpoints have the deleted column"
is "$(run_statuses)" "done,warnings" "the run of the old pgmap is kept, the new run follows it"
is "$(target_rows)" "$WANT_COUNTS" "the load is complete"
run_pgmap status "$MAP"
like "$(cat "$OUT")" "^  1 +run +done .*5 +5 " "pgmap status shows the run recorded before the upgrade"

# ---- 5. the mapping's lock ----
# another session holds the mapping's advisory lock (the key run and sync take)
PGAPPNAME=locker pg_psql -c "SELECT pg_advisory_lock(1885826401, hashtext('$NAME'))" -c "SELECT pg_sleep(120)" \
    >/dev/null 2>&1 &
LOCKER=$!
n=0
while [ "$(pg_psql -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1885826401
                      AND objsubid = 2 AND granted")" = 0 ] && [ "$n" -lt 300 ]; do
    sleep 0.1
    n=$((n + 1))
done
BEFORE=$(snapshot)
pgmap_run
is "$STATUS" 75 "the lock is held elsewhere: pgmap run exits 75"
like "$(cat "$ERR")" "^pgmap: error: another pgmap run or sync of mapping \"$NAME\" is in progress \(server pid [0-9]+, locker, connected [0-9]" \
    "it says which session holds the lock"
pgmap_run --restart
is "$STATUS" 75 "pgmap run --restart exits 75 too"
run_pgmap sync "$MAP" --source "$DB"
is "$STATUS" 75 "pgmap sync exits 75"
like "$(cat "$ERR")" "another pgmap run or sync of mapping \"$NAME\" is in progress" "sync says why"
is "$(snapshot)" "$BEFORE" "nothing was written"
run_pgmap status "$MAP"
is "$STATUS" 0 "pgmap status works while the lock is held"
like "$(cat "$OUT")" "^runs \(newest first\):" "status prints the run history"
like "$(cat "$OUT")" "^  [0-9]+ +run +warnings " "status: the finished run"
# the lock is per mapping name: the same file under another stem, without name:
grep -v '^name:' "$MAP" >"$W/other_stem.yaml"
run_pgmap status "$W/other_stem.yaml"
like "$(cat "$OUT")" "^mapping other_stem: no run recorded in this target" "without name:, the mapping is named by its file's stem"
run_pgmap sync "$W/other_stem.yaml" --source "$DB"
ok "a mapping of another name is not locked (sync does not exit 75: $STATUS)" test "$STATUS" -ne 75
pg_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'locker'" >/dev/null
wait "$LOCKER" || true

done_testing
