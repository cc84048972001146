/* ddl_exec.h - runs the two parts of a mapping's DDL file (ddl_script.h)
 * against the target, statement by statement inside the caller's
 * transaction, so that a failure names the file and line of the statement
 * PostgreSQL refused: "ddl FILE:LINE: <the server's message>". */
#ifndef PGMAP_DDL_EXEC_H
#define PGMAP_DDL_EXEC_H

#include <stdio.h>
#include <libpq-fe.h>
#include "ddl_script.h"

/* Runs the before part; the first refused statement fails. */
int ddl_exec_before(PGconn *c, const char *file, const DdlScript *s, PgmError *e);

/* Runs the after part.  A mandatory statement that is refused fails (the
 * caller rolls the transaction back).  An optional one runs in a savepoint:
 * when refused it is rolled back, "pgmap: warning: ddl FILE:LINE: not
 * applied: <message>" goes to warn and *skipped is incremented. */
int ddl_exec_after(PGconn *c, const char *file, const DdlScript *s, FILE *warn, long *skipped,
                   PgmError *e);
/* The same for the after part's statements i with pick[i] == want (pick
 * NULL: all of them); *ran counts the statements run. */
int ddl_exec_after_some(PGconn *c, const char *file, const DdlScript *s, const int *pick, int want,
                        FILE *warn, long *skipped, long *ran, PgmError *e);

#endif
