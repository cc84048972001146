/* ops_text.c - the text operations (null_if, default, trim, lower, upper)
 * and the list-based ones (in, not_null, map).  Non-text values are first
 * rendered with value_as_text(), so `null_if: ["0"]` also matches INT 0. */
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <wctype.h>

#include "ops_internal.h"

/* ---- null_if ---- */

int opc_NULL_IF(OpArgs *a, const OpCtx *c)
{
    return opc_strlist(c, c->args, &a->list, "a string or a list of strings");
}

int opr_NULL_IF(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)msg;
    (void)msglen;
    size_t len;
    const char *s = op_text(v, scratch, &len);
    if (s && strlist_find(&a->list, s, len, 0) >= 0)
        *v = value_null();
    return 0;
}

/* ---- default ---- */

int opc_DEFAULT(OpArgs *a, const OpCtx *c)
{
    if (!c->args) {
        opc_error(c, NULL, "expected a value (a scalar)");
        return -1;
    }
    a->str = opc_scalar(c, c->args, "a value (a scalar)", &a->str_len);
    return a->str ? 0 : -1;
}

int opr_DEFAULT(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)scratch;
    (void)msg;
    (void)msglen;
    /* The string is owned by the op, which outlives every row. */
    if (v->kind == VAL_NULL)
        *v = value_text(a->str, a->str_len);
    return 0;
}

/* ---- trim ---- */

/* Length of the white-space character at s, or 0: ASCII space and controls
 * \t\n\v\f\r plus the Unicode spaces that arrive from spreadsheets and web
 * forms (no-break spaces, the U+2000 block, ideographic space, BOM). */
static size_t ws_at(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && (s[1] == 0x85 || s[1] == 0xA0))
        return 2;
    if (n < 3)
        return 0;
    if (s[0] == 0xE1 && s[1] == 0x9A && s[2] == 0x80)
        return 3; /* U+1680 */
    if (s[0] == 0xE2 && s[1] == 0x80 &&
        (s[2] <= 0x8A || s[2] == 0xA8 || s[2] == 0xA9 || s[2] == 0xAF))
        return 3; /* U+2000..200A, 2028, 2029, 202F */
    if (s[0] == 0xE2 && s[1] == 0x81 && s[2] == 0x9F)
        return 3; /* U+205F */
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80)
        return 3; /* U+3000 */
    if (s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
        return 3; /* U+FEFF */
    return 0;
}

/* Length of a character of the set (a->str) at p, or 0. */
static size_t set_at(const OpArgs *a, const unsigned char *p, size_t n)
{
    if (!a->str)
        return ws_at(p, n);
    const char *c = a->str;
    size_t left = a->str_len;
    while (left) {
        size_t cl = utf8_seq(c, left);
        if (!cl)
            cl = 1;
        if (cl <= n && memcmp(c, p, cl) == 0)
            return cl;
        c += cl;
        left -= cl;
    }
    return 0;
}

int opc_TRIM(OpArgs *a, const OpCtx *c)
{
    if (!c->args)
        return 0;
    static const char *const keys[] = {"chars", NULL};
    const YNode *chars = c->args->kind == YN_MAP ? ymap_get(c->args, "chars") : NULL;
    if (!chars) {
        opc_error(c, c->args, "expected nothing or a map with chars");
        return -1;
    }
    if (opc_check_keys(c, c->args, keys) != 0)
        return -1;
    a->str = opc_scalar(c, chars, "a string of characters", &a->str_len);
    if (!a->str)
        return -1;
    if (a->str_len == 0 || utf8_check(a->str, a->str_len) != a->str_len) {
        opc_error(c, chars, "chars must be a non-empty UTF-8 string");
        return -1;
    }
    return 0;
}

int opr_TRIM(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)msg;
    (void)msglen;
    size_t len;
    const char *s = op_text(v, scratch, &len);
    if (!s)
        return 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t b = 0, e = len, n;
    while (b < e && (n = set_at(a, p + b, e - b)) > 0)
        b += n;
    while (b < e) {
        size_t k;
        for (k = 1; k <= 4 && k <= e - b; k++) {
            if (set_at(a, p + e - k, k) == k)
                break;
        }
        if (k > 4 || k > e - b)
            break;
        e -= k;
    }
    if (b == 0 && e == len && v->kind == VAL_TEXT)
        return 0;
    *v = value_text(arena_strndup(scratch, s + b, e - b), e - b);
    return 0;
}

/* ---- lower / upper ---- */

/* Case maps come from glibc's C.UTF-8 locale through the *_l functions, so
 * the result never depends on the user's LANG. */
static int case_compile(OpArgs *a, const OpCtx *c)
{
    if (opc_no_args(c) != 0)
        return -1;
    a->loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    if (!a->loc)
        a->loc = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
    return 0; /* without it only ASCII letters change (see case_map) */
}

