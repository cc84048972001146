/* verify_report.c - what pgmap verify found: a table on screen (one line
 * per table, then every difference kept, then one summary line) and the
 * same as JSON for --report. */
#include "verify_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *depth_name(VerifyDepth d)
{
    static const char *const names[] = {"values", "keys", "counts", "none"};
    return names[d];
}

static int table_differs(const VerifyTable *v)
{
    return v->missing || v->extra || v->differ || v->duplicate || v->uncompared ||
           (v->expected >= 0 && v->expected != v->target);
}

int verify_differs(const VerifyCtx *x)
{
    if (x->schema.found.n)
        return 1;
    for (size_t i = 0; i < x->ntabs; i++)
        if (table_differs(&x->tabs[i]))
            return 1;
    return 0;
}

static void print_value(FILE *out, const char *s)
{
    if (!s) {
        fputs("NULL", out);
        return;
    }
    Buf b;
    buf_init(&b);
    json_append_string(&b, s, strlen(s));
    fputs(b.data, out);
    buf_free(&b);
}

static void print_finding(const VerifyFinding *f, FILE *out)
{
    fprintf(out, "  %-9s %s", vf_kind_name(f->kind), f->table ? f->table : "");
    if (f->object)
        fprintf(out, "%s%s", f->table ? ": " : "", f->object);
    if (f->key_json)
        fprintf(out, " %s", f->key_json);
    if (f->column) {
        fprintf(out, " %s: source ", f->column);
        print_value(out, f->source);
        fputs(", target ", out);
        print_value(out, f->target);
    } else if (f->message) {
        fprintf(out, ": %s", f->message);
    }
    if (f->where)
        fprintf(out, " (%s)", f->where);
    fputc('\n', out);
}

static void print_tables(const VerifyCtx *x, FILE *out)
{
    int w = 5;
    for (size_t i = 0; i < x->ntabs; i++) {
        int n = (int)strlen(x->tabs[i].t->label);
        w = n > w ? n : w;
    }
    fprintf(out, "%-*s  %-8s %9s %9s %9s %9s %8s %8s %8s  %s\n", w, "table", "compared", "source",
            "rejected", "expected", "target", "missing", "extra", "differ", "result");
    for (size_t i = 0; i < x->ntabs; i++) {
        const VerifyTable *v = &x->tabs[i];
        char exp[32];
        snprintf(exp, sizeof exp, v->expected >= 0 ? "%ld" : "-", v->expected);
        fprintf(out, "%-*s  %-8s %9ld %9ld %9s %9ld %8ld %8ld %8ld  %s\n", w, v->t->label,
                depth_name(v->depth), v->read, v->rejected + v->refused, exp, v->target, v->missing,
                v->extra, v->differ, table_differs(v) ? "DIFFERS" : "ok");
    }
    for (size_t i = 0; i < x->ntabs; i++)
        if (x->tabs[i].note)
            fprintf(out, "note: %s: %s\n", x->tabs[i].t->label, x->tabs[i].note);
}

static void print_schema(const VerifySchema *sc, FILE *out)
{
    static const char *const kinds[] = {"tables", "columns", "keys", "foreign keys", "indexes",
                                        "sequences"};
    fputs("schema:", out);
    for (int k = 0; k < 6; k++)
        fprintf(out, "%s %ld %s", k ? "," : "", sc->checked[k], kinds[k]);
    fprintf(out, " checked; %zu differ", sc->found.n);
    if (sc->unchecked)
        fprintf(out, "; %ld ddl statement%s of other kinds not checked", sc->unchecked,
                sc->unchecked == 1 ? "" : "s");
    fputc('\n', out);
}

void verify_print(const VerifyCtx *x, FILE *out)
{
    if (x->ntabs)
        print_tables(x, out);
    print_schema(&x->schema, out);
    size_t nf = x->schema.found.n + x->found.n;
    if (nf)
        fputs("differences:\n", out);
    for (size_t i = 0; i < x->schema.found.n; i++)
        print_finding(&x->schema.found.v[i], out);
    for (size_t i = 0; i < x->found.n; i++)
        print_finding(&x->found.v[i], out);
    long rows = 0, tables = 0;
    for (size_t i = 0; i < x->ntabs; i++) {
        rows += x->tabs[i].target;
        tables += table_differs(&x->tabs[i]);
    }
    if (verify_differs(x))
        fprintf(out, "verify: DIFFERENCES: %ld of %zu tables differ, %zu schema difference%s "
                     "(%.2f s)\n", tables, x->ntabs, x->schema.found.n,
                x->schema.found.n == 1 ? "" : "s", x->seconds);
    else
        fprintf(out, "verify: everything matches: %zu tables, %ld rows, %s (%.2f s)\n", x->ntabs, rows,
                x->counts_only ? "counts only" : "every value compared", x->seconds);
}

