/* canon_num.c - numbers as the server prints them: numeric_out after
 * numeric_in (also used for jsonb numbers), and float4out/float8out with
 * extra_float_digits > 0, which print the shortest digits that read back
 * as the same value (Ryu in the server, a search over printf precisions
 * here: both give the shortest string and, among those, the nearest). */
#include "canon.h"

#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_ws(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static const char *trim(const char *s, size_t *len)
{
    while (*len && is_ws(*s)) {
        s++;
        (*len)--;
    }
    while (*len && is_ws(s[*len - 1]))
        (*len)--;
    return s;
}

/* s (after an optional sign) is one of the words; case-insensitive. */
static int word_is(const char *s, size_t len, const char *w)
{
    return strlen(w) == len && ascii_ncasecmp(s, w, len) == 0;
}

/* ---- numeric ---- */

/* The server refuses exponents beyond +-1000 and results with more than
 * 131072 integer or 16383 fraction digits (all four limits were checked
 * against PostgreSQL 15). */
enum { NUM_MAX_EXP = 1000, NUM_MAX_INT = 131072, NUM_MAX_FRAC = 16383 };

/* NaN and the infinities; -1 when s is none of them. */
static int numeric_special(const char *s, size_t len, int scale, Buf *out)
{
    if (word_is(s, len, "nan")) {
        buf_puts(out, "NaN");
        return 1;
    }
    int neg = len && s[0] == '-';
    size_t k = len && (s[0] == '-' || s[0] == '+');
    if (!word_is(s + k, len - k, "infinity") && !word_is(s + k, len - k, "inf"))
        return -1;
    if (scale >= 0) /* numeric(p,s) cannot hold an infinite value */
        return 0;
    buf_puts(out, neg ? "-Infinity" : "Infinity");
    return 1;
}

/* Rounds the digits ip.fp (fp may be longer than scale) half away from
 * zero to scale fraction digits, in place; ip may grow by one digit. */
static void round_digits(Buf *ip, Buf *fp, size_t scale)
{
    int up = fp->len > scale && fp->data[scale] >= '5';
    if (fp->len > scale) {
        fp->len = scale;
        fp->data[scale] = '\0';
    }
    while (fp->len < scale)
        buf_putc(fp, '0');
    for (size_t i = fp->len; up && i > 0; i--) {
        up = fp->data[i - 1] == '9';
        fp->data[i - 1] = up ? '0' : (char)(fp->data[i - 1] + 1);
    }
    for (size_t i = ip->len; up && i > 0; i--) {
        up = ip->data[i - 1] == '9';
        ip->data[i - 1] = up ? '0' : (char)(ip->data[i - 1] + 1);
    }
    if (up) {
        Buf t;
        buf_init(&t);
        buf_putc(&t, '1');
        buf_append(&t, ip->data, ip->len);
        buf_free(ip);
        *ip = t;
    }
}

/* Writes sign, integer digits without leading zeros and the fraction. */
static void numeric_out(Buf *out, int neg, const Buf *ip, const Buf *fp)
{
    size_t i = 0;
    while (i < ip->len && ip->data[i] == '0')
        i++;
    int zero = i == ip->len && strspn(fp->data ? fp->data : "", "0") == fp->len;
    if (neg && !zero)
        buf_putc(out, '-');
    if (i == ip->len)
        buf_putc(out, '0');
    else
        buf_append(out, ip->data + i, ip->len - i);
    if (fp->len) {
        buf_putc(out, '.');
        buf_append(out, fp->data, fp->len);
    }
}

/* Reads [e[+-]digits] at *p into *exp; 0 on a bad or too large exponent. */
static int read_exponent(const char **p, const char *e, long *exp)
{
    *exp = 0;
    if (*p == e || (**p != 'e' && **p != 'E'))
        return 1;
    (*p)++;
    int neg = *p < e && **p == '-';
    if (*p < e && (**p == '-' || **p == '+'))
        (*p)++;
    if (*p == e || !is_digit(**p))
        return 0;
    for (; *p < e && is_digit(**p); (*p)++)
        if ((*exp = *exp * 10 + (**p - '0')) > NUM_MAX_EXP)
            return 0;
    *exp = neg ? -*exp : *exp;
    return 1;
}

