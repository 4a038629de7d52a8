/*
 * parse_tags.c: the elements of a feed and what each one means.
 *
 * Namespaces are known by URI (nstab), not by prefix; elements are looked
 * up by namespace, name and where they are (feed, entry, a nested
 * container) in a sorted table (tags) with priorities.  The SAX2
 * callbacks live here: they track depth, xml:base and the entry being
 * read, read the elements that carry their value in attributes (links,
 * enclosures, media), and capture the text of the others, whose value
 * parse_text.c makes at the end tag.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "encoding.h"
#include "html.h"
#include "parse_int.h"
#include "url.h"
#include "util.h"

/* Known namespace URIs, without scheme and trailing "/" or "#". */
static const struct {
	const char	*uri;
	enum ns		 ns;
} nstab[] = {
	{ "www.w3.org/2005/atom", NS_ATOM },
	{ "purl.org/atom/ns", NS_ATOM03 },
	{ "purl.org/rss/1.0", NS_RSS },
	{ "my.netscape.com/rdf/simple/0.9", NS_RSS090 },
	{ "backend.userland.com/rss2", NS_RSS },
	{ "www.w3.org/1999/02/22-rdf-syntax-ns", NS_RDF },
	{ "purl.org/rss/1.0/modules/content", NS_CONTENT },
	{ "purl.org/dc/elements/1.1", NS_DC },
	{ "purl.org/dc/terms", NS_DCTERMS },
	{ "search.yahoo.com/mrss", NS_MEDIA },
	{ "www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES },
	{ "itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES },
	{ "example.com/dtds/podcast-1.0.dtd", NS_ITUNES },	/* old samples */
	{ "purl.org/rss/1.0/modules/syndication", NS_SY },
	{ "www.w3.org/1999/xhtml", NS_XHTML },
	{ "rssnamespace.org/feedburner/ext/1.0", NS_FB },
};

/* Sorted by ns, name, ctx; a higher prio beats a lower one. */
static const struct tag tags[] = {
	{ NS_RSS, "author", C_ENTRY, F_AUTHOR, 2 },
	{ NS_RSS, "body", C_ENTRY, F_CONTENT, 2 },
	{ NS_RSS, "category", C_ENTRY, F_CATEGORY, 1 },
	{ NS_RSS, "day", C_SKIPD, F_DAY, 1 },
	{ NS_RSS, "description", C_FEED, F_SUBTITLE, 3 },
	{ NS_RSS, "description", C_ENTRY, F_SUMMARY, 3 },
	{ NS_RSS, "enclosure", C_ENTRY, F_ENCLOSURE, 1 },
	{ NS_RSS, "guid", C_ENTRY, F_ID, 3 },
	{ NS_RSS, "hour", C_SKIPH, F_HOUR, 1 },
	{ NS_RSS, "lastBuildDate", C_FEED, F_UPDATED, 3 },
	{ NS_RSS, "link", C_FEED, F_LINK, 3 },
	{ NS_RSS, "link", C_ENTRY, F_LINK, 3 },
	{ NS_RSS, "pubDate", C_FEED, F_UPDATED, 2 },
	{ NS_RSS, "pubDate", C_ENTRY, F_PUBLISHED, 3 },
	{ NS_RSS, "skipDays", C_FEED, F_SUB_SKIPD, 1 },
	{ NS_RSS, "skipHours", C_FEED, F_SUB_SKIPH, 1 },
	{ NS_RSS, "title", C_FEED, F_TITLE, 3 },
	{ NS_RSS, "title", C_ENTRY, F_TITLE, 3 },
	{ NS_RSS, "ttl", C_FEED, F_TTL, 1 },
	{ NS_ATOM, "author", C_ENTRY, F_SUB_AUTHOR, 1 },
	{ NS_ATOM, "category", C_ENTRY, F_ATOMCAT, 1 },
	{ NS_ATOM, "content", C_ENTRY, F_CONTENT, 3 },
	{ NS_ATOM, "email", C_AUTHOR, F_EMAIL, 3 },
	{ NS_ATOM, "id", C_FEED, F_ID, 3 },
	{ NS_ATOM, "id", C_ENTRY, F_ID, 3 },
	{ NS_ATOM, "issued", C_ENTRY, F_PUBLISHED, 2 },
	{ NS_ATOM, "link", C_FEED, F_ATOMLINK, 3 },
	{ NS_ATOM, "link", C_ENTRY, F_ATOMLINK, 3 },
	{ NS_ATOM, "modified", C_FEED, F_UPDATED, 2 },
	{ NS_ATOM, "modified", C_ENTRY, F_UPDATED, 2 },
	{ NS_ATOM, "name", C_AUTHOR, F_AUTHOR, 3 },
	{ NS_ATOM, "published", C_ENTRY, F_PUBLISHED, 3 },
	{ NS_ATOM, "subtitle", C_FEED, F_SUBTITLE, 3 },
	{ NS_ATOM, "summary", C_ENTRY, F_SUMMARY, 3 },
	{ NS_ATOM, "tagline", C_FEED, F_SUBTITLE, 2 },
	{ NS_ATOM, "title", C_FEED, F_TITLE, 3 },
	{ NS_ATOM, "title", C_ENTRY, F_TITLE, 3 },
	{ NS_ATOM, "updated", C_FEED, F_UPDATED, 3 },
	{ NS_ATOM, "updated", C_ENTRY, F_UPDATED, 3 },
	{ NS_CONTENT, "encoded", C_ENTRY, F_CONTENT, 3 },
	{ NS_DC, "author", C_ENTRY, F_AUTHOR, 2 },
	{ NS_DC, "creator", C_ENTRY, F_AUTHOR, 2 },
	{ NS_DC, "date", C_FEED, F_UPDATED, 1 },
	{ NS_DC, "date", C_ENTRY, F_PUBLISHED, 1 },
	{ NS_DC, "description", C_ENTRY, F_SUMMARY, 1 },
	{ NS_DC, "subject", C_ENTRY, F_CATEGORY, 1 },
	{ NS_DC, "title", C_FEED, F_TITLE, 1 },
	{ NS_DC, "title", C_ENTRY, F_TITLE, 2 },
	{ NS_DCTERMS, "created", C_ENTRY, F_PUBLISHED, 1 },
	{ NS_DCTERMS, "issued", C_ENTRY, F_PUBLISHED, 1 },
	{ NS_DCTERMS, "modified", C_ENTRY, F_UPDATED, 1 },
	{ NS_MEDIA, "content", C_ENTRY, F_MEDIA, 1 },
	{ NS_MEDIA, "content", C_MGROUP, F_MEDIA, 1 },
	{ NS_MEDIA, "description", C_ENTRY, F_SUMMARY, 1 },
	{ NS_MEDIA, "description", C_MGROUP, F_SUMMARY, 1 },
	{ NS_MEDIA, "group", C_ENTRY, F_SUB_MGROUP, 1 },
	{ NS_MEDIA, "thumbnail", C_ENTRY, F_THUMB, 1 },
	{ NS_MEDIA, "thumbnail", C_MGROUP, F_THUMB, 1 },
	{ NS_MEDIA, "title", C_ENTRY, F_TITLE, 1 },
	{ NS_MEDIA, "title", C_MGROUP, F_TITLE, 1 },
	{ NS_ITUNES, "author", C_ENTRY, F_AUTHOR, 1 },
	{ NS_ITUNES, "subtitle", C_FEED, F_SUBTITLE, 1 },
	{ NS_ITUNES, "summary", C_ENTRY, F_SUMMARY, 1 },
	{ NS_SY, "updateFrequency", C_FEED, F_SYFREQ, 1 },
	{ NS_SY, "updatePeriod", C_FEED, F_SYPERIOD, 1 },
	{ NS_XHTML, "body", C_ENTRY, F_CONTENT, 2 },
	{ NS_FB, "origLink", C_ENTRY, F_LINK, 4 },
};

/* ---- namespaces and the tag table ---- */

static enum ns
ns_of(const xmlChar *uri)
{
	const char	*u = (const char *)uri;
	size_t		 n, i;

	if (u == NULL || *u == '\0')
		return NS_NONE;
	u += url_web_prefix(u);
	n = strlen(u);
	while (n > 0 && (u[n - 1] == '/' || u[n - 1] == '#'))
		n--;
	for (i = 0; i < nitems(nstab); i++)
		if (strlen(nstab[i].uri) == n &&
		    strncasecmp(u, nstab[i].uri, n) == 0)
			return nstab[i].ns;
	return NS_OTHER;
}

/* libxml2 interns namespace URIs, so a pointer cache saves the compares. */
static enum ns
ns_cached(struct parser *p, const xmlChar *uri)
{
	unsigned	 i;
	enum ns		 ns;

	if (uri == NULL)
		return NS_NONE;
	for (i = 0; i < nitems(p->nsptr); i++)
		if (p->nsptr[i] == uri)
			return p->nsval[i];
	ns = ns_of(uri);
	i = p->nsnext++ % nitems(p->nsptr);
	p->nsptr[i] = uri;
	p->nsval[i] = ns;
	return ns;
}

/* The namespace used for table lookups. */
static enum ns
ns_lookup(struct parser *p, enum ns ns)
{
	switch (ns) {
	case NS_NONE:
		return p->atom_nons ? NS_ATOM : NS_RSS;
	case NS_RSS090:
		return NS_RSS;
	case NS_ATOM03:
		return NS_ATOM;
	default:
		return ns;
	}
}

struct tagkey {
	enum ns		 ns;
	const char	*name;
	enum ctx	 ctx;
};

static int
tag_cmp(const void *k, const void *e)
{
	const struct tagkey	*a = k;
	const struct tag	*b = e;
	int			 c;

	if (a->ns != b->ns)
		return a->ns < b->ns ? -1 : 1;
	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	return a->ctx < b->ctx ? -1 : a->ctx > b->ctx;
}

static const struct tag *
tag_find(enum ns ns, const char *name, enum ctx ctx)
{
	struct tagkey	 k = { ns, name, ctx };

	return bsearch(&k, tags, nitems(tags), sizeof tags[0], tag_cmp);
}

/*
 * libxml2 interns element names too: for the whole document one pointer
 * is one name, so the few names a feed repeats in every entry are looked
 * up once each, not with a bsearch of strcmp calls per element.  A feed
 * has a score of such names; past 32 the oldest answer makes room.
 */
static const struct tag *
tag_cached(struct parser *p, enum ns ns, const xmlChar *name, enum ctx ctx)
{
	struct tagmemo	*m;
	unsigned	 i, n;

	n = p->ntmemo < nitems(p->tmemo) ? p->ntmemo : nitems(p->tmemo);
	for (i = 0; i < n; i++) {
		m = &p->tmemo[i];
		if (m->name == name && m->ns == ns && m->ctx == ctx)
			return m->t;
	}
	m = &p->tmemo[p->ntmemo++ % nitems(p->tmemo)];
	m->name = name;
	m->ns = ns;
	m->ctx = ctx;
	m->t = tag_find(ns, (const char *)name, ctx);
	return m->t;
}

/* ---- SAX2 attributes: (localname, prefix, URI, value, end) ---- */

static int
attr(const xmlChar **a, int n, const char *name, const char **v,
    size_t *len)
{
	int	 i;

	for (i = 0; i < n; i++, a += 5) {
		if (a[2] != NULL || strcmp((const char *)a[0], name) != 0)
			continue;
		*v = (const char *)a[3];
		*len = (size_t)(a[4] - a[3]);
		return 1;
	}
	return 0;
}

/* Is v (len bytes, NULL: absent), white space trimmed, want in any case? */
static int
value_is(const char *v, size_t len, const char *want)
{
	if (v == NULL)
		return 0;
	while (len > 0 && isspace((unsigned char)*v))
		v++, len--;
	while (len > 0 && isspace((unsigned char)v[len - 1]))
		len--;
	return strlen(want) == len && strncasecmp(v, want, len) == 0;
}

static int
attr_is(const xmlChar **a, int n, const char *name, const char *want)
{
	const char	*v;
	size_t		 len;

	if (!attr(a, n, name, &v, &len))
		return 0;
	return value_is(v, len, want);
}

/* ---- xml:base ---- */

static void
base_push(struct parser *p, const xmlChar **a, int n)
{
	char	*ref, *u;
	int	 i;

	for (i = 0; i < n; i++, a += 5) {
		if (a[2] == NULL || strcmp((const char *)a[0], "base") != 0 ||
		    strcmp((const char *)a[2], (const char *)XML_XML_NAMESPACE))
			continue;
		if (p->nbases == (int)nitems(p->bases))
			return;
		ref = xstrndup((const char *)a[3], (size_t)(a[4] - a[3]));
		if (cur_base(p) == NULL || (u = url_resolve(cur_base(p), ref))
		    == NULL)
			u = xstrdup(ref);
		free(ref);
		p->bases[p->nbases].depth = p->depth;
		p->bases[p->nbases++].uri = u;
		return;
	}
}

static void
base_pop(struct parser *p)
{
	while (p->nbases > 0 && p->bases[p->nbases - 1].depth >= p->depth)
		free(p->bases[--p->nbases].uri);
}

/* ---- capturing an element's text: how to read it ---- */

/* What a text construct's type says it holds: M_HTML, M_XHTML, M_ESC. */
static enum mode
atom_type(const char *type, size_t tlen)
{
	if (value_is(type, tlen, "html") || value_is(type, tlen, "text/html"))
		return M_HTML;
	if (value_is(type, tlen, "xhtml") ||
	    value_is(type, tlen, "application/xhtml+xml"))
		return M_XHTML;
	if (type == NULL || value_is(type, tlen, "text") ||
	    (tlen > 5 && strncasecmp(type, "text/", 5) == 0))
		return M_ESC;
	return M_SKIP;			/* images: not text */
}

/*
 * The capture mode of a text construct from its type and Atom 0.3 mode:
 * "escaped" text is its type once unescaped (HTML when no type is given,
 * as it is written in the wild); "base64" is decoded, then read by type.
 */
static enum mode
atom_mode(const xmlChar **a, int n, int *html, enum mode *b64)
{
	const char	*v, *mode = NULL, *type = NULL;
	size_t		 len, mlen = 0, tlen = 0;
	enum mode	 kind;
	int		 base64, escaped;

	*html = 0;
	if (attr(a, n, "src", &v, &len))
		return M_SKIP;		/* content elsewhere */
	/* Each looked up once: this runs for every title and content. */
	attr(a, n, "mode", &mode, &mlen);
	attr(a, n, "type", &type, &tlen);
	kind = atom_type(type, tlen);
	base64 = value_is(mode, mlen, "base64");
	escaped = value_is(mode, mlen, "escaped");
	if (base64 || escaped) {
		if (type == NULL && escaped)
			kind = M_HTML;
		if (kind == M_XHTML)
			kind = M_HTML;	/* markup as text: read as HTML */
		*html = kind == M_HTML;
		if (kind == M_SKIP || escaped)
			return kind;
		*b64 = kind;
		return M_B64;
	}
	if (kind == M_HTML || kind == M_XHTML || value_is(mode, mlen, "xml")) {
		*html = 1;
		return kind == M_HTML ? M_HTML : M_XHTML;
	}
	return kind;
}

static void
cap_begin(struct parser *p, const struct tag *t, enum ns ns,
    const xmlChar **a, int n)
{
	struct rec	*r = p->entry_depth ? &p->e : &p->f;
	int		 html = 0;

	p->ctag = t;
	p->cdepth = p->depth;
	p->cdiv = 0;
	p->ctitle_html = 0;
	p->cb64 = M_SKIP;
	p->ctrunc = 0;
	p->cmax = field_raw_max(t->field);
	buf_reset(&p->text);
	p->cmode = M_TEXT;
	if (t->field < F_NSTR && t->field != F_CATEGORY &&
	    r->s[t->field].prio >= t->prio)
		p->cmode = M_SKIP;	/* a better source already gave it */
	else if ((t->field == F_PUBLISHED && r->pprio >= t->prio) ||
	    (t->field == F_UPDATED && r->uprio >= t->prio))
		p->cmode = M_SKIP;
	else if (t->field == F_SUMMARY || t->field == F_CONTENT ||
	    t->field == F_TITLE || t->field == F_SUBTITLE) {
		if (ns == NS_ATOM || ns == NS_ATOM03 || p->atom_nons) {
			p->cmode = atom_mode(a, n, &html, &p->cb64);
			if (t->field == F_TITLE || t->field == F_SUBTITLE) {
				p->ctitle_html = html;
				if (p->cmode == M_ESC || p->cmode == M_SKIP)
					p->cmode = M_TEXT;
				if (p->cb64 == M_ESC)
					p->cb64 = M_TEXT;	/* text */
			}
		} else
			p->cmode = M_HTML;
	}
}

/* ---- elements read from their attributes ---- */

static void
atom_link(struct parser *p, struct rec *r, const struct tag *t,
    const xmlChar **a, int n)
{
	const char	*href, *ty = NULL, *ln = NULL, *rel;
	size_t		 hlen, tlen = 0, llen = 0, rlen;
	size_t		 off = r->arena.len;
	enum field	 f = F_LINK;
	int		 prio;

	/* No href (or an empty one) is no link: the next one may be. */
	if (!attr(a, n, "href", &href, &hlen))
		return;
	if (!attr(a, n, "rel", &rel, &rlen))
		rel = "alternate", rlen = 9;
	if (rlen == 9 && strncasecmp(rel, "enclosure", 9) == 0) {
		attr(a, n, "type", &ty, &tlen);
		attr(a, n, "length", &ln, &llen);
		if (p->entry_depth)
			rec_add_enc(p, r, href, hlen, ty, tlen, ln, llen);
		return;
	}
	if (rlen == 4 && strncasecmp(rel, "self", 4) == 0 && !p->entry_depth)
		f = F_SELF;
	else if (rlen != 9 || strncasecmp(rel, "alternate", 9) != 0)
		return;
	/* An alternate that is no page (a PDF, a feed) yields to a page. */
	prio = t->prio;
	if (f == F_LINK && attr(a, n, "type", &ty, &tlen) &&
	    !value_is(ty, tlen, "text/html") &&
	    !value_is(ty, tlen, "application/xhtml+xml"))
		prio--;
	if (r->s[f].prio >= prio)
		return;
	if (rec_add_url(p, r, href, hlen))
		rec_set(r, f, prio, off);
}

/* Does v (len bytes, NULL: absent), leading blanks skipped, begin with pre? */
static int
value_starts(const char *v, size_t len, const char *pre)
{
	size_t	 n = strlen(pre);

	if (v == NULL)
		return 0;
	while (len > 0 && isspace((unsigned char)*v))
		v++, len--;
	return len >= n && strncasecmp(v, pre, n) == 0;
}

/*
 * media:content is an enclosure when it is audio or video, by type or by
 * medium; an image may stand in for a thumbnail; anything else (a page,
 * a file of no declared kind) is neither.
 */
static void
media_content(struct parser *p, struct rec *r, const xmlChar **a, int n,
    const char *u, size_t ulen, const char *ty, size_t tlen, const char *ln,
    size_t llen)
{
	const char	*m = NULL;
	size_t		 mlen = 0;

	attr(a, n, "medium", &m, &mlen);
	if (value_starts(ty, tlen, "audio/") || value_starts(ty, tlen,
	    "video/") || value_is(m, mlen, "audio") || value_is(m, mlen,
	    "video"))
		rec_add_enc(p, r, u, ulen, ty, tlen, ln, llen);
	else if (value_starts(ty, tlen, "image/") || value_is(m, mlen,
	    "image"))
		rec_set_thumb(p, r, u, ulen, 1);
}

static void
start_field(struct parser *p, const struct tag *t, enum ns ns,
    const xmlChar **a, int n)
{
	struct rec	*r = p->entry_depth ? &p->e : &p->f;
	const char	*u, *ty = NULL, *ln = NULL;
	size_t		 ulen, tlen = 0, llen = 0;

	switch (t->field) {
	case F_ATOMLINK:
		atom_link(p, r, t, a, n);
		return;
	case F_THUMB:
		if (attr(a, n, "url", &u, &ulen))
			rec_set_thumb(p, r, u, ulen, 2);
		return;
	case F_ENCLOSURE:
	case F_MEDIA:
		if (!attr(a, n, "url", &u, &ulen))
			return;
		attr(a, n, "type", &ty, &tlen);
		attr(a, n, t->field == F_ENCLOSURE ? "length" : "fileSize", &ln,
		    &llen);
		if (t->field == F_MEDIA)
			media_content(p, r, a, n, u, ulen, ty, tlen, ln, llen);
		else
			rec_add_enc(p, r, u, ulen, ty, tlen, ln, llen);
		return;
	case F_ATOMCAT:
		if (attr(a, n, "term", &u, &ulen) ||
		    attr(a, n, "label", &u, &ulen))
			rec_add_cat(r, u, ulen);
		return;
	case F_SUB_AUTHOR:
	case F_SUB_SKIPH:
	case F_SUB_SKIPD:
	case F_SUB_MGROUP:
		p->sub = t->field == F_SUB_AUTHOR ? C_AUTHOR :
		    t->field == F_SUB_SKIPH ? C_SKIPH :
		    t->field == F_SUB_SKIPD ? C_SKIPD : C_MGROUP;
		p->sub_depth = p->depth;
		return;
	case F_ID:
		if (p->entry_depth && attr_is(a, n, "isPermaLink", "false"))
			r->permalink = 0;
		break;
	default:
		break;
	}
	cap_begin(p, t, ns, a, n);
}

/* ---- SAX2 callbacks ---- */

static void
root_element(struct parser *p, const char *name, enum ns ns,
    const xmlChar **a, int n)
{
	if (strcmp(name, "rss") == 0 && (ns == NS_NONE || ns == NS_RSS)) {
		p->format = FMT_RSS20;
		if (attr_is(a, n, "version", "0.91"))
			p->format = FMT_RSS091;
		else if (attr_is(a, n, "version", "0.92"))
			p->format = FMT_RSS092;
		else if (attr_is(a, n, "version", "0.93"))
			p->format = FMT_RSS093;
		else if (attr_is(a, n, "version", "0.94"))
			p->format = FMT_RSS094;
		else if (attr_is(a, n, "version", "0.90"))
			p->format = FMT_RSS090;
	} else if (strcmp(name, "RDF") == 0 && ns == NS_RDF)
		p->format = FMT_RSS10;
	else if (strcmp(name, "feed") == 0 && (ns == NS_ATOM ||
	    ns == NS_ATOM03 || ns == NS_NONE)) {
		p->format = ns == NS_ATOM03 || (ns == NS_NONE &&
		    attr_is(a, n, "version", "0.3")) ? FMT_ATOM03 : FMT_ATOM10;
		p->atom_nons = ns == NS_NONE;
		p->feed_depth = 1;
	} else {
		snprintf(p->error, sizeof p->error,
		    "not a feed: the root element is <%s>", name);
		p->stopped = 1;
		xmlStopParser(p->ctxt);
		return;
	}
	p->root = 1;
}

/* Inside a captured field: child elements are markup or dropped. */
static void
cap_child_start(struct parser *p, const char *name, enum ns ns,
    const xmlChar **a, int n)
{
	int	 i;

	if (p->cmode != M_HTML && p->cmode != M_XHTML)
		return;
	/* Atom's xhtml wrapper div is not part of the content. */
	if (p->cmode == M_XHTML && p->depth == p->cdepth + 1 &&
	    strcmp(name, "div") == 0 && ns == NS_XHTML) {
		p->cdiv = p->depth;
		return;
	}
	if (p->text.len >= p->cmax) {
		p->ctrunc = 1;
		return;
	}
	buf_addc(&p->text, '<');
	buf_adds(&p->text, name);
	for (i = 0; i < n; i++, a += 5) {
		buf_addc(&p->text, ' ');
		buf_adds(&p->text, (const char *)a[0]);
		buf_adds(&p->text, "=\"");
		xml_escape(&p->text, (const char *)a[3], (size_t)(a[4] - a[3]),
		    0);
		buf_addc(&p->text, '"');
	}
	buf_addc(&p->text, '>');
}

static int
is_void(const char *name)
{
	static const char *const v[] = { "area", "base", "br", "col", "embed",
	    "hr", "img", "input", "link", "meta", "param", "source", "track",
	    "wbr" };
	size_t	 i;

	for (i = 0; i < nitems(v); i++)
		if (strcmp(name, v[i]) == 0)
			return 1;
	return 0;
}

static void
cap_child_end(struct parser *p, const char *name)
{
	if (p->cmode != M_HTML && p->cmode != M_XHTML)
		return;
	if (p->cdiv == p->depth) {
		p->cdiv = 0;
		return;
	}
	if (is_void(name) || p->text.len >= p->cmax)
		return;		/* the sanitizer closes what is left open */
	buf_add(&p->text, "</", 2);
	buf_adds(&p->text, name);
	buf_addc(&p->text, '>');
}

static int
is_entry(struct parser *p, const char *name, enum ns ns)
{
	ns = ns_lookup(p, ns);
	return (ns == NS_RSS && strcmp(name, "item") == 0) ||
	    (ns == NS_ATOM && strcmp(name, "entry") == 0);
}

/* RSS 1.0: an item's rdf:about names it, the id when it has no other. */
static void
rdf_about(struct parser *p, const xmlChar **a, int n)
{
	struct rec	*r = &p->e;
	size_t		 off = r->arena.len;
	const char	*v, *end;
	int		 i;

	for (i = 0; i < n; i++, a += 5) {
		if (a[2] == NULL || strcmp((const char *)a[0], "about") != 0 ||
		    ns_cached(p, a[2]) != NS_RDF)
			continue;
		v = (const char *)a[3];
		end = (const char *)a[4];
		while (v < end && isspace((unsigned char)*v))
			v++;
		while (end > v && isspace((unsigned char)end[-1]))
			end--;
		buf_add(&r->arena, v, (size_t)(end - v));
		rec_set(r, F_ID, 1, off);
		return;
	}
}

static void
sax_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri, int nns, const xmlChar **nss, int nattrs,
    int ndefaulted, const xmlChar **attrs)
{
	struct parser	*p = ctx;
	const char	*name = (const char *)localname;
	enum ns		 ns = ns_cached(p, uri);
	const struct tag *t;
	enum ctx	 c;

	if (++p->depth > MAX_DEPTH) {
		snprintf(p->error, sizeof p->error,
		    "elements nested deeper than %d", MAX_DEPTH);
		p->limited = p->stopped = 1;
		xmlStopParser(p->ctxt);
		return;
	}
	if (nattrs > 0)
		base_push(p, attrs, nattrs);
	if (p->ctag != NULL) {
		cap_child_start(p, name, ns, attrs, nattrs);
		return;
	}
	if (p->depth == 1) {
		root_element(p, name, ns, attrs, nattrs);
		return;
	}
	if (p->entry_depth != 0) {
		if (p->depth == p->entry_depth + 1)
			c = C_ENTRY;
		else if (p->sub != C_FEED && p->depth == p->sub_depth + 1)
			c = p->sub;
		else
			return;
	} else if (is_entry(p, name, ns) && (p->depth == p->feed_depth + 1 ||
	    p->depth == 2)) {
		p->entry_depth = p->depth;
		rec_reset(&p->e);
		if (nattrs > 0 && (p->format == FMT_RSS10 ||
		    p->format == FMT_RSS090))
			rdf_about(p, attrs, nattrs);
		return;
	} else if (p->feed_depth != 0 && p->depth == p->feed_depth + 1)
		c = C_FEED;
	else if (p->sub != C_FEED && p->depth == p->sub_depth + 1)
		c = p->sub;
	else {
		if (p->depth == 2 && strcmp(name, "channel") == 0) {
			p->feed_depth = 2;
			if (p->format == FMT_RSS10 && ns == NS_RSS090)
				p->format = FMT_RSS090;
		}
		return;
	}
	if ((t = tag_cached(p, ns_lookup(p, ns), localname, c)) != NULL)
		start_field(p, t, ns, attrs, nattrs);
}

static void
sax_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
    const xmlChar *uri)
{
	struct parser	*p = ctx;

	if (p->ctag != NULL) {
		if (p->depth == p->cdepth) {
			cap_end(p);
			p->ctag = NULL;
		} else
			cap_child_end(p, (const char *)localname);
	} else if (p->sub != C_FEED && p->depth == p->sub_depth) {
		p->sub = C_FEED;
		p->sub_depth = 0;
	} else if (p->entry_depth != 0 && p->depth == p->entry_depth) {
		entry_emit(p);
		p->entry_depth = 0;
	}
	if (p->nbases > 0)
		base_pop(p);
	p->depth--;
}

