/* reader.c - picks the source kind from a URI and frees what readers
 * return.  The table of schemes is the one place that knows which sources
 * exist: a new source kind is a new reader_*.c file plus one line here. */
#include "reader.h"

#include <stdlib.h>
#include <string.h>

typedef struct Scheme {
    const char *prefix;         /* matched at the start of the URI */
    int strip;                  /* remove the prefix before opening */
    const ReaderOps *ops;
} Scheme;

/* PostgreSQL sources are URIs only.  A libpq keyword string ("host=db
 * dbname=shop") is not recognised: it is also a legal file name, and a
 * plain path means SQLite, so telling them apart would be a guess.  Every
 * keyword can be given as a URI parameter instead. */
static const Scheme schemes[] = {
    {"postgresql://", 0, &reader_pg_ops},
    {"postgres://", 0, &reader_pg_ops},
    {"sqlite://", 1, &reader_sqlite_ops},
    {"sqlite:", 1, &reader_sqlite_ops},
    {"file:", 0, &reader_sqlite_ops},   /* SQLite understands file: URIs itself */
};

int reader_open(const char *uri, Reader **out, PgmError *e)
{
    *out = NULL;
    if (!uri || !*uri) {
        err_set(e, "no source given (set `source:` in the mapping or use --source)");
        return PGM_FAIL;
    }
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        size_t n = strlen(schemes[i].prefix);
        if (strncmp(uri, schemes[i].prefix, n) == 0)
            return schemes[i].ops->open(schemes[i].strip ? uri + n : uri, out, e);
    }
    /* A plain path is a SQLite file: the common case needs no scheme. */
    return reader_sqlite_ops.open(uri, out, e);
}

void reader_close(Reader *r)
{
    if (r)
        r->ops->close(r);
}

void reader_free_names(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

void srctable_free(SrcTable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ncols; i++) {
        free(t->cols[i].name);
        free(t->cols[i].decl_type);
    }
    free(t->cols);
    free(t->name);
    free(t->rowid_name);
    memset(t, 0, sizeof *t);
}