int canon_numeric(const char *s, size_t len, int scale, Buf *out)
{
    s = trim(s, &len);
    int sp = numeric_special(s, len, scale, out);
    if (sp >= 0)
        return sp;
    const char *p = s, *e = s + len, *dig, *frac = NULL;
    int neg = p < e && *p == '-';
    p += p < e && (*p == '-' || *p == '+');
    for (dig = p; p < e && is_digit(*p); p++)
        ;
    size_t nint = (size_t)(p - dig), nfrac = 0;
    if (p < e && *p == '.')
        for (frac = ++p; p < e && is_digit(*p); p++)
            nfrac++;
    long exp;
    if (nint + nfrac == 0 || !read_exponent(&p, e, &exp) || p != e)
        return 0;
    /* Place the point: P digits of int.frac before it (may be < 0 or past the end). */
    long P = (long)nint + exp, n = (long)(nint + nfrac);
    if (P > NUM_MAX_INT || n - P > NUM_MAX_FRAC || (scale > NUM_MAX_FRAC))
        return 0;
    Buf ip, fp;
    buf_init(&ip);
    buf_init(&fp);
    for (long i = 0; i < (P > n ? P : n); i++) {
        char c = i >= n ? '0' : i < (long)nint ? dig[i] : frac[i - (long)nint];
        buf_putc(i < P ? &ip : &fp, c);
    }
    if (P < 0) { /* leading fraction zeros go in front */
        Buf z;
        buf_init(&z);
        for (long i = P; i < 0; i++)
            buf_putc(&z, '0');
        buf_append(&z, fp.data, fp.len);
        buf_free(&fp);
        fp = z;
    }
    if (scale >= 0)
        round_digits(&ip, &fp, (size_t)scale);
    numeric_out(out, neg, &ip, &fp);
    buf_free(&ip);
    buf_free(&fp);
    return 1;
}

int canon_numeric_fits(const char *c, int precision, int scale)
{
    const char *d = c + (c[0] == '-');
    if (!is_digit(d[0]))
        return strcmp(c, "NaN") == 0; /* the infinities never fit */
    long mag; /* decimal exponent of the first non-zero digit */
    size_t nint = strcspn(d, ".");
    if (!(nint == 1 && d[0] == '0')) {
        mag = (long)nint - 1;
    } else {
        const char *f = d[1] ? d + 2 : "";
        size_t z = strspn(f, "0");
        if (!f[z])
            return 1; /* zero fits anywhere */
        mag = -(long)z - 1;
    }
    return mag < (long)precision - scale;
}

/* ---- float4 / float8 ---- */

/* m * 10^e as odd * 2^k exactly, when it is a binary fraction whose odd
 * part has at most 54 bits (the only kind that can be a midpoint). */
static int as_binary(uint64_t m, int e, uint64_t *odd, int *k)
{
    int twos = 0;
    if (!m)
        return 0;
    for (; !(m & 1); m >>= 1)
        twos++;
    for (int i = 0; i < (e < 0 ? -e : e); i++) { /* 10^e = 2^e * 5^e */
        if (e > 0 && m > ((uint64_t)1 << 54) / 5)
            return 0;
        if (e < 0 && m % 5)
            return 0;
        m = e > 0 ? m * 5 : m / 5;
    }
    *odd = m;
    *k = twos + e;
    return m < (uint64_t)1 << 54;
}

/* m * 10^e lies exactly halfway between x and a neighbouring float.
 * x and its neighbours are integers times 2^(ex - 60) (x is in
 * [2^(ex-1), 2^ex)), so a midpoint is their sum times 2^(ex - 61). */
