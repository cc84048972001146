/* init_pg_objects.c - reads what surrounds the tables of the source schema
 * for `pgmap init` from PostgreSQL: enum types and domains (in creation
 * order), sequences (with their options and position, and which column
 * owns them), views and materialized views (in dependency order), the
 * extensions the schema needs, and every object pgmap does not carry
 * (functions, triggers, policies, rules, other types, ...), which become
 * notes: a warning, and the object's SQL as a comment in the DDL. */
#include "init_pg.h"

#include <stdlib.h>
#include <string.h>

#include "pgconn.h"

static const char *SQL_TYPES =
    "SELECT t.oid, t.typarray, t.typname, t.typtype, obj_description(t.oid, 'pg_type'), "
    "  format_type(t.typbasetype, t.typtypmod), t.typbasetype, t.typnotnull, "
    "  pg_get_expr(t.typdefaultbin, 'pg_type'::regclass), "
    "  CASE WHEN t.typtype = 'd' AND t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN "
    "    CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace THEN quote_ident(co.collname) "
    "         ELSE format('%I.%I', cn.nspname, co.collname) END END "
    "FROM pg_type t LEFT JOIN pg_type bt ON bt.oid = t.typbasetype "
    "LEFT JOIN pg_collation co ON co.oid = t.typcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
    "WHERE t.typnamespace = $1::oid AND t.typtype IN ('e', 'd') AND " IPG_NOT_MEMBER("pg_type", "t.oid") " "
    "ORDER BY t.typname COLLATE \"C\"";

static const char *SQL_LABELS =
    "SELECT e.enumtypid, e.enumlabel FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid "
    "WHERE t.typnamespace = $1::oid ORDER BY e.enumtypid, e.enumsortorder";

static const char *SQL_DOMAIN_CHECKS =
    "SELECT co.contypid, co.conname, pg_get_constraintdef(co.oid), co.convalidated, "
    "  obj_description(co.oid, 'pg_constraint'), " IPG_FUNCS("pg_constraint", "co.oid") " "
    "FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid "
    "WHERE t.typnamespace = $1::oid AND co.contype = 'c' ORDER BY co.contypid, co.conname COLLATE \"C\"";

static const char *SQL_SEQUENCES =
    "SELECT c.oid, c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, "
    "  s.seqmax, s.seqcache, s.seqcycle, d.refobjid, a.attname, d.deptype, "
    "  format('nextval(%L::regclass)', c.oid::regclass::text), "
    "  (SELECT count(*) FROM pg_depend x WHERE x.classid = 'pg_attrdef'::regclass "
    "     AND x.refclassid = 'pg_class'::regclass AND x.refobjid = c.oid), "
    "  obj_description(c.oid, 'pg_class') "
    "FROM pg_class c JOIN pg_sequence s ON s.seqrelid = c.oid "
    "LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid "
    "  AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0 "
    "LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
    "WHERE c.relnamespace = $1::oid AND c.relkind = 'S' AND " IPG_NOT_MEMBER("pg_class", "c.oid") " "
    "ORDER BY c.relname COLLATE \"C\"";

/* pg_get_viewdef without pretty-printing: the form pg_dump trusts to
 * parse back the same. */
static const char *SQL_VIEWS =
    "SELECT c.oid, c.relname, c.relkind, pg_get_viewdef(c.oid), array_to_string(c.reloptions, ', '), "
    "  c.relispopulated, obj_description(c.oid, 'pg_class'), " IPG_FUNCS("pg_rewrite", "r.oid") ", "
    "  (SELECT string_agg(DISTINCT d.refobjid::text, E'\\x01') FROM pg_depend d "
    "     JOIN pg_class rc ON rc.oid = d.refobjid WHERE d.classid = 'pg_rewrite'::regclass "
    "     AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> c.oid "
    "     AND rc.relnamespace = $1::oid AND rc.relkind IN ('v', 'm')) "
    "FROM pg_class c JOIN pg_rewrite r ON r.ev_class = c.oid AND r.rulename = '_RETURN' "
    "WHERE c.relnamespace = $1::oid AND c.relkind IN ('v', 'm') AND " IPG_NOT_MEMBER("pg_class", "c.oid") " "
    "ORDER BY c.relname COLLATE \"C\"";

static const char *SQL_VIEW_COLUMN_COMMENTS =
    "SELECT a.attrelid, a.attname, col_description(a.attrelid, a.attnum) FROM pg_attribute a "
    "JOIN pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = $1::oid AND c.relkind IN ('v', 'm') "
    "AND a.attnum > 0 AND col_description(a.attrelid, a.attnum) IS NOT NULL ORDER BY a.attrelid, a.attnum";

