/* t_ops_restructure.c - unit tests for the restructuring operations:
 * concat, coalesce, split, hash, uuid_v5, lookup and map's fallback form,
 * op_combine() on several values, and SHA-1 against the FIPS 180-4 example
 * vectors.  Digests and uuids were checked against PostgreSQL (md5(),
 * uuid-ossp's uuid_generate_v5) and Python's hashlib and uuid modules. */
#include <stdint.h>

#include "ops_test.h"
#include "sha1.h"

/* cerr() at the node that starts at the first `at` in item (the items are
 * ASCII, so bytes are columns; the item itself starts at column 5). */
static void cerr_at(const char *item, const char *at, const char *want)
{
    const char *p = strstr(item, at);
    cerr(item, 2, p ? 5 + (int)(p - item) : -1, want);
}

/* Combines vals with op `item` through op_combine() and returns show(). */
static const char *comb(const char *item, const Value *vals, size_t n)
{
    Op op;
    Diags d;
    static char buf[4096];
    if (compile(&op, item, &d) != 0) {
        snprintf(buf, sizeof buf, "COMPILE FAILED: %s", d.n ? d.v[0].msg : "?");
        diags_free(&d);
        return buf;
    }
    diags_free(&d);
    char msg[512];
    Value out = T("unset");
    int rc = op_combine(&op, vals, n, &out, scratch, msg, sizeof msg);
    snprintf(buf, sizeof buf, "%s", show(rc, &out, msg));
    op_free(&op);
    arena_reset(scratch);
    return buf;
}

#define COMB(item, want, ...)                                                                 \
    do {                                                                                      \
        const Value vs_[] = {__VA_ARGS__};                                                    \
        is_str(comb(item, vs_, sizeof vs_ / sizeof vs_[0]), want, "%s on (%s)", item, #__VA_ARGS__); \
    } while (0)

static const char *describe(const char *item)
{
    static char buf[512];
    Op op;
    Diags d;
    snprintf(buf, sizeof buf, "COMPILE FAILED");
    if (compile(&op, item, &d) == 0) {
        op_describe(&op, buf, sizeof buf);
        op_free(&op);
    }
    diags_free(&d);
    return buf;
}

static const char *hex20(const unsigned char d[20])
{
    static char out[41];
    sha1_hex(d, out);
    return out;
}

/* FIPS 180-4's examples (and the long one of its predecessors), every
 * padding boundary, and the incremental interface fed in odd pieces. */
static void test_sha1(void)
{
    unsigned char d[20];
    sha1_digest("abc", 3, d);
    is_str(hex20(d), "a9993e364706816aba3e25717850c26c9cd0d89d", "sha1 abc");
    sha1_digest("", 0, d);
    is_str(hex20(d), "da39a3ee5e6b4b0d3255bfef95601890afd80709", "sha1 empty");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha1_digest(two, strlen(two), d);
    is_str(hex20(d), "84983e441c3bd26ebaae4aa1f95129e5e54670f1", "sha1 two blocks");
    const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                       "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
    sha1_digest(four, strlen(four), d);
    is_str(hex20(d), "a49b2446a02c645bf419f995b67091253a04a259", "sha1 896 bits");
    static char million[1000000];
    memset(million, 'a', sizeof million);
    sha1_digest(million, sizeof million, d);
    is_str(hex20(d), "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "sha1 a million a");
    Sha1 s;
    sha1_init(&s);
    for (size_t off = 0, step = 1; off < sizeof million; off += step, step = step % 131 + 1)
        sha1_update(&s, million + off, off + step > sizeof million ? sizeof million - off : step);
    sha1_final(&s, d);
    is_str(hex20(d), "34aa973cd4c4daa4f61eeb2bdbad27316534016f", "sha1 a million a, in pieces");
    static const struct { size_t n; const char *want; } edges[] = {
        {55, "aecd1643c9903b9bae8cb94f53c50f8a4e18605b"}, {56, "f5d65c621c02cc8e785159feff8088e3072da1bc"},
        {63, "4952f0fe097e4d6410ae9eab4855aa836caf3bff"}, {64, "1e17ae1fc093e5daca033553c97a5192ca164486"},
        {65, "ac44f5dbe3e9b5d2733fc9537fcad715c3c20bc3"}, {119, "b4a4e69060d0b1e7e8ebbf7041a4211c63438b57"},
        {120, "b651390c2996406336a3f6647e4b590c18cdd6f8"}, {128, "516846cd40bd1fe431119c3b0a0f362957992ee8"},
    };
    unsigned char bytes[128];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 7);
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        sha1_digest(bytes, edges[i].n, d);
        is_str(hex20(d), edges[i].want, "sha1 of %zu bytes", edges[i].n);
    }
}

