/* sqlite_default.c - sqlx_default: a column default as PRAGMA table_info
 * gives it, translated for the PostgreSQL type chosen for the column.
 *
 * A default that does not fit the column would make PostgreSQL refuse the
 * whole CREATE TABLE, so literals are checked against the type here (with
 * pgmap's own casts, pgtype_cast) and refused with "default 'abc' does not
 * fit integer" rather than passed on.  Decisions:
 *  - NULL (also in parentheses) is no default: sql NULL, success.
 *  - Numbers and numeric strings on number columns become numbers (checked
 *    and written by pgtype_cast: range, integral value).  On text columns
 *    numbers become strings as written; TRUE / FALSE become 1 / 0 ('1' /
 *    '0' on text), true / false on boolean columns.
 *  - Boolean columns take 0 / 1, TRUE / FALSE and the strings pgmap's bool
 *    cast takes (t, f, true, false, yes, no, on, off, y, n, 1, 0); nothing
 *    else (no expressions).
 *  - A bare word or "word" alone is a string, as SQLite stores it.
 *  - The current time (CURRENT_TIMESTAMP / _DATE / _TIME, date() / time() /
 *    datetime() of 'now', and the string 'CURRENT_TIMESTAMP' that MySQL
 *    dumps leave) follows the column: SQLite stores the UTC wall clock, so
 *    timestamp columns get CURRENT_TIMESTAMP AT TIME ZONE 'UTC', date and
 *    time columns its date or time, timestamptz CURRENT_TIMESTAMP, text
 *    columns SQLite's text; other columns refuse.  The string
 *    'CURRENT_TIMESTAMP' stays a string on text columns.
 *  - Date, time, uuid and json strings are checked and written in their
 *    canonical form (a timestamptz without offset is UTC, as pgmap loads).
 *  - X'..' only on bytea; strings on bytea only without backslashes.
 *  - Other expressions go through the expression translator and must not
 *    refer to columns; their result must plausibly fit the column: text
 *    results are refused on number columns, to_char(now...) results are
 *    cast on date/time columns, other expressions refused there. */
#include "sqlite_sql_internal.h"
#include "pgtype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LV_NONE, LV_NULL, LV_BOOL, LV_NUM, LV_STR, LV_BLOB, LV_NOW };

typedef struct Lit {
    int kind;
    const char *text; /* number text, string value, blob hex */
    char now;         /* LV_NOW: 'T' timestamp, 'D' date, 't' time */
} Lit;

static const char *kind_name(PgTypeKind k)
{
    switch (k) {
    case PT_TEXT: return "text";
    case PT_VARCHAR: return "varchar";
    case PT_CHAR: return "char";
    case PT_INT2: return "smallint";
    case PT_INT4: return "integer";
    case PT_INT8: return "bigint";
    case PT_NUMERIC: return "numeric";
    case PT_FLOAT4: return "real";
    case PT_FLOAT8: return "double precision";
    case PT_BOOL: return "boolean";
    case PT_UUID: return "uuid";
    case PT_DATE: return "date";
    case PT_TIMESTAMP: return "timestamp";
    case PT_TIMESTAMPTZ: return "timestamptz";
    case PT_TIME: return "time";
    case PT_JSON: return "json";
    case PT_JSONB: return "jsonb";
    case PT_BYTEA: return "bytea";
    default: return "the column type";
    }
}

static int is_number_kind(PgTypeKind k)
{
    return k == PT_INT2 || k == PT_INT4 || k == PT_INT8 || k == PT_NUMERIC || k == PT_FLOAT4 ||
           k == PT_FLOAT8;
}

static int is_text_kind(PgTypeKind k) { return k == PT_TEXT || k == PT_VARCHAR || k == PT_CHAR; }

static int is_time_kind(PgTypeKind k)
{
    return k == PT_DATE || k == PT_TIMESTAMP || k == PT_TIMESTAMPTZ || k == PT_TIME;
}

static char now_kind(const Tok *t)
{
    if (tok_is_word(t, "CURRENT_TIMESTAMP") || tok_is_word(t, "datetime"))
        return 'T';
    if (tok_is_word(t, "CURRENT_DATE") || tok_is_word(t, "date"))
        return 'D';
    if (tok_is_word(t, "CURRENT_TIME") || tok_is_word(t, "time"))
        return 't';
    return 0;
}

