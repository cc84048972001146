/* run.c - `pgmap run`: the transactions of a run, its record in the pgmap
 * state schema, and resuming a run that died.
 *
 * A run (not a dry run) goes like this:
 *  1. the state schema is created or upgraded, and the mapping's advisory
 *     lock taken (a second run or sync of the same mapping exits 75);
 *  2. one transaction: the ddl file's before part when tables are missing,
 *     the plan, the run's row, every table's checkpoint reset to pending,
 *     replace-mode tables emptied.  Committed;
 *  3. each table: batch by batch, each batch one transaction together with
 *     its checkpoint (the source position of its last row, the counts, the
 *     rejects file's length).  A table without a resumable order (a query)
 *     is loaded in one transaction instead.  Then it is marked done;
 *  4. one transaction: the ddl file's after part (keys, indexes, foreign
 *     keys), sequences, the run marked finished.
 * When pgmap dies anywhere, the next `pgmap run` finds the unfinished run:
 * it skips the tables marked done and continues each other table after its
 * last committed position, so the result is exactly the source, with no
 * duplicate and no gap.  If the mapping or the source's shape changed in a
 * way that decides the rows, it refuses and says what changed
 * (resume_check.c); `--restart` starts over.
 *
 * A dry run is one transaction, rolled back, without the state; so is
 * everything with --single-transaction, committed at the end. */
#include "run.h"
#include "run_internal.h"
#include "cli.h"
#include "pgconn.h"
#include "exec.h"
#include "md5.h"
#include "state.h"
#include "verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int run_checkpoint(void *arg, const PlanTable *t, const TableStats *st, PgmError *e)
{
    RunJob *j = arg;
    RunCtx *x = j->x;
    lastrow_pos(&j->last, &j->pos);
    return state_checkpoint(j->c, x->name, x->run_id, t->label,
                            j->L_active && j->L_active->finishing ? "done" : "loading", &j->pos, st,
                            rejects_offset(x->rl), e);
}

void run_job_free(RunJob *j)
{
    lastrow_free(&j->last);
    statepos_free(&j->pos);
}

/* A load connection's settings, for the run's own transactions only:
 *  - synchronous_commit off: each batch commits with its checkpoint, and
 *    waiting for each commit's WAL flush would make the load wait on the
 *    disk hundreds of times.  Safe: a server crash can lose only the last
 *    few commits, rows and checkpoint together, so the next run resumes
 *    exactly where the surviving checkpoints say.  The run's last
 *    transaction (finish_run) commits synchronously, so "finished" is
 *    durable only when every row is.
 * A dry run writes nothing worth a setting. */
int run_load_settings(PGconn *c, int use_state, PgmError *e)
{
    if (!use_state)
        return PGM_OK;
    return pg_exec(c, "SET synchronous_commit = off", e);
}

char *run_default_rejects_path(const char *mapping)
{
    const char *base = strrchr(mapping, '/');
    base = base ? base + 1 : mapping;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    Buf b;
    buf_init(&b);
    buf_append(&b, base, n);
    buf_puts(&b, ".rejects.jsonl");
    return buf_steal(&b);
}

/* The rejects file: continued (cut at the smallest offset any unfinished
 * table recorded... every table shares one file, so the largest committed
 * offset is where the file was when the last batch committed). */
static void open_rejects(RunCtx *x)
{
    const Options *o = x->o;
    char *path = NULL;
    if (o->rejects)
        path = xstrdup(o->rejects);
    else if (x->s->m->rejects)
        path = xstrdup(x->s->m->rejects);
    else if (!o->dry_run)
        path = run_default_rejects_path(o->mapping);
    long offset = -1;
    for (size_t i = 0; x->prev.run_id && i < x->prev.n; i++)
        if (x->prev.tables[i].rejects_offset > offset)
            offset = x->prev.tables[i].rejects_offset;
    x->rl = offset >= 0 ? rejects_resume(path, offset) : rejects_open(path);
    free(path);
}

/* The mapping file's md5: recorded with each run. */
static void mapping_fingerprint(const char *path, char out[33])
{
    char *text = NULL;
    size_t len = 0;
    PgmError e = {0};
    unsigned char d[16] = {0};
    if (read_file(path, &text, &len, &e) == PGM_OK)
        md5_digest(text, len, d);
    free(text);
    for (int i = 0; i < 16; i++)
        snprintf(out + (size_t)2 * (size_t)i, 3, "%02x", d[i]);
}

static void options_json(const RunCtx *x, Buf *b)
{
    const Options *o = x->o;
    buf_puts(b, "{\"file\":");
    json_append_string(b, o->mapping, strlen(o->mapping));
    /* the source's kind only: a connection URI may hold a password */
    buf_printf(b, ",\"source_kind\":\"%s\",\"batch\":%ld,\"restart\":%s,\"single_transaction\":%s}",
               x->s->src->ops->kind, o->batch, o->restart ? "true" : "false",
               o->single_tx ? "true" : "false");
}

