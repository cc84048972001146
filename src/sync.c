/* sync.c - `pgmap sync MAPPING`: carries the source's inserts, updates
 * and deletes into a target that a run has loaded.
 *
 * Per table, in load order:
 *  - with a cursor (`cursor: COLUMN`) and a stored mark: only the rows with
 *    cursor >= mark - lookback are read, in cursor then key order, and
 *    upserted (ties at the mark are read again on purpose: `>` alone would
 *    lose rows written in the same second as the last mark; the upsert's
 *    key makes them unchanged).  Deletes are found by comparing keys only
 *    (sync_diff.h), unless `deletes: ignore`;
 *  - without a cursor (or on its first sync): checksums of the converted
 *    rows per bucket (sync_diff.h), then the differing buckets row by row;
 *  - replace-mode tables (no key) are reloaded whole.
 * Deletes run last, children before parents (reverse load order), so
 * foreign keys see parents go after their children.
 *
 * A sync is one transaction, with its record in the state schema and the
 * new cursor marks: a sync that dies changes nothing, and the next one
 * does the whole work.  The source is read in one snapshot. */
#include "cli.h"
#include "exec.h"
#include "run.h"
#include "sync_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tables sync can compare: keyed upsert/ignore tables, and replace-mode
 * tables it reloads. */
static int check_syncable(SyncCtx *x)
{
    const Plan *p = x->s->plan;
    for (size_t i = 0; i < p->n; i++) {
        const PlanTable *t = &p->tables[i];
        if (t->dedup) {
            /* The winner of a key is chosen among all source rows, which a
             * bucket comparison of single rows cannot see. */
            err_set(&x->s->e, "%s:%d:%d: %s: sync does not handle dedup tables yet; load it with pgmap run "
                              "(a re-run never duplicates and updates what changed)", x->s->m->file,
                    t->map->dedup_pos.line, t->map->dedup_pos.col, t->label);
            return PGM_FAIL;
        }
        if (t->mode == MODE_REPLACE)
            continue;
        if (t->nkey == 0 || !t->merge_sql) {
            Pos pos = t->map->mode != MODE_UNSET ? t->map->mode_pos : t->map->pos;
            err_set(&x->s->e, "%s:%d:%d: %s: sync needs a key and mode upsert or ignore (it is mode "
                              "%s%s); use mode: replace to reload a table on every sync", x->s->m->file,
                    pos.line, pos.col, t->label, mode_name(t->mode), t->nkey ? "" : " without a key");
            return PGM_FAIL;
        }
        if (t->map->deletes == DEL_MARK && sync_mark_setup(x, i) != PGM_OK)
            return PGM_FAIL;
    }
    return PGM_OK;
}

static int check_state(SyncCtx *x)
{
    Session *s = x->s;
    StateRun prev;
    int rc = state_unfinished(s->c, x->name, &prev, &s->e);
    if (rc < 0)
        return PGM_FAIL;
    if (rc == 1) {
        err_set(&s->e, "run %ld of mapping %s is unfinished: finish it with `pgmap run %s` before "
                       "syncing", prev.run_id, x->name, x->o->mapping);
        state_run_free(&prev);
        return PGM_FAIL;
    }
    rc = state_has_completed_run(s->c, x->name, &s->e);
    if (rc == 0)
        err_set(&s->e, "mapping %s has never been loaded into this target: run `pgmap run %s` first",
                x->name, x->o->mapping);
    return rc == 1 ? PGM_OK : PGM_FAIL;
}

static int sync_replace(SyncCtx *x, size_t i, TableStats *st)
{
    const PlanTable *t = &x->s->plan->tables[i];
    Buf sql;
    buf_init(&sql);
    buf_puts(&sql, "DELETE FROM ");
    pg_quote_qualified(x->s->c, &sql, t->tgt.schema, t->tgt.name);
    long n = pg_command(x->s->c, sql.data, 0, NULL, &x->s->e);
    buf_free(&sql);
    if (n < 0)
        return PGM_FAIL;
    st->deleted = n;
    st->note = "mode replace: reloaded whole";
    return exec_table(&x->L, x->s->src, &x->eo, t, NULL, st, &x->s->e);
}

static int sync_one(SyncCtx *x, size_t i)
{
    const PlanTable *t = &x->s->plan->tables[i];
    TableStats *st = &x->rep.tables[i];
    st->table = t->label;
    double t0 = exec_now();
    int rc;
    if (t->mode == MODE_REPLACE) {
        rc = sync_replace(x, i, st);
    } else {
        rc = loader_prepare_table(&x->L, t, &x->s->e);
        if (rc == PGM_OK)
            rc = sync_table(x, i, st);
    }
    st->seconds = exec_now() - t0;
    if (x->o->verbose)
        fprintf(stderr, "pgmap: %s: synced in %.2f s\n", t->label, st->seconds);
    return rc;
}

