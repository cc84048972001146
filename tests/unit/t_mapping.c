/* t_mapping.c - unit tests for the YAML loader, the mapping model and the
 * diagnostics printer.
 *
 * Golden tests: each tests/golden/NAME.yaml is a bad mapping whose exact
 * diags_print output is tests/golden/NAME.err.  The test chdirs to $srcdir
 * so the file names in the output are stable.  Set PGMAP_REGEN_GOLDEN=1 to
 * rewrite the .err files after an intended change (then review the diff). */
#include "diag.h"
#include "model.h"
#include "util.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const goldens[] = {
    "syntax_error", "syntax_indent", "unknown_keys", "wrong_types", "bad_enum",
    "duplicate_key", "unset_var", "from_query", "many_errors", "empty",
    "comments_only", "two_documents", "not_a_map", "no_tables", "only_globs",
    "bad_utf8", "unknown_op", "bad_regex",
};

static char *print_diags(const Diags *d)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    diags_print(d, f);
    fclose(f);
    return out;
}

static void golden(const char *name)
{
    char yaml[256], errf[256];
    snprintf(yaml, sizeof yaml, "tests/golden/%s.yaml", name);
    snprintf(errf, sizeof errf, "tests/golden/%s.err", name);
    if (access(yaml, R_OK) != 0) {
        ok(1, "# SKIP golden %s not present", name);
        return;
    }
    Diags d;
    diags_init(&d, yaml);
    Mapping *m = mapping_load(yaml, &d);
    ok(m == NULL && d.errors > 0, "%s: load fails", name);
    mapping_free(m);
    char *got = print_diags(&d);
    if (getenv("PGMAP_REGEN_GOLDEN")) {
        FILE *f = fopen(errf, "w");
        if (f) {
            fputs(got, f);
            fclose(f);
        }
    }
    char *want = NULL;
    PgmError e = {0};
    if (read_file(errf, &want, NULL, &e) != PGM_OK)
        diag("%s", e.msg);
    is_str(got, want, "%s: diagnostics match %s", name, errf);
    free(got);
    free(want);
    diags_free(&d);
}

/* Loads text that must succeed; returns the model (caller frees). */
static Mapping *load_ok(const char *text, Diags *d)
{
    diags_init(d, "test.yaml");
    Mapping *m = mapping_load_string("test.yaml", text, d);
    if (!ok(m != NULL, "loads")) {
        char *s = print_diags(d);
        diag("%s", s);
        free(s);
    }
    return m;
}

static const TableMap *find_table(const Mapping *m, const char *name)
{
    for (size_t i = 0; m && i < m->ntables; i++)
        if (strcmp(m->tables[i].target, name) == 0)
            return &m->tables[i];
    return NULL;
}

static const ColumnMap *find_col(const TableMap *t, const char *name)
{
    for (size_t i = 0; t && i < t->ncols; i++)
        if (strcmp(t->cols[i].target, name) == 0)
            return &t->cols[i];
    return NULL;
}

static void test_shorthands(void)
{
    Diags d;
    Mapping *m = load_ok("source: sqlite:movies.db\n"
                         "tables:\n"
                         "  person: people\n"
                         "  genre:\n"
                         "  film_work:\n"
                         "    key: id\n"
                         "    null_if: N/A\n"
                         "    columns:\n"
                         "      title: name\n"
                         "      certificate: null\n"
                         "      quoted: \"null\"\n"
                         "      rating: {from: score, on_error: null, ops: [trim, to_int]}\n"
                         "      id: {skip: true}\n", &d);
    const TableMap *p = find_table(m, "person"), *g = find_table(m, "genre"), *f = find_table(m, "film_work");
    is_int(m ? m->ntables : 0, 3, "three tables in file order");
    is_str(p ? p->from : NULL, "people", "table scalar = from");
    ok(g && !g->from && !g->query && g->ncols == 0 && g->batch == -1 && g->skip == 0, "null table = defaults");
    is_str(m ? m->tables[2].target : NULL, "film_work", "file order kept");
    ok(f && f->nkey == 1 && strcmp(f->key[0], "id") == 0, "key scalar = one column");
    ok(f && f->nnull_if == 1 && f->null_if_set && strcmp(f->null_if[0], "N/A") == 0, "null_if scalar");
    is_str(find_col(f, "title") ? find_col(f, "title")->from : NULL, "name", "column scalar = from");
    ok(find_col(f, "certificate") && find_col(f, "certificate")->skip == 1, "plain null column = skip");
    is_str(find_col(f, "quoted") ? find_col(f, "quoted")->from : NULL, "null", "quoted \"null\" is a name");
    const ColumnMap *r = find_col(f, "rating");
    ok(r && r->nops == 2 && r->ops_set && r->on_error == ONERR_NULL, "column map with ops and on_error: null");
    ok(r && r->ops[0].kind == OP_TRIM && r->ops[1].kind == OP_TO_INT, "ops in order");
    ok(find_col(f, "id") && find_col(f, "id")->skip == 1, "skip: true");
    is_str(m ? m->source : NULL, "sqlite:movies.db", "URI source left alone");
    is_int(m ? m->version : 0, 1, "version defaults to 1");
    mapping_free(m);
    diags_free(&d);
}

