/*
 * fuzz_parse: libFuzzer target for the feed parser (and through it the
 * decoder, the cleaner, dates and the HTML sanitizer).
 *
 * The input is pushed in pieces whose sizes come from its first byte, so
 * the streaming paths (sequences and references cut between pushes) are
 * exercised too.  Beyond "no crash", it checks what the parser promises:
 * every string is valid UTF-8, sanitized HTML holds no script tag, the
 * HTML fast path agrees with libxml2's path on the same bytes, and every
 * URL given out keeps the link policy (see check_url).
 *
 *   make fuzz && ./tests/fuzz_parse -dict=$top_srcdir/tests/fuzz_parse.dict CORPUS
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "html.h"
#include "parse.h"
#include "util.h"

static void
check_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int	 n, i;

	if (s == NULL)
		return;
	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc2 ? 2 : 0;
		if (n == 0 || *p > 0xf4)
			abort();
		for (i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				abort();
		p += n;
	}
}

static void
check_html(const char *s)
{
	check_utf8(s);
	/* Text is escaped, so "<script" can only be a tag let through. */
	if (s != NULL && (strcasestr(s, "<script") != NULL ||
	    strcasestr(s, "<iframe") != NULL))
		abort();
}

enum place { P_LINK, P_HREF, P_IMG };

/*
 * The link policy's promise, checked here without url.c: a URL given out
 * begins with "http:" or "https:" (scheme lowercased), "mailto:" in an a
 * href, "data:image/" (not SVG) in an img src, and holds no space, control
 * character or DEL.
 */
static void
bad_url(const char *u, size_t n, enum place pl)
{
	fprintf(stderr, "link policy broken (place %d): \"%.*s\"\n", (int)pl,
	    (int)n, u);
	abort();
}

static void
check_url(const char *u, size_t n, enum place pl)
{
	size_t	 i;

	if (u == NULL)
		return;
	if (!(n > 5 && memcmp(u, "http:", 5) == 0) &&
	    !(n > 6 && memcmp(u, "https:", 6) == 0) &&
	    !(pl == P_HREF && n > 7 && memcmp(u, "mailto:", 7) == 0) &&
	    !(pl == P_IMG && n > 11 && memcmp(u, "data:", 5) == 0 &&
	    strncasecmp(u + 5, "image/", 6) == 0 &&
	    strncasecmp(u + 11, "svg", 3) != 0))
		bad_url(u, n, pl);
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] <= 0x20 || u[i] == 0x7f)
			bad_url(u, n, pl);
}

static void
check_link(const char *u)
{
	if (u != NULL)
		check_url(u, strlen(u), P_LINK);
}

/* An attribute value as written by the sanitizer, entities undone. */
static size_t
attr_value(const char *v, size_t n, char *out)
{
	static const char *const ent[] = { "&amp;", "&lt;", "&gt;", "&quot;" };
	size_t	 i, k, o = 0;

	for (i = 0; i < n; i++) {
		for (k = 0; k < 4 && v[i] == '&'; k++)
			if (strncmp(v + i, ent[k], strlen(ent[k])) == 0)
				break;
		if (v[i] == '&' && k == 4)
			abort();	/* the sanitizer writes no other */
		out[o++] = v[i] == '&' ? "&<>\""[k] : v[i];
		if (v[i] == '&')
			i += strlen(ent[k]) - 1;
	}
	return o;
}

/* srcset as the sanitizer writes it: "URL[ descriptor]" joined by ", ". */
static void
check_srcset(const char *v, size_t n)
{
	const char	*end = v + n, *c, *sp;

	for (; v < end; v = c + 2) {
		if ((c = strstr(v, ", ")) == NULL || c > end)
			c = end;
		sp = memchr(v, ' ', (size_t)(c - v));
		check_url(v, (size_t)((sp != NULL ? sp : c) - v), P_LINK);
		if (c == end)
			break;
	}
}

/* Every URL attribute of every tag in sanitized HTML.  Text holds no raw
 * '<', so each one opens a tag; values are double-quoted and escaped. */
