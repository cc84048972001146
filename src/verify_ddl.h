/* verify_ddl.h - what a mapping's DDL file creates, as far as `pgmap verify`
 * checks it (verify_schema.c).
 *
 * A recognizer, not a parser: it picks out of each statement the tables with
 * their columns and declared types, primary keys, unique constraints,
 * foreign keys, indexes and sequences, and counts every statement, table
 * element or ALTER action it does not understand as unchecked.  It never
 * fails: a DDL file PostgreSQL accepts may use syntax this does not know,
 * and an unchecked object is reported as such rather than misread.
 *
 * Names are as PostgreSQL sees them: unquoted identifiers folded to lower
 * case, quoted ones exact.  A name without a schema is kept without one
 * (unless the file set its search_path first); the checker resolves it
 * through the connection's search_path, as the server did when it ran the
 * file. */
#ifndef PGMAP_VERIFY_DDL_H
#define PGMAP_VERIFY_DDL_H

#include <stddef.h>
#include "ddl_script.h"
#include "util.h"

typedef struct VdList {
    char **v;
    size_t n;
} VdList;

typedef struct VdName {
    char *schema;        /* NULL: not qualified in the file */
    char *name;
} VdName;

typedef struct VdColumn {
    char *name;
    char *type;          /* as declared, tokens joined ("timestamp with time zone",
                            "character varying(20)", "int[]"); serial types as
                            integer/bigint/smallint; NULL when none is written */
    int serial;          /* serial, bigserial, smallserial: owns a sequence */
    int identity;        /* GENERATED ... AS IDENTITY */
    int line;            /* line of the statement that declares it */
} VdColumn;

typedef struct VdTable {
    VdName name;
    VdColumn *cols;
    size_t ncols;
    int line;
    int created;         /* by CREATE TABLE; 0: only ALTER TABLE ... ADD COLUMN */
} VdTable;

typedef enum VdConKind { VD_PRIMARY, VD_UNIQUE, VD_FOREIGN } VdConKind;

typedef struct VdConstraint {
    VdConKind kind;
    char *name;          /* CONSTRAINT name, NULL when unnamed */
    VdName table;
    VdList cols;
    VdName ref;          /* VD_FOREIGN: the referenced table */
    VdList ref_cols;     /* VD_FOREIGN: empty = the referenced table's primary key */
    int line;
} VdConstraint;

typedef struct VdIndex {
    char *name;          /* NULL: unnamed (the server chose one) */
    VdName table;
    int unique;
    int expression;      /* an item is an expression: cols is empty */
    int partial;         /* has a WHERE clause */
    VdList cols;         /* the plain column items, in order */
    int line;
} VdIndex;

typedef struct VdSequence {
    VdName name;
    int line;
} VdSequence;

typedef struct VdDdl {
    VdTable *tables;     /* in file order; ALTER TABLE ADD COLUMN joins its table */
    size_t ntables;
    VdConstraint *cons;
    size_t ncons;
    VdIndex *indexes;
    size_t nindexes;
    VdSequence *seqs;
    size_t nseqs;
    long unchecked;      /* statements, table elements and ALTER actions not understood */
    /* The first schema of the last `SET search_path`: a name without a
     * schema after it gets this one, where the server created it. */
    char *search_schema;
} VdDdl;

/* Adds what one statement (sql, starting at line `line` of its file)
 * creates to d (zero-initialise d before the first call).  CREATE SCHEMA,
 * SET, RESET and transaction control create nothing to check and are not
 * counted; anything else not understood adds to d->unchecked. */
void vd_statement(VdDdl *d, const char *sql, int line);
/* vd_statement over both parts of a script, before part first. */
void vd_script(VdDdl *d, const DdlScript *s);
void vd_free(VdDdl *d);

/* Small helpers on name lists, shared with the checker. */
void vd_list_push(VdList *l, const char *s);
void vd_list_free(VdList *l);
/* Equal lists; any_order: the same names in any order. */
int vd_list_same(const VdList *a, const VdList *b, int any_order);
/* Appends "(a, b)" to b. */
void vd_list_print(Buf *b, const VdList *l);
/* Splits text at sep into l (no entries for an empty text). */
void vd_list_split(VdList *l, const char *text, char sep);

#endif
