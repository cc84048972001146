/* report.c - collects problems and prints the end-of-run summary (see
 * report.h).  The same report serves real runs and dry runs; only the
 * column headings change. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

void report_init(Report *r, size_t ntables, int dry_run)
{
    memset(r, 0, sizeof *r);
    r->tables = xcalloc(ntables ? ntables : 1, sizeof *r->tables);
    r->ntables = ntables;
    r->dry_run = dry_run;
}

void report_free(Report *r)
{
    for (size_t i = 0; i < r->nproblems; i++) {
        Problem *p = &r->problems[i];
        free(p->table);
        free(p->column);
        free(p->operation);
        free(p->sqlstate);
        free(p->constraint);
        free(p->message);
        for (size_t k = 0; k < p->nvalues; k++)
            free(p->values[k].text);
        for (size_t k = 0; k < p->nexamples; k++)
            free(p->examples[k]);
    }
    free(r->problems);
    free(r->tables);
    memset(r, 0, sizeof *r);
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static Problem *find_problem(Report *r, const ProblemInfo *pi)
{
    for (size_t i = 0; i < r->nproblems; i++) {
        Problem *p = &r->problems[i];
        if (same(p->table, pi->table) && same(p->column, pi->column) &&
            same(p->operation, pi->operation) && same(p->sqlstate, pi->sqlstate) &&
            same(p->constraint, pi->constraint))
            return p;
    }
    if (r->nproblems == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 8;
        r->problems = xrealloc(r->problems, r->cap * sizeof *r->problems);
    }
    Problem *p = &r->problems[r->nproblems++];
    memset(p, 0, sizeof *p);
    p->table = dup_or_null(pi->table);
    p->column = dup_or_null(pi->column);
    p->operation = dup_or_null(pi->operation);
    p->sqlstate = dup_or_null(pi->sqlstate);
    p->constraint = dup_or_null(pi->constraint);
    p->message = dup_or_null(pi->message);
    return p;
}

/* Counts the value among the tracked ones; once the table of values is
 * full, new distinct values are not tracked (the counts of the frequent
 * ones stay exact because frequent values arrive early and often). */
static void count_value(Problem *p, const char *v, size_t len)
{
    char *text = v ? xstrndup(v, len > 60 ? 60 : len) : xstrdup("NULL");
    for (size_t i = 0; i < p->nvalues; i++) {
        if (strcmp(p->values[i].text, text) == 0) {
            p->values[i].count++;
            free(text);
            return;
        }
    }
    if (p->nvalues < PROBLEM_VALUES) {
        p->values[p->nvalues].text = text;
        p->values[p->nvalues++].count = 1;
        return;
    }
    free(text);
}

void report_problem(Report *r, const ProblemInfo *pi)
{
    if (r->lock)
        mtx_lock(r->lock);
    Problem *p = find_problem(r, pi);
    p->count++;
    p->nulled += pi->nulled;
    count_value(p, pi->value, pi->value_len);
    if (p->nexamples < PROBLEM_EXAMPLES && pi->key_json)
        p->examples[p->nexamples++] = xstrdup(pi->key_json);
    if (r->lock)
        mtx_unlock(r->lock);
}

long report_total(const Report *r, int which)
{
    long n = 0;
    for (size_t i = 0; i < r->ntables; i++)
        n += which == 0 ? r->tables[i].rejected : r->tables[i].nulled;
    return n;
}

static void print_row(const Report *r, const TableStats *s, int w, FILE *out)
{
    fprintf(out, "%-*s %10ld %12ld %12ld", w, s->table, s->read, s->inserted, s->updated);
    if (r->sync)
        fprintf(out, " %10ld", s->deleted);
    fprintf(out, " %10ld", s->unchanged);
    if (r->dedup)
        fprintf(out, " %12ld", s->deduplicated);
    fprintf(out, " %9ld %7ld %8.2f %8.2f\n", s->rejected, s->nulled, s->seconds, s->bytes / 1e6);
}

