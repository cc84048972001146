/* mapping_load.c - builds the Mapping model (model.h) from the YAML tree.
 *
 * Each level of the file (top, table, column) has a table of allowed keys
 * {key, accepted node kinds, handler}; apply_keys() walks a YAML map against
 * such a table, so unknown keys and wrong node kinds are rejected in one
 * place, with a "did you mean" suggestion.  Every problem becomes a
 * diagnostic and loading goes on, so the user sees all of them at once.
 *
 * Tables are stored here as written; mapping_merge.c then merges the glob
 * entries into the concrete tables.  While loading, `skip` of tables and
 * columns is tri-state (-1 = not written) so a table can say `skip: false`
 * over a glob's `skip: true`; the merge turns it back into 0/1. */
#include "mapping_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* ---- column level ---- */

static void col_from(Ctx *c, void *o, const YNode *v)
{
    if (v->kind == YN_SEQ)
        key_col_from_list(c, o, v);
    else
        set_str(c, "from", v, &((ColumnMap *)o)->from, &((ColumnMap *)o)->from_pos);
}

static void col_sql(Ctx *c, void *o, const YNode *v)
{
    set_str(c, "sql", v, &((ColumnMap *)o)->sql, &((ColumnMap *)o)->sql_pos);
}

/* Failed items are left out (op_compile reported them); the load fails
 * anyway, so the column never runs with a partial pipeline. */
static void col_ops(Ctx *c, void *o, const YNode *v)
{
    ColumnMap *col = o;
    col->ops_set = 1;
    col->ops_pos = pos_of(v);
    col->ops = v->n ? arena_alloc(c->a, v->n * sizeof *col->ops) : NULL;
    col->nops = 0;
    for (size_t i = 0; i < v->n; i++) {
        Op op;
        if (op_compile(&op, v->items[i], c->d) == 0)
            col->ops[col->nops++] = op;
    }
}

static void col_on_error(Ctx *c, void *o, const YNode *v)
{
    parse_on_error(c, v, &((ColumnMap *)o)->on_error);
}

static void col_skip(Ctx *c, void *o, const YNode *v)
{
    parse_bool(c, "skip", v, &((ColumnMap *)o)->skip);
}

static const KeyDef column_keys[] = {
    {"from", K_SCALAR | K_SEQ, col_from},
    {"sql", K_SCALAR, col_sql},
    {"ops", K_SEQ, col_ops},
    {"on_error", K_SCALAR | K_NULL, col_on_error},
    {"skip", K_SCALAR, col_skip},
};

/* A column value is a source column name, a plain null (= skip) or a map. */
static void load_column(Ctx *c, const TableMap *t, ColumnMap *col, const YNode *k, const YNode *v)
{
    memset(col, 0, sizeof *col);
    col->target = str_of(c, k);
    col->pos = pos_of(k);
    col->skip = -1;
    if (ynode_is_null(v)) {
        col->skip = 1;
    } else if (v->kind == YN_SCALAR) {
        col_from(c, col, v);
    } else if (v->kind == YN_MAP) {
        char *where = arena_printf(c->a, "in column \"%s\" of table \"%s\"", col->target, t->target);
        apply_keys(c, column_keys, NELEM(column_keys), v, col, where);
        if ((col->from || col->nfrom) && col->sql)
            diag_error(c->d, col->sql_pos.line, col->sql_pos.col,
                       "sql: cannot be used together with from (line %d)", col->from_pos.line);
        check_restructure_column(c, col);
    } else {
        diag_error(c->d, v->line, v->col,
                   "column \"%s\": expected a source column name, a map or null, got a list",
                   col->target);
    }
}

/* ---- table level ---- */

static void tab_from(Ctx *c, void *o, const YNode *v)
{
    set_str(c, "from", v, &((TableMap *)o)->from, &((TableMap *)o)->from_pos);
}

static void tab_query(Ctx *c, void *o, const YNode *v)
{
    set_str(c, "query", v, &((TableMap *)o)->query, &((TableMap *)o)->query_pos);
}

