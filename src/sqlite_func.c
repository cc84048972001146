/* sqlite_func.c - translates SQLite function calls into PostgreSQL.
 *
 * Only functions whose PostgreSQL counterpart means the same thing for the
 * values SQLite tables hold are translated; anything else is refused with
 * "uses function NAME()" (typeof, hex, printf, random, json_*, ...).
 * Decisions and known differences:
 *  - ifnull -> coalesce; instr -> strpos; unicode -> ascii (PostgreSQL's
 *    ascii() gives the code point in UTF-8 databases); char(a, ...) ->
 *    chr(a) || ...; likely / unlikely / likelihood -> their argument.
 *  - max / min with several arguments -> greatest / least.  SQLite returns
 *    NULL when any argument is NULL, greatest/least skip NULLs: accepted.
 *  - lower / upper fold only ASCII in SQLite, all of Unicode in PostgreSQL.
 *  - substr with a negative literal start or length is refused (SQLite
 *    counts from the end, PostgreSQL does not).
 *  - round(x, n) -> round(CAST(x AS numeric), n): PostgreSQL has no
 *    two-argument round for double precision.
 *  - trim(x, chars) -> btrim(x, chars).
 *  - total(x) -> coalesce(sum(x), 0); group_concat(x[, sep]) ->
 *    string_agg(CAST(x AS text), sep or ',').
 *  - Date and time: 'now' forms become the UTC wall clock (SQLite's
 *    'now'), as text in SQLite's formats: datetime -> to_char(now() AT TIME
 *    ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), date, time likewise;
 *    strftime(fmt, 'now') -> to_char with the format translated (%Y %m %d
 *    %H %M %S %f %j %%; other directives refused); strftime('%s', 'now')
 *    and unixepoch() -> extract(epoch from now())::bigint; julianday('now')
 *    -> the Julian day computed from the epoch.  date / time / datetime of
 *    a literal ISO date are folded into the literal SQLite would produce
 *    (datetime('1997-01-01') -> '1997-01-01 00:00:00').  Modifiers and
 *    non-constant arguments are refused. */
#include "sqlite_sql_internal.h"
#include "timeparse.h"

#include <stdio.h>
#include <string.h>

typedef struct Call {
    const char *name;   /* lower case */
    Ex *args;
    int n;
    int star;           /* f(*) */
    int distinct;
    const char *filter; /* " FILTER (WHERE ...)" or "" */
    const char *over;   /* " OVER (...)" or "" */
} Call;

typedef Ex (*Xlate)(Px *p, const Call *c, const char *pgname);

enum { F_PLAIN = 0, F_AGG = 1, F_WIN = 2 };

typedef struct Fn {
    const char *name;
    int min, max;        /* argument counts; max -1 = any */
    int kind;            /* F_* */
    int ty;              /* TY_* of the result */
    Xlate x;             /* NULL: same arguments, name pgname */
    const char *pgname;  /* NULL: the same name */
} Fn;

/* ---------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------- */

static const char *args_text(Px *p, const Call *c, int from)
{
    Buf b;
    buf_init(&b);
    for (int k = from; k < c->n; k++)
        buf_printf(&b, "%s%s", k > from ? ", " : "", c->args[k].s);
    const char *r = arena_strdup(p->a, b.data ? b.data : "");
    buf_free(&b);
    return r;
}

static Ex call_same(Px *p, const Call *c, const char *pgname)
{
    const char *a = c->star ? "*" : args_text(p, c, 0);
    return ex_make(arena_printf(p->a, "%s(%s%s)%s%s", pgname, c->distinct ? "DISTINCT " : "", a,
                                c->filter, c->over),
                   PG_ATOM, TY_ANY, EX_CALL);
}

static int is_now(const Ex *e)
{
    return (e->flags & EX_STRLIT) && ascii_casecmp(e->lit, "now") == 0;
}

