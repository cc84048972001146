/* loader.c - COPY batches, staging merges and the split that isolates the
 * rows the database refuses (see loader.h). */
#include "loader.h"
#include "loader_internal.h"
#include "pgconn.h"

#include <stdlib.h>
#include <string.h>

void batch_init(Batch *b)
{
    memset(b, 0, sizeof *b);
    buf_init(&b->data);
    buf_init(&b->ids);
    b->cap = 256;
    b->off = xcalloc(b->cap + 1, sizeof *b->off);
    b->id_off = xcalloc(b->cap + 1, sizeof *b->id_off);
}

void batch_free(Batch *b)
{
    buf_free(&b->data);
    buf_free(&b->ids);
    free(b->off);
    free(b->id_off);
    memset(b, 0, sizeof *b);
}

void batch_clear(Batch *b)
{
    buf_reset(&b->data);
    buf_reset(&b->ids);
    b->nrows = 0;
    b->off[0] = 0;
}

void batch_commit_row(Batch *b, const char *key_json)
{
    if (b->nrows + 1 >= b->cap) {
        b->cap *= 2;
        b->off = xrealloc(b->off, (b->cap + 1) * sizeof *b->off);
        b->id_off = xrealloc(b->id_off, (b->cap + 1) * sizeof *b->id_off);
    }
    b->id_off[b->nrows] = b->ids.len;
    buf_append(&b->ids, key_json, strlen(key_json) + 1);
    b->nrows++;
    b->off[b->nrows] = b->data.len;
}

void refusal_from(const PGresult *r, Refusal *f)
{
    const char *s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *c = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME);
    const char *col = PQresultErrorField(r, PG_DIAG_COLUMN_NAME);
    snprintf(f->sqlstate, sizeof f->sqlstate, "%s", s ? s : "");
    snprintf(f->constraint, sizeof f->constraint, "%s", c ? c : "");
    snprintf(f->column, sizeof f->column, "%s", col ? col : "");
    pg_result_error_line(r, f->message, sizeof f->message);
}

/* Data problems are isolated to rows; anything else stops the run. */
int is_row_refusal(const Refusal *f)
{
    return strncmp(f->sqlstate, "21", 2) == 0 || strncmp(f->sqlstate, "22", 2) == 0 ||
           strncmp(f->sqlstate, "23", 2) == 0;
}

/* Runs one statement (or, when want is PGRES_TUPLES_OK, the prepared
 * statement of that name); on failure fills f and returns 1 (a refusal of
 * rows) or -1 (anything else, with e set). */
