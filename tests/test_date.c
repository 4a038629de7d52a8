/* test_date: every date variant the issue lists, and garbage. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "util.h"
#include "tap.h"

/* 2025-10-31T06:00:00Z */
#define T0	INT64_C(1761890400)

static void
date_is(const char *s, int64_t want)
{
	is_int(date_parse(s, strlen(s)), want, s);
}

/* fmt_rfc3339 against gmtime_r and strftime, which it used to be. */
static int
rfc3339_is_strftime(int64_t t)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	char		 got[21], want[21];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(want, "1970-01-01T00:00:00Z");
	fmt_rfc3339(got, t);
	if (strcmp(got, want) == 0)
		return 1;
	printf("# %lld: got %s, want %s\n", (long long)t, got, want);
	return 0;
}

static void
rfc3339(void)
{
	static const int64_t edges[] = { 0, -1, 1, 86399, 86400, -86400,
	    -86401, 951782400, 951868799, 4107542400, 4107542399,
	    -2203891200, -2203891201, -30610224000, -30610224001,
	    -30610224000 + 86399, 253402300799, 253402300800, -62135596800,
	    INT64_MIN / 2, INT64_MAX / 2 };
	size_t		 i;
	int64_t		 t;
	int		 bad = 0;

	for (i = 0; i < nitems(edges); i++)
		bad += !rfc3339_is_strftime(edges[i]);
	/* Every day of 1000-9999 is too many; a stride that visits all
	 * months, days and times of day, and each side of some midnights. */
	for (t = -30610224000; t <= 253402300799 && bad < 5; t += 3999971)
		bad += !rfc3339_is_strftime(t) +
		    !rfc3339_is_strftime(t - t % 86400) +
		    !rfc3339_is_strftime(t - t % 86400 - 1);
	is_int(bad, 0, "fmt_rfc3339 gives what gmtime_r and strftime give");
}

static void
http_is(const char *s, int64_t want)
{
	char	 name[96];

	snprintf(name, sizeof name, "http: %s", s);
	is_int(date_http(s, strlen(s)), want, name);
}

/* RFC 9110 5.6.7: the three forms, and nothing date_parse would add. */
static void
http_dates(void)
{
	char	 d[30];

	http_is("Sun, 06 Nov 1994 08:49:37 GMT", INT64_C(784111777));
	http_is("Sunday, 06-Nov-94 08:49:37 GMT", INT64_C(784111777));
	http_is("Sun Nov  6 08:49:37 1994", INT64_C(784111777));
	http_is("Fri, 31 Oct 2025 06:00:00 GMT", T0);
	http_is("Friday, 31-Oct-25 06:00:00 GMT", T0);
	http_is("Fri Oct 31 06:00:00 2025", T0);
	http_is(" Fri, 31 Oct 2025 06:00:00 GMT\t", T0);
	http_is("fri, 31 oct 2025 06:00:00 GMT", T0);
	/* What date_parse takes but an HTTP-date is not. */
	http_is("Fri, 31 Oct 2025 06:00:00 +0000", DATE_NONE);
	http_is("Fri, 31 Oct 2025 08:00:00 CEST", DATE_NONE);
	http_is("31 Oct 2025 06:00:00 GMT", DATE_NONE);
	http_is("Fri, 31 Oct 2025 06:00 GMT", DATE_NONE);
	http_is("Fri, 31 Oct 25 06:00:00 GMT", DATE_NONE);
	http_is("2025-10-31T06:00:00Z", DATE_NONE);
	http_is("1761890400", DATE_NONE);
	http_is("12:00", DATE_NONE);
	http_is("Fri, 31 Oct 2025 06:00:00 GMT junk", DATE_NONE);
	http_is("Fri, 31 Oct 2025 06:00:00", DATE_NONE);
	http_is("Fri, 31 Foo 2025 06:00:00 GMT", DATE_NONE);
	http_is("Fri, 31 Feb 2025 06:00:00 GMT", DATE_NONE);
	http_is("Fri, 31 Oct 2025 25:00:00 GMT", DATE_NONE);
	http_is("Xyz, 31 Oct 2025 06:00:00 GMT", DATE_NONE);
	http_is("Fri Oct 31 06:00:00 2025 GMT", DATE_NONE);
	http_is("", DATE_NONE);
	/* What fmt_rfc822 writes reads back. */
	fmt_rfc822(d, T0 + 12345);
	is_int(date_http(d, strlen(d)), T0 + 12345, "fmt_rfc822 reads back");
	is_int(date_http("Fri, 31 Oct 2025 06:00:00 GMTxyz", 29), T0,
	    "http: length honoured");
}

