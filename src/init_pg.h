/* init_pg.h - `pgmap init` from a PostgreSQL source schema: the model the
 * catalog readers fill (init_pg_catalog.c for tables, init_pg_objects.c for
 * types, sequences, views and what is not carried) and the writers read
 * (init_pg_ddl.c, init_pg_yaml.c); init_pg.c connects and runs them.
 *
 * Expressions (defaults, CHECKs, index and view definitions) are kept as
 * the server prints them while search_path is `source schema, pg_catalog`:
 * objects of the source schema appear unqualified, so the DDL, run with
 * search_path `target schema, pg_catalog`, binds them to the copies in the
 * target schema.  Every string lives in IpgDb.arena. */
#ifndef PGMAP_INIT_PG_H
#define PGMAP_INIT_PG_H

#include <stddef.h>
#include <libpq-fe.h>
#include "util.h"

/* A sequence of the source schema, with its options as text. */
typedef struct IpgSeq {
    char *oid, *name, *type;
    char *start, *inc, *min, *max, *cache;
    int cycle;
    char *last;            /* its last_value; NULL while that is the unused start */
    int called;            /* is_called: last was handed out (nextval gives the next) */
    char *owner_oid;       /* table owning it (OWNED BY or identity), NULL = none */
    char *owner_col;
    char deptype;          /* 'i' identity, 'a' OWNED BY, 0 */
    char *nextval;         /* "nextval('name'::regclass)" as a default prints it */
    int ndefaults;         /* column defaults that use it */
    int with_column;       /* created by its column (identity, or serial made identity) */
    char *comment;
} IpgSeq;

typedef struct IpgColumn {
    char *name, *type;     /* type: format_type, qualified when not carried */
    int attnum, notnull, intlike;
    char *collation;       /* COLLATE clause when not the type's, else NULL */
    char *dflt;            /* pg_get_expr of the default or generation expression */
    char *dflt_funcs;      /* functions of the source schema it calls (not carried) */
    char identity;         /* 'a' ALWAYS, 'd' BY DEFAULT, 0 */
    char generated;        /* 's' stored, 'v' virtual, 0 */
    int serial;            /* nextval of its own sequence: becomes an identity */
    IpgSeq *seq;           /* identity or serial sequence */
    char *comment;
} IpgColumn;

/* A table constraint (p, u, f, c, x) or a domain CHECK. */
typedef struct IpgCon {
    char *name, *def, *funcs, *comment;
    char type;
    int validated, deferrable, notnull_cols;
    char **cols;           /* p/u: key columns in order */
    size_t ncols;
} IpgCon;

/* An index that backs no constraint.  rest is pg_get_indexdef after
 * "CREATE ... INDEX name ON schema.table USING am ", NULL when the text
 * did not start as expected (then the index is a note, never guessed). */
typedef struct IpgIndex {
    char *name, *def, *am, *rest, *funcs, *comment;
    int unique;
} IpgIndex;

typedef struct IpgTable {
    char *oid, *name, *comment;
    char kind;             /* 'r', or 'p' partitioned (created as a plain table) */
    int unlogged;
    char *partkey;         /* pg_get_partkeydef of a partitioned table */
    char *partitions;      /* its partitions, for the comment */
    char *parents;         /* inheritance parents (not partitions) */
    int inh_children;      /* has inheritance children: read only its own rows */
    IpgColumn *cols;
    size_t ncols;
    IpgCon *cons;
    size_t ncons;
    IpgIndex *idx;
    size_t nidx;
    const IpgCon *key;     /* the constraint the mapping's key comes from */
} IpgTable;

typedef struct IpgColComment {
    char *col, *text;
} IpgColComment;

typedef struct IpgView {
    char *oid, *name, *def, *options, *comment, *funcs;
    char kind;             /* 'v' or 'm' */
    int populated;
    IpgColComment *colcom;
    size_t ncolcom;
    IpgIndex *idx;         /* materialized views only */
    size_t nidx;
    char **deps;           /* oids of the views it reads */
    size_t ndeps;
    int done;              /* ordering pass */
} IpgView;

