/* lookup.h - the runtime of the `lookup` operation: replaces a natural key
 * (a customer's email) by the key another target table holds for it (its
 * customer_id), reading that table through the loader's connection, so it
 * sees the rows this run or dry run has just written.
 *
 * Lookups are cached.  When a table is about to be converted, each of its
 * lookups reads the whole referenced table at once if it has at most
 * LOOKUP_PREFETCH_MAX rows (one query instead of one per value); a larger
 * table is asked one key at a time, with a bounded cache, so memory stays
 * small whatever the size.  A key that matches no row, or several rows, is
 * a failure of the value (on_error applies): never a silent NULL or an
 * arbitrary pick. */
#ifndef PGMAP_LOOKUP_H
#define PGMAP_LOOKUP_H

#include <libpq-fe.h>
#include "pgtype.h"
#include "util.h"
#include "value.h"

#define LOOKUP_PREFETCH_MAX 200000
#define LOOKUP_CACHE_MAX 100000

typedef struct Lookup Lookup;

/* label: "schema.table" for messages.  key_type: the key column's type,
 * whose input form is what keys are compared in. */
Lookup *lookup_new(const char *schema, const char *table, const char *key, const char *value,
                   const PgType *key_type, PGconn *c);
void lookup_free(Lookup *lk);
const char *lookup_table_label(const Lookup *lk);

/* Forgets what was cached and, when the table is small, reads it whole
 * (called before each pass over a table that uses the lookup). */
int lookup_prepare(Lookup *lk, PGconn *c, PgmError *e);
/* 1 when lookup_run may need the connection (the table was too large to
 * read whole), 0 when every answer is in memory. */
int lookup_needs_connection(const Lookup *lk);

/* Replaces *v by the value for it.  NULL stays NULL.  Returns 0; -1 with a
 * reason in msg when no row or several rows match; -2 on a database error
 * (e set). */
int lookup_run(Lookup *lk, PGconn *c, Value *v, Arena *scratch, char *msg, size_t msglen, PgmError *e);

#endif
