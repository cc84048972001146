/* sqlite_ddl.c - reads the CHECK constraints and generated columns out of a
 * CREATE TABLE statement as SQLite keeps it (sqlx_table_checks,
 * sqlx_generated_columns).
 *
 * The statement is tokenized, so parentheses, commas and keywords inside
 * strings, quoted names and comments do not count; the body is split into
 * its elements at top-level commas.  An element is a table constraint when
 * it starts with one of the unquoted words CONSTRAINT, PRIMARY, UNIQUE,
 * CHECK or FOREIGN, otherwise a column definition whose first token is the
 * name.  The expressions are returned as the SQLite text between the
 * parentheses, for sqlx_expr.  A CONSTRAINT name belongs to the constraint
 * right after it only.  CREATE TABLE ... AS SELECT has neither. */
#include "sqlite_sql_internal.h"

#include <stdlib.h>
#include <string.h>

/* The '(' of the column list after CREATE [TEMP] TABLE [IF NOT EXISTS]
 * [schema.]name; 0 when the table is made AS SELECT; -1 on a syntax
 * error. */
static int table_body(const TokList *l, size_t *open, size_t *close)
{
    size_t i = 0;
    const Tok *t = l->t;
    if (!tok_is_word(&t[i++], "CREATE"))
        return -1;
    if (tok_is_word(&t[i], "TEMP") || tok_is_word(&t[i], "TEMPORARY"))
        i++;
    if (!tok_is_word(&t[i++], "TABLE"))
        return -1;
    if (tok_is_word(&t[i], "IF")) {
        if (!tok_is_word(&t[i + 1], "NOT") || !tok_is_word(&t[i + 2], "EXISTS"))
            return -1;
        i += 3;
    }
    if (t[i].kind != TK_WORD && t[i].kind != TK_QUOTED && t[i].kind != TK_STRING)
        return -1;
    i++;
    if (tok_is_punct(&t[i], ".")) {
        if (t[i + 1].kind != TK_WORD && t[i + 1].kind != TK_QUOTED)
            return -1;
        i += 2;
    }
    if (tok_is_word(&t[i], "AS"))
        return 0;
    if (!tok_is_punct(&t[i], "("))
        return -1;
    *open = i;
    *close = tok_match_paren(l, i);
    return *close == (size_t)-1 ? -1 : 1;
}

/* The SQLite text inside the parentheses at tokens open..close, trimmed. */
static char *inner_text(const TokList *l, size_t open, size_t close)
{
    const char *s = l->src + l->t[open].pos + 1;
    const char *e = l->src + l->t[close].pos;
    while (s < e && strchr(" \t\r\n\f\v", *s))
        s++;
    while (e > s && strchr(" \t\r\n\f\v", e[-1]))
        e--;
    return xstrndup(s, (size_t)(e - s));
}

typedef struct Found {
    SqlCheck *checks;
    size_t nchecks;
    SqlGenerated *gens;
    size_t ngens;
} Found;

static void add_check(Found *f, const char *name, const char *column, char *expr)
{
    f->checks = xrealloc(f->checks, (f->nchecks + 1) * sizeof *f->checks);
    SqlCheck *c = &f->checks[f->nchecks++];
    c->name = name ? xstrdup(name) : NULL;
    c->column = column ? xstrdup(column) : NULL;
    c->expr = expr;
}

static void add_generated(Found *f, const char *column, char *expr, int stored)
{
    f->gens = xrealloc(f->gens, (f->ngens + 1) * sizeof *f->gens);
    SqlGenerated *g = &f->gens[f->ngens++];
    g->column = xstrdup(column);
    g->expr = expr;
    g->stored = stored;
}

static int is_constraint_word(const Tok *t)
{
    static const char *const w[] = {"PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT",
                                    "COLLATE", "REFERENCES", "GENERATED", "AS"};
    for (size_t k = 0; k < sizeof w / sizeof w[0]; k++)
        if (tok_is_word(t, w[k]))
            return 1;
    return 0;
}

