/*
 * merge.c: the merged feed documents (Atom 1.0, RSS 2.0, JSON Feed 1.1).
 *
 * Each document is a pure function of the store and the output's config:
 * no clock is read, so the same store renders to the same bytes.  Text is
 * written by hand through one escaper that also repairs UTF-8 and drops
 * characters XML forbids, so every document is well-formed whatever the
 * store holds.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "cmd.h"
#include "conf.h"
#include "encoding.h"
#include "html.h"
#include "json.h"
#include "log.h"
#include "merge.h"
#include "river.h"
#include "rules.h"
#include "store.h"
#include "url.h"
#include "util.h"

#define GENERATOR_URI	"https://example.org/feedmux/"
#define DEFAULT_ENTRIES	100

struct render {
	const struct conf *conf;
	const struct output_conf *oc;
	enum merge_format fmt;
	struct buf	*out;		/* the entries, appended in order */
	struct buf	 tmp;		/* scratch for cleaned text */
	struct buf	 text;		/* scratch for HTML made text */
	struct buf	 title;		/* the entry's title (title_format) */
	int		 n;
	int		 max;
	int64_t		 newest;	/* the feed-level date */
};

static int
xml_char_ok(uint32_t cp)
{
	return cp == 0x9 || cp == 0xa || cp == 0xd ||
	    (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
	    (cp >= 0x10000 && cp <= 0x10ffff);
}

/* Bytes at p that XML allows as they are: printable ASCII and UTF-8. */
static size_t
clean_run(const unsigned char *p, size_t n)
{
	size_t		 run = 0;
	uint32_t	 cp;
	int		 len;

	while (run < n) {
		if (p[run] >= 0x20 && p[run] < 0x80)
			run++;
		else if (p[run] < 0x80 || (len = utf8_decode(p + run, n - run,
		    &cp)) <= 0 || !xml_char_ok(cp))
			break;
		else
			run += (size_t)len;
	}
	return run;
}

/*
 * Append s with broken UTF-8 replaced by U+FFFD and characters XML 1.0
 * does not allow dropped; with esc, also escaped for XML text and
 * attributes (by xml_escape; white space as references, which attribute
 * value normalization and CR folding would otherwise change).  Clean
 * runs are copied whole: this is the inner loop of every render.
 */
static void
text_clean(struct buf *b, const char *s, int esc)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), len;
	uint32_t		 cp;
	int			 k;

	while (n > 0) {
		len = clean_run(p, n);
		if (esc)
			xml_escape(b, (const char *)p, len, XML_QUOT);
		else
			buf_add(b, p, len);
		p += len;
		n -= len;
		if (n == 0)
			break;
		if ((k = utf8_decode(p, n, &cp)) <= 0) {
			buf_adds(b, "\xef\xbf\xbd");
			len = utf8_bad_len(p, n);
		} else {
			len = (size_t)k;
			if (!xml_char_ok(cp))
				;
			else if (!esc)
				buf_add(b, p, len);	/* tab, newline, CR */
			else
				buf_printf(b, "&#%u;", (unsigned)cp);
		}
		p += len;
		n -= len;
	}
}

/* <tag>text</tag>, nothing when s is NULL. */
static void
xml_elem(struct buf *b, const char *tag, const char *attrs, const char *s)
{
	if (s == NULL)
		return;
	buf_printf(b, "<%s%s>", tag, attrs);
	text_clean(b, s, 1);
	buf_printf(b, "</%s>\n", tag);
}

static void
xml_date(struct buf *b, const char *tag, int64_t t)
{
	char	 d[30];

	if (t == DATE_NONE)
		return;
	fmt_rfc3339(d, t);
	buf_printf(b, "<%s>%s</%s>\n", tag, d, tag);
}

static void
rss_date(struct buf *b, const char *tag, int64_t t)
{
	char	 d[30];

	if (t == DATE_NONE)
		return;
	fmt_rfc822(d, t);
	buf_printf(b, "<%s>%s</%s>\n", tag, d, tag);
}

