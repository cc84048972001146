/* ops_test.h - helpers shared by the operation unit tests (t_ops.c,
 * t_ops_time.c): build an op from YAML with the real loader, run it on a
 * value, and render the result or the failure as one comparable string. */
#ifndef PGMAP_OPS_TEST_H
#define PGMAP_OPS_TEST_H

#include "diag.h"
#include "ops.h"
#include "util.h"
#include "value.h"
#include "ynode.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

static Arena *scratch;

/* Compiles the list item written as YAML (e.g. "trim" or "{in: [a, b]}")
 * from a mapping "ops:\n  - ITEM\n", so the item sits at line 2, column 5. */
static int compile(Op *op, const char *item, Diags *d)
{
    char text[2048];
    snprintf(text, sizeof text, "ops:\n  - %s\n", item);
    Arena *a = arena_new();
    diags_init(d, "t.yaml");
    YNode *root = yaml_doc_load_string("t.yaml", text, a, d);
    if (d->n)
        root = NULL; /* the test's YAML itself is wrong */
    const YNode *ops = root ? ymap_get(root, "ops") : NULL;
    int rc = -2;
    if (ops && ops->kind == YN_SEQ && ops->n == 1)
        rc = op_compile(op, ops->items[0], d);
    arena_free(a);
    return rc;
}

/* Renders a result: "NULL", "i:42", "b:1", "r:1.5", text as is (NUL as
 * \0), or "ERR:message". */
static const char *show(int rc, const Value *v, const char *msg)
{
    static char buf[4096];
    if (rc != 0) {
        snprintf(buf, sizeof buf, "ERR:%s", msg);
        return buf;
    }
    switch (v->kind) {
    case VAL_NULL: return "NULL";
    case VAL_INT: snprintf(buf, sizeof buf, "i:%lld", (long long)v->i); return buf;
    case VAL_BOOL: snprintf(buf, sizeof buf, "b:%lld", (long long)v->i); return buf;
    case VAL_REAL: snprintf(buf, sizeof buf, "r:%.17g", v->d); return buf;
    case VAL_BLOB: snprintf(buf, sizeof buf, "blob:%zu", v->len); return buf;
    case VAL_TEXT: break;
    }
    size_t o = 0;
    for (size_t i = 0; i < v->len && o + 3 < sizeof buf; i++) {
        if (v->s[i] == '\0') {
            buf[o++] = '\\';
            buf[o++] = '0';
        } else {
            buf[o++] = v->s[i];
        }
    }
    buf[o] = '\0';
    if (v->s[v->len] != '\0')
        return "NOT NUL-TERMINATED";
    return buf;
}

/* Runs op `item` on v and returns show(). */
static const char *run(const char *item, Value v)
{
    Op op;
    Diags d;
    static char buf[4096];
    if (compile(&op, item, &d) != 0) {
        snprintf(buf, sizeof buf, "COMPILE FAILED: %s", d.n ? d.v[0].msg : "?");
        diags_free(&d);
        return buf;
    }
    diags_free(&d);
    char msg[512];
    int rc = op_run(&op, &v, scratch, msg, sizeof msg);
    snprintf(buf, sizeof buf, "%s", show(rc, &v, msg));
    op_free(&op);
    arena_reset(scratch);
    return buf;
}

static Value T(const char *s) { return value_text(s, strlen(s)); }

#define RUN(item, val, want) is_str(run(item, val), want, "%s on %s", item, #val)

/* Expects op_compile to fail with the first diagnostic at line:col. */
static void cerr(const char *item, int line, int col, const char *want)
{
    Op op;
    Diags d;
    int rc = compile(&op, item, &d);
    ok(rc == -1, "compile fails: %s", item);
    if (rc == 0)
        op_free(&op);
    is_str(d.n ? d.v[0].msg : NULL, want, "message for %s", item);
    is_int(d.n ? d.v[0].line : 0, line, "line for %s", item);
    is_int(d.n ? d.v[0].col : 0, col, "col for %s", item);
    diags_free(&d);
}

#endif
