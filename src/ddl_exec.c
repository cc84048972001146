/* ddl_exec.c - runs DDL statements one at a time (see ddl_exec.h).  One
 * PQexec per statement rather than the whole file at once costs a round
 * trip each, which is nothing next to a load, and buys the line number of
 * the statement that failed. */
#include "ddl_exec.h"
#include "pgconn.h"

#include <string.h>

/* Runs one statement; 0 when it succeeded, else -1 with the server's
 * message in msg. */
static int try_statement(PGconn *c, const DdlStatement *st, char *msg, size_t len)
{
    PGresult *r = PQexec(c, st->sql);
    ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    int ok = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
    if (status == PGRES_COPY_IN) {
        /* COPY ... FROM STDIN has no data to read here: end it as an error. */
        PQputCopyEnd(c, "COPY FROM STDIN is not supported in a ddl file");
        snprintf(msg, len, "COPY FROM STDIN is not supported in a ddl file");
    } else if (!ok && r) {
        pg_result_error_line(r, msg, len);
    } else if (!ok) {
        snprintf(msg, len, "%s", PQerrorMessage(c));
    }
    PQclear(r);
    while (status == PGRES_COPY_IN && (r = PQgetResult(c)) != NULL)
        PQclear(r);
    return ok ? 0 : -1;
}

/* The file runs inside pgmap's transaction: a COMMIT or ROLLBACK in it
 * would end that transaction and, with it, the all-or-nothing run. */
static int still_in_transaction(PGconn *c, const char *file, const DdlStatement *st, PgmError *e)
{
    if (PQtransactionStatus(c) == PQTRANS_INTRANS)
        return PGM_OK;
    err_set(e, "ddl %s:%d: the statement ended pgmap's transaction (remove BEGIN, COMMIT and "
            "ROLLBACK from the file: pgmap runs it in its own transaction)", file, st->line);
    return PGM_FAIL;
}

static int run_mandatory(PGconn *c, const char *file, const DdlStatement *st, PgmError *e)
{
    char msg[1536];
    if (try_statement(c, st, msg, sizeof msg) != 0) {
        err_set(e, "ddl %s:%d: %s", file, st->line, msg);
        return PGM_FAIL;
    }
    return still_in_transaction(c, file, st, e);
}

int ddl_exec_before(PGconn *c, const char *file, const DdlScript *s, PgmError *e)
{
    for (size_t i = 0; i < s->nbefore; i++)
        if (run_mandatory(c, file, &s->before[i], e) != PGM_OK)
            return PGM_FAIL;
    return PGM_OK;
}

/* An optional statement: a refusal is undone by its savepoint and becomes
 * a warning; a lost connection is still a failure. */
static int run_optional(PGconn *c, const char *file, const DdlStatement *st, FILE *warn,
                        long *skipped, PgmError *e)
{
    if (pg_exec(c, "SAVEPOINT pgmap_ddl", e) != PGM_OK)
        return PGM_FAIL;
    char msg[1536];
    if (try_statement(c, st, msg, sizeof msg) == 0) {
        if (still_in_transaction(c, file, st, e) != PGM_OK)
            return PGM_FAIL;
        return pg_exec(c, "RELEASE SAVEPOINT pgmap_ddl", e);
    }
    if (PQstatus(c) != CONNECTION_OK || PQtransactionStatus(c) != PQTRANS_INERROR) {
        err_set(e, "ddl %s:%d: %s", file, st->line, msg);
        return PGM_FAIL;
    }
    if (pg_exec(c, "ROLLBACK TO SAVEPOINT pgmap_ddl; RELEASE SAVEPOINT pgmap_ddl", e) != PGM_OK)
        return PGM_FAIL;
    fprintf(warn, "pgmap: warning: ddl %s:%d: not applied: %s\n", file, st->line, msg);
    (*skipped)++;
    return PGM_OK;
}

int ddl_exec_after_some(PGconn *c, const char *file, const DdlScript *s, const int *pick, int want,
                        FILE *warn, long *skipped, long *ran, PgmError *e)
{
    for (size_t i = 0; i < s->nafter; i++) {
        if (pick && pick[i] != want)
            continue;
        const DdlStatement *st = &s->after[i];
        int rc = st->optional ? run_optional(c, file, st, warn, skipped, e)
                              : run_mandatory(c, file, st, e);
        if (rc != PGM_OK)
            return PGM_FAIL;
        if (ran)
            (*ran)++;
    }
    return PGM_OK;
}

int ddl_exec_after(PGconn *c, const char *file, const DdlScript *s, FILE *warn, long *skipped,
                   PgmError *e)
{
    return ddl_exec_after_some(c, file, s, NULL, 0, warn, skipped, NULL, e);
}
