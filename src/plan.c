/* plan.c - compiles a mapping against the source and target catalogs into
 * a Plan (see plan.h): resolves every target column to a source column or
 * expression, checks every reference, chooses the conflict key and mode,
 * and reports every problem as file:line:col before anything is loaded. */
#include "plan_internal.h"
#include "ddl_exec.h"
#include "pgconn.h"

#include <stdlib.h>
#include <string.h>

const char *plan_schema_of(const Mapping *m, const TableMap *t)
{
    if (t->schema)
        return t->schema;
    return m->schema ? m->schema : "public";
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void target_prep_free(TargetPrep *prep)
{
    if (prep->ddl) {
        ddl_script_free(prep->ddl);
        free(prep->ddl);
    }
    free_strv(prep->created, prep->ncreated);
    memset(prep, 0, sizeof *prep);
}

/* Reads and splits the ddl file, then runs its before part. */
static int apply_ddl(const Mapping *m, PGconn *c, TargetPrep *prep, PgmError *e)
{
    char *sql = NULL;
    if (read_file(m->ddl, &sql, NULL, e) != PGM_OK) {
        err_prefix(e, "%s:%d:%d: ddl", m->file, m->ddl_pos.line, m->ddl_pos.col);
        return PGM_FAIL;
    }
    prep->ddl = xcalloc(1, sizeof *prep->ddl);
    int rc = ddl_script_parse(sql, m->ddl, prep->ddl, e);
    free(sql);
    if (rc != PGM_OK) {
        PgmError pe = *e;   /* "FILE:LINE: message" becomes "ddl FILE:LINE: message" */
        err_set(e, "ddl %s", pe.msg);
        return PGM_FAIL;
    }
    return ddl_exec_before(c, m->ddl, prep->ddl, e);
}

int plan_prepare_target(const Mapping *m, PGconn *c, Diags *d, TargetPrep *prep, PgmError *e)
{
    (void)d;
    memset(prep, 0, sizeof *prep);
    prep->created = xcalloc(m->ntables + 1, sizeof *prep->created);
    for (size_t i = 0; i < m->ntables; i++) {
        const TableMap *t = &m->tables[i];
        if (t->skip)
            continue;
        const char *schema = plan_schema_of(m, t);
        int found = catalog_table_exists(c, schema, t->target, e);
        if (found < 0) {
            target_prep_free(prep);
            return PGM_FAIL;
        }
        if (!found) {
            Buf b;
            buf_init(&b);
            buf_printf(&b, "%s.%s", schema, t->target);
            prep->created[prep->ncreated++] = buf_steal(&b);
        }
    }
    if (!prep->ncreated || !m->ddl) {
        target_prep_free(prep);
        return PGM_OK;
    }
    if (apply_ddl(m, c, prep, e) != PGM_OK) {
        target_prep_free(prep);
        return PGM_FAIL;
    }
    return PGM_OK;
}

int plan_prepare_resume(const Mapping *m, char *const *created, size_t ncreated,
                        TargetPrep *prep, PgmError *e)
{
    memset(prep, 0, sizeof *prep);
    if (ncreated == 0)
        return PGM_OK;
    if (!m->ddl) {
        err_set(e, "the unfinished run created its tables with a ddl file whose after-load part "
                   "has not run, and the mapping names no ddl file now; restore ddl: or start "
                   "over with pgmap run --restart");
        return PGM_FAIL;
    }
    char *sql = NULL;
    if (read_file(m->ddl, &sql, NULL, e) != PGM_OK)
        return PGM_FAIL;
    prep->ddl = xcalloc(1, sizeof *prep->ddl);
    int rc = ddl_script_parse(sql, m->ddl, prep->ddl, e);
    free(sql);
    prep->created = xcalloc(ncreated + 1, sizeof *prep->created);
    for (size_t i = 0; i < ncreated; i++)
        prep->created[prep->ncreated++] = xstrdup(created[i]);
    if (rc != PGM_OK)
        target_prep_free(prep);
    return rc;
}

/* ---- source side ---- */

static void srcshape_free(SrcShape *s)
{
    reader_free_names(s->names, s->n);
    reader_free_names(s->pk, s->npk);
    free(s->rowid);
    free(s->text);
    memset(s, 0, sizeof *s);
}

/* Results of the shape_* functions: a diagnostic was added (the table is
 * skipped, compiling goes on) or the source failed (e set, stop). */
enum { SHAPE_DIAG = 1, SHAPE_ERROR = -1 };

static int shape_from_query(Reader *src, const TableMap *t, SrcShape *s, Diags *d)
{
    Cursor *cur = NULL;
    PgmError qe = {0};
    if (src->ops->query(src, t->query, &cur, &qe) != PGM_OK) {
        diag_error(d, t->query_pos.line, t->query_pos.col, "query: %s", qe.msg);
        return SHAPE_DIAG;
    }
    s->n = src->ops->ncolumns(cur);
    s->names = xcalloc(s->n ? s->n : 1, sizeof *s->names);
    for (size_t i = 0; i < s->n; i++)
        s->names[i] = xstrdup(src->ops->column_name(cur, i));
    src->ops->cursor_close(cur);
    return PGM_OK;
}

static int shape_from_table(Reader *src, const TableMap *t, char **stored, SrcShape *s,
                            Diags *d, PgmError *e)
{
    const char *from = t->from ? t->from : t->target;
    Pos pos = t->from ? t->from_pos : t->pos;
    SrcTable st;
    int found = src->ops->describe(src, from, &st, e);
    if (found < 0)
        return SHAPE_ERROR;
    if (!found) {
        diag_error(d, pos.line, pos.col, "source table \"%s\" does not exist", from);
        return SHAPE_DIAG;
    }
    s->n = st.ncols;
    s->names = xcalloc(st.ncols ? st.ncols : 1, sizeof *s->names);
    s->pk = xcalloc(st.ncols ? st.ncols : 1, sizeof *s->pk);
    Buf text;
    buf_init(&text);
    for (size_t i = 0; i < st.ncols; i++) {
        s->names[i] = xstrdup(st.cols[i].name);
        buf_printf(&text, "%s%s %s", i ? ", " : "", st.cols[i].name, st.cols[i].decl_type);
        if (st.cols[i].pk_index > 0 && (size_t)st.cols[i].pk_index <= st.ncols)
            s->npk++;
    }
    s->pk_is_rowid = st.pk_is_rowid;
    /* In key order: pragma's pk is the 1-based position in the key. */
    for (size_t k = 1, n = 0; k <= s->npk; k++)
        for (size_t i = 0; i < st.ncols; i++)
            if ((size_t)st.cols[i].pk_index == k)
                s->pk[n++] = xstrdup(st.cols[i].name);
    s->rowid = st.rowid_name ? xstrdup(st.rowid_name) : NULL;
    buf_printf(&text, "%s", st.rowid_name ? "" : " (no rowid)");
    s->text = buf_steal(&text);
    *stored = xstrdup(st.name);
    srctable_free(&st);
    return PGM_OK;
}

/* SQLite names are case-insensitive; an exact match wins. */
static int shape_find(const SrcShape *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->names[i], name) == 0)
            return (int)i;
    for (size_t i = 0; i < s->n; i++)
        if (ascii_casecmp(s->names[i], name) == 0)
            return (int)i;
    return -1;
}

