/* ynode.h - the YAML document as a plain tree that keeps every node's
 * position, so that every later stage can report file:line:col.
 *
 * yaml_doc_load() reads a file with libyaml's document API and converts it
 * into YNodes allocated in an arena.  ${VAR} and ${VAR:-default} in scalar
 * values are expanded from the environment here ($${ stays a literal ${);
 * an unset variable without a default is a diagnostic. */
#ifndef PGMAP_YNODE_H
#define PGMAP_YNODE_H

#include <stddef.h>

struct Arena;
struct Diags;

typedef enum YNodeKind { YN_SCALAR, YN_SEQ, YN_MAP } YNodeKind;

typedef struct YNode {
    YNodeKind kind;
    int line;           /* 1-based */
    int col;            /* 1-based */
    const char *str;    /* YN_SCALAR: value after interpolation, NUL-terminated */
    size_t len;         /* YN_SCALAR: length of str */
    int plain;          /* YN_SCALAR: unquoted (so "null", "~", "" plain mean null) */
    size_t n;           /* YN_SEQ: item count; YN_MAP: pair count */
    struct YNode **items; /* YN_SEQ: n items; YN_MAP: 2n, key then value */
} YNode;

/* Loads path into a tree.  Returns the root (a YN_MAP for a mapping file) or
 * NULL after adding the diagnostics (YAML syntax errors with position).  The
 * diags' file text is set so messages can show the offending line. */
YNode *yaml_doc_load(const char *path, struct Arena *a, struct Diags *d);
/* Same from a string (for tests); name is what messages call the file. */
YNode *yaml_doc_load_string(const char *name, const char *text, struct Arena *a, struct Diags *d);

/* Helpers.  A plain scalar "null", "Null", "NULL", "~" or empty is null. */
int ynode_is_null(const YNode *n);
const YNode *ymap_get(const YNode *map, const char *key);
/* Parses a scalar as bool (true/false/yes/no/on/off) or long. 0 on success. */
int yscalar_bool(const YNode *n, int *out);
int yscalar_long(const YNode *n, long *out);
const char *ynode_kind_name(YNodeKind k); /* "scalar", "list", "map" */

#endif
