/* cli.c - the run, check and explain commands: option parsing and the
 * session that opens the mapping, the source and the target, compiles the
 * plan and (for run) executes it.  Every failure ends here as one line on
 * stderr and a non-zero exit code. */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "exec.h"
#include "pgconn.h"
#include "plan.h"

typedef struct Options {
    const char *mapping;
    const char *source;
    const char *target;
    const char *rejects;
    long batch;
    int dry_run;
    int verbose;
    int quiet;
} Options;

enum { OPT_SOURCE = 256, OPT_TARGET, OPT_DRY_RUN, OPT_BATCH, OPT_REJECTS, OPT_HELP };

static const struct option long_options[] = {
    {"source", required_argument, NULL, OPT_SOURCE},
    {"target", required_argument, NULL, OPT_TARGET},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"rejects", required_argument, NULL, OPT_REJECTS},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static const Command *find_command(const char *name)
{
    for (unsigned i = 0; i < pgmap_ncommands; i++)
        if (strcmp(pgmap_commands[i].name, name) == 0)
            return &pgmap_commands[i];
    return NULL;
}

static int usage_error(const char *cmd, const char *msg)
{
    const Command *c = find_command(cmd);
    fprintf(stderr, "pgmap %s: %s\nusage: %s\n", cmd, msg, c ? c->usage : "pgmap help");
    return EXIT_USAGE;
}

/* Returns -1 to go on, else the exit code (help printed or usage error). */
static int parse_options(const char *cmd, int run_only, int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof *o);
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "vq", long_options, NULL)) != -1) {
        char *end = NULL;
        switch (ch) {
        case OPT_SOURCE: o->source = optarg; break;
        case OPT_TARGET: o->target = optarg; break;
        case OPT_DRY_RUN: o->dry_run = 1; break;
        case OPT_REJECTS: o->rejects = optarg; break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case OPT_BATCH:
            o->batch = strtol(optarg, &end, 10);
            if (!*optarg || *end || o->batch <= 0)
                return usage_error(cmd, "--batch expects a positive number of rows");
            break;
        case OPT_HELP: {
            const Command *c = find_command(cmd);
            printf("usage: %s\n\n%s\n", c->usage, c->summary);
            return EXIT_CLEAN;
        }
        default:
            return usage_error(cmd, "unknown option (see --help)");
        }
        if (!run_only && (ch == OPT_DRY_RUN || ch == OPT_BATCH || ch == OPT_REJECTS))
            return usage_error(cmd, "option only valid for `pgmap run`");
    }
    if (optind != argc - 1)
        return usage_error(cmd, optind >= argc ? "a MAPPING file is required" : "too many arguments");
    o->mapping = argv[optind];
    return -1;
}

typedef struct Session {
    Diags d;
    Mapping *m;
    Reader *src;
    PGconn *c;
    Plan *plan;
    PgmError e;
} Session;

static void session_close(Session *s)
{
    plan_free(s->plan);
    pg_disconnect(s->c);
    reader_close(s->src);
    mapping_free(s->m);
    diags_free(&s->d);
}

static int fail(Session *s, const char *what)
{
    if (s->e.set)
        fprintf(stderr, "pgmap: error: %s\n", s->e.msg);
    else if (what)
        fprintf(stderr, "pgmap: error: %s\n", what);
    return EXIT_FAILED;
}

/* Opens everything and compiles the plan.  keep_tx leaves a transaction
 * open (dry run, check, explain) so DDL and loads can be rolled back.  So
 * does a run whose ddl file created tables: that whole run is one
 * transaction, committed by run_session (see exec.h). */
