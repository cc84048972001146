/* t_pgtype.c - unit tests for the target-type casts (every rule in
 * pgtype.h), the catalog mapping, COPY escaping and the UTF-8 and JSON
 * validators. */
#include "pgtype.h"
#include "ops_internal.h"
#include "util.h"
#include "value.h"
#include "tap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Casts v to t; returns the text written, or "ERR:" + message.  Also checks
 * that a failed cast leaves the buffer as it was. */
static const char *cast(const PgType *t, Value v)
{
    static char res[4096];
    Buf b;
    buf_init(&b);
    buf_puts(&b, "pre|");
    char msg[512];
    int rc = pgtype_cast(t, &v, &b, msg, sizeof msg);
    if (rc != 0) {
        snprintf(res, sizeof res, "ERR:%s", msg);
        if (strcmp(b.data, "pre|") != 0)
            snprintf(res, sizeof res, "FAILED CAST CHANGED THE BUFFER");
    } else {
        snprintf(res, sizeof res, "%s", b.data + 4);
    }
    buf_free(&b);
    return res;
}

static Value T(const char *s) { return value_text(s, strlen(s)); }
static PgType ty(const char *typname, int typmod, const char *formatted)
{
    return pgtype_from_catalog(typname, typmod, formatted);
}

#define CAST(t, v, want) is_str(cast(&(t), v), want, "%s <- %s", (t).name, #v)

static void test_catalog(void)
{
    PgType t = ty("int4", -1, "integer");
    is_int(t.kind, PT_INT4, "int4");
    is_str(t.name, "integer", "formatted name");
    is_int(ty("int2", -1, NULL).kind, PT_INT2, "int2");
    is_int(ty("int8", -1, NULL).kind, PT_INT8, "int8");
    is_str(ty("int8", -1, NULL).name, "int8", "name falls back to typname");
    t = ty("numeric", ((10 << 16) | 2) + 4, "numeric(10,2)");
    is_int(t.kind, PT_NUMERIC, "numeric");
    is_int(t.precision, 10, "numeric precision");
    is_int(t.scale, 2, "numeric scale");
    t = ty("numeric", -1, "numeric");
    is_int(t.precision, -1, "unconstrained precision");
    is_int(t.scale, -1, "unconstrained scale");
    t = ty("varchar", 24, "character varying(20)");
    is_int(t.kind, PT_VARCHAR, "varchar");
    is_int(t.length, 20, "varchar length");
    is_int(ty("varchar", -1, NULL).length, -1, "varchar without length");
    t = ty("bpchar", 7, "character(3)");
    is_int(t.kind, PT_CHAR, "bpchar");
    is_int(t.length, 3, "bpchar length");
    is_int(ty("text", -1, NULL).kind, PT_TEXT, "text");
    is_int(ty("name", -1, NULL).kind, PT_TEXT, "name");
    is_int(ty("citext", -1, NULL).kind, PT_TEXT, "citext");
    is_int(ty("float4", -1, NULL).kind, PT_FLOAT4, "float4");
    is_int(ty("float8", -1, NULL).kind, PT_FLOAT8, "float8");
    is_int(ty("bool", -1, NULL).kind, PT_BOOL, "bool");
    is_int(ty("uuid", -1, NULL).kind, PT_UUID, "uuid");
    is_int(ty("date", -1, NULL).kind, PT_DATE, "date");
    is_int(ty("timestamp", 6, NULL).kind, PT_TIMESTAMP, "timestamp");
    is_int(ty("timestamptz", -1, NULL).kind, PT_TIMESTAMPTZ, "timestamptz");
    is_int(ty("time", -1, NULL).kind, PT_TIME, "time");
    is_int(ty("json", -1, NULL).kind, PT_JSON, "json");
    is_int(ty("jsonb", -1, NULL).kind, PT_JSONB, "jsonb");
    is_int(ty("bytea", -1, NULL).kind, PT_BYTEA, "bytea");
    is_int(ty("_int4", -1, "integer[]").kind, PT_OTHER, "array is other");
    is_int(ty("mood", -1, "mood").kind, PT_OTHER, "enum is other");
}

