/* catalog.c - reads target tables from pg_catalog (see catalog.h).  All
 * names travel as query parameters. */
#include "catalog.h"
#include "pgconn.h"

#include <stdlib.h>
#include <string.h>

static const char *SQL_TABLE =
    "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')";

static const char *SQL_COLUMNS =
    "SELECT a.attname, a.attnum, coalesce(bt.typname, t.typname), "
    "  CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END, "
    "  format_type(a.atttypid, a.atttypmod), a.attnotnull OR coalesce(t.typnotnull, false), "
    "  pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
    "  pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) "
    "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
    "LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

static const char *SQL_INDEXES =
    "SELECT i.relname, x.indisprimary, x.indisunique, x.indpred IS NOT NULL, "
    "  x.indexprs IS NOT NULL, array_to_string(x.indkey::int2[], ' ') "
    "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
    "WHERE x.indrelid = $1::oid ORDER BY x.indisprimary DESC, i.relname";

static const char *SQL_FKS =
    "SELECT co.conname, rn.nspname, rc.relname, array_to_string(co.conkey, ' '), "
    "  (SELECT string_agg(ra.attname, E'\\x01' ORDER BY k.i) FROM unnest(co.confkey) WITH ORDINALITY k(n, i) "
    "   JOIN pg_attribute ra ON ra.attrelid = co.confrelid AND ra.attnum = k.n) "
    "FROM pg_constraint co JOIN pg_class rc ON rc.oid = co.confrelid "
    "JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
    "WHERE co.conrelid = $1::oid AND co.contype = 'f' ORDER BY co.conname";

static char *opt_dup(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : xstrdup(PQgetvalue(r, row, col));
}

static int is_true(const PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col)[0] == 't';
}

static int column_by_attnum(const TgtTable *t, int attnum)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (t->cols[i].attnum == attnum)
            return (int)i;
    return -1;
}

/* Splits "1 2 3" (attnums) into column indexes. */
static int *attnums_to_cols(const TgtTable *t, const char *list, size_t *n)
{
    size_t cap = 4, k = 0;
    int *cols = xmalloc(cap * sizeof *cols);
    const char *p = list;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        if (k == cap)
            cols = xrealloc(cols, (cap *= 2) * sizeof *cols);
        cols[k++] = v == 0 ? -1 : column_by_attnum(t, (int)v);
        p = end;
        while (*p == ' ')
            p++;
    }
    *n = k;
    return cols;
}

static int load_columns(PGconn *c, TgtTable *t, PgmError *e)
{
    const char *params[] = {t->oid};
    PGresult *r = pg_query(c, SQL_COLUMNS, 1, params, e);
    if (!r)
        return PGM_FAIL;
    int n = PQntuples(r);
    t->cols = xcalloc((size_t)n, sizeof *t->cols);
    t->ncols = (size_t)n;
    for (int i = 0; i < n; i++) {
        TgtColumn *col = &t->cols[i];
        col->name = xstrdup(PQgetvalue(r, i, 0));
        col->attnum = atoi(PQgetvalue(r, i, 1));
        col->type = pgtype_from_catalog(PQgetvalue(r, i, 2), atoi(PQgetvalue(r, i, 3)),
                                        PQgetvalue(r, i, 4));
        col->notnull = is_true(r, i, 5);
        col->default_expr = opt_dup(r, i, 6);
        col->identity = PQgetvalue(r, i, 7)[0];
        col->generated = PQgetvalue(r, i, 8)[0];
        col->sequence = opt_dup(r, i, 9);
    }
    PQclear(r);
    return PGM_OK;
}

static int load_indexes(PGconn *c, TgtTable *t, PgmError *e)
{
    const char *params[] = {t->oid};
    PGresult *r = pg_query(c, SQL_INDEXES, 1, params, e);
    if (!r)
        return PGM_FAIL;
    int n = PQntuples(r);
    t->idx = xcalloc((size_t)n, sizeof *t->idx);
    t->nidx = (size_t)n;
    for (int i = 0; i < n; i++) {
        TgtIndex *x = &t->idx[i];
        x->name = xstrdup(PQgetvalue(r, i, 0));
        x->primary = is_true(r, i, 1);
        x->unique = is_true(r, i, 2);
        x->partial = is_true(r, i, 3);
        x->expression = is_true(r, i, 4);
        x->cols = attnums_to_cols(t, PQgetvalue(r, i, 5), &x->ncols);
    }
    PQclear(r);
    return PGM_OK;
}