static void
jstr(struct render *r, const char *s)
{
	if (s == NULL) {
		buf_adds(r->out, "null");
		return;
	}
	buf_reset(&r->tmp);
	text_clean(&r->tmp, s, 0);
	json_strn(r->out, buf_cstr(&r->tmp), r->tmp.len);
}

/*
 * The entry's id as Atom and JSON Feed see it: its own when it is an
 * absolute IRI (Atom requires one), else a stable URN from its feed and
 * store key, so the id never changes between renders.
 */
static const char *
entry_id(const struct stored_entry *e, char *tmp, size_t len)
{
	const char	*f, *k;
	uint64_t	 h;

	if (url_is_abs_iri(e->id))
		return e->id;
	f = e->feed != NULL ? e->feed : "";
	k = e->key != NULL ? e->key : e->id != NULL ? e->id : "";
	h = hash_bytes(HASH_INIT, f, strlen(f) + 1);	/* with its NUL */
	h = hash_bytes(h, k, strlen(k));
	snprintf(tmp, len, "urn:feedmux:%016" PRIx64, h);
	return tmp;
}

/* The dates each format needs, never "now". */
static int64_t
entry_updated(const struct stored_entry *e)
{
	if (e->updated != DATE_NONE)
		return e->updated;
	if (e->published != DATE_NONE)
		return e->published;
	return e->first_seen;
}

static int64_t
entry_published(const struct stored_entry *e)
{
	if (e->published != DATE_NONE)
		return e->published;
	if (e->updated != DATE_NONE)
		return e->updated;
	return e->first_seen;
}

static const char *
source_title(const struct stored_entry *e)
{
	return e->feed_title != NULL && *e->feed_title != '\0' ?
	    e->feed_title : e->feed;
}

/* The entry's title as the output's title_format shapes it. */
static const char *
entry_title(struct render *r, const struct stored_entry *e)
{
	if (r->oc->title_format == NULL)
		return e->title != NULL ? e->title : "";
	buf_reset(&r->title);
	title_format(&r->title, r->oc->title_format, e);
	return buf_cstr(&r->title);
}

/* <link rel=REL href=URL/> when the link policy takes URL (url.h). */
static void
atom_link(struct buf *b, const char *rel, const char *type, const char *url)
{
	if (!url_allowed(url, URL_LINK))
		return;
	buf_printf(b, "<link rel=\"%s\"", rel);
	if (type != NULL)
		buf_printf(b, " type=\"%s\"", type);
	buf_adds(b, " href=\"");
	text_clean(b, url, 1);
	buf_adds(b, "\"/>\n");
}

static int
has(const char *s)
{
	return s != NULL && *s != '\0';
}

/* <media:thumbnail url=URL/> (Media RSS) when URL is an allowed link. */
static void
media_thumbnail(struct buf *b, const char *url)
{
	if (!url_allowed(url, URL_LINK))
		return;
	buf_adds(b, "<media:thumbnail url=\"");
	text_clean(b, url, 1);
	buf_adds(b, "\"/>\n");
}

/*
 * atom:source names the feed an entry came from.  The feed's URL is its
 * id (the store keeps no atom:id of feeds); when the entry has no author
 * the source feed is named as one, which RFC 4287 needs (4.1.2).  Its
 * updated (which validators expect) is the feed's own date, else its
 * newest entry's, else when it was fetched (the store's feed_updated),
 * else when this entry was.
 */
static void
atom_source(struct render *r, const struct stored_entry *e)
{
	struct buf	*b = r->out;

	buf_adds(b, "<source>\n");
	if (url_is_abs_iri(e->feed_url))
		xml_elem(b, "id", "", e->feed_url);
	xml_elem(b, "title", " type=\"text\"", source_title(e));
	atom_link(b, "alternate", "text/html", e->feed_link);
	atom_link(b, "self", NULL, e->feed_url);
	xml_date(b, "updated", e->feed_updated != DATE_NONE ?
	    e->feed_updated : e->first_seen);
	if (!has(e->author) && !has(e->author_email)) {
		buf_adds(b, "<author>");
		xml_elem(b, "name", "", source_title(e));
		buf_adds(b, "</author>\n");
	}
	buf_adds(b, "</source>\n");
}

