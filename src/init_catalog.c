/* init_catalog.c - reads a SQLite database's catalog for `pgmap init`:
 * tables (virtual ones too, without their shadow tables), columns with
 * declared types, NOT NULL, defaults, collations and generated columns,
 * primary keys, indexes, foreign keys, CHECK constraints, sqlite_sequence,
 * views and triggers.  Values are read later by init_scan.c. */
#include "init.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_sql.h"

static char *adup(IDb *db, const unsigned char *s)
{
    return s ? arena_strdup(db->arena, (const char *)s) : NULL;
}

static int prepare(sqlite3 *s, const char *sql, sqlite3_stmt **st, PgmError *e)
{
    if (sqlite3_prepare_v2(s, sql, -1, st, NULL) == SQLITE_OK)
        return PGM_OK;
    err_set(e, "source catalog: %s", sqlite3_errmsg(s));
    return PGM_FAIL;
}

static int step_done(sqlite3 *s, sqlite3_stmt *st, int rc, PgmError *e)
{
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return PGM_OK;
    err_set(e, "source catalog: %s", sqlite3_errmsg(s));
    return PGM_FAIL;
}

/* Grows an arena-less array of n items by one (the arrays of the model
 * are malloc'd so they can grow; idb_free releases them). */
#define GROW(arr, n) ((arr) = xrealloc((arr), ((n) + 1) * sizeof *(arr)), memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

/* ---- columns ---- */

static int read_columns(sqlite3 *s, IDb *db, ITable *t, PgmError *e)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT name, type, \"notnull\", dflt_value, pk, hidden "
                   "FROM pragma_table_xinfo(?1) ORDER BY cid", &st, e) != PGM_OK)
        return PGM_FAIL;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int hidden = sqlite3_column_int(st, 5);
        if (hidden == 1)   /* hidden columns of virtual tables (fts5 rank ...) */
            continue;
        IColumn *c = GROW(t->cols, t->ncols);
        c->name = adup(db, sqlite3_column_text(st, 0));
        c->decl = adup(db, sqlite3_column_text(st, 1));
        if (!c->decl)
            c->decl = arena_strdup(db->arena, "");
        c->notnull = sqlite3_column_int(st, 2);
        c->dflt = adup(db, sqlite3_column_text(st, 3));
        c->pk = sqlite3_column_int(st, 4);
        c->generated = hidden >= 2 ? hidden : 0;
    }
    if (step_done(s, st, rc, e) != PGM_OK)
        return PGM_FAIL;
    for (size_t i = 0; i < t->ncols && !t->virtual_module; i++) {
        const char *coll = NULL;
        if (sqlite3_table_column_metadata(s, NULL, t->name, t->cols[i].name, NULL, &coll,
                                          NULL, NULL, NULL) == SQLITE_OK &&
            coll && ascii_casecmp(coll, "BINARY") != 0)
            t->cols[i].collation = arena_strdup(db->arena, coll);
    }
    return PGM_OK;
}

/* ---- indexes ---- */

static int read_index_columns(sqlite3 *s, IIndex *ix, PgmError *e)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT cid FROM pragma_index_info(?1) ORDER BY seqno", &st, e) != PGM_OK)
        return PGM_FAIL;
    sqlite3_bind_text(st, 1, ix->name, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int cid = sqlite3_column_int(st, 0);
        *GROW(ix->cols, ix->ncols) = cid;
    }
    return step_done(s, st, rc, e);
}

/* pragma_index_info gives table_xinfo cids; init's columns skip the hidden
 * columns of virtual tables, which have no indexes, so cids match. */
static int read_indexes(sqlite3 *s, IDb *db, ITable *t, PgmError *e)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT l.name, l.\"unique\", l.origin, l.partial, m.sql "
                   "FROM pragma_index_list(?1) l LEFT JOIN sqlite_schema m "
                   "ON m.type = 'index' AND m.name = l.name ORDER BY l.seq DESC", &st, e) != PGM_OK)
        return PGM_FAIL;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        IIndex *ix = GROW(t->idx, t->nidx);
        ix->name = adup(db, sqlite3_column_text(st, 0));
        ix->unique = sqlite3_column_int(st, 1);
        const unsigned char *o = sqlite3_column_text(st, 2);
        ix->origin = o ? (char)o[0] : 'c';
        ix->partial = sqlite3_column_int(st, 3);
        ix->sql = adup(db, sqlite3_column_text(st, 4));
    }
    if (step_done(s, st, rc, e) != PGM_OK)
        return PGM_FAIL;
    for (size_t i = 0; i < t->nidx; i++)
        if (read_index_columns(s, &t->idx[i], e) != PGM_OK)
            return PGM_FAIL;
    return PGM_OK;
}

