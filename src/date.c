/*
 * date.c: the dates feeds really contain -> Unix time.
 *
 * Two readers: one for ISO 8601 / RFC 3339 / W3CDTF (digits first), and a
 * token reader for RFC 822/2822 and everything people wrote instead of it
 * (2-digit years, no weekday, no comma, named zones, asctime, AM/PM).
 * curl_getdate() is not used: it answers "12:00" with a time today and
 * skips words it does not know, so garbage comes out as a date; here
 * anything not understood gives DATE_NONE.  Rarer forms (Korean, Greek,
 * Hungarian, YYYY/MM/DD) are tried only after both readers said no, so
 * they cost the common dates nothing.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "util.h"

struct tmv {
	int	year, mon, day, hour, min, sec;
	int	off;		/* seconds east of UTC */
};

static const char *const months[] = { "jan", "feb", "mar", "apr", "may",
    "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
static const char *const wdays[] = { "sun", "mon", "tue", "wed", "thu",
    "fri", "sat" };

/* Named zones seen in feeds, sorted for bsearch; minutes east of UTC. */
struct zone {
	const char	*name;
	int		 min;
};
static const struct zone zones[] = {
	{ "ACDT", 630 }, { "ACST", 570 }, { "ADT", -180 }, { "AEDT", 660 },
	{ "AEST", 600 }, { "AKDT", -480 }, { "AKST", -540 }, { "AST", -240 },
	{ "AT", -240 }, { "AWST", 480 }, { "BST", 60 }, { "CAT", 120 },
	{ "CDT", -300 }, { "CEST", 120 }, { "CET", 60 }, { "CST", -360 },
	{ "CT", -360 }, { "EAT", 180 }, { "EDT", -240 }, { "EEST", 180 },
	{ "EET", 120 }, { "EST", -300 }, { "ET", -300 }, { "GMT", 0 },
	{ "HKT", 480 }, { "HST", -600 }, { "IDT", 180 }, { "IST", 330 },
	{ "JST", 540 }, { "KST", 540 }, { "MDT", -360 }, { "MEST", 120 },
	{ "MET", 60 }, { "MSK", 180 }, { "MST", -420 }, { "MT", -420 },
	{ "NZDT", 780 }, { "NZST", 720 }, { "PDT", -420 }, { "PHT", 480 },
	{ "PST", -480 }, { "PT", -480 }, { "SAST", 120 }, { "SGT", 480 },
	{ "UT", 0 }, { "UTC", 0 }, { "WAT", 60 }, { "WEST", 60 }, { "WET", 0 },
	{ "Z", 0 },
};

static int
zone_cmp(const void *k, const void *e)
{
	return strcmp(k, ((const struct zone *)e)->name);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
mdays(int y, int m)
{
	static const int n[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return 29;
	return n[m - 1];
}

static int64_t
tmv_time(const struct tmv *t)
{
	int	sec = t->sec;

	if (t->year < 1 || t->year > 9999 || t->mon < 1 || t->mon > 12 ||
	    t->day < 1 || t->day > mdays(t->year, t->mon) || t->hour < 0 ||
	    t->hour > 24 || t->min < 0 || t->min > 59 || sec < 0 || sec > 60)
		return DATE_NONE;
	if (t->hour == 24 && (t->min != 0 || sec != 0))
		return DATE_NONE;
	if (sec == 60)		/* a leap second: the last second will do */
		sec = 59;
	return days_from_civil(t->year, t->mon, t->day) * 86400 +
	    t->hour * 3600 + t->min * 60 + sec - t->off;
}

/* Read exactly n digits at *p. */
static int
digits(const char **p, const char *end, int n, int *v)
{
	int	 i, x = 0;

	if (end - *p < n)
		return -1;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		x = x * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = x;
	return 0;
}

/* "+hh:mm", "+hhmm", "+hh" at *p; sets *off in seconds. */
static int
numeric_zone(const char **pp, const char *end, int *off)
{
	const char	*p = *pp;
	int		 sign, h, m = 0;

	if (p >= end || (*p != '+' && *p != '-'))
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (digits(&p, end, 2, &h) == -1)
		return -1;
	if (p < end && *p == ':')
		p++;
	if (p < end && isdigit((unsigned char)*p) &&
	    digits(&p, end, 2, &m) == -1)
		return -1;
	if (h > 18 || m > 59)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	*pp = p;
	return 0;
}

static int
word_zone(const char *w, size_t n, int *off)
{
	char			 k[8];
	const struct zone	*z;
	size_t			 i;

	if (n == 0 || n >= sizeof k)
		return -1;
	for (i = 0; i < n; i++)
		k[i] = (char)toupper((unsigned char)w[i]);
	k[n] = '\0';
	if ((z = bsearch(k, zones, nitems(zones), sizeof zones[0],
	    zone_cmp)) != NULL) {
		*off = z->min * 60;
		return 0;
	}
	/* RFC 2822 4.3: military zones are unreliable; take them as UTC. */
	if (n == 1 && isalpha((unsigned char)w[0]) && k[0] != 'J') {
		*off = 0;
		return 0;
	}
	return -1;
}

/*
 * After a word "Etc" at *pp == '/': the tz database's Etc/GMT, Etc/UTC and
 * Etc/GMT+h, whose sign is POSIX's: Etc/GMT+5 is five hours WEST (-05:00).
 */
static int
etc_zone(const char *w, size_t n, const char **pp, const char *end, int *off)
{
	static const char *const utc[] = { "GMT", "UTC", "UCT", "UT",
	    "Zulu", "Universal", "Greenwich" };
	const char	*p = *pp, *z;
	size_t		 i;
	int		 h = 0, sign;

	if (n != 3 || strncasecmp(w, "etc", 3) != 0 || p == end || *p != '/')
		return -1;
	for (z = ++p; p < end && isalpha((unsigned char)*p); p++)
		;
	for (i = 0; i < nitems(utc); i++)
		if (strlen(utc[i]) == (size_t)(p - z) &&
		    strncasecmp(z, utc[i], (size_t)(p - z)) == 0)
			break;
	if (i == nitems(utc))
		return -1;
	*off = 0;
	if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '+' ? -1 : 1;
		for (z = p; p < end && p - z < 3 && isdigit((unsigned char)*p);
		    p++)
			h = h * 10 + (*p - '0');
		if (p == z || p - z > 2 || h > 14)
			return -1;
		*off = sign * h * 3600;
	}
	*pp = p;
	return 0;
}

/* Zone after an ISO time: Z, numeric, or a named zone after a space. */
static int
iso_zone(const char *p, const char *end, int *off)
{
	const char	*w;

	while (p < end && *p == ' ')
		p++;
	*off = 0;
	if (p == end)
		return 0;	/* no zone: UTC, as feeds mean it */
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		if (numeric_zone(&p, end, off) == -1)
			return -1;
	} else {
		for (w = p; p < end && isalpha((unsigned char)*p); p++)
			;
		if (word_zone(w, (size_t)(p - w), off) == -1 &&
		    etc_zone(w, (size_t)(p - w), &p, end, off) == -1)
			return -1;
		if (p < end && (*p == '+' || *p == '-')) {
			int extra;
			if (numeric_zone(&p, end, &extra) == -1)
				return -1;
			*off += extra;
		}
	}
	while (p < end && *p == ' ')
		p++;
	return p == end ? 0 : -1;
}

/* hh:mm[:ss[.frac]] or hhmm[ss[.frac]] (basic); ',' is a decimal mark too. */
static int
iso_time(const char **pp, const char *end, struct tmv *t, int basic)
{
	const char	*p = *pp;

	if (digits(&p, end, 2, &t->hour) == -1)
		return -1;
	if (!basic && (p == end || *p != ':'))
		return -1;
	if (!basic)
		p++;
	if (digits(&p, end, 2, &t->min) == -1)
		return -1;
	if (p < end && *p == ':' && !basic) {
		p++;
		if (digits(&p, end, 2, &t->sec) == -1)
			return -1;
	} else if (basic && p < end && isdigit((unsigned char)*p)) {
		if (digits(&p, end, 2, &t->sec) == -1)
			return -1;
	}
	if (p < end && (*p == '.' || *p == ',')) {
		p++;
		if (p == end || !isdigit((unsigned char)*p))
			return -1;
		while (p < end && isdigit((unsigned char)*p))
			p++;
	}
	*pp = p;
	return 0;
}

/*
 * YYYY-MM-DD[(T| )time][zone], YYYY-MM, YYYY, YYYYMMDD[Ttime], YYYY-DDD.
 * Called from date_parse alone, so that it is inlined there: most feeds'
 * dates come this way.
 */
static int64_t
parse_iso(const char *p, const char *end)
{
	struct tmv	 t = { 0, 1, 1, 0, 0, 0, 0 };
	int		 basic = 0, yday;

	if (digits(&p, end, 4, &t.year) == -1)
		return DATE_NONE;
	if (p == end)			/* W3CDTF's YYYY */
		return tmv_time(&t);
	if (p < end && *p == '-') {
		p++;
		if (end - p >= 3 && isdigit((unsigned char)p[2]) &&
		    digits(&p, end, 3, &yday) == 0) {
			/* Ordinal date: day of the year. */
			if (yday < 1 || yday > 365 + (mdays(t.year, 2) == 29))
				return DATE_NONE;
			for (t.day = yday; t.day > mdays(t.year, t.mon); t.mon++)
				t.day -= mdays(t.year, t.mon);
		} else {
			if (digits(&p, end, 2, &t.mon) == -1)
				return DATE_NONE;
			if (p < end && *p == '-') {
				p++;
				if (digits(&p, end, 2, &t.day) == -1)
					return DATE_NONE;
			}
		}
	} else {
		basic = 1;
		if (digits(&p, end, 2, &t.mon) == -1 ||
		    digits(&p, end, 2, &t.day) == -1)
			return DATE_NONE;
	}
	if (p < end && (*p == 'T' || *p == 't' ||
	    (*p == ' ' && end - p > 1 && isdigit((unsigned char)p[1])))) {
		p++;
		if (iso_time(&p, end, &t, basic) == -1)
			return DATE_NONE;
	}
	if (iso_zone(p, end, &t.off) == -1)
		return DATE_NONE;
	return tmv_time(&t);
}

static int
word_index(const char *w, size_t n, const char *const *tab, int ntab,
    size_t minlen)
{
	char	 lc[3];
	int	 i;

	if (n < minlen || n < 3)
		return -1;
	/* Lowercased once, not in each of up to 19 strncasecmp calls. */
	for (i = 0; i < 3; i++)
		lc[i] = (char)tolower((unsigned char)w[i]);
	for (i = 0; i < ntab; i++)
		if (lc[0] == tab[i][0] && lc[1] == tab[i][1] &&
		    lc[2] == tab[i][2])
			return i;
	return -1;
}

/* A full name ("October", "Thursday") or its 3-letter form ("Oct", "Sept"). */
static int
name_index(const char *w, size_t n, const char *const *tab, int ntab)
{
	static const char *const full[] = { "january", "february", "march",
	    "april", "may", "june", "july", "august", "september", "october",
	    "november", "december", "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday", "sept", "tues",
	    "thur", "thurs", "weds" };
	size_t	 i;
	int	 k;

	if ((k = word_index(w, n, tab, ntab, 3)) == -1)
		return -1;
	if (n == 3)
		return k;
	for (i = 0; i < nitems(full); i++)
		if (strlen(full[i]) == n && strncasecmp(w, full[i], n) == 0)
			return k;
	return -1;
}

static int
all_upper(const char *w, size_t n)
{
	while (n-- > 0)
		if (!isupper((unsigned char)w[n]))
			return 0;
	return 1;
}

struct rfc {
	struct tmv	 t;
	int		 have_day, have_mon, have_year, have_time, have_zone;
	int		 pm;		/* 0 none, 1 am, 2 pm */
};

/* hh:mm[:ss[.frac]] at *pp. */
static int
rfc_time(const char **pp, const char *end, struct rfc *r)
{
	const char	*p = *pp;
	int		 v = 0, n = 0;

	while (p < end && isdigit((unsigned char)*p) && n < 3)
		v = v * 10 + (*p++ - '0'), n++;
	if (n == 0 || n > 2 || p == end || *p != ':')
		return -1;
	r->t.hour = v;
	p++;
	if (digits(&p, end, 2, &r->t.min) == -1)
		return -1;
	if (p < end && *p == ':') {
		p++;
		if (digits(&p, end, 2, &r->t.sec) == -1)
			return -1;
		if (p < end && (*p == '.' || *p == ','))
			for (p++; p < end && isdigit((unsigned char)*p); p++)
				;
	}
	r->have_time = 1;
	*pp = p;
	return 0;
}

static int
rfc_number(const char **pp, const char *end, struct rfc *r)
{
	const char	*p = *pp, *s = p;
	int		 v = 0;

	for (; p < end && isdigit((unsigned char)*p); p++)
		if (p - s < 6)
			v = v * 10 + (*p - '0');
	if (p < end && *p == ':')
		return rfc_time(pp, end, r);
	*pp = p;
	if (p - s == 4 || p - s == 3) {		/* 3 digits: RFC 2822 4.3 */
		if (r->have_year)
			return -1;
		r->t.year = p - s == 3 ? v + 1900 : v;
		r->have_year = 1;
		return 0;
	}
	if (p - s > 2)
		return -1;
	if (!r->have_day && (r->have_mon || !r->have_year)) {
		r->t.day = v;
		r->have_day = 1;
	} else if (!r->have_year) {
		/* RFC 2822 4.3: 00-49 are 2000-2049, 50-99 are 1950-1999. */
		r->t.year = v < 50 ? 2000 + v : 1900 + v;
		r->have_year = 1;
	} else
		return -1;
	return 0;
}

/* A zone word after the time: named, "GMT+7", Etc/GMT+5, or unknown. */
static int
rfc_zone(const char *w, size_t n, struct rfc *r, const char **pp,
    const char *end)
{
	const char	*p;
	int		 extra, h = 0;

	if (word_zone(w, n, &r->t.off) == 0) {
		/* "GMT+7", "UTC-05:00" */
		if (*pp < end && (**pp == '+' || **pp == '-')) {
			if (numeric_zone(pp, end, &extra) == -1) {
				/* "GMT+7": hours without a leading zero */
				p = *pp + 1;
				if (p < end && isdigit((unsigned char)*p))
					h = *p++ - '0';
				if (p < end && isdigit((unsigned char)*p))
					h = h * 10 + (*p++ - '0');
				if (h > 14 || p == *pp + 1)
					return -1;
				extra = (**pp == '-' ? -1 : 1) * h * 3600;
				*pp = p;
			}
			r->t.off += extra;
		}
	} else if (etc_zone(w, n, pp, end, &r->t.off) == -1) {
		/* RFC 2822 4.3: an unknown zone name is taken as UTC. */
		if (n < 3 || n > 5 || !all_upper(w, n))
			return -1;
		r->t.off = 0;
	}
	r->have_zone = 1;
	return 0;
}

static int
rfc_word(const char *w, size_t n, struct rfc *r, const char **pp,
    const char *end)
{
	int	 k;

	if ((k = name_index(w, n, months, 12)) != -1 && !r->have_mon) {
		r->t.mon = k + 1;
		r->have_mon = 1;
		return 0;
	}
	if (name_index(w, n, wdays, 7) != -1)
		return 0;
	if (r->have_time && (n == 2 || n == 4) &&
	    (strncasecmp(w, "am", n) == 0 || strncasecmp(w, "a.m.", n) == 0 ||
	    strncasecmp(w, "pm", n) == 0 || strncasecmp(w, "p.m.", n) == 0)) {
		r->pm = tolower((unsigned char)w[0]) == 'p' ? 2 : 1;
		return 0;
	}
	/* "October 31, 2025 at 6:00"; after the time, AT is a zone */
	if (n == 2 && strncasecmp(w, "at", 2) == 0 &&
	    !(r->have_time && !r->have_zone))
		return 0;
	if (r->have_time && !r->have_zone)
		return rfc_zone(w, n, r, pp, end);
	return -1;
}

/* RFC 822/2822 and friends: a sequence of words, numbers and a zone. */
static int64_t
parse_rfc(const char *p, const char *end)
{
	struct rfc	 r;
	const char	*w;
	int		 depth;

	memset(&r, 0, sizeof r);
	while (p < end) {
		if (isdigit((unsigned char)*p)) {
			if (rfc_number(&p, end, &r) == -1)
				return DATE_NONE;
		} else if (isalpha((unsigned char)*p)) {
			for (w = p; p < end && (isalpha((unsigned char)*p) ||
			    (*p == '.' && p - w < 4 && (p - w) % 2 == 1)); p++)
				;
			if (rfc_word(w, (size_t)(p - w), &r, &p, end) == -1)
				return DATE_NONE;
		} else if ((*p == '+' || *p == '-') && r.have_time &&
		    !r.have_zone && p + 1 < end &&
		    isdigit((unsigned char)p[1])) {
			if (numeric_zone(&p, end, &r.t.off) == -1)
				return DATE_NONE;
			r.have_zone = 1;
		} else if (*p == '(') {		/* "+0000 (UTC)": a comment */
			for (depth = 0; p < end; p++) {
				depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
				if (depth == 0)
					break;
			}
			if (p < end)
				p++;
		} else if (strchr(" \t\r\n,.-/", *p) != NULL)
			p++;
		else
			return DATE_NONE;
	}
	if (!r.have_day || !r.have_mon || !r.have_year)
		return DATE_NONE;
	if (r.pm != 0) {
		if (r.t.hour < 1 || r.t.hour > 12)
			return DATE_NONE;
		r.t.hour = r.t.hour % 12 + (r.pm == 2 ? 12 : 0);
	}
	return tmv_time(&r.t);
}

/* ---- the rare forms: tried only when the readers above said no ---- */

/* Greek month and day abbreviations (UTF-8), with their English. */
static const struct { const char *el, *en; } greek[] = {
	{ "\xce\x99\xce\xb1\xce\xbd", "Jan" },	/* Ιαν */
	{ "\xce\xa6\xce\xb5\xce\xb2", "Feb" },	/* Φεβ */
	{ "\xce\x9c\xce\xac\xcf\x8e", "Mar" },	/* Μάώ */
	{ "\xce\x9c\xce\xb1\xcf\x8e", "Mar" },	/* Μαώ */
	{ "\xce\x91\xcf\x80\xcf\x81", "Apr" },	/* Απρ */
	{ "\xce\x9c\xce\xac\xce\xb9", "May" },	/* Μάι */
	{ "\xce\x9c\xce\xb1\xcf\x8a", "May" },	/* Μαϊ */
	{ "\xce\x9c\xce\xb1\xce\xb9", "May" },	/* Μαι */
	{ "\xce\x99\xce\xbf\xcf\x8d\xce\xbd", "Jun" },	/* Ιούν */
	{ "\xce\x99\xce\xbf\xce\xbd", "Jun" },	/* Ιον */
	{ "\xce\x99\xce\xbf\xcf\x8d\xce\xbb", "Jul" },	/* Ιούλ */
	{ "\xce\x99\xce\xbf\xce\xbb", "Jul" },	/* Ιολ */
	{ "\xce\x91\xcf\x8d\xce\xb3", "Aug" },	/* Αύγ */
	{ "\xce\x91\xcf\x85\xce\xb3", "Aug" },	/* Αυγ */
	{ "\xce\xa3\xce\xb5\xcf\x80", "Sep" },	/* Σεπ */
	{ "\xce\x9f\xce\xba\xcf\x84", "Oct" },	/* Οκτ */
	{ "\xce\x9d\xce\xbf\xce\xad", "Nov" },	/* Νοέ */
	{ "\xce\x9d\xce\xbf\xce\xb5", "Nov" },	/* Νοε */
	{ "\xce\x94\xce\xb5\xce\xba", "Dec" },	/* Δεκ */
	{ "\xce\x9a\xcf\x85\xcf\x81", "Sun" },	/* Κυρ */
	{ "\xce\x94\xce\xb5\xcf\x85", "Mon" },	/* Δευ */
	{ "\xce\xa4\xcf\x81\xce\xb9", "Tue" },	/* Τρι */
	{ "\xce\xa4\xce\xb5\xcf\x84", "Wed" },	/* Τετ */
	{ "\xce\xa0\xce\xb5\xce\xbc", "Thu" },	/* Πεμ */
	{ "\xce\xa0\xce\xb1\xcf\x81", "Fri" },	/* Παρ */
	{ "\xce\xa3\xce\xb1\xce\xb2", "Sat" },	/* Σαβ */
};
/* Hungarian month names (UTF-8), with feedparser's variants. */
static const struct { const char *hu; int mon; } hungarian[] = {
	{ "janu\xc3\xa1r", 1 },	/* január */
	{ "febru\xc3\xa1r", 2 },	/* február */
	{ "febru\xc3\xa1ri", 2 },	/* februári */
	{ "m\xc3\xa1rcius", 3 },	/* március */
	{ "\xc3\xa1prilis", 4 },	/* április */
	{ "m\xc3\xa1jus", 5 },	/* május */
	{ "m\xc3\xa1ujus", 5 },	/* máujus */
	{ "j\xc3\xbanius", 6 },	/* június */
	{ "j\xc3\xbalius", 7 },	/* július */
	{ "augusztus", 8 },	/* augusztus */
	{ "szeptember", 9 },	/* szeptember */
	{ "okt\xc3\xb3" "ber", 10 },	/* október */
	{ "november", 11 },	/* november */
	{ "december", 12 },	/* december */
};

/* The string lit at *pp (UTF-8 or ASCII, exact bytes). */
static int
lit(const char **pp, const char *end, const char *lit)
{
	size_t	 n = strlen(lit);

	if ((size_t)(end - *pp) < n || memcmp(*pp, lit, n) != 0)
		return -1;
	*pp += n;
	return 0;
}

/* One to max digits. */
static int
num(const char **pp, const char *end, int max, int *v)
{
	const char	*p = *pp;

	for (*v = 0; p < end && p - *pp < max && isdigit((unsigned char)*p);
	    p++)
		*v = *v * 10 + (*p - '0');
	if (p == *pp || (p < end && isdigit((unsigned char)*p)))
		return -1;
	*pp = p;
	return 0;
}

static void
skip_blank(const char **pp, const char *end)
{
	while (*pp < end && (**pp == ' ' || **pp == '\t'))
		(*pp)++;
}

/* h[h]:mm[:ss] */
static int
short_time(const char **pp, const char *end, struct tmv *t)
{
	if (num(pp, end, 2, &t->hour) == -1 || lit(pp, end, ":") == -1 ||
	    digits(pp, end, 2, &t->min) == -1)
		return -1;
	if (*pp < end && **pp == ':' && (++*pp, digits(pp, end, 2,
	    &t->sec) == -1))
		return -1;
	return 0;
}

#define KO_AM		"\xec\x98\xa4\xec\xa0\x84"	/* 오전 */
#define KO_PM		"\xec\x98\xa4\xed\x9b\x84"	/* 오후 */
#define KO_YEAR		"\xeb\x85\x84"			/* 년 */
#define KO_MONTH	"\xec\x9b\x94"			/* 월 */
#define KO_DAY		"\xec\x9d\xbc"			/* 일 */

/*
 * Korean blogs, in Korean time: "2004-05-25 오후 11:23:17" (오전 AM,
 * 오후 PM) and "2004년 05월 28일 01:31:15" (year, month, day).
 */
static int64_t
parse_korean(const char *p, const char *end)
{
	struct tmv	 t = { 0, 1, 1, 0, 0, 0, 9 * 3600 };
	int		 pm = 0;

	if (digits(&p, end, 4, &t.year) == -1)
		return DATE_NONE;
	if (lit(&p, end, "-") == 0) {
		if (num(&p, end, 2, &t.mon) == -1 || lit(&p, end, "-") == -1 ||
		    num(&p, end, 2, &t.day) == -1)
			return DATE_NONE;
		skip_blank(&p, end);
		if (lit(&p, end, KO_AM) == 0)
			pm = 1;
		else if (lit(&p, end, KO_PM) == 0)
			pm = 2;
		else
			return DATE_NONE;
	} else {
		if (lit(&p, end, KO_YEAR) == -1)
			return DATE_NONE;
		skip_blank(&p, end);
		if (num(&p, end, 2, &t.mon) == -1 ||
		    lit(&p, end, KO_MONTH) == -1)
			return DATE_NONE;
		skip_blank(&p, end);
		if (num(&p, end, 2, &t.day) == -1 ||
		    lit(&p, end, KO_DAY) == -1)
			return DATE_NONE;
	}
	skip_blank(&p, end);
	if (short_time(&p, end, &t) == -1)
		return DATE_NONE;
	skip_blank(&p, end);
	if (p != end)
		return DATE_NONE;
	if (pm != 0) {
		if (t.hour < 1 || t.hour > 12)
			return DATE_NONE;
		t.hour = t.hour % 12 + (pm == 2 ? 12 : 0);
	}
	return tmv_time(&t);
}

/* "2004-július-13T9:15-05:00": W3CDTF with a Hungarian month name. */
static int64_t
parse_hungarian(const char *p, const char *end)
{
	struct tmv	 t = { 0, 0, 1, 0, 0, 0, 0 };
	const char	*w;
	size_t		 i, n;

	if (digits(&p, end, 4, &t.year) == -1 || lit(&p, end, "-") == -1)
		return DATE_NONE;
	for (w = p; p < end && (isalpha((unsigned char)*p) ||
	    (unsigned char)*p >= 0x80); p++)
		;
	n = (size_t)(p - w);
	for (i = 0; i < nitems(hungarian); i++)
		if (strlen(hungarian[i].hu) == n &&
		    strncasecmp(w, hungarian[i].hu, n) == 0)
			t.mon = hungarian[i].mon;
	if (t.mon == 0 || lit(&p, end, "-") == -1 ||
	    num(&p, end, 2, &t.day) == -1)
		return DATE_NONE;
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (short_time(&p, end, &t) == -1)
			return DATE_NONE;
	}
	if (iso_zone(p, end, &t.off) == -1)
		return DATE_NONE;
	return tmv_time(&t);
}

