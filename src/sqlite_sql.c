/* sqlite_sql.c - the entry points of sqlite_sql.h for expressions, views and
 * indexes: each tokenizes its input, runs the translator over it in a
 * private arena and copies the result (or the reason for refusing) out.
 * Column defaults are in sqlite_default.c, CREATE TABLE parsing in
 * sqlite_ddl.c.
 *
 * Decision: in CHECK, index and generated-column expressions a "name" that
 * the rename callback does not know is a string literal, as SQLite reads it
 * there (CHECK (status IN ("a", "b")) is common in hand-written schemas).
 * This needs a callback that knows every column; without one, "name" stays
 * a name.  Views keep "name" a name: they have aliases the callback cannot
 * know. */
#include "sqlite_sql_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sqlx_free(SqlXlate *x)
{
    if (!x)
        return;
    free(x->sql);
    x->sql = NULL;
    x->why[0] = '\0';
}

static void out_init(SqlXlate *out)
{
    out->sql = NULL;
    out->why[0] = '\0';
}

static int out_set(SqlXlate *out, const Px *p, const char *sql)
{
    if (p->failed || !sql) {
        snprintf(out->why, sizeof out->why, "%s", p->why[0] ? p->why : "cannot be translated");
        return -1;
    }
    out->sql = xstrdup(sql);
    return 0;
}

static int lex_or_fail(const char *src, Arena *a, TokList *tl, SqlXlate *out)
{
    if (sqlx_lex(src ? src : "", a, tl, out->why, sizeof out->why) != 0)
        return -1;
    return 0;
}

/* A whole expression at p; NULL unless everything was used. */
static const char *whole_expr(Px *p)
{
    Ex e = px_expr(p);
    if (!p->failed && px_peek(p)->kind != TK_EOF)
        px_syntax(p);
    return p->failed ? NULL : e.s;
}

int sqlx_expr(const char *expr, const SqlNames *n, SqlXlate *out)
{
    out_init(out);
    Arena *a = arena_new();
    TokList tl;
    int rc = -1;
    if (lex_or_fail(expr, a, &tl, out) == 0) {
        Px p;
        px_init(&p, &tl, a, n);
        p.dq_strings = n && n->rename;
        rc = out_set(out, &p, whole_expr(&p));
    }
    arena_free(a);
    return rc;
}

/* CREATE [TEMP] VIEW [IF NOT EXISTS] [schema.]name [(cols)] AS select */
static const char *view_body(Px *p)
{
    if (!px_accept_word(p, "CREATE"))
        return px_syntax(p), NULL;
    if (!px_accept_word(p, "TEMP"))
        px_accept_word(p, "TEMPORARY");
    if (!px_accept_word(p, "VIEW"))
        return px_syntax(p), NULL;
    if (px_accept_word(p, "IF") && !(px_accept_word(p, "NOT") && px_accept_word(p, "EXISTS")))
        return px_syntax(p), NULL;
    if (!tok_is_name(px_next(p)))
        return px_syntax(p), NULL;
    if (px_accept_punct(p, ".") && !tok_is_name(px_next(p)))
        return px_syntax(p), NULL;
    const char *cols = NULL;
    if (px_accept_punct(p, "(")) {
        cols = "";
        do {
            const Tok *c = px_next(p);
            if (!tok_is_name(c))
                return px_syntax(p), NULL;
            cols = arena_printf(p->a, "%s%s%s", cols, *cols ? ", " : "", px_ident(p, c->val));
        } while (px_accept_punct(p, ","));
        if (!px_expect_punct(p, ")"))
            return NULL;
    }
    if (!px_accept_word(p, "AS"))
        return px_syntax(p), NULL;
    const char *sel = px_select(p);
    px_accept_punct(p, ";");
    if (!p->failed && px_peek(p)->kind != TK_EOF)
        px_syntax(p);
    if (p->failed)
        return NULL;
    /* Column names given with the view: rename the select's columns. */
    return cols ? arena_printf(p->a, "SELECT * FROM (%s) AS \"v\"(%s)", sel, cols) : sel;
}

