/*
 * parse.c: bytes of a feed -> normalized feed metadata and entries.
 *
 * Bytes go through three stages as they arrive: the decoder (encoding.c)
 * makes UTF-8 of them; a cleaner fixes what real feeds get wrong at the
 * byte level (a bare "&", undeclared HTML entities, control characters,
 * junk before "<?xml"); libxml2's SAX2 push parser reads the rest.  The
 * SAX callbacks look elements up by namespace URI in a sorted table and
 * collect one entry at a time into buffers that are reused, never freed
 * mid-run.  libxml2 never sees a DOCTYPE: the cleaner takes it, keeps the
 * internal entities (dtd.c) and expands their references itself, as text,
 * within ENT_DEPTH levels and ENT_BUDGET bytes a document (no billion
 * laughs); external entities are never declared, so never loaded (no XXE).
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "date.h"
#include "dtd.h"
#include "encoding.h"
#include "html.h"
#include "jsonfeed.h"
#include "log.h"
#include "parse.h"
#include "url.h"
#include "util.h"

/* Raw bytes kept of one field; the rest is read and dropped. */
#define RAW_TITLE	(8 * PARSE_MAX_TITLE)	/* markup shrinks to text */
#define RAW_TEXT	(2 * PARSE_MAX_TEXT)
#define RAW_OTHER	(64 * 1024)		/* ids, links, dates, numbers */
#define SNIFF		1024			/* bytes to choose an encoding */
#define MAX_DEPTH	256			/* element nesting */
/* libxml2 2.9 allows 40 levels and 10 times the input; a few levels and
 * a fixed sum are plenty for what feeds declare ("tag:example.com,"). */
#define ENT_DEPTH	8			/* references within values */
#define ENT_BUDGET	(4 * 1024 * 1024)	/* entity text a document */

enum ns {
	NS_NONE, NS_RSS, NS_RSS090, NS_ATOM, NS_ATOM03, NS_RDF, NS_CONTENT,
	NS_DC, NS_DCTERMS, NS_MEDIA, NS_ITUNES, NS_SY, NS_XHTML, NS_FB,
	NS_OTHER
};

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

/* Where an element is: a direct child of the feed, an entry, or of one
 * of the few nested containers we read. */
enum ctx { C_FEED, C_ENTRY, C_AUTHOR, C_SKIPH, C_SKIPD, C_MGROUP };

enum field {
	F_TITLE, F_LINK, F_SUBTITLE, F_SUMMARY, F_CONTENT, F_PUBLISHED,
	F_UPDATED, F_ID, F_AUTHOR, F_EMAIL, F_THUMBNAIL, F_SELF, F_CATEGORY,
	F_TTL, F_HOUR, F_DAY,
	F_SYPERIOD, F_SYFREQ,
	/* read from attributes at the start tag */
	F_ATOMLINK, F_ENCLOSURE, F_MEDIA, F_THUMB, F_ATOMCAT,
	/* nested containers */
	F_SUB_AUTHOR, F_SUB_SKIPH, F_SUB_SKIPD, F_SUB_MGROUP
};
#define F_NSTR	(F_CATEGORY + 1)	/* fields stored as strings */

/* Sorted by ns, name, ctx; a higher prio beats a lower one. */
struct tag {
	enum ns		 ns;
	const char	*name;
	enum ctx	 ctx;
	enum field	 field;
	int		 prio;
};
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

/* A string field: an offset into its arena, and who set it. */
struct sval {
	size_t	 off;
	int	 prio;		/* 0: not set */
};

struct penc {
	size_t	 url, type;	/* type: SIZE_MAX when not given */
	int64_t	 length;
};

/* The entry being read; also used for the feed's own fields. */
struct rec {
	struct buf	 arena;
	struct sval	 s[F_NSTR];
	int64_t		 published, updated;
	int		 pprio, uprio;
	int		 permalink;	/* guid isPermaLink (default true) */
	size_t		*cats;
	size_t		 ncats, capcats;
	struct penc	*encs;
	size_t		 nencs, capencs;
	int		 truncated;	/* a field was cut */
	struct buf	 tmp;		/* scratch for repairs and cuts */
};

/* What a string is, for the check at rec_close(). */
enum tkind {
	T_LINE,		/* one line: ids, URLs, types */
	T_SHORT,	/* one line of at most PARSE_MAX_TITLE bytes */
	T_HTML		/* sanitized HTML of at most PARSE_MAX_TEXT bytes */
};

/* M_B64: Atom 0.3 base64, decoded at the end and then read as cb64 says. */
enum mode { M_SKIP, M_TEXT, M_HTML, M_XHTML, M_ESC, M_B64 };

struct base {
	int	 depth;
	char	*uri;
};

/* A tag lookup remembered (see tag_cached). */
struct tagmemo {
	const xmlChar	*name;
	enum ns		 ns;
	enum ctx	 ctx;
	const struct tag *t;		/* NULL: not in the table */
};

struct parser {
	xmlParserCtxtPtr ctxt;
	const struct parse_cb *cb;
	void		*arg;
	char		*docbase;
	char		*http_charset;
	struct decoder	*dec;
	struct buf	 sniff;		/* bytes kept until SNIFF arrive */
	struct buf	 utf8;		/* decoder output */
	struct buf	 clean;		/* cleaner output */
	struct buf	 carry;		/* cleaner input held back */
	int		 cstate;	/* cleaner state */
	struct jsonfeed	*json;		/* a JSON Feed: the rest goes there */
	int		 json_done;	/* it wants no more */
	struct dtd	*dtd;		/* the DOCTYPE's entities */
	size_t		 entspent;	/* of ENT_BUDGET */
	int		 entover;	/* an expansion went past a limit */
	size_t		 crun;		/* bytes into a CDATA section */

