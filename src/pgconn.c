/* pgconn.c - see pgconn.h.  All SQL text built here quotes identifiers
 * with PQescapeIdentifier; values always travel as parameters. */
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpq error messages span lines; pgmap prints one line per failure. */
static void fold_lines(const char *in, char *out, size_t len)
{
    size_t j = 0;
    int space = 0;
    for (size_t i = 0; in && in[i] && j + 1 < len; i++) {
        char ch = in[i];
        if (ch == '\n' || ch == '\r' || ch == '\t') {
            space = 1;
            continue;
        }
        if (space && j > 0 && j + 2 < len)
            out[j++] = ' ';
        space = 0;
        out[j++] = ch;
    }
    while (j > 0 && out[j - 1] == ' ')
        j--;
    out[j] = '\0';
}

PGconn *pg_connect(const char *conninfo, PgmError *e)
{
    /* expand_dbname lets conninfo be a URI or a keyword string; the
     * fallback_application_name marks our sessions in pg_stat_activity. */
    const char *keys[] = {"dbname", "fallback_application_name", "client_encoding", NULL};
    const char *vals[] = {conninfo && *conninfo ? conninfo : NULL, "pgmap", "UTF8", NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c) {
        err_set(e, "target: out of memory connecting");
        return NULL;
    }
    if (PQstatus(c) != CONNECTION_OK) {
        char line[1024];
        fold_lines(PQerrorMessage(c), line, sizeof line);
        err_set(e, "target: cannot connect: %s", line);
        PQfinish(c);
        return NULL;
    }
    /* NOTICEs (a DDL file's "already exists, skipping") would interleave
     * with the report; warnings and errors still reach the user. */
    if (pg_exec(c, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
                   "SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3; "
                   "SET client_min_messages = warning", e) != PGM_OK) {
        PQfinish(c);
        return NULL;
    }
    return c;
}

void pg_disconnect(PGconn *c)
{
    if (c)
        PQfinish(c);
}

void pg_describe(PGconn *c, char *buf, size_t len)
{
    const char *host = PQhost(c);
    snprintf(buf, len, "%s@%s:%s", PQdb(c), host && *host ? host : "local", PQport(c));
}

void pg_result_error_line(const PGresult *r, char *buf, size_t len)
{
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (primary) {
        const char *detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
        char tmp[2048];
        snprintf(tmp, sizeof tmp, "%s%s%s%s", primary, detail ? " (" : "", detail ? detail : "",
                 detail ? ")" : "");
        fold_lines(tmp, buf, len);
    } else {
        fold_lines(r ? PQresultErrorMessage(r) : "no result", buf, len);
    }
}

static int result_ok(PGconn *c, PGresult *r, ExecStatusType want, PgmError *e)
{
    if (r && PQresultStatus(r) == want)
        return 1;
    char line[1536];
    if (r)
        pg_result_error_line(r, line, sizeof line);
    else
        fold_lines(PQerrorMessage(c), line, sizeof line);
    err_set(e, "target: %s", line);
    return 0;
}

int pg_exec(PGconn *c, const char *sql, PgmError *e)
{
    PGresult *r = PQexec(c, sql);
    int ok = result_ok(c, r, PGRES_COMMAND_OK, e);
    PQclear(r);
    return ok ? PGM_OK : PGM_FAIL;
}

PGresult *pg_query(PGconn *c, const char *sql, int nparams, const char *const *params, PgmError *e)
{
    PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!result_ok(c, r, PGRES_TUPLES_OK, e)) {
        PQclear(r);
        return NULL;
    }
    return r;
}

long pg_command(PGconn *c, const char *sql, int nparams, const char *const *params, PgmError *e)
{
    PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
    if (!result_ok(c, r, PGRES_COMMAND_OK, e)) {
        PQclear(r);
        return -1;
    }
    long n = atol(PQcmdTuples(r));
    PQclear(r);
    return n;
}

int pg_copy_in(PGconn *c, const char *copy_sql, const char *data, size_t len, PgmError *e)
{
    PGresult *r = PQexec(c, copy_sql);
    if (!result_ok(c, r, PGRES_COPY_IN, e)) {
        PQclear(r);
        return PGM_FAIL;
    }
    PQclear(r);
    int ok = PQputCopyData(c, data, (int)len) == 1 && PQputCopyEnd(c, NULL) == 1;
    r = PQgetResult(c);
    ok = result_ok(c, r, PGRES_COMMAND_OK, e) && ok;
    PQclear(r);
    while ((r = PQgetResult(c)) != NULL)
        PQclear(r);
    return ok ? PGM_OK : PGM_FAIL;
}

void pg_quote_ident(PGconn *c, Buf *b, const char *ident)
{
    char *q = PQescapeIdentifier(c, ident, strlen(ident));
    if (!q) {
        /* Only on invalid encoding: fall back to the same rules by hand so
         * we never emit an unquoted identifier. */
        quote_ident_dq(b, ident);
        return;
    }
    buf_puts(b, q);
    PQfreemem(q);
}

void pg_quote_qualified(PGconn *c, Buf *b, const char *schema, const char *name)
{
    pg_quote_ident(c, b, schema);
    buf_putc(b, '.');
    pg_quote_ident(c, b, name);
}
