/* sync_internal.h - shared by sync.c (the command, table order, the
 * transaction) and sync_table.c (one table: cursor, checksums, shipping,
 * deletes). */
#ifndef PGMAP_SYNC_INTERNAL_H
#define PGMAP_SYNC_INTERNAL_H

#include "exec.h"
#include "rejects.h"
#include "session.h"
#include "state.h"
#include "sync_diff.h"

typedef struct SyncTable {
    SyncDiff diff;           /* nb == 0 when no bucket comparison ran */
    int seen_made;           /* pg_temp.pgmap_seen_N exists and holds the shipped keys */
    char *live;              /* deletes: mark: the condition for rows not marked */
    char *mark_set;          /* SET clause marking a row deleted */
    char *unmark;            /* SET clause unmarking it */
} SyncTable;

typedef struct SyncCtx {
    Session *s;
    const Options *o;
    const char *name;
    long run_id;
    ExecOptions eo;
    Loader L;
    Report rep;
    RejectLog *rl;
    SyncTable *tabs;         /* per plan table */
    ExecResult res;
} SyncCtx;

/* sync_table.c */
int sync_mark_setup(SyncCtx *x, size_t i);
int sync_table(SyncCtx *x, size_t i, TableStats *st);
int sync_deletes(SyncCtx *x, size_t i);

#endif