static int negative_literal(const Ex *e)
{
    return (e->flags & EX_NUMLIT) && e->lit && e->lit[0] == '-';
}

const char *pg_now_text(Arena *a, const char *pgfmt)
{
    return arena_printf(a, "to_char(now() AT TIME ZONE 'UTC', '%s')", pgfmt);
}

Ex px_current(Px *p, const char *kw)
{
    const char *fmt = ascii_casecmp(kw, "CURRENT_DATE") == 0   ? "YYYY-MM-DD"
                      : ascii_casecmp(kw, "CURRENT_TIME") == 0 ? "HH24:MI:SS"
                                                               : "YYYY-MM-DD HH24:MI:SS";
    return ex_make(arena_printf(p->a, "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', '%s')", fmt),
                   PG_ATOM, TY_NOWTEXT, EX_CALL);
}

/* ---------------------------------------------------------------------
 * Special translations
 * ------------------------------------------------------------------- */

static Ex fn_trim(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    Ex e = call_same(p, c, c->n == 2 ? "btrim" : "trim");
    e.ty = TY_TEXT;
    return e;
}

static Ex fn_substr(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    if (negative_literal(&c->args[1]) || (c->n == 3 && negative_literal(&c->args[2])))
        return px_fail(p, "uses %s() with a negative position or length", c->name);
    Ex e = call_same(p, c, "substr");
    e.ty = TY_TEXT;
    return e;
}

static Ex fn_round(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    const char *s = c->n == 1 ? arena_printf(p->a, "round(%s)", c->args[0].s)
                              : arena_printf(p->a, "round(CAST(%s AS numeric), %s)", c->args[0].s,
                                             c->args[1].s);
    return ex_make(s, PG_ATOM, TY_NUM, EX_CALL);
}

static Ex fn_iif(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    return ex_make(arena_printf(p->a, "CASE WHEN %s THEN %s ELSE %s END", c->args[0].s,
                                c->args[1].s, c->n == 3 ? c->args[2].s : "NULL"),
                   PG_ATOM, TY_ANY, 0);
}

static Ex fn_char(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    if (c->n == 0)
        return ex_make("''", PG_ATOM, TY_TEXT, 0);
    if (c->n == 1)
        return ex_make(arena_printf(p->a, "chr(%s)", c->args[0].s), PG_ATOM, TY_TEXT, EX_CALL);
    const char *s = arena_printf(p->a, "chr(%s)", c->args[0].s);
    for (int k = 1; k < c->n; k++)
        s = arena_printf(p->a, "%s || chr(%s)", s, c->args[k].s);
    return ex_make(arena_printf(p->a, "(%s)", s), PG_ATOM, TY_TEXT, 0);
}

static Ex fn_first(Px *p, const Call *c, const char *pgname)
{
    (void)p;
    (void)pgname;
    return c->args[0];
}

static Ex fn_minmax(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    int max = c->name[1] == 'a';
    if (c->n == 1)
        return call_same(p, c, c->name);
    if (c->distinct || c->filter[0] || c->over[0])
        return px_fail(p, "uses %s() with several arguments as an aggregate", c->name);
    Ex e = call_same(p, c, max ? "greatest" : "least");
    return e;
}

static Ex fn_total(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    return ex_make(arena_printf(p->a, "coalesce(sum(%s%s)%s%s, 0)", c->distinct ? "DISTINCT " : "",
                                c->args[0].s, c->filter, c->over),
                   PG_ATOM, TY_NUM, EX_CALL);
}

static Ex fn_group_concat(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    const char *sep = "','";
    if (c->n == 2)
        sep = (c->args[1].flags & EX_STRLIT) ? c->args[1].s
                                             : arena_printf(p->a, "CAST(%s AS text)", c->args[1].s);
    if (c->distinct && c->n == 2)
        return px_fail(p, "uses %s(DISTINCT ...) with a separator", c->name);
    return ex_make(arena_printf(p->a, "string_agg(%sCAST(%s AS text), %s)%s%s",
                                c->distinct ? "DISTINCT " : "", c->args[0].s, sep, c->filter, c->over),
                   PG_ATOM, TY_TEXT, EX_CALL);
}

