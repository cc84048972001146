/* reader_sqlite.c - the SQLite source: opens a file read-only, describes
 * tables from the catalog (PRAGMA table_xinfo), and streams query rows as
 * Values without copying them (they borrow SQLite's memory until the next
 * step). */
#include "reader.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct SqliteReader {
    Reader base;
    sqlite3 *db;
    char *path;
} SqliteReader;

struct Cursor {
    SqliteReader *r;
    sqlite3_stmt *stmt;
    size_t ncols;
};

static void sqlite_close(Reader *base)
{
    SqliteReader *r = (SqliteReader *)base;
    if (!r)
        return;
    sqlite3_close_v2(r->db);
    free(r->path);
    free(r);
}

/* Opening a missing file read-only fails in SQLite only at the first query
 * on some paths, and a non-database file opens fine: probe both now so the
 * user gets one clear line before anything else happens. */
static int sqlite_probe(SqliteReader *r, const char *path, PgmError *e)
{
    char *msg = NULL;
    int rc = sqlite3_exec(r->db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        err_set(e, "source %s: not a readable SQLite database (%s)", path,
                msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return PGM_FAIL;
    }
    return PGM_OK;
}

static int sqlite_open(const char *uri, Reader **out, PgmError *e)
{
    struct stat st;
    if (strncmp(uri, "file:", 5) != 0 && stat(uri, &st) != 0) {
        err_set(e, "source %s: no such file", uri);
        return PGM_FAIL;
    }
    SqliteReader *r = xcalloc(1, sizeof *r);
    r->base.ops = &reader_sqlite_ops;
    r->path = xstrdup(uri);
    /* NOMUTEX: a connection is only ever used by one thread at a time, and
     * the serialized mode's lock around every sqlite3_column_* call was a
     * twentieth of a load's time. */
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(uri, &r->db, flags, NULL);
    if (rc != SQLITE_OK) {
        err_set(e, "source %s: %s", uri, r->db ? sqlite3_errmsg(r->db) : sqlite3_errstr(rc));
        goto fail;
    }
    /* Real files hold text that is not UTF-8 and huge values; a busy
     * writer should make us wait a little, not fail at once. */
    sqlite3_busy_timeout(r->db, 5000);
    if (sqlite_probe(r, uri, e) != PGM_OK)
        goto fail;
    *out = &r->base;
    return PGM_OK;
fail:
    sqlite_close(&r->base);
    return PGM_FAIL;
}

static void sqlite_quote_ident(Buf *b, const char *ident)
{
    quote_ident_dq(b, ident);
}

static int sqlite_list_tables(Reader *base, char ***names, size_t *n, PgmError *e)
{
    SqliteReader *r = (SqliteReader *)base;
    const char *sql = "SELECT name FROM sqlite_schema WHERE type = 'table' "
                      "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
    sqlite3_stmt *st = NULL;
    *names = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        err_set(e, "source %s: %s", r->path, sqlite3_errmsg(r->db));
        return PGM_FAIL;
    }
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *names = xrealloc(*names, cap * sizeof **names);
        }
        (*names)[(*n)++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        err_set(e, "source %s: %s", r->path, sqlite3_errstr(rc));
        reader_free_names(*names, *n);
        *names = NULL;
        *n = 0;
        return PGM_FAIL;
    }
    return PGM_OK;
}

/* Finds the table's name as stored (SQLite names are case-insensitive). */
static char *sqlite_find_table(SqliteReader *r, const char *table)
{
    sqlite3_stmt *st = NULL;
    char *found = NULL;
    const char *sql = "SELECT name FROM sqlite_schema WHERE type IN ('table','view') "
                      "AND name = ?1 COLLATE NOCASE ORDER BY name = ?1 DESC LIMIT 1";
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        found = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return found;
}

static int shadowed(const SrcTable *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (ascii_casecmp(t->cols[i].name, name) == 0)
            return 1;
    return 0;
}

