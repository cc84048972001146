/* verify_refused.c - the rows the last run's rejects file names, so verify
 * accounts for them instead of reporting them missing.
 *
 * The file is pgmap's own (rejects.c writes every line in one layout:
 * {"table":...,"key":{...},"column":...,...,"sqlstate":...}), so lines are
 * read by that layout, not by a general JSON parser.  The full comparison
 * takes only the rows the target refused (a SQLSTATE): it recomputes the
 * mapping's own rejects.  The counts form takes every line. */
#include "verify_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void set_put(RefusedSet *r, char *k)
{
    if ((r->n + 1) * 2 > r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 256;
        char **nk = xcalloc(ncap, sizeof *nk);
        for (size_t i = 0; i < r->cap; i++) {
            if (!r->keys[i])
                continue;
            size_t j = (size_t)(str_hash(r->keys[i]) % ncap);
            while (nk[j])
                j = (j + 1) % ncap;
            nk[j] = r->keys[i];
        }
        free(r->keys);
        r->keys = nk;
        r->cap = ncap;
    }
    size_t j = (size_t)(str_hash(k) % r->cap);
    for (; r->keys[j]; j = (j + 1) % r->cap) {
        if (strcmp(r->keys[j], k) == 0) {
            free(k);
            return;
        }
    }
    r->keys[j] = k;
    r->n++;
}

/* The end of the JSON value starting at p (an object or a string). */
static const char *json_end(const char *p)
{
    int depth = 0, in_str = 0;
    for (; *p; p++) {
        if (in_str) {
            if (*p == '\\' && p[1])
                p++;
            else if (*p == '"')
                in_str = 0;
            if (!in_str && depth == 0)
                return p + 1;
            continue;
        }
        if (*p == '"')
            in_str = 1;
        else if (*p == '{')
            depth++;
        else if (*p == '}' && --depth == 0)
            return p + 1;
    }
    return NULL;
}

/* Decodes the JSON string at p (only the escapes json_append_string
 * writes) into out. */
static void json_string(const char *p, const char *end, Buf *out)
{
    buf_reset(out);
    for (p++; p < end - 1; p++) {
        if (*p != '\\') {
            buf_putc(out, *p);
            continue;
        }
        char c = *++p;
        if (c == 'u' && end - p > 4) {
            unsigned v = (unsigned)strtoul((char[]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
            buf_putc(out, (char)v);   /* only control characters are written as \u */
            p += 4;
            continue;
        }
        buf_putc(out, c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b'
                      : c == 'f' ? '\f' : c);
    }
}

static void take_line(RefusedSet *r, const char *line, int all, Buf *tmp)
{
    static const char table_tag[] = "{\"table\":", key_tag[] = ",\"key\":";
    if (strncmp(line, table_tag, sizeof table_tag - 1) != 0)
        return;
    const char *tp = line + sizeof table_tag - 1, *te = json_end(tp);
    if (!te || strncmp(te, key_tag, sizeof key_tag - 1) != 0)
        return;
    const char *kp = te + sizeof key_tag - 1, *ke = json_end(kp);
    if (!ke)
        return;
    const char *st = strstr(ke, ",\"sqlstate\":");
    int refused = st && strncmp(st + 12, "null", 4) != 0;
    if (!all && !refused)
        return;
    json_string(tp, te, tmp);
    buf_putc(tmp, '\1');
    buf_append(tmp, kp, (size_t)(ke - kp));
    set_put(r, xstrndup(tmp->data, tmp->len));
}

int refused_load(RefusedSet *r, const char *path, int all, PgmError *e)
{
    memset(r, 0, sizeof *r);
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f)
        return PGM_OK;   /* no file: the last run rejected nothing */
    r->path = path;
    char *line = NULL;
    size_t cap = 0;
    Buf tmp;
    buf_init(&tmp);
    while (getline(&line, &cap, f) > 0) {
        r->lines++;
        take_line(r, line, all, &tmp);
    }
    int bad = ferror(f);
    free(line);
    buf_free(&tmp);
    fclose(f);
    if (bad) {
        err_set(e, "rejects file %s: read error", path);
        return PGM_FAIL;
    }
    return PGM_OK;
}

int refused_has(const RefusedSet *r, const char *table, const char *key_json)
{
    if (!r->n)
        return 0;
    size_t tl = strlen(table), kl = strlen(key_json);
    char stack[512];
    char *k = tl + kl + 2 <= sizeof stack ? stack : xmalloc(tl + kl + 2);
    memcpy(k, table, tl);
    k[tl] = '\1';
    memcpy(k + tl + 1, key_json, kl + 1);
    int found = 0;
    for (size_t j = (size_t)(str_hash(k) % r->cap); r->keys[j] && !found; j = (j + 1) % r->cap)
        found = strcmp(r->keys[j], k) == 0;
    if (k != stack)
        free(k);
    return found;
}

void refused_free(RefusedSet *r)
{
    for (size_t i = 0; i < r->cap; i++)
        free(r->keys[i]);
    free(r->keys);
    memset(r, 0, sizeof *r);
}