/* ---------------------------------------------------------------------
 * Date and time
 * ------------------------------------------------------------------- */

/* strftime format -> to_char format (inside the SQL string, unquoted);
 * NULL when a directive has no to_char equivalent. */
static const char *strftime_to_char(Px *p, const char *f)
{
    static const struct { char d; const char *pg; } map[] = {
        {'Y', "YYYY"}, {'m', "MM"}, {'d', "DD"}, {'H', "HH24"}, {'M', "MI"},
        {'S', "SS"}, {'f', "SS.MS"}, {'j', "DDD"}, {'%', "%"},
    };
    Buf b, lit;
    buf_init(&b);
    buf_init(&lit);
    buf_puts(&b, "");
    int bad = 0;
    for (const char *c = f; *c && !bad; c++) {
        if (*c != '%') {
            /* Literal text goes in double quotes: to_char reads letters as
             * patterns. */
            if (strchr("\"\\", *c))
                buf_putc(&lit, '\\');
            buf_putc(&lit, *c);
            continue;
        }
        if (lit.len) {
            buf_printf(&b, "\"%s\"", lit.data);
            buf_reset(&lit);
        }
        size_t k = 0;
        while (k < sizeof map / sizeof map[0] && map[k].d != c[1])
            k++;
        if (k == sizeof map / sizeof map[0]) {
            px_fail(p, "uses strftime() directive %%%c", c[1] ? c[1] : ' ');
            bad = 1;
        } else {
            buf_puts(&b, map[k].pg);
            c++;
        }
    }
    if (lit.len)
        buf_printf(&b, "\"%s\"", lit.data);
    const char *r = bad ? NULL : arena_strdup(p->a, b.data);
    buf_free(&b);
    buf_free(&lit);
    return r;
}

/* date / time / datetime of a literal: the text SQLite would return. */
static Ex fold_date(Px *p, const Call *c)
{
    const char *s = c->args[0].lit;
    TimeParts tp;
    int is_time_only = 0;
    if (tp_parse_iso(s, strlen(s), &tp, 0) != TP_OK || tp.has_offset) {
        if (strcmp(c->name, "time") != 0 || tp_parse_time(s, strlen(s), &tp) != TP_OK)
            return px_fail(p, "uses %s() on '%s'", c->name, s);
        is_time_only = 1;
    }
    const char *out;
    if (strcmp(c->name, "date") == 0)
        out = arena_printf(p->a, "%04d-%02d-%02d", tp.year, tp.month, tp.day);
    else if (strcmp(c->name, "time") == 0 || is_time_only)
        out = arena_printf(p->a, "%02d:%02d:%02d", tp.hour, tp.minute, tp.second);
    else
        out = arena_printf(p->a, "%04d-%02d-%02d %02d:%02d:%02d", tp.year, tp.month, tp.day,
                           tp.hour, tp.minute, tp.second);
    Ex e = ex_make(pg_quote_string(p->a, out), PG_ATOM, TY_TEXT, EX_STRLIT);
    e.lit = out;
    return e;
}

static Ex epoch_now(Px *p)
{
    (void)p;
    return ex_make("extract(epoch from now())::bigint", PG_CAST, TY_NUM, 0);
}

