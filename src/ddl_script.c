/* ddl_script.c - splits a DDL file into statements and into its before-
 * and after-load parts (see ddl_script.h).  A small hand-written scanner:
 * it only needs to know where strings, identifiers, comments and bodies
 * start and end, not what the SQL means, so a statement PostgreSQL would
 * reject still splits the way psql would split it and the server's own
 * message reaches the user. */
#include "ddl_script.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char MARK_AFTER[] = "-- pgmap: after load";
static const char MARK_OPTIONAL[] = "-- pgmap: optional";

typedef struct Scan {
    const char *s;
    size_t i;
    int line;
    const char *name;
    PgmError *e;
    DdlScript *out;
    size_t cap_before, cap_after;
    int in_stmt;         /* a statement has started */
    size_t start;
    int start_line;
    int optional_line;   /* pending `-- pgmap: optional`, 0 = none */
    /* psql's heuristic for SQL-standard routine bodies: in CREATE [OR
     * REPLACE] FUNCTION|PROCEDURE, BEGIN ... END (and CASE ... END inside
     * it) hide semicolons; so do parentheses in any statement. */
    char words[4];       /* first letters of the first words, when relevant */
    int nwords;
    int depth;           /* BEGIN/CASE nesting */
    int parens;
} Scan;

static int fail_at(Scan *sc, int line, const char *fmt, ...) PGM_PRINTF(3, 4);
static int fail_at(Scan *sc, int line, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (sc->name)
        err_set(sc->e, "%s:%d: %s", sc->name, line, msg);
    else
        err_set(sc->e, "line %d: %s", line, msg);
    return PGM_FAIL;
}