static void print_table(const Report *r, FILE *out)
{
    const char *ins = r->dry_run ? "would insert" : "inserted";
    const char *upd = r->dry_run ? "would update" : "updated";
    size_t w = 5;
    for (size_t i = 0; i < r->ntables; i++)
        if (r->tables[i].table && strlen(r->tables[i].table) > w)
            w = strlen(r->tables[i].table);
    fprintf(out, "%-*s %10s %12s %12s", (int)w, "table", "read", ins, upd);
    if (r->sync)
        fprintf(out, " %10s", "deleted");
    fprintf(out, " %10s", "unchanged");
    if (r->dedup)
        fprintf(out, " %12s", "deduplicated");
    fprintf(out, " %9s %7s %8s %8s\n", "rejected", "nulled", "seconds", "MB");
    TableStats tot = {.table = "total"};
    for (size_t i = 0; i < r->ntables; i++) {
        const TableStats *s = &r->tables[i];
        if (!s->table)
            continue;
        print_row(r, s, (int)w, out);
        tot.read += s->read; tot.inserted += s->inserted; tot.updated += s->updated;
        tot.unchanged += s->unchanged; tot.rejected += s->rejected; tot.nulled += s->nulled;
        tot.deleted += s->deleted; tot.seconds += s->seconds; tot.bytes += s->bytes;
        tot.deduplicated += s->deduplicated;
    }
    print_row(r, &tot, (int)w, out);
    for (size_t i = 0; i < r->ntables; i++)
        if (r->tables[i].table && r->tables[i].note)
            fprintf(out, "  %s: %s\n", r->tables[i].table, r->tables[i].note);
}

static void print_problem(const Problem *p, FILE *out)
{
    fprintf(out, "  %s", p->table);
    if (p->column)
        fprintf(out, ".%s", p->column);
    if (p->operation)
        fprintf(out, " %s", p->operation);
    if (p->sqlstate)
        fprintf(out, " SQLSTATE %s%s%s", p->sqlstate, p->constraint ? " " : "",
                p->constraint ? p->constraint : "");
    fprintf(out, ": %ld value%s%s (%s)\n", p->count, p->count == 1 ? "" : "s",
            p->nulled == p->count ? " nulled" : (p->nulled ? " rejected or nulled" : " rejected"),
            p->message ? p->message : "");
    /* most frequent first: a small selection sort over at most 32 values */
    char shown[PROBLEM_VALUES] = {0};
    fprintf(out, "    most frequent:");
    for (size_t k = 0; k < 5 && k < p->nvalues; k++) {
        size_t best = p->nvalues;
        for (size_t i = 0; i < p->nvalues; i++)
            if (!shown[i] && (best == p->nvalues || p->values[i].count > p->values[best].count))
                best = i;
        shown[best] = 1;
        fprintf(out, "%s \"%s\" x%ld", k ? "," : "", p->values[best].text, p->values[best].count);
    }
    fprintf(out, "\n    examples:");
    for (size_t k = 0; k < p->nexamples; k++)
        fprintf(out, " %s", p->examples[k]);
    fprintf(out, "\n");
}

/* Orphans, duplicates and over-long values: what the target's rules say
 * about the data, named the way the user thinks of them. */
static void print_implications(const Report *r, FILE *out)
{
    int header = 0;
    for (size_t i = 0; i < r->nproblems; i++) {
        const Problem *p = &r->problems[i];
        const char *what = NULL;
        if (p->sqlstate && strcmp(p->sqlstate, "23503") == 0)
            what = "orphan rows for foreign key";
        else if (p->sqlstate && strcmp(p->sqlstate, "23505") == 0)
            what = "duplicate keys for unique index";
        else if (p->message && strstr(p->message, "too long"))
            what = "values too long in column";
        if (!what)
            continue;
        if (!header++)
            fprintf(out, "what the target implies:\n");
        fprintf(out, "  %s: %ld %s %s\n", p->table, p->count, what,
                p->constraint ? p->constraint : (p->column ? p->column : "?"));
    }
}

void report_print(const Report *r, FILE *out, int verbose)
{
    (void)verbose;
    print_table(r, out);
    if (r->ddl_after)
        fprintf(out, "ddl after load: %ld statement%s in %.2f s, %ld optional not applied\n",
                r->ddl_after, r->ddl_after == 1 ? "" : "s", r->ddl_seconds, r->ddl_skipped);
    if (r->nproblems) {
        fprintf(out, "problems:\n");
        for (size_t i = 0; i < r->nproblems; i++)
            print_problem(&r->problems[i], out);
        print_implications(r, out);
    }
}
