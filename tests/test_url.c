/*
 * test_url.c: url_resolve, url_canon, url_host, url_is_fetchable, and the
 * link policy (url_take, url_allowed).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "url.h"
#include "util.h"

static void
canon(const char *in, const char *want)
{
	char	*got = url_canon(in);

	is_str(got, want, in);
	free(got);
}

static void
resolve(const char *base, const char *ref, const char *want)
{
	char	*got = url_resolve(base, ref);

	is_str(got, want, ref);
	free(got);
}

static void
host(const char *url, const char *want)
{
	char	 out[256];
	int	 r = url_host(url, out, sizeof(out));

	is_str(r == 0 ? out : NULL, want, url);
}

/* s for a test's name: a control character would split the TAP line. */
static const char *
printable(const char *s)
{
	static char	 out[256];
	size_t		 i;

	for (i = 0; s[i] != '\0' && i + 1 < sizeof out; i++)
		out[i] = (unsigned char)s[i] < 0x20 ||
		    (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	out[i] = '\0';
	return out;
}

/* url_take of ref against base for use: want, or NULL when refused. */
static void
take(const char *ref, const char *base, enum url_use use, const char *want)
{
	struct buf	 b = { NULL, 0, 0 };
	int		 r;

	buf_add(&b, "<", 1);		/* appended to, never replaced */
	r = url_take(&b, ref, strlen(ref), base, use);
	if (want == NULL) {
		ok(r == -1 && strcmp(b.s, "<") == 0, "refused: %s (base %s)",
		    printable(ref), base ? base : "none");
	} else {
		ok(r == 0, "taken: %s", printable(ref));
		is_str(b.s + 1, want, printable(ref));
	}
	buf_free(&b);
}

/* Every URL url_take gives is one url_allowed takes, for the same use. */
static void
take_allowed(const char *ref, const char *base, enum url_use use)
{
	struct buf	 b = { NULL, 0, 0 };

	if (url_take(&b, ref, strlen(ref), base, use) == 0)
		ok(url_allowed(b.s, use), "allowed as given: %s",
		    printable(b.s));
	buf_free(&b);
}

/* url_take's shortcut for "/path" refs gives what libxml2 gives. */
static void
same_as_resolve(const char *ref, const char *base)
{
	struct buf	 b = { NULL, 0, 0 };
	char		*want = url_resolve(base, ref);

	url_take(&b, ref, strlen(ref), base, URL_LINK);
	is_str(buf_cstr(&b), want, ref);
	free(want);
	buf_free(&b);
}

static void
policy(void)
{
	static const char *const hostile[] = {
		"javascript:alert(1)//", "JaVaScRiPt:alert(1)//",
		"vbscript:msgbox(1)//", "data:text/html,x//", "file:///etc/",
	};
	const char	*web = "https://example.org/a/";
	size_t		 i;

	/* Absolute: only http and https, case and junk as a browser sees it */
	take("https://example.org/x", NULL, URL_LINK, "https://example.org/x");
	take("HTTP://Example.org/x", NULL, URL_LINK, "http://Example.org/x");
	take("  \x01https://example.org/x \x02 ", NULL, URL_LINK,
	    "https://example.org/x");
	take("javascript:alert(1)", web, URL_LINK, NULL);
	take("javascript:alert(1)", web, URL_HREF, NULL);
	take("javascript:alert(1)", web, URL_IMG, NULL);
	take("JaVaScRiPt:alert(1)", web, URL_LINK, NULL);
	take(" java\tscr\nipt\r:alert(1)", web, URL_LINK, NULL);
	take("\x01\x1fjavascript:alert(1)", web, URL_LINK, NULL);
	take("vbscript:x", web, URL_LINK, NULL);
	take("file:///etc/passwd", web, URL_LINK, NULL);
	take("ftp://example.org/f", web, URL_LINK, NULL);
	take("tel:+1555", web, URL_HREF, NULL);
	take("http:", web, URL_LINK, NULL);
	take("", web, URL_LINK, NULL);
	take(" \t ", web, URL_LINK, NULL);
	/* mailto: for a href only; data:image/ for img src only, not SVG */
	take("mailto:a@example.org", web, URL_HREF, "mailto:a@example.org");
	take("MailTo:a@example.org", web, URL_LINK, NULL);
	take("data:image/png;base64,AAAA", web, URL_IMG,
	    "data:image/png;base64,AAAA");
	take("DATA:Image/GIF;base64,AAAA", web, URL_IMG,
	    "data:Image/GIF;base64,AAAA");
	take("data:image/png;base64,AAAA", web, URL_LINK, NULL);
	take("data:image/png;base64,AAAA", web, URL_HREF, NULL);
	take("data:image/svg+xml,<svg/>", web, URL_IMG, NULL);
	take("data:image/", web, URL_IMG, NULL);	/* found by fuzzing */
	take("data:text/html,<script>x</script>", web, URL_IMG, NULL);
	/* Relative: resolved, then checked; the base decides the scheme */
	take("x", web, URL_LINK, "https://example.org/a/x");
	take("/p/1", web, URL_LINK, "https://example.org/p/1");
	take("//cdn.example/i.png", web, URL_IMG, "https://cdn.example/i.png");
	take("x", NULL, URL_LINK, NULL);
	take("/x", "relative/base", URL_LINK, NULL);
	for (i = 0; i < nitems(hostile); i++) {
		take("x", hostile[i], URL_LINK, NULL);
		take("x", hostile[i], URL_HREF, NULL);
		take("x", hostile[i], URL_IMG, NULL);
		take("/p/1", hostile[i], URL_LINK, NULL);
		take("//example.org/p", hostile[i], URL_LINK, NULL);
	}
	take("/p/1", "ftp://example.org/", URL_LINK, NULL);
	take("x", "file:///home/u/feed.xml", URL_LINK, NULL);
	take("x", "HTTPS://EXAMPLE.ORG/a/", URL_LINK,
	    "https://EXAMPLE.ORG/a/x");
	/* Nothing kept can split a line: tabs and newlines go (as in a
	 * browser), other controls and spaces are percent-encoded */
	take("https://example.org/a\r\nb", NULL, URL_LINK,
	    "https://example.org/ab");
	take("https://example.org/a b\x01" "c\x7f", NULL, URL_LINK,
	    "https://example.org/a%20b%01c%7F");
	take("https://example.org/\xc2\x85x\xc3\xa9", NULL, URL_LINK,
	    "https://example.org/%C2%85x\xc3\xa9");
	take("a b\x0b" "c", web, URL_LINK, "https://example.org/a/a%20b%0Bc");
	take("mailto:a@example.org?subject=a b", web, URL_HREF,
	    "mailto:a@example.org?subject=a%20b");
	take_allowed("https://example.org/a b\x01", NULL, URL_LINK);
	take_allowed("x y", web, URL_LINK);
	take_allowed("mailto:x", web, URL_HREF);
	take_allowed("data:image/png,x y", web, URL_IMG);

	same_as_resolve("/p/1", "https://example.org/blog/");
	same_as_resolve("/p/1", "http://Example.ORG");
	same_as_resolve("/a/./b/../c", "https://example.org/x");
	same_as_resolve("/p", "https://example.org:8443/x");
	same_as_resolve("/p", "https://example.org/x?q=1");
	same_as_resolve("/p%41", "https://example.org/");

	/* url_allowed: stored URLs as they are, no repairs */
	ok(url_allowed("https://example.org/", URL_LINK), "allowed https");
	ok(url_allowed("http://example.org/", URL_HREF), "allowed http");
	ok(!url_allowed("javascript:alert(1)", URL_LINK), "javascript");
	ok(!url_allowed("JAVASCRIPT:alert(1)", URL_HREF), "JAVASCRIPT");
	ok(!url_allowed(" javascript:alert(1)", URL_HREF), "leading space");
	ok(!url_allowed("https://example.org/a\nb", URL_LINK), "newline");
	ok(!url_allowed("https://example.org/a b", URL_LINK), "space");
	ok(!url_allowed("https://example.org/\xc2\x85", URL_LINK), "C1");
	ok(!url_allowed("file:///etc/passwd", URL_LINK), "file");
	ok(!url_allowed("/relative", URL_LINK), "relative");
	ok(!url_allowed(NULL, URL_LINK), "NULL");
	ok(url_allowed("mailto:a@example.org", URL_HREF), "mailto in a href");
	ok(!url_allowed("mailto:a@example.org", URL_LINK), "mailto as a link");
	ok(url_allowed("data:image/png,x", URL_IMG), "data:image in img src");
	ok(!url_allowed("data:image/png,x", URL_LINK), "data:image elsewhere");
	ok(!url_allowed("data:image/svg+xml,x", URL_IMG), "data:image/svg");
}

static void
file_url(void)
{
	char	*u = url_file("/");

	is_str(u, "file:///", "url_file: an absolute path");
	free(u);
	ok(url_file("/nonexistent-feedmux/x.rss") == NULL,
	    "url_file: NULL for a path that does not exist");
}

int
main(void)
{
	policy();
	resolve("http://a/b/c/d;p?q", "g", "http://a/b/c/g");
	resolve("http://a/b/c/d;p?q", "../g", "http://a/b/g");
	resolve("http://a/b/c/d;p?q", "//g", "http://g");
	resolve("http://a/b/c/d;p?q", "?y", "http://a/b/c/d;p?y");
	resolve("http://a/b/c/d;p?q", "#s", "http://a/b/c/d;p?q#s");
	resolve("http://a/b/c/d;p?q", "https://x.org/y", "https://x.org/y");
	resolve("https://example.org/feed/", "/post/1", "https://example.org/post/1");
	resolve(NULL, "https://example.org/a", "https://example.org/a");
	resolve(NULL, "relative/path", NULL);
	resolve("http://a/b", NULL, NULL);
	/* What a URI may not hold is escaped, as browsers read an href. */
	resolve("https://example.org/dir/", "a file.html",
	    "https://example.org/dir/a%20file.html");
	resolve("https://example.org/dir/", "/caf\xc3\xa9?q=\"x\"",
	    "https://example.org/caf%C3%A9?q=%22x%22");
	resolve("https://example.org/dir/", "../a%20b c ",
	    "https://example.org/a%20b%20c");
	resolve(NULL, "https://example.org/a b", "https://example.org/a%20b");
	resolve(NULL, "not absolute", NULL);

	canon("http://Example.ORG/Path", "//example.org/Path");
	canon("https://example.org/Path", "//example.org/Path");
	canon("HTTPS://EXAMPLE.org:443/a", "//example.org/a");
	canon("http://example.org:80/a", "//example.org/a");
	canon("http://example.org:8080/a", "//example.org:8080/a");
	canon("http://example.org", "//example.org/");
	canon("http://example.org./a", "//example.org/a");
	canon("http://example.org/a#frag", "//example.org/a");
	canon("http://example.org/a?utm_source=rss&utm_medium=feed",
	    "//example.org/a");
	canon("http://example.org/a?p=1&utm_campaign=x&q=2#c",
	    "//example.org/a?p=1&q=2");
	canon("http://example.org/a?fbclid=abc&id=7&gclid=z&mc_cid=1&mc_eid=2",
	    "//example.org/a?id=7");
	canon("http://example.org/a?ref=rss", "//example.org/a");
	canon("http://example.org/a?reference=1", "//example.org/a?reference=1");
	canon("http://example.org/a%2fb?x=%e9", "//example.org/a%2Fb?x=%E9");
	canon("http://user@Host.example/", "//user@host.example/");
	canon("http://[2001:DB8::1]:80/x", "//[2001:db8::1]/x");
	canon("  http://example.org/a  ", "//example.org/a");
	canon("ftp://Example.org:21/f", "ftp://example.org:21/f");
	canon("urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a",
	    "urn:uuid:1225c695-cfb8-4ebb-aaaa-80da344efa6a");
	canon("http://example.org/?", "//example.org/");

	host("http://Example.ORG:8080/x", "example.org");
	host("https://u:p@h.example/x", "h.example");
	host("http://[::1]:8080/", "::1");
	host("file:///etc/passwd", NULL);
	host("no host", NULL);

	ok(url_is_fetchable("http://a/"), "http fetchable");
	ok(url_is_fetchable("HTTPS://a/"), "https fetchable");
	ok(url_is_fetchable("file:///tmp/x.xml"), "file fetchable");
	ok(!url_is_fetchable("ftp://a/"), "ftp not fetchable");
	ok(!url_is_fetchable("http:a/b"), "http without // not fetchable");
	ok(url_is_web("HTTPS://a/") && !url_is_web("file:///x") &&
	    !url_is_web("javascript://%0aalert(1)"), "url_is_web: http(s) only");
	ok(!url_is_fetchable("javascript:alert(1)"), "javascript not fetchable");
	ok(!url_is_fetchable("/relative"), "relative not fetchable");
	ok(!url_is_fetchable(NULL), "NULL not fetchable");
	ok(url_web_prefix("HTTP://a") == 7 && url_web_prefix("https://a") == 8 &&
	    url_web_prefix("ftp://a") == 0 && url_web_prefix("http:/a") == 0,
	    "url_web_prefix: http:// or https://, any case");
	ok(url_like("file:///x") && url_like("https://a/") &&
	    !url_like("/tmp/feed.xml") && !url_like("feed.xml"),
	    "url_like: a URL, not a path");
	ok(url_is_abs_iri("tag:example.org,2024:1") &&
	    url_is_abs_iri("urn:uuid:1") &&
	    url_is_abs_iri("https://example.org/caf\xc3\xa9"),
	    "url_is_abs_iri: any scheme, IRIs too");
	ok(!url_is_abs_iri(NULL) && !url_is_abs_iri("1234") &&
	    !url_is_abs_iri("urn:") && !url_is_abs_iri("a b:c") &&
	    !url_is_abs_iri("http://a/b c") && !url_is_abs_iri("x:<y>") &&
	    !url_is_abs_iri(":x") && !url_is_abs_iri("1x:y"),
	    "url_is_abs_iri: not a scheme, or what a URI may not hold");
	ok(url_is_smtp("smtp://mail.example:25") &&
	    url_is_smtp("SMTPS://mail.example/"), "url_is_smtp: smtp, smtps");
	ok(!url_is_smtp("smtpx://a/") && !url_is_smtp("smtp:a") &&
	    !url_is_smtp("http://a/") && !url_is_smtp(NULL),
	    "url_is_smtp: nothing else");
	ok(url_same("http://Example.ORG/a?utm_source=x", "https://example.org/a"),
	    "url_same: the same once canonical");
	ok(!url_same("http://example.org/a", "http://example.org/b"),
	    "url_same: other paths differ");
	file_url();
	return done_testing();
}
