/* mapping_keys.c - the machinery under the mapping loader: walking a YAML
 * map against a table of allowed keys (unknown keys with a "did you mean"
 * suggestion, wrong node kinds), and the value parsers shared by the top,
 * table and column levels. */
#include "mapping_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

Pos pos_of(const YNode *n)
{
    Pos p = {n->line, n->col};
    return p;
}

/* ---- key tables ---- */

/* Levenshtein distance, for "did you mean"; keys are short identifiers. */
size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return 99;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] == b[j - 1] ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

void unknown_key(Ctx *c, const KeyDef *defs, size_t n, const YNode *k, const char *where)
{
    const char *best = NULL;
    size_t bestd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t dist = edit_distance(k->str, defs[i].key);
        if (dist < bestd && dist < strlen(k->str)) {
            bestd = dist;
            best = defs[i].key;
        }
    }
    if (best)
        diag_error(c->d, k->line, k->col, "unknown key \"%s\" %s (did you mean \"%s\"?)",
                   k->str, where, best);
    else
        diag_error(c->d, k->line, k->col, "unknown key \"%s\" %s", k->str, where);
}

const char *kinds_text(unsigned kinds)
{
    switch (kinds & ~(unsigned)K_NULL) {
    case K_SCALAR: return "a scalar";
    case K_SEQ: return "a list";
    case K_MAP: return "a map";
    case K_SCALAR | K_SEQ: return "a scalar or a list";
    default: return "a scalar, a list or a map";
    }
}

unsigned kind_bit(YNodeKind k)
{
    return k == YN_SCALAR ? K_SCALAR : (k == YN_SEQ ? K_SEQ : K_MAP);
}

/* Walks the pairs of map, dispatching each key to its handler. */
void apply_keys(Ctx *c, const KeyDef *defs, size_t ndefs, const YNode *map, void *obj,
                const char *where)
{
    for (size_t i = 0; i < map->n; i++) {
        const YNode *k = map->items[2 * i];
        const YNode *v = map->items[2 * i + 1];
        const KeyDef *def = NULL;
        if (k->kind != YN_SCALAR) {
            diag_error(c->d, k->line, k->col, "expected a key name, got a %s",
                       ynode_kind_name(k->kind));
            continue;
        }
        for (size_t j = 0; j < ndefs && !def; j++)
            if (strcmp(defs[j].key, k->str) == 0)
                def = &defs[j];
        if (!def)
            unknown_key(c, defs, ndefs, k, where);
        else if (ynode_is_null(v) && !(def->kinds & K_NULL))
            continue; /* null = not set */
        else if (!(kind_bit(v->kind) & def->kinds))
            diag_error(c->d, v->line, v->col, "%s: expected %s, got a %s", def->key,
                       kinds_text(def->kinds), ynode_kind_name(v->kind));
        else
            def->fn(c, obj, v);
    }
}

/* ---- value parsers shared by several levels ---- */

const char *str_of(Ctx *c, const YNode *v)
{
    return arena_strndup(c->a, v->str, v->len);
}

/* Non-empty string value, or NULL after a diagnostic. */
const char *nonempty(Ctx *c, const char *key, const YNode *v)
{
    if (v->len == 0) {
        diag_error(c->d, v->line, v->col, "%s: expected a non-empty value", key);
        return NULL;
    }
    return str_of(c, v);
}

void parse_count(Ctx *c, const char *key, const YNode *v, long min, long *out)
{
    long n;
    if (yscalar_long(v, &n) == 0 && n >= min)
        *out = n;
    else
        diag_error(c->d, v->line, v->col, "%s: expected a %s integer, got \"%s\"", key,
                   min > 0 ? "positive" : "non-negative", v->str);
}

void parse_on_error(Ctx *c, const YNode *v, OnError *out)
{
    static const char *const names[] = {"reject", "null", "default", "abort"};
    const char *s = ynode_is_null(v) ? "null" : v->str;
    for (size_t i = 0; i < NELEM(names); i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (OnError)(ONERR_REJECT + (int)i);
            return;
        }
    }
    diag_error(c->d, v->line, v->col,
               "on_error: expected one of reject, null, default, abort, got \"%s\"", v->str);
}

void parse_bool(Ctx *c, const char *key, const YNode *v, int *out)
{
    if (yscalar_bool(v, out) != 0)
        diag_error(c->d, v->line, v->col, "%s: expected true or false, got \"%s\"", key, v->str);
}

/* A scalar or a list of scalars, as an array in the arena; *n may be 0. */
const char **parse_str_list(Ctx *c, const char *key, const YNode *v, size_t *n)
{
    size_t cnt = v->kind == YN_SEQ ? v->n : 1;
    const char **out = arena_alloc(c->a, (cnt ? cnt : 1) * sizeof *out);
    *n = 0;
    for (size_t i = 0; i < cnt; i++) {
        const YNode *it = v->kind == YN_SEQ ? v->items[i] : v;
        if (it->kind != YN_SCALAR || ynode_is_null(it))
            diag_error(c->d, it->line, it->col, "%s: expected a string, got %s", key,
                       it->kind == YN_SCALAR ? "null (quote \"\" for the empty string)"
                                             : ynode_kind_name(it->kind));
        else
            out[(*n)++] = str_of(c, it);
    }
    return out;
}

/* Relative paths are relative to the mapping file, not to the cwd, so a
 * mapping works wherever pgmap is started from. */
const char *resolve_path(Ctx *c, const char *p)
{
    const char *dir = c->m->dir;
    if (p[0] == '/' || !dir || strcmp(dir, ".") == 0)
        return p;
    size_t dl = strlen(dir);
    return arena_printf(c->a, "%s%s%s", dir, dir[dl - 1] == '/' ? "" : "/", p);
}

/* "sqlite:x.db", "file:x.db", "postgresql://..." are URIs: left alone. */
int has_scheme(const char *s)
{
    size_t i = 0;
    if (!isalpha((unsigned char)s[0]))
        return 0;
    while (isalnum((unsigned char)s[i]) || (s[i] && strchr("+-.", s[i])))
        i++;
    return s[i] == ':' && i >= 2;
}

/* from / query / where: a non-empty string and its position */
void set_str(Ctx *c, const char *key, const YNode *v, const char **out, Pos *pos)
{
    *out = nonempty(c, key, v);
    *pos = pos_of(v);
}