/* Greek day and month names made English, then read as RFC 822. */
static int64_t
parse_greek(const char *p, const char *end)
{
	char		 b[128];
	const char	*w;
	size_t		 i, n, len = 0;

	while (p < end) {
		if ((unsigned char)*p < 0x80) {
			b[len++] = *p++;	/* never longer than the input */
			continue;
		}
		for (w = p; p < end && (unsigned char)*p >= 0x80; p++)
			;
		n = (size_t)(p - w);
		for (i = 0; i < nitems(greek); i++)
			if (strlen(greek[i].el) == n &&
			    memcmp(w, greek[i].el, n) == 0)
				break;
		if (i == nitems(greek))
			return DATE_NONE;
		memcpy(b + len, greek[i].en, 3);
		len += 3;
	}
	return date_parse(b, len);	/* ASCII now: no way back here */
}

/* "2006/09/15 08:19:53 EDT", as Perforce writes it: read as ISO. */
static int64_t
parse_slashed(const char *p, const char *end)
{
	char	 b[160];
	int	 y, m, d, n;

	if (digits(&p, end, 4, &y) == -1 || lit(&p, end, "/") == -1 ||
	    num(&p, end, 2, &m) == -1 || lit(&p, end, "/") == -1 ||
	    num(&p, end, 2, &d) == -1 || (p < end && *p != ' '))
		return DATE_NONE;
	n = snprintf(b, sizeof b, "%04d-%02d-%02d%.*s", y, m, d,
	    (int)(end - p), p);
	if (n < 0 || (size_t)n >= sizeof b)
		return DATE_NONE;
	return date_parse(b, (size_t)n);	/* not parse_iso: see there */
}

