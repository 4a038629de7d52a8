/*
 * parse.c: bytes of a feed -> normalized feed metadata and entries.
 *
 * Bytes go through three stages as they arrive: the decoder (encoding.c)
 * makes UTF-8 of them; the cleaner (parse_clean.c) fixes what real feeds
 * get wrong at the byte level; libxml2's SAX2 push parser reads the rest,
 * its callbacks in parse_tags.c, the fields made in parse_text.c.  A
 * document that begins with "{" goes to the JSON Feed reader instead
 * (jsonfeed.c), whose fields come back through the jf_* functions here.
 * This file holds that pipeline, the choice between XML and JSON, and
 * the public API (parse.h).
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "date.h"
#include "dtd.h"
#include "encoding.h"
#include "html.h"
#include "jsonfeed.h"
#include "log.h"
#include "parse_int.h"
#include "url.h"
#include "util.h"

/* ---- JSON Feed (jsonfeed.c): its fields, normalized as XML's are ---- */

static const enum field jf_map[] = {
	[JF_TITLE] = F_TITLE, [JF_SUBTITLE] = F_SUBTITLE, [JF_ID] = F_ID,
	[JF_AUTHOR] = F_AUTHOR, [JF_SUMMARY] = F_SUMMARY,
	[JF_HTML] = F_CONTENT, [JF_TEXT] = F_CONTENT,
	[JF_PUBLISHED] = F_PUBLISHED, [JF_UPDATED] = F_UPDATED,
	[JF_CATEGORY] = F_CATEGORY, [JF_LINK] = F_LINK, [JF_SELF] = F_SELF,
	[JF_THUMBNAIL] = F_THUMBNAIL
};

/* A field of the feed or the item: as cap_end() takes an element's. */
void
jf_field(struct parser *p, enum jf_field jf, int prio, const char *s,
    size_t len)
{
	struct rec	*r = p->entry_depth ? &p->e : &p->f;
	struct tag	 t = { NS_NONE, "", C_FEED, jf_map[jf], prio };
	size_t		 i, run, off = r->arena.len;

	if ((t.field < F_NSTR && t.field != F_CATEGORY &&
	    r->s[t.field].prio >= prio) ||
	    (t.field == F_PUBLISHED && r->pprio >= prio) ||
	    (t.field == F_UPDATED && r->uprio >= prio))
		return;			/* a better source already gave it */
	/* Bounded as an element's text is while it is captured. */
	p->cmax = field_raw_max(t.field);
	p->ctrunc = len > p->cmax;
	if (p->ctrunc)
		len = utf8_cut(s, len, p->cmax);
	/* "\u0001" is JSON's way to a control character: dropped, as the
	 * cleaner drops XML's. */
	buf_reset(&p->ref);
	for (i = run = 0; i < len; i++) {
		if ((unsigned char)s[i] >= 0x20 || s[i] == '\t' ||
		    s[i] == '\n' || s[i] == '\r')
			continue;
		buf_add(&p->ref, s + run, i - run);
		run = i + 1;
	}
	buf_add(&p->ref, s + run, len - run);
	if (t.field == F_LINK || t.field == F_SELF || t.field == F_THUMBNAIL) {
		/* "" is no URL, not the base it would resolve to; a URL cut
		 * short is a wrong one. */
		if (!p->ctrunc && *strtrim(p->ref.s) != '\0')
			(void)url_take(&r->arena, p->ref.s, strlen(p->ref.s),
			    cur_base(p), URL_LINK);
		rec_set(r, t.field, prio, off);
		return;
	}
	buf_reset(&p->text);
	p->cmode = jf == JF_HTML ? M_HTML : M_TEXT;
	if (jf == JF_SUMMARY || jf == JF_TEXT) {	/* plain text */
		p->cmode = M_ESC;
		xml_escape(&p->text, p->ref.s, p->ref.len, 0);
	} else
		buf_add(&p->text, p->ref.s, p->ref.len);
	p->ctitle_html = 0;
	p->ctag = &t;
	cap_end(p);
	p->ctag = NULL;
}

void
jf_enclosure(struct parser *p, const char *url, size_t ulen,
    const char *type, size_t tlen, int64_t length)
{
	char	 num[24] = "";

	if (length >= 0)
		snprintf(num, sizeof num, "%lld", (long long)length);
	rec_add_enc(p, &p->e, url, ulen, type, tlen, num, strlen(num));
}

void
jf_item_begin(struct parser *p)
{
	rec_reset(&p->e);
	p->e.permalink = 0;	/* an item's id is not its link */
	p->entry_depth = 1;
}

int
jf_item_end(struct parser *p)
{
	entry_emit(p);
	p->entry_depth = 0;
	return p->stopped;
}