/* Tables (not views, not WITHOUT ROWID) have a rowid: the cheapest total
 * order there is, which resuming uses.  It must be written unquoted: a
 * double-quoted "rowid" that names no column is a string literal. */
static void find_rowid(SqliteReader *r, SrcTable *t)
{
    static const char *const names[] = {"rowid", "_rowid_", "oid"};
    sqlite3_stmt *st = NULL;
    int is_table = 0;
    if (sqlite3_prepare_v2(r->db, "SELECT type = 'table' FROM sqlite_schema WHERE name = ?1", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        is_table = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
    }
    sqlite3_finalize(st);
    for (size_t i = 0; is_table && i < 3 && !t->rowid_name; i++) {
        if (shadowed(t, names[i]))
            continue;
        Buf b;
        buf_init(&b);
        buf_printf(&b, "SELECT %s FROM ", names[i]);
        sqlite_quote_ident(&b, t->name);
        st = NULL;
        if (sqlite3_prepare_v2(r->db, b.data, -1, &st, NULL) == SQLITE_OK)
            t->rowid_name = xstrdup(names[i]);
        sqlite3_finalize(st);
        buf_free(&b);
    }
    t->has_rowid = t->rowid_name != NULL;
    /* a rowid alias is one INTEGER key column with no index of its own
     * (origin 'pk' in index_list means SQLite built one: not an alias) */
    size_t npk = 0, intpk = 0;
    for (size_t i = 0; i < t->ncols; i++) {
        npk += t->cols[i].pk_index > 0;
        intpk += t->cols[i].pk_index > 0 && ascii_casecmp(t->cols[i].decl_type, "INTEGER") == 0;
    }
    if (!t->has_rowid || npk != 1 || intpk != 1)
        return;
    st = NULL;
    int pk_index = 0;
    if (sqlite3_prepare_v2(r->db, "SELECT count(*) FROM pragma_index_list(?1) WHERE origin = 'pk'", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        pk_index = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 1;
    }
    sqlite3_finalize(st);
    t->pk_is_rowid = pk_index == 0;
}

static int sqlite_describe(Reader *base, const char *table, SrcTable *out, PgmError *e)
{
    SqliteReader *r = (SqliteReader *)base;
    char *name = sqlite_find_table(r, table);
    if (!name)
        return 0;
    char *sql = sqlite3_mprintf("SELECT name, type, \"notnull\", pk, hidden "
                                "FROM pragma_table_xinfo(%Q)", name);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(r->db, sql, -1, &st, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK) {
        err_set(e, "source %s: describing %s: %s", r->path, name, sqlite3_errmsg(r->db));
        free(name);
        return PGM_FAIL;
    }
    memset(out, 0, sizeof *out);
    out->name = name;
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (sqlite3_column_int(st, 4) == 1)
            continue;   /* hidden columns of virtual tables are not data */
        if (out->ncols == cap) {
            cap = cap ? cap * 2 : 16;
            out->cols = xrealloc(out->cols, cap * sizeof *out->cols);
        }
        SrcColumn *c = &out->cols[out->ncols++];
        const unsigned char *t = sqlite3_column_text(st, 1);
        c->name = xstrdup((const char *)sqlite3_column_text(st, 0));
        c->decl_type = xstrdup(t ? (const char *)t : "");
        c->notnull = sqlite3_column_int(st, 2);
        c->pk_index = sqlite3_column_int(st, 3);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        err_set(e, "source %s: describing %s: %s", r->path, name, sqlite3_errstr(rc));
        srctable_free(out);
        return PGM_FAIL;
    }
    find_rowid(r, out);
    return 1;
}

static int sqlite_query(Reader *base, const char *sql, Cursor **out, PgmError *e)
{
    SqliteReader *r = (SqliteReader *)base;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    if (sqlite3_prepare_v2(r->db, sql, -1, &st, NULL) != SQLITE_OK) {
        err_set(e, "source %s: %s", r->path, sqlite3_errmsg(r->db));
        return PGM_FAIL;
    }
    Cursor *c = xcalloc(1, sizeof *c);
    c->r = r;
    c->stmt = st;
    c->ncols = (size_t)sqlite3_column_count(st);
    *out = c;
    return PGM_OK;
}

static size_t sqlite_ncolumns(Cursor *c)
{
    return c->ncols;
}

static const char *sqlite_column_name(Cursor *c, size_t i)
{
    return sqlite3_column_name(c->stmt, (int)i);
}

static Value sqlite_value(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER:
        return value_int(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return value_real(sqlite3_column_double(st, i));
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_column_text(st, i);
        return value_text(s, (size_t)sqlite3_column_bytes(st, i));
    }
    case SQLITE_BLOB: {
        const void *p = sqlite3_column_blob(st, i);
        size_t n = (size_t)sqlite3_column_bytes(st, i);
        return value_blob(p ? p : "", n);
    }
    default:
        return value_null();
    }
}