static Ex fn_strftime(Px *p, const Call *c)
{
    if (!(c->args[0].flags & EX_STRLIT))
        return px_fail(p, "uses strftime() with a non-constant format");
    if (c->n > 2)
        return px_fail(p, "uses strftime() with modifiers");
    if (c->n == 2 && !is_now(&c->args[1]))
        return px_fail(p, "uses strftime() on a value other than 'now'");
    if (strcmp(c->args[0].lit, "%s") == 0)
        return epoch_now(p);
    const char *f = strftime_to_char(p, c->args[0].lit);
    if (!f)
        return px_fail(p, "?");
    return ex_make(arena_printf(p->a, "to_char(now() AT TIME ZONE 'UTC', %s)",
                                pg_quote_string(p->a, f)),
                   PG_ATOM, TY_NOWTEXT, EX_CALL);
}

static Ex fn_datetime(Px *p, const Call *c, const char *pgname)
{
    (void)pgname;
    if (strcmp(c->name, "strftime") == 0)
        return fn_strftime(p, c);
    if (c->n > 1)
        return px_fail(p, "uses %s() with modifiers", c->name);
    int folds = strcmp(c->name, "unixepoch") != 0 && strcmp(c->name, "julianday") != 0;
    if (c->n == 1 && !is_now(&c->args[0])) {
        if (!folds || !(c->args[0].flags & EX_STRLIT))
            return px_fail(p, "uses %s() on a value other than 'now'", c->name);
        return fold_date(p, c);
    }
    if (strcmp(c->name, "unixepoch") == 0)
        return epoch_now(p);
    if (strcmp(c->name, "julianday") == 0)
        return ex_make("(extract(epoch from now()) / 86400.0 + 2440587.5)", PG_ATOM, TY_NUM, 0);
    const char *fmt = strcmp(c->name, "date") == 0   ? "YYYY-MM-DD"
                      : strcmp(c->name, "time") == 0 ? "HH24:MI:SS"
                                                     : "YYYY-MM-DD HH24:MI:SS";
    return ex_make(pg_now_text(p->a, fmt), PG_ATOM, TY_NOWTEXT, EX_CALL);
}

/* ---------------------------------------------------------------------
 * The table and the call parser
 * ------------------------------------------------------------------- */