int
main(void)
{
	rfc3339();
	http_dates();
	date_is("fRI, 31 oct 2025 06:00:00 GMT", T0);
	date_is("FRIDAY, 31 OCTOBER 2025 06:00:00 GMT", T0);
	/* RFC 822 / 2822 */
	date_is("Fri, 31 Oct 2025 06:00:00 GMT", T0);
	date_is("Fri, 31 Oct 2025 06:00:00 +0000", T0);
	date_is("Fri, 31 Oct 2025 08:00:00 +0200", T0);
	date_is("Fri, 31 Oct 2025 01:00:00 -0500", T0);
	date_is("Fri, 31 Oct 2025 06:00:00 UT", T0);
	date_is("Fri, 31 Oct 2025 06:00:00 Z", T0);
	date_is("Fri, 31 Oct 2025 06:00:00 +0000 (UTC)", T0);
	/* no weekday, no comma, missing seconds, 2- and 3-digit years */
	date_is("31 Oct 2025 06:00:00 GMT", T0);
	date_is("Fri 31 Oct 2025 06:00:00 GMT", T0);
	date_is("Fri, 31 Oct 2025 06:00 GMT", T0);
	date_is("Fri, 31 Oct 25 06:00:00 GMT", T0);
	date_is("Fri, 31 Oct 125 06:00:00 GMT", T0);
	date_is("Sun, 31 Oct 99 06:00:00 GMT", INT64_C(941349600));
	date_is("Fri, 1 Oct 2025 06:00:00 GMT", T0 - 30 * 86400);
	/* named zones */
	date_is("Fri, 31 Oct 2025 01:00:00 EST", T0);
	date_is("Fri, 31 Oct 2025 02:00:00 EDT", T0);
	date_is("Thu, 30 Oct 2025 23:00:00 PDT", T0);
	date_is("Thu, 30 Oct 2025 22:00:00 PST", T0);
	date_is("Fri, 31 Oct 2025 01:00:00 CDT", T0);
	date_is("Fri, 31 Oct 2025 07:00:00 CET", T0);
	date_is("Fri, 31 Oct 2025 01:00:00 ET", T0);
	date_is("Fri, 31 Oct 2025 13:00:00 GMT+7", T0);
	date_is("Fri, 31 Oct 2025 13:00:00 GMT+07:00", T0);
	date_is("Fri, 31 Oct 2025 01:00:00 UTC-05:00", T0);
	date_is("Fri, 31 Oct 2025 11:30:00 IST", T0);
	date_is("Fri, 31 Oct 2025 06:00:00 XYZT", T0);
	date_is("Fri, 31 Oct 2025 06:00:00 A", T0);
	/* full names, other orders, AM/PM */
	date_is("Friday, October 31, 2025 6:00 AM GMT", T0);
	date_is("October 31, 2025 06:00:00 GMT", T0);
	date_is("Oct 31 2025 6:00:00 am", T0);
	date_is("31-Oct-2025 06:00:00 +0000", T0);
	date_is("Fri, 31 Oct 2025 6:00:00 PM +1200", T0);
	date_is("Fri, 31 Oct 2025", T0 - 6 * 3600);
	/* asctime */
	date_is("Fri Oct 31 06:00:00 2025", T0);
	date_is("Fri Oct  1 06:00:00 2025", T0 - 30 * 86400);
	/* RFC 3339 / W3CDTF / ISO 8601 */
	date_is("2025-10-31T06:00:00Z", T0);
	date_is("2025-10-31t06:00:00z", T0);
	date_is("2025-10-31T06:00:00.123Z", T0);
	date_is("2025-10-31T06:00:00,5Z", T0);
	date_is("2025-10-31T08:00:00+02:00", T0);
	date_is("2025-10-31T08:00:00+0200", T0);
	date_is("2025-10-31T08:00:00+02", T0);
	date_is("2025-10-31T01:00:00.000000-05:00", T0);
	date_is("2025-10-31T06:00Z", T0);
	date_is("2025-10-31T06:00:00", T0);
	date_is("2025-10-31 06:00:00", T0);
	date_is("2025-10-31 06:00:00 +0000", T0);
	date_is("2025-10-31 06:00:00 UTC", T0);
	date_is("2025-10-31", T0 - 6 * 3600);
	date_is("2025-10", T0 - 30 * 86400 - 6 * 3600);
	date_is("20251031T060000Z", T0);
	date_is("20251031", T0 - 6 * 3600);
	date_is("2025-304", T0 - 6 * 3600);
	date_is("  2025-10-31T06:00:00Z\n", T0);
	date_is("2016-12-31T23:59:60Z", INT64_C(1483228799));
	date_is("1969-12-31T23:59:59Z", -1);
	date_is("2024-02-29T00:00:00Z", INT64_C(1709164800));
	/* year only, year and month (W3CDTF) */
	date_is("2003", INT64_C(1041379200));
	date_is("2003-12", INT64_C(1070236800));
	/* tz database names: Etc/GMT+5 is five hours WEST of Greenwich */
	date_is("Fri, 31 Oct 2025 06:00:00 Etc/GMT", T0);
	date_is("Fri, 31 Oct 2025 01:00:00 Etc/GMT+5", T0);
	date_is("Fri, 31 Oct 2025 11:00:00 Etc/GMT-5", T0);
	date_is("Fri, 31 Oct 2025 06:00:00 Etc/UTC", T0);
	date_is("2025-10-31T06:00:00 Etc/GMT", T0);
	/* every zone feedparser names */
	date_is("Fri, 31 Oct 2025 07:00:00 MET", T0);
	date_is("Fri, 31 Oct 2025 08:00:00 MEST", T0);
	date_is("Fri, 31 Oct 2025 02:00:00 AT", T0);
	date_is("Fri, 31 Oct 2025 02:00:00 AST", T0);
	date_is("Fri, 31 Oct 2025 03:00:00 ADT", T0);
	date_is("Fri, 31 Oct 2025 00:00:00 MDT", T0);
	date_is("Fri, 31 Oct 2025 23:00:00 MT", T0 + 86400);
	date_is("Fri, 31 Oct 2025 22:00:00 PT", T0 + 86400);
	date_is("Fri, 31 Oct 2025 00:00:00 CT", T0);
	date_is("Friday, October 31, 2025 at 6:00 AM GMT", T0);
	/* Korean (KST): 오전 AM, 오후 PM; 년 월 일 year month day */
	date_is("2004-05-25 오후 11:23:17", INT64_C(1085494997));
	date_is("2004-05-25 오전 11:23:17", INT64_C(1085451797));
	date_is("2004-05-25 오후 12:00:00", INT64_C(1085454000));
	date_is("2004-05-25 오전 12:00:00", INT64_C(1085410800));
	date_is("2004년 05월 28일 01:31:15", INT64_C(1085675475));
	/* Greek and Hungarian names */
	date_is("Κυρ, 11 Ιούλ 2004 12:00:00 EST", INT64_C(1089565200));
	date_is("Τρι, 25 Μάι 2004 12:00:00 GMT", INT64_C(1085486400));
	date_is("Παρ, 31 Οκτ 2025 06:00:00 GMT", T0);
	date_is("2004-július-13T9:15-05:00", INT64_C(1089728100));
	date_is("2004-október-3T09:15:30+02:00", INT64_C(1096787730));
	date_is("2004-május-13T23:15Z", INT64_C(1084490100));
	date_is("2025-november-1T06:00:00Z", T0 + 86400);
	/* YYYY/MM/DD, after a weekday or not */
	date_is("Tue, 2004/05/25 12:00:00 GMT", INT64_C(1085486400));
	date_is("Fri, 2006/09/15 08:19:53 EDT", INT64_C(1158322793));
	date_is("2006/09/15 08:19:53", INT64_C(1158308393));
	/* Unix timestamps */
	date_is("1761890400", T0);
	date_is("@1761890400", T0);
	date_is("1761890400000", T0);
	/* not dates: never "now" */
	date_is("", DATE_NONE);
	date_is("   ", DATE_NONE);
	date_is("garbage", DATE_NONE);
	date_is("yesterday", DATE_NONE);
	date_is("12:00", DATE_NONE);
	date_is("Fri, 31 Oct 2025 06:00:00 Banana", DATE_NONE);
	date_is("2025-13-01T00:00:00Z", DATE_NONE);
	date_is("2025-02-29T00:00:00Z", DATE_NONE);
	date_is("2025-10-31T25:00:00Z", DATE_NONE);
	date_is("2025-10-31T06:61:00Z", DATE_NONE);
	date_is("2025-10-31T06:00:00+99:00", DATE_NONE);
	date_is("2025-10-31T06:00:00Zjunk", DATE_NONE);
	date_is("32 Oct 2025 06:00:00 GMT", DATE_NONE);
	date_is("31 Foo 2025 06:00:00 GMT", DATE_NONE);
	date_is("Oct 2025", DATE_NONE);
	date_is("Fri, 31 Oct 2025 13:00:00 PM", DATE_NONE);
	date_is("12345", DATE_NONE);
	date_is("Fri, 31 Oct 2025 06:00:00 Etc/GMT+15", DATE_NONE);
	date_is("Fri, 31 Oct 2025 06:00:00 Etc/Paris", DATE_NONE);
	date_is("2004-05-25 오후 13:23:17", DATE_NONE);
	date_is("2004년 13월 28일 01:31:15", DATE_NONE);
	date_is("2004년 05월 28일 01:31:15 오늘", DATE_NONE);
	date_is("Κυρ, 11 Ιούλ 2004 12:00:00 Banana", DATE_NONE);
	date_is("Κυρ, 11 Ξξξ 2004 12:00:00 GMT", DATE_NONE);
	date_is("2004-júliusz-13T9:15-05:00", DATE_NONE);
	date_is("2004/13/25 12:00:00 GMT", DATE_NONE);
	date_is("Tue, 2004/05/25 12:00:00 Banana", DATE_NONE);
	/* Four digits are a year; 9, 10, 12 or 13 a timestamp; 8 YYYYMMDD;
	 * other bare numbers nothing. */
	date_is("1", DATE_NONE);
	date_is("123", DATE_NONE);
	date_is("0000", DATE_NONE);
	date_is("123456", DATE_NONE);
	date_is("1234567", DATE_NONE);
	date_is("17618904000", DATE_NONE);
	date_is("176189040000000", DATE_NONE);
	date_is("<b>Fri</b>", DATE_NONE);
	/* not NUL-terminated: only len bytes are read */
	is_int(date_parse("2025-10-31T06:00:00Z999", 20), T0, "length honoured");
	return done_testing();
}
