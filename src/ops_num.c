/* ops_num.c - exact decimal handling (shared with the numeric cast) and the
 * number operations to_int, to_numeric, to_bool and range.
 *
 * Numbers are kept as canonical decimal text rather than doubles: PostgreSQL
 * numeric is exact, and a "19.99" price must not arrive as 19.989999... */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ops_internal.h"

static int is_ws(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_alpha(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }

/* Currency sign or 3-letter code starting at p (length) or 0. */
static size_t currency_at(const char *p, const char *e)
{
    size_t n = (size_t)(e - p);
    const unsigned char *u = (const unsigned char *)p;
    if (n >= 1 && *p == '$')
        return 1;
    if (n >= 2 && u[0] == 0xC2 && (u[1] == 0xA3 || u[1] == 0xA5))
        return 2; /* £ ¥ */
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x82 && u[2] == 0xAC)
        return 3; /* € */
    if (n >= 3 && is_upper(p[0]) && is_upper(p[1]) && is_upper(p[2]) && (n == 3 || !is_alpha(p[3])))
        return 3;
    return 0;
}

/* Currency ending at e (length) or 0. */
static size_t currency_before(const char *b, const char *e)
{
    for (size_t k = 1; k <= 3 && k <= (size_t)(e - b); k++) {
        if (currency_at(e - k, e) == k && (k < 3 || !is_upper(e[-1]) || e - 3 == b || !is_alpha(e[-4])))
            return k;
    }
    return 0;
}

/* Separator sep at p (length) or 0.  A space separator also matches the
 * no-break spaces that French-style numbers use (U+00A0, U+2009, U+202F). */
static size_t sep_at(const char *p, const char *e, const char *sep)
{
    size_t n = (size_t)(e - p), k = strlen(sep);
    const unsigned char *u = (const unsigned char *)p;
    if (k && k <= n && memcmp(p, sep, k) == 0)
        return k;
    if (strcmp(sep, " ") == 0) {
        if (n >= 2 && u[0] == 0xC2 && u[1] == 0xA0)
            return 2;
        if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x89 || u[2] == 0xAF))
            return 3;
    }
    return 0;
}

/* Strips white space, one sign and (optionally) one currency around the
 * number; returns the sign and narrows [*pp, *pe). */
static int strip_around(const char **pp, const char **pe, int currency)
{
    const char *p = *pp, *e = *pe;
    int neg = 0, signed_ = 0, cur = 0;
    while (p < e && is_ws((unsigned char)*p)) p++;
    while (e > p && is_ws((unsigned char)e[-1])) e--;
    for (int round = 0; round < 2; round++) {
        if (!signed_ && p < e && (*p == '-' || *p == '+')) {
            neg = *p == '-';
            signed_ = 1;
            p++;
            while (currency && p < e && is_ws((unsigned char)*p)) p++;
        }
        size_t k;
        if (currency && !cur && (k = currency_at(p, e)) > 0) {
            cur = 1;
            p += k;
            while (p < e && is_ws((unsigned char)*p)) p++;
        }
    }
    size_t k;
    if (currency && !cur && (k = currency_before(p, e)) > 0) {
        e -= k;
        while (e > p && is_ws((unsigned char)e[-1])) e--;
    }
    *pp = p;
    *pe = e;
    return neg;
}

/* Integer-part digits with group separators: a separator must sit between
 * digits and be followed by exactly three, so "1,5" is not read as 15. */
static const char *int_digits(const char *p, const char *e, const DecFmt *f, Buf *d)
{
    const char *grp = f->grp && *f->grp ? f->grp : NULL;
    while (p < e) {
        if (is_digit(*p)) {
            buf_putc(d, *p++);
            continue;
        }
        size_t k = grp && d->len ? sep_at(p, e, grp) : 0;
        if (!k || e - (p + k) < 3 || !is_digit(p[k]) || !is_digit(p[k + 1]) || !is_digit(p[k + 2]) ||
            (e - (p + k) > 3 && is_digit(p[k + 3])))
            break;
        p += k;
    }
    return p;
}

static void canon_out(Buf *out, int neg, const char *dig, size_t ndig, long point)
{
    int allzero = 1;
    for (size_t i = 0; i < ndig; i++)
        allzero &= dig[i] == '0';
    if (neg && !allzero)
        buf_putc(out, '-');
    size_t ip = point <= 0 ? 0 : (size_t)point; /* integer digits from dig */
    size_t i = 0;
    while (i + 1 < ip && (i >= ndig || dig[i] == '0')) /* leading zeros */
        i++;
    if (ip == 0)
        buf_putc(out, '0');
    for (; i < ip; i++)
        buf_putc(out, i < ndig ? dig[i] : '0');
    if (ip < ndig) {
        buf_putc(out, '.');
        for (long z = point; z < 0; z++)
            buf_putc(out, '0');
        buf_append(out, dig + ip, ndig - ip);
    }
}