static void test_globs(void)
{
    Diags d;
    Mapping *m = load_ok("tables:\n"
                         "  film_work:\n"
                         "    null_if: []\n"
                         "    columns:\n"
                         "      created: {ops: [trim]}\n"
                         "  \"film_*\":\n"
                         "    batch: 50\n"
                         "    key: [id]\n"
                         "    columns:\n"
                         "      created: {from: made, ops: [lower, {match: \"^a\"}]}\n"
                         "  \"*\":\n"
                         "    batch: 10\n"
                         "    on_error: abort\n"
                         "    null_if: [\"\", N/A]\n"
                         "    columns:\n"
                         "      created: created_at\n"
                         "      modified: {from: updated_at, ops: [to_uuid, {regex_replace: {pattern: x, replace: y}}]}\n"
                         "  person: {reject_limit: 5, columns: {modified: {skip: true}}}\n"
                         "  \"tmp_?\": {skip: true}\n", &d);
    is_int(m ? m->ntables : 0, 2, "globs are not tables");
    is_int(m ? m->nglobs : 0, 3, "globs kept");
    const TableMap *f = find_table(m, "film_work"), *p = find_table(m, "person");
    is_int(f ? f->batch : 0, 50, "more specific glob wins");
    is_int(f ? f->on_error : 0, ONERR_ABORT, "less specific glob still applies");
    ok(f && f->null_if_set && f->nnull_if == 0, "empty list replaces glob list");
    ok(p && p->nnull_if == 2 && strcmp(p->null_if[1], "N/A") == 0, "glob null_if inherited");
    ok(f && f->nkey == 1 && p && p->nkey == 0 && !p->key, "glob key only where matched");
    const ColumnMap *c = find_col(f, "created");
    is_str(c ? c->from : NULL, "made", "column keys merge: from from film_*");
    ok(c && c->nops == 1 && c->ops[0].kind == OP_TRIM, "column ops list replaced by table");
    ok(c && !c->from_glob, "column named by the table is not from_glob");
    const ColumnMap *mo = find_col(f, "modified");
    ok(mo && mo->from_glob && mo->nops == 2 && mo->ops[0].kind == OP_TO_UUID, "glob column merged in, from_glob");
    is_int(f ? f->ncols : 0, 2, "columns merged by name");
    ok(find_col(p, "modified") && find_col(p, "modified")->skip == 1 &&
       find_col(p, "modified")->ops == find_col(f, "modified")->ops, "glob ops shared, skip merged");
    is_str(find_col(p, "created") ? find_col(p, "created")->from : NULL, "created_at", "'*' column on person");
    is_int(table_batch(m, p), 10, "table_batch from glob");
    is_int(table_reject_limit(m, p), 5, "reject_limit of table");
    is_int(table_reject_limit(m, f), -1, "reject_limit default none");
    is_int(d.warnings, 1, "warning for a glob matching nothing");
    mapping_free(m);
    diags_free(&d);
}

