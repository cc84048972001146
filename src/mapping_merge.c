/* mapping_merge.c - merges glob entries ("*", "film_*", ...) into the
 * concrete tables, the effective-setting helpers, and mapping_free().
 *
 * Merge order for one table: matching globs from least to most specific
 * (more wildcard characters first; with as many wildcards, fewer literal
 * characters first; then file order), then the table as written.  Later layers win; maps merge (columns by name, then the keys of
 * a column), lists replace (key, null_if, ops).
 *
 * Ownership of compiled ops: the ColumnMap that compiled them owns them.  A
 * glob column merged into several tables is copied by value, so those
 * copies *borrow* the glob's Op array (same pointer).  mapping_free() frees
 * the ops of every glob column, and the ops of a concrete column only when
 * its array is not one of the globs' arrays.  Borrowing avoids recompiling
 * regexes per table; the pointer identity needs no flag in model.h. */
#include "mapping_internal.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>


/* Specificity of a glob: more wildcards = less specific; bracket
 * expressions count as one wildcard, like * and ?.  Between equal counts
 * more literal characters = more specific, so "film_*" beats "*" whatever
 * the file order.  Higher result = more specific. */
static long specificity(const char *p)
{
    long wild = 0, lit = 0;
    for (; *p; p++) {
        if (*p == '*' || *p == '?') {
            wild++;
        } else if (*p == '[') {
            /* "[]...]": a ] right after [ is a literal member */
            const char *e = p[1] ? strchr(p + 2, ']') : NULL;
            wild++;
            if (e)
                p = e;
        } else {
            lit++;
        }
    }
    return lit - wild * 100000;
}

static void merge_column(ColumnMap *r, const ColumnMap *o, int from_glob)
{
    r->pos = o->pos;
    if (!from_glob)
        r->from_glob = 0;
    /* from and sql are alternatives: the later layer's choice replaces both */
    if (o->from || o->nfrom) {
        r->from = o->from;
        r->from_list = o->from_list;
        r->nfrom = o->nfrom;
        r->from_pos = o->from_pos;
        r->sql = NULL;
    }
    if (o->sql) {
        r->sql = o->sql;
        r->sql_pos = o->sql_pos;
        r->from = NULL;
        r->from_list = NULL;
        r->nfrom = 0;
    }
    if (o->skip >= 0)
        r->skip = o->skip;
    if (o->ops_set) {
        r->ops = o->ops;
        r->nops = o->nops;
        r->ops_set = 1;
        r->ops_pos = o->ops_pos;
    }
    if (o->on_error)
        r->on_error = o->on_error;
}

/* Applies layer o over r; r->cols has room for every column of all layers. */
static void overlay(TableMap *r, const TableMap *o, int from_glob)
{
    if (o->schema)
        r->schema = o->schema;
    if (o->mode) {
        r->mode = o->mode;
        r->mode_pos = o->mode_pos;
    }
    if (o->key) {
        r->key = o->key;
        r->nkey = o->nkey;
        r->key_pos = o->key_pos;
    }
    if (o->null_if_set) {
        r->null_if = o->null_if;
        r->nnull_if = o->nnull_if;
        r->null_if_set = 1;
    }
    if (o->batch >= 0)
        r->batch = o->batch;
    if (o->on_error)
        r->on_error = o->on_error;
    if (o->reject_limit >= 0)
        r->reject_limit = o->reject_limit;
    if (o->skip >= 0)
        r->skip = o->skip;
    if (o->deletes) {
        r->deletes = o->deletes;
        r->deletes_pos = o->deletes_pos;
    }
    if (o->dedup) {
        r->dedup = o->dedup;
        r->dedup_col = o->dedup_col;
        r->dedup_pos = o->dedup_pos;
    }
    if (o->mark_column) {
        r->mark_column = o->mark_column;
        r->mark_pos = o->mark_pos;
    }
    if (o->lookback) {
        r->lookback = o->lookback;
        r->lookback_pos = o->lookback_pos;
        r->lookback_num = o->lookback_num;
        r->lookback_is_duration = o->lookback_is_duration;
    }
    for (size_t i = 0; i < o->ncols; i++) {
        ColumnMap *rc = NULL;
        for (size_t j = 0; j < r->ncols && !rc; j++)
            if (strcmp(r->cols[j].target, o->cols[i].target) == 0)
                rc = &r->cols[j];
        if (rc) {
            merge_column(rc, &o->cols[i], from_glob);
        } else {
            rc = &r->cols[r->ncols++];
            *rc = o->cols[i];
            rc->from_glob = from_glob;
        }
    }
}

/* Matching globs of table name, least specific first (stable). */
static size_t matching_globs(const Mapping *m, const char *name, size_t *idx, int *used)
{
    size_t n = 0;
    for (size_t g = 0; g < m->nglobs; g++) {
        if (fnmatch(m->globs[g].target, name, 0) != 0)
            continue;
        used[g] = 1;
        size_t k = n++;
        long sp = specificity(m->globs[g].target);
        while (k > 0 && specificity(m->globs[idx[k - 1]].target) > sp) {
            idx[k] = idx[k - 1];
            k--;
        }
        idx[k] = g;
    }
    return n;
}