	enum feed_format format;
	int		 root;		/* a feed root element was seen */
	int		 atom_nons;	/* Atom without a namespace */
	int		 depth, feed_depth, entry_depth;
	enum ctx	 sub;
	int		 sub_depth;
	int		 stopped, nentries;
	int		 limited;	/* stopped by a limit: malformed */
	char		 error[256];

	/* the field being captured */
	enum mode	 cmode;
	enum mode	 cb64;		/* what base64 decodes to */
	const struct tag *ctag;
	int		 cdepth, cdiv, ctitle_html;
	int		 ctrunc;	/* more came than cmax */
	size_t		 cmax;		/* raw bytes kept of this field */
	struct buf	 text;
	struct buf	 ref;		/* an attribute's URL, NUL-terminated */

	struct rec	 e, f;		/* entry, feed */
	struct feed_meta meta;
	const char	**catv;		/* handed out with an entry */
	struct enclosure *encv;
	size_t		 capcatv, capencv;
	struct base	 bases[64];
	int		 nbases;
	const xmlChar	*nsptr[8];	/* URI pointers seen (interned) */
	enum ns		 nsval[8];
	unsigned	 nsnext;
	struct tagmemo	 tmemo[32];
	unsigned	 ntmemo;	/* lookups remembered so far */
};

/* ---- namespaces and the tag table ---- */

