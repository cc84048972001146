/* value.h - the value that flows through a column's pipeline of operations.
 *
 * A source reader produces Values; operations transform them; pgtype_cast()
 * turns the last one into PostgreSQL's text input form for the target
 * column.  Text and blob bytes are borrowed: they point either into the
 * reader's current row (valid until the next row is fetched) or into the
 * per-row scratch arena.  Text is NUL-terminated at s[len] but may contain
 * NUL bytes before that (SQLite allows it); len is authoritative. */
#ifndef PGMAP_VALUE_H
#define PGMAP_VALUE_H

#include <stddef.h>
#include <stdint.h>

typedef enum ValKind {
    VAL_NULL = 0,
    VAL_INT,    /* i */
    VAL_REAL,   /* d */
    VAL_TEXT,   /* s, len */
    VAL_BLOB,   /* s, len (not NUL-terminated) */
    VAL_BOOL    /* i = 0 or 1 */
} ValKind;

typedef struct Value {
    ValKind kind;
    int64_t i;
    double d;
    const char *s;
    size_t len;
} Value;

static inline Value value_null(void) { Value v = {VAL_NULL, 0, 0.0, NULL, 0}; return v; }
static inline Value value_int(int64_t i) { Value v = {VAL_INT, i, 0.0, NULL, 0}; return v; }
static inline Value value_real(double d) { Value v = {VAL_REAL, 0, d, NULL, 0}; return v; }
static inline Value value_bool(int b) { Value v = {VAL_BOOL, b ? 1 : 0, 0.0, NULL, 0}; return v; }
static inline Value value_text(const char *s, size_t len) { Value v = {VAL_TEXT, 0, 0.0, s, len}; return v; }
static inline Value value_blob(const void *s, size_t len) { Value v = {VAL_BLOB, 0, 0.0, (const char *)s, len}; return v; }

struct Arena;
/* Renders any value as text (the form a user would recognise): INT as
 * decimal, REAL with the shortest round-trip form ("%.17g" trimmed), BOOL as
 * "true"/"false", BLOB as "\x" + hex.  NULL gives NULL.  Result lives in a
 * (arena) or is v->s itself for TEXT. */
const char *value_as_text(const Value *v, struct Arena *a, size_t *len);
/* Name of the kind for messages: "null", "integer", "real", "text", ... */
const char *value_kind_name(ValKind k);

#endif
