/* yaml_doc.c - reads a YAML file with libyaml's document API and turns it
 * into a YNode tree (ynode.h) that keeps 1-based positions, so every later
 * stage can point at the exact line and column of a problem.
 *
 * Done here, once, for every scalar: ${VAR} / ${VAR:-default} expansion from
 * the environment ($${ is a literal ${).  Also here: duplicate keys, which
 * libyaml accepts silently but which would make one setting quietly win. */
#include "ynode.h"
#include "diag.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Deeper than this is either a recursive alias or not a mapping file. */
#define MAX_DEPTH 64

enum { ST_NEW = 0, ST_BUSY, ST_DONE };

typedef struct Conv {
    yaml_document_t *doc;
    Arena *a;
    Diags *d;
    YNode **memo;          /* converted node per libyaml node index */
    unsigned char *state;  /* ST_*: an alias may point back at a busy node */
    int depth;
} Conv;

static YNode *new_node(Conv *c, YNodeKind kind, yaml_mark_t m)
{
    YNode *n = arena_alloc(c->a, sizeof *n);
    n->kind = kind;
    n->line = (int)m.line + 1;
    n->col = (int)m.column + 1;
    return n;
}

/* Appends the value of one ${...} body (name[:-default]) to out.  Shell
 * semantics: the default applies when the variable is unset or empty, which
 * is what `target: ${PGMAP_TARGET:-}` needs. */
static void expand_var(Conv *c, const YNode *n, const char *body, size_t len, Buf *out)
{
    const char *sep = memchr(body, ':', len);
    size_t nlen = sep ? (size_t)(sep - body) : len;
    int has_default = sep && nlen + 1 < len && sep[1] == '-';
    int valid = nlen > 0 && (isalpha((unsigned char)body[0]) || body[0] == '_');
    for (size_t i = 0; valid && i < nlen; i++)
        valid = isalnum((unsigned char)body[i]) || body[i] == '_';
    if (!valid || (sep && !has_default)) {
        diag_error(c->d, n->line, n->col,
                   "invalid variable reference \"${%.*s}\" (expected ${NAME} or ${NAME:-default})",
                   (int)len, body);
        return;
    }
    char *name = xstrndup(body, nlen);
    const char *val = getenv(name);
    if (val && (*val || !has_default))
        buf_puts(out, val);
    else if (has_default)
        buf_append(out, sep + 2, len - nlen - 2);
    else
        diag_error(c->d, n->line, n->col,
                   "environment variable \"%s\" is not set (write ${%s:-default} to give a default)",
                   name, name);
    free(name);
}

/* Sets n->str/len from the raw scalar, expanding variables. */
static void interpolate(Conv *c, YNode *n, const char *s, size_t len)
{
    if (!memchr(s, '$', len)) {
        n->str = arena_strndup(c->a, s, len);
        n->len = len;
        return;
    }
    Buf b;
    buf_init(&b);
    size_t i = 0;
    while (i < len) {
        if (s[i] == '$' && i + 2 < len && s[i + 1] == '$' && s[i + 2] == '{') {
            buf_puts(&b, "${");
            i += 3;
        } else if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
            const char *end = memchr(s + i + 2, '}', len - i - 2);
            if (!end) {
                diag_error(c->d, n->line, n->col,
                           "unterminated \"${\" (write $${ for a literal ${)");
                buf_append(&b, s + i, len - i);
                break;
            }
            expand_var(c, n, s + i + 2, (size_t)(end - (s + i + 2)), &b);
            i = (size_t)(end - s) + 1;
        } else {
            buf_putc(&b, s[i++]);
        }
    }
    n->len = b.len;
    n->str = arena_strndup(c->a, b.data ? b.data : "", b.len);
    buf_free(&b);
}

static YNode *convert(Conv *c, int idx);

static void convert_seq(Conv *c, YNode *n, yaml_node_t *yn)
{
    yaml_node_item_t *it = yn->data.sequence.items.start;
    yaml_node_item_t *top = yn->data.sequence.items.top;
    n->n = (size_t)(top - it);
    n->items = arena_alloc(c->a, (n->n ? n->n : 1) * sizeof *n->items);
    for (size_t i = 0; i < n->n; i++)
        n->items[i] = convert(c, it[i]);
}

