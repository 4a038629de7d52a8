/*
 * test_discover.c: discover_feeds, offline: which <link rel="alternate">
 * count, their ranking, hrefs resolved against the page (or <base>),
 * refused schemes, pages with none, broken and non-HTML pages.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "discover.h"
#include "tap.h"
#include "util.h"

#define PAGE	"http://127.0.0.1/blog/index.html"

/* What discover_feeds finds, one "KIND URL" per line. */
static char *
found(const char *page, size_t len, const char *url, const char *ctype)
{
	struct discovered	*v;
	struct buf		 b = { 0 };
	size_t			 n, i;
	char			*s;

	n = discover_feeds(page, len, url, ctype, &v);
	if (n == 0 && v != NULL)
		buf_adds(&b, "(n is 0 but out is set)\n");
	for (i = 0; i < n; i++)
		buf_printf(&b, "%s %s\n", v[i].kind, v[i].url);
	discover_free(v, n);
	s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void
check(const char *page, const char *ctype, const char *want,
    const char *name)
{
	char	*got = found(page, strlen(page), PAGE, ctype);

	is_str(got, want, name);
	free(got);
}

static void
ranking(void)
{
	struct discovered	*v;
	const char		*p;
	size_t			 n;

	check("<!DOCTYPE html><html><head>"
	    "<link rel=\"stylesheet\" href=\"style.css\">"
	    "<link rel=\"alternate stylesheet\" type=\"text/css\" href=\"a.css\">"
	    "<link rel=\"alternate\" type=\"application/json\" href=\"api.json\">"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"feed.rss\">"
	    "<link rel=\"alternate\" type=\"application/feed+json\" href=\"feed.json\">"
	    "<link rel=\"Alternate\" type=\"Application/Atom+XML; charset=utf-8\" href=\"feed.atom\">"
	    "<link rel=\"alternate\" type=\"application/atom+xml\" href=\"comments.atom\">"
	    "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"comments.rss\">"
	    "</head><body></body></html>", "text/html",
	    "Atom http://127.0.0.1/blog/feed.atom\n"
	    "Atom http://127.0.0.1/blog/comments.atom\n"
	    "RSS http://127.0.0.1/blog/feed.rss\n"
	    "RSS http://127.0.0.1/blog/comments.rss\n"
	    "JSON Feed http://127.0.0.1/blog/feed.json\n"
	    "JSON http://127.0.0.1/blog/api.json\n",
	    "Atom, RSS, JSON Feed, JSON; each kind in document order");
	check("<html><head>"
	    "<link rel=\"nonalternate\" type=\"application/rss+xml\" href=\"a\">"
	    "<link rel=\"alternates\" type=\"application/rss+xml\" href=\"b\">"
	    "<link rel=\"alternate\" type=\"text/html\" href=\"c\">"
	    "<link rel=\"alternate\" href=\"d\">"
	    "<link rel=\"alternate\" type=\"application/rss+xml\">"
	    "<link type=\"application/rss+xml\" href=\"e\">"
	    "<link rel=\"home alternate\" type=\"application/rss+xml\" href=\"f\">"
	    "</head></html>", NULL,
	    "RSS http://127.0.0.1/blog/f\n",
	    "alternate must be a token of rel; type and href needed");

	p = "<html><link rel=alternate type=application/feed+json href=/j>"
	    "<link rel=alternate type=application/json href=/k></html>";
	n = discover_feeds(p, strlen(p), PAGE, NULL, &v);
	is_int((int64_t)n, 2, "JSON Feed and plain JSON: two");
	if (n == 2) {
		is_int(v[0].rank, DISCOVER_JSONFEED, "JSON Feed ranks first");
		is_str(v[0].kind, "JSON Feed", "and is named so");
		is_str(v[0].url, "http://127.0.0.1/j", "at its URL");
		is_int(v[1].rank, DISCOVER_JSON, "plain JSON last");
	}
	discover_free(v, n);
}

static void
relative(void)
{
	check("<html><head>"
	    "<link rel=alternate type=application/rss+xml href=\"feed.rss\">"
	    "<link rel=alternate type=application/rss+xml href=\"/top.rss\">"
	    "<link rel=alternate type=application/rss+xml href=\"../up.rss\">"
	    "<link rel=alternate type=application/rss+xml href=\"?feed=rss2\">"
	    "<link rel=alternate type=application/rss+xml href=\"//127.0.0.2/x\">"
	    "<link rel=alternate type=application/rss+xml "
	    "href=\"https://127.0.0.3/abs.rss\">"
	    "</head></html>", NULL,
	    "RSS http://127.0.0.1/blog/feed.rss\n"
	    "RSS http://127.0.0.1/top.rss\n"
	    "RSS http://127.0.0.1/up.rss\n"
	    "RSS http://127.0.0.1/blog/index.html?feed=rss2\n"
	    "RSS http://127.0.0.2/x\n"
	    "RSS https://127.0.0.3/abs.rss\n",
	    "relative hrefs resolved against the page URL");
	check("<html><head>"
	    "<link rel=alternate type=application/rss+xml href=\"before.rss\">"
	    "<base href=\"https://127.0.0.9/site/\">"
	    "<base href=\"http://127.0.0.8/ignored/\">"
	    "<link rel=alternate type=application/rss+xml href=\"after.rss\">"
	    "</head></html>", NULL,
	    "RSS http://127.0.0.1/blog/before.rss\n"
	    "RSS https://127.0.0.9/site/after.rss\n",
	    "the first <base href> counts for the links after it");
}

static void
schemes(void)
{
	char	*got;
	const char *p = "<html><head>"
	    "<link rel=alternate type=application/atom+xml href=\"file:///etc/passwd\">"
	    "<link rel=alternate type=application/atom+xml href=\"javascript:alert(1)\">"
	    "<link rel=alternate type=application/atom+xml href=\"data:text/xml,<rss/>\">"
	    "<link rel=alternate type=application/atom+xml href=\"ftp://127.0.0.1/f\">"
	    "<link rel=alternate type=application/atom+xml href=\"mailto:a@127.0.0.1\">"
	    "<link rel=alternate type=application/rss+xml href=\"feed.rss\">"
	    "</head></html>";

	/* Discovery ranks; the fetch policy refuses (t-fetch-policy.sh). */
	check(p, NULL,
	    "Atom file:///etc/passwd\n"
	    "Atom javascript:alert(1)\n"
	    "Atom data:text/xml,%3Crss/%3E\n"
	    "Atom ftp://127.0.0.1/f\n"
	    "Atom mailto:a@127.0.0.1\n"
	    "RSS http://127.0.0.1/blog/feed.rss\n",
	    "every scheme kept in rank and document order, for the policy");
	got = found(p, strlen(p), "file:///srv/www/index.html", NULL);
	ok(strstr(got, "RSS file:///srv/www/feed.rss\n") != NULL,
	    "a page read from a file: its relative link resolves to file:");
	free(got);
}

static void
none(void)
{
	struct discovered	*v = (struct discovered *)&v;
	size_t			 n;

	check("<!doctype html><html><head><title>No feeds</title>"
	    "<link rel=stylesheet href=s.css></head><body><p>Hi</body></html>",
	    "text/html; charset=utf-8", "", "a page with no feed: none");
	n = discover_feeds("", 0, PAGE, "text/html", &v);
	ok(n == 0 && v == NULL, "an empty page: none, and out is NULL");
}

static void
broken(void)
{
	static const char garbage[] = "\x00\xff\xfe<<<>>\x01<link rel=";
	char	*got;

	check("<html><head><link rel=alternate type=application/rss+xml "
	    "href=a.rss><link rel=alternate type=application/atom+xml",
	    NULL, "RSS http://127.0.0.1/blog/a.rss\n",
	    "a page cut short: the links before the cut");
	check("<HTML><BODY><P><LINK REL=ALTERNATE TYPE=application/atom+xml "
	    "HREF=\"feed.atom\"></P></DIV></HTML></BODY>", NULL,
	    "Atom http://127.0.0.1/blog/feed.atom\n",
	    "misnested upper-case tags; a link in the body");
	check("\xef\xbb\xbf\n  <!DOCTYPE html><html><link rel=alternate "
	    "type=application/rss+xml href=r></html>", NULL,
	    "RSS http://127.0.0.1/blog/r\n", "a byte order mark first");
	got = found(garbage, sizeof garbage - 1, PAGE, "text/html");
	is_str(got, "", "binary garbage called HTML: none, no crash");
	free(got);
	check("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><link "
	    "rel=\"alternate\" type=\"application/rss+xml\" href=\"x\"/>"
	    "</channel></rss>", "application/rss+xml", "",
	    "a feed is not a page");
	check("<link rel=alternate type=application/rss+xml href=x>",
	    NULL, "", "no Content-Type and no <html>: not a page");
	check("<link rel=alternate type=application/rss+xml href=x>",
	    "text/html", "RSS http://127.0.0.1/blog/x\n",
	    "the Content-Type says HTML: read as a page");
	check("<html><link rel=alternate type=application/rss+xml "
	    "href=\"http://[::1\"></html>", NULL, "",
	    "an href that does not resolve: dropped");
}

int
main(void)
{
	ranking();
	relative();
	schemes();
	none();
	broken();
	return done_testing();
}