/* The tables this run created are switched out of autovacuum while they
 * load and back at the end (finish_run): every batch commits, so the
 * server's insert-triggered vacuum would otherwise scan each growing table
 * again and again, on the cores the load needs.  A run that dies leaves
 * them switched out until the run that resumes it finishes. */
static int autovacuum_of_created(RunCtx *x, const char *what)
{
    const Plan *p = x->s->plan;
    Buf sql;
    buf_init(&sql);
    int rc = PGM_OK;
    for (size_t i = 0; i < p->n && rc == PGM_OK; i++) {
        if (!p->tables[i].created)
            continue;
        buf_reset(&sql);
        buf_puts(&sql, "ALTER TABLE ");
        pg_quote_qualified(x->s->c, &sql, p->tables[i].tgt.schema, p->tables[i].tgt.name);
        buf_printf(&sql, " %s", what);
        rc = pg_exec(x->s->c, sql.data, &x->s->e);
    }
    buf_free(&sql);
    return rc;
}

/* Step 2: the run's row and the tables' checkpoints, in the transaction
 * that made the tables. */
static int begin_run(RunCtx *x)
{
    Session *s = x->s;
    const Plan *p = s->plan;
    char fp[33];
    mapping_fingerprint(x->o->mapping, fp);
    Buf opts;
    buf_init(&opts);
    options_json(x, &opts);
    x->run_id = state_begin_run(s->c, x->name, "run", fp, opts.data, x->prev.run_id, &s->e);
    buf_free(&opts);
    if (x->run_id < 0)
        return PGM_FAIL;
    char *const *created = p->ddl ? p->created : NULL;
    if (state_set_unfinished(s->c, x->name, x->run_id, created, p->ddl ? p->ncreated : 0, &s->e) != PGM_OK)
        return PGM_FAIL;
    if (autovacuum_of_created(x, "SET (autovacuum_enabled = false)") != PGM_OK)
        return PGM_FAIL;
    if (x->prev.run_id)
        return PGM_OK;   /* resuming: the checkpoints stay */
    for (size_t i = 0; i < p->n; i++) {
        const PlanTable *t = &p->tables[i];
        if (state_reset_table(s->c, x->name, x->run_id, t->label, t->fingerprint, t->shape, &s->e) != PGM_OK)
            return PGM_FAIL;
    }
    return exec_truncate_replaced(p, s->c, &s->e);
}

/* exec_table, and after a one-COPY load that stopped (LOADER_RETRY) the
 * same rows again: as text with FREEZE when a value could not travel in
 * binary, else (the server refused rows) the batched way.  The counts
 * start over but for the conversion problems of the rows the first pass
 * converted, which the second pass, quiet for those rows, does not
 * repeat. */
static int load_with_retry(RunJob *j, Loader *L, const PlanTable *t, TableRead *rd, TableStats *st)
{
    const RunCtx *x = j->x;
    TableStats before = *st;
    int rc;
    /* at most twice again: binary, text with FREEZE, batched */
    while ((rc = exec_table(L, j->src, &x->eo, t, rd, st, j->e)) == LOADER_RETRY) {
        long rejected = st->rejected, nulled = st->nulled;
        if (st->read > rd->quiet_upto)
            rd->quiet_upto = st->read;
        *st = before;
        st->rejected = rejected;
        st->nulled = nulled;
        if (!L->binary_refused)
            L->freeze = 0;
        L->binary = L->binary_refused = 0;
        lastrow_free(&j->last);
        lastrow_init(&j->last, t->order_src, t->norder);
    }
    return rc;
}

