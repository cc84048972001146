/* verify_schema_internal.h - shared by the two parts of the schema checks
 * of `pgmap verify`: verify_schema.c (the relations looked up once, the
 * findings, the mapping's checks) and verify_schema_ddl.c (the checks of
 * what the ddl file creates).  Not for other modules: verify.h is the
 * interface. */
#ifndef PGMAP_VERIFY_SCHEMA_INTERNAL_H
#define PGMAP_VERIFY_SCHEMA_INTERNAL_H

#include "verify.h"
#include "verify_ddl.h"

typedef struct VsCol {
    char *name;
    unsigned typid;
    int typmod;
} VsCol;

typedef struct VsIdx {
    char *name;
    int primary, unique, partial, valid;
    VdList cols;
} VsIdx;

typedef struct VsFk {
    char *refoid;
    VdList cols, refcols;
} VsFk;

/* A relation of the target, looked up once. */
typedef struct VsRel {
    char *disp;            /* schema.name, as findings name it */
    char *schema, *name;   /* as the catalog has them (as guessed when missing) */
    char *oid;             /* NULL: the target has no such relation */
    char relkind;
    int counted, reported, loaded;
    VdList seen_cols;      /* columns already checked (mapping first) */
    VdList *failed_keys;   /* mapping keys with no unique index (reported) */
    size_t nfailed;
    VsCol *cols;
    size_t ncols;
    VsIdx *idx;
    size_t nidx;
    VsFk *fks;
    size_t nfks;
} VsRel;

typedef struct Vs {
    PGconn *c;
    const Mapping *m;
    VerifySchema *out;
    PgmError *e;
    VsRel **rels;
    size_t nrels;
    char *cur_schema;      /* current_schema(), asked on first use */
    char where[1200];
    Buf tmp[6];            /* say(): the parts of one finding or query */
    unsigned ntmp;
} Vs;

/* Formats into one of six scratch buffers, enough for the parts of one
 * finding or query: the text lives until six more are asked for. */
const char *vs_say(Vs *v, const char *fmt, ...) PGM_PRINTF(2, 3);
/* "(a, b)", in a scratch buffer as vs_say(). */
const char *vs_cols_of(Vs *v, const VdList *l);
/* "schema"."name" (or "name") quoted for SQL text, in a scratch buffer as
 * vs_say(). */
const char *vs_quoted(Vs *v, const char *schema, const char *name);
/* The relation schema.name (schema NULL: through search_path); NULL with
 * v->e set when the catalog cannot be asked. */
VsRel *vs_rel_get(Vs *v, const char *schema, const char *name);
const char *vs_relkind_name(char k);
/* Adds a schema finding on r (NULL: on no table) about object. */
void vs_finding(Vs *v, const VsRel *r, const char *object, const char *where, const char *fmt, ...)
    PGM_PRINTF(5, 6);
/* "ddl-file:line:1", in v->where (one at a time). */
const char *vs_where_ddl(Vs *v, int line);
/* Counts r as a checked table (once) and tells whether it is one; the
 * first time it is not, that is the finding. */
int vs_table_ok(Vs *v, VsRel *r, const char *where);
/* Reads r's columns, indexes and foreign keys from the catalog, once. */
int vs_rel_load(Vs *v, VsRel *r);
const VsCol *vs_rel_col(const VsRel *r, const char *name);
const VsIdx *vs_rel_primary(const VsRel *r);
/* A valid, non-partial unique index (a primary key or unique constraint
 * is one) over exactly cols. */
int vs_unique_on(const VsRel *r, const VdList *cols, int any_order);
/* Counts column name of r as checked, once: 0 when it already was. */
int vs_first_check_of(Vs *v, VsRel *r, const char *name);

/* The checks of m->ddl, the mapping's own having run first. */
int vs_check_ddl(Vs *v);

#endif