static void
check_html_urls(const char *s)
{
	static struct buf val;
	const char	*p, *tag, *name, *v;
	size_t		 ntag, nname, nv;

	for (p = s; p != NULL && (p = strchr(p, '<')) != NULL; ) {
		tag = ++p;
		p += ntag = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789/");
		while (*p == ' ') {
			name = ++p;
			p += nname = strspn(p, "abcdefghijklmnopqrstuvwxyz-");
			if (*p != '=')
				continue;
			if (p[1] != '"' || (v = strchr(p + 2, '"')) == NULL)
				abort();
			nv = (size_t)(v - (p + 2));
			buf_reset(&val);
			buf_grow(&val, nv + 1);
			val.len = attr_value(p + 2, nv, val.s);
			val.s[val.len] = '\0';
			p = v + 1;
			if (nname == 6 && memcmp(name, "srcset", 6) == 0)
				check_srcset(val.s, val.len);
			else if ((nname == 4 && memcmp(name, "href", 4) == 0) ||
			    (nname == 3 && memcmp(name, "src", 3) == 0) ||
			    (nname == 4 && memcmp(name, "cite", 4) == 0) ||
			    (nname == 6 && memcmp(name, "poster", 6) == 0))
				check_url(val.s, val.len,
				    ntag == 1 && tag[0] == 'a' ? P_HREF :
				    ntag == 3 && memcmp(tag, "img", 3) == 0 &&
				    nname == 3 ? P_IMG : P_LINK);
		}
		if (*p != '>')
			abort();
	}
}

static int
on_entry(void *arg, const struct entry *e)
{
	size_t	 i;

	check_utf8(e->id);
	check_utf8(e->title);
	check_utf8(e->link);
	check_link(e->link);
	check_utf8(e->author);
	check_utf8(e->author_email);
	check_utf8(e->thumbnail);
	check_html(e->summary);
	check_html(e->content);
	check_html_urls(e->summary);
	check_html_urls(e->content);
	for (i = 0; i < e->ncategories; i++)
		check_utf8(e->categories[i]);
	for (i = 0; i < e->nenclosures; i++) {
		check_utf8(e->enclosures[i].url);
		check_link(e->enclosures[i].url);
		check_utf8(e->enclosures[i].type);
	}
	return 0;
}

static void
on_feed(void *arg, const struct feed_meta *m)
{
	check_utf8(m->title);
	check_utf8(m->link);
	check_utf8(m->self);
	check_link(m->link);
	check_link(m->self);
	check_utf8(m->subtitle);
	check_utf8(m->id);
}

/* The HTML fast path must give what libxml2's path gives, byte for byte. */
static void
html_differs(const uint8_t *data, size_t size)
{
	struct buf	 a = { NULL, 0, 0 }, b = { NULL, 0, 0 };

	html_fastpath = 1;
	html_sanitize(&a, (const char *)data, size, "https://example.org/");
	html_fastpath = 0;
	html_sanitize(&b, (const char *)data, size, "https://example.org/");
	if (a.len != b.len || memcmp(buf_cstr(&a), buf_cstr(&b), a.len) != 0)
		abort();
	check_html(buf_cstr(&a));
	check_html_urls(buf_cstr(&a));
	buf_reset(&a);
	buf_reset(&b);
	html_fastpath = 1;
	html_to_text(&a, (const char *)data, size);
	html_fastpath = 0;
	html_to_text(&b, (const char *)data, size);
	if (a.len != b.len || memcmp(buf_cstr(&a), buf_cstr(&b), a.len) != 0)
		abort();
	html_fastpath = 1;
	buf_free(&a);
	buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct parse_cb cb = { on_entry, on_feed };
	static int	 init;
	struct parse_result res;
	struct parser	*p;
	size_t		 step, off, n;

	if (!init) {
		xmlInitParser();
		init = 1;
	}
	if (size == 0)
		return 0;
	html_differs(data, size);
	step = data[0] < 128 ? size : (size_t)(data[0] - 127);
	p = parser_new("https://example.org/feed/", data[0] & 1 ?
	    "iso-8859-1" : NULL, &cb, NULL);
	for (off = 1; off < size; off += n) {
		n = size - off < step ? size - off : step;
		if (parser_push(p, (const char *)data + off, n) == -1)
			break;
	}
	parser_finish(p, &res);
	check_utf8(res.error[0] ? "" : res.charset);
	parser_free(p);
	return 0;
}
