/* loader_dedup.c - the end of a `dedup` table.  Its batches only append to
 * the stage (every converted row, with its read number and reject id), so
 * the winner of each key is chosen among all the source rows, not per
 * batch.  At the end the winners are numbered into a temporary table and
 * merged by the table's mode; a range the target refuses is split like a
 * batch until the refused rows are alone, and those are rejected.  The
 * rows that lost are counted as deduplicated: never loaded, never lost
 * silently. */
#include "loader_internal.h"
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int loader_dedup_begin(Loader *L, const PlanTable *t, PgmError *e)
{
    char sql[160];
    snprintf(sql, sizeof sql, "TRUNCATE pg_temp.%s", t->stage_name);
    return pg_exec(L->c, sql, e);
}

/* The refused winner as {column: text}, and its reject id. */
static int reject_winner(Loader *L, const PlanTable *t, long n, const Refusal *f, TableStats *st,
                         PgmError *e)
{
    Buf sql, row;
    buf_init(&sql);
    buf_init(&row);
    buf_puts(&sql, "SELECT pgmap_dedup_id");
    for (size_t i = 0; i < t->ncols; i++) {
        buf_puts(&sql, ", ");
        pg_quote_ident(L->c, &sql, t->cols[i].name);
        buf_puts(&sql, "::text");
    }
    buf_printf(&sql, " FROM %s WHERE pgmap_dedup_n = $1", t->winners_table);
    char num[32];
    snprintf(num, sizeof num, "%ld", n);
    const char *params[] = {num};
    PGresult *r = pg_query(L->c, sql.data, 1, params, e);
    buf_free(&sql);
    if (!r)
        return PGM_FAIL;
    buf_putc(&row, '{');
    for (size_t i = 0; i < t->ncols && PQntuples(r) == 1; i++) {
        buf_printf(&row, "%s", i ? "," : "");
        json_append_string(&row, t->cols[i].name, strlen(t->cols[i].name));
        buf_putc(&row, ':');
        if (PQgetisnull(r, 0, (int)i + 1))
            buf_puts(&row, "null");
        else
            json_append_string(&row, PQgetvalue(r, 0, (int)i + 1), (size_t)PQgetlength(r, 0, (int)i + 1));
    }
    buf_putc(&row, '}');
    const char *key = PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "{}";
    Reject rj = {t->label, key, f->column[0] ? f->column : NULL, NULL, NULL, f->message,
                 f->sqlstate, f->constraint[0] ? f->constraint : NULL, row.data};
    ProblemInfo pi = {t->label, rj.column, NULL, f->sqlstate, rj.constraint, f->message, NULL, 0, key, 0};
    report_problem(L->report, &pi);
    st->rejected++;
    int rc = rejects_write(L->rejects, &rj, e);
    PQclear(r);
    buf_free(&row);
    return rc;
}

/* One attempt at winners [lo, hi), in a savepoint: 0, 1 refused, -1 failed. */
static int try_winners(Loader *L, const PlanTable *t, long lo, long hi, TableStats *st, Refusal *f,
                       PgmError *e)
{
    if (loader_step(L, TRY_BEGIN, PGRES_COMMAND_OK, NULL, f, e) != 0)
        return -1;
    char a[32], b[32];
    snprintf(a, sizeof a, "%ld", lo);
    snprintf(b, sizeof b, "%ld", hi);
    const char *params[] = {a, b};
    PGresult *r = PQexecParams(L->c, t->dedup_merge_sql, 2, NULL, params, NULL, NULL, 0);
    int rc = 0;
    if (r && PQresultStatus(r) == PGRES_TUPLES_OK) {
        long ins = atol(PQgetvalue(r, 0, 0)), upd = atol(PQgetvalue(r, 0, 1));
        st->inserted += ins;
        st->updated += upd;
        st->unchanged += (hi - lo) - ins - upd;
    } else {
        refusal_from(r, f);
        rc = (PQstatus(L->c) == CONNECTION_OK && is_row_refusal(f)) ? 1 : -1;
        if (rc < 0)
            err_set(e, "target: %s: %s", t->label, f->message[0] ? f->message : PQerrorMessage(L->c));
    }
    PQclear(r);
    if (rc == 0)
        rc = loader_step(L, TRY_COMMIT, PGRES_COMMAND_OK, NULL, f, e);
    if (rc != 0)
        PQclear(PQexec(L->c, TRY_ROLLBACK));
    return rc;
}

static int merge_winners(Loader *L, const PlanTable *t, long lo, long hi, TableStats *st, PgmError *e)
{
    if (lo >= hi)
        return PGM_OK;
    Refusal f;
    memset(&f, 0, sizeof f);
    int rc = try_winners(L, t, lo, hi, st, &f, e);
    if (rc <= 0)
        return rc == 0 ? PGM_OK : PGM_FAIL;
    if (hi - lo == 1)
        return reject_winner(L, t, lo, &f, st, e);
    long mid = lo + (hi - lo) / 2;
    if (merge_winners(L, t, lo, mid, st, e) != PGM_OK)
        return PGM_FAIL;
    return merge_winners(L, t, mid, hi, st, e);
}

int loader_dedup_finish(Loader *L, const PlanTable *t, TableStats *st, PgmError *e)
{
    if (pg_exec(L->c, t->winners_sql, e) != PGM_OK) {
        err_prefix(e, "%s: choosing the winner of each key", t->label);
        return PGM_FAIL;
    }
    Buf sql;
    buf_init(&sql);
    buf_printf(&sql, "SELECT (SELECT count(*) FROM pg_temp.%s), (SELECT count(*) FROM %s)", t->stage_name,
               t->winners_table);
    PGresult *r = pg_query(L->c, sql.data, 0, NULL, e);
    buf_free(&sql);
    if (!r)
        return PGM_FAIL;
    long staged = atol(PQgetvalue(r, 0, 0)), winners = atol(PQgetvalue(r, 0, 1));
    PQclear(r);
    st->deduplicated += staged - winners;
    int rc = merge_winners(L, t, 1, winners + 1, st, e);
    buf_printf(&sql, "TRUNCATE pg_temp.%s; DROP TABLE %s", t->stage_name, t->winners_table);
    if (rc == PGM_OK)
        rc = pg_exec(L->c, sql.data, e);
    buf_free(&sql);
    return rc;
}