/* Classifies tokens [s, e) when they are one literal or a 'now' form. */
static Lit classify(const TokList *tl, size_t s, size_t e, Arena *a)
{
    Lit l = {LV_NONE, NULL, 0};
    const Tok *t = &tl->t[s];
    size_t n = e - s;
    if (n == 1) {
        switch (t->kind) {
        case TK_INT: case TK_REAL: l.kind = LV_NUM; l.text = t->val; return l;
        case TK_STRING: case TK_QUOTED: l.kind = LV_STR; l.text = t->val; return l;
        case TK_BLOB: l.kind = LV_BLOB; l.text = t->val; return l;
        case TK_WORD: break;
        default: return l;
        }
        if (tok_is_word(t, "NULL")) {
            l.kind = LV_NULL;
        } else if (tok_is_word(t, "TRUE") || tok_is_word(t, "FALSE")) {
            l.kind = LV_BOOL;
            l.text = tok_is_word(t, "TRUE") ? "1" : "0";
        } else if (ascii_ncasecmp(t->val, "CURRENT_", 8) == 0 && now_kind(t)) {
            l.kind = LV_NOW;
            l.now = now_kind(t);
        } else if (tok_is_name(t)) {
            l.kind = LV_STR; /* DEFAULT word: SQLite stores the word */
            l.text = t->val;
        }
    } else if (n == 2 && (tok_is_punct(t, "-") || tok_is_punct(t, "+")) &&
               (t[1].kind == TK_INT || t[1].kind == TK_REAL)) {
        l.kind = LV_NUM;
        l.text = t->val[0] == '-' ? arena_printf(a, "-%s", t[1].val) : t[1].val;
    } else if (t->kind == TK_WORD && ascii_ncasecmp(t->val, "CURRENT_", 8) != 0 && now_kind(t) &&
               tok_is_punct(&t[1], "(") && tok_is_punct(&t[n - 1], ")") &&
               (n == 3 || (n == 4 && t[2].kind == TK_STRING && ascii_casecmp(t[2].val, "now") == 0))) {
        l.kind = LV_NOW;
        l.now = now_kind(t);
    }
    return l;
}

static int refuse(SqlXlate *out, const char *what, PgTypeKind kind)
{
    snprintf(out->why, sizeof out->why, "default %s does not fit %s", what, kind_name(kind));
    return -1;
}

static int give(SqlXlate *out, const char *sql)
{
    out->sql = xstrdup(sql);
    return 0;
}

/* The current time for a column of kind (see the comment at the top). */
static int dflt_now(char which, PgTypeKind kind, SqlXlate *out, Arena *a, const char *what)
{
    const char *utc = "(CURRENT_TIMESTAMP AT TIME ZONE 'UTC')";
    if (is_text_kind(kind))
        return give(out, arena_printf(a, "to_char(CURRENT_TIMESTAMP AT TIME ZONE 'UTC', '%s')",
                                      which == 'T'   ? "YYYY-MM-DD HH24:MI:SS"
                                      : which == 'D' ? "YYYY-MM-DD"
                                                     : "HH24:MI:SS"));
    /* A timestamp fits every date/time column; a date no time column, a
     * time only a time column. */
    if (!is_time_kind(kind) || (which == 't' && kind != PT_TIME) || (which == 'D' && kind == PT_TIME))
        return refuse(out, what, kind);
    switch (kind) {
    case PT_TIME: return give(out, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::time(0))");
    case PT_DATE: return give(out, "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date)");
    case PT_TIMESTAMP:
        return give(out, which == 'T' ? utc : "((CURRENT_TIMESTAMP AT TIME ZONE 'UTC')::date::timestamp)");
    default: /* PT_TIMESTAMPTZ */
        return give(out, which == 'T' ? "CURRENT_TIMESTAMP"
                                      : "(date_trunc('day', CURRENT_TIMESTAMP AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')");
    }
}

/* Checks text against kind with pgmap's cast and writes its canonical
 * form; numbers unquoted. */
static int dflt_cast(const char *text, int numeric, PgTypeKind kind, SqlXlate *out, Arena *a,
                     const char *shown)
{
    PgType t;
    memset(&t, 0, sizeof t);
    t.kind = kind;
    t.length = t.precision = t.scale = -1;
    snprintf(t.name, sizeof t.name, "%s", kind_name(kind));
    Value v = value_text(text, strlen(text));
    /* 1.0 is an integer to SQLite's INTEGER affinity; pgmap's cast takes
     * integral reals, not "1.0" text. */
    if (numeric && (kind == PT_INT2 || kind == PT_INT4 || kind == PT_INT8) && strpbrk(text, ".eE"))
        v = value_real(strtod(text, NULL));
    Buf b;
    buf_init(&b);
    char msg[256];
    int rc;
    if (pgtype_cast(&t, &v, &b, msg, sizeof msg) != 0) {
        rc = refuse(out, shown, kind);
    } else {
        const char *s = b.data ? b.data : "";
        int bare = is_number_kind(kind) && strspn(s, "0123456789+-.eE") == strlen(s);
        rc = give(out, bare ? s : pg_quote_string(a, s));
    }
    buf_free(&b);
    return rc;
}