static void test_defaults(void)
{
    Diags d;
    Mapping *m = load_ok("tables: {a: , b: {batch: 7, on_error: default, reject_limit: 0, "
                         "columns: {x: {on_error: abort}, y: y}}}\n", &d);
    const TableMap *a = find_table(m, "a"), *b = find_table(m, "b");
    is_int(table_batch(m, a), 10000, "batch default 10000");
    is_int(table_batch(m, b), 7, "batch of table");
    is_int(column_on_error(m, a, NULL), ONERR_REJECT, "on_error default reject");
    is_int(column_on_error(m, b, find_col(b, "x")), ONERR_ABORT, "column on_error wins");
    is_int(column_on_error(m, b, find_col(b, "y")), ONERR_DEFAULT, "table on_error");
    is_int(table_reject_limit(m, b), 0, "reject_limit 0 kept");
    ok(m && !m->schema && !m->target && !m->rejects && !m->ddl && m->batch == -1, "file level unset");
    is_str(mode_name(MODE_UPSERT), "upsert", "mode_name");
    is_str(mode_name(MODE_UNSET), "unset", "mode_name unset");
    is_str(on_error_name(ONERR_NULL), "null", "on_error_name");
    mapping_free(m);
    diags_free(&d);

    m = load_ok("batch: 3\non_error: null\nreject_limit: 9\ntables: {a: a}\n", &d);
    is_int(table_batch(m, m ? &m->tables[0] : NULL), 3, "file batch");
    is_int(column_on_error(m, m ? &m->tables[0] : NULL, NULL), ONERR_NULL, "file on_error: null");
    is_int(table_reject_limit(m, m ? &m->tables[0] : NULL), 9, "file reject_limit");
    mapping_free(m);
    diags_free(&d);
}

