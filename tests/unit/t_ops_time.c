/* t_ops_time.c - unit tests for the time operations (parse_timestamp,
 * parse_date, epoch): ISO 8601 forms, formats, offsets and zones, calendar
 * validity (leap days) and exact epoch arithmetic. */
#include <math.h>
#include <stdint.h>

#include "ops_test.h"

static void test_parse_timestamp(void)
{
    RUN("parse_timestamp", T("2021-06-16T20:14:09Z"), "2021-06-16 20:14:09+00:00");
    RUN("parse_timestamp", T("2021-06-16 20:14:09.309735+00"), "2021-06-16 20:14:09.309735+00:00");
    RUN("parse_timestamp", T("2021-06-16 20:14:09.5-0530"), "2021-06-16 20:14:09.500000-05:30");
    RUN("parse_timestamp", T("2021-06-16t20:14:09,25 +02:00"), "2021-06-16 20:14:09.250000+02:00");
    RUN("parse_timestamp", T("2021-06-16 20:14"), "2021-06-16 20:14:00");
    RUN("parse_timestamp", T(" 2021-06-16 "), "2021-06-16 00:00:00");
    RUN("parse_timestamp", T("2020-02-29 23:59:59"), "2020-02-29 23:59:59");
    RUN("parse_timestamp", T("2021-02-29 10:00"), "ERR:\"2021-02-29 10:00\" is not a valid timestamp");
    RUN("parse_timestamp", T("1900-02-29"), "ERR:\"1900-02-29\" is not a valid timestamp");
    RUN("parse_timestamp", T("2000-02-29"), "2000-02-29 00:00:00");
    RUN("parse_timestamp", T("2021-06-16 24:00:00"), "ERR:\"2021-06-16 24:00:00\" is not a valid timestamp");
    RUN("parse_timestamp", T("2021-06-16 10:60"), "ERR:\"2021-06-16 10:60\" is not a valid timestamp");
    RUN("parse_timestamp", T("2021-06-16 10:00+16"), "ERR:\"2021-06-16 10:00+16\" is not a valid timestamp");
    RUN("parse_timestamp", T("2021-06-16 10:00:00.1234567"), "ERR:\"2021-06-16 10:00:00.1234567\" is not an ISO 8601 timestamp");
    RUN("parse_timestamp", T("2021-6-16"), "ERR:\"2021-6-16\" is not an ISO 8601 timestamp");
    RUN("parse_timestamp", T("0000-01-01"), "ERR:\"0000-01-01\" is not a valid timestamp");
    RUN("parse_timestamp", T(""), "ERR:\"\" is not an ISO 8601 timestamp");
    RUN("parse_timestamp", value_text("2021-06-16\0", 11), "ERR:\"2021-06-16\\x00\" is not an ISO 8601 timestamp");
    RUN("parse_timestamp", value_null(), "NULL");
    RUN("{parse_timestamp: {tz: Europe/Paris}}", T("2021-06-16 10:00"), "2021-06-16 10:00:00 Europe/Paris");
    RUN("{parse_timestamp: {tz: Europe/Paris}}", T("2021-06-16 10:00Z"), "2021-06-16 10:00:00+00:00");
    RUN("{parse_timestamp: '%d/%m/%Y %H:%M'}", T("16/06/2021 08:05"), "2021-06-16 08:05:00");
    RUN("{parse_timestamp: '%d/%m/%Y %H:%M'}", T("1/6/2021 8:05"), "2021-06-01 08:05:00");
    RUN("{parse_timestamp: '%d/%m/%Y %H:%M'}", T("31/06/2021 08:05"), "ERR:\"31/06/2021 08:05\" is not a valid timestamp");
    RUN("{parse_timestamp: '%d/%m/%Y %H:%M'}", T("16-06-2021"), "ERR:\"16-06-2021\" matches neither ISO 8601 nor any of the formats");
    RUN("{parse_timestamp: '%d/%m/%Y %H:%M'}", T("2021-06-16T01:02:03"), "2021-06-16 01:02:03");
    RUN("{parse_timestamp: {formats: ['%b %d, %Y %I:%M %p', '%Y%m%d%H%M%S']}}", T("Jun 16, 2021 12:05 am"), "2021-06-16 00:05:00");
    RUN("{parse_timestamp: {formats: ['%b %d, %Y %I:%M %p', '%Y%m%d%H%M%S']}}", T("june 16, 2021 12:05 PM"), "2021-06-16 12:05:00");
    RUN("{parse_timestamp: {formats: ['%b %d, %Y %I:%M %p', '%Y%m%d%H%M%S']}}", T("Sep 1, 2021 1:00 PM"), "2021-09-01 13:00:00");
    RUN("{parse_timestamp: {formats: ['%b %d, %Y %I:%M %p', '%Y%m%d%H%M%S']}}", T("Jun 16, 2021 13:05 PM"), "ERR:\"Jun 16, 2021 13:05 PM\" is not a valid timestamp");
    RUN("{parse_timestamp: {formats: ['%b %d, %Y %I:%M %p', '%Y%m%d%H%M%S']}}", T("20210616203040"), "2021-06-16 20:30:40");
    RUN("{parse_timestamp: {formats: ['%b %d, %Y %I:%M %p', '%Y%m%d%H%M%S']}}", value_int(20210616203040), "2021-06-16 20:30:40");
    RUN("{parse_timestamp: '%d.%m.%y %H:%M:%S.%f %z'}", T("16.06.21 20:14:09.5 +0200"), "2021-06-16 20:14:09.500000+02:00");
    RUN("{parse_timestamp: '%d.%m.%y'}", T("16.06.69"), "1969-06-16 00:00:00");
    RUN("{parse_timestamp: '%d.%m.%y'}", T("16.06.68"), "2068-06-16 00:00:00");
    RUN("{parse_timestamp: '%Y-%j'}", T("2020-366"), "2020-12-31 00:00:00");
    RUN("{parse_timestamp: '%Y-%j'}", T("2021-060"), "2021-03-01 00:00:00");
    RUN("{parse_timestamp: '%Y-%j'}", T("2021-366"), "ERR:\"2021-366\" is not a valid timestamp");
    RUN("{parse_timestamp: '%Y-%m-%d %H:%M %Z'}", T("2021-06-16 10:00 EST"), "2021-06-16 10:00:00 EST");
    RUN("{parse_timestamp: '%Y-%m-%d %H:%M %Z'}", T("2021-06-16 10:00 UTC"), "2021-06-16 10:00:00+00:00");
    RUN("{parse_timestamp: '%Y-%m-%d %H:%M %Z'}", T("2021-06-16 10:00 America/New_York"), "2021-06-16 10:00:00 America/New_York");
    RUN("{parse_timestamp: '%Y %B %d %%'}", T("2021 December 05 %"), "2021-12-05 00:00:00");
    RUN("{parse_timestamp: '%Y %B %d'}", T("2021 Decembre 05"), "ERR:\"2021 Decembre 05\" matches neither ISO 8601 nor any of the formats");
    /* the server's own output forms are for the final cast only (TP_PG):
     * the operations keep to years 1-9999 and minute offsets */
    RUN("parse_timestamp", T("0044-03-15 12:00:00 BC"), "ERR:\"0044-03-15 12:00:00 BC\" is not an ISO 8601 timestamp");
    RUN("parse_timestamp", T("10000-01-01"), "ERR:\"10000-01-01\" is not an ISO 8601 timestamp");
    RUN("parse_timestamp", T("1900-01-01 00:00:00+00:09:21"), "ERR:\"1900-01-01 00:00:00+00:09:21\" is not an ISO 8601 timestamp");
    RUN("parse_timestamp", T("infinity"), "ERR:\"infinity\" is not an ISO 8601 timestamp");
    cerr("{parse_timestamp: '%d/%m/%Q'}", 2, 23, "parse_timestamp: unknown directive %Q in format \"%d/%m/%Q\"");
    cerr("{parse_timestamp: '%d/%m'}", 2, 23, "parse_timestamp: format \"%d/%m\" needs a year (%Y or %y) and a month and day (or %j)");
    cerr("{parse_timestamp: {formats: ['%Y-%m-%d', '%Y']}}", 2, 46, "parse_timestamp: format \"%Y\" needs a year (%Y or %y) and a month and day (or %j)");
    cerr("{parse_timestamp: {tz: 'Europe Paris'}}", 2, 28, "parse_timestamp: tz must be a time zone name such as UTC or Europe/Paris");
    cerr("{parse_timestamp: {zone: UTC}}", 2, 24, "parse_timestamp: unknown argument \"zone\"");
    cerr("{parse_timestamp: [a]}", 2, 23, "parse_timestamp: expected a format or a map with formats and/or tz");

}

