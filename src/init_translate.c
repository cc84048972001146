/* init_translate.c - the SQLite SQL that has to become PostgreSQL SQL
 * (column defaults, CHECK constraints, views; index elements are done by
 * the DDL writer) and the foreign keys PostgreSQL cannot have at all.
 * Identifiers inside the expressions are renamed to the target names. */
#include "init.h"

#include <stdlib.h>
#include <string.h>

#include "sqlite_sql.h"

typedef struct Renamer {
    IDb *db;
    const ITable *t;   /* columns of this table first; NULL for views */
} Renamer;

/* A source name to its target name: a column of the current table, else
 * a table or view, else (views) a column of any table. */
static const char *rename_ident(void *ud, const char *ident)
{
    const Renamer *r = ud;
    if (r->t) {
        int k = itable_column(r->t, ident);
        if (k >= 0)
            return r->t->cols[k].tname;
    }
    ITable *t = idb_table(r->db, ident);
    if (t)
        return t->tname;
    for (size_t i = 0; i < r->db->nviews; i++)
        if (ascii_casecmp(r->db->views[i].name, ident) == 0)
            return r->db->views[i].tname;
    for (size_t i = 0; !r->t && i < r->db->ntables; i++) {
        int k = itable_column(&r->db->tables[i], ident);
        if (k >= 0)
            return r->db->tables[i].cols[k].tname;
    }
    return NULL;
}

static void take(IDb *db, SqlXlate *x, char **sql, char **why)
{
    *sql = x->sql ? arena_strdup(db->arena, x->sql) : NULL;
    if (why)
        *why = x->sql ? NULL : arena_strdup(db->arena, x->why);
    sqlx_free(x);
}

static void translate_defaults(IDb *db, ITable *t)
{
    Renamer r = {db, t};
    SqlNames names = {rename_ident, &r};
    for (size_t i = 0; i < t->ncols; i++) {
        IColumn *c = &t->cols[i];
        if (!c->dflt || c->identity)
            continue;
        if (c->ops) {
            c->default_note = arena_printf(db->arena, "DEFAULT %s not kept: the column's values are converted "
                                           "(%s), so the SQLite default would not mean the same", c->dflt, c->ops);
            continue;
        }
        SqlXlate x;
        memset(&x, 0, sizeof x);
        int rc = sqlx_default(c->dflt, c->kind, &names, &x);
        if (rc == 0 && x.sql && strstr(c->dflt, "CURRENT_TIMESTAMP") && c->dflt[0] == '\'' &&
            (c->kind == PT_TIMESTAMP || c->kind == PT_TIMESTAMPTZ || c->kind == PT_DATE))
            c->default_note = arena_printf(db->arena, "DEFAULT %s is a string in SQLite, which stores it "
                                           "literally; read as the current time here", c->dflt);
        if (rc != 0)
            c->default_note = arena_printf(db->arena, "DEFAULT %s dropped: %s", c->dflt, x.why);
        take(db, &x, &c->pg_default, NULL);
    }
}

static void translate_checks(IDb *db, ITable *t)
{
    Renamer r = {db, t};
    SqlNames names = {rename_ident, &r};
    for (size_t i = 0; i < t->nchecks; i++) {
        SqlXlate x;
        memset(&x, 0, sizeof x);
        sqlx_expr(t->checks[i].expr, &names, &x);
        take(db, &x, &t->checks[i].pg, &t->checks[i].why);
    }
}

/* Same type family: PostgreSQL needs comparable types on both sides of a
 * foreign key. */
static const char *family(const IColumn *c)
{
    switch (c->kind) {
    case PT_INT2: case PT_INT4: case PT_INT8: return "integer";
    case PT_TEXT: case PT_VARCHAR: case PT_CHAR:
        return strcmp(c->pgtype, "citext") == 0 ? "citext" : "text";
    default: return c->pgtype;
    }
}

/* The parent's key the FK points at: its primary key or a unique index
 * over exactly those columns (in any order). */
static int parent_has_key(const ITable *p, const int *cols, size_t n)
{
    for (size_t i = 0; i < p->nidx; i++) {
        const IIndex *ix = &p->idx[i];
        if (!ix->unique || ix->partial || ix->ncols != n)
            continue;
        size_t hit = 0;
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < n; b++)
                hit += ix->cols[b] == cols[a];
        if (hit == n)
            return 1;
    }
    int npk = 0, match = 0;
    for (size_t i = 0; i < p->ncols; i++)
        npk += p->cols[i].pk > 0;
    for (size_t a = 0; a < n; a++)
        match += cols[a] >= 0 && p->cols[cols[a]].pk > 0;
    return npk > 0 && (size_t)npk == n && (size_t)match == n;
}