/* Extensions whose objects (or, for an array type, whose element type)
 * the objects of the schema depend on. */
static const char *SQL_EXTENSIONS =
    "SELECT DISTINCT e.extname, en.nspname, en.oid = $1::oid FROM pg_depend d "
    "LEFT JOIN pg_type at ON d.refclassid = 'pg_type'::regclass AND at.oid = d.refobjid "
    "  AND at.typelem <> 0 AND at.typlen = -1 "
    "JOIN pg_depend m ON m.classid = d.refclassid AND m.objid IN (d.refobjid, at.typelem) AND m.deptype = 'e' "
    "JOIN pg_extension e ON e.oid = m.refobjid JOIN pg_namespace en ON en.oid = e.extnamespace "
    "WHERE d.deptype <> 'e' AND ("
    "  (d.classid = 'pg_class'::regclass AND d.objid IN (SELECT oid FROM pg_class WHERE relnamespace = $1::oid)) "
    "  OR (d.classid = 'pg_attrdef'::regclass AND d.objid IN (SELECT ad.oid FROM pg_attrdef ad "
    "      JOIN pg_class c ON c.oid = ad.adrelid WHERE c.relnamespace = $1::oid)) "
    "  OR (d.classid = 'pg_constraint'::regclass AND d.objid IN (SELECT oid FROM pg_constraint "
    "      WHERE connamespace = $1::oid)) "
    "  OR (d.classid = 'pg_rewrite'::regclass AND d.objid IN (SELECT r.oid FROM pg_rewrite r "
    "      JOIN pg_class c ON c.oid = r.ev_class WHERE c.relnamespace = $1::oid)) "
    "  OR (d.classid = 'pg_type'::regclass AND d.objid IN (SELECT oid FROM pg_type WHERE typnamespace = $1::oid))) "
    "ORDER BY 1";

/* Everything else in the schema: (message, SQL or NULL). */
static const char *SQL_UNCARRIED =
    "SELECT 1, format('%s %s is not carried (pgmap copies no code)', "
    "    CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' WHEN 'w' THEN 'window function' "
    "    ELSE 'function' END, p.oid::regprocedure), "
    "  CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END "
    "FROM pg_proc p WHERE p.pronamespace = $1::oid AND " IPG_NOT_MEMBER("pg_proc", "p.oid") " "
    "UNION ALL SELECT 2, format('trigger %I on %I is not carried', t.tgname, c.relname), "
    "  pg_get_triggerdef(t.oid) || ';' FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
    "WHERE c.relnamespace = $1::oid AND NOT t.tgisinternal AND NOT (c.relispartition AND EXISTS ("
    "  SELECT 1 FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent WHERE i.inhrelid = c.oid "
    "  AND pc.relnamespace = c.relnamespace)) "
    "UNION ALL SELECT 3, format('row level security of %I is not carried', c.relname), NULL "
    "FROM pg_class c WHERE c.relnamespace = $1::oid AND c.relrowsecurity "
    "UNION ALL SELECT 4, format('policy %I on %I is not carried', p.polname, c.relname), "
    "  concat_ws(' ', format('CREATE POLICY %I ON %I', p.polname, c.relname), "
    "    CASE WHEN NOT p.polpermissive THEN 'AS RESTRICTIVE' END, 'FOR ' || CASE p.polcmd WHEN 'r' "
    "    THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END, "
    "    'TO ' || array_to_string(ARRAY(SELECT CASE WHEN o = 0 THEN 'PUBLIC' "
    "      ELSE quote_ident(pg_get_userbyid(o)) END FROM unnest(p.polroles) o), ', '), "
    "    'USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', "
    "    'WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')') || ';' "
    "FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = $1::oid "
    "UNION ALL SELECT 5, format('rule %I on %I is not carried', r.rulename, c.relname), pg_get_ruledef(r.oid) "
    "FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
    "WHERE c.relnamespace = $1::oid AND r.rulename <> '_RETURN' "
    "UNION ALL SELECT 6, format('type %s (%s) is not carried: columns of this type keep the source''s type', "
    "    format_type(t.oid, NULL), CASE t.typtype WHEN 'c' THEN 'composite' WHEN 'r' THEN 'range' "
    "    WHEN 'b' THEN 'base' ELSE 'pseudo' END), NULL "
    "FROM pg_type t LEFT JOIN pg_class c ON c.oid = t.typrelid "
    "WHERE t.typnamespace = $1::oid AND t.typtype NOT IN ('e', 'd', 'm') AND (t.typtype <> 'c' OR c.relkind = 'c') "
    "  AND NOT EXISTS (SELECT 1 FROM pg_type x WHERE x.typarray = t.oid) AND " IPG_NOT_MEMBER("pg_type", "t.oid") " "
    "UNION ALL SELECT 7, format('foreign table %I is not carried', c.relname), NULL FROM pg_class c "
    "WHERE c.relnamespace = $1::oid AND c.relkind = 'f' AND " IPG_NOT_MEMBER("pg_class", "c.oid") " "
    "UNION ALL SELECT 8, format('statistics object %I is not carried', s.stxname), "
    "  pg_get_statisticsobjdef(s.oid) FROM pg_statistic_ext s WHERE s.stxnamespace = $1::oid "
    "UNION ALL SELECT 9, format('collation %I is not carried', co.collname), NULL FROM pg_collation co "
    "WHERE co.collnamespace = $1::oid AND " IPG_NOT_MEMBER("pg_collation", "co.oid") " "
    "ORDER BY 1, 2";

