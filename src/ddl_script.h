/* ddl_script.h - a mapping's DDL file split into statements, in two parts.
 *
 * The project's rule is "keys, indexes and foreign keys after the load when
 * pgmap creates the tables": building an index once over the loaded rows is
 * far cheaper than maintaining it row by row, and foreign keys checked
 * once do not dictate a load order.  So a DDL file has two parts, separated
 * by a line that is exactly
 *
 *     -- pgmap: after load
 *
 * (trailing blanks allowed): the statements before it create the tables and
 * run before the load, the statements after it (keys, indexes, foreign
 * keys, CHECKs, views) run after the load.  Without the line everything is
 * "before".  In the after part, a statement preceded by the comment line
 *
 *     -- pgmap: optional
 *
 * (anywhere among the comments and blank lines between the previous
 * statement and this one) may fail without failing the run.
 *
 * Statements are split at semicolons outside '...' and E'...' strings,
 * "..." identifiers, $tag$...$tag$ bodies, -- comments and (nested) block
 * comments, and outside the BEGIN ... END body of a SQL-standard
 * CREATE FUNCTION/PROCEDURE, the way psql splits a file. */
#ifndef PGMAP_DDL_SCRIPT_H
#define PGMAP_DDL_SCRIPT_H

#include <stddef.h>
#include "util.h"

typedef struct DdlStatement {
    char *sql;       /* the statement without its ';', leading comments and trailing blanks */
    int line;        /* 1-based line of its first character in the file */
    int optional;    /* after part only: marked `-- pgmap: optional` */
} DdlStatement;

typedef struct DdlScript {
    DdlStatement *before;   /* run before the load */
    size_t nbefore;
    DdlStatement *after;    /* run after the load */
    size_t nafter;
    size_t noptional;       /* of nafter, how many are optional */
    int marker_line;        /* line of `-- pgmap: after load`, 0 when absent */
} DdlScript;

/* Splits text into out (which the caller frees with ddl_script_free, also
 * after a failure).  name is used in messages ("NAME:LINE: ..."; NULL
 * gives "line LINE: ...").  Fails on an unterminated string, identifier,
 * dollar-quoted body or block comment (naming the line where it starts), on
 * a second after-load marker, on a marker inside a statement (a missing
 * ';' above it), and on an optional marker that does not stand before an
 * after-part statement. */
int ddl_script_parse(const char *text, const char *name, DdlScript *out, PgmError *e);
void ddl_script_free(DdlScript *s);

#endif
