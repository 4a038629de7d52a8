/*
 * fuzz_parse: libFuzzer target for the feed parser (and through it the
 * decoder, the cleaner, dates and the HTML sanitizer).
 *
 * The input is pushed in pieces whose sizes come from its first byte, so
 * the streaming paths (sequences and references cut between pushes) are
 * exercised too.  Beyond "no crash", it checks what the parser promises:
 * every string is valid UTF-8, sanitized HTML holds no script tag, and
 * the HTML fast path agrees with libxml2's path on the same bytes.
 *
 *   make fuzz && ./tests/fuzz_parse -dict=$top_srcdir/tests/fuzz_parse.dict CORPUS
 */
#include "config.h"

#include <stdint.h>
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

static int
on_entry(void *arg, const struct entry *e)
{
	size_t	 i;

	check_utf8(e->id);
	check_utf8(e->title);
	check_utf8(e->link);
	check_utf8(e->author);
	check_utf8(e->author_email);
	check_utf8(e->thumbnail);
	check_html(e->summary);
	check_html(e->content);
	for (i = 0; i < e->ncategories; i++)
		check_utf8(e->categories[i]);
	for (i = 0; i < e->nenclosures; i++) {
		check_utf8(e->enclosures[i].url);
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