static const Fn FUNCS[] = {
    {"abs", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"coalesce", 2, -1, F_PLAIN, TY_ANY, NULL, NULL},
    {"ifnull", 2, 2, F_PLAIN, TY_ANY, NULL, "coalesce"},
    {"nullif", 2, 2, F_PLAIN, TY_ANY, NULL, NULL},
    {"lower", 1, 1, F_PLAIN, TY_TEXT, NULL, NULL},
    {"upper", 1, 1, F_PLAIN, TY_TEXT, NULL, NULL},
    {"length", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"replace", 3, 3, F_PLAIN, TY_TEXT, NULL, NULL},
    {"trim", 1, 2, F_PLAIN, TY_TEXT, fn_trim, NULL},
    {"ltrim", 1, 2, F_PLAIN, TY_TEXT, NULL, NULL},
    {"rtrim", 1, 2, F_PLAIN, TY_TEXT, NULL, NULL},
    {"substr", 2, 3, F_PLAIN, TY_TEXT, fn_substr, NULL},
    {"substring", 2, 3, F_PLAIN, TY_TEXT, fn_substr, NULL},
    {"round", 1, 2, F_PLAIN, TY_NUM, fn_round, NULL},
    {"instr", 2, 2, F_PLAIN, TY_NUM, NULL, "strpos"},
    {"iif", 2, 3, F_PLAIN, TY_ANY, fn_iif, NULL},
    {"char", 0, -1, F_PLAIN, TY_TEXT, fn_char, NULL},
    {"unicode", 1, 1, F_PLAIN, TY_NUM, NULL, "ascii"},
    {"likely", 1, 1, F_PLAIN, TY_ANY, fn_first, NULL},
    {"unlikely", 1, 1, F_PLAIN, TY_ANY, fn_first, NULL},
    {"likelihood", 2, 2, F_PLAIN, TY_ANY, fn_first, NULL},
    {"max", 1, -1, F_AGG, TY_ANY, fn_minmax, NULL},
    {"min", 1, -1, F_AGG, TY_ANY, fn_minmax, NULL},
    {"count", 0, 1, F_AGG, TY_NUM, NULL, NULL},
    {"sum", 1, 1, F_AGG, TY_NUM, NULL, NULL},
    {"avg", 1, 1, F_AGG, TY_NUM, NULL, NULL},
    {"total", 1, 1, F_AGG, TY_NUM, fn_total, NULL},
    {"group_concat", 1, 2, F_AGG, TY_TEXT, fn_group_concat, NULL},
    {"row_number", 0, 0, F_WIN, TY_NUM, NULL, NULL},
    {"rank", 0, 0, F_WIN, TY_NUM, NULL, NULL},
    {"dense_rank", 0, 0, F_WIN, TY_NUM, NULL, NULL},
    {"percent_rank", 0, 0, F_WIN, TY_NUM, NULL, NULL},
    {"cume_dist", 0, 0, F_WIN, TY_NUM, NULL, NULL},
    {"ntile", 1, 1, F_WIN, TY_NUM, NULL, NULL},
    {"lag", 1, 3, F_WIN, TY_ANY, NULL, NULL},
    {"lead", 1, 3, F_WIN, TY_ANY, NULL, NULL},
    {"first_value", 1, 1, F_WIN, TY_ANY, NULL, NULL},
    {"last_value", 1, 1, F_WIN, TY_ANY, NULL, NULL},
    {"nth_value", 2, 2, F_WIN, TY_ANY, NULL, NULL},
    {"date", 0, -1, F_PLAIN, TY_TEXT, fn_datetime, NULL},
    {"time", 0, -1, F_PLAIN, TY_TEXT, fn_datetime, NULL},
    {"datetime", 0, -1, F_PLAIN, TY_TEXT, fn_datetime, NULL},
    {"julianday", 0, -1, F_PLAIN, TY_NUM, fn_datetime, NULL},
    {"unixepoch", 0, -1, F_PLAIN, TY_NUM, fn_datetime, NULL},
    {"strftime", 1, -1, F_PLAIN, TY_TEXT, fn_datetime, NULL},
    /* Math functions (SQLITE_ENABLE_MATH_FUNCTIONS) with the same meaning. */
    {"sqrt", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"exp", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"ln", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"log", 1, 2, F_PLAIN, TY_NUM, NULL, NULL},
    {"log10", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"power", 2, 2, F_PLAIN, TY_NUM, NULL, NULL},
    {"pow", 2, 2, F_PLAIN, TY_NUM, NULL, "power"},
    {"floor", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"ceil", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"ceiling", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"sign", 1, 1, F_PLAIN, TY_NUM, NULL, NULL},
    {"pi", 0, 0, F_PLAIN, TY_NUM, NULL, NULL},
    {"mod", 2, 2, F_PLAIN, TY_NUM, NULL, NULL},
};

static const Fn *fn_find(const char *lname)
{
    for (size_t k = 0; k < sizeof FUNCS / sizeof FUNCS[0]; k++)
        if (strcmp(FUNCS[k].name, lname) == 0)
            return &FUNCS[k];
    return NULL;
}

/* OVER ( [PARTITION BY ...] [ORDER BY ...] ); frames and named windows
 * are refused. */