static void tab_where(Ctx *c, void *o, const YNode *v)
{
    set_str(c, "where", v, &((TableMap *)o)->where, &((TableMap *)o)->where_pos);
}

static void tab_schema(Ctx *c, void *o, const YNode *v)
{
    ((TableMap *)o)->schema = nonempty(c, "schema", v);
}

static void tab_mode(Ctx *c, void *o, const YNode *v)
{
    static const char *const names[] = {"insert", "upsert", "ignore", "replace"};
    TableMap *t = o;
    for (size_t i = 0; i < NELEM(names); i++) {
        if (strcmp(v->str, names[i]) == 0) {
            t->mode = (LoadMode)(MODE_INSERT + (int)i);
            t->mode_pos = pos_of(v);
            return;
        }
    }
    diag_error(c->d, v->line, v->col,
               "mode: expected one of insert, upsert, ignore, replace, got \"%s\"", v->str);
}

static void tab_key(Ctx *c, void *o, const YNode *v)
{
    TableMap *t = o;
    size_t n;
    const char **k = parse_str_list(c, "key", v, &n);
    if (v->kind == YN_SEQ && v->n == 0) {
        diag_error(c->d, v->line, v->col, "key: expected at least one column");
        return;
    }
    t->key = k;
    t->nkey = n;
    t->key_pos = pos_of(v);
}

static void tab_null_if(Ctx *c, void *o, const YNode *v)
{
    TableMap *t = o;
    t->null_if = parse_str_list(c, "null_if", v, &t->nnull_if);
    t->null_if_set = 1;
}

static void tab_columns(Ctx *c, void *o, const YNode *v)
{
    TableMap *t = o;
    t->cols = arena_alloc(c->a, (v->n ? v->n : 1) * sizeof *t->cols);
    t->ncols = 0;
    for (size_t i = 0; i < v->n; i++) {
        const YNode *k = v->items[2 * i];
        if (k->kind != YN_SCALAR || k->len == 0) {
            diag_error(c->d, k->line, k->col, "expected a column name, got %s%s",
                       k->kind == YN_SCALAR ? "an empty string" : "a ",
                       k->kind == YN_SCALAR ? "" : ynode_kind_name(k->kind));
            continue;
        }
        load_column(c, t, &t->cols[t->ncols++], k, v->items[2 * i + 1]);
    }
}

static void tab_batch(Ctx *c, void *o, const YNode *v)
{
    parse_count(c, "batch", v, 1, &((TableMap *)o)->batch);
}

static void tab_on_error(Ctx *c, void *o, const YNode *v)
{
    parse_on_error(c, v, &((TableMap *)o)->on_error);
}

static void tab_reject_limit(Ctx *c, void *o, const YNode *v)
{
    parse_count(c, "reject_limit", v, 0, &((TableMap *)o)->reject_limit);
}

static void tab_skip(Ctx *c, void *o, const YNode *v)
{
    parse_bool(c, "skip", v, &((TableMap *)o)->skip);
}

static const KeyDef table_keys[] = {
    {"from", K_SCALAR, tab_from},
    {"query", K_SCALAR, tab_query},
    {"where", K_SCALAR, tab_where},
    {"schema", K_SCALAR, tab_schema},
    {"mode", K_SCALAR, tab_mode},
    {"key", K_SCALAR | K_SEQ, tab_key},
    {"null_if", K_SCALAR | K_SEQ, tab_null_if},
    {"columns", K_MAP, tab_columns},
    {"batch", K_SCALAR, tab_batch},
    {"on_error", K_SCALAR | K_NULL, tab_on_error},
    {"reject_limit", K_SCALAR, tab_reject_limit},
    {"skip", K_SCALAR, tab_skip},
    {"cursor", K_SCALAR, key_cursor},
    {"lookback", K_SCALAR, key_lookback},
    {"deletes", K_SCALAR, key_deletes},
    {"mark_column", K_SCALAR, key_mark_column},
    {"dedup", K_SCALAR | K_MAP, key_dedup},
};

