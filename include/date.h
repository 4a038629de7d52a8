/* date.h: the dates feeds really contain -> Unix time. */
#ifndef FEEDMUX_DATE_H
#define FEEDMUX_DATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * RFC 822/2822 and their real-world variants (every zone name feedparser
 * knows, Etc/GMT+h with its POSIX sign), RFC 3339/W3CDTF (down to a bare
 * YYYY), ISO 8601, asctime, YYYY/MM/DD, Korean, Greek and Hungarian forms,
 * and Unix timestamps.  A bare number is a year when it has 4 digits,
 * YYYYMMDD with 8, seconds with 9 or 10, milliseconds with 12 or 13, and
 * no date otherwise.  Returns DATE_NONE (util.h) when the text is not a
 * date: never "now".
 */
int64_t	date_parse(const char *s, size_t len);
/*
 * An HTTP-date (RFC 9110 5.6.7): IMF-fixdate ("Sun, 06 Nov 1994 08:49:37
 * GMT"), and the obsolete RFC 850 and asctime forms a recipient must
 * read; DATE_NONE for anything else, which HTTP says to ignore.  util.h's
 * fmt_rfc822 writes the first.
 */
int64_t	date_http(const char *s, size_t len);

#endif
