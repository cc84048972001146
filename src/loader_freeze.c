/* loader_freeze.c - the one-COPY load of a table this run created
 * (Loader.freeze): BEGIN; TRUNCATE; COPY ... (FREEZE) of every row;
 * checkpoint "done"; COMMIT.
 *
 * Why: COPY FREEZE writes the rows already frozen and their pages
 * all-visible, which it may only do into a table created or emptied in
 * the same transaction (and subtransaction: so no savepoint per batch).
 * The server then skips the per-row visibility work of the load, and the
 * index builds after it do not rewrite every page to set hint bits; on the
 * benchmark that is about a tenth of the server's work.  The price: the
 * table commits once, so a crash in its middle loads it again from its
 * start (its rows never committed; the resume is still exact), and a row
 * the server refuses fails the whole COPY, after which the table is
 * rolled back and loaded again the batched way, where the refused rows
 * are isolated (exec.c's caller does that, with LOADER_RETRY).  Memory
 * stays one batch: each flush sends its rows and forgets them. */
#include "loader.h"
#include "loader_internal.h"
#include "pgbinary.h"
#include "pgconn.h"

#include <stdlib.h>
#include <string.h>

/* Opens the transaction and the COPY.  When the server will not (a
 * foreign key of another table references this one, so it cannot be
 * emptied; a partitioned table), the load goes on the batched way:
 * L->freeze is cleared and PGM_OK returned.  PGM_FAIL: the connection. */
int loader_freeze_open(Loader *L, const PlanTable *t, PgmError *e)
{
    if (!L->freeze || L->streaming)
        return PGM_OK;
    Buf sql;
    buf_init(&sql);
    /* copy_sql is "COPY <table> (<columns>) FROM STDIN": the table is what
     * stands between COPY and the column list */
    const char *cols = strstr(t->copy_sql, " (");
    buf_puts(&sql, "BEGIN; TRUNCATE ");
    buf_append(&sql, t->copy_sql + 5, (size_t)(cols - t->copy_sql - 5));
    PGresult *r = PQexec(L->c, sql.data);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (ok) {
        buf_reset(&sql);
        buf_printf(&sql, "%s (FREEZE%s)", t->copy_sql, L->binary ? ", FORMAT binary" : "");
        r = PQexec(L->c, sql.data);
        ok = r && PQresultStatus(r) == PGRES_COPY_IN;
        PQclear(r);
    }
    if (ok && L->binary) {
        buf_reset(&sql);
        pgbin_header(&sql);
        ok = PQputCopyData(L->c, sql.data, (int)sql.len) == 1;
    }
    buf_free(&sql);
    if (ok) {
        L->streaming = 1;
        L->sent = 0;
        return PGM_OK;
    }
    L->freeze = 0;
    L->binary = 0;
    if (PQstatus(L->c) != CONNECTION_OK) {
        err_set(e, "target: %s: %s", t->label, PQerrorMessage(L->c));
        return PGM_FAIL;
    }
    return pg_exec(L->c, "ROLLBACK", e);
}

int loader_freeze_push(Loader *L, const PlanTable *t, const Batch *b, PgmError *e)
{
    if (loader_freeze_open(L, t, e) != PGM_OK)
        return PGM_FAIL;
    if (!L->freeze)   /* the server would not: batched from here */
        return loader_stream_push(L, t, b, e);
    if (b->nrows == 0 || b->off[b->nrows] - L->sent < (size_t)64 * 1024)
        return PGM_OK;
    return loader_stream_send(L, b, e);
}

/* Ends the COPY; 0 with the rows copied, 1 a refusal of rows, -1 else. */
static int freeze_end(Loader *L, const PlanTable *t, long *copied, PgmError *e)
{
    L->streaming = 0;
    int ok = 1;
    if (L->binary) {
        Buf tr;
        buf_init(&tr);
        pgbin_trailer(&tr);
        ok = PQputCopyData(L->c, tr.data, (int)tr.len) == 1;
        buf_free(&tr);
    }
    ok = ok && PQputCopyEnd(L->c, NULL) == 1;
    PGresult *r = PQgetResult(L->c);
    int rc = 0;
    if (ok && r && PQresultStatus(r) == PGRES_COMMAND_OK) {
        *copied = atol(PQcmdTuples(r));
    } else {
        Refusal f;
        memset(&f, 0, sizeof f);
        refusal_from(r, &f);
        rc = PQstatus(L->c) == CONNECTION_OK && is_row_refusal(&f) ? 1 : -1;
        if (rc < 0)
            err_set(e, "target: %s: %s", t->label, f.message[0] ? f.message : PQerrorMessage(L->c));
    }
    PQclear(r);
    while ((r = PQgetResult(L->c)) != NULL)
        PQclear(r);
    return rc;
}

int loader_freeze_flush(Loader *L, const PlanTable *t, Batch *b, TableStats *st, PgmError *e)
{
    if (loader_freeze_open(L, t, e) != PGM_OK)
        return PGM_FAIL;
    if (!L->freeze)
        return loader_flush(L, t, b, st, e);
    st->bytes += (double)b->data.len;
    int rc = loader_stream_send(L, b, e);
    L->sent = 0;
    batch_clear(b);
    if (rc != PGM_OK || !L->finishing)
        return rc;
    long copied = 0;
    int end = freeze_end(L, t, &copied, e);
    if (end == 0) {
        st->inserted += copied;
        rc = L->table_done ? L->table_done(L->checkpoint_arg, t, e) : PGM_OK;
        if (rc == PGM_OK)
            rc = loader_checkpoint_commit(L, t, st, 1, e);
        if (rc == PGM_OK)
            return PGM_OK;
    }
    PgmError ignore = {0};   /* the first error is the one to report */
    pg_exec(L->c, "ROLLBACK", &ignore);
    return end == 1 ? LOADER_RETRY : PGM_FAIL;
}

int loader_freeze_cancel(Loader *L, PgmError *e)
{
    if (pg_exec(L->c, "ROLLBACK", e) != PGM_OK)
        return PGM_FAIL;
    return LOADER_RETRY;
}
