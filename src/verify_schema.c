/* verify_schema.c - the schema checks of `pgmap verify` (verify.h): the
 * tables and columns the mapping names and the unique index its `key:`
 * needs; what its ddl file creates is checked by verify_schema_ddl.c, on
 * the relations and findings kept here (verify_schema_internal.h).
 *
 * Names travel as parameters; a name the file does not qualify resolves
 * through to_regclass() on its quoted text, i.e. through the connection's
 * search_path, as the server resolved it when it ran the file.  Each
 * relation is looked at once (VsRel), so a table both the mapping and the
 * file name is counted and reported once. */
#include "verify_schema_internal.h"
#include "pgconn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const SQL_RESOLVE =
    "SELECT c.oid, n.nspname, c.relname, c.relkind FROM pg_class c "
    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)";

static const char *const SQL_COLUMNS =
    "SELECT attname, atttypid, atttypmod FROM pg_attribute "
    "WHERE attrelid = $1::oid AND attnum > 0 AND NOT attisdropped ORDER BY attnum";

/* Key columns only (not INCLUDE ones); an expression item shows as
 * "(expression)", which matches no column of the file. */
static const char *const SQL_INDEXES =
    "SELECT i.relname, x.indisprimary, x.indisunique, x.indpred IS NOT NULL, x.indisvalid, "
    "  (SELECT string_agg(coalesce(a.attname, '(expression)'), E'\\x01' ORDER BY k.i) "
    "   FROM unnest(x.indkey::int2[]) WITH ORDINALITY k(n, i) "
    "   LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n "
    "   WHERE k.i <= x.indnkeyatts) "
    "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
    "WHERE x.indrelid = $1::oid ORDER BY x.indisprimary DESC, i.relname";

static const char *const SQL_FKS =
    "SELECT co.confrelid, "
    "  (SELECT string_agg(a.attname, E'\\x01' ORDER BY k.i) FROM unnest(co.conkey) "
    "   WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n), "
    "  (SELECT string_agg(a.attname, E'\\x01' ORDER BY k.i) FROM unnest(co.confkey) "
    "   WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = co.confrelid AND a.attnum = k.n) "
    "FROM pg_constraint co WHERE co.conrelid = $1::oid AND co.contype = 'f'";

/* ---- relations ---- */

static void *grow(void *v, size_t n, size_t size)
{
    if (n == 0 || (n & (n - 1)) == 0)
        v = xrealloc(v, (n ? 2 * n : 1) * size);
    return v;
}

static void rel_free(VsRel *r)
{
    for (size_t i = 0; i < r->ncols; i++)
        free(r->cols[i].name);
    for (size_t i = 0; i < r->nidx; i++) {
        free(r->idx[i].name);
        vd_list_free(&r->idx[i].cols);
    }
    for (size_t i = 0; i < r->nfks; i++) {
        free(r->fks[i].refoid);
        vd_list_free(&r->fks[i].cols);
        vd_list_free(&r->fks[i].refcols);
    }
    for (size_t i = 0; i < r->nfailed; i++)
        vd_list_free(&r->failed_keys[i]);
    vd_list_free(&r->seen_cols);
    free(r->failed_keys);
    free(r->cols);
    free(r->idx);
    free(r->fks);
    free(r->disp);
    free(r->schema);
    free(r->name);
    free(r->oid);
    free(r);
}

/* Formats into one of six scratch buffers, enough for the parts of one
 * finding or query: the text lives until six more are asked for. */
const char *vs_say(Vs *v, const char *fmt, ...)
{
    Buf *b = &v->tmp[v->ntmp++ % 6];
    va_list ap;
    buf_reset(b);
    buf_puts(b, "");
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
    return b->data;
}

/* "(a, b)", in a scratch buffer as vs_say(). */
const char *vs_cols_of(Vs *v, const VdList *l)
{
    Buf *b = &v->tmp[v->ntmp++ % 6];
    buf_reset(b);
    vd_list_print(b, l);
    return b->data;
}