static void test_parse_date(void)
{
    RUN("parse_date", T("2021-06-16"), "2021-06-16");
    RUN("parse_date", T("2021-06-16T23:59:59+05"), "2021-06-16");
    RUN("parse_date", T("2024-02-29"), "2024-02-29");
    RUN("parse_date", T("2023-02-29"), "ERR:\"2023-02-29\" is not a valid date");
    RUN("parse_date", T("2021-02-30"), "ERR:\"2021-02-30\" is not a valid date");
    RUN("parse_date", T("2021-13-01"), "ERR:\"2021-13-01\" is not a valid date");
    RUN("parse_date", T("2021-04-31"), "ERR:\"2021-04-31\" is not a valid date");
    RUN("parse_date", T("16/06/2021"), "ERR:\"16/06/2021\" is not an ISO 8601 date");
    RUN("parse_date", value_null(), "NULL");
    RUN("parse_date", T("0044-03-15 BC"), "ERR:\"0044-03-15 BC\" is not an ISO 8601 date");
    RUN("{parse_date: '%m/%d/%Y'}", T("06/16/2021"), "2021-06-16");
    RUN("{parse_date: {formats: ['%d %b %Y']}}", T("5 mar 2021"), "2021-03-05");
    cerr("{parse_date: {tz: UTC}}", 2, 19, "parse_date: unknown argument \"tz\"");

}

