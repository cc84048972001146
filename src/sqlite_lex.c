/* sqlite_lex.c - tokenizer for the SQL text SQLite keeps in sqlite_master,
 * following SQLite's own tokenizer (tokenize.c): identifiers unquoted or
 * quoted "x" / [x] / `x`, 'strings', X'blobs', decimal, real and hex
 * numbers, parameters, -- and C comments, and SQLite's operators.  Tokens
 * keep their byte offset so a refusal can say where it stopped. */
#include "sqlite_sql_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct Lx {
    const char *s;
    size_t i;
    Arena *a;
    Tok *t;
    size_t n, cap;
    char *why;
    size_t whylen;
} Lx;

static int is_id_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_id_char(unsigned char c)
{
    return is_id_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int is_hex(unsigned char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int lx_fail(Lx *l, const char *what, size_t pos)
{
    snprintf(l->why, l->whylen, "%s at offset %zu", what, pos);
    return -1;
}

static void lx_push(Lx *l, TokKind k, size_t pos, size_t len, char *val)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        Tok *nt = arena_alloc(l->a, l->cap * sizeof *nt);
        if (l->n)
            memcpy(nt, l->t, l->n * sizeof *nt);
        l->t = nt;
    }
    Tok *t = &l->t[l->n++];
    t->kind = k;
    t->quote = 0;
    t->pos = pos;
    t->len = len;
    t->val = val;
}

/* A quoted run ending at close, where a doubled close is one character
 * (except for [x], which has no escape). */
static int lx_quoted(Lx *l, TokKind k, char close, int doubling)
{
    size_t start = l->i++;
    Buf b;
    buf_init(&b);
    for (;;) {
        char c = l->s[l->i];
        if (c == '\0') {
            buf_free(&b);
            return lx_fail(l, k == TK_STRING ? "unterminated string" : "unterminated quoted name",
                           start);
        }
        l->i++;
        if (c == close) {
            if (doubling && l->s[l->i] == close) {
                l->i++;
            } else {
                break;
            }
        }
        buf_putc(&b, c);
    }
    lx_push(l, k, start, l->i - start, arena_strndup(l->a, b.data ? b.data : "", b.len));
    l->t[l->n - 1].quote = l->s[start];
    buf_free(&b);
    return 0;
}

static int lx_blob(Lx *l)
{
    size_t start = l->i;
    size_t j = l->i + 2, nd = 0;
    while (is_hex((unsigned char)l->s[j])) {
        j++;
        nd++;
    }
    if (l->s[j] != '\'' || nd % 2 != 0)
        return lx_fail(l, "malformed blob literal", start);
    char *v = arena_strndup(l->a, l->s + l->i + 2, nd);
    for (char *p = v; *p; p++)
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    l->i = j + 1;
    lx_push(l, TK_BLOB, start, l->i - start, v);
    return 0;
}

/* 0x hex literals are 64-bit two's complement integers in SQLite;
 * PostgreSQL before 16 has no hex literals, so they become decimal. */
