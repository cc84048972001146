/* canon.h - the text PostgreSQL prints for a value, computed on pgmap's
 * side, and the row fingerprint built from it.
 *
 * pgmap sync compares a source table with the loaded target table without
 * shipping the data: the server computes md5(ROW(c1, ..., cn)::text) per row
 * and pgmap computes the same digest from its own cast of the source row.
 * That only works when pgmap writes each value exactly as the server's
 * output function would, in a session with
 *
 *     SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD';
 *     SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 3;
 *     (bytea_output = 'hex', the default; a UTF-8 database)
 *
 * so canon_text turns the cast's input form into that output form, and says
 * honestly when it cannot (a row with such a value must be compared some
 * other way).  Every rule is checked against a real server by
 * tests/integration/canon_server.sh. */
#ifndef PGMAP_CANON_H
#define PGMAP_CANON_H

#include <stddef.h>
#include <stdint.h>

#include "pgtype.h"
#include "util.h"

/* Appends to out the text PostgreSQL prints for a value of type t (session
 * settings above), given the text pgtype_cast produced for it (s, len).
 * Returns 1 when out holds exactly what the server prints, 0 when pgmap
 * cannot promise that (out then holds s unchanged): PT_OTHER types,
 * timestamptz with a zone name, values the server would refuse, and forms
 * the cast never writes that this code does not model. */
int canon_text(const PgType *t, const char *s, size_t len, Buf *out);

/* Record text as PostgreSQL's record_out writes it: "(" fields joined by
 * "," ")"; a NULL field is empty; a field is double-quoted when it is empty
 * or contains any of " \ ( ) , or white space (isspace in the C locale), and
 * inside quotes " and \ are doubled.  canon_record_field writes the commas;
 * begin/field/end append to whatever rec already holds. */
void canon_record_begin(Buf *rec);
void canon_record_field(Buf *rec, const char *s, size_t len, int isnull);
void canon_record_end(Buf *rec);

/* The two 32-bit halves sync uses, from the md5 of the record text: h1 =
 * first 4 bytes, h2 = next 4 bytes, each read big-endian as a signed int32.
 * In SQL: ('x'||substr(md5(txt),1,8))::bit(32)::int and
 *         ('x'||substr(md5(txt),9,8))::bit(32)::int */
void canon_hash(const char *txt, size_t len, int32_t *h1, int32_t *h2);

/* ---- shared by canon.c, canon_num.c and canon_json.c ---- */

/* numeric_in followed by numeric_out: [+-]digits[.digits][e[+-]digits]
 * (white space around allowed) written with no exponent, no leading zeros,
 * "-" only when not zero, and the fraction digits the input implies
 * (max(0, written - exponent)); NaN and [+-]Infinity in PostgreSQL's
 * spelling.  scale >= 0 rounds half away from zero to exactly that many
 * digits (numeric(p,s)); scale < 0 keeps the input's.  Returns 1, or 0
 * when the text is not a number or beyond what this code models. */
int canon_numeric(const char *s, size_t len, int scale, Buf *out);
/* 1 when a canon_numeric result (rounded to scale) fits numeric(precision,
 * scale), i.e. its absolute value is below 10^(precision - scale); the
 * server refuses the rest with "numeric field overflow". */
int canon_numeric_fits(const char *c, int precision, int scale);
/* float8out / float4out with extra_float_digits > 0: the shortest digits
 * that read back as the same value, as %e when the decimal exponent is
 * below -4 or at least 15 (float4: 6), else fixed.  0 when the text is
 * not a float the server accepts. */
int canon_float(const char *s, size_t len, int is_float4, Buf *out);
/* jsonb_in followed by jsonb_out (canon_json.c). */
int canon_jsonb(const char *s, size_t len, Buf *out);

#endif
