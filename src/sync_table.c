/* sync_table.c - one table of a sync (see sync.c): the cursor read, the
 * bucket comparison and the shipping of differing buckets, and deletes. */
#include "sync_internal.h"
#include "pgconn.h"
#include "timeparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- deletes: mark ---- */

int sync_mark_setup(SyncCtx *x, size_t i)
{
    const PlanTable *t = &x->s->plan->tables[i];
    SyncTable *tab = &x->tabs[i];
    const char *col = t->map->mark_column;
    int ci = tgttable_column(&t->tgt, col);
    for (size_t k = 0; ci >= 0 && k < t->ncols; k++) {
        if (strcmp(t->cols[k].name, col) == 0) {
            err_set(&x->s->e, "%s:%d:%d: %s: mark_column %s is filled by the mapping; it must be left "
                              "to sync", x->s->m->file, t->map->mark_pos.line, t->map->mark_pos.col,
                    t->label, col);
            return PGM_FAIL;
        }
    }
    PgTypeKind kind = ci >= 0 ? t->tgt.cols[ci].type.kind : PT_OTHER;
    if (kind != PT_BOOL && kind != PT_TIMESTAMP && kind != PT_TIMESTAMPTZ) {
        err_set(&x->s->e, "%s:%d:%d: %s: mark_column %s %s; it must be a boolean or timestamp column",
                x->s->m->file, t->map->mark_pos.line, t->map->mark_pos.col, t->label, col,
                ci < 0 ? "does not exist" : "has another type");
        return PGM_FAIL;
    }
    Buf q;
    buf_init(&q);
    buf_puts(&q, "t.");
    pg_quote_ident(x->s->c, &q, col);
    Buf b;
    buf_init(&b);
    buf_printf(&b, kind == PT_BOOL ? "%s IS NOT TRUE" : "%s IS NULL", q.data);
    tab->live = buf_steal(&b);
    buf_printf(&b, kind == PT_BOOL ? "%s = true" : "%s = clock_timestamp()", q.data + 2);
    tab->mark_set = buf_steal(&b);
    buf_printf(&b, kind == PT_BOOL ? "%s = false" : "%s = NULL", q.data + 2);
    tab->unmark = buf_steal(&b);
    buf_free(&q);
    return PGM_OK;
}

/* ---- the cursor ---- */

/* SQLite's order for the values a cursor holds: numbers, then text, then
 * blobs (NULL never passes `>=`). */
static int value_cmp(const Value *a, const Value *b)
{
    int ra = a->kind == VAL_INT || a->kind == VAL_REAL || a->kind == VAL_BOOL ? 1 : a->kind == VAL_TEXT ? 2 : a->kind == VAL_BLOB ? 3 : 0;
    int rb = b->kind == VAL_INT || b->kind == VAL_REAL || b->kind == VAL_BOOL ? 1 : b->kind == VAL_TEXT ? 2 : b->kind == VAL_BLOB ? 3 : 0;
    if (ra != rb)
        return ra - rb;
    if (ra == 1) {
        double da = a->kind == VAL_REAL ? a->d : (double)a->i, db = b->kind == VAL_REAL ? b->d : (double)b->i;
        return da < db ? -1 : da > db;
    }
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->s, b->s, n) : 0;
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The mark less the lookback, as the parameter of the cursor statement. */
static int mark_param(SyncCtx *x, const PlanTable *t, const StatePos *mark, Arena *a, Value *out)
{
    Value v = statepos_value(mark, 0, a);
    const TableMap *tm = t->map;
    *out = v;
    if (!tm->lookback || tm->lookback_num == 0)
        return PGM_OK;
    if (v.kind == VAL_INT || v.kind == VAL_REAL) {
        double d = (v.kind == VAL_INT ? (double)v.i : v.d) - tm->lookback_num;
        *out = v.kind == VAL_INT && d == (double)(int64_t)d ? value_int((int64_t)d) : value_real(d);
        return PGM_OK;
    }
    TimeParts tp;
    if (v.kind != VAL_TEXT || !tm->lookback_is_duration ||
        tp_parse_iso(v.s, v.len, &tp, 0) != TP_OK) {
        err_set(&x->s->e, "%s:%d:%d: %s: lookback %s cannot be subtracted from the cursor's mark \"%s\" "
                          "(a duration needs an ISO date/time text or epoch number)",
                x->s->m->file, tm->lookback_pos.line, tm->lookback_pos.col, t->label, tm->lookback,
                mark->vals[0]);
        return PGM_FAIL;
    }
    int64_t secs = tp_days_from_civil(tp.year, tp.month, tp.day) * 86400 + (int64_t)tp.hour * 3600 +
                   (int64_t)tp.minute * 60 + tp.second - (int64_t)tm->lookback_num;
    int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400), y;
    int64_t rem = secs - days * 86400;
    tp_civil_from_days(days, &y, &tp.month, &tp.day);
    tp.year = (int)y;
    tp.hour = (int)(rem / 3600);
    tp.minute = (int)(rem / 60 % 60);
    tp.second = (int)(rem % 60);
    tp.usec = 0;
    char buf[64];
    tp_format_datetime(&tp, buf, sizeof buf);
    if (v.len > 10 && v.s[10] == 'T')
        buf[10] = 'T';   /* compared as text in the source: keep its separator */
    *out = value_text(arena_strdup(a, buf), strlen(buf));
    return PGM_OK;
}

