/* loader.h - sends batches of converted rows to PostgreSQL with COPY.
 *
 * A Batch holds COPY text rows (bounded by rows and bytes) with, for each
 * row, the JSON that names it in the rejects file.  loader_flush() sends
 * the batch as one transaction (a savepoint when a transaction is already
 * open, see Loader.in_tx), with the state checkpoint;
 * when the database refuses it for a data reason (SQLSTATE classes 21, 22,
 * 23), the batch is split in halves until each refused row is alone, and
 * those rows are rejected with their SQLSTATE and constraint. */
#ifndef PGMAP_LOADER_H
#define PGMAP_LOADER_H

#include <libpq-fe.h>
#include "plan.h"
#include "rejects.h"
#include "report.h"

typedef struct Batch {
    Buf data;          /* COPY text rows, each ending in \n */
    size_t *off;       /* start of row i in data; off[nrows] = data.len */
    Buf ids;           /* key JSON of each row, NUL-separated */
    size_t *id_off;
    size_t nrows, cap;
} Batch;

void batch_init(Batch *b);
void batch_free(Batch *b);
void batch_clear(Batch *b);
/* Marks the end of the row just appended to data, with its key JSON. */
void batch_commit_row(Batch *b, const char *key_json);

/* Called inside each batch's transaction, after its rows: the state
 * checkpoint, so it commits with exactly the rows it describes. */
typedef int (*CheckpointFn)(void *arg, const PlanTable *t, const TableStats *st, PgmError *e);

typedef struct Loader {
    PGconn *c;
    int in_tx;                /* a transaction is open around the batches (a dry run, a
                               * sync, a table without a resumable order, or
                               * --single-transaction): batches are savepoints in it;
                               * else each batch is its own transaction */
    RejectLog *rejects;
    Report *report;
    CheckpointFn checkpoint;  /* NULL = none */
    void *checkpoint_arg;
    int finishing;            /* this flush is the table's last: its checkpoint says done */
    int stream_ok;            /* rows may travel while the batch fills (the connection is
                               * not needed for lookups meanwhile) */
    int streaming;            /* a COPY of the current batch is open */
    size_t sent;              /* bytes of the current batch already sent */
    RejectLog *shared_rejects; /* --jobs: the run's file; rejects is then this job's own
                                * lines, moved into it (under its lock) with each commit */
    /* Called with checkpoint_arg in the table's last flush, before the
     * checkpoint that marks it done (run_after.c); NULL = none. */
    int (*table_done)(void *arg, const PlanTable *t, PgmError *e);
    /* One COPY for the whole table, in one transaction that first empties
     * it, with FREEZE (see loader_freeze.c): for a table this run created,
     * loaded from its start.  The flushes only send; the last ends the COPY
     * and commits, or on a refusal rolls back and returns LOADER_RETRY, and
     * the table is loaded again the batched way. */
    int freeze;
    /* With freeze: the COPY is in binary format (pgbinary.h), which spares
     * the server parsing every value's text.  binary_refused: a value
     * binary cannot carry was met; the attempt is cancelled
     * (loader_freeze_cancel) and the table loaded again as text. */
    int binary;
    int binary_refused;
} Loader;

/* loader_flush of a one-COPY load the server refused: rolled back, load
 * the table again in batches (the refused rows are then isolated). */
enum { LOADER_RETRY = 2 };

/* Opens the one-COPY load's transaction and COPY (when L->freeze and not
 * yet open); clears L->freeze when the server will not (then batched). */
int loader_freeze_open(Loader *L, const PlanTable *t, PgmError *e);
/* Rolls back a one-COPY load that stopped (its COPY already ended):
 * LOADER_RETRY, or PGM_FAIL when the connection failed. */
int loader_freeze_cancel(Loader *L, PgmError *e);

/* Sends the batch's complete rows to the server once a chunk's worth has
 * gathered, opening the batch's transaction and COPY at the first chunk
 * (when L->stream_ok); loader_flush finishes what was streamed. */
int loader_stream_push(Loader *L, const PlanTable *t, const Batch *b, PgmError *e);
/* Ends an open streamed COPY as failed (after an error elsewhere), so the
 * connection can take the ROLLBACK. */
void loader_stream_abort(Loader *L);

/* Creates the staging table when the plan uses one. */
int loader_prepare_table(Loader *L, const PlanTable *t, PgmError *e);
/* Sends the batch; counts go to st; rows refused go to the rejects file. */
int loader_flush(Loader *L, const PlanTable *t, Batch *b, TableStats *st, PgmError *e);
/* After all tables: moves identity and serial sequences past the keys. */
int loader_set_sequences(Loader *L, const Plan *p, PgmError *e);

#endif
