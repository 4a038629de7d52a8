/* test_parse: the parser API: hints, streaming, stopping, base and charset. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "encoding.h"
#include "parse.h"
#include "util.h"
#include "tap.h"

struct got {
	struct buf	 s;		/* entries, one line each */
	struct feed_meta meta;
	int		 stop_after;	/* 0: never */
	int		 n;
};

static int
on_entry(void *arg, const struct entry *e)
{
	struct got	*g = arg;
	size_t		 i;

	buf_printf(&g->s, "%s|%s|%s|%s|%s|%lld|%lld", e->id ? e->id : "-",
	    e->title ? e->title : "-", e->link ? e->link : "-",
	    e->summary ? e->summary : "-", e->content ? e->content : "-",
	    (long long)e->published, (long long)e->updated);
	for (i = 0; i < e->ncategories; i++)
		buf_printf(&g->s, "|c:%s", e->categories[i]);
	for (i = 0; i < e->nenclosures; i++)
		buf_printf(&g->s, "|e:%s", e->enclosures[i].url);
	buf_addc(&g->s, '\n');
	return ++g->n == g->stop_after;
}

static void
on_feed(void *arg, const struct feed_meta *m)
{
	struct got	*g = arg;

	g->meta = *m;
	buf_printf(&g->s, "feed %s|%s\n", m->title ? m->title : "-",
	    m->link ? m->link : "-");
}

static const struct parse_cb cb = { on_entry, on_feed };

static int
load(const char *name, struct buf *b)
{
	char	 path[1024], err[256];
	const char *top = getenv("top_srcdir");

	snprintf(path, sizeof path, "%s/tests/parse/%s", top ? top : ".",
	    name);
	buf_reset(b);
	return read_file(path, 0, b, err, sizeof err);
}

/* The same document pushed in pieces of n bytes. */
static void
parse_pieces(const struct buf *doc, size_t n, const char *charset,
    struct got *g, struct parse_result *res)
{
	struct parser	*p = parser_new(NULL, charset, &cb, g);
	size_t		 off;

	for (off = 0; off < doc->len; off += n)
		if (parser_push(p, doc->s + off, doc->len - off < n ?
		    doc->len - off : n) == -1)
			break;
	parser_finish(p, res);
	parser_free(p);
}

static void
streaming(const char *name, const char *charset)
{
	struct buf		 doc = { NULL, 0, 0 };
	struct got		 whole, bytes, odd;
	struct parse_result	 r1, r2, r3;

	memset(&whole, 0, sizeof whole);
	memset(&bytes, 0, sizeof bytes);
	memset(&odd, 0, sizeof odd);
	if (!ok(load(name, &doc) == 0, "%s: read", name))
		return;
	parse_pieces(&doc, doc.len + 1, charset, &whole, &r1);
	parse_pieces(&doc, 1, charset, &bytes, &r2);
	parse_pieces(&doc, 7, charset, &odd, &r3);
	ok(whole.n > 0, "%s: has entries", name);
	is_str(buf_cstr(&bytes.s), buf_cstr(&whole.s), name);
	is_str(buf_cstr(&odd.s), buf_cstr(&whole.s), name);
	is_str(r2.charset, r1.charset, "same charset");
	is_int(r2.malformed, r1.malformed, "same malformed flag");
	buf_free(&doc);
	buf_free(&whole.s);
	buf_free(&bytes.s);
	buf_free(&odd.s);
}

/*
 * Valid UTF-8 goes to libxml2 without a copy and the cleaner copies only
 * what it repairs, holding back what a piece cuts in two: every split of
 * a document full of such places must read as the whole does.
 */