static void
atom_entry(struct render *r, const struct stored_entry *e)
{
	struct buf	*b = r->out;
	char		 idbuf[64];
	size_t		 i;

	buf_adds(b, "<entry>\n");
	xml_elem(b, "id", "", entry_id(e, idbuf, sizeof idbuf));
	xml_elem(b, "title", " type=\"text\"", entry_title(r, e));
	atom_link(b, "alternate", "text/html", e->link);
	if (has(e->author) || has(e->author_email)) {
		/* A name is required: the address stands in for one. */
		buf_adds(b, "<author>");
		xml_elem(b, "name", "", has(e->author) ? e->author :
		    e->author_email);
		if (has(e->author_email))
			xml_elem(b, "email", "", e->author_email);
		buf_adds(b, "</author>\n");
	}
	xml_date(b, "published", e->published);
	xml_date(b, "updated", entry_updated(e));
	for (i = 0; i < e->ncategories; i++) {
		buf_adds(b, "<category term=\"");
		text_clean(b, e->categories[i], 1);
		buf_adds(b, "\"/>\n");
	}
	for (i = 0; i < e->nenclosures; i++) {
		if (!url_allowed(e->enclosures[i].url, URL_LINK))
			continue;
		buf_adds(b, "<link rel=\"enclosure\" href=\"");
		text_clean(b, e->enclosures[i].url, 1);
		if (e->enclosures[i].type != NULL) {
			buf_adds(b, "\" type=\"");
			text_clean(b, e->enclosures[i].type, 1);
		}
		if (e->enclosures[i].length >= 0)
			buf_printf(b, "\" length=\"%" PRId64,
			    e->enclosures[i].length);
		buf_adds(b, "\"/>\n");
	}
	media_thumbnail(b, e->thumbnail);
	xml_elem(b, "summary", " type=\"html\"", e->summary);
	xml_elem(b, "content", " type=\"html\"", e->content);
	atom_source(r, e);
	buf_adds(b, "</entry>\n");
}

/*
 * guid isPermaLink="true" only when the guid is the entry's link; with
 * no guid of its own the entry's link stands in, which is a permalink.
 */
static void
rss_guid(struct buf *b, const struct stored_entry *e)
{
	char		 idbuf[64];
	const char	*id = e->id;

	if (id == NULL || *id == '\0') {
		if (url_allowed(e->link, URL_LINK))
			xml_elem(b, "guid", " isPermaLink=\"true\"", e->link);
		else
			xml_elem(b, "guid", " isPermaLink=\"false\"",
			    entry_id(e, idbuf, sizeof idbuf));
	} else if (e->link != NULL && strcmp(id, e->link) == 0 &&
	    url_allowed(id, URL_LINK))
		xml_elem(b, "guid", " isPermaLink=\"true\"", id);
	else
		xml_elem(b, "guid", " isPermaLink=\"false\"", id);
}

static void
rss_item(struct render *r, const struct stored_entry *e)
{
	struct buf		*b = r->out;
	const struct enclosure	*enc;
	size_t			 i;

	buf_adds(b, "<item>\n");
	xml_elem(b, "title", "", entry_title(r, e));
	if (url_allowed(e->link, URL_LINK))
		xml_elem(b, "link", "", e->link);
	xml_elem(b, "description", "", e->summary ? e->summary : e->content);
	if (e->author != NULL && *e->author != '\0')
		xml_elem(b, "dc:creator", "", e->author);
	for (i = 0; i < e->ncategories; i++)
		xml_elem(b, "category", "", e->categories[i]);
	/* RSS allows one enclosure per item, with length and type. */
	for (i = 0; i < e->nenclosures; i++) {
		enc = &e->enclosures[i];
		if (!url_allowed(enc->url, URL_LINK))
			continue;
		buf_adds(b, "<enclosure url=\"");
		text_clean(b, enc->url, 1);
		buf_printf(b, "\" length=\"%" PRId64 "\" type=\"",
		    enc->length >= 0 ? enc->length : 0);
		text_clean(b, enc->type ? enc->type :
		    "application/octet-stream", 1);
		buf_adds(b, "\"/>\n");
		break;
	}
	media_thumbnail(b, e->thumbnail);
	rss_guid(b, e);
	rss_date(b, "pubDate", entry_published(e));
	if (url_is_abs_iri(e->feed_url)) {
		buf_adds(b, "<source url=\"");
		text_clean(b, e->feed_url, 1);
		buf_adds(b, "\">");
		text_clean(b, source_title(e), 1);
		buf_adds(b, "</source>\n");
	}
	if (e->summary != NULL && e->content != NULL)
		xml_elem(b, "content:encoded", "", e->content);
	buf_adds(b, "</item>\n");
}

