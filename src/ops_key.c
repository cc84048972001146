/* ops_key.c - the operations that make keys: hash (md5 or sha1 of the
 * values, as hex, a uuid or a bigint), uuid_v5 (RFC 4122 name-based uuids)
 * and lookup, which only carries its arguments to the executor (it needs
 * the target database, which operations never see). */
#include <stdio.h>
#include <string.h>

#include "md5.h"
#include "ops_internal.h"
#include "sha1.h"

/* ---- the bytes that are hashed ---- */

typedef struct Digest {
    int algo;
    Md5 md5;
    Sha1 sha1;
} Digest;

static void dg_init(Digest *g, int algo)
{
    g->algo = algo;
    if (algo == HASH_SHA1)
        sha1_init(&g->sha1);
    else
        md5_init(&g->md5);
}

static void dg_update(Digest *g, const void *p, size_t n)
{
    if (g->algo == HASH_SHA1)
        sha1_update(&g->sha1, p, n);
    else
        md5_update(&g->md5, p, n);
}

/* Writes the digest into out and returns its length (16 or 20). */
static size_t dg_final(Digest *g, unsigned char out[20])
{
    if (g->algo == HASH_SHA1) {
        sha1_final(&g->sha1, out);
        return 20;
    }
    md5_final(&g->md5, out);
    return 16;
}

/* The name of hash and uuid_v5: one value is its text, so `hash` of 'abc'
 * is PostgreSQL's md5('abc').  Several values are their texts joined by
 * the unit separator 0x1F, a NULL written as the record separator 0x1E: so
 * (NULL, ''), ('', NULL) and ('', '') differ.  Texts that themselves hold
 * these control bytes could collide; real keys do not. */
static void dg_values(Digest *g, const Value *vals, size_t n, Arena *scratch)
{
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *s = op_text(&vals[i], scratch, &len);
        if (i > 0)
            dg_update(g, "\x1f", 1);
        if (s)
            dg_update(g, s, len);
        else
            dg_update(g, "\x1e", 1);
    }
}

/* A single NULL (or nothing) has no name: the result is NULL. */
static int no_name(const Value *vals, size_t n)
{
    return n == 0 || (n == 1 && vals[0].kind == VAL_NULL);
}

/* RFC 4122 4.1.1 and 4.1.3: the variant bits 10 and the version. */
static void uuid_stamp(unsigned char b[16], int version)
{
    b[6] = (unsigned char)((b[6] & 0x0F) | (version << 4));
    b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
}

static Value uuid_value(const unsigned char b[16], Arena *scratch)
{
    char out[37];
    uuid_write(b, out);
    return value_text(arena_strndup(scratch, out, 36), 36);
}

/* ---- hash ---- */

