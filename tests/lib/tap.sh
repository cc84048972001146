# tests/lib/tap.sh - small TAP producer for the shell tests (sourced, not run).
#
#   . "$top_srcdir/tests/lib/tap.sh"
#   plan 3                       # or call done_testing at the end
#   ok "binary exists" test -x "$PGMAP"     # passes when the command exits 0
#   ok "exit status" "$status"              # a bare number: passes when it is 0
#   nok "rejects junk" "$PGMAP" run /nonexistent   # passes when the command fails
#   is "$got" "$want" "row count"           # string equality, shows got/want
#   like "$got" 'ERROR.*password' "message" # grep -E match
#   skip "no dataset" 2                     # record skipped tests
#   skip_all "no PostgreSQL"                # prints 1..0 # SKIP and exits 0
#   diag "anything"                         # '# ' comment line in the TAP stream
#   done_testing                            # prints 1..N when no plan was given
#
# Commands passed to ok/nok run with their stdout sent to stderr, so that they
# cannot corrupt the TAP stream.  ok/nok/is/like always return 0 so that a
# failing check does not end a `set -e` script; the failure is in the TAP
# stream (and counted in $TAP_FAILED).

TAP_COUNT=0
TAP_FAILED=0
TAP_PLANNED=

plan() {
    TAP_PLANNED=$1
    printf '1..%s\n' "$1"
}

diag() {
    printf '%s\n' "$*" | sed 's/^/# /'
}

# _tap_result STATUS NAME
_tap_result() {
    TAP_COUNT=$((TAP_COUNT + 1))
    if [ "$1" -eq 0 ]; then
        printf 'ok %d - %s\n' "$TAP_COUNT" "$2"
    else
        TAP_FAILED=$((TAP_FAILED + 1))
        printf 'not ok %d - %s\n' "$TAP_COUNT" "$2"
    fi
    return 0
}

# ok NAME CMD [ARG...]  |  ok NAME STATUS
ok() {
    _tap_name=$1
    shift
    if [ $# -eq 1 ] && [ -n "$1" ] && [ -z "$(printf '%s' "$1" | tr -d 0-9)" ]; then
        _tap_result "$1" "$_tap_name"
        return
    fi
    if [ $# -eq 0 ]; then
        _tap_result 1 "$_tap_name (ok called without a command)"
        return
    fi
    if "$@" >&2; then
        _tap_result 0 "$_tap_name"
    else
        _tap_result 1 "$_tap_name"
        diag "    command failed: $*"
    fi
    return 0
}

# nok NAME CMD [ARG...] - passes when CMD fails.
nok() {
    _tap_name=$1
    shift
    if "$@" >&2; then
        _tap_result 1 "$_tap_name"
        diag "    command unexpectedly succeeded: $*"
    else
        _tap_result 0 "$_tap_name"
    fi
    return 0
}

# is GOT WANT NAME
is() {
    if [ "$1" = "$2" ]; then
        _tap_result 0 "$3"
    else
        _tap_result 1 "$3"
        diag "    got:"
        printf '%s\n' "$1" | sed 's/^/#      /'
        diag "    want:"
        printf '%s\n' "$2" | sed 's/^/#      /'
    fi
    return 0
}

# like GOT ERE NAME
like() {
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        _tap_result 0 "$3"
    else
        _tap_result 1 "$3"
        diag "    got:"
        printf '%s\n' "$1" | sed 's/^/#      /'
        diag "    expected to match: $2"
    fi
    return 0
}

# skip REASON [COUNT]
skip() {
    _tap_n=${2:-1}
    while [ "$_tap_n" -gt 0 ]; do
        TAP_COUNT=$((TAP_COUNT + 1))
        printf 'ok %d # SKIP %s\n' "$TAP_COUNT" "$1"
        _tap_n=$((_tap_n - 1))
    done
}

skip_all() {
    printf '1..0 # SKIP %s\n' "$*"
    exit 0
}

bail_out() {
    printf 'Bail out! %s\n' "$*"
    exit 1
}

# done_testing: print the plan if none was given; returns the failure count
# as a diagnostic only (the TAP driver counts failures from "not ok" lines).
done_testing() {
    if [ -z "$TAP_PLANNED" ]; then
        printf '1..%d\n' "$TAP_COUNT"
    fi
    if [ "$TAP_FAILED" -gt 0 ]; then
        diag "failed $TAP_FAILED of $TAP_COUNT tests"
    fi
    return 0
}