static void
json_date_field(struct buf *b, const char *name, int64_t t)
{
	if (t == DATE_NONE)
		return;
	buf_printf(b, ",\n      \"%s\": ", name);
	json_date(b, t);
}

/* Sources go in a "_feedmux" object, JSON Feed's extension mechanism. */
static void
json_source(struct render *r, const struct stored_entry *e)
{
	struct buf	*b = r->out;
	size_t		 i;

	buf_adds(b, ",\n      \"_feedmux\": {\"feed\": ");
	jstr(r, e->feed);
	buf_adds(b, ", \"feed_title\": ");
	jstr(r, source_title(e));
	buf_adds(b, ", \"feed_url\": ");
	jstr(r, e->feed_url);
	buf_adds(b, ", \"feed_link\": ");
	jstr(r, url_allowed(e->feed_link, URL_LINK) ? e->feed_link : NULL);
	buf_adds(b, ", \"also_feeds\": [");
	for (i = 0; i < e->nalso_feeds; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		jstr(r, e->also_feeds[i]);
	}
	buf_adds(b, "]}");
}

static void
json_attachments(struct render *r, const struct stored_entry *e)
{
	struct buf		*b = r->out;
	const struct enclosure	*enc;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < e->nenclosures; i++) {
		enc = &e->enclosures[i];
		if (!url_allowed(enc->url, URL_LINK))
			continue;
		buf_adds(b, n++ == 0 ? ",\n      \"attachments\": [" : ", ");
		buf_adds(b, "{\"url\": ");
		jstr(r, enc->url);
		buf_adds(b, ", \"mime_type\": ");
		jstr(r, enc->type ? enc->type : "application/octet-stream");
		if (enc->length >= 0)
			buf_printf(b, ", \"size_in_bytes\": %" PRId64,
			    enc->length);
		buf_adds(b, "}");
	}
	if (n > 0)
		buf_adds(b, "]");
}

static void
json_item(struct render *r, const struct stored_entry *e)
{
	struct buf	*b = r->out;
	char		 idbuf[64];
	size_t		 i;

	buf_adds(b, r->n > 0 ? ",\n    {\n      \"id\": " : "\n    {\n      \"id\": ");
	jstr(r, entry_id(e, idbuf, sizeof idbuf));
	if (url_allowed(e->link, URL_LINK)) {
		buf_adds(b, ",\n      \"url\": ");
		jstr(r, e->link);
	}
	buf_adds(b, ",\n      \"title\": ");
	jstr(r, entry_title(r, e));
	buf_adds(b, ",\n      \"content_html\": ");
	jstr(r, e->content ? e->content : e->summary ? e->summary : "");
	if (url_allowed(e->thumbnail, URL_LINK)) {
		buf_adds(b, ",\n      \"image\": ");
		jstr(r, e->thumbnail);
	}
	if (e->content != NULL && e->summary != NULL) {
		/* JSON Feed's summary is plain text. */
		buf_reset(&r->text);
		html_to_text(&r->text, e->summary, strlen(e->summary));
		buf_adds(b, ",\n      \"summary\": ");
		jstr(r, buf_cstr(&r->text));
	}
	json_date_field(b, "date_published", e->published);
	json_date_field(b, "date_modified", entry_updated(e));
	if (e->author != NULL && *e->author != '\0') {
		buf_adds(b, ",\n      \"authors\": [{\"name\": ");
		jstr(r, e->author);
		buf_adds(b, "}]");
	}
	if (e->ncategories > 0) {
		buf_adds(b, ",\n      \"tags\": [");
		for (i = 0; i < e->ncategories; i++) {
			if (i > 0)
				buf_adds(b, ", ");
			jstr(r, e->categories[i]);
		}
		buf_adds(b, "]");
	}
	json_attachments(r, e);
	json_source(r, e);
	buf_adds(b, "\n    }");
}

