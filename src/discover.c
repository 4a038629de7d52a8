/*
 * discover.c: from a web page to the feeds it announces with
 * <link rel="alternate" type="...">.  libxml2's HTML parser reads the
 * page (recovering from broken markup, no network); nothing is fetched.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "discover.h"
#include "encoding.h"
#include "url.h"
#include "util.h"

struct found {
	const char		*page;	/* the page's URL */
	const char		*base;	/* page, or its <base href> */
	struct discovered	*v;
	size_t			 n;
};

static int
alt_rank(const xmlChar *rel, const xmlChar *type, const char **kind)
{
	const char	*r = (const char *)rel, *p;
	char		 t[64];
	size_t		 i;
	int		 alt = 0;

	/* rel is a list of tokens; "alternate" must be one of them. */
	for (p = r; (p = strcasestr(p, "alternate")) != NULL; p += 9)
		if ((p == r || isspace((unsigned char)p[-1])) &&
		    (p[9] == '\0' || isspace((unsigned char)p[9])))
			alt = 1;
	if (!alt)
		return 0;
	for (i = 0; type[i] != '\0' && type[i] != ';' && i < sizeof t - 1; i++)
		t[i] = (char)tolower(type[i]);
	t[i] = '\0';
	strtrim(t);
	if (strcmp(t, "application/atom+xml") == 0)
		return *kind = "Atom", DISCOVER_ATOM;
	if (strcmp(t, "application/rss+xml") == 0)
		return *kind = "RSS", DISCOVER_RSS;
	if (strcmp(t, "application/feed+json") == 0)
		return *kind = "JSON Feed", DISCOVER_JSONFEED;
	/* Older JSON Feeds say this; so does many a CMS's API: last. */
	if (strcmp(t, "application/json") == 0)
		return *kind = "JSON", DISCOVER_JSON;
	return 0;
}

/* Insert after the last of the same or better rank: best first, each
 * kind in document order. */
static void
found_add(struct found *f, char *url, const char *kind, int rank)
{
	size_t	 i;

	/* Any scheme: the fetch policy, not discovery, refuses file: and
	 * the like, and says so. */
	if (url == NULL)
		return;
	f->v = xreallocarray(f->v, f->n + 1, sizeof *f->v);
	for (i = f->n; i > 0 && f->v[i - 1].rank < rank; i--)
		f->v[i] = f->v[i - 1];
	f->v[i] = (struct discovered){ url, kind, rank };
	f->n++;
}

static void
link_elem(struct found *f, xmlNode *n)
{
	xmlChar		*rel, *type, *href;
	const char	*kind;
	int		 rank;

	if ((rel = xmlGetProp(n, BAD_CAST "rel")) == NULL)
		return;
	type = xmlGetProp(n, BAD_CAST "type");
	href = xmlGetProp(n, BAD_CAST "href");
	if (type != NULL && href != NULL &&
	    (rank = alt_rank(rel, type, &kind)) > 0)
		found_add(f, url_resolve(f->base, (const char *)href), kind,
		    rank);
	xmlFree(rel);
	xmlFree(type);
	xmlFree(href);
}

/* The first <base href> counts for the links after it. */
static void
walk(struct found *f, xmlNode *n)
{
	xmlChar	*href;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcasecmp((const char *)n->name, "base") == 0 &&
		    f->base == f->page &&
		    (href = xmlGetProp(n, BAD_CAST "href")) != NULL) {
			f->base = url_resolve(f->page, (const char *)href);
			if (f->base == NULL)
				f->base = f->page;
			xmlFree(href);
		}
		if (strcasecmp((const char *)n->name, "link") == 0)
			link_elem(f, n);
		walk(f, n->children);
	}
}

size_t
discover_feeds(const char *page, size_t len, const char *page_url,
    const char *ctype, struct discovered **out)
{
	struct found	 f = { page_url, page_url, NULL, 0 };
	htmlDocPtr	 doc;

	*out = NULL;
	if (len == 0 || len > INT_MAX)
		return 0;
	if ((ctype == NULL || strcasestr(ctype, "html") == NULL) &&
	    !looks_html(page, len))
		return 0;
	doc = htmlReadMemory(page, (int)len, page_url, NULL,
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_RECOVER);
	if (doc == NULL)
		return 0;
	walk(&f, xmlDocGetRootElement(doc));
	if (f.base != f.page)
		free((char *)f.base);
	xmlFreeDoc(doc);
	*out = f.v;
	return f.n;
}

void
discover_free(struct discovered *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].url);
	free(v);
}
