/* verify_ddl_list.c - lists of names (columns of a key, an index, a
 * foreign key) for the DDL recognizer of `pgmap verify` (verify_ddl.h):
 * built by the recognizer, compared and printed by the schema checks. */
#include "verify_ddl_internal.h"

#include <stdlib.h>
#include <string.h>

void vd_list_push(VdList *l, const char *s)
{
    l->v = vd_grow(l->v, l->n, sizeof *l->v);
    l->v[l->n++] = xstrdup(s);
}

void vd_list_free(VdList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

/* Every name of a is in b. */
static int list_within(const VdList *a, const VdList *b)
{
    for (size_t i = 0; i < a->n; i++) {
        size_t k = 0;
        while (k < b->n && strcmp(a->v[i], b->v[k]) != 0)
            k++;
        if (k == b->n)
            return 0;
    }
    return 1;
}

int vd_list_same(const VdList *a, const VdList *b, int any_order)
{
    if (a->n != b->n)
        return 0;
    if (any_order)
        return list_within(a, b) && list_within(b, a);
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->v[i], b->v[i]) != 0)
            return 0;
    return 1;
}

void vd_list_print(Buf *b, const VdList *l)
{
    buf_putc(b, '(');
    for (size_t i = 0; i < l->n; i++)
        buf_printf(b, "%s%s", i ? ", " : "", l->v[i]);
    buf_putc(b, ')');
}

void vd_list_split(VdList *l, const char *text, char sep)
{
    while (text && *text) {
        const char *end = strchr(text, sep);
        size_t n = end ? (size_t)(end - text) : strlen(text);
        char *s = xstrndup(text, n);
        vd_list_push(l, s);
        free(s);
        text += n + (end ? 1 : 0);
    }
}
