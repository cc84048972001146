/* ops_misc.c - to_uuid (and the uuid parser the uuid cast shares) and the
 * json check. */
#include <string.h>

#include "ops_internal.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void uuid_write(const unsigned char b[16], char out[37])
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
static int uuid_text(const char *s, size_t len, unsigned char b[16])
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

int uuid_canon(const Value *v, char out[37])
{
    unsigned char b[16];
    if (v->kind == VAL_BLOB && v->len == 16) {
        memcpy(b, v->s, 16);
    } else if (v->kind != VAL_TEXT || uuid_text(v->s, v->len, b) != 0) {
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
