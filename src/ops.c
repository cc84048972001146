/* ops.c - the operation registry: names and descriptions from the PGM_OPS
 * X-macro, compiling a YAML list item into an Op, describing and freeing
 * it, and dispatching op_run() and op_combine() to the per-operation
 * runners and combiners (ops_*.c). */
#include "ops.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_internal.h"

static const char *const op_names[] = {
#define PGM_OP_NAME(e, n, d) n,
    PGM_OPS(PGM_OP_NAME)
#undef PGM_OP_NAME
};

static const char *const op_descs[] = {
#define PGM_OP_DESC(e, n, d) d,
    PGM_OPS(PGM_OP_DESC)
#undef PGM_OP_DESC
};

static const OpCompileFn op_compilers[] = {
#define PGM_OP_C(e, n, d) opc_##e,
    PGM_OPS(PGM_OP_C)
#undef PGM_OP_C
};

static const OpRunFn op_runners[] = {
#define PGM_OP_R(e, n, d) opr_##e,
    PGM_OPS(PGM_OP_R)
#undef PGM_OP_R
};

/* NULL for the operations that do not combine. */
static const OpCombineFn op_combiners[OP__COUNT] = {
#define PGM_OP_M(e) [OP_##e] = opm_##e,
    PGM_COMBINING_OPS(PGM_OP_M)
#undef PGM_OP_M
};

/* map's long form wraps the plain one (see ops_misc.c). */
static OpCompileFn compiler_of(OpKind k)
{
    return k == OP_MAP ? opc_map_ext : op_compilers[k];
}

static OpRunFn runner_of(OpKind k)
{
    return k == OP_MAP ? opr_map_ext : op_runners[k];
}

const char *op_name(OpKind k)
{
    return (unsigned)k < OP__COUNT ? op_names[k] : "?";
}

const char *op_description(OpKind k)
{
    return (unsigned)k < OP__COUNT ? op_descs[k] : "?";
}

int op_lookup(const char *name, OpKind *k)
{
    for (int i = 0; i < OP__COUNT; i++) {
        if (strcmp(op_names[i], name) == 0) {
            *k = (OpKind)i;
            return 0;
        }
    }
    return -1;
}

/* ---- compiler helpers ---- */

void opc_error(const OpCtx *c, const YNode *n, const char *fmt, ...)
{
    char m[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    if (!n)
        n = c->item;
    diag_error(c->d, n->line, n->col, "%s: %s", c->name, m);
}

int opc_no_args(const OpCtx *c)
{
    if (!c->args)
        return 0;
    opc_error(c, c->args, "takes no arguments");
    return -1;
}

void strlist_push(StrList *l, const char *s, size_t len, int isnull)
{
    l->s = xrealloc(l->s, (l->n + 1) * sizeof *l->s);
    l->len = xrealloc(l->len, (l->n + 1) * sizeof *l->len);
    l->isnull = xrealloc(l->isnull, (l->n + 1) * sizeof *l->isnull);
    l->s[l->n] = xstrndup(s ? s : "", s ? len : 0);
    l->len[l->n] = s ? len : 0;
    l->isnull[l->n] = (unsigned char)(isnull != 0);
    l->n++;
}

void strlist_free(StrList *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->s[i]);
    free(l->s);
    free(l->len);
    free(l->isnull);
    memset(l, 0, sizeof *l);
}

long strlist_find(const StrList *l, const char *s, size_t len, int nocase)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->isnull[i] || l->len[i] != len)
            continue;
        if (nocase ? ascii_ncasecmp(l->s[i], s, len) == 0 : memcmp(l->s[i], s, len) == 0)
            return (long)i;
    }
    return -1;
}

char *opc_scalar(const OpCtx *c, const YNode *n, const char *what, size_t *len)
{
    if (!n || n->kind != YN_SCALAR) {
        opc_error(c, n, "expected %s", what);
        return NULL;
    }
    if (len)
        *len = n->len;
    return xstrndup(n->str, n->len);
}