typedef struct IpgType {
    char *oid, *array_oid, *name, *comment;
    char kind;             /* 'e' enum, 'd' domain */
    char **labels;         /* enum */
    size_t nlabels;
    char *base, *base_oid, *collation, *dflt;  /* domain */
    int notnull;
    IpgCon *checks;
    size_t nchecks;
    int done;
} IpgType;

/* Something not carried: a warning, and SQL written as a comment. */
typedef struct IpgNote {
    char *text, *sql;
} IpgNote;

typedef struct IpgDb {
    Arena *arena;
    PGconn *c;
    const char *source;    /* as given (written into the mapping) */
    char *schema;          /* source schema */
    char *nsp;             /* its oid */
    const char *target;    /* target schema */
    int ext_in_schema;     /* extension objects live in the source schema */
    IpgTable *tables;
    size_t ntables;
    IpgSeq *seqs;
    size_t nseqs;
    IpgType *types;
    size_t ntypes;
    IpgView *views;
    size_t nviews;
    IpgNote *notes;
    size_t nnotes, capnotes;
} IpgDb;

/* init_pg.c: a query on the source (values as parameters); NULL with e
 * set ("source: WHAT: message").  And a note (a warning). */
PGresult *ipg_query(IpgDb *db, const char *what, const char *sql, int n, const char *const *p, PgmError *e);
char *ipg_val(IpgDb *db, const PGresult *r, int row, int col);   /* arena copy, NULL for NULL */
void ipg_note(IpgDb *db, const char *sql, const char *fmt, ...) PGM_PRINTF(3, 4);
/* Splits "a\x01b" (a string_agg with E'\x01') into an arena array. */
char **ipg_split(IpgDb *db, const char *s, size_t *n);

/* init_pg_catalog.c: the tables, their columns, constraints and indexes. */
int ipg_read_tables(IpgDb *db, PgmError *e);
int ipg_read_indexes(IpgDb *db, const char *reloid, IpgIndex **out, size_t *n, PgmError *e);

/* init_pg_objects.c: types and sequences (before the tables), then views,
 * extensions and the objects pgmap does not carry. */
int ipg_read_types(IpgDb *db, PgmError *e);
int ipg_read_sequences(IpgDb *db, PgmError *e);
void ipg_link_sequences(IpgDb *db);
int ipg_read_views(IpgDb *db, PgmError *e);
int ipg_read_uncarried(IpgDb *db, PgmError *e);

/* SQL text: the local functions (of the source schema, not an extension's)
 * an object (classid regclass name, objid SQL expression) depends on,
 * as one string, NULL when none.  $1 is the schema oid. */
#define IPG_FUNCS(classid, objid)                                                              \
    "(SELECT string_agg(DISTINCT p.oid::regprocedure::text, ', ') FROM pg_depend dp "         \
    "JOIN pg_proc p ON p.oid = dp.refobjid WHERE dp.classid = '" classid "'::regclass "        \
    "AND dp.objid = " objid " AND dp.refclassid = 'pg_proc'::regclass "                      \
    "AND p.pronamespace = $1::oid AND NOT EXISTS (SELECT 1 FROM pg_depend de "                \
    "WHERE de.classid = 'pg_proc'::regclass AND de.objid = p.oid AND de.deptype = 'e'))"

/* SQL text: true when the object is not a member of an extension (those
 * come with their extension and are never copied). */
#define IPG_NOT_MEMBER(classid, objid)                                                         \
    "NOT EXISTS (SELECT 1 FROM pg_depend dm WHERE dm.classid = '" classid "'::regclass "        \
    "AND dm.objid = " objid " AND dm.deptype = 'e')"

/* init_pg_ddl.c and init_pg_yaml.c. */
void ipg_write_ddl(const IpgDb *db, Buf *b);
void ipg_write_mapping(const IpgDb *db, const char *ddl_ref, Buf *b);
void ipg_comment_lines(Buf *b, const char *text);   /* "-- " before each line */
/* init_pg_comments.c: domain CHECKs added NOT VALID after the load, and
 * every COMMENT ON. */
void ipg_write_late_checks(const IpgDb *db, Buf *b);
void ipg_write_comments(const IpgDb *db, Buf *b);

#endif
