/* exec.h - the executor: runs a compiled plan.  For each table in load
 * order it streams the source rows, runs every column's program (null_if,
 * operations, the final cast), applies on_error to failures, and hands
 * full batches to the loader.  Then, when this run's ddl file created the
 * tables, it runs the file's after part (keys, indexes, foreign keys), and
 * finally moves sequences past the loaded keys.
 *
 * A dry run does all of it inside one transaction that the caller rolls
 * back; so does a run whose ddl file created the tables, and the caller
 * commits it: such a run either loads everything or leaves nothing behind,
 * so a re-run after a failure starts again from scratch. */
#ifndef PGMAP_EXEC_H
#define PGMAP_EXEC_H

#include "loader.h"
#include "plan.h"
#include "reader.h"

typedef struct ExecOptions {
    int dry_run;
    long batch_override;   /* --batch, 0 = as the mapping says */
    int verbose;           /* progress lines on stderr */
} ExecOptions;

/* Outcome of a run, mapped to exit codes by the CLI. */
typedef enum ExecResult { EXEC_CLEAN = 0, EXEC_WARNINGS = 1, EXEC_FAILED = 2 } ExecResult;

ExecResult exec_plan(const Plan *p, Reader *src, PGconn *c, const ExecOptions *o,
                     RejectLog *rejects, Report *report, PgmError *e);

#endif