static int cursor_phase(SyncCtx *x, const PlanTable *t, const StatePos *mark, TableStats *st,
                        StatePos *newmark)
{
    Arena *a = arena_new();
    Value param;
    int rc = mark_param(x, t, mark, a, &param);
    LastRow last;
    lastrow_init(&last, &t->cursor_src, 1);
    TableRead rd = {.sql = t->cursor_sql, .params = &param, .nparams = 1, .last = &last};
    if (rc == PGM_OK)
        rc = exec_table(&x->L, x->s->src, &x->eo, t, &rd, st, &x->s->e);
    if (rc == PGM_OK && last.any)
        lastrow_pos(&last, newmark);
    lastrow_free(&last);
    arena_free(a);
    return rc;
}

/* ---- the comparison ---- */

typedef struct Pass {
    SyncCtx *x;
    const PlanTable *t;
    SyncTable *tab;
    TableStats *st;
    Batch b;
    Buf keys;          /* shipped keys, COPY lines for pgmap_seen_N */
    Buf kf;
    RowConv *rc;
    Value best;        /* pass 1 of a first cursor sync: the largest cursor */
    Buf best_store;
    int have_best;
} Pass;

static void keep_best(Pass *ps, const Value *row)
{
    const Value *v = &row[ps->t->cursor_src];
    if (v->kind == VAL_NULL || (ps->have_best && value_cmp(v, &ps->best) <= 0))
        return;
    ps->best = *v;
    if (v->kind == VAL_TEXT || v->kind == VAL_BLOB) {
        buf_reset(&ps->best_store);
        buf_append(&ps->best_store, v->s ? v->s : "", v->len);
        ps->best.s = ps->best_store.data ? ps->best_store.data : "";
    }
    ps->have_best = 1;
}

/* Pass 1: every source row into the sums. */
static int pass_sum(void *arg, const Value *row)
{
    Pass *ps = arg;
    SyncDiff *d = &ps->tab->diff;
    if (ps->t->cursor_src >= 0)
        keep_best(ps, row);
    if (d->key_only) {
        buf_reset(&ps->kf);
        int k = rowconv_key(ps->rc, row, &ps->kf);
        if (k > 0)
            syncdiff_add_key(d, ps->kf.data, ps->kf.len);
        return k < 0 ? PGM_FAIL : PGM_OK;
    }
    int got = rowconv_row(ps->rc, row, &ps->b, 0);
    if (got > 0) {
        size_t n = ps->b.nrows - 1;
        syncdiff_add(d, ps->b.data.data + ps->b.off[n], ps->b.off[n + 1] - ps->b.off[n] - 1);
    }
    batch_clear(&ps->b);
    return got < 0 ? PGM_FAIL : PGM_OK;
}

static int flush_keys(Pass *ps, size_t i)
{
    if (ps->keys.len == 0)
        return PGM_OK;
    char sql[64];
    snprintf(sql, sizeof sql, "COPY pg_temp.pgmap_seen_%zu FROM STDIN", i);
    int rc = pg_copy_in(ps->x->s->c, sql, ps->keys.data, ps->keys.len, &ps->x->s->e);
    buf_reset(&ps->keys);
    return rc;
}

