/* loader.h - sends batches of converted rows to PostgreSQL with COPY.
 *
 * A Batch holds COPY text rows (bounded by rows and bytes) with, for each
 * row, the JSON that names it in the rejects file.  loader_flush() sends
 * the batch as one transaction (a savepoint when the whole run is one
 * transaction: a dry run, or a run whose ddl file created the tables);
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

typedef struct Loader {
    PGconn *c;
    int in_tx;                /* the run is one transaction (dry run, or the ddl
                               * file created the tables): batches are savepoints */
    RejectLog *rejects;
    Report *report;
} Loader;

/* Creates the staging table when the plan uses one. */
int loader_prepare_table(Loader *L, const PlanTable *t, PgmError *e);
/* Sends the batch; counts go to st; rows refused go to the rejects file. */
int loader_flush(Loader *L, const PlanTable *t, Batch *b, TableStats *st, PgmError *e);
/* After all tables: moves identity and serial sequences past the keys. */
int loader_set_sequences(Loader *L, const Plan *p, PgmError *e);

#endif
