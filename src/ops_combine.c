/* ops_combine.c - the operations that make one value of several (concat,
 * coalesce: the values of a multi-column `from`) and the one that takes a
 * part out of one (split).  Run on a single value, concat and coalesce
 * behave as on a list of one, so a mapping can use them either way. */
#include <stdio.h>
#include <string.h>

#include "ops_internal.h"

/* ---- concat ---- */

/* `nulls:` is `skip` or `null`; the plain YAML null counts as `null`. */
static int concat_nulls(OpArgs *a, const OpCtx *c, const YNode *n)
{
    if (n->kind == YN_SCALAR && strcmp(n->str, "skip") == 0)
        return 0;
    if (ynode_is_null(n) || (n->kind == YN_SCALAR && strcmp(n->str, "null") == 0)) {
        a->nulls_null = 1;
        return 0;
    }
    opc_error(c, n, "nulls must be skip or null");
    return -1;
}

int opc_CONCAT(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"sep", "nulls", NULL};
    const YNode *m = c->args;
    if (!m)
        return 0;
    if (m->kind == YN_SCALAR) {
        a->str = opc_scalar(c, m, "a separator", &a->str_len);
        return a->str ? 0 : -1;
    }
    if (m->kind != YN_MAP) {
        opc_error(c, m, "expected nothing, a separator, or a map with sep and/or nulls");
        return -1;
    }
    if (opc_check_keys(c, m, keys) != 0)
        return -1;
    const YNode *sep = ymap_get(m, "sep"), *nulls = ymap_get(m, "nulls");
    if (sep && !ynode_is_null(sep)) {
        a->str = opc_scalar(c, sep, "a separator (a string)", &a->str_len);
        if (!a->str)
            return -1;
    }
    return nulls ? concat_nulls(a, c, nulls) : 0;
}

int opm_CONCAT(const OpArgs *a, const Value *vals, size_t n, Value *out, Arena *scratch, char *msg,
               size_t msglen)
{
    (void)msg;
    (void)msglen;
    const char **txt = arena_alloc(scratch, (n + 1) * sizeof *txt);
    size_t *len = arena_alloc(scratch, (n + 1) * sizeof *len);
    size_t total = 0, taken = 0;
    for (size_t i = 0; i < n; i++) {
        txt[i] = op_text(&vals[i], scratch, &len[i]);
        if (!txt[i] && a->nulls_null) {
            *out = value_null(); /* nulls: null, like SQL's || */
            return 0;
        }
        if (txt[i])
            total += len[i] + (taken++ ? a->str_len : 0);
    }
    if (!taken) {
        *out = value_null();
        return 0;
    }
    char *p = arena_alloc(scratch, total + 1);
    size_t o = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!txt[i])
            continue;
        if (k++ && a->str_len) {
            memcpy(p + o, a->str, a->str_len);
            o += a->str_len;
        }
        memcpy(p + o, txt[i], len[i]);
        o += len[i];
    }
    p[o] = '\0';
    *out = value_text(p, o);
    return 0;
}

int opr_CONCAT(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    return opm_CONCAT(a, v, 1, v, scratch, msg, msglen);
}

/* ---- coalesce ---- */

int opc_COALESCE(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"empty", NULL};
    if (!c->args)
        return 0;
    const YNode *e = c->args->kind == YN_MAP ? ymap_get(c->args, "empty") : NULL;
    if (!e) {
        opc_error(c, c->args, "expected nothing or a map with empty");
        return -1;
    }
    if (opc_check_keys(c, c->args, keys) != 0)
        return -1;
    if (yscalar_bool(e, &a->empty) != 0) {
        opc_error(c, e, "empty must be true or false");
        return -1;
    }
    return 0;
}

/* NULL, or with empty: true text that trim would leave empty.  Running
 * trim itself keeps one definition of white space for both operations. */
static int is_missing(const OpArgs *a, const Value *v, Arena *scratch)
{
    static const OpArgs white_space; /* trim without chars */
    if (v->kind == VAL_NULL)
        return 1;
    if (!a->empty || v->kind != VAL_TEXT)
        return 0;
    Value t = *v;
    opr_TRIM(&white_space, &t, scratch, NULL, 0);
    return t.len == 0;
}

int opm_COALESCE(const OpArgs *a, const Value *vals, size_t n, Value *out, Arena *scratch, char *msg,
                 size_t msglen)
{
    (void)msg;
    (void)msglen;
    for (size_t i = 0; i < n; i++) {
        if (!is_missing(a, &vals[i], scratch)) {
            *out = vals[i];
            return 0;
        }
    }
    *out = value_null();
    return 0;
}

int opr_COALESCE(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    return opm_COALESCE(a, v, 1, v, scratch, msg, msglen);
}

/* ---- split ---- */