int dec_canon(const char *s, size_t len, const DecFmt *f, Buf *out)
{
    const char *p = s, *e = s + len;
    int neg = strip_around(&p, &e, f->currency);
    Buf d;
    buf_init(&d);
    p = int_digits(p, e, f, &d);
    size_t nint = d.len, k;
    if (p < e && (k = sep_at(p, e, f->dec ? f->dec : ".")) > 0) {
        p += k;
        while (p < e && is_digit(*p))
            buf_putc(&d, *p++);
    }
    long exp = 0;
    int rc = d.len ? DEC_OK : DEC_SYNTAX;
    if (rc == DEC_OK && f->exponent && p < e && (*p == 'e' || *p == 'E')) {
        int eneg = 0;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            eneg = *p++ == '-';
        if (p == e || !is_digit(*p))
            rc = DEC_SYNTAX;
        while (p < e && is_digit(*p)) {
            if (exp <= 100000)
                exp = exp * 10 + (*p - '0');
            p++;
        }
        if (exp > 1000)
            rc = DEC_RANGE;
        exp = eneg ? -exp : exp;
    }
    if (rc == DEC_OK && p != e)
        rc = DEC_SYNTAX;
    if (rc == DEC_OK)
        canon_out(out, neg, d.data, d.len, (long)nint + exp);
    buf_free(&d);
    return rc;
}

int dec_cmp(const char *a, const char *b)
{
    int na = a[0] == '-', nb = b[0] == '-';
    if (na != nb)
        return na ? -1 : 1;
    a += na;
    b += nb;
    size_t ia = strcspn(a, "."), ib = strcspn(b, ".");
    int mag = 0;
    if (ia != ib)
        mag = ia < ib ? -1 : 1;
    else if ((mag = memcmp(a, b, ia)) == 0) {
        const char *fa = a[ia] ? a + ia + 1 : "", *fb = b[ib] ? b + ib + 1 : "";
        while (mag == 0 && (*fa || *fb)) {
            char ca = *fa ? *fa++ : '0', cb = *fb ? *fb++ : '0';
            mag = ca - cb;
        }
    }
    mag = mag < 0 ? -1 : mag > 0;
    return na ? -mag : mag;
}

void dec_round(const char *c, int scale, Buf *out)
{
    int neg = c[0] == '-';
    const char *s = c + neg;
    size_t ilen = strcspn(s, ".");
    const char *frac = s[ilen] ? s + ilen + 1 : "";
    size_t flen = strlen(frac), keep = flen < (size_t)scale ? flen : (size_t)scale;
    Buf d;
    buf_init(&d);
    buf_append(&d, s, ilen);
    buf_append(&d, frac, keep);
    for (size_t z = keep; z < (size_t)scale; z++)
        buf_putc(&d, '0');
    if (flen > (size_t)scale && frac[scale] >= '5') {
        size_t i = d.len;
        while (i > 0 && d.data[i - 1] == '9')
            d.data[--i] = '0';
        if (i > 0)
            d.data[i - 1]++;
        else {
            Buf t;
            buf_init(&t);
            buf_putc(&t, '1');
            buf_append(&t, d.data, d.len);
            buf_free(&d);
            d = t;
            ilen++;
        }
    }
    canon_out(out, neg, d.data, d.len, (long)ilen);
    buf_free(&d);
}

