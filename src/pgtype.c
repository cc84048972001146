/* pgtype.c - target column types: building them from the catalog, and the
 * final cast of every pipeline (check a value and write PostgreSQL's text
 * input form).  UTF-8 and COPY escaping are in utf8.c, JSON in
 * pgtype_json.c. */
#include "pgtype.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops_internal.h"
#include "timeparse.h"

/* pgtype_json.c, this module's other half: JSON as json_in (jsonb:
 * jsonb_in) accepts it.  Declared here because only the cast uses it. */
int json_check_pg(const char *s, size_t len, int jsonb, size_t *err_off);

/* ---- catalog ---- */

PgType pgtype_from_catalog(const char *typname, int typmod, const char *formatted)
{
    static const struct { const char *name; PgTypeKind kind; } map[] = {
        {"int2", PT_INT2}, {"int4", PT_INT4}, {"int8", PT_INT8}, {"numeric", PT_NUMERIC},
        {"float4", PT_FLOAT4}, {"float8", PT_FLOAT8}, {"bool", PT_BOOL}, {"uuid", PT_UUID},
        {"date", PT_DATE}, {"timestamp", PT_TIMESTAMP}, {"timestamptz", PT_TIMESTAMPTZ},
        {"time", PT_TIME}, {"json", PT_JSON}, {"jsonb", PT_JSONB}, {"bytea", PT_BYTEA},
        {"text", PT_TEXT}, {"name", PT_TEXT}, {"citext", PT_TEXT}, {"varchar", PT_VARCHAR},
        {"bpchar", PT_CHAR},
    };
    PgType t;
    memset(&t, 0, sizeof t);
    t.kind = PT_OTHER;
    t.length = t.precision = t.scale = -1;
    for (size_t i = 0; typname && i < sizeof map / sizeof map[0]; i++)
        if (strcmp(typname, map[i].name) == 0)
            t.kind = map[i].kind;
    if ((t.kind == PT_VARCHAR || t.kind == PT_CHAR) && typmod >= 4)
        t.length = typmod - 4;
    if (t.kind == PT_NUMERIC && typmod >= 4) {
        t.precision = ((typmod - 4) >> 16) & 0xffff;
        t.scale = (typmod - 4) & 0xffff;
    }
    snprintf(t.name, sizeof t.name, "%s",
             formatted && *formatted ? formatted : typname ? typname : "unknown");
    return t;
}

/* ---- casts ---- */

static int is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

static const char *trim(const char *s, size_t *len)
{
    while (*len && is_space(*s)) {
        s++;
        (*len)--;
    }
    while (*len && is_space(s[*len - 1]))
        (*len)--;
    return s;
}

static int bad_kind(const PgType *t, const Value *v, const char *hint, char *msg, size_t msglen)
{
    const char *k = value_kind_name(v->kind);
    return op_failf(msg, msglen, "cannot convert %s %s value to %s%s", strchr("aeiou", k[0]) ? "an" : "a", k,
                    t->name, hint ? hint : "");
}

static int not_valid(const Value *v, const char *what, char *msg, size_t msglen)
{
    char q[QBUF];
    return op_failf(msg, msglen, "%s is not a valid %s", quote_value(v->s, v->len, q, sizeof q), what);
}

/* [+-]digits, nothing else (PostgreSQL's integer input after trimming). */
static int int_text(const char *s, size_t len, int64_t *out)
{
    int neg = len && s[0] == '-';
    size_t i = len && (s[0] == '-' || s[0] == '+');
    if (i == len)
        return DEC_SYNTAX;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return DEC_SYNTAX;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (lim - d) / 10)
            return DEC_RANGE;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return DEC_OK;
}

