/* verify_ddl_internal.h - shared by the two parts of the DDL recognizer of
 * `pgmap verify` (verify_ddl.h): its tokenizer (verify_ddl_lex.c) and the
 * recognizer of statements built on the tokens (verify_ddl.c).  Not for
 * other modules: verify_ddl.h is the interface. */
#ifndef PGMAP_VERIFY_DDL_INTERNAL_H
#define PGMAP_VERIFY_DDL_INTERNAL_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "verify_ddl.h"

typedef enum TokKind { T_END, T_WORD, T_QID, T_STR, T_NUM, T_OP } TokKind;

typedef struct Tok {
    TokKind kind;
    char *text;   /* WORD folded to lower case, QID unescaped, others as written */
} Tok;

typedef struct Toks {
    Tok *v;
    size_t n;
} Toks;

/* The statement's tokens into t, ending with a T_END token; never fails. */
void vd_tokenize(const char *s, Toks *t);
void vd_toks_free(Toks *t);

/* Grows an array of n elements to take one more: capacity is the next
 * power of two, so only sizes 0, 1, 2, 4, ... reallocate. */
void *vd_grow(void *v, size_t n, size_t size);

/* ---- the token cursor, shared by the recognizer's files ---- */

typedef struct P {
    const Tok *t;
    size_t n, i;       /* t[n - 1] is T_END, and i never passes it */
    VdDdl *d;
    int line;
} P;

static inline const Tok *at(const P *p, size_t k)
{
    return &p->t[p->i + k < p->n ? p->i + k : p->n - 1];
}

static inline void next(P *p)
{
    if (p->i + 1 < p->n)
        p->i++;
}

static inline int kw_at(const P *p, size_t k, const char *w)
{
    const Tok *t = at(p, k);
    return t->kind == T_WORD && strcmp(t->text, w) == 0;
}

static inline int kw(const P *p, const char *w)
{
    return kw_at(p, 0, w);
}

static inline int accept(P *p, const char *w)
{
    if (!kw(p, w))
        return 0;
    next(p);
    return 1;
}

static inline int op_at(const P *p, size_t k, const char *o)
{
    const Tok *t = at(p, k);
    return t->kind == T_OP && strcmp(t->text, o) == 0;
}

static inline int accept_op(P *p, const char *o)
{
    if (!op_at(p, 0, o))
        return 0;
    next(p);
    return 1;
}

static inline int is_ident(const Tok *t)
{
    return t->kind == T_WORD || t->kind == T_QID;
}

static inline char *take_ident(P *p)
{
    if (!is_ident(at(p, 0)))
        return NULL;
    char *s = xstrdup(at(p, 0)->text);
    next(p);
    return s;
}

static inline void accept_if_not_exists(P *p)
{
    if (kw(p, "if") && kw_at(p, 1, "not") && kw_at(p, 2, "exists"))
        p->i += 3;
}

static inline int at_end(const P *p)
{
    return at(p, 0)->kind == T_END;
}

/* Skips one token, or a whole (...) or [...] group. */
static inline void skip_token(P *p)
{
    int depth = 0;
    do {
        if (op_at(p, 0, "(") || op_at(p, 0, "["))
            depth++;
        else if (op_at(p, 0, ")") || op_at(p, 0, "]"))
            depth--;
        next(p);
    } while (depth > 0 && !at_end(p));
}

/* Skips to the ',' or ')' that ends the current element (not consumed). */
static inline void skip_element(P *p)
{
    while (!at_end(p) && !op_at(p, 0, ",") && !op_at(p, 0, ")"))
        skip_token(p);
}

/* Is the word w found at depth 0 before the end, from the current token on? */
static inline int word_follows(const P *p, const char *w)
{
    P q = *p;
    while (!at_end(&q) && !kw(&q, w))
        skip_token(&q);
    return !at_end(&q);
}

#endif
