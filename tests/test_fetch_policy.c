/* test_fetch_policy.c: the address and protocol rules of fetch.h. */
#include "config.h"

#include <stdlib.h>

#include "fetch.h"
#include "url.h"
#include "tap.h"

static void
test_addresses(void)
{
	static const struct { const char *ip; int private; } t[] = {
		{ "127.0.0.1", 1 }, { "127.255.0.9", 1 }, { "0.0.0.0", 1 },
		{ "10.1.2.3", 1 }, { "172.16.0.1", 1 }, { "172.31.255.255", 1 },
		{ "172.32.0.1", 0 }, { "172.15.255.255", 0 },
		{ "192.168.1.1", 1 }, { "192.169.0.1", 0 },
		{ "100.64.0.1", 1 }, { "100.127.255.255", 1 },
		{ "100.128.0.1", 0 }, { "100.63.255.255", 0 },
		{ "169.254.169.254", 1 }, { "169.255.0.1", 0 },
		{ "93.184.216.34", 0 }, { "8.8.8.8", 0 },
		{ "::1", 1 }, { "::", 1 }, { "fc00::1", 1 }, { "fdab::1", 1 },
		{ "fe80::1", 1 }, { "fe80::1%eth0", 1 }, { "febf::1", 1 },
		{ "fec0::1", 1 }, { "ff02::1", 0 }, { "2001:db8::1", 0 },
		{ "2606:4700::1111", 0 }, { "::ffff:127.0.0.1", 1 },
		{ "::ffff:10.0.0.1", 1 }, { "::ffff:93.184.216.34", 0 },
		{ "::2", 0 },
	};
	size_t	 i;

	unsetenv("FEEDMUX_TEST_PUBLIC_ADDR");
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ok(url_ip_private(t[i].ip) == t[i].private, "%s is %s",
		    t[i].ip, t[i].private ? "private" : "public");
	setenv("FEEDMUX_TEST_PUBLIC_ADDR", "127.0.0.2", 1);
	ok(!url_ip_private("127.0.0.2"), "the test's public address");
	ok(url_ip_private("127.0.0.1"), "and no other");
	unsetenv("FEEDMUX_TEST_PUBLIC_ADDR");
}

static void
test_protocols(void)
{
	ok(fetch_url_allowed("http://example.org/", 1), "http from content");
	ok(fetch_url_allowed("HTTPS://example.org/", 1), "https from content");
	ok(!fetch_url_allowed("file:///etc/passwd", 1),
	    "no file: from content");
	ok(fetch_url_allowed("file:///etc/feed.xml", 0),
	    "file: from the config or command line");
	ok(!fetch_url_allowed("dict://127.0.0.1/x", 0), "never dict:");
	ok(!fetch_url_allowed("ftp://127.0.0.1/x", 0), "never ftp:");
	ok(!fetch_url_allowed("gopher://127.0.0.1/x", 1), "never gopher:");
	ok(!fetch_url_allowed("example.org/feed", 0), "no scheme: no");
	ok(!fetch_url_allowed("httpx://example.org/", 0), "a longer scheme");
	ok(!fetch_url_allowed("htt://example.org/", 0), "a shorter scheme");
}

int
main(void)
{
	test_addresses();
	test_protocols();
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