/* ---- foreign keys ---- */

static int read_fks(sqlite3 *s, IDb *db, ITable *t, PgmError *e)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
                   "FROM pragma_foreign_key_list(?1) ORDER BY id DESC, seq", &st, e) != PGM_OK)
        return PGM_FAIL;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    int rc, last = -1;
    IFk *fk = NULL;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int id = sqlite3_column_int(st, 0);
        if (!fk || id != last) {
            fk = GROW(t->fks, t->nfks);
            fk->parent = adup(db, sqlite3_column_text(st, 1));
            fk->on_update = adup(db, sqlite3_column_text(st, 4));
            fk->on_delete = adup(db, sqlite3_column_text(st, 5));
            last = id;
        }
        const char *from = (const char *)sqlite3_column_text(st, 2);
        fk->cols = xrealloc(fk->cols, (fk->ncols + 1) * sizeof *fk->cols);
        fk->ref = xrealloc(fk->ref, (fk->ncols + 1) * sizeof *fk->ref);
        fk->cols[fk->ncols] = from ? itable_column(t, from) : -1;
        fk->ref[fk->ncols++] = adup(db, sqlite3_column_text(st, 3));
    }
    if (step_done(s, st, rc, e) != PGM_OK)
        return PGM_FAIL;
    for (size_t i = 0; i < t->nfks; i++)
        t->fks[i].deferred = sql_fk_deferred(t->sql, t->fks[i].parent);
    return PGM_OK;
}

/* ---- CHECK constraints and generated columns (from the CREATE text) ---- */

static void read_create_text(IDb *db, ITable *t)
{
    if (!t->sql || t->virtual_module)
        return;
    SqlCheck *ck = NULL;
    size_t n = 0;
    if (sqlx_table_checks(t->sql, &ck, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            ICheck *c = GROW(t->checks, t->nchecks);
            c->name = ck[i].name ? arena_strdup(db->arena, ck[i].name) : NULL;
            c->expr = arena_strdup(db->arena, ck[i].expr);
        }
        sqlx_checks_free(ck, n);
    }
    SqlGenerated *g = NULL;
    n = 0;
    if (sqlx_generated_columns(t->sql, &g, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            int k = itable_column(t, g[i].column);
            if (k >= 0)
                t->cols[k].gen_expr = arena_strdup(db->arena, g[i].expr);
        }
        sqlx_generated_free(g, n);
    }
    t->without_rowid = sql_without_rowid(t->sql);
}

/* ---- the objects ---- */

static int is_shadow(sqlite3 *s, const char *name)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s, "SELECT type FROM pragma_table_list WHERE name = ?1", -1, &st, NULL) != SQLITE_OK)
        return 0;   /* SQLite before 3.37: virtual tables' shadows are found by name below */
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int shadow = sqlite3_step(st) == SQLITE_ROW &&
                 strcmp((const char *)sqlite3_column_text(st, 0), "shadow") == 0;
    sqlite3_finalize(st);
    return shadow;
}

static void add_object(sqlite3 *s, IDb *db, const char *type, const char *name,
                       const char *tbl, const char *sql)
{
    if (strcmp(type, "view") == 0) {
        IView *v = GROW(db->views, db->nviews);
        v->name = arena_strdup(db->arena, name);
        v->sql = sql ? arena_strdup(db->arena, sql) : NULL;
    } else if (strcmp(type, "trigger") == 0) {
        ITrigger *g = GROW(db->triggers, db->ntriggers);
        g->name = arena_strdup(db->arena, name);
        g->table = arena_strdup(db->arena, tbl);
        g->sql = sql ? arena_strdup(db->arena, sql) : NULL;
    } else if (strcmp(type, "table") == 0 && ascii_ncasecmp(name, "sqlite_", 7) != 0) {
        if (is_shadow(s, name)) {
            *GROW(db->skipped, db->nskipped) =
                arena_printf(db->arena, "%s (shadow table of a virtual table)", name);
            return;
        }
        ITable *t = GROW(db->tables, db->ntables);
        t->name = arena_strdup(db->arena, name);
        t->sql = sql ? arena_strdup(db->arena, sql) : NULL;
        t->seq = -1;
        t->virtual_module = sql_virtual_module(db->arena, sql);
    }
}

