/* catalog.h - what pgmap reads from the target's catalog: a table's
 * columns with types, NOT NULL, defaults and sequences, its unique indexes
 * and its foreign keys.  The target catalog is the rulebook: types, NOT NULL,
 * keys and lengths apply without being repeated in the mapping. */
#ifndef PGMAP_CATALOG_H
#define PGMAP_CATALOG_H

#include <libpq-fe.h>
#include "pgtype.h"
#include "util.h"

typedef struct TgtColumn {
    char *name;
    int attnum;
    PgType type;
    int notnull;
    char *default_expr;   /* pg_get_expr of the default, NULL = none */
    char identity;        /* 'a' always, 'd' by default, 0 none */
    char generated;       /* 's' stored generated column, 0 none */
    char *sequence;       /* pg_get_serial_sequence (serial or identity), NULL = none */
} TgtColumn;

typedef struct TgtIndex {
    char *name;
    int primary;
    int unique;
    int partial;          /* has a WHERE clause */
    int expression;       /* has expression columns */
    size_t ncols;
    int *cols;            /* indexes into TgtTable.cols (-1 for expressions) */
} TgtIndex;

typedef struct TgtFk {
    char *name;
    char *ref_schema;
    char *ref_table;
    size_t ncols;
    int *cols;            /* indexes into TgtTable.cols */
    char **ref_cols;      /* referenced column names */
} TgtFk;

typedef struct TgtTable {
    char *schema;
    char *name;
    char *oid;            /* as text, for parameters */
    TgtColumn *cols;
    size_t ncols;
    TgtIndex *idx;
    size_t nidx;
    TgtFk *fks;
    size_t nfks;
} TgtTable;

/* Returns 1 and fills out when schema.table exists, 0 when it does not,
 * -1 on error. */
int catalog_table(PGconn *c, const char *schema, const char *table, TgtTable *out, PgmError *e);
/* 1 when the table exists, 0 not, -1 error (cheap check before DDL). */
int catalog_table_exists(PGconn *c, const char *schema, const char *table, PgmError *e);
void tgttable_free(TgtTable *t);
int tgttable_column(const TgtTable *t, const char *name); /* index or -1 */
/* The primary key index, or NULL. */
const TgtIndex *tgttable_primary(const TgtTable *t);

#endif
