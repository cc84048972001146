/* sqlite_expr.c - translates one SQLite expression into PostgreSQL while
 * parsing it with SQLite's precedence (parse.y), writing the PostgreSQL
 * text as it goes.  Each sub-expression carries the PostgreSQL precedence
 * of its outermost operator, and a parent puts a child in parentheses only
 * where PostgreSQL would group it differently (|| binds tightest of the
 * binary operators in SQLite but loosely in PostgreSQL; comparison operators
 * chain in SQLite but not in PostgreSQL).  Parentheses the user wrote stay.
 *
 * Operator decisions (sqlite_sql.h):
 *  - == becomes =; IS / IS NOT before anything but NULL become IS NOT
 *    DISTINCT FROM / IS DISTINCT FROM; ISNULL, NOTNULL and NOT NULL become
 *    IS [NOT] NULL.
 *  - LIKE becomes ILIKE (SQLite's LIKE ignores ASCII case).  SQLite's LIKE
 *    has no escape character unless ESCAPE is given while PostgreSQL's
 *    default is backslash, so ESCAPE '' is added unless the pattern is a
 *    literal without backslashes.
 *  - GLOB with a literal pattern without [ becomes LIKE (case-sensitive,
 *    like GLOB) with * -> %, ? -> _ and % _ \ escaped; anything else is
 *    refused, as are REGEXP, MATCH and the JSON operators -> ->>.
 *  - COLLATE BINARY is dropped (it is the default); other collations are
 *    refused inside expressions because they change what a comparison
 *    means.  ORDER BY and index elements handle COLLATE themselves
 *    (px_order_term in sqlite_px.c).
 *  - TRUE / FALSE become PostgreSQL booleans: they appear in conditions.
 *  - x IN () is constant in SQLite: false (true for NOT IN).  x IN table
 *    becomes x IN (TABLE "table").
 *  - rowid / oid / _rowid_ that the rename callback does not know are
 *    refused: PostgreSQL tables have no rowid. */
#include "sqlite_sql_internal.h"

#include <stdio.h>
#include <string.h>

/* SQLite precedence levels (parse.y), lowest first. */
enum { L_OR = 1, L_AND, L_NOT, L_EQ, L_CMP, L_ESC, L_BIT, L_ADD, L_MUL, L_CONCAT, L_COLLATE };

/* ---------------------------------------------------------------------
 * Primaries
 * ------------------------------------------------------------------- */

/* Words that cannot start an operand; anything else in operand position is
 * a name (SQLite lets most keywords be names: type, key, end, desc...). */
static const char *const RESERVED[] = {
    "SELECT", "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "AND", "OR", "IS", "IN",
    "BETWEEN", "THEN", "ELSE", "WHEN", "AS", "ON", "USING", "JOIN", "UNION", "EXCEPT",
    "INTERSECT", "COLLATE", "ESCAPE", "ISNULL", "NOTNULL", "DISTINCT", "VALUES", "WITH", "LIKE",
    "GLOB", "REGEXP", "MATCH", "ALL", "INNER", "LEFT", "CROSS", "NATURAL", "WINDOW", "OVER",
};

static int is_reserved(const Tok *t)
{
    for (size_t k = 0; k < sizeof RESERVED / sizeof RESERVED[0]; k++)
        if (tok_is_word(t, RESERVED[k]))
            return 1;
    return 0;
}

int tok_is_name(const Tok *t)
{
    return t->kind == TK_QUOTED || (t->kind == TK_WORD && !is_reserved(t));
}

static int is_rowid(const char *s)
{
    return ascii_casecmp(s, "rowid") == 0 || ascii_casecmp(s, "oid") == 0 ||
           ascii_casecmp(s, "_rowid_") == 0;
}

static int known(Px *p, const char *s)
{
    return p->names && p->names->rename && p->names->rename(p->names->ud, s) != NULL;
}

/* name, table.name or schema.table.name; the schemas main and temp of
 * SQLite are dropped, any other schema is refused. */
