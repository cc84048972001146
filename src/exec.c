/* exec.c - runs a plan (see exec.h).  Memory stays flat: one row of
 * borrowed source values, a scratch arena reset per row, and one batch
 * bounded in rows and bytes. */
#include "exec.h"
#include "ddl_exec.h"
#include "lookup.h"
#include "pgbinary.h"
#include "pgconn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A batch is flushed at this many bytes even before its row count, so a
 * table of large blobs cannot grow memory without bound. */
#define BATCH_MAX_BYTES ((size_t)16 * 1024 * 1024)

typedef struct RowCtx {
    const PlanTable *t;
    const Value *row;      /* raw source values */
    Arena *scratch;
    Loader *L;
    TableStats *st;
    Batch *b;
    long rownum;
    const char *key_json;
    Buf cast;              /* reused for every cast: no allocation per value */
    Buf key;               /* the row's key JSON, reused */
    PgmError *e;
    int quiet;             /* problems were recorded by an earlier pass: count nothing, write nothing */
    long quiet_upto;       /* rows numbered up to this are quiet (TableRead.quiet_upto) */
    int binary;            /* rows in COPY's binary format (pgbinary.h), else text */
    int nobinary;          /* a value binary cannot carry was met */
} RowCtx;

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void value_json(const Value *v, Arena *a, Buf *out)
{
    if (v->kind == VAL_NULL) {
        buf_puts(out, "null");
    } else if (v->kind == VAL_INT) {
        buf_put_i64(out, v->i);
    } else {
        size_t len;
        const char *s = value_as_text(v, a, &len);
        json_append_string(out, s, len);
    }
}

/* The JSON that names a row in the rejects file: the raw source values of
 * the key, or the row's ordinal when the table has no key. */
static const char *make_key_json(RowCtx *x)
{
    const PlanTable *t = x->t;
    Buf *b = &x->key;   /* reused: valid until the next row */
    buf_reset(b);
    buf_putc(b, '{');
    if (t->nid == 0) {
        buf_puts(b, "\"row\":");
        buf_put_i64(b, x->rownum);
    }
    for (size_t k = 0; k < t->nid; k++) {
        if (k)
            buf_putc(b, ',');
        json_append_string(b, t->id_names[k], strlen(t->id_names[k]));
        buf_putc(b, ':');
        value_json(&x->row[t->id_src[k]], x->scratch, b);
    }
    buf_putc(b, '}');
    return b->data;
}

/* Kinds whose text form (as pgtype_cast writes it) holds no backslash,
 * tab, newline or carriage return. */
static int plain_text_kind(PgTypeKind k)
{
    switch (k) {
    case PT_INT2: case PT_INT4: case PT_INT8: case PT_NUMERIC: case PT_FLOAT4: case PT_FLOAT8:
    case PT_BOOL: case PT_UUID: case PT_DATE: case PT_TIMESTAMP: case PT_TIMESTAMPTZ:
        return 1;
    default:
        return 0;
    }
}

/* Records a failing value: a reject, or a nulled/defaulted value. */
static int record_problem(RowCtx *x, const PlanColumn *pc, const char *op, const char *msg,
                          int nulled)
{
    const Value *raw = &x->row[pc->src];
    size_t len = 0;
    const char *text = raw->kind == VAL_NULL ? NULL : value_as_text(raw, x->scratch, &len);
    if (x->quiet)
        return PGM_OK;
    ProblemInfo pi = {x->t->label, pc->name, op, NULL, NULL, msg, text, len, x->key_json, nulled};
    report_problem(x->L->report, &pi);
    if (nulled) {
        x->st->nulled++;
        return PGM_OK;
    }
    Buf vj;
    buf_init(&vj);
    value_json(raw, x->scratch, &vj);
    Reject rj = {x->t->label, x->key_json, pc->name, op, vj.data, msg, NULL, NULL, NULL};
    int rc = rejects_write(x->L->rejects, &rj, x->e);
    buf_free(&vj);
    return rc;
}

enum { COL_OK = 0, COL_REJECT = 1, COL_ABORT = 2, COL_IOERR = 3 };

/* Applies the column's on_error policy to a failure; *v gets the value
 * to use when the row survives. */
