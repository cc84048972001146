/* value.c - rendering pipeline values as text, for operations that work on
 * text, for text target columns and for messages. */
#include "value.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_internal.h"
#include "util.h"

/* Digits from the first non-zero one to the last non-zero one of a %g
 * text (before any exponent). */
static int significant_digits(const char *s)
{
    int first = -1, last = -1, pos = 0;
    for (; *s && *s != 'e' && *s != 'E'; s++) {
        if (*s < '0' || *s > '9')
            continue;
        if (*s != '0') {
            if (first < 0)
                first = pos;
            last = pos;
        }
        pos++;
    }
    return first < 0 ? 0 : last - first + 1;
}

/* Digits before the point of a fixed-notation %g text ("0.5" has none);
 * 0 for an exponent form, which stays one at any precision. */
static int integer_digits(const char *s)
{
    if (strchr(s, 'e'))
        return 0;
    s += *s == '-';
    if (*s == '0')
        return 0;
    int n = 0;
    while (s[n] >= '0' && s[n] <= '9')
        n++;
    return n;
}

/* The fast path of real_shortest for the common value with a few
 * decimals (19.99, 0.5, 42): the fewest decimals k whose nearest decimal
 * m / 10^k reads back as d (m / 10^k in double arithmetic is exactly what
 * strtod makes of that text: both round the same exact quotient).  The
 * nearest k-decimal is the one %.Pg prints, so the text is the same as
 * the search's; written in fixed notation, and only where %g uses it
 * (first digit at 10^X with -4 <= X < P); 0 when not found. */
static size_t real_fixed(double d, char *buf, size_t buflen)
{
    static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
    double a = fabs(d);
    if (!(a >= 1e-4 && a < 1e15) || buflen < 32)
        return 0;
    for (int k = 0; k < (int)(sizeof p10 / sizeof p10[0]); k++) {
        double scaled = a * p10[k];
        if (scaled >= 1e15)
            return 0;
        double m = nearbyint(scaled);
        if (m == 0 || m / p10[k] != a)
            continue;
        uint64_t u = (uint64_t)m;
        char dig[24];
        int nd = 0;
        uint64_t q = u;
        do {
            dig[nd++] = (char)('0' + q % 10);   /* reversed */
            q /= 10;
        } while (q);
        if (k == 0 && dig[0] == '0')
            return 0;   /* trailing zeros: %g writes an exponent */
        size_t n = 0;
        if (d < 0)
            buf[n++] = '-';
        if (nd <= k) {   /* 0.000ddd */
            buf[n++] = '0';
            buf[n++] = '.';
            for (int z = 0; z < k - nd; z++)
                buf[n++] = '0';
        }
        for (int i = nd - 1; i >= 0; i--) {
            buf[n++] = dig[i];
            if (i == k && k > 0 && nd > k)
                buf[n++] = '.';
        }
        buf[n] = '\0';
        return n;
    }
    return 0;
}

const char *real_shortest(double d, char *buf, size_t buflen)
{
    if (isnan(d)) {
        snprintf(buf, buflen, "NaN");
        return buf;
    }
    if (isinf(d)) {
        snprintf(buf, buflen, "%s", d < 0 ? "-Infinity" : "Infinity");
        return buf;
    }
    /* The first precision that reads back exactly is the shortest form a
     * human would write; 17 significant digits always round-trip.  When
     * 15 digits read back, the shortest is that text's significant digits:
     * 15-digit values are further apart than a double's half ulp, so only
     * one of them reads back (not for subnormals, whose ulp is larger).
     * That saves the 1..15 rounds, which were a seventh of a run's and a
     * verify's time on REAL columns. */
    if (real_fixed(d, buf, buflen))
        return buf;
    int from = 1;
    if (fabs(d) >= DBL_MIN) {
        snprintf(buf, buflen, "%.15g", d);
        if (strtod(buf, NULL) == d) {
            /* %.Pg of the same digits differs only where %g switches to an
             * exponent: a first digit at 10^X with X >= P */
            int sig = significant_digits(buf);
            if (sig < 1 || integer_digits(buf) > sig)
                snprintf(buf, buflen, "%.*g", sig < 1 ? 1 : sig, d);
            return buf;
        }
        from = 16;
    }
    for (int prec = from; prec <= 17; prec++) {
        snprintf(buf, buflen, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

const char *value_as_text(const Value *v, Arena *a, size_t *len)
{
    const char *s = NULL;
    char tmp[64];
    switch (v->kind) {
    case VAL_NULL:
        *len = 0;
        return NULL;
    case VAL_TEXT:
        *len = v->len;
        return v->s;
    case VAL_INT:
        snprintf(tmp, sizeof tmp, "%lld", (long long)v->i);
        s = tmp;
        break;
    case VAL_REAL:
        s = real_shortest(v->d, tmp, sizeof tmp);
        break;
    case VAL_BOOL:
        s = v->i ? "true" : "false";
        break;
    case VAL_BLOB: {
        static const char hex[] = "0123456789abcdef";
        char *p = arena_alloc(a, 2 * v->len + 3);
        p[0] = '\\';
        p[1] = 'x';
        for (size_t k = 0; k < v->len; k++) {
            p[2 + 2 * k] = hex[(unsigned char)v->s[k] >> 4];
            p[3 + 2 * k] = hex[(unsigned char)v->s[k] & 15];
        }
        *len = 2 * v->len + 2;
        return p;
    }
    }
    *len = strlen(s);
    return arena_strndup(a, s, *len);
}

const char *value_kind_name(ValKind k)
{
    switch (k) {
    case VAL_NULL: return "null";
    case VAL_INT: return "integer";
    case VAL_REAL: return "real";
    case VAL_TEXT: return "text";
    case VAL_BLOB: return "blob";
    case VAL_BOOL: return "boolean";
    }
    return "unknown";
}

/* Messages are one line: quotes, backslashes and control bytes are escaped,
 * and long values are cut (on a character boundary) so a 1 MB text does not
 * become a 1 MB message. */
const char *quote_value(const char *s, size_t len, char *buf, size_t buflen)
{
    enum { MAXB = 40 };
    size_t o = 0;
    size_t i = 0;
    if (buflen < 16) {
        if (buflen)
            buf[0] = '\0';
        return buf;
    }
    buf[o++] = '"';
    while (i < len && i < MAXB && o + 8 < buflen) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c >= 0x80 ? utf8_seq(s + i, len - i) : 1;
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
            i++;
        } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && n == 0)) {
            o += (size_t)snprintf(buf + o, buflen - o, "\\x%02x", c);
            i++;
        } else if (c >= 0x80) {
            if (o + n + 8 >= buflen)
                break;
            memcpy(buf + o, s + i, n);
            o += n;
            i += n;
        } else {
            buf[o++] = (char)c;
            i++;
        }
    }
    buf[o++] = '"';
    if (i < len)
        o += (size_t)snprintf(buf + o, buflen - o, "...");
    buf[o] = '\0';
    return buf;
}
