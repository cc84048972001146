/* cli.c - option parsing and the session every command opens (the
 * mapping, the source and the target, then the compiled plan), and the
 * check and explain commands.  run.c, sync.c and status use the session.
 * Every failure ends as one line on stderr and a non-zero exit code. */
#include "cli.h"
#include "session.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "exec.h"
#include "pgconn.h"
#include "plan.h"

enum { OPT_SOURCE = 256, OPT_TARGET, OPT_DRY_RUN, OPT_BATCH, OPT_REJECTS, OPT_HELP, OPT_RESTART,
       OPT_SINGLE_TX, OPT_LIMIT, OPT_VERIFY, OPT_COUNTS, OPT_REPORT, OPT_JOBS };

static const struct option long_options[] = {
    {"source", required_argument, NULL, OPT_SOURCE},
    {"target", required_argument, NULL, OPT_TARGET},
    {"dry-run", no_argument, NULL, OPT_DRY_RUN},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"rejects", required_argument, NULL, OPT_REJECTS},
    {"restart", no_argument, NULL, OPT_RESTART},
    {"single-transaction", no_argument, NULL, OPT_SINGLE_TX},
    {"limit", required_argument, NULL, OPT_LIMIT},
    {"verify", optional_argument, NULL, OPT_VERIFY},
    {"counts", no_argument, NULL, OPT_COUNTS},
    {"report", required_argument, NULL, OPT_REPORT},
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

int usage_error(const char *cmd, const char *msg)
{
    const Command *c = find_command(cmd);
    fprintf(stderr, "pgmap %s: %s\nusage: %s\n", cmd, msg, c ? c->usage : "pgmap help");
    return EXIT_USAGE;
}

/* Which options a command accepts beyond --source/--target/-v/-q. */
static int option_allowed(const char *cmd, int ch)
{
    int run = strcmp(cmd, "run") == 0, sync = strcmp(cmd, "sync") == 0;
    int verify = strcmp(cmd, "verify") == 0;
    switch (ch) {
    case OPT_DRY_RUN: case OPT_RESTART: case OPT_SINGLE_TX: case OPT_VERIFY: case OPT_JOBS: return run;
    case OPT_BATCH: return run || sync;
    case OPT_REJECTS: return run || sync || verify;
    case OPT_COUNTS: return verify;
    case OPT_REPORT: return run || verify;
    case OPT_LIMIT: return strcmp(cmd, "status") == 0;
    default: return 1;
    }
}

/* Returns -1 to go on, else the exit code (help printed or usage error). */
static const char *number_option_usage(int ch)
{
    return ch == OPT_LIMIT   ? "--limit expects a positive number of runs"
           : ch == OPT_BATCH ? "--batch expects a positive number of rows"
                             : "--jobs expects a number of tables loaded at once (1 to 64)";
}

/* --limit, --batch, --jobs: 0, or -1 when arg is not a number in range.
 * (getopt always sets optarg for a required argument; the NULL check is
 * for the analyzer, which cannot know that.) */
static int number_option(int ch, const char *arg, Options *o)
{
    char *end = NULL;
    long v = arg ? strtol(arg, &end, 10) : 0;
    if (!arg || !*arg || *end || v <= 0 || (ch == OPT_JOBS && v > 64))
        return -1;
    if (ch == OPT_LIMIT)
        o->limit = v;
    else if (ch == OPT_BATCH)
        o->batch = v;
    else
        o->jobs = v;
    return 0;
}

int parse_options(const char *cmd, int argc, char **argv, Options *o)
{
    memset(o, 0, sizeof *o);
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "vq", long_options, NULL)) != -1) {
        switch (ch) {
        case OPT_SOURCE: o->source = optarg; break;
        case OPT_TARGET: o->target = optarg; break;
        case OPT_DRY_RUN: o->dry_run = 1; break;
        case OPT_REJECTS: o->rejects = optarg; break;
        case 'v': o->verbose = 1; break;
        case 'q': o->quiet = 1; break;
        case OPT_RESTART: o->restart = 1; break;
        case OPT_SINGLE_TX: o->single_tx = 1; break;
        case OPT_COUNTS: o->verify = VERIFY_COUNTS; break;
        case OPT_REPORT: o->report = optarg; break;
        case OPT_VERIFY:
            if (optarg && strcmp(optarg, "counts") != 0 && strcmp(optarg, "full") != 0)
                return usage_error(cmd, "--verify takes no value, or =counts or =full");
            o->verify = optarg && strcmp(optarg, "counts") == 0 ? VERIFY_COUNTS : VERIFY_FULL;
            break;
        case OPT_LIMIT: case OPT_BATCH: case OPT_JOBS:
            if (number_option(ch, optarg, o) != 0)
                return usage_error(cmd, number_option_usage(ch));
            break;
        case OPT_HELP: {
            const Command *c = find_command(cmd);
            printf("usage: %s\n\n%s\n", c->usage, c->summary);
            return EXIT_CLEAN;
        }
        default:
            return usage_error(cmd, "unknown option (see --help)");
        }
        if (!option_allowed(cmd, ch)) {
            char msg[128];
            snprintf(msg, sizeof msg, "option %s is not valid for `pgmap %s`", argv[optind - 1], cmd);
            return usage_error(cmd, msg);
        }
    }
    if (o->dry_run && o->verify)
        return usage_error(cmd, "--verify needs a real run: a dry run writes nothing to verify");
    if (o->jobs > 1 && (o->dry_run || o->single_tx))
        return usage_error(cmd, "--jobs loads tables on separate connections: it cannot go with "
                                "--dry-run or --single-transaction, which are one transaction");
    if (o->report && strcmp(cmd, "run") == 0 && !o->verify)
        return usage_error(cmd, "--report FILE goes with --verify");
    if (optind != argc - 1)
        return usage_error(cmd, optind >= argc ? "a MAPPING file is required" : "too many arguments");
    o->mapping = argv[optind];
    return -1;
}