static Ex px_column(Px *p)
{
    const Tok *part[3];
    int n = 0;
    part[n++] = px_next(p);
    while (n < 3 && tok_is_punct(px_peek(p), ".") && tok_is_name(px_peek_at(p, 1))) {
        p->i++;
        part[n++] = px_next(p);
    }
    const Tok *last = part[n - 1];
    if (n == 1 && p->dq_strings && last->kind == TK_QUOTED && last->quote == '"' &&
        !known(p, last->val)) {
        /* SQLite reads a "name" that is no column as a string. */
        Ex e = ex_make(pg_quote_string(p->a, last->val), PG_ATOM, TY_TEXT, EX_STRLIT);
        e.lit = last->val;
        return e;
    }
    if (p->in_default)
        return px_fail(p, "refers to column %s", last->val);
    if (is_rowid(last->val) && !known(p, last->val))
        return px_fail(p, "uses %s", last->val);
    int first = 0;
    if (n == 3) {
        if (ascii_casecmp(part[0]->val, "main") != 0 && ascii_casecmp(part[0]->val, "temp") != 0)
            return px_fail(p, "uses schema %s", part[0]->val);
        first = 1;
    }
    const char *s = px_ident(p, part[first]->val);
    for (int k = first + 1; k < n; k++)
        s = arena_printf(p->a, "%s.%s", s, px_ident(p, part[k]->val));
    return ex_make(s, PG_ATOM, TY_ANY, EX_IDENT);
}

static Ex px_case(Px *p)
{
    Buf b;
    buf_init(&b);
    buf_puts(&b, "CASE");
    if (!tok_is_word(px_peek(p), "WHEN")) {
        Ex base = px_expr(p);
        buf_printf(&b, " %s", base.s ? base.s : "");
    }
    int whens = 0;
    while (!p->failed && px_accept_word(p, "WHEN")) {
        Ex c = px_expr(p);
        if (!px_accept_word(p, "THEN"))
            px_syntax(p);
        Ex v = px_expr(p);
        if (p->failed)
            break;
        buf_printf(&b, " WHEN %s THEN %s", c.s, v.s);
        whens++;
    }
    if (!p->failed && px_accept_word(p, "ELSE")) {
        Ex v = px_expr(p);
        buf_printf(&b, " ELSE %s", v.s ? v.s : "");
    }
    if (!p->failed && (!whens || !px_accept_word(p, "END")))
        px_syntax(p);
    buf_puts(&b, " END");
    Ex e = p->failed ? px_fail(p, "?") : ex_make(arena_strdup(p->a, b.data), PG_ATOM, TY_ANY, 0);
    buf_free(&b);
    return e;
}

/* SQLite's column affinity rules (datatype3.html, 3.1) applied to the
 * type name of a CAST.  CAST(x AS INTEGER) truncates in SQLite and rounds
 * in PostgreSQL for fractional values; accepted as a known difference. */
static const char *affinity_type(const char *t)
{
    Buf u;
    buf_init(&u);
    for (const char *c = t; *c; c++)
        buf_putc(&u, (*c >= 'a' && *c <= 'z') ? (char)(*c - 32) : *c);
    const char *r = "numeric";
    const char *s = u.data ? u.data : "";
    if (strstr(s, "INT"))
        r = "bigint";
    else if (strstr(s, "CHAR") || strstr(s, "CLOB") || strstr(s, "TEXT"))
        r = "text";
    else if (strstr(s, "BLOB") || !*s)
        r = "bytea";
    else if (strstr(s, "REAL") || strstr(s, "FLOA") || strstr(s, "DOUB"))
        r = "double precision";
    buf_free(&u);
    return r;
}

static Ex px_cast(Px *p)
{
    if (!px_expect_punct(p, "("))
        return px_fail(p, "?");
    p->nest++;
    Ex v = px_expr(p);
    p->nest--;
    if (p->failed)
        return v;
    if (!px_accept_word(p, "AS"))
        return px_syntax(p);
    Buf tn;
    buf_init(&tn);
    /* The type name: words, with an ignored (n) or (n, m). */
    while (px_peek(p)->kind == TK_WORD || px_peek(p)->kind == TK_QUOTED) {
        buf_printf(&tn, "%s%s", tn.len ? " " : "", px_next(p)->val);
    }
    if (tok_is_punct(px_peek(p), "(")) {
        size_t close = tok_match_paren(p->tl, p->i);
        if (close == (size_t)-1) {
            buf_free(&tn);
            return px_syntax(p);
        }
        p->i = close + 1;
    }
    const char *ty = affinity_type(tn.data ? tn.data : "");
    buf_free(&tn);
    if (!px_expect_punct(p, ")"))
        return px_fail(p, "?");
    int t = strcmp(ty, "text") == 0 ? TY_TEXT : strcmp(ty, "bytea") == 0 ? TY_ANY : TY_NUM;
    return ex_make(arena_printf(p->a, "CAST(%s AS %s)", v.s, ty), PG_ATOM, t, EX_CALL);
}

