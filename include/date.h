/* date.h: the dates feeds really contain -> Unix time. */
#ifndef FEEDMUX_DATE_H
#define FEEDMUX_DATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * RFC 822/2822 and their real-world variants, RFC 3339/W3CDTF, ISO 8601,
 * asctime and Unix timestamps.  Returns DATE_NONE (util.h) when the text is
 * not a date: never "now".
 */
int64_t	date_parse(const char *s, size_t len);

#endif
