/* init_sqltext.c - small facts init reads from SQLite CREATE TABLE text
 * that no PRAGMA reports (WITHOUT ROWID, DEFERRABLE foreign keys, the
 * module of a virtual table), and the quoting helpers the DDL and mapping
 * writers share.  A word scanner skips strings, quoted names and comments
 * so a keyword inside them is never mistaken for syntax. */
#include "init.h"

#include <ctype.h>
#include <string.h>

typedef struct Tok {
    const char *s;
    size_t len;
    char kind;   /* 'w' word, 'q' quoted name, 's' string, 'p' punctuation, 0 end */
} Tok;

static const char *skip_space(const char *p)
{
    for (;;) {
        while (*p && isspace((unsigned char)*p))
            p++;
        if (p[0] == '-' && p[1] == '-') {
            while (*p && *p != '\n')
                p++;
        } else if (p[0] == '/' && p[1] == '*') {
            const char *end = strstr(p + 2, "*/");
            p = end ? end + 2 : p + strlen(p);
        } else {
            return p;
        }
    }
}

static const char *next_tok(const char *p, Tok *t)
{
    p = skip_space(p);
    t->s = p;
    if (!*p) {
        t->kind = 0;
        t->len = 0;
        return p;
    }
    char close = *p == '"' ? '"' : *p == '`' ? '`' : *p == '[' ? ']' : *p == '\'' ? '\'' : 0;
    if (close) {
        const char *q = p + 1;
        while (*q && !(*q == close && q[1] != close))
            q += (*q == close) ? 2 : 1;
        t->kind = close == '\'' ? 's' : 'q';
        t->len = (size_t)(q - p) + (*q ? 1 : 0);
        return p + t->len;
    }
    if (isalnum((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
        const char *q = p;
        while (isalnum((unsigned char)*q) || *q == '_' || *q == '$' || (unsigned char)*q >= 0x80)
            q++;
        t->kind = 'w';
        t->len = (size_t)(q - p);
        return q;
    }
    t->kind = 'p';
    t->len = 1;
    return p + 1;
}

static int is_word(const Tok *t, const char *w)
{
    return t->kind == 'w' && t->len == strlen(w) && ascii_ncasecmp(t->s, w, t->len) == 0;
}

/* Compares a name token (bare or quoted in any style) with name. */
static int names_equal(const Tok *t, const char *name)
{
    if (t->kind == 'w')
        return t->len == strlen(name) && ascii_ncasecmp(t->s, name, t->len) == 0;
    if (t->kind != 'q' || t->len < 2)
        return 0;
    size_t n = strlen(name);
    return t->len - 2 == n && ascii_ncasecmp(t->s + 1, name, n) == 0;
}

/* A REFERENCES clause runs until a comma or closing parenthesis at its
 * own depth; it is deferred when it says DEFERRABLE (not NOT DEFERRABLE)
 * and INITIALLY DEFERRED. */
static int clause_deferred(const char *p)
{
    Tok t, prev = {0};
    int depth = 0, deferrable = 0, deferred = 0;
    for (p = next_tok(p, &t); t.kind; prev = t, p = next_tok(p, &t)) {
        if (t.kind == 'p' && *t.s == '(')
            depth++;
        else if ((t.kind == 'p' && *t.s == ')' && depth-- == 0) || (t.kind == 'p' && *t.s == ',' && depth == 0))
            break;   /* the end of this clause */
        else if (is_word(&t, "DEFERRABLE"))
            deferrable = !is_word(&prev, "NOT");
        else if (is_word(&t, "DEFERRED") && is_word(&prev, "INITIALLY"))
            deferred = 1;
    }
    return deferrable && deferred;
}

int sql_fk_deferred(const char *sql, const char *parent)
{
    Tok t;
    for (const char *p = sql ? next_tok(sql, &t) : ""; sql && t.kind; p = next_tok(p, &t)) {
        if (!is_word(&t, "REFERENCES"))
            continue;
        Tok name;
        const char *after = next_tok(p, &name);
        if (names_equal(&name, parent) && clause_deferred(after))
            return 1;
    }
    return 0;
}

int sql_without_rowid(const char *sql)
{
    Tok t, prev = {0};
    int depth = 0, found = 0;
    for (const char *p = sql ? next_tok(sql, &t) : ""; sql && t.kind; prev = t, p = next_tok(p, &t)) {
        if (t.kind == 'p' && *t.s == '(')
            depth++;
        else if (t.kind == 'p' && *t.s == ')')
            depth--;
        else if (depth == 0 && is_word(&t, "ROWID") && is_word(&prev, "WITHOUT"))
            found = 1;
    }
    return found;
}

char *sql_virtual_module(Arena *a, const char *sql)
{
    Tok t, prev = {0};
    if (!sql)
        return NULL;
    int is_virtual = 0;
    for (const char *p = next_tok(sql, &t); t.kind; prev = t, p = next_tok(p, &t)) {
        if (is_word(&t, "VIRTUAL") && is_word(&prev, "CREATE"))
            is_virtual = 1;
        if (is_virtual && is_word(&prev, "USING") && t.kind == 'w')
            return arena_strndup(a, t.s, t.len);
    }
    return is_virtual ? arena_strdup(a, "unknown") : NULL;
}

void sql_quote_ident(Buf *b, const char *ident)
{
    quote_ident_dq(b, ident);
}

void sql_quote_qualified(Buf *b, const char *schema, const char *name)
{
    sql_quote_ident(b, schema);
    buf_putc(b, '.');
    sql_quote_ident(b, name);
}

void sql_quote_literal(Buf *b, const char *s)
{
    buf_putc(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\'')
            buf_putc(b, '\'');
        buf_putc(b, *p);
    }
    buf_putc(b, '\'');
}
