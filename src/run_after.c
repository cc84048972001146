/* run_after.c - the statements of the ddl file's after part that belong
 * to one table (its primary key, unique constraints and indexes) run at
 * the end of that table's load, in the transaction of its last batch, the
 * one that marks it done; the rest (foreign keys, which need two tables,
 * sequences, views, anything not recognised) at the end of the run as
 * before.
 *
 * Why: with --jobs, a table's index builds then overlap the loads of the
 * tables still loading, instead of all waiting for the last row; and
 * without it nothing changes but the order.  Why it stays exact: "done"
 * and the table's keys commit together, so a resumed run knows from the
 * table's state alone whether they exist (a done table has them); a key
 * the data violates still fails the run before it is marked finished.
 *
 * The owner of a statement is found with verify's DDL recognizer
 * (verify_ddl.h): a statement that adds exactly one primary key, unique
 * constraint or index and nothing else, on a table this run created, with
 * a schema-qualified name (or one after the file's SET search_path). */
#include "run_internal.h"
#include "ddl_exec.h"
#include "verify_ddl.h"

#include <stdlib.h>
#include <string.h>

/* The one table the statement just recognised adds a key or index to,
 * by the counts before (b) and after (a) it; NULL when not exactly that. */
static const VdName *own_table(const VdDdl *b, const VdDdl *a)
{
    if (a->ntables != b->ntables || a->nseqs != b->nseqs || a->unchecked != b->unchecked)
        return NULL;
    if (a->ncons == b->ncons + 1 && a->nindexes == b->nindexes &&
        a->cons[b->ncons].kind != VD_FOREIGN)
        return &a->cons[b->ncons].table;
    if (a->nindexes == b->nindexes + 1 && a->ncons == b->ncons)
        return &a->indexes[b->nindexes].table;
    return NULL;
}

static int find_created(const Plan *p, const VdName *n, const char *search_schema)
{
    const char *schema = n->schema ? n->schema : search_schema;
    if (!schema)
        return -1;   /* the server resolved it through a search_path we do not know */
    for (size_t i = 0; i < p->n; i++) {
        const PlanTable *t = &p->tables[i];
        if (t->created && strcmp(t->tgt.schema, schema) == 0 && strcmp(t->tgt.name, n->name) == 0)
            return (int)i;
    }
    return -1;
}

int *run_after_owners(const Plan *p)
{
    const DdlScript *s = p->ddl;
    if (!s || s->nafter == 0)
        return NULL;
    int *owner = xcalloc(s->nafter, sizeof *owner);
    VdDdl d;
    memset(&d, 0, sizeof d);
    for (size_t i = 0; i < s->nbefore; i++)
        vd_statement(&d, s->before[i].sql, s->before[i].line);
    for (size_t i = 0; i < s->nafter; i++) {
        VdDdl before = d;   /* the counts only: the arrays may move */
        vd_statement(&d, s->after[i].sql, s->after[i].line);
        const VdName *n = own_table(&before, &d);
        owner[i] = n ? find_created(p, n, d.search_schema) : -1;
    }
    vd_free(&d);
    return owner;
}

/* The Loader's table_done hook: the table's own statements, in the
 * transaction that marks it done. */
int run_after_table(void *arg, const PlanTable *t, PgmError *e)
{
    RunJob *j = arg;
    RunCtx *x = j->x;
    const Plan *p = x->s->plan;
    int idx = (int)(t - p->tables);
    int any = 0;
    for (size_t i = 0; x->after_owner && i < p->ddl->nafter; i++)
        any |= x->after_owner[i] == idx;
    if (!any)
        return PGM_OK;
    double t0 = exec_now();
    /* the same room to sort in as the end of the run (run.c), for this
     * transaction only */
    PGresult *r = pg_query(j->c, "SELECT set_config('maintenance_work_mem', greatest(pg_size_bytes("
                                 "current_setting('maintenance_work_mem')), 268435456) / 1024 "
                                 "|| 'kB', true)", 0, NULL, e);
    if (!r)
        return PGM_FAIL;
    PQclear(r);
    long skipped = 0, ran = 0;
    int rc = ddl_exec_after_some(j->c, p->m->ddl, p->ddl, x->after_owner, idx, stderr, &skipped,
                                 &ran, e);
    if (x->rep.lock)
        mtx_lock(x->rep.lock);
    x->rep.ddl_after += ran;
    x->rep.ddl_skipped += skipped;
    x->rep.ddl_seconds += exec_now() - t0;
    if (x->rep.lock)
        mtx_unlock(x->rep.lock);
    return rc;
}
