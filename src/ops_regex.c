/* ops_regex.c - regex_replace, regex_extract and match with PCRE2 (8-bit,
 * UTF mode).  Patterns are compiled once by op_compile(), with their match
 * data, so a bad pattern is a load-time diagnostic with its position and a
 * row costs one pcre2_match(). */
#include <stdio.h>
#include <string.h>

#include "ops_internal.h"
#include "pgtype.h"

/* Position of byte `off` of a pattern scalar in the file.  Columns count
 * characters (as libyaml does).  The offset is exact only when the scalar
 * is on one line and written without escapes: check that against the file
 * text when we have it, and otherwise point at the scalar itself. */
static void pattern_pos(const Diags *d, const YNode *n, size_t off, int *line, int *col)
{
    *line = n->line;
    *col = n->col;
    if (memchr(n->str, '\n', n->len) || off > n->len)
        return;
    int skip = n->plain ? 0 : 1; /* the opening quote */
    if (d && d->text) {
        const char *p = d->text;
        for (int i = 1; i < n->line && p; i++) {
            p = strchr(p, '\n');
            if (p)
                p++;
        }
        if (!p)
            return;
        for (int c = 1; c < n->col + skip && *p && *p != '\n'; c++) {
            size_t k = utf8_seq(p, strlen(p) > 4 ? 4 : strlen(p));
            p += k ? k : 1;
        }
        if (strncmp(p, n->str, n->len) != 0)
            return;
    }
    *col = n->col + skip + (int)utf8_charlen(n->str, off);
}

static int re_compile(OpArgs *a, const OpCtx *c, const YNode *pat)
{
    a->str = opc_scalar(c, pat, "a pattern (a string)", &a->str_len);
    if (!a->str)
        return -1;
    int err;
    PCRE2_SIZE off;
    a->re = pcre2_compile((PCRE2_SPTR)a->str, a->str_len, PCRE2_UTF, &err, &off, NULL);
    if (!a->re) {
        PCRE2_UCHAR m[256];
        pcre2_get_error_message(err, m, sizeof m);
        int line, col;
        pattern_pos(c->d, pat, off, &line, &col);
        diag_error(c->d, line, col, "%s: bad pattern at offset %zu: %s", c->name, (size_t)off, (char *)m);
        return -1;
    }
    /* JIT makes a per-row match several times faster; when it is not
     * available pcre2_match() interprets, with the same results. */
    (void)pcre2_jit_compile(a->re, PCRE2_JIT_COMPLETE);
    a->md = pcre2_match_data_create_from_pattern(a->re, NULL);
    return 0;
}

static uint32_t capture_count(const OpArgs *a)
{
    uint32_t n = 0;
    pcre2_pattern_info(a->re, PCRE2_INFO_CAPTURECOUNT, &n);
    return n;
}

/* Group reference in a replacement ($1, ${1}, $name, ${name}). */
static int check_ref(const OpArgs *a, const char *ref, size_t len)
{
    if (len == 0)
        return -1;
    if (ref[0] >= '0' && ref[0] <= '9') {
        unsigned long g = 0;
        for (size_t i = 0; i < len; i++) {
            if (ref[i] < '0' || ref[i] > '9' || g > 100000)
                return -1;
            g = g * 10 + (unsigned long)(ref[i] - '0');
        }
        return g <= capture_count(a) ? 0 : -1;
    }
    char name[64];
    if (len >= sizeof name)
        return -1;
    memcpy(name, ref, len);
    name[len] = '\0';
    return pcre2_substring_number_from_name(a->re, (PCRE2_SPTR)name) >= 0 ? 0 : -1;
}

static int is_name_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* PCRE2 only checks a replacement when something matches, so a typo would
 * fail on some row much later; check every $ reference now instead. */