static int is_midpoint(uint64_t m, int e, double x, int f4)
{
    uint64_t odd;
    int k, ex;
    if (!as_binary(m, e, &odd, &k))
        return 0;
    frexp(x, &ex);
    for (int up = 0; up < 2; up++) {
        double to = up ? INFINITY : 0;
        double y = f4 ? (double)nextafterf((float)x, (float)to) : nextafter(x, to);
        if (isinf(y))
            continue;
        uint64_t mid = (uint64_t)ldexp(x, 60 - ex) + (uint64_t)ldexp(y, 60 - ex);
        int mk = ex - 61;
        for (; !(mid & 1); mid >>= 1)
            mk++;
        if (mid == odd && mk == k)
            return 1;
    }
    return 0;
}

/* m * 10^e is strictly inside the interval of values that read back as
 * x: the server's Ryu (built without STRICTLY_SHORTEST) never accepts a
 * value exactly halfway to the next float, although strtod would round it
 * to x when x is even. */
static int reads_back(uint64_t m, int e, double x, int f4)
{
    char b[48];
    snprintf(b, sizeof b, "%" PRIu64 "e%d", m, e);
    if (f4 ? strtof(b, NULL) != (float)x : strtod(b, NULL) != x)
        return 0;
    return !is_midpoint(m, e, x, f4);
}

/* Shortest m * 10^e (m without trailing zeros) that reads back as x > 0.
 * For each digit count the correctly rounded candidate is tried first
 * and then its neighbours: near a power of two the interval that reads
 * back is lopsided, and the nearest p-digit value can miss it while the
 * next one up or down hits it. */
static void shortest(double x, int f4, int from, uint64_t *m, int *e)
{
    int maxp = f4 ? 9 : 17;
    *m = 0;
    *e = 0;
    for (int p = from < 1 ? 1 : from > maxp ? maxp : from; p <= maxp && !*m; p++) {
        char b[64], *q;
        snprintf(b, sizeof b, "%.*e", p - 1, x);
        uint64_t v = 0;
        for (q = b; *q && *q != 'e'; q++)
            if (is_digit(*q))
                v = v * 10 + (uint64_t)(*q - '0');
        *e = atoi(q + 1) - (p - 1);
        if (reads_back(v, *e, x, f4) || p == maxp) /* 17 (9) digits always read back */
            *m = v;
        else if (reads_back(v + 1, *e, x, f4))
            *m = v + 1;
        else if (v > 1 && reads_back(v - 1, *e, x, f4))
            *m = v - 1;
    }
    while (*m && *m % 10 == 0) {
        *m /= 10;
        (*e)++;
    }
}

/* Ryu's layout in the server: fixed for -4 <= X < 15 (float4: 6), where
 * X is the decimal exponent of the first digit; otherwise d.ddde+XX. */
static void float_layout(Buf *out, uint64_t m, int e, int f4)
{
    char ds[32];
    int n = snprintf(ds, sizeof ds, "%" PRIu64, m);
    int X = e + n - 1;
    if (X >= -4 && X < (f4 ? 6 : 15)) {
        if (X < 0) {
            buf_puts(out, "0.");
            for (int i = 0; i < -X - 1; i++)
                buf_putc(out, '0');
            buf_append(out, ds, (size_t)n);
        } else if (n <= X + 1) {
            buf_append(out, ds, (size_t)n);
            for (int i = n; i < X + 1; i++)
                buf_putc(out, '0');
        } else {
            buf_append(out, ds, (size_t)X + 1);
            buf_putc(out, '.');
            buf_append(out, ds + X + 1, (size_t)(n - X - 1));
        }
        return;
    }
    buf_putc(out, ds[0]);
    if (n > 1) {
        buf_putc(out, '.');
        buf_append(out, ds + 1, (size_t)n - 1);
    }
    buf_printf(out, "e%c%02d", X < 0 ? '-' : '+', X < 0 ? -X : X);
}

/* PostgreSQL's float input: decimal with optional exponent, or NaN and
 * [+-]inf / infinity in any case.  1 decimal, 2 word, 0 neither. */