/* Source selection is per concrete table: a glob naming a source would
 * load every matching table from the same place. */
static void check_table(Ctx *c, const TableMap *t)
{
    if (t->is_glob) {
        const Pos *p = t->from ? &t->from_pos : t->query ? &t->query_pos : t->where ? &t->where_pos : NULL;
        if (p)
            diag_error(c->d, p->line, p->col,
                       "%s: not allowed in glob \"%s\" (globs only carry settings)",
                       t->from ? "from" : t->query ? "query" : "where", t->target);
        return;
    }
    if (t->from && t->query)
        diag_error(c->d, t->query_pos.line, t->query_pos.col,
                   "query: cannot be used together with from (line %d)", t->from_pos.line);
    if (t->where && t->query)
        diag_error(c->d, t->where_pos.line, t->where_pos.col,
                   "where: cannot be used with query (put the condition in the query)");
}

/* A table value is a source table name, null (all defaults) or a map. */
static void load_table(Ctx *c, TableMap *t, const YNode *k, const YNode *v)
{
    memset(t, 0, sizeof *t);
    t->target = str_of(c, k);
    t->pos = pos_of(k);
    t->is_glob = strpbrk(t->target, "*?[") != NULL;
    t->batch = -1;
    t->reject_limit = -1;
    t->skip = -1;
    if (ynode_is_null(v)) {
        return;
    } else if (v->kind == YN_SCALAR) {
        tab_from(c, t, v);
    } else if (v->kind == YN_MAP) {
        char *where = arena_printf(c->a, "in table \"%s\"", t->target);
        apply_keys(c, table_keys, NELEM(table_keys), v, t, where);
    } else {
        diag_error(c->d, v->line, v->col,
                   "table \"%s\": expected a source table name, a map or null, got a list",
                   t->target);
        return;
    }
    check_table(c, t);
    if (!t->is_glob)
        check_sync_keys(c, t);
    else if (t->cursor)
        diag_error(c->d, t->cursor_pos.line, t->cursor_pos.col,
                   "cursor: not allowed in glob \"%s\" (a cursor names one table's column)", t->target);
}

static void top_tables(Ctx *c, void *o, const YNode *v)
{
    Mapping *m = o;
    size_t cap = v->n ? v->n : 1;
    m->tables = arena_alloc(c->a, cap * sizeof *m->tables);
    m->globs = arena_alloc(c->a, cap * sizeof *m->globs);
    for (size_t i = 0; i < v->n; i++) {
        const YNode *k = v->items[2 * i];
        if (k->kind != YN_SCALAR || k->len == 0) {
            diag_error(c->d, k->line, k->col, "expected a table name, got %s%s",
                       k->kind == YN_SCALAR ? "an empty string" : "a ",
                       k->kind == YN_SCALAR ? "" : ynode_kind_name(k->kind));
            continue;
        }
        TableMap t;
        load_table(c, &t, k, v->items[2 * i + 1]);
        if (t.is_glob)
            m->globs[m->nglobs++] = t;
        else
            m->tables[m->ntables++] = t;
    }
    if (v->n == 0)
        diag_error(c->d, v->line, v->col, "tables: expected at least one table");
    else if (m->ntables == 0)
        diag_error(c->d, v->line, v->col,
                   "tables: no table to load (glob entries only carry settings)");
}

/* ---- top level ---- */

static void top_version(Ctx *c, void *o, const YNode *v)
{
    long n;
    if (yscalar_long(v, &n) == 0 && n == 1)
        ((Mapping *)o)->version = 1;
    else
        diag_error(c->d, v->line, v->col, "version: only version 1 is supported, got \"%s\"", v->str);
}

static void top_source(Ctx *c, void *o, const YNode *v)
{
    Mapping *m = o;
    const char *s = nonempty(c, "source", v);
    m->source = s && !has_scheme(s) ? resolve_path(c, s) : s;
    m->source_pos = pos_of(v);
}