static int
name_in(char **list, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < n; i++)
		if (strcasecmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* Of the feeds an article came through, does any pass the feed rules? */
static int
feeds_pass(const struct output_conf *oc, const struct stored_entry *e)
{
	size_t	 i;

	if ((oc->nfeeds == 0 || name_in(oc->feeds, oc->nfeeds, e->feed)) &&
	    !name_in(oc->exclude_feeds, oc->nexclude_feeds, e->feed))
		return 1;
	for (i = 0; i < e->nalso_feeds; i++)
		if ((oc->nfeeds == 0 ||
		    name_in(oc->feeds, oc->nfeeds, e->also_feeds[i])) &&
		    !name_in(oc->exclude_feeds, oc->nexclude_feeds,
		    e->also_feeds[i]))
			return 1;
	return 0;
}

/* The feed's configured category or one of the entry's own. */
static int
category_in(char **list, size_t n, const struct stored_entry *e)
{
	size_t	 i;

	if (name_in(list, n, e->category))
		return 1;
	for (i = 0; i < e->ncategories; i++)
		if (name_in(list, n, e->categories[i]))
			return 1;
	return 0;
}

int
merge_wants(const struct output_conf *oc, const struct stored_entry *e)
{
	if (!feeds_pass(oc, e))
		return 0;
	if (oc->ncategories > 0 &&
	    !category_in(oc->categories, oc->ncategories, e))
		return 0;
	if (category_in(oc->exclude_categories, oc->nexclude_categories, e))
		return 0;
	if (oc->match != NULL && !rules_match(&oc->match_re, e))
		return 0;
	if (oc->exclude_match != NULL && rules_match(&oc->exclude_match_re, e))
		return 0;
	return 1;
}

static int
render_entry(void *arg, const struct stored_entry *e)
{
	struct render	*r = arg;
	int64_t		 t;

	if (r->n >= r->max)
		return 1;
	/* The output's own filters first: they cost no markup stripping. */
	if (!merge_wants(r->oc, e) || rules_hide(r->conf, e) != NULL)
		return 0;
	switch (r->fmt) {
	case MERGE_ATOM:
		atom_entry(r, e);
		break;
	case MERGE_RSS:
		rss_item(r, e);
		break;
	case MERGE_JSON:
		json_item(r, e);
		break;
	case MERGE_HTML:	/* river.c's own walk */
		break;
	}
	if ((t = entry_updated(e)) != DATE_NONE && t > r->newest)
		r->newest = t;
	r->n++;
	return 0;
}

/* The output's own URL: its link joined with the file's name. */
char *
merge_self(const struct output_conf *oc, enum merge_format fmt)
{
	static const char *names[] = { "atom.xml", "rss.xml", "feed.json",
	    "index.html" };
	const char	*path, *base;

	path = fmt == MERGE_ATOM ? oc->atom : fmt == MERGE_RSS ? oc->rss :
	    fmt == MERGE_JSON ? oc->json : oc->html;
	if (!url_is_abs_iri(oc->link))
		return NULL;
	if (path != NULL && (base = strrchr(path, '/')) != NULL)
		base++;
	else
		base = path != NULL ? path : names[fmt];
	return url_resolve(oc->link, base);
}

static const char *
output_title(const struct output_conf *oc)
{
	return oc->title != NULL ? oc->title : "feedmux";
}

/*
 * The feed's date is the newest entry's, known only after the entries:
 * the heads write a placeholder of the same width and say where it is, so
 * entries go straight into the output (no second buffer, no copy).
 */
static void
atom_head(struct buf *b, const struct output_conf *oc, const char *self,
    size_t *date_at)
{
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<feed xmlns=\"http://www.w3.org/2005/Atom\""
	    " xmlns:media=\"http://search.yahoo.com/mrss/\">\n");
	if (self != NULL)
		xml_elem(b, "id", "", self);
	else if (url_is_abs_iri(oc->link))
		xml_elem(b, "id", "", oc->link);
	else {
		buf_adds(b, "<id>urn:feedmux:output:");
		text_clean(b, oc->name && *oc->name ? oc->name : "default", 1);
		buf_adds(b, "</id>\n");
	}
	xml_elem(b, "title", " type=\"text\"", output_title(oc));
	xml_elem(b, "subtitle", " type=\"text\"", oc->subtitle);
	buf_adds(b, "<updated>");
	*date_at = b->len;
	buf_adds(b, "1970-01-01T00:00:00Z</updated>\n");
	atom_link(b, "self", "application/atom+xml", self);
	atom_link(b, "alternate", "text/html", oc->link);
	buf_adds(b, "<generator uri=\"" GENERATOR_URI "\" version=\""
	    PACKAGE_VERSION "\">feedmux</generator>\n");
}