/* Index of an earlier pair with the same scalar key, or -1. */
static long find_key(const YNode *map, size_t upto, const YNode *key)
{
    if (key->kind != YN_SCALAR)
        return -1;
    for (size_t i = 0; i < upto; i++) {
        const YNode *k = map->items[2 * i];
        if (k->kind == YN_SCALAR && k->len == key->len && memcmp(k->str, key->str, k->len) == 0)
            return (long)i;
    }
    return -1;
}

/* Duplicates are reported at the second key and dropped, so the rest of the
 * loader sees each key once (the first one wins). */
static void convert_map(Conv *c, YNode *n, yaml_node_t *yn)
{
    yaml_node_pair_t *p = yn->data.mapping.pairs.start;
    size_t count = (size_t)(yn->data.mapping.pairs.top - p);
    n->items = arena_alloc(c->a, (count ? count : 1) * 2 * sizeof *n->items);
    n->n = 0;
    for (size_t i = 0; i < count; i++) {
        YNode *k = convert(c, p[i].key);
        YNode *v = convert(c, p[i].value);
        long first = find_key(n, n->n, k);
        if (first >= 0) {
            diag_error(c->d, k->line, k->col, "duplicate key \"%s\" (first at line %d)",
                       k->str, n->items[2 * first]->line);
            continue;
        }
        n->items[2 * n->n] = k;
        n->items[2 * n->n + 1] = v;
        n->n++;
    }
}

/* Converts node idx.  Aliases make libyaml reuse a node index; the memo
 * shares the converted subtree (and keeps "billion laughs" linear), and the
 * busy state catches an alias that refers to its own ancestor. */
static YNode *convert(Conv *c, int idx)
{
    yaml_node_t *yn = yaml_document_get_node(c->doc, idx);
    if (c->state[idx] == ST_DONE)
        return c->memo[idx];
    if (c->state[idx] == ST_BUSY || c->depth >= MAX_DEPTH) {
        /* a plain empty scalar is null, so no further message follows */
        YNode *n = new_node(c, YN_SCALAR, yn->start_mark);
        n->str = "";
        n->plain = 1;
        diag_error(c->d, n->line, n->col, "%s",
                   c->state[idx] == ST_BUSY ? "recursive alias" : "nesting too deep");
        return n;
    }
    c->state[idx] = ST_BUSY;
    c->depth++;
    YNode *n = NULL;
    if (yn->type == YAML_SEQUENCE_NODE) {
        n = new_node(c, YN_SEQ, yn->start_mark);
        convert_seq(c, n, yn);
    } else if (yn->type == YAML_MAPPING_NODE) {
        n = new_node(c, YN_MAP, yn->start_mark);
        convert_map(c, n, yn);
    } else {
        n = new_node(c, YN_SCALAR, yn->start_mark);
        n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
        interpolate(c, n, (const char *)yn->data.scalar.value, yn->data.scalar.length);
    }
    c->depth--;
    c->state[idx] = ST_DONE;
    c->memo[idx] = n;
    return n;
}

/* libyaml's reader reports a byte offset, not a mark: count lines and
 * characters up to it. */