static int apply_on_error(RowCtx *x, const PlanColumn *pc, const char *op, const char *msg, Value *v)
{
    OnError pol = pc->on_error;
    if (pol == ONERR_ABORT) {
        const Value *raw = &x->row[pc->src];
        size_t len = 0;
        const char *s = raw->kind == VAL_NULL ? "NULL" : value_as_text(raw, x->scratch, &len);
        err_set(x->e, "%s key %s column %s: %s: %s (value \"%.60s\"); on_error is abort",
                x->t->label, x->key_json, pc->name, op, msg, s);
        return COL_ABORT;
    }
    int survives = (pol == ONERR_NULL || pol == ONERR_DEFAULT) &&
                   (!pc->tcol->notnull || (pol == ONERR_DEFAULT && pc->fallback));
    if (record_problem(x, pc, op, msg, survives) != PGM_OK)
        return COL_IOERR;
    if (!survives)
        return COL_REJECT;
    *v = (pol == ONERR_DEFAULT && pc->fallback) ? value_text(pc->fallback, strlen(pc->fallback))
                                                : value_null();
    return COL_OK;
}

static int matches_null_if(const PlanTable *t, const Value *v, Arena *a)
{
    if (t->nnull_if == 0 || v->kind == VAL_NULL || v->kind == VAL_BLOB)
        return 0;
    size_t len;
    const char *s = value_as_text(v, a, &len);
    for (size_t i = 0; i < t->nnull_if; i++)
        if (strlen(t->null_if[i]) == len && memcmp(t->null_if[i], s, len) == 0)
            return 1;
    return 0;
}

/* The cast into the row: binary, or the text form (escaped for COPY
 * unless the type's text never needs it).  0, -1 (msg) or PGBIN_CANNOT. */
static int cast_into(RowCtx *x, const PgType *type, const Value *v, Buf *out, char *msg, size_t msglen)
{
    if (x->binary)
        return pgtype_cast_binary(type, v, &x->cast, out, msg, msglen);
    /* types whose text pgmap writes itself never need COPY's escapes:
     * straight into the row, without the copy through x->cast */
    int direct = plain_text_kind(type->kind);
    size_t mark = out->len;
    if (type->kind == PT_BYTEA) {
        /* "\x<hex>" holds one backslash, which COPY wants doubled:
         * written first, the value goes straight in (a large blob is
         * then in memory once as hex, not twice) */
        buf_putc(out, '\\');
        direct = 1;
    }
    buf_reset(&x->cast);
    if (pgtype_cast(type, v, direct ? out : &x->cast, msg, msglen) == 0) {
        if (!direct)
            copy_escape(out, x->cast.data ? x->cast.data : "", x->cast.len);
        return 0;
    }
    if (direct && out->data) {   /* drop what a failed cast may have written */
        out->len = mark;
        out->data[mark] = '\0';
    }
    return -1;
}

/* The final step: NOT NULL, then pgmap's own cast to the target type.
 * A value that on_error replaced is cast too, once; if it fails again the
 * row is rejected. */
static int cast_column(RowCtx *x, const PlanColumn *pc, Value v, Buf *out)
{
    char msg[512];
    /* The operation is "cast" whatever the type; the message names it. */
    const char *op = "cast";
    for (int attempt = 0;; attempt++) {
        if (v.kind == VAL_NULL) {
            if (!pc->tcol->notnull) {
                if (x->binary)
                    pgbin_null(out);
                else
                    buf_puts(out, "\\N");
                return COL_OK;
            }
            snprintf(msg, sizeof msg, "null value in NOT NULL column");
            return record_problem(x, pc, "not_null", msg, 0) == PGM_OK ? COL_REJECT : COL_IOERR;
        }
        int rc = cast_into(x, &pc->tcol->type, &v, out, msg, sizeof msg);
        if (rc == PGBIN_CANNOT) {
            /* the rest of the row is converted (its problems recorded once,
             * see TableRead.quiet_upto); the table is then loaded as text */
            x->nobinary = 1;
            pgbin_null(out);
            return COL_OK;
        }
        if (rc == 0)
            return COL_OK;
        if (attempt > 0)
            return record_problem(x, pc, op, msg, 0) == PGM_OK ? COL_REJECT : COL_IOERR;
        rc = apply_on_error(x, pc, op, msg, &v);
        if (rc != COL_OK)
            return rc;
    }
}

/* Runs op i of the column on *v: a lookup through the loader's
 * connection, anything else by itself.  0, -1 (msg) or -2 (e set). */
static int run_op(RowCtx *x, const PlanColumn *pc, size_t i, Value *v, char *msg, size_t msglen)
{
    if (pc->lookups && pc->lookups[i])
        return lookup_run(pc->lookups[i], x->L->c, v, x->scratch, msg, msglen, x->e);
    return op_run(&pc->ops[i], v, x->scratch, msg, msglen);
}

