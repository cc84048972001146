/* plan_internal.h - shared between the plan compiler files (plan.c builds
 * the column programs, plan_sql.c writes the statements, plan_order.c
 * sorts tables into load order). */
#ifndef PGMAP_PLAN_INTERNAL_H
#define PGMAP_PLAN_INTERNAL_H

#include "plan.h"

typedef struct SrcShape {
    char **names;     /* columns the source offers (table columns or query output) */
    size_t n;
    char **pk;        /* source primary key columns, for reject ids */
    size_t npk;
    char *rowid;      /* the source's rowid name (SQLite tables), NULL when none */
    int pk_is_rowid;  /* the primary key is one INTEGER column: the rowid itself */
    char *text;       /* columns and declared types as text: the shape the state records */
} SrcShape;

/* What the per-table compile steps share. */
typedef struct ColCtx {
    const Plan *p;
    PGconn *c;
    const TableMap *tm;
    PlanTable *t;
    const SrcShape *shape;
    Diags *d;
    size_t cap;       /* room in t->src_cols */
} ColCtx;

/* Resolves a source column name to a selected item (see plan.c):
 * the index, -1 when absent and cm allows it, -2 after a diagnostic at pos. */
int plan_resolve_from(ColCtx *x, const char *from, const ColumnMap *cm, Pos pos, const char **desc);

/* plan_restructure.c: `from:` lists, lookups, dedup. */
int plan_resolve_list(ColCtx *x, const ColumnMap *cm, const char **desc);
int plan_column_list(ColCtx *x, const ColumnMap *cm, PlanColumn *pc);
int plan_bind_lookups(ColCtx *x, PlanColumn *pc);
int plan_check_dedup(ColCtx *x);
int plan_is_restructuring(const PlanTable *t);
void plan_build_dedup_sql(PlanTable *t, size_t index, PGconn *c, const char *qname);
void plan_restructure_free(PlanTable *t);
/* plan_sql.c: INSERT ... SELECT cols FROM `from` [ON CONFLICT ...] RETURNING counts. */
char *plan_merge_sql(const PlanTable *t, PGconn *c, const char *qname, const char *from);

/* Index of a selected source item in t->src_cols, adding it if new. */
int plan_select_item(PlanTable *t, const char *item, size_t cap);
/* Chooses the conflict key and the mode (plan_keys.c). */
int choose_key_and_mode(ColCtx *x);
/* Chooses the source values that identify a row in the rejects file. */
void choose_reject_ids(ColCtx *x);

/* The target schema of a table mapping. */
const char *plan_schema_of(const Mapping *m, const TableMap *t);
/* Builds src_sql, copy_sql, stage and merge statements for t. */
void plan_build_sql(PlanTable *t, size_t index, const Reader *src, PGconn *c);
/* Sorts p->tables parents-first by the target's foreign keys; warns about
 * cycles (kept in file order) in d. */
void plan_sort(Plan *p, Diags *d);

/* plan_resume.c: the order that makes a table resumable (rowid or the
 * source's primary key) and the cursor; then the statements that use them,
 * and the table's fingerprint. */
void plan_choose_order(ColCtx *x);
void plan_build_resume_sql(PlanTable *t, const Reader *src);
void plan_fingerprint(PlanTable *t);

#endif