static void
sax_text(void *ctx, const xmlChar *s, int len)
{
	struct parser	*p = ctx;

	if (p->ctag == NULL || p->cmode == M_SKIP || len <= 0)
		return;
	/* A huge field is cut, not fatal: the entries after it count. */
	if (p->text.len + (size_t)len > p->cmax) {
		p->ctrunc = 1;
		len = (int)utf8_cut((const char *)s, (size_t)len,
		    p->cmax > p->text.len ? p->cmax - p->text.len : 0);
		if (len == 0)
			return;
	}
	if (p->cmode == M_XHTML || p->cmode == M_ESC)
		xml_escape(&p->text, (const char *)s, (size_t)len, 0);
	else
		buf_add(&p->text, s, (size_t)len);
}

static void
sax_error(void *ctx, xmlErrorPtr e)
{
	struct parser	*p = ctx;

	/* Keep the first error: later ones are usually its echoes. */
	if (p->error[0] == '\0' && e != NULL && e->message != NULL) {
		snprintf(p->error, sizeof p->error, "line %d: %s", e->line,
		    e->message);
		p->error[strcspn(p->error, "\n")] = '\0';
	}
}

void
parse_sax_init(xmlSAXHandler *sax)
{
	sax->startElementNs = sax_start;
	sax->endElementNs = sax_end;
	sax->characters = sax_text;
	sax->cdataBlock = sax_text;
	sax->serror = sax_error;
	sax->initialized = XML_SAX2_MAGIC;
}
