/* state_status.c - sync cursor marks, and `pgmap status`: a mapping's run
 * history and the checkpoints of its current (or last) run, read from the
 * pgmap state schema. */
#include "state.h"
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int state_get_mark(PGconn *c, const char *mapping, const char *table, StatePos *out, PgmError *e)
{
    memset(out, 0, sizeof *out);
    const char *params[] = {mapping, table};
    PGresult *r = pg_query(c, "SELECT mark, mark_kind FROM pgmap.cursors WHERE mapping = $1 AND "
                              "table_name = $2", 2, params, e);
    if (!r)
        return -1;
    int found = PQntuples(r) == 1;
    if (found) {
        out->vals = xcalloc(2, sizeof *out->vals);
        out->vals[0] = xstrdup(PQgetvalue(r, 0, 0));
        out->kinds = xstrdup(PQgetvalue(r, 0, 1));
        out->n = 1;
    }
    PQclear(r);
    return found;
}

int state_set_mark(PGconn *c, const char *mapping, const char *table, const char *column,
                   long run_id, const StatePos *mark, PgmError *e)
{
    char id[32];
    snprintf(id, sizeof id, "%ld", run_id);
    const char *params[] = {mapping, table, column, mark->vals[0], mark->kinds, id};
    return pg_command(c, "INSERT INTO pgmap.cursors (mapping, table_name, cursor_column, mark, mark_kind, "
                         "run_id) VALUES ($1, $2, $3, $4, substr($5, 1, 1), $6::bigint) "
                         "ON CONFLICT (mapping, table_name) DO UPDATE SET cursor_column = EXCLUDED.cursor_column, "
                         "mark = EXCLUDED.mark, mark_kind = EXCLUDED.mark_kind, run_id = EXCLUDED.run_id, "
                         "updated_at = clock_timestamp()", 6, params, e) < 0 ? PGM_FAIL : PGM_OK;
}

static void print_rows(PGresult *r, FILE *out)
{
    int nf = PQnfields(r), nt = PQntuples(r);
    int *w = xcalloc((size_t)nf, sizeof *w);
    for (int f = 0; f < nf; f++) {
        w[f] = (int)strlen(PQfname(r, f));
        for (int i = 0; i < nt; i++) {
            int len = (int)strlen(PQgetvalue(r, i, f));
            w[f] = len > w[f] ? len : w[f];
        }
    }
    for (int f = 0; f < nf; f++)
        fprintf(out, "  %-*s", w[f], PQfname(r, f));
    fputc('\n', out);
    for (int i = 0; i < nt; i++) {
        for (int f = 0; f < nf; f++)
            fprintf(out, "  %-*s", w[f], PQgetvalue(r, i, f));
        fputc('\n', out);
    }
    free(w);
}

static int print_query(PGconn *c, const char *title, const char *sql, int np, const char *const *params,
                       FILE *out, PgmError *e)
{
    PGresult *r = pg_query(c, sql, np, params, e);
    if (!r)
        return PGM_FAIL;
    if (PQntuples(r) > 0) {
        fprintf(out, "%s\n", title);
        print_rows(r, out);
    }
    PQclear(r);
    return PGM_OK;
}

int state_print_status(PGconn *c, const char *mapping, long limit, FILE *out, PgmError *e)
{
    char lim[32];
    snprintf(lim, sizeof lim, "%ld", limit);
    const char *params[] = {mapping, lim};
    PGresult *r = pg_query(c, "SELECT to_regclass('pgmap.runs') IS NOT NULL", 0, NULL, e);
    if (!r)
        return PGM_FAIL;
    int exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    PQclear(r);
    if (!exists) {
        /* status only reads: it never creates the schema */
        fprintf(out, "mapping %s: no run recorded in this target (no pgmap state schema)\n", mapping);
        return PGM_OK;
    }
    r = pg_query(c, "SELECT unfinished_run, after_pending FROM pgmap.mappings WHERE mapping = $1",
                           1, params, e);
    if (!r)
        return PGM_FAIL;
    if (PQntuples(r) == 0)
        fprintf(out, "mapping %s: no run recorded in this target\n", mapping);
    else if (PQgetisnull(r, 0, 0))
        fprintf(out, "mapping %s: no unfinished run\n", mapping);
    else
        fprintf(out, "mapping %s: run %s is unfinished%s; `pgmap run` resumes it, "
                     "`pgmap run --restart` starts over\n", mapping, PQgetvalue(r, 0, 0),
                strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? " (the ddl file's after part is pending)" : "");
    PQclear(r);
    if (print_query(c, "\nruns (newest first):",
                    "SELECT run_id AS run, command, status, to_char(started_at, 'YYYY-MM-DD HH24:MI:SS') "
                    "AS started, coalesce(to_char(ended_at - started_at, 'HH24:MI:SS.MS'), '') AS took, "
                    "rows_read AS read, inserted, updated, to_jsonb(r)->>'deleted' AS deleted, "
                    "unchanged, rejected, "
                    "coalesce(resumed_from::text, '') AS resumes, coalesce(message, '') AS message "
                    "FROM pgmap.runs r WHERE mapping = $1 ORDER BY run_id DESC LIMIT $2::bigint",
                    2, params, out, e) != PGM_OK)
        return PGM_FAIL;
    if (print_query(c, "\ntables (checkpoints of the current or last run):",
                    "SELECT table_name AS table, status, run_id AS run, rows_read AS read, inserted, "
                    "updated, unchanged, rejected, coalesce(array_to_string(position, ', '), '') "
                    "AS position FROM pgmap.checkpoints WHERE mapping = $1 ORDER BY table_name",
                    1, params, out, e) != PGM_OK)
        return PGM_FAIL;
    r = pg_query(c, "SELECT to_regclass('pgmap.cursors') IS NOT NULL", 0, NULL, e);
    if (!r)
        return PGM_FAIL;
    exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;   /* version 1 had no cursors */
    PQclear(r);
    if (!exists)
        return PGM_OK;
    return print_query(c, "\nsync cursors:",
                       "SELECT table_name AS table, cursor_column AS cursor, mark, run_id AS run, "
                       "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS') AS updated FROM pgmap.cursors "
                       "WHERE mapping = $1 ORDER BY table_name", 1, params, out, e);
}
