/* verify_internal.h - shared by the parts of pgmap verify: verify.c (the
 * command), verify_data.c (one table's checksums), verify_rows.c (the rows
 * of differing buckets), verify_refused.c (the rows the target refused in
 * the last run) and verify_report.c (screen and JSON). */
#ifndef PGMAP_VERIFY_INTERNAL_H
#define PGMAP_VERIFY_INTERNAL_H

#include <threads.h>

#include "exec.h"
#include "session.h"
#include "sync_diff.h"
#include "verify.h"

/* The rows the target refused in the last run (rejects-file lines with a
 * SQLSTATE): the mapping makes them, but they are not expected in the
 * target.  Rows the mapping itself rejects are recomputed, not read. */
typedef struct RefusedSet {
    char **keys;       /* "table\1key_json", open addressing */
    size_t cap, n;
    long lines;        /* rejects-file lines read */
    const char *path;  /* NULL when there was no file */
} RefusedSet;

int refused_load(RefusedSet *r, const char *path, int all, PgmError *e);
int refused_has(const RefusedSet *r, const char *table, const char *key_json);
void refused_free(RefusedSet *r);

/* How far a table could be compared. */
typedef enum VerifyDepth {
    VD_VALUES,         /* every value of every row */
    VD_KEYS,           /* the set of keys (dedup tables) */
    VD_COUNTS,         /* row counts only */
    VD_NONE            /* not compared (the table is missing) */
} VerifyDepth;

typedef struct VerifyTable {
    const PlanTable *t;
    VerifyDepth depth;
    const char *note;    /* why not deeper, or what the values rest on; static text */
    long read;           /* source rows read */
    long rejected;       /* rows the mapping rejects */
    long refused;        /* rows the target refused in the last run */
    long deduplicated;   /* dedup: rows that lose to another row with the same key */
    long expected;       /* rows the target should hold */
    long target;         /* rows it holds */
    long missing, extra, differ, duplicate;   /* rows, from the row comparison */
    long uncompared;     /* source rows in differing buckets not compared row by row */
    long uncertain;      /* values the server had to confirm */
    long kept;           /* findings kept for this table (at most VERIFY_MAX_FINDINGS) */
    double seconds;
} VerifyTable;

typedef struct VerifyCtx {
    Session *s;
    int counts_only;
    int verbose;
    RefusedSet refused;
    Report rep;          /* the mapping's rejects, counted (never written) */
    RejectLog *rl;       /* a log that writes nothing */
    Loader L;
    VerifyTable *tabs;
    size_t ntabs;
    VerifySchema schema;
    VerifyFindings found;
    double seconds;
} VerifyCtx;

/* verify_pipe.c: the bucket sums of converted rows, on a second thread
 * (inline when the thread cannot start). */
typedef struct HashPipe {
    SyncDiff *d;
    thrd_t th;
    mtx_t mu;
    cnd_t cv;
    Buf fill;            /* the converter's: lines being added */
    Buf handed;          /* lines handed to the hasher (full) or an empty buffer */
    int full, done, running;
} HashPipe;

int hashpipe_start(HashPipe *p, SyncDiff *d);   /* 1 with a thread, 0 inline */
void hashpipe_add(HashPipe *p, const char *line, size_t len);
/* Waits until every line is in d's sums; frees the buffers. */
void hashpipe_finish(HashPipe *p);

/* verify_data.c */
int verify_table(VerifyCtx *x, size_t i);
int verify_counts(VerifyCtx *x, size_t i);

/* verify_rows.c: compares the rows of the buckets marked in d->differs;
 * findings go to x->found, counts to v. */
int verify_rows(VerifyCtx *x, VerifyTable *v, SyncDiff *d);

/* Adds a data finding, unless the table already has VERIFY_MAX_FINDINGS. */
void verify_finding(VerifyCtx *x, VerifyTable *v, VerifyKind kind, const char *key_json,
                    const char *column, const char *source, const char *target, const char *message);

/* verify_report.c */
void verify_print(const VerifyCtx *x, FILE *out);
int verify_write_json(const VerifyCtx *x, const char *mapping, const char *path, PgmError *e);
/* 1 when anything differs */
int verify_differs(const VerifyCtx *x);

#endif