/* A JSON Feed begins with "{" after a BOM and white space; XML never does. */
static int
is_json(const char *s, size_t n)
{
	size_t	 i = 0;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	return i < n && (s[i] == '{' || s[i] == '[');
}

/* ---- the pipeline: decoder -> cleaner -> libxml2 ---- */

static void
feed_xml(struct parser *p, const char *s, size_t n, int last)
{
	size_t	 used, held, k;

	if (p->json != NULL) {
		if (jsonfeed_push(p->json, s, n) == -1)
			p->json_done = 1;
		return;
	}

	/*
	 * Bytes held back at the end of the last piece (a reference or a
	 * tag cut in two) take a small bite of this one until they are
	 * settled, so that the rest is cleaned where it is, not copied.
	 */
	while (p->carry.len > 0 && n > 0 && !last) {
		held = p->carry.len;
		k = n < 256 ? n : 256;
		buf_add(&p->carry, s, k);
		s += k;
		n -= k;
		used = parse_clean(p, p->carry.s, p->carry.len, 0, &p->clean);
		if (used >= held) {
			/* What is left unused is from the bite: give it back. */
			s -= p->carry.len - used;
			n += p->carry.len - used;
			buf_reset(&p->carry);
		} else {
			memmove(p->carry.s, p->carry.s + used,
			    p->carry.len - used);
			p->carry.len -= used;
		}
	}
	if (p->carry.len == 0) {
		used = parse_clean(p, s, n, last, &p->clean);
		if (used < n)
			buf_add(&p->carry, s + used, n - used);
	} else if (n > 0 || last) {
		buf_add(&p->carry, s, n);
		used = parse_clean(p, p->carry.s, p->carry.len, last, &p->clean);
		memmove(p->carry.s, p->carry.s + used, p->carry.len - used);
		p->carry.len -= used;
	}
	if (p->stopped)
		return;
	while (p->clean.len > INT_MAX / 2) {	/* xmlParseChunk takes an int */
		xmlParseChunk(p->ctxt, p->clean.s, INT_MAX / 2, 0);
		memmove(p->clean.s, p->clean.s + INT_MAX / 2,
		    p->clean.len - INT_MAX / 2);
		p->clean.len -= INT_MAX / 2;
	}
	xmlParseChunk(p->ctxt, p->clean.s, (int)p->clean.len, last);
	buf_reset(&p->clean);
}

static void
feed_bytes(struct parser *p, const char *s, size_t n, int last)
{
	size_t	 bom, k;

	if (p->dec == NULL) {
		buf_add(&p->sniff, s, n);
		if (p->sniff.len < SNIFF && !last)
			return;
		/* JSON is UTF-8 (RFC 8259), whatever the Content-Type says. */
		if (is_json(p->sniff.s, p->sniff.len))
			p->json = jsonfeed_new();
		p->dec = decoder_new(p->sniff.s, p->sniff.len, p->json != NULL ?
		    "utf-8" : p->http_charset, &bom);
		decoder_run(p->dec, p->sniff.s + bom, p->sniff.len - bom, last,
		    &p->utf8);
		buf_free(&p->sniff);
	} else if ((k = decoder_valid(p->dec, s, n)) > 0) {
		/* Valid UTF-8, as most feeds are, goes on without a copy. */
		feed_xml(p, s, k, last && k == n);
		if (k == n)
			return;
		decoder_run(p->dec, s + k, n - k, last, &p->utf8);
	} else
		decoder_run(p->dec, s, n, last, &p->utf8);
	feed_xml(p, buf_cstr(&p->utf8), p->utf8.len, last);
	buf_reset(&p->utf8);
}