int dec_to_int64(const char *c, int64_t *out)
{
    int neg = c[0] == '-';
    const char *s = c + neg;
    size_t ilen = strcspn(s, ".");
    for (const char *f = s + ilen + (s[ilen] ? 1 : 0); *f; f++)
        if (*f != '0')
            return DEC_SYNTAX;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (size_t i = 0; i < ilen; i++) {
        unsigned dgt = (unsigned)(s[i] - '0');
        if (v > (lim - dgt) / 10)
            return DEC_RANGE;
        v = v * 10 + dgt;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v; /* wraps exactly to INT64_MIN */
    return DEC_OK;
}

int dec_of_value(const Value *v, Buf *out, char *msg, size_t msglen)
{
    static const DecFmt plain = {".", NULL, 0, 1};
    char tmp[64];
    switch (v->kind) {
    case VAL_INT:
        buf_put_i64(out, v->i);
        return 0;
    case VAL_REAL:
        if (!isfinite(v->d))
            return op_failf(msg, msglen, "%s is not a finite number", real_shortest(v->d, tmp, sizeof tmp));
        real_shortest(v->d, tmp, sizeof tmp);
        return dec_canon(tmp, strlen(tmp), &plain, out) == DEC_OK ? 0 : op_failf(msg, msglen, "bad real");
    case VAL_TEXT: {
        char q[QBUF];
        int rc = dec_canon(v->s, v->len, &plain, out);
        if (rc == DEC_OK)
            return 0;
        return op_failf(msg, msglen, rc == DEC_RANGE ? "%s is out of range" : "%s is not a number",
                        quote_value(v->s, v->len, q, sizeof q));
    }
    default:
        return op_failf(msg, msglen, "a %s value is not a number", value_kind_name(v->kind));
    }
}

/* ---- to_int ---- */

int opc_TO_INT(OpArgs *a, const OpCtx *c)
{
    (void)a;
    return opc_no_args(c);
}

static int real_to_int(double d, Value *v, char *msg, size_t msglen)
{
    char tmp[64];
    if (!isfinite(d) || d != trunc(d))
        return op_failf(msg, msglen, "%s is not an integer", real_shortest(d, tmp, sizeof tmp));
    if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return op_failf(msg, msglen, "%s is out of range for a 64-bit integer",
                        real_shortest(d, tmp, sizeof tmp));
    *v = value_int((int64_t)d);
    return 0;
}

int opr_TO_INT(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    static const DecFmt plain = {".", NULL, 0, 0};
    (void)a;
    (void)scratch;
    if (v->kind == VAL_NULL || v->kind == VAL_INT)
        return 0;
    if (v->kind == VAL_BOOL) {
        *v = value_int(v->i);
        return 0;
    }
    if (v->kind == VAL_REAL)
        return real_to_int(v->d, v, msg, msglen);
    if (v->kind != VAL_TEXT)
        return op_failf(msg, msglen, "a %s value is not an integer", value_kind_name(v->kind));
    char q[QBUF];
    Buf b;
    buf_init(&b);
    int64_t i = 0;
    int rc = dec_canon(v->s, v->len, &plain, &b);
    if (rc == DEC_OK)
        rc = dec_to_int64(b.data, &i);
    buf_free(&b);
    if (rc == DEC_RANGE)
        return op_failf(msg, msglen, "%s is out of range for a 64-bit integer",
                        quote_value(v->s, v->len, q, sizeof q));
    if (rc != DEC_OK)
        return op_failf(msg, msglen, "%s is not an integer", quote_value(v->s, v->len, q, sizeof q));
    *v = value_int(i);
    return 0;
}

/* ---- to_numeric ---- */

static int sep_arg(const OpCtx *c, const YNode *n, char *dst, int allow_empty)
{
    if (!n)
        return 0;
    if (n->kind != YN_SCALAR || n->len >= 8 || (!allow_empty && n->len == 0) ||
        utf8_check(n->str, n->len) != n->len) {
        opc_error(c, n, "a separator must be a short string");
        return -1;
    }
    for (size_t i = 0; i < n->len; i++) {
        if (is_digit(n->str[i]) || n->str[i] == '-' || n->str[i] == '+') {
            opc_error(c, n, "a separator cannot contain digits or signs");
            return -1;
        }
    }
    memcpy(dst, n->str, n->len + 1);
    return 0;
}

int opc_TO_NUMERIC(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"decimal", "group", NULL};
    strcpy(a->dec, ".");
    strcpy(a->grp, ",");
    if (!c->args)
        return 0;
    if (c->args->kind != YN_MAP) {
        opc_error(c, c->args, "expected nothing or a map with decimal and/or group");
        return -1;
    }
    const YNode *dn = ymap_get(c->args, "decimal"), *gn = ymap_get(c->args, "group");
    if (opc_check_keys(c, c->args, keys) != 0 || sep_arg(c, dn, a->dec, 0) != 0)
        return -1;
    if (!gn && strcmp(a->dec, ",") == 0)
        strcpy(a->grp, "."); /* the usual partner of a decimal comma */
    if (sep_arg(c, gn, a->grp, 1) != 0)
        return -1;
    if (strcmp(a->dec, a->grp) == 0) {
        opc_error(c, gn ? gn : dn, "decimal and group separators must differ");
        return -1;
    }
    return 0;
}

int opr_TO_NUMERIC(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    if (v->kind == VAL_NULL)
        return 0;
    Buf b;
    buf_init(&b);
    int rc;
    if (v->kind == VAL_TEXT) {
        DecFmt f = {a->dec, a->grp, 1, 1};
        rc = dec_canon(v->s, v->len, &f, &b);
        if (rc != DEC_OK) {
            char q[QBUF];
            rc = op_failf(msg, msglen, rc == DEC_RANGE ? "%s is out of range" : "%s is not a number",
                          quote_value(v->s, v->len, q, sizeof q));
        }
    } else {
        rc = dec_of_value(v, &b, msg, msglen);
    }
    if (rc == 0)
        *v = value_text(arena_strndup(scratch, b.data, b.len), b.len);
    buf_free(&b);
    return rc;
}