/* One element, tokens [s, e).  column is NULL for a table constraint. */
static int scan_element(const TokList *l, size_t s, size_t e, const char *column, Found *f)
{
    const char *pending = NULL; /* CONSTRAINT name for the next constraint */
    for (size_t i = column ? s + 1 : s; i < e; i++) {
        const Tok *t = &l->t[i];
        if (tok_is_word(t, "CONSTRAINT")) {
            if (i + 1 >= e)
                return -1;
            pending = l->t[++i].val;
            continue;
        }
        int at_paren = i + 1 < e && tok_is_punct(&l->t[i + 1], "(");
        if (tok_is_word(t, "CHECK") && at_paren) {
            size_t close = tok_match_paren(l, i + 1);
            if (close == (size_t)-1 || close >= e)
                return -1;
            add_check(f, pending, column, inner_text(l, i + 1, close));
            pending = NULL;
            i = close;
        } else if (column && tok_is_word(t, "AS") && at_paren) {
            size_t close = tok_match_paren(l, i + 1);
            if (close == (size_t)-1 || close >= e)
                return -1;
            int stored = close + 1 < e && tok_is_word(&l->t[close + 1], "STORED");
            add_generated(f, column, inner_text(l, i + 1, close), stored);
            pending = NULL;
            i = close;
        } else if (tok_is_punct(t, "(")) {
            size_t close = tok_match_paren(l, i);
            if (close == (size_t)-1 || close >= e)
                return -1;
            i = close;
        } else if (is_constraint_word(t) && !tok_is_word(t, "GENERATED")) {
            pending = NULL;
        }
    }
    return 0;
}

static int table_element(const TokList *l, size_t s, size_t e, Found *f)
{
    if (s >= e)
        return -1;
    const Tok *t = &l->t[s];
    static const char *const tc[] = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"};
    for (size_t k = 0; k < sizeof tc / sizeof tc[0]; k++)
        if (tok_is_word(t, tc[k]))
            return scan_element(l, s, e, NULL, f);
    if (t->kind != TK_WORD && t->kind != TK_QUOTED && t->kind != TK_STRING)
        return -1;
    return scan_element(l, s, e, t->val, f);
}

static int scan_table(const char *create_sql, Found *f)
{
    memset(f, 0, sizeof *f);
    Arena *a = arena_new();
    TokList l;
    char why[256];
    int rc = -1;
    size_t open = 0, close = 0;
    if (sqlx_lex(create_sql ? create_sql : "", a, &l, why, sizeof why) == 0)
        rc = table_body(&l, &open, &close);
    if (rc == 1) {
        size_t s = open + 1;
        int depth = 0;
        for (size_t i = open + 1; i <= close && rc == 1; i++) {
            const Tok *t = &l.t[i];
            if (tok_is_punct(t, "("))
                depth++;
            else if (tok_is_punct(t, ")") && i < close)
                depth--;
            else if ((tok_is_punct(t, ",") && depth == 0) || i == close) {
                if (table_element(&l, s, i, f) != 0)
                    rc = -1;
                s = i + 1;
            }
        }
    }
    arena_free(a);
    return rc < 0 ? -1 : 0;
}

void sqlx_checks_free(SqlCheck *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(c[i].name);
        free(c[i].column);
        free(c[i].expr);
    }
    free(c);
}

void sqlx_generated_free(SqlGenerated *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].column);
        free(g[i].expr);
    }
    free(g);
}

int sqlx_table_checks(const char *create_sql, SqlCheck **out, size_t *n)
{
    Found f;
    int rc = scan_table(create_sql, &f);
    sqlx_generated_free(f.gens, f.ngens);
    if (rc != 0) {
        sqlx_checks_free(f.checks, f.nchecks);
        f.checks = NULL;
        f.nchecks = 0;
    }
    *out = f.checks;
    *n = f.nchecks;
    return rc;
}

int sqlx_generated_columns(const char *create_sql, SqlGenerated **out, size_t *n)
{
    Found f;
    int rc = scan_table(create_sql, &f);
    sqlx_checks_free(f.checks, f.nchecks);
    if (rc != 0) {
        sqlx_generated_free(f.gens, f.ngens);
        f.gens = NULL;
        f.ngens = 0;
    }
    *out = f.gens;
    *n = f.ngens;
    return rc;
}
