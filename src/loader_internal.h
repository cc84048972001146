/* loader_internal.h - shared by loader.c (batches) and loader_dedup.c (the
 * winners of a dedup table): what a refusal says, the savepoint each
 * attempt runs in, and one statement step. */
#ifndef PGMAP_LOADER_INTERNAL_H
#define PGMAP_LOADER_INTERNAL_H

#include "loader.h"

/* What a failed attempt tells us about the refusal. */
typedef struct Refusal {
    char sqlstate[8];
    char constraint[128];
    char column[128];
    char message[1024];
} Refusal;

void refusal_from(const PGresult *r, Refusal *f);
/* Data problems (SQLSTATE classes 21, 22, 23) are isolated to rows;
 * anything else stops the run. */
int is_row_refusal(const Refusal *f);

/* Every attempt is a savepoint inside the batch's transaction, so a split
 * batch commits (with its checkpoint) as one. */
#define TRY_BEGIN "SAVEPOINT pgmap_batch"
#define TRY_COMMIT "RELEASE SAVEPOINT pgmap_batch"
#define TRY_ROLLBACK "ROLLBACK TO SAVEPOINT pgmap_batch; RELEASE SAVEPOINT pgmap_batch"

/* Runs one statement (or, when want is PGRES_TUPLES_OK, the prepared
 * statement of that name); on failure fills f and returns 1 (a refusal of
 * rows) or -1 (anything else, with e set). */
int loader_step(Loader *L, const char *sql, ExecStatusType want, PGresult **keep, Refusal *f, PgmError *e);

/* Sends the batch's complete rows not sent yet into the open COPY. */
int loader_stream_send(Loader *L, const Batch *b, PgmError *e);

/* The end of a transaction of rows: under --jobs the job's reject lines
 * join the run's file (under its lock until the commit), the checkpoint,
 * and COMMIT when commit is set. */
int loader_checkpoint_commit(Loader *L, const PlanTable *t, const TableStats *st, int commit, PgmError *e);
/* loader_freeze.c: the one-COPY load (Loader.freeze). */
int loader_freeze_push(Loader *L, const PlanTable *t, const Batch *b, PgmError *e);
int loader_freeze_flush(Loader *L, const PlanTable *t, Batch *b, TableStats *st, PgmError *e);

/* loader_dedup.c: empties the stage at the start of a dedup table, and at
 * its end merges the winner of each key (counting the others). */
int loader_dedup_begin(Loader *L, const PlanTable *t, PgmError *e);
int loader_dedup_finish(Loader *L, const PlanTable *t, TableStats *st, PgmError *e);

#endif