static void
rss_head(struct buf *b, const struct output_conf *oc, const char *self,
    size_t *date_at)
{
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\""
	    " xmlns:content=\"http://purl.org/rss/1.0/modules/content/\""
	    " xmlns:dc=\"http://purl.org/dc/elements/1.1/\""
	    " xmlns:media=\"http://search.yahoo.com/mrss/\">\n<channel>\n");
	xml_elem(b, "title", "", output_title(oc));
	if (url_is_abs_iri(oc->link))
		xml_elem(b, "link", "", oc->link);
	xml_elem(b, "description", "", oc->subtitle ? oc->subtitle :
	    output_title(oc));
	if (self != NULL) {
		buf_adds(b, "<atom:link rel=\"self\" type=\"application/rss+xml\""
		    " href=\"");
		text_clean(b, self, 1);
		buf_adds(b, "\"/>\n");
	}
	buf_adds(b, "<generator>feedmux " PACKAGE_VERSION "</generator>\n");
	/* Dropped again when there are no entries (see merge_render). */
	buf_adds(b, "<lastBuildDate>");
	*date_at = b->len;
	buf_adds(b, "Thu, 01 Jan 1970 00:00:00 GMT</lastBuildDate>\n");
}

static void
json_head(struct render *r, struct buf *b, const char *self)
{
	struct buf	*saved = r->out;

	r->out = b;
	buf_adds(b, "{\n  \"version\": \"https://jsonfeed.org/version/1.1\",\n"
	    "  \"title\": ");
	jstr(r, output_title(r->oc));
	if (url_is_abs_iri(r->oc->link)) {
		buf_adds(b, ",\n  \"home_page_url\": ");
		jstr(r, r->oc->link);
	}
	if (self != NULL) {
		buf_adds(b, ",\n  \"feed_url\": ");
		jstr(r, self);
	}
	if (r->oc->subtitle != NULL) {
		buf_adds(b, ",\n  \"description\": ");
		jstr(r, r->oc->subtitle);
	}
	buf_adds(b, ",\n  \"items\": [");
	r->out = saved;
}

