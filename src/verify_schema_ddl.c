/* verify_schema_ddl.c - the checks of what a mapping's ddl file creates
 * (verify_ddl.h) against the target's catalog, for `pgmap verify`
 * (verify_schema.c): tables, columns with their types, primary keys,
 * unique constraints, foreign keys, indexes and sequences, including
 * whether a serial or identity sequence is ahead of the values its column
 * already holds.
 *
 * Apart from the mapping's checks because it is the bulk of the work and
 * reads the user's SQL: declared types are that SQL, so they are
 * normalised by the server itself (`SELECT NULL::type`), never compared as
 * text. */
#include "verify_schema_internal.h"
#include "ddl_script.h"
#include "pgconn.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The sequence a serial or identity column draws from, if any. */
static const char *const SQL_SERIAL_SEQ =
    "SELECT n.nspname, c.relname, s.seqincrement FROM pg_sequence s "
    "JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
    "WHERE s.seqrelid = to_regclass(pg_get_serial_sequence($1, $2))";

/* ---- the ddl file: columns, their types and sequences ---- */

/* Runs a probe of the user's type text in a savepoint (when a transaction
 * is open, as verify's is), so that a type the server refuses is undone
 * and becomes a finding.  Returns the result, or an error result with
 * *refused set for a refusal about the SQL itself (SQLSTATE classes 42,
 * 22, 3F); NULL with v->e set for any other failure. */
static PGresult *probe(Vs *v, const char *sql, int *refused)
{
    int tx = PQtransactionStatus(v->c) == PQTRANS_INTRANS;
    if (tx && pg_exec(v->c, "SAVEPOINT pgmap_verify", v->e) != PGM_OK)
        return NULL;
    PGresult *r = PQexecParams(v->c, sql, 0, NULL, NULL, NULL, NULL, 0);
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    *refused = !r || PQresultStatus(r) != PGRES_TUPLES_OK;
    if (*refused && !(state && (strncmp(state, "42", 2) == 0 || strncmp(state, "22", 2) == 0 ||
                                strncmp(state, "3F", 2) == 0))) {
        char line[1024];
        pg_result_error_line(r, line, sizeof line);
        err_set(v->e, "target: %s", line);
        PQclear(r);
        return NULL;
    }
    if (tx && pg_exec(v->c, *refused ? "ROLLBACK TO SAVEPOINT pgmap_verify; RELEASE SAVEPOINT pgmap_verify"
                                     : "RELEASE SAVEPOINT pgmap_verify", v->e) != PGM_OK) {
        PQclear(r);
        return NULL;
    }
    return r;
}