int plan_select_item(PlanTable *t, const char *item, size_t cap)
{
    for (size_t i = 0; i < t->nsrc; i++)
        if (strcmp(t->src_cols[i], item) == 0)
            return (int)i;
    if (t->nsrc == cap)
        return -1;
    t->src_cols[t->nsrc] = xstrdup(item);
    return (int)t->nsrc++;
}

/* ---- columns ---- */

static const ColumnMap *find_cmap(const TableMap *t, const char *target)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].target, target) == 0)
            return &t->cols[i];
    return NULL;
}

static int tcol_has_default(const TgtColumn *c)
{
    return c->default_expr || c->identity || c->generated;
}

/* Value of the column's `default` op (run on NULL), for on_error: default. */
static const char *op_default_text(const Plan *p, const ColumnMap *cm)
{
    for (size_t i = 0; cm && i < cm->nops; i++) {
        if (cm->ops[i].kind != OP_DEFAULT)
            continue;
        Value v = value_null();
        char msg[128];
        Arena *a = p->m->arena;
        if (op_run(&cm->ops[i], &v, a, msg, sizeof msg) == 0 && v.kind != VAL_NULL) {
            size_t len;
            const char *s = value_as_text(&v, a, &len);
            return arena_strndup(a, s, len);
        }
    }
    return NULL;
}