static int dflt_bool(const Lit *l, SqlXlate *out, const char *shown)
{
    static const char *const yes[] = {"t", "true", "yes", "on", "y", "1"};
    static const char *const no[] = {"f", "false", "no", "off", "n", "0"};
    if (l->kind == LV_BOOL || (l->kind == LV_NUM && (!strcmp(l->text, "0") || !strcmp(l->text, "1"))))
        return give(out, l->text[0] == '1' ? "true" : "false");
    for (size_t k = 0; l->kind == LV_STR && k < sizeof yes / sizeof yes[0]; k++) {
        if (ascii_casecmp(l->text, yes[k]) == 0)
            return give(out, "true");
        if (ascii_casecmp(l->text, no[k]) == 0)
            return give(out, "false");
    }
    return refuse(out, shown, PT_BOOL);
}

static int dflt_literal(const Lit *l, PgTypeKind kind, SqlXlate *out, Arena *a, const char *shown)
{
    if (l->kind == LV_NULL)
        return 0;
    if (kind == PT_BOOL)
        return dflt_bool(l, out, shown);
    if (l->kind == LV_NOW)
        return dflt_now(l->now, kind, out, a, shown);
    if (l->kind == LV_STR && is_time_kind(kind) && ascii_casecmp(l->text, "CURRENT_TIMESTAMP") == 0)
        return dflt_now('T', kind, out, a, shown);
    if (l->kind == LV_BLOB)
        return kind == PT_BYTEA ? give(out, arena_printf(a, "'\\x%s'::bytea", l->text))
                                : refuse(out, shown, kind);
    if (is_text_kind(kind) || kind == PT_OTHER)
        return give(out, kind == PT_OTHER && l->kind != LV_STR ? l->text : pg_quote_string(a, l->text));
    if (kind == PT_BYTEA)
        return l->kind == LV_STR && !strchr(l->text, '\\') ? give(out, pg_quote_string(a, l->text))
                                                           : refuse(out, shown, kind);
    if (l->kind == LV_BOOL && !is_number_kind(kind))
        return refuse(out, shown, kind);
    if (l->kind == LV_NUM && l->text[0] == '(') /* negative hex literal */
        return is_number_kind(kind) ? give(out, l->text) : refuse(out, shown, kind);
    if (l->kind == LV_NUM && is_time_kind(kind))
        return refuse(out, shown, kind);
    return dflt_cast(l->text, l->kind == LV_NUM, kind, out, a, shown);
}

/* A default that is an expression: translated, then checked against the
 * column as far as its coarse type allows. */
static int dflt_expr(const TokList *tl, PgTypeKind kind, const SqlNames *n, SqlXlate *out, Arena *a,
                     const char *shown)
{
    Px p;
    px_init(&p, tl, a, n);
    p.in_default = 1;
    p.dq_strings = 1;
    Ex e = px_expr(&p);
    if (!p.failed && px_peek(&p)->kind != TK_EOF)
        px_syntax(&p);
    if (p.failed) {
        snprintf(out->why, sizeof out->why, "default %.80s: %.150s", shown, p.why);
        return -1;
    }
    /* No assignment cast from text or numbers to these. */
    if (kind == PT_BOOL || kind == PT_BYTEA || kind == PT_UUID || kind == PT_JSON || kind == PT_JSONB)
        return refuse(out, shown, kind);
    if (is_number_kind(kind) && (e.ty == TY_TEXT || e.ty == TY_NOWTEXT || e.ty == TY_BOOL))
        return refuse(out, shown, kind);
    if (is_time_kind(kind)) {
        if (e.ty != TY_NOWTEXT)
            return refuse(out, shown, kind);
        const char *ty = kind == PT_DATE ? "date" : kind == PT_TIME ? "time" : "timestamp";
        const char *s = arena_printf(a, "CAST(%s AS %s)", e.s, ty);
        if (kind == PT_TIMESTAMPTZ)
            s = arena_printf(a, "(%s AT TIME ZONE 'UTC')", s);
        return give(out, s);
    }
    return give(out, e.s);
}

int sqlx_default(const char *dflt, PgTypeKind kind, const SqlNames *n, SqlXlate *out)
{
    out->sql = NULL;
    out->why[0] = '\0';
    if (!dflt)
        return 0;
    Arena *a = arena_new();
    TokList tl;
    int rc = -1;
    if (sqlx_lex(dflt, a, &tl, out->why, sizeof out->why) == 0) {
        /* Outer parentheses say nothing: (0), ('x'), (datetime('now')). */
        size_t s = 0, e = tl.n - 1;
        while (e - s >= 2 && tok_is_punct(&tl.t[s], "(") && tok_match_paren(&tl, s) == e - 1) {
            s++;
            e--;
        }
        char shown[96];
        snprintf(shown, sizeof shown, strlen(dflt) > 80 ? "%.77s..." : "%s", dflt);
        Lit l = e > s ? classify(&tl, s, e, a) : (Lit){LV_NONE, NULL, 0};
        if (e == s)
            snprintf(out->why, sizeof out->why, "default is empty");
        else if (l.kind != LV_NONE)
            rc = dflt_literal(&l, kind, out, a, shown);
        else
            rc = dflt_expr(&tl, kind, n, out, a, shown);
    }
    arena_free(a);
    return rc;
}