/* ( select ), ( expr ) or a row value ( a, b ). */
static Ex px_paren(Px *p)
{
    p->nest++;
    Ex e;
    if (tok_starts_select(px_peek(p))) {
        const char *s = px_select(p);
        e = p->failed ? px_fail(p, "?") : ex_make(arena_printf(p->a, "(%s)", s), PG_ATOM, TY_ANY, 0);
    } else {
        Ex in = px_expr(p);
        if (!p->failed && tok_is_punct(px_peek(p), ",")) {
            p->i++;
            const char *rest = px_expr_list(p);
            e = p->failed ? in : ex_make(arena_printf(p->a, "(%s, %s)", in.s, rest), PG_ATOM, TY_ANY, 0);
        } else {
            e = p->failed ? in : ex_make(arena_printf(p->a, "(%s)", in.s), PG_ATOM, in.ty, 0);
        }
    }
    p->nest--;
    if (!p->failed)
        px_expect_punct(p, ")");
    return p->failed ? px_fail(p, "?") : e;
}

static Ex px_literal(Px *p, const Tok *t)
{
    Ex e;
    switch (t->kind) {
    case TK_STRING:
        e = ex_make(pg_quote_string(p->a, t->val), PG_ATOM, TY_TEXT, EX_STRLIT);
        e.lit = t->val;
        return e;
    case TK_BLOB:
        return ex_make(arena_printf(p->a, "'\\x%s'::bytea", t->val), PG_CAST, TY_ANY, 0);
    default: /* TK_INT, TK_REAL */
        e = ex_make(t->val, PG_ATOM, TY_NUM, EX_NUMLIT);
        e.lit = t->val;
        return e;
    }
}

static Ex px_word(Px *p)
{
    const Tok *t = px_peek(p);
    if (tok_is_punct(px_peek_at(p, 1), "(") && !tok_is_word(t, "CAST") && !tok_is_word(t, "EXISTS")) {
        p->i++;
        return px_call(p, t);
    }
    if (tok_is_word(t, "NULL")) {
        p->i++;
        return ex_make("NULL", PG_ATOM, TY_ANY, EX_NULL);
    }
    if (tok_is_word(t, "TRUE") || tok_is_word(t, "FALSE")) {
        p->i++;
        return ex_make(tok_is_word(t, "TRUE") ? "true" : "false", PG_ATOM, TY_BOOL, 0);
    }
    if (tok_is_word(t, "CURRENT_TIMESTAMP") || tok_is_word(t, "CURRENT_DATE") ||
        tok_is_word(t, "CURRENT_TIME")) {
        p->i++;
        return px_current(p, t->val);
    }
    if (px_accept_word(p, "CASE"))
        return px_case(p);
    if (px_accept_word(p, "CAST"))
        return px_cast(p);
    if (px_accept_word(p, "EXISTS")) {
        if (!tok_is_punct(px_peek(p), "(") || !tok_starts_select(px_peek_at(p, 1)))
            return px_syntax(p);
        p->i++;
        Ex s = px_paren(p);
        return p->failed ? s : ex_make(arena_printf(p->a, "EXISTS %s", s.s), PG_ATOM, TY_BOOL, 0);
    }
    if (tok_is_word(t, "RAISE"))
        return px_fail(p, "uses RAISE()");
    if (is_reserved(t))
        return px_syntax(p);
    return px_column(p);
}

static Ex px_primary(Px *p)
{
    const Tok *t = px_peek(p);
    switch (t->kind) {
    case TK_STRING: case TK_BLOB: case TK_INT: case TK_REAL:
        p->i++;
        return px_literal(p, t);
    case TK_PARAM:
        return px_fail(p, "uses a parameter (%s)", t->val);
    case TK_QUOTED:
        if (tok_is_punct(px_peek_at(p, 1), "(")) {
            p->i++;
            return px_call(p, t);
        }
        return px_column(p);
    case TK_WORD:
        return px_word(p);
    case TK_PUNCT:
        if (tok_is_punct(t, "(")) {
            p->i++;
            return px_paren(p);
        }
        return px_syntax(p);
    default:
        return px_syntax(p);
    }
}