int opc_strlist(const OpCtx *c, const YNode *n, StrList *l, const char *what)
{
    if (n && n->kind == YN_SCALAR) {
        strlist_push(l, n->str, n->len, 0);
        return 0;
    }
    if (!n || n->kind != YN_SEQ || n->n == 0) {
        opc_error(c, n, "expected %s", what);
        return -1;
    }
    for (size_t i = 0; i < n->n; i++) {
        const YNode *it = n->items[i];
        if (it->kind != YN_SCALAR) {
            opc_error(c, it, "expected %s, got a %s item", what, ynode_kind_name(it->kind));
            return -1;
        }
        strlist_push(l, it->str, it->len, 0);
    }
    return 0;
}

int opc_check_keys(const OpCtx *c, const YNode *n, const char *const *keys)
{
    int rc = 0;
    for (size_t i = 0; i < n->n; i++) {
        const YNode *k = n->items[2 * i];
        int found = 0;
        for (const char *const *p = keys; *p && k->kind == YN_SCALAR; p++)
            found |= strcmp(*p, k->str) == 0;
        if (!found) {
            opc_error(c, k, "unknown argument \"%s\"", k->kind == YN_SCALAR ? k->str : "?");
            rc = -1;
        }
    }
    return rc;
}

/* ---- compile / free ---- */

static void args_free(OpArgs *a)
{
    if (!a)
        return;
    strlist_free(&a->list);
    strlist_free(&a->list2);
    free(a->str);
    free(a->repl);
    free(a->min);
    free(a->max);
    for (size_t i = 0; i < sizeof a->lookup_mem / sizeof a->lookup_mem[0]; i++)
        free(a->lookup_mem[i]);
    if (a->md)
        pcre2_match_data_free(a->md);
    if (a->re)
        pcre2_code_free(a->re);
    if (a->loc)
        freelocale(a->loc);
    free(a);
}

void op_free(Op *op)
{
    if (!op)
        return;
    args_free(op->args);
    op->args = NULL;
}

/* Splits the item into name node and argument node. */
static const YNode *item_name(const YNode *item, const YNode **args, Diags *d)
{
    *args = NULL;
    if (item->kind == YN_SCALAR)
        return item;
    if (item->kind == YN_MAP && item->n == 1 && item->items[0]->kind == YN_SCALAR) {
        *args = item->items[1];
        return item->items[0];
    }
    if (item->kind == YN_MAP)
        diag_error(d, item->line, item->col,
                   "an operation is a name or a single-key map (name: arguments), got a map with %zu keys",
                   item->n);
    else
        diag_error(d, item->line, item->col,
                   "an operation is a name or a single-key map (name: arguments), got a %s",
                   ynode_kind_name(item->kind));
    return NULL;
}

int op_compile(Op *out, const YNode *item, struct Diags *d)
{
    memset(out, 0, sizeof *out);
    const YNode *args;
    const YNode *name = item_name(item, &args, d);
    if (!name)
        return -1;
    OpKind k;
    if (op_lookup(name->str, &k) != 0) {
        diag_error(d, name->line, name->col, "unknown operation \"%s\"", name->str);
        return -1;
    }
    if (args && ynode_is_null(args))
        args = NULL;
    OpCtx c = {op_names[k], name, args, d};
    OpArgs *a = xcalloc(1, sizeof *a);
    if (compiler_of(k)(a, &c) != 0) {
        args_free(a);
        return -1;
    }
    out->kind = k;
    out->line = name->line;
    out->col = name->col;
    out->args = a;
    return 0;
}

/* ---- run ---- */

