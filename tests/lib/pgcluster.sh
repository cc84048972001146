# tests/lib/pgcluster.sh - a private, throwaway PostgreSQL cluster for tests.
#
# Sourced (not run) by the integration tests and scripts/demo:
#
#   . "$top_srcdir/tests/lib/pgcluster.sh"
#   pg_available || skip_all "PostgreSQL server not installed"
#   pg_start || bail_out "cannot start PostgreSQL"
#   pg_psql -c 'select 1'
#   pg_stop                      # optional: an EXIT/INT/TERM trap always does it
#
# pg_start runs initdb into a fresh mktemp -d directory, starts the server on a
# Unix socket only (no TCP), creates the database pgmap_test and the role
# pgmap_pw (password 'right-password', the only role that must authenticate,
# with scram-sha-256; everyone else is trusted), and exports PGHOST, PGPORT,
# PGUSER=postgres and PGDATABASE=pgmap_test.  PG_LOG names the server log.
#
# initdb and postgres refuse to run as root: when run as root the server is
# run as the "postgres" system user (created if missing) and the private
# directory is handed over to it.
#
# To clean up your own files too, use pg_on_exit 'rm -rf "$mytmp"' rather
# than replacing the EXIT trap.
#
# The cluster is tuned for tests: fsync, synchronous_commit and
# full_page_writes are off.  Two opt-ins, read by pg_start, for callers that
# must measure a realistic server (bench/run):
#   PGCLUSTER_DURABLE=1       leaves those three at PostgreSQL's defaults (on)
#   PGCLUSTER_EXTRA_CONF=TEXT lines appended to postgresql.conf after ours

PG_TMPDIR=
PG_DATA=
PG_LOG=
PG_BINDIR=
PG_RUNAS=
_PG_CLEANUP=

_pg_say() {
    printf 'pgcluster: %s\n' "$*" >&2
}