/* The declared type (typid, typmod) against the column's. */
static int compare_type(Vs *v, VsRel *r, const VdColumn *dc, const VsCol *have, unsigned typid,
                        int typmod)
{
    char p[4][24];
    if (have->typid == typid && have->typmod == typmod)
        return PGM_OK;
    snprintf(p[0], sizeof p[0], "%u", have->typid);
    snprintf(p[1], sizeof p[1], "%d", have->typmod);
    snprintf(p[2], sizeof p[2], "%u", typid);
    snprintf(p[3], sizeof p[3], "%d", typmod);
    const char *params[] = {p[0], p[1], p[2], p[3]};
    PGresult *res = pg_query(v->c, "SELECT format_type($1::oid, $2::int), format_type($3::oid, $4::int)",
                             4, params, v->e);
    if (!res)
        return PGM_FAIL;
    vs_finding(v, r, vs_say(v, "column %s.%s", r->disp, dc->name), vs_where_ddl(v, dc->line),
            "column %s.%s is %s, the ddl file says %s", r->disp,
            dc->name, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
    PQclear(res);
    return PGM_OK;
}

/* One column's type alone, after the table's probe was refused. */
static int probe_one(Vs *v, VsRel *r, const VdColumn *dc, const VsCol *have)
{
    int refused, rc = PGM_OK;
    PGresult *res = probe(v, vs_say(v, "SELECT NULL::%s", dc->type), &refused);
    if (!res)
        return PGM_FAIL;
    if (refused) {
        char line[1024];
        pg_result_error_line(res, line, sizeof line);
        vs_finding(v, r, vs_say(v, "column %s.%s", r->disp, dc->name), vs_where_ddl(v, dc->line),
                "the ddl file's type of column %s.%s, %s, does not resolve: %s", r->disp, dc->name,
                dc->type, line);
    } else {
        rc = compare_type(v, r, dc, have, PQftype(res, 0), PQfmod(res, 0));
    }
    PQclear(res);
    return rc;
}

/* The declared types of the columns of t the target has, normalised by
 * the server in one query (`SELECT NULL::t1, NULL::t2, ...`); only when
 * that is refused (a type it does not know), column by column. */
static int check_types(Vs *v, VsRel *r, const VdTable *t, const VsCol *const *have)
{
    Buf q;
    int n = 0, refused, rc = PGM_OK;
    buf_init(&q);
    buf_puts(&q, "SELECT");
    for (size_t k = 0; k < t->ncols; k++)
        if (have[k] && t->cols[k].type)
            buf_printf(&q, "%s NULL::%s", n++ ? "," : "", t->cols[k].type);
    PGresult *res = n ? probe(v, q.data, &refused) : NULL;
    buf_free(&q);
    if (n == 0)
        return PGM_OK;
    if (!res)
        return PGM_FAIL;
    for (size_t k = 0, i = 0; rc == PGM_OK && k < t->ncols; k++) {
        if (!have[k] || !t->cols[k].type)
            continue;
        if (refused)
            rc = probe_one(v, r, &t->cols[k], have[k]);
        else
            rc = compare_type(v, r, &t->cols[k], have[k], PQftype(res, (int)i), PQfmod(res, (int)i));
        i++;
    }
    PQclear(res);
    return rc;
}

/* A serial or identity column has a sequence, and its next value is past
 * the values the column holds: a sequence behind the data (rows loaded
 * with explicit keys and no setval) breaks the application's next insert. */
static int check_serial(Vs *v, VsRel *r, const VdColumn *dc)
{
    const char *tbl = vs_quoted(v, r->schema, r->name), *col = vs_quoted(v, NULL, dc->name);
    const char *params[] = {tbl, dc->name};
    PGresult *seq = pg_query(v->c, SQL_SERIAL_SEQ, 2, params, v->e);
    if (!seq)
        return PGM_FAIL;
    v->out->checked[VS_SEQUENCES]++;
    if (PQntuples(seq) == 0) {
        vs_finding(v, r, vs_say(v, "column %s.%s", r->disp, dc->name), vs_where_ddl(v, dc->line),
                "column %s.%s has no sequence, the ddl file makes it %s", r->disp, dc->name,
                dc->serial ? "serial" : "an identity column");
        PQclear(seq);
        return PGM_OK;
    }
    long long inc = strtoll(PQgetvalue(seq, 0, 2), NULL, 10);
    const char *sql = vs_say(v, "SELECT s.last_value, s.is_called, (SELECT max(%s) FROM %s)::text, "
                             "(SELECT min(%s) FROM %s)::text FROM %s s", col, tbl, col, tbl,
                          vs_quoted(v, PQgetvalue(seq, 0, 0), PQgetvalue(seq, 0, 1)));
    PGresult *res = pg_query(v->c, sql, 0, NULL, v->e);
    const char *obj = vs_say(v, "sequence %s.%s", PQgetvalue(seq, 0, 0), PQgetvalue(seq, 0, 1));
    PQclear(seq);
    if (!res)
        return PGM_FAIL;
    long long last = strtoll(PQgetvalue(res, 0, 0), NULL, 10), next = last;
    int called = PQgetvalue(res, 0, 1)[0] == 't', at = inc > 0 ? 2 : 3;
    /* At the end of its range the sequence hands out nothing more. */
    int exhausted = called && (inc > 0 ? last > LLONG_MAX - inc : last < LLONG_MIN - inc);
    if (called && !exhausted)
        next = last + inc;
    if (!exhausted && !PQgetisnull(res, 0, at)) {
        long long held = strtoll(PQgetvalue(res, 0, at), NULL, 10);
        if (inc > 0 ? next <= held : next >= held)
            vs_finding(v, r, obj, vs_where_ddl(v, dc->line),
                    "sequence of %s.%s would hand out %lld, but the column already holds %lld",
                    r->disp, dc->name, next, held);
    }
    PQclear(res);
    return PGM_OK;
}

static int ddl_table(Vs *v, const VdTable *t)
{
    VsRel *r = vs_rel_get(v, t->name.schema, t->name.name);
    if (!r)
        return PGM_FAIL;
    if (!vs_table_ok(v, r, vs_where_ddl(v, t->line)))
        return PGM_OK;
    if (vs_rel_load(v, r) != PGM_OK)
        return PGM_FAIL;
    const VsCol **have = xcalloc(t->ncols + 1, sizeof *have);
    for (size_t k = 0; k < t->ncols; k++) {
        const VdColumn *dc = &t->cols[k];
        have[k] = vs_rel_col(r, dc->name);
        if (vs_first_check_of(v, r, dc->name) && !have[k])
            vs_finding(v, r, vs_say(v, "column %s.%s", r->disp, dc->name), vs_where_ddl(v, dc->line),
                    "column %s.%s is missing", r->disp, dc->name);
    }
    int rc = check_types(v, r, t, have);
    for (size_t k = 0; rc == PGM_OK && k < t->ncols; k++)
        if (have[k] && (t->cols[k].serial || t->cols[k].identity))
            rc = check_serial(v, r, &t->cols[k]);
    free(have);
    return rc;
}

/* ---- the ddl file: keys, foreign keys, indexes, sequences ---- */

/* The table an object is on, when it is one the checks can look at. */
static VsRel *object_table(Vs *v, const VdName *n, const char *where, int *rc)
{
    VsRel *r = vs_rel_get(v, n->schema, n->name);
    *rc = r ? PGM_OK : PGM_FAIL;
    if (!r || !vs_table_ok(v, r, where))
        return NULL;
    if (vs_rel_load(v, r) != PGM_OK) {
        *rc = PGM_FAIL;
        return NULL;
    }
    return r;
}

static void check_key(Vs *v, VsRel *r, const VdConstraint *c, const char *where)
{
    const VsIdx *pk = vs_rel_primary(r);
    int primary = c->kind == VD_PRIMARY;
    v->out->checked[VS_KEYS]++;
    if (primary ? pk && pk->valid && vd_list_same(&pk->cols, &c->cols, 0) : vs_unique_on(r, &c->cols, 1))
        return;
    for (size_t i = 0; i < r->nfailed; i++)
        if (vd_list_same(&r->failed_keys[i], &c->cols, 1))
            return;
    const char *cols = vs_cols_of(v, &c->cols);
    const char *obj = vs_say(v, "%s %s %s", primary ? "primary key" : "unique key", r->disp, cols);
    if (primary && pk)
        vs_finding(v, r, obj, where, "the primary key of %s is on %s, the ddl file says %s", r->disp,
                vs_cols_of(v, &pk->cols), cols);
    else
        vs_finding(v, r, obj, where, "%s has no %s on %s", r->disp,
                primary ? "primary key" : "unique constraint or unique index", cols);
}

/* fk joins the same column pairs as cols -> refcols (in any order; with
 * no refcols, the same columns). */
static int fk_same(const VsFk *fk, const VdList *cols, const VdList *refcols)
{
    if (!refcols)
        return vd_list_same(&fk->cols, cols, 1);
    if (fk->cols.n != cols->n || refcols->n != cols->n)
        return 0;
    for (size_t i = 0; i < cols->n; i++) {
        size_t k = 0;
        while (k < fk->cols.n && (strcmp(fk->cols.v[k], cols->v[i]) != 0 ||
                                  strcmp(fk->refcols.v[k], refcols->v[i]) != 0))
            k++;
        if (k == fk->cols.n)
            return 0;
    }
    return 1;
}

static int check_fk(Vs *v, VsRel *r, const VdConstraint *c, const char *where)
{
    VsRel *ref = vs_rel_get(v, c->ref.schema, c->ref.name);
    if (!ref)
        return PGM_FAIL;
    v->out->checked[VS_FKS]++;
    if (!vs_table_ok(v, ref, where))
        return PGM_OK;
    if (vs_rel_load(v, ref) != PGM_OK)
        return PGM_FAIL;
    const VsIdx *pk = vs_rel_primary(ref);
    const VdList *refcols = c->ref_cols.n ? &c->ref_cols : pk ? &pk->cols : NULL;
    for (size_t i = 0; i < r->nfks; i++)
        if (strcmp(r->fks[i].refoid, ref->oid) == 0 && fk_same(&r->fks[i], &c->cols, refcols))
            return PGM_OK;
    const char *cols = vs_cols_of(v, &c->cols);
    vs_finding(v, r, vs_say(v, "foreign key %s %s -> %s", r->disp, cols, ref->disp), where,
            "%s has no foreign key %s referencing %s%s%s", r->disp, cols, ref->disp,
            refcols ? " " : "", refcols ? vs_cols_of(v, refcols) : "");
    return PGM_OK;
}

static int ddl_constraint(Vs *v, const VdConstraint *c)
{
    int rc;
    const char *where = vs_where_ddl(v, c->line);
    VsRel *r = object_table(v, &c->table, where, &rc);
    if (!r)
        return rc;
    if (c->kind == VD_FOREIGN)
        return check_fk(v, r, c, where);
    check_key(v, r, c, where);
    return PGM_OK;
}

/* What differs between the index x of the file and the target's index of
 * that name; NULL when nothing does. */
static const char *index_differs(Vs *v, const VdIndex *x, const VsIdx *have)
{
    if (!have->valid)
        return "is invalid (a failed CREATE INDEX CONCURRENTLY?)";
    if (have->unique != x->unique)
        return have->unique ? "is unique, the ddl file says not unique"
                            : "is not unique, the ddl file says unique";
    if (!x->expression && !vd_list_same(&have->cols, &x->cols, 0))
        return vs_say(v, "is on %s, the ddl file says %s", vs_cols_of(v, &have->cols), vs_cols_of(v, &x->cols));
    return NULL;
}

/* The index the file names: on its table, or elsewhere, or missing. */
static int named_index(Vs *v, VsRel *r, const VdIndex *x, const char *where)
{
    const char *obj = vs_say(v, "index %s.%s", r->schema, x->name), *why;
    for (size_t i = 0; i < r->nidx; i++)
        if (strcmp(r->idx[i].name, x->name) == 0) {
            if ((why = index_differs(v, x, &r->idx[i])) != NULL)
                vs_finding(v, r, obj, where, "index %s.%s %s", r->schema, x->name, why);
            return PGM_OK;
        }
    VsRel *other = vs_rel_get(v, r->schema, x->name);
    if (!other)
        return PGM_FAIL;
    obj = vs_say(v, "index %s.%s", r->schema, x->name);
    if (!other->oid)
        vs_finding(v, r, obj, where, "index is missing");
    else if (other->relkind == 'i' || other->relkind == 'I')
        vs_finding(v, r, obj, where, "index %s is not on %s", other->disp, r->disp);
    else
        vs_finding(v, r, obj, where, "%s is a %s, not an index", other->disp,
                vs_relkind_name(other->relkind));
    return PGM_OK;
}

static int ddl_index(Vs *v, const VdIndex *x)
{
    int rc;
    const char *where = vs_where_ddl(v, x->line);
    VsRel *r = object_table(v, &x->table, where, &rc);
    if (!r)
        return rc;
    /* Unnamed, an expression index has nothing to be recognised by. */
    if (!x->name && x->expression) {
        v->out->unchecked++;
        return PGM_OK;
    }
    v->out->checked[VS_INDEXES]++;
    if (x->name)
        return named_index(v, r, x, where);
    for (size_t i = 0; i < r->nidx; i++) {
        const VsIdx *h = &r->idx[i];
        if (h->valid && h->unique == x->unique && h->partial == x->partial &&
            vd_list_same(&h->cols, &x->cols, 0))
            return PGM_OK;
    }
    const char *cols = vs_cols_of(v, &x->cols);
    vs_finding(v, r, vs_say(v, "index on %s %s", r->disp, cols), where, "%s has no %sindex on %s", r->disp,
            x->unique ? "unique " : "", cols);
    return PGM_OK;
}

static int ddl_sequence(Vs *v, const VdSequence *s)
{
    VsRel *r = vs_rel_get(v, s->name.schema, s->name.name);
    if (!r)
        return PGM_FAIL;
    v->out->checked[VS_SEQUENCES]++;
    /* Not tied to a table: the finding names none. */
    const char *obj = vs_say(v, "sequence %s", r->disp);
    if (!r->oid)
        vs_finding(v, NULL, obj, vs_where_ddl(v, s->line), "sequence is missing");
    else if (r->relkind != 'S')
        vs_finding(v, NULL, obj, vs_where_ddl(v, s->line), "%s is a %s, not a sequence", r->disp,
                vs_relkind_name(r->relkind));
    return PGM_OK;
}

int vs_check_ddl(Vs *v)
{
    char *text = NULL;
    size_t len;
    DdlScript s;
    VdDdl d;
    memset(&d, 0, sizeof d);
    if (read_file(v->m->ddl, &text, &len, v->e) != PGM_OK)
        return PGM_FAIL;
    int rc = ddl_script_parse(text, v->m->ddl, &s, v->e);
    free(text);
    if (rc == PGM_OK)
        vd_script(&d, &s);
    ddl_script_free(&s);
    v->out->unchecked += d.unchecked;
    for (size_t i = 0; rc == PGM_OK && i < d.ntables; i++)
        rc = ddl_table(v, &d.tables[i]);
    for (size_t i = 0; rc == PGM_OK && i < d.ncons; i++)
        rc = ddl_constraint(v, &d.cons[i]);
    for (size_t i = 0; rc == PGM_OK && i < d.nindexes; i++)
        rc = ddl_index(v, &d.indexes[i]);
    for (size_t i = 0; rc == PGM_OK && i < d.nseqs; i++)
        rc = ddl_sequence(v, &d.seqs[i]);
    vd_free(&d);
    return rc;
}