static const char *px_over(Px *p)
{
    if (!px_accept_punct(p, "(")) {
        px_fail(p, "uses a named window");
        return NULL;
    }
    p->nest++;
    Buf b;
    buf_init(&b);
    buf_puts(&b, " OVER (");
    if (px_accept_word(p, "PARTITION")) {
        if (!px_accept_word(p, "BY"))
            px_syntax(p);
        const char *l = p->failed ? NULL : px_expr_list(p);
        if (l)
            buf_printf(&b, "PARTITION BY %s", l);
    }
    if (!p->failed && px_accept_word(p, "ORDER")) {
        if (!px_accept_word(p, "BY"))
            px_syntax(p);
        int first = 1;
        do {
            const char *t = p->failed ? NULL : px_order_term(p, 0);
            if (t)
                buf_printf(&b, "%s%s", first ? (b.len > 7 ? " ORDER BY " : "ORDER BY ") : ", ", t);
            first = 0;
        } while (!p->failed && px_accept_punct(p, ","));
    }
    p->nest--;
    if (!p->failed && !tok_is_punct(px_peek(p), ")"))
        px_fail(p, "uses a window frame or base window");
    else if (!p->failed)
        p->i++;
    buf_putc(&b, ')');
    const char *r = p->failed ? NULL : arena_strdup(p->a, b.data);
    buf_free(&b);
    return r;
}

/* (args) [FILTER (WHERE e)] [OVER (...)] into c. */
static int px_args(Px *p, Call *c)
{
    p->i++; /* ( */
    p->nest++;
    int cap = 4;
    c->args = arena_alloc(p->a, (size_t)cap * sizeof *c->args);
    if (px_accept_punct(p, "*"))
        c->star = 1;
    else if (!tok_is_punct(px_peek(p), ")")) {
        c->distinct = px_accept_word(p, "DISTINCT");
        if (!c->distinct)
            px_accept_word(p, "ALL");
        do {
            if (c->n == cap) {
                Ex *na = arena_alloc(p->a, (size_t)cap * 2 * sizeof *na);
                memcpy(na, c->args, (size_t)cap * sizeof *na);
                c->args = na;
                cap *= 2;
            }
            c->args[c->n++] = px_expr(p);
        } while (!p->failed && px_accept_punct(p, ","));
    }
    p->nest--;
    if (!p->failed && tok_is_word(px_peek(p), "ORDER"))
        px_fail(p, "uses ORDER BY inside %s()", c->name);
    if (p->failed || !px_expect_punct(p, ")"))
        return -1;
    c->filter = "";
    c->over = "";
    if (px_accept_word(p, "FILTER")) {
        if (!px_expect_punct(p, "(") || !px_accept_word(p, "WHERE"))
            return px_syntax(p), -1;
        Ex w = px_expr(p);
        if (p->failed || !px_expect_punct(p, ")"))
            return -1;
        c->filter = arena_printf(p->a, " FILTER (WHERE %s)", w.s);
    }
    if (px_accept_word(p, "OVER")) {
        c->over = px_over(p);
        if (!c->over)
            return -1;
    }
    return 0;
}

static int check_call(Px *p, const Fn *f, const Call *c)
{
    if (c->n < f->min || (f->max >= 0 && c->n > f->max) || (c->star && strcmp(f->name, "count") != 0)) {
        px_fail(p, "uses %s() with a wrong number of arguments", c->name);
        return -1;
    }
    if (f->kind == F_PLAIN && (c->distinct || c->filter[0] || c->over[0])) {
        px_fail(p, "uses %s() as an aggregate", c->name);
        return -1;
    }
    if (f->kind == F_WIN && !c->over[0]) {
        px_fail(p, "uses %s() without OVER", c->name);
        return -1;
    }
    return 0;
}

Ex px_call(Px *p, const Tok *name)
{
    Call c = {0};
    char *lname = arena_strdup(p->a, name->val);
    for (char *s = lname; *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s + 32);
    c.name = lname;
    const Fn *f = fn_find(lname);
    if (!f)
        return px_fail(p, "uses function %s()", name->val);
    if (px_args(p, &c) != 0 || check_call(p, f, &c) != 0)
        return px_fail(p, "?");
    Ex e = f->x ? f->x(p, &c, f->pgname ? f->pgname : f->name)
                : call_same(p, &c, f->pgname ? f->pgname : f->name);
    if (!p->failed && e.ty == TY_ANY)
        e.ty = f->ty;
    return p->failed ? px_fail(p, "?") : e;
}