# _pg_find_bindir: print the directory holding initdb/pg_ctl/postgres.
_pg_find_bindir() {
    if [ -n "${PGMAP_PG_BINDIR:-}" ] && [ -x "$PGMAP_PG_BINDIR/initdb" ]; then
        printf '%s\n' "$PGMAP_PG_BINDIR"
        return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        _pg_d=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$_pg_d" ] && [ -x "$_pg_d/initdb" ] && [ -x "$_pg_d/pg_ctl" ]; then
            printf '%s\n' "$_pg_d"
            return 0
        fi
    fi
    # Debian keeps the server binaries out of PATH; take the newest version.
    _pg_d=$(for _pg_x in /usr/lib/postgresql/*/bin/initdb; do
                [ -x "$_pg_x" ] && dirname "$_pg_x"
            done | sort -t/ -k5,5V | tail -n 1)
    if [ -n "$_pg_d" ]; then
        printf '%s\n' "$_pg_d"
        return 0
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

# pg_available: true when a server can be started here.
pg_available() {
    _pg_find_bindir >/dev/null 2>&1 && command -v psql >/dev/null 2>&1
}

# _pg_q ARG: print ARG quoted for sh.
_pg_q() {
    printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# _pg_run CMD [ARG...]: run a server command as the cluster owner.
_pg_run() {
    if [ -z "$PG_RUNAS" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$PG_TMPDIR" && runuser -u "$PG_RUNAS" -- "$@")
    else
        _pg_cmd=
        for _pg_a in "$@"; do
            _pg_cmd="$_pg_cmd $(_pg_q "$_pg_a")"
        done
        (cd "$PG_TMPDIR" && su "$PG_RUNAS" -s /bin/sh -c "$_pg_cmd")
    fi
}

_pg_ensure_user() {
    id "$PG_RUNAS" >/dev/null 2>&1 && return 0
    _pg_say "creating system user $PG_RUNAS"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$PG_RUNAS" >/dev/null 2>&1 || true
    # A parallel test may have created it in the meantime.
    id "$PG_RUNAS" >/dev/null 2>&1
}

# pg_on_exit CMD: also eval CMD when the cluster is torn down at exit.
pg_on_exit() {
    _PG_CLEANUP="$_PG_CLEANUP
$1"
}

_pg_exit_trap() {
    _pg_status=$?
    set +e
    if [ -n "$_PG_CLEANUP" ]; then
        eval "$_PG_CLEANUP"
    fi
    pg_stop
    exit "$_pg_status"
}

_pg_signal_trap() {
    trap - EXIT
    set +e
    if [ -n "$_PG_CLEANUP" ]; then
        eval "$_PG_CLEANUP"
    fi
    pg_stop
    exit "$1"
}

pg_start() {
    if [ -n "$PG_TMPDIR" ]; then
        _pg_say "a cluster is already running in $PG_TMPDIR"
        return 1
    fi
    if ! PG_BINDIR=$(_pg_find_bindir); then
        _pg_say "PostgreSQL server binaries not found (Debian: apt-get install postgresql)"
        return 1
    fi

    _pg_base=${TMPDIR:-/tmp}
    PG_RUNAS=
    if [ "$(id -u)" -eq 0 ]; then
        PG_RUNAS=postgres
        if ! _pg_ensure_user; then
            _pg_say "cannot create the postgres system user"
            PG_RUNAS=
            return 1
        fi
        # The server user must be able to reach the directory.
        _pg_base=/tmp
    fi
    # The socket path has a ~107 byte limit.
    if [ "${#_pg_base}" -gt 60 ]; then
        _pg_base=/tmp
    fi

    trap '_pg_exit_trap' EXIT
    trap '_pg_signal_trap 129' HUP
    trap '_pg_signal_trap 130' INT
    trap '_pg_signal_trap 143' TERM

    PG_TMPDIR=$(mktemp -d "$_pg_base/pgmap-pg.XXXXXX") || {
        PG_TMPDIR=
        _pg_say "mktemp failed"
        return 1
    }
    PG_DATA=$PG_TMPDIR/data
    PG_LOG=$PG_TMPDIR/server.log
    _pg_sock=$PG_TMPDIR/sock
    # Ports 20000..59999 from our pid: parallel tests get different ones.
    _pg_port=$((20000 + $$ % 40000))

    mkdir "$_pg_sock"
    chmod 755 "$PG_TMPDIR" "$_pg_sock"
    if [ -n "$PG_RUNAS" ]; then
        chown "$PG_RUNAS:" "$PG_TMPDIR" "$_pg_sock"
    fi

    if ! _pg_run "$PG_BINDIR/initdb" -D "$PG_DATA" -A trust --nosync \
            -U postgres -E UTF8 --locale=C >"$PG_TMPDIR/initdb.log" 2>&1; then
        _pg_say "initdb failed:"
        sed 's/^/    /' "$PG_TMPDIR/initdb.log" >&2
        pg_stop
        return 1
    fi

    {
        printf '\n# pgmap test cluster\n'
        if [ "${PGCLUSTER_DURABLE:-}" != 1 ]; then
            printf '%s\n' 'fsync = off' 'synchronous_commit = off' \
                'full_page_writes = off'
        fi
        cat <<EOF
listen_addresses = ''
unix_socket_directories = '$_pg_sock'
port = $_pg_port
max_connections = 40
EOF
        if [ -n "${PGCLUSTER_EXTRA_CONF:-}" ]; then
            printf '%s\n' "$PGCLUSTER_EXTRA_CONF"
        fi
    } >>"$PG_DATA/postgresql.conf"
    cat >"$PG_DATA/pg_hba.conf" <<EOF
# TYPE  DATABASE  USER      METHOD
local   all       pgmap_pw  scram-sha-256
local   all       all       trust
EOF

    if ! _pg_run "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 \
            start >"$PG_TMPDIR/pg_ctl.log" 2>&1; then
        _pg_say "the server did not start:"
        sed 's/^/    /' "$PG_TMPDIR/pg_ctl.log" >&2
        _pg_say "server log:"
        sed 's/^/    /' "$PG_LOG" >&2 2>/dev/null || true
        pg_stop
        return 1
    fi

    unset PGSERVICE PGSERVICEFILE PGHOSTADDR PGPASSWORD PGOPTIONS \
        PGSSLMODE PGTARGETSESSIONATTRS PGREQUIRESSL 2>/dev/null || true
    PGHOST=$_pg_sock
    PGPORT=$_pg_port
    PGUSER=postgres
    PGDATABASE=pgmap_test
    # NOTICEs (IF EXISTS, CASCADE) would clutter the TAP streams.
    PGOPTIONS='-c client_min_messages=warning'
    export PGHOST PGPORT PGUSER PGDATABASE PGOPTIONS

    if ! PGDATABASE=postgres pg_psql \
            -c "create role pgmap_pw login password 'right-password'" \
            -c "create database pgmap_test" >&2; then
        _pg_say "setting up roles and database failed; server log:"
        sed 's/^/    /' "$PG_LOG" >&2
        pg_stop
        return 1
    fi
    return 0
}

# pg_stop: stop the server and remove everything; safe to call twice.
pg_stop() {
    [ -n "${PG_TMPDIR:-}" ] || return 0
    if [ -f "$PG_DATA/postmaster.pid" ]; then
        if ! _pg_run "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 \
                stop >/dev/null 2>&1; then
            _pg_pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
            if [ -n "$_pg_pid" ]; then
                _pg_say "pg_ctl stop failed; killing postmaster $_pg_pid"
                kill -QUIT "$_pg_pid" 2>/dev/null || true
                sleep 1
                kill -KILL "$_pg_pid" 2>/dev/null || true
            fi
        fi
    fi
    rm -rf "$PG_TMPDIR" 2>/dev/null || true
    PG_TMPDIR=
    PG_DATA=
    return 0
}

# pg_psql ARG...: psql for scripts: no psqlrc, quiet, stop on error,
# unaligned tuples-only output.
pg_psql() {
    if [ -n "$PG_BINDIR" ] && [ -x "$PG_BINDIR/psql" ]; then
        "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -At "$@"
    else
        psql -X -q -v ON_ERROR_STOP=1 -At "$@"
    fi
}