static int cast_int(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    int64_t lim = t->kind == PT_INT2 ? 32767 : t->kind == PT_INT4 ? 2147483647 : INT64_MAX;
    int64_t i = 0;
    char tmp[64];
    if (v->kind == VAL_INT) {
        i = v->i;
    } else if (v->kind == VAL_REAL) {
        if (!isfinite(v->d) || v->d != trunc(v->d))
            return op_failf(msg, msglen, "%s is not a valid integer", real_shortest(v->d, tmp, sizeof tmp));
        if (v->d < -9223372036854775808.0 || v->d >= 9223372036854775808.0)
            return op_failf(msg, msglen, "%s is out of range for %s", real_shortest(v->d, tmp, sizeof tmp), t->name);
        i = (int64_t)v->d;
    } else if (v->kind == VAL_TEXT) {
        size_t len = v->len;
        const char *s = trim(v->s, &len);
        int rc = int_text(s, len, &i);
        if (rc == DEC_RANGE)
            return op_failf(msg, msglen, "%s is out of range for %s",
                            quote_value(v->s, v->len, tmp, sizeof tmp), t->name);
        if (rc != DEC_OK)
            return not_valid(v, "integer", msg, msglen);
    } else {
        return bad_kind(t, v, NULL, msg, msglen);
    }
    if (i > lim || i < -lim - 1)
        return op_failf(msg, msglen, "%lld is out of range for %s", (long long)i, t->name);
    buf_put_i64(out, i);
    return 0;
}

/* numeric_in's words: NaN (no sign) fits any numeric, [+-]Infinity and
 * [+-]inf only an unconstrained one.  1 when written, 0 when the text is
 * not one of them, -1 with msg set. */
static int numeric_special(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    size_t len = v->len;
    const char *s = trim(v->s, &len);
    if (len == 3 && ascii_ncasecmp(s, "nan", 3) == 0) {
        buf_puts(out, "NaN");
        return 1;
    }
    int neg = len && s[0] == '-';
    size_t i = len && (s[0] == '-' || s[0] == '+');
    if (!((len - i == 8 && ascii_ncasecmp(s + i, "infinity", 8) == 0) ||
          (len - i == 3 && ascii_ncasecmp(s + i, "inf", 3) == 0)))
        return 0;
    if (t->precision > 0)
        return op_failf(msg, msglen, "numeric field overflow: %s cannot hold an infinite value", t->name);
    buf_puts(out, neg ? "-Infinity" : "Infinity");
    return 1;
}

static int cast_numeric(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    if (v->kind != VAL_INT && v->kind != VAL_REAL && v->kind != VAL_TEXT)
        return bad_kind(t, v, NULL, msg, msglen);
    int special = v->kind == VAL_TEXT ? numeric_special(t, v, out, msg, msglen) : 0;
    if (special)
        return special < 0 ? -1 : 0;
    Buf c;
    buf_init(&c);
    int rc = dec_of_value(v, &c, msg, msglen);
    if (rc == 0 && t->precision > 0) {
        int scale = t->scale > 0 ? t->scale : 0;
        Buf r;
        buf_init(&r);
        dec_round(c.data, scale, &r);
        const char *ip = r.data + (r.data[0] == '-');
        long nint = strcmp(ip, "0") == 0 || strncmp(ip, "0.", 2) == 0 ? 0 : (long)strcspn(ip, ".");
        if (nint > t->precision - scale)
            rc = op_failf(msg, msglen, "numeric field overflow: %s has %ld integer digits, %s allows %d",
                          c.data, nint, t->name, t->precision - scale);
        else
            buf_append(out, r.data, r.len);
        buf_free(&r);
    } else if (rc == 0) {
        buf_append(out, c.data, c.len);
    }
    buf_free(&c);
    return rc;
}

/* PostgreSQL's float input syntax: decimal with optional exponent, or
 * NaN / [-+]Infinity / inf (any case). */