static int check_replacement(const OpArgs *a, const OpCtx *c, const YNode *n)
{
    const char *r = a->repl;
    for (size_t i = 0; r[i]; i++) {
        if (r[i] != '$')
            continue;
        size_t start = i + 1, end;
        if (r[start] == '$' || r[start] == '*') {
            i = start;
            continue;
        }
        if (r[start] == '{') {
            const char *close = strchr(r + start, '}');
            end = close ? (size_t)(close - r) : start;
            start++;
        } else {
            end = start;
            int digits = r[start] >= '0' && r[start] <= '9';
            while (r[end] && (digits ? (r[end] >= '0' && r[end] <= '9') : is_name_char(r[end])))
                end++;
        }
        if (check_ref(a, r + start, end - start) != 0) {
            opc_error(c, n, "replace has a bad group reference at offset %zu (the pattern has %u groups)",
                      i, capture_count(a));
            return -1;
        }
        i = r[end] == '}' ? end : end - 1;
    }
    return 0;
}

int opc_REGEX_REPLACE(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"pattern", "replace", "global", NULL};
    const YNode *m = c->args;
    const YNode *pat = m && m->kind == YN_MAP ? ymap_get(m, "pattern") : NULL;
    const YNode *rep = m && m->kind == YN_MAP ? ymap_get(m, "replace") : NULL;
    if (!pat || !rep) {
        opc_error(c, m, "expected a map with pattern and replace");
        return -1;
    }
    if (opc_check_keys(c, m, keys) != 0 || re_compile(a, c, pat) != 0)
        return -1;
    a->repl = opc_scalar(c, rep, "a replacement string", NULL);
    if (!a->repl)
        return -1;
    a->global = 1;
    const YNode *g = ymap_get(m, "global");
    if (g && yscalar_bool(g, &a->global) != 0) {
        opc_error(c, g, "global must be true or false");
        return -1;
    }
    return check_replacement(a, c, rep);
}

/* Fails on invalid UTF-8 so the later PCRE2_NO_UTF_CHECK is safe. */
static const char *subject(Value *v, Arena *scratch, size_t *len, char *msg, size_t msglen, int *rc)
{
    *rc = 0;
    const char *s = op_text(v, scratch, len);
    if (!s)
        return NULL;
    size_t bad = utf8_check(s, *len);
    if (bad != *len) {
        *rc = op_failf(msg, msglen, "invalid UTF-8 at byte %zu", bad);
        return NULL;
    }
    return s;
}

static int re_error(int rc, char *msg, size_t msglen)
{
    PCRE2_UCHAR m[256];
    pcre2_get_error_message(rc, m, sizeof m);
    return op_failf(msg, msglen, "regex failed: %s", (char *)m);
}

int opr_REGEX_REPLACE(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    size_t len;
    int rc;
    const char *s = subject(v, scratch, &len, msg, msglen, &rc);
    if (!s)
        return rc;
    uint32_t opts = PCRE2_NO_UTF_CHECK | PCRE2_SUBSTITUTE_OVERFLOW_LENGTH |
                    (a->global ? PCRE2_SUBSTITUTE_GLOBAL : 0);
    PCRE2_SIZE cap = 2 * len + 64;
    for (int attempt = 0; attempt < 2; attempt++) {
        PCRE2_UCHAR *out = arena_alloc(scratch, cap);
        PCRE2_SIZE outlen = cap;
        rc = pcre2_substitute(a->re, (PCRE2_SPTR)s, len, 0, opts, a->md, NULL,
                              (PCRE2_SPTR)a->repl, PCRE2_ZERO_TERMINATED, out, &outlen);
        if (rc >= 0) {
            *v = value_text((const char *)out, outlen);
            return 0;
        }
        if (rc != PCRE2_ERROR_NOMEMORY)
            break;
        cap = outlen + 1; /* OVERFLOW_LENGTH: outlen is the size needed */
    }
    return re_error(rc, msg, msglen);
}