static int begin_sync(SyncCtx *x)
{
    char opts[256];
    snprintf(opts, sizeof opts, "{\"batch\":%ld}", x->o->batch);
    x->run_id = state_begin_run(x->s->c, x->name, "sync", "", opts, 0, &x->s->e);
    return x->run_id < 0 ? PGM_FAIL : PGM_OK;
}

static int execute(SyncCtx *x)
{
    Session *s = x->s;
    const Plan *p = s->plan;
    if (check_state(x) != PGM_OK || check_syncable(x) != PGM_OK || begin_sync(x) != PGM_OK)
        return PGM_FAIL;
    if (s->src->ops->snapshot && s->src->ops->snapshot(s->src, &s->e) != PGM_OK)
        return PGM_FAIL;
    for (size_t i = 0; i < p->n; i++)
        if (sync_one(x, i) != PGM_OK)
            return PGM_FAIL;
    for (size_t i = p->n; i-- > 0;)
        if (sync_deletes(x, i) != PGM_OK)
            return PGM_FAIL;
    int warn = report_total(&x->rep, 0) || report_total(&x->rep, 1);
    x->res = warn ? EXEC_WARNINGS : EXEC_CLEAN;
    if (state_end_run(s->c, x->name, x->run_id, warn ? "warnings" : "done", NULL, &x->rep, 0, &s->e) != PGM_OK)
        return PGM_FAIL;
    return pg_exec(s->c, "COMMIT", &s->e);
}

static void sync_ctx_free(SyncCtx *x)
{
    for (size_t i = 0; x->tabs && i < x->s->plan->n; i++) {
        syncdiff_free(&x->tabs[i].diff);
        free(x->tabs[i].live);
        free(x->tabs[i].mark_set);
        free(x->tabs[i].unmark);
    }
    free(x->tabs);
}

/* The run of sync: everything after the session is open. */
static int run_sync(SyncCtx *x)
{
    Session *s = x->s;
    const Options *o = x->o;
    report_init(&x->rep, s->plan->n, 0);
    x->rep.sync = 1;
    const char *path = o->rejects ? o->rejects : s->m->rejects;
    x->rl = rejects_open(path);
    x->eo = (ExecOptions){0, o->batch, o->verbose};
    x->L = (Loader){.c = s->c, .in_tx = 1, .rejects = x->rl, .report = &x->rep};
    x->tabs = xcalloc(s->plan->n + 1, sizeof *x->tabs);
    x->res = EXEC_FAILED;
    double start = exec_now();
    if (execute(x) != PGM_OK)
        x->res = EXEC_FAILED;
    x->rep.seconds = exec_now() - start;
    if (!o->quiet || x->res == EXEC_FAILED)
        report_print(&x->rep, o->quiet ? stderr : stdout, o->verbose);
    if (rejects_path(x->rl) && !o->quiet)
        printf("rejected rows written to %s\n", rejects_path(x->rl));
    if (x->res == EXEC_FAILED && !o->quiet)
        printf("the sync was one transaction: rolled back, nothing was changed\n");
    PgmError ce = {0};
    if (rejects_close(x->rl, &ce) != PGM_OK && x->res != EXEC_FAILED) {
        s->e = ce;
        x->res = EXEC_FAILED;
    }
    sync_ctx_free(x);
    report_free(&x->rep);
    return x->res == EXEC_FAILED ? session_fail(s, NULL)
                                 : x->res == EXEC_WARNINGS ? EXIT_WARNINGS : EXIT_CLEAN;
}

int cmd_sync(int argc, char **argv)
{
    Options o;
    int rc = parse_options("sync", argc, argv, &o);
    if (rc >= 0)
        return rc;
    Session s;
    memset(&s, 0, sizeof s);
    SyncCtx x;
    memset(&x, 0, sizeof x);
    x.s = &s;
    x.o = &o;
    rc = session_connect(&s, &o, 1);
    if (rc == PGM_OK) {
        x.name = session_mapping_name(&s, &o);
        rc = run_lock(&s, x.name);
    }
    if (rc == PGM_OK)
        rc = session_compile(&s, NULL);
    if (rc == PGM_OK)
        rc = run_sync(&x);
    else {
        int code = session_fail(&s, NULL);
        rc = rc == RUN_BUSY ? EXIT_BUSY : code;
    }
    session_close(&s);
    free(s.name);
    return rc;
}