static int float_syntax(const char *s, size_t len)
{
    const char *p = s, *e = s + len;
    if (p < e && (*p == '+' || *p == '-'))
        p++;
    size_t rest = (size_t)(e - p);
    if ((rest == 3 && (ascii_ncasecmp(p, "nan", 3) == 0 || ascii_ncasecmp(p, "inf", 3) == 0)) ||
        (rest == 8 && ascii_ncasecmp(p, "infinity", 8) == 0))
        return 1 + (p != s && ascii_ncasecmp(p, "nan", 3) == 0 ? -1 : 0);
    int nd = 0;
    while (p < e && *p >= '0' && *p <= '9') { p++; nd++; }
    if (p < e && *p == '.')
        for (p++; p < e && *p >= '0' && *p <= '9'; p++) nd++;
    if (!nd)
        return 0;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (p == e || *p < '0' || *p > '9')
            return 0;
        while (p < e && *p >= '0' && *p <= '9')
            p++;
    }
    return p == e ? 2 : 0;
}

static int cast_float(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    char tmp[512];
    double d;
    if (v->kind == VAL_INT) {
        buf_printf(out, "%lld", (long long)v->i);
        return 0;
    }
    if (v->kind == VAL_REAL) {
        d = v->d;
    } else if (v->kind == VAL_TEXT) {
        size_t len = v->len;
        const char *s = trim(v->s, &len);
        int kind = float_syntax(s, len);
        if (!kind || len >= sizeof tmp)
            return not_valid(v, "floating-point number", msg, msglen);
        memcpy(tmp, s, len);
        tmp[len] = '\0';
        errno = 0;
        d = strtod(tmp, NULL);
        if (kind == 2 && errno == ERANGE && (d == 0 || isinf(d)))
            return op_failf(msg, msglen, "%s is out of range for %s", tmp, t->name);
        /* float4in reads the text with strtof: a denormal such as 1e-45
         * or FLT_MAX as printed (3.4028235e+38) is fine, only a result of
         * zero or infinity is out of range */
        errno = 0;
        float f = kind == 2 && t->kind == PT_FLOAT4 ? strtof(tmp, NULL) : 1.0f;
        if (errno == ERANGE && (f == 0 || isinf(f)))
            return op_failf(msg, msglen, "%s is out of range for %s", tmp, t->name);
    } else {
        return bad_kind(t, v, NULL, msg, msglen);
    }
    /* a double rounds to float4 infinity from FLT_MAX + half an ulp on, to
     * zero at half the smallest denormal and below (float84 refuses both) */
    if (v->kind == VAL_REAL && t->kind == PT_FLOAT4 && isfinite(d) &&
        (fabs(d) >= 0x1.ffffffp+127 || (d != 0 && fabs(d) <= 0x1p-150)))
        return op_failf(msg, msglen, "%s is out of range for %s", real_shortest(d, tmp, sizeof tmp), t->name);
    buf_puts(out, real_shortest(d, tmp, sizeof tmp));
    return 0;
}

static int cast_bool(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    static const char *const yes[] = {"t", "true", "yes", "on", "1", "y"};
    static const char *const no[] = {"f", "false", "no", "off", "0", "n"};
    int b = -1;
    if (v->kind == VAL_BOOL || (v->kind == VAL_INT && (v->i == 0 || v->i == 1)))
        b = (int)v->i;
    else if (v->kind == VAL_INT)
        return op_failf(msg, msglen, "%lld is not a valid boolean (0 or 1)", (long long)v->i);
    else if (v->kind != VAL_TEXT)
        return bad_kind(t, v, NULL, msg, msglen);
    size_t len = v->len;
    const char *s = v->kind == VAL_TEXT ? trim(v->s, &len) : "";
    for (int i = 0; b < 0 && i < 6; i++) {
        if (strlen(yes[i]) == len && ascii_ncasecmp(s, yes[i], len) == 0)
            b = 1;
        else if (strlen(no[i]) == len && ascii_ncasecmp(s, no[i], len) == 0)
            b = 0;
    }
    if (b < 0)
        return not_valid(v, "boolean", msg, msglen);
    buf_puts(out, b ? "true" : "false");
    return 0;
}

static const char *const epoch_hint = " (use the epoch operation for numbers)";