static int read_objects(sqlite3 *s, IDb *db, PgmError *e)
{
    sqlite3_stmt *st;
    if (prepare(s, "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY rowid", &st, e) != PGM_OK)
        return PGM_FAIL;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        add_object(s, db, (const char *)sqlite3_column_text(st, 0),
                   (const char *)sqlite3_column_text(st, 1), (const char *)sqlite3_column_text(st, 2),
                   (const char *)sqlite3_column_text(st, 3));
    return step_done(s, st, rc, e);
}

static int read_sequences(sqlite3 *s, IDb *db, PgmError *e)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s, "SELECT name, seq FROM sqlite_sequence", -1, &st, NULL) != SQLITE_OK)
        return PGM_OK;   /* no AUTOINCREMENT table: no sqlite_sequence */
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        ITable *t = idb_table(db, (const char *)sqlite3_column_text(st, 0));
        if (t && sqlite3_column_type(st, 1) == SQLITE_INTEGER)
            t->seq = sqlite3_column_int64(st, 1);
    }
    return step_done(s, st, rc, e);
}

/* Virtual tables keep their shadow tables under <name>_<suffix>; older
 * SQLite versions do not mark them, so they are recognised by name. */
static void drop_shadow_by_name(IDb *db)
{
    static const char *const suffix[] = {"_data", "_idx", "_content", "_docsize", "_config",
                                         "_node", "_rowid", "_parent", "_segments",
                                         "_segdir", "_stat", NULL};
    for (size_t v = 0; v < db->ntables; v++) {
        if (!db->tables[v].virtual_module)
            continue;
        size_t len = strlen(db->tables[v].name);
        for (size_t i = 0; i < db->ntables; i++) {
            const char *n = db->tables[i].name;
            if (i == v || ascii_ncasecmp(n, db->tables[v].name, len) != 0)
                continue;
            for (int k = 0; suffix[k]; k++) {
                if (ascii_casecmp(n + len, suffix[k]) != 0)
                    continue;
                *GROW(db->skipped, db->nskipped) =
                    arena_printf(db->arena, "%s (shadow table of virtual table %s)", n, db->tables[v].name);
                memmove(&db->tables[i], &db->tables[i + 1], (db->ntables - i - 1) * sizeof *db->tables);
                db->ntables--;
                if (i < v)
                    v--;
                i--;
                break;
            }
        }
    }
}

/* SQLite accepts a view on tables or columns that do not exist and fails
 * only when it is used; such a view is reported, never translated. */
static void check_views(sqlite3 *s, IDb *db)
{
    for (size_t i = 0; i < db->nviews; i++) {
        Buf q;
        buf_init(&q);
        buf_puts(&q, "SELECT * FROM ");
        sql_quote_ident(&q, db->views[i].name);
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(s, q.data, -1, &st, NULL) != SQLITE_OK)
            db->views[i].why = arena_printf(db->arena, "SQLite itself cannot run it (%s)", sqlite3_errmsg(s));
        sqlite3_finalize(st);
        buf_free(&q);
    }
}

int init_catalog_read(sqlite3 *s, IDb *db, PgmError *e)
{
    if (read_objects(s, db, e) != PGM_OK)
        return PGM_FAIL;
    check_views(s, db);
    drop_shadow_by_name(db);
    for (size_t i = 0; i < db->ntables; i++) {
        ITable *t = &db->tables[i];
        if (read_columns(s, db, t, e) != PGM_OK ||
            (!t->virtual_module && (read_indexes(s, db, t, e) != PGM_OK || read_fks(s, db, t, e) != PGM_OK))) {
            err_prefix(e, "table %s", t->name);
            return PGM_FAIL;
        }
        read_create_text(db, t);
    }
    return read_sequences(s, db, e);
}