int
merge_render(struct store *st, const struct conf *conf,
    const struct output_conf *oc, enum merge_format fmt, struct buf *out,
    char *err, size_t errlen)
{
	struct render	 r;
	char		*self, d[30];
	size_t		 date_at = 0, head_len;
	int		 rc = 0;

	if (fmt == MERGE_HTML)
		return river_render(st, conf, oc, out, err, errlen);
	memset(&r, 0, sizeof r);
	r.conf = conf;
	r.oc = oc;
	r.fmt = fmt;
	r.out = out;
	r.max = oc->entries > 0 ? oc->entries : DEFAULT_ENTRIES;
	r.newest = DATE_NONE;
	self = merge_self(oc, fmt);
	buf_reset(out);
	if (fmt == MERGE_ATOM)
		atom_head(out, oc, self, &date_at);
	else if (fmt == MERGE_RSS)
		rss_head(out, oc, self, &date_at);
	else
		json_head(&r, out, self);
	head_len = out->len;
	if (store_recent(st, render_entry, &r) == -1) {
		snprintf(err, errlen, "reading entries: %s", store_error(st));
		rc = -1;
		goto out;
	}
	if (fmt == MERGE_ATOM) {
		fmt_rfc3339(d, r.newest == DATE_NONE ? 0 : r.newest);
		memcpy(out->s + date_at, d, 20);
		buf_adds(out, "</feed>\n");
	} else if (fmt == MERGE_RSS) {
		if (r.newest != DATE_NONE) {
			fmt_rfc822(d, r.newest);
			memcpy(out->s + date_at, d, 29);
		} else {
			/* No entries: no date, rather than a made-up one. */
			out->len = date_at - strlen("<lastBuildDate>");
			buf_add(out, "", 0);
		}
		buf_adds(out, "</channel>\n</rss>\n");
	} else
		buf_adds(out, out->len > head_len ? "\n  ]\n}\n" : "]\n}\n");
out:
	free(self);
	buf_free(&r.tmp);
	buf_free(&r.text);
	buf_free(&r.title);
	return rc;
}

void
merge_rendering_name(const struct output_conf *oc, enum merge_format fmt,
    char *out, size_t outlen)
{
	static const char *const ext[] = { "atom", "rss", "json", "html" };

	snprintf(out, outlen, "%s.%s", oc->name, ext[fmt]);
}

static const char *
output_path(const struct output_conf *oc, enum merge_format fmt)
{
	switch (fmt) {
	case MERGE_ATOM:
		return oc->atom;
	case MERGE_RSS:
		return oc->rss;
	case MERGE_JSON:
		return oc->json;
	case MERGE_HTML:
		return oc->html;
	}
	return NULL;
}

/* Does path already hold exactly these bytes? */
static int
file_same(const char *path, const struct buf *b)
{
	struct buf	 old = { NULL, 0, 0 };
	char		 err[256];
	int		 same;

	same = read_file(path, b->len + 1, &old, err, sizeof err) == 0 &&
	    old.len == b->len && memcmp(old.s, b->s, b->len) == 0;
	buf_free(&old);
	return same;
}

/*
 * Write the outputs (only the one named only, when not NULL).  *wfail is
 * set when a file could not be written, as opposed to the store failing.
 * With gen >= 0 (merge_publish), every output in every format is also
 * stored as rendered at gen, from the same rendering.
 */
static int
write_outputs(struct store *st, const struct conf *conf, const char *only,
    int64_t gen, int *wfail, char *err, size_t errlen)
{
	struct output_conf	 def;
	const struct output_conf *oc;
	struct buf		 doc = { NULL, 0, 0 };
	const char		*path;
	char			 name[256];
	size_t			 i, nout = conf->noutputs;
	int			 fmt, n = 0;

	*wfail = 0;
	memset(&def, 0, sizeof(def));
	def.name = "";
	if (nout == 0 && gen >= 0)
		nout = 1;	/* the unnamed default, for the endpoints */
	for (i = 0; i < nout; i++) {
		oc = conf->noutputs > 0 ? &conf->outputs[i] : &def;
		if (only != NULL && strcmp(oc->name, only) != 0)
			continue;
		for (fmt = MERGE_ATOM; fmt <= MERGE_HTML; fmt++) {
			path = output_path(oc, fmt);
			if (path == NULL && gen < 0)
				continue;
			if (merge_render(st, conf, oc, fmt, &doc, err,
			    errlen) == -1)
				goto fail;
			if (gen >= 0) {
				merge_rendering_name(oc, fmt, name,
				    sizeof(name));
				if (store_rendering_put(st, name, gen, fm_now(),
				    doc.s, doc.len) == -1) {
					snprintf(err, errlen, "storing %s: %s",
					    name, store_error(st));
					goto fail;
				}
			}
			if (path == NULL || file_same(path, &doc))
				continue;
			if (atomic_write(path, doc.s, doc.len, err,
			    errlen) == -1) {
				*wfail = 1;
				goto fail;
			}
			log_debug("wrote %s", path);
			n++;
		}
	}
	buf_free(&doc);
	return n;
fail:
	buf_free(&doc);
	return -1;
}