/* Splits the \x01-separated list of referenced column names into exactly
 * want entries (a control character cannot plausibly occur in a name;
 * missing entries become ""). */
static char **split_names(const char *list, size_t want)
{
    char **v = xcalloc(want ? want : 1, sizeof *v);
    const char *p = list;
    for (size_t k = 0; k < want; k++) {
        const char *sep = strchr(p, '\x01');
        size_t len = sep ? (size_t)(sep - p) : strlen(p);
        v[k] = xstrndup(p, len);
        p += len;
        if (*p)
            p++;
    }
    return v;
}

static int load_fks(PGconn *c, TgtTable *t, PgmError *e)
{
    const char *params[] = {t->oid};
    PGresult *r = pg_query(c, SQL_FKS, 1, params, e);
    if (!r)
        return PGM_FAIL;
    int n = PQntuples(r);
    t->fks = xcalloc((size_t)n, sizeof *t->fks);
    t->nfks = (size_t)n;
    for (int i = 0; i < n; i++) {
        TgtFk *f = &t->fks[i];
        f->name = xstrdup(PQgetvalue(r, i, 0));
        f->ref_schema = xstrdup(PQgetvalue(r, i, 1));
        f->ref_table = xstrdup(PQgetvalue(r, i, 2));
        f->cols = attnums_to_cols(t, PQgetvalue(r, i, 3), &f->ncols);
        f->ref_cols = split_names(PQgetvalue(r, i, 4), f->ncols);
    }
    PQclear(r);
    return PGM_OK;
}

int catalog_table_exists(PGconn *c, const char *schema, const char *table, PgmError *e)
{
    const char *params[] = {schema, table};
    PGresult *r = pg_query(c, SQL_TABLE, 2, params, e);
    if (!r)
        return -1;
    int found = PQntuples(r) > 0;
    PQclear(r);
    return found;
}

int catalog_table(PGconn *c, const char *schema, const char *table, TgtTable *out, PgmError *e)
{
    memset(out, 0, sizeof *out);
    const char *params[] = {schema, table};
    PGresult *r = pg_query(c, SQL_TABLE, 2, params, e);
    if (!r)
        return -1;
    if (PQntuples(r) == 0) {
        PQclear(r);
        return 0;
    }
    out->oid = xstrdup(PQgetvalue(r, 0, 0));
    PQclear(r);
    out->schema = xstrdup(schema);
    out->name = xstrdup(table);
    if (load_columns(c, out, e) != PGM_OK || load_indexes(c, out, e) != PGM_OK ||
        load_fks(c, out, e) != PGM_OK) {
        tgttable_free(out);
        return -1;
    }
    return 1;
}

void tgttable_free(TgtTable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].default_expr);
        free(t->cols[i].sequence);
    }
    for (size_t i = 0; i < t->nidx; i++) {
        free(t->idx[i].name);
        free(t->idx[i].cols);
    }
    for (size_t i = 0; i < t->nfks; i++) {
        TgtFk *f = &t->fks[i];
        free(f->name);
        free(f->ref_schema);
        free(f->ref_table);
        free(f->cols);
        for (size_t k = 0; k < f->ncols; k++)
            free(f->ref_cols[k]);
        free(f->ref_cols);
    }
    free(t->cols);
    free(t->idx);
    free(t->fks);
    free(t->schema);
    free(t->name);
    free(t->oid);
    memset(t, 0, sizeof *t);
}

int tgttable_column(const TgtTable *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

const TgtIndex *tgttable_primary(const TgtTable *t)
{
    for (size_t i = 0; i < t->nidx; i++)
        if (t->idx[i].primary)
            return &t->idx[i];
    return NULL;
}
