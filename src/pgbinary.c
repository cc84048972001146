/* pgbinary.c - values in COPY's binary format (see pgbinary.h): each
 * type's canonical text, as pgtype_cast writes it, encoded the way the
 * type's send function would write the same value, so the server's
 * receive function reads exactly what its input function would have made
 * of the text.  Everything is big-endian. */
#include "pgbinary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "timeparse.h"

/* The low n bytes of v, most significant first. */
static void put_be(Buf *out, uint64_t v, int n)
{
    buf_reserve(out, (size_t)n);
    unsigned char *p = (unsigned char *)out->data + out->len;
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> (8 * (n - 1 - i)));
    out->len += (size_t)n;
    out->data[out->len] = '\0';
}

static void put_u16(Buf *out, unsigned v) { put_be(out, v, 2); }
static void put_u32(Buf *out, uint32_t v) { put_be(out, v, 4); }
static void put_u64(Buf *out, uint64_t v) { put_be(out, v, 8); }

int pgbin_kind_ok(PgTypeKind k)
{
    return k != PT_OTHER;
}

void pgbin_header(Buf *out)
{
    buf_append(out, "PGCOPY\n\377\r\n\0", 11);   /* the signature: 11 bytes, its last NUL */
    put_u32(out, 0);   /* flags: no OIDs */
    put_u32(out, 0);   /* no header extension */
}

void pgbin_trailer(Buf *out)
{
    put_u16(out, 0xffff);
}

void pgbin_row(Buf *out, int nfields)
{
    put_u16(out, (unsigned)nfields);
}

void pgbin_null(Buf *out)
{
    put_u32(out, 0xffffffffu);
}

/* Decimal digits with an optional leading '-'; 0 or PGBIN_CANNOT. */
static int int_from_text(const char *s, size_t len, int64_t *out)
{
    size_t i = len && s[0] == '-';
    if (i == len || len - i > 19)
        return PGBIN_CANNOT;
    uint64_t u = 0;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return PGBIN_CANNOT;
        u = u * 10 + (uint64_t)(s[i] - '0');
    }
    if (u > (uint64_t)INT64_MAX + (s[0] == '-'))
        return PGBIN_CANNOT;
    /* two's complement by hand: -INT64_MIN does not exist */
    *out = s[0] == '-' ? (int64_t)(0 - u) : (int64_t)u;
    return 0;
}

static int float_from_text(PgTypeKind k, const char *s, size_t len, Buf *out)
{
    char tmp[64];
    if (len >= sizeof tmp)
        return PGBIN_CANNOT;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end = NULL;
    /* float4in and float8in read the text with strtof and strtod */
    if (k == PT_FLOAT4) {
        float f = strtof(tmp, &end);
        uint32_t bits;
        memcpy(&bits, &f, 4);
        put_u32(out, bits);
    } else {
        double d = strtod(tmp, &end);
        uint64_t bits;
        memcpy(&bits, &d, 8);
        put_u64(out, bits);
    }
    return end == tmp + len ? 0 : PGBIN_CANNOT;
}

/* Hex digit values plus one (0: not a hex digit), by table: a uuid is
 * 32 of them, and a branchy conversion was a tenth of pgmap's CPU. */
