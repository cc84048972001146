/* state.h - pgmap's own small schema in the target, `pgmap`.
 *
 * It records, per mapping (by its name): the runs (command, fingerprint,
 * options, start, end, status, counts, and per-table counts), the
 * checkpoint of every table of the current run (status, fingerprint, the
 * source position of the last committed batch, counts, rejects file
 * offset) and the sync cursors' marks.
 *
 * Every checkpoint is written in the transaction of the batch it
 * describes, so a crash can never move the state past rows that were not
 * committed, nor leave committed rows the state does not know about.
 *
 * The schema is versioned (pgmap.version); state_open() upgrades an older
 * one step by step and refuses a newer one. */
#ifndef PGMAP_STATE_H
#define PGMAP_STATE_H

#include <stdio.h>
#include <libpq-fe.h>
#include "report.h"
#include "util.h"
#include "value.h"

#define STATE_VERSION 2

/* A source position or cursor mark: values with their kinds, as text. */
typedef struct StatePos {
    char **vals;
    char *kinds;     /* one letter per value: i integer, r real, t text, h text as hex
                      * (not clean UTF-8), b blob (hex), n null */
    size_t n;        /* 0 = no position (start from the beginning) */
} StatePos;

typedef struct StateTable {
    char *table;              /* schema.table */
    char *status;             /* pending | loading | done */
    char *fingerprint;
    char *shape;
    StatePos pos;
    TableStats counts;        /* as of the last committed batch (table is NULL) */
    long deleted;
    long rejects_offset;
} StateTable;

/* A mapping's run that has not finished. */
typedef struct StateRun {
    long run_id;
    int after_pending;        /* the ddl file's after part has not run yet */
    char **created;           /* tables the run's ddl file created */
    size_t ncreated;
    StateTable *tables;
    size_t n;
} StateRun;

/* Creates or upgrades the schema (own transaction, committed). */
int state_open(PGconn *c, PgmError *e);

/* Takes the mapping's session advisory lock: PGM_OK, STATE_BUSY (e says
 * which session holds it) or PGM_FAIL. */
enum { STATE_BUSY = 1 };
int state_lock(PGconn *c, const char *mapping, PgmError *e);

/* Reads the mapping's unfinished run: 1 found, 0 none, -1 error. */
int state_unfinished(PGconn *c, const char *mapping, StateRun *out, PgmError *e);
void state_run_free(StateRun *r);
const StateTable *state_run_table(const StateRun *r, const char *table);

/* Inserts a run row (status running); returns its id or -1. */
long state_begin_run(PGconn *c, const char *mapping, const char *command, const char *fingerprint,
                     const char *options_json, long resumed_from, PgmError *e);
/* Marks run_id as the mapping's unfinished run, with the tables its ddl
 * file created (their after part pending). */
int state_set_unfinished(PGconn *c, const char *mapping, long run_id, char *const *created,
                         size_t ncreated, PgmError *e);
/* A fresh run: every table pending from the start. */
int state_reset_table(PGconn *c, const char *mapping, long run_id, const char *table,
                      const char *fingerprint, const char *shape, PgmError *e);
/* The checkpoint of one batch (inside its transaction).  pos may be NULL
 * (no position: a table loaded in one transaction). */
int state_checkpoint(PGconn *c, const char *mapping, long run_id, const char *table,
                     const char *status, const StatePos *pos, const TableStats *st,
                     long rejects_offset, PgmError *e);
/* Ends a run: its status (done, warnings, failed, abandoned), message,
 * totals and per-table counts; when the run completed, the mapping has no
 * unfinished run any more. */
int state_end_run(PGconn *c, const char *mapping, long run_id, const char *status,
                  const char *message, const Report *rep, int completed, PgmError *e);
/* Forgets the unfinished run (pgmap run --restart). */
int state_abandon(PGconn *c, const char *mapping, long run_id, PgmError *e);

/* Sync cursors: the mark of a table (1 found, 0 none, -1 error). */
int state_get_mark(PGconn *c, const char *mapping, const char *table, StatePos *out, PgmError *e);
int state_set_mark(PGconn *c, const char *mapping, const char *table, const char *column,
                   long run_id, const StatePos *mark, PgmError *e);

/* Did a run of this mapping ever complete?  1 yes, 0 no, -1 error. */
int state_has_completed_run(PGconn *c, const char *mapping, PgmError *e);

/* pgmap status: the run history and the current checkpoints. */
int state_print_status(PGconn *c, const char *mapping, long limit, FILE *out, PgmError *e);

/* Positions */
void statepos_free(StatePos *p);
/* Appends v (its kind and text) to p. */
void statepos_add(StatePos *p, const Value *v);
/* The value of element i, in the source's own kind (text memory borrowed
 * from p; blobs decoded into a, which must outlive the value). */
Value statepos_value(const StatePos *p, size_t i, Arena *a);
/* As a JSON array of strings, for parameters. */
void statepos_json(const StatePos *p, Buf *out);

#endif