/* Unary operators bind tighter than every binary one in SQLite; NOT binds
 * looser than comparisons.  -5 stays a (signed) number literal. */
static Ex px_expr_prec(Px *p, int minprec);

static Ex px_unary(Px *p)
{
    const Tok *t = px_peek(p);
    if (tok_is_word(t, "NOT")) {
        p->i++;
        Ex e = px_expr_prec(p, L_NOT);
        if (p->failed)
            return e;
        return ex_make(arena_printf(p->a, "NOT %s", ex_wrap(p, e, PG_NOT)), PG_NOT, TY_BOOL, 0);
    }
    if (tok_is_punct(t, "-") || tok_is_punct(t, "+") || tok_is_punct(t, "~")) {
        p->i++;
        Ex e = px_unary(p);
        if (p->failed)
            return e;
        if (t->val[0] == '~')
            return ex_make(arena_printf(p->a, "(~%s)", ex_wrap(p, e, PG_UNARY)), PG_ATOM, TY_NUM, 0);
        const char *in = ex_wrap(p, e, PG_UNARY);
        if (in[0] == '-' || in[0] == '+')
            in = arena_printf(p->a, "(%s)", in);
        Ex r = ex_make(arena_printf(p->a, "%s%s", t->val, in), PG_UNARY, TY_NUM,
                       e.flags & EX_NUMLIT);
        r.lit = r.s;
        return r;
    }
    return px_primary(p);
}

/* ---------------------------------------------------------------------
 * Binary and postfix operators
 * ------------------------------------------------------------------- */

static Ex bin(Px *p, Ex l, const char *op, Ex r, int prec, int ty, int nonassoc)
{
    if (p->failed || !l.s || !r.s)
        return px_fail(p, "?");
    const char *ls = ex_wrap(p, l, nonassoc ? prec + 1 : prec);
    const char *rs = ex_wrap(p, r, prec + 1);
    return ex_make(arena_printf(p->a, "%s %s %s", ls, op, rs), prec, ty, 0);
}

/* The SQLite level of the operator at the cursor, 0 when none. */
static int op_level(const Px *p)
{
    const Tok *t = px_peek(p);
    if (t->kind == TK_PUNCT) {
        static const struct { const char *op; int lv; } ops[] = {
            {"||", L_CONCAT}, {"->", L_CONCAT}, {"->>", L_CONCAT}, {"*", L_MUL}, {"/", L_MUL},
            {"%", L_MUL}, {"+", L_ADD}, {"-", L_ADD}, {"&", L_BIT}, {"|", L_BIT}, {"<<", L_BIT},
            {">>", L_BIT}, {"<", L_CMP}, {"<=", L_CMP}, {">", L_CMP}, {">=", L_CMP},
            {"=", L_EQ}, {"==", L_EQ}, {"!=", L_EQ}, {"<>", L_EQ},
        };
        for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
            if (strcmp(t->val, ops[k].op) == 0)
                return ops[k].lv;
        return 0;
    }
    if (t->kind != TK_WORD)
        return 0;
    if (tok_is_word(t, "OR"))
        return L_OR;
    if (tok_is_word(t, "AND"))
        return L_AND;
    if (tok_is_word(t, "COLLATE"))
        return p->collate_stop == p->nest ? 0 : L_COLLATE;
    static const char *const eq[] = {"IS", "IN", "LIKE", "GLOB", "MATCH", "REGEXP", "BETWEEN",
                                     "ISNULL", "NOTNULL"};
    for (size_t k = 0; k < sizeof eq / sizeof eq[0]; k++)
        if (tok_is_word(t, eq[k]))
            return L_EQ;
    if (tok_is_word(t, "NOT")) {
        static const char *const negatable[] = {"NULL", "IN", "LIKE", "GLOB", "MATCH", "REGEXP",
                                                "BETWEEN"};
        for (size_t k = 0; k < sizeof negatable / sizeof negatable[0]; k++)
            if (tok_is_word(px_peek_at(p, 1), negatable[k]))
                return L_EQ;
    }
    return 0;
}

/* GLOB pattern -> LIKE pattern, or NULL when GLOB's [...] classes are
 * used. */