static int sqlite_next(Cursor *c, Value *row, PgmError *e)
{
    int rc = sqlite3_step(c->stmt);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW) {
        err_set(e, "source %s: %s", c->r->path, sqlite3_errmsg(c->r->db));
        return -1;
    }
    for (size_t i = 0; i < c->ncols; i++)
        row[i] = sqlite_value(c->stmt, (int)i);
    return 1;
}

static int sqlite_bind(Cursor *c, const Value *params, size_t n, PgmError *e)
{
    for (size_t i = 0; i < n; i++) {
        const Value *v = &params[i];
        int idx = (int)i + 1, rc;
        switch (v->kind) {
        case VAL_INT: case VAL_BOOL: rc = sqlite3_bind_int64(c->stmt, idx, v->i); break;
        case VAL_REAL: rc = sqlite3_bind_double(c->stmt, idx, v->d); break;
        case VAL_TEXT: rc = sqlite3_bind_text(c->stmt, idx, v->s, (int)v->len, SQLITE_TRANSIENT); break;
        case VAL_BLOB: rc = sqlite3_bind_blob(c->stmt, idx, v->s, (int)v->len, SQLITE_TRANSIENT); break;
        default: rc = sqlite3_bind_null(c->stmt, idx); break;
        }
        if (rc != SQLITE_OK) {
            err_set(e, "source %s: binding parameter %d: %s", c->r->path, idx, sqlite3_errmsg(c->r->db));
            return PGM_FAIL;
        }
    }
    return PGM_OK;
}

static void sqlite_placeholder(Buf *b, int n)
{
    buf_printf(b, "?%d", n);
}

/* A read transaction: with WAL the snapshot costs writers nothing; with a
 * rollback journal it holds a SHARED lock, so the application's writes
 * wait until pgmap closes the source (documented in pgmap.1). */
static int sqlite_snapshot(Reader *base, PgmError *e)
{
    SqliteReader *r = (SqliteReader *)base;
    char *msg = NULL;
    if (sqlite3_exec(r->db, "BEGIN; SELECT count(*) FROM sqlite_schema", NULL, NULL, &msg) != SQLITE_OK) {
        err_set(e, "source %s: starting a read snapshot: %s", r->path, msg ? msg : "?");
        sqlite3_free(msg);
        return PGM_FAIL;
    }
    return PGM_OK;
}

static void sqlite_cursor_close(Cursor *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->stmt);
    free(c);
}

const ReaderOps reader_sqlite_ops = {
    .kind = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .list_tables = sqlite_list_tables,
    .describe = sqlite_describe,
    .quote_ident = sqlite_quote_ident,
    .query = sqlite_query,
    .ncolumns = sqlite_ncolumns,
    .column_name = sqlite_column_name,
    .next = sqlite_next,
    .cursor_close = sqlite_cursor_close,
    .bind = sqlite_bind,
    .placeholder = sqlite_placeholder,
    .snapshot = sqlite_snapshot,
};