/* Matches; 1 = match, 0 = no match, -1 = failed (msg set). */
static int re_match(const OpArgs *a, const char *s, size_t len, char *msg, size_t msglen)
{
    int rc = pcre2_match(a->re, (PCRE2_SPTR)s, len, 0, PCRE2_NO_UTF_CHECK, a->md, NULL);
    if (rc == PCRE2_ERROR_NOMATCH)
        return 0;
    if (rc < 0)
        return re_error(rc, msg, msglen);
    return 1;
}

static int no_match(const OpArgs *a, const char *s, size_t len, char *msg, size_t msglen)
{
    char q1[QBUF], q2[QBUF];
    return op_failf(msg, msglen, "%s does not match %s", quote_value(s, len, q1, sizeof q1),
                    quote_value(a->str, a->str_len, q2, sizeof q2));
}

static int extract_group(OpArgs *a, const OpCtx *c, const YNode *g)
{
    uint32_t ncap = capture_count(a);
    long n;
    if (!g) {
        a->group = ncap >= 1 ? 1 : 0;
        return 0;
    }
    if (g->kind == YN_SCALAR && yscalar_long(g, &n) == 0) {
        if (n < 0 || (unsigned long)n > ncap) {
            opc_error(c, g, "group %ld does not exist (the pattern has %u groups)", n, ncap);
            return -1;
        }
        a->group = (int)n;
        return 0;
    }
    int num = g->kind == YN_SCALAR ? pcre2_substring_number_from_name(a->re, (PCRE2_SPTR)g->str) : -1;
    if (num < 0) {
        opc_error(c, g, "group must be a group number or the name of a named group");
        return -1;
    }
    a->group = num;
    return 0;
}

int opc_REGEX_EXTRACT(OpArgs *a, const OpCtx *c)
{
    static const char *const keys[] = {"pattern", "group", NULL};
    const YNode *m = c->args;
    if (m && m->kind == YN_SCALAR)
        return re_compile(a, c, m) != 0 ? -1 : extract_group(a, c, NULL);
    const YNode *pat = m && m->kind == YN_MAP ? ymap_get(m, "pattern") : NULL;
    if (!pat) {
        opc_error(c, m, "expected a pattern or a map with pattern and group");
        return -1;
    }
    if (opc_check_keys(c, m, keys) != 0 || re_compile(a, c, pat) != 0)
        return -1;
    return extract_group(a, c, ymap_get(m, "group"));
}

int opr_REGEX_EXTRACT(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    size_t len;
    int rc;
    const char *s = subject(v, scratch, &len, msg, msglen, &rc);
    if (!s)
        return rc;
    rc = re_match(a, s, len, msg, msglen);
    if (rc <= 0)
        return rc < 0 ? rc : no_match(a, s, len, msg, msglen);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(a->md);
    uint32_t pairs = pcre2_get_ovector_count(a->md);
    if ((uint32_t)a->group >= pairs || ov[2 * (size_t)a->group] == PCRE2_UNSET) {
        *v = value_null(); /* an optional group that took no part */
        return 0;
    }
    PCRE2_SIZE b = ov[2 * (size_t)a->group], e = ov[2 * (size_t)a->group + 1];
    if (e < b) /* \K can put the end before the start */
        e = b;
    *v = value_text(arena_strndup(scratch, s + b, e - b), e - b);
    return 0;
}

int opc_MATCH(OpArgs *a, const OpCtx *c)
{
    if (!c->args || c->args->kind != YN_SCALAR) {
        opc_error(c, c->args, "expected a pattern (a string)");
        return -1;
    }
    return re_compile(a, c, c->args);
}

int opr_MATCH(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen)
{
    size_t len;
    int rc;
    const char *s = subject(v, scratch, &len, msg, msglen, &rc);
    if (!s)
        return rc;
    rc = re_match(a, s, len, msg, msglen);
    if (rc < 0)
        return rc;
    return rc ? 0 : no_match(a, s, len, msg, msglen);
}