/* date and timestamp[tz] have [+-]infinity (any case on input). */
static int datetime_infinity(const char *s, size_t len, Buf *out)
{
    int neg = len && s[0] == '-';
    size_t i = len && (s[0] == '-' || s[0] == '+');
    if (len - i != 8 || ascii_ncasecmp(s + i, "infinity", 8) != 0)
        return 0;
    buf_puts(out, neg ? "-infinity" : "infinity");
    return 1;
}

/* Writes tp as PostgreSQL does: a year before 1 (astronomical, TP_PG) as
 * 1 - year with " BC" after everything, the offset included. */
static void put_datetime(PgTypeKind k, const TimeParts *tp, Buf *out)
{
    TimeParts w = *tp;
    int bc = w.year <= 0;
    if (bc)
        w.year = 1 - w.year;
    char buf[128];
    if (k == PT_DATE) {
        /* the date part of the datetime text (formatted without snprintf) */
        tp_format_datetime(&w, buf, sizeof buf);
        buf_append(out, buf, (size_t)(strchr(buf, ' ') - buf));
    } else {
        tp_format_datetime(&w, buf, sizeof buf);
        buf_puts(out, k == PT_TIME ? strchr(buf, ' ') + 1 : buf);
    }
    if (k == PT_TIMESTAMPTZ) {
        if (w.has_offset) {
            tp_format_offset(w.offset_sec, 0, buf, sizeof buf);
            buf_puts(out, buf);
        } else if (w.zone[0]) {
            buf_printf(out, " %s", w.zone);
        } else {
            buf_puts(out, "+00");
        }
    }
    if (bc)
        buf_puts(out, " BC");
}

/* Accepts ISO 8601 and everything the server prints with DateStyle ISO
 * (TP_PG: " BC", long years, offsets with seconds; 24:00:00; infinity). */
static int cast_datetime(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    if (v->kind != VAL_TEXT)
        return bad_kind(t, v, v->kind == VAL_INT || v->kind == VAL_REAL ? epoch_hint : NULL, msg, msglen);
    size_t len = v->len;
    const char *s = trim(v->s, &len);
    if (t->kind != PT_TIME && datetime_infinity(s, len, out))
        return 0;
    TimeParts tp;
    const char *what = t->kind == PT_DATE ? "date" : t->kind == PT_TIME ? "time" : "timestamp";
    int rc = t->kind == PT_TIME ? tp_parse_pgtime(s, len, &tp)
                                : tp_parse_iso(s, len, &tp, TP_ZONE_NAME | TP_PG);
    if (rc == TP_OK && t->kind == PT_DATE && tp.has_time)
        rc = TP_SYNTAX;
    if (rc == TP_INVALID)
        return not_valid(v, what, msg, msglen);
    if (rc != TP_OK) {
        char q[QBUF];
        return op_failf(msg, msglen, "%s is not a valid %s (expected ISO 8601: %s)",
                        quote_value(v->s, v->len, q, sizeof q), what,
                        t->kind == PT_DATE ? "YYYY-MM-DD" : t->kind == PT_TIME ? "HH:MM:SS"
                                                                              : "YYYY-MM-DD HH:MM:SS");
    }
    put_datetime(t->kind, &tp, out);
    return 0;
}

static void hex_out(Buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    buf_reserve(out, 2 * len + 2);   /* once: blobs can be large */
    char *o = out->data + out->len;
    *o++ = '\\';
    *o++ = 'x';
    for (size_t i = 0; i < len; i++) {
        *o++ = hex[(unsigned char)s[i] >> 4];
        *o++ = hex[(unsigned char)s[i] & 15];
    }
    out->len = (size_t)(o - out->data);
    out->data[out->len] = '\0';
}

