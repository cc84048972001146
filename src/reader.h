/* reader.h - the source interface.  A source (SQLite now, PostgreSQL next)
 * is a struct of function pointers; the rest of pgmap never names a
 * particular database.  Adding a source is one new file that fills a
 * ReaderOps and one line in reader.c's table of schemes. */
#ifndef PGMAP_READER_H
#define PGMAP_READER_H

#include <stddef.h>
#include "util.h"
#include "value.h"

typedef struct SrcColumn {
    char *name;
    char *decl_type;    /* declared type as written ("NVARCHAR(40)"), "" if none */
    int notnull;
    int pk_index;       /* 1-based position in the primary key, 0 = not in it */
} SrcColumn;

typedef struct SrcTable {
    char *name;
    SrcColumn *cols;
    size_t ncols;
    int has_rowid;      /* SQLite: an implicit rowid exists for ordering */
    char *rowid_name;   /* then: the name that reaches it here (rowid, _rowid_ or oid,
                         * the first that no column shadows); NULL when all are shadowed */
    int pk_is_rowid;    /* the primary key is the rowid under a column's name (INTEGER
                         * PRIMARY KEY, but not ... DESC, which SQLite makes an index) */
} SrcTable;

typedef struct Reader Reader;   /* opaque, per source kind */
typedef struct Cursor Cursor;   /* opaque, one open query */

typedef struct ReaderOps {
    const char *kind;           /* "sqlite" */
    /* Opens the source read-only; fails when the file is missing or not a
     * database of this kind (checked now, not at the first query). */
    int (*open)(const char *uri, Reader **out, PgmError *e);
    void (*close)(Reader *r);
    /* Fills *names with the user tables (malloc'd array of malloc'd
     * strings, caller frees with reader_free_names). */
    int (*list_tables)(Reader *r, char ***names, size_t *n, PgmError *e);
    /* Describes one table; returns 1 when found, 0 when no such table
     * (out untouched), -1 on error.  Free with srctable_free. */
    int (*describe)(Reader *r, const char *table, SrcTable *out, PgmError *e);
    /* Quotes an identifier in the source's SQL dialect into b. */
    void (*quote_ident)(Buf *b, const char *ident);
    /* Prepares a query; on success *out is ready and its column names are
     * known.  A bad query fails here with the database's message. */
    int (*query)(Reader *r, const char *sql, Cursor **out, PgmError *e);
    size_t (*ncolumns)(Cursor *c);
    const char *(*column_name)(Cursor *c, size_t i);
    /* Fetches the next row into row[0..ncolumns): returns 1 with a row, 0
     * at the end, -1 on error.  Values borrow memory until the next call. */
    int (*next)(Cursor *c, Value *row, PgmError *e);
    /* Binds values to a prepared query's placeholders (written with
     * placeholder()), before the first next(). */
    int (*bind)(Cursor *c, const Value *params, size_t n, PgmError *e);
    /* Appends the n-th (1-based) parameter placeholder in the source's SQL. */
    void (*placeholder)(Buf *b, int n);
    /* Starts one read snapshot that lasts until close, so every query sees
     * the same data (sync reads a table twice; tables must agree). */
    int (*snapshot)(Reader *r, PgmError *e);
    void (*cursor_close)(Cursor *c);
} ReaderOps;

/* A Reader always starts with its ops pointer, so generic code can find it. */
struct Reader {
    const ReaderOps *ops;
};

/* Picks the source kind from the URI ("sqlite:PATH", "file:PATH", a plain
 * path; later "postgresql://...") and opens it. */
int reader_open(const char *uri, Reader **out, PgmError *e);
void reader_close(Reader *r);
/* The URI as it may be shown: passwords replaced by "***" (reader_pg.c;
 * a path has none).  Caller frees. */
char *reader_masked_uri(const char *uri);
void reader_free_names(char **names, size_t n);
void srctable_free(SrcTable *t);

extern const ReaderOps reader_sqlite_ops;
extern const ReaderOps reader_pg_ops;

#endif
