/* url.h: resolving and canonicalizing URLs. */
#ifndef FEEDMUX_URL_H
#define FEEDMUX_URL_H

#include <stddef.h>

/* ref resolved against base (RFC 3986); malloc'd, or NULL if unusable. */
char	*url_resolve(const char *base, const char *ref);
/*
 * The form used to match links across fetches and feeds: scheme and host
 * lowercased, default port, fragment and tracking parameters (utm_*,
 * fbclid, gclid, ...) dropped, and http/https made alike.  malloc'd.
 */
char	*url_canon(const char *url);
/* The same into b (reset first), without an allocation per call. */
struct buf;
int	 url_canon_buf(const char *url, struct buf *b);
/* The host of url, lowercased, into out; -1 if none. */
int	 url_host(const char *url, char *out, size_t outlen);
/* True for http:, https: and file: URLs. */
int	 url_is_fetchable(const char *url);

#endif
