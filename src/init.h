/* init.h - the parts of `pgmap init` and `pgmap schema`, in the order
 * init.c calls them: read the SQLite catalog, scan the values, choose
 * names and types, translate SQLite SQL, count orphans, write the DDL and
 * the mapping.  The model they share is in init_model.h. */
#ifndef PGMAP_INIT_H
#define PGMAP_INIT_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include "init_model.h"

/* init_catalog.c: tables, columns, keys, indexes, FKs, views, triggers. */
int init_catalog_read(sqlite3 *s, IDb *db, PgmError *e);

/* init_scan.c: one pass over every table (or the first `sample` rows of
 * each when sample > 0) filling ITable.rows and every ColProfile. */
int init_scan(sqlite3 *s, IDb *db, long sample, PgmError *e);
/* One table's pass; what it keeps (examples) is allocated in arena. */
int init_scan_table(sqlite3 *s, ITable *t, long sample, Arena *arena, PgmError *e);

/* init_names.c: target names for tables, columns, indexes, constraints
 * and views (db->naming), shortened to 63 bytes without collisions. */
void init_assign_names(IDb *db);
char *name_snake(Arena *a, const char *s);

/* init_types.c: the PostgreSQL type of every column, with its reason,
 * operations and warnings (from the declared type and the profile). */
void init_choose_types(IDb *db);

/* init_translate.c: defaults, CHECKs, views (uses sqlite_sql.h), and
 * foreign keys that cannot exist in PostgreSQL (drop_reason). */
void init_translate(IDb *db);

/* init_fk.c: orphans per foreign key (count and example keys). */
int init_count_orphans(sqlite3 *s, IDb *db, PgmError *e);
/* One foreign key's orphans; the examples are allocated in arena. */
int init_count_orphans_of(sqlite3 *s, IDb *db, const ITable *t, IFk *fk, Arena *arena, PgmError *e);
/* One orphan example, the current row's n first columns ("5", "(1, x)"),
 * appended to ex without a separator. */
void init_orphan_example(Buf *ex, sqlite3_stmt *st, size_t n);

/* init_fk_hash.c: the same count as a hashed anti-join (two sequential
 * scans instead of one index probe per child row) in bounded memory.
 * Returns 1 when it counted (fk->orphans and fk->orphan_examples set),
 * 0 when it does not apply or failed (fk untouched: use the SQL path). */
int init_count_orphans_hashed(sqlite3 *s, IDb *db, const ITable *t, IFk *fk, Arena *arena);
/* Parent keys held at once (the hash table has twice as many slots);
 * more keys are split into passes.  0 turns the hash path off.  Returns
 * the previous limit.  For tests: not to be called while counts run. */
size_t init_orphans_hash_limit(size_t max_keys);
/* init_par.c: init_scan and init_count_orphans with `jobs` readers at
 * once, each on its own connection to path (jobs <= 1: one after another
 * on s). */
int init_scan_par(sqlite3 *s, const char *path, IDb *db, long sample, int jobs, PgmError *e);
int init_count_orphans_par(sqlite3 *s, const char *path, IDb *db, int jobs, PgmError *e);

/* init_ddl.c: the whole DDL script (tables, then `-- pgmap: after load`,
 * keys, indexes, FKs, views). */
void init_write_ddl(const IDb *db, Buf *out);

/* init_yaml.c: the mapping.  source and ddl are written as given. */
void init_write_mapping(const IDb *db, const char *source, const char *ddl, Buf *out);
void yaml_scalar(Buf *b, const char *s);

/* init_match.c: an existing target schema.  init_target_tables lists its
 * tables; init_write_matched writes a mapping into them (no DDL) and
 * returns how many target tables matched a source table, -1 on error. */
int init_target_tables(PGconn *c, const char *schema, char ***names, size_t *n, PgmError *e);
int init_write_matched(IDb *db, PGconn *c, const char *source, char **tnames, size_t nt, Buf *b, PgmError *e);

/* init_sqltext.c: small facts read from CREATE TABLE text. */
int sql_fk_deferred(const char *create_sql, const char *parent);
int sql_without_rowid(const char *create_sql);
char *sql_virtual_module(Arena *a, const char *create_sql);

/* init.c: writes content to path through a temporary file and rename;
 * an existing file is kept unless force. */
int init_write_file(const char *path, const Buf *content, int force, PgmError *e);

/* init_pg.c: `pgmap init postgresql://...[?schema=S]`: the mapping (at
 * output, naming the DDL as ddl_ref) and the DDL (at ddl) that copy schema
 * S (default public) into the target schema `schema`.  Returns PGM_OK, 1
 * when there were warnings (printed on stderr), PGM_FAIL with e set. */
int init_pg_is_uri(const char *source);
char *init_pg_source_schema(const char *uri);   /* malloc'd */
int init_pg_run(const char *source, const char *output, const char *ddl, const char *ddl_ref,
                const char *schema, int force, int quiet, PgmError *e);

/* Helpers shared by the writers. */
void sql_quote_ident(Buf *b, const char *ident);       /* "ident" with "" doubling */
void sql_quote_qualified(Buf *b, const char *schema, const char *name);
void sql_quote_literal(Buf *b, const char *s);         /* 'text' with '' doubling */

#endif