int loader_step(Loader *L, const char *sql, ExecStatusType want, PGresult **keep, Refusal *f,
                PgmError *e)
{
    PGresult *r = want == PGRES_TUPLES_OK ? PQexecPrepared(L->c, sql, 0, NULL, NULL, NULL, 0)
                                          : PQexec(L->c, sql);
    if (r && PQresultStatus(r) == want) {
        if (keep)
            *keep = r;
        else
            PQclear(r);
        return 0;
    }
    refusal_from(r, f);
    if (!r || PQstatus(L->c) != CONNECTION_OK || !is_row_refusal(f)) {
        err_set(e, "target: %s", f->message[0] ? f->message : PQerrorMessage(L->c));
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 1;
}

/* Starts one attempt: its savepoint, an emptied stage, and COPY. */
static int attempt_open(Loader *L, const PlanTable *t, Refusal *f, PgmError *e)
{
    if (loader_step(L, TRY_BEGIN, PGRES_COMMAND_OK, NULL, f, e) != 0)
        return -1;
    if (t->stage_name && !t->dedup) {   /* a dedup stage keeps every row until the end */
        char sql[128];
        snprintf(sql, sizeof sql, "TRUNCATE pg_temp.%s", t->stage_name);
        int rc = loader_step(L, sql, PGRES_COMMAND_OK, NULL, f, e);
        if (rc != 0)
            return rc;
    }
    PGresult *r = PQexec(L->c, t->copy_sql);
    if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
        refusal_from(r, f);
        err_set(e, "target: %s: %s", t->label, f->message);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}

/* Ends the COPY of an attempt; 0 with the rows copied, 1 a refusal of
 * rows, -1 anything else. */
static int copy_end(Loader *L, const PlanTable *t, int sent_ok, long *copied, Refusal *f, PgmError *e)
{
    int ok = sent_ok && PQputCopyEnd(L->c, NULL) == 1;
    PGresult *r = PQgetResult(L->c);
    int rc = 0;
    if (ok && r && PQresultStatus(r) == PGRES_COMMAND_OK) {
        *copied = atol(PQcmdTuples(r));
    } else {
        refusal_from(r, f);
        rc = (PQstatus(L->c) == CONNECTION_OK && is_row_refusal(f)) ? 1 : -1;
        if (rc < 0)
            err_set(e, "target: %s: %s", t->label, f->message[0] ? f->message : PQerrorMessage(L->c));
    }
    PQclear(r);
    while ((r = PQgetResult(L->c)) != NULL)
        PQclear(r);
    return rc;
}

/* Ends an attempt at rows [lo, hi) whose COPY data is sent: the merge,
 * the savepoint released, the counts; or the savepoint rolled back. */
static int attempt_close(Loader *L, const PlanTable *t, size_t nrows, int sent_ok, TableStats *st,
                         Refusal *f, PgmError *e)
{
    long copied = 0, ins = 0, upd = 0;
    int rc = copy_end(L, t, sent_ok, &copied, f, e);
    if (rc == 0 && t->merge_sql && !t->dedup) {
        PGresult *r = NULL;
        rc = loader_step(L, t->stage_name, PGRES_TUPLES_OK, &r, f, e);
        if (rc == 0) {
            ins = atol(PQgetvalue(r, 0, 0));
            upd = atol(PQgetvalue(r, 0, 1));
            PQclear(r);
        }
    } else if (!t->dedup) {
        ins = copied;
    }
    if (rc == 0)
        rc = loader_step(L, TRY_COMMIT, PGRES_COMMAND_OK, NULL, f, e);
    if (rc != 0) {
        PGresult *r = PQexec(L->c, TRY_ROLLBACK);
        PQclear(r);
        return rc;
    }
    st->inserted += ins;
    st->updated += upd;
    if (!t->dedup)   /* counted when the winners are merged */
        st->unchanged += (long)nrows - ins - upd;
    return 0;
}

/* Sends len bytes of COPY data in pieces of at most 1 MB: libpq copies
 * what one call gives into its output buffer, which a 100 MB row (a blob
 * as hex) would grow by as much; COPY accepts a row split anywhere. */
static int put_copy(PGconn *c, const char *p, size_t len)
{
    const size_t piece = (size_t)1 << 20;
    for (size_t off = 0; off < len; off += piece) {
        size_t n = len - off < piece ? len - off : piece;
        if (PQputCopyData(c, p + off, (int)n) != 1)
            return 0;
    }
    return 1;
}

/* One attempt at rows [lo, hi), in a savepoint. */
static int try_rows(Loader *L, const PlanTable *t, const Batch *b, size_t lo, size_t hi,
                    TableStats *st, Refusal *f, PgmError *e)
{
    int rc = attempt_open(L, t, f, e);
    if (rc != 0)
        return rc;
    const char *p = b->data.data + b->off[lo];
    size_t len = b->off[hi] - b->off[lo];
    int sent_ok = put_copy(L->c, p, len);
    return attempt_close(L, t, hi - lo, sent_ok, st, f, e);
}

/* Streaming: while a batch fills, its rows already travel to the server
 * in chunks of STREAM_CHUNK bytes, so the server parses and stores them
 * while pgmap converts the next ones (without it, the two take turns and
 * a load costs the sum of both).  The batch keeps its rows: when the
 * streamed attempt is refused, the batch is split as before. */
#define STREAM_CHUNK ((size_t)64 * 1024)

int loader_stream_send(Loader *L, const Batch *b, PgmError *e)
{
    size_t end = b->off[b->nrows];
    if (end <= L->sent)
        return PGM_OK;
    if (!put_copy(L->c, b->data.data + L->sent, end - L->sent)) {
        err_set(e, "target: %s", PQerrorMessage(L->c));
        return PGM_FAIL;
    }
    L->sent = end;
    return PGM_OK;
}

int loader_stream_push(Loader *L, const PlanTable *t, const Batch *b, PgmError *e)
{
    if (L->freeze)
        return loader_freeze_push(L, t, b, e);
    if (!L->stream_ok || b->nrows == 0 || b->off[b->nrows] - L->sent < STREAM_CHUNK)
        return PGM_OK;
    if (!L->streaming) {
        if (!L->in_tx && pg_exec(L->c, "BEGIN", e) != PGM_OK)
            return PGM_FAIL;
        Refusal f;
        memset(&f, 0, sizeof f);
        if (attempt_open(L, t, &f, e) != 0) {
            err_set(e, "target: %s: %s", t->label, f.message);
            return PGM_FAIL;
        }
        L->streaming = 1;
        L->sent = 0;
    }
    return loader_stream_send(L, b, e);
}

/* Decodes one COPY text row into a JSON object of column -> text. */
static void row_json(const PlanTable *t, const char *p, size_t len, Buf *out)
{
    buf_putc(out, '{');
    size_t col = 0, i = 0;
    Buf v;
    buf_init(&v);
    while (col < t->ncols) {
        buf_reset(&v);
        int isnull = (i + 1 < len && p[i] == '\\' && p[i + 1] == 'N');
        i += isnull ? 2 : 0;
        for (; i < len && p[i] != '\t' && p[i] != '\n'; i++) {
            char ch = p[i];
            if (ch == '\\' && i + 1 < len) {
                ch = p[++i];
                ch = ch == 'n' ? '\n' : ch == 't' ? '\t' : ch == 'r' ? '\r' : ch;
            }
            buf_putc(&v, ch);
        }
        i++;
        buf_printf(out, "%s", col ? "," : "");
        json_append_string(out, t->cols[col].name, strlen(t->cols[col].name));
        buf_putc(out, ':');
        if (isnull)
            buf_puts(out, "null");
        else
            json_append_string(out, v.data ? v.data : "", v.len);
        col++;
    }
    buf_free(&v);
    buf_putc(out, '}');
}

static int reject_row(Loader *L, const PlanTable *t, const Batch *b, size_t i, const Refusal *f,
                      TableStats *st, PgmError *e)
{
    Buf row;
    buf_init(&row);
    row_json(t, b->data.data + b->off[i], b->off[i + 1] - b->off[i], &row);
    const char *key = b->ids.data + b->id_off[i];
    Reject rj = {t->label, key, f->column[0] ? f->column : NULL, NULL, NULL, f->message,
                 f->sqlstate, f->constraint[0] ? f->constraint : NULL, row.data};
    ProblemInfo pi = {t->label, rj.column, NULL, f->sqlstate, rj.constraint, f->message,
                      NULL, 0, key, 0};
    report_problem(L->report, &pi);
    st->rejected++;
    int rc = rejects_write(L->rejects, &rj, e);
    buf_free(&row);
    return rc;
}

/* Sends [lo, hi); on a row refusal splits until the refused rows are
 * alone.  first_rc is the outcome of an attempt at the whole range that
 * was already made (the streamed one), or -2 when none was. */
static int send_range(Loader *L, const PlanTable *t, const Batch *b, size_t lo, size_t hi,
                      TableStats *st, int first_rc, const Refusal *first, PgmError *e)
{
    if (lo >= hi)
        return PGM_OK;
    Refusal f;
    memset(&f, 0, sizeof f);
    int rc = first_rc;
    if (rc == -2)
        rc = try_rows(L, t, b, lo, hi, st, &f, e);
    else
        f = *first;
    if (rc < 0)
        return PGM_FAIL;
    if (rc == 0)
        return PGM_OK;
    if (hi - lo == 1)
        return reject_row(L, t, b, lo, &f, st, e);
    size_t mid = lo + (hi - lo) / 2;
    if (send_range(L, t, b, lo, mid, st, -2, NULL, e) != PGM_OK)
        return PGM_FAIL;
    return send_range(L, t, b, mid, hi, st, -2, NULL, e);
}

void loader_stream_abort(Loader *L)
{
    if (!L->streaming)
        return;
    L->streaming = 0;
    L->sent = 0;
    PQputCopyEnd(L->c, "pgmap stopped the load");
    PGresult *r;
    while ((r = PQgetResult(L->c)) != NULL)
        PQclear(r);
}

/* The batch's first attempt: the end of the streamed one, or a new one. */
static int send_batch(Loader *L, const PlanTable *t, const Batch *b, TableStats *st, PgmError *e)
{
    if (!L->streaming)
        return send_range(L, t, b, 0, b->nrows, st, -2, NULL, e);
    L->streaming = 0;
    Refusal f;
    memset(&f, 0, sizeof f);
    int sent_ok = loader_stream_send(L, b, e) == PGM_OK;
    L->sent = 0;
    int rc = attempt_close(L, t, b->nrows, sent_ok, st, &f, e);
    return send_range(L, t, b, 0, b->nrows, st, rc, &f, e);
}

int loader_checkpoint_commit(Loader *L, const PlanTable *t, const TableStats *st, int commit, PgmError *e)
{
    /* --jobs: this job's reject lines join the file, and the checkpoint
     * records the file's length, under the file's lock until the commit, so
     * a length a commit records never covers another job's uncommitted
     * lines */
    int rc = PGM_OK, locked = L->shared_rejects && L->checkpoint;
    if (locked) {
        rejects_lock(L->shared_rejects);
        rc = rejects_merge(L->rejects, e);
    }
    /* the checkpoint commits with the rows it describes */
    if (rc == PGM_OK && L->checkpoint)
        rc = L->checkpoint(L->checkpoint_arg, t, st, e);
    if (rc == PGM_OK && commit)
        rc = pg_exec(L->c, "COMMIT", e);
    if (locked)
        rejects_unlock(L->shared_rejects);
    return rc;
}

int loader_flush(Loader *L, const PlanTable *t, Batch *b, TableStats *st, PgmError *e)
{
    if (L->freeze)
        return loader_freeze_flush(L, t, b, st, e);
    if (b->nrows == 0 && !L->checkpoint && !(t->dedup && L->finishing))
        return PGM_OK;
    st->bytes += (double)b->data.len;
    int rc = L->in_tx || L->streaming ? PGM_OK : pg_exec(L->c, "BEGIN", e);
    if (rc == PGM_OK)
        rc = send_batch(L, t, b, st, e);
    if (rc == PGM_OK && t->dedup && L->finishing)
        rc = loader_dedup_finish(L, t, st, e);
    if (rc == PGM_OK && L->finishing && L->table_done)
        rc = L->table_done(L->checkpoint_arg, t, e);
    if (rc == PGM_OK)
        rc = loader_checkpoint_commit(L, t, st, !L->in_tx, e);
    if (rc != PGM_OK && !L->in_tx) {
        PgmError ignore = {0};   /* the first error is the one to report */
        pg_exec(L->c, "ROLLBACK", &ignore);
    }
    batch_clear(b);
    return rc;
}

int loader_prepare_table(Loader *L, const PlanTable *t, PgmError *e)
{
    if (!t->stage_sql)
        return PGM_OK;
    if (pg_exec(L->c, t->stage_sql, e) != PGM_OK) {
        err_prefix(e, "%s: creating the staging table", t->label);
        return PGM_FAIL;
    }
    if (t->dedup)
        return loader_dedup_begin(L, t, e);
    /* The merge runs once per batch: prepare it once per table.  Prepared
     * statements belong to the session, so a rollback keeps it. */
    /* sync prepares a table again for its second read: once is enough */
    const char *params[] = {t->stage_name};
    PGresult *r = pg_query(L->c, "SELECT 1 FROM pg_prepared_statements WHERE name = $1", 1, params, e);
    if (!r)
        return PGM_FAIL;
    int done = PQntuples(r) > 0;
    PQclear(r);
    if (done)
        return PGM_OK;
    r = PQprepare(L->c, t->stage_name, t->merge_sql, 0, NULL);
    int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) {
        char line[1024];
        pg_result_error_line(r, line, sizeof line);
        err_set(e, "%s: preparing the merge statement: %s", t->label, line);
    }
    PQclear(r);
    return ok ? PGM_OK : PGM_FAIL;
}

