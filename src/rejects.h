/* rejects.h - the rejects file: one JSON object per rejected row, with
 * table, key, column, operation, the raw value and the message (plus the
 * SQLSTATE, constraint and the whole row for rows the database refused).
 * The file is created at the first reject and removed at close when the
 * run rejected nothing, so a stale file never describes a clean run. */
#ifndef PGMAP_REJECTS_H
#define PGMAP_REJECTS_H

#include "util.h"

typedef struct RejectLog RejectLog;

typedef struct Reject {
    const char *table;
    const char *key_json;     /* a JSON object naming the row */
    const char *column;       /* NULL when not known */
    const char *operation;    /* NULL for database refusals */
    const char *value_json;   /* raw source value as JSON, NULL = null */
    const char *message;
    const char *sqlstate;     /* NULL for pgmap's own checks */
    const char *constraint;
    const char *row_json;     /* the converted row, for database refusals */
} Reject;

/* path NULL = never write (dry run without --rejects). */
RejectLog *rejects_open(const char *path);
int rejects_write(RejectLog *l, const Reject *r, PgmError *e);
long rejects_count(const RejectLog *l);
const char *rejects_path(const RejectLog *l);
/* Continues an interrupted run's file: cuts it to offset (what the last
 * committed batch had written), then appends. */
RejectLog *rejects_resume(const char *path, long offset);
/* Bytes written so far (flushed to the file): recorded with each batch. */
long rejects_offset(RejectLog *l);
/* --jobs: a job's own log, whose lines wait in memory until
 * rejects_merge appends them to parent's file (the caller holds parent's
 * lock), so only committed batches' lines reach the file.  Closing a
 * child drops the lines never merged (their batch never committed). */
RejectLog *rejects_child(RejectLog *parent);
int rejects_merge(RejectLog *child, PgmError *e);
void rejects_lock(RejectLog *l);
void rejects_unlock(RejectLog *l);
/* Closes; removes an existing file when nothing was rejected. */
int rejects_close(RejectLog *l, PgmError *e);

#endif