static void normalise_skips(TableMap *t)
{
    t->skip = t->skip > 0;
    for (size_t i = 0; i < t->ncols; i++)
        t->cols[i].skip = t->cols[i].skip > 0;
}

static TableMap merge_table(const Mapping *m, const TableMap *t, size_t *idx, int *used)
{
    size_t ng = matching_globs(m, t->target, idx, used);
    size_t room = t->ncols;
    for (size_t i = 0; i < ng; i++)
        room += m->globs[idx[i]].ncols;

    TableMap r;
    memset(&r, 0, sizeof r);
    r.target = t->target;
    r.pos = t->pos;
    r.from = t->from;
    r.from_pos = t->from_pos;
    r.query = t->query;
    r.query_pos = t->query_pos;
    r.where = t->where;
    r.where_pos = t->where_pos;
    r.cursor = t->cursor;   /* one table's column: globs cannot carry it */
    r.cursor_pos = t->cursor_pos;
    r.batch = -1;
    r.reject_limit = -1;
    r.skip = -1;
    r.cols = arena_alloc(m->arena, (room ? room : 1) * sizeof *r.cols);
    for (size_t i = 0; i < ng; i++)
        overlay(&r, &m->globs[idx[i]], 1);
    overlay(&r, t, 0);
    normalise_skips(&r);
    return r;
}

void mapping_merge_globs(Mapping *m, struct Diags *d)
{
    size_t *idx = xcalloc(m->nglobs + 1, sizeof *idx);
    int *used = xcalloc(m->nglobs + 1, sizeof *used);
    TableMap *out = arena_alloc(m->arena, (m->ntables ? m->ntables : 1) * sizeof *out);
    for (size_t i = 0; i < m->ntables; i++)
        out[i] = merge_table(m, &m->tables[i], idx, used);
    m->tables = out;
    for (size_t g = 0; g < m->nglobs; g++) {
        normalise_skips(&m->globs[g]);
        if (!used[g])
            diag_warn(d, m->globs[g].pos.line, m->globs[g].pos.col,
                      "glob \"%s\" matches no table", m->globs[g].target);
    }
    free(idx);
    free(used);
}

/* ---- names and effective settings ---- */

const char *mode_name(LoadMode mode)
{
    switch (mode) {
    case MODE_INSERT: return "insert";
    case MODE_UPSERT: return "upsert";
    case MODE_IGNORE: return "ignore";
    case MODE_REPLACE: return "replace";
    case MODE_UNSET: break;
    }
    return "unset";
}

const char *on_error_name(OnError e)
{
    switch (e) {
    case ONERR_REJECT: return "reject";
    case ONERR_NULL: return "null";
    case ONERR_DEFAULT: return "default";
    case ONERR_ABORT: return "abort";
    case ONERR_UNSET: break;
    }
    return "unset";
}

long table_batch(const Mapping *m, const TableMap *t)
{
    if (t && t->batch > 0)
        return t->batch;
    return m && m->batch > 0 ? m->batch : 10000;
}

OnError column_on_error(const Mapping *m, const TableMap *t, const ColumnMap *c)
{
    if (c && c->on_error)
        return c->on_error;
    if (t && t->on_error)
        return t->on_error;
    return m && m->on_error ? m->on_error : ONERR_REJECT;
}

long table_reject_limit(const Mapping *m, const TableMap *t)
{
    if (t && t->reject_limit >= 0)
        return t->reject_limit;
    return m && m->reject_limit >= 0 ? m->reject_limit : -1;
}

/* ---- freeing ---- */

static void free_ops(ColumnMap *c)
{
    for (size_t i = 0; i < c->nops; i++)
        op_free(&c->ops[i]);
    c->nops = 0;
}

static int owned_by_glob(const Mapping *m, const Op *ops)
{
    for (size_t g = 0; g < m->nglobs; g++)
        for (size_t i = 0; i < m->globs[g].ncols; i++)
            if (m->globs[g].cols[i].ops == ops)
                return 1;
    return 0;
}

void mapping_free(Mapping *m)
{
    if (!m)
        return;
    for (size_t t = 0; t < m->ntables; t++)
        for (size_t i = 0; i < m->tables[t].ncols; i++)
            if (m->tables[t].cols[i].ops && !owned_by_glob(m, m->tables[t].cols[i].ops))
                free_ops(&m->tables[t].cols[i]);
    for (size_t g = 0; g < m->nglobs; g++)
        for (size_t i = 0; i < m->globs[g].ncols; i++)
            free_ops(&m->globs[g].cols[i]);
    arena_free(m->arena); /* m itself lives in its arena */
}
