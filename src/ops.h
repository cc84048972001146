/* ops.h - the closed set of column operations (conversions, checks and
 * restructuring).
 *
 * Each operation is compiled once, when the mapping is loaded, from its YAML
 * node into an Op (regexes are compiled then, so a bad pattern is a load
 * error with its position), and then run on every value.  The list of
 * operations lives in one X-macro so the enum, the names, the compilers, the
 * runners and the descriptions (for `pgmap explain` and --help) cannot
 * drift apart.
 *
 * YAML forms (see man/pgmap-mapping.5):
 *     - trim                      bare name: no arguments
 *     - null_if: ["", "N/A"]      single-key map: name -> arguments
 *     - regex_replace: {pattern: "\\s+", replace: " "}
 */
#ifndef PGMAP_OPS_H
#define PGMAP_OPS_H

#include <stddef.h>
#include "value.h"
#include "ynode.h"

struct Arena;
struct Diags;

/* X(enum suffix, yaml name, one-line description) */
#define PGM_OPS(X) \
    X(NULL_IF,         "null_if",         "value equal to one of the listed strings becomes NULL") \
    X(DEFAULT,         "default",         "NULL becomes the given value") \
    X(TRIM,            "trim",            "removes leading and trailing white space (or the listed chars)") \
    X(LOWER,           "lower",           "lower-cases text (UTF-8)") \
    X(UPPER,           "upper",           "upper-cases text (UTF-8)") \
    X(REGEX_REPLACE,   "regex_replace",   "replaces matches of a PCRE2 pattern") \
    X(REGEX_EXTRACT,   "regex_extract",   "keeps a capture group of a PCRE2 pattern; fails when it does not match") \
    X(MATCH,           "match",           "check: fails unless the value matches a PCRE2 pattern") \
    X(TO_INT,          "to_int",          "converts to a 64-bit integer") \
    X(TO_NUMERIC,      "to_numeric",      "converts to an exact decimal; strips currency signs and group separators") \
    X(TO_BOOL,         "to_bool",         "converts to boolean from configurable true/false sets") \
    X(TO_UUID,         "to_uuid",         "converts to a canonical lower-case UUID") \
    X(PARSE_TIMESTAMP, "parse_timestamp", "parses ISO 8601 or the listed formats into a timestamp, with a time zone") \
    X(PARSE_DATE,      "parse_date",      "parses ISO 8601 or the listed formats into a date") \
    X(EPOCH,           "epoch",           "converts seconds, milliseconds or microseconds since 1970 into a UTC timestamp") \
    X(JSON,            "json",            "check: fails unless the value is valid JSON") \
    X(IN,              "in",              "check: fails unless the value is one of the listed strings") \
    X(RANGE,           "range",           "check: fails unless min <= value <= max (numbers)") \
    X(NOT_NULL,        "not_null",        "check: fails when the value is NULL") \
    X(MAP,             "map",             "replaces listed values by others; other values pass unchanged or become a fallback") \
    X(STRIP_NUL,       "strip_nul",       "removes NUL bytes from text (PostgreSQL text cannot hold them)") \
    X(FIX_UTF8,        "fix_utf8",        "rewrites bytes that are not UTF-8: as Latin-1 characters, or U+FFFD with replace") \
    X(CONCAT,          "concat",          "joins the values (of a multi-column from) as text with a separator, skipping NULLs") \
    X(COALESCE,        "coalesce",        "keeps the first value that is not NULL (nor empty, with empty: true)") \
    X(SPLIT,           "split",           "keeps one part of text split at a separator or a PCRE2 pattern") \
    X(HASH,            "hash",            "md5 or sha1 digest of the values, as hex, a uuid or a non-negative bigint") \
    X(UUID_V5,         "uuid_v5",         "RFC 4122 name-based (SHA-1) uuid of the values in a namespace") \
    X(LOOKUP,          "lookup",          "replaces a key by a column of the target table's row it identifies")

typedef enum OpKind {
#define PGM_OP_ENUM(e, n, d) OP_##e,
    PGM_OPS(PGM_OP_ENUM)
#undef PGM_OP_ENUM
    OP__COUNT
} OpKind;

typedef struct Op {
    OpKind kind;
    int line, col;      /* position of the operation in the mapping file */
    void *args;         /* compiled arguments, owned by the op (op_free) */
} Op;

/* Operation names and descriptions, indexed by OpKind. */
const char *op_name(OpKind k);
const char *op_description(OpKind k);
/* Looks a name up; returns 0 and sets *k, or -1 when unknown. */
int op_lookup(const char *name, OpKind *k);

/* Compiles one list item of a column's `ops:` (a bare scalar name, or a
 * single-key map name -> arguments).  On any problem adds diagnostics with
 * the position of the offending node (a bad PCRE2 pattern reports the
 * offset inside the pattern) and returns -1; out is then left empty (no
 * op_free needed).  On success returns 0 and out owns its arguments. */
int op_compile(Op *out, const YNode *item, struct Diags *d);
void op_free(Op *op);

/* Writes a short human summary of the op's arguments for `pgmap explain`,
 * e.g. `regex_replace(pattern="\s+", replace=" ")`, into buf. */
void op_describe(const Op *op, char *buf, size_t buflen);

/* Runs the operation on *v in place.  Results that need memory are
 * allocated in scratch (reset after each row).  Returns 0 on success, or -1
 * with a one-line reason in msg (e.g. `not a valid uuid`) when the value
 * fails; the caller adds table, key, column and value and applies on_error.
 * Runners must be safe on every input, including NUL bytes and invalid
 * UTF-8 (which fail, never crash). */
int op_run(const Op *op, Value *v, struct Arena *scratch, char *msg, size_t msglen);

/* Operations that take every value of a multi-column `from: [a, b, ...]` at
 * once (concat, coalesce, hash, uuid_v5): the executor runs the ops before
 * the first of them on each value separately, then this one on all. */
int op_combines(OpKind k);
/* Combines vals[0..n) into *out (results needing memory go in scratch).
 * Same contract as op_run; for n == 1 it gives what op_run gives.  An op
 * that does not combine takes only n == 1 ("combines no values"). */
int op_combine(const Op *op, const Value *vals, size_t n, Value *out, struct Arena *scratch, char *msg, size_t msglen);

/* lookup's arguments (the executor resolves it against the target).
 * schema and value are NULL when the mapping leaves them out. */
typedef struct LookupArgs { const char *table, *schema, *key, *value; } LookupArgs;
const LookupArgs *op_lookup_args(const Op *op);   /* NULL unless op->kind == OP_LOOKUP */

#endif
