/*
 * discover.h: the feeds a web page announces.  A pure function of the
 * page's bytes, its URL and its Content-Type: nothing is fetched.
 */
#ifndef FEEDMUX_DISCOVER_H
#define FEEDMUX_DISCOVER_H

#include <stddef.h>

/* Ranks, best first. */
#define DISCOVER_ATOM		4
#define DISCOVER_RSS		3
#define DISCOVER_JSONFEED	2
#define DISCOVER_JSON		1	/* application/json: maybe a JSON Feed */

struct discovered {
	char		*url;	/* absolute, any scheme */
	const char	*kind;	/* "Atom", "RSS", "JSON Feed", "JSON" */
	int		 rank;	/* DISCOVER_* */
};

/*
 * The feeds page (len bytes, fetched from page_url with Content-Type
 * ctype, NULL if none) announces with <link rel="alternate">, best first:
 * Atom, RSS, JSON Feed, plain JSON, each kind in document order.  Hrefs
 * are resolved against <base href> or page_url; every scheme is kept
 * (the fetch policy refuses what may not come from fetched content).
 * Nothing when the page is not HTML (by ctype or its first bytes).  Returns the count and sets *out (NULL when 0).
 */
size_t	discover_feeds(const char *page, size_t len, const char *page_url,
	    const char *ctype, struct discovered **out);
void	discover_free(struct discovered *, size_t);

#endif
