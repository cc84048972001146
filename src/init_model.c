/* init_model.c - allocation and lookups for the init model (see
 * init_model.h): strings live in the arena; the growable arrays are
 * malloc'd and released here. */
#include "init_model.h"

#include <stdlib.h>
#include <string.h>

const char *const profile_placeholders[PROFILE_PLACEHOLDERS] = {
    "", "N/A", "NULL", "0000-00-00", "0000-00-00 00:00:00", "-",
};

IDb *idb_new(void)
{
    IDb *db = xcalloc(1, sizeof *db);
    db->arena = arena_new();
    return db;
}

static void itable_free(ITable *t)
{
    for (size_t i = 0; i < t->nidx; i++)
        free(t->idx[i].cols);
    for (size_t i = 0; i < t->nfks; i++) {
        free(t->fks[i].cols);
        free(t->fks[i].ref);
    }
    free(t->cols);
    free(t->idx);
    free(t->fks);
    free(t->checks);
}

void idb_free(IDb *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->ntables; i++)
        itable_free(&db->tables[i]);
    free(db->tables);
    free(db->views);
    free(db->triggers);
    free(db->skipped);
    for (size_t i = 0; i < db->njob_arenas; i++)
        arena_free(db->job_arenas[i]);
    free(db->job_arenas);
    arena_free(db->arena);
    free(db);
}

ITable *idb_table(IDb *db, const char *name)
{
    for (size_t i = 0; name && i < db->ntables; i++)
        if (ascii_casecmp(db->tables[i].name, name) == 0)
            return &db->tables[i];
    return NULL;
}

int itable_column(const ITable *t, const char *name)
{
    for (size_t i = 0; name && i < t->ncols; i++)
        if (ascii_casecmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}
