/* init_pg_catalog.c - reads the tables of the source schema for
 * `pgmap init` from PostgreSQL: columns (exact types, NOT NULL, defaults,
 * identity, generated columns, collations, comments), constraints as
 * pg_get_constraintdef prints them, and the indexes that back no
 * constraint.  A partitioned table is read as one plain table (its
 * partitions are not tables of their own); inheritance is noted. */
#include "init_pg.h"

#include <stdlib.h>
#include <string.h>

static const char *SQL_TABLES =
    "SELECT c.oid, c.relname, c.relkind, c.relpersistence = 'u', obj_description(c.oid, 'pg_class'), "
    "  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END, "
    "  (SELECT string_agg(format('%I.%I', kn.nspname, k.relname), ', ' ORDER BY k.relname) "
    "     FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid "
    "     JOIN pg_namespace kn ON kn.oid = k.relnamespace WHERE i.inhparent = c.oid AND k.relispartition), "
    "  (SELECT string_agg(format('%I.%I', pn.nspname, p.relname), ', ' ORDER BY p.relname) "
    "     FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
    "     JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid), "
    "  EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class k ON k.oid = i.inhrelid "
    "          WHERE i.inhparent = c.oid AND NOT k.relispartition), "
    "  c.relispartition, "
    "  c.relispartition AND EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent "
    "                               WHERE i.inhrelid = c.oid AND p.relnamespace = c.relnamespace) "
    "FROM pg_class c WHERE c.relnamespace = $1::oid AND c.relkind IN ('r', 'p') "
    "  AND " IPG_NOT_MEMBER("pg_class", "c.oid") " ORDER BY c.relname COLLATE \"C\"";

/* A column's type is printed unqualified when it lives in the source
 * schema; types of that schema that are not recreated (composite, range,
 * base types, not an extension's) are qualified so they still resolve. */
static const char *SQL_COLUMNS =
    "SELECT a.attnum, a.attname, "
    "  CASE WHEN et.typnamespace = $1::oid AND et.typtype NOT IN ('e', 'd') AND NOT EXISTS ("
    "         SELECT 1 FROM pg_depend de WHERE de.classid = 'pg_type'::regclass AND de.objid = et.oid "
    "         AND de.deptype = 'e') "
    "       THEN quote_ident(n.nspname) || '.' ELSE '' END || format_type(a.atttypid, a.atttypmod), "
    "  a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
    "  CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN "
    "    CASE WHEN co.collnamespace = 'pg_catalog'::regnamespace THEN quote_ident(co.collname) "
    "         ELSE format('%I.%I', cn.nspname, co.collname) END END, "
    "  col_description(a.attrelid, a.attnum), " IPG_FUNCS("pg_attrdef", "d.oid") ", "
    "  a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype) "
    "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
    "JOIN pg_type et ON et.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1 THEN t.typelem ELSE t.oid END "
    "JOIN pg_namespace n ON n.oid = et.typnamespace "
    "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
    "LEFT JOIN pg_collation co ON co.oid = a.attcollation "
    "LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace "
    "WHERE a.attrelid = $2::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

/* Constraints a partition inherits from a parent elsewhere are its own
 * here; the copies PostgreSQL makes of a foreign key for each partition
 * of the referenced table (same conrelid as their parent) are not. */
static const char *SQL_CONSTRAINTS =
    "SELECT co.conname, co.contype, pg_get_constraintdef(co.oid), co.convalidated, co.condeferrable, "
    "  (SELECT string_agg(a.attname, E'\\x01' ORDER BY k.i) FROM unnest(co.conkey) WITH ORDINALITY k(n, i) "
    "     JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n), "
    "  coalesce((SELECT bool_and(a.attnotnull) FROM unnest(co.conkey) k(n) "
    "     JOIN pg_attribute a ON a.attrelid = co.conrelid AND a.attnum = k.n), false), "
    "  obj_description(co.oid, 'pg_constraint'), " IPG_FUNCS("pg_constraint", "co.oid") " "
    "FROM pg_constraint co WHERE co.conrelid = $2::oid AND co.contype IN ('p', 'u', 'f', 'c', 'x') "
    "  AND NOT EXISTS (SELECT 1 FROM pg_constraint pc WHERE pc.oid = co.conparentid "
    "                  AND pc.conrelid = co.conrelid) "
    "ORDER BY co.contype <> 'p', co.conname COLLATE \"C\"";

/* The head is what pg_get_indexdef prints before the column list; the
 * rest is kept as it is, the head is written again for the target. */
