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
/* True when a and b are the same feed: equal, or equal once canonical. */
int	 url_same(const char *a, const char *b);
/* The file:// URL of an existing local path (made absolute, links
 * resolved); malloc'd, or NULL with errno set. */
char	*url_file(const char *path);
/* The host of url, lowercased, into out; -1 if none. */
int	 url_host(const char *url, char *out, size_t outlen);
/* True for http:// and https:// URLs. */
int	 url_is_web(const char *url);
/* True for http://, https:// and file:// URLs. */
int	 url_is_fetchable(const char *url);
/* The length of a leading "http://" or "https://" (any case), else 0:
 * for identifiers that name a thing by either. */
size_t	 url_web_prefix(const char *s);
/* True when s is written as a URL ("scheme://..."), not a local path. */
int	 url_like(const char *s);
/*
 * An absolute IRI: scheme ":" something, and nothing a URI may not hold.
 * For ids and configured URLs; links from feeds go by the link policy.
 */
int	 url_is_abs_iri(const char *s);

/*
 * The link policy, the one place that says which URLs from a feed may
 * reach an output.  Where the URL goes decides what it may be besides
 * http or https.
 */
enum url_use {
	URL_LINK,	/* a link, enclosure, src, cite, poster, srcset */
	URL_HREF,	/* an <a href>: mailto: too */
	URL_IMG		/* an <img src>: data:image/ too (not SVG) */
};
/*
 * ref (len bytes) read as a browser reads it, resolved against base
 * (NULL: none, so only an absolute ref is taken), then appended to out if
 * use allows its scheme, with scheme lowercased and controls and spaces
 * percent-encoded.  Returns 0, or -1 having appended nothing.  ref must
 * not point into out (out may move).
 */
int	 url_take(struct buf *out, const char *ref, size_t len,
	    const char *base, enum url_use use);
/* Whether url, as stored, is one url_take could have given for use. */
int	 url_allowed(const char *url, enum url_use use);

/* True for smtp:// and smtps:// URLs (a mail server). */
int	 url_is_smtp(const char *url);

/*
 * The address rule: true for loopback, private (RFC 1918, fc00::/7,
 * 100.64/10), link-local (169.254/16, fe80::/10) and unspecified
 * addresses, IPv4-mapped ones included, that a redirect from a public
 * address may not reach unless allow_private is set.  The address named
 * by $FEEDMUX_TEST_PUBLIC_ADDR (for tests only) counts as public.
 */
struct sockaddr;
int	 url_addr_private(const struct sockaddr *);
int	 url_ip_private(const char *ip);

#endif
