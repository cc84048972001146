/* t_canon.c - unit tests for pgmap sync's row fingerprints: MD5 (the RFC
 * 1321 vectors, incremental updates across block boundaries), the record
 * text (record_out's quoting), the int32 halves, and canon_text per type.
 *
 * The canon_text vectors are server output: each was checked against
 * PostgreSQL 15 by tests/integration/canon_server.sh (they are its fixture
 * tests/fixtures/canon_cases.tsv after pgmap's cast), so this test pins
 * the rules without needing a server. */
#include "canon.h"
#include "ops_internal.h"
#include "md5.h"
#include "pgtype.h"
#include "util.h"
#include "tap.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- md5 ---- */

static const char *hex_of(const void *s, size_t len)
{
    static char hex[33];
    unsigned char d[16];
    md5_digest(s, len, d);
    md5_hex(d, hex);
    return hex;
}

static void test_md5(void)
{
    static const char *const rfc[][2] = {
        {"", "d41d8cd98f00b204e9800998ecf8427e"},
        {"a", "0cc175b9c0f1b6a831c399e269772661"},
        {"abc", "900150983cd24fb0d6963f7d28e17f72"},
        {"message digest", "f96b697d7cb7938d525a2f31aaf161d0"},
        {"abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"},
    };
    for (size_t i = 0; i < sizeof rfc / sizeof rfc[0]; i++)
        is_str(hex_of(rfc[i][0], strlen(rfc[i][0])), rfc[i][1], "md5 RFC 1321 \"%.20s\"", rfc[i][0]);

    /* Lengths around the 56-byte padding limit and the 64-byte block. */
    static const struct { size_t n; const char *hex; } as[] = {
        {55, "ef1772b6dff9a122358552954ad0df65"}, {56, "3b0c8ac703f828b04c6c197006d17218"},
        {63, "b06521f39153d618550606be297466d5"}, {64, "014842d480b571495a4a0363793f7367"},
        {65, "c743a45e0d2e6a95cb859adae0248435"}, {127, "020406e1d05cdc2aa287641f7ae2cc39"},
        {128, "e510683b3f5ffe4093d021808bc6ff70"}, {129, "b325dc1c6f5e7a2b7cf465b9feab7948"},
    };
    char a[130];
    memset(a, 'a', sizeof a);
    for (size_t i = 0; i < sizeof as / sizeof as[0]; i++)
        is_str(hex_of(a, as[i].n), as[i].hex, "md5 of %zu times 'a'", as[i].n);

    /* Incremental in odd chunk sizes equals one-shot. */
    unsigned char m[1024], d[16];
    char hex[33];
    for (size_t i = 0; i < sizeof m; i++)
        m[i] = (unsigned char)i;
    static const size_t chunks[] = {1, 3, 7, 55, 63, 64, 65, 100, 1024};
    for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
        Md5 st;
        md5_init(&st);
        for (size_t off = 0; off < sizeof m; off += chunks[c])
            md5_update(&st, m + off, sizeof m - off < chunks[c] ? sizeof m - off : chunks[c]);
        md5_final(&st, d);
        md5_hex(d, hex);
        is_str(hex, "b2ea9f7fcea831a4a63b213f41a8855b", "md5 incremental in chunks of %zu", chunks[c]);
    }
    Md5 st;
    md5_init(&st);
    memset(a, 'a', 100);
    for (int i = 0; i < 10000; i++)
        md5_update(&st, a, 100);
    md5_final(&st, d);
    md5_hex(d, hex);
    is_str(hex, "7707d6ae4e027c70eea2a935c2296f21", "md5 of a million 'a'");
}

/* s on one line for the TAP stream: control characters as '?'. */
static const char *oneline(const char *s)
{
    static char buf[80];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *c = buf; *c; c++)
        *c = (unsigned char)*c < 0x20 ? '?' : *c;
    return buf;
}

/* ---- records and hashes ---- */

typedef struct Field { const char *s; int isnull; } Field;

static const char *record(const Field *f, size_t n)
{
    static char res[256];
    Buf b;
    buf_init(&b);
    buf_puts(&b, "pre|");
    canon_record_begin(&b);
    for (size_t i = 0; i < n; i++)
        canon_record_field(&b, f[i].s, f[i].s ? strlen(f[i].s) : 0, f[i].isnull);
    canon_record_end(&b);
    snprintf(res, sizeof res, "%s", b.data);
    buf_free(&b);
    return res;
}