/* The target DEFAULT evaluated once (constants exact, now() = run start);
 * sequence defaults are not evaluated because that would consume values. */
static const char *target_default_text(const Plan *p, PGconn *c, const TgtColumn *tc)
{
    if (!tc->default_expr || strstr(tc->default_expr, "nextval("))
        return NULL;
    Buf sql;
    buf_init(&sql);
    buf_printf(&sql, "SELECT (%s)::text", tc->default_expr);
    PgmError e = {0};
    PGresult *r = pg_query(c, sql.data, 0, NULL, &e);
    buf_free(&sql);
    const char *out = NULL;
    if (r && PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
        out = arena_strdup(p->m->arena, PQgetvalue(r, 0, 0));
    PQclear(r);
    return out;
}


/* Resolves where target column tc gets its value; returns the source item
 * index, -1 when nothing fills it, -2 after a diagnostic. */
static int resolve_source(ColCtx *x, const TgtColumn *tc, const ColumnMap *cm, const char **desc)
{
    if (cm && cm->sql) {
        char *item = arena_printf(x->p->m->arena, "(%s)", cm->sql);
        *desc = cm->sql;
        if (x->tm->query) {
            diag_error(x->d, cm->sql_pos.line, cm->sql_pos.col,
                       "sql: cannot be used in a table read from a query (put it in the query)");
            return -2;
        }
        return plan_select_item(x->t, item, x->cap);
    }
    if (cm && cm->nfrom)
        return plan_resolve_list(x, cm, desc);
    const char *from = cm && cm->from ? cm->from : tc->name;
    return plan_resolve_from(x, from, cm, cm && cm->from ? cm->from_pos : cm ? cm->pos : x->tm->pos, desc);
}

int plan_resolve_from(ColCtx *x, const char *from, const ColumnMap *cm, Pos pos, const char **desc)
{
    int si = shape_find(x->shape, from);
    if (si < 0) {
        if (cm && !cm->from_glob) {
            diag_error(x->d, pos.line, pos.col, "source column \"%s\" does not exist in %s",
                       from, x->t->source_label);
            return -2;
        }
        return -1;
    }
    if (x->tm->query) {
        *desc = x->shape->names[si];
        return si;   /* query output columns are selected as they are */
    }
    int item = plan_select_item(x->t, x->shape->names[si], x->cap);
    *desc = item >= 0 ? x->t->src_cols[item] : NULL;
    return item;
}

static void add_column(ColCtx *x, size_t ti)
{
    const TgtColumn *tc = &x->t->tgt.cols[ti];
    const ColumnMap *cm = find_cmap(x->tm, tc->name);
    if (cm && cm->skip) {
        if (tc->notnull && !tcol_has_default(tc) && !cm->from_glob)
            diag_error(x->d, cm->pos.line, cm->pos.col,
                       "target column \"%s\" of %s is NOT NULL and has no default: it cannot be skipped",
                       tc->name, x->t->label);
        return;
    }
    if (tc->generated) {
        if (cm && !cm->from_glob)
            diag_error(x->d, cm->pos.line, cm->pos.col,
                       "target column \"%s\" is a generated column and cannot be filled", tc->name);
        return;
    }
    const char *desc = NULL;
    int src = resolve_source(x, tc, cm, &desc);
    if (src == -2)
        return;
    if (src < 0) {
        if (tc->notnull && !tcol_has_default(tc))
            diag_error(x->d, x->tm->pos.line, x->tm->pos.col,
                       "target column \"%s\" of %s is NOT NULL and has neither a source nor a default",
                       tc->name, x->t->label);
        return;
    }
    PlanColumn *pc = &x->t->cols[x->t->ncols++];
    pc->name = tc->name;
    pc->tcol = tc;
    pc->src = src;
    pc->src_desc = desc;
    pc->cmap = cm;
    pc->ops = cm ? cm->ops : NULL;
    pc->nops = cm ? cm->nops : 0;
    if (cm && cm->nfrom && plan_column_list(x, cm, pc) != PGM_OK)
        return;
    if (plan_bind_lookups(x, pc) != PGM_OK)
        return;
    pc->on_error = column_on_error(x->p->m, x->tm, cm);
    if (pc->on_error == ONERR_DEFAULT) {
        pc->fallback = op_default_text(x->p, cm);
        if (!pc->fallback)
            pc->fallback = target_default_text(x->p, x->c, tc);
    }
}

static void check_unknown_columns(ColCtx *x)
{
    for (size_t i = 0; i < x->tm->ncols; i++) {
        const ColumnMap *cm = &x->tm->cols[i];
        if (cm->from_glob || tgttable_column(&x->t->tgt, cm->target) >= 0)
            continue;
        diag_error(x->d, cm->pos.line, cm->pos.col, "target column \"%s\" does not exist in %s",
                   cm->target, x->t->label);
    }
}

static void note_dropped(PlanTable *t, const SrcShape *s)
{
    t->dropped = xcalloc(s->n ? s->n : 1, sizeof *t->dropped);
    for (size_t i = 0; i < s->n; i++) {
        int used = 0;
        for (size_t k = 0; k < t->ncols && !used; k++)
            used = t->cols[k].src_desc && strcmp(t->cols[k].src_desc, s->names[i]) == 0;
        if (!used)
            t->dropped[t->ndropped++] = xstrdup(s->names[i]);
    }
}

static int compile_columns(ColCtx *x)
{
    PlanTable *t = x->t;
    /* + 2: the rowid and the cursor may be selected besides the columns */
    x->cap = t->tgt.ncols + x->tm->ncols + x->shape->n + 3;
    t->src_cols = xcalloc(x->cap, sizeof *t->src_cols);
    t->cols = xcalloc(t->tgt.ncols ? t->tgt.ncols : 1, sizeof *t->cols);
    size_t before = x->d->errors;
    for (size_t i = 0; i < t->tgt.ncols; i++)
        add_column(x, i);
    check_unknown_columns(x);
    if (t->ncols == 0 && x->d->errors == before)
        diag_error(x->d, x->tm->pos.line, x->tm->pos.col,
                   "no column of %s can be filled from %s", t->label, t->source_label);
    if (x->tm->query) {
        /* the statement is the query itself: every output column is read,
         * by position (names in a query may repeat) */
        for (size_t i = 0; i < x->shape->n && i < x->cap; i++)
            t->src_cols[t->nsrc++] = xstrdup(x->shape->names[i]);
        for (size_t k = 0; k < t->ncols; k++)
            t->cols[k].src_desc = t->src_cols[t->cols[k].src];
    }
    note_dropped(t, x->shape);
    return x->d->errors == before ? PGM_OK : PGM_FAIL;
}

/* Compiles one table; returns PGM_FAIL on diagnostics (counted in d) and
 * -2 on a database error (e set). */
static int compile_table(Plan *p, const TableMap *tm, PlanTable *t, Reader *src, PGconn *c,
                         Diags *d, PgmError *e)
{
    const char *schema = plan_schema_of(p->m, tm);
    t->map = tm;
    t->label = arena_printf(p->m->arena, "%s.%s", schema, tm->target);
    for (size_t i = 0; p->ddl && i < p->ncreated; i++)
        t->created |= strcmp(p->created[i], t->label) == 0;
    int found = catalog_table(c, schema, tm->target, &t->tgt, e);
    if (found < 0)
        return -2;
    if (!found) {
        diag_error(d, tm->pos.line, tm->pos.col, "target table \"%s\" does not exist%s", t->label,
                   p->m->ddl ? " (not created by the ddl file either)" : " (and no ddl: file is given)");
        return PGM_FAIL;
    }
    SrcShape shape = {0};
    char *stored = NULL;
    int rc = tm->query ? shape_from_query(src, tm, &shape, d)
                       : shape_from_table(src, tm, &stored, &shape, d, e);
    if (rc != PGM_OK) {
        srcshape_free(&shape);
        return rc == SHAPE_ERROR ? -2 : PGM_FAIL;
    }
    t->source_label = stored ? stored : xstrdup("query");
    t->shape = xstrdup(shape.text ? shape.text : "query");
    ColCtx x = {p, c, tm, t, &shape, d, 0};
    rc = compile_columns(&x);
    if (rc == PGM_OK)
        rc = choose_key_and_mode(&x);
    if (rc == PGM_OK)
        rc = plan_check_dedup(&x);
    if (rc == PGM_OK) {
        choose_reject_ids(&x);
        plan_choose_order(&x);
    }
    srcshape_free(&shape);
    if (rc != PGM_OK)
        return PGM_FAIL;
    t->null_if = tm->null_if;
    t->nnull_if = tm->nnull_if;
    t->batch = table_batch(p->m, tm);
    t->reject_limit = table_reject_limit(p->m, tm);
    return PGM_OK;
}

int plan_compile(const Mapping *m, Reader *src, PGconn *c, Diags *d, TargetPrep *prep, Plan **out,
                 PgmError *e)
{
    Plan *p = xcalloc(1, sizeof *p);
    p->m = m;
    if (prep) {
        p->ddl = prep->ddl;
        p->created = prep->created;
        p->ncreated = prep->ncreated;
        p->ddl_applied = p->ddl != NULL;
        memset(prep, 0, sizeof *prep);
    }
    p->tables = xcalloc(m->ntables ? m->ntables : 1, sizeof *p->tables);
    *out = NULL;
    size_t before = d->errors;
    for (size_t i = 0; i < m->ntables; i++) {
        if (m->tables[i].skip)
            continue;
        PlanTable *t = &p->tables[p->n++];
        int rc = compile_table(p, &m->tables[i], t, src, c, d, e);
        if (rc == -2) {
            plan_free(p);
            return PGM_FAIL;
        }
    }
    if (d->errors > before) {
        err_set(e, "%s: %zu error%s in the mapping", m->file, d->errors - before,
                d->errors - before == 1 ? "" : "s");
        plan_free(p);
        return PGM_FAIL;
    }
    plan_sort(p, d);
    if (d->errors > before) {   /* load_order naming no table */
        err_set(e, "%s: %zu error%s in the mapping", m->file, d->errors - before,
                d->errors - before == 1 ? "" : "s");
        plan_free(p);
        return PGM_FAIL;
    }
    for (size_t i = 0; i < p->n; i++) {
        plan_build_sql(&p->tables[i], i, src, c);
        plan_build_resume_sql(&p->tables[i], src);
        plan_fingerprint(&p->tables[i]);
    }
    *out = p;
    return PGM_OK;
}

void plan_free(Plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        PlanTable *t = &p->tables[i];
        plan_restructure_free(t);
        tgttable_free(&t->tgt);
        free(t->source_label);
        free(t->src_sql);
        free_strv(t->src_cols, t->nsrc);
        free_strv(t->dropped, t->ndropped);
        free(t->cols);
        free(t->key);
        free(t->id_src);
        free(t->id_names);
        free(t->copy_sql);
        free(t->stage_name);
        free(t->stage_sql);
        free(t->merge_sql);
        free(t->truncate_sql);
        free(t->order_src);
        free(t->resume_sql);
        free(t->cursor_sql);
        free(t->shape);
    }
    free(p->tables);
    TargetPrep prep = {p->ddl, p->created, p->ncreated};
    target_prep_free(&prep);
    free(p->source_desc);
    free(p->target_desc);
    free(p);
}
