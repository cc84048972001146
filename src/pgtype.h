/* pgtype.h - PostgreSQL target column types as pgmap understands them, and
 * the final step of every pipeline: checking a value against the target
 * column's type and rendering it in the type's text input form.
 *
 * pgmap checks values itself (rather than letting COPY fail) so a failure
 * names the table, key, column and value, and so the dry run finds the same
 * problems as a real run.  Types pgmap does not know (PT_OTHER: arrays,
 * enums, domains, ...) pass text through and the database checks them; the
 * loader isolates the rows it refuses. */
#ifndef PGMAP_PGTYPE_H
#define PGMAP_PGTYPE_H

#include <stddef.h>
#include "util.h"
#include "value.h"

typedef enum PgTypeKind {
    PT_OTHER = 0,
    PT_TEXT,        /* text, name, citext */
    PT_VARCHAR,     /* character varying(n): length in characters */
    PT_CHAR,        /* character(n) */
    PT_INT2, PT_INT4, PT_INT8,
    PT_NUMERIC,     /* numeric(p,s) or unconstrained */
    PT_FLOAT4, PT_FLOAT8,
    PT_BOOL,
    PT_UUID,
    PT_DATE,
    PT_TIMESTAMP,   /* without time zone */
    PT_TIMESTAMPTZ,
    PT_TIME,
    PT_JSON, PT_JSONB,
    PT_BYTEA
} PgTypeKind;

typedef struct PgType {
    PgTypeKind kind;
    int length;      /* PT_VARCHAR/PT_CHAR: max characters, -1 = none */
    int precision;   /* PT_NUMERIC: -1 = unconstrained */
    int scale;       /* PT_NUMERIC */
    char name[64];   /* format_type() text, for messages: "numeric(10,2)" */
} PgType;

/* Builds a PgType from pg_type.typname (of the base type for domains),
 * pg_attribute.atttypmod and format_type(atttypid, atttypmod). */
PgType pgtype_from_catalog(const char *typname, int typmod, const char *formatted);

/* Checks v against t and appends its text input form to out (NOT escaped
 * for COPY; see copy_escape).  NULL values are not passed here.  Returns 0,
 * or -1 with a reason in msg such as `value too long for character
 * varying(20) (23 characters)` or `"abc" is not a valid integer`.
 * Text values are checked to be valid UTF-8 without NUL bytes for every
 * textual type.  Rules by type:
 *  - integers: INT in range; REAL with an integral value; TEXT that is an
 *    integer literal (surrounding white space allowed).
 *  - numeric: INT, finite REAL (shortest round-trip digits), TEXT decimal
 *    literal; precision/scale enforced as PostgreSQL would round/refuse.
 *  - float: INT, REAL (NaN/Infinity written as PostgreSQL spells them), TEXT.
 *  - bool: BOOL, INT 0/1, TEXT t/f/true/false/yes/no/on/off/1/0/y/n.
 *  - uuid: TEXT in any form PostgreSQL accepts, written canonically.
 *  - date/timestamp/timestamptz/time: TEXT in ISO 8601 (space or T,
 *    fractional seconds up to 6 digits, optional Z or +hh[:mm] offset for
 *    timestamptz; a timestamptz without offset is UTC).  Numbers are
 *    refused with a hint to use the epoch operation.  Also every form
 *    PostgreSQL itself prints (so PG -> PG is faithful): ` BC`, infinity
 *    and -infinity, years beyond 9999, offsets with seconds, time 24:00.
 *  - numeric: NaN, and +-Infinity when unconstrained, as the server takes them.
 *  - json/jsonb: TEXT that is valid JSON.
 *  - bytea: BLOB (written as \x hex), TEXT as its bytes.
 *  - text/varchar/char: anything rendered as text; length checked. */
int pgtype_cast(const PgType *t, const Value *v, Buf *out, char *msg, size_t msglen);

/* Appends s[0..len) to out escaped for COPY's text format (backslash,
 * newline, carriage return, tab). */
void copy_escape(Buf *out, const char *s, size_t len);

/* Validation helpers shared with the operations. */
int utf8_valid(const char *s, size_t len);
size_t utf8_charlen(const char *s, size_t len); /* characters in valid UTF-8 */
int json_valid(const char *s, size_t len);

#endif