static void top_target(Ctx *c, void *o, const YNode *v)
{
    Mapping *m = o;
    m->target = v->len ? str_of(c, v) : NULL; /* empty = PG* environment */
    m->target_pos = pos_of(v);
}

static void top_schema(Ctx *c, void *o, const YNode *v)
{
    ((Mapping *)o)->schema = nonempty(c, "schema", v);
}

static void top_ddl(Ctx *c, void *o, const YNode *v)
{
    Mapping *m = o;
    const char *s = nonempty(c, "ddl", v);
    m->ddl = s ? resolve_path(c, s) : NULL;
    m->ddl_pos = pos_of(v);
}

static void top_rejects(Ctx *c, void *o, const YNode *v)
{
    const char *s = nonempty(c, "rejects", v);
    ((Mapping *)o)->rejects = s ? resolve_path(c, s) : NULL;
}

static void top_batch(Ctx *c, void *o, const YNode *v)
{
    parse_count(c, "batch", v, 1, &((Mapping *)o)->batch);
}

static void top_on_error(Ctx *c, void *o, const YNode *v)
{
    parse_on_error(c, v, &((Mapping *)o)->on_error);
}

static void top_reject_limit(Ctx *c, void *o, const YNode *v)
{
    parse_count(c, "reject_limit", v, 0, &((Mapping *)o)->reject_limit);
}

static const KeyDef top_keys[] = {
    {"version", K_SCALAR, top_version},
    {"name", K_SCALAR, key_name},
    {"source", K_SCALAR, top_source},
    {"target", K_SCALAR, top_target},
    {"schema", K_SCALAR, top_schema},
    {"ddl", K_SCALAR, top_ddl},
    {"rejects", K_SCALAR, top_rejects},
    {"batch", K_SCALAR, top_batch},
    {"on_error", K_SCALAR | K_NULL, top_on_error},
    {"reject_limit", K_SCALAR, top_reject_limit},
    {"tables", K_MAP, top_tables},
    {"load_order", K_SEQ, key_load_order},
};

static void build(Ctx *c, const YNode *root)
{
    if (root->kind != YN_MAP) {
        diag_error(c->d, root->line, root->col, "expected a map of settings at the top level, got a %s",
                   ynode_kind_name(root->kind));
        return;
    }
    apply_keys(c, top_keys, NELEM(top_keys), root, c->m, "at the top level");
    const YNode *tables = ymap_get(root, "tables");
    if (!tables || ynode_is_null(tables))
        diag_error(c->d, 0, 0, "missing \"tables\": nothing to load");
}

/* ---- entry points ---- */

static Mapping *mapping_new(const char *file, const char *dir)
{
    Arena *a = arena_new();
    Mapping *m = arena_alloc(a, sizeof *m);
    m->arena = a;
    m->file = arena_strdup(a, file);
    m->dir = arena_strdup(a, dir);
    m->version = 1;
    m->batch = -1;
    m->reject_limit = -1;
    return m;
}

static Mapping *finish(Mapping *m, const YNode *root, Diags *d, size_t errors_before)
{
    Ctx c = {m, d, m->arena};
    if (root)
        build(&c, root);
    if (d->errors > errors_before) {
        mapping_free(m);
        return NULL;
    }
    mapping_merge_globs(m, d);
    return m;
}

Mapping *mapping_load(const char *path, Diags *d)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
    Mapping *m = mapping_new(path, dir);
    free(dir);
    size_t before = d->errors;
    const YNode *root = yaml_doc_load(path, m->arena, d);
    return finish(m, root, d, before);
}

Mapping *mapping_load_string(const char *name, const char *text, Diags *d)
{
    Mapping *m = mapping_new(name, ".");
    size_t before = d->errors;
    const YNode *root = yaml_doc_load_string(name, text, m->arena, d);
    return finish(m, root, d, before);
}
