/* verify_findings.c - the list of differences verify collects (verify.h). */
#include "verify.h"

#include <stdlib.h>
#include <string.h>

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void vf_add(VerifyFindings *f, VerifyKind kind, const char *table, const char *object,
            const char *key_json, const char *column, const char *source, const char *target,
            const char *message, const char *where)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 16;
        f->v = xrealloc(f->v, f->cap * sizeof *f->v);
    }
    VerifyFinding *x = &f->v[f->n++];
    x->kind = kind;
    x->table = dup_or_null(table);
    x->object = dup_or_null(object);
    x->key_json = dup_or_null(key_json);
    x->column = dup_or_null(column);
    x->source = dup_or_null(source);
    x->target = dup_or_null(target);
    x->message = dup_or_null(message);
    x->where = dup_or_null(where);
}

void vf_free(VerifyFindings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        VerifyFinding *x = &f->v[i];
        free(x->table);
        free(x->object);
        free(x->key_json);
        free(x->column);
        free(x->source);
        free(x->target);
        free(x->message);
        free(x->where);
    }
    free(f->v);
    memset(f, 0, sizeof *f);
}

const char *vf_kind_name(VerifyKind k)
{
    static const char *const names[VF__COUNT] = {"schema", "count", "missing", "extra", "value",
                                                 "duplicate"};
    return k < VF__COUNT ? names[k] : "?";
}
