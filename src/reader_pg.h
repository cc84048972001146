/* reader_pg.h - what the two halves of the PostgreSQL source share:
 * reader_pg.c (the URI, the connection and its session, the catalog) and
 * reader_pg_cursor.c (queries streamed through server-side cursors).
 * Private to them; the rest of pgmap sees reader_pg_ops only. */
#ifndef PGMAP_READER_PG_H
#define PGMAP_READER_PG_H

#include <libpq-fe.h>

#include "reader.h"

typedef struct PgReader {
    Reader base;
    PGconn *conn;
    char *label;            /* the URI, password masked: for messages */
    char *schema;
    unsigned long seq;      /* names prepared statements and cursors */
} PgReader;

/* "source URI: " + what + the server's message (or libpq's) into e. */
void pgr_fail_result(PgReader *r, const PGresult *res, PgmError *e, const char *what);
/* Runs a statement without rows; on failure sets e (when not NULL). */
int pgr_exec(PgReader *r, const char *sql, PgmError *e, const char *what);
/* The value of a hex digit, -1 when c is none. */
int pgr_hexval(char c);

/* reader_pg_cursor.c: the query hooks of ReaderOps. */
int pgr_query(Reader *base, const char *sql, Cursor **out, PgmError *e);
size_t pgr_ncolumns(Cursor *c);
const char *pgr_column_name(Cursor *c, size_t i);
int pgr_bind(Cursor *c, const Value *params, size_t n, PgmError *e);
int pgr_next(Cursor *c, Value *row, PgmError *e);
void pgr_cursor_close(Cursor *c);

#endif