/* Which rare form, from the first bytes; each reader is strict. */
static int64_t
parse_rare(const char *p, const char *end)
{
	const char	*w = p, *q;
	int64_t		 t;
	int		 year;

	/* "Tue, 2004/05/25 ...": an English weekday first */
	while (p < end && isalpha((unsigned char)*p))
		p++;
	if (p > w && name_index(w, (size_t)(p - w), wdays, 7) != -1)
		while (p < end && (*p == ',' || *p == ' '))
			p++;
	q = p;
	if (end - p >= 5 && digits(&q, end, 4, &year) == 0) {
		if (p[4] == '/')
			return parse_slashed(p, end);
		if (p == w) {
			if ((t = parse_korean(p, end)) != DATE_NONE ||
			    p[4] != '-')
				return t;
			return parse_hungarian(p, end);
		}
	}
	for (p = w; p < end; p++)
		if ((unsigned char)*p >= 0x80)
			return parse_greek(w, end);
	return DATE_NONE;
}

/* Seconds (9-10 digits) or milliseconds (12-13) since the epoch. */
static int64_t
parse_epoch(const char *p, const char *end)
{
	int64_t	 v = 0;
	size_t	 n = (size_t)(end - p);
	const char *q;

	if (n < 9 || n > 13 || n == 11)
		return DATE_NONE;
	for (q = p; q < end; q++) {
		if (!isdigit((unsigned char)*q))
			return DATE_NONE;
		v = v * 10 + (*q - '0');
	}
	return n >= 12 ? v / 1000 : v;
}