int op_failf(char *msg, size_t msglen, const char *fmt, ...)
{
    if (msg && msglen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, msglen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *op_text(const Value *v, Arena *a, size_t *len)
{
    return value_as_text(v, a, len);
}

int op_run(const Op *op, Value *v, struct Arena *scratch, char *msg, size_t msglen)
{
    if (msg && msglen)
        msg[0] = '\0';
    if ((unsigned)op->kind >= OP__COUNT || !op->args)
        return op_failf(msg, msglen, "operation not compiled");
    return runner_of(op->kind)(op->args, v, scratch, msg, msglen);
}

int op_combines(OpKind k)
{
    return (unsigned)k < OP__COUNT && op_combiners[k] != NULL;
}

int op_combine(const Op *op, const Value *vals, size_t n, Value *out, struct Arena *scratch, char *msg,
               size_t msglen)
{
    if (msg && msglen)
        msg[0] = '\0';
    if ((unsigned)op->kind >= OP__COUNT || !op->args)
        return op_failf(msg, msglen, "operation not compiled");
    if (op_combiners[op->kind])
        return op_combiners[op->kind](op->args, vals, n, out, scratch, msg, msglen);
    if (n != 1)
        return op_failf(msg, msglen, "combines no values");
    *out = vals[0];
    return op_run(op, out, scratch, msg, msglen);
}

const LookupArgs *op_lookup_args(const Op *op)
{
    if (!op || op->kind != OP_LOOKUP || !op->args)
        return NULL;
    return &((const OpArgs *)op->args)->lookup;
}

/* ---- describe ---- */

/* Quoted for reading, not for parsing back: backslashes stay as the user
 * wrote them (a pattern "\s+" reads best as "\s+"), only quotes and
 * control bytes are escaped. */
static void desc_str(Buf *b, const char *s, size_t len)
{
    buf_putc(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"')
            buf_puts(b, "\\\"");
        else if (c < 0x20 || c == 0x7f)
            buf_printf(b, "\\x%02x", c);
        else
            buf_putc(b, (char)c);
    }
    buf_putc(b, '"');
}

static void desc_list(Buf *b, const StrList *l)
{
    buf_putc(b, '[');
    for (size_t i = 0; i < l->n; i++) {
        if (i)
            buf_puts(b, ", ");
        desc_str(b, l->s[i], l->len[i]);
    }
    buf_putc(b, ']');
}

static void desc_map_values(Buf *b, const OpArgs *a)
{
    buf_putc(b, '{');
    for (size_t i = 0; i < a->list.n; i++) {
        if (i)
            buf_puts(b, ", ");
        if (a->list.isnull[i])
            buf_puts(b, "null");
        else
            desc_str(b, a->list.s[i], a->list.len[i]);
        buf_puts(b, ": ");
        if (a->list2.isnull[i])
            buf_puts(b, "null");
        else
            desc_str(b, a->list2.s[i], a->list2.len[i]);
    }
    buf_putc(b, '}');
}

static void desc_map(Buf *b, const OpArgs *a)
{
    desc_map_values(b, a);
    if (a->map_other == MAP_FALLBACK) {
        buf_puts(b, ", fallback=");
        desc_str(b, a->str, a->str_len);
    }
    if (a->map_other == MAP_FALLBACK_NULL)
        buf_puts(b, ", fallback=null");
    if (a->map_other == MAP_STRICT)
        buf_puts(b, ", strict=true");
}

/* Arguments of the restructuring operations; defaults are shown too
 * (sep="", nulls=skip, md5 as hex), because they shape the key a reader
 * of `pgmap explain` is checking. */
static void desc_restructure(Buf *b, OpKind k, const OpArgs *a)
{
    static const char *const algos[] = {"md5", "sha1"}, *const forms[] = {"hex", "uuid", "bigint"};
    char ns[37];
    const LookupArgs *l = &a->lookup;
    switch (k) {
    case OP_CONCAT:
        buf_puts(b, "sep=");
        desc_str(b, a->str ? a->str : "", a->str_len);
        buf_puts(b, a->nulls_null ? ", nulls=null" : ", nulls=skip");
        break;
    case OP_COALESCE:
        if (a->empty) buf_puts(b, "empty=true");
        break;
    case OP_SPLIT:
        buf_puts(b, a->re ? "pattern=" : "sep=");
        desc_str(b, a->str, a->str_len);
        buf_printf(b, ", index=%ld%s%s", a->index, a->rest ? ", rest=true" : "",
                   a->missing_null ? ", missing=null" : "");
        break;
    case OP_HASH: buf_printf(b, "algorithm=%s, as=%s", algos[a->algo], forms[a->as]); break;
    case OP_UUID_V5: uuid_ns_describe(a->ns, ns); buf_printf(b, "namespace=%s", ns); break;
    case OP_LOOKUP:
        buf_puts(b, "table=");
        desc_str(b, l->table, strlen(l->table));
        buf_puts(b, ", key=");
        desc_str(b, l->key, strlen(l->key));
        if (l->value) { buf_puts(b, ", value="); desc_str(b, l->value, strlen(l->value)); }
        if (l->schema) { buf_puts(b, ", schema="); desc_str(b, l->schema, strlen(l->schema)); }
        break;
    default: break;
    }
}

static void desc_args(Buf *b, OpKind k, const OpArgs *a)
{
    switch (k) {
    case OP_NULL_IF: case OP_IN: desc_list(b, &a->list); break;
    case OP_DEFAULT: desc_str(b, a->str, a->str_len); break;
    case OP_TRIM:
        if (a->str) { buf_puts(b, "chars="); desc_str(b, a->str, a->str_len); }
        break;
    case OP_REGEX_REPLACE:
        buf_puts(b, "pattern=");
        desc_str(b, a->str, a->str_len);
        buf_puts(b, ", replace=");
        desc_str(b, a->repl, strlen(a->repl));
        if (!a->global)
            buf_puts(b, ", global=false");
        break;
    case OP_REGEX_EXTRACT:
        buf_puts(b, "pattern=");
        desc_str(b, a->str, a->str_len);
        buf_printf(b, ", group=%d", a->group);
        break;
    case OP_MATCH: buf_puts(b, "pattern="); desc_str(b, a->str, a->str_len); break;
    case OP_TO_NUMERIC:
        buf_puts(b, "decimal=");
        desc_str(b, a->dec, strlen(a->dec));
        buf_puts(b, ", group=");
        desc_str(b, a->grp, strlen(a->grp));
        break;
    case OP_TO_BOOL:
        buf_puts(b, "true=");
        desc_list(b, &a->list);
        buf_puts(b, ", false=");
        desc_list(b, &a->list2);
        break;
    case OP_PARSE_TIMESTAMP: case OP_PARSE_DATE:
        if (a->list.n) { buf_puts(b, "formats="); desc_list(b, &a->list); }
        if (a->str) {
            buf_puts(b, a->list.n ? ", tz=" : "tz=");
            desc_str(b, a->str, a->str_len);
        }
        break;
    case OP_EPOCH:
        buf_puts(b, a->unit == 1 ? "s" : a->unit == 1000 ? "ms" : "us");
        break;
    case OP_RANGE:
        if (a->min) buf_printf(b, "min=%s", a->min);
        if (a->max) buf_printf(b, "%smax=%s", a->min ? ", " : "", a->max);
        break;
    case OP_MAP: desc_map(b, a); break;
    case OP_FIX_UTF8: buf_puts(b, a->unit == 2 ? "replace" : "latin1"); break;
    default: desc_restructure(b, k, a); break;
    }
}

void op_describe(const Op *op, char *buf, size_t buflen)
{
    if (!buflen)
        return;
    Buf b;
    buf_init(&b);
    buf_puts(&b, op_name(op->kind));
    if (op->args) {
        Buf a;
        buf_init(&a);
        desc_args(&a, op->kind, op->args);
        if (a.len)
            buf_printf(&b, "(%s)", a.data);
        buf_free(&a);
    }
    snprintf(buf, buflen, "%s", b.data);
    buf_free(&b);
}
