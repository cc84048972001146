/* exec_lastrow.c - LastRow (exec.h): the values of the order or cursor
 * columns of the last row read, copied out of the source's row so they
 * outlive it (the batch holding that row is flushed later, with the
 * position as its checkpoint). */
#include "exec.h"

#include <stdlib.h>
#include <string.h>

void lastrow_init(LastRow *l, const int *src, size_t n)
{
    memset(l, 0, sizeof *l);
    l->src = src;
    l->n = n;
    l->vals = xcalloc(n + 1, sizeof *l->vals);
    buf_init(&l->store);
}

void lastrow_free(LastRow *l)
{
    free(l->vals);
    buf_free(&l->store);
    memset(l, 0, sizeof *l);
}

/* Copies the tracked values of row: they borrow the source's memory only
 * until the next row, and the last batch is flushed after the end. */
void lastrow_keep(LastRow *l, const Value *row)
{
    buf_reset(&l->store);
    size_t *off = l->n ? xcalloc(l->n, sizeof *off) : NULL;
    for (size_t k = 0; k < l->n; k++) {
        const Value *v = &row[l->src[k]];
        l->vals[k] = *v;
        off[k] = l->store.len;
        if (v->kind == VAL_TEXT || v->kind == VAL_BLOB)
            buf_append(&l->store, v->s ? v->s : "", v->len);
    }
    for (size_t k = 0; k < l->n; k++)
        if (l->vals[k].kind == VAL_TEXT || l->vals[k].kind == VAL_BLOB)
            l->vals[k].s = l->store.data ? l->store.data + off[k] : "";
    free(off);
    l->any = 1;
}

void lastrow_pos(const LastRow *l, StatePos *out)
{
    statepos_free(out);
    for (size_t k = 0; l->any && k < l->n; k++)
        statepos_add(out, &l->vals[k]);
}
