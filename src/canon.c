/* canon.c - canon_text: from the text pgmap's cast writes for a value to
 * the text the server's output function prints for it (see canon.h for the
 * session this assumes), plus the record text and its hash that pgmap sync
 * compares with md5(ROW(...)::text) on the server.
 *
 * Every rule accepts at least what pgtype_cast writes and returns 0 for
 * anything it does not model; a wrong 1 would make sync report (or hide)
 * differences that are not there, while a 0 only costs a slower compare. */
#include "canon.h"

#include <stdio.h>
#include <string.h>

#include "md5.h"
#include "timeparse.h"

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

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* ---- integers, bool, uuid, bytea ---- */

static int canon_int(PgTypeKind k, const char *s, size_t len, Buf *out)
{
    s = trim(s, &len);
    int neg = len && s[0] == '-';
    size_t i = len && (s[0] == '-' || s[0] == '+');
    if (i == len)
        return 0;
    uint64_t v = 0, lim = k == PT_INT2 ? 32767 : k == PT_INT4 ? 2147483647 : INT64_MAX;
    lim += (uint64_t)neg; /* one more below zero */
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > lim)
            return 0; /* the server refuses it */
    }
    if (neg && v)
        buf_putc(out, '-');
    buf_printf(out, "%llu", (unsigned long long)v);
    return 1;
}

static int canon_bool(const char *s, size_t len, Buf *out)
{
    static const char *const yes[] = {"t", "true", "yes", "y", "on", "1"};
    static const char *const no[] = {"f", "false", "no", "n", "off", "0"};
    s = trim(s, &len);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strlen(yes[i]) == len && ascii_ncasecmp(s, yes[i], len) == 0) {
            buf_putc(out, 't');
            return 1;
        }
        if (strlen(no[i]) == len && ascii_ncasecmp(s, no[i], len) == 0) {
            buf_putc(out, 'f');
            return 1;
        }
    }
    return 0;
}

/* 8-4-4-4-12 hex digits (any case) or 32 hex digits; printed lower-case
 * with hyphens.  Other forms the server accepts are left to it. */
static int canon_uuid(const char *s, size_t len, Buf *out)
{
    s = trim(s, &len);
    int hyph = len == 36;
    if (len != 32 && !hyph)
        return 0;
    char u[37];
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        int dash = hyph && (i == 8 || i == 13 || i == 18 || i == 23);
        if (dash != (s[i] == '-') || (!dash && hexval(s[i]) < 0))
            return 0;
        if (k == 8 || k == 13 || k == 18 || k == 23)
            u[k++] = '-';
        if (!dash)
            u[k++] = "0123456789abcdef"[hexval(s[i])];
    }
    buf_append(out, u, 36);
    return 1;
}

/* \x and pairs of hex digits; the escape format is not modelled. */
static int canon_bytea(const char *s, size_t len, Buf *out)
{
    if (len < 2 || s[0] != '\\' || s[1] != 'x' || len % 2)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (hexval(s[i]) < 0)
            return 0;
    buf_puts(out, "\\x");
    for (size_t i = 2; i < len; i++)
        buf_putc(out, "0123456789abcdef"[hexval(s[i])]);
    return 1;
}

/* ---- text types ---- */

/* Bytes of the first n characters of valid UTF-8 s. */
static size_t char_bytes(const char *s, size_t len, size_t n)
{
    size_t i = 0;
    for (size_t c = 0; c < n && i < len; c++)
        i += utf8_seq(s + i, len - i);
    return i;
}

/* text unchanged; varchar(n) and char(n) cut to n characters when only
 * spaces are cut (the server refuses the rest); char(n) padded with spaces
 * to n characters, as bpchar stores and prints it. */
static int canon_textual(const PgType *t, const char *s, size_t len, Buf *out)
{
    if (!utf8_valid(s, len) || memchr(s, '\0', len))
        return 0;
    if (t->kind == PT_TEXT && strcmp(t->name, "name") == 0 && len > 63)
        return 0; /* name keeps 63 bytes (NAMEDATALEN - 1) */
    size_t n = utf8_charlen(s, len);
    if (t->kind != PT_TEXT && t->length >= 0 && n > (size_t)t->length) {
        size_t keep = char_bytes(s, len, (size_t)t->length);
        if (strspn(s + keep, " ") != len - keep)
            return 0;
        len = keep;
        n = (size_t)t->length;
    }
    buf_append(out, s, len);
    if (t->kind == PT_CHAR)
        for (; t->length >= 0 && n < (size_t)t->length; n++)
            buf_putc(out, ' ');
    return 1;
}

