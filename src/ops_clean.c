/* ops_clean.c - strip_nul and fix_utf8: explicit policies for text that
 * PostgreSQL refuses (NUL bytes; bytes that are not UTF-8).  SQLite stores
 * both happily, so real files hold them; `pgmap init` writes one of these
 * into the mapping, with the count, instead of letting rows fail. */
#include <stdlib.h>
#include <string.h>

#include "ops_internal.h"
#include "pgtype.h"

int opc_STRIP_NUL(OpArgs *a, const OpCtx *c)
{
    (void)a;
    return opc_no_args(c);
}

int opr_STRIP_NUL(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)a;
    (void)msg;
    (void)msglen;
    if (v->kind != VAL_TEXT || !memchr(v->s, 0, v->len))
        return 0;
    char *out = arena_alloc(scratch, v->len + 1);
    size_t n = 0;
    for (size_t i = 0; i < v->len; i++)
        if (v->s[i])
            out[n++] = v->s[i];
    out[n] = '\0';
    *v = value_text(out, n);
    return 0;
}

/* The argument is the policy: latin1 (the default; legacy files are
 * usually Latin-1 or Windows-1252, so each stray byte is that character)
 * or replace (U+FFFD, the Unicode replacement character). */
int opc_FIX_UTF8(OpArgs *a, const OpCtx *c)
{
    a->unit = 1;
    if (!c->args)
        return 0;
    char *p = opc_scalar(c, c->args, "latin1 or replace", NULL);
    if (!p)
        return -1;
    int ok = strcmp(p, "latin1") == 0 || strcmp(p, "replace") == 0;
    a->unit = strcmp(p, "replace") == 0 ? 2 : 1;
    free(p);
    if (!ok) {
        opc_error(c, c->args, "expected latin1 or replace");
        return -1;
    }
    return 0;
}

int opr_FIX_UTF8(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    (void)msg;
    (void)msglen;
    if (v->kind != VAL_TEXT || utf8_valid(v->s, v->len))
        return 0;
    char *out = arena_alloc(scratch, v->len * 3 + 1);
    size_t n = 0;
    for (size_t i = 0; i < v->len;) {
        size_t k = utf8_seq(v->s + i, v->len - i);
        unsigned char b = (unsigned char)v->s[i];
        if (k) {
            memcpy(out + n, v->s + i, k);
            n += k;
            i += k;
            continue;
        }
        if (a->unit == 2) {
            memcpy(out + n, "\xEF\xBF\xBD", 3);
            n += 3;
        } else {
            out[n++] = (char)(0xC0 | (b >> 6));
            out[n++] = (char)(0x80 | (b & 0x3F));
        }
        i++;
    }
    out[n] = '\0';
    *v = value_text(out, n);
    return 0;
}
