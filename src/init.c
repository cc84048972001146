/* init.c - `pgmap init SOURCE -o MAPPING` and `pgmap schema MAPPING`.
 *
 * init reads a SQLite database (catalog and every value), decides the
 * PostgreSQL schema and writes two files: the mapping and the DDL it names.
 * `pgmap run MAPPING` then creates and loads the database with no edit in
 * between.  schema prints the DDL a mapping names. */
#include "init.h"

#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "model.h"
#include "pgconn.h"

typedef struct InitOptions {
    const char *source;
    const char *target;     /* existing target to match, NULL = write DDL */
    const char *output;
    const char *ddl;
    const char *schema;
    Naming naming;
    long sample;
    int jobs;               /* readers at once for the scan and the orphan counts */
    int force, quiet;
} InitOptions;

enum { OPT_DDL = 300, OPT_TARGET, OPT_SCHEMA, OPT_NAMING, OPT_SAMPLE, OPT_FORCE, OPT_HELP, OPT_JOBS };

static const struct option init_options[] = {
    {"output", required_argument, NULL, 'o'},
    {"ddl", required_argument, NULL, OPT_DDL},
    {"target", required_argument, NULL, OPT_TARGET},
    {"schema", required_argument, NULL, OPT_SCHEMA},
    {"naming", required_argument, NULL, OPT_NAMING},
    {"sample", required_argument, NULL, OPT_SAMPLE},
    {"force", no_argument, NULL, OPT_FORCE},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

static int usage(const char *cmd, const char *msg)
{
    for (unsigned i = 0; i < pgmap_ncommands; i++)
        if (strcmp(pgmap_commands[i].name, cmd) == 0)
            fprintf(stderr, "pgmap %s: %s\nusage: %s\n", cmd, msg, pgmap_commands[i].usage);
    return EXIT_USAGE;
}

static int help(const char *cmd)
{
    for (unsigned i = 0; i < pgmap_ncommands; i++)
        if (strcmp(pgmap_commands[i].name, cmd) == 0)
            printf("usage: %s\n\n%s\n", pgmap_commands[i].usage, pgmap_commands[i].summary);
    return EXIT_CLEAN;
}

static int parse_init(int argc, char **argv, InitOptions *o)
{
    memset(o, 0, sizeof *o);
    o->schema = "public";
    optind = 1;
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:q", init_options, NULL)) != -1) {
        char *end = NULL;
        switch (ch) {
        case 'o': o->output = optarg; break;
        case 'q': o->quiet = 1; break;
        case OPT_DDL: o->ddl = optarg; break;
        case OPT_TARGET: o->target = optarg; break;
        case OPT_SCHEMA: o->schema = optarg; break;
        case OPT_FORCE: o->force = 1; break;
        case OPT_HELP: return help("init");
        case OPT_NAMING:
            if (strcmp(optarg, "keep") != 0 && strcmp(optarg, "snake_case") != 0)
                return usage("init", "--naming expects keep or snake_case");
            o->naming = strcmp(optarg, "keep") != 0 ? NAMING_SNAKE : NAMING_KEEP;
            break;
        case OPT_SAMPLE:
            o->sample = strtol(optarg, &end, 10);
            if (!*optarg || *end || o->sample <= 0)
                return usage("init", "--sample expects a positive number of rows");
            break;
        case OPT_JOBS:
            o->jobs = (int)strtol(optarg, &end, 10);
            if (!*optarg || *end || o->jobs < 1 || o->jobs > 64)
                return usage("init", "--jobs expects a number of tables read at once (1 to 64)");
            break;
        default: return usage("init", "unknown option (see --help)");
        }
    }
    if (optind >= argc || !argv[optind])
        return usage("init", "a SOURCE database is required");
    if (argc - optind > 2)
        return usage("init", "too many arguments");
    if (argc - optind == 2)
        o->target = argv[optind + 1];
    if (!*o->schema)
        return usage("init", "--schema must not be empty");
    o->source = argv[optind];
    return -1;
}

/* <dir>/<stem><ext>: the default mapping and DDL names. */
static char *with_ext(const char *path, const char *ext, int keep_dir)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    Buf b;
    buf_init(&b);
    if (keep_dir && slash)
        buf_append(&b, path, (size_t)(base - path));
    buf_append(&b, base, stem);
    buf_puts(&b, ext);
    return buf_steal(&b);
}

/* Writes via a temporary file and rename, so a failure never leaves half
 * a mapping behind; an existing file is kept unless --force. */