static const char *SQL_INDEXES =
    "SELECT i.relname, x.indisunique, pg_get_indexdef(x.indexrelid), quote_ident(am.amname), "
    "  format('CREATE %sINDEX %s ON %s%s USING %s ', CASE WHEN x.indisunique THEN 'UNIQUE ' ELSE '' END, "
    "         quote_ident(i.relname), CASE WHEN i.relkind = 'I' THEN 'ONLY ' ELSE '' END, "
    "         format('%I.%I', n.nspname, c.relname), quote_ident(am.amname)), "
    "  obj_description(i.oid, 'pg_class'), " IPG_FUNCS("pg_class", "i.oid") " "
    "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid "
    "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am am ON am.oid = i.relam "
    "WHERE x.indrelid = $2::oid AND NOT EXISTS (SELECT 1 FROM pg_constraint co "
    "  WHERE co.conindid = x.indexrelid AND co.conrelid = x.indrelid AND co.contype IN ('p', 'u', 'x')) "
    "ORDER BY i.relname COLLATE \"C\"";

static int is_true(const PGresult *r, int row, int col)
{
    return PQgetvalue(r, row, col)[0] == 't';
}

static int read_columns(IpgDb *db, IpgTable *t, PgmError *e)
{
    const char *p[] = {db->nsp, t->oid};
    PGresult *r = ipg_query(db, "columns", SQL_COLUMNS, 2, p, e);
    if (!r)
        return PGM_FAIL;
    t->ncols = (size_t)PQntuples(r);
    t->cols = arena_alloc(db->arena, (t->ncols + 1) * sizeof *t->cols);
    for (int i = 0; i < PQntuples(r); i++) {
        IpgColumn *c = &t->cols[i];
        c->attnum = atoi(PQgetvalue(r, i, 0));
        c->name = ipg_val(db, r, i, 1);
        c->type = ipg_val(db, r, i, 2);
        c->notnull = is_true(r, i, 3);
        c->dflt = ipg_val(db, r, i, 4);
        c->identity = PQgetvalue(r, i, 5)[0];
        c->generated = PQgetvalue(r, i, 6)[0];
        c->collation = ipg_val(db, r, i, 7);
        c->comment = ipg_val(db, r, i, 8);
        c->dflt_funcs = ipg_val(db, r, i, 9);
        c->intlike = is_true(r, i, 10);
        if (c->dflt_funcs && c->generated)
            ipg_note(db, NULL, "%s.%s: generated from functions of schema %s (%s), which are not carried: "
                     "loaded as a plain column", t->name, c->name, db->schema, c->dflt_funcs);
        else if (c->dflt_funcs)
            ipg_note(db, NULL, "%s.%s: the default calls functions of schema %s (%s), which are not carried: "
                     "it is set after the load, if they exist by then", t->name, c->name, db->schema,
                     c->dflt_funcs);
    }
    PQclear(r);
    return PGM_OK;
}

static int read_constraints(IpgDb *db, IpgTable *t, PgmError *e)
{
    const char *p[] = {db->nsp, t->oid};
    PGresult *r = ipg_query(db, "constraints", SQL_CONSTRAINTS, 2, p, e);
    if (!r)
        return PGM_FAIL;
    t->ncons = (size_t)PQntuples(r);
    t->cons = arena_alloc(db->arena, (t->ncons + 1) * sizeof *t->cons);
    for (int i = 0; i < PQntuples(r); i++) {
        IpgCon *k = &t->cons[i];
        k->name = ipg_val(db, r, i, 0);
        k->type = PQgetvalue(r, i, 1)[0];
        k->def = ipg_val(db, r, i, 2);
        k->validated = is_true(r, i, 3);
        k->deferrable = is_true(r, i, 4);
        k->cols = ipg_split(db, PQgetisnull(r, i, 5) ? NULL : PQgetvalue(r, i, 5), &k->ncols);
        k->notnull_cols = is_true(r, i, 6);
        k->comment = ipg_val(db, r, i, 7);
        k->funcs = ipg_val(db, r, i, 8);
        if (k->funcs)
            ipg_note(db, NULL, "%s: constraint %s calls functions of schema %s (%s), which are not carried: "
                     "it is added after the load, if they exist by then", t->name, k->name, db->schema, k->funcs);
    }
    PQclear(r);
    return PGM_OK;
}