static void test_registry(void)
{
    static const char *const combining[] = {"concat", "coalesce", "hash", "uuid_v5"};
    OpKind k;
    is_int(OP__COUNT, 28, "28 operations");
    int n = 0;
    for (int i = 0; i < OP__COUNT; i++)
        n += op_combines((OpKind)i) != 0;
    is_int(n, 4, "four operations combine");
    for (size_t i = 0; i < 4; i++)
        ok(op_lookup(combining[i], &k) == 0 && op_combines(k), "%s combines", combining[i]);
    static const char *const others[] = {"split", "lookup", "map", "trim"};
    for (size_t i = 0; i < 4; i++)
        ok(op_lookup(others[i], &k) == 0 && !op_combines(k), "%s does not combine", others[i]);
    ok(!op_combines(OP__COUNT) && !op_combines((OpKind)-1), "out of range kinds do not combine");
    /* the non-combining ops take exactly one value */
    COMB("trim", "a", T(" a "));
    COMB("trim", "ERR:combines no values", T("a"), T("b"));
    is_str(comb("trim", NULL, 0), "ERR:combines no values", "trim on nothing");
    COMB("{split: {sep: ',', index: 1}}", "ERR:combines no values", T("a,b"), T("c"));
    Op bad = {OP_CONCAT, 0, 0, NULL};
    Value v = T("x"), out;
    char msg[64];
    ok(op_combine(&bad, &v, 1, &out, scratch, msg, sizeof msg) == -1 && strcmp(msg, "operation not compiled") == 0,
       "combining with an uncompiled op fails");
}

/* For every combining op, op_combine on one value gives what op_run gives. */
static void test_combine_one(void)
{
    static const char *const items[] = {"concat", "{concat: {sep: '-', nulls: null}}", "coalesce",
                                        "{coalesce: {empty: true}}", "hash", "{hash: {algorithm: sha1, as: uuid}}",
                                        "{uuid_v5: dns}", "{hash: {as: bigint}}"};
    const Value vals[] = {T("abc"), T(""), T("  "), value_null(), value_int(-7), value_real(0.5),
                          value_bool(1), value_blob("\x01\xff", 2), value_text("a\0b", 3), T("\xff\xfe")};
    int same = 1;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        for (size_t j = 0; j < sizeof vals / sizeof vals[0]; j++) {
            char a[4096];
            snprintf(a, sizeof a, "%s", run(items[i], vals[j]));
            const char *b = comb(items[i], &vals[j], 1);
            if (strcmp(a, b) != 0) {
                diag("%s on value %zu: run %s, combine %s", items[i], j, a, b);
                same = 0;
            }
        }
    }
    ok(same, "op_combine of one value is op_run");
}

static void test_concat(void)
{
    COMB("concat", "ab", T("a"), T("b"));
    COMB("{concat: ' '}", "John Smith", T("John"), value_null(), T("Smith"));
    COMB("{concat: {sep: ' ', nulls: null}}", "NULL", T("John"), value_null(), T("Smith"));
    COMB("{concat: {sep: ' ', nulls: skip}}", "John Smith", T("John"), value_null(), T("Smith"));
    COMB("{concat: {sep: ', '}}", "NULL", value_null(), value_null());
    COMB("{concat: '-'}", "-a-", T(""), T("a"), T(""));            /* '' is not NULL */
    COMB("{concat: '\xc2\xb7'}", "\xc3\xa9\xc2\xb7\xe2\x82\xac", T("\xc3\xa9"), T("\xe2\x82\xac"));
    COMB("{concat: '/'}", "1/0.5/true/\\x00ff", value_int(1), value_real(0.5), value_bool(1), value_blob("\0\xff", 2));
    COMB("concat", "a\\0b\xff", value_text("a\0", 2), T("b\xff"));  /* bytes pass as they are */
    COMB("{concat: {nulls: null}}", "x", T("x"));
    COMB("{concat: \"\\0\"}", "a\\0b", T("a"), T("b"));            /* a NUL separator is a byte like another */
    is_str(comb("concat", NULL, 0), "NULL", "concat of nothing");
    RUN("concat", value_int(5), "5");
    RUN("concat", value_null(), "NULL");
    RUN("{concat: ' '}", T("one"), "one");
    cerr_at("{concat: [a]}", "[a]", "concat: expected nothing, a separator, or a map with sep and/or nulls");
    cerr_at("{concat: {nulls: keep}}", "keep", "concat: nulls must be skip or null");
    cerr_at("{concat: {separator: x}}", "separator", "concat: unknown argument \"separator\"");
    cerr_at("{concat: {sep: [x]}}", "[x]", "concat: expected a separator (a string)");
    is_str(describe("concat"), "concat(sep=\"\", nulls=skip)", "describe concat");
    is_str(describe("{concat: {sep: ' ', nulls: null}}"), "concat(sep=\" \", nulls=null)", "describe concat args");
    is_str(describe("{concat: {sep: ~}}"), "concat(sep=\"\", nulls=skip)", "a null sep is no separator");
}

