/* plan_restructure.c - the parts of the plan compiler that restructure on
 * the way: a column filled from several source columns (`from:` list), the
 * `lookup` operations checked against the target catalog and given their
 * runtime, and `dedup` (which row wins per key, merged at the end of the
 * table from a stage that holds every row; see loader_dedup.c). */
#include "plan_internal.h"
#include "lookup.h"
#include "pgconn.h"

#include <stdlib.h>
#include <string.h>

int plan_resolve_list(ColCtx *x, const ColumnMap *cm, const char **desc)
{
    int first = -2;
    Buf b;
    buf_init(&b);
    for (size_t i = 0; i < cm->nfrom; i++) {
        const char *d = NULL;
        int si = plan_resolve_from(x, cm->from_list[i], cm, cm->from_pos, &d);
        if (si < 0) {
            if (si == -1)   /* a glob's list: the table lacks one of them */
                first = -1;
            buf_free(&b);
            return si == -1 ? first : -2;
        }
        if (i == 0)
            first = si;
        buf_printf(&b, "%s%s", i ? ", " : "", d ? d : cm->from_list[i]);
    }
    *desc = arena_strndup(x->p->m->arena, b.data ? b.data : "", b.len);
    buf_free(&b);
    return first;
}

/* Every source index of the list, and where the combining op is. */
int plan_column_list(ColCtx *x, const ColumnMap *cm, PlanColumn *pc)
{
    pc->srcs = xcalloc(cm->nfrom, sizeof *pc->srcs);
    for (size_t i = 0; i < cm->nfrom; i++) {
        const char *d = NULL;
        pc->srcs[i] = plan_resolve_from(x, cm->from_list[i], cm, cm->from_pos, &d);
    }
    pc->nsrcs = cm->nfrom;
    pc->ncombine = cm->nops;
    for (size_t i = 0; i < cm->nops && pc->ncombine == cm->nops; i++)
        if (op_combines(cm->ops[i].kind))
            pc->ncombine = i;
    if (cm->nfrom > 1 && pc->ncombine == cm->nops) {
        diag_error(x->d, cm->from_pos.line, cm->from_pos.col,
                   "from: lists %zu source columns, but no operation of column \"%s\" combines them "
                   "(concat, coalesce, hash or uuid_v5)", cm->nfrom, cm->target);
        return PGM_FAIL;
    }
    return PGM_OK;
}

static void add_depend(PlanTable *t, const char *schema, const char *table)
{
    Buf b;
    buf_init(&b);
    buf_printf(&b, "%s.%s", schema, table);
    for (size_t i = 0; i < t->ndepends; i++)
        if (strcmp(t->depends[i], b.data) == 0) {
            buf_free(&b);
            return;
        }
    t->depends = xrealloc(t->depends, (t->ndepends + 1) * sizeof *t->depends);
    t->depends[t->ndepends++] = buf_steal(&b);
}

/* The value column: as given, else the table's one-column primary key. */
static const char *lookup_value_column(const LookupArgs *a, const TgtTable *tt)
{
    if (a->value)
        return tgttable_column(tt, a->value) >= 0 ? a->value : NULL;
    const TgtIndex *pk = tgttable_primary(tt);
    return pk && pk->ncols == 1 && pk->cols[0] >= 0 ? tt->cols[pk->cols[0]].name : NULL;
}

/* Checks one lookup against the catalog and makes its runtime. */
static struct Lookup *bind_one(ColCtx *x, const Op *op)
{
    const LookupArgs *a = op_lookup_args(op);
    const char *schema = a->schema ? a->schema : plan_schema_of(x->p->m, x->tm);
    if (strcmp(schema, x->t->tgt.schema) == 0 && strcmp(a->table, x->t->tgt.name) == 0) {
        diag_error(x->d, op->line, op->col, "lookup: %s cannot look up in itself (its rows are not loaded yet)",
                   x->t->label);
        return NULL;
    }
    TgtTable tt;
    PgmError e = {0};
    int found = catalog_table(x->c, schema, a->table, &tt, &e);
    if (found <= 0) {
        diag_error(x->d, op->line, op->col, "lookup: target table \"%s.%s\" %s", schema, a->table,
                   found < 0 ? e.msg : "does not exist");
        return NULL;
    }
    struct Lookup *lk = NULL;
    int kc = tgttable_column(&tt, a->key);
    const char *value = lookup_value_column(a, &tt);
    if (kc < 0)
        diag_error(x->d, op->line, op->col, "lookup: key column \"%s\" does not exist in %s.%s", a->key, schema,
                   a->table);
    else if (!value)
        diag_error(x->d, op->line, op->col,
                   a->value ? "lookup: value column \"%s\" does not exist in %s.%s"
                            : "lookup: %s.%s has no one-column primary key: name the column with value:",
                   a->value ? a->value : schema, a->value ? schema : a->table, a->value ? a->table : "");
    else {
        lk = lookup_new(schema, a->table, a->key, value, &tt.cols[kc].type, x->c);
        add_depend(x->t, schema, a->table);
    }
    tgttable_free(&tt);
    return lk;
}