int init_write_file(const char *path, const Buf *content, int force, PgmError *e)
{
    struct stat st;
    if (!force && stat(path, &st) == 0) {
        err_set(e, "%s already exists (use --force to overwrite it)", path);
        return PGM_FAIL;
    }
    char *tmp = with_ext(path, ".pgmap-tmp", 1);
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(content->data, 1, content->len, f) == content->len;
    ok = (f && fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        err_set(e, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return PGM_FAIL;
    }
    free(tmp);
    return PGM_OK;
}

static int open_source(const char *path, sqlite3 **s, PgmError *e)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        err_set(e, "source %s: no such file", path);
        return PGM_FAIL;
    }
    if (sqlite3_open_v2(path, s, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
        sqlite3_exec(*s, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL) != SQLITE_OK) {
        err_set(e, "source %s: not a readable SQLite database (%s)", path, *s ? sqlite3_errmsg(*s) : "out of memory");
        return PGM_FAIL;
    }
    return PGM_OK;
}

static int analyse(sqlite3 *s, IDb *db, const InitOptions *o, PgmError *e)
{
    if (init_catalog_read(s, db, e) != PGM_OK ||
        init_scan_par(s, o->source, db, o->sample, o->jobs, e) != PGM_OK)
        return PGM_FAIL;
    init_assign_names(db);
    init_choose_types(db);
    init_translate(db);
    return init_count_orphans_par(s, o->source, db, o->jobs, e);
}

static void print_warnings(const IDb *db)
{
    for (size_t i = 0; i < db->ntables; i++) {
        const ITable *t = &db->tables[i];
        if (t->pk_note)
            fprintf(stderr, "pgmap: warning: %s: %s\n", t->name, t->pk_note);
        for (size_t k = 0; k < t->ncols; k++)
            if (t->cols[k].warning)
                fprintf(stderr, "pgmap: warning: %s.%s: %s\n", t->name, t->cols[k].name, t->cols[k].warning);
    }
}

/* The paths written into the mapping: the source absolute (so the mapping
 * works from any directory), the DDL relative to the mapping when beside it. */
static char *source_for_mapping(const char *source)
{
    char *abs = realpath(source, NULL);
    return abs ? abs : xstrdup(source);
}

/* An absolute path for a file that may not exist yet. */
static char *absolute(const char *path)
{
    char cwd[PATH_MAX];
    if (path[0] == '/' || !getcwd(cwd, sizeof cwd))
        return xstrdup(path);
    Buf b;
    buf_init(&b);
    buf_printf(&b, "%s/%s", cwd, path);
    return buf_steal(&b);
}

/* With a TARGET: its tables in the schema, if any, are matched instead of
 * writing DDL.  Returns the number matched (0: the schema has no tables,
 * write DDL as usual), -1 on error. */
static int match_target(IDb *db, const InitOptions *o, const char *source, Buf *map, PgmError *e)
{
    PGconn *c = pg_connect(o->target, e);
    if (!c)
        return -1;
    char **names = NULL;
    size_t n = 0;
    int m = 0;
    if (init_target_tables(c, o->schema, &names, &n, e) != PGM_OK)
        m = -1;
    else if (n > 0)
        m = init_write_matched(db, c, source, names, n, map, e);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    pg_disconnect(c);
    if (m == 0 && n > 0) {
        err_set(e, "schema %s of the target has %zu table%s but none matches a source table by name; "
                "use another --schema, or write the mapping by hand", o->schema, n, n == 1 ? "" : "s");
        return -1;
    }
    return m;
}

/* The default mapping name for a PostgreSQL source: the source schema's
 * name, with the characters a file name should not hold replaced by _. */
static char *pg_default_output(const char *uri)
{
    char *schema = init_pg_source_schema(uri);
    Buf b;
    buf_init(&b);
    for (const char *p = schema; *p; p++) {
        int bad = *p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || (p == schema && *p == '.');
        buf_putc(&b, bad ? '_' : *p);
    }
    buf_puts(&b, ".yaml");
    free(schema);
    return buf_steal(&b);
}

/* A PostgreSQL source: the schema is copied as it is, so the options that
 * shape a SQLite translation do not apply. */
static int run_init_pg(const InitOptions *o, PgmError *e)
{
    if (o->target) {
        err_set(e, "a TARGET to match is for SQLite sources; from PostgreSQL, init writes the DDL of the "
                   "source schema (give the target to pgmap run)");
        return PGM_FAIL;
    }
    if (o->naming == NAMING_SNAKE) {
        err_set(e, "--naming snake_case is for SQLite sources: from PostgreSQL, names are kept as they are, "
                   "because the CHECKs, indexes and views copied as the server prints them name them so");
        return PGM_FAIL;
    }
    if (o->sample) {
        err_set(e, "--sample is for SQLite sources: from PostgreSQL, init reads the catalog, not the rows");
        return PGM_FAIL;
    }
    char *output = o->output ? xstrdup(o->output) : pg_default_output(o->source);
    char *ddl = o->ddl ? xstrdup(o->ddl) : with_ext(output, ".ddl", 1);
    const char *ddl_slash = strrchr(ddl, '/');
    char *ddl_ref = !o->ddl ? xstrdup(ddl_slash ? ddl_slash + 1 : ddl) : absolute(ddl);
    int rc = init_pg_run(o->source, output, ddl, ddl_ref, o->schema, o->force, o->quiet, e);
    free(output);
    free(ddl);
    free(ddl_ref);
    return rc;
}

