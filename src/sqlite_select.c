/* sqlite_select.c - translates an SQLite SELECT statement (the body of a
 * view, or a subquery inside an expression) into PostgreSQL.
 *
 * Covered: WITH [RECURSIVE], compound selects, VALUES, DISTINCT, result
 * columns with aliases, FROM with joins (ON / USING / NATURAL), subqueries,
 * WHERE, GROUP BY, HAVING, ORDER BY, LIMIT / OFFSET.  Decisions:
 *  - A FROM subquery without an alias gets one ("subquery1"): PostgreSQL
 *    before 16 requires it.
 *  - UNION, INTERSECT and EXCEPT group left to right in SQLite, but
 *    INTERSECT binds tighter in PostgreSQL: the left side of an INTERSECT
 *    that follows another operator goes in parentheses.
 *  - LIMIT a, b is LIMIT b OFFSET a; a negative LIMIT (no limit in SQLite)
 *    becomes LIMIT ALL.
 *  - ORDER BY terms get SQLite's NULL order made explicit (px_order_term).
 *  - Named windows (WINDOW), table-valued functions, INDEXED BY hints
 *    (dropped) and schemas other than main/temp (refused). */
#include "sqlite_sql_internal.h"

#include <string.h>

int tok_starts_select(const Tok *t)
{
    return tok_is_word(t, "SELECT") || tok_is_word(t, "VALUES") || tok_is_word(t, "WITH");
}

/* Words that end a FROM item where an alias could stand. */
static int ends_from_item(const Tok *t)
{
    static const char *const w[] = {"ON", "USING", "JOIN", "LEFT", "RIGHT", "FULL", "INNER",
                                    "CROSS", "NATURAL", "INDEXED", "NOT", "OUTER"};
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        if (tok_is_word(t, w[k]))
            return 1;
    return 0;
}

/* [AS] alias, or "" when there is none. */
static const char *px_alias(Px *p, int from_item)
{
    if (px_accept_word(p, "AS")) {
        const Tok *t = px_peek(p);
        if (t->kind != TK_WORD && t->kind != TK_QUOTED && t->kind != TK_STRING) {
            px_syntax(p);
            return NULL;
        }
        p->i++;
        return arena_printf(p->a, " AS %s", px_ident(p, t->val));
    }
    const Tok *t = px_peek(p);
    if (tok_is_name(t) && !(from_item && ends_from_item(t))) {
        p->i++;
        return arena_printf(p->a, " AS %s", px_ident(p, t->val));
    }
    return "";
}

static const char *px_result_col(Px *p)
{
    if (px_accept_punct(p, "*"))
        return "*";
    if (tok_is_name(px_peek(p)) && tok_is_punct(px_peek_at(p, 1), ".") &&
        tok_is_punct(px_peek_at(p, 2), "*")) {
        const char *t = px_ident(p, px_next(p)->val);
        p->i += 2;
        return arena_printf(p->a, "%s.*", t);
    }
    Ex e = px_expr(p);
    if (p->failed)
        return NULL;
    const char *al = px_alias(p, 0);
    return al ? arena_printf(p->a, "%s%s", e.s, al) : NULL;
}

/* [schema.]table [[AS] alias] [INDEXED BY x | NOT INDEXED] */
static const char *px_table_ref(Px *p)
{
    const Tok *t = px_next(p);
    if (tok_is_punct(px_peek(p), ".") && tok_is_name(px_peek_at(p, 1))) {
        if (ascii_casecmp(t->val, "main") != 0 && ascii_casecmp(t->val, "temp") != 0) {
            px_fail(p, "uses schema %s", t->val);
            return NULL;
        }
        p->i++;
        t = px_next(p);
    }
    if (tok_is_punct(px_peek(p), "(")) {
        px_fail(p, "uses table-valued function %s()", t->val);
        return NULL;
    }
    const char *name = px_ident(p, t->val);
    const char *al = px_alias(p, 1);
    if (!al)
        return NULL;
    if (px_accept_word(p, "INDEXED")) {
        if (!px_accept_word(p, "BY") || !tok_is_name(px_next(p))) {
            px_syntax(p);
            return NULL;
        }
    } else if (tok_is_word(px_peek(p), "NOT") && tok_is_word(px_peek_at(p, 1), "INDEXED")) {
        p->i += 2;
    }
    return arena_printf(p->a, "%s%s", name, al);
}

static const char *px_from_list(Px *p);