int plan_bind_lookups(ColCtx *x, PlanColumn *pc)
{
    for (size_t i = 0; i < pc->nops; i++) {
        if (pc->ops[i].kind != OP_LOOKUP)
            continue;
        if (!pc->lookups)
            pc->lookups = xcalloc(pc->nops, sizeof *pc->lookups);
        pc->lookups[i] = bind_one(x, &pc->ops[i]);
        if (!pc->lookups[i])
            return PGM_FAIL;
    }
    return PGM_OK;
}

int plan_check_dedup(ColCtx *x)
{
    const TableMap *tm = x->tm;
    PlanTable *t = x->t;
    t->dedup_col = -1;
    if (!tm->dedup)
        return PGM_OK;
    t->dedup = tm->dedup;
    if (t->nkey == 0) {
        diag_error(x->d, tm->dedup_pos.line, tm->dedup_pos.col,
                   "dedup: %s has no key to find duplicates by: declare `key:` (target columns)", t->label);
        return PGM_FAIL;
    }
    if (!tm->dedup_col)
        return PGM_OK;
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, tm->dedup_col) == 0)
            t->dedup_col = (int)i;
    if (t->dedup_col < 0) {
        diag_error(x->d, tm->dedup_pos.line, tm->dedup_pos.col,
                   "dedup: \"%s\" is not a column the mapping fills in %s", tm->dedup_col, t->label);
        return PGM_FAIL;
    }
    return PGM_OK;
}

int plan_is_restructuring(const PlanTable *t)
{
    if (t->dedup)
        return 1;
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].nsrcs > 1 || t->cols[i].lookups)
            return 1;
    return 0;
}

static void quoted_cols(Buf *b, PGconn *c, const PlanTable *t, const int *idx, size_t n)
{
    for (size_t i = 0; i < (idx ? n : t->ncols); i++) {
        buf_puts(b, i ? ", " : "");
        pg_quote_ident(c, b, t->cols[idx ? (size_t)idx[i] : i].name);
    }
}

/* The stage holds every row with its read number and reject id; the
 * winners table numbers the winning rows so a refused merge can be split
 * into ranges, like a batch. */
void plan_build_dedup_sql(PlanTable *t, size_t index, PGconn *c, const char *qname)
{
    Buf b;
    buf_init(&b);
    free(t->stage_sql);
    buf_printf(&b, "CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT ", t->stage_name);
    quoted_cols(&b, c, t, NULL, 0);
    buf_printf(&b, ", NULL::bigint AS pgmap_dedup_seq, NULL::text AS pgmap_dedup_id FROM %s WITH NO DATA", qname);
    t->stage_sql = buf_steal(&b);
    free(t->copy_sql);
    buf_printf(&b, "COPY pg_temp.%s (", t->stage_name);
    quoted_cols(&b, c, t, NULL, 0);
    buf_puts(&b, ", pgmap_dedup_seq, pgmap_dedup_id) FROM STDIN");
    t->copy_sql = buf_steal(&b);
    buf_printf(&b, "DROP TABLE IF EXISTS pg_temp.pgmap_win_%zu; CREATE TEMP TABLE pgmap_win_%zu AS "
                   "SELECT row_number() OVER (ORDER BY pgmap_dedup_seq) AS pgmap_dedup_n, d.* FROM "
                   "(SELECT DISTINCT ON (", index, index);
    quoted_cols(&b, c, t, t->key, t->nkey);
    buf_printf(&b, ") * FROM pg_temp.%s ORDER BY ", t->stage_name);
    quoted_cols(&b, c, t, t->key, t->nkey);
    if (t->dedup == DEDUP_MAX || t->dedup == DEDUP_MIN) {
        buf_puts(&b, ", ");
        pg_quote_ident(c, &b, t->cols[t->dedup_col].name);
        buf_puts(&b, t->dedup == DEDUP_MAX ? " DESC NULLS LAST" : " ASC NULLS LAST");
    }
    buf_puts(&b, t->dedup == DEDUP_LAST ? ", pgmap_dedup_seq DESC) d" : ", pgmap_dedup_seq) d");
    t->winners_sql = buf_steal(&b);
    buf_printf(&b, "pg_temp.pgmap_win_%zu", index);
    t->winners_table = buf_steal(&b);
    buf_printf(&b, "%s WHERE pgmap_dedup_n >= $1 AND pgmap_dedup_n < $2", t->winners_table);
    t->dedup_merge_sql = plan_merge_sql(t, c, qname, b.data);
    buf_free(&b);
}

void plan_restructure_free(PlanTable *t)
{
    for (size_t i = 0; i < t->ncols; i++) {
        PlanColumn *pc = &t->cols[i];
        for (size_t k = 0; pc->lookups && k < pc->nops; k++)
            lookup_free(pc->lookups[k]);
        free(pc->lookups);
        free(pc->srcs);
    }
    for (size_t i = 0; i < t->ndepends; i++)
        free(t->depends[i]);
    free(t->depends);
    free(t->winners_sql);
    free(t->winners_table);
    free(t->dedup_merge_sql);
}
