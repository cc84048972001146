/* verify.h - `pgmap verify MAPPING`: proof that the target holds what the
 * mapping makes of the source, and a finding for every difference.
 *
 * The parts:
 *  - verify_schema.c: the objects the mapping and its ddl file imply
 *    (tables, columns and their types, keys, foreign keys, indexes,
 *    sequences) exist in the target;
 *  - verify_data.c: per table, the source converted through the plan
 *    against the target, by checksums per hash bucket, then the rows of
 *    differing buckets compared one by one;
 *  - verify_report.c: the findings on screen and as JSON;
 *  - verify.c: the command, `run --verify`, the rejects of the last run.
 *
 * Every difference is one finding, named by table, key and column, with
 * both values.  The findings kept are bounded (VERIFY_MAX_FINDINGS per
 * table); the counts are always exact. */
#ifndef PGMAP_VERIFY_H
#define PGMAP_VERIFY_H

#include <stdio.h>
#include <libpq-fe.h>
#include "model.h"
#include "util.h"

#define VERIFY_MAX_FINDINGS 100

typedef enum VerifyKind {
    VF_SCHEMA,        /* an object the mapping implies is missing or differs */
    VF_COUNT,         /* row counts differ (counts mode, or a summary) */
    VF_MISSING,       /* a source row the target lacks */
    VF_EXTRA,         /* a target row no source row makes */
    VF_VALUE,         /* one column of a row differs */
    VF_DUPLICATE,     /* a key the target holds more often than the source makes it */
    VF__COUNT
} VerifyKind;

typedef struct VerifyFinding {
    VerifyKind kind;
    char *table;      /* schema.table, or NULL for a schema finding not tied to a table */
    char *object;     /* schema: the object ("index content.film_work_creation_date_idx") */
    char *key_json;   /* data: the row's key as a JSON object of target values */
    char *column;     /* value: the column */
    char *source;     /* value: what the mapping makes of the source (NULL = SQL NULL) */
    char *target;     /* value: what the target holds (NULL = SQL NULL) */
    char *message;    /* what is wrong, one line */
    char *where;      /* schema: "file:line:col" of what implies the object, or NULL */
} VerifyFinding;

typedef struct VerifyFindings {
    VerifyFinding *v;
    size_t n, cap;
} VerifyFindings;

/* Adds a finding; every string is copied (NULL stays NULL). */
void vf_add(VerifyFindings *f, VerifyKind kind, const char *table, const char *object,
            const char *key_json, const char *column, const char *source, const char *target,
            const char *message, const char *where);
void vf_free(VerifyFindings *f);
const char *vf_kind_name(VerifyKind k);

/* ---- schema (verify_schema.c) ---- */

typedef struct VerifySchema {
    VerifyFindings found;
    /* objects checked, per kind: tables, columns, keys (primary and
     * unique), foreign keys, indexes, sequences */
    long checked[6];
    long unchecked;          /* ddl statements of other kinds (views, comments, ...) */
    char **missing_tables;   /* "schema.table" of mapped tables the target lacks */
    size_t nmissing;
} VerifySchema;

enum { VS_TABLES, VS_COLUMNS, VS_KEYS, VS_FKS, VS_INDEXES, VS_SEQUENCES };

/* Checks the target against the mapping m (its tables and columns) and its
 * ddl file (m->ddl, when set: the tables, column types, keys, foreign keys,
 * indexes and sequences it creates).  Fails (e set) only when the target
 * cannot be asked or the ddl file cannot be read; differences are
 * findings. */
int verify_schema(PGconn *c, const Mapping *m, VerifySchema *out, PgmError *e);
void verify_schema_free(VerifySchema *s);

/* ---- the command (verify.c) ---- */

struct Session;
struct Options;

/* Verifies the session's target (its plan compiled, or compiled here when
 * s->plan is NULL) and prints the result; returns the exit code: 0 all
 * matches, 1 differences, 2 failure (e set). */
int verify_run(struct Session *s, const struct Options *o);

#endif