/* Pass 2: the rows of differing buckets, shipped. */
static int pass_ship(void *arg, const Value *row)
{
    Pass *ps = arg;
    SyncDiff *d = &ps->tab->diff;
    buf_reset(&ps->kf);
    int k = rowconv_key(ps->rc, row, &ps->kf);
    if (k <= 0)
        return k < 0 ? PGM_FAIL : PGM_OK;
    if (!d->differs[syncdiff_bucket(d, ps->kf.data, ps->kf.len)])
        return PGM_OK;
    buf_append(&ps->keys, ps->kf.data, ps->kf.len);
    buf_putc(&ps->keys, '\n');
    /* pass 1 recorded this row's problems, unless it only summed keys */
    if (rowconv_row(ps->rc, row, &ps->b, !d->key_only) < 0)
        return PGM_FAIL;
    long batch = ps->x->eo.batch_override > 0 ? ps->x->eo.batch_override : ps->t->batch;
    if ((long)ps->b.nrows < batch && ps->b.data.len < (size_t)16 << 20)
        return PGM_OK;
    if (loader_flush(&ps->x->L, ps->t, &ps->b, ps->st, &ps->x->s->e) != PGM_OK)
        return PGM_FAIL;
    return flush_keys(ps, (size_t)(ps->tab - ps->x->tabs));
}

static int make_seen(SyncCtx *x, const PlanTable *t, size_t i)
{
    Buf sql;
    buf_init(&sql);
    buf_printf(&sql, "CREATE TEMP TABLE pgmap_seen_%zu AS SELECT ", i);
    for (size_t k = 0; k < t->nkey; k++) {
        buf_puts(&sql, k ? ", " : "");
        pg_quote_ident(x->s->c, &sql, t->cols[t->key[k]].name);
    }
    buf_puts(&sql, " FROM ");
    pg_quote_qualified(x->s->c, &sql, t->tgt.schema, t->tgt.name);
    buf_puts(&sql, " WITH NO DATA");
    int rc = pg_exec(x->s->c, sql.data, &x->s->e);
    buf_free(&sql);
    return rc;
}