static IpgType *type_by_oid(IpgDb *db, const char *oid)
{
    for (size_t i = 0; oid && i < db->ntypes; i++)
        if (strcmp(db->types[i].oid, oid) == 0 || strcmp(db->types[i].array_oid, oid) == 0)
            return &db->types[i];
    return NULL;
}

static int read_labels(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "enum labels", SQL_LABELS, 1, p, e);
    if (!r)
        return PGM_FAIL;
    for (size_t k = 0; k < db->ntypes; k++) {
        IpgType *t = &db->types[k];
        if (t->kind != 'e')
            continue;
        t->labels = arena_alloc(db->arena, ((size_t)PQntuples(r) + 1) * sizeof *t->labels);
        for (int i = 0; i < PQntuples(r); i++)
            if (strcmp(PQgetvalue(r, i, 0), t->oid) == 0)
                t->labels[t->nlabels++] = ipg_val(db, r, i, 1);
    }
    PQclear(r);
    return PGM_OK;
}

static int read_domain_checks(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "domain constraints", SQL_DOMAIN_CHECKS, 1, p, e);
    if (!r)
        return PGM_FAIL;
    for (size_t k = 0; k < db->ntypes; k++) {
        IpgType *t = &db->types[k];
        t->checks = arena_alloc(db->arena, ((size_t)PQntuples(r) + 1) * sizeof *t->checks);
        for (int i = 0; i < PQntuples(r); i++) {
            if (strcmp(PQgetvalue(r, i, 0), t->oid) != 0)
                continue;
            IpgCon *c = &t->checks[t->nchecks++];
            c->type = 'c';
            c->name = ipg_val(db, r, i, 1);
            c->def = ipg_val(db, r, i, 2);
            c->validated = PQgetvalue(r, i, 3)[0] == 't';
            c->comment = ipg_val(db, r, i, 4);
            c->funcs = ipg_val(db, r, i, 5);
            if (c->funcs)
                ipg_note(db, c->def, "domain %s: constraint %s calls functions of schema %s (%s), which are "
                         "not carried: the domain is created without it", t->name, c->name, db->schema, c->funcs);
        }
    }
    PQclear(r);
    return PGM_OK;
}

/* Enums first, then each domain after the local domain it is based on. */
static void order_types(IpgDb *db)
{
    IpgType *v = arena_alloc(db->arena, (db->ntypes + 1) * sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < db->ntypes; i++)
        if (db->types[i].kind == 'e') {
            db->types[i].done = 1;
            v[n++] = db->types[i];
        }
    for (size_t pass = 0; pass <= db->ntypes && n < db->ntypes; pass++)
        for (size_t i = 0; i < db->ntypes; i++) {
            IpgType *t = &db->types[i];
            const IpgType *base = type_by_oid(db, t->base_oid);
            if (!t->done && (!base || base->done)) {
                t->done = 1;
                v[n++] = *t;
            }
        }
    db->types = v;
    db->ntypes = n;
}