/* ---- HTTP-date (RFC 9110 5.6.7) ---- */

/* hh:mm:ss */
static int
http_time(const char **pp, const char *end, struct tmv *t)
{
	if (digits(pp, end, 2, &t->hour) == -1 || lit(pp, end, ":") == -1 ||
	    digits(pp, end, 2, &t->min) == -1 || lit(pp, end, ":") == -1 ||
	    digits(pp, end, 2, &t->sec) == -1)
		return -1;
	return 0;
}

/* A month's three letters. */
static int
http_month(const char **pp, const char *end, struct tmv *t)
{
	int	 k;

	if (end - *pp < 3 || (k = word_index(*pp, 3, months, 12, 3)) == -1)
		return -1;
	*pp += 3;
	t->mon = k + 1;
	return 0;
}

/*
 * IMF-fixdate after "Sun,": " 06 Nov 1994 08:49:37 GMT" (sep " ", four
 * digits of year); RFC 850 after "Sunday,": " 06-Nov-94 08:49:37 GMT".
 */
static int
http_dmy(const char **pp, const char *end, struct tmv *t, const char *sep,
    int ny)
{
	if (lit(pp, end, " ") == -1 || digits(pp, end, 2, &t->day) == -1 ||
	    lit(pp, end, sep) == -1 || http_month(pp, end, t) == -1 ||
	    lit(pp, end, sep) == -1 || digits(pp, end, ny, &t->year) == -1 ||
	    lit(pp, end, " ") == -1 || http_time(pp, end, t) == -1)
		return -1;
	if (ny == 2)		/* as date_parse reads two (RFC 2822 4.3) */
		t->year += t->year < 50 ? 2000 : 1900;
	return lit(pp, end, " GMT");
}

