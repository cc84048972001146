/* timeparse.c - ISO 8601 and strftime-subset parsing without the C
 * library's locale-dependent strptime(); see timeparse.h. */
#include "timeparse.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_ws(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

int tp_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tp_days_in_month(int64_t y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12)
        return 0;
    return dm[m - 1] + (m == 2 && tp_is_leap(y));
}

/* Howard Hinnant's days_from_civil: days since 1970-01-01, proleptic
 * Gregorian, exact for negative years too. */
int64_t tp_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tp_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Reads between min and max digits at *p; -1 when fewer than min. */
static int num(const char **p, const char *e, int min, int max)
{
    int v = 0, n = 0;
    while (*p < e && n < max && is_digit(**p)) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    return n >= min ? v : -1;
}

/* Fraction of 1 to 6 digits as microseconds. */
static int frac(const char **p, const char *e)
{
    const char *start = *p;
    int v = num(p, e, 1, 6);
    if (v < 0 || (*p < e && is_digit(**p)))
        return -1;
    for (long n = *p - start; n < 6; n++)
        v *= 10;
    return v;
}

/* Z, +hh, +hhmm or +hh:mm (with_sec: also +hh:mm:ss) into seconds east;
 * TP_SYNTAX when absent. */
static int offset(const char **p, const char *e, int *sec, int with_sec)
{
    const char *q = *p;
    if (q < e && (*q == 'Z' || *q == 'z')) {
        *sec = 0;
        *p = q + 1;
        return TP_OK;
    }
    if (q >= e || (*q != '+' && *q != '-'))
        return TP_SYNTAX;
    int neg = *q++ == '-';
    int h = num(&q, e, 2, 2), mi = 0;
    if (h < 0)
        return TP_SYNTAX;
    if (q < e && *q == ':')
        q++;
    if (q < e && is_digit(*q) && (mi = num(&q, e, 2, 2)) < 0)
        return TP_SYNTAX;
    if (q[-1] == ':')
        return TP_SYNTAX;
    int se = 0;
    if (with_sec && e - q >= 3 && *q == ':' && is_digit(q[1])) {
        q++;
        if ((se = num(&q, e, 2, 2)) < 0)
            return TP_SYNTAX;
    }
    *p = q;
    if (h > 15 || mi > 59 || se > 59)
        return TP_INVALID;
    *sec = (neg ? -1 : 1) * (h * 3600 + mi * 60 + se);
    return TP_OK;
}

static int zone_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           c == '_' || c == '/' || c == '+' || c == '-';
}