static void
streaming_repairs(void)
{
	static const char item[] = "<item><title>caf\xc3\xa9 &amp; co &lt;3 "
	    "D&D a < b \xe6\x97\xa5\xf0\x9f\x98\x80 caf\xe9</title>"
	    "<link>/p/%d</link><guid>g%d</guid>"
	    "<description><![CDATA[<p>x\x01 <a href=\"/p/%d\">l</a> &eacute;"
	    "\x02\x03 0123456789abcdef\x1f</p>]]></description>"
	    "<!-- c -- \x01 -->"
	    "<content:encoded>&lt;b&gt;&#233;&#x20AC;&#150;&nbsp;"
	    "&averyveryverylongentitynamethatisnotknownatall; "
	    "&unknown;\x02</content:encoded></item>\n";
	static const size_t sizes[] = { 1, 2, 3, 5, 8, 9, 13, 64, 255, 256,
	    257, 300, 1000, 1023, 1024, 1025, 4096 };
	struct buf	 doc = { NULL, 0, 0 };
	struct got	 whole, part;
	struct parse_result r1, r2;
	size_t		 i;
	int		 k;
	char		 name[64];

	buf_adds(&doc, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/"
	    "modules/content/\"><channel><title>T</title>"
	    "<link>https://example.org/</link>\n");
	for (k = 0; k < 40; k++)
		buf_printf(&doc, item, k, k, k);
	buf_adds(&doc, "</channel></rss>\n");
	memset(&whole, 0, sizeof whole);
	parse_pieces(&doc, doc.len + 1, NULL, &whole, &r1);
	is_int(whole.n, 40, "repairs: 40 entries");
	ok(strstr(buf_cstr(&whole.s), "g7|caf\xc3\xa9 & co <3 D&D a < b "
	    "\xe6\x97\xa5\xf0\x9f\x98\x80 caf\xc3\xa9|https://example.org/p/7|"
	    "<p>x <a href=\"https://example.org/p/7\">l</a> \xc3\xa9 "
	    "0123456789abcdef</p>|"
	    "<b>\xc3\xa9\xe2\x82\xac\xe2\x80\x93\xc2\xa0&amp;"
	    "averyveryverylongentitynamethatisnotknownatall; &amp;unknown;</b>|")
	    != NULL, "repairs: an entry as expected");
	for (i = 0; i < nitems(sizes); i++) {
		memset(&part, 0, sizeof part);
		parse_pieces(&doc, sizes[i], NULL, &part, &r2);
		snprintf(name, sizeof name, "repairs: pieces of %zu bytes",
		    sizes[i]);
		if (!is_str(buf_cstr(&part.s), buf_cstr(&whole.s), name))
			break;
		is_int(r2.malformed, r1.malformed, "same malformed flag");
		buf_free(&part.s);
	}
	buf_free(&whole.s);
	buf_free(&doc);
}

/*
 * What json-c takes besides JSON (comments, single quotes) the scanner
 * that prices the tree must follow too; and the price is bounded: the
 * items before the limit are kept.
 */
static void
json_limits(void)
{
	static const char odd[] = "{\"version\": \"https://jsonfeed.org/"
	    "version/1.1\", /* a \"comment\" { */ 'items': [{'id': 'a\"'},"
	    " // [[[\n {\"id\": \"b'\"}]}";
	struct buf	 doc = { NULL, 0, 0 };
	struct got	 g;
	struct parse_result res;
	int		 i;

	memset(&g, 0, sizeof g);
	is_int(parse_buffer(odd, sizeof odd - 1, NULL, NULL, &cb, &g, &res), 0,
	    "json: comments and single quotes");
	is_int(res.nentries, 2, "json: both items");
	is_int(res.malformed, 0, "json: not malformed");
	/* The same cut short inside the comment: the first item is kept. */
	buf_reset(&g.s);
	g.n = 0;
	is_int(parse_buffer(odd, 97, NULL, NULL, &cb, &g, &res), 0,
	    "json: cut short in a comment");
	is_int(res.nentries, 1, "json: the item before it kept");
	ok(strncmp(buf_cstr(&g.s), "a\"|", 3) == 0, "json: whole: %s",
	    buf_cstr(&g.s));
	buf_free(&g.s);

	buf_adds(&doc, "{\"version\": \"https://jsonfeed.org/version/1.1\", "
	    "\"items\": [");
	for (i = 0; i < 200000; i++)
		buf_adds(&doc, i > 0 ? ",{}" : "{}");
	buf_adds(&doc, "]}");
	memset(&g, 0, sizeof g);
	is_int(parse_buffer(doc.s, doc.len, NULL, NULL, &cb, &g, &res), 0,
	    "json: 200,000 empty items");
	is_int(res.malformed, 1, "json: over the limit is malformed");
	ok(res.nentries > 50000 && res.nentries < 100000,
	    "json: the items before the limit kept (%d)", res.nentries);
	ok(strstr(res.error, "too many values") != NULL, "json: says why: %s",
	    res.error);
	buf_free(&g.s);
	buf_free(&doc);
}

/* JSON Feed through the same API: stopping, the document URL, charset. */
static void
json_feed(void)
{
	static const char doc[] = "\xef\xbb\xbf\n {\"version\": "
	    "\"https://jsonfeed.org/version/1\", \"home_page_url\": "
	    "\"https://home.example/\", \"items\": ["
	    "{\"id\": \"a\", \"url\": \"p/a\"}, {\"id\": \"b\"}]}";
	struct got		 g;
	struct parse_result	 res;

	memset(&g, 0, sizeof g);
	g.stop_after = 1;
	is_int(parse_buffer(doc, sizeof doc - 1, "https://doc.example/f/x.json",
	    "koi8-r", &cb, &g, &res), 0, "json: a feed after a BOM");
	is_int(res.format, FMT_JSON10, "json: version 1");
	is_int(res.nentries, 1, "json: stopped after one entry");
	is_str(res.charset, "utf-8", "json: UTF-8 whatever the HTTP charset");
	ok(strstr(buf_cstr(&g.s), "a|-|https://doc.example/f/p/a|") != NULL,
	    "json: relative URL against the document URL");
	buf_free(&g.s);
	memset(&g, 0, sizeof g);
	is_int(parse_buffer("[1, 2]", 6, NULL, NULL, &cb, &g, &res), -1,
	    "json: an array is not a feed");
	ok(strncmp(res.error, "not a feed", 10) == 0, "json: says why: %s",
	    res.error);
	is_int(parse_buffer("{", 1, NULL, NULL, &cb, &g, &res), -1,
	    "json: a lone brace is not a feed");
	is_int(g.n, 0, "json: no entries");
	buf_free(&g.s);
	json_limits();
}