static int lx_hex(Lx *l)
{
    size_t start = l->i, j = l->i + 2;
    uint64_t v = 0;
    while (is_hex((unsigned char)l->s[j])) {
        if (j - start - 2 >= 16)
            return lx_fail(l, "hex literal too big", start);
        unsigned char c = (unsigned char)l->s[j++];
        v = v * 16 + (uint64_t)(is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    if (j == start + 2 || is_id_char((unsigned char)l->s[j]))
        return lx_fail(l, "malformed number", start);
    l->i = j;
    char *txt = v > (uint64_t)INT64_MAX
                    ? arena_printf(l->a, "(%" PRId64 ")", (int64_t)(v - (uint64_t)INT64_MAX - 1) + INT64_MIN)
                    : arena_printf(l->a, "%" PRIu64, v);
    lx_push(l, TK_INT, start, j - start, txt);
    return 0;
}

static int lx_number(Lx *l)
{
    const char *s = l->s;
    size_t start = l->i, j = l->i;
    int real = 0;
    if (s[j] == '0' && (s[j + 1] == 'x' || s[j + 1] == 'X'))
        return lx_hex(l);
    while (is_digit((unsigned char)s[j]))
        j++;
    if (s[j] == '.') {
        real = 1;
        j++;
        while (is_digit((unsigned char)s[j]))
            j++;
    }
    if ((s[j] == 'e' || s[j] == 'E') &&
        (is_digit((unsigned char)s[j + 1]) ||
         ((s[j + 1] == '+' || s[j + 1] == '-') && is_digit((unsigned char)s[j + 2])))) {
        real = 1;
        j += 2;
        while (is_digit((unsigned char)s[j]))
            j++;
    }
    if (is_id_char((unsigned char)s[j]))
        return lx_fail(l, "malformed number", start);
    l->i = j;
    lx_push(l, real ? TK_REAL : TK_INT, start, j - start, arena_strndup(l->a, s + start, j - start));
    return 0;
}

static void lx_param(Lx *l)
{
    size_t start = l->i++;
    while (is_id_char((unsigned char)l->s[l->i]))
        l->i++;
    lx_push(l, TK_PARAM, start, l->i - start, arena_strndup(l->a, l->s + start, l->i - start));
}

/* Longest operator first. */
static const char *const OPS[] = {
    "->>", "||", "==", "!=", "<>", "<=", ">=", "<<", ">>", "->",
    "(", ")", ",", ";", ".", "+", "-", "*", "/", "%", "=", "<", ">", "&", "|", "~",
};

static int lx_punct(Lx *l)
{
    for (size_t k = 0; k < sizeof OPS / sizeof OPS[0]; k++) {
        size_t n = strlen(OPS[k]);
        if (strncmp(l->s + l->i, OPS[k], n) == 0) {
            lx_push(l, TK_PUNCT, l->i, n, (char *)OPS[k]);
            l->i += n;
            return 0;
        }
    }
    return lx_fail(l, "unrecognized character", l->i);
}

/* Skips white space and comments; returns 0 at a token or the end. */
static void lx_skip(Lx *l)
{
    const char *s = l->s;
    for (;;) {
        char c = s[l->i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            l->i++;
        } else if (c == '-' && s[l->i + 1] == '-') {
            while (s[l->i] && s[l->i] != '\n')
                l->i++;
        } else if (c == '/' && s[l->i + 1] == '*') {
            /* SQLite accepts an unterminated comment up to the end. */
            const char *e = strstr(s + l->i + 2, "*/");
            l->i = e ? (size_t)(e - s) + 2 : strlen(s);
        } else {
            return;
        }
    }
}

static int lx_one(Lx *l)
{
    const char *s = l->s;
    unsigned char c = (unsigned char)s[l->i];
    if ((c == 'x' || c == 'X') && s[l->i + 1] == '\'')
        return lx_blob(l);
    if (is_id_start(c)) {
        size_t start = l->i;
        while (is_id_char((unsigned char)s[l->i]))
            l->i++;
        lx_push(l, TK_WORD, start, l->i - start, arena_strndup(l->a, s + start, l->i - start));
        return 0;
    }
    if (is_digit(c) || (c == '.' && is_digit((unsigned char)s[l->i + 1])))
        return lx_number(l);
    switch (c) {
    case '\'': return lx_quoted(l, TK_STRING, '\'', 1);
    case '"': return lx_quoted(l, TK_QUOTED, '"', 1);
    case '`': return lx_quoted(l, TK_QUOTED, '`', 1);
    case '[': return lx_quoted(l, TK_QUOTED, ']', 0);
    case '?': case ':': case '@': case '$':
        lx_param(l);
        return 0;
    default:
        return lx_punct(l);
    }
}

int sqlx_lex(const char *src, Arena *a, TokList *out, char *why, size_t whylen)
{
    Lx l = {.s = src, .a = a, .why = why, .whylen = whylen};
    for (;;) {
        lx_skip(&l);
        if (src[l.i] == '\0')
            break;
        if (lx_one(&l) != 0)
            return -1;
    }
    lx_push(&l, TK_EOF, l.i, 0, "");
    out->t = l.t;
    out->n = l.n;
    out->src = src;
    return 0;
}

int tok_is_word(const Tok *t, const char *kw)
{
    return t->kind == TK_WORD && ascii_casecmp(t->val, kw) == 0;
}

int tok_is_punct(const Tok *t, const char *op)
{
    return t->kind == TK_PUNCT && strcmp(t->val, op) == 0;
}

size_t tok_match_paren(const TokList *l, size_t i)
{
    int depth = 0;
    for (size_t k = i; k < l->n; k++) {
        if (tok_is_punct(&l->t[k], "("))
            depth++;
        else if (tok_is_punct(&l->t[k], ")") && --depth == 0)
            return k;
    }
    return (size_t)-1;
}
