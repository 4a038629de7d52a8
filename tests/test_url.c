/* test_url.c: url_resolve, url_canon, url_host, url_is_fetchable. */
#include "config.h"

#include <stdlib.h>

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

int
main(void)
{
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
	ok(!url_is_fetchable("javascript:alert(1)"), "javascript not fetchable");
	ok(!url_is_fetchable("/relative"), "relative not fetchable");
	ok(!url_is_fetchable(NULL), "NULL not fetchable");
	return done_testing();
}