/*
 * Every label the WHATWG Encoding standard maps to windows-1252 reads
 * 0x80-0x9f as windows-1252, from the prolog and from HTTP: "don\x92t" is
 * "don't", never a C1 control.
 */
static void
latin1_is_1252(void)
{
	static const char *const labels[] = { "ISO-8859-1", "iso8859-1",
	    "iso88591", "iso_8859-1", "ISO_8859-1:1987", "latin1", "l1",
	    "csISOLatin1", "IBM819", "cp819", "iso-ir-100", "us-ascii",
	    "ascii", "ANSI_X3.4-1968", "windows-1252", "cp1252", "x-cp1252" };
	struct got		 g;
	struct parse_result	 res;
	char			 doc[256], name[96];
	size_t			 i;
	int			 n, http;

	for (i = 0; i < nitems(labels); i++)
		for (http = 0; http < 2; http++) {
			n = snprintf(doc, sizeof doc, "<?xml version=\"1.0\" "
			    "encoding=\"%s\"?><rss><channel><title>don\x92t "
			    "\x93q\x94\x85</title></channel></rss>",
			    http ? "utf-8" : labels[i]);
			memset(&g, 0, sizeof g);
			parse_buffer(doc, (size_t)n, NULL, http ? labels[i] :
			    NULL, &cb, &g, &res);
			snprintf(name, sizeof name, "%s (%s): windows-1252",
			    labels[i], http ? "HTTP" : "prolog");
			is_str(buf_cstr(&g.s), "feed don\xe2\x80\x99t "
			    "\xe2\x80\x9cq\xe2\x80\x9d\xe2\x80\xa6|-\n", name);
			buf_free(&g.s);
		}
}

/* The clean-text helpers every string the parser hands out goes through. */
static void
text_helpers(void)
{
	static const char tricky[] = "ok \xc3\xa9 \x7f\x01\ttab\nnl\r "
	    "\xff \xed\xa0\x80 \xe6\x97";
	struct buf	 b = { NULL, 0, 0 };
	char		 line[] = "a\x1b[31m \xc3 b \xe6\x97";

	ok(utf8_text_len("plain \xc3\xa9 text", 13, 0) == 13, "clean: all");
	ok(utf8_text_len("ab\x7f", 3, 0) == 2, "DEL stops it");
	ok(utf8_text_len("a\tb", 3, 0) == 1 && utf8_text_len("a\tb", 3,
	    UTF8_LINES) == 3, "TAB only for lines");
	ok(utf8_text_len("a\xff" "b", 3, UTF8_VALID) == 3 &&
	    utf8_text_len("a\xff" "b", 3, 0) == 1, "UTF8_VALID looks at controls");
	utf8_text(&b, tricky, sizeof tricky - 1, 0);
	is_str(buf_cstr(&b), "ok \xc3\xa9  tab nl  \xef\xbf\xbd \xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd", "repaired");
	buf_reset(&b);
	utf8_text(&b, tricky, sizeof tricky - 1, UTF8_LINES);
	ok(strstr(buf_cstr(&b), "\ttab\nnl ") != NULL, "repaired, lines kept");
	ok(utf8_cut("\xc3\xa9\xc3\xa9", 4, 3) == 2 &&
	    utf8_cut("\xe6\x97\xa5", 3, 2) == 0 && utf8_cut("ab", 2, 5) == 2,
	    "cut at a character boundary");
	utf8_line(line);
	is_str(line, "a [31m ? b ", "a message cleaned in place");
	ok(utf8_text_len("a\xc2\x9b[31m", 7, UTF8_VALID) == 1 &&
	    utf8_text_len("a\xc2\x9b[31m", 7, 0) == 1 &&
	    utf8_text_len("a \xc2\xa9 b", 6, UTF8_VALID) == 6,
	    "C1 controls stop clean text, U+00A9 does not");
	buf_reset(&b);
	utf8_text(&b, "x\xc2\x85y\xc2\x9b[0m \xc2\xa0z", 13, 0);
	is_str(buf_cstr(&b), "xy[0m \xc2\xa0z", "C1 controls dropped, NBSP kept");
	buf_free(&b);
}

