/* session.h - what every mapping command opens (cli.c): the command-line
 * options, the mapping, the source, the target connection and the plan. */
#ifndef PGMAP_SESSION_H
#define PGMAP_SESSION_H

#include "diag.h"
#include "pgconn.h"
#include "plan.h"

typedef struct Options {
    const char *mapping;
    const char *source;
    const char *target;
    const char *rejects;
    long batch;
    long limit;          /* status: runs shown */
    long jobs;           /* run: tables loaded at once (0 or 1 = one after another) */
    int dry_run;
    int restart;         /* run: forget the unfinished run and start over */
    int single_tx;       /* run: the whole run in one transaction */
    int verbose;
    int quiet;
    int verify;          /* run --verify: 0 no, VERIFY_FULL or VERIFY_COUNTS; verify: the form */
    const char *report;  /* verify: --report FILE.json */
} Options;

enum { VERIFY_FULL = 1, VERIFY_COUNTS = 2 };

typedef struct Session {
    Diags d;
    Mapping *m;
    Reader *src;
    PGconn *c;
    Plan *plan;
    PgmError e;
    const char *source;  /* the source actually used (--source or source:) */
    char *name;          /* the mapping's name when derived from the file name */
} Session;

/* Returns -1 to go on, else the exit code (help printed or usage error). */
int parse_options(const char *cmd, int argc, char **argv, Options *o);
int usage_error(const char *cmd, const char *msg);
/* Loads the mapping (diagnostics printed), opens the source when asked and
 * connects to the target. */
int session_connect(Session *s, const Options *o, int need_source);
/* BEGIN, then prepares the target (runs the ddl file's before part when
 * tables are missing, or takes resume, an unfinished run's tables) and
 * compiles the plan.  The transaction stays open. */
int session_compile(Session *s, TargetPrep *resume);
/* Compiles the plan against the target as it is, in the transaction the
 * caller opened, without running the ddl file (verify). */
int session_compile_as_is(Session *s);
/* The mapping's identity in the state schema: name:, else the file's stem. */
const char *session_mapping_name(const Session *s, const Options *o);
/* Prints e (or what) as the one error line; returns EXIT_FAILED. */
int session_fail(Session *s, const char *what);
void session_close(Session *s);

#endif