static int set_sequence(Loader *L, const PlanTable *t, const TgtColumn *c, PgmError *e)
{
    Buf sql;
    buf_init(&sql);
    /* Never move a sequence backwards: rows may have been deleted. */
    buf_puts(&sql, "SELECT setval($1::regclass, m) FROM (SELECT max(");
    pg_quote_ident(L->c, &sql, c->name);
    buf_puts(&sql, ")::bigint AS m FROM ");
    pg_quote_qualified(L->c, &sql, t->tgt.schema, t->tgt.name);
    buf_puts(&sql, ") s WHERE m IS NOT NULL AND m > coalesce(pg_sequence_last_value($1::regclass), 0)");
    const char *params[] = {c->sequence};
    PGresult *r = pg_query(L->c, sql.data, 1, params, e);
    buf_free(&sql);
    if (!r) {
        err_prefix(e, "%s: setting sequence %s", t->label, c->sequence);
        return PGM_FAIL;
    }
    PQclear(r);
    return PGM_OK;
}

int loader_set_sequences(Loader *L, const Plan *p, PgmError *e)
{
    for (size_t i = 0; i < p->n; i++) {
        const PlanTable *t = &p->tables[i];
        for (size_t k = 0; k < t->ncols; k++) {
            const TgtColumn *c = t->cols[k].tcol;
            if (c->sequence && set_sequence(L, t, c, e) != PGM_OK)
                return PGM_FAIL;
        }
    }
    return PGM_OK;
}