static int session_open(Session *s, const Options *o, int keep_tx)
{
    diags_init(&s->d, o->mapping);
    s->m = mapping_load(o->mapping, &s->d);
    diags_print(&s->d, stderr);
    if (!s->m) {
        err_set(&s->e, "%s: %zu error%s in the mapping; nothing was done", o->mapping,
                s->d.errors, s->d.errors == 1 ? "" : "s");
        return PGM_FAIL;
    }
    const char *source = o->source ? o->source : s->m->source;
    if (reader_open(source, &s->src, &s->e) != PGM_OK)
        return PGM_FAIL;
    const char *target = o->target ? o->target : s->m->target;
    s->c = pg_connect(target, &s->e);
    if (!s->c)
        return PGM_FAIL;
    if (pg_exec(s->c, "BEGIN", &s->e) != PGM_OK)
        return PGM_FAIL;
    TargetPrep prep;
    size_t before = s->d.n;
    if (plan_prepare_target(s->m, s->c, &s->d, &prep, &s->e) != PGM_OK)
        return PGM_FAIL;
    /* The DDL stays uncommitted until the plan compiles, so a mapping with
     * errors leaves no half-made schema behind (the connection closes and
     * the transaction is rolled back). */
    int rc = plan_compile(s->m, s->src, s->c, &s->d, &prep, &s->plan, &s->e);
    if (s->d.n > before) {
        Diags tail = s->d;   /* print only what the compiler added */
        tail.v = s->d.v + before;
        tail.n = s->d.n - before;
        diags_print(&tail, stderr);
    }
    if (rc != PGM_OK)
        return PGM_FAIL;
    if (!keep_tx && !s->plan->ddl_applied && pg_exec(s->c, "COMMIT", &s->e) != PGM_OK)
        return PGM_FAIL;
    s->plan->source_desc = xstrdup(source);
    char where[256];
    pg_describe(s->c, where, sizeof where);
    s->plan->target_desc = xstrdup(where);
    return PGM_OK;
}

static char *default_rejects_path(const char *mapping)
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

static int run_session(Session *s, const Options *o)
{
    char *path = NULL;
    if (o->rejects)
        path = xstrdup(o->rejects);
    else if (s->m->rejects)
        path = xstrdup(s->m->rejects);
    else if (!o->dry_run)
        path = default_rejects_path(o->mapping);
    RejectLog *rl = rejects_open(path);
    Report rep;
    report_init(&rep, s->plan->n, o->dry_run);
    ExecOptions eo = {o->dry_run, o->batch, o->verbose};
    ExecResult res = exec_plan(s->plan, s->src, s->c, &eo, rl, &rep, &s->e);
    /* One transaction for the whole run: rolled back after a dry run,
     * committed after a run whose ddl file created the tables.  After a
     * failure the connection closes with it open, which rolls it back. */
    int one_tx = o->dry_run || s->plan->ddl_applied;
    if (one_tx && res != EXEC_FAILED &&
        pg_exec(s->c, o->dry_run ? "ROLLBACK" : "COMMIT", &s->e) != PGM_OK)
        res = EXEC_FAILED;
    if (!o->quiet || res == EXEC_FAILED)
        report_print(&rep, o->quiet ? stderr : stdout, o->verbose);
    if (rejects_path(rl) && !o->quiet)
        printf("rejected rows written to %s\n", rejects_path(rl));
    PgmError ce = {0};
    if (rejects_close(rl, &ce) != PGM_OK && res != EXEC_FAILED) {
        s->e = ce;
        res = EXEC_FAILED;
    }
    report_free(&rep);
    free(path);
    if (res == EXEC_FAILED) {
        if (one_tx && !o->dry_run && !o->quiet)
            printf("the run was one transaction (the ddl file created the tables): "
                   "rolled back, nothing was written\n");
        return fail(s, NULL);
    }
    if (o->dry_run && !o->quiet)
        printf("dry run: nothing was written\n");
    return res == EXEC_WARNINGS ? EXIT_WARNINGS : EXIT_CLEAN;
}

int cmd_run(int argc, char **argv)
{
    Options o;
    int rc = parse_options("run", 1, argc, argv, &o);
    if (rc >= 0)
        return rc;
    Session s;
    memset(&s, 0, sizeof s);
    rc = session_open(&s, &o, o.dry_run) == PGM_OK ? run_session(&s, &o) : fail(&s, NULL);
    session_close(&s);
    return rc;
}

static int check_or_explain(const char *cmd, int explain, int argc, char **argv)
{
    Options o;
    int rc = parse_options(cmd, 0, argc, argv, &o);
    if (rc >= 0)
        return rc;
    Session s;
    memset(&s, 0, sizeof s);
    if (session_open(&s, &o, 1) != PGM_OK) {
        rc = fail(&s, NULL);
    } else {
        if (explain)
            plan_explain(s.plan, stdout);
        else
            printf("%s: ok (%zu table%s, %zu warning%s)\n", o.mapping, s.plan->n,
                   s.plan->n == 1 ? "" : "s", s.d.warnings, s.d.warnings == 1 ? "" : "s");
        rc = s.d.warnings ? EXIT_WARNINGS : EXIT_CLEAN;
        pg_exec(s.c, "ROLLBACK", &s.e);
    }
    session_close(&s);
    return rc;
}

int cmd_check(int argc, char **argv)
{
    return check_or_explain("check", 0, argc, argv);
}

int cmd_explain(int argc, char **argv)
{
    return check_or_explain("explain", 1, argc, argv);
}
