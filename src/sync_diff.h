/* sync_diff.h - finding what differs between a source table and its
 * target table without shipping the data (sync_diff.c), for pgmap sync.
 *
 * Rows are spread over buckets by a hash of their converted key; each side
 * sums, per bucket, the row count and two 32-bit halves of the md5 of the
 * row's text as PostgreSQL prints it (canon.h).  The server computes its
 * side in one query; pgmap computes the source side from its own
 * conversion of every source row.  Buckets whose sums differ are read
 * again and shipped row by row: upserted through the staging table (the
 * merge itself tells inserted, updated and unchanged rows apart, by typed
 * comparison) and their keys collected, so the target rows of those
 * buckets whose key the source no longer has are the deletes.
 *
 * Why hash buckets and not key ranges: a range needs both sides to order
 * keys the same way, and they do not (SQLite's BINARY collation and type
 * affinity against PostgreSQL's collations and types; a key an operation
 * rewrites).  A hash of the converted key needs no order at all, no
 * ORDER BY on either side, and one scan of each. */
#ifndef PGMAP_SYNC_DIFF_H
#define PGMAP_SYNC_DIFF_H

#include <stdint.h>
#include <libpq-fe.h>
#include "exec.h"
#include "plan.h"

typedef struct SyncDiff {
    const PlanTable *t;
    int key_only;            /* compare keys only (a cursor table's deletes) */
    const char *live;        /* SQL condition on t for rows not marked deleted, or NULL */
    long nb;                 /* buckets */
    int64_t *cnt, *s1, *s2;  /* the source's sums per bucket */
    unsigned char *differs;  /* per bucket, after compare */
    long ndiffer;
    long uncertain;          /* source values canon_text could not promise */
    int64_t target_rows;     /* after compare: the target's rows */
    int sent;                /* the target's query is running (syncdiff_send) */
    Buf line, rec, krec, tmp;
} SyncDiff;

/* Sizes the buckets from the target's row count. */
int syncdiff_init(SyncDiff *d, const PlanTable *t, PGconn *c, int key_only, const char *live,
                  PgmError *e);
void syncdiff_free(SyncDiff *d);

/* Adds one converted row (a COPY line without its newline) to the
 * source's sums.  A table without a key (verify only) is bucketed by the
 * whole row. */
void syncdiff_add(SyncDiff *d, const char *line, size_t len);
/* Adds one row's key (COPY fields joined by tabs) to a key_only sum. */
void syncdiff_add_key(SyncDiff *d, const char *keyfields, size_t len);
/* The bucket of a row from its key fields (COPY fields joined by tabs). */
long syncdiff_bucket(SyncDiff *d, const char *keyfields, size_t len);

/* verify: the record text of a converted row's key (the whole row for a
 * keyless table), as the server prints ROW(key columns)::text. */
void syncdiff_key_record(SyncDiff *d, const char *line, size_t len, Buf *out);
/* verify: one COPY field of column col as the server prints it, into out;
 * returns 1 for NULL (out untouched), 0 for a value, and 2 for a value
 * canon_text could not promise (the server must say). */
int syncdiff_field(SyncDiff *d, size_t col, const char *p, size_t len, Buf *out);

/* Starts the target's side of the comparison without waiting for it: the
 * server scans the target while pgmap reads the source (two cores).  The
 * connection must not be used until syncdiff_compare or
 * syncdiff_abandon. */
int syncdiff_send(SyncDiff *d, PGconn *c, PgmError *e);
/* Waits for the target's sums and marks the buckets that differ; returns
 * the source rows in the buckets that agree through *same. */
int syncdiff_compare(SyncDiff *d, PGconn *c, long *same, PgmError *e);
/* Drains a sent query after a failure on the source side. */
void syncdiff_abandon(SyncDiff *d, PGconn *c);

/* The differing buckets as an int[] literal for a parameter. */
void syncdiff_bucket_array(const SyncDiff *d, Buf *out);
/* The SQL bucket expression over the target table's key (alias t). */
void syncdiff_bucket_sql(const SyncDiff *d, PGconn *c, Buf *out);

#endif
