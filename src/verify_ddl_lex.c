/* verify_ddl_lex.c - the tokenizer of the DDL recognizer (verify_ddl.c):
 * PostgreSQL's lexical rules, so that a statement is read as the server
 * read it: comments (nested block ones too), quoted identifiers, E'' and
 * dollar-quoted strings, numbers and operators.
 *
 * Kept apart from the recognizer because it knows nothing of statements;
 * like the recognizer it never fails: unterminated text ends at the end of
 * the statement, which the server has already accepted anyway. */
#include "verify_ddl_internal.h"

#include <stdlib.h>
#include <string.h>

void *vd_grow(void *v, size_t n, size_t size)
{
    if (n == 0 || (n & (n - 1)) == 0)
        v = xrealloc(v, (n ? 2 * n : 1) * size);
    return v;
}

static void tok_push(Toks *t, TokKind kind, char *text)
{
    t->v = vd_grow(t->v, t->n, sizeof *t->v);
    t->v[t->n].kind = kind;
    t->v[t->n++].text = text;
}

static int word_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int word_char(unsigned char c)
{
    return word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Skips blanks, -- comments and (nested) block comments. */
static size_t skip_blank(const char *s, size_t i)
{
    for (;;) {
        if (s[i] && strchr(" \t\r\n\f\v", s[i])) {
            i++;
        } else if (s[i] == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n')
                i++;
        } else if (s[i] == '/' && s[i + 1] == '*') {
            int depth = 0;
            while (s[i]) {
                if (s[i] == '/' && s[i + 1] == '*') {
                    depth++;
                    i += 2;
                } else if (s[i] == '*' && s[i + 1] == '/') {
                    i += 2;
                    if (--depth == 0)
                        break;
                } else {
                    i++;
                }
            }
        } else {
            return i;
        }
    }
}

/* End of the quoted text opening at i (doubled quotes escape; with
 * backslash, \x escapes too, as in E'...'). */
static size_t quoted_end(const char *s, size_t i, char q, int backslash)
{
    for (i++; s[i]; i++) {
        if ((backslash && s[i] == '\\' && s[i + 1]) || (s[i] == q && s[i + 1] == q))
            i++;
        else if (s[i] == q)
            return i + 1;
    }
    return i;
}

/* Length of the $tag$ at i, 0 when there is none ($1 is a parameter). */
static size_t dollar_tag(const char *s, size_t i)
{
    size_t k = i + 1;
    if (s[i] != '$' || (s[k] != '$' && !word_start((unsigned char)s[k])))
        return 0;
    while (s[k] != '$' && word_char((unsigned char)s[k]))
        k++;
    return s[k] == '$' ? k + 1 - i : 0;
}

static char *unquote_ident(const char *s, size_t a, size_t b)
{
    Buf out;
    buf_init(&out);
    buf_puts(&out, "");
    for (size_t i = a + 1; i + 1 < b; i++) {
        buf_putc(&out, s[i]);
        if (s[i] == '"')
            i++;
    }
    return buf_steal(&out);
}

/* Scans the token at i (not blank) into t; returns where it ends. */
static size_t lex_one(const char *s, size_t i, Toks *t)
{
    unsigned char c = (unsigned char)s[i];
    size_t j = i + 1, tag;
    TokKind kind = T_OP;
    if (c == '"') {
        j = quoted_end(s, i, '"', 0);
        tok_push(t, T_QID, unquote_ident(s, i, j));
        return j;
    }
    if (c == '\'' || (strchr("eEbBxXnN", c) && s[i + 1] == '\'')) {
        j = quoted_end(s, c == '\'' ? i : i + 1, '\'', c == 'e' || c == 'E');
        kind = T_STR;
    } else if ((tag = dollar_tag(s, i)) > 0) {
        const char *end = s + i + tag;
        while (*end && strncmp(end, s + i, tag) != 0)
            end++;
        j = (size_t)(end - s) + (*end ? tag : 0);
        kind = T_STR;
    } else if (word_start(c)) {
        char *w = NULL;
        while (word_char((unsigned char)s[j]))
            j++;
        w = xstrndup(s + i, j - i);
        for (char *q = w; *q; q++)
            if (*q >= 'A' && *q <= 'Z')
                *q = (char)(*q - 'A' + 'a');
        tok_push(t, T_WORD, w);
        return j;
    } else if ((c >= '0' && c <= '9') || (c == '.' && s[j] >= '0' && s[j] <= '9')) {
        while (word_char((unsigned char)s[j]) || s[j] == '.')
            j++;
        kind = T_NUM;
    } else if (c == ':' && s[j] == ':') {
        j++;
    } else if (strchr("+-*/<>=~!@#%^&|`?", c)) {
        while (s[j] && strchr("+-*/<>=~!@#%^&|`?", s[j]) && !(s[j] == '-' && s[j + 1] == '-') &&
               !(s[j] == '/' && s[j + 1] == '*'))
            j++;
    }
    tok_push(t, kind, xstrndup(s + i, j - i));
    return j;
}

void vd_tokenize(const char *s, Toks *t)
{
    memset(t, 0, sizeof *t);
    for (size_t i = skip_blank(s, 0); s[i]; i = skip_blank(s, i))
        i = lex_one(s, i, t);
    tok_push(t, T_END, xstrdup(""));
}

void vd_toks_free(Toks *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->v[i].text);
    free(t->v);
}
