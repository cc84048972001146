/* ops_internal.h - private declarations shared by the operation files
 * (ops*.c), value.c and pgtype.c.  Nothing outside this module includes it.
 *
 * Every operation keeps its compiled arguments in one OpArgs struct: a
 * single layout with one free function is simpler to get right (and to
 * check for leaks) than twenty small structs, and the waste is a few dozen
 * bytes per compiled op. */
#ifndef PGMAP_OPS_INTERNAL_H
#define PGMAP_OPS_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <locale.h>
#include <pcre2.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "ops.h"
#include "util.h"
#include "value.h"
#include "ynode.h"

/* A list of byte strings; isnull[i] marks a YAML null (map keys/values). */
typedef struct StrList {
    size_t n;
    char **s;
    size_t *len;
    unsigned char *isnull;
} StrList;

typedef struct OpArgs {
    StrList list;        /* null_if, in, formats, to_bool true set, map keys */
    StrList list2;       /* to_bool false set, map values */
    int has_list, has_list2;
    char *str;           /* default value, trim chars, tz, regex pattern */
    size_t str_len;
    char *repl;          /* regex_replace replacement */
    int global;          /* regex_replace: every match (default) */
    int group;           /* regex_extract: capture group number */
    pcre2_code *re;
    pcre2_match_data *md;
    char dec[8], grp[8]; /* to_numeric separators */
    int unit;            /* epoch: 1 (s), 1000 (ms), 1000000 (us) */
    char *min, *max;     /* range bounds, canonical decimals (NULL = open) */
    locale_t loc;        /* lower/upper: C.UTF-8 for locale-free case maps */
    int map_other;       /* map: what unlisted values become (MapOther) */
    int nulls_null;      /* concat: a NULL makes the result NULL */
    int empty;           /* coalesce: '' and white space count as missing */
    long index;          /* split: part number, negative from the end */
    int rest, missing_null; /* split: keep the rest; too few parts give NULL */
    int algo, as;        /* hash: HASH_MD5/HASH_SHA1, HASH_HEX/UUID/BIGINT */
    unsigned char ns[16]; /* uuid_v5: the namespace */
    LookupArgs lookup;   /* lookup: points into lookup_mem */
    char *lookup_mem[4]; /* lookup: table, schema, key, value (owned) */
} OpArgs;

/* map: unlisted non-NULL values pass (the plain form), become the fallback
 * (str, or NULL), or fail (strict). */
enum MapOther { MAP_KEEP = 0, MAP_FALLBACK, MAP_FALLBACK_NULL, MAP_STRICT };
enum { HASH_MD5 = 0, HASH_SHA1 };
enum { HASH_HEX = 0, HASH_UUID, HASH_BIGINT };

/* What a compiler gets: the op's name node and its arguments (NULL when the
 * op was a bare name or its value was a YAML null). */
typedef struct OpCtx {
    const char *name;
    const YNode *item;   /* the list item, for positions */
    const YNode *args;
    Diags *d;
} OpCtx;

typedef int (*OpCompileFn)(OpArgs *a, const OpCtx *c);
typedef int (*OpRunFn)(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen);

#define PGM_OP_DECL(e, n, d) \
    int opc_##e(OpArgs *a, const OpCtx *c); \
    int opr_##e(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen);
PGM_OPS(PGM_OP_DECL)
#undef PGM_OP_DECL

/* The operations that combine the values of a multi-column from (see
 * op_combines); each has a combiner opm_X, and its runner is the combiner
 * on one value. */
#define PGM_COMBINING_OPS(X) X(CONCAT) X(COALESCE) X(HASH) X(UUID_V5)
typedef int (*OpCombineFn)(const OpArgs *a, const Value *vals, size_t n, Value *out, Arena *scratch,
                           char *msg, size_t msglen);
#define PGM_OPM_DECL(e) \
    int opm_##e(const OpArgs *a, const Value *vals, size_t n, Value *out, Arena *scratch, char *msg, size_t msglen);
PGM_COMBINING_OPS(PGM_OPM_DECL)
#undef PGM_OPM_DECL

/* map's fallback form (ops_misc.c) wraps the plain map of ops_text.c, so
 * ops.c dispatches OP_MAP to these instead of opc_MAP/opr_MAP. */
