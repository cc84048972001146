/* canon_json.c - jsonb as the server prints it: the JSON text parsed into
 * a tree and written back the way jsonb_out does.  jsonb keeps no trace of
 * the input's layout: object keys are unique (the last duplicate wins) and
 * sorted by length and then bytes, separators are ", " and ": ", strings
 * are re-escaped after \u escapes were decoded, and numbers are numeric
 * values (canon_numeric).
 *
 * pgtype_json.c only validates (it needs no tree); this file needs one to
 * sort keys, so it has its own small recursive parser.  Anything the server
 * would refuse (\u0000, lone surrogates, numbers out of numeric's range) or
 * nesting deeper than MAX_DEPTH gives 0. */
#include "canon.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 1000 };

typedef struct JNode JNode;
struct JNode {
    char kind;            /* '{' '[' 's' (string) 'n' (number) 'l' (literal) */
    const char *str;      /* string bytes (decoded), number or literal text */
    size_t len;
    const char *key;      /* member key, decoded, when inside an object */
    size_t klen;
    size_t order;         /* position among the object's members */
    size_t n;             /* children */
    JNode *first, *last, *next;
};

typedef struct JParse {
    const unsigned char *p, *e;
    Arena *a;
    Buf tmp;
} JParse;

static void skip_ws(JParse *j)
{
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int hex4(const unsigned char *p, const unsigned char *e, unsigned *v)
{
    *v = 0;
    if (e - p < 4)
        return 0;
    for (int i = 0; i < 4; i++) {
        int c = p[i];
        int h = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (h < 0)
            return 0;
        *v = *v * 16 + (unsigned)h;
    }
    return 1;
}

static void put_utf8(Buf *b, unsigned cp)
{
    if (cp < 0x80) {
        buf_putc(b, (char)cp);
    } else if (cp < 0x800) {
        buf_putc(b, (char)(0xC0 | cp >> 6));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        buf_putc(b, (char)(0xE0 | cp >> 12));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        buf_putc(b, (char)(0xF0 | cp >> 18));
        buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        buf_putc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

/* \uXXXX (after the backslash and u), with a surrogate pair as one code
 * point; 0 for \u0000 and unpaired surrogates, which jsonb refuses. */
static int unicode_escape(JParse *j, Buf *b)
{
    unsigned u, lo;
    if (!hex4(j->p, j->e, &u))
        return 0;
    j->p += 4;
    if (u == 0 || (u >= 0xDC00 && u <= 0xDFFF))
        return 0;
    if (u >= 0xD800 && u <= 0xDBFF) {
        if (j->e - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || !hex4(j->p + 2, j->e, &lo) ||
            lo < 0xDC00 || lo > 0xDFFF)
            return 0;
        j->p += 6;
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    }
    put_utf8(b, u);
    return 1;
}

/* The string at j->p (on its opening quote), decoded into the arena. */
static int parse_string(JParse *j, const char **s, size_t *len)
{
    static const char esc_in[] = "\"\\/bfnrt", esc_out[] = "\"\\/\b\f\n\r\t";
    buf_reset(&j->tmp);
    for (j->p++; j->p < j->e && *j->p != '"';) {
        unsigned char c = *j->p;
        if (c < 0x20)
            return 0;
        if (c != '\\') {
            size_t n = c < 0x80 ? 1 : utf8_seq((const char *)j->p, (size_t)(j->e - j->p));
            if (!n)
                return 0;
            buf_append(&j->tmp, j->p, n);
            j->p += n;
            continue;
        }
        if (++j->p == j->e)
            return 0;
        const char *k = *j->p ? strchr(esc_in, *j->p) : NULL;
        if (k) {
            buf_putc(&j->tmp, esc_out[k - esc_in]);
            j->p++;
            continue;
        }
        if (*j->p != 'u')
            return 0;
        j->p++;
        if (!unicode_escape(j, &j->tmp))
            return 0;
    }
    if (j->p == j->e)
        return 0;
    j->p++;
    *s = arena_strndup(j->a, j->tmp.data ? j->tmp.data : "", j->tmp.len);
    *len = j->tmp.len;
    return 1;
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* RFC 8259 number, then numeric_in/numeric_out. */
static int parse_number(JParse *j, JNode *n)
{
    const unsigned char *s = j->p;
    j->p += *j->p == '-';
    if (j->p == j->e || !is_digit(*j->p))
        return 0;
    if (*j->p == '0')
        j->p++;
    else
        while (j->p < j->e && is_digit(*j->p))
            j->p++;
    if (j->p < j->e && *j->p == '.') {
        if (++j->p == j->e || !is_digit(*j->p))
            return 0;
        while (j->p < j->e && is_digit(*j->p))
            j->p++;
    }
    if (j->p < j->e && (*j->p == 'e' || *j->p == 'E')) {
        j->p++;
        j->p += j->p < j->e && (*j->p == '+' || *j->p == '-');
        if (j->p == j->e || !is_digit(*j->p))
            return 0;
        while (j->p < j->e && is_digit(*j->p))
            j->p++;
    }
    buf_reset(&j->tmp);
    if (!canon_numeric((const char *)s, (size_t)(j->p - s), -1, &j->tmp))
        return 0;
    n->kind = 'n';
    n->str = arena_strndup(j->a, j->tmp.data, j->tmp.len);
    n->len = j->tmp.len;
    return 1;
}

static JNode *parse_value(JParse *j, int depth);

static void add_child(JNode *parent, JNode *c)
{
    c->order = parent->n++;
    if (parent->last)
        parent->last->next = c;
    else
        parent->first = c;
    parent->last = c;
}

/* Array or object at j->p (on the bracket). */
static int parse_container(JParse *j, JNode *n, int depth)
{
    unsigned char close = *j->p == '{' ? '}' : ']';
    n->kind = (char)*j->p++;
    skip_ws(j);
    if (j->p < j->e && *j->p == close) {
        j->p++;
        return 1;
    }
    for (;;) {
        const char *key = NULL;
        size_t klen = 0;
        if (close == '}') {
            if (j->p == j->e || *j->p != '"' || !parse_string(j, &key, &klen))
                return 0;
            skip_ws(j);
            if (j->p == j->e || *j->p++ != ':')
                return 0;
        }
        JNode *c = parse_value(j, depth + 1);
        if (!c)
            return 0;
        c->key = key;
        c->klen = klen;
        add_child(n, c);
        if (j->p < j->e && *j->p == close) {
            j->p++;
            return 1;
        }
        if (j->p == j->e || *j->p++ != ',')
            return 0;
        skip_ws(j);
    }
}

/* A value with the white space around it; NULL when invalid. */
static JNode *parse_value(JParse *j, int depth)
{
    static const char *const lits[] = {"true", "false", "null"};
    if (depth > MAX_DEPTH)
        return NULL;
    skip_ws(j);
    if (j->p == j->e)
        return NULL;
    JNode *n = arena_alloc(j->a, sizeof *n);
    int ok = 0;
    if (*j->p == '{' || *j->p == '[') {
        ok = parse_container(j, n, depth);
    } else if (*j->p == '"') {
        n->kind = 's';
        ok = parse_string(j, &n->str, &n->len);
    } else if (*j->p == '-' || is_digit(*j->p)) {
        ok = parse_number(j, n);
    } else {
        for (int i = 0; i < 3 && !ok; i++) {
            size_t l = strlen(lits[i]);
            if ((size_t)(j->e - j->p) >= l && memcmp(j->p, lits[i], l) == 0) {
                n->kind = 'l';
                n->str = lits[i];
                n->len = l;
                j->p += l;
                ok = 1;
            }
        }
    }
    skip_ws(j);
    return ok ? n : NULL;
}

/* ---- output ---- */

/* jsonb's escaping: the two-character escapes, \u00xx for the other
 * control characters, everything else (including non-ASCII) as is. */
static void put_string(Buf *out, const char *s, size_t len)
{
    buf_putc(out, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *k = c && c < 0x80 ? strchr("\"\\\b\f\n\r\t", c) : NULL;
        if (k) {
            buf_putc(out, '\\');
            buf_putc(out, "\"\\bfnrt"[k - "\"\\\b\f\n\r\t"]);
        } else if (c < 0x20) {
            buf_printf(out, "\\u%04x", c);
        } else {
            buf_putc(out, (char)c);
        }
    }
    buf_putc(out, '"');
}

/* Shorter keys first, then by bytes; equal keys latest first, so the first
 * of a run of duplicates is the one that wins. */
static int member_cmp(const void *a, const void *b)
{
    const JNode *x = *(JNode *const *)a, *y = *(JNode *const *)b;
    if (x->klen != y->klen)
        return x->klen < y->klen ? -1 : 1;
    int c = memcmp(x->key, y->key, x->klen);
    if (c)
        return c;
    return x->order > y->order ? -1 : 1;
}

static void put_value(Buf *out, const JNode *n);

static void put_object(Buf *out, const JNode *n)
{
    JNode **m = xmalloc((n->n ? n->n : 1) * sizeof *m);
    size_t k = 0;
    for (JNode *c = n->first; c; c = c->next)
        m[k++] = c;
    qsort(m, k, sizeof *m, member_cmp);
    buf_putc(out, '{');
    for (size_t i = 0; i < k; i++) {
        if (i && m[i]->klen == m[i - 1]->klen && memcmp(m[i]->key, m[i - 1]->key, m[i]->klen) == 0)
            continue; /* an earlier duplicate */
        if (i)
            buf_puts(out, ", ");
        put_string(out, m[i]->key, m[i]->klen);
        buf_puts(out, ": ");
        put_value(out, m[i]);
    }
    buf_putc(out, '}');
    free(m);
}

static void put_value(Buf *out, const JNode *n)
{
    switch (n->kind) {
    case '{':
        put_object(out, n);
        break;
    case '[':
        buf_putc(out, '[');
        for (const JNode *c = n->first; c; c = c->next) {
            if (c != n->first)
                buf_puts(out, ", ");
            put_value(out, c);
        }
        buf_putc(out, ']');
        break;
    case 's':
        put_string(out, n->str, n->len);
        break;
    default:
        buf_append(out, n->str, n->len);
        break;
    }
}

int canon_jsonb(const char *s, size_t len, Buf *out)
{
    JParse j = {(const unsigned char *)s, (const unsigned char *)s + len, arena_new(), {NULL, 0, 0}};
    JNode *root = parse_value(&j, 0);
    int ok = root && j.p == j.e;
    if (ok)
        put_value(out, root);
    buf_free(&j.tmp);
    arena_free(j.a);
    return ok;
}