static const unsigned char hex_plus1[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15,
    ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int hexval(char c)
{
    return (int)hex_plus1[(unsigned char)c] - 1;
}

/* A canonical uuid (8-4-4-4-12 hex digits, as uuid_canon writes it) as
 * its 16 bytes. */
static int uuid_from_text(const char *s, size_t len, Buf *out)
{
    static const unsigned char at[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
    if (len != 36)
        return PGBIN_CANNOT;
    unsigned char b[16];
    int bad = 0;
    for (int i = 0; i < 16; i++) {
        int hi = hexval(s[at[i]]), lo = hexval(s[at[i] + 1]);
        bad |= hi | lo;   /* negative when either is not a hex digit */
        b[i] = (unsigned char)((unsigned)hi << 4 | (unsigned)lo);
    }
    if (bad < 0)
        return PGBIN_CANNOT;
    buf_append(out, b, 16);
    return 0;
}

/* "\x<hex>" as its bytes. */
static int bytea_from_text(const char *s, size_t len, Buf *out)
{
    if (len < 2 || s[0] != '\\' || s[1] != 'x' || len % 2)
        return PGBIN_CANNOT;
    buf_reserve(out, (len - 2) / 2);
    for (size_t i = 2; i < len; i += 2) {
        int hi = hexval(s[i]), lo = hexval(s[i + 1]);
        if (hi < 0 || lo < 0)
            return PGBIN_CANNOT;
        buf_putc(out, (char)(hi << 4 | lo));
    }
    return 0;
}

/* PostgreSQL's dates count days, and timestamps microseconds, from
 * 2000-01-01; [-]infinity are the extreme values of the type. */
#define PG_EPOCH_DAYS 10957   /* 2000-01-01 - 1970-01-01 */
#define USECS_PER_DAY INT64_C(86400000000)

static int datetime_infinity(PgTypeKind k, const char *s, size_t len, Buf *out)
{
    int neg = len == 9 && memcmp(s, "-infinity", 9) == 0;
    if (!neg && !(len == 8 && memcmp(s, "infinity", 8) == 0))
        return 0;
    if (k == PT_DATE)
        put_u32(out, neg ? 0x80000000u : 0x7fffffffu);
    else
        put_u64(out, neg ? UINT64_C(0x8000000000000000) : UINT64_C(0x7fffffffffffffff));
    return 1;
}

static int datetime_from_text(PgTypeKind k, const char *s, size_t len, Buf *out)
{
    TimeParts tp;
    if (k != PT_TIME && datetime_infinity(k, s, len, out))
        return 0;
    int rc = k == PT_TIME ? tp_parse_pgtime(s, len, &tp) : tp_parse_iso(s, len, &tp, TP_ZONE_NAME | TP_PG);
    if (rc != TP_OK || tp.zone[0])   /* a zone name: only the server knows its offset */
        return PGBIN_CANNOT;
    int64_t secs = (int64_t)tp.hour * 3600 + (int64_t)tp.minute * 60 + tp.second;
    if (k == PT_TIME) {
        put_u64(out, (uint64_t)(secs * 1000000 + tp.usec));
        return 0;
    }
    int64_t days = tp_days_from_civil(tp.year, tp.month, tp.day) - PG_EPOCH_DAYS;
    if (k == PT_DATE) {
        if (days < INT32_MIN + 1 || days >= INT32_MAX)   /* the server says it is out of range */
            return PGBIN_CANNOT;
        put_u32(out, (uint32_t)(int32_t)days);
        return 0;
    }
    /* int64 microseconds: the server's last timestamp is day 106751983
     * (294276-12-31); a few days' margin covers the time and the offset */
    if (days < -INT64_C(106751985) || days > INT64_C(106751985))
        return PGBIN_CANNOT;
    if (k == PT_TIMESTAMPTZ)
        secs -= tp.offset_sec;
    put_u64(out, (uint64_t)(days * USECS_PER_DAY + secs * 1000000 + tp.usec));
    return 0;
}

/* numeric_send's layout: ndigits, weight (of the first digit, in base
 * 10000 digits from the point), sign, dscale (decimal digits after the
 * point), then the base-10000 digits.  The text is "[-]digits[.digits]",
 * NaN or [-]Infinity. */
#define NUMERIC_POS 0x0000
#define NUMERIC_NEG 0x4000
#define NUMERIC_NAN 0xC000
#define NUMERIC_PINF 0xD000
#define NUMERIC_NINF 0xF000

static int numeric_special(const char *s, size_t len, Buf *out)
{
    unsigned sign = len == 3 && memcmp(s, "NaN", 3) == 0            ? NUMERIC_NAN
                    : len == 8 && memcmp(s, "Infinity", 8) == 0     ? NUMERIC_PINF
                    : len == 9 && memcmp(s, "-Infinity", 9) == 0    ? NUMERIC_NINF
                                                                    : 0;
    if (!sign)
        return 0;
    put_u16(out, 0);
    put_u16(out, 0);
    put_u16(out, sign);
    put_u16(out, 0);
    return 1;
}

/* Digit p of the number padded with zeros to whole groups of four: padl
 * zeros, the integer digits ip[0..ni), the fraction fp[0..nf), zeros. */
static int padded_digit(size_t p, size_t padl, const char *ip, size_t ni, const char *fp, size_t nf)
{
    if (p < padl)
        return 0;
    p -= padl;
    if (p < ni)
        return ip[p] - '0';
    p -= ni;
    return p < nf ? fp[p] - '0' : 0;
}

static int pgbin_numeric(const char *s, size_t len, Buf *out)
{
    if (numeric_special(s, len, out))
        return 0;
    int neg = len && s[0] == '-';
    const char *ip = s + neg, *end = s + len;
    const char *dot = memchr(ip, '.', (size_t)(end - ip));
    size_t ni = (size_t)((dot ? dot : end) - ip);
    const char *fp = dot ? dot + 1 : end;
    size_t nf = (size_t)(end - fp);
    for (const char *q = ip; q < end; q++)
        if ((*q < '0' || *q > '9') && q != dot)
            return PGBIN_CANNOT;
    while (ni && *ip == '0') {   /* leading zeros carry nothing */
        ip++;
        ni--;
    }
    size_t padl = (4 - ni % 4) % 4, ngroups = (padl + ni + nf + 3) / 4;
    long weight = (long)((padl + ni) / 4) - 1;
    size_t first = 0, last = ngroups;   /* the groups between leading and trailing zero groups */
    while (first < last) {
        int v = 0;
        for (int j = 0; j < 4; j++)
            v |= padded_digit(first * 4 + (size_t)j, padl, ip, ni, fp, nf);
        if (v)
            break;
        first++;
    }
    while (last > first) {
        int v = 0;
        for (int j = 0; j < 4; j++)
            v |= padded_digit((last - 1) * 4 + (size_t)j, padl, ip, ni, fp, nf);
        if (v)
            break;
        last--;
    }
    if (last - first > 0x7fff || nf > 0x3fff || weight - (long)first < -0x8000 || weight > 0x7fff)
        return PGBIN_CANNOT;
    put_u16(out, (unsigned)(last - first));
    put_u16(out, (unsigned)(uint16_t)(int16_t)(first == last ? 0 : weight - (long)first));
    put_u16(out, neg && first < last ? NUMERIC_NEG : NUMERIC_POS);
    put_u16(out, (unsigned)nf);
    for (size_t k = first; k < last; k++) {
        int v = 0;
        for (int j = 0; j < 4; j++)
            v = v * 10 + padded_digit(k * 4 + (size_t)j, padl, ip, ni, fp, nf);
        put_u16(out, (unsigned)v);
    }
    return 0;
}

int pgbin_from_text(const PgType *t, const char *s, size_t len, Buf *out)
{
    int64_t i = 0;
    switch (t->kind) {
    case PT_INT2: case PT_INT4: case PT_INT8:
        if (int_from_text(s, len, &i) != 0)
            return PGBIN_CANNOT;
        if (t->kind == PT_INT2)
            put_u16(out, (unsigned)(uint16_t)i);
        else if (t->kind == PT_INT4)
            put_u32(out, (uint32_t)i);
        else
            put_u64(out, (uint64_t)i);
        return 0;
    case PT_FLOAT4: case PT_FLOAT8: return float_from_text(t->kind, s, len, out);
    case PT_BOOL:
        if (len != 4 && len != 5)
            return PGBIN_CANNOT;
        buf_putc(out, len == 4 ? 1 : 0);   /* "true" or "false" */
        return 0;
    case PT_UUID: return uuid_from_text(s, len, out);
    case PT_DATE: case PT_TIMESTAMP: case PT_TIMESTAMPTZ: case PT_TIME:
        return datetime_from_text(t->kind, s, len, out);
    case PT_NUMERIC: return pgbin_numeric(s, len, out);
    case PT_BYTEA: return bytea_from_text(s, len, out);
    case PT_JSONB:
        buf_putc(out, 1);   /* jsonb_recv's version number */
        buf_append(out, s, len);
        return 0;
    case PT_OTHER: return PGBIN_CANNOT;
    default:   /* text, varchar, char, json: the bytes */
        buf_append(out, s, len);
        return 0;
    }
}

/* The common numbers without their text: an integer in range for an
 * integer column, a double (not NaN: the server's NaN is one bit pattern)
 * for a float8 one, whose shortest text would read back as itself.  1 when
 * written. */
static int direct_number(const PgType *t, const Value *v, Buf *out)
{
    if (v->kind == VAL_INT) {
        if (t->kind == PT_INT8)
            put_u64(out, (uint64_t)v->i);
        else if (t->kind == PT_INT4 && v->i >= INT32_MIN && v->i <= INT32_MAX)
            put_u32(out, (uint32_t)v->i);
        else if (t->kind == PT_INT2 && v->i >= INT16_MIN && v->i <= INT16_MAX)
            put_u16(out, (unsigned)(uint16_t)v->i);
        else
            return 0;
        return 1;
    }
    if (v->kind == VAL_REAL && t->kind == PT_FLOAT8 && !isnan(v->d)) {
        uint64_t bits;
        memcpy(&bits, &v->d, 8);
        put_u64(out, bits);
        return 1;
    }
    return 0;
}

int pgtype_cast_binary(const PgType *t, const Value *v, Buf *scratch, Buf *out, char *msg,
                       size_t msglen)
{
    size_t mark = out->len;
    put_u32(out, 0);   /* the length, set below */
    int rc;
    PgTypeKind k = t->kind;
    if (direct_number(t, v, out)) {
        if (msg && msglen)
            msg[0] = '\0';
        rc = 0;
    } else if (k == PT_BYTEA && (v->kind == VAL_BLOB || v->kind == VAL_TEXT)) {
        /* the bytes themselves: a large blob is never written as hex */
        if (msg && msglen)
            msg[0] = '\0';
        buf_append(out, v->s, v->len);
        rc = 0;
    } else if (k == PT_TEXT || k == PT_VARCHAR || k == PT_CHAR || k == PT_JSON) {
        rc = pgtype_cast(t, v, out, msg, msglen);   /* its text is its binary form */
    } else {
        buf_reset(scratch);
        rc = pgtype_cast(t, v, scratch, msg, msglen);
        if (rc == 0)
            rc = pgbin_from_text(t, scratch->data ? scratch->data : "", scratch->len, out);
    }
    size_t n = out->len - mark - 4;
    if (rc == 0 && n > INT32_MAX)
        rc = PGBIN_CANNOT;
    if (rc != 0) {
        out->len = mark;
        if (out->data)
            out->data[mark] = '\0';
        return rc;
    }
    unsigned char *p = (unsigned char *)out->data + mark;
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(n >> (24 - 8 * i));
    return 0;
}
