/* exec.h - the executor's table step: streams one table's source rows,
 * runs every column's program (null_if, operations, the final cast),
 * applies on_error to failures, and hands full batches to the loader.
 * run.c drives it for `pgmap run` (transactions, the state schema,
 * resuming) and sync.c for `pgmap sync`. */
#ifndef PGMAP_EXEC_H
#define PGMAP_EXEC_H

#include "loader.h"
#include "plan.h"
#include "reader.h"
#include "state.h"

typedef struct ExecOptions {
    int dry_run;
    long batch_override;   /* --batch, 0 = as the mapping says */
    int verbose;           /* progress lines on stderr */
} ExecOptions;

/* Outcome of a run, mapped to exit codes by the CLI. */
typedef enum ExecResult { EXEC_CLEAN = 0, EXEC_WARNINGS = 1, EXEC_FAILED = 2 } ExecResult;

/* The values of chosen source columns in the last row read (the order key
 * for resuming, the cursor for sync), kept past the source's next row. */
typedef struct LastRow {
    const int *src;
    size_t n;
    Value *vals;
    Buf store;
    int any;       /* a row was read */
} LastRow;

void lastrow_init(LastRow *l, const int *src, size_t n);
void lastrow_free(LastRow *l);
/* Copies the tracked values of row: they borrow the source's memory only
 * until the next row, and the last batch is flushed after the end. */
void lastrow_keep(LastRow *l, const Value *row);
/* The kept values as a state position (empty when no row was read). */
void lastrow_pos(const LastRow *l, StatePos *out);

/* How to read a table: a statement other than src_sql and its parameters
 * (resuming, a cursor), and where to keep the last row's position. */
typedef struct TableRead {
    const char *sql;       /* NULL = t->src_sql */
    const Value *params;
    size_t nparams;
    LastRow *last;         /* NULL = not tracked */
    long quiet_upto;       /* a second pass after a one-COPY load that stopped (loader.h):
                            * rows numbered up to this were converted by the first,
                            * which counted and wrote their problems */
} TableRead;

/* Streams one table: reads, converts, batches, flushes (each flush calls
 * the loader's checkpoint).  st counts on from its current values. */
int exec_table(Loader *L, Reader *src, const ExecOptions *o, const PlanTable *t,
               const TableRead *rd, TableStats *st, PgmError *e);
/* Reads the tables t's lookups refer to (the small ones whole): before
 * each pass over t, since they may have changed. */
int exec_prepare_lookups(PGconn *c, const PlanTable *t, PgmError *e);
/* 1 when one of t's lookups reads a table too large to hold: converting
 * t's rows then needs the target connection. */
int exec_lookups_need_connection(const PlanTable *t);
/* Empties the replace-mode tables, in one statement. */
int exec_truncate_replaced(const Plan *p, PGconn *c, PgmError *e);
/* The ddl file's after part, when this run (or the one it resumes)
 * created the tables. */
/* skip: per after-part statement, >= 0 when it already ran with its table
 * (run_after.c); NULL = run all. */
int exec_after_part(const Plan *p, PGconn *c, const ExecOptions *o, const int *skip, Report *report,
                    PgmError *e);
double exec_now(void);
/* Runs sql on the source and calls each for every row (sync's and
 * verify's passes over a table), until each fails or the rows end. */
int exec_each_row(Reader *src, const char *sql, int (*each)(void *arg, const Value *row), void *arg,
                  PgmError *e);

/* One row at a time (sync): converts a source row with t's programs and
 * appends it to b as a COPY line.  Returns 1 appended, 0 rejected, -1 on a
 * failure (e set).  quiet: an earlier pass over the same rows recorded
 * their problems and counted them, so nothing is written or counted. */
typedef struct RowConv RowConv;
RowConv *rowconv_open(Loader *L, const PlanTable *t, TableStats *st, PgmError *e);
int rowconv_row(RowConv *rc, const Value *row, Batch *b, int quiet);
/* Only the key columns, quietly, as COPY fields joined by tabs: 1, 0 when
 * a key value does not convert, -1 on failure. */
int rowconv_key(RowConv *rc, const Value *row, Buf *out);
void rowconv_close(RowConv *rc);

#endif
