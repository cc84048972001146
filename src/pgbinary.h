/* pgbinary.h - COPY's binary format: the file header and trailer, a row's
 * field count, and each value as the type's receive function reads it.
 *
 * Why: the server parses text COPY data with each type's input function
 * (digits, dates, uuids, numerics by hand), which on the benchmark was
 * half of its work; binary fields are copied nearly as they are.  The
 * value is checked and rendered exactly as for text COPY (pgtype_cast:
 * the same problems, messages and rejects) and that canonical text is
 * then encoded, so the two formats cannot disagree about what a value is.
 *
 * A value binary cannot carry (a timestamptz with a zone name, which only
 * the server's zone database can resolve) makes pgtype_cast_binary return
 * PGBIN_CANNOT: the caller then loads the table as text. */
#ifndef PGMAP_PGBINARY_H
#define PGMAP_PGBINARY_H

#include <stdint.h>
#include "pgtype.h"

enum { PGBIN_CANNOT = -2 };

/* 1 when every value of the kind can travel in binary (PT_OTHER cannot:
 * pgmap does not know its receive format). */
int pgbin_kind_ok(PgTypeKind k);

/* "PGCOPY\n\377\r\n\0", flags and the header extension length. */
void pgbin_header(Buf *out);
/* The end of the data: a field count of -1. */
void pgbin_trailer(Buf *out);
/* A row's field count. */
void pgbin_row(Buf *out, int nfields);
/* A NULL field. */
void pgbin_null(Buf *out);

/* pgtype_cast, with the value appended to out as a binary COPY field (its
 * length, then its bytes).  scratch holds the text form in between.
 * 0; -1 with msg set (the value is wrong for the type, as pgtype_cast
 * says); PGBIN_CANNOT when the value is right but binary cannot carry it.
 * out is left as it was unless 0 is returned. */
int pgtype_cast_binary(const PgType *t, const Value *v, Buf *scratch, Buf *out, char *msg,
                       size_t msglen);

/* The binary form of a canonical text (as pgtype_cast writes it) without
 * the length: 0, or PGBIN_CANNOT.  Exposed for the unit tests. */
int pgbin_from_text(const PgType *t, const char *s, size_t len, Buf *out);

#endif