static void offset_to_pos(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static void parser_error(const yaml_parser_t *p, const char *text, Diags *d)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    if (p->error == YAML_MEMORY_ERROR) {
        diag_error(d, 0, 0, "out of memory while reading YAML");
    } else if (p->error == YAML_READER_ERROR) {
        /* libyaml points at the offending byte of a broken sequence; point
         * at the sequence's first byte, which is where the user looks */
        size_t off = p->problem_offset;
        if (strstr(problem, "trailing")) {
            while (off > 0 && ((unsigned char)text[off - 1] & 0xC0) == 0x80)
                off--;
            if (off > 0 && (unsigned char)text[off - 1] >= 0xC0)
                off--;
        }
        int line, col;
        offset_to_pos(text, off, &line, &col);
        diag_error(d, line, col, "the file is not valid UTF-8: %s", problem);
    } else if (p->context) {
        diag_error(d, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1,
                   "YAML syntax error: %s (%s at line %d, column %d)", problem, p->context,
                   (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    } else {
        diag_error(d, (int)p->problem_mark.line + 1, (int)p->problem_mark.column + 1,
                   "YAML syntax error: %s", problem);
    }
}

static YNode *convert_document(yaml_document_t *doc, Arena *a, Diags *d)
{
    Conv c = {doc, a, d, NULL, NULL, 0};
    size_t nnodes = (size_t)(doc->nodes.top - doc->nodes.start);
    c.memo = xcalloc(nnodes + 1, sizeof *c.memo);
    c.state = xcalloc(nnodes + 1, 1);
    YNode *root = convert(&c, 1);
    free(c.memo);
    free(c.state);
    return root;
}

/* After the first document only the end of the stream may follow. */
static int check_single_document(yaml_parser_t *p, const char *text, Diags *d)
{
    yaml_document_t doc;
    if (!yaml_parser_load(p, &doc)) {
        parser_error(p, text, d);
        return -1;
    }
    int rc = 0;
    if (yaml_document_get_root_node(&doc)) {
        diag_error(d, (int)doc.start_mark.line + 1, (int)doc.start_mark.column + 1,
                   "expected a single YAML document");
        rc = -1;
    }
    yaml_document_delete(&doc);
    return rc;
}

/* The caller normally names the file in diags_init(); if not, use name. */
static void name_diags(Diags *d, const char *name)
{
    if (!d->file || !*d->file) {
        free(d->file);
        d->file = xstrdup(name);
    }
}

YNode *yaml_doc_load_string(const char *name, const char *text, Arena *a, Diags *d)
{
    name_diags(d, name);
    diags_set_text(d, text);
    yaml_parser_t p;
    yaml_document_t doc;
    YNode *root = NULL;
    if (!yaml_parser_initialize(&p)) {
        diag_error(d, 0, 0, "out of memory while reading YAML");
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&p, &doc)) {
        parser_error(&p, text, d);
        goto out;
    }
    if (!yaml_document_get_root_node(&doc))
        diag_error(d, 0, 0, "empty mapping file");
    else
        root = convert_document(&doc, a, d);
    yaml_document_delete(&doc);
    if (root && check_single_document(&p, text, d) < 0)
        root = NULL;
out:
    yaml_parser_delete(&p);
    return root;
}

YNode *yaml_doc_load(const char *path, Arena *a, Diags *d)
{
    PgmError e = {0};
    char *text = NULL;
    size_t len = 0;
    name_diags(d, path);
    if (read_file(path, &text, &len, &e) != PGM_OK) {
        /* read_file's message starts with the path, which diags prints */
        size_t pl = strlen(path);
        const char *msg = strncmp(e.msg, path, pl) == 0 && e.msg[pl] == ':' ? e.msg + pl + 2 : e.msg;
        diag_error(d, 0, 0, "cannot read the mapping file: %s", msg);
        return NULL;
    }
    YNode *root = NULL;
    if (strlen(text) != len) {
        int line, col;
        offset_to_pos(text, strlen(text), &line, &col);
        diags_set_text(d, text);
        diag_error(d, line, col, "the file contains a NUL byte");
    } else {
        root = yaml_doc_load_string(path, text, a, d);
    }
    free(text);
    return root;
}

int ynode_is_null(const YNode *n)
{
    if (!n)
        return 1;
    if (n->kind != YN_SCALAR || !n->plain)
        return 0;
    return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
           strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

const YNode *ymap_get(const YNode *map, const char *key)
{
    if (!map || map->kind != YN_MAP)
        return NULL;
    for (size_t i = 0; i < map->n; i++) {
        const YNode *k = map->items[2 * i];
        if (k->kind == YN_SCALAR && strcmp(k->str, key) == 0)
            return map->items[2 * i + 1];
    }
    return NULL;
}

int yscalar_bool(const YNode *n, int *out)
{
    static const char *const t[] = {"true", "yes", "on"};
    static const char *const f[] = {"false", "no", "off"};
    if (!n || n->kind != YN_SCALAR)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        if (ascii_casecmp(n->str, t[i]) == 0) {
            *out = 1;
            return 0;
        }
        if (ascii_casecmp(n->str, f[i]) == 0) {
            *out = 0;
            return 0;
        }
    }
    return -1;
}

int yscalar_long(const YNode *n, long *out)
{
    if (!n || n->kind != YN_SCALAR || n->len == 0)
        return -1;
    const char *s = n->str;
    if (!(isdigit((unsigned char)s[0]) || ((s[0] == '-' || s[0] == '+') && isdigit((unsigned char)s[1]))))
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end != '\0' || (size_t)(end - s) != n->len)
        return -1;
    *out = v;
    return 0;
}

const char *ynode_kind_name(YNodeKind k)
{
    switch (k) {
    case YN_SCALAR: return "scalar";
    case YN_SEQ: return "list";
    case YN_MAP: return "map";
    }
    return "?";
}