static int run_init(const InitOptions *o, PgmError *e)
{
    if (!o->source)
        return PGM_FAIL;   /* parse_init always sets it; for the analyzer */
    if (init_pg_is_uri(o->source))
        return run_init_pg(o, e);
    char *output = o->output ? xstrdup(o->output) : with_ext(o->source, ".yaml", 0);
    char *ddl = o->ddl ? xstrdup(o->ddl) : with_ext(output, ".ddl", 1);
    char *src_abs = source_for_mapping(o->source);
    const char *ddl_slash = strrchr(ddl, '/');
    char *ddl_ref = !o->ddl ? xstrdup(ddl_slash ? ddl_slash + 1 : ddl) : absolute(ddl);
    IDb *db = idb_new();
    db->path = arena_strdup(db->arena, o->source);
    db->schema = arena_strdup(db->arena, o->schema);
    db->naming = o->naming;
    sqlite3 *s = NULL;
    Buf map, sql;
    buf_init(&map);
    buf_init(&sql);
    int rc = open_source(o->source, &s, e);
    if (rc == PGM_OK)
        rc = analyse(s, db, o, e);
    if (rc == PGM_OK && o->target) {
        int m = match_target(db, o, src_abs, &map, e);
        if (m < 0)
            rc = PGM_FAIL;
        else if (m > 0) {
            rc = init_write_file(output, &map, o->force, e);
            if (rc == PGM_OK && !o->quiet)
                printf("wrote %s: %d existing table%s of %s matched (no DDL: the tables exist)\n", output, m,
                       m == 1 ? "" : "s", o->schema);
            goto done;
        }
    }
    if (rc == PGM_OK) {
        init_write_ddl(db, &sql);
        init_write_mapping(db, src_abs, ddl_ref, &map);
        rc = init_write_file(ddl, &sql, o->force, e);
        if (rc == PGM_OK)
            rc = init_write_file(output, &map, o->force, e);
    }
    if (rc == PGM_OK) {
        print_warnings(db);
        long long rows = 0;
        for (size_t i = 0; i < db->ntables; i++)
            rows += db->tables[i].rows;
        if (!o->quiet)
            printf("wrote %s and %s: %zu tables, %lld rows, %zu warnings\n", output, ddl, db->ntables, rows,
                   db->warnings);
        if (db->warnings)
            rc = 1;
    }
done:
    sqlite3_close_v2(s);
    buf_free(&map);
    buf_free(&sql);
    idb_free(db);
    free(output);
    free(ddl);
    free(src_abs);
    free(ddl_ref);
    return rc;
}

int cmd_init(int argc, char **argv)
{
    InitOptions o;
    int rc = parse_init(argc, argv, &o);
    if (rc >= 0)
        return rc;
    PgmError e = {0};
    rc = run_init(&o, &e);
    if (rc == PGM_FAIL) {
        fprintf(stderr, "pgmap: error: %s\n", e.msg);
        return EXIT_FAILED;
    }
    return rc == 1 ? EXIT_WARNINGS : EXIT_CLEAN;
}

int cmd_schema(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--help") == 0)
        return help("schema");
    if (argc != 2 || argv[1][0] == '-')
        return usage("schema", argc < 2 ? "a MAPPING file is required" : "expected exactly one MAPPING file");
    Diags d;
    diags_init(&d, argv[1]);
    Mapping *m = mapping_load(argv[1], &d);
    diags_print(&d, stderr);
    int rc = EXIT_FAILED;
    PgmError e = {0};
    char *text = NULL;
    size_t len = 0;
    if (!m)
        fprintf(stderr, "pgmap: error: %s: %zu error%s in the mapping\n", argv[1], d.errors, d.errors == 1 ? "" : "s");
    else if (!m->ddl)
        fprintf(stderr, "pgmap: error: %s names no ddl file\n", argv[1]);
    else if (read_file(m->ddl, &text, &len, &e) != PGM_OK)
        fprintf(stderr, "pgmap: error: %s:%d:%d: ddl: %s\n", argv[1], m->ddl_pos.line, m->ddl_pos.col, e.msg);
    else if (fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0)
        rc = EXIT_CLEAN;
    free(text);
    mapping_free(m);
    diags_free(&d);
    return rc;
}
