/* verify.c - `pgmap verify MAPPING` and `pgmap run --verify`: the schema
 * the mapping implies, then every table (verify_data.c), in one read-only
 * snapshot of the target and, where the source can, one of the source.
 *
 * Verify never writes: its transaction is READ ONLY and rolled back, and
 * it never runs the mapping's ddl file (a missing table is a difference,
 * not something to create).  Rows the last run rejected are accounted
 * for: the mapping's own rejects are recomputed, the rows the target
 * refused are read from the rejects file (verify_refused.c). */
#include "cli.h"
#include "run.h"
#include "verify_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void verify_finding(VerifyCtx *x, VerifyTable *v, VerifyKind kind, const char *key_json,
                    const char *column, const char *source, const char *target, const char *message)
{
    if (v->kept >= VERIFY_MAX_FINDINGS)
        return;
    v->kept++;
    vf_add(&x->found, kind, v->t->label, NULL, key_json, column, source, target, message, NULL);
}

/* Tables the target lacks are left out of the plan: they are schema
 * differences, and the other tables are still compared. */
static void skip_missing(VerifyCtx *x)
{
    Mapping *m = x->s->m;
    for (size_t k = 0; k < x->schema.nmissing; k++) {
        for (size_t i = 0; i < m->ntables; i++) {
            TableMap *t = &m->tables[i];
            const char *schema = t->schema ? t->schema : m->schema ? m->schema : "public";
            size_t sl = strlen(schema);
            const char *miss = x->schema.missing_tables[k];
            if (!t->skip && strncmp(miss, schema, sl) == 0 && miss[sl] == '.' &&
                strcmp(miss + sl + 1, t->target) == 0)
                t->skip = 1;
        }
    }
}

static int open_snapshot(VerifyCtx *x, int compile)
{
    Session *s = x->s;
    if (pg_exec(s->c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", &s->e) != PGM_OK)
        return PGM_FAIL;
    if (verify_schema(s->c, s->m, &x->schema, &s->e) != PGM_OK)
        return PGM_FAIL;
    if (compile) {
        skip_missing(x);
        if (session_compile_as_is(s) != PGM_OK) {
            if (s->e.set)
                err_prefix(&s->e, "the plan does not compile against the target, so no data was compared");
            else
                err_set(&s->e, "the plan does not compile against the target (see above), so no data "
                               "was compared");
            return PGM_FAIL;
        }
    }
    if (s->src->ops->snapshot && s->src->ops->snapshot(s->src, &s->e) != PGM_OK)
        return PGM_FAIL;
    return PGM_OK;
}

static int verify_tables(VerifyCtx *x)
{
    const Plan *p = x->s->plan;
    x->ntabs = p->n;
    x->tabs = xcalloc(p->n + 1, sizeof *x->tabs);
    report_init(&x->rep, p->n, 1);
    x->rl = rejects_open(NULL);
    x->L = (Loader){.c = x->s->c, .in_tx = 1, .rejects = x->rl, .report = &x->rep};
    for (size_t i = 0; i < p->n; i++) {
        VerifyTable *v = &x->tabs[i];
        v->t = &p->tables[i];
        double t0 = exec_now();
        int rc = x->counts_only ? verify_counts(x, i) : verify_table(x, i);
        v->seconds = exec_now() - t0;
        if (rc != PGM_OK) {
            err_prefix(&x->s->e, "verify: %s", v->t->label);
            return PGM_FAIL;
        }
    }
    return PGM_OK;
}

static char *verify_rejects_path(const Session *s, const Options *o)
{
    if (o->rejects)
        return xstrdup(o->rejects);
    if (s->m->rejects)
        return xstrdup(s->m->rejects);
    return run_default_rejects_path(o->mapping);
}

static void verify_ctx_free(VerifyCtx *x)
{
    free(x->tabs);
    report_free(&x->rep);
    PgmError ignore = {0};
    rejects_close(x->rl, &ignore);
    refused_free(&x->refused);
    verify_schema_free(&x->schema);
    vf_free(&x->found);
}

static int finish(VerifyCtx *x, const Options *o, int rc)
{
    Session *s = x->s;
    PgmError ignore = {0};
    if (PQtransactionStatus(s->c) != PQTRANS_IDLE)
        pg_exec(s->c, "ROLLBACK", &ignore);
    int schema_only = rc != PGM_OK && x->schema.found.n > 0 && !s->plan;
    if (rc == PGM_OK || schema_only)
        verify_print(x, o->quiet ? stderr : stdout);
    if ((rc == PGM_OK || schema_only) && o->report &&
        verify_write_json(x, o->mapping, o->report, &s->e) != PGM_OK)
        rc = PGM_FAIL, schema_only = 0;
    if (schema_only) {
        /* the schema differs so much that the plan cannot be built: that is
         * a difference (exit 1), and the reason is printed too */
        fprintf(stderr, "pgmap: verify: %s\n", s->e.msg);
        return EXIT_WARNINGS;
    }
    if (rc != PGM_OK)
        return session_fail(s, NULL);
    return verify_differs(x) ? EXIT_WARNINGS : EXIT_CLEAN;
}

int verify_run(Session *s, const Options *o)
{
    VerifyCtx x;
    memset(&x, 0, sizeof x);
    x.s = s;
    x.counts_only = o->verify == VERIFY_COUNTS;
    x.verbose = o->verbose;
    double t0 = exec_now();
    char *path = verify_rejects_path(s, o);
    int rc = refused_load(&x.refused, path, x.counts_only, &s->e);
    if (rc == PGM_OK)
        rc = open_snapshot(&x, s->plan == NULL);
    if (rc == PGM_OK)
        rc = verify_tables(&x);
    x.seconds = exec_now() - t0;
    int code = finish(&x, o, rc);
    verify_ctx_free(&x);
    free(path);
    return code;
}

int cmd_verify(int argc, char **argv)
{
    Options o;
    int rc = parse_options("verify", argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (!o.verify)
        o.verify = VERIFY_FULL;
    Session s;
    memset(&s, 0, sizeof s);
    if (session_connect(&s, &o, 1) != PGM_OK)
        rc = session_fail(&s, NULL);
    else
        rc = verify_run(&s, &o);
    session_close(&s);
    free(s.name);
    return rc;
}
