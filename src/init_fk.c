/* init_fk.c - counts the orphans of every foreign key: SQLite does not
 * enforce foreign keys unless the application asks it to, so real files
 * hold child rows whose parent is gone.  init writes the count and a few
 * example keys next to the policy it chose for the FK. */
#include "init.h"

#include <stdlib.h>
#include <string.h>

#define ORPHAN_EXAMPLES 3

/* SELECT the child's FK columns of rows with no parent (MATCH SIMPLE: a
 * row with a NULL in the key is not checked, as in both databases). */
static char *orphan_sql(const ITable *t, const ITable *p, const IFk *fk)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, "SELECT ");
    for (size_t i = 0; i < fk->ncols; i++) {
        buf_puts(&b, i ? ", c." : "c.");
        sql_quote_ident(&b, t->cols[fk->cols[i]].name);
    }
    buf_puts(&b, " FROM ");
    sql_quote_ident(&b, t->name);
    buf_puts(&b, " AS c WHERE ");
    for (size_t i = 0; i < fk->ncols; i++) {
        buf_puts(&b, "c.");
        sql_quote_ident(&b, t->cols[fk->cols[i]].name);
        buf_puts(&b, " IS NOT NULL AND ");
    }
    buf_puts(&b, "NOT EXISTS (SELECT 1 FROM ");
    sql_quote_ident(&b, p->name);
    buf_puts(&b, " AS p WHERE ");
    for (size_t i = 0; i < fk->ncols; i++) {
        buf_puts(&b, i ? " AND p." : "p.");
        sql_quote_ident(&b, fk->ref[i]);
        buf_puts(&b, " = c.");
        sql_quote_ident(&b, t->cols[fk->cols[i]].name);
    }
    buf_puts(&b, ")");
    return buf_steal(&b);
}

void init_orphan_example(Buf *ex, sqlite3_stmt *st, size_t n)
{
    if (n > 1)
        buf_putc(ex, '(');
    for (size_t i = 0; i < n; i++) {
        const char *v = (const char *)sqlite3_column_text(st, (int)i);
        size_t len = v ? strlen(v) : 0;
        buf_printf(ex, "%s%.*s%s", i ? ", " : "", len > 30 ? 30 : (int)len, v ? v : "",
                   len > 30 ? "..." : "");
    }
    if (n > 1)
        buf_putc(ex, ')');
}

static void add_example(Buf *ex, sqlite3_stmt *st, size_t n)
{
    buf_puts(ex, ex->len ? ", " : "");
    init_orphan_example(ex, st, n);
}

int init_count_orphans_of(sqlite3 *s, IDb *db, const ITable *t, IFk *fk, Arena *arena, PgmError *e)
{
    /* Two sequential scans instead of an index probe per child row; the
     * query below when it does not apply (collations, affinities) or fails. */
    if (init_count_orphans_hashed(s, db, t, fk, arena))
        return PGM_OK;
    const ITable *p = idb_table(db, fk->parent);
    char *sql = orphan_sql(t, p, fk);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(s, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK) {
        err_set(e, "source table %s: counting orphans of its foreign key to %s: %s", t->name,
                fk->parent, sqlite3_errmsg(s));
        return PGM_FAIL;
    }
    Buf ex;
    buf_init(&ex);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fk->orphans++ < ORPHAN_EXAMPLES)
            add_example(&ex, st, fk->ncols);
    sqlite3_finalize(st);
    if (ex.len)
        fk->orphan_examples = arena_strdup(arena, ex.data);
    buf_free(&ex);
    if (rc != SQLITE_DONE) {
        err_set(e, "source table %s: %s", t->name, sqlite3_errmsg(s));
        return PGM_FAIL;
    }
    return PGM_OK;
}

int init_count_orphans(sqlite3 *s, IDb *db, PgmError *e)
{
    for (size_t i = 0; i < db->ntables; i++) {
        ITable *t = &db->tables[i];
        for (size_t k = 0; k < t->nfks; k++)
            if (!t->fks[k].drop_reason &&
                init_count_orphans_of(s, db, t, &t->fks[k], db->arena, e) != PGM_OK)
                return PGM_FAIL;
    }
    return PGM_OK;
}
