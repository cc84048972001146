/* plan.h - a mapping compiled against the source and target catalogs.
 *
 * For every table: the source statement, the per-column program (source
 * column index, operations, on_error, target type), and the target
 * statements (COPY, staging, merge).  Tables are in load order (parents
 * before children, from the target's foreign keys).  `pgmap explain` prints
 * this; the executor runs it; the dry run runs it without committing. */
#ifndef PGMAP_PLAN_H
#define PGMAP_PLAN_H

#include <stdio.h>
#include <libpq-fe.h>
#include "catalog.h"
#include "ddl_script.h"
#include "diag.h"
#include "model.h"
#include "reader.h"

struct Lookup;

typedef struct PlanColumn {
    const char *name;        /* target column */
    const TgtColumn *tcol;
    int src;                 /* index into the source row (the first, for a `from:` list) */
    int *srcs;               /* `from:` list: every source index, NULL otherwise */
    size_t nsrcs;
    size_t ncombine;         /* then: index of the op combining them (ops before run per value) */
    struct Lookup **lookups; /* parallel to ops: each lookup op's runtime (owned), else NULL;
                              * NULL when the column has no lookup */
    const char *src_desc;    /* source column or SQL expression, for messages */
    const ColumnMap *cmap;   /* NULL when filled by same-name default */
    const Op *ops;
    size_t nops;
    OnError on_error;
    const char *fallback;    /* ONERR_DEFAULT value as text; NULL = NULL */
} PlanColumn;

typedef struct PlanTable {
    const TableMap *map;
    TgtTable tgt;
    char *label;             /* schema.table, unquoted, for messages */
    char *source_label;      /* source table name or "query" */
    char *src_sql;           /* the source statement */
    char **src_cols;         /* names of the selected source columns */
    size_t nsrc;
    char **dropped;          /* source columns with no target (for explain) */
    size_t ndropped;
    PlanColumn *cols;        /* target columns filled, in COPY order */
    size_t ncols;
    int *key;                /* indexes into cols of the conflict key */
    size_t nkey;
    int *id_src;             /* source row indexes that identify a row in rejects */
    char **id_names;
    size_t nid;
    const char **null_if;    /* table-level null_if (merged) */
    size_t nnull_if;
    LoadMode mode;
    long batch;
    long reject_limit;       /* -1 = none */
    char *copy_sql;          /* COPY into the table (insert/replace) or the stage */
    char *stage_name;        /* temporary staging table, NULL for direct COPY */
    char *stage_sql;         /* CREATE TEMP TABLE ... */
    char *merge_sql;         /* INSERT ... SELECT ... FROM stage ON CONFLICT ... */
    char *truncate_sql;      /* replace mode */
    int created;             /* this run's ddl file created the table (it starts empty) */
    LoadMode later_mode;     /* when created and its key comes after the load: the mode
                              * the mapping asks for, used from the next run on (mode is
                              * insert now); else MODE_UNSET */
    /* Resuming and sync (plan_resume.c) */
    int *order_src;          /* source row indexes of a total order: rowid or primary key */
    size_t norder;           /* 0 = none known (a query): the table loads in one transaction */
    char *resume_sql;        /* src_sql continuing after a position (placeholders 1..norder) */
    int cursor_src;          /* source row index of the sync cursor, -1 = none */
    char *cursor_sql;        /* src_sql from a mark on (placeholder 1), by cursor then order */
    char *shape;             /* the source table's columns as text ("query" for a query) */
    char fingerprint[33];    /* md5 of everything that decides the rows loaded */
    /* Restructuring (plan_restructure.c, loader_dedup.c) */
    DedupRule dedup;         /* DEDUP_NONE, or: every row goes to the stage, the winner per key is merged at the end */
    int dedup_col;           /* DEDUP_MAX/MIN: index into cols */
    char *winners_sql;       /* CREATE TEMP TABLE of the winners, numbered */
    char *winners_table;     /* its name, pg_temp.pgmap_win_N */
    char *dedup_merge_sql;   /* the merge from the winners, for a range of numbers ($1 <= n < $2) */
    char **depends;          /* target tables ("schema.table") its lookups read: loaded before it */
    size_t ndepends;
} PlanTable;

typedef struct Plan {
    const Mapping *m;
    PlanTable *tables;       /* load order */
    size_t n;
    char *source_desc;
    char *target_desc;
    int ddl_applied;         /* this run ran the ddl file (it created tables) */
    DdlScript *ddl;          /* then: the file, whose after part runs after the load */
    char **created;          /* then: "schema.table" of the mapped tables it created */
    size_t ncreated;
} Plan;

/* What plan_prepare_target did to the target in this run. */
typedef struct TargetPrep {
    DdlScript *ddl;          /* the ddl file when its before part ran, else NULL */
    char **created;          /* "schema.table" of the mapped tables that were missing */
    size_t ncreated;
} TargetPrep;

/* When a mapped target table is missing and the mapping names a ddl file,
 * runs the file's before part (in the connection's current transaction,
 * statement by statement: a failure says "ddl FILE:LINE: message") and
 * fills prep, whose after part the executor runs after the load.  Missing
 * tables without a DDL file are reported at their position by
 * plan_compile. */
int plan_prepare_target(const Mapping *m, PGconn *c, Diags *d, TargetPrep *prep, PgmError *e);

/* Resuming a run whose ddl file created the tables (listed in created)
 * and whose after part is still pending: reads the ddl file without
 * running anything, so the plan treats those tables as new. */
int plan_prepare_resume(const Mapping *m, char *const *created, size_t ncreated,
                        TargetPrep *prep, PgmError *e);

/* Compiles m against both catalogs.  Reference problems (missing tables or
 * columns, NOT NULL columns with nothing to fill them, keys without a
 * unique index) are diagnostics; the function then returns PGM_FAIL with e
 * saying how many.  Database errors fail with e.  prep (may be NULL) is
 * what plan_prepare_target did; the plan takes over its contents (prep is
 * emptied, whatever the result).  A table the ddl file just created is
 * empty, so when its key is only made after the load it is loaded with
 * insert: the same as upsert or ignore on an empty table. */
int plan_compile(const Mapping *m, Reader *src, PGconn *c, Diags *d, TargetPrep *prep, Plan **out,
                 PgmError *e);
void plan_free(Plan *p);
/* child must be loaded after parent: a foreign key of child's target
 * references parent's, or a lookup of child reads parent (plan_order.c). */
int plan_table_depends(const PlanTable *child, const PlanTable *parent);

/* Prints the plan for `pgmap explain`. */
void plan_explain(const Plan *p, FILE *out);

#endif