static void test_coalesce(void)
{
    COMB("coalesce", "a", value_null(), T("a"), T("b"));
    COMB("coalesce", "NULL", value_null(), value_null());
    COMB("coalesce", "", T(""), T("a"));                            /* '' is a value without empty */
    COMB("{coalesce: {empty: true}}", "x", T(""), T(" \t"), T("x"));
    COMB("{coalesce: {empty: true}}", "y", T("\xc2\xa0\xe3\x80\x80"), T("y"));  /* Unicode spaces */
    COMB("{coalesce: {empty: true}}", "NULL", T(""), value_null(), T("   "));
    COMB("coalesce", "i:7", value_null(), value_int(7), T("b"));    /* the kind is kept */
    COMB("{coalesce: {empty: true}}", "i:0", T(""), value_int(0));  /* only text can be empty */
    COMB("{coalesce: {empty: true}}", "blob:0", value_blob("", 0), T("x"));
    COMB("{coalesce: {empty: true}}", " \xff ", T(" \xff "), T("z"));   /* invalid UTF-8 is not space */
    COMB("{coalesce: {empty: true}}", "\\0", value_text("\0", 1), T("z")); /* nor is NUL */
    COMB("{coalesce: {empty: false}}", "", T(""), T("z"));
    is_str(comb("coalesce", NULL, 0), "NULL", "coalesce of nothing");
    RUN("{coalesce: {empty: true}}", T("  "), "NULL");
    RUN("coalesce", T("  "), "  ");
    RUN("coalesce", value_real(1.5), "r:1.5");
    cerr_at("{coalesce: true}", "true", "coalesce: expected nothing or a map with empty");
    cerr_at("{coalesce: {empty: maybe}}", "maybe", "coalesce: empty must be true or false");
    cerr_at("{coalesce: {empty: true, x: 1}}", "x:", "coalesce: unknown argument \"x\"");
    is_str(describe("coalesce"), "coalesce", "describe coalesce");
    is_str(describe("{coalesce: {empty: true}}"), "coalesce(empty=true)", "describe coalesce empty");
}