/* asctime after "Sun": " Nov  6 08:49:37 1994". */
static int
http_asctime(const char **pp, const char *end, struct tmv *t)
{
	if (lit(pp, end, " ") == -1 || http_month(pp, end, t) == -1 ||
	    lit(pp, end, " ") == -1)
		return -1;
	if (lit(pp, end, " ") == 0) {
		if (digits(pp, end, 1, &t->day) == -1)
			return -1;
	} else if (digits(pp, end, 2, &t->day) == -1)
		return -1;
	if (lit(pp, end, " ") == -1 || http_time(pp, end, t) == -1 ||
	    lit(pp, end, " ") == -1)
		return -1;
	return digits(pp, end, 4, &t->year);
}

int64_t
date_http(const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *w;
	struct tmv	 t;
	size_t		 n;
	int		 rc;

	memset(&t, 0, sizeof t);
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (w = p; p < end && isalpha((unsigned char)*p); p++)
		;
	if ((n = (size_t)(p - w)) == 3 &&
	    word_index(w, n, wdays, 7, 3) != -1)
		rc = lit(&p, end, ",") == 0 ? http_dmy(&p, end, &t, " ", 4) :
		    http_asctime(&p, end, &t);
	else if (n > 3 && name_index(w, n, wdays, 7) != -1 &&
	    lit(&p, end, ",") == 0)
		rc = http_dmy(&p, end, &t, "-", 2);
	else
		rc = -1;
	if (rc == -1 || p != end)
		return DATE_NONE;
	return tmv_time(&t);
}

int64_t
date_parse(const char *s, size_t len)
{
	const char	*p = s, *end = s + len;
	int64_t		 t;

	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	if (p == end || end - p > 128)
		return DATE_NONE;
	if (*p == '@')
		return parse_epoch(p + 1, end);
	if ((t = parse_epoch(p, end)) != DATE_NONE)
		return t;
	/* Four digits alone, or then '-' or a digit: ISO 8601 and kin. */
	if (end - p >= 4 && isdigit((unsigned char)p[0]) &&
	    isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
	    isdigit((unsigned char)p[3]) && (end - p == 4 ||
	    (end - p >= 6 && (p[4] == '-' || isdigit((unsigned char)p[4])))))
		t = parse_iso(p, end);
	else
		t = parse_rfc(p, end);
	return t != DATE_NONE ? t : parse_rare(p, end);
}