static void test_epoch(void)
{
    RUN("epoch", value_int(0), "1970-01-01 00:00:00+00:00");
    RUN("epoch", value_int(1623874449), "2021-06-16 20:14:09+00:00");
    RUN("epoch", value_int(-1), "1969-12-31 23:59:59+00:00");
    RUN("epoch", value_int(951782400), "2000-02-29 00:00:00+00:00");
    RUN("epoch", value_int(253402300799), "9999-12-31 23:59:59+00:00");
    RUN("epoch", value_int(253402300800), "ERR:253402300800 is out of range for a timestamp (years 1 to 9999)");
    RUN("epoch", value_int(INT64_MAX), "ERR:9223372036854775807 is out of range for a timestamp (years 1 to 9999)");
    RUN("epoch", value_int(-62135596800), "0001-01-01 00:00:00+00:00");
    RUN("epoch", value_int(-62135596801), "ERR:-62135596801 is out of range for a timestamp (years 1 to 9999)");
    RUN("epoch", value_real(1623874449.309735), "2021-06-16 20:14:09.309735+00:00");
    RUN("epoch", value_real(-0.5), "1969-12-31 23:59:59.500000+00:00");
    RUN("epoch", T("1623874449.5"), "2021-06-16 20:14:09.500000+00:00");
    RUN("epoch", T("1.0000005"), "1970-01-01 00:00:01.000001+00:00");
    RUN("epoch", T(" 86400 "), "1970-01-02 00:00:00+00:00");
    RUN("epoch", T("soon"), "ERR:\"soon\" is not a number");
    RUN("epoch", value_real(NAN), "ERR:NaN is not a finite number");
    RUN("epoch", value_bool(1), "ERR:a boolean value is not a number");
    RUN("epoch", value_null(), "NULL");
    RUN("{epoch: ms}", value_int(1623874449309), "2021-06-16 20:14:09.309000+00:00");
    RUN("{epoch: ms}", value_int(-1), "1969-12-31 23:59:59.999000+00:00");
    RUN("{epoch: us}", value_int(1623874449309735), "2021-06-16 20:14:09.309735+00:00");
    RUN("{epoch: us}", T("1.5"), "1970-01-01 00:00:00.000002+00:00");
    RUN("{epoch: s}", value_int(60), "1970-01-01 00:01:00+00:00");
    cerr("{epoch: ns}", 2, 13, "epoch: expected s, ms or us");
}

int main(void)
{
    scratch = arena_new();
    test_parse_timestamp();
    test_parse_date();
    test_epoch();
    arena_free(scratch);
    return done_testing();
}
