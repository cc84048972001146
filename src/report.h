/* report.h - counts per table and the problems behind rejected or nulled
 * values, and the summary pgmap prints at the end of every run and dry run.
 *
 * Problems are grouped by (table, column, operation or SQLSTATE and
 * constraint), each with a count, its most frequent failing values and a
 * few example keys.  Memory is bounded: at most PROBLEM_VALUES distinct
 * values are tracked per problem and PROBLEM_EXAMPLES keys kept. */
#ifndef PGMAP_REPORT_H
#define PGMAP_REPORT_H

#include <stdio.h>
#include <threads.h>
#include "util.h"

#define PROBLEM_VALUES 32
#define PROBLEM_EXAMPLES 3

typedef struct TableStats {
    const char *table;     /* label, borrowed from the plan */
    long read, inserted, updated, unchanged, rejected, nulled;
    long deleted;          /* sync: target rows whose source row is gone (deleted or marked) */
    long deduplicated;     /* dedup: rows that lost to another row with the same key */
    const char *note;      /* static text or NULL: "finished in an earlier run", ... */
    double seconds;
    double bytes;          /* COPY data sent */
} TableStats;

typedef struct ProblemValue {
    char *text;
    long count;
} ProblemValue;

typedef struct Problem {
    char *table, *column, *operation, *sqlstate, *constraint;
    char *message;         /* first message seen */
    long count;
    long nulled;           /* of count, how many were nulled instead of rejected */
    ProblemValue values[PROBLEM_VALUES];
    size_t nvalues;
    char *examples[PROBLEM_EXAMPLES];
    size_t nexamples;
} Problem;

typedef struct Report {
    TableStats *tables;
    size_t ntables;
    Problem *problems;
    size_t nproblems, cap;
    int dry_run;
    int sync;              /* print the deleted column */
    int dedup;             /* print the deduplicated column (a table has dedup:) */
    double seconds;
    long ddl_after;        /* statements of the ddl file's after part run */
    long ddl_skipped;      /* of those, optional ones the target refused */
    double ddl_seconds;
    mtx_t *lock;           /* --jobs: taken around report_problem (the tables' own
                            * TableStats need none: one job writes each) */
} Report;

void report_init(Report *r, size_t ntables, int dry_run);
void report_free(Report *r);

typedef struct ProblemInfo {
    const char *table, *column, *operation, *sqlstate, *constraint, *message;
    const char *value;     /* text of the failing value, NULL for NULL */
    size_t value_len;
    const char *key_json;  /* example key */
    int nulled;
} ProblemInfo;

void report_problem(Report *r, const ProblemInfo *p);
/* The summary table, then problems and what the target implies. */
void report_print(const Report *r, FILE *out, int verbose);
long report_total(const Report *r, int which); /* 0 rejected, 1 nulled */

#endif