int opc_map_ext(OpArgs *a, const OpCtx *c);
int opr_map_ext(const OpArgs *a, Value *v, Arena *scratch, char *msg, size_t msglen);

/* ---- ops.c: argument helpers for compilers ---- */
/* Diagnostic at node n (or the item when n is NULL) prefixed "name: ". */
void opc_error(const OpCtx *c, const YNode *n, const char *fmt, ...) PGM_PRINTF(3, 4);
int opc_no_args(const OpCtx *c);
/* A scalar or a list of scalars into l; -1 (with diagnostic) otherwise. */
int opc_strlist(const OpCtx *c, const YNode *n, StrList *l, const char *what);
char *opc_scalar(const OpCtx *c, const YNode *n, const char *what, size_t *len);
/* Checks that every key of map n is one of the NULL-terminated keys. */
int opc_check_keys(const OpCtx *c, const YNode *n, const char *const *keys);
void strlist_push(StrList *l, const char *s, size_t len, int isnull);
void strlist_free(StrList *l);
/* Index of s in l (exact bytes, or ASCII case-insensitive), or -1. */
long strlist_find(const StrList *l, const char *s, size_t len, int nocase);

/* ---- ops.c: run helpers ---- */
int op_failf(char *msg, size_t msglen, const char *fmt, ...) PGM_PRINTF(3, 4);
/* The value as text (value_as_text); NULL values give NULL. */
const char *op_text(const Value *v, Arena *a, size_t *len);

/* ---- value.c ---- */
/* Shortest "%.*g" that reads back as d (finite d); returns buf. */
const char *real_shortest(double d, char *buf, size_t buflen);
/* Writes s quoted, escaped and cut at about 40 bytes ("...") into buf. */
const char *quote_value(const char *s, size_t len, char *buf, size_t buflen);
#define QBUF 200

/* ---- ops_num.c: exact decimals ---- */
typedef struct DecFmt {
    const char *dec;     /* decimal separator */
    const char *grp;     /* group separator, NULL or "" = none */
    int currency;        /* strip $ € £ ¥ and 3-letter upper-case codes */
    int exponent;        /* accept e/E exponents */
} DecFmt;
enum { DEC_OK = 0, DEC_SYNTAX = -1, DEC_RANGE = -2 };
/* Appends the canonical decimal (optional "-", no leading zeros, "." and the
 * fraction digits as written, no exponent, never "-0") to out. */
int dec_canon(const char *s, size_t len, const DecFmt *f, Buf *out);
int dec_cmp(const char *a, const char *b);   /* canonical decimals */
/* Canonical decimal of any number value: INT, finite REAL, numeric TEXT. */
int dec_of_value(const Value *v, Buf *out, char *msg, size_t msglen);
/* Rounds canonical c to scale digits (half away from zero) into out. */
void dec_round(const char *c, int scale, Buf *out);
/* Parses a canonical decimal with an all-zero fraction into *out. */
int dec_to_int64(const char *c, int64_t *out);

/* ---- ops_misc.c ---- */
/* Canonical lower-case uuid from text (braces, urn:uuid:, any case, hyphens
 * after groups of four) or a 16-byte blob; 0 or -1. */
int uuid_canon(const Value *v, char out[37]);
/* The same text forms into 16 bytes; 0 or -1. */
int uuid_parse(const char *s, size_t len, unsigned char b[16]);
/* Canonical lower-case 8-4-4-4-12 text of 16 bytes. */
void uuid_write(const unsigned char b[16], char out[37]);

/* ---- ops_key.c ---- */
/* uuid_v5's namespace for descriptions: "dns", "url", "oid", "x500" or
 * the uuid. */
void uuid_ns_describe(const unsigned char ns[16], char out[37]);

/* ---- utf8.c (utf8_seq is in util.h) ---- */
/* Offset of the first invalid UTF-8 byte, or len when valid. */
size_t utf8_check(const char *s, size_t len);
/* Full JSON check; reject_nul refuses \u0000 (jsonb); *err_off on error. */
int json_check(const char *s, size_t len, int reject_nul, size_t *err_off);

#endif