/* Step 3 for one table: skip it, continue it, or load it. */
int run_load_table(RunJob *j, size_t i)
{
    RunCtx *x = j->x;
    const PlanTable *t = &x->s->plan->tables[i];
    TableStats *st = &x->rep.tables[i];
    const StateTable *prev = x->prev.run_id ? state_run_table(&x->prev, t->label) : NULL;
    TableRead rd = {.last = &j->last};
    Value *params = NULL;
    Arena *a = arena_new();
    st->table = t->label;
    if (prev) {
        *st = prev->counts;
        st->table = t->label;
        if (strcmp(prev->status, "done") == 0) {
            st->note = "finished in an earlier run: skipped";
            arena_free(a);
            return PGM_OK;
        }
        if (prev->pos.n && prev->pos.n == t->norder && !t->dedup) {
            params = xcalloc(prev->pos.n, sizeof *params);
            for (size_t k = 0; k < prev->pos.n; k++)
                params[k] = statepos_value(&prev->pos, k, a);
            rd.sql = t->resume_sql;
            rd.params = params;
            rd.nparams = prev->pos.n;
            st->note = "resumed after the last committed batch of an earlier run";
        }
    }
    lastrow_free(&j->last);
    lastrow_init(&j->last, t->order_src, t->norder);
    /* no resumable order, or dedup (the winners are merged at the end):
     * the whole table is one transaction */
    int whole = x->use_state && (t->norder == 0 || t->dedup) && !x->L.in_tx;
    int rc = whole ? pg_exec(j->c, "BEGIN", j->e) : PGM_OK;
    Loader L = x->L;
    L.c = j->c;
    L.rejects = j->rejects;
    L.shared_rejects = j->rejects != x->rl ? x->rl : NULL;
    L.checkpoint_arg = j;
    L.in_tx = x->L.in_tx || whole;
    /* A table this run created, loaded from its start, goes in one COPY
     * FREEZE (loader_freeze.c); a refusal there loads it again in batches,
     * quietly for the conversion problems the first pass counted. */
    L.freeze = x->use_state && !L.in_tx && t->created && !t->stage_name && !rd.sql &&
               !exec_lookups_need_connection(t);
    L.binary = L.freeze && x->L.binary;
    j->L_active = &L;
    double t0 = exec_now();
    if (rc == PGM_OK)
        rc = load_with_retry(j, &L, t, &rd, st);
    st->seconds += exec_now() - t0;
    j->L_active = NULL;
    if (whole)
        rc = rc == PGM_OK ? pg_exec(j->c, "COMMIT", j->e) : PGM_FAIL;
    free(params);
    arena_free(a);
    return rc;
}

/* Step 4: the after part, sequences and the run's end, in one transaction. */
static int finish_run(RunCtx *x, ExecResult *res)
{
    Session *s = x->s;
    int own = x->use_state && !x->o->single_tx;
    if (own && pg_exec(s->c, "BEGIN", &s->e) != PGM_OK)
        return PGM_FAIL;
    /* "finished" must be durable (see run_load_settings); index builds get
     * at least 256 MB to sort in, for this transaction only: the server's
     * default (64 MB) makes a large key spill to disk */
    if (x->use_state) {
        PGresult *r = pg_query(s->c, "SELECT set_config('synchronous_commit', 'on', true), "
                                     "set_config('maintenance_work_mem', greatest(pg_size_bytes("
                                     "current_setting('maintenance_work_mem')), 268435456) / 1024 "
                                     "|| 'kB', true)", 0, NULL, &s->e);
        if (!r)
            return PGM_FAIL;
        PQclear(r);
    }
    /* the statements a table's last batch ran are skipped (without the hook,
     * in a dry run, they all run here) */
    const int *skip = x->L.table_done ? x->after_owner : NULL;
    if (exec_after_part(s->plan, s->c, &x->eo, skip, &x->rep, &s->e) != PGM_OK)
        return PGM_FAIL;
    if (loader_set_sequences(&x->L, s->plan, &s->e) != PGM_OK)
        return PGM_FAIL;
    if (x->use_state && autovacuum_of_created(x, "RESET (autovacuum_enabled)") != PGM_OK)
        return PGM_FAIL;
    int warn = report_total(&x->rep, 0) || report_total(&x->rep, 1) || x->rep.ddl_skipped;
    *res = warn ? EXEC_WARNINGS : EXEC_CLEAN;
    if (x->use_state && state_end_run(s->c, x->name, x->run_id, warn ? "warnings" : "done", NULL,
                                      &x->rep, 1, &s->e) != PGM_OK)
        return PGM_FAIL;
    int one_tx = x->o->dry_run || x->o->single_tx;
    if (own || one_tx)
        return pg_exec(s->c, x->o->dry_run ? "ROLLBACK" : "COMMIT", &s->e);
    return PGM_OK;
}

/* After a failure: roll back what is open and record the failure in its
 * own transaction (best effort: the connection may be gone). */
static void record_failure(RunCtx *x)
{
    PGconn *c = x->s->c;
    if (!x->use_state || x->run_id <= 0 || x->o->single_tx || PQstatus(c) != CONNECTION_OK)
        return;
    PgmError ignore = {0};
    if (PQtransactionStatus(c) != PQTRANS_IDLE)
        pg_exec(c, "ROLLBACK", &ignore);
    state_end_run(c, x->name, x->run_id, "failed", x->s->e.set ? x->s->e.msg : "failed", &x->rep, 0,
                  &ignore);
}

