/* plan_keys.c - chooses a table's conflict key and load mode, and which
 * source values name a row in the rejects file.
 *
 * The key decides what "the same row" means on a re-run: the declared
 * `key`, else the target's primary key, else its only fully-mapped unique
 * index.  ON CONFLICT needs a unique index on exactly those columns, so an
 * explicit key without one is an error here rather than a SQL error later,
 * except on a table this run's ddl file created, whose keys come after the
 * load: it is loaded with insert. */
#include "plan_internal.h"

#include <stdlib.h>
#include <string.h>

static int plan_column_index(const PlanTable *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Plan column indexes of an index's columns, or 0 if one is not filled. */
static int index_to_key(const PlanTable *t, const TgtIndex *x, int *key)
{
    if (x->partial || x->expression || x->ncols == 0)
        return 0;
    for (size_t k = 0; k < x->ncols; k++) {
        int pc = x->cols[k] < 0 ? -1 : plan_column_index(t, t->tgt.cols[x->cols[k]].name);
        if (pc < 0)
            return 0;
        key[k] = pc;
    }
    return 1;
}

static int same_column_set(const int *a, size_t na, const int *b, size_t nb)
{
    if (na != nb)
        return 0;
    for (size_t i = 0; i < na; i++) {
        int found = 0;
        for (size_t k = 0; k < nb && !found; k++)
            found = a[i] == b[k];
        if (!found)
            return 0;
    }
    return 1;
}

static int has_unique_index_on(const PlanTable *t, const int *key, size_t nkey)
{
    int *tmp = xcalloc(t->tgt.ncols + 1, sizeof *tmp);
    int found = 0;
    for (size_t i = 0; i < t->tgt.nidx && !found; i++) {
        const TgtIndex *x = &t->tgt.idx[i];
        if (x->unique && index_to_key(t, x, tmp))
            found = same_column_set(tmp, x->ncols, key, nkey);
    }
    free(tmp);
    return found;
}

static int declared_key(ColCtx *x)
{
    PlanTable *t = x->t;
    const TableMap *tm = x->tm;
    t->key = xcalloc(tm->nkey + 1, sizeof *t->key);
    for (size_t k = 0; k < tm->nkey; k++) {
        int pc = plan_column_index(t, tm->key[k]);
        if (pc < 0) {
            diag_error(x->d, tm->key_pos.line, tm->key_pos.col,
                       "key column \"%s\" is not a filled column of %s", tm->key[k], t->label);
            return PGM_FAIL;
        }
        t->key[t->nkey++] = pc;
    }
    if (!has_unique_index_on(t, t->key, t->nkey)) {
        if (t->created)
            return PGM_OK;   /* the ddl's after part makes it: see choose_key_and_mode */
        diag_error(x->d, tm->key_pos.line, tm->key_pos.col,
                   "key of %s needs a primary key or unique index on exactly these columns "
                   "in the target", t->label);
        return PGM_FAIL;
    }
    return PGM_OK;
}

/* Primary key first, then the only complete unique index. */
static void implied_key(PlanTable *t)
{
    t->key = xcalloc(t->tgt.ncols + 1, sizeof *t->key);
    const TgtIndex *pk = tgttable_primary(&t->tgt);
    if (pk && index_to_key(t, pk, t->key)) {
        t->nkey = pk->ncols;
        return;
    }
    const TgtIndex *only = NULL;
    size_t count = 0;
    for (size_t i = 0; i < t->tgt.nidx; i++) {
        const TgtIndex *x = &t->tgt.idx[i];
        if (x->unique && !x->primary && index_to_key(t, x, t->key)) {
            only = x;
            count++;
        }
    }
    if (count == 1 && index_to_key(t, only, t->key))
        t->nkey = only->ncols;
}

int choose_key_and_mode(ColCtx *x)
{
    PlanTable *t = x->t;
    const TableMap *tm = x->tm;
    if (tm->nkey) {
        if (declared_key(x) != PGM_OK)
            return PGM_FAIL;
    } else {
        implied_key(t);
    }
    t->mode = tm->mode != MODE_UNSET ? tm->mode : (t->nkey ? MODE_UPSERT : MODE_INSERT);
    /* A table this run's ddl file created is empty, and its key may only be
     * made after the load (ddl_script.h).  Until then ON CONFLICT has no
     * index to work with; on an empty table upsert and ignore insert every
     * row anyway, so plain COPY does the same.  Duplicate keys in the
     * source then meet the key when the after part creates it. */
    if (t->created && (t->mode == MODE_UPSERT || t->mode == MODE_IGNORE) &&
        (t->nkey == 0 || !has_unique_index_on(t, t->key, t->nkey))) {
        t->later_mode = t->mode;
        t->mode = MODE_INSERT;
    }
    if (t->mode == MODE_UPSERT && t->nkey == 0) {
        Pos pos = tm->mode != MODE_UNSET ? tm->mode_pos : tm->pos;
        diag_error(x->d, pos.line, pos.col,
                   "mode upsert needs a key: %s has no primary key or unique index that the "
                   "mapping fills (declare `key:`)", t->label);
        return PGM_FAIL;
    }
    return PGM_OK;
}

void choose_reject_ids(ColCtx *x)
{
    PlanTable *t = x->t;
    /* Restructuring reads one source row into several tables by computed
     * keys: the source's own key is what names "the broken row" there. */
    int by_source = x->shape->npk > 0 && !x->tm->query && plan_is_restructuring(t);
    size_t n = t->nkey && !by_source ? t->nkey : x->shape->npk;
    t->id_src = xcalloc(n + 1, sizeof *t->id_src);
    t->id_names = xcalloc(n + 1, sizeof *t->id_names);
    if (t->nkey && !by_source) {
        for (size_t k = 0; k < t->nkey; k++) {
            t->id_src[k] = t->cols[t->key[k]].src;
            t->id_names[k] = (char *)t->cols[t->key[k]].src_desc;
        }
        t->nid = t->nkey;
        return;
    }
    if (x->tm->query)
        return;   /* a query has no known key: rows are named by number */
    for (size_t k = 0; k < x->shape->npk; k++) {
        int si = plan_select_item(t, x->shape->pk[k], x->cap);
        if (si < 0)
            continue;
        t->id_src[t->nid] = si;
        t->id_names[t->nid++] = t->src_cols[si];
    }
}
