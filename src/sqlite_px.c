/* sqlite_px.c - the translator state shared by the SQLite-to-PostgreSQL
 * translators (sqlite_sql_internal.h): the token cursor, refusals with
 * their reasons, output helpers (identifiers through the rename callback,
 * string literals, precedence parentheses), and the list and ORDER BY /
 * index element forms built on px_expr.
 *
 * ORDER BY terms and index elements handle COLLATE themselves, unlike
 * expressions: NOCASE becomes lower(x) and RTRIM rtrim(x), which sort and
 * compare as the collation does for ASCII; BINARY is the default and is
 * dropped; other collations are refused. */
#include "sqlite_sql_internal.h"

#include <stdio.h>
#include <string.h>

void px_init(Px *p, const TokList *tl, Arena *a, const SqlNames *n)
{
    memset(p, 0, sizeof *p);
    p->tl = tl;
    p->a = a;
    p->names = n;
    p->collate_stop = -1;
}

Ex px_fail(Px *p, const char *fmt, ...)
{
    if (!p->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->why, sizeof p->why, fmt, ap);
        va_end(ap);
        p->failed = 1;
    }
    Ex e = {0};
    return e;
}

Ex px_syntax(Px *p)
{
    const Tok *t = px_peek(p);
    if (t->kind == TK_EOF)
        return px_fail(p, "syntax error: unexpected end");
    return px_fail(p, "syntax error near '%.*s' at offset %zu", (int)(t->len > 40 ? 40 : t->len),
                   p->tl->src + t->pos, t->pos);
}

const Tok *px_peek(const Px *p) { return &p->tl->t[p->i]; }

const Tok *px_peek_at(const Px *p, size_t ahead)
{
    size_t k = p->i + ahead;
    return &p->tl->t[k < p->tl->n ? k : p->tl->n - 1];
}

const Tok *px_next(Px *p)
{
    const Tok *t = &p->tl->t[p->i];
    if (t->kind != TK_EOF)
        p->i++;
    return t;
}

int px_accept_word(Px *p, const char *kw)
{
    if (tok_is_word(px_peek(p), kw)) {
        p->i++;
        return 1;
    }
    return 0;
}

int px_accept_punct(Px *p, const char *op)
{
    if (tok_is_punct(px_peek(p), op)) {
        p->i++;
        return 1;
    }
    return 0;
}

int px_expect_punct(Px *p, const char *op)
{
    if (px_accept_punct(p, op))
        return 1;
    if (!p->failed)
        px_syntax(p);
    return 0;
}

Ex ex_make(const char *s, int prec, int ty, int flags)
{
    Ex e = {s, prec, ty, flags, NULL};
    return e;
}

const char *ex_wrap(Px *p, Ex e, int min)
{
    return e.prec < min ? arena_printf(p->a, "(%s)", e.s) : e.s;
}

const char *px_ident(Px *p, const char *name)
{
    const char *r = NULL;
    if (p->names && p->names->rename)
        r = p->names->rename(p->names->ud, name);
    if (!r)
        r = name;
    if (!*r) /* "" is no name in PostgreSQL */
        px_fail(p, "uses an empty name");
    Buf b;
    buf_init(&b);
    buf_putc(&b, '"');
    for (const char *c = r; *c; c++) {
        if (*c == '"')
            buf_putc(&b, '"');
        buf_putc(&b, *c);
    }
    buf_putc(&b, '"');
    char *s = arena_strdup(p->a, b.data);
    buf_free(&b);
    return s;
}

const char *pg_quote_string(Arena *a, const char *s)
{
    Buf b;
    buf_init(&b);
    buf_putc(&b, '\'');
    for (const char *c = s; *c; c++) {
        if (*c == '\'')
            buf_putc(&b, '\'');
        buf_putc(&b, *c);
    }
    buf_putc(&b, '\'');
    char *r = arena_strdup(a, b.data);
    buf_free(&b);
    return r;
}

const char *px_expr_list(Px *p)
{
    Buf b;
    buf_init(&b);
    do {
        Ex e = px_expr(p);
        if (p->failed)
            break;
        buf_printf(&b, "%s%s", b.len ? ", " : "", e.s);
    } while (px_accept_punct(p, ","));
    const char *r = p->failed ? NULL : arena_strdup(p->a, b.data);
    buf_free(&b);
    return r;
}

/* expr [COLLATE c] [ASC|DESC] [NULLS FIRST|LAST].  index: an index element
 * (no NULLS ordering; a non-column expression in parentheses, as
 * PostgreSQL's CREATE INDEX requires).  Otherwise an ORDER BY term, which
 * gets SQLite's NULL order (NULLs are the smallest values) made explicit. */
const char *px_order_term(Px *p, int index)
{
    int save = p->collate_stop;
    p->collate_stop = p->nest;
    Ex e = px_expr(p);
    p->collate_stop = save;
    if (p->failed)
        return NULL;
    const char *s = e.s;
    if (px_accept_word(p, "COLLATE")) {
        const Tok *c = px_next(p);
        if (c->kind != TK_WORD && c->kind != TK_QUOTED && c->kind != TK_STRING) {
            px_syntax(p);
            return NULL;
        }
        if (ascii_casecmp(c->val, "NOCASE") == 0 || ascii_casecmp(c->val, "RTRIM") == 0) {
            s = arena_printf(p->a, "%s(%s)", c->val[0] == 'n' || c->val[0] == 'N' ? "lower" : "rtrim", e.s);
            e.flags = EX_CALL;
        } else if (ascii_casecmp(c->val, "BINARY") != 0) {
            px_fail(p, "uses COLLATE %s", c->val);
            return NULL;
        }
    }
    if (index && !(e.flags & (EX_IDENT | EX_CALL)))
        s = arena_printf(p->a, "(%s)", s);
    int desc = px_accept_word(p, "DESC");
    if (!desc)
        px_accept_word(p, "ASC");
    const char *nulls = index ? "" : desc ? " NULLS LAST" : " NULLS FIRST";
    if (px_accept_word(p, "NULLS")) {
        if (px_accept_word(p, "FIRST"))
            nulls = " NULLS FIRST";
        else if (px_accept_word(p, "LAST"))
            nulls = " NULLS LAST";
        else {
            px_syntax(p);
            return NULL;
        }
    }
    return arena_printf(p->a, "%s%s%s", s, desc ? " DESC" : "", nulls);
}
