/* benchgen_date.c - the benchmark generator's dates, computed by hand so
 * that no time zone or locale can change a generated database. */
#include <stdio.h>

#include "benchgen.h"

/* Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's
 * algorithm): our own, so no time zone or locale can change the output. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

/* YYYY-MM-DD of a day number; buf holds at least 16 bytes. */
int fmt_date(char *buf, int64_t days)
{
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    return snprintf(buf, 16, "%04d-%02u-%02u", y, m, d);
}
