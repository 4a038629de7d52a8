/* test_helpers: the one UTF-8 decoder and encoder, escaper, hash and
 * zone switch. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "encoding.h"
#include "html.h"
#include "util.h"
#include "tap.h"

/* utf8_decode on s: its return and, when valid, the code point. */
static void
decode_is(const char *s, size_t avail, int want, uint32_t wcp,
    const char *name)
{
	uint32_t	 cp = 0;
	int		 n;

	n = utf8_decode((const unsigned char *)s, avail, &cp);
	if (!ok(n == want && (n <= 0 || cp == wcp), "decode %s", name))
		printf("#   got %d U+%04X, want %d U+%04X\n", n, (unsigned)cp,
		    want, (unsigned)wcp);
}

static void
bad_is(const char *s, size_t want, const char *name)
{
	is_int((int64_t)utf8_bad_len((const unsigned char *)s, strlen(s)),
	    (int64_t)want, name);
}

static void
encode_is(uint32_t c, const char *want, const char *name)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 u[4];
	size_t		 n = utf8_encode(u, c);

	buf_add_utf8(&b, c);
	ok(n == strlen(want) && memcmp(u, want, n) == 0 &&
	    strcmp(buf_cstr(&b), want) == 0, "encode %s", name);
	buf_free(&b);
}

static void
escape_is(const char *s, int flags, const char *want)
{
	struct buf	 b = { NULL, 0, 0 };

	xml_escape(&b, s, strlen(s), flags);
	is_str(buf_cstr(&b), want, want);
	buf_free(&b);
}