/* ---- to_bool ---- */

static const char *const bool_true[] = {"1", "t", "true", "y", "yes", "on", NULL};
static const char *const bool_false[] = {"0", "f", "false", "n", "no", "off", NULL};

static void bool_defaults(StrList *l, const char *const *v)
{
    for (; *v; v++)
        strlist_push(l, *v, strlen(*v), 0);
}

int opc_TO_BOOL(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"true", "false", NULL};
    const YNode *m = c->args;
    const YNode *t = m && m->kind == YN_MAP ? ymap_get(m, "true") : NULL;
    const YNode *f = m && m->kind == YN_MAP ? ymap_get(m, "false") : NULL;
    if (m && !t && !f) {
        opc_error(c, m, "expected nothing or a map with true and/or false lists");
        return -1;
    }
    if (m && opc_check_keys(c, m, keys) != 0)
        return -1;
    if (t ? opc_strlist(c, t, &a->list, "a list of strings") : (bool_defaults(&a->list, bool_true), 0))
        return -1;
    if (f ? opc_strlist(c, f, &a->list2, "a list of strings") : (bool_defaults(&a->list2, bool_false), 0))
        return -1;
    for (size_t i = 0; i < a->list.n; i++) {
        if (strlist_find(&a->list2, a->list.s[i], a->list.len[i], 1) >= 0) {
            opc_error(c, m, "\"%s\" is in both the true and the false lists", a->list.s[i]);
            return -1;
        }
    }
    return 0;
}

int opr_TO_BOOL(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    if (v->kind == VAL_NULL || v->kind == VAL_BOOL)
        return 0;
    size_t len;
    const char *s = op_text(v, scratch, &len), *e = s + len;
    while (s < e && is_ws((unsigned char)*s)) s++;
    while (e > s && is_ws((unsigned char)e[-1])) e--;
    if (strlist_find(&a->list, s, (size_t)(e - s), 1) >= 0)
        *v = value_bool(1);
    else if (strlist_find(&a->list2, s, (size_t)(e - s), 1) >= 0)
        *v = value_bool(0);
    else {
        s = op_text(v, scratch, &len);
        char q[QBUF];
        return op_failf(msg, msglen, "%s is not a boolean", quote_value(s, len, q, sizeof q));
    }
    return 0;
}

/* ---- range ---- */

static char *range_bound(const OpCtx *c, const YNode *n, const char *what)
{
    static const DecFmt plain = {".", NULL, 0, 1};
    if (!n)
        return NULL;
    Buf b;
    buf_init(&b);
    if (n->kind != YN_SCALAR || dec_canon(n->str, n->len, &plain, &b) != DEC_OK) {
        buf_free(&b);
        opc_error(c, n, "%s must be a number", what);
        return NULL;
    }
    return buf_steal(&b);
}

int opc_RANGE(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"min", "max", NULL};
    const YNode *m = c->args;
    const YNode *mn = m && m->kind == YN_MAP ? ymap_get(m, "min") : NULL;
    const YNode *mx = m && m->kind == YN_MAP ? ymap_get(m, "max") : NULL;
    if (!mn && !mx) {
        opc_error(c, m, "expected a map with min and/or max");
        return -1;
    }
    if (opc_check_keys(c, m, keys) != 0)
        return -1;
    a->min = range_bound(c, mn, "min");
    a->max = range_bound(c, mx, "max");
    if ((mn && !a->min) || (mx && !a->max))
        return -1;
    if (a->min && a->max && dec_cmp(a->min, a->max) > 0) {
        opc_error(c, m, "min is greater than max");
        return -1;
    }
    return 0;
}

int opr_RANGE(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)scratch;
    if (v->kind == VAL_NULL)
        return 0;
    Buf b;
    buf_init(&b);
    int rc = dec_of_value(v, &b, msg, msglen);
    if (rc == 0) {
        int lo = a->min && dec_cmp(b.data, a->min) < 0;
        int hi = a->max && dec_cmp(b.data, a->max) > 0;
        if ((lo || hi) && a->min && a->max)
            rc = op_failf(msg, msglen, "value not in [%s, %s]", a->min, a->max);
        else if (lo)
            rc = op_failf(msg, msglen, "value below minimum %s", a->min);
        else if (hi)
            rc = op_failf(msg, msglen, "value above maximum %s", a->max);
    }
    buf_free(&b);
    return rc;
}