static void test_record(void)
{
    Field f[4] = {{NULL, 1}, {NULL, 1}};
    is_str(record(f, 0), "pre|()", "record without fields");
    is_str(record(f, 1), "pre|()", "one NULL field: ROW(NULL)::text is ()");
    is_str(record(f, 2), "pre|(,)", "two NULL fields");
    static const char *const one[][2] = {
        {"abc", "(abc)"}, {"", "(\"\")"}, {"a b", "(\"a b\")"}, {"a\"b", "(\"a\"\"b\")"},
        {"a\\b", "(\"a\\\\b\")"}, {"(x)", "(\"(x)\")"}, {"a,b", "(\"a,b\")"}, {"t\tab", "(\"t\tab\")"},
        {"n\nl", "(\"n\nl\")"}, {"v\vf\f", "(\"v\vf\f\")"}, {"c\rr", "(\"c\rr\")"}, {"NULL", "(NULL)"},
        {"\303\251t\303\251", "(\303\251t\303\251)"}, {"{1,2}", "(\"{1,2}\")"}, {"[x]", "([x])"},
        {"'q'", "('q')"}, {"\"", "(\"\"\"\")"}, {"\\", "(\"\\\\\")"},
    };
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        Field g = {one[i][0], 0};
        char want[64];
        snprintf(want, sizeof want, "pre|%s", one[i][1]);
        is_str(record(&g, 1), want, "record field %s", oneline(one[i][1]));
    }
    Field g[4] = {{"1", 0}, {NULL, 1}, {"", 0}, {"x y", 0}};
    is_str(record(g, 4), "pre|(1,,\"\",\"x y\")", "NULL is empty, the empty string is \"\"");
    Field h[3] = {{NULL, 1}, {"a", 0}, {NULL, 1}};
    is_str(record(h, 3), "pre|(,a,)", "NULLs first and last");

    static const struct { const char *txt; int32_t h1, h2; } hs[] = {
        {"", -736260903, -1895779836}, {"(1,abc)", -1060823875, -988818551},
        {"(,\"\")", 1220894034, -550302084}, {"(\"a b\",2.5,t)", 1225183290, -158965497},
    };
    for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
        int32_t h1, h2;
        canon_hash(hs[i].txt, strlen(hs[i].txt), &h1, &h2);
        is_int(h1, hs[i].h1, "h1 of %s", hs[i].txt);
        is_int(h2, hs[i].h2, "h2 of %s", hs[i].txt);
    }
}

/* ---- canon_text ---- */

#define NUM(p, s) ((((p) << 16) | (s)) + 4)

typedef struct Vec {
    const char *typname;
    int typmod;
    const char *in;
    int promise;
    const char *out;
} Vec;

