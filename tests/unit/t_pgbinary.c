/* t_pgbinary.c - unit tests for COPY's binary format (pgbinary.h): each
 * type's encoding of known values, written out as the PostgreSQL
 * documentation and the types' send functions define them; problems as
 * pgtype_cast reports them; values binary cannot carry.  The server's own
 * reading of the same values is compared in tests/integration/copy_binary.sh. */
#include "pgbinary.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static Value T(const char *s) { return value_text(s, strlen(s)); }

/* The field (length and bytes) as hex, "CANNOT", or "ERR:" + message. */
static const char *enc(const char *typname, int typmod, Value v)
{
    static char res[4096];
    PgType t = pgtype_from_catalog(typname, typmod, typname);
    Buf out, scratch;
    buf_init(&out);
    buf_init(&scratch);
    buf_puts(&out, "pre");
    char msg[512];
    int rc = pgtype_cast_binary(&t, &v, &scratch, &out, msg, sizeof msg);
    if (rc != 0 && (out.len != 3 || memcmp(out.data, "pre", 3) != 0))
        snprintf(res, sizeof res, "A FAILED CAST CHANGED THE BUFFER");
    else if (rc == PGBIN_CANNOT)
        snprintf(res, sizeof res, "CANNOT");
    else if (rc != 0)
        snprintf(res, sizeof res, "ERR:%s", msg);
    else
        for (size_t i = 3; i < out.len && 2 * (i - 3) + 2 < sizeof res; i++)
            snprintf(res + 2 * (i - 3), 3, "%02x", (unsigned char)out.data[i]);
    buf_free(&out);
    buf_free(&scratch);
    return res;
}

static void test_numbers(void)
{
    is_str(enc("int4", -1, value_int(42)), "000000040000002a", "int4 42");
    is_str(enc("int2", -1, T(" -1 ")), "00000002ffff", "int2 -1 from text");
    is_str(enc("int8", -1, T("-9223372036854775808")), "000000088000000000000000", "int8 minimum");
    is_str(enc("int2", -1, value_int(40000)), "ERR:40000 is out of range for int2", "int2 range as the cast says");
    is_str(enc("float8", -1, value_real(1.5)), "000000083ff8000000000000", "float8 1.5");
    is_str(enc("float4", -1, T("1.5")), "000000043fc00000", "float4 1.5");
    is_str(enc("float4", -1, T("0.1")), "000000043dcccccd", "float4 0.1 rounds as strtof does");
    is_str(enc("float8", -1, T("-Infinity")), "00000008fff0000000000000", "float8 -Infinity");
    is_str(enc("float8", -1, T("-0")), "000000088000000000000000", "float8 -0 keeps its sign");
    is_str(enc("float8", -1, value_int(3)), "000000084008000000000000", "float8 from an integer");
    is_str(enc("float8", -1, value_real(NAN)), "000000087ff8000000000000", "float8 NaN: the server's one NaN");
    is_str(enc("float8", -1, value_real(-0.0)), "000000088000000000000000", "float8 -0.0 from a REAL");
    is_str(enc("int4", -1, value_int(-2147483649LL)), "ERR:-2147483649 is out of range for int4", "int4 range");
    is_str(enc("int8", -1, value_real(-3.0)), "00000008fffffffffffffffd", "int8 from an integral REAL");
    is_str(enc("bool", -1, T("yes")), "0000000101", "bool yes");
    is_str(enc("bool", -1, value_int(0)), "0000000100", "bool 0");
}

/* numeric: ndigits, weight, sign, dscale, then base-10000 digits */
static void test_numeric(void)
{
    is_str(enc("numeric", -1, T("0")), "0000000800000000" "00000000", "numeric 0");
    is_str(enc("numeric", -1, T("-0.00")), "0000000800000000" "00000002", "numeric -0.00 is positive zero, dscale 2");
    is_str(enc("numeric", -1, T("-123.45")), "0000000c00020000" "40000002" "007b1194", "numeric -123.45");
    is_str(enc("numeric", -1, T("0.0001")), "0000000a0001ffff" "00000004" "0001", "numeric 0.0001: weight -1");
    is_str(enc("numeric", -1, T("0.00001")), "0000000a0001fffe" "00000005" "03e8", "numeric 0.00001: weight -2, digit 1000");
    is_str(enc("numeric", -1, T("10000")), "0000000a00010001" "00000000" "0001", "numeric 10000: trailing zero digit dropped");
    is_str(enc("numeric", -1, T("1.10")), "0000000c00020000" "00000002" "000103e8", "numeric 1.10 keeps dscale 2");
    is_str(enc("numeric", -1, T("00012345678.9")), "0000000e00030001" "00000001" "04d2162e2328",
           "numeric 12345678.9: leading zeros skipped");
    is_str(enc("numeric", -1, T("NaN")), "0000000800000000" "c0000000", "numeric NaN");
    is_str(enc("numeric", -1, T("-inf")), "0000000800000000" "f0000000", "numeric -Infinity");
    /* numeric(10,2): rounded by the cast first */
    is_str(enc("numeric", ((10 << 16) | 2) + 4, value_real(2.675)), "0000000c00020000" "00000002" "00021a90",
           "numeric(10,2) 2.675 -> 2.68 (the double's shortest digits, rounded half away)");
    is_str(enc("numeric", ((3 << 16) | 2) + 4, T("123.4")),
           "ERR:numeric field overflow: 123.4 has 3 integer digits, numeric allows 1",
           "numeric overflow as the cast says");
}

