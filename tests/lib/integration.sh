# tests/lib/integration.sh - the common start of every integration test
# (sourced): defaults for the variables make check sets, the TAP, cluster
# and comparison helpers, and start_cluster, which skips the whole test
# with a reason when a tool is missing and otherwise starts the private
# PostgreSQL cluster (stopped by a trap whatever happens).
#
#   top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
#   . "$top_srcdir/tests/lib/integration.sh"
#   start_cluster sqlite3          # the commands the test needs besides PostgreSQL

top_builddir=${top_builddir:-$top_srcdir}
PGMAP=${PGMAP:-$top_builddir/pgmap}
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/pgcluster.sh"
. "$top_srcdir/tests/lib/compare.sh"

start_cluster() {
    pg_available || skip_all "PostgreSQL server binaries not found (apt-get install postgresql)"
    for _tool in "$@"; do
        command -v "$_tool" >/dev/null || skip_all "$_tool command not found (apt-get install $_tool)"
    done
    pg_start || bail_out "cannot start a private PostgreSQL cluster"
}