static const char *px_from_item(Px *p)
{
    if (!px_accept_punct(p, "(")) {
        if (!tok_is_name(px_peek(p))) {
            px_syntax(p);
            return NULL;
        }
        return px_table_ref(p);
    }
    p->nest++;
    int sub = tok_starts_select(px_peek(p));
    const char *in = sub ? px_select(p) : px_from_list(p);
    p->nest--;
    if (p->failed || !px_expect_punct(p, ")"))
        return NULL;
    const char *al = px_alias(p, 1);
    if (!al)
        return NULL;
    if (sub && !*al)
        al = arena_printf(p->a, " AS \"subquery%d\"", ++p->subq_alias);
    return arena_printf(p->a, "(%s)%s", in, al);
}

/* A join operator (consumed) in PostgreSQL words, or NULL when none. */
static const char *px_join_op(Px *p)
{
    if (px_accept_punct(p, ","))
        return ", ";
    size_t save = p->i;
    int natural = px_accept_word(p, "NATURAL");
    const char *kind = "";
    if (px_accept_word(p, "LEFT"))
        kind = "LEFT ";
    else if (px_accept_word(p, "RIGHT"))
        kind = "RIGHT ";
    else if (px_accept_word(p, "FULL"))
        kind = "FULL ";
    if (*kind)
        px_accept_word(p, "OUTER");
    else if (px_accept_word(p, "INNER"))
        kind = "INNER ";
    else if (px_accept_word(p, "CROSS"))
        kind = "CROSS ";
    if (!px_accept_word(p, "JOIN")) {
        p->i = save;
        return NULL;
    }
    return arena_printf(p->a, " %s%sJOIN ", natural ? "NATURAL " : "", kind);
}

static const char *px_join_constraint(Px *p, const char *op)
{
    if (px_accept_word(p, "ON")) {
        if (strcmp(op, ", ") == 0) {
            px_fail(p, "uses ON after a comma join");
            return NULL;
        }
        Ex e = px_expr(p);
        return p->failed ? NULL : arena_printf(p->a, " ON %s", e.s);
    }
    if (px_accept_word(p, "USING")) {
        if (!px_expect_punct(p, "("))
            return NULL;
        const char *cols = "";
        do {
            const Tok *t = px_next(p);
            if (!tok_is_name(t)) {
                px_syntax(p);
                return NULL;
            }
            cols = arena_printf(p->a, "%s%s%s", cols, *cols ? ", " : "", px_ident(p, t->val));
        } while (px_accept_punct(p, ","));
        if (!px_expect_punct(p, ")"))
            return NULL;
        return arena_printf(p->a, " USING (%s)", cols);
    }
    return "";
}

static const char *px_from_list(Px *p)
{
    const char *s = px_from_item(p);
    while (s && !p->failed) {
        const char *op = px_join_op(p);
        if (!op)
            break;
        const char *item = px_from_item(p);
        const char *cons = item ? px_join_constraint(p, op) : NULL;
        if (!cons)
            return NULL;
        s = arena_printf(p->a, "%s%s%s%s", s, op, item, cons);
    }
    return p->failed ? NULL : s;
}

/* Appends " KW expr" when kw is next. */
static int px_clause_expr(Px *p, Buf *b, const char *kw, const char *out)
{
    if (!px_accept_word(p, kw))
        return 0;
    Ex e = px_expr(p);
    if (!p->failed)
        buf_printf(b, " %s %s", out, e.s);
    return 1;
}

static void px_select_core_rest(Px *p, Buf *b)
{
    if (px_accept_word(p, "FROM")) {
        const char *f = px_from_list(p);
        if (f)
            buf_printf(b, " FROM %s", f);
    }
    if (!p->failed)
        px_clause_expr(p, b, "WHERE", "WHERE");
    if (!p->failed && px_accept_word(p, "GROUP")) {
        const char *l = px_accept_word(p, "BY") ? px_expr_list(p) : (px_syntax(p), NULL);
        if (l)
            buf_printf(b, " GROUP BY %s", l);
    }
    if (!p->failed)
        px_clause_expr(p, b, "HAVING", "HAVING");
    if (!p->failed && tok_is_word(px_peek(p), "WINDOW"))
        px_fail(p, "uses a WINDOW clause");
}

static const char *px_select_core(Px *p)
{
    Buf b;
    buf_init(&b);
    if (px_accept_word(p, "VALUES")) {
        buf_puts(&b, "VALUES ");
        do {
            if (!px_expect_punct(p, "("))
                break;
            p->nest++;
            const char *l = px_expr_list(p);
            p->nest--;
            if (!l || !px_expect_punct(p, ")"))
                break;
            buf_printf(&b, "%s(%s)", b.len > 7 ? ", " : "", l);
        } while (px_accept_punct(p, ","));
    } else if (px_accept_word(p, "SELECT")) {
        buf_puts(&b, "SELECT ");
        if (px_accept_word(p, "DISTINCT"))
            buf_puts(&b, "DISTINCT ");
        else
            px_accept_word(p, "ALL");
        int first = 1;
        do {
            const char *c = px_result_col(p);
            if (!c)
                break;
            buf_printf(&b, "%s%s", first ? "" : ", ", c);
            first = 0;
        } while (px_accept_punct(p, ","));
        if (!p->failed)
            px_select_core_rest(p, &b);
    } else {
        px_syntax(p);
    }
    const char *r = p->failed ? NULL : arena_strdup(p->a, b.data);
    buf_free(&b);
    return r;
}

/* WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (select), ... */
static const char *px_with(Px *p)
{
    const char *s = px_accept_word(p, "RECURSIVE") ? "WITH RECURSIVE " : "WITH ";
    int first = 1;
    do {
        const Tok *t = px_next(p);
        if (!tok_is_name(t))
            return px_syntax(p), NULL;
        const char *cte = px_ident(p, t->val);
        if (px_accept_punct(p, "(")) {
            const char *cols = "";
            do {
                const Tok *c = px_next(p);
                if (!tok_is_name(c))
                    return px_syntax(p), NULL;
                cols = arena_printf(p->a, "%s%s%s", cols, *cols ? ", " : "", px_ident(p, c->val));
            } while (px_accept_punct(p, ","));
            if (!px_expect_punct(p, ")"))
                return NULL;
            cte = arena_printf(p->a, "%s(%s)", cte, cols);
        }
        if (!px_accept_word(p, "AS"))
            return px_syntax(p), NULL;
        const char *mat = "";
        if (px_accept_word(p, "NOT"))
            mat = "NOT ";
        if (px_accept_word(p, "MATERIALIZED"))
            mat = arena_printf(p->a, "%sMATERIALIZED ", mat);
        if (!px_expect_punct(p, "("))
            return NULL;
        p->nest++;
        const char *body = px_select(p);
        p->nest--;
        if (!body || !px_expect_punct(p, ")"))
            return NULL;
        s = arena_printf(p->a, "%s%s%s AS %s(%s)", s, first ? "" : ", ", cte, mat, body);
        first = 0;
    } while (px_accept_punct(p, ","));
    return arena_printf(p->a, "%s ", s);
}

static const char *px_compound_op(Px *p)
{
    if (px_accept_word(p, "UNION"))
        return px_accept_word(p, "ALL") ? "UNION ALL" : "UNION";
    if (px_accept_word(p, "INTERSECT"))
        return "INTERSECT";
    if (px_accept_word(p, "EXCEPT"))
        return "EXCEPT";
    return NULL;
}

static const char *px_order_limit(Px *p)
{
    const char *s = "";
    if (px_accept_word(p, "ORDER")) {
        if (!px_accept_word(p, "BY"))
            return px_syntax(p), NULL;
        s = " ORDER BY ";
        int first = 1;
        do {
            const char *t = px_order_term(p, 0);
            if (!t)
                return NULL;
            s = arena_printf(p->a, "%s%s%s", s, first ? "" : ", ", t);
            first = 0;
        } while (px_accept_punct(p, ","));
    }
    if (!px_accept_word(p, "LIMIT"))
        return s;
    Ex lim = px_expr(p), off = {0};
    if (!p->failed && (px_accept_word(p, "OFFSET") || px_accept_punct(p, ","))) {
        int comma = tok_is_punct(&p->tl->t[p->i - 1], ",");
        off = px_expr(p);
        if (comma) { /* LIMIT offset, count */
            Ex t = lim;
            lim = off;
            off = t;
        }
    }
    if (p->failed)
        return NULL;
    const char *l = (lim.flags & EX_NUMLIT) && lim.lit[0] == '-' ? "ALL" : lim.s;
    s = arena_printf(p->a, "%s LIMIT %s", s, l);
    if (off.s)
        s = arena_printf(p->a, "%s OFFSET %s", s, off.s);
    return s;
}

const char *px_select(Px *p)
{
    const char *with = px_accept_word(p, "WITH") ? px_with(p) : "";
    if (!with)
        return NULL;
    const char *s = px_select_core(p);
    int mixed = 0; /* an operator other than INTERSECT seen */
    while (s && !p->failed) {
        const char *op = px_compound_op(p);
        if (!op)
            break;
        const char *r = px_select_core(p);
        if (!r)
            return NULL;
        if (strcmp(op, "INTERSECT") == 0 && mixed)
            s = arena_printf(p->a, "(%s) %s %s", s, op, r);
        else
            s = arena_printf(p->a, "%s %s %s", s, op, r);
        if (strcmp(op, "INTERSECT") != 0)
            mixed = 1;
    }
    const char *tail = s ? px_order_limit(p) : NULL;
    if (p->failed || !tail)
        return NULL;
    return arena_printf(p->a, "%s%s%s", with, s, tail);
}
