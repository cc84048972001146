/* ops_misc.c - to_uuid (and the uuid parser the uuid cast, hash and
 * uuid_v5 share), the json check, and map's fallback form. */
#include <string.h>

#include "ops_internal.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

void uuid_write(const unsigned char b[16], char out[37])
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

/* Text forms: optional urn:uuid: prefix, optional braces, 32 hex digits in
 * any case with an optional hyphen after any group of four (PostgreSQL's
 * rule, which covers the canonical 8-4-4-4-12 and the bare 32 digits). */
int uuid_parse(const char *s, size_t len, unsigned char b[16])
{
    while (len && (*s == ' ' || *s == '\t')) { s++; len--; }
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (len >= 9 && ascii_ncasecmp(s, "urn:uuid:", 9) == 0) {
        s += 9;
        len -= 9;
    }
    if (len >= 2 && s[0] == '{' && s[len - 1] == '}') {
        s++;
        len -= 2;
    }
    size_t nd = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-') {
            if (nd == 0 || nd % 4 != 0 || nd == 32 || s[i - 1] == '-')
                return -1;
            continue;
        }
        int h = hexval(s[i]);
        if (h < 0 || nd >= 32)
            return -1;
        if (nd % 2 == 0)
            b[nd / 2] = (unsigned char)(h << 4);
        else
            b[nd / 2] |= (unsigned char)h;
        nd++;
    }
    return nd == 32 && s[len - 1] != '-' ? 0 : -1;
}

/* Already canonical (8-4-4-4-12, lowercase): most stored uuids are. */
static int is_canonical_uuid(const char *s, size_t len)
{
    if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
        return 0;
    /* without a branch per character: hex digits are random, so branches
     * on them were mispredicted half the time */
    unsigned bad = 0;
    for (size_t i = 0; i < 36; i++) {
        unsigned c = (unsigned char)s[i];
        unsigned hex = (c - '0' < 10u) | (c - 'a' < 6u);
        unsigned dash = (i == 8) | (i == 13) | (i == 18) | (i == 23);
        bad |= !(hex | dash);
    }
    return !bad;
}

int uuid_canon(const Value *v, char out[37])
{
    unsigned char b[16];
    if (v->kind == VAL_TEXT && is_canonical_uuid(v->s, v->len)) {
        memcpy(out, v->s, 36);
        out[36] = '\0';
        return 0;
    }
    if (v->kind == VAL_BLOB && v->len == 16) {
        memcpy(b, v->s, 16);
    } else if (v->kind != VAL_TEXT || uuid_parse(v->s, v->len, b) != 0) {
        return -1;
    }
    uuid_write(b, out);
    return 0;
}

int opc_TO_UUID(OpArgs *a, const OpCtx *c)
{
    (void)a;
    return opc_no_args(c);
}

int opr_TO_UUID(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)a;
    if (v->kind == VAL_NULL)
        return 0;
    char out[37];
    if (uuid_canon(v, out) != 0) {
        char q[QBUF];
        size_t len;
        const char *s = op_text(v, scratch, &len);
        return op_failf(msg, msglen, "%s is not a valid uuid", quote_value(s, len, q, sizeof q));
    }
    *v = value_text(arena_strndup(scratch, out, 36), 36);
    return 0;
}

int opc_JSON(OpArgs *a, const OpCtx *c)
{
    (void)a;
    return opc_no_args(c);
}

int opr_JSON(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)a;
    size_t len, off = 0;
    const char *s = op_text(v, scratch, &len);
    if (!s || json_check(s, len, 0, &off))
        return 0;
    return op_failf(msg, msglen, "not valid JSON (at byte %zu)", off);
}

/* ---- map: the fallback form ----
 *
 * The plain form `map: {from: to, ...}` (opc_MAP/opr_MAP in ops_text.c)
 * lets values it does not list pass unchanged.  The long form
 *     map: {values: {from: to, ...}, fallback: X}    X a string, or null
 *     map: {values: {from: to, ...}, strict: true}   unlisted values fail
 * says what they become instead.  It is recognised by `values` holding a
 * map: in the plain form every value must be a scalar, so no map that
 * loaded before changes meaning (a plain `values: x` entry stays plain).
 * "Fail" is a separate boolean rather than `fallback: fail` because
 * `fail` is a string a map may well have to produce.  NULL is not a value
 * to map: unless listed (a `~` key) it stays NULL, as in the plain form. */

static int map_long_form(const YNode *m)
{
    const YNode *v = m && m->kind == YN_MAP ? ymap_get(m, "values") : NULL;
    return v && v->kind == YN_MAP;
}

int opc_map_ext(OpArgs *a, const OpCtx *c)
{
    if (!map_long_form(c->args))
        return opc_MAP(a, c);
    static const char *const keys[] = {"values", "fallback", "strict", NULL};
    if (opc_check_keys(c, c->args, keys) != 0)
        return -1;
    OpCtx vc = *c;
    vc.args = ymap_get(c->args, "values");
    if (opc_MAP(a, &vc) != 0)
        return -1;
    const YNode *fb = ymap_get(c->args, "fallback"), *st = ymap_get(c->args, "strict");
    int strict = 0;
    if (st && yscalar_bool(st, &strict) != 0) {
        opc_error(c, st, "strict must be true or false");
        return -1;
    }
    if (strict && fb) {
        opc_error(c, fb, "takes fallback or strict: true, not both");
        return -1;
    }
    if (strict) {
        a->map_other = MAP_STRICT;
    } else if (fb && ynode_is_null(fb)) {
        a->map_other = MAP_FALLBACK_NULL;
    } else if (fb) {
        a->str = opc_scalar(c, fb, "a fallback value (a scalar, or null)", &a->str_len);
        if (!a->str)
            return -1;
        a->map_other = MAP_FALLBACK;
    }
    return 0;
}

/* Whether the map lists the non-NULL value v. */
static int map_lists(const OpArgs *a, const Value *v, Arena *scratch)
{
    size_t len;
    const char *s = op_text(v, scratch, &len);
    return s && strlist_find(&a->list, s, len, 0) >= 0;
}

int opr_map_ext(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    if (a->map_other == MAP_KEEP || v->kind == VAL_NULL || map_lists(a, v, scratch))
        return opr_MAP(a, v, scratch, msg, msglen);
    if (a->map_other == MAP_FALLBACK_NULL) {
        *v = value_null();
    } else if (a->map_other == MAP_FALLBACK) {
        *v = value_text(a->str, a->str_len); /* owned by the op, which outlives the row */
    } else {
        char q[QBUF];
        size_t len;
        const char *s = op_text(v, scratch, &len);
        return op_failf(msg, msglen, "%s is not in the map", quote_value(s, len, q, sizeof q));
    }
    return 0;
}