static int is_word_start(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static int is_word_char(unsigned char c)
{
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '$';
}

/* Is the line starting at p exactly mark, followed only by blanks? */
static int line_is(const char *p, const char *mark)
{
    size_t n = strlen(mark);
    if (strncmp(p, mark, n) != 0)
        return 0;
    for (p += n; *p && *p != '\n'; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r')
            return 0;
    return 1;
}

static void push(Scan *sc, size_t end)
{
    while (end > sc->start && strchr(" \t\r\n", sc->s[end - 1]))
        end--;
    DdlScript *o = sc->out;
    int after = o->marker_line > 0;
    DdlStatement **v = after ? &o->after : &o->before;
    size_t *n = after ? &o->nafter : &o->nbefore;
    size_t *cap = after ? &sc->cap_after : &sc->cap_before;
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = xrealloc(*v, *cap * sizeof **v);
    }
    DdlStatement *st = &(*v)[(*n)++];
    st->sql = xstrndup(sc->s + sc->start, end - sc->start);
    st->line = sc->start_line;
    st->optional = sc->optional_line > 0;
    o->noptional += (size_t)st->optional;
    sc->optional_line = 0;
    sc->in_stmt = 0;
    sc->nwords = sc->depth = sc->parens = 0;
    memset(sc->words, 0, sizeof sc->words);
}

/* A `--` comment: the two markers count only on a line of their own
 * between statements. */
static int line_comment(Scan *sc)
{
    const char *p = sc->s + sc->i;
    int at_bol = sc->i == 0 || sc->s[sc->i - 1] == '\n';
    int after = at_bol && line_is(p, MARK_AFTER);
    int optional = at_bol && line_is(p, MARK_OPTIONAL);
    if ((after || optional) && sc->in_stmt)
        return fail_at(sc, sc->line, "\"%s\" inside a statement (is the ';' above it missing?)",
                       after ? MARK_AFTER : MARK_OPTIONAL);
    if (after) {
        if (sc->out->marker_line)
            return fail_at(sc, sc->line, "a second \"%s\" line (the first is line %d)", MARK_AFTER,
                           sc->out->marker_line);
        if (sc->optional_line)
            return fail_at(sc, sc->optional_line, "\"%s\" is not followed by a statement",
                           MARK_OPTIONAL);
        sc->out->marker_line = sc->line;
    } else if (optional) {
        if (!sc->out->marker_line)
            return fail_at(sc, sc->line, "\"%s\" only applies after the \"%s\" line",
                           MARK_OPTIONAL, MARK_AFTER);
        sc->optional_line = sc->line;
    }
    const char *nl = strchr(p, '\n');
    sc->i = nl ? (size_t)(nl - sc->s) : strlen(sc->s);
    return PGM_OK;
}

static int block_comment(Scan *sc)
{
    int line = sc->line, nest = 0;
    const char *s = sc->s;
    while (s[sc->i]) {
        if (s[sc->i] == '/' && s[sc->i + 1] == '*') {
            nest++;
            sc->i += 2;
        } else if (s[sc->i] == '*' && s[sc->i + 1] == '/') {
            sc->i += 2;
            if (--nest == 0)
                return PGM_OK;
        } else {
            sc->line += s[sc->i++] == '\n';
        }
    }
    return fail_at(sc, line, "unterminated /* comment");
}

/* '...' (backslash escapes when esc), "...": a doubled quote is part of it. */
static int quoted(Scan *sc, int esc)
{
    const char *s = sc->s;
    char q = s[sc->i++];
    int line = sc->line;
    while (s[sc->i]) {
        char ch = s[sc->i++];
        if (ch == '\n')
            sc->line++;
        else if (esc && ch == '\\' && s[sc->i])
            sc->line += s[sc->i++] == '\n';
        else if (ch == q && s[sc->i] == q)
            sc->i++;
        else if (ch == q)
            return PGM_OK;
    }
    return fail_at(sc, line, q == '"' ? "unterminated quoted identifier"
                                      : "unterminated quoted string");
}

/* At a '$' that does not continue a word: $tag$...$tag$, or a lone '$'
 * (a parameter such as $1) which is skipped. */
static int dollar(Scan *sc)
{
    const char *s = sc->s + sc->i;
    size_t n = 1;
    if (is_word_start((unsigned char)s[n]))
        while (is_word_char((unsigned char)s[n]) && s[n] != '$')
            n++;
    if (s[n] != '$') {
        sc->i++;
        return PGM_OK;
    }
    n++;   /* the tag, both dollars included, is s[0..n) */
    const char *p = s + n, *end = NULL;
    while ((p = strchr(p, '$')) != NULL) {
        if (strncmp(p, s, n) == 0) {
            end = p;
            break;
        }
        p++;
    }
    if (!end)
        return fail_at(sc, sc->line, "unterminated dollar-quoted string %.*s", (int)n, s);
    for (const char *q = s; q < end; q++)
        sc->line += *q == '\n';
    sc->i += (size_t)(end - s) + n;
    return PGM_OK;
}

static void track_word(Scan *sc, const char *w, size_t n)
{
    char first = (char)(w[0] | 0x20);
    static const char *const lead[] = {"create", "function", "procedure", "or", "replace"};
    if (sc->nwords < 4) {
        for (size_t k = 0; k < sizeof lead / sizeof *lead; k++)
            if (strlen(lead[k]) == n && ascii_ncasecmp(w, lead[k], n) == 0)
                sc->words[sc->nwords] = first;
    }
    sc->nwords++;
    const char *c = sc->words;
    int routine = c[0] == 'c' && (c[1] == 'f' || c[1] == 'p' ||
                                  (c[1] == 'o' && c[2] == 'r' && (c[3] == 'f' || c[3] == 'p')));
    if (!routine || sc->parens)
        return;
    int begin = n == 5 && ascii_ncasecmp(w, "begin", 5) == 0;
    int cas = n == 4 && ascii_ncasecmp(w, "case", 4) == 0;   /* CASE ... END inside a body */
    if (begin || (cas && sc->depth > 0))
        sc->depth++;
    else if (n == 3 && ascii_ncasecmp(w, "end", 3) == 0 && sc->depth > 0)
        sc->depth--;
}

/* A word; E'...' is an escape string. */
static int word(Scan *sc)
{
    const char *s = sc->s;
    size_t b = sc->i;
    while (is_word_char((unsigned char)s[sc->i]))
        sc->i++;
    size_t n = sc->i - b;
    if (n == 1 && (s[b] == 'E' || s[b] == 'e') && s[sc->i] == '\'')
        return quoted(sc, 1);
    track_word(sc, s + b, n);
    return PGM_OK;
}

/* One step inside (or at the start of) a statement. */
static int token(Scan *sc)
{
    char ch = sc->s[sc->i];
    if (ch == ';' && sc->parens == 0 && sc->depth == 0) {
        if (sc->in_stmt)
            push(sc, sc->i);
        sc->i++;
        return PGM_OK;
    }
    if (!sc->in_stmt) {
        sc->in_stmt = 1;
        sc->start = sc->i;
        sc->start_line = sc->line;
    }
    if (ch == '\'' || ch == '"')
        return quoted(sc, 0);
    if (ch == '$')
        return dollar(sc);
    if (is_word_start((unsigned char)ch) || (ch >= '0' && ch <= '9'))
        return word(sc);
    sc->parens += ch == '(';
    sc->parens -= ch == ')' && sc->parens > 0;
    sc->i++;
    return PGM_OK;
}

static int scan(Scan *sc)
{
    const char *s = sc->s;
    while (s[sc->i]) {
        char ch = s[sc->i];
        int rc = PGM_OK;
        if (ch == '\n') {
            sc->line++;
            sc->i++;
        } else if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
            sc->i++;
        } else if (ch == '-' && s[sc->i + 1] == '-') {
            rc = line_comment(sc);
        } else if (ch == '/' && s[sc->i + 1] == '*') {
            rc = block_comment(sc);
        } else {
            rc = token(sc);
        }
        if (rc != PGM_OK)
            return rc;
    }
    if (sc->in_stmt)   /* the last statement may omit its ';', as in psql */
        push(sc, sc->i);
    if (sc->optional_line)
        return fail_at(sc, sc->optional_line, "\"%s\" is not followed by a statement",
                       MARK_OPTIONAL);
    return PGM_OK;
}

int ddl_script_parse(const char *text, const char *name, DdlScript *out, PgmError *e)
{
    memset(out, 0, sizeof *out);
    Scan sc;
    memset(&sc, 0, sizeof sc);
    sc.s = text;
    sc.line = 1;
    sc.name = name;
    sc.e = e;
    sc.out = out;
    return scan(&sc);
}

static void free_list(DdlStatement *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].sql);
    free(v);
}

void ddl_script_free(DdlScript *s)
{
    if (!s)
        return;
    free_list(s->before, s->nbefore);
    free_list(s->after, s->nafter);
    memset(s, 0, sizeof *s);
}
