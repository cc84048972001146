/* plan_sql.c - writes a compiled table's statements: the source SELECT
 * (quoted in the source's dialect) and the target COPY, staging and merge
 * statements (identifiers quoted with libpq).  No value is ever pasted into
 * SQL: rows travel as COPY data. */
#include "plan_internal.h"
#include "pgconn.h"

#include <stdio.h>
#include <string.h>

static void build_source_sql(PlanTable *t, const Reader *src)
{
    Buf b;
    buf_init(&b);
    if (t->map->query) {
        buf_puts(&b, t->map->query);
        t->src_sql = buf_steal(&b);
        return;
    }
    buf_puts(&b, "SELECT ");
    for (size_t i = 0; i < t->nsrc; i++) {
        if (i)
            buf_puts(&b, ", ");
        if (t->src_cols[i][0] == '(') /* a `sql:` expression, kept as written */
            buf_puts(&b, t->src_cols[i]);
        else
            src->ops->quote_ident(&b, t->src_cols[i]);
    }
    if (t->nsrc == 0)
        buf_puts(&b, "NULL");
    buf_puts(&b, " FROM ");
    src->ops->quote_ident(&b, t->source_label);
    if (t->map->where)
        buf_printf(&b, " WHERE %s", t->map->where);
    /* No ORDER BY: SQLite returns rowid order for a plain scan, which is
     * both the cheapest and the order the rows were written in. */
    t->src_sql = buf_steal(&b);
}

static void column_list(Buf *b, PGconn *c, const PlanTable *t, const char *prefix)
{
    for (size_t i = 0; i < t->ncols; i++) {
        if (i)
            buf_puts(b, ", ");
        if (prefix)
            buf_puts(b, prefix);
        pg_quote_ident(c, b, t->cols[i].name);
    }
}

static int is_key_column(const PlanTable *t, size_t col)
{
    for (size_t k = 0; k < t->nkey; k++)
        if ((size_t)t->key[k] == col)
            return 1;
    return 0;
}

static int needs_override(const PlanTable *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].tcol->identity == 'a')
            return 1;
    return 0;
}

/* ON CONFLICT ... DO UPDATE that skips rows whose values did not change,
 * so a re-run writes nothing and the counts say "unchanged". */
static void build_conflict_clause(Buf *b, PGconn *c, const PlanTable *t)
{
    buf_puts(b, " ON CONFLICT");
    if (t->nkey) {
        buf_puts(b, " (");
        for (size_t k = 0; k < t->nkey; k++) {
            if (k)
                buf_puts(b, ", ");
            pg_quote_ident(c, b, t->cols[t->key[k]].name);
        }
        buf_puts(b, ")");
    }
    size_t nset = 0;
    for (size_t i = 0; i < t->ncols; i++)
        nset += !is_key_column(t, i);
    if (t->mode != MODE_UPSERT || nset == 0 || t->nkey == 0) {
        buf_puts(b, " DO NOTHING");
        return;
    }
    buf_puts(b, " DO UPDATE SET ");
    Buf lhs, rhs;
    buf_init(&lhs);
    buf_init(&rhs);
    size_t k = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        if (is_key_column(t, i))
            continue;
        const char *sep = k++ ? ", " : "";
        buf_puts(b, sep);
        pg_quote_ident(c, b, t->cols[i].name);
        buf_puts(b, " = EXCLUDED.");
        pg_quote_ident(c, b, t->cols[i].name);
        /* json (and types pgmap does not know, which may lack equality
         * too, like xml) compare as text: "unchanged" means same text */
        int as_text = t->cols[i].tcol->type.kind == PT_JSON || t->cols[i].tcol->type.kind == PT_OTHER;
        buf_printf(&lhs, "%st.", sep);
        pg_quote_ident(c, &lhs, t->cols[i].name);
        buf_puts(&lhs, as_text ? "::text" : "");
        buf_printf(&rhs, "%sEXCLUDED.", sep);
        pg_quote_ident(c, &rhs, t->cols[i].name);
        buf_puts(&rhs, as_text ? "::text" : "");
    }
    /* ROW() keeps the comparison a row comparison even for one column. */
    buf_printf(b, " WHERE ROW(%s) IS DISTINCT FROM ROW(%s)", lhs.data, rhs.data);
    buf_free(&lhs);
    buf_free(&rhs);
}

char *plan_merge_sql(const PlanTable *t, PGconn *c, const char *qname, const char *from)
{
    Buf b;
    buf_init(&b);
    buf_printf(&b, "WITH m AS (INSERT INTO %s AS t (", qname);
    column_list(&b, c, t, NULL);
    buf_puts(&b, ")");
    if (needs_override(t))
        buf_puts(&b, " OVERRIDING SYSTEM VALUE");
    buf_puts(&b, " SELECT ");
    column_list(&b, c, t, NULL);
    buf_printf(&b, " FROM %s", from);
    if (t->mode == MODE_UPSERT || t->mode == MODE_IGNORE)
        build_conflict_clause(&b, c, t);
    /* xmax = 0 tells a fresh insert from an update of an existing row. */
    buf_puts(&b, " RETURNING (t.xmax = 0) AS inserted) "
                 "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM m");
    return buf_steal(&b);
}

void plan_build_sql(PlanTable *t, size_t index, const Reader *src, PGconn *c)
{
    Buf q, b;
    buf_init(&q);
    buf_init(&b);
    build_source_sql(t, src);
    pg_quote_qualified(c, &q, t->tgt.schema, t->tgt.name);
    int direct = (t->mode == MODE_INSERT || t->mode == MODE_REPLACE) && !needs_override(t) && !t->dedup;
    if (!direct) {
        buf_printf(&b, "pgmap_stage_%zu", index);
        t->stage_name = buf_steal(&b);
        buf_printf(&b, "CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT ", t->stage_name);
        column_list(&b, c, t, NULL);
        buf_printf(&b, " FROM %s WITH NO DATA", q.data);
        t->stage_sql = buf_steal(&b);
        buf_printf(&b, "pg_temp.%s", t->stage_name);
        t->merge_sql = plan_merge_sql(t, c, q.data, b.data);
        buf_reset(&b);
        buf_printf(&b, "COPY pg_temp.%s (", t->stage_name);
    } else {
        buf_printf(&b, "COPY %s (", q.data);
    }
    column_list(&b, c, t, NULL);
    buf_puts(&b, ") FROM STDIN");
    t->copy_sql = buf_steal(&b);
    if (t->mode == MODE_REPLACE) {
        buf_printf(&b, "TRUNCATE %s", q.data);
        t->truncate_sql = buf_steal(&b);
    }
    if (t->dedup)
        plan_build_dedup_sql(t, index, c, q.data);
    buf_free(&q);
}