static const char *glob_to_like(Px *p, const char *g)
{
    Buf b;
    buf_init(&b);
    for (const char *c = g; *c; c++) {
        if (*c == '[' || *c == ']') {
            buf_free(&b);
            return NULL;
        }
        if (*c == '*')
            buf_putc(&b, '%');
        else if (*c == '?')
            buf_putc(&b, '_');
        else {
            if (*c == '%' || *c == '_' || *c == '\\')
                buf_putc(&b, '\\');
            buf_putc(&b, *c);
        }
    }
    const char *r = pg_quote_string(p->a, b.data ? b.data : "");
    buf_free(&b);
    return r;
}

static Ex px_like(Px *p, Ex l, int neg, const char *kw)
{
    Ex pat = px_expr_prec(p, L_CMP);
    if (p->failed)
        return pat;
    const char *esc = NULL;
    if (px_accept_word(p, "ESCAPE")) {
        Ex e = px_expr_prec(p, L_CMP);
        if (p->failed)
            return e;
        esc = ex_wrap(p, e, PG_OTHER);
    }
    const char *ls = ex_wrap(p, l, PG_LIKE + 1);
    const char *not = neg ? "NOT " : "";
    if (ascii_casecmp(kw, "GLOB") == 0) {
        const char *lp = (pat.flags & EX_STRLIT) && !esc ? glob_to_like(p, pat.lit) : NULL;
        if (!lp)
            return px_fail(p, "uses GLOB with a pattern other than a plain literal");
        return ex_make(arena_printf(p->a, "%s %sLIKE %s", ls, not, lp), PG_LIKE, TY_BOOL, 0);
    }
    if (!esc && !((pat.flags & EX_STRLIT) && !strchr(pat.lit, '\\')))
        esc = "''";
    return ex_make(arena_printf(p->a, "%s %sILIKE %s%s%s", ls, not, ex_wrap(p, pat, PG_LIKE + 1),
                                esc ? " ESCAPE " : "", esc ? esc : ""),
                   PG_LIKE, TY_BOOL, 0);
}

static Ex px_in(Px *p, Ex l, int neg)
{
    const char *ls = ex_wrap(p, l, PG_LIKE + 1);
    const char *not = neg ? "NOT " : "";
    const char *rhs;
    if (px_accept_punct(p, "(")) {
        p->nest++;
        if (tok_is_punct(px_peek(p), ")")) {
            rhs = NULL;
        } else if (tok_starts_select(px_peek(p))) {
            rhs = px_select(p);
        } else {
            rhs = px_expr_list(p);
        }
        p->nest--;
        if (p->failed || !px_expect_punct(p, ")"))
            return px_fail(p, "?");
        if (!rhs) /* x IN () */
            return ex_make(neg ? "true" : "false", PG_ATOM, TY_BOOL, 0);
    } else if (tok_is_name(px_peek(p))) {
        if (tok_is_punct(px_peek_at(p, 1), "("))
            return px_fail(p, "uses a table-valued function");
        Ex t = px_column(p);
        if (p->failed)
            return t;
        rhs = arena_printf(p->a, "TABLE %s", t.s);
    } else {
        return px_syntax(p);
    }
    return ex_make(arena_printf(p->a, "%s %sIN (%s)", ls, not, rhs), PG_LIKE, TY_BOOL, 0);
}

static Ex px_between(Px *p, Ex l, int neg)
{
    Ex lo = px_expr_prec(p, L_NOT);
    if (p->failed)
        return lo;
    if (!px_accept_word(p, "AND"))
        return px_syntax(p);
    Ex hi = px_expr_prec(p, L_CMP);
    if (p->failed)
        return hi;
    /* PostgreSQL's bounds are b_expr: no comparisons or boolean operators. */
    return ex_make(arena_printf(p->a, "%s %sBETWEEN %s AND %s", ex_wrap(p, l, PG_LIKE + 1),
                                neg ? "NOT " : "", ex_wrap(p, lo, PG_OTHER), ex_wrap(p, hi, PG_OTHER)),
                   PG_LIKE, TY_BOOL, 0);
}