/* A `from:` list: the ops before the combining one run on each value,
 * then it makes one value of them.  Returns the index of the next op to
 * run, or nops + 1 with *rc set when a failure ended the program. */
static size_t combine_sources(RowCtx *x, const PlanColumn *pc, Value *v, int *rc)
{
    char msg[512];
    Value *vals = arena_alloc(x->scratch, pc->nsrcs * sizeof *vals);
    for (size_t k = 0; k < pc->nsrcs; k++) {
        vals[k] = x->row[pc->srcs[k]];
        if (matches_null_if(x->t, &vals[k], x->scratch))
            vals[k] = value_null();
        for (size_t i = 0; i < pc->ncombine; i++) {
            int r = run_op(x, pc, i, &vals[k], msg, sizeof msg);
            if (r == 0)
                continue;
            *rc = r == -2 ? COL_IOERR : apply_on_error(x, pc, op_name(pc->ops[i].kind), msg, v);
            return pc->nops + 1;
        }
    }
    const Op *op = &pc->ops[pc->ncombine];
    if (op_combine(op, vals, pc->nsrcs, v, x->scratch, msg, sizeof msg) != 0) {
        *rc = apply_on_error(x, pc, op_name(op->kind), msg, v);
        return pc->nops + 1;
    }
    return pc->ncombine + 1;
}

/* Runs one column's program and appends its COPY field. */
static int convert_column(RowCtx *x, const PlanColumn *pc, Buf *out)
{
    Value v = x->row[pc->src];
    char msg[512];
    size_t first = 0;
    if (pc->nsrcs) {
        int rc = COL_OK;
        first = combine_sources(x, pc, &v, &rc);
        if (rc != COL_OK)
            return rc;
    } else if (matches_null_if(x->t, &v, x->scratch)) {
        v = value_null();
    }
    for (size_t i = first; i < pc->nops; i++) {
        int r = run_op(x, pc, i, &v, msg, sizeof msg);
        if (r == 0)
            continue;
        if (r == -2)
            return COL_IOERR;
        int rc = apply_on_error(x, pc, op_name(pc->ops[i].kind), msg, &v);
        if (rc != COL_OK)
            return rc;
        break;   /* a nulled or defaulted value skips the rest of the program */
    }
    return cast_column(x, pc, v, out);
}

/* Converts one source row; appends it to the batch unless rejected. */
static int convert_row(RowCtx *x)
{
    Buf *data = &x->b->data;
    size_t mark = data->len;
    x->key_json = make_key_json(x);
    if (x->binary)
        pgbin_row(data, (int)x->t->ncols);
    for (size_t i = 0; i < x->t->ncols; i++) {
        if (i && !x->binary)
            buf_putc(data, '\t');
        int rc = convert_column(x, &x->t->cols[i], data);
        if (rc == COL_OK)
            continue;
        data->len = mark;
        if (data->data)   /* nothing appended yet: never allocated */
            data->data[mark] = '\0';
        if (rc == COL_REJECT) {
            x->st->rejected += !x->quiet;
            return PGM_OK;
        }
        return PGM_FAIL;
    }
    if (x->t->dedup) {   /* the stage keeps the read order and the reject id */
        buf_printf(data, "\t%ld\t", x->rownum);
        copy_escape(data, x->key_json, strlen(x->key_json));
    }
    if (!x->binary)
        buf_putc(data, '\n');
    batch_commit_row(x->b, x->key_json);
    return PGM_OK;
}

static int over_limit(const PlanTable *t, const TableStats *st, PgmError *e)
{
    if (t->reject_limit < 0 || st->rejected <= t->reject_limit)
        return 0;
    err_set(e, "%s: %ld rejected rows exceed reject_limit %ld; stopping", t->label, st->rejected,
            t->reject_limit);
    return 1;
}

static void progress(const ExecOptions *o, const PlanTable *t, const TableStats *st)
{
    if (o->verbose)
        fprintf(stderr, "pgmap: %s: %ld rows read, %ld rejected\n", t->label, st->read, st->rejected);
}

int exec_prepare_lookups(PGconn *c, const PlanTable *t, PgmError *e)
{
    for (size_t i = 0; i < t->ncols; i++)
        for (size_t k = 0; t->cols[i].lookups && k < t->cols[i].nops; k++)
            if (t->cols[i].lookups[k] && lookup_prepare(t->cols[i].lookups[k], c, e) != PGM_OK) {
                err_prefix(e, "%s", t->label);
                return PGM_FAIL;
            }
    return PGM_OK;
}