void session_close(Session *s)
{
    plan_free(s->plan);
    pg_disconnect(s->c);
    reader_close(s->src);
    mapping_free(s->m);
    diags_free(&s->d);
}

int session_fail(Session *s, const char *what)
{
    if (s->e.set)
        fprintf(stderr, "pgmap: error: %s\n", s->e.msg);
    else if (what)
        fprintf(stderr, "pgmap: error: %s\n", what);
    return EXIT_FAILED;
}

const char *session_mapping_name(const Session *s, const Options *o)
{
    if (s->m->name)
        return s->m->name;
    if (!s->name) {
        const char *base = strrchr(o->mapping, '/');
        base = base ? base + 1 : o->mapping;
        const char *dot = strrchr(base, '.');
        size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
        ((Session *)s)->name = xstrndup(base, n);
    }
    return s->name;
}

int session_connect(Session *s, const Options *o, int need_source)
{
    diags_init(&s->d, o->mapping);
    s->m = mapping_load(o->mapping, &s->d);
    diags_print(&s->d, stderr);
    if (!s->m) {
        err_set(&s->e, "%s: %zu error%s in the mapping; nothing was done", o->mapping,
                s->d.errors, s->d.errors == 1 ? "" : "s");
        return PGM_FAIL;
    }
    s->source = o->source ? o->source : s->m->source;
    if (need_source && reader_open(s->source, &s->src, &s->e) != PGM_OK)
        return PGM_FAIL;
    const char *target = o->target ? o->target : s->m->target;
    s->c = pg_connect(target, &s->e);
    return s->c ? PGM_OK : PGM_FAIL;
}

/* resume: the tables an unfinished run created; as_is: compile against
 * the target as it is, never running the ddl file (verify). */
static int compile_in_tx(Session *s, TargetPrep *resume, int as_is)
{
    TargetPrep prep;
    size_t before = s->d.n;
    if (resume)
        prep = *resume;
    else if (as_is)
        memset(&prep, 0, sizeof prep);
    else if (plan_prepare_target(s->m, s->c, &s->d, &prep, &s->e) != PGM_OK)
        return PGM_FAIL;
    /* The DDL stays uncommitted until the plan compiles, so a mapping with
     * errors leaves no half-made schema behind (the connection closes and
     * the transaction is rolled back). */
    int rc = plan_compile(s->m, s->src, s->c, &s->d, &prep, &s->plan, &s->e);
    if (resume)
        memset(resume, 0, sizeof *resume);
    if (s->d.n > before) {
        Diags tail = s->d;   /* print only what the compiler added */
        tail.v = s->d.v + before;
        tail.n = s->d.n - before;
        diags_print(&tail, stderr);
    }
    if (rc != PGM_OK)
        return PGM_FAIL;
    s->plan->source_desc = reader_masked_uri(s->source);
    char where[256];
    pg_describe(s->c, where, sizeof where);
    s->plan->target_desc = xstrdup(where);
    return PGM_OK;
}

int session_compile(Session *s, TargetPrep *resume)
{
    if (pg_exec(s->c, "BEGIN", &s->e) != PGM_OK)
        return PGM_FAIL;
    return compile_in_tx(s, resume, 0);
}

int session_compile_as_is(Session *s)
{
    return compile_in_tx(s, NULL, 1);
}

static int check_or_explain(const char *cmd, int explain, int argc, char **argv)
{
    Options o;
    int rc = parse_options(cmd, argc, argv, &o);
    if (rc >= 0)
        return rc;
    Session s;
    memset(&s, 0, sizeof s);
    if (session_connect(&s, &o, 1) != PGM_OK || session_compile(&s, NULL) != PGM_OK) {
        rc = session_fail(&s, NULL);
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
    free(s.name);
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