int
merge_write(struct store *st, const struct conf *conf, char *err,
    size_t errlen)
{
	int	 wfail;

	return write_outputs(st, conf, NULL, -1, &wfail, err, errlen);
}

int
merge_publish(struct store *st, const struct conf *conf, int64_t gen,
    char *err, size_t errlen)
{
	int	 wfail;

	return write_outputs(st, conf, NULL, gen, &wfail, err, errlen);
}

static const struct output_conf *
find_output(const struct conf *conf, const char *name)
{
	size_t	 i;

	for (i = 0; i < conf->noutputs; i++)
		if (strcmp(conf->outputs[i].name, name) == 0)
			return &conf->outputs[i];
	return NULL;
}

static int
parse_format(const char *s, enum merge_format *fmt)
{
	if (strcmp(s, "atom") == 0)
		*fmt = MERGE_ATOM;
	else if (strcmp(s, "rss") == 0)
		*fmt = MERGE_RSS;
	else if (strcmp(s, "json") == 0)
		*fmt = MERGE_JSON;
	else if (strcmp(s, "html") == 0)
		*fmt = MERGE_HTML;
	else
		return -1;
	return 0;
}

/* -p: the document on stdout; without [output], an unfiltered default. */
static int
merge_print(struct store *st, const struct conf *conf,
    const struct output_conf *oc, enum merge_format fmt)
{
	struct output_conf	 def;
	struct buf		 doc = { NULL, 0, 0 };
	char			 err[512];
	int			 rc = EX_OK;

	if (oc == NULL) {
		memset(&def, 0, sizeof def);
		def.name = "";
		oc = &def;
	}
	if (merge_render(st, conf, oc, fmt, &doc, err, sizeof err) == -1) {
		log_errorx("merge: %s", err);
		rc = EX_SOFTWARE;
	} else if (fwrite(doc.s, 1, doc.len, stdout) != doc.len ||
	    fflush(stdout) == EOF) {
		log_warn("merge: stdout");
		rc = EX_IOERR;
	}
	buf_free(&doc);
	return rc;
}

int
cmd_merge(struct conf *conf, int argc, char **argv)
{
	const struct output_conf *oc = NULL;
	struct store		*st;
	enum merge_format	 fmt = MERGE_ATOM;
	const char		*only = NULL;
	char			 err[512];
	int			 ch, print = 0, n, wfail, rc = EX_OK;

	while ((ch = getopt(argc, argv, "o:p:T")) != -1) {
		switch (ch) {
		case 'T':
			/* The river page's template, to start one's own from. */
			fputs(river_template, stdout);
			return EX_OK;
		case 'o':
			only = optarg;
			break;
		case 'p':
			if (parse_format(optarg, &fmt) == -1)
				return cmd_usage(argv[0]);
			print = 1;
			break;
		default:
			return cmd_usage(argv[0]);
		}
	}
	if (optind != argc)
		return cmd_usage(argv[0]);
	if (only != NULL && (oc = find_output(conf, only)) == NULL) {
		log_errorx("merge: no [output \"%s\"] in the config", only);
		return EX_CONFIG;
	}
	if (!print && conf->noutputs == 0) {
		log_errorx("merge: no [output] in the config");
		return EX_CONFIG;
	}
	if ((st = store_open(conf->database, err, sizeof err)) == NULL) {
		log_errorx("merge: %s", err);
		return EX_NOINPUT;
	}
	if (print)
		rc = merge_print(st, conf, oc ? oc : conf->noutputs > 0 ?
		    &conf->outputs[0] : NULL, fmt);
	else if ((n = write_outputs(st, conf, only, -1, &wfail, err,
	    sizeof err)) == -1) {
		log_errorx("merge: %s", err);
		rc = wfail ? EX_CANTCREAT : EX_SOFTWARE;
	} else
		log_info("merge: %d file%s written", n, n == 1 ? "" : "s");
	store_close(st);
	return rc;
}
