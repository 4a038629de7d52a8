/* test_merge.c: the merged documents from a real SQLite store. */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "conf.h"
#include "merge.h"
#include "merge_fixture.h"
#include "river.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static char	 dir[] = "/tmp/test_merge.XXXXXX";

static struct conf *
load(const char *text)
{
	struct conf	*c;
	char		 path[256], err[512];
	FILE		*f;

	snprintf(path, sizeof path, "%s/feedmux.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fprintf(f, "[feedmux]\ndatabase = %s/db.sqlite\n"
	    "[feed \"alpha\"]\nurl = https://alpha.example/feed.xml\n"
	    "category = tech\n"
	    "[feed \"beta\"]\nurl = https://beta.example/rss\n"
	    "category = security\n%s", dir, text);
	fclose(f);
	if ((c = conf_load(path, err, sizeof err)) == NULL)
		printf("# conf: %s\n", err);
	return c;
}

/* Well-formed for a strict parser: no recovery, no network. */
static int
xml_ok(const struct buf *b)
{
	xmlDocPtr	 d;

	d = xmlReadMemory(b->s, (int)b->len, "out.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (d == NULL)
		return 0;
	xmlFreeDoc(d);
	return 1;
}

static int
count(const char *hay, const char *needle)
{
	int	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

static int
render(struct store *st, struct conf *c, size_t o, enum merge_format f,
    struct buf *b)
{
	char	 err[512];

	if (merge_render(st, c, &c->outputs[o], f, b, err, sizeof err) == -1) {
		printf("# render: %s\n", err);
		return -1;
	}
	return 0;
}

static void
test_documents(struct store *st, struct conf *c)
{
	struct buf	 a = { 0 }, b = { 0 };
	const char	*s;

	ok(render(st, c, 0, MERGE_ATOM, &a) == 0, "atom renders");
	s = buf_cstr(&a);
	ok(xml_ok(&a), "atom is well-formed");
	is_int(count(s, "<entry>"), 5, "5 entries: the shared one once");
	is_int(count(s, "<source>"), 5, "each entry has atom:source");
	ok(strstr(s, "<title type=\"text\">Alpha Blog</title>") != NULL,
	    "source title");
	ok(strstr(s, "Beta &amp; Sons &lt;News&gt;") != NULL,
	    "source title escaped");
	ok(strstr(s, "\x01") == NULL && strstr(s, "\x0b") == NULL &&
	    strstr(s, "\x07") == NULL && strstr(s, "\x0c") == NULL,
	    "control characters dropped");
	ok(strstr(s, "emoji \xf0\x9f\x98\x80 &amp;amp; ok") != NULL,
	    "non-BMP kept, & escaped");
	ok(strstr(s, "]]&gt; \xef\xbf\xbd\xef\xbf\xbd broken "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate  and") != NULL,
	    "broken UTF-8 replaced, U+FFFE dropped");
	ok(strstr(s, "<id>urn:feedmux:") != NULL, "non-IRI id made a URN");
	ok(strstr(s, "<updated>2023-11-14T22:13:20Z</updated>\n<link rel=\"self\"")
	    != NULL, "feed updated is the newest entry's date");
	ok(strstr(s, "href=\"https://planet.example.org/atom.xml\"") != NULL,
	    "self link from link and file name");
	ok(render(st, c, 0, MERGE_ATOM, &b) == 0 && a.len == b.len &&
	    memcmp(a.s, b.s, a.len) == 0, "same store, same bytes");

	ok(render(st, c, 0, MERGE_RSS, &a) == 0 && xml_ok(&a),
	    "rss renders, well-formed");
	s = buf_cstr(&a);
	is_int(count(s, "<item>"), 5, "rss: 5 items");
	ok(strstr(s, "<guid isPermaLink=\"false\">alpha-2</guid>") != NULL,
	    "rss: guid not a link is no permalink");
	ok(strstr(s, "<guid isPermaLink=\"true\">https://alpha.example/posts/1"
	    "</guid>") != NULL, "rss: guid that is the link is a permalink");
	ok(strstr(s, "<source url=\"https://beta.example/rss\">") != NULL,
	    "rss: source element");
	ok(strstr(s, "<pubDate>Tue, 14 Nov 2023 19:26:40 GMT</pubDate>") !=
	    NULL, "rss: RFC 822 dates");

	ok(render(st, c, 0, MERGE_JSON, &a) == 0, "json renders");
	s = buf_cstr(&a);
	ok(strstr(s, "\"version\": \"https://jsonfeed.org/version/1.1\"") !=
	    NULL, "json: version 1.1");
	ok(strstr(s, "\"also_feeds\": [\"beta\"]") != NULL,
	    "json: the shared entry names its other feed");
	buf_free(&a);
	buf_free(&b);
}

static void
test_filters(struct store *st, struct conf *c)
{
	struct buf	 a = { 0 };
	static const struct {
		size_t		 out;
		int		 n;
		const char	*name;
	} t[] = {
		{ 1, 1, "categories = security: the feed's category" },
		{ 2, 4, "exclude_feeds = beta keeps the shared entry" },
		{ 3, 1, "match = advisory" },
		{ 4, 4, "exclude_match = Nasty" },
		{ 5, 2, "entries = 2" },
		{ 6, 1, "feeds = beta reaches the shared entry, cve excluded" },
		{ 7, 1, "categories = NEWS: an entry's own category" },
		{ 8, 1, "match = ^ann$: the author, as rules test it" },
		{ 9, 0, "match = <p>: markup is not text" },
		{ 10, 1, "match = ^cve$: a category" },
	};
	size_t		 i;

	for (i = 0; i < nitems(t); i++) {
		if (render(st, c, t[i].out, MERGE_ATOM, &a) == -1)
			buf_reset(&a);
		is_int(count(buf_cstr(&a), "<entry>"), t[i].n, t[i].name);
	}
	buf_free(&a);
}

static void
test_write(struct store *st, struct conf *c, struct conf *bad)
{
	struct stat	 sb;
	char		 err[512], path[256];

	is_int(merge_write(st, c, err, sizeof err), 3, "merge_write: 3 files");
	is_int(merge_write(st, c, err, sizeof err), 0,
	    "unchanged store: nothing written");
	snprintf(path, sizeof path, "%s/atom.xml", dir);
	ok(chmod(path, 0604) == 0, "chmod atom.xml");
	ok(fixture_more(st, 1, 1, FIXTURE_NOW) == 0, "one more entry");
	is_int(merge_write(st, c, err, sizeof err), 3, "changed: 3 again");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 07777) == 0604,
	    "mode kept across the rewrite");
	is_int(merge_write(st, bad, err, sizeof err), -1,
	    "unwritable directory fails");
	ok(strstr(err, "/nonexistent/atom.xml") != NULL, "error names the path: %s",
	    err);
}

/*
 * 60 entries without dates, first seen in one fetch, come out in the
 * feed's order in every format (they used to come out reversed).
 */
static void
test_undated(struct store *st, struct conf *c)
{
	struct buf	 b = { 0 };
	enum merge_format f;
	const char	*s, *p, *q;
	char		 t[32];
	int		 i, inorder;

	ok(fixture_undated(st, 60, FIXTURE_NOW + 100) == 0, "60 undated");
	for (f = MERGE_ATOM; f <= MERGE_JSON; f++) {
		if (render(st, c, 0, f, &b) == -1)
			break;
		s = buf_cstr(&b);
		for (i = 0, inorder = 1, p = s; i < 60 && inorder; i++) {
			snprintf(t, sizeof t, "Undated %02d<", i);
			if (f == MERGE_JSON)
				snprintf(t, sizeof t, "Undated %02d\"", i);
			q = strstr(s, t);
			inorder = q != NULL && q >= p;
			p = q;
		}
		ok(inorder, "format %d: undated entries in document order", f);
	}
	buf_free(&b);
}

/*
 * atom:source's updated: the feed's own date, else its newest entry's
 * (an undated entry's is when it was first seen).
 */
static void
test_source_updated(struct store *st, struct conf *c)
{
	struct buf	 b = { 0 };
	const char	*s;

	ok(render(st, c, 0, MERGE_ATOM, &b) == 0, "atom renders");
	s = buf_cstr(&b);
	is_int(count(s, "<source>"), count(s, "<entry>"),
	    "an atom:source per entry");
	ok(strstr(s, "<link rel=\"self\" href=\"https://alpha.example/feed.xml"
	    "\"/>\n<updated>2023-11-14T22:13:20Z</updated>") != NULL,
	    "alpha's source updated: its newest entry, an undated one");
	ok(strstr(s, "<link rel=\"self\" href=\"https://beta.example/rss"
	    "\"/>\n<updated>2023-11-14T18:03:20Z</updated>") != NULL,
	    "beta's source updated: its newest entry's date");
	ok(strstr(s, "<author><name>Ann</name>\n<email>ann@alpha.example"
	    "</email>\n</author>") != NULL, "atom: author name and email");
	ok(strstr(s, "<author><name>solo@alpha.example</name>\n<email>"
	    "solo@alpha.example</email>\n</author>") != NULL,
	    "atom: an address alone stands in for the name");
	ok(strstr(s, "<media:thumbnail url=\"https://alpha.example/avatars/"
	    "ann.png\"/>") != NULL && xml_ok(&b), "atom: media:thumbnail");
	ok(render(st, c, 0, MERGE_JSON, &b) == 0 && strstr(buf_cstr(&b),
	    "\"image\": \"https://alpha.example/avatars/ann.png\"") != NULL &&
	    strstr(buf_cstr(&b), "@alpha.example") == NULL,
	    "json: the thumbnail is the image; no address");
	buf_free(&b);
}

static void
title_is(const char *fmt, const struct stored_entry *e, const char *want,
    const char *name)
{
	struct buf	 b = { 0 };

	title_format(&b, fmt, e);
	is_str(buf_cstr(&b), want, name);
	buf_free(&b);
}

/* title_format: placeholders, missing values, literal text. */
static void
test_title_format(struct store *st, struct conf *c)
{
	struct stored_entry	 e;
	struct buf		 b = { 0 };
	char			 err[256];
	const char		*s;

	memset(&e, 0, sizeof e);
	e.feed = "alpha";
	e.feed_title = "Alpha Blog";
	e.title = "Hello";
	e.category = "tech";
	title_is(NULL, &e, "Hello", "no title_format: the title");
	title_is("{feed}: {title}", &e, "Alpha Blog: Hello",
	    "{feed}: {title}");
	title_is("{feed_name}/{category}/{author}.", &e, "alpha/tech/.",
	    "{feed_name}, {category}; a missing {author} is empty");
	title_is("{ title } {} {Title} {title", &e,
	    "{ title } {} {Title} {title", "other braces are kept as text");
	e.feed_title = "";
	title_is("[{feed}] {title}", &e, "[alpha] Hello",
	    "{feed} without a title is the feed's name");
	e.title = NULL;
	title_is("{feed}: {title}", &e, "alpha: ", "no title: empty");
	ok(title_format_check("{feed}: {title} {feed_name} {author} "
	    "{category}", err, sizeof err) == 0, "check: the known ones");
	ok(title_format_check("{feed} {nosuch}", err, sizeof err) == -1 &&
	    strstr(err, "{nosuch}") != NULL, "check: unknown one refused, "
	    "named");
	ok(render(st, c, 1, MERGE_RSS, &b) == 0, "rss renders");
	s = buf_cstr(&b);
	ok(count(s, "<item>") > 0 && count(s, "<title>[") == count(s,
	    "<item>"), "title_format shapes each RSS title");
	ok(strstr(s, "<title>[Beta &amp; Sons &lt;News&gt;] ") != NULL,
	    "with the feed's display title, escaped");
	ok(render(st, c, 0, MERGE_RSS, &b) == 0 &&
	    count(buf_cstr(&b), "<title>[") == 0,
	    "another output keeps plain titles");
	buf_free(&b);
}

int
main(void)
{
	struct conf	*c, *bad;
	struct store	*st;
	char		 err[512];

	if (mkdtemp(dir) == NULL)
		return 1;
	c = load("[output]\natom = atom.xml\nrss = rss.xml\njson = feed.json\n"
	    "title = Test Planet\nlink = https://planet.example.org/\n"
	    "[output \"sec\"]\ncategories = security\n"
	    "title_format = [{feed}] {title}\n"
	    "[output \"nobeta\"]\nexclude_feeds = beta\n"
	    "[output \"adv\"]\nmatch = advisory\n"
	    "[output \"nonasty\"]\nexclude_match = Nasty\n"
	    "[output \"two\"]\nentries = 2\n"
	    "[output \"beta\"]\nfeeds = beta\nexclude_categories = cve\n"
	    "[output \"news\"]\ncategories = NEWS\n"
	    "[output \"ann\"]\nmatch = ^ann$\n"
	    "[output \"markup\"]\nmatch = <p>\n"
	    "[output \"cve\"]\nmatch = ^cve$\n");
	bad = load("[output]\natom = /nonexistent/atom.xml\n");
	if (!ok(c != NULL && bad != NULL, "config loads"))
		return done_testing();
	st = store_open(c->database, err, sizeof err);
	if (!ok(st != NULL, "store opens"))
		return done_testing();
	if (!ok(fixture_fill(st, c, FIXTURE_NOW) == 0, "store filled"))
		return done_testing();
	test_documents(st, c);
	test_source_updated(st, c);
	test_filters(st, c);
	test_write(st, c, bad);
	test_undated(st, c);
	test_title_format(st, c);
	store_close(st);
	conf_free(c);
	conf_free(bad);
	rm_tree(dir);
	return done_testing();
}