static Ex px_is(Px *p, Ex l)
{
    int neg = px_accept_word(p, "NOT");
    int distinct = 0;
    if (px_accept_word(p, "DISTINCT")) {
        if (!px_accept_word(p, "FROM"))
            return px_syntax(p);
        distinct = 1;
    }
    const char *ls = ex_wrap(p, l, PG_IS + 1);
    if (!distinct && px_accept_word(p, "NULL"))
        return ex_make(arena_printf(p->a, "%s IS %sNULL", ls, neg ? "NOT " : ""), PG_IS, TY_BOOL, 0);
    if (!distinct && (tok_is_word(px_peek(p), "TRUE") || tok_is_word(px_peek(p), "FALSE")))
        return ex_make(arena_printf(p->a, "%s IS %s%s", ls, neg ? "NOT " : "",
                                    tok_is_word(px_next(p), "TRUE") ? "TRUE" : "FALSE"),
                       PG_IS, TY_BOOL, 0);
    Ex r = px_expr_prec(p, L_CMP);
    if (p->failed)
        return r;
    /* IS NOT means "distinct"; IS DISTINCT FROM too; IS NOT DISTINCT FROM
     * and plain IS mean "not distinct". */
    int is_distinct = distinct ? !neg : neg;
    return ex_make(arena_printf(p->a, "%s IS %sDISTINCT FROM %s", ls, is_distinct ? "" : "NOT ",
                                ex_wrap(p, r, PG_IS + 1)),
                   PG_IS, TY_BOOL, 0);
}

static Ex px_collate(Px *p, Ex l)
{
    const Tok *c = px_next(p);
    if (c->kind != TK_WORD && c->kind != TK_QUOTED && c->kind != TK_STRING)
        return px_syntax(p);
    if (ascii_casecmp(c->val, "BINARY") == 0)
        return l;
    return px_fail(p, "uses COLLATE %s", c->val);
}

/* The EQ-level word operators: IS, [NOT] IN / LIKE / GLOB / BETWEEN,
 * ISNULL, NOTNULL, NOT NULL. */
static Ex px_eq_word(Px *p, Ex l)
{
    int neg = px_accept_word(p, "NOT");
    const Tok *t = px_next(p);
    if (tok_is_word(t, "NULL") || tok_is_word(t, "NOTNULL") || tok_is_word(t, "ISNULL"))
        return ex_make(arena_printf(p->a, "%s IS %sNULL", ex_wrap(p, l, PG_IS + 1),
                                    tok_is_word(t, "ISNULL") ? "" : "NOT "),
                       PG_IS, TY_BOOL, 0);
    if (tok_is_word(t, "IS"))
        return px_is(p, l);
    if (tok_is_word(t, "IN"))
        return px_in(p, l, neg);
    if (tok_is_word(t, "BETWEEN"))
        return px_between(p, l, neg);
    if (tok_is_word(t, "LIKE") || tok_is_word(t, "GLOB"))
        return px_like(p, l, neg, t->val);
    return px_fail(p, "uses %s", t->val); /* MATCH, REGEXP */
}

static Ex px_binary_punct(Px *p, Ex l, int lv)
{
    const Tok *t = px_next(p);
    if (tok_is_punct(t, "->") || tok_is_punct(t, "->>"))
        return px_fail(p, "uses JSON operator %s", t->val);
    Ex r = px_expr_prec(p, lv + 1);
    if (p->failed)
        return r;
    switch (lv) {
    case L_CONCAT: return bin(p, l, "||", r, PG_OTHER, TY_TEXT, 0);
    case L_MUL: return bin(p, l, t->val, r, PG_MUL, TY_NUM, 0);
    case L_ADD: return bin(p, l, t->val, r, PG_ADD, TY_NUM, 0);
    case L_BIT: return bin(p, l, t->val, r, PG_OTHER, TY_NUM, 0);
    default: /* comparisons; PostgreSQL's do not chain */
        return bin(p, l, tok_is_punct(t, "==") ? "=" : t->val, r, PG_CMP, TY_BOOL, 1);
    }
}

static Ex px_expr_prec(Px *p, int minprec)
{
    Ex l = px_unary(p);
    while (!p->failed) {
        int lv = op_level(p);
        if (lv == 0 || lv < minprec)
            break;
        const Tok *t = px_peek(p);
        if (t->kind == TK_PUNCT) {
            l = px_binary_punct(p, l, lv);
        } else if (lv == L_OR || lv == L_AND) {
            p->i++;
            Ex r = px_expr_prec(p, lv + 1);
            l = bin(p, l, lv == L_OR ? "OR" : "AND", r, lv == L_OR ? PG_OR : PG_AND, TY_BOOL, 0);
        } else if (lv == L_COLLATE) {
            p->i++;
            l = px_collate(p, l);
        } else {
            l = px_eq_word(p, l);
        }
    }
    return p->failed ? px_fail(p, "?") : l;
}

Ex px_expr(Px *p) { return px_expr_prec(p, L_OR); }
