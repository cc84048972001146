/* run_internal.h - shared by run.c (the transactions of a run) and
 * run_jobs.c (tables loaded in parallel with --jobs): the run's context,
 * and a job, the connection, source reader and loader one table at a time
 * is loaded with. */
#ifndef PGMAP_RUN_INTERNAL_H
#define PGMAP_RUN_INTERNAL_H

#include "exec.h"
#include "run.h"

typedef struct RunCtx {
    Session *s;
    const Options *o;
    const char *name;        /* the mapping's name in the state */
    int use_state;           /* not a dry run */
    long run_id;
    StateRun prev;           /* the unfinished run this one resumes (run_id 0 = none) */
    ExecOptions eo;
    Loader L;                /* the session's loader: the template of every job's */
    Report rep;
    RejectLog *rl;
    int *after_owner;        /* per after-part statement: the plan table it belongs to,
                              * run with that table's last batch, or -1 (run_after.c) */
} RunCtx;

typedef struct RunJob {
    RunCtx *x;
    PGconn *c;               /* the session's connection, or the job's own */
    Reader *src;             /* the session's reader, or the job's own */
    PgmError *e;             /* where failures go: the session's, or the job's own */
    RejectLog *rejects;      /* the run's file, or (--jobs) the job's lines until they commit */
    LastRow last;            /* the order key of the last row read, for checkpoints */
    const Loader *L_active;  /* the loader of the table being loaded */
    StatePos pos;
} RunJob;

/* Step 3 for table i: skip it, continue it, or load it, through job j. */
int run_load_table(RunJob *j, size_t i);
void run_job_free(RunJob *j);

/* Loads every table with o->jobs workers, each with its own connection
 * and source reader; a table starts once the tables it depends on (its
 * lookups' tables, the tables its foreign keys reference) are loaded. */
int run_jobs(RunCtx *x);

/* run_after.c: the owner of each after-part statement (NULL without a
 * ddl file), and the Loader's table_done hook that runs a table's own. */
int *run_after_owners(const Plan *p);
int run_after_table(void *arg, const PlanTable *t, PgmError *e);

/* Session settings of a load connection (see run.c for why). */
int run_load_settings(PGconn *c, int use_state, PgmError *e);

#endif