int exec_lookups_need_connection(const PlanTable *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        for (size_t k = 0; t->cols[i].lookups && k < t->cols[i].nops; k++)
            if (t->cols[i].lookups[k] && lookup_needs_connection(t->cols[i].lookups[k]))
                return 1;
    return 0;
}

/* One source row (in x->row): converted into the batch, streamed, and
 * the batch flushed when full. */
static int take_row(RowCtx *x, const ExecOptions *o, LastRow *last, long batch)
{
    const PlanTable *t = x->t;
    TableStats *st = x->st;
    Batch *b = x->b;
    st->read++;
    x->rownum = st->read;
    x->quiet = x->rownum <= x->quiet_upto;
    arena_reset(x->scratch);
    if (convert_row(x) != PGM_OK || over_limit(t, st, x->e))
        return PGM_FAIL;
    if (x->nobinary) {   /* exec_table ends the attempt: LOADER_RETRY */
        x->L->binary_refused = 1;
        return PGM_FAIL;
    }
    if (last)
        lastrow_keep(last, x->row);
    if (loader_stream_push(x->L, t, b, x->e) != PGM_OK)
        return PGM_FAIL;
    if ((long)b->nrows < batch && b->data.len < BATCH_MAX_BYTES)
        return PGM_OK;
    int rc = loader_flush(x->L, t, b, st, x->e);
    progress(o, t, st);
    return rc != PGM_OK || over_limit(t, st, x->e) ? PGM_FAIL : PGM_OK;
}

/* The one-COPY load of a created table (Loader.freeze) opens its COPY
 * before the first row, in binary when L->binary and every column's type
 * can travel so; 1 binary, 0 text, -1 failed (e set). */
static int table_binary(Loader *L, const ExecOptions *o, const PlanTable *t, PgmError *e)
{
    if (!L->freeze) {
        L->binary = 0;
        return 0;
    }
    for (size_t i = 0; i < t->ncols && L->binary; i++)
        L->binary = pgbin_kind_ok(t->cols[i].tcol->type.kind);
    if (L->binary && t->dedup)
        L->binary = 0;
    if (loader_freeze_open(L, t, e) != PGM_OK)
        return -1;
    if (o->verbose && L->freeze)
        fprintf(stderr, "pgmap: %s: one COPY FREEZE, %s format\n", t->label, L->binary ? "binary" : "text");
    return L->freeze && L->binary;
}

/* Streams one table through its program into batches. */
int exec_table(Loader *L, Reader *src, const ExecOptions *o, const PlanTable *t,
               const TableRead *rd, TableStats *st, PgmError *e)
{
    Cursor *cur = NULL;
    if (loader_prepare_table(L, t, e) != PGM_OK || exec_prepare_lookups(L->c, t, e) != PGM_OK)
        return PGM_FAIL;
    const char *sql = rd && rd->sql ? rd->sql : t->src_sql;
    if (src->ops->query(src, sql, &cur, e) != PGM_OK ||
        (rd && rd->nparams && src->ops->bind(cur, rd->params, rd->nparams, e) != PGM_OK)) {
        src->ops->cursor_close(cur);
        err_prefix(e, "%s", t->label);
        return PGM_FAIL;
    }
    LastRow *last = rd ? rd->last : NULL;
    /* lookups that query the target need the connection between rows */
    L->stream_ok = !exec_lookups_need_connection(t);
    long batch = o->batch_override > 0 ? o->batch_override : t->batch;
    size_t ncols = src->ops->ncolumns(cur);
    Value *row = xcalloc(ncols ? ncols : 1, sizeof *row);
    int rc = PGM_OK, more = 0;
    Arena *scratch = arena_new();
    Batch b;
    batch_init(&b);
    RowCtx x = {.t = t, .row = row, .scratch = scratch, .L = L, .st = st, .b = &b,
                .rownum = st->read, .e = e, .quiet_upto = rd ? rd->quiet_upto : 0};
    x.binary = table_binary(L, o, t, e);
    if (x.binary < 0)
        rc = PGM_FAIL;
    buf_init(&x.cast);
    buf_init(&x.key);
    while (rc == PGM_OK && (more = src->ops->next(cur, row, e)) == 1)
        rc = take_row(&x, o, last, batch);
    if (more < 0)
        rc = PGM_FAIL;
    /* the last flush commits the table's end with its last rows, so no
     * crash can fall between "all rows committed" and "table done" */
    L->finishing = 1;
    if (rc == PGM_OK)
        rc = loader_flush(L, t, &b, st, e);   /* PGM_OK, PGM_FAIL or LOADER_RETRY */
    L->finishing = 0;
    if (rc == PGM_OK && over_limit(t, st, e))
        rc = PGM_FAIL;
    loader_stream_abort(L);   /* only when a failure left a COPY open */
    if (rc != PGM_OK && L->binary_refused)
        rc = loader_freeze_cancel(L, e);
    buf_free(&x.cast);
    buf_free(&x.key);
    batch_free(&b);
    arena_free(scratch);
    free(row);
    src->ops->cursor_close(cur);
    return rc;
}