static void test_ints(void)
{
    PgType i2 = ty("int2", -1, "smallint"), i4 = ty("int4", -1, "integer"), i8 = ty("int8", -1, "bigint");
    CAST(i2, value_int(32767), "32767");
    CAST(i2, value_int(-32768), "-32768");
    CAST(i2, value_int(32768), "ERR:32768 is out of range for smallint");
    CAST(i2, value_int(-32769), "ERR:-32769 is out of range for smallint");
    CAST(i4, value_int(2147483647), "2147483647");
    CAST(i4, value_int(2147483648LL), "ERR:2147483648 is out of range for integer");
    CAST(i4, value_int(-2147483648LL), "-2147483648");
    CAST(i8, value_int(INT64_MIN), "-9223372036854775808");
    CAST(i8, value_int(INT64_MAX), "9223372036854775807");
    CAST(i4, value_real(42.0), "42");
    CAST(i4, value_real(-0.0), "0");
    CAST(i4, value_real(42.5), "ERR:42.5 is not a valid integer");
    CAST(i4, value_real(NAN), "ERR:NaN is not a valid integer");
    CAST(i8, value_real(1e19), "ERR:1e+19 is out of range for bigint");
    CAST(i4, value_real(3e9), "ERR:3000000000 is out of range for integer");
    CAST(i4, T(" 42 "), "42");
    CAST(i4, T("+42"), "42");
    CAST(i4, T("-0"), "0");
    CAST(i4, T("0042"), "42");
    CAST(i4, T("4.0"), "ERR:\"4.0\" is not a valid integer");
    CAST(i4, T("1e3"), "ERR:\"1e3\" is not a valid integer");
    CAST(i4, T(""), "ERR:\"\" is not a valid integer");
    CAST(i4, T("-"), "ERR:\"-\" is not a valid integer");
    CAST(i4, T("abc"), "ERR:\"abc\" is not a valid integer");
    CAST(i4, T("1 2"), "ERR:\"1 2\" is not a valid integer");
    CAST(i8, T("-9223372036854775808"), "-9223372036854775808");
    CAST(i8, T("9223372036854775808"), "ERR:\"9223372036854775808\" is out of range for bigint");
    CAST(i8, T("99999999999999999999999"), "ERR:\"99999999999999999999999\" is out of range for bigint");
    CAST(i2, T("40000"), "ERR:40000 is out of range for smallint");
    CAST(i4, value_bool(1), "ERR:cannot convert a boolean value to integer");
    CAST(i4, value_blob("1", 1), "ERR:cannot convert a blob value to integer");
    CAST(i4, value_text("1\0", 2), "ERR:text contains a NUL byte");
    CAST(i4, T("1\xff"), "ERR:invalid UTF-8 at byte 1");
    CAST(i4, value_null(), "ERR:null value given to the cast");
}

