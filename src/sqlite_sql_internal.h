/* sqlite_sql_internal.h - shared by the files behind sqlite_sql.h: the
 * token list of the tokenizer (sqlite_lex.c) and the translator state that
 * the expression (sqlite_expr.c), function (sqlite_func.c) and SELECT
 * (sqlite_select.c) translators pass around.
 *
 * Translation writes PostgreSQL text directly while parsing (no tree): each
 * translated sub-expression is a string in an arena together with the
 * PostgreSQL precedence of its outermost operator, so a parent adds
 * parentheses exactly where PostgreSQL would group differently from SQLite.
 * Everything lives in one arena per translation, so a refusal in the middle
 * of a parse needs no clean-up. */
#ifndef PGMAP_SQLITE_SQL_INTERNAL_H
#define PGMAP_SQLITE_SQL_INTERNAL_H

#include <stddef.h>
#include "sqlite_sql.h"
#include "util.h"

typedef enum TokKind {
    TK_EOF = 0,
    TK_WORD,     /* unquoted identifier or keyword */
    TK_QUOTED,   /* "x", [x] or `x`; val is the name without quotes */
    TK_STRING,   /* 'x'; val is the content with '' undone */
    TK_BLOB,     /* X'ab'; val is the hex digits in lower case */
    TK_INT,      /* decimal integer; hex literals are converted to decimal */
    TK_REAL,
    TK_PUNCT,    /* operators and punctuation; val is the operator text */
    TK_PARAM     /* ?, ?1, :x, @x, $x */
} TokKind;

typedef struct Tok {
    TokKind kind;
    char quote;   /* TK_QUOTED: the opening quote character */
    size_t pos;   /* byte offset in the source, for messages */
    size_t len;   /* bytes in the source */
    char *val;
} Tok;

typedef struct TokList {
    Tok *t;       /* n tokens, the last one TK_EOF */
    size_t n;
    const char *src;
} TokList;

/* Tokenizes src into out (allocations in a).  Returns 0, or -1 with a
 * reason ("unterminated string at offset 7") in why. */
int sqlx_lex(const char *src, Arena *a, TokList *out, char *why, size_t whylen);

/* Token helpers. */
int tok_is_word(const Tok *t, const char *kw);   /* unquoted, case-insensitive */
int tok_is_punct(const Tok *t, const char *op);
/* A name in operand position: quoted, or a word that is no reserved word. */
int tok_is_name(const Tok *t);
/* Index of the ')' matching the '(' at i, or (size_t)-1. */
size_t tok_match_paren(const TokList *l, size_t i);

/* PostgreSQL operator precedence, lowest first (PostgreSQL manual, "Operator
 * Precedence"), used to decide where output needs parentheses. */
enum {
    PG_OR = 1, PG_AND, PG_NOT, PG_IS, PG_CMP, PG_LIKE, PG_OTHER, PG_ADD,
    PG_MUL, PG_EXP, PG_AT, PG_COLLATE, PG_UNARY, PG_CAST, PG_ATOM
};

/* Coarse result types, enough to check a default against its column. */
enum { TY_ANY = 0, TY_TEXT, TY_NUM, TY_BOOL, TY_NOWTEXT /* to_char of now() */ };

/* Flags of a translated expression. */
enum {
    EX_IDENT = 1,    /* a plain (possibly qualified) column name */
    EX_CALL = 2,     /* name(...) or CAST(...): an index element as is */
    EX_STRLIT = 4,   /* a string literal; lit holds its value */
    EX_NUMLIT = 8,   /* a number, possibly signed; lit holds its text */
    EX_NULL = 16
};

typedef struct Ex {
    const char *s;    /* PostgreSQL text, NULL after a refusal */
    int prec;         /* PG_* of the outermost operator */
    int ty;           /* TY_* */
    int flags;        /* EX_* */
    const char *lit;  /* EX_STRLIT / EX_NUMLIT value */
} Ex;

typedef struct Px {
    const TokList *tl;
    size_t i;
    Arena *a;
    const SqlNames *names;
    int failed;
    char why[256];
    int nest;           /* parentheses and argument lists entered */
    int collate_stop;   /* nest level where COLLATE ends an element, or -1 */
    int dq_strings;     /* unknown "x" is a string, as SQLite does in tables */
    int in_default;     /* column references are refused */
    int subq_alias;     /* counter for aliases of FROM subqueries */
} Px;

/* Cursor and output helpers (sqlite_px.c). */
void px_init(Px *p, const TokList *tl, Arena *a, const SqlNames *n);
/* Records the first refusal; later ones are dropped.  Returns a failed Ex. */
Ex px_fail(Px *p, const char *fmt, ...) PGM_PRINTF(2, 3);
Ex px_syntax(Px *p);   /* "syntax error near 'x' at offset N" */
const Tok *px_peek(const Px *p);
const Tok *px_peek_at(const Px *p, size_t ahead);
const Tok *px_next(Px *p);
int px_accept_word(Px *p, const char *kw);
int px_accept_punct(Px *p, const char *op);
int px_expect_punct(Px *p, const char *op);

Ex ex_make(const char *s, int prec, int ty, int flags);
/* e's text, in parentheses when its precedence is below min. */
const char *ex_wrap(Px *p, Ex e, int min);
/* A double-quoted identifier: the rename callback's answer or name. */
const char *px_ident(Px *p, const char *name);
/* A string literal in PostgreSQL syntax. */
const char *pg_quote_string(Arena *a, const char *s);

/* A whole expression at the cursor (sqlite_expr.c). */
Ex px_expr(Px *p);
/* An ORDER BY term or, with index = 1, an index element: expr [COLLATE x]
 * [ASC|DESC] [NULLS FIRST|LAST] (sqlite_px.c).  ORDER BY terms get SQLite's
 * NULL order made explicit; index elements that are no plain column or
 * call are put in parentheses. */
const char *px_order_term(Px *p, int index);
/* Comma-separated expressions, for GROUP BY, PARTITION BY and row values
 * (sqlite_px.c). */
const char *px_expr_list(Px *p);

/* Functions (sqlite_func.c): name has been consumed, the '(' is next. */
Ex px_call(Px *p, const Tok *name);
/* CURRENT_TIMESTAMP / CURRENT_DATE / CURRENT_TIME in text form. */
Ex px_current(Px *p, const char *kw);
/* "YYYY-MM-DD HH24:MI:SS" etc.: to_char of the UTC wall clock. */
const char *pg_now_text(Arena *a, const char *pgfmt);

/* SELECT statements (sqlite_select.c): a whole select, compound included. */
const char *px_select(Px *p);
/* True when the token starts a select (SELECT, VALUES, WITH). */
int tok_starts_select(const Tok *t);

#endif