/* "schema"."name" (or "name") quoted for SQL text, in a scratch buffer as
 * vs_say(). */
const char *vs_quoted(Vs *v, const char *schema, const char *name)
{
    Buf *b = &v->tmp[v->ntmp++ % 6];
    buf_reset(b);
    if (schema)
        pg_quote_qualified(v->c, b, schema, name);
    else
        pg_quote_ident(v->c, b, name);
    return b->data;
}

/* Where CREATE put a name the file did not qualify: current_schema(). */
static const char *cur_schema(Vs *v)
{
    if (!v->cur_schema) {
        PGresult *r = pg_query(v->c, "SELECT coalesce(current_schema(), 'public')", 0, NULL, v->e);
        if (!r)
            return NULL;
        v->cur_schema = xstrdup(PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    return v->cur_schema;
}

/* The relation schema.name (schema NULL: through search_path); NULL with
 * v->e set when the catalog cannot be asked. */
VsRel *vs_rel_get(Vs *v, const char *schema, const char *name)
{
    const char *params[] = {vs_quoted(v, schema, name)};
    PGresult *r = pg_query(v->c, SQL_RESOLVE, 1, params, v->e);
    if (!r || (!schema && PQntuples(r) == 0 && !(schema = cur_schema(v)))) {
        PQclear(r);
        return NULL;
    }
    VsRel *x = xcalloc(1, sizeof *x);
    int found = PQntuples(r) > 0;
    x->schema = xstrdup(found ? PQgetvalue(r, 0, 1) : schema);
    x->name = xstrdup(found ? PQgetvalue(r, 0, 2) : name);
    x->oid = found ? xstrdup(PQgetvalue(r, 0, 0)) : NULL;
    x->relkind = found ? PQgetvalue(r, 0, 3)[0] : 0;
    PQclear(r);
    x->disp = xstrdup(vs_say(v, "%s.%s", x->schema, x->name));
    for (size_t i = 0; i < v->nrels; i++)
        if (strcmp(v->rels[i]->disp, x->disp) == 0) {
            rel_free(x);
            return v->rels[i];
        }
    v->rels = grow(v->rels, v->nrels, sizeof *v->rels);
    return v->rels[v->nrels++] = x;
}

const char *vs_relkind_name(char k)
{
    switch (k) {
    case 'r': case 'p': return "table";
    case 'v': return "view";
    case 'm': return "materialized view";
    case 'i': case 'I': return "index";
    case 'S': return "sequence";
    case 'f': return "foreign table";
    default: return "relation";
    }
}

void vs_finding(Vs *v, const VsRel *r, const char *object, const char *where, const char *fmt, ...)
{
    char msg[1500];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    vf_add(&v->out->found, VF_SCHEMA, r ? r->disp : NULL, object, NULL, NULL, NULL, NULL, msg,
           where);
}

const char *vs_where_ddl(Vs *v, int line)
{
    snprintf(v->where, sizeof v->where, "%s:%d:1", v->m->ddl, line);
    return v->where;
}

static const char *where_map(Vs *v, Pos pos)
{
    snprintf(v->where, sizeof v->where, "%s:%d:%d", v->m->file, pos.line, pos.col);
    return v->where;
}

/* Counts r as a checked table (once) and tells whether it is one; the
 * first time it is not, that is the finding, and every object on it is
 * skipped rather than reported again. */
int vs_table_ok(Vs *v, VsRel *r, const char *where)
{
    if (!r->counted) {
        r->counted = 1;
        v->out->checked[VS_TABLES]++;
    }
    if (r->oid && (r->relkind == 'r' || r->relkind == 'p'))
        return 1;
    if (!r->reported) {
        const char *obj = vs_say(v, "table %s", r->disp);
        r->reported = 1;
        if (r->oid)
            vs_finding(v, r, obj, where, "%s is a %s, not a table", r->disp, vs_relkind_name(r->relkind));
        else
            vs_finding(v, r, obj, where, "table is missing");
    }
    return 0;
}

/* ---- what the catalog says of a table ---- */

static int load_columns(Vs *v, VsRel *r)
{
    const char *params[] = {r->oid};
    PGresult *res = pg_query(v->c, SQL_COLUMNS, 1, params, v->e);
    if (!res)
        return PGM_FAIL;
    r->ncols = (size_t)PQntuples(res);
    r->cols = xcalloc(r->ncols + 1, sizeof *r->cols);
    for (size_t i = 0; i < r->ncols; i++) {
        r->cols[i].name = xstrdup(PQgetvalue(res, (int)i, 0));
        r->cols[i].typid = (unsigned)strtoul(PQgetvalue(res, (int)i, 1), NULL, 10);
        r->cols[i].typmod = atoi(PQgetvalue(res, (int)i, 2));
    }
    PQclear(res);
    return PGM_OK;
}

static int load_indexes(Vs *v, VsRel *r)
{
    const char *params[] = {r->oid};
    PGresult *res = pg_query(v->c, SQL_INDEXES, 1, params, v->e);
    if (!res)
        return PGM_FAIL;
    r->nidx = (size_t)PQntuples(res);
    r->idx = xcalloc(r->nidx + 1, sizeof *r->idx);
    for (size_t i = 0; i < r->nidx; i++) {
        VsIdx *x = &r->idx[i];
        int row = (int)i;
        x->name = xstrdup(PQgetvalue(res, row, 0));
        x->primary = PQgetvalue(res, row, 1)[0] == 't';
        x->unique = PQgetvalue(res, row, 2)[0] == 't';
        x->partial = PQgetvalue(res, row, 3)[0] == 't';
        x->valid = PQgetvalue(res, row, 4)[0] == 't';
        vd_list_split(&x->cols, PQgetvalue(res, row, 5), '\x01');
    }
    PQclear(res);
    return PGM_OK;
}

static int load_fks(Vs *v, VsRel *r)
{
    const char *params[] = {r->oid};
    PGresult *res = pg_query(v->c, SQL_FKS, 1, params, v->e);
    if (!res)
        return PGM_FAIL;
    r->nfks = (size_t)PQntuples(res);
    r->fks = xcalloc(r->nfks + 1, sizeof *r->fks);
    for (size_t i = 0; i < r->nfks; i++) {
        r->fks[i].refoid = xstrdup(PQgetvalue(res, (int)i, 0));
        vd_list_split(&r->fks[i].cols, PQgetvalue(res, (int)i, 1), '\x01');
        vd_list_split(&r->fks[i].refcols, PQgetvalue(res, (int)i, 2), '\x01');
    }
    PQclear(res);
    return PGM_OK;
}

int vs_rel_load(Vs *v, VsRel *r)
{
    if (r->loaded)
        return PGM_OK;
    r->loaded = 1;
    return load_columns(v, r) == PGM_OK && load_indexes(v, r) == PGM_OK && load_fks(v, r) == PGM_OK
               ? PGM_OK
               : PGM_FAIL;
}

const VsCol *vs_rel_col(const VsRel *r, const char *name)
{
    for (size_t i = 0; i < r->ncols; i++)
        if (strcmp(r->cols[i].name, name) == 0)
            return &r->cols[i];
    return NULL;
}

const VsIdx *vs_rel_primary(const VsRel *r)
{
    return r->nidx > 0 && r->idx[0].primary ? &r->idx[0] : NULL;
}

/* A valid, non-partial unique index (a primary key or unique constraint
 * is one) over exactly cols. */
int vs_unique_on(const VsRel *r, const VdList *cols, int any_order)
{
    for (size_t i = 0; i < r->nidx; i++) {
        const VsIdx *x = &r->idx[i];
        if (x->unique && x->valid && !x->partial && vd_list_same(&x->cols, cols, any_order))
            return 1;
    }
    return 0;
}

/* Counts column name of r as checked, once: 0 when it already was. */
int vs_first_check_of(Vs *v, VsRel *r, const char *name)
{
    for (size_t i = 0; i < r->seen_cols.n; i++)
        if (strcmp(r->seen_cols.v[i], name) == 0)
            return 0;
    vd_list_push(&r->seen_cols, name);
    v->out->checked[VS_COLUMNS]++;
    return 1;
}

/* ---- the mapping ---- */

static void mapping_key(Vs *v, VsRel *r, const TableMap *t)
{
    VdList want = {0};
    for (size_t k = 0; k < t->nkey; k++)
        vd_list_push(&want, t->key[k]);
    v->out->checked[VS_KEYS]++;
    if (vs_unique_on(r, &want, 1)) {
        vd_list_free(&want);
        return;
    }
    const char *cols = vs_cols_of(v, &want);
    vs_finding(v, r, vs_say(v, "key %s %s", r->disp, cols), where_map(v, t->key_pos),
            "no unique index or primary key on %s, which key: needs", cols);
    /* The ddl file's key on the same columns would say it again. */
    r->failed_keys = grow(r->failed_keys, r->nfailed, sizeof *r->failed_keys);
    r->failed_keys[r->nfailed++] = want;
}

static int mapping_table(Vs *v, const TableMap *t)
{
    const char *schema = t->schema ? t->schema : v->m->schema ? v->m->schema : "public";
    VsRel *r = vs_rel_get(v, schema, t->target);
    if (!r)
        return PGM_FAIL;
    if (!vs_table_ok(v, r, where_map(v, t->pos))) {
        VerifySchema *o = v->out;
        for (size_t i = 0; i < o->nmissing; i++)
            if (strcmp(o->missing_tables[i], r->disp) == 0)
                return PGM_OK;
        o->missing_tables = grow(o->missing_tables, o->nmissing, sizeof *o->missing_tables);
        o->missing_tables[o->nmissing++] = xstrdup(r->disp);
        return PGM_OK;
    }
    if (vs_rel_load(v, r) != PGM_OK)
        return PGM_FAIL;
    for (size_t i = 0; i < t->ncols; i++) {
        const ColumnMap *col = &t->cols[i];
        int have = vs_rel_col(r, col->target) != NULL;
        /* A glob's column applies only where the table has it. */
        if (col->skip || (!have && col->from_glob))
            continue;
        if (!vs_first_check_of(v, r, col->target) || have)
            continue;
        vs_finding(v, r, vs_say(v, "column %s.%s", r->disp, col->target), where_map(v, col->pos),
                "column %s.%s is missing", r->disp, col->target);
    }
    if (t->nkey > 0)
        mapping_key(v, r, t);
    return PGM_OK;
}

int verify_schema(PGconn *c, const Mapping *m, VerifySchema *out, PgmError *e)
{
    Vs v;
    int rc = PGM_OK;
    memset(&v, 0, sizeof v);
    memset(out, 0, sizeof *out);
    v.c = c;
    v.m = m;
    v.out = out;
    v.e = e;
    for (size_t i = 0; rc == PGM_OK && i < m->ntables; i++)
        if (!m->tables[i].skip && !m->tables[i].is_glob)
            rc = mapping_table(&v, &m->tables[i]);
    if (rc == PGM_OK && m->ddl)
        rc = vs_check_ddl(&v);
    for (size_t i = 0; i < v.nrels; i++)
        rel_free(v.rels[i]);
    free(v.rels);
    free(v.cur_schema);
    for (size_t i = 0; i < sizeof v.tmp / sizeof *v.tmp; i++)
        buf_free(&v.tmp[i]);
    if (rc != PGM_OK)
        verify_schema_free(out);
    return rc;
}

void verify_schema_free(VerifySchema *s)
{
    vf_free(&s->found);
    for (size_t i = 0; i < s->nmissing; i++)
        free(s->missing_tables[i]);
    free(s->missing_tables);
    memset(s, 0, sizeof *s);
}