int ipg_read_types(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "types", SQL_TYPES, 1, p, e);
    if (!r)
        return PGM_FAIL;
    db->ntypes = (size_t)PQntuples(r);
    db->types = arena_alloc(db->arena, (db->ntypes + 1) * sizeof *db->types);
    for (int i = 0; i < PQntuples(r); i++) {
        IpgType *t = &db->types[i];
        t->oid = ipg_val(db, r, i, 0);
        t->array_oid = ipg_val(db, r, i, 1);
        t->name = ipg_val(db, r, i, 2);
        t->kind = PQgetvalue(r, i, 3)[0];
        t->comment = ipg_val(db, r, i, 4);
        if (t->kind == 'd') {
            t->base = ipg_val(db, r, i, 5);
            t->base_oid = ipg_val(db, r, i, 6);
            t->notnull = PQgetvalue(r, i, 7)[0] == 't';
            t->dflt = ipg_val(db, r, i, 8);
            t->collation = ipg_val(db, r, i, 9);
        }
    }
    PQclear(r);
    if (read_labels(db, e) != PGM_OK || read_domain_checks(db, e) != PGM_OK)
        return PGM_FAIL;
    order_types(db);
    return PGM_OK;
}

/* The position of a sequence is in the sequence itself (last_value and
 * is_called, which pg_sequences hides when it is false). */
static int read_position(IpgDb *db, IpgSeq *s, PgmError *e)
{
    Buf q;
    buf_init(&q);
    buf_puts(&q, "SELECT last_value, is_called FROM ");
    pg_quote_qualified(db->c, &q, db->schema, s->name);
    PGresult *r = ipg_query(db, "a sequence's position", q.data, 0, NULL, e);
    buf_free(&q);
    if (!r)
        return PGM_FAIL;
    s->called = PQgetvalue(r, 0, 1)[0] == 't';
    if (s->called || strcmp(PQgetvalue(r, 0, 0), s->start) != 0)
        s->last = ipg_val(db, r, 0, 0);
    PQclear(r);
    return PGM_OK;
}

int ipg_read_sequences(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "sequences", SQL_SEQUENCES, 1, p, e);
    if (!r)
        return PGM_FAIL;
    db->nseqs = (size_t)PQntuples(r);
    db->seqs = arena_alloc(db->arena, (db->nseqs + 1) * sizeof *db->seqs);
    for (int i = 0; i < PQntuples(r); i++) {
        IpgSeq *s = &db->seqs[i];
        s->oid = ipg_val(db, r, i, 0);
        s->name = ipg_val(db, r, i, 1);
        s->type = ipg_val(db, r, i, 2);
        s->start = ipg_val(db, r, i, 3);
        s->inc = ipg_val(db, r, i, 4);
        s->min = ipg_val(db, r, i, 5);
        s->max = ipg_val(db, r, i, 6);
        s->cache = ipg_val(db, r, i, 7);
        s->cycle = PQgetvalue(r, i, 8)[0] == 't';
        s->owner_oid = ipg_val(db, r, i, 9);
        s->owner_col = ipg_val(db, r, i, 10);
        s->deptype = PQgetvalue(r, i, 11)[0];
        s->nextval = ipg_val(db, r, i, 12);
        s->ndefaults = atoi(PQgetvalue(r, i, 13));
        s->comment = ipg_val(db, r, i, 14);
    }
    int rc = PGM_OK;
    for (int i = 0; i < PQntuples(r) && rc == PGM_OK; i++)
        rc = read_position(db, &db->seqs[i], e);
    PQclear(r);
    return rc;
}

/* An identity keeps its sequence; a serial column (a nextval default on
 * the sequence it owns, that no other default uses) becomes an identity
 * with the sequence's name, options and position. */
void ipg_link_sequences(IpgDb *db)
{
    for (size_t i = 0; i < db->nseqs; i++) {
        IpgSeq *s = &db->seqs[i];
        for (size_t k = 0; s->owner_oid && k < db->ntables; k++) {
            IpgTable *t = &db->tables[k];
            for (size_t j = 0; strcmp(t->oid, s->owner_oid) == 0 && j < t->ncols; j++) {
                IpgColumn *c = &t->cols[j];
                if (strcmp(c->name, s->owner_col) != 0)
                    continue;
                if (s->deptype == 'i' && c->identity) {
                    c->seq = s;
                    s->with_column = 1;
                } else if (s->deptype == 'a' && !c->identity && !c->generated && c->intlike && c->dflt &&
                           strcmp(c->dflt, s->nextval) == 0 && s->ndefaults == 1) {
                    c->seq = s;
                    c->serial = 1;
                    s->with_column = 1;
                }
            }
        }
    }
}

static IpgView *view_by_oid(IpgDb *db, const char *oid)
{
    for (size_t i = 0; i < db->nviews; i++)
        if (strcmp(db->views[i].oid, oid) == 0)
            return &db->views[i];
    return NULL;
}