static unsigned case_map(const OpArgs *a, unsigned cp, int upper)
{
    if (!a->loc || cp < 0x80) {
        if (upper && cp >= 'a' && cp <= 'z')
            return cp - 32;
        if (!upper && cp >= 'A' && cp <= 'Z')
            return cp + 32;
        return cp;
    }
    wint_t r = upper ? towupper_l((wint_t)cp, a->loc) : towlower_l((wint_t)cp, a->loc);
    if (r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF))
        return cp;
    return (unsigned)r;
}

static size_t utf8_put(unsigned char *o, unsigned cp)
{
    if (cp < 0x80) { o[0] = (unsigned char)cp; return 1; }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

static int case_run(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen, int upper)
{
    size_t len;
    const char *s = op_text(v, scratch, &len);
    if (!s)
        return 0;
    size_t bad = utf8_check(s, len);
    if (bad != len)
        return op_failf(msg, msglen, "invalid UTF-8 at byte %zu", bad);
    /* A simple case map changes a character's length by at most 2x
     * (e.g. U+023A, 2 bytes, lower-cases to U+2C65, 3 bytes). */
    unsigned char *out = arena_alloc(scratch, 2 * len + 1);
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        size_t n = utf8_seq(s + i, len - i);
        unsigned cp = p[i];
        if (n == 2) cp = ((p[i] & 0x1Fu) << 6) | (p[i + 1] & 0x3Fu);
        if (n == 3) cp = ((p[i] & 0x0Fu) << 12) | ((p[i + 1] & 0x3Fu) << 6) | (p[i + 2] & 0x3Fu);
        if (n == 4)
            cp = ((p[i] & 0x07u) << 18) | ((p[i + 1] & 0x3Fu) << 12) |
                 ((p[i + 2] & 0x3Fu) << 6) | (p[i + 3] & 0x3Fu);
        o += utf8_put(out + o, case_map(a, cp, upper));
        i += n;
    }
    out[o] = '\0';
    *v = value_text((const char *)out, o);
    return 0;
}

int opc_LOWER(OpArgs *a, const OpCtx *c) { return case_compile(a, c); }
int opc_UPPER(OpArgs *a, const OpCtx *c) { return case_compile(a, c); }

int opr_LOWER(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    return case_run(a, v, scratch, msg, msglen, 0);
}

int opr_UPPER(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    return case_run(a, v, scratch, msg, msglen, 1);
}

/* ---- in ---- */

int opc_IN(OpArgs *a, const OpCtx *c)
{
    return opc_strlist(c, c->args, &a->list, "a list of strings");
}

int opr_IN(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    size_t len;
    const char *s = op_text(v, scratch, &len);
    if (!s || strlist_find(&a->list, s, len, 0) >= 0)
        return 0;
    char q[QBUF];
    Buf b;
    buf_init(&b);
    for (size_t i = 0; i < a->list.n && b.len < 120; i++) {
        char qi[QBUF];
        buf_printf(&b, "%s%s", i ? ", " : "", quote_value(a->list.s[i], a->list.len[i], qi, sizeof qi));
    }
    if (b.len >= 120 && a->list.n > 1)
        buf_puts(&b, ", ...");
    op_failf(msg, msglen, "%s is not one of %s", quote_value(s, len, q, sizeof q), b.data);
    buf_free(&b);
    return -1;
}

/* ---- not_null ---- */

int opc_NOT_NULL(OpArgs *a, const OpCtx *c)
{
    (void)a;
    return opc_no_args(c);
}

int opr_NOT_NULL(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)a;
    (void)scratch;
    return v->kind == VAL_NULL ? op_failf(msg, msglen, "value is null") : 0;
}

/* ---- map ---- */

int opc_MAP(OpArgs *a, const OpCtx *c)
{
    const YNode *m = c->args;
    if (!m || m->kind != YN_MAP || m->n == 0) {
        opc_error(c, m, "expected a map of from: to values");
        return -1;
    }
    for (size_t i = 0; i < m->n; i++) {
        const YNode *k = m->items[2 * i], *val = m->items[2 * i + 1];
        if (k->kind != YN_SCALAR || val->kind != YN_SCALAR) {
            opc_error(c, k->kind != YN_SCALAR ? k : val, "keys and values must be scalars");
            return -1;
        }
        int knull = ynode_is_null(k), vnull = ynode_is_null(val);
        strlist_push(&a->list, knull ? NULL : k->str, k->len, knull);
        strlist_push(&a->list2, vnull ? NULL : val->str, val->len, vnull);
    }
    return 0;
}

int opr_MAP(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)msg;
    (void)msglen;
    long hit = -1;
    if (v->kind == VAL_NULL) {
        for (size_t i = 0; i < a->list.n && hit < 0; i++)
            if (a->list.isnull[i])
                hit = (long)i;
    } else {
        size_t len;
        const char *s = op_text(v, scratch, &len);
        hit = strlist_find(&a->list, s, len, 0);
    }
    if (hit < 0)
        return 0;
    if (a->list2.isnull[hit])
        *v = value_null();
    else
        *v = value_text(a->list2.s[hit], a->list2.len[hit]);
    return 0;
}