int ipg_read_indexes(IpgDb *db, const char *reloid, IpgIndex **out, size_t *n, PgmError *e)
{
    const char *p[] = {db->nsp, reloid};
    PGresult *r = ipg_query(db, "indexes", SQL_INDEXES, 2, p, e);
    if (!r)
        return PGM_FAIL;
    *n = (size_t)PQntuples(r);
    IpgIndex *v = arena_alloc(db->arena, (*n + 1) * sizeof *v);
    for (int i = 0; i < PQntuples(r); i++) {
        v[i].name = ipg_val(db, r, i, 0);
        v[i].unique = is_true(r, i, 1);
        v[i].def = ipg_val(db, r, i, 2);
        v[i].am = ipg_val(db, r, i, 3);
        const char *head = PQgetvalue(r, i, 4);
        size_t hl = strlen(head);
        if (v[i].def && strncmp(v[i].def, head, hl) == 0)
            v[i].rest = v[i].def + hl;
        else
            ipg_note(db, v[i].def, "index %s: its definition does not read as expected, so it is not "
                     "carried", v[i].name);
        v[i].comment = ipg_val(db, r, i, 5);
        v[i].funcs = ipg_val(db, r, i, 6);
        if (v[i].funcs && v[i].rest)
            ipg_note(db, NULL, "index %s calls functions of schema %s (%s), which are not carried", v[i].name,
                     db->schema, v[i].funcs);
    }
    *out = v;
    PQclear(r);
    return PGM_OK;
}

/* The mapping's key: the primary key, else a unique constraint on NOT NULL
 * columns (the same thing).  ON CONFLICT cannot use a deferrable one. */
static void choose_key(IpgTable *t)
{
    for (size_t i = 0; i < t->ncons && !t->key; i++)
        if (t->cons[i].type == 'p' && !t->cons[i].deferrable)
            t->key = &t->cons[i];
    for (size_t i = 0; i < t->ncons && !t->key; i++)
        if (t->cons[i].type == 'u' && !t->cons[i].deferrable && t->cons[i].notnull_cols)
            t->key = &t->cons[i];
}

static void table_notes(IpgDb *db, const IpgTable *t, int partition)
{
    if (t->kind == 'p')
        ipg_note(db, NULL, "%s is partitioned (%s) in the source: created as one plain table holding the rows "
                 "of every partition (%s)", t->name, t->partkey ? t->partkey : "?",
                 t->partitions ? t->partitions : "none");
    else if (partition)
        ipg_note(db, NULL, "%s is a partition of %s, outside schema %s: created as a plain table", t->name,
                 t->parents ? t->parents : "?", db->schema);
    else if (t->parents)
        ipg_note(db, NULL, "%s inherits from %s: created as an independent table with every column",
                 t->name, t->parents);
    if (t->inh_children)
        ipg_note(db, NULL, "%s has inheritance children: only its own rows are read (where: tableoid)", t->name);
}

static int read_table(IpgDb *db, IpgTable *t, PgmError *e)
{
    if (read_columns(db, t, e) != PGM_OK || read_constraints(db, t, e) != PGM_OK ||
        ipg_read_indexes(db, t->oid, &t->idx, &t->nidx, e) != PGM_OK)
        return PGM_FAIL;
    choose_key(t);
    return PGM_OK;
}

int ipg_read_tables(IpgDb *db, PgmError *e)
{
    const char *p[] = {db->nsp};
    PGresult *r = ipg_query(db, "tables", SQL_TABLES, 1, p, e);
    if (!r)
        return PGM_FAIL;
    db->tables = arena_alloc(db->arena, ((size_t)PQntuples(r) + 1) * sizeof *db->tables);
    int rc = PGM_OK;
    for (int i = 0; i < PQntuples(r) && rc == PGM_OK; i++) {
        if (is_true(r, i, 10))
            continue;   /* a partition of a partitioned table of the schema: read through it */
        IpgTable *t = &db->tables[db->ntables++];
        t->oid = ipg_val(db, r, i, 0);
        t->name = ipg_val(db, r, i, 1);
        t->kind = PQgetvalue(r, i, 2)[0];
        t->unlogged = is_true(r, i, 3);
        t->comment = ipg_val(db, r, i, 4);
        t->partkey = ipg_val(db, r, i, 5);
        t->partitions = ipg_val(db, r, i, 6);
        t->parents = ipg_val(db, r, i, 7);
        t->inh_children = is_true(r, i, 8);
        table_notes(db, t, is_true(r, i, 9));
        rc = read_table(db, t, e);
    }
    PQclear(r);
    return rc;
}