static void check_fk(IDb *db, ITable *t, IFk *fk)
{
    ITable *p = idb_table(db, fk->parent);
    if (!p) {
        fk->drop_reason = arena_printf(db->arena, "the parent table %s does not exist", fk->parent);
        return;
    }
    int pc[64];
    if (fk->ncols > 64) {
        fk->drop_reason = "more than 64 columns";
        return;
    }
    for (size_t i = 0; i < fk->ncols; i++) {
        if (!fk->ref[i]) {   /* REFERENCES parent without columns: its primary key */
            for (size_t k = 0; k < p->ncols; k++)
                if (p->cols[k].pk == (int)i + 1)
                    fk->ref[i] = p->cols[k].name;
        }
        pc[i] = fk->ref[i] ? itable_column(p, fk->ref[i]) : -1;
        if (fk->cols[i] < 0 || pc[i] < 0) {
            fk->drop_reason = arena_printf(db->arena, "column %s does not exist",
                                           fk->cols[i] < 0 ? "(child)" : fk->ref[i] ? fk->ref[i] : "(parent key)");
            return;
        }
        const IColumn *a = &t->cols[fk->cols[i]], *b = &p->cols[pc[i]];
        if (strcmp(family(a), family(b)) != 0) {
            fk->drop_reason = arena_printf(db->arena, "%s is %s but %s.%s is %s", a->name, a->pgtype,
                                           p->name, b->name, b->pgtype);
            return;
        }
    }
    if (!parent_has_key(p, pc, fk->ncols))
        fk->drop_reason = arena_printf(db->arena, "the referenced columns of %s are neither its primary key "
                                       "nor unique (PostgreSQL requires one)", p->name);
}

static void translate_views(IDb *db)
{
    Renamer r = {db, NULL};
    SqlNames names = {rename_ident, &r};
    for (size_t i = 0; i < db->nviews; i++) {
        SqlXlate x;
        memset(&x, 0, sizeof x);
        if (!db->views[i].sql || db->views[i].why) {
            if (!db->views[i].why)
                db->views[i].why = "no SQL text";
            continue;
        }
        sqlx_view(db->views[i].sql, &names, &x);
        take(db, &x, &db->views[i].pg, &db->views[i].why);
    }
}

static void translate_indexes(IDb *db, ITable *t)
{
    Renamer r = {db, t};
    SqlNames names = {rename_ident, &r};
    for (size_t i = 0; i < t->nidx; i++) {
        IIndex *ix = &t->idx[i];
        if (ix->origin != 'c' || !ix->sql)
            continue;
        SqlXlate el, wh;
        memset(&el, 0, sizeof el);
        memset(&wh, 0, sizeof wh);
        if (sqlx_index(ix->sql, &names, &el, &wh) != 0)
            ix->why = arena_strdup(db->arena, el.sql ? wh.why : el.why);
        else {
            ix->pg_elems = arena_strdup(db->arena, el.sql);
            ix->pg_where = wh.sql ? arena_strdup(db->arena, wh.sql) : NULL;
        }
        sqlx_free(&el);
        sqlx_free(&wh);
    }
}

/* PostgreSQL primary keys are NOT NULL; SQLite lets a rowid table's
 * non-integer key hold NULLs (a documented legacy bug). */
static void check_primary_key(IDb *db, ITable *t)
{
    int npk = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        if (!t->cols[i].pk)
            continue;
        npk++;
        if (t->cols[i].prof.nnull && !t->pk_note) {
            t->pk_note = arena_printf(db->arena, "primary key column %s holds %lld NULLs, which a PostgreSQL "
                                      "primary key cannot: no primary key", t->cols[i].name, t->cols[i].prof.nnull);
            db->warnings++;
        }
    }
    t->rerun_replace = npk == 0 || t->pk_note;
}

void init_translate(IDb *db)
{
    for (size_t i = 0; i < db->ntables; i++) {
        ITable *t = &db->tables[i];
        check_primary_key(db, t);
        translate_indexes(db, t);
        translate_defaults(db, t);
        translate_checks(db, t);
        for (size_t k = 0; k < t->nfks; k++)
            check_fk(db, t, &t->fks[k]);
    }
    translate_views(db);
}