static void visit_view(IpgDb *db, IpgView *v, IpgView *out, size_t *n)
{
    if (v->done)
        return;
    v->done = 1;   /* views cannot be cyclic; this also ends a loop if one were */
    for (size_t i = 0; i < v->ndeps; i++) {
        IpgView *d = view_by_oid(db, v->deps[i]);
        if (d)
            visit_view(db, d, out, n);
    }
    out[(*n)++] = *v;
}

static int read_view_extras(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "view column comments", SQL_VIEW_COLUMN_COMMENTS, 1, p, e);
    if (!r)
        return PGM_FAIL;
    int rc = PGM_OK;
    for (size_t k = 0; k < db->nviews && rc == PGM_OK; k++) {
        IpgView *v = &db->views[k];
        v->colcom = arena_alloc(db->arena, ((size_t)PQntuples(r) + 1) * sizeof *v->colcom);
        for (int i = 0; i < PQntuples(r); i++)
            if (strcmp(PQgetvalue(r, i, 0), v->oid) == 0) {
                v->colcom[v->ncolcom].col = ipg_val(db, r, i, 1);
                v->colcom[v->ncolcom++].text = ipg_val(db, r, i, 2);
            }
        if (v->kind == 'm')
            rc = ipg_read_indexes(db, v->oid, &v->idx, &v->nidx, e);
    }
    PQclear(r);
    return rc;
}

int ipg_read_views(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "views", SQL_VIEWS, 1, p, e);
    if (!r)
        return PGM_FAIL;
    db->nviews = (size_t)PQntuples(r);
    db->views = arena_alloc(db->arena, (db->nviews + 1) * sizeof *db->views);
    for (int i = 0; i < PQntuples(r); i++) {
        IpgView *v = &db->views[i];
        v->oid = ipg_val(db, r, i, 0);
        v->name = ipg_val(db, r, i, 1);
        v->kind = PQgetvalue(r, i, 2)[0];
        v->def = ipg_val(db, r, i, 3);
        v->options = ipg_val(db, r, i, 4);
        v->populated = PQgetvalue(r, i, 5)[0] == 't';
        v->comment = ipg_val(db, r, i, 6);
        v->funcs = ipg_val(db, r, i, 7);
        v->deps = ipg_split(db, PQgetisnull(r, i, 8) ? NULL : PQgetvalue(r, i, 8), &v->ndeps);
        if (v->funcs)
            ipg_note(db, NULL, "view %s calls functions of schema %s (%s), which are not carried", v->name,
                     db->schema, v->funcs);
    }
    PQclear(r);
    if (read_view_extras(db, e) != PGM_OK)
        return PGM_FAIL;
    IpgView *ordered = arena_alloc(db->arena, (db->nviews + 1) * sizeof *ordered);
    size_t n = 0;
    for (size_t i = 0; i < db->nviews; i++)
        visit_view(db, &db->views[i], ordered, &n);
    db->views = ordered;
    return PGM_OK;
}

static int read_extensions(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "extensions", SQL_EXTENSIONS, 1, p, e);
    if (!r)
        return PGM_FAIL;
    for (int i = 0; i < PQntuples(r); i++) {
        Buf sql;
        buf_init(&sql);
        buf_puts(&sql, "CREATE EXTENSION IF NOT EXISTS ");
        quote_ident_dq(&sql, PQgetvalue(r, i, 0));
        buf_puts(&sql, " SCHEMA ");
        quote_ident_dq(&sql, PQgetvalue(r, i, 1));
        buf_puts(&sql, ";");
        ipg_note(db, sql.data, "extension %s (in schema %s) is needed and not created: it must exist in the "
                 "target database", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
        if (PQgetvalue(r, i, 2)[0] == 't')
            db->ext_in_schema = 1;
        buf_free(&sql);
    }
    PQclear(r);
    return PGM_OK;
}

int ipg_read_uncarried(IpgDb *db, PgmError *e)
{
    if (read_extensions(db, e) != PGM_OK)
        return PGM_FAIL;
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "other objects", SQL_UNCARRIED, 1, p, e);
    if (!r)
        return PGM_FAIL;
    for (int i = 0; i < PQntuples(r); i++)
        ipg_note(db, PQgetisnull(r, i, 2) ? NULL : PQgetvalue(r, i, 2), "%s", PQgetvalue(r, i, 1));
    PQclear(r);
    return PGM_OK;
}