/* In: pgmap's cast of the fixture's values; out: what the server printed. */
static const Vec vecs[] = {
    {"int2", -1, "0", 1, "0"},
    {"int2", -1, "5", 1, "5"},
    {"int2", -1, "32767", 1, "32767"},
    {"int2", -1, "-32768", 1, "-32768"},
    {"int2", -1, "42", 1, "42"},
    {"int2", -1, "7", 1, "7"},
    {"int2", -1, "-7", 1, "-7"},
    {"int4", -1, "2147483647", 1, "2147483647"},
    {"int4", -1, "-2147483648", 1, "-2147483648"},
    {"int4", -1, "0", 1, "0"},
    {"int8", -1, "9223372036854775807", 1, "9223372036854775807"},
    {"int8", -1, "-9223372036854775808", 1, "-9223372036854775808"},
    {"int8", -1, "-1", 1, "-1"},
    {"int4", -1, "3", 1, "3"},
    {"int4", -1, " 12 ", 1, "12"},
    {"int4", -1, "-0", 1, "0"},
    {"int4", -1, "+12", 1, "12"},
    {"int2", -1, "99999", 0, "99999"},
    {"int2", -1, "1e3", 0, "1e3"},
    {"int2", -1, "", 0, ""},
    {"numeric", -1, "1.50", 1, "1.50"},
    {"numeric", -1, "1000", 1, "1000"},
    {"numeric", -1, "0.001", 1, "0.001"},
    {"numeric", -1, "0", 1, "0"},
    {"numeric", -1, "0.00", 1, "0.00"},
    {"numeric", -1, "123.4500", 1, "123.4500"},
    {"numeric", -1, "7", 1, "7"},
    {"numeric", -1, "0.5", 1, "0.5"},
    {"numeric", -1, "5", 1, "5"},
    {"numeric", -1, "0.00000015", 1, "0.00000015"},
    {"numeric", -1, "12345678901234567890.123456789", 1, "12345678901234567890.123456789"},
    {"numeric", -1, "0.00000000000000000001", 1, "0.00000000000000000001"},
    {"numeric", -1, "0.0", 1, "0.0"},
    {"numeric", -1, "123", 1, "123"},
    {"numeric", -1, "15.0", 1, "15.0"},
    {"numeric", -1, "-0.150", 1, "-0.150"},
    {"numeric", -1, "3.25", 1, "3.25"},
    {"numeric", -1, "100", 1, "100"},
    {"numeric", -1, "-100.000", 1, "-100.000"},
    {"numeric", -1, "1234.56789", 1, "1234.56789"},
    {"numeric", -1, "0.1", 1, "0.1"},
    {"numeric", -1, "-0.00000000025", 1, "-0.00000000025"},
    {"numeric", -1, "123456.789", 1, "123456.789"},
    {"numeric", -1, "10000000000000000000000", 1, "10000000000000000000000"},
    {"numeric", -1, "NaN", 1, "NaN"},
    {"numeric", -1, "nan", 1, "NaN"},
    {"numeric", -1, "Infinity", 1, "Infinity"},
    {"numeric", -1, "-Infinity", 1, "-Infinity"},
    {"numeric", -1, "inf", 1, "Infinity"},
    {"numeric", -1, "+inf", 1, "Infinity"},
    {"numeric", -1, "-inf", 1, "-Infinity"},
    {"numeric", -1, " 1.5 ", 1, "1.5"},
    {"numeric", -1, "1.2.3", 0, "1.2.3"},
    {"numeric", -1, "", 0, ""},
    {"numeric", -1, "1e1001", 0, "1e1001"},
    {"numeric", -1, "0x10", 0, "0x10"},
    {"numeric", -1, "1_000", 0, "1_000"},
    {"numeric", NUM(10, 2), "1.01", 1, "1.01"},
    {"numeric", NUM(10, 2), "1.00", 1, "1.00"},
    {"numeric", NUM(10, 2), "-1.01", 1, "-1.01"},
    {"numeric", NUM(10, 2), "12345679.00", 1, "12345679.00"},
    {"numeric", NUM(10, 2), "0.00", 1, "0.00"},
    {"numeric", NUM(10, 2), "5.00", 1, "5.00"},
    {"numeric", NUM(10, 2), "100.00", 1, "100.00"},
    {"numeric", NUM(10, 2), "0.01", 1, "0.01"},
    {"numeric", NUM(10, 2), "-99999999.99", 1, "-99999999.99"},
    {"numeric", NUM(5, 0), "2", 1, "2"},
    {"numeric", NUM(5, 0), "3", 1, "3"},
    {"numeric", NUM(5, 0), "-3", 1, "-3"},
    {"numeric", NUM(5, 0), "99999", 1, "99999"},
    {"numeric", NUM(5, 0), "0", 1, "0"},
    {"numeric", NUM(5, 5), "0.12346", 1, "0.12346"},
    {"numeric", NUM(5, 5), "0.99999", 1, "0.99999"},
    {"numeric", NUM(5, 5), "-0.00001", 1, "-0.00001"},
    {"numeric", NUM(38, 10), "3.1415926536", 1, "3.1415926536"},
    {"numeric", NUM(38, 10), "0.0000000000", 1, "0.0000000000"},
    {"numeric", NUM(10, 2), "NaN", 1, "NaN"},
    {"numeric", NUM(10, 2), "1.005", 1, "1.01"},
    {"numeric", NUM(10, 2), "1", 1, "1.00"},
    {"numeric", NUM(10, 2), "-0.004", 1, "0.00"},
    {"numeric", NUM(10, 2), "Infinity", 0, "Infinity"},
    {"numeric", NUM(10, 2), "123456789", 0, "123456789"},
    {"numeric", NUM(10, 2), "x", 0, "x"},
    {"numeric", NUM(3, 5), "0.00123", 1, "0.00123"},
    {"numeric", NUM(3, 5), "-0.009994", 1, "-0.00999"},
    {"numeric", NUM(3, 5), "0.0123", 0, "0.0123"},
    {"numeric", NUM(3, 5), "0.009995", 0, "0.009995"},
    {"float8", -1, "0", 1, "0"},
    {"float8", -1, "-0", 1, "-0"},
    {"float8", -1, "1", 1, "1"},
    {"float8", -1, "-1", 1, "-1"},
    {"float8", -1, "0.1", 1, "0.1"},
    {"float8", -1, "0.3", 1, "0.3"},
    {"float8", -1, "2.675", 1, "2.675"},
    {"float8", -1, "1e+02", 1, "100"},
    {"float8", -1, "1e+15", 1, "1e+15"},
    {"float8", -1, "1e+14", 1, "100000000000000"},
    {"float8", -1, "123456789012345", 1, "123456789012345"},
    {"float8", -1, "1234567890123456", 1, "1.234567890123456e+15"},
    {"float8", -1, "999999999999999", 1, "999999999999999"},
    {"float8", -1, "0.0001", 1, "0.0001"},
    {"float8", -1, "1e-05", 1, "1e-05"},
    {"float8", -1, "0.00012345", 1, "0.00012345"},
    {"float8", -1, "1.5e-05", 1, "1.5e-05"},
    {"float8", -1, "1e+16", 1, "1e+16"},
    {"float8", -1, "1e+100", 1, "1e+100"},
    {"float8", -1, "1e-100", 1, "1e-100"},
    {"float8", -1, "1.7976931348623157e+308", 1, "1.7976931348623157e+308"},
    {"float8", -1, "5e-324", 1, "5e-324"},
    {"float8", -1, "2.2250738585072014e-308", 1, "2.2250738585072014e-308"},
    {"float8", -1, "1e-310", 1, "1e-310"},
    {"float8", -1, "NaN", 1, "NaN"},
    {"float8", -1, "Infinity", 1, "Infinity"},
    {"float8", -1, "-Infinity", 1, "-Infinity"},
    {"float8", -1, "1e+22", 1, "1e+22"},
    {"float8", -1, "1e+23", 1, "9.999999999999999e+22"},
    {"float8", -1, "9007199254740992", 1, "9.007199254740992e+15"},
    {"float8", -1, "3.141592653589793", 1, "3.141592653589793"},
    {"float8", -1, "123.456", 1, "123.456"},
    {"float8", -1, "-1.5e+300", 1, "-1.5e+300"},
    {"float8", -1, "1.2345678901234567e+19", 1, "1.2345678901234567e+19"},
    {"float8", -1, "9.9999e-05", 1, "9.9999e-05"},
    {"float8", -1, "5e-05", 1, "5e-05"},
    {"float8", -1, "1.25e-05", 1, "1.25e-05"},
    {"float8", -1, "1e+20", 1, "1e+20"},
    {"float8", -1, "1e+21", 1, "1e+21"},
    {"float8", -1, "1.23e-18", 1, "1.23e-18"},
    {"float8", -1, "4503599627370498", 1, "4.503599627370498e+15"},
    {"float8", -1, "7", 1, "7"},
    {"float8", -1, "3", 1, "3"},
    {"float8", -1, "0.5", 1, "0.5"},
    {"float8", -1, "5", 1, "5"},
    {"float8", -1, "2.910401999443025e+16", 1, "2.9104019994430248e+16"},
    {"float8", -1, "1.801439850948199e+16", 1, "1.8014398509481992e+16"},
    {"float8", -1, "2.225073858507201e-308", 1, "2.225073858507201e-308"},
    {"float8", -1, "4.4501477170144023e-308", 1, "4.4501477170144023e-308"},
    {"float8", -1, "8.98846567431158e+307", 1, "8.98846567431158e+307"},
    {"float8", -1, "1e+300", 1, "1e+300"},
    {"float8", -1, "2.5", 1, "2.5"},
    {"float8", -1, " 1.5 ", 1, "1.5"},
    {"float8", -1, "INF", 1, "Infinity"},
    {"float8", -1, "-INFINITY", 1, "-Infinity"},
    {"float8", -1, "1e-400", 0, "1e-400"},
    {"float8", -1, "1e400", 0, "1e400"},
    {"float8", -1, "0x1p3", 0, "0x1p3"},
    {"float8", -1, "-nan", 0, "-nan"},
    {"float8", -1, "", 0, ""},
    {"float4", -1, "0", 1, "0"},
    {"float4", -1, "-0", 1, "-0"},
    {"float4", -1, "0.1", 1, "0.1"},
    {"float4", -1, "0.3", 1, "0.3"},
    {"float4", -1, "1", 1, "1"},
    {"float4", -1, "1e+06", 1, "1e+06"},
    {"float4", -1, "999999", 1, "999999"},
    {"float4", -1, "1234567", 1, "1.234567e+06"},
    {"float4", -1, "1e+05", 1, "100000"},
    {"float4", -1, "16777216", 1, "1.6777216e+07"},
    {"float4", -1, "16777217", 1, "1.6777216e+07"},
    {"float4", -1, "123456.7", 1, "123456.7"},
    {"float4", -1, "3.4028234e+38", 1, "3.4028235e+38"},
    {"float4", -1, "1.17549435e-38", 1, "1.1754944e-38"},
    {"float4", -1, "1.5e-45", 1, "1e-45"},
    {"float4", -1, "0.0001", 1, "0.0001"},
    {"float4", -1, "1e-05", 1, "1e-05"},
    {"float4", -1, "0.0001234", 1, "0.0001234"},
    {"float4", -1, "NaN", 1, "NaN"},
    {"float4", -1, "-Infinity", 1, "-Infinity"},
    {"float4", -1, "3.14159265358979", 1, "3.1415927"},
    {"float4", -1, "2.5e-40", 1, "2.5e-40"},
    {"float4", -1, "7.038531e-26", 1, "7.038531e-26"},
    {"float4", -1, "1e+10", 1, "1e+10"},
    {"float4", -1, "33554432", 1, "3.3554432e+07"},
    {"float4", -1, "6.433295e+07", 1, "6.4332952e+07"},
    {"float4", -1, "16777218", 1, "1.6777218e+07"},
    {"float4", -1, "3.355443e+07", 1, "3.355443e+07"},
    {"float4", -1, "1.1754942e-38", 1, "1.1754942e-38"},
    {"float4", -1, "1e-40", 1, "1e-40"},
    {"float4", -1, "8e-46", 1, "1e-45"},
    {"float4", -1, "3.4028235e38", 1, "3.4028235e+38"},
    {"float4", -1, "1e-45", 1, "1e-45"},
    {"float4", -1, "1.4e-45", 1, "1e-45"},
    {"float4", -1, "1e39", 0, "1e39"},
    {"float4", -1, "1e-50", 0, "1e-50"},
    {"float4", -1, "1e-310", 0, "1e-310"},
    {"float4", -1, "3.5e38", 0, "3.5e38"},
    {"bool", -1, "true", 1, "t"},
    {"bool", -1, "false", 1, "f"},
    {"bool", -1, "t", 1, "t"},
    {"bool", -1, "True", 1, "t"},
    {"bool", -1, " off ", 1, "f"},
    {"bool", -1, "tr", 0, "tr"},
    {"bool", -1, "o", 0, "o"},
    {"bool", -1, "", 0, ""},
    {"date", -1, "2020-02-29", 1, "2020-02-29"},
    {"date", -1, "0001-01-01", 1, "0001-01-01"},
    {"date", -1, "0099-12-31", 1, "0099-12-31"},
    {"date", -1, "0999-06-15", 1, "0999-06-15"},
    {"date", -1, "9999-12-31", 1, "9999-12-31"},
    {"date", -1, "1970-01-01", 1, "1970-01-01"},
    {"date", -1, "infinity", 1, "infinity"},
    {"date", -1, "-infinity", 1, "-infinity"},
    {"date", -1, "2020-01-01", 1, "2020-01-01"},
    {"date", -1, "2020-01-01 10:00", 0, "2020-01-01 10:00"},
    {"date", -1, "epoch", 0, "epoch"},
    {"date", -1, "today", 0, "today"},
    {"timestamp", -1, "2020-01-01 00:00:00", 1, "2020-01-01 00:00:00"},
    {"timestamp", -1, "2020-01-01 10:20:30.500000", 1, "2020-01-01 10:20:30.5"},
    {"timestamp", -1, "2020-01-01 10:20:30.123456", 1, "2020-01-01 10:20:30.123456"},
    {"timestamp", -1, "2020-01-01 10:20:30.000001", 1, "2020-01-01 10:20:30.000001"},
    {"timestamp", -1, "2020-01-01 10:20:00", 1, "2020-01-01 10:20:00"},
    {"timestamp", -1, "0001-01-01 00:00:00", 1, "0001-01-01 00:00:00"},
    {"timestamp", -1, "9999-12-31 23:59:59.999999", 1, "9999-12-31 23:59:59.999999"},
    {"timestamp", -1, "2020-01-01 10:00:00", 1, "2020-01-01 10:00:00"},
    {"timestamp", -1, "2020-01-01 10:20:30.250000", 1, "2020-01-01 10:20:30.25"},
    {"timestamp", -1, "infinity", 1, "infinity"},
    {"timestamp", -1, "-infinity", 1, "-infinity"},
    {"timestamp", -1, "2020-01-01 10:20:30.100000", 1, "2020-01-01 10:20:30.1"},
    {"timestamp", -1, "2020-01-01 10:00:00+02", 0, "2020-01-01 10:00:00+02"},
    {"timestamp", -1, "2020-01-01 24:00:00", 0, "2020-01-01 24:00:00"},
    {"timestamp", -1, "now", 0, "now"},
    {"timestamptz", -1, "2020-01-01 00:00:00+00", 1, "2020-01-01 00:00:00+00"},
    {"timestamptz", -1, "2020-01-01 00:30:00+01", 1, "2019-12-31 23:30:00+00"},
    {"timestamptz", -1, "2020-03-01 00:00:00+00:01", 1, "2020-02-29 23:59:00+00"},
    {"timestamptz", -1, "2019-03-01 00:00:00+05", 1, "2019-02-28 19:00:00+00"},
    {"timestamptz", -1, "2020-12-31 23:00:00-05", 1, "2021-01-01 04:00:00+00"},
    {"timestamptz", -1, "9999-12-31 23:00:00-05", 1, "10000-01-01 04:00:00+00"},
    {"timestamptz", -1, "0001-01-01 00:00:00+01", 1, "0001-12-31 23:00:00+00 BC"},
    {"timestamptz", -1, "0001-01-01 00:59:59.500000+01", 1, "0001-12-31 23:59:59.5+00 BC"},
    {"timestamptz", -1, "2020-06-15 12:00:00.250000-03:30", 1, "2020-06-15 15:30:00.25+00"},
    {"timestamptz", -1, "2020-01-01 10:00:00+00", 1, "2020-01-01 10:00:00+00"},
    {"timestamptz", -1, "2020-01-01 10:00:00+15:59", 1, "2019-12-31 18:01:00+00"},
    {"timestamptz", -1, "2020-01-01 10:00:00-15:30", 1, "2020-01-02 01:30:00+00"},
    {"timestamptz", -1, "2000-02-29 23:30:00-01", 1, "2000-03-01 00:30:00+00"},
    {"timestamptz", -1, "2100-03-01 00:00:00+01", 1, "2100-02-28 23:00:00+00"},
    {"timestamptz", -1, "2020-07-01 12:00:00.000001+02", 1, "2020-07-01 10:00:00.000001+00"},
    {"timestamptz", -1, "1900-01-01 00:00:00+00:30", 1, "1899-12-31 23:30:00+00"},
    {"timestamptz", -1, "2020-01-01 10:00:00 Europe/Paris", 0, "2020-01-01 10:00:00 Europe/Paris"},
    {"timestamptz", -1, "2020-01-01 10:00:00 EST", 0, "2020-01-01 10:00:00 EST"},
    {"timestamptz", -1, "2020-07-01 12:00:00 America/New_York", 0, "2020-07-01 12:00:00 America/New_York"},
    {"timestamptz", -1, "infinity", 1, "infinity"},
    {"timestamptz", -1, "-infinity", 1, "-infinity"},
    {"timestamptz", -1, "2020-01-01 10:00:00 UT", 1, "2020-01-01 10:00:00+00"},
    {"timestamptz", -1, "2020-01-01 10:00:00 utc", 1, "2020-01-01 10:00:00+00"},
    {"timestamptz", -1, "2020-01-01 10:00:00z", 1, "2020-01-01 10:00:00+00"},
    {"timestamptz", -1, "2020-01-01 10:00:00 CET", 0, "2020-01-01 10:00:00 CET"},
    {"timestamptz", -1, "epoch", 0, "epoch"},
    {"time", -1, "10:20:30", 1, "10:20:30"},
    {"time", -1, "10:20:00", 1, "10:20:00"},
    {"time", -1, "00:00:00.500000", 1, "00:00:00.5"},
    {"time", -1, "23:59:59.999999", 1, "23:59:59.999999"},
    {"time", -1, "10:20:30.100000", 1, "10:20:30.1"},
    {"time", -1, "00:00:00", 1, "00:00:00"},
    {"time", -1, "12:00:00.500000", 1, "12:00:00.5"},
    {"time", -1, "10:20:30.000000", 1, "10:20:30"},
    {"time", -1, "01:02", 1, "01:02:00"},
    {"time", -1, "24:00:00", 0, "24:00:00"},
    {"time", -1, "10:20:30+02", 0, "10:20:30+02"},
    {"time", -1, "allballs", 0, "allballs"},
    {"uuid", -1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", 1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
    {"uuid", -1, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", 1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
    {"uuid", -1, "A0EEBC999C0B4EF8BB6D6BB9BD380A11", 1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
    {"uuid", -1, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", 0, "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}"},
    {"uuid", -1, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", 0, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"},
    {"text", -1, "", 1, ""},
    {"text", -1, " spaced ", 1, " spaced "},
    {"text", -1, "tab\there", 1, "tab\there"},
    {"text", -1, "quote\"", 1, "quote\""},
    {"text", -1, "back\\slash", 1, "back\\slash"},
    {"text", -1, "\303\251 \303\274 \346\227\245\346\234\254", 1, "\303\251 \303\274 \346\227\245\346\234\254"},
    {"text", -1, "line\nbreak", 1, "line\nbreak"},
    {"text", -1, "cr\rhere", 1, "cr\rhere"},
    {"text", -1, "(a,b)", 1, "(a,b)"},
    {"text", -1, "NULL", 1, "NULL"},
    {"text", -1, "\\N", 1, "\\N"},
    {"varchar", 7, "abc", 1, "abc"},
    {"varchar", 7, "ab ", 1, "ab "},
    {"varchar", 7, "\346\227\245\346\234\254\350\252\236", 1, "\346\227\245\346\234\254\350\252\236"},
    {"varchar", 7, "", 1, ""},
    {"varchar", 7, "a", 1, "a"},
    {"varchar", -1, "any length at all", 1, "any length at all"},
    {"bpchar", 9, "ab", 1, "ab   "},
    {"bpchar", 9, "", 1, "     "},
    {"bpchar", 9, "abcde", 1, "abcde"},
    {"bpchar", 9, "\346\227\245\346\234\254", 1, "\346\227\245\346\234\254   "},
    {"bpchar", 9, "a b", 1, "a b  "},
    {"bpchar", 9, " x", 1, " x   "},
    {"bpchar", 9, "ab  ", 1, "ab   "},
    {"bpchar", 5, "x", 1, "x"},
    {"bpchar", 5, "", 1, " "},
    {"bpchar", -1, " x ", 1, " x "},
    {"bpchar", -1, "", 1, ""},
    {"bpchar", -1, "ab  ", 1, "ab  "},
    {"varchar", 7, "ab   ", 1, "ab "},
    {"bpchar", 6, "abc", 0, "abc"},
    {"name", -1, "pg_class", 1, "pg_class"},
    {"name", -1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"name", -1, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
    {"json", -1, "{\"b\":1, \"a\":2}", 1, "{\"b\":1, \"a\":2}"},
    {"json", -1, "[1, 2 ,3]", 1, "[1, 2 ,3]"},
    {"json", -1, "  {\"a\" : 1}  ", 1, "  {\"a\" : 1}  "},
    {"json", -1, "{\"a\":1,\"a\":2}", 1, "{\"a\":1,\"a\":2}"},
    {"json", -1, "\"\\u00e9\\n\"", 1, "\"\\u00e9\\n\""},
    {"json", -1, "1.0e2", 1, "1.0e2"},
    {"json", -1, "null", 1, "null"},
    {"jsonb", -1, "{\"b\":1,\"a\":2}", 1, "{\"a\": 2, \"b\": 1}"},
    {"jsonb", -1, "{\"a\":1,\"a\":2}", 1, "{\"a\": 2}"},
    {"jsonb", -1, "{\"aa\":1,\"b\":2,\"a\":3}", 1, "{\"a\": 3, \"b\": 2, \"aa\": 1}"},
    {"jsonb", -1, "{\"b\":{\"d\":1,\"c\":[]}, \"a\":{}}", 1, "{\"a\": {}, \"b\": {\"c\": [], \"d\": 1}}"},
    {"jsonb", -1, "[1.0, 1e2, 1E-2, -0, -0.0, 0.00, 1.5e+3, 12e-1, 123456789012345678901234567890, 1e-5, 0e5, -1.5E-3]", 1, "[1.0, 100, 0.01, 0, 0.0, 0.00, 1500, 1.2, 123456789012345678901234567890, 0.00001, 0, -0.0015]"},
    {"jsonb", -1, "\"\\u00e9\\u0041\\/\\b\\f\\n\\r\\t\\u001f\\u007f\\\"\\\\\"", 1, "\"\303\251A/\\b\\f\\n\\r\\t\\u001f\177\\\"\\\\\""},
    {"jsonb", -1, "\"\\ud83d\\ude00 \\u00C9\"", 1, "\"\360\237\230\200 \303\211\""},
    {"jsonb", -1, "[true,false,null]", 1, "[true, false, null]"},
    {"jsonb", -1, "1", 1, "1"},
    {"jsonb", -1, "\"x\"", 1, "\"x\""},
    {"jsonb", -1, "null", 1, "null"},
    {"jsonb", -1, "{\"\303\251\":1,\"z\":2,\"ab\":3,\"\":0}", 1, "{\"\": 0, \"z\": 2, \"ab\": 3, \"\303\251\": 1}"},
    {"jsonb", -1, "[[[]]]", 1, "[[[]]]"},
    {"jsonb", -1, " [ 1 , 2 ] ", 1, "[1, 2]"},
    {"jsonb", -1, "{\"a\\\"b\": \"c\\\\d\", \"a\\u0001b\": 1}", 1, "{\"a\\u0001b\": 1, \"a\\\"b\": \"c\\\\d\"}"},
    {"jsonb", -1, "{\"a\": {\"b\": 2, \"a\": 1, \"b\": 3}}", 1, "{\"a\": {\"a\": 1, \"b\": 3}}"},
    {"jsonb", -1, "{\"key with space\": [{\"x\": -0.5}, {}], \"k\": \"tab\\there\"}", 1, "{\"k\": \"tab\\there\", \"key with space\": [{\"x\": -0.5}, {}]}"},
    {"jsonb", -1, "{\"b\":1,\"a\":2,\"ab\":3,\"ba\":4,\"aa\":5}", 1, "{\"a\": 2, \"b\": 1, \"aa\": 5, \"ab\": 3, \"ba\": 4}"},
    {"jsonb", -1, "\"\346\227\245\346\234\254\350\252\236\"", 1, "\"\346\227\245\346\234\254\350\252\236\""},
    {"jsonb", -1, "[]", 1, "[]"},
    {"jsonb", -1, "{}", 1, "{}"},
    {"jsonb", -1, "{\"x\":\"\\u001F\\u007F\\u0080\"}", 1, "{\"x\": \"\\u001f\177\302\200\"}"},
    {"jsonb", -1, "0.1000", 1, "0.1000"},
    {"jsonb", -1, "-0", 1, "0"},
    {"jsonb", -1, "{\"a\":[1,{\"c\":3,\"b\":2}]}", 1, "{\"a\": [1, {\"b\": 2, \"c\": 3}]}"},
    {"jsonb", -1, "{\"a\":\"\\u0000\"}", 0, "{\"a\":\"\\u0000\"}"},
    {"jsonb", -1, "\"\\udc00\"", 0, "\"\\udc00\""},
    {"jsonb", -1, "\"\\ud800x\"", 0, "\"\\ud800x\""},
    {"jsonb", -1, "1e1001", 0, "1e1001"},
    {"jsonb", -1, "[1", 0, "[1"},
    {"jsonb", -1, "{\"a\" 1}", 0, "{\"a\" 1}"},
    {"jsonb", -1, "{a:1}", 0, "{a:1}"},
    {"jsonb", -1, "01", 0, "01"},
    {"jsonb", -1, "1.", 0, "1."},
    {"jsonb", -1, ".5", 0, ".5"},
    {"jsonb", -1, "+1", 0, "+1"},
    {"jsonb", -1, "nul", 0, "nul"},
    {"jsonb", -1, "NaN", 0, "NaN"},
    {"bytea", -1, "\\x616263", 1, "\\x616263"},
    {"bytea", -1, "\\x", 1, "\\x"},
    {"bytea", -1, "\\xc3a9", 1, "\\xc3a9"},
    {"bytea", -1, "\\x6261636b5c736c617368", 1, "\\x6261636b5c736c617368"},
    {"bytea", -1, "\\xDEADBEEF", 1, "\\xdeadbeef"},
    {"bytea", -1, "\\xaB", 1, "\\xab"},
    {"bytea", -1, "\\XaB", 0, "\\XaB"},
    {"bytea", -1, "abc", 0, "abc"},
    {"bytea", -1, "\\x123", 0, "\\x123"},
    {"bytea", -1, "\\xzz", 0, "\\xzz"},
    {"bytea", -1, "\\x12 34", 0, "\\x12 34"},
    {"_int4", -1, "{1,2}", 0, "{1,2}"},
    {"interval", -1, "1 day", 0, "1 day"},
    {"inet", -1, "10.0.0.1", 0, "10.0.0.1"},
};

/* canon_text on top of existing bytes; returns what it appended. */
static const char *canon(const PgType *t, const char *s, size_t len, int *promise)
{
    static char res[4096];
    Buf b;
    buf_init(&b);
    buf_puts(&b, "pre|");
    *promise = canon_text(t, s, len, &b);
    if (strncmp(b.data, "pre|", 4) != 0)
        snprintf(res, sizeof res, "CLOBBERED THE BUFFER");
    else
        snprintf(res, sizeof res, "%s", b.data + 4);
    buf_free(&b);
    return res;
}

static void test_vectors(void)
{
    for (size_t i = 0; i < sizeof vecs / sizeof vecs[0]; i++) {
        const Vec *v = &vecs[i];
        PgType t = pgtype_from_catalog(v->typname, v->typmod, NULL);
        char name[80];
        snprintf(name, sizeof name, "%s", oneline(v->in));
        int p;
        const char *got = canon(&t, v->in, strlen(v->in), &p);
        is_str(got, v->out, "%s(%d) \"%s\"", v->typname, v->typmod, name);
        is_int(p, v->promise, "%s(%d) \"%s\" promise", v->typname, v->typmod, name);
    }
}

/* Cases too long or too structural for the table. */
static void test_edges(void)
{
    PgType num = pgtype_from_catalog("numeric", -1, NULL);
    PgType jb = pgtype_from_catalog("jsonb", -1, NULL);
    PgType tx = pgtype_from_catalog("text", -1, NULL);
    PgType other = pgtype_from_catalog("interval", -1, NULL);
    int p;
    const char *got = canon(&num, "1e1000", 6, &p);
    ok(p == 1 && strlen(got) == 1001 && got[0] == '1' && strspn(got + 1, "0") == 1000, "numeric 1e1000: a 1 and 1000 zeros");
    got = canon(&num, "-1e-1000", 8, &p);
    ok(p == 1 && strlen(got) == 1003 && strncmp(got, "-0.", 3) == 0 && got[1002] == '1', "numeric -1e-1000: 1000 fraction digits");
    got = canon(&jb, "1e1001", 6, &p);
    ok(p == 0 && strcmp(got, "1e1001") == 0, "jsonb number beyond numeric's exponent: not promised, text kept");

    Buf deep;
    buf_init(&deep);
    for (int i = 0; i < 100; i++)
        buf_putc(&deep, '[');
    for (int i = 0; i < 100; i++)
        buf_putc(&deep, ']');
    canon(&jb, deep.data, deep.len, &p);
    is_int(p, 1, "jsonb nested 100 deep");
    buf_reset(&deep);
    for (int i = 0; i < 5000; i++)
        buf_puts(&deep, "{\"a\":[");
    canon(&jb, deep.data, deep.len, &p);
    is_int(p, 0, "jsonb nested 10000 deep (and unclosed): not promised");
    buf_free(&deep);

    Buf b;
    buf_init(&b);
    p = canon_text(&tx, "a\0b", 3, &b);
    ok(p == 0 && b.len == 3 && memcmp(b.data, "a\0b", 3) == 0, "text with NUL: not promised, kept as given");
    buf_free(&b);
    is_str(canon(&tx, "\xff", 1, &p), "\xff", "invalid UTF-8: kept as given");
    is_int(p, 0, "invalid UTF-8: not promised");
    is_str(canon(&other, "1 day", 5, &p), "1 day", "interval: kept as given");
    is_int(p, 0, "interval: not promised");
    PgType neg = pgtype_from_catalog("numeric", ((5 << 16) | (-2 & 0x7ff)) + 4, "numeric(5,-2)");
    canon(&neg, "12345", 5, &p);
    is_int(p, 0, "numeric with a negative scale: not promised");
}

/* real_shortest (value.c) takes a short cut when 15 digits read back; it
 * must still print exactly what the plain search over 1..17 digits
 * prints, for random bit patterns, short decimals and large integers. */
static const char *shortest_by_search(double d, char *buf, size_t n)
{
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return buf;
}

static void test_real_shortest(void)
{
    uint64_t x = 88172645463325252ULL;
    long bad = 0;
    char a[64], b[64], first[256] = "";
    for (long i = 0; i < 300000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double d;
        if (i % 3 == 0)
            memcpy(&d, &x, sizeof d);
        else if (i % 3 == 1)
            d = (double)(x % 100000000) / pow(10, (double)(x % 12));
        else
            d = ((double)(int64_t)(x % 2000001) - 1000000.0 + (double)(x % 1000) / 1000.0) *
                ((x & 1) ? 1e-7 : 1e9);
        if (isnan(d) || isinf(d))
            continue;
        real_shortest(d, a, sizeof a);
        shortest_by_search(d, b, sizeof b);
        if (strcmp(a, b) != 0 && bad++ == 0)
            snprintf(first, sizeof first, "%.17g: %s, the search says %s", d, a, b);
    }
    ok(bad == 0, "real_shortest equals the digit search on 300000 doubles%s%s", bad ? ": " : "", first);
    is_str(real_shortest(1200, a, sizeof a), "1.2e+03", "real_shortest(1200) as %%.2g writes it");
    is_str(real_shortest(0.1, a, sizeof a), "0.1", "real_shortest(0.1)");
    /* the few-decimals fast path (real_fixed): at its edges too */
    static const double edges[] = {-19.99, 0.0001, 0.00012, 9.9999e-5, 999999999999999.0,
                                   100000000000000.5, 1e15, 20.0, -0.5, 123456.00000001, 3.0};
    long edge_bad = 0;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
        edge_bad += strcmp(real_shortest(edges[i], a, sizeof a), shortest_by_search(edges[i], b, sizeof b)) != 0;
    ok(edge_bad == 0, "real_shortest equals the search at the fast path's edges (%ld differ)", edge_bad);
    is_str(real_shortest(5e-324, a, sizeof a), "5e-324", "real_shortest of the smallest subnormal");
    is_str(real_shortest(2.2250738585072009e-308, a, sizeof a), shortest_by_search(2.2250738585072009e-308, b, sizeof b),
           "real_shortest of the largest subnormal");
}

int main(void)
{
    test_md5();
    test_record();
    test_vectors();
    test_edges();
    test_real_shortest();
    return done_testing();
}
