/* pgconn.h - the target connection: connecting with session settings that
 * make output deterministic, running statements with errors turned into
 * PgmError lines, and quoting identifiers with libpq's escaping. */
#ifndef PGMAP_PGCONN_H
#define PGMAP_PGCONN_H

#include <libpq-fe.h>
#include "util.h"

/* Connects to conninfo (a libpq keyword string or URI; NULL or "" uses the
 * PG* environment and ~/.pgpass) and sets client_encoding UTF8, TimeZone
 * UTC, DateStyle ISO.  The error names host/database, never the password. */
PGconn *pg_connect(const char *conninfo, PgmError *e);
void pg_disconnect(PGconn *c);

/* Describes where we are connected ("db@host:port") for messages. */
void pg_describe(PGconn *c, char *buf, size_t len);

/* Runs a statement that returns no rows.  Fails with the server message. */
int pg_exec(PGconn *c, const char *sql, PgmError *e);
/* Runs a query with text parameters; returns a PGRES_TUPLES_OK result
 * (caller PQclear's) or NULL with e set. */
PGresult *pg_query(PGconn *c, const char *sql, int nparams, const char *const *params, PgmError *e);

/* Appends the quoted identifier (PQescapeIdentifier) to b. */
/* Runs a statement with parameters that returns no rows; returns the rows
 * it affected, or -1 with e set. */
long pg_command(PGconn *c, const char *sql, int nparams, const char *const *params, PgmError *e);
/* COPY ... FROM STDIN with data (COPY text lines) in one piece. */
int pg_copy_in(PGconn *c, const char *copy_sql, const char *data, size_t len, PgmError *e);
void pg_quote_ident(PGconn *c, Buf *b, const char *ident);
/* Appends "schema"."name". */
void pg_quote_qualified(PGconn *c, Buf *b, const char *schema, const char *name);

/* The server's error of a failed result as one line (newlines folded). */
void pg_result_error_line(const PGresult *r, char *buf, size_t len);

#endif