static void test_split(void)
{
    const char *s0 = "{split: {sep: ',', index: 0}}";
    RUN(s0, T("a,b,c"), "a");
    RUN("{split: {sep: ',', index: 2}}", T("a,b,c"), "c");
    RUN("{split: {sep: ',', index: -1}}", T("a,b,c"), "c");
    RUN("{split: {sep: ',', index: -3}}", T("a,b,c"), "a");
    RUN("{split: {sep: ',', index: -4}}", T("a,b,c"), "ERR:\"a,b,c\" has only 3 parts");
    RUN("{split: {sep: ',', index: 3}}", T("a,b,c"), "ERR:\"a,b,c\" has only 3 parts");
    RUN("{split: {sep: ',', index: -9223372036854775808}}", T("a"), "ERR:\"a\" has only 1 part");
    RUN("{split: {sep: ',', index: 9, missing: null}}", T("a,b"), "NULL");
    RUN("{split: {sep: ',', index: -3, missing: fail}}", T("a,b"), "ERR:\"a,b\" has only 2 parts");
    RUN("{split: {sep: ',', index: 1, rest: true}}", T("a,b,c"), "b,c");
    RUN("{split: {sep: ',', index: -2, rest: true}}", T("a,b,c"), "b,c");
    RUN("{split: {sep: ',', index: 1}}", T("a,,c"), "");
    RUN("{split: {sep: '::', index: -1}}", T("a::b::"), "");
    RUN("{split: {sep: '::', index: 1}}", T("a:::b"), ":b");
    RUN(s0, T(""), "");
    RUN("{split: {sep: ',', index: 1}}", T(""), "ERR:\"\" has only 1 part");
    RUN(s0, value_null(), "NULL");
    RUN("{split: {sep: '3', index: 0}}", value_int(12345), "12");
    RUN("{split: {sep: '\xc2\xb7', index: 1}}", T("\xc3\xa9\xc2\xb7\xe2\x82\xac"), "\xe2\x82\xac");
    RUN(s0, value_text("a\0,b", 4), "a\\0");
    RUN("{split: {sep: \"\\0\", index: 1}}", value_text("a\0b", 3), "b");
    RUN(s0, T("\xff,x"), "\xff");                                   /* a separator splits any bytes */
    RUN("{split: {pattern: '\\s+', index: -1}}", T("a  b\tc"), "c");
    RUN("{split: {pattern: '\\s+', index: 1, rest: true}}", T("a  b\tc"), "b\tc");
    RUN("{split: {pattern: '\\s*', index: 1}}", T("ab c"), "c");      /* empty matches do not cut */
    RUN("{split: {pattern: 'x*', index: 0}}", T("\xc3\xa9\xc3\xa9"), "\xc3\xa9\xc3\xa9");
    RUN("{split: {pattern: '[-/]', index: 2}}", T("2021-03/04"), "04");
    RUN("{split: {pattern: ',', index: 0}}", T("\xff,x"), "ERR:invalid UTF-8 at byte 0");
    RUN("{split: {pattern: '(a+)+$', index: 1}}", T("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab"),
        "ERR:regex failed: match limit exceeded");
    cerr_at("split", "split", "split: expected a map with sep or pattern, and index");
    cerr_at("{split: ','}", "','", "split: expected a map with sep or pattern, and index");
    cerr_at("{split: {sep: ',', pattern: x, index: 0}}", "x,", "split: takes exactly one of sep and pattern");
    cerr_at("{split: {index: 0}}", "{index", "split: takes exactly one of sep and pattern");
    cerr_at("{split: {sep: ','}}", "{sep", "split: expected an index");
    cerr_at("{split: {sep: ',', index: first}}", "first", "split: index must be an integer (negative counts from the end)");
    cerr_at("{split: {sep: '', index: 0}}", "''", "split: sep must be a non-empty string");
    cerr_at("{split: {sep: [a], index: 0}}", "[a]", "split: sep must be a non-empty string");
    cerr_at("{split: {pattern: 'a(b', index: 0}}", "', index", "split: bad pattern at offset 3: missing closing parenthesis");
    cerr_at("{split: {pattern: [x], index: 0}}", "[x]", "split: expected a pattern (a string)");
    cerr_at("{split: {sep: ',', index: 0, missing: skip}}", "skip", "split: missing must be null or fail");
    cerr_at("{split: {sep: ',', index: 0, rest: 2}}", "2}", "split: rest must be true or false");
    cerr_at("{split: {sep: ',', index: 0, limit: 2}}", "limit", "split: unknown argument \"limit\"");
    is_str(describe(s0), "split(sep=\",\", index=0)", "describe split");
    is_str(describe("{split: {pattern: '\\s+', index: -1, rest: true, missing: null}}"),
           "split(pattern=\"\\s+\", index=-1, rest=true, missing=null)", "describe split pattern");
}

