/* plan_resume.c - what makes a table resumable and syncable.
 * (An INTEGER PRIMARY KEY is the rowid under its own name: it is used
 * instead, so the statement reads as the user wrote the table.)
 *
 * Resuming needs a total order of the source rows that the source can
 * continue from: "every row after position P".  SQLite tables have one
 * for free, the rowid (a plain scan returns rowid order, so ORDER BY rowid
 * costs nothing); WITHOUT ROWID tables are stored in primary key order.  A
 * table read from a query has no known order: it is loaded in one
 * transaction instead, so it is either finished or not started.
 *
 * The fingerprint is the md5 of everything that decides which rows reach
 * the target and how they are converted (source statement, columns,
 * operations, types, key, mode), but not batch sizes or limits: a resumed
 * run must make the same rows as the run it continues. */
#include "plan_internal.h"
#include "md5.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plan_choose_order(ColCtx *x)
{
    PlanTable *t = x->t;
    const SrcShape *s = x->shape;
    t->cursor_src = -1;
    if (x->tm->query)
        return;
    int by_rowid = s->rowid && !s->pk_is_rowid;
    size_t n = by_rowid ? 1 : s->npk;
    t->order_src = xcalloc(n + 1, sizeof *t->order_src);
    if (by_rowid) {
        /* an expression item: written as is, since a quoted "rowid" that
         * names no column is a string literal in SQLite */
        char item[32];
        snprintf(item, sizeof item, "(%s)", s->rowid);
        int si = plan_select_item(t, item, x->cap);
        if (si >= 0)
            t->order_src[t->norder++] = si;
    } else {
        for (size_t k = 0; k < s->npk; k++) {
            int si = plan_select_item(t, s->pk[k], x->cap);
            if (si < 0) {
                t->norder = 0;
                break;
            }
            t->order_src[t->norder++] = si;
        }
    }
    if (x->tm->cursor)
        t->cursor_src = plan_select_item(t, x->tm->cursor, x->cap);
}

/* "item" quoted as build_source_sql does. */
static void put_item(Buf *b, const Reader *src, const char *item)
{
    if (item[0] == '(')
        buf_puts(b, item);
    else
        src->ops->quote_ident(b, item);
}

static void put_order(Buf *b, const PlanTable *t, const Reader *src)
{
    for (size_t k = 0; k < t->norder; k++) {
        if (k)
            buf_puts(b, ", ");
        put_item(b, src, t->src_cols[t->order_src[k]]);
    }
}

/* The SELECT list and FROM of src_sql, without WHERE or ORDER BY. */
static void select_from(Buf *b, const PlanTable *t, const Reader *src)
{
    buf_puts(b, "SELECT ");
    for (size_t i = 0; i < t->nsrc; i++) {
        if (i)
            buf_puts(b, ", ");
        put_item(b, src, t->src_cols[i]);
    }
    buf_puts(b, " FROM ");
    src->ops->quote_ident(b, t->source_label);
}

static void where_start(Buf *b, const PlanTable *t)
{
    if (t->map->where)
        buf_printf(b, " WHERE (%s) AND ", t->map->where);
    else
        buf_puts(b, " WHERE ");
}

void plan_build_resume_sql(PlanTable *t, const Reader *src)
{
    if (t->map->query || t->norder == 0)
        return;
    Buf b;
    buf_init(&b);
    /* the full read, in order */
    select_from(&b, t, src);
    if (t->map->where)
        buf_printf(&b, " WHERE %s", t->map->where);
    buf_puts(&b, " ORDER BY ");
    put_order(&b, t, src);
    free(t->src_sql);
    t->src_sql = buf_steal(&b);
    /* after a position: a row value comparison, one placeholder per column */
    select_from(&b, t, src);
    where_start(&b, t);
    buf_puts(&b, "(");
    put_order(&b, t, src);
    buf_puts(&b, ") > (");
    for (size_t k = 0; k < t->norder; k++) {
        if (k)
            buf_puts(&b, ", ");
        src->ops->placeholder(&b, (int)k + 1);
    }
    buf_puts(&b, ") ORDER BY ");
    put_order(&b, t, src);
    t->resume_sql = buf_steal(&b);
    if (t->cursor_src < 0)
        return;
    /* sync: from the mark on, ties included (>=); the key deduplicates */
    select_from(&b, t, src);
    where_start(&b, t);
    put_item(&b, src, t->src_cols[t->cursor_src]);
    buf_puts(&b, " >= ");
    src->ops->placeholder(&b, 1);
    buf_puts(&b, " ORDER BY ");
    put_item(&b, src, t->src_cols[t->cursor_src]);
    buf_puts(&b, ", ");
    put_order(&b, t, src);
    t->cursor_sql = buf_steal(&b);
}

static void fingerprint_column(Buf *b, const PlanTable *t, const PlanColumn *pc)
{
    buf_printf(b, "%s %s <- %s", pc->name, pc->tcol->type.name, pc->src_desc);
    for (size_t i = 0; i < t->nnull_if; i++)
        buf_printf(b, " null_if %s", t->null_if[i]);
    for (size_t i = 0; i < pc->nops; i++) {
        char desc[256];
        op_describe(&pc->ops[i], desc, sizeof desc);
        buf_printf(b, " | %s", desc);
    }
    /* A created table's NOT NULLs come from its ddl file's before part,
     * which never runs again for it, and from its primary key, made with
     * its last batch (run_after.c): only the key can add one between a
     * run and its resume, and that changes nothing about the rows already
     * loaded, so it must not refuse the resume. */
    int notnull = pc->tcol->notnull && !t->created;
    buf_printf(b, " | %s%s [%s %s]\n", notnull ? "not null" : "",
               pc->tcol->type.name, on_error_name(pc->on_error), pc->fallback ? pc->fallback : "");
}

void plan_fingerprint(PlanTable *t)
{
    Buf b;
    buf_init(&b);
    buf_printf(&b, "%s\n%s\n%s\n", t->label, t->src_sql, t->shape);
    /* A table this run created is loaded with plain inserts whatever its
     * mode and key (they matter from the next run on), and its key is made
     * with its last batch (run_after.c), after which the mode and key a
     * resumed run's plan implies from the target differ: what the target
     * implies must not refuse the resume; what the mapping declares does.
     * A dedup table's key decides which rows win, so it stays. */
    int implied = t->created && !t->dedup;
    if (!implied || t->map->mode != MODE_UNSET)
        buf_printf(&b, "mode %s\n", mode_name(t->later_mode != MODE_UNSET ? t->later_mode : t->mode));
    if (!implied || t->map->nkey) {
        buf_puts(&b, "key");
        for (size_t k = 0; k < t->nkey; k++)
            buf_printf(&b, " %s", t->cols[t->key[k]].name);
        buf_putc(&b, '\n');
    }
    for (size_t i = 0; i < t->ncols; i++)
        fingerprint_column(&b, t, &t->cols[i]);
    unsigned char d[16];
    md5_digest(b.data, b.len, d);
    for (int i = 0; i < 16; i++)
        snprintf(t->fingerprint + (size_t)2 * (size_t)i, 3, "%02x", d[i]);
    buf_free(&b);
}