/* ---- JSON ---- */

static void jstr(Buf *b, const char *name, const char *s)
{
    buf_printf(b, "\"%s\":", name);
    if (s)
        json_append_string(b, s, strlen(s));
    else
        buf_puts(b, "null");
}

static void json_finding(Buf *b, const VerifyFinding *f)
{
    buf_printf(b, "{\"kind\":\"%s\",", vf_kind_name(f->kind));
    jstr(b, "table", f->table);
    buf_putc(b, ',');
    buf_puts(b, "\"key\":");
    buf_puts(b, f->key_json ? f->key_json : "null");
    buf_putc(b, ',');
    jstr(b, "object", f->object);
    buf_putc(b, ',');
    jstr(b, "column", f->column);
    buf_putc(b, ',');
    jstr(b, "source", f->source);
    buf_putc(b, ',');
    jstr(b, "target", f->target);
    buf_putc(b, ',');
    jstr(b, "message", f->message);
    buf_putc(b, ',');
    jstr(b, "where", f->where);
    buf_putc(b, '}');
}

static void json_table(Buf *b, const VerifyCtx *x, const VerifyTable *v)
{
    buf_putc(b, '{');
    jstr(b, "table", v->t->label);
    buf_printf(b, ",\"compared\":\"%s\",", depth_name(v->depth));
    jstr(b, "note", v->note);
    buf_printf(b, ",\"source_rows\":%ld,\"rejected_by_mapping\":%ld,\"refused_by_target\":%ld,"
                  "\"deduplicated\":%ld,\"expected\":%ld,\"target_rows\":%ld,\"missing\":%ld,"
                  "\"extra\":%ld,\"differ\":%ld,\"duplicate\":%ld,\"uncompared\":%ld,"
                  "\"confirmed_by_server\":%ld,\"seconds\":%.3f,\"result\":\"%s\",\"differences\":[",
               v->read, v->rejected, v->refused, v->deduplicated, v->expected, v->target, v->missing,
               v->extra, v->differ, v->duplicate, v->uncompared, v->uncertain, v->seconds,
               table_differs(v) ? "differ" : "match");
    int first = 1;
    for (size_t i = 0; i < x->found.n; i++) {
        const VerifyFinding *f = &x->found.v[i];
        if (!f->table || strcmp(f->table, v->t->label) != 0)
            continue;
        buf_puts(b, first ? "" : ",");
        json_finding(b, f);
        first = 0;
    }
    buf_puts(b, "]}");
}

static void json_doc(Buf *b, const VerifyCtx *x, const char *mapping)
{
    static const char *const kinds[] = {"tables", "columns", "keys", "foreign_keys", "indexes",
                                        "sequences"};
    buf_putc(b, '{');
    jstr(b, "mapping", mapping);
    buf_printf(b, ",\"form\":\"%s\",\"result\":\"%s\",\"seconds\":%.3f,",
               x->counts_only ? "counts" : "full", verify_differs(x) ? "differ" : "match", x->seconds);
    jstr(b, "rejects_file", x->refused.path);
    buf_puts(b, ",\"schema\":{\"checked\":{");
    for (int k = 0; k < 6; k++)
        buf_printf(b, "%s\"%s\":%ld", k ? "," : "", kinds[k], x->schema.checked[k]);
    buf_printf(b, "},\"unchecked_statements\":%ld,\"differences\":[", x->schema.unchecked);
    for (size_t i = 0; i < x->schema.found.n; i++) {
        buf_puts(b, i ? "," : "");
        json_finding(b, &x->schema.found.v[i]);
    }
    buf_puts(b, "]},\"tables\":[");
    for (size_t i = 0; i < x->ntabs; i++) {
        buf_puts(b, i ? ",\n" : "\n");
        json_table(b, x, &x->tabs[i]);
    }
    buf_puts(b, "]}\n");
}

int verify_write_json(const VerifyCtx *x, const char *mapping, const char *path, PgmError *e)
{
    Buf b;
    buf_init(&b);
    json_doc(&b, x, mapping);
    FILE *f = fopen(path, "w");
    int ok = f && fwrite(b.data, 1, b.len, f) == b.len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok)
        err_set(e, "report %s: %s", path, strerror(errno));
    buf_free(&b);
    return ok ? PGM_OK : PGM_FAIL;
}
