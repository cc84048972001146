#!/bin/sh
# tests/integration/harness.sh - the private PostgreSQL cluster of the test
# harness works: starts, answers, enforces the password role, stops cleanly.
set -eu

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pgcluster.sh"

pg_available || skip_all "PostgreSQL server binaries not found (apt-get install postgresql)"

plan 10

pg_start || bail_out "cannot start a private PostgreSQL cluster"
ok "pg_start created a private directory" test -d "$PG_TMPDIR"
ok "server listens on a private Unix socket" test -S "$PGHOST/.s.PGSQL.$PGPORT"
is "$(pg_psql -c 'select 1')" "1" "select 1"
is "$(pg_psql -c 'select current_database() || $$ $$ || current_user')" \
    "pgmap_test postgres" "connected to pgmap_test as postgres"
is "$(pg_psql -c 'show fsync')" "off" "fsync is off"

out=$(PGPASSWORD=wrong-password pg_psql -w -U pgmap_pw -c 'select 1' 2>&1) && st=0 || st=$?
ok "wrong password is rejected" test "$st" -ne 0
like "$out" 'password authentication failed' "the error says why"
is "$(PGPASSWORD=right-password pg_psql -w -U pgmap_pw -c 'select current_user')" \
    "pgmap_pw" "right password is accepted"

dir=$PG_TMPDIR
pid=$(head -n 1 "$PG_DATA/postmaster.pid")
pg_stop
ok "pg_stop removed the private directory" test ! -e "$dir"
# gone: no such process, or a zombie waiting for init to reap it.
gone() {
    n=0
    while [ "$n" -lt 50 ]; do
        kill -0 "$1" 2>/dev/null || return 0
        case $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) in Z*) return 0 ;; esac
        sleep 0.1
        n=$((n + 1))
    done
    return 1
}
ok "the postmaster is gone" gone "$pid"

done_testing