int
main(void)
{
	static const char *const stream_cases[] = { "rss20.xml", "atom10.xml",
	    "entities.xml", "bare-amp.xml", "utf16le-bom.xml",
	    "utf16be-nobom.xml", "enc-koi8r.xml", "enc-latin1.xml",
	    "enc-utf8-really-1252.xml", "enc-latin1-really-utf8.xml",
	    "junk-before-xml.xml", "xml-base.xml", "control-chars.xml",
	    "malformed-unclosed.xml", "jsonfeed-1.0.json-in",
	    "jsonfeed-1.1.json-in", "jsonfeed-utf8.json-in",
	    "jsonfeed-broken.json-in", "jsonfeed-truncated.json-in",
	    "jsonfeed-deep.json-in", "char-refs.xml", "entities-dtd.xml",
	    "entities-unused.xml", "billion-laughs-variants.xml",
	    "rss091.xml" };
	struct buf		 doc = { NULL, 0, 0 };
	struct got		 g;
	struct parse_result	 res;
	size_t			 i;

	xmlInitParser();
	text_helpers();

	/* Scheduling hints for sched. */
	memset(&g, 0, sizeof g);
	load("hints.xml", &doc);
	is_int(parse_buffer(doc.s, doc.len, NULL, NULL, &cb, &g, &res), 0,
	    "hints: parsed");
	is_int(g.meta.ttl, 90, "ttl");
	is_int(g.meta.sy_period, 86400, "sy:updatePeriod daily");
	is_int(g.meta.sy_frequency, 4, "sy:updateFrequency");
	is_int(g.meta.skip_hours, (1 << 0) | (1 << 1) | (1 << 23),
	    "skipHours (24 is midnight)");
	is_int(g.meta.skip_days, (1 << 0) | (1 << 6), "skipDays");
	buf_free(&g.s);

	/* The document URL beats the channel link as a base. */
	memset(&g, 0, sizeof g);
	parse_buffer(doc.s, doc.len, "https://fetched.example.net/feeds/x.rss",
	    NULL, &cb, &g, &res);
	ok(strstr(buf_cstr(&g.s), "|https://fetched.example.net/x|") != NULL,
	    "relative link against the document URL");
	buf_free(&g.s);

	/* Any split of the input gives the same result. */
	for (i = 0; i < nitems(stream_cases); i++)
		streaming(stream_cases[i], NULL);
	streaming("enc-http-charset.xml", "windows-1251");
	streaming_repairs();

	/* An entry callback can stop the parser. */
	memset(&g, 0, sizeof g);
	g.stop_after = 1;
	load("ids-titles.xml", &doc);
	is_int(parse_buffer(doc.s, doc.len, NULL, NULL, &cb, &g, &res), 0,
	    "stopped parse still returns the feed");
	is_int(res.nentries, 1, "stopped after one entry");
	buf_free(&g.s);

	/* A BOM beats the HTTP charset; the HTTP charset beats the prolog. */
	memset(&g, 0, sizeof g);
	load("utf16le-bom.xml", &doc);
	parse_buffer(doc.s, doc.len, NULL, "iso-8859-1", &cb, &g, &res);
	is_str(res.charset, "utf-16le", "BOM beats HTTP charset");
	buf_free(&g.s);
	memset(&g, 0, sizeof g);
	load("enc-koi8r.xml", &doc);
	parse_buffer(doc.s, doc.len, NULL, "windows-1251", &cb, &g, &res);
	is_str(res.charset, "windows-1251", "HTTP charset beats the prolog");
	buf_free(&g.s);

	latin1_is_1252();

	/* An entity value holding a NUL byte is kept whole (the byte is
	 * dropped as a control character), not cut short at it. */
	{
		static const char nul[] = "<!DOCTYPE rss [<!ENTITY v \"a\0b\">"
		    "]><rss><channel><title>x&v;y</title></channel></rss>";

		memset(&g, 0, sizeof g);
		parse_buffer(nul, sizeof nul - 1, NULL, NULL, &cb, &g, &res);
		is_str(buf_cstr(&g.s), "feed xaby|-\n",
		    "entity value with a NUL byte");
		buf_free(&g.s);
	}

	/* Not a feed. */
	memset(&g, 0, sizeof g);
	is_int(parse_buffer("<html><body>x</body></html>", 27, NULL, NULL,
	    &cb, &g, &res), -1, "HTML page: not a feed");
	ok(strstr(res.error, "not a feed") != NULL, "error says why: %s",
	    res.error);
	is_str(parse_format_name(FMT_ATOM03), "atom0.3", "format names");
	is_str(parse_format_name(FMT_JSON11), "json1.1", "JSON Feed 1.1");
	buf_free(&g.s);

	json_feed();
	buf_free(&g.s);
	buf_free(&doc);
	return done_testing();
}