static void test_interpolation(void)
{
    Diags d;
    setenv("PGMAP_T_SET", "postgresql://u@h/db", 1);
    setenv("PGMAP_T_EMPTY", "", 1);
    unsetenv("PGMAP_T_UNSET");
    Mapping *m = load_ok("target: ${PGMAP_T_SET}\n"
                         "schema: ${PGMAP_T_UNSET:-content}\n"
                         "ddl: pre-${PGMAP_T_EMPTY:-x}-$${HOME}-${PGMAP_T_EMPTY}.ddl\n"
                         "tables: {a: a}\n", &d);
    is_str(m ? m->target : NULL, "postgresql://u@h/db", "${VAR}");
    is_str(m ? m->schema : NULL, "content", "${VAR:-default} when unset");
    is_str(m ? m->ddl : NULL, "pre-x-${HOME}-.ddl", "default when empty, $${ literal, empty var");
    mapping_free(m);
    diags_free(&d);

    m = load_ok("target: ${PGMAP_T_UNSET:-}\ntables: {a: a}\n", &d);
    ok(m && m->target == NULL, "empty target default = PG env");
    mapping_free(m);
    diags_free(&d);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_paths(void)
{
    char tmpl[] = "/tmp/t_mapping_XXXXXX";
    const char *dir = mkdtemp(tmpl);
    if (!ok(dir != NULL, "temp dir"))
        return;
    char path[256];
    snprintf(path, sizeof path, "%s/m.yaml", dir);
    write_text(path, "source: data/movies.db\nddl: ../schema.ddl\nrejects: /var/r.jsonl\ntables: {a: a}\n");
    Diags d;
    diags_init(&d, path);
    Mapping *m = mapping_load(path, &d);
    ok(m != NULL, "loads from file");
    char want[300];
    snprintf(want, sizeof want, "%s/data/movies.db", dir);
    is_str(m ? m->source : NULL, want, "plain source resolved against the file's directory");
    snprintf(want, sizeof want, "%s/../schema.ddl", dir);
    is_str(m ? m->ddl : NULL, want, "ddl resolved");
    is_str(m ? m->rejects : NULL, "/var/r.jsonl", "absolute path kept");
    is_str(m ? m->dir : NULL, dir, "dir");
    mapping_free(m);
    diags_free(&d);
    unlink(path);
    rmdir(dir);

    m = load_ok("source: movies.db\nrejects: r.jsonl\ntables: {a: a}\n", &d);
    is_str(m ? m->source : NULL, "movies.db", "load_string: relative to cwd");
    is_str(m ? m->rejects : NULL, "r.jsonl", "load_string rejects");
    mapping_free(m);
    diags_free(&d);

    diags_init(&d, "/nonexistent/m.yaml");
    m = mapping_load("/nonexistent/m.yaml", &d);
    ok(m == NULL, "missing file fails");
    char *s = print_diags(&d);
    is_str(s, "/nonexistent/m.yaml: error: cannot read the mapping file: No such file or directory\n",
           "missing file");
    free(s);
    diags_free(&d);
}

static void test_diag_print(void)
{
    Diags d;
    diags_init(&d, "f.yaml");
    diags_set_text(&d, "a: 1\r\n\tb:\t\"é\" x\nlast");
    diag_warn(&d, 2, 7, "after tab and utf-8");
    diag_error(&d, 0, 0, "whole file");
    diag_error(&d, 1, 4, "first");
    diag_error(&d, 2, 7, "same position, later");
    diag_error(&d, 9, 1, "past the end");
    char *s = print_diags(&d);
    is_str(s,
           "f.yaml: error: whole file\n"
           "f.yaml:1:4: error: first\n    a: 1\n       ^\n"
           "f.yaml:2:7: warning: after tab and utf-8\n    \tb:\t\"é\" x\n    \t  \t  ^\n"
           "f.yaml:2:7: error: same position, later\n    \tb:\t\"é\" x\n    \t  \t  ^\n"
           "f.yaml:9:1: error: past the end\n",
           "sorted, stable, tabs and UTF-8 in caret line");
    is_int(d.errors, 4, "error count");
    is_int(d.warnings, 1, "warning count");
    free(s);
    diags_free(&d);
}

static void test_ynode_helpers(void)
{
    Diags d;
    diags_init(&d, "h.yaml");
    Arena *a = arena_new();
    YNode *r = yaml_doc_load_string("h.yaml",
                                    "a: ~\nb: \"~\"\nc: ''\nd: Yes\ne: -12\nf: 1x\ng: &x [1, 2]\nh: *x\n", a, &d);
    ok(r && r->kind == YN_MAP && r->n == 8, "map with 8 pairs");
    ok(ynode_is_null(ymap_get(r, "a")) && !ynode_is_null(ymap_get(r, "b")) &&
       !ynode_is_null(ymap_get(r, "c")), "plain ~ is null, quoted is not");
    int bv = 0;
    long lv = 0;
    ok(yscalar_bool(ymap_get(r, "d"), &bv) == 0 && bv == 1, "bool yes");
    ok(yscalar_long(ymap_get(r, "e"), &lv) == 0 && lv == -12, "long -12");
    ok(yscalar_long(ymap_get(r, "f"), &lv) != 0, "1x is not a number");
    const YNode *h = ymap_get(r, "h");
    ok(h && h->kind == YN_SEQ && h->n == 2 && h->line == 7, "alias resolved (anchor position)");
    is_str(ynode_kind_name(YN_SEQ), "list", "kind name");
    ok(ymap_get(r, "zz") == NULL, "missing key");
    is_int(d.n, 0, "no diags");
    r = yaml_doc_load_string("h.yaml", "a: &r [1, *r]\n", a, &d);
    ok(r != NULL && d.errors == 1 && strstr(d.v[0].msg, "alias") != NULL, "recursive alias reported: %s",
       d.n ? d.v[0].msg : "");
    arena_free(a);
    diags_free(&d);
}

int main(void)
{
    plan_lazy();
    const char *srcdir = getenv("srcdir");
    if (srcdir && chdir(srcdir) != 0)
        diag("cannot chdir to %s", srcdir);
    unsetenv("PGMAP_TEST_UNSET_VAR");
    unsetenv("PGMAP_TEST_UNSET_SINCE");
    for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++)
        golden(goldens[i]);
    test_shorthands();
    test_globs();
    test_defaults();
    test_interpolation();
    test_paths();
    test_diag_print();
    test_ynode_helpers();
    return done_testing();
}