/* The value as text appended to out (value_as_text without an arena). */
static void text_out(const Value *v, Buf *out)
{
    char tmp[64];
    switch (v->kind) {
    case VAL_TEXT: buf_append(out, v->s, v->len); break;
    case VAL_INT: buf_printf(out, "%lld", (long long)v->i); break;
    case VAL_REAL: buf_puts(out, real_shortest(v->d, tmp, sizeof tmp)); break;
    case VAL_BOOL: buf_puts(out, v->i ? "true" : "false"); break;
    case VAL_BLOB: hex_out(out, v->s, v->len); break;
    case VAL_NULL: break;
    }
}

/* Like PostgreSQL, a value too long only by trailing spaces is cut. */
static int cast_text(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    size_t start = out->len;
    text_out(v, out);
    if ((t->kind != PT_VARCHAR && t->kind != PT_CHAR) || t->length < 0)
        return 0;
    const char *s = out->data + start;
    size_t len = out->len - start, n = utf8_charlen(s, len);
    if (n <= (size_t)t->length)
        return 0;
    size_t keep = 0;
    for (int chars = 0; keep < len && chars < t->length; chars++)
        for (keep++; keep < len && ((unsigned char)s[keep] & 0xC0) == 0x80; keep++)
            ;
    for (size_t i = keep; i < len; i++)
        if (s[i] != ' ')
            return op_failf(msg, msglen, "value too long for %s (%zu characters)", t->name, n);
    out->len = start + keep;
    out->data[out->len] = '\0';
    return 0;
}

static int cast_other(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    char u[37];
    size_t off = 0;
    switch (t->kind) {
    case PT_UUID:
        if (v->kind != VAL_TEXT && !(v->kind == VAL_BLOB && v->len == 16))
            return bad_kind(t, v, NULL, msg, msglen);
        if (uuid_canon(v, u) != 0)
            return not_valid(v, "uuid", msg, msglen);
        buf_puts(out, u);
        return 0;
    case PT_JSON: case PT_JSONB: {
        if (v->kind == VAL_BLOB)
            return bad_kind(t, v, NULL, msg, msglen);
        size_t start = out->len;
        text_out(v, out);
        if (json_check_pg(out->data + start, out->len - start, t->kind == PT_JSONB, &off))
            return 0;
        return op_failf(msg, msglen, "not valid JSON for %s (at byte %zu)", t->name, off);
    }
    case PT_BYTEA:
        if (v->kind != VAL_BLOB && v->kind != VAL_TEXT)
            return bad_kind(t, v, NULL, msg, msglen);
        hex_out(out, v->s, v->len);
        return 0;
    default:
        return cast_text(t, v, out, msg, msglen);
    }
}

int pgtype_cast(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen)
{
    if (msg && msglen)
        msg[0] = '\0';
    if (v->kind == VAL_NULL)
        return op_failf(msg, msglen, "null value given to the cast");
    if (v->kind == VAL_TEXT && t->kind != PT_BYTEA) {
        size_t bad = utf8_check(v->s, v->len);
        if (memchr(v->s, '\0', v->len))
            return op_failf(msg, msglen, "text contains a NUL byte");
        if (bad != v->len)
            return op_failf(msg, msglen, "invalid UTF-8 at byte %zu", bad);
    }
    size_t start = out->len;
    int rc;
    switch (t->kind) {
    case PT_INT2: case PT_INT4: case PT_INT8: rc = cast_int(t, v, out, msg, msglen); break;
    case PT_NUMERIC: rc = cast_numeric(t, v, out, msg, msglen); break;
    case PT_FLOAT4: case PT_FLOAT8: rc = cast_float(t, v, out, msg, msglen); break;
    case PT_BOOL: rc = cast_bool(t, v, out, msg, msglen); break;
    case PT_DATE: case PT_TIMESTAMP: case PT_TIMESTAMPTZ: case PT_TIME:
        rc = cast_datetime(t, v, out, msg, msglen);
        break;
    default: rc = cast_other(t, v, out, msg, msglen); break;
    }
    if (rc != 0 && out->data) { /* leave out as it was */
        out->len = start;
        out->data[start] = '\0';
    }
    return rc;
}