static int execute(RunCtx *x, ExecResult *res)
{
    Session *s = x->s;
    const Plan *p = s->plan;
    report_init(&x->rep, p->n, x->o->dry_run);
    for (size_t i = 0; i < p->n; i++)
        x->rep.dedup |= p->tables[i].dedup != DEDUP_NONE;
    open_rejects(x);
    x->eo = (ExecOptions){x->o->dry_run, x->o->batch, x->o->verbose};
    x->L = (Loader){.c = s->c, .in_tx = x->o->dry_run || x->o->single_tx, .rejects = x->rl,
                    .report = &x->rep, .checkpoint = x->use_state ? run_checkpoint : NULL};
    /* binary COPY unless PGMAP_COPY_FORMAT=text (a diagnostic switch, in
     * pgmap(1): to compare the two, or to rule binary out) */
    const char *fmt = getenv("PGMAP_COPY_FORMAT");
    x->L.binary = !(fmt && strcmp(fmt, "text") == 0);
    x->after_owner = run_after_owners(p);
    if (x->after_owner && x->use_state)
        x->L.table_done = run_after_table;
    int rc = x->use_state ? begin_run(x) : exec_truncate_replaced(p, s->c, &s->e);
    int own = x->use_state && !x->o->single_tx;
    if (rc == PGM_OK && own)
        rc = pg_exec(s->c, "COMMIT", &s->e);
    if (rc == PGM_OK)
        rc = run_load_settings(s->c, x->use_state && !x->o->single_tx, &s->e);
    double start = exec_now();
    if (rc == PGM_OK && x->o->jobs > 1 && own) {
        rc = run_jobs(x);
    } else {
        RunJob j = {.x = x, .c = s->c, .src = s->src, .e = &s->e, .rejects = x->rl};
        for (size_t i = 0; rc == PGM_OK && i < p->n; i++)
            rc = run_load_table(&j, i);
        run_job_free(&j);
    }
    if (rc == PGM_OK)
        rc = finish_run(x, res);
    x->rep.seconds = exec_now() - start;
    if (rc != PGM_OK) {
        *res = EXEC_FAILED;
        record_failure(x);
    }
    return rc;
}

static void print_outcome(RunCtx *x, ExecResult res)
{
    const Options *o = x->o;
    if (!o->quiet || res == EXEC_FAILED)
        report_print(&x->rep, o->quiet ? stderr : stdout, o->verbose);
    if (rejects_path(x->rl) && !o->quiet)
        printf("rejected rows written to %s\n", rejects_path(x->rl));
    if (res == EXEC_FAILED && !o->quiet) {
        if (o->dry_run || o->single_tx)
            printf("the run was one transaction: rolled back, nothing was written\n");
        else if (x->run_id > 0)
            printf("committed batches are kept: `pgmap run %s` continues from them "
                   "(`pgmap status %s` shows where each table stopped)\n", o->mapping, o->mapping);
    }
    if (o->dry_run && !o->quiet && res != EXEC_FAILED)
        printf("dry run: nothing was written\n");
}

int cmd_run(int argc, char **argv)
{
    Options o;
    int rc = parse_options("run", argc, argv, &o);
    if (rc >= 0)
        return rc;
    const char *fmt = getenv("PGMAP_COPY_FORMAT");
    if (fmt && *fmt && strcmp(fmt, "text") != 0 && strcmp(fmt, "binary") != 0) {
        fprintf(stderr, "pgmap: PGMAP_COPY_FORMAT is \"%.40s\": text or binary expected\n", fmt);
        return EXIT_USAGE;
    }
    Session s;
    memset(&s, 0, sizeof s);
    RunCtx x;
    memset(&x, 0, sizeof x);
    x.s = &s;
    x.o = &o;
    x.use_state = !o.dry_run;
    ExecResult res = EXEC_FAILED;
    rc = session_connect(&s, &o, 1) == PGM_OK ? PGM_OK : PGM_FAIL;
    if (rc == PGM_OK) {
        x.name = session_mapping_name(&s, &o);
        rc = run_prepare(&s, &o, x.name, x.use_state, &x.prev);
    }
    if (rc == PGM_OK) {
        execute(&x, &res);
        print_outcome(&x, res);
        PgmError ce = {0};
        if (rejects_close(x.rl, &ce) != PGM_OK && res != EXEC_FAILED) {
            s.e = ce;
            res = EXEC_FAILED;
        }
        x.rl = NULL;
        report_free(&x.rep);
    }
    if (res == EXEC_FAILED) {
        int code = session_fail(&s, NULL);
        rc = rc == RUN_BUSY ? EXIT_BUSY : code;
    } else {
        rc = res == EXEC_WARNINGS ? EXIT_WARNINGS : EXIT_CLEAN;
        if (o.verify) {
            /* the worse of the two: rejects (1) and differences (1) both warn,
             * a verify that cannot finish fails the command */
            int vc = verify_run(&s, &o);
            rc = vc > rc ? vc : rc;
        }
    }
    state_run_free(&x.prev);
    free(x.after_owner);
    session_close(&s);
    free(s.name);
    return rc;
}