/* A zone name; UTC, GMT, UT and Z become offset 0, others are kept. */
static int zone_name(const char **p, const char *e, TimeParts *tp)
{
    const char *q = *p;
    if (q >= e || !((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')))
        return TP_SYNTAX;
    while (q < e && zone_char(*q))
        q++;
    size_t n = (size_t)(q - *p);
    if (n >= sizeof tp->zone)
        return TP_SYNTAX;
    if ((n == 3 && (ascii_ncasecmp(*p, "UTC", 3) == 0 || ascii_ncasecmp(*p, "GMT", 3) == 0)) ||
        (n == 2 && ascii_ncasecmp(*p, "UT", 2) == 0) || (n == 1 && (**p == 'Z' || **p == 'z'))) {
        tp->has_offset = 1;
        tp->offset_sec = 0;
    } else {
        memcpy(tp->zone, *p, n);
        tp->zone[n] = '\0';
    }
    *p = q;
    return TP_OK;
}

/* min_year is 1, or lower for astronomical BC years (TP_PG). */
static int check_fields(const TimeParts *tp, int min_year)
{
    if (tp->year < min_year || tp->month < 1 || tp->month > 12 || tp->day < 1 ||
        tp->day > tp_days_in_month(tp->year, tp->month))
        return TP_INVALID;
    if (tp->hour > 23 || tp->minute > 59 || tp->second > 59)
        return TP_INVALID;
    return TP_OK;
}

static int hms(const char **p, const char *e, TimeParts *tp)
{
    const char *q = *p;
    tp->hour = num(&q, e, 2, 2);
    if (tp->hour < 0 || q >= e || *q++ != ':' || (tp->minute = num(&q, e, 2, 2)) < 0)
        return TP_SYNTAX;
    if (q < e && *q == ':') {
        q++;
        if ((tp->second = num(&q, e, 2, 2)) < 0)
            return TP_SYNTAX;
        if (q < e && (*q == '.' || *q == ',')) {
            q++;
            if ((tp->usec = frac(&q, e)) < 0)
                return TP_SYNTAX;
        }
    }
    if (q < e && is_digit(*q))
        return TP_SYNTAX;
    tp->has_time = 1;
    *p = q;
    return TP_OK;
}

/* After the time: optional [space] offset, or (flag) space zone name. */
static int iso_zone(const char **p, const char *e, TimeParts *tp, int flags)
{
    const char *q = *p;
    if (q < e && *q == ' ')
        q++;
    if (q < e && (*q == '+' || *q == '-' || *q == 'Z' || *q == 'z')) {
        int rc = offset(&q, e, &tp->offset_sec, flags & TP_PG);
        if (rc != TP_OK)
            return rc;
        tp->has_offset = 1;
        *p = q;
        return TP_OK;
    }
    if ((flags & TP_ZONE_NAME) && q > *p && zone_name(&q, e, tp) == TP_OK) {
        *p = q;
        return TP_OK;
    }
    return TP_SYNTAX;
}

int tp_parse_iso(const char *s, size_t len, TimeParts *tp, int flags)
{
    /* PostgreSQL writes " BC" after everything, the offset included */
    int bc = (flags & TP_PG) && len > 3 && memcmp(s + len - 3, " BC", 3) == 0;
    const char *p = s, *e = s + len - (bc ? 3 : 0);
    memset(tp, 0, sizeof *tp);
    tp->year = num(&p, e, 4, (flags & TP_PG) ? 7 : 4);
    if (tp->year < 0 || p >= e || *p++ != '-' || (tp->month = num(&p, e, 2, 2)) < 0 ||
        p >= e || *p++ != '-' || (tp->day = num(&p, e, 2, 2)) < 0)
        return TP_SYNTAX;
    if (p < e && (*p == 'T' || *p == 't' || *p == ' ')) {
        p++;
        int rc = hms(&p, e, tp);
        if (rc != TP_OK)
            return rc;
        if (p < e && (rc = iso_zone(&p, e, tp, flags)) != TP_OK)
            return rc;
    }
    if (p != e)
        return TP_SYNTAX;
    if (!bc)
        return check_fields(tp, 1);
    if (tp->year < 1) /* there is no year 0 BC */
        return TP_INVALID;
    tp->year = 1 - tp->year;
    return check_fields(tp, INT32_MIN);
}

static int parse_time(const char *s, size_t len, TimeParts *tp, int allow_24)
{
    const char *p = s, *e = s + len;
    memset(tp, 0, sizeof *tp);
    tp->year = 2000;
    tp->month = tp->day = 1;
    int rc = hms(&p, e, tp);
    if (rc != TP_OK || p != e)
        return TP_SYNTAX;
    if (allow_24 && tp->hour == 24 && !tp->minute && !tp->second && !tp->usec)
        return TP_OK;
    return check_fields(tp, 1);
}

int tp_parse_time(const char *s, size_t len, TimeParts *tp)
{
    return parse_time(s, len, tp, 0);
}

int tp_parse_pgtime(const char *s, size_t len, TimeParts *tp)
{
    return parse_time(s, len, tp, 1);
}

static const char *const months[] = {"january", "february", "march", "april", "may", "june", "july",
                                     "august", "september", "october", "november", "december"};

static int month_name(const char **p, const char *e)
{
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(months[m]);
        if ((size_t)(e - *p) >= full && ascii_ncasecmp(*p, months[m], full) == 0) {
            *p += full;
            return m + 1;
        }
    }
    for (int m = 0; m < 12; m++) {
        if (e - *p >= 3 && ascii_ncasecmp(*p, months[m], 3) == 0) {
            *p += 3;
            return m + 1;
        }
    }
    return -1;
}

typedef struct FmtState {
    int pm;          /* -1 none, 0 am, 1 pm */
    int yday;        /* %j, 0 = none */
    int have_md;
} FmtState;

/* One directive at *p; returns TP_OK or TP_SYNTAX/TP_INVALID. */
static int directive(char d, const char **p, const char *e, TimeParts *tp, FmtState *st)
{
    int v = 0;
    switch (d) {
    case 'Y': v = tp->year = num(p, e, 4, 4); break;
    case 'y': v = num(p, e, 2, 2); tp->year = v < 0 ? -1 : (v < 69 ? 2000 + v : 1900 + v); break;
    case 'm': v = tp->month = num(p, e, 1, 2); st->have_md = 1; break;
    case 'd': v = tp->day = num(p, e, 1, 2); break;
    case 'H': case 'I': v = tp->hour = num(p, e, 1, 2); tp->has_time = 1; break;
    case 'M': v = tp->minute = num(p, e, 1, 2); break;
    case 'S': v = tp->second = num(p, e, 1, 2); break;
    case 'f': v = tp->usec = frac(p, e); break;
    case 'j': v = st->yday = num(p, e, 1, 3); break;
    case 'b': case 'B': v = tp->month = month_name(p, e); st->have_md = 1; break;
    case 'p':
        if (e - *p >= 2 && ascii_ncasecmp(*p, "am", 2) == 0) st->pm = 0;
        else if (e - *p >= 2 && ascii_ncasecmp(*p, "pm", 2) == 0) st->pm = 1;
        else return TP_SYNTAX;
        *p += 2;
        break;
    case 'z': {
        int rc = offset(p, e, &tp->offset_sec, 0);
        tp->has_offset = rc == TP_OK;
        return rc;
    }
    case 'Z': return zone_name(p, e, tp);
    case '%': if (*p >= e || **p != '%') return TP_SYNTAX; (*p)++; break;
    default: return TP_SYNTAX;
    }
    return v < 0 ? TP_SYNTAX : TP_OK;
}

/* Applies %p and %j once everything is read. */
static int resolve(TimeParts *tp, const FmtState *st)
{
    if (st->pm >= 0) {
        if (tp->hour < 1 || tp->hour > 12)
            return TP_INVALID;
        tp->hour = tp->hour % 12 + (st->pm ? 12 : 0);
    }
    if (st->yday && !st->have_md) {
        if (tp->year < 1 || st->yday > 365 + tp_is_leap(tp->year))
            return TP_INVALID;
        int64_t y;
        int64_t z = tp_days_from_civil(tp->year, 1, 1) + st->yday - 1;
        tp_civil_from_days(z, &y, &tp->month, &tp->day);
    }
    return check_fields(tp, 1);
}

int tp_parse_format(const char *s, size_t len, const char *fmt, TimeParts *tp)
{
    const char *p = s, *e = s + len;
    FmtState st = {-1, 0, 0};
    memset(tp, 0, sizeof *tp);
    tp->year = -1;
    for (const char *f = fmt; *f; f++) {
        if (is_ws(*f)) {
            while (p < e && is_ws(*p))
                p++;
        } else if (*f == '%' && f[1]) {
            int rc = directive(*++f, &p, e, tp, &st);
            if (rc != TP_OK)
                return rc;
        } else if (p < e && *p == *f) {
            p++;
        } else {
            return TP_SYNTAX;
        }
    }
    if (p != e)
        return TP_SYNTAX;
    return resolve(tp, &st);
}

int tp_check_format(const char *fmt, char *err, size_t errlen)
{
    int year = 0, md = 0, day = 0, yday = 0;
    for (const char *f = fmt; *f; f++) {
        if (*f != '%')
            continue;
        char d = *++f;
        if (!d || !strchr("YmdHMSfybBpIjzZ%", d)) {
            snprintf(err, errlen, "unknown directive %%%c in format \"%s\"", d ? d : ' ', fmt);
            return -1;
        }
        year |= d == 'Y' || d == 'y';
        md |= d == 'm' || d == 'b' || d == 'B';
        day |= d == 'd';
        yday |= d == 'j';
    }
    if (!year || !((md && day) || yday)) {
        snprintf(err, errlen, "format \"%s\" needs a year (%%Y or %%y) and a month and day (or %%j)", fmt);
        return -1;
    }
    return 0;
}

/* Writes v in exactly width digits at p. */
static void fixed_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10)
        p[i] = (char)('0' + v % 10);
}

