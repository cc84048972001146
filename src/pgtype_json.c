/* pgtype_json.c - a strict RFC 8259 JSON validator for the json operation
 * and the json/jsonb casts (which follow the server's rules for \u
 * escapes).  It only says yes or no (and where it stopped): pgmap never
 * needs the parsed value, and a validator without a tree can be iterative
 * with one byte of state per open container. */
#include <stdlib.h>
#include <string.h>

#include "ops_internal.h"
#include "pgtype.h"

static int hex4(const unsigned char *p, const unsigned char *e, unsigned *v)
{
    *v = 0;
    if (e - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int c = p[i], h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return -1;
        *v = *v * 16 + (unsigned)h;
    }
    return 0;
}

/* What a string may hold beyond RFC 8259 text: JM_JSONB refuses \u0000
 * (jsonb cannot store it); JM_ANY_ESCAPE takes any \uXXXX, unpaired
 * surrogates included, as PostgreSQL's json type does (it keeps the text
 * and never decodes it). */
enum { JM_JSONB = 1, JM_ANY_ESCAPE = 2 };

/* String starting at the opening quote; returns the end or NULL. */
static const unsigned char *json_string(const unsigned char *p, const unsigned char *e, int mode)
{
    for (p++; p < e;) {
        if (*p == '"')
            return p + 1;
        if (*p < 0x20)
            return NULL;
        if (*p >= 0x80) {
            size_t n = utf8_seq((const char *)p, (size_t)(e - p));
            if (!n)
                return NULL;
            p += n;
            continue;
        }
        if (*p++ != '\\')
            continue;
        if (p >= e)
            return NULL;
        if (strchr("\"\\/bfnrt", *p) && *p) {
            p++;
            continue;
        }
        unsigned u, lo;
        if (*p != 'u' || hex4(p + 1, e, &u) != 0)
            return NULL;
        p += 5;
        if (mode & JM_ANY_ESCAPE)
            continue;
        if ((u == 0 && (mode & JM_JSONB)) || (u >= 0xDC00 && u <= 0xDFFF))
            return NULL;
        if (u >= 0xD800 && u <= 0xDBFF) { /* a high surrogate needs its low half */
            if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || hex4(p + 2, e, &lo) != 0 ||
                lo < 0xDC00 || lo > 0xDFFF)
                return NULL;
            p += 6;
        }
    }
    return NULL;
}

static const unsigned char *digits(const unsigned char *p, const unsigned char *e)
{
    const unsigned char *s = p;
    while (p < e && *p >= '0' && *p <= '9')
        p++;
    return p > s ? p : NULL;
}

static const unsigned char *json_number(const unsigned char *p, const unsigned char *e)
{
    if (p < e && *p == '-')
        p++;
    if (p < e && *p == '0')
        p++;
    else if (!(p = digits(p, e)))
        return NULL;
    if (p < e && *p == '.' && !(p = digits(p + 1, e)))
        return NULL;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if (!(p = digits(p, e)))
            return NULL;
    }
    return p;
}

static const unsigned char *json_scalar(const unsigned char *p, const unsigned char *e, int mode)
{
    static const char *const lits[] = {"true", "false", "null"};
    if (*p == '"')
        return json_string(p, e, mode);
    if (*p == '-' || (*p >= '0' && *p <= '9'))
        return json_number(p, e);
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(lits[i]);
        if ((size_t)(e - p) >= n && memcmp(p, lits[i], n) == 0)
            return p + n;
    }
    return NULL;
}

static const unsigned char *json_ws(const unsigned char *p, const unsigned char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* Open containers: '[' or '{' per level, on the heap once deep. */
typedef struct JStack {
    char local[64];
    char *v;
    size_t depth, cap;
} JStack;

static void jpush(JStack *st, char c)
{
    if (st->depth == st->cap) {
        char *ns = xmalloc(st->cap * 2);
        memcpy(ns, st->v, st->cap);
        if (st->v != st->local)
            free(st->v);
        st->v = ns;
        st->cap *= 2;
    }
    st->v[st->depth++] = c;
}

static unsigned char jclose(const JStack *st)
{
    return st->v[st->depth - 1] == '[' ? ']' : '}';
}

/* An object member's start: "key" ws ':'; returns the byte after ':'. */
static const unsigned char *json_key(const unsigned char *p, const unsigned char *e, int mode)
{
    const unsigned char *q = p < e && *p == '"' ? json_string(p, e, mode) : NULL;
    if (!q)
        return NULL;
    q = json_ws(q, e);
    return q < e && *q == ':' ? q + 1 : NULL;
}

/* Iterative, with the open containers on a heap stack, so that "[[[[..."
 * a million deep is just long input rather than a stack overflow. */
static int json_scan(const char *s, size_t len, int mode, size_t *err_off)
{
    const unsigned char *b = (const unsigned char *)s, *p = b, *e = b + len, *q;
    JStack st;
    st.v = st.local;
    st.depth = 0;
    st.cap = sizeof st.local;
    int want_value = 1, ok = 0;
    for (;;) {
        p = json_ws(p, e);
        if (want_value && p < e && (*p == '[' || *p == '{')) {
            jpush(&st, (char)*p++);
            p = json_ws(p, e);
            if (p < e && *p == jclose(&st)) {
                p++;
                st.depth--;
                want_value = 0;
            } else if (st.v[st.depth - 1] == '{') {
                if (!(q = json_key(p, e, mode)))
                    break;
                p = q;
            }
        } else if (want_value) {
            if (!(q = p < e ? json_scalar(p, e, mode) : NULL))
                break;
            p = q;
            want_value = 0;
        } else if (st.depth == 0) {
            ok = p == e;
            break;
        } else if (p < e && *p == jclose(&st)) {
            p++;
            st.depth--;
        } else if (p < e && *p == ',') {
            p = json_ws(p + 1, e);
            want_value = 1;
            if (st.v[st.depth - 1] == '{') {
                if (!(q = json_key(p, e, mode)))
                    break;
                p = q;
            }
        } else {
            break;
        }
    }
    if (st.v != st.local)
        free(st.v);
    if (err_off)
        *err_off = (size_t)(p - b);
    return ok;
}

int json_check(const char *s, size_t len, int reject_nul, size_t *err_off)
{
    return json_scan(s, len, reject_nul ? JM_JSONB : 0, err_off);
}

/* What the server's json_in (jsonb: jsonb_in) accepts; pgtype.c's cast. */
int json_check_pg(const char *s, size_t len, int jsonb, size_t *err_off)
{
    return json_scan(s, len, jsonb ? JM_JSONB : JM_ANY_ESCAPE, err_off);
}

int json_valid(const char *s, size_t len)
{
    return json_check(s, len, 0, NULL);
}