struct parser *
parser_new(const char *base, const char *charset, const struct parse_cb *cb,
    void *arg)
{
	static xmlSAXHandler sax;
	struct parser	*p;

	if (sax.initialized == 0)
		parse_sax_init(&sax);
	p = xcalloc(1, sizeof *p);
	p->cb = cb;
	p->arg = arg;
	p->docbase = base != NULL && *base != '\0' ? xstrdup(base) : NULL;
	p->http_charset = charset != NULL ? xstrdup(charset) : NULL;
	p->ctxt = xmlCreatePushParserCtxt(&sax, p, NULL, 0, base);
	if (p->ctxt == NULL)
		fatalx("xmlCreatePushParserCtxt failed");
	/*
	 * We decode: libxml2 gets UTF-8 and must not believe the declaration.
	 * NOENT only makes attribute values plain text: libxml2 never sees a
	 * declaration, so there is nothing to substitute.
	 */
	xmlCtxtUseOptions(p->ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
	    XML_PARSE_NOENT | XML_PARSE_IGNORE_ENC | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	rec_reset(&p->e);
	rec_reset(&p->f);
	p->meta.updated = DATE_NONE;
	return p;
}

int
parser_push(struct parser *p, const char *s, size_t n)
{
	if (p->stopped || p->json_done || p->ctxt->disableSAX)
		return -1;
	feed_bytes(p, s, n, 0);
	return p->stopped || p->json_done || p->ctxt->disableSAX ? -1 : 0;
}

static void
feed_done(struct parser *p)
{
	struct rec	*r = &p->f;

	p->meta.title = rstr(r, F_TITLE);
	p->meta.link = rstr(r, F_LINK);
	p->meta.self = rstr(r, F_SELF);
	p->meta.subtitle = rstr(r, F_SUBTITLE);
	p->meta.id = rstr(r, F_ID);
	p->meta.updated = r->uprio > 0 ? r->updated : DATE_NONE;
	if (p->cb != NULL && p->cb->feed != NULL)
		p->cb->feed(p->arg, &p->meta);
}

static int
json_finish(struct parser *p, struct parse_result *res)
{
	int	 rv, malformed;

	rv = jsonfeed_finish(p->json, p, &res->format, &malformed,
	    res->error, sizeof res->error);
	res->malformed = malformed || p->limited;
	res->nentries = p->nentries;
	snprintf(res->charset, sizeof res->charset, "%s",
	    decoder_name(p->dec));
	if (rv == -1)
		return -1;
	if (res->error[0] == '\0')
		snprintf(res->error, sizeof res->error, "%s", p->error);
	feed_done(p);
	return 0;
}

int
parser_finish(struct parser *p, struct parse_result *res)
{
	memset(res, 0, sizeof *res);
	if (!p->stopped && !p->json_done && !p->ctxt->disableSAX)
		feed_bytes(p, "", 0, 1);
	if (p->json != NULL)
		return json_finish(p, res);
	res->format = p->format;
	res->malformed = !p->ctxt->wellFormed || p->limited;
	/* Cut off mid-entry: what was read of it is worth keeping. */
	if (p->root && p->entry_depth != 0 && !p->stopped) {
		if (p->ctag != NULL && p->ctag->field != F_LINK)
			cap_end(p);
		p->ctag = NULL;
		entry_emit(p);
		p->entry_depth = 0;
	}
	res->nentries = p->nentries;	/* that one included */
	if (p->dec != NULL)
		snprintf(res->charset, sizeof res->charset, "%s",
		    decoder_name(p->dec));
	snprintf(res->error, sizeof res->error, "%s", p->error);
	if (!p->root) {
		if (p->error[0] == '\0')
			snprintf(res->error, sizeof res->error,
			    "not a feed: no RSS or Atom root element");
		else if (strncmp(p->error, "not a feed", 10) != 0)
			snprintf(res->error, sizeof res->error,
			    "not a feed: %.200s", p->error);
	}
	/* Both echo the document (a name, an element) and were cut to fit. */
	utf8_line(res->charset);
	utf8_line(res->error);
	if (!p->root)
		return -1;
	feed_done(p);
	return 0;
}

void
parser_free(struct parser *p)
{
	if (p == NULL)
		return;
	if (p->ctxt != NULL) {
		if (p->ctxt->myDoc != NULL)
			xmlFreeDoc(p->ctxt->myDoc);
		xmlFreeParserCtxt(p->ctxt);
	}
	while (p->nbases > 0)
		free(p->bases[--p->nbases].uri);
	decoder_free(p->dec);
	jsonfeed_free(p->json);
	dtd_free(p->dtd);
	buf_free(&p->sniff);
	buf_free(&p->utf8);
	buf_free(&p->clean);
	buf_free(&p->carry);
	buf_free(&p->text);
	buf_free(&p->ref);
	rec_free(&p->e);
	rec_free(&p->f);
	free(p->catv);
	free(p->encv);
	free(p->docbase);
	free(p->http_charset);
	free(p);
}

int
parse_buffer(const char *s, size_t n, const char *base, const char *charset,
    const struct parse_cb *cb, void *arg, struct parse_result *res)
{
	struct parser	*p = parser_new(base, charset, cb, arg);
	int		 rv;

	parser_push(p, s, n);
	rv = parser_finish(p, res);
	parser_free(p);
	return rv;
}

const char *
parse_format_name(enum feed_format f)
{
	static const char *const names[] = { "unknown", "rss0.90", "rss0.91",
	    "rss0.92", "rss0.93", "rss0.94", "rss1.0", "rss2.0", "atom0.3",
	    "atom1.0", "json1.0", "json1.1" };

	return (size_t)f < nitems(names) ? names[f] : "unknown";
}