void tp_format_datetime(const TimeParts *tp, char *out, size_t outlen)
{
    /* By hand in the common case: snprintf was a twentieth of the
     * conversion time of a table with two timestamp columns. */
    if (tp->year >= 0 && tp->year <= 9999 && tp->month >= 0 && tp->month <= 99 && tp->day >= 0 &&
        tp->day <= 99 && tp->hour >= 0 && tp->hour <= 99 && tp->minute >= 0 && tp->minute <= 99 &&
        tp->second >= 0 && tp->second <= 99 && tp->usec >= 0 && tp->usec <= 999999 && outlen >= 27) {
        fixed_digits(out, tp->year, 4);
        out[4] = '-';
        fixed_digits(out + 5, tp->month, 2);
        out[7] = '-';
        fixed_digits(out + 8, tp->day, 2);
        out[10] = ' ';
        fixed_digits(out + 11, tp->hour, 2);
        out[13] = ':';
        fixed_digits(out + 14, tp->minute, 2);
        out[16] = ':';
        fixed_digits(out + 17, tp->second, 2);
        size_t n = 19;
        if (tp->usec) {
            out[n++] = '.';
            fixed_digits(out + n, tp->usec, 6);
            n += 6;
        }
        out[n] = '\0';
        return;
    }
    int n = snprintf(out, outlen, "%04d-%02d-%02d %02d:%02d:%02d", tp->year, tp->month, tp->day,
                     tp->hour, tp->minute, tp->second);
    if (tp->usec && n > 0 && (size_t)n < outlen)
        snprintf(out + n, outlen - (size_t)n, ".%06d", tp->usec);
}

void tp_format_offset(int offset_sec, int long_form, char *out, size_t outlen)
{
    int a = offset_sec < 0 ? -offset_sec : offset_sec;
    char sign = offset_sec < 0 ? '-' : '+';
    if (a % 60 == 0 && a / 3600 < 100 && outlen >= 7) {   /* by hand: one per timestamptz */
        out[0] = sign;
        fixed_digits(out + 1, a / 3600, 2);
        size_t n = 3;
        if (long_form || (a / 60) % 60) {
            out[n++] = ':';
            fixed_digits(out + n, (a / 60) % 60, 2);
            n += 2;
        }
        out[n] = '\0';
        return;
    }
    if (a % 60)
        snprintf(out, outlen, "%c%02d:%02d:%02d", sign, a / 3600, (a / 60) % 60, a % 60);
    else if (long_form || (a / 60) % 60)
        snprintf(out, outlen, "%c%02d:%02d", sign, a / 3600, (a / 60) % 60);
    else
        snprintf(out, outlen, "%c%02d", sign, a / 3600);
}