static int compare_and_ship(Pass *ps, size_t i, int key_only)
{
    SyncCtx *x = ps->x;
    SyncDiff *d = &ps->tab->diff;
    if (syncdiff_init(d, ps->t, x->s->c, key_only, ps->tab->live, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    /* The target's checksums are computed while the source is read, unless
     * a lookup must ask the target (the connection is then in use). */
    int overlap = !exec_lookups_need_connection(ps->t);
    if (overlap && syncdiff_send(d, x->s->c, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    if (exec_each_row(x->s->src, ps->t->src_sql, pass_sum, ps, &x->s->e) != PGM_OK) {
        if (overlap)
            syncdiff_abandon(d, x->s->c);
        return PGM_FAIL;
    }
    if (!overlap && syncdiff_send(d, x->s->c, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    long same = 0;
    if (syncdiff_compare(d, x->s->c, &same, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    if (!key_only)
        ps->st->unchanged += same;
    if (x->o->verbose)
        fprintf(stderr, "pgmap: %s: %ld of %ld buckets differ%s\n", ps->t->label, d->ndiffer, d->nb,
                key_only ? " (keys)" : "");
    if (d->ndiffer == 0)
        return PGM_OK;
    if (make_seen(x, ps->t, i) != PGM_OK)
        return PGM_FAIL;
    ps->tab->seen_made = 1;
    if (exec_each_row(x->s->src, ps->t->src_sql, pass_ship, ps, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    if (loader_flush(&x->L, ps->t, &ps->b, ps->st, &x->s->e) != PGM_OK)
        return PGM_FAIL;
    return flush_keys(ps, i);
}

int sync_table(SyncCtx *x, size_t i, TableStats *st)
{
    const PlanTable *t = &x->s->plan->tables[i];
    Pass ps;
    memset(&ps, 0, sizeof ps);
    ps.x = x;
    ps.t = t;
    ps.tab = &x->tabs[i];
    ps.st = st;
    batch_init(&ps.b);
    buf_init(&ps.keys);
    buf_init(&ps.kf);
    buf_init(&ps.best_store);
    ps.rc = rowconv_open(&x->L, t, st, &x->s->e);
    if (ps.rc && exec_prepare_lookups(x->s->c, t, &x->s->e) != PGM_OK) {
        rowconv_close(ps.rc);
        ps.rc = NULL;
    }
    StatePos mark = {0}, newmark = {0};
    int has_mark = t->cursor_src >= 0 ? state_get_mark(x->s->c, x->name, t->label, &mark, &x->s->e) : 0;
    int rc = has_mark < 0 || !ps.rc ? PGM_FAIL : PGM_OK;
    if (rc == PGM_OK && has_mark == 1) {
        rc = cursor_phase(x, t, &mark, st, &newmark);
        if (rc == PGM_OK && t->map->deletes != DEL_IGNORE)
            rc = compare_and_ship(&ps, i, 1);
    } else if (rc == PGM_OK) {
        rc = compare_and_ship(&ps, i, 0);
        if (rc == PGM_OK && ps.have_best)
            statepos_add(&newmark, &ps.best);
    }
    if (rc == PGM_OK && newmark.n)
        rc = state_set_mark(x->s->c, x->name, t->label, t->map->cursor, x->run_id, &newmark, &x->s->e);
    statepos_free(&mark);
    statepos_free(&newmark);
    rowconv_close(ps.rc);
    batch_free(&ps.b);
    buf_free(&ps.keys);
    buf_free(&ps.kf);
    buf_free(&ps.best_store);
    return rc;
}

/* ---- deletes ---- */

/* "s.k1 = t.k1 AND s.k2 = t.k2" */
static void key_join(PGconn *c, const PlanTable *t, Buf *sql)
{
    for (size_t k = 0; k < t->nkey; k++) {
        const char *name = t->cols[t->key[k]].name;
        buf_puts(sql, k ? " AND s." : "s.");
        pg_quote_ident(c, sql, name);
        buf_puts(sql, " = t.");
        pg_quote_ident(c, sql, name);
    }
}

int sync_deletes(SyncCtx *x, size_t i)
{
    const PlanTable *t = &x->s->plan->tables[i];
    SyncTable *tab = &x->tabs[i];
    if (!tab->seen_made || t->map->deletes == DEL_IGNORE)
        return PGM_OK;
    Buf sql, arr;
    buf_init(&sql);
    buf_init(&arr);
    syncdiff_bucket_array(&tab->diff, &arr);
    int mark = t->map->deletes == DEL_MARK;
    buf_puts(&sql, mark ? "UPDATE " : "DELETE FROM ");
    pg_quote_qualified(x->s->c, &sql, t->tgt.schema, t->tgt.name);
    buf_puts(&sql, " t ");
    if (mark)
        buf_printf(&sql, "SET %s ", tab->mark_set);
    buf_puts(&sql, "WHERE ");
    syncdiff_bucket_sql(&tab->diff, x->s->c, &sql);
    buf_printf(&sql, " = ANY($1::int[]) AND NOT EXISTS (SELECT 1 FROM pg_temp.pgmap_seen_%zu s WHERE ", i);
    key_join(x->s->c, t, &sql);
    buf_puts(&sql, ")");
    if (mark)
        buf_printf(&sql, " AND %s", tab->live);
    const char *params[] = {arr.data};
    long n = pg_command(x->s->c, sql.data, 1, params, &x->s->e);
    if (n >= 0)
        x->rep.tables[i].deleted += n;
    if (n >= 0 && mark) {
        /* rows marked earlier whose key came back */
        buf_reset(&sql);
        buf_puts(&sql, "UPDATE ");
        pg_quote_qualified(x->s->c, &sql, t->tgt.schema, t->tgt.name);
        buf_printf(&sql, " t SET %s WHERE NOT (%s) AND EXISTS (SELECT 1 FROM pg_temp.pgmap_seen_%zu s WHERE ",
                   tab->unmark, tab->live, i);
        key_join(x->s->c, t, &sql);
        buf_puts(&sql, ")");
        n = pg_command(x->s->c, sql.data, 0, NULL, &x->s->e);
    }
    buf_free(&sql);
    buf_free(&arr);
    return n < 0 ? PGM_FAIL : PGM_OK;
}