static void
test_decode(void)
{
	decode_is("a", 1, 1, 'a', "ASCII");
	decode_is("\xc3\xa9", 2, 2, 0xe9, "two bytes");
	decode_is("\xe2\x82\xac", 3, 3, 0x20ac, "three bytes");
	decode_is("\xf0\x9f\x98\x80", 4, 4, 0x1f600, "four bytes");
	decode_is("\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff, "U+10FFFF");
	decode_is("\xef\xbf\xbe", 3, 3, 0xfffe, "U+FFFE is UTF-8");
	decode_is("\xe2\x82", 2, 0, 0, "cut short: incomplete");
	decode_is("\xe2\x28\xac", 3, -1, 0, "bad continuation");
	decode_is("\xc0\xaf", 2, -1, 0, "overlong");
	decode_is("\xe0\x80\xaf", 3, -1, 0, "overlong, three bytes");
	decode_is("\xed\xa0\x80", 3, -1, 0, "surrogate");
	decode_is("\xf4\x90\x80\x80", 4, -1, 0, "past U+10FFFF");
	decode_is("\x80", 1, -1, 0, "lone continuation");

	/* One U+FFFD per maximal subpart, as Python and ICU replace. */
	bad_is("\x80\x80", 1, "lone continuation: 1");
	bad_is("\xe2\x82(", 2, "lead and one good: 2");
	bad_is("\xf0\x9f\x98(", 3, "three of four: 3");
	bad_is("\xf0\x9f", 2, "cut at the end: what is there");
	bad_is("\xe0\x80\x80", 1, "overlong lead: 1");
	bad_is("\xed\xa0\x80", 1, "surrogate lead: 1");
}

static void
test_encode(void)
{
	encode_is('A', "A", "ASCII");
	encode_is(0xe9, "\xc3\xa9", "U+00E9");
	encode_is(0x20ac, "\xe2\x82\xac", "U+20AC");
	encode_is(0x1f600, "\xf0\x9f\x98\x80", "U+1F600");
	encode_is(0xd800, "\xef\xbf\xbd", "a surrogate is U+FFFD");
	encode_is(0x110000, "\xef\xbf\xbd", "past Unicode is U+FFFD");
}

static void
excerpt_is(const char *html, size_t max, const char *want)
{
	struct buf	 b = { NULL, 0, 0 };

	buf_adds(&b, "[");
	html_excerpt(&b, html, max);
	is_str(buf_cstr(&b), want, want);
	buf_free(&b);
}

static void
test_cut(void)
{
	const char	*s = "caf\xc3\xa9 au lait";

	is_int((int64_t)utf8_chars(s, strlen(s)), 12, "utf8_chars counts characters");
	is_int((int64_t)utf8_cut_words(s, strlen(s), 12), (int64_t)strlen(s),
	    "utf8_cut_words: short enough, whole");
	is_int((int64_t)utf8_cut_words(s, strlen(s), 9), 8,
	    "utf8_cut_words: at the last space");
	is_int((int64_t)utf8_cut_words(s, strlen(s), 8), 8,
	    "utf8_cut_words: a space as the next character");
	is_int((int64_t)utf8_cut_words("abcdef", 6, 3), 3,
	    "utf8_cut_words: no space, at the character");
	is_int((int64_t)utf8_cut_words("\xc3\xa9\xc3\xa9\xc3\xa9", 6, 2), 4,
	    "utf8_cut_words: never inside a character");
	excerpt_is("<p>caf&eacute; <b>au</b> lait</p>", 9,
	    "[caf\xc3\xa9 au \xe2\x80\xa6");
	excerpt_is("<p>short</p>", 9, "[short");
	excerpt_is("", 9, "[");
}

static void
test_escape(void)
{
	escape_is("a<b>&\"c'", 0, "a&lt;b&gt;&amp;\"c'");
	escape_is("a<b>&\"c'", XML_QUOT, "a&lt;b&gt;&amp;&quot;c'");
	escape_is("a<b>&\"c'", XML_QUOT | XML_APOS,
	    "a&lt;b&gt;&amp;&quot;c&#39;");
	escape_is("caf\xc3\xa9 plain", XML_QUOT | XML_APOS,
	    "caf\xc3\xa9 plain");
}

static void
test_hash(void)
{
	/* FNV-1a 64 test vectors: stored keys depend on them. */
	ok(hash_bytes(HASH_INIT, "", 0) == UINT64_C(0xcbf29ce484222325),
	    "hash of nothing is the offset basis");
	ok(hash_bytes(HASH_INIT, "a", 1) == UINT64_C(0xaf63dc4c8601ec8c),
	    "hash of \"a\"");
	ok(hash_bytes(HASH_INIT, "foobar", 6) == UINT64_C(0x85944171f73967e8),
	    "hash of \"foobar\"");
	ok(hash_bytes(hash_bytes(HASH_INIT, "foo", 3), "bar", 3) ==
	    hash_bytes(HASH_INIT, "foobar", 6), "hashes chain");
}

/* The local hour of t as the zone stands. */
static int
local_hour(time_t t)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	return tm.tm_hour;
}

static void
test_tz(void)
{
	struct tz_saved	 z;
	const char	*tz;

	/* POSIX zone strings: no tzdata needed. */
	setenv("TZ", "UTC0", 1);
	tzset();
	tz_push(&z, "JST-9");
	is_int(local_hour(0), 9, "tz_push: the zone switched");
	tz_pop(&z);
	tz = getenv("TZ");
	ok(tz != NULL && strcmp(tz, "UTC0") == 0 && local_hour(0) == 0,
	    "tz_pop: TZ put back");
	tz_push(&z, NULL);
	is_int(local_hour(0), 0, "tz_push NULL: the zone left alone");
	tz_pop(&z);
	unsetenv("TZ");
	tzset();
	tz_push(&z, "EST5");
	is_int(local_hour(0), 19, "tz_push from no TZ");
	tz_pop(&z);
	ok(getenv("TZ") == NULL, "tz_pop: TZ unset again");
}

int
main(void)
{
	test_tz();
	test_decode();
	test_encode();
	test_cut();
	test_escape();
	test_hash();
	return done_testing();
}