/* Replace-mode tables are emptied together at the start, children and
 * parents in one statement so foreign keys between them do not object. */
int exec_truncate_replaced(const Plan *p, PGconn *c, PgmError *e)
{
    Buf sql;
    buf_init(&sql);
    for (size_t i = 0; i < p->n; i++) {
        const PlanTable *t = &p->tables[i];
        if (!t->truncate_sql)
            continue;
        buf_puts(&sql, sql.len ? ", " : "TRUNCATE ");
        pg_quote_qualified(c, &sql, t->tgt.schema, t->tgt.name);
    }
    int rc = sql.len ? pg_exec(c, sql.data, e) : PGM_OK;
    buf_free(&sql);
    return rc;
}

/* The ddl file's after part (keys, indexes, foreign keys, views), when
 * this run created the tables: in the transaction that ends the run, so
 * a key the data violates fails the run before it is marked finished. */
int exec_after_part(const Plan *p, PGconn *c, const ExecOptions *o, const int *skip, Report *report,
                    PgmError *e)
{
    if (!p->ddl || p->ddl->nafter == 0)
        return PGM_OK;
    double t0 = now_seconds();
    if (o->verbose)
        fprintf(stderr, "pgmap: running the after-load statements of %s\n", p->m->ddl);
    long ran = 0;
    int rc = ddl_exec_after_some(c, p->m->ddl, p->ddl, skip, -1, stderr, &report->ddl_skipped, &ran, e);
    report->ddl_after += ran;
    report->ddl_seconds += now_seconds() - t0;
    return rc;
}

int exec_each_row(Reader *src, const char *sql, int (*each)(void *arg, const Value *row), void *arg,
                  PgmError *e)
{
    Cursor *cur = NULL;
    if (src->ops->query(src, sql, &cur, e) != PGM_OK)
        return PGM_FAIL;
    size_t ncols = src->ops->ncolumns(cur);
    Value *row = xcalloc(ncols ? ncols : 1, sizeof *row);
    int rc = PGM_OK, more = 0;
    while (rc == PGM_OK && (more = src->ops->next(cur, row, e)) == 1)
        rc = each(arg, row);
    if (rc == PGM_OK && more < 0)
        rc = PGM_FAIL;
    free(row);
    src->ops->cursor_close(cur);
    return rc;
}

double exec_now(void)
{
    return now_seconds();
}

/* ---- one row at a time, for sync ---- */

struct RowConv {
    RowCtx x;
};

RowConv *rowconv_open(Loader *L, const PlanTable *t, TableStats *st, PgmError *e)
{
    RowConv *rc = xcalloc(1, sizeof *rc);
    rc->x = (RowCtx){.t = t, .scratch = arena_new(), .L = L, .st = st, .e = e};
    buf_init(&rc->x.cast);
    buf_init(&rc->x.key);
    return rc;
}

void rowconv_close(RowConv *rc)
{
    if (!rc)
        return;
    buf_free(&rc->x.cast);
    buf_free(&rc->x.key);
    arena_free(rc->x.scratch);
    free(rc);
}

int rowconv_row(RowConv *rc, const Value *row, Batch *b, int quiet)
{
    RowCtx *x = &rc->x;
    x->row = row;
    x->b = b;
    x->quiet = quiet;
    x->rownum = ++x->st->read;
    if (quiet)
        x->st->read--;   /* the first pass counted it */
    arena_reset(x->scratch);
    /* convert_row appends the row to b (through x->b) unless it is rejected */
    const size_t before = b->nrows;
    if (convert_row(x) != PGM_OK)
        return -1;
    return x->b->nrows != before;
}

int rowconv_key(RowConv *rc, const Value *row, Buf *out)
{
    RowCtx *x = &rc->x;
    x->row = row;
    x->quiet = 1;
    arena_reset(x->scratch);
    x->key_json = "{}";
    for (size_t k = 0; k < x->t->nkey; k++) {
        if (k)
            buf_putc(out, '\t');
        int rc2 = convert_column(x, &x->t->cols[x->t->key[k]], out);
        if (rc2 != COL_OK)
            return rc2 == COL_REJECT ? 0 : -1;
    }
    return 1;
}
