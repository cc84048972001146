/* init_par.c - `pgmap init --jobs N`: the value scan and the orphan counts
 * with N readers at once.  Both read every row of a large file and were
 * most of init's time; each table's scan (and each foreign key's count)
 * touches only that table's profile (that key's counts), so workers need
 * nothing shared but the list of tasks.  Each worker has its own SQLite
 * connection (SQLite allows any number of readers) and its own arena for
 * the examples it keeps, handed to the IDb, which frees them. */
#include "init.h"

#include <stdlib.h>
#include <string.h>
#include <threads.h>

typedef struct Task {
    ITable *t;
    size_t fk;           /* orphan count: the key; scan: unused */
} Task;

typedef struct Par {
    const char *path;
    IDb *db;
    long sample;
    int orphans;         /* 1 = count orphans, 0 = scan values */
    Task *tasks;
    size_t ntasks, next;
    mtx_t mu;
    int failed;
    PgmError first;
} Par;

typedef struct Worker {
    Par *par;
    Arena *arena;
    thrd_t th;
} Worker;

static int run_task(Par *p, sqlite3 *s, const Task *k, Arena *arena, PgmError *e)
{
    if (p->orphans)
        return init_count_orphans_of(s, p->db, k->t, &k->t->fks[k->fk], arena, e);
    return init_scan_table(s, k->t, p->sample, arena, e);
}

static int worker(void *arg)
{
    Worker *w = arg;
    Par *p = w->par;
    PgmError e = {0};
    sqlite3 *s = NULL;
    int rc = sqlite3_open_v2(p->path, &s, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK
                 ? PGM_OK : PGM_FAIL;
    if (rc != PGM_OK)
        err_set(&e, "source %s: %s", p->path, s ? sqlite3_errmsg(s) : "out of memory");
    while (rc == PGM_OK) {
        mtx_lock(&p->mu);
        size_t i = p->failed ? p->ntasks : p->next++;
        mtx_unlock(&p->mu);
        if (i >= p->ntasks)
            break;
        rc = run_task(p, s, &p->tasks[i], w->arena, &e);
    }
    if (rc != PGM_OK) {
        mtx_lock(&p->mu);
        if (!p->failed)
            p->first = e;
        p->failed = 1;
        mtx_unlock(&p->mu);
    }
    sqlite3_close(s);
    return rc;
}

/* Runs p's tasks with jobs workers; their arenas join the IDb. */
static int run_par(Par *p, int jobs, PgmError *e)
{
    size_t n = (size_t)jobs < p->ntasks ? (size_t)jobs : p->ntasks;
    if (mtx_init(&p->mu, mtx_plain) != thrd_success) {
        err_set(e, "cannot create the lock of --jobs");
        return PGM_FAIL;
    }
    Worker *w = xcalloc(n ? n : 1, sizeof *w);
    size_t started = 0;
    for (; started < n; started++) {
        w[started].par = p;
        w[started].arena = arena_new();
        if (thrd_create(&w[started].th, worker, &w[started]) != thrd_success) {
            arena_free(w[started].arena);
            break;
        }
    }
    if (started == 0 && n > 0) {
        p->failed = 1;
        err_set(&p->first, "cannot start the threads of --jobs");
    }
    IDb *db = p->db;
    db->job_arenas = xrealloc(db->job_arenas, (db->njob_arenas + started + 1) * sizeof *db->job_arenas);
    for (size_t k = 0; k < started; k++) {
        thrd_join(w[k].th, NULL);
        db->job_arenas[db->njob_arenas++] = w[k].arena;
    }
    free(w);
    mtx_destroy(&p->mu);
    if (p->failed)
        *e = p->first;
    return p->failed ? PGM_FAIL : PGM_OK;
}

int init_scan_par(sqlite3 *s, const char *path, IDb *db, long sample, int jobs, PgmError *e)
{
    if (jobs <= 1 || db->ntables < 2)
        return init_scan(s, db, sample, e);
    Par p = {.path = path, .db = db, .sample = sample};
    p.tasks = xcalloc(db->ntables, sizeof *p.tasks);
    for (size_t i = 0; i < db->ntables; i++)
        p.tasks[p.ntasks++].t = &db->tables[i];
    int rc = run_par(&p, jobs, e);
    free(p.tasks);
    return rc;
}

int init_count_orphans_par(sqlite3 *s, const char *path, IDb *db, int jobs, PgmError *e)
{
    size_t n = 0;
    for (size_t i = 0; i < db->ntables; i++)
        for (size_t k = 0; k < db->tables[i].nfks; k++)
            n += !db->tables[i].fks[k].drop_reason;
    if (jobs <= 1 || n < 2)
        return init_count_orphans(s, db, e);
    Par p = {.path = path, .db = db, .orphans = 1};
    p.tasks = xcalloc(n, sizeof *p.tasks);
    for (size_t i = 0; i < db->ntables; i++)
        for (size_t k = 0; k < db->tables[i].nfks; k++)
            if (!db->tables[i].fks[k].drop_reason)
                p.tasks[p.ntasks++] = (Task){&db->tables[i], k};
    int rc = run_par(&p, jobs, e);
    free(p.tasks);
    return rc;
}