static void test_numeric(void)
{
    PgType n = ty("numeric", -1, "numeric");
    PgType n52 = ty("numeric", ((5 << 16) | 2) + 4, "numeric(5,2)");
    PgType n30 = ty("numeric", (3 << 16) + 4, "numeric(3,0)");
    PgType n22 = ty("numeric", ((2 << 16) | 2) + 4, "numeric(2,2)");
    CAST(n, T("123.4500"), "123.4500");
    CAST(n, T(" -0.0 "), "0.0");
    CAST(n, T("1.5e3"), "1500");
    CAST(n, T("12345678901234567890.12345678901234567890"), "12345678901234567890.12345678901234567890");
    CAST(n, T("1,000"), "ERR:\"1,000\" is not a number");
    CAST(n, T("NaN"), "NaN"); /* numeric_in takes it (and prints it so) */
    CAST(n, T("$5"), "ERR:\"$5\" is not a number");
    CAST(n, value_int(-7), "-7");
    CAST(n, value_real(0.1), "0.1");
    CAST(n, value_real(1e-7), "0.0000001");
    CAST(n, value_real(123456789.125), "123456789.125");
    CAST(n, value_real(NAN), "ERR:NaN is not a finite number");
    CAST(n, value_real(-INFINITY), "ERR:-Infinity is not a finite number");
    CAST(n, value_bool(0), "ERR:cannot convert a boolean value to numeric");
    CAST(n52, T("1.005"), "1.01");
    CAST(n52, T("-1.005"), "-1.01");
    CAST(n52, T("1.004"), "1.00");
    CAST(n52, T("1.5"), "1.50");
    CAST(n52, T("999.994"), "999.99");
    CAST(n52, T("999.995"), "ERR:numeric field overflow: 999.995 has 4 integer digits, numeric(5,2) allows 3");
    CAST(n52, T("-999.999"), "ERR:numeric field overflow: -999.999 has 4 integer digits, numeric(5,2) allows 3");
    CAST(n52, T("1000"), "ERR:numeric field overflow: 1000 has 4 integer digits, numeric(5,2) allows 3");
    CAST(n52, T("-0.001"), "0.00");
    CAST(n52, value_real(0.1), "0.10");
    CAST(n52, value_real(2.675), "2.68");  /* decimal 2.675, not the binary 2.67499... */
    CAST(n52, value_int(123), "123.00");
    CAST(n30, T("2.5"), "3");
    CAST(n30, T("-2.5"), "-3");
    CAST(n30, T("999.4"), "999");
    CAST(n30, T("999.5"), "ERR:numeric field overflow: 999.5 has 4 integer digits, numeric(3,0) allows 3");
    CAST(n22, T("0.994"), "0.99");
    CAST(n22, T("0.995"), "ERR:numeric field overflow: 0.995 has 1 integer digits, numeric(2,2) allows 0");
}