static void test_hash(void)
{
    RUN("hash", T("abc"), "900150983cd24fb0d6963f7d28e17f72");   /* PostgreSQL: md5('abc') */
    RUN("hash", T(""), "d41d8cd98f00b204e9800998ecf8427e");
    RUN("hash", value_int(5), "e4da3b7fbbce2345d7772b0674a318d5");
    RUN("hash", value_null(), "NULL");
    RUN("hash", value_text("a\0b", 3), "70350f6027bce3713f6b76473084309b");
    RUN("hash", T("\xff"), "00594fd4f42ba43fc1ca0427a0576295");
    RUN("hash", T("caf\xc3\xa9"), "07117fe4a1ebd544965dc19573183da2");
    RUN("{hash: {algorithm: sha1}}", T("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    RUN("{hash: {algorithm: SHA1}}", T("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    RUN("{hash: {as: uuid}}", T("abc"), "90015098-3cd2-3fb0-9696-3f7d28e17f72");
    RUN("{hash: {algorithm: sha1, as: uuid}}", T("abc"), "a9993e36-4706-516a-ba3e-25717850c26c");
    RUN("{hash: {as: bigint}}", T("abc"), "i:1153291594369224624");   /* 0x9001... sign bit cleared */
    RUN("{hash: {as: bigint}}", T("a"), "i:919145239626757800");      /* 0x0cc1... unchanged */
    RUN("{hash: {algorithm: sha1, as: bigint}}", T("abc"), "i:2997495429832540522");
    RUN("{hash: {as: bigint}}", value_null(), "NULL");
    COMB("hash", "dde141cc50d6118a5ddaae1a01b74f99", T("a"), T("b"));
    COMB("hash", "119f259e482ad42ea667d423353b994c", value_null(), T(""));
    COMB("hash", "19aebeeaaf5be89ad6edc55d4746626a", T(""), value_null());
    COMB("hash", "ad1e41cebd43e64af1a28d4d70dc9e30", T(""), T(""));
    COMB("hash", "b11dbe9c79d96d24a3761c8649d20aac", value_null(), value_null());
    COMB("{hash: {algorithm: sha1}}", "687d61996b1c1278c973743efe7ee8e2fc8fb1d0", T("a"), T("b"));
    COMB("hash", "900150983cd24fb0d6963f7d28e17f72", T("abc"));
    is_str(comb("hash", NULL, 0), "NULL", "hash of nothing");
    cerr_at("{hash: sha1}", "sha1", "hash: expected nothing or a map with algorithm and/or as");
    cerr_at("{hash: {algorithm: sha256}}", "sha256", "hash: algorithm must be md5 or sha1");
    cerr_at("{hash: {as: int}}", "int", "hash: as must be hex, uuid or bigint");
    cerr_at("{hash: {algo: md5}}", "algo", "hash: unknown argument \"algo\"");
    cerr_at("{hash: {as: [hex]}}", "[hex]", "hash: as must be hex, uuid or bigint");
    is_str(describe("hash"), "hash(algorithm=md5, as=hex)", "describe hash");
    is_str(describe("{hash: {algorithm: sha1, as: bigint}}"), "hash(algorithm=sha1, as=bigint)", "describe hash args");
}

static void test_uuid_v5(void)
{
    RUN("{uuid_v5: dns}", T("python.org"), "886313e1-3b8a-5372-9b90-0c9aee199e5d");
    /* PostgreSQL: uuid_generate_v5(uuid_ns_url(), 'http://www.example.com') */
    RUN("{uuid_v5: url}", T("http://www.example.com"), "2d32a3f1-fac2-52a6-ac52-fe9e87e628ea");
    RUN("{uuid_v5: {namespace: oid}}", T("1.3.6.1"), "1447fa61-5277-5fef-a9b3-fbc6e44f4af3");
    RUN("{uuid_v5: {namespace: x500}}", T("cn=John"), "1713550e-4d56-5817-bce4-d5dac105f99d");
    RUN("{uuid_v5: URL}", T(""), "1b4db7eb-4057-5ddf-91e0-36dec72071f5");
    RUN("{uuid_v5: url}", T("caf\xc3\xa9"), "79d4db4c-73a9-5cec-bd37-4fc862e2120d");
    RUN("{uuid_v5: url}", T("\xff"), "c86009ad-b079-5270-b3b4-5fe9e04175c5");
    RUN("{uuid_v5: url}", value_text("a\0b", 3), "7881dd1e-3474-5a4c-847c-b4137040609a");
    RUN("{uuid_v5: url}", value_int(42), "5c2b23de-4bad-58ee-a4b3-f22f3b9cfd7d");
    RUN("{uuid_v5: a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", T("x"), "67734b4c-54a1-5963-badb-5c7ea4c2e5a5");
    RUN("{uuid_v5: {namespace: '{A0EEBC999C0B4EF8BB6D6BB9BD380A11}'}}", T("x"), "67734b4c-54a1-5963-badb-5c7ea4c2e5a5");
    RUN("{uuid_v5: url}", value_null(), "NULL");
    COMB("{uuid_v5: url}", "8c9a8a63-ca7c-50fc-a33e-2434bff9f36e", T("a"), T("b"));
    COMB("{uuid_v5: url}", "934ea81f-ffbb-5a3d-970b-a7d8ca3598e4", value_null(), T(""));
    cerr_at("uuid_v5", "uuid_v5", "uuid_v5: expected a namespace or a map with namespace");
    cerr_at("{uuid_v5: {}}", "{}", "uuid_v5: expected a namespace or a map with namespace");
    cerr_at("{uuid_v5: [url]}", "[url]", "uuid_v5: expected a namespace or a map with namespace");
    cerr_at("{uuid_v5: nope}", "nope", "uuid_v5: namespace must be dns, url, oid, x500 or a uuid");
    cerr_at("{uuid_v5: a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1}", "a0ee",
            "uuid_v5: namespace must be dns, url, oid, x500 or a uuid");
    cerr_at("{uuid_v5: {ns: url}}", "ns", "uuid_v5: unknown argument \"ns\"");
    is_str(describe("{uuid_v5: URL}"), "uuid_v5(namespace=url)", "describe uuid_v5");
    is_str(describe("{uuid_v5: {namespace: x500}}"), "uuid_v5(namespace=x500)", "describe uuid_v5 x500");
    is_str(describe("{uuid_v5: A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}"),
           "uuid_v5(namespace=a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11)", "describe uuid_v5 uuid");
}

static void test_map_fallback(void)
{
    const char *fb = "{map: {values: {M: male, F: female}, fallback: other}}";
    RUN(fb, T("M"), "male");
    RUN(fb, T("Q"), "other");
    RUN(fb, T("m"), "other");
    RUN(fb, T(""), "other");
    RUN(fb, value_null(), "NULL");                                   /* NULL is not a value to map */
    RUN(fb, value_text("M\0", 2), "other");
    RUN("{map: {values: {~: none, M: male}, fallback: other}}", value_null(), "none");
    RUN("{map: {values: {M: male}, fallback: ~}}", T("Q"), "NULL");
    RUN("{map: {values: {M: male}, fallback: null}}", T("M"), "male");
    RUN("{map: {values: {M: male}, fallback: 'null'}}", T("Q"), "null");
    RUN("{map: {values: {'1': one}, fallback: many}}", value_int(1), "one");
    RUN("{map: {values: {'1': one}, fallback: many}}", value_int(2), "many");
    RUN("{map: {values: {M: ~}, fallback: x}}", T("M"), "NULL");
    const char *st = "{map: {values: {M: male, F: female}, strict: true}}";
    RUN(st, T("F"), "female");
    RUN(st, T("Q"), "ERR:\"Q\" is not in the map");
    RUN(st, T("\xff"), "ERR:\"\\xff\" is not in the map");
    RUN(st, value_null(), "NULL");
    RUN("{map: {values: {M: male}, strict: false}}", T("Q"), "Q");
    RUN("{map: {values: {M: male}}}", T("Q"), "Q");
    /* a plain map whose keys are "values" and "fallback" stays plain */
    RUN("{map: {values: a, fallback: b}}", T("fallback"), "b");
    RUN("{map: {values: a, fallback: b}}", T("zzz"), "zzz");
    cerr_at("{map: {values: {a: b}, fallback: [x]}}", "[x]", "map: expected a fallback value (a scalar, or null)");
    cerr_at("{map: {values: {a: b}, strict: true, fallback: x}}", "x}", "map: takes fallback or strict: true, not both");
    cerr_at("{map: {values: {a: b}, strict: maybe}}", "maybe", "map: strict must be true or false");
    cerr_at("{map: {values: {a: b}, other: x}}", "other", "map: unknown argument \"other\"");
    cerr_at("{map: {values: {}, fallback: x}}", "{}", "map: expected a map of from: to values");
    cerr_at("{map: {values: {a: [b]}}}", "[b]", "map: keys and values must be scalars");
    is_str(describe(fb), "map({\"M\": \"male\", \"F\": \"female\"}, fallback=\"other\")", "describe map fallback");
    is_str(describe("{map: {values: {a: b}, fallback: ~}}"), "map({\"a\": \"b\"}, fallback=null)", "describe fallback null");
    is_str(describe(st), "map({\"M\": \"male\", \"F\": \"female\"}, strict=true)", "describe strict");
    is_str(describe("{map: {a: b}}"), "map({\"a\": \"b\"})", "describe plain map");
}

static void lookup_is(const char *item, const char *table, const char *schema, const char *key, const char *value)
{
    Op op;
    Diags d;
    int rc = compile(&op, item, &d);
    diags_free(&d);
    const LookupArgs *l = rc == 0 ? op_lookup_args(&op) : NULL;
    ok(l != NULL, "lookup args of %s", item);
    is_str(l ? l->table : "-", table, "table of %s", item);
    is_str(l ? l->schema : "-", schema, "schema of %s", item);
    is_str(l ? l->key : "-", key, "key of %s", item);
    is_str(l ? l->value : "-", value, "value of %s", item);
    if (rc == 0)
        op_free(&op);
}

static void test_lookup(void)
{
    const char *full = "{lookup: {table: customers, key: email, value: customer_id, schema: s}}";
    lookup_is(full, "customers", "s", "email", "customer_id");
    lookup_is("{lookup: {table: customers, key: email}}", "customers", NULL, "email", NULL);
    lookup_is("{lookup: {key: email, table: 'Odd Name', value: ~}}", "Odd Name", NULL, "email", NULL);
    RUN(full, T("a@b.c"), "ERR:lookup runs in the executor");
    COMB(full, "ERR:lookup runs in the executor", T("a@b.c"));
    COMB(full, "ERR:combines no values", T("a"), T("b"));
    Op op;
    Diags d;
    compile(&op, "trim", &d);
    ok(op_lookup_args(&op) == NULL, "no lookup args for trim");
    op_free(&op);
    diags_free(&d);
    ok(op_lookup_args(NULL) == NULL, "no lookup args for no op");
    const char *need = "lookup: expected a map with table and key (and optionally value and schema)";
    cerr_at("lookup", "lookup", need);
    cerr_at("{lookup: customers}", "customers", need);
    cerr_at("{lookup: {table: customers}}", "{table", need);
    cerr_at("{lookup: {table: ~, key: k}}", "~", need);
    cerr_at("{lookup: {table: t, key: k, column: c}}", "column", "lookup: unknown argument \"column\"");
    cerr_at("{lookup: {table: '', key: k}}", "''", "lookup: table must be a name (a non-empty string)");
    cerr_at("{lookup: {table: t, key: [k]}}", "[k]", "lookup: key must be a name (a non-empty string)");
    cerr_at("{lookup: {table: t, key: \"a\\0b\"}}", "\"a", "lookup: key must be a name (a non-empty string)");
    cerr_at("{lookup: {table: t, key: k, schema: {a: b}}}", "{a", "lookup: schema must be a name (a non-empty string)");
    is_str(describe(full), "lookup(table=\"customers\", key=\"email\", value=\"customer_id\", schema=\"s\")",
           "describe lookup");
    is_str(describe("{lookup: {table: t, key: k}}"), "lookup(table=\"t\", key=\"k\")", "describe lookup short");
}

/* The shape the executor gives a multi-column from: ops before the
 * combining one on each value, the combining op, then the rest. */
static void test_pipeline(void)
{
    Op trim, concat, lower;
    Diags d;
    int okc = compile(&trim, "trim", &d) == 0;
    diags_free(&d);
    okc &= compile(&concat, "{concat: ' '}", &d) == 0;
    diags_free(&d);
    okc &= compile(&lower, "lower", &d) == 0;
    diags_free(&d);
    ok(okc, "pipeline compiles");
    Value v[3] = {T("  Ada "), value_null(), T(" LOVELACE")}, out;
    char msg[128];
    int rc = 0;
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = op_run(&trim, &v[i], scratch, msg, sizeof msg);
    if (rc == 0)
        rc = op_combine(&concat, v, 3, &out, scratch, msg, sizeof msg);
    if (rc == 0)
        rc = op_run(&lower, &out, scratch, msg, sizeof msg);
    is_str(show(rc, &out, msg), "ada lovelace", "trim each, concat, lower");
    op_free(&trim);
    op_free(&concat);
    op_free(&lower);
    arena_reset(scratch);
}

int main(void)
{
    scratch = arena_new();
    test_sha1();
    test_registry();
    test_combine_one();
    test_concat();
    test_coalesce();
    test_split();
    test_hash();
    test_uuid_v5();
    test_map_fallback();
    test_lookup();
    test_pipeline();
    arena_free(scratch);
    return done_testing();
}