static int split_options(OpArgs *a, const OpCtx *c, const YNode *m)
{
    const YNode *idx = ymap_get(m, "index"), *rest = ymap_get(m, "rest"), *miss = ymap_get(m, "missing");
    if (!idx) {
        opc_error(c, m, "expected an index");
        return -1;
    }
    if (yscalar_long(idx, &a->index) != 0) {
        opc_error(c, idx, "index must be an integer (negative counts from the end)");
        return -1;
    }
    if (rest && yscalar_bool(rest, &a->rest) != 0) {
        opc_error(c, rest, "rest must be true or false");
        return -1;
    }
    if (!miss || (miss->kind == YN_SCALAR && strcmp(miss->str, "fail") == 0))
        return 0;
    if (ynode_is_null(miss) || (miss->kind == YN_SCALAR && strcmp(miss->str, "null") == 0)) {
        a->missing_null = 1;
        return 0;
    }
    opc_error(c, miss, "missing must be null or fail");
    return -1;
}

int opc_SPLIT(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"sep", "pattern", "index", "rest", "missing", NULL};
    const YNode *m = c->args;
    if (!m || m->kind != YN_MAP) {
        opc_error(c, m, "expected a map with sep or pattern, and index");
        return -1;
    }
    if (opc_check_keys(c, m, keys) != 0)
        return -1;
    const YNode *sep = ymap_get(m, "sep"), *pat = ymap_get(m, "pattern");
    if (!sep == !pat) {
        opc_error(c, pat ? pat : m, "takes exactly one of sep and pattern");
        return -1;
    }
    if (split_options(a, c, m) != 0)
        return -1;
    if (pat) {
        /* match's compiler: the pattern is compiled now, and a bad one is
         * reported as "split: bad pattern at offset N" at its position. */
        OpCtx pc = *c;
        pc.args = pat;
        return opc_MATCH(a, &pc);
    }
    if (ynode_is_null(sep) || sep->kind != YN_SCALAR || sep->len == 0) {
        opc_error(c, sep, "sep must be a non-empty string");
        return -1;
    }
    a->str = opc_scalar(c, sep, "a separator", &a->str_len);
    return 0;
}

/* Finds the first separator at or after byte `from`: 1 with it in
 * [*b, *e), 0 when there is none, -1 when the regex fails (msg set).  An
 * empty match of a pattern does not separate (it would cut between every
 * character): the search goes on one character further. */
static int next_sep(const OpArgs *a, const char *s, size_t len, size_t from, size_t *b, size_t *e,
                    char *msg, size_t msglen)
{
    if (!a->re) {
        const char *p = memmem(s + from, len - from, a->str, a->str_len);
        if (!p)
            return 0;
        *b = (size_t)(p - s);
        *e = *b + a->str_len;
        return 1;
    }
    while (from <= len) {
        int rc = pcre2_match(a->re, (PCRE2_SPTR)s, len, from, PCRE2_NO_UTF_CHECK, a->md, NULL);
        if (rc == PCRE2_ERROR_NOMATCH)
            return 0;
        if (rc < 0) {
            PCRE2_UCHAR m[256];
            pcre2_get_error_message(rc, m, sizeof m);
            return op_failf(msg, msglen, "regex failed: %s", (char *)m);
        }
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(a->md);
        if (ov[1] > ov[0]) {
            *b = ov[0];
            *e = ov[1];
            return 1;
        }
        if (ov[0] >= len)
            return 0;
        size_t step = utf8_seq(s + ov[0], len - ov[0]);
        from = ov[0] + (step ? step : 1);
    }
    return 0;
}

static int split_missing(const OpArgs *a, Value *v, const char *s, size_t len, size_t parts, char *msg,
                         size_t msglen)
{
    if (a->missing_null) {
        *v = value_null();
        return 0;
    }
    char q[QBUF];
    return op_failf(msg, msglen, "%s has only %zu part%s", quote_value(s, len, q, sizeof q), parts,
                    parts == 1 ? "" : "s");
}

/* The number of parts of s into *parts; 0, or -1 when the regex fails. */
static int count_parts(const OpArgs *a, const char *s, size_t len, size_t *parts, char *msg, size_t msglen)
{
    size_t start = 0, b = 0, e = 0;
    int rc;
    for (*parts = 1; (rc = next_sep(a, s, len, start, &b, &e, msg, msglen)) > 0; (*parts)++)
        start = e;
    return rc;
}

int opr_SPLIT(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    size_t len, b = 0, e = 0, start = 0;
    const char *s = op_text(v, scratch, &len);
    if (!s)
        return 0;
    if (a->re && utf8_check(s, len) != len) /* PCRE2_NO_UTF_CHECK needs valid text */
        return op_failf(msg, msglen, "invalid UTF-8 at byte %zu", utf8_check(s, len));
    int rc;
    long k = a->index;
    if (k < 0) {
        size_t parts;
        if (count_parts(a, s, len, &parts, msg, msglen) < 0)
            return -1;
        if (k < -(long)parts)
            return split_missing(a, v, s, len, parts, msg, msglen);
        k += (long)parts;
    }
    for (long i = 0; i < k; i++) {
        rc = next_sep(a, s, len, start, &b, &e, msg, msglen);
        if (rc <= 0)
            return rc < 0 ? -1 : split_missing(a, v, s, len, (size_t)i + 1, msg, msglen);
        start = e;
    }
    size_t end = len;
    if (!a->rest && (rc = next_sep(a, s, len, start, &b, &e, msg, msglen)) != 0) {
        if (rc < 0)
            return -1;
        end = b;
    }
    *v = value_text(arena_strndup(scratch, s + start, end - start), end - start);
    return 0;
}