static int pick(const YNode *n, const char *const *names, int *out)
{
    for (int i = 0; names[i]; i++) {
        if (n->kind == YN_SCALAR && ascii_casecmp(n->str, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return -1;
}

int opc_HASH(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"algorithm", "as", NULL};
    static const char *const algos[] = {"md5", "sha1", NULL};    /* HASH_MD5, HASH_SHA1 */
    static const char *const forms[] = {"hex", "uuid", "bigint", NULL};
    const YNode *m = c->args;
    if (!m)
        return 0;
    if (m->kind != YN_MAP) {
        opc_error(c, m, "expected nothing or a map with algorithm and/or as");
        return -1;
    }
    if (opc_check_keys(c, m, keys) != 0)
        return -1;
    const YNode *al = ymap_get(m, "algorithm"), *as = ymap_get(m, "as");
    if (al && pick(al, algos, &a->algo) != 0) {
        opc_error(c, al, "algorithm must be md5 or sha1");
        return -1;
    }
    if (as && pick(as, forms, &a->as) != 0) {
        opc_error(c, as, "as must be hex, uuid or bigint");
        return -1;
    }
    return 0;
}

static Value hash_hex(const unsigned char *d, size_t dlen, Arena *scratch)
{
    static const char hex[] = "0123456789abcdef";
    char *p = arena_alloc(scratch, 2 * dlen + 1);
    for (size_t i = 0; i < dlen; i++) {
        p[2 * i] = hex[d[i] >> 4];
        p[2 * i + 1] = hex[d[i] & 15];
    }
    return value_text(p, 2 * dlen);
}

int opm_HASH(const OpArgs *a, const Value *vals, size_t n, Value *out, Arena *scratch, char *msg,
             size_t msglen)
{
    (void)msg;
    (void)msglen;
    if (no_name(vals, n)) {
        *out = value_null();
        return 0;
    }
    Digest g;
    unsigned char d[20];
    dg_init(&g, a->algo);
    dg_values(&g, vals, n, scratch);
    size_t dlen = dg_final(&g, d);
    if (a->as == HASH_UUID) {
        uuid_stamp(d, a->algo == HASH_SHA1 ? 5 : 3);
        *out = uuid_value(d, scratch);
    } else if (a->as == HASH_BIGINT) {
        uint64_t x = 0;
        for (int i = 0; i < 8; i++)
            x = x << 8 | d[i];
        *out = value_int((int64_t)(x & INT64_MAX)); /* sign bit cleared: never negative */
    } else {
        *out = hash_hex(d, dlen, scratch);
    }
    return 0;
}

int opr_HASH(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    return opm_HASH(a, v, 1, v, scratch, msg, msglen);
}

/* ---- uuid_v5 ---- */

/* The name space ids of RFC 4122 appendix C: 6ba7b81X-9dad-11d1-80b4-
 * 00c04fd430c8 with X = 0 (DNS), 1 (URL), 2 (OID) and 4 (X.500). */
static const char *const ns_names[] = {"dns", "url", "oid", "x500", NULL};
static const unsigned char ns_last[] = {0x10, 0x11, 0x12, 0x14};

static void ns_bytes(int i, unsigned char b[16])
{
    static const unsigned char base[16] = {0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1,
                                           0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8};
    memcpy(b, base, 16);
    b[3] = ns_last[i];
}

void uuid_ns_describe(const unsigned char ns[16], char out[37])
{
    for (int i = 0; ns_names[i]; i++) {
        unsigned char b[16];
        ns_bytes(i, b);
        if (memcmp(b, ns, 16) == 0) {
            snprintf(out, 37, "%s", ns_names[i]);
            return;
        }
    }
    uuid_write(ns, out);
}

int opc_UUID_V5(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"namespace", NULL};
    const YNode *n = c->args;
    if (n && n->kind == YN_MAP) {
        if (opc_check_keys(c, n, keys) != 0)
            return -1;
        n = ymap_get(n, "namespace");
    }
    if (!n || ynode_is_null(n) || n->kind != YN_SCALAR) {
        opc_error(c, n ? n : c->args, "expected a namespace or a map with namespace");
        return -1;
    }
    int i;
    if (pick(n, ns_names, &i) == 0) {
        ns_bytes(i, a->ns);
        return 0;
    }
    if (strlen(n->str) != n->len || uuid_parse(n->str, n->len, a->ns) != 0) {
        opc_error(c, n, "namespace must be dns, url, oid, x500 or a uuid");
        return -1;
    }
    return 0;
}

int opm_UUID_V5(const OpArgs *a, const Value *vals, size_t n, Value *out, Arena *scratch, char *msg,
                size_t msglen)
{
    (void)msg;
    (void)msglen;
    if (no_name(vals, n)) {
        *out = value_null();
        return 0;
    }
    /* RFC 4122 4.3: SHA-1 of the name space id (network byte order, as
     * written) followed by the name; the first 16 bytes, stamped. */
    Digest g;
    unsigned char d[20];
    dg_init(&g, HASH_SHA1);
    dg_update(&g, a->ns, 16);
    dg_values(&g, vals, n, scratch);
    dg_final(&g, d);
    uuid_stamp(d, 5);
    *out = uuid_value(d, scratch);
    return 0;
}

int opr_UUID_V5(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    return opm_UUID_V5(a, v, 1, v, scratch, msg, msglen);
}

/* ---- lookup ---- */

/* One name argument into a->lookup_mem[slot]; absent or null is fine
 * unless required. */
static int lookup_name(OpArgs *a, const OpCtx *c, const char *key, int slot, int required)
{
    const YNode *n = ymap_get(c->args, key);
    if (!n || ynode_is_null(n)) {
        if (required)
            opc_error(c, n ? n : c->args, "expected a map with table and key (and optionally value and schema)");
        return required ? -1 : 0;
    }
    if (n->kind != YN_SCALAR || n->len == 0 || strlen(n->str) != n->len) {
        opc_error(c, n, "%s must be a name (a non-empty string)", key);
        return -1;
    }
    a->lookup_mem[slot] = xstrndup(n->str, n->len);
    return 0;
}

int opc_LOOKUP(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"table", "schema", "key", "value", NULL};
    if (!c->args || c->args->kind != YN_MAP) {
        opc_error(c, c->args, "expected a map with table and key (and optionally value and schema)");
        return -1;
    }
    if (opc_check_keys(c, c->args, keys) != 0)
        return -1;
    for (int i = 0; keys[i]; i++) {
        if (lookup_name(a, c, keys[i], i, i == 0 || i == 2) != 0)
            return -1;
    }
    a->lookup.table = a->lookup_mem[0];
    a->lookup.schema = a->lookup_mem[1];
    a->lookup.key = a->lookup_mem[2];
    a->lookup.value = a->lookup_mem[3];
    return 0;
}

int opr_LOOKUP(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)a;
    (void)v;
    (void)scratch;
    return op_failf(msg, msglen, "lookup runs in the executor");
}