static void test_time(void)
{
    is_str(enc("date", -1, T("2000-01-01")), "0000000400000000", "date: days from 2000-01-01");
    is_str(enc("date", -1, T("1999-12-31")), "00000004ffffffff", "date the day before");
    is_str(enc("date", -1, T("1970-01-01")), "00000004ffffd533", "date 1970-01-01 = -10957");
    is_str(enc("date", -1, T("-infinity")), "0000000480000000", "date -infinity");
    is_str(enc("date", -1, T("infinity")), "000000047fffffff", "date infinity");
    is_str(enc("timestamp", -1, T("2000-01-01T00:00:01.5")), "00000008000000000016e360", "timestamp µs");
    is_str(enc("timestamp", -1, T("2000-01-01 00:00:00+05")), "000000080000000000000000",
           "timestamp without zone ignores an offset, as the server does");
    is_str(enc("timestamptz", -1, T("2000-01-01 01:00:00+01")), "000000080000000000000000", "timestamptz in UTC");
    is_str(enc("timestamptz", -1, T("1999-12-31 23:00:00-01:00")), "000000080000000000000000", "timestamptz west");
    is_str(enc("timestamptz", -1, T("1999-12-31 23:59:59.999999")), "00000008ffffffffffffffff",
           "timestamptz without offset is UTC; one µs before the epoch");
    is_str(enc("timestamptz", -1, T("2000-01-01 00:00:00 Europe/Paris")), "CANNOT", "a zone name cannot travel");
    is_str(enc("timestamp", -1, T("infinity")), "000000087fffffffffffffff", "timestamp infinity");
    is_str(enc("time", -1, T("24:00:00")), "00000008000000141dd76000", "time 24:00");
    is_str(enc("time", -1, T("00:00:00.000001")), "000000080000000000000001", "time 1 µs");
    is_str(enc("date", -1, T("2000-02-30")), "ERR:\"2000-02-30\" is not a valid date", "an impossible date as the cast says");
    is_str(enc("date", -1, value_int(5)), "ERR:cannot convert an integer value to date (use the epoch operation for numbers)",
           "a number for a date as the cast says");
}

static void test_bytes(void)
{
    is_str(enc("uuid", -1, T("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11")), "00000010a0eebc999c0b4ef8bb6d6bb9bd380a11",
           "uuid bytes");
    is_str(enc("text", -1, T("h\xc3\xa9\tx")), "00000005" "68c3a90978", "text: its bytes, a tab unescaped");
    is_str(enc("varchar", 3 + 4, T("abc  ")), "00000003616263", "varchar(3) trailing spaces cut as the cast does");
    is_str(enc("varchar", 2 + 4, T("abc")), "ERR:value too long for varchar (3 characters)", "varchar too long");
    is_str(enc("text", -1, T("\xff")), "ERR:invalid UTF-8 at byte 0", "invalid UTF-8 refused");
    is_str(enc("jsonb", -1, T("{}")), "00000003017b7d", "jsonb: version 1, then the text");
    is_str(enc("json", -1, T("[1,")), "ERR:not valid JSON for json (at byte 3)", "json checked");
    is_str(enc("bytea", -1, value_blob("\x00\x01\\", 3)), "0000000300015c", "bytea: the raw bytes");
    is_str(enc("bytea", -1, value_int(7)), "ERR:cannot convert an integer value to bytea", "bytea from an integer refused");
    is_str(enc("hstore", -1, T("a=>1")), "CANNOT", "a type pgmap does not know cannot travel");
}

static void test_framing(void)
{
    Buf b;
    buf_init(&b);
    pgbin_header(&b);
    pgbin_row(&b, 2);
    pgbin_null(&b);
    pgbin_trailer(&b);
    static const unsigned char want[] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', 0xff, '\r', '\n', 0,
                                         0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    ok(b.len == sizeof want && memcmp(b.data, want, sizeof want) == 0, "header, field count, NULL, trailer");
    ok(pgbin_kind_ok(PT_TIMESTAMPTZ) && !pgbin_kind_ok(PT_OTHER), "known kinds travel, others not");
    buf_free(&b);
}

int main(void)
{
    test_numbers();
    test_numeric();
    test_time();
    test_bytes();
    test_framing();
    return done_testing();
}