static enum ns
ns_of(const xmlChar *uri)
{
	const char	*u = (const char *)uri;
	size_t		 n, i;

	if (u == NULL || *u == '\0')
		return NS_NONE;
	if (strncasecmp(u, "http://", 7) == 0)
		u += 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		u += 8;
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

static const char *
cur_base(struct parser *p)
{
	if (p->nbases > 0)
		return p->bases[p->nbases - 1].uri;
	if (p->docbase != NULL)
		return p->docbase;
	/* No document URL: the feed's own link is the best guess. */
	if (p->f.s[F_LINK].prio > 0)
		return p->f.arena.s + p->f.s[F_LINK].off;
	return NULL;
}

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

/* ---- records: the entry and the feed being read ---- */

static void
rec_reset(struct rec *r)
{
	buf_reset(&r->arena);
	buf_addc(&r->arena, '\0');	/* offset 0 is "" */
	memset(r->s, 0, sizeof r->s);
	r->published = r->updated = DATE_NONE;
	r->pprio = r->uprio = 0;
	r->permalink = 1;
	r->ncats = r->nencs = 0;
	r->truncated = 0;
}

static void
rec_free(struct rec *r)
{
	buf_free(&r->arena);
	buf_free(&r->tmp);
	free(r->cats);
	free(r->encs);
}

/*
 * Sanitized HTML cut to max bytes: not inside a tag or a reference, then
 * sanitized again so that what was open is closed (which adds a little:
 * cut shorter until it fits).
 */
static void
rec_cut_html(struct rec *r, size_t off, size_t max)
{
	const char	*s;
	size_t		 n, i;

	buf_reset(&r->tmp);
	buf_add(&r->tmp, r->arena.s + off, utf8_cut(r->arena.s + off,
	    r->arena.len - off, max));
	s = r->tmp.s;
	n = r->tmp.len;
	do {
		n = utf8_cut(s, r->tmp.len, n);
		for (i = n; i > 0 && s[i - 1] != '>' && s[i - 1] != '<'; i--)
			;
		if (i > 0 && s[i - 1] == '<')
			n = i - 1;
		for (i = n; i > 0 && n - i < 12 && s[i - 1] != ';' &&
		    s[i - 1] != '&'; i--)
			;
		if (i > 0 && s[i - 1] == '&')
			n = i - 1;
		r->arena.len = off;
		html_sanitize(&r->arena, s, n, NULL);
		i = r->arena.len - off;
		n = i > max && n > i - max ? n - (i - max) : i > max ? 0 : n;
	} while (i > max);
}

/*
 * Close the string begun at off: kept if not empty.  Returns 1 if kept.
 * Every string the parser hands out passes here, so this is where it is
 * made clean text (encoding.h) and cut to its limit.
 */
static int
rec_close(struct rec *r, size_t off, enum tkind k)
{
	size_t	 n = r->arena.len - off, ok;

	if (n == 0)
		return 0;
	/*
	 * Every string is UTF-8 as it is made: the decoder's output read by
	 * libxml2 (JSON and base64 too), html.c's (which checks each
	 * sequence), and code points through buf_add_utf8 (no surrogates).
	 * Only controls, from references, are left to look for; the fuzz
	 * target checks the rest.
	 */
	if ((ok = utf8_text_len(r->arena.s + off, n, UTF8_VALID |
	    (k == T_HTML ? UTF8_LINES : 0))) < n) {
		/* Rare: the decoder and libxml2 leave little to repair. */
		buf_reset(&r->tmp);
		buf_add(&r->tmp, r->arena.s + off + ok, n - ok);
		r->arena.len = off + ok;
		utf8_text(&r->arena, r->tmp.s, r->tmp.len, k == T_HTML ?
		    UTF8_LINES : 0);
	}
	n = r->arena.len - off;
	if (k == T_SHORT && n > PARSE_MAX_TITLE) {
		r->arena.len = off + utf8_cut(r->arena.s + off, n,
		    PARSE_MAX_TITLE);
		r->truncated = 1;
	} else if (k == T_HTML && n > PARSE_MAX_TEXT) {
		rec_cut_html(r, off, PARSE_MAX_TEXT);
		r->truncated = 1;
	}
	if (r->arena.len == off)
		return 0;
	buf_addc(&r->arena, '\0');
	return 1;
}

static enum tkind
field_kind(enum field f)
{
	return f == F_TITLE || f == F_SUBTITLE || f == F_AUTHOR ||
	    f == F_CATEGORY ? T_SHORT : f == F_SUMMARY || f == F_CONTENT ?
	    T_HTML : T_LINE;
}

/* How many bytes of a field's raw text are kept while it is read. */
static size_t
field_raw_max(enum field f)
{
	return field_kind(f) == T_SHORT ? RAW_TITLE :
	    field_kind(f) == T_HTML ? RAW_TEXT : RAW_OTHER;
}

static void
rec_set(struct rec *r, enum field f, int prio, size_t off)
{
	if (rec_close(r, off, field_kind(f))) {
		r->s[f].off = off;
		r->s[f].prio = prio;
	}
}

static void
rec_add_cat(struct rec *r, const char *s, size_t len)
{
	size_t	 off = r->arena.len;

	html_text_fold(&r->arena, s, len);
	if (!rec_close(r, off, T_SHORT))
		return;
	if (r->ncats == r->capcats) {
		r->capcats = r->capcats ? r->capcats * 2 : 8;
		r->cats = xreallocarray(r->cats, r->capcats, sizeof *r->cats);
	}
	r->cats[r->ncats++] = off;
}

/*
 * A length as RSS and Atom define it: decimal digits, white space around
 * them allowed; anything else, a sign or more than int64_t holds, is -1.
 */
static int64_t
enc_length(const char *v, size_t n)
{
	int64_t	 x = 0;
	int	 d;

	if (v == NULL)
		return -1;
	while (n > 0 && isspace((unsigned char)*v))
		v++, n--;
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n == 0)
		return -1;
	for (; n > 0; v++, n--) {
		if (*v < '0' || *v > '9')
			return -1;
		d = *v - '0';
		if (x > (INT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	return x;
}

/* A URL attribute into the arena, absolute; 1 if one was written. */
static int
rec_add_url(struct parser *p, struct rec *r, const char *url, size_t ulen)
{
	size_t	 off = r->arena.len;

	while (ulen > 0 && isspace((unsigned char)*url))
		url++, ulen--;
	while (ulen > 0 && isspace((unsigned char)url[ulen - 1]))
		ulen--;
	if (ulen == 0)
		return 0;	/* "" would resolve to the base */
	buf_reset(&p->ref);
	buf_add(&p->ref, url, ulen);
	html_abs_url(&r->arena, p->ref.s, cur_base(p));
	return r->arena.len > off;
}

/* media:thumbnail, or an image standing in for one (lower prio). */
static void
rec_set_thumb(struct parser *p, struct rec *r, const char *url, size_t ulen,
    int prio)
{
	size_t	 off = r->arena.len;

	if (!p->entry_depth || r->s[F_THUMBNAIL].prio >= prio)
		return;
	if (rec_add_url(p, r, url, ulen))
		rec_set(r, F_THUMBNAIL, prio, off);
}

static void
rec_add_enc(struct parser *p, struct rec *r, const char *url, size_t ulen,
    const char *type, size_t tlen, const char *length, size_t llen)
{
	struct penc	*e;
	size_t		 off = r->arena.len, i;

	if (!rec_add_url(p, r, url, ulen))
		return;
	for (i = 0; i < r->nencs; i++)	/* media:content repeats enclosures */
		if (strcmp(r->arena.s + r->encs[i].url, r->arena.s + off) == 0) {
			r->arena.len = off;
			return;
		}
	if (r->nencs == r->capencs) {
		r->capencs = r->capencs ? r->capencs * 2 : 4;
		r->encs = xreallocarray(r->encs, r->capencs, sizeof *r->encs);
	}
	e = &r->encs[r->nencs++];
	rec_close(r, off, T_LINE);
	e->url = off;
	e->type = SIZE_MAX;
	if (type != NULL && tlen > 0) {
		e->type = r->arena.len;
		html_text_fold(&r->arena, type, tlen);
		if (!rec_close(r, e->type, T_LINE))
			e->type = SIZE_MAX;
	}
	e->length = enc_length(length, llen);
}

/* ---- the value of a captured element ---- */

static int
period_seconds(const char *s)
{
	static const struct {
		const char	*name;
		int		 sec;
	} periods[] = { { "hourly", 3600 }, { "daily", 86400 },
	    { "weekly", 604800 }, { "monthly", 2592000 },
	    { "yearly", 31536000 } };
	size_t	 i;

	for (i = 0; i < nitems(periods); i++)
		if (strcasecmp(s, periods[i].name) == 0)
			return periods[i].sec;
	return 0;
}

static void
feed_number(struct parser *p, enum field f, char *s)
{
	static const char *const days[] = { "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday" };
	long	 v = strtol(s, NULL, 10);
	int	 i;

	switch (f) {
	case F_TTL:
		if (v > 0 && v < INT_MAX)
			p->meta.ttl = (int)v;
		break;
	case F_HOUR:
		if (v >= 0 && v <= 24)
			p->meta.skip_hours |= 1U << (v % 24);
		break;
	case F_DAY:
		for (i = 0; i < 7; i++)
			if (strcasecmp(s, days[i]) == 0)
				p->meta.skip_days |= 1U << i;
		break;
	case F_SYPERIOD:
		p->meta.sy_period = period_seconds(s);
		break;
	case F_SYFREQ:
		if (v > 0 && v < INT_MAX)
			p->meta.sy_frequency = (int)v;
		break;
	default:
		break;
	}
}

static void
cap_date(struct rec *r, const struct tag *t, const char *s, size_t len)
{
	int64_t	 d = date_parse(s, len);

	if (d == DATE_NONE)
		return;
	if (t->field == F_PUBLISHED && t->prio > r->pprio) {
		r->published = d;
		r->pprio = t->prio;
	} else if (t->field == F_UPDATED && t->prio > r->uprio) {
		r->updated = d;
		r->uprio = t->prio;
	}
}

/* Escape plain text as HTML (Atom type="text" content). */
static void
text_as_html(struct buf *out, const char *s, size_t len)
{
	size_t	 i, run = 0;

	for (i = 0; i < len; i++) {
		const char *r;

		if ((unsigned char)s[i] > '>')
			continue;	/* letters and UTF-8: most of it */
		r = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" :
		    s[i] == '>' ? "&gt;" : NULL;
		if (r == NULL)
			continue;
		buf_add(out, s + run, i - run);
		buf_adds(out, r);
		run = i + 1;
	}
	buf_add(out, s + run, len - run);
}

/*
 * At q, just after a '<': 0 when it does not begin a tag, 1 when it
 * begins one of an HTML element we know, -1 for any other name ("<dialog>"
 * in a title about it).  *close says "</".
 */
static int
tag_like(const char *q, const char *end, int *close)
{
	const char	*n;

	*close = q < end && *q == '/';
	q += *close;
	if (q == end || !isalpha((unsigned char)*q))
		return 0;
	for (n = q; n < end && isalnum((unsigned char)*n); n++)
		;
	return html_element(q, (size_t)(n - q)) ? 1 : -1;
}

/*
 * Does a title hold markup?  As feedparser tells: a close tag or a
 * reference ("&amp;", "&#38;"), and no tag of an element HTML does not
 * have.  Otherwise "<" and "&" are text.
 */
static int
has_markup(const char *s, size_t len)
{
	const char	*end = s + len, *q, *n;
	int		 mark = 0, close, k;

	for (q = s; (q = memchr(q, '<', (size_t)(end - q))) != NULL; q++) {
		if ((k = tag_like(q + 1, end, &close)) == -1)
			return 0;
		mark |= k == 1 && close;
	}
	for (q = s; !mark && (q = memchr(q, '&', (size_t)(end - q))) != NULL;
	    q++) {
		n = q + 1 + (q + 1 < end && q[1] == '#');
		while (n < end && isalnum((unsigned char)*n))
			n++;
		mark = n < end && *n == ';' && n > q + 1 &&
		    isalnum((unsigned char)n[-1]);
	}
	return mark;
}

/* Declared HTML: a "<" that begins no known element's tag is text. */
static void
escape_unknown(struct buf *out, const char *s, size_t len)
{
	const char	*end = s + len, *q, *run = s;
	int		 close;

	for (q = s; (q = memchr(q, '<', (size_t)(end - q))) != NULL; q++)
		if (tag_like(q + 1, end, &close) == -1) {
			buf_add(out, run, (size_t)(q - run));
			buf_add(out, "&lt;", 4);
			run = q + 1;
		}
	buf_add(out, run, (size_t)(end - run));
}

enum { TT_GUESS, TT_HTML, TT_XHTML };

/*
 * A title as text.  RSS does not say whether a title is HTML: it is when
 * it looks like it (has_markup).  Then once more when what came out is
 * markup again: escaped twice ("&amp;lt;b&amp;gt;").
 */
static void
title_text(struct parser *p, struct rec *r, const char *s, size_t len,
    int how)
{
	size_t	 off = r->arena.len;

	if (how == TT_GUESS && !has_markup(s, len)) {
		html_text_fold(&r->arena, s, len);
		return;
	}
	if (how == TT_HTML && memchr(s, '<', len) != NULL) {
		buf_reset(&r->tmp);
		escape_unknown(&r->tmp, s, len);
		s = r->tmp.s;
		len = r->tmp.len;
	}
	html_to_text(&r->arena, s, len);
	if (!has_markup(r->arena.s + off, r->arena.len - off))
		return;
	buf_reset(&p->text);
	buf_add(&p->text, r->arena.s + off, r->arena.len - off);
	r->arena.len = off;
	html_to_text(&r->arena, p->text.s, p->text.len);
}

/* Is c around an address rather than in it? */
static int
addr_stop(char c)
{
	return c == '\0' || isspace((unsigned char)c) ||
	    strchr("<>()[]\",;:", c) != NULL;
}

/* Drop every "<>" and "()" an address left behind. */
static void
drop_empty_pair(char *s, const char *pair)
{
	char	*t;

	while ((t = strstr(s, pair)) != NULL)
		memmove(t, t + 2, strlen(t + 2) + 1);
}

/*
 * An author as feeds write one: "Name", "me@example.com (Name)",
 * "Name <me@example.com>" or an address alone.  The name goes to
 * F_AUTHOR and the address to F_EMAIL, each unless a better source has
 * given it.  Only what looks like local@domain.tld counts as an address
 * ("@handle" is a name).
 */
static void
cap_author(struct parser *p, struct rec *r, int prio, const char *s,
    size_t len)
{
	char	*v, *at, *a, *b, *e, *name;
	size_t	 off = r->arena.len, n;

	html_text_fold(&r->arena, s, len);
	if (memchr(r->arena.s + off, '@', r->arena.len - off) == NULL) {
		rec_set(r, F_AUTHOR, prio, off);	/* a name: most are */
		return;
	}
	buf_reset(&p->ref);
	buf_add(&p->ref, r->arena.s + off, r->arena.len - off);
	r->arena.len = off;
	v = p->ref.s;
	a = b = at = strchr(v, '@');
	if (at != NULL) {
		while (a > v && !addr_stop(a[-1]))
			a--;
		while (!addr_stop(*b))
			b++;
		if (a == at || memchr(at + 1, '.', (size_t)(b - at - 1)) ==
		    NULL || b[-1] == '.' || at[1] == '.')
			at = NULL;	/* not an address */
	}
	e = a;
	if (at != NULL && a - v >= 7 && strncasecmp(a - 7, "mailto:", 7) == 0)
		a -= 7;		/* not part of the name either */
	if (at != NULL && r->s[F_EMAIL].prio < prio) {
		off = r->arena.len;
		buf_add(&r->arena, e, (size_t)(b - e));
		rec_set(r, F_EMAIL, prio, off);
	}
	if (at != NULL)		/* the name is what is around it */
		memmove(a, b, strlen(b) + 1);
	drop_empty_pair(v, "<>");
	drop_empty_pair(v, "()");
	name = strtrim(v);
	n = strlen(name);
	if (n >= 2 && ((name[0] == '(' && name[n - 1] == ')') ||
	    (name[0] == '"' && name[n - 1] == '"'))) {
		name[n - 1] = '\0';
		name = strtrim(name + 1);
	}
	off = r->arena.len;
	buf_adds(&r->arena, name);
	rec_set(r, F_AUTHOR, prio, off);
}

/*
 * Atom 0.3 mode="base64": the text decoded, made valid UTF-8, then read
 * as its type says (p->cb64).  Returns -1 when it is not base64.
 */
static int
cap_base64(struct parser *p)
{
	struct decoder	*d;
	struct buf	 tmp;
	size_t		 bom;

	buf_reset(&p->ref);
	if (base64_decode(&p->ref, p->text.s, p->text.len) == -1)
		return -1;
	buf_reset(&p->text);
	if (p->ref.len > 0) {		/* "" decodes to nothing (ref.s NULL) */
		d = decoder_new(p->ref.s, p->ref.len, "utf-8", &bom);
		decoder_run(d, p->ref.s + bom, p->ref.len - bom, 1, &p->text);
		decoder_free(d);
	}
	if (p->cb64 == M_ESC) {		/* plain text, as HTML */
		buf_reset(&p->ref);
		text_as_html(&p->ref, p->text.s, p->text.len);
		tmp = p->text;
		p->text = p->ref;
		p->ref = tmp;
	}
	p->cmode = p->cb64;
	return 0;
}

static void
cap_end(struct parser *p)
{
	const struct tag *t = p->ctag;
	struct rec	*r = p->entry_depth ? &p->e : &p->f;
	char		*s;
	size_t		 len, off = r->arena.len;

	if (p->cmode == M_SKIP || (p->cmode == M_B64 && cap_base64(p) == -1))
		return;
	if (p->ctrunc && t->field != F_LINK)
		r->truncated = 1;
	buf_add(&p->text, "", 0);	/* allocated and terminated */
	s = p->text.s;
	len = p->text.len;
	switch (t->field) {
	case F_TITLE:
	case F_SUBTITLE:
		if (p->cmode == M_XHTML)
			title_text(p, r, s, len, TT_XHTML);
		else if (p->ctitle_html)
			title_text(p, r, s, len, TT_HTML);
		else if (p->cmode == M_HTML &&
		    (memchr(s, '<', len) || memchr(s, '&', len)))
			title_text(p, r, s, len, TT_GUESS);
		else
			html_text_fold(&r->arena, s, len);
		rec_set(r, t->field, t->prio, off);
		break;
	case F_AUTHOR:
		cap_author(p, r, t->prio, s, len);
		break;
	case F_EMAIL:
		html_text_fold(&r->arena, s, len);
		rec_set(r, t->field, t->prio, off);
		break;
	case F_ID:
		buf_adds(&r->arena, strtrim(s));
		rec_set(r, t->field, t->prio, off);
		break;
	case F_LINK:
		if (p->ctrunc)
			break;		/* a link cut short is wrong: none */
		/* Empty is no link, not the base it would resolve to. */
		if (*(s = strtrim(s)) != '\0')
			html_abs_url(&r->arena, s, cur_base(p));
		rec_set(r, t->field, t->prio, off);
		break;
	case F_SUMMARY:
	case F_CONTENT:
		if (p->cmode == M_ESC)	/* escaped as it came */
			buf_adds(&r->arena, strtrim(s));
		else
			html_sanitize(&r->arena, s, len, cur_base(p));
		rec_set(r, t->field, t->prio, off);
		break;
	case F_PUBLISHED:
	case F_UPDATED:
		cap_date(r, t, s, len);
		break;
	case F_CATEGORY:
		rec_add_cat(r, s, len);
		break;
	default:
		feed_number(p, t->field, strtrim(s));
		break;
	}
}

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

/* ---- entries ---- */

static const char *
rstr(const struct rec *r, enum field f)
{
	return r->s[f].prio > 0 ? r->arena.s + r->s[f].off : NULL;
}

static void
entry_emit(struct parser *p)
{
	struct rec	*r = &p->e;
	struct entry	 e;
	const char	*id = rstr(r, F_ID);
	size_t		 i;

	/* RSS 2.0: a guid is a permalink unless it says otherwise; one
	 * that the link policy takes as it is (no base) is the link. */
	if (r->s[F_LINK].prio == 0 && id != NULL && r->permalink) {
		buf_reset(&p->ref);	/* url_take may move the arena */
		buf_adds(&p->ref, id);
		i = r->arena.len;
		url_take(&r->arena, p->ref.s, p->ref.len, NULL, URL_LINK);
		rec_set(r, F_LINK, r->s[F_ID].prio, i);
		id = rstr(r, F_ID);
	}
	if (r->ncats > p->capcatv) {
		p->capcatv = r->ncats;
		p->catv = xreallocarray(p->catv, p->capcatv, sizeof *p->catv);
	}
	for (i = 0; i < r->ncats; i++)
		p->catv[i] = r->arena.s + r->cats[i];
	if (r->nencs > p->capencv) {
		p->capencv = r->nencs;
		p->encv = xreallocarray(p->encv, p->capencv, sizeof *p->encv);
	}
	for (i = 0; i < r->nencs; i++) {
		p->encv[i].url = r->arena.s + r->encs[i].url;
		p->encv[i].type = r->encs[i].type == SIZE_MAX ? NULL :
		    r->arena.s + r->encs[i].type;
		p->encv[i].length = r->encs[i].length;
	}
	memset(&e, 0, sizeof e);
	e.id = id;
	e.title = rstr(r, F_TITLE);
	e.link = rstr(r, F_LINK);
	e.author = rstr(r, F_AUTHOR);
	e.author_email = rstr(r, F_EMAIL);
	e.thumbnail = rstr(r, F_THUMBNAIL);
	e.summary = rstr(r, F_SUMMARY);
	e.content = rstr(r, F_CONTENT);
	e.published = r->published;
	e.updated = r->updated;
	e.categories = p->catv;
	e.ncategories = r->ncats;
	e.enclosures = p->encv;
	e.nenclosures = r->nencs;
	e.truncated = r->truncated;
	p->nentries++;
	if (p->cb != NULL && p->cb->entry != NULL && p->cb->entry(p->arg, &e)) {
		p->stopped = 1;
		xmlStopParser(p->ctxt);
	}
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
		text_as_html(&p->text, (const char *)a[3], (size_t)(a[4] - a[3]));
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
		text_as_html(&p->text, (const char *)s, (size_t)len);
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

/* ---- the cleaner: byte-level repairs before libxml2 sees the text ---- */

enum { CS_START, CS_TEXT, CS_CDATA, CS_COMMENT, CS_DTD };

/* Bytes the text state must look at: & < and C0 controls but TAB LF CR. */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
};

static int
xml_char_ok(unsigned long c)
{
	return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c < 0xd800) ||
	    (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}

/*
 * A character reference at s[0] == '&', s[1] == '#'.  Writes what libxml2
 * will read as the same character and returns the bytes used, 0 when more
 * input is needed, or -1 when it is no reference ("&#x;", "&#;": text, as
 * a browser shows them).  libxml2 knows only a lower-case "x": "&#X41;" is
 * written "&#x41;".  As in a browser, 0, surrogates and values past
 * U+10FFFF are U+FFFD, and 0x80-0x9f mean windows-1252; other characters
 * XML forbids, and controls, are dropped.
 */
static ssize_t
clean_charref(const char *s, size_t n, int last, struct buf *out)
{
	static const uint16_t c1[32] = { 0x20ac, 0, 0x201a, 0x0192, 0x201e,
	    0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0,
	    0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013,
	    0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e,
	    0x0178 };
	size_t		 i = 2, k;
	unsigned long	 c = 0;
	int		 hex;

	hex = i < n && (s[i] == 'x' || s[i] == 'X');
	i += hex;
	/* Any number of digits; the value saturates past U+10FFFF. */
	for (k = i; i < n && i - k < 32 && (hex ? isxdigit((unsigned
	    char)s[i]) : isdigit((unsigned char)s[i])); i++)
		if ((c = c * (hex ? 16 : 10) + (unsigned long)(isdigit(
		    (unsigned char)s[i]) ? s[i] - '0' : tolower((unsigned
		    char)s[i]) - 'a' + 10)) > 0x10ffff)
			c = 0x110000;
	if (i == n && !last)
		return 0;
	if (i == k || i == n || s[i] != ';')
		return -1;
	i++;
	if (c == 0 || (c >= 0xd800 && c < 0xe000) || c > 0x10ffff)
		buf_add_utf8(out, 0xfffd);
	else if (c >= 0x80 && c < 0xa0) {
		if (c1[c - 0x80] != 0)			/* meant windows-1252 */
			buf_add_utf8(out, c1[c - 0x80]);
	} else if (c < 0x80) {
		/* A reference still: "&#60;" must not become markup. */
		if (!xml_char_ok(c) || c == 0x7f)
			;
		else if (s[2] == 'X')
			buf_printf(out, "&#%lu;", c);
		else
			buf_add(out, s, i);
	} else if (xml_char_ok(c))
		buf_add_utf8(out, (uint32_t)c);
	return (ssize_t)i;		/* else dropped */
}

static void	expand(struct parser *, const char *, size_t, int,
		    struct buf *);

/*
 * A reference at s[0] == '&'.  Writes its repaired form and returns the
 * bytes used, or 0 when more input is needed to tell.  depth is how many
 * entity values it is inside.
 */
static size_t
clean_ref(struct parser *p, const char *s, size_t n, int last,
    struct buf *out, int depth)
{
	const char	*val;
	size_t		 vlen, mark;
	long		 v;
	char		 name[40];
	size_t		 i = 1;
	ssize_t		 r;

	if (i < n && s[i] == '#') {
		if ((r = clean_charref(s, n, last, out)) == -1)
			goto bare;
		return (size_t)r;
	}
	for (; i < n && i < sizeof name && (isalnum((unsigned char)s[i]) ||
	    s[i] == '_' || s[i] == ':' || s[i] == '.' || s[i] == '-'); i++)
		name[i - 1] = s[i];
	if (i == n && !last && i < sizeof name)
		return 0;
	if (i == 1 || i == sizeof name || i == n || s[i] != ';' ||
	    !isalpha((unsigned char)s[1]))
		goto bare;
	name[i - 1] = '\0';
	/*
	 * Character references only: once a document is found not
	 * well-formed, libxml2 drops every entity reference after that point
	 * (even &amp;), but never a character reference.  XML's own five
	 * are most of what feeds hold: no need to search HTML's table.
	 */
	if (strcmp(name, "amp") == 0)
		buf_add(out, "&#38;", 5);
	else if (strcmp(name, "lt") == 0)
		buf_add(out, "&#60;", 5);
	else if (strcmp(name, "gt") == 0)
		buf_add(out, "&#62;", 5);
	else if (strcmp(name, "quot") == 0)
		buf_add(out, "&#34;", 5);
	else if (strcmp(name, "apos") == 0)
		buf_add(out, "&#39;", 5);
	else if (p->dtd != NULL &&
	    (val = dtd_entity(p->dtd, name, i - 1, &vlen)) != NULL) {
		/* A reference cut by a limit gives nothing, not a part. */
		mark = out->len;
		expand(p, val, vlen, depth + 1, out);
		if (depth == 0 && p->entover) {
			out->len = mark;
			if (out->s != NULL)
				out->s[mark] = '\0';
			p->entover = 0;
			p->limited = 1;
		}
	} else if ((v = html_entity(name)) != -1) {
		if (v < 0x80) {		/* amp lt gt quot */
			char ref[8] = { '&', '#', (char)('0' + v / 10),
			    (char)('0' + v % 10), ';' };
			buf_add(out, ref, 5);
		} else
			buf_add_utf8(out, (uint32_t)v);
	} else {
		/* Undeclared and unknown: its text, as a browser shows it. */
		buf_add(out, "&#38;", 5);
		buf_add(out, s + 1, i);
	}
	return i + 1;
bare:
	buf_add(out, "&#38;", 5);		/* "D&D" */
	return 1;
}

/*
 * The replacement text of a declared entity, read as text: references in
 * it resolved as in content, markup characters written as references (an
 * entity holding markup gives that markup as text).  Past ENT_DEPTH or
 * ENT_BUDGET it stops and sets p->entover.
 */
static void
expand(struct parser *p, const char *v, size_t n, int depth, struct buf *out)
{
	static const char	 marks[] = "<>\"'";
	static const char *const esc[] = { "&#60;", "&#62;", "&#34;", "&#39;" };
	size_t			 i = 0, run = 0;
	const char		*e;

	if (n + 1 > ENT_BUDGET - p->entspent)
		p->entspent = ENT_BUDGET;	/* spent: no more expansions */
	if (p->entover || depth > ENT_DEPTH || p->entspent == ENT_BUDGET) {
		p->entover = 1;
		return;
	}
	p->entspent += n + 1;
	while (i < n && !p->entover) {
		/* strchr finds the NUL too: a control, in special[] */
		e = strchr(marks, v[i]);
		if (!special[(unsigned char)v[i]] && e == NULL) {
			i++;
			continue;
		}
		buf_add(out, v + run, i - run);
		if (v[i] == '&')
			i += clean_ref(p, v + i, n - i, 1, out, depth);
		else {
			if (e != NULL && v[i] != '\0')
				buf_add(out, esc[e - marks], 5);
			i++;		/* else a control character: dropped */
		}
		run = i;
	}
	buf_add(out, v + run, i - run);
}

/*
 * CDATA is handed to libxml2 in sections of at most this many bytes:
 * unterminated, a longer one is "Huge input lookup" to libxml2, which
 * then stops reading the document (the entries after it lost).
 */
#define CDATA_MAX	(1024 * 1024)

/* In CDATA or a comment: copy to the terminator, dropping controls. */
static size_t
clean_until(struct parser *p, const char *s, size_t n, int last,
    const char *term, struct buf *out)
{
	const char	*e;
	size_t		 i, run = 0, stop, k;

	e = memmem(s, n, term, 3);
	if (e != NULL)
		stop = (size_t)(e - s) + 3;
	else	/* the terminator may begin in the last two bytes */
		stop = last ? n : n > 2 ? n - 2 : 0;
	for (i = 0; i < stop; i++) {
		/* Controls are rare: eight bytes at a time without one
		 * (a zero byte is below 0x20 too). */
		while (stop - i >= 8 && !word_has(s + i, 0x20, 0, 0))
			i += 8;
		if (i == stop)
			break;
		if ((unsigned char)s[i] >= 0x20 || s[i] == '\t' ||
		    s[i] == '\n' || s[i] == '\r')
			continue;
		buf_add(out, s + run, i - run);
		run = i + 1;
	}
	buf_add(out, s + run, stop - run);
	if (e != NULL) {
		p->cstate = CS_TEXT;
		p->crun = 0;
	} else if (term[0] == ']' && (p->crun += stop) > CDATA_MAX) {
		/* End the section and begin another, between characters. */
		k = stop - utf8_cut(s, n, stop);
		out->len -= k;
		buf_add(out, "]]><![CDATA[", 12);
		p->crun = 0;
		stop -= k;
	}
	return stop;
}

/* Drop anything before "<?xml" (or the first "<"): BOMs, blanks, junk. */
static size_t
clean_start(struct parser *p, const char *s, size_t n, int last)
{
	const char	*x;
	size_t		 look = n < SNIFF ? n : SNIFF;

	if (n < SNIFF && !last && memmem(s, n, "?>", 2) == NULL)
		return SIZE_MAX;	/* wait for more */
	p->cstate = CS_TEXT;
	if ((x = memmem(s, look, "<?xml", 5)) != NULL)
		return (size_t)(x - s);
	if ((x = memchr(s, '<', look)) != NULL)
		return (size_t)(x - s);
	return 0;
}

/* Can this byte follow "<" in markup? (Names may be non-ASCII.) */
static int
tag_start(char c)
{
	/* isalpha() of the C locale, without a call per tag */
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	    c == ':' || c == '/' || c == '!' || c == '?' ||
	    (unsigned char)c >= 0x80;
}

/*
 * Text and markup up to a CDATA section or a comment.  Bytes that need
 * nothing, markup included, are copied in runs as long as they last.
 */
static size_t
clean_text(struct parser *p, const char *s, size_t n, int last,
    struct buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t	 i = 0, run = 0, k;

	while (i < n) {
		/* Special bytes are a few in a hundred: look four at a time. */
		while (n - i >= 4 && !(special[u[i]] | special[u[i + 1]] |
		    special[u[i + 2]] | special[u[i + 3]]))
			i += 4;
		while (i < n && !special[u[i]])
			i++;
		if (i == n)
			break;
		if (s[i] == '<') {
			if (n - i < 9 && !last)
				break;		/* "<![CDATA[" may be cut */
			if (i + 1 < n && tag_start(s[i + 1])) {
				if (s[i + 1] != '!') {
					i++;	/* markup: part of the run */
					continue;
				}
				if (n - i >= 9 &&
				    memcmp(s + i, "<![CDATA[", 9) == 0) {
					i += 9;
					p->cstate = CS_CDATA;
					break;
				}
				if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
					i += 4;
					p->cstate = CS_COMMENT;
					break;
				}
				if (p->dtd == NULL && n - i >= 9 &&
				    memcmp(s + i, "<!DOCTYPE", 9) == 0) {
					buf_add(out, s + run, i - run);
					run = i += 9;	/* not for libxml2 */
					p->dtd = dtd_new();
					p->cstate = CS_DTD;
					break;
				}
				i++;		/* markup: part of the run */
				continue;
			}
			buf_add(out, s + run, i - run);
			buf_add(out, "&#60;", 5);	/* "a < b" */
			run = ++i;
			continue;
		}
		buf_add(out, s + run, i - run);
		run = i;
		if (s[i] == '&' && n - i >= 5 && memcmp(s + i, "&amp;", 5) == 0) {
			buf_add(out, "&#38;", 5);	/* the commonest */
			i += 5;
		} else if (s[i] == '&') {
			if ((k = clean_ref(p, s + i, n - i, last, out, 0)) == 0)
				break;		/* needs more input */
			i += k;
		} else
			i++;		/* a control character: dropped */
		run = i;
	}
	buf_add(out, s + run, i - run);
	return i;
}

/* Clean s into out; returns how much was used (the rest is carried). */
static size_t
clean(struct parser *p, const char *s, size_t n, int last, struct buf *out)
{
	size_t	 i = 0, k;
	int	 before, done;

	while (i < n) {
		before = p->cstate;
		switch (p->cstate) {
		case CS_START:
			if ((k = clean_start(p, s + i, n - i, last)) ==
			    SIZE_MAX)
				return i;
			break;
		case CS_TEXT:
			k = clean_text(p, s + i, n - i, last, out);
			break;
		case CS_CDATA:
			k = clean_until(p, s + i, n - i, last, "]]>", out);
			break;
		case CS_DTD:
			k = dtd_scan(p->dtd, s + i, n - i, &done);
			if (done)
				p->cstate = CS_TEXT;
			break;
		default:
			k = clean_until(p, s + i, n - i, last, "-->", out);
			break;
		}
		if (k == 0 && p->cstate == before)
			break;		/* needs more input to tell */
		i += k;
	}
	return i;
}

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
			html_abs_url(&r->arena, p->ref.s, cur_base(p));
		rec_set(r, t.field, prio, off);
		return;
	}
	buf_reset(&p->text);
	p->cmode = jf == JF_HTML ? M_HTML : M_TEXT;
	if (jf == JF_SUMMARY || jf == JF_TEXT) {	/* plain text */
		p->cmode = M_ESC;
		text_as_html(&p->text, p->ref.s, p->ref.len);
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
		used = clean(p, p->carry.s, p->carry.len, 0, &p->clean);
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
		used = clean(p, s, n, last, &p->clean);
		if (used < n)
			buf_add(&p->carry, s + used, n - used);
	} else if (n > 0 || last) {
		buf_add(&p->carry, s, n);
		used = clean(p, p->carry.s, p->carry.len, last, &p->clean);
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

	if (sax.initialized == 0) {
		sax.startElementNs = sax_start;
		sax.endElementNs = sax_end;
		sax.characters = sax_text;
		sax.cdataBlock = sax_text;
		sax.serror = sax_error;
		sax.initialized = XML_SAX2_MAGIC;
	}
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
