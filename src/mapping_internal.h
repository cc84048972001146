/* mapping_internal.h - shared by the mapping loader files: the loading
 * context, the key tables (mapping_keys.c walks a YAML map against one) and
 * the value parsers every level uses, plus the glob merge
 * (mapping_merge.c). */
#ifndef PGMAP_MAPPING_INTERNAL_H
#define PGMAP_MAPPING_INTERNAL_H

#include "diag.h"
#include "model.h"
#include "util.h"

/* mapping_merge.c: merges globs into m->tables and normalises tri-states. */
void mapping_merge_globs(Mapping *m, struct Diags *d);

/* Accepted node kinds of a key; K_NULL: the handler also gets a plain null
 * (otherwise a null value means "not set" and the handler is not called). */
enum { K_SCALAR = 1, K_SEQ = 2, K_MAP = 4, K_NULL = 8 };

typedef struct Ctx {
    Mapping *m;
    Diags *d;
    Arena *a;
} Ctx;

typedef void (*KeyFn)(Ctx *c, void *obj, const YNode *v);

typedef struct KeyDef {
    const char *key;
    unsigned kinds;
    KeyFn fn;
} KeyDef;

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))


Pos pos_of(const YNode *n);
size_t edit_distance(const char *a, const char *b);
/* Walks map against the allowed keys defs, calling each handler with obj;
 * `where` names the level in messages ("table \"x\""). */
void apply_keys(Ctx *c, const KeyDef *defs, size_t ndefs, const YNode *map, void *obj,
                const char *where);
void unknown_key(Ctx *c, const KeyDef *defs, size_t n, const YNode *k, const char *where);
const char *kinds_text(unsigned kinds);
unsigned kind_bit(YNodeKind k);
const char *str_of(Ctx *c, const YNode *v);
const char *nonempty(Ctx *c, const char *key, const YNode *v);
void parse_count(Ctx *c, const char *key, const YNode *v, long min, long *out);
void parse_on_error(Ctx *c, const YNode *v, OnError *out);
void parse_bool(Ctx *c, const char *key, const YNode *v, int *out);
const char **parse_str_list(Ctx *c, const char *key, const YNode *v, size_t *n);
const char *resolve_path(Ctx *c, const char *p);
int has_scheme(const char *s);
void set_str(Ctx *c, const char *key, const YNode *v, const char **out, Pos *pos);

/* mapping_sync.c: keys used by pgmap sync and the state schema. */
void key_name(Ctx *c, void *o, const YNode *v);
void key_cursor(Ctx *c, void *o, const YNode *v);
void key_lookback(Ctx *c, void *o, const YNode *v);
void key_deletes(Ctx *c, void *o, const YNode *v);
void key_mark_column(Ctx *c, void *o, const YNode *v);
void check_sync_keys(Ctx *c, const TableMap *t);

/* mapping_restructure.c: `from:` lists, `dedup`, `load_order`. */
void key_col_from_list(Ctx *c, void *o, const YNode *v);
void key_dedup(Ctx *c, void *o, const YNode *v);
void key_load_order(Ctx *c, void *o, const YNode *v);
void check_restructure_column(Ctx *c, const ColumnMap *col);

#endif