static int float_syntax(const char *s, size_t len)
{
    const char *p = s, *e = s + len;
    p += p < e && (*p == '+' || *p == '-');
    size_t rest = (size_t)(e - p);
    if ((p == s && word_is(p, rest, "nan")) || word_is(p, rest, "inf") || word_is(p, rest, "infinity"))
        return 2;
    int nd = 0;
    for (; p < e && is_digit(*p); p++)
        nd++;
    if (p < e && *p == '.')
        for (p++; p < e && is_digit(*p); p++)
            nd++;
    if (!nd)
        return 0;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        p += p < e && (*p == '+' || *p == '-');
        if (p == e || !is_digit(*p))
            return 0;
        while (p < e && is_digit(*p))
            p++;
    }
    return p == e;
}

/* Where the search for the shortest digits may start.  The cast writes
 * reals with real_shortest: no fewer digits read back, so the server's
 * shortest (never shorter; longer only at an exact halfway) is found from
 * there, saving most of the snprintf/strtod rounds, which dominated a
 * sync's time.  Integers (written as they came) and float4 start at 1. */
static int search_from(const char *s, size_t len, int is_float4)
{
    if (is_float4 || !memchr(s, '.', len))
        return 1;
    int k = 0, zeros = 0, lead = 1;
    for (size_t i = 0; i < len && s[i] != 'e' && s[i] != 'E'; i++) {
        if (!is_digit(s[i]))
            continue;
        if (lead && s[i] == '0')
            continue;
        lead = 0;
        k++;
        zeros = s[i] == '0' ? zeros + 1 : 0;
    }
    return k - zeros;
}

/* The digits of a float text (NUL-terminated) as m * 10^e; 0 when it has
 * more than 15 significant digits. */
static int text_digits(const char *s, uint64_t *m, int *e)
{
    uint64_t v = 0;
    int nd = 0, frac = 0, dot = 0, pending = 0;   /* pending: zeros after the last non-zero digit */
    const char *p = s + (*s == '+' || *s == '-');
    for (; *p && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            dot = 1;
            continue;
        }
        frac += dot;
        if (*p == '0') {
            pending += nd > 0;   /* leading zeros are not digits */
            continue;
        }
        nd += pending + 1;
        if (nd > 15)
            return 0;
        for (; pending; pending--)
            v *= 10;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    long ex = *p ? strtol(p + 1, NULL, 10) : 0;
    if (ex > 1000 || ex < -1000)
        return 0;
    *m = v;
    *e = (int)ex - frac + pending;
    return 1;
}

/* A float8 text with at most 15 significant digits is the server's own
 * shortest form of the value it reads as (ignoring trailing zeros): two
 * 15-digit values are further apart than a double's ulp, so no shorter
 * one reads back.  Not for subnormals (larger ulp) or an exact halfway
 * between two doubles (10^23 is one), which the server never prints.
 * This skips the digit search that made floats the costliest values of a
 * verify. */
static int float8_as_written(const char *s, double x, Buf *out)
{
    uint64_t m;
    int e;
    if (fabs(x) < DBL_MIN || !text_digits(s, &m, &e) || m == 0)
        return 0;
    if (is_midpoint(m, e, fabs(x), 0))
        return 0;
    if (signbit(x))
        buf_putc(out, '-');
    float_layout(out, m, e, 0);
    return 1;
}

int canon_float(const char *s, size_t len, int is_float4, Buf *out)
{
    char tmp[512];
    s = trim(s, &len);
    if (!float_syntax(s, len) || len >= sizeof tmp)
        return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    errno = 0;
    double x = is_float4 ? (double)strtof(tmp, NULL) : strtod(tmp, NULL);
    /* The server refuses what over- or underflows to infinity or zero
     * (but takes subnormals). */
    if (errno == ERANGE && (x == 0 || isinf(x)))
        return 0;
    if (isnan(x))
        buf_puts(out, "NaN");
    else if (isinf(x))
        buf_puts(out, x < 0 ? "-Infinity" : "Infinity");
    else if (x == 0)
        buf_puts(out, signbit(x) ? "-0" : "0");
    else if (!is_float4 && float8_as_written(tmp, x, out))
        ;
    else {
        uint64_t m;
        int e;
        if (signbit(x))
            buf_putc(out, '-');
        shortest(fabs(x), is_float4, search_from(s, len, is_float4), &m, &e);
        float_layout(out, m, e, is_float4);
    }
    return 1;
}
