/* timeparse.h - locale-independent date and time parsing for the time
 * operations and the date/time casts: ISO 8601 and a strftime-like subset
 * (%Y %m %d %H %M %S %f %y %b %B %p %I %j %z %Z %%), calendar validation and
 * days-from-civil arithmetic.  strptime() is not used because it follows
 * LC_TIME and differs between C libraries. */
#ifndef PGMAP_TIMEPARSE_H
#define PGMAP_TIMEPARSE_H

#include <stddef.h>
#include <stdint.h>

typedef struct TimeParts {
    int year, month, day;
    int hour, minute, second, usec;
    int has_time;        /* a time of day was given */
    int has_offset;      /* offset_sec is set (Z, +hh[:mm], %z, UTC/GMT) */
    int offset_sec;      /* seconds east of UTC */
    char zone[64];       /* a zone name other than UTC (%Z or after ISO), or "" */
} TimeParts;

/* Results of the parsers. */
enum { TP_OK = 0, TP_SYNTAX = -1, TP_INVALID = -2 /* right shape, impossible date/time */ };

#define TP_ZONE_NAME 1   /* tp_parse_iso: accept " Zone/Name" after the time */
/* tp_parse_iso: also accept what PostgreSQL itself prints (DateStyle ISO),
 * so a PostgreSQL source reaches the target unchanged: years of 5 to 7
 * digits, a trailing " BC" (the year is then stored astronomically: 1 BC is
 * year 0, 2 BC is -1, so leap years and day arithmetic stay right) and
 * offsets with seconds (+hh:mm:ss, local mean time before 1900).  Not for
 * the operations: their callers format years 1 to 9999 only. */
#define TP_PG 2

/* ISO 8601: YYYY-MM-DD, optionally followed by T or space and
 * HH:MM[:SS[.f{1,6}]], optionally followed by Z, +hh, +hhmm or +hh:mm (a
 * space before the offset is allowed).  The whole string must match. */
int tp_parse_iso(const char *s, size_t len, TimeParts *tp, int flags);
/* HH:MM[:SS[.f{1,6}]] alone (time columns). */
int tp_parse_time(const char *s, size_t len, TimeParts *tp);
/* tp_parse_time plus the 24:00[:00[.0*]] that PostgreSQL's time type
 * accepts and prints (hour is then 24). */
int tp_parse_pgtime(const char *s, size_t len, TimeParts *tp);
/* Parses s with a format (see above); the whole string must match.  White
 * space in the format matches any run of white space (or none). */
int tp_parse_format(const char *s, size_t len, const char *fmt, TimeParts *tp);
/* Checks a format once at load: known directives, a year, and a month and
 * day or a day of year.  0, or -1 with a reason in err. */
int tp_check_format(const char *fmt, char *err, size_t errlen);

int tp_is_leap(int64_t y);
int tp_days_in_month(int64_t y, int m);
int64_t tp_days_from_civil(int64_t y, int m, int d);
void tp_civil_from_days(int64_t z, int64_t *y, int *m, int *d);

/* Appends "YYYY-MM-DD HH:MM:SS[.ffffff]" to out (at least 40 bytes). */
void tp_format_datetime(const TimeParts *tp, char *out, size_t outlen);
/* "+HH:MM" (long = 1) or "+HH" / "+HH:MM" when minutes are not zero;
 * ":SS" is added when the offset has seconds. */
void tp_format_offset(int offset_sec, int long_form, char *out, size_t outlen);

#endif
