/* mapping_restructure.c - the mapping keys for restructuring a database on
 * the way: a column's `from:` list (several source columns that one
 * operation combines), a table's `dedup:` rule and the top-level
 * `load_order:` (see pgmap-mapping(5), RESTRUCTURING).
 *
 * What needs the merged model or the catalogs (a `from:` list without a
 * combining operation, a dedup column that is not a target column, a
 * load_order entry that names no table) is checked by the plan compiler,
 * which sees the tables after globs are merged. */
#include "mapping_internal.h"

#include <string.h>

void key_col_from_list(Ctx *c, void *o, const YNode *v)
{
    ColumnMap *col = o;
    col->from_pos = pos_of(v);
    if (v->n == 0) {
        diag_error(c->d, v->line, v->col, "from: expected at least one source column");
        return;
    }
    col->from_list = arena_alloc(c->a, v->n * sizeof *col->from_list);
    col->nfrom = 0;
    for (size_t i = 0; i < v->n; i++) {
        const YNode *it = v->items[i];
        if (it->kind != YN_SCALAR || it->len == 0) {
            diag_error(c->d, it->line, it->col, "from: expected a source column name, got %s",
                       it->kind == YN_SCALAR ? "an empty string" : ynode_kind_name(it->kind));
            continue;
        }
        col->from_list[col->nfrom++] = str_of(c, it);
    }
    col->from = NULL;
}

static int dedup_word(const char *s, DedupRule *out)
{
    if (strcmp(s, "first") == 0)
        *out = DEDUP_FIRST;
    else if (strcmp(s, "last") == 0)
        *out = DEDUP_LAST;
    else
        return -1;
    return 0;
}

/* dedup: first | last | {keep: first|last} | {max: COLUMN} | {min: COLUMN} */
void key_dedup(Ctx *c, void *o, const YNode *v)
{
    TableMap *t = o;
    t->dedup_pos = pos_of(v);
    if (v->kind == YN_SCALAR) {
        if (dedup_word(v->str, &t->dedup) != 0)
            diag_error(c->d, v->line, v->col,
                       "dedup: expected first, last, {max: COLUMN} or {min: COLUMN}, got \"%s\"", v->str);
        return;
    }
    if (v->n != 1 || v->items[0]->kind != YN_SCALAR || v->items[1]->kind != YN_SCALAR) {
        diag_error(c->d, v->line, v->col, "dedup: expected one of keep: first|last, max: COLUMN, min: COLUMN");
        return;
    }
    const YNode *k = v->items[0], *val = v->items[1];
    if (strcmp(k->str, "keep") == 0) {
        if (dedup_word(val->str, &t->dedup) != 0)
            diag_error(c->d, val->line, val->col, "dedup: keep: expected first or last, got \"%s\"", val->str);
    } else if (strcmp(k->str, "max") == 0 || strcmp(k->str, "min") == 0) {
        if (val->len == 0) {
            diag_error(c->d, val->line, val->col, "dedup: %s: expected a target column name", k->str);
            return;
        }
        t->dedup = k->str[1] == 'a' ? DEDUP_MAX : DEDUP_MIN;
        t->dedup_col = str_of(c, val);
    } else {
        diag_error(c->d, k->line, k->col, "dedup: unknown rule \"%s\" (expected keep, max or min)", k->str);
    }
}

void key_load_order(Ctx *c, void *o, const YNode *v)
{
    Mapping *m = o;
    m->load_order = parse_str_list(c, "load_order", v, &m->nload_order);
    m->load_order_pos = pos_of(v);
    for (size_t i = 0; i < m->nload_order; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->load_order[i], m->load_order[j]) == 0)
                diag_error(c->d, v->items[i]->line, v->items[i]->col,
                           "load_order: \"%s\" is listed twice", m->load_order[i]);
}

/* A `from:` list beside `sql:` is reported by load_column; here: a list
 * whose entries all failed leaves the column with no source at all. */
void check_restructure_column(Ctx *c, const ColumnMap *col)
{
    if (col->from_list && col->nfrom == 0)
        diag_error(c->d, col->from_pos.line, col->from_pos.col, "from: no usable source column in the list");
}
