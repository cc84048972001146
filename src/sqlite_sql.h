/* sqlite_sql.h - reads the SQL text SQLite keeps in sqlite_master and
 * translates its pieces into PostgreSQL, for `pgmap init`.
 *
 * SQLite keeps CREATE statements as the user wrote them; defaults, CHECK
 * constraints, index expressions, partial-index WHERE clauses, generated
 * columns and views are only available as that text.  This module has a
 * tokenizer for SQLite's SQL (quotes "x" [x] `x`, 'strings', X'blobs',
 * numbers, comments, operators) and translators that either produce
 * PostgreSQL text that means the same thing, or refuse with a reason.  A
 * refusal is never an error: init writes the reason as a comment.
 *
 * Identifiers: every identifier that names a known table or column (the
 * rename callback answers) is written with the target spelling, always
 * double-quoted with "" doubling.  Other identifiers (aliases, keywords
 * used as names) are kept; quoted ones stay quoted in PostgreSQL style. */
#ifndef PGMAP_SQLITE_SQL_H
#define PGMAP_SQLITE_SQL_H

#include <stddef.h>
#include "pgtype.h"

/* How source identifiers are spelled in the target.  rename() gets the
 * identifier as written (unquoted form, case as written) and returns the
 * target name (unquoted; the translator quotes it) when it is a known
 * table or column name, matched case-insensitively as SQLite does, or NULL
 * when it is not known.  rename may be NULL: nothing is known, names keep
 * their spelling (and are quoted). */
typedef struct SqlNames {
    const char *(*rename)(void *ud, const char *ident);
    void *ud;
} SqlNames;

/* The result of one translation: sql is malloc'd PostgreSQL text, or NULL
 * with why saying what could not be translated ("uses typeof()"). */
typedef struct SqlXlate {
    char *sql;
    char why[256];
} SqlXlate;

void sqlx_free(SqlXlate *x);

/* An expression (CHECK, index expression, partial-index WHERE, generated
 * column).  Returns 0 when translated, -1 when not (why set). */
int sqlx_expr(const char *expr, const SqlNames *n, SqlXlate *out);

/* A column default as PRAGMA table_info gives it (the text after DEFAULT:
 * "0", "'abc'", "CURRENT_TIMESTAMP", "(datetime('now'))", "-1", "X'00'",
 * "NULL", "TRUE").  kind is the PostgreSQL type chosen for the column; the
 * translation depends on it (CURRENT_TIMESTAMP on a timestamp column is
 * the UTC wall clock, as SQLite stores it; on a text column it is the text
 * SQLite would store).  Returns 0 when translated (out->sql may be NULL
 * for DEFAULT NULL: no default), -1 when not. */
int sqlx_default(const char *dflt, PgTypeKind kind, const SqlNames *n, SqlXlate *out);

/* A view: create_sql is sqlite_master.sql of the view.  out->sql is the
 * translated SELECT (no CREATE VIEW). */
int sqlx_view(const char *create_sql, const SqlNames *n, SqlXlate *out);

/* CHECK constraints of a CREATE TABLE statement, column and table level,
 * in order.  name is the CONSTRAINT name or NULL; column is the column of
 * a column-level CHECK or NULL; expr is the SQLite expression text (inside
 * the parentheses).  Free with sqlx_checks_free. */
typedef struct SqlCheck {
    char *name;
    char *column;
    char *expr;
} SqlCheck;
int sqlx_table_checks(const char *create_sql, SqlCheck **out, size_t *n);
void sqlx_checks_free(SqlCheck *c, size_t n);

/* Generated columns of a CREATE TABLE statement: column name, SQLite
 * expression text, stored (1) or virtual (0).  Free with
 * sqlx_generated_free. */
typedef struct SqlGenerated {
    char *column;
    char *expr;
    int stored;
} SqlGenerated;
int sqlx_generated_columns(const char *create_sql, SqlGenerated **out, size_t *n);
void sqlx_generated_free(SqlGenerated *g, size_t n);

/* A CREATE [UNIQUE] INDEX statement: elems->sql is the PostgreSQL element
 * list without the parentheses ("\"a\", lower(\"b\") DESC"); where->sql
 * is the partial-index predicate or NULL.  COLLATE NOCASE on an element
 * becomes lower(element) so case-insensitive uniqueness keeps its meaning;
 * COLLATE BINARY is dropped; COLLATE RTRIM becomes rtrim(element).
 * Returns 0 when both translate, -1 otherwise (the failing part's why). */
int sqlx_index(const char *create_sql, const SqlNames *n, SqlXlate *elems, SqlXlate *where);

#endif
