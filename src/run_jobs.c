/* run_jobs.c - `pgmap run --jobs N`: tables loaded at the same time, each
 * by a worker thread with its own target connection and its own source
 * reader (SQLite allows any number of readers; a PostgreSQL source gets a
 * connection per job).
 *
 * Why whole tables and not key ranges: a table's checkpoint is one source
 * position, which is what makes a crash resume exactly; ranges would need
 * a position per range.  Tables are handed out in load order, so parents
 * and the tables lookups read come first, and a table waits until every
 * table it depends on is done.
 *
 * Each job's reject lines reach the run's file only when their batch
 * commits (rejects_child), so the file's length a checkpoint records never
 * covers another job's uncommitted lines.  The problems of the report are
 * shared under a lock; each table's counts belong to the one job that
 * loads it.  The first failure stops the hand-out; running tables finish
 * their batch and stop at their next table. */
#include "run_internal.h"
#include "pgconn.h"

#include <stdlib.h>
#include <string.h>
#include <threads.h>

enum { T_PENDING, T_RUNNING, T_DONE };

typedef struct Pool {
    RunCtx *x;
    mtx_t mu;
    cnd_t cv;
    int *state;          /* per table, T_* */
    int failed;
    PgmError first;      /* the first failure */
} Pool;

/* The next table whose dependencies are done, marked running; -1 when
 * every table is handed out (or the run failed), -2 to wait. */
static long next_table(Pool *pool)
{
    const Plan *p = pool->x->s->plan;
    int waiting = 0;
    for (size_t i = 0; i < p->n && !pool->failed; i++) {
        if (pool->state[i] != T_PENDING)
            continue;
        int ready = 1;
        /* only tables before it in load order: a cycle, which the order
         * broke in file order, must not make two tables wait for each other */
        for (size_t k = 0; k < i && ready; k++)
            if (pool->state[k] != T_DONE && plan_table_depends(&p->tables[i], &p->tables[k]))
                ready = 0;
        if (ready) {
            pool->state[i] = T_RUNNING;
            return (long)i;
        }
        waiting = 1;
    }
    return waiting && !pool->failed ? -2 : -1;
}

static void fail(Pool *pool, const PgmError *e)
{
    mtx_lock(&pool->mu);
    if (!pool->failed)
        pool->first = *e;
    pool->failed = 1;
    cnd_broadcast(&pool->cv);
    mtx_unlock(&pool->mu);
}

static int open_job(RunJob *j, PgmError *e)
{
    const Session *s = j->x->s;
    const Options *o = j->x->o;
    const char *target = o->target ? o->target : s->m->target;
    j->c = pg_connect(target, e);
    if (!j->c)
        return PGM_FAIL;
    if (run_load_settings(j->c, 1, e) != PGM_OK)
        return PGM_FAIL;
    return reader_open(s->source, &j->src, e);
}

static int worker(void *arg)
{
    Pool *pool = arg;
    PgmError e = {0};
    RunJob j = {.x = pool->x, .e = &e};
    j.rejects = rejects_child(pool->x->rl);
    int rc = open_job(&j, &e);
    if (rc != PGM_OK)
        fail(pool, &e);
    while (rc == PGM_OK) {
        mtx_lock(&pool->mu);
        long i;
        while ((i = next_table(pool)) == -2)
            cnd_wait(&pool->cv, &pool->mu);
        mtx_unlock(&pool->mu);
        if (i < 0)
            break;
        rc = run_load_table(&j, (size_t)i);
        if (rc != PGM_OK) {
            fail(pool, &e);
            break;
        }
        mtx_lock(&pool->mu);
        pool->state[i] = T_DONE;
        cnd_broadcast(&pool->cv);
        mtx_unlock(&pool->mu);
    }
    run_job_free(&j);
    rejects_close(j.rejects, &e);
    if (j.src)
        reader_close(j.src);
    pg_disconnect(j.c);   /* a failed table's transaction is rolled back with it */
    return rc;
}

int run_jobs(RunCtx *x)
{
    const Plan *p = x->s->plan;
    size_t n = (size_t)x->o->jobs < p->n ? (size_t)x->o->jobs : p->n;
    Pool pool = {.x = x};
    mtx_t report_mu;
    if (mtx_init(&pool.mu, mtx_plain) != thrd_success || cnd_init(&pool.cv) != thrd_success ||
        mtx_init(&report_mu, mtx_plain) != thrd_success) {
        err_set(&x->s->e, "cannot create the locks of --jobs");
        return PGM_FAIL;
    }
    pool.state = xcalloc(p->n ? p->n : 1, sizeof *pool.state);
    x->rep.lock = &report_mu;
    thrd_t *th = xcalloc(n ? n : 1, sizeof *th);
    size_t started = 0;
    for (; started < n; started++)
        if (thrd_create(&th[started], worker, &pool) != thrd_success)
            break;
    if (started < n) {
        PgmError e = {0};
        err_set(&e, "cannot start the threads of --jobs");
        fail(&pool, &e);
    }
    for (size_t k = 0; k < started; k++)
        thrd_join(th[k], NULL);
    x->rep.lock = NULL;
    int rc = pool.failed ? PGM_FAIL : PGM_OK;
    if (pool.failed)
        x->s->e = pool.first;
    free(th);
    free(pool.state);
    cnd_destroy(&pool.cv);
    mtx_destroy(&pool.mu);
    mtx_destroy(&report_mu);
    return rc;
}
