/* init_match.c - `pgmap init SOURCE TARGET` when the target schema already
 * has tables (an application's DDL): instead of writing DDL, init matches
 * source tables and columns to the existing ones by name (exact, then
 * ignoring case, then as snake_case) and writes a mapping into them.
 * Target columns it cannot fill become TODO comments listing the source
 * columns nobody took, most similar first; source tables with no target
 * are listed as not loaded.  Types come from the target; init only adds
 * the operations the values need (epoch numbers into timestamps). */
#include "init.h"

#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "pgconn.h"

/* Names equal, equal ignoring case, or equal once both are snake_case. */
static int name_score(Arena *a, const char *src, const char *tgt)
{
    if (strcmp(src, tgt) == 0)
        return 3;
    if (ascii_casecmp(src, tgt) == 0)
        return 2;
    return strcmp(name_snake(a, src), name_snake(a, tgt)) == 0 ? 1 : 0;
}

static size_t common_prefix(const char *a, const char *b)
{
    size_t n = 0;
    while (a[n] && b[n] && (a[n] | 0x20) == (b[n] | 0x20))
        n++;
    return n;
}

int init_target_tables(PGconn *c, const char *schema, char ***names, size_t *n, PgmError *e)
{
    const char *params[] = {schema};
    PGresult *r = pg_query(c, "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                              "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1", 1, params, e);
    if (!r)
        return PGM_FAIL;
    *n = (size_t)PQntuples(r);
    *names = xcalloc(*n ? *n : 1, sizeof **names);
    for (size_t i = 0; i < *n; i++)
        (*names)[i] = xstrdup(PQgetvalue(r, (int)i, 0));
    PQclear(r);
    return PGM_OK;
}

static void write_todo(Arena *a, const ITable *s, const int *used, const TgtColumn *tc, Buf *b)
{
    buf_puts(b, "      # TODO: ");
    yaml_scalar(b, tc->name);
    buf_printf(b, " (%s%s%s): no source column has this name", tc->type.name, tc->notnull ? ", NOT NULL" : "",
               tc->default_expr || tc->identity ? ", has a default" : "");
    size_t shown = 0;
    for (size_t best = 64; best > 0 && shown < 5; best--)
        for (size_t k = 0; k < s->ncols && shown < 5; k++) {
            size_t p = common_prefix(s->cols[k].name, tc->name);
            if (used[k] || p != best)
                continue;
            buf_printf(b, "%s%s", shown++ ? ", " : "; candidates: ", s->cols[k].name);
        }
    for (size_t k = 0; k < s->ncols && shown < 5; k++)
        if (!used[k] && common_prefix(s->cols[k].name, tc->name) == 0)
            buf_printf(b, "%s%s", shown++ ? ", " : "; candidates: ", s->cols[k].name);
    buf_putc(b, '\n');
    (void)a;
}

/* The operations a source column needs to reach the target type: only
 * epoch numbers into timestamps; everything else is pgmap's own cast. */
static const char *ops_for(Arena *a, const IColumn *sc, const TgtColumn *tc)
{
    const ColProfile *p = &sc->prof;
    int ts = tc->type.kind == PT_TIMESTAMP || tc->type.kind == PT_TIMESTAMPTZ || tc->type.kind == PT_DATE;
    if (!ts || p->ntext || p->nblob || !(p->nint + p->nreal))
        return NULL;
    long long m = llabs(p->imin) > llabs(p->imax) ? llabs(p->imin) : llabs(p->imax);
    return arena_printf(a, "[{epoch: %s}]", m < 100000000000LL ? "s" : m < 100000000000000LL ? "ms" : "us");
}

static void write_matched_table(IDb *db, const ITable *s, const TgtTable *t, Buf *b)
{
    buf_puts(b, "\n  ");
    yaml_scalar(b, t->name);
    buf_printf(b, ":   # %lld row%s from source table ", s->rows, s->rows == 1 ? "" : "s");
    buf_puts(b, s->name);
    buf_puts(b, "\n    from: ");
    yaml_scalar(b, s->name);
    buf_puts(b, "\n    columns:\n");
    int *used = xcalloc(s->ncols + 1, sizeof *used);
    for (size_t i = 0; i < t->ncols; i++) {
        const TgtColumn *tc = &t->cols[i];
        int best = -1, score = 0;
        for (size_t k = 0; k < s->ncols; k++) {
            int sc = used[k] ? 0 : name_score(db->arena, s->cols[k].name, tc->name);
            if (sc > score) {
                score = sc;
                best = (int)k;
            }
        }
        if (best < 0) {
            if (!tc->generated)
                write_todo(db->arena, s, used, tc, b);
            continue;
        }
        used[best] = 1;
        const IColumn *c = &s->cols[best];
        const char *ops = ops_for(db->arena, c, tc);
        buf_puts(b, "      ");
        yaml_scalar(b, tc->name);
        buf_puts(b, ": ");
        if (ops) {
            buf_puts(b, "{from: ");
            yaml_scalar(b, c->name);
            buf_printf(b, ", ops: %s}", ops);
        } else {
            yaml_scalar(b, c->name);
        }
        buf_printf(b, "   # %s <- %s%s\n", tc->type.name, c->decl[0] ? c->decl : "(no declared type)",
                   ops ? ", epoch numbers" : "");
    }
    for (size_t k = 0; k < s->ncols; k++)
        if (!used[k])
            buf_printf(b, "      # source column %s has no target column: not loaded\n", s->cols[k].name);
    free(used);
}

/* Writes the mapping into the existing tables; returns the number of
 * target tables matched. */
int init_write_matched(IDb *db, PGconn *c, const char *source, char **tnames, size_t nt, Buf *b, PgmError *e)
{
    buf_puts(b, "# Written by `pgmap init` from ");
    buf_puts(b, source);
    buf_printf(b, " into the existing tables of schema %s.\n"
                  "# Tables and columns are matched by name (exact, ignoring case, or as\n"
                  "# snake_case); the target's types, keys and constraints apply.  Search for\n"
                  "# TODO: target columns no source column fills.\n\nversion: 1\nsource: ", db->schema);
    yaml_scalar(b, source);
    buf_puts(b, "\ntarget: ${PGMAP_TARGET:-}   # or --target; empty: the PG* environment variables\nschema: ");
    yaml_scalar(b, db->schema);
    buf_puts(b, "\n\ntables:");
    int *taken = xcalloc(db->ntables + 1, sizeof *taken);
    int matched = 0;
    for (size_t i = 0; i < nt; i++) {
        int best = -1, score = 0;
        for (size_t k = 0; k < db->ntables; k++) {
            int sc = taken[k] ? 0 : name_score(db->arena, db->tables[k].name, tnames[i]);
            if (sc > score) {
                score = sc;
                best = (int)k;
            }
        }
        if (best < 0) {
            buf_puts(b, "\n  # TODO: target table ");
            buf_puts(b, tnames[i]);
            buf_puts(b, ": no source table has this name\n");
            continue;
        }
        TgtTable t;
        memset(&t, 0, sizeof t);
        if (catalog_table(c, db->schema, tnames[i], &t, e) < 0) {
            free(taken);
            return -1;
        }
        taken[best] = 1;
        matched++;
        write_matched_table(db, &db->tables[best], &t, b);
        tgttable_free(&t);
    }
    buf_putc(b, '\n');
    for (size_t k = 0; k < db->ntables; k++)
        if (!taken[k])
            buf_printf(b, "# source table %s has no target table: not loaded\n", db->tables[k].name);
    free(taken);
    return matched;
}