static void test_float_bool(void)
{
    PgType f8 = ty("float8", -1, "double precision"), f4 = ty("float4", -1, "real");
    CAST(f8, value_real(0.1), "0.1");
    CAST(f8, value_real(1.0 / 3), "0.3333333333333333");
    CAST(f8, value_real(1e300), "1e+300");
    CAST(f8, value_real(NAN), "NaN");
    CAST(f8, value_real(INFINITY), "Infinity");
    CAST(f8, value_real(-INFINITY), "-Infinity");
    CAST(f8, value_int(-5), "-5");
    CAST(f8, T(" 2.5 "), "2.5");
    CAST(f8, T("-1.5E-3"), "-0.0015");
    CAST(f8, T(".5"), "0.5");
    CAST(f8, T("Infinity"), "Infinity");
    CAST(f8, T("-inf"), "-Infinity");
    CAST(f8, T("nan"), "NaN");
    CAST(f8, T("1e400"), "ERR:1e400 is out of range for double precision");
    CAST(f8, T("1e-400"), "ERR:1e-400 is out of range for double precision");
    CAST(f8, T("abc"), "ERR:\"abc\" is not a valid floating-point number");
    CAST(f8, T("1e"), "ERR:\"1e\" is not a valid floating-point number");
    CAST(f8, T("0x10"), "ERR:\"0x10\" is not a valid floating-point number");
    CAST(f8, T(""), "ERR:\"\" is not a valid floating-point number");
    CAST(f4, value_real(1e39), "ERR:1e+39 is out of range for real");
    CAST(f4, T("3.4e38"), "3.4e+38");
    CAST(f4, T("1e-50"), "ERR:1e-50 is out of range for real");
    CAST(f8, value_bool(1), "ERR:cannot convert a boolean value to double precision");

    PgType b = ty("bool", -1, "boolean");
    CAST(b, value_bool(1), "true");
    CAST(b, value_bool(0), "false");
    CAST(b, value_int(1), "true");
    CAST(b, value_int(0), "false");
    CAST(b, value_int(2), "ERR:2 is not a valid boolean (0 or 1)");
    const char *yes[] = {"t", "TRUE", "Yes", "on", "1", "y", " true "};
    const char *no[] = {"f", "False", "NO", "off", "0", "n"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        is_str(cast(&b, T(yes[i])), "true", "bool <- \"%s\"", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        is_str(cast(&b, T(no[i])), "false", "bool <- \"%s\"", no[i]);
    CAST(b, T("maybe"), "ERR:\"maybe\" is not a valid boolean");
    CAST(b, T(""), "ERR:\"\" is not a valid boolean");
    CAST(b, value_real(1.0), "ERR:cannot convert a real value to boolean");
}

static void test_uuid_time(void)
{
    PgType u = ty("uuid", -1, "uuid");
    CAST(u, T("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CAST(u, T("{a0eebc999c0b4ef8bb6d6bb9bd380a11}"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CAST(u, value_blob("0123456789abcdef", 16), "30313233-3435-3637-3839-616263646566");
    CAST(u, T("a0eebc99"), "ERR:\"a0eebc99\" is not a valid uuid");
    CAST(u, value_int(1), "ERR:cannot convert an integer value to uuid");

    PgType d = ty("date", -1, "date");
    CAST(d, T("2021-02-28"), "2021-02-28");
    CAST(d, T(" 2024-02-29 "), "2024-02-29");
    CAST(d, T("2021-02-29"), "ERR:\"2021-02-29\" is not a valid date");
    CAST(d, T("2100-02-29"), "ERR:\"2100-02-29\" is not a valid date");
    CAST(d, T("2021-02-28 00:00:00"), "ERR:\"2021-02-28 00:00:00\" is not a valid date (expected ISO 8601: YYYY-MM-DD)");
    CAST(d, T("28/02/2021"), "ERR:\"28/02/2021\" is not a valid date (expected ISO 8601: YYYY-MM-DD)");
    CAST(d, value_int(20210228), "ERR:cannot convert an integer value to date (use the epoch operation for numbers)");

    PgType ts = ty("timestamp", -1, "timestamp without time zone");
    CAST(ts, T("2021-06-16T20:14:09"), "2021-06-16 20:14:09");
    CAST(ts, T("2021-06-16 20:14:09.309735"), "2021-06-16 20:14:09.309735");
    CAST(ts, T("2021-06-16 20:14:09.5"), "2021-06-16 20:14:09.500000");
    CAST(ts, T("2021-06-16 20:14"), "2021-06-16 20:14:00");
    CAST(ts, T("2021-06-16"), "2021-06-16 00:00:00");
    CAST(ts, T("2021-06-16 20:14:09+02"), "2021-06-16 20:14:09"); /* PostgreSQL ignores it too */
    CAST(ts, T("2021-06-31 20:14:09"), "ERR:\"2021-06-31 20:14:09\" is not a valid timestamp");
    CAST(ts, T("2021-06-16 20:14:61"), "ERR:\"2021-06-16 20:14:61\" is not a valid timestamp");
    CAST(ts, T("yesterday"), "ERR:\"yesterday\" is not a valid timestamp (expected ISO 8601: YYYY-MM-DD HH:MM:SS)");
    CAST(ts, value_real(1.5), "ERR:cannot convert a real value to timestamp without time zone (use the epoch operation for numbers)");

    PgType tz = ty("timestamptz", -1, "timestamp with time zone");
    CAST(tz, T("2021-06-16 20:14:09.309735+00"), "2021-06-16 20:14:09.309735+00");
    CAST(tz, T("2021-06-16 20:14:09"), "2021-06-16 20:14:09+00");
    CAST(tz, T("2021-06-16T20:14:09Z"), "2021-06-16 20:14:09+00");
    CAST(tz, T("2021-06-16 20:14:09+05:30"), "2021-06-16 20:14:09+05:30");
    CAST(tz, T("2021-06-16 20:14:09-0800"), "2021-06-16 20:14:09-08");
    CAST(tz, T("2021-06-16 20:14:09 +02:00"), "2021-06-16 20:14:09+02");
    CAST(tz, T("2021-06-16 10:00:00 Europe/Paris"), "2021-06-16 10:00:00 Europe/Paris");
    CAST(tz, T("2021-06-16 10:00:00 UTC"), "2021-06-16 10:00:00+00");
    CAST(tz, T("2021-06-16"), "2021-06-16 00:00:00+00");
    CAST(tz, T("2021-06-16 10:00:00+2"), "ERR:\"2021-06-16 10:00:00+2\" is not a valid timestamp (expected ISO 8601: YYYY-MM-DD HH:MM:SS)");
    CAST(tz, T("2021-06-16 10:00:00 Europe Paris"), "ERR:\"2021-06-16 10:00:00 Europe Paris\" is not a valid timestamp (expected ISO 8601: YYYY-MM-DD HH:MM:SS)");
    CAST(tz, T("2021-02-29 10:00:00+00"), "ERR:\"2021-02-29 10:00:00+00\" is not a valid timestamp");

    PgType tm = ty("time", -1, "time without time zone");
    CAST(tm, T("10:00"), "10:00:00");
    CAST(tm, T("23:59:59.999999"), "23:59:59.999999");
    CAST(tm, T("24:00"), "24:00:00"); /* the server takes it too */
    CAST(tm, T("10:00:00+02"), "ERR:\"10:00:00+02\" is not a valid time (expected ISO 8601: HH:MM:SS)");
}

/* Every form the server prints (DateStyle ISO, extra_float_digits 3,
 * TimeZone UTC) must come back unchanged: a PostgreSQL source is copied
 * faithfully.  Dates and times here (BC, infinity, offsets with seconds,
 * 24:00). */
static void test_server_output(void)
{
    PgType d = ty("date", -1, "date"), ts = ty("timestamp", -1, "timestamp"),
           tz = ty("timestamptz", -1, "timestamptz"), tm = ty("time", -1, "time");
    CAST(d, T("0044-03-15 BC"), "0044-03-15 BC");
    CAST(d, T("0001-02-29 BC"), "0001-02-29 BC"); /* 1 BC is year 0: a leap year */
    CAST(d, T("0002-02-29 BC"), "ERR:\"0002-02-29 BC\" is not a valid date");
    CAST(d, T("0000-01-01 BC"), "ERR:\"0000-01-01 BC\" is not a valid date");
    CAST(d, T("4713-01-01 BC"), "4713-01-01 BC");
    CAST(d, T("infinity"), "infinity");
    CAST(d, T("-infinity"), "-infinity");
    CAST(d, T(" +Infinity "), "infinity");
    CAST(d, T("10000-01-01"), "10000-01-01");
    CAST(d, T("5874897-12-31"), "5874897-12-31");
    CAST(d, T("2021-06-16 bc"), "ERR:\"2021-06-16 bc\" is not a valid date (expected ISO 8601: YYYY-MM-DD)");
    CAST(ts, T("0044-03-15 12:00:00 BC"), "0044-03-15 12:00:00 BC");
    CAST(ts, T("294276-12-31 23:59:59.999999"), "294276-12-31 23:59:59.999999");
    CAST(ts, T("infinity"), "infinity");
    CAST(ts, T("-infinity"), "-infinity");
    CAST(ts, T("infinityx"), "ERR:\"infinityx\" is not a valid timestamp (expected ISO 8601: YYYY-MM-DD HH:MM:SS)");
    CAST(tz, T("0044-03-15 12:00:00+00 BC"), "0044-03-15 12:00:00+00 BC");
    CAST(tz, T("0001-01-01 00:00:00.5+00 BC"), "0001-01-01 00:00:00.500000+00 BC");
    CAST(tz, T("1900-01-01 00:00:00+00:09:21"), "1900-01-01 00:00:00+00:09:21");
    CAST(tz, T("1800-06-16 20:14:09-03:30:15"), "1800-06-16 20:14:09-03:30:15");
    CAST(tz, T("2021-06-16 20:14:09+05:30"), "2021-06-16 20:14:09+05:30");
    CAST(tz, T("2021-06-16 20:14:09.000001+00"), "2021-06-16 20:14:09.000001+00");
    CAST(tz, T("2021-06-16 20:14:09+05:30:60"), "ERR:\"2021-06-16 20:14:09+05:30:60\" is not a valid timestamp");
    CAST(tz, T("infinity"), "infinity");
    CAST(tz, T("-infinity"), "-infinity");
    CAST(tm, T("24:00:00"), "24:00:00");
    CAST(tm, T("24:00:00.000000"), "24:00:00");
    CAST(tm, T("24:00:00.000001"), "ERR:\"24:00:00.000001\" is not a valid time");
    CAST(tm, T("24:00:01"), "ERR:\"24:00:01\" is not a valid time");
    CAST(tm, T("infinity"), "ERR:\"infinity\" is not a valid time (expected ISO 8601: HH:MM:SS)");
    CAST(tm, T("12:34:56.789"), "12:34:56.789000");
}

/* Numbers as PostgreSQL prints them: NaN, infinities, float4 extremes. */
static void test_server_output_numbers(void)
{
    PgType n = ty("numeric", -1, "numeric"), n123 = ty("numeric", ((12 << 16) | 3) + 4, "numeric(12,3)");
    CAST(n, T("NaN"), "NaN");
    CAST(n, T("Infinity"), "Infinity");
    CAST(n, T("-Infinity"), "-Infinity");
    CAST(n, T(" -inf "), "-Infinity");
    CAST(n, T("+NaN"), "ERR:\"+NaN\" is not a number");
    CAST(n123, T("NaN"), "NaN");
    CAST(n123, T("Infinity"), "ERR:numeric field overflow: numeric(12,3) cannot hold an infinite value");
    CAST(n123, T("-123456789.123"), "-123456789.123");

    PgType f4 = ty("float4", -1, "real"), f8 = ty("float8", -1, "double precision");
    CAST(f4, T("1e-45"), "1e-45");                 /* the smallest denormal, as printed */
    CAST(f4, T("3.4028235e+38"), "3.4028235e+38"); /* FLT_MAX, as printed */
    CAST(f4, T("-3.4028235e+38"), "-3.4028235e+38");
    CAST(f4, T("1.1754944e-38"), "1.1754944e-38");
    CAST(f4, T("1.0000001"), "1.0000001");
    CAST(f4, T("3.4028236e+38"), "ERR:3.4028236e+38 is out of range for real");
    CAST(f4, T("1e-46"), "ERR:1e-46 is out of range for real");
    CAST(f4, T("NaN"), "NaN");
    CAST(f4, T("-Infinity"), "-Infinity");
    CAST(f4, value_real(3.4028235e+38), "3.4028235e+38");
    CAST(f4, value_real(1e-45), "1e-45");
    CAST(f4, value_real(1e-46), "ERR:1e-46 is out of range for real");
    CAST(f8, T("5e-324"), "5e-324");
    CAST(f8, T("1.7976931348623157e+308"), "1.7976931348623157e+308");
    CAST(f8, T("-0"), "-0");

    PgType j = ty("json", -1, "json"), jb = ty("jsonb", -1, "jsonb");
    CAST(j, T("[\"\\ud800\", \"\\udc00x\"]"), "[\"\\ud800\", \"\\udc00x\"]"); /* json keeps any escape */
    CAST(jb, T("\"\\ud800\""), "ERR:not valid JSON for jsonb (at byte 0)");
    ok(!json_valid("\"\\ud800\"", 8), "json_valid stays strict about surrogates");
}

static void test_json(void)
{
    static const char *const good[] = {
        "0", "-0", "1.5e-3", "1E+2", "\"\"", "\"a\\u00e9\\n\\\"\\/\"", "true", "false", "null",
        " [ ] ", "{}", "[1,[2,[3]]]", "{\"a\":{\"b\":[{}]},\"c\":null}", "\"\\ud83d\\ude00\"",
        "\"\xc3\xa9\"", "\t\r\n[1]\n", "{\"\":0}", "\"\\u0000\"",
    };
    static const char *const bad[] = {
        "", " ", "01", "-", "1.", ".5", "1e", "+1", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}",
        "[1] x", "[1", "{\"a\" 1}", "{\"a\":}", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"",
        "\"\\udc00\"", "\"a\tb\"", "\"\xff\"", "\"\xc3\"", "True", "nul", "[}", "{]", "NaN",
        "[1 2]", "{\"a\":1 \"b\":2}", "{,}", "[,1]", "\"abc", "\x00",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        ok(json_valid(good[i], strlen(good[i])), "valid JSON #%zu", i);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ok(!json_valid(bad[i], i == sizeof bad / sizeof *bad - 1 ? 1 : strlen(bad[i])), "invalid JSON #%zu", i);
    ok(!json_valid("[1]\0", 4), "NUL after the value");

    /* nesting far deeper than any C stack would allow recursively */
    size_t depth = 1000000;
    char *deep = xmalloc(2 * depth + 1);
    memset(deep, '[', depth);
    memset(deep + depth, ']', depth);
    ok(json_valid(deep, 2 * depth), "a million nested arrays");
    ok(!json_valid(deep, 2 * depth - 1), "a million nested arrays, one unclosed");
    for (size_t i = 0; i < depth; i++)
        deep[i] = (i % 2) ? '[' : '{';
    ok(!json_valid(deep, 2 * depth), "objects need keys");
    free(deep);

    PgType j = ty("json", -1, "json"), jb = ty("jsonb", -1, "jsonb");
    CAST(j, T("{\"a\": 1}"), "{\"a\": 1}");
    CAST(j, T("{\"a\": }"), "ERR:not valid JSON for json (at byte 6)");
    CAST(j, T("\"\\u0000\""), "\"\\u0000\"");
    CAST(jb, T("\"\\u0000\""), "ERR:not valid JSON for jsonb (at byte 0)");
    CAST(jb, value_int(42), "42");
    CAST(jb, value_bool(1), "true");
    CAST(jb, value_real(NAN), "ERR:not valid JSON for jsonb (at byte 0)");
    CAST(jb, value_blob("{}", 2), "ERR:cannot convert a blob value to jsonb");
}

static void test_text_bytea(void)
{
    PgType t = ty("text", -1, "text"), vc = ty("varchar", 7, "character varying(3)");
    PgType ch = ty("bpchar", 6, "character(2)"), other = ty("_int4", -1, "integer[]");
    CAST(t, T("hello"), "hello");
    CAST(t, T(""), "");
    CAST(t, value_int(42), "42");
    CAST(t, value_real(2.5), "2.5");
    CAST(t, value_bool(1), "true");
    CAST(t, value_blob("\x01\xab", 2), "\\x01ab");
    CAST(t, value_text("a\0b", 3), "ERR:text contains a NUL byte");
    CAST(t, T("ab\xc3("), "ERR:invalid UTF-8 at byte 2");
    CAST(t, T("\xf4\x90\x80\x80"), "ERR:invalid UTF-8 at byte 0"); /* beyond U+10FFFF */
    CAST(vc, T("abc"), "abc");
    CAST(vc, T("\xc3\xa9\xc3\xa8\xc3\xa0"), "\xc3\xa9\xc3\xa8\xc3\xa0");
    CAST(vc, T("abcd"), "ERR:value too long for character varying(3) (4 characters)");
    CAST(vc, T("\xc3\xa9\xc3\xa8\xc3\xa0\xc3\xa7"), "ERR:value too long for character varying(3) (4 characters)");
    CAST(vc, T("ab    "), "ab ");
    CAST(vc, T("\xc3\xa9\xc3\xa8\xc3\xa0  "), "\xc3\xa9\xc3\xa8\xc3\xa0");
    CAST(vc, T("abc d"), "ERR:value too long for character varying(3) (5 characters)");
    CAST(vc, value_int(1234), "ERR:value too long for character varying(3) (4 characters)");
    CAST(ch, T("ab"), "ab");
    CAST(ch, T("abc"), "ERR:value too long for character(2) (3 characters)");
    CAST(other, T("{1,2}"), "{1,2}");
    CAST(other, T("\xff"), "ERR:invalid UTF-8 at byte 0");

    PgType by = ty("bytea", -1, "bytea");
    CAST(by, value_blob("\x00\xff\x10", 3), "\\x00ff10");
    CAST(by, value_blob("", 0), "\\x");
    CAST(by, value_text("a\0\xff", 3), "\\x6100ff");
    CAST(by, value_int(1), "ERR:cannot convert an integer value to bytea");
}

static void test_helpers(void)
{
    Buf b;
    buf_init(&b);
    copy_escape(&b, "a\\b\nc\rd\te", 9);
    is_str(b.data, "a\\\\b\\nc\\rd\\te", "copy_escape");
    buf_reset(&b);
    copy_escape(&b, "plain", 5);
    is_str(b.data, "plain", "copy_escape plain");
    buf_reset(&b);
    copy_escape(&b, "\\\\", 2);
    is_str(b.data, "\\\\\\\\", "copy_escape backslashes");
    buf_free(&b);
    ok(utf8_valid("", 0), "empty is UTF-8");
    ok(utf8_valid("a\0b", 3), "NUL is valid UTF-8");
    ok(utf8_valid("\xf0\x9f\x98\x80", 4), "4-byte sequence");
    ok(!utf8_valid("\xf0\x9f\x98", 3), "truncated sequence");
    ok(!utf8_valid("\xe0\x80\xaf", 3), "overlong 3-byte");
    ok(!utf8_valid("\x80", 1), "lone continuation");
    ok(!utf8_valid("\xf8\x88\x80\x80\x80", 5), "5-byte form");
    is_int(utf8_charlen("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10), 4, "charlen");
    is_int(utf8_charlen("", 0), 0, "charlen empty");
}

/* copy_escape and utf8_check work eight bytes at a time where they can:
 * they must agree with the byte-at-a-time definition wherever the special
 * bytes fall relative to those eight-byte steps. */
static void naive_escape(Buf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')
            buf_putc(out, '\\');
        buf_putc(out, s[i] == '\n' ? 'n' : s[i] == '\r' ? 'r' : s[i] == '\t' ? 't' : s[i]);
    }
}

static void test_word_at_a_time(void)
{
    static const char alphabet[] = "ab \\\n\r\tZ~\x7f\xc3\xa9\x80";
    uint64_t x = 2463534242ULL;
    long bad_escape = 0, bad_utf8 = 0;
    char s[40];
    Buf a, b;
    buf_init(&a);
    buf_init(&b);
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)(round % 40);
        for (size_t i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* mostly plain letters, so whole clean words occur too */
            s[i] = x % 4 ? (char)('a' + x % 26) : alphabet[x % (sizeof alphabet - 1)];
        }
        buf_reset(&a);
        buf_reset(&b);
        buf_puts(&a, "<");
        buf_puts(&b, "<");
        copy_escape(&a, s, len);
        naive_escape(&b, s, len);
        bad_escape += a.len != b.len || memcmp(a.data, b.data, a.len) != 0;
        size_t want = 0;
        while (want < len && ((unsigned char)s[want] < 0x80 || utf8_seq(s + want, len - want))) {
            size_t n = (unsigned char)s[want] < 0x80 ? 1 : utf8_seq(s + want, len - want);
            want += n;
        }
        bad_utf8 += utf8_check(s, len) != want;
    }
    ok(bad_escape == 0, "copy_escape equals the byte-at-a-time escape on 20000 strings (%ld differ)", bad_escape);
    ok(bad_utf8 == 0, "utf8_check equals the byte-at-a-time check on 20000 strings (%ld differ)", bad_utf8);
    buf_free(&a);
    buf_free(&b);
}

int main(void)
{
    test_word_at_a_time();
    test_catalog();
    test_ints();
    test_numeric();
    test_float_bool();
    test_uuid_time();
    test_server_output();
    test_server_output_numbers();
    test_json();
    test_text_bytea();
    test_helpers();
    return done_testing();
}