/* ---- date and time ---- */

/* HH:MM:SS and the fraction without its trailing zeros. */
/* Appends v (>= 0) with at least width digits.  By hand: snprintf was
 * a tenth of a verify's time on timestamp columns. */
static void put_digits(Buf *out, int64_t v, int width)
{
    char d[24];
    int n = 0;
    do {
        d[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && n < (int)sizeof d);
    while (n < width && n < (int)sizeof d)
        d[n++] = '0';
    char r[24];
    for (int i = 0; i < n; i++)
        r[i] = d[n - 1 - i];
    buf_append(out, r, (size_t)n);
}

static void put_time(Buf *out, const TimeParts *tm)
{
    put_digits(out, tm->hour, 2);
    buf_putc(out, ':');
    put_digits(out, tm->minute, 2);
    buf_putc(out, ':');
    put_digits(out, tm->second, 2);
    if (tm->usec) {
        char f[6];
        int u = tm->usec;
        for (int i = 5; i >= 0; i--, u /= 10)
            f[i] = (char)('0' + u % 10);
        size_t n = 6;
        while (f[n - 1] == '0')
            n--;
        buf_putc(out, '.');
        buf_append(out, f, n);
    }
}

/* The server's ISO output: the year (at least four digits; years before 1
 * as 1 - y with " BC" after everything), the time when tm is given, then
 * zone (may be ""). */
static void put_stamp(Buf *out, int64_t y, int mo, int d, const TimeParts *tm, const char *zone)
{
    put_digits(out, y > 0 ? y : 1 - y, 4);
    buf_putc(out, '-');
    put_digits(out, mo, 2);
    buf_putc(out, '-');
    put_digits(out, d, 2);
    if (tm) {
        buf_putc(out, ' ');
        put_time(out, tm);
    }
    buf_puts(out, zone);
    if (y <= 0)
        buf_puts(out, " BC");
}

static int canon_infinity(const char *s, size_t len, Buf *out)
{
    if ((len == 8 && ascii_ncasecmp(s, "infinity", 8) == 0) ||
        (len == 9 && ascii_ncasecmp(s, "+infinity", 9) == 0)) {
        buf_puts(out, "infinity");
        return 1;
    }
    if (len == 9 && ascii_ncasecmp(s, "-infinity", 9) == 0) {
        buf_puts(out, "-infinity");
        return 1;
    }
    return 0;
}

/* A timestamptz shown in UTC: the offset moved into the instant. */
static void put_utc(Buf *out, const TimeParts *tp)
{
    int64_t days = tp_days_from_civil(tp->year, tp->month, tp->day);
    int64_t sec = days * 86400 + (int64_t)tp->hour * 3600 + (int64_t)tp->minute * 60 + tp->second;
    sec -= tp->offset_sec; /* seconds east of UTC */
    int64_t d = sec >= 0 ? sec / 86400 : -((-sec + 86399) / 86400);
    int64_t rem = sec - d * 86400;
    TimeParts u = *tp;
    int64_t y;
    tp_civil_from_days(d, &y, &u.month, &u.day);
    u.hour = (int)(rem / 3600);
    u.minute = (int)(rem / 60 % 60);
    u.second = (int)(rem % 60);
    put_stamp(out, y, u.month, u.day, &u, "+00");
}

static int canon_datetime(PgTypeKind k, const char *s, size_t len, Buf *out)
{
    TimeParts tp;
    s = trim(s, &len);
    if (k == PT_TIME) {
        if (tp_parse_time(s, len, &tp) != TP_OK)
            return 0;
        put_time(out, &tp);
        return 1;
    }
    if (canon_infinity(s, len, out))
        return 1;
    if (tp_parse_iso(s, len, &tp, k == PT_TIMESTAMPTZ ? TP_ZONE_NAME : 0) != TP_OK)
        return 0;
    if (k == PT_DATE) {
        if (tp.has_time || tp.has_offset)
            return 0;
        put_stamp(out, tp.year, tp.month, tp.day, NULL, "");
    } else if (k == PT_TIMESTAMP) {
        if (tp.has_offset || tp.zone[0])
            return 0;
        put_stamp(out, tp.year, tp.month, tp.day, &tp, "");
    } else {
        if (tp.zone[0]) /* a named zone needs the tz database and its rules */
            return 0;
        put_utc(out, &tp);
    }
    return 1;
}

/* ---- dispatch ---- */

static int canon_numeric_typed(const PgType *t, const char *s, size_t len, Buf *out)
{
    if (t->precision <= 0)
        return canon_numeric(s, len, -1, out);
    if (t->scale < 0 || t->scale >= 1024) /* negative scales are not modelled */
        return 0;
    size_t start = out->len;
    if (!canon_numeric(s, len, t->scale, out))
        return 0;
    return canon_numeric_fits(out->data + start, t->precision, t->scale);
}

static int canon_dispatch(const PgType *t, const char *s, size_t len, Buf *out)
{
    switch (t->kind) {
    case PT_INT2: case PT_INT4: case PT_INT8: return canon_int(t->kind, s, len, out);
    case PT_NUMERIC: return canon_numeric_typed(t, s, len, out);
    case PT_FLOAT4: case PT_FLOAT8: return canon_float(s, len, t->kind == PT_FLOAT4, out);
    case PT_BOOL: return canon_bool(s, len, out);
    case PT_UUID: return canon_uuid(s, len, out);
    case PT_DATE: case PT_TIMESTAMP: case PT_TIMESTAMPTZ: case PT_TIME:
        return canon_datetime(t->kind, s, len, out);
    case PT_TEXT: case PT_VARCHAR: case PT_CHAR: return canon_textual(t, s, len, out);
    case PT_JSON:
        if (!utf8_valid(s, len) || memchr(s, '\0', len) || !json_valid(s, len))
            return 0;
        buf_append(out, s, len); /* json keeps the text it was given */
        return 1;
    case PT_JSONB: return canon_jsonb(s, len, out);
    case PT_BYTEA: return canon_bytea(s, len, out);
    case PT_OTHER: break;
    }
    return 0;
}

int canon_text(const PgType *t, const char *s, size_t len, Buf *out)
{
    size_t start = out->len;
    if (canon_dispatch(t, s, len, out))
        return 1;
    out->len = start; /* whatever a failed rule wrote goes */
    buf_append(out, s, len);
    return 0;
}

/* ---- records and hashes ---- */

void canon_record_begin(Buf *rec) { buf_putc(rec, '('); }

/* Every field is followed by a comma; canon_record_end turns the last one
 * into the closing parenthesis, so no state is needed between calls. */
static int record_special(char c)
{
    return c == '"' || c == '\\' || c == '(' || c == ')' || c == ',' || is_ws(c);
}

/* Runs of plain bytes are appended whole: this is on every value of a
 * sync or verify, and byte-at-a-time appends were a tenth of its time. */
void canon_record_field(Buf *rec, const char *s, size_t len, int isnull)
{
    int quote = !isnull && len == 0;
    for (size_t i = 0; !isnull && !quote && i < len; i++)
        quote = record_special(s[i]);
    if (!isnull && !quote) {
        buf_append(rec, s, len);
    } else if (!isnull) {
        buf_putc(rec, '"');
        size_t start = 0;
        for (size_t i = 0; i < len; i++) {
            if (s[i] != '"' && s[i] != '\\')
                continue;
            buf_append(rec, s + start, i + 1 - start);   /* the quote or backslash is doubled: */
            start = i;                                  /* it starts the next run again */
        }
        buf_append(rec, s + start, len - start);
        buf_putc(rec, '"');
    }
    buf_putc(rec, ',');
}

void canon_record_end(Buf *rec)
{
    if (rec->len && rec->data[rec->len - 1] == ',')
        rec->data[rec->len - 1] = ')';
    else
        buf_putc(rec, ')');
}

void canon_hash(const char *txt, size_t len, int32_t *h1, int32_t *h2)
{
    unsigned char d[16];
    md5_digest(txt, len, d);
    uint32_t a = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
    uint32_t b = (uint32_t)d[4] << 24 | (uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7];
    /* Two's complement, as bit(32)::int reads it; memcpy avoids relying on
     * implementation-defined unsigned-to-signed conversion. */
    memcpy(h1, &a, sizeof a);
    memcpy(h2, &b, sizeof b);
}