int sqlx_view(const char *create_sql, const SqlNames *n, SqlXlate *out)
{
    out_init(out);
    Arena *a = arena_new();
    TokList tl;
    int rc = -1;
    if (lex_or_fail(create_sql, a, &tl, out) == 0) {
        Px p;
        px_init(&p, &tl, a, n);
        rc = out_set(out, &p, view_body(&p));
    }
    arena_free(a);
    return rc;
}

/* CREATE [UNIQUE] INDEX [IF NOT EXISTS] [schema.]name ON table: leaves p
 * at the '(' of the element list. */
static int index_head(Px *p)
{
    if (!px_accept_word(p, "CREATE"))
        return px_syntax(p), -1;
    px_accept_word(p, "UNIQUE");
    if (!px_accept_word(p, "INDEX"))
        return px_syntax(p), -1;
    if (px_accept_word(p, "IF") && !(px_accept_word(p, "NOT") && px_accept_word(p, "EXISTS")))
        return px_syntax(p), -1;
    if (!tok_is_name(px_next(p)))
        return px_syntax(p), -1;
    if (px_accept_punct(p, ".") && !tok_is_name(px_next(p)))
        return px_syntax(p), -1;
    if (!px_accept_word(p, "ON") || !tok_is_name(px_next(p)))
        return px_syntax(p), -1;
    if (!tok_is_punct(px_peek(p), "("))
        return px_syntax(p), -1;
    return 0;
}

static const char *index_elems(Px *p, size_t close)
{
    p->i++; /* ( */
    p->nest++;
    const char *s = "";
    do {
        const char *t = px_order_term(p, 1);
        if (!t)
            return NULL;
        s = arena_printf(p->a, "%s%s%s", s, *s ? ", " : "", t);
    } while (px_accept_punct(p, ","));
    if (p->i != close)
        return px_syntax(p), NULL;
    return s;
}

static int index_where(const TokList *tl, size_t from, Arena *a, const SqlNames *n, SqlXlate *where)
{
    Px p;
    px_init(&p, tl, a, n);
    p.dq_strings = n && n->rename;
    p.i = from;
    if (px_peek(&p)->kind == TK_EOF)
        return 0;
    if (!px_accept_word(&p, "WHERE"))
        px_syntax(&p);
    return out_set(where, &p, p.failed ? NULL : whole_expr(&p));
}

/* On failure neither part is kept (an index without its WHERE would be a
 * different index) and both whys say what failed first. */
int sqlx_index(const char *create_sql, const SqlNames *n, SqlXlate *elems, SqlXlate *where)
{
    out_init(elems);
    out_init(where);
    Arena *a = arena_new();
    TokList tl;
    int rc = -1;
    if (lex_or_fail(create_sql, a, &tl, elems) == 0) {
        Px p;
        px_init(&p, &tl, a, n);
        p.dq_strings = n && n->rename;
        size_t close = (size_t)-1;
        if (index_head(&p) == 0 && (close = tok_match_paren(&tl, p.i)) == (size_t)-1)
            px_syntax(&p);
        rc = out_set(elems, &p, p.failed ? NULL : index_elems(&p, close));
        if (rc == 0 && index_where(&tl, close + 1, a, n, where) != 0)
            rc = -1;
    }
    if (rc != 0) {
        const char *why = elems->why[0] ? elems->why : where->why;
        char keep[sizeof elems->why];
        snprintf(keep, sizeof keep, "%s", why);
        sqlx_free(elems);
        sqlx_free(where);
        snprintf(elems->why, sizeof elems->why, "%s", keep);
        snprintf(where->why, sizeof where->why, "%s", keep);
    }
    arena_free(a);
    return rc;
}
