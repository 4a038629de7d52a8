/*
 * html.c: sanitizing HTML against an allow-list, and HTML to text.
 *
 * libxml2's HTML parser does the hard part (tag soup, implied and
 * mis-nested tags, entities); we listen to its SAX events and write
 * only what the allow-list lets through, so no tree is ever built.  The
 * parser context is kept and reused: feeds hand us thousands of small
 * fragments, and a new context per fragment costs more than parsing it.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/dict.h>
#include <libxml/parserInternals.h>

#include "encoding.h"
#include "html.h"
#include "log.h"
#include "url.h"
#include "util.h"

#define E_DROP	0x01	/* drop the element and all it holds */
#define E_VOID	0x02	/* no end tag */
#define E_BLOCK	0x04	/* separates words in html_to_text */
#define E_KEEP	0x08	/* allowed */
/* For the fast path (see fast()): what may nest in what without repairs. */
#define E_FPI	0x10	/* inline */
#define E_FPB	0x20	/* block: only inside div, blockquote, li */
#define E_FPL	0x40	/* ul, ol: only li inside */
#define E_FPLI	0x80	/* li */
#define E_FPC	0x100	/* div, blockquote, li: blocks may open inside */

/* Elements we know, sorted by name; anything else loses its tag only. */
struct elem {
	const char	*name;
	int		 flags;
	const char	*attrs;		/* allowed besides title, lang, dir */
};
static const struct elem elems[] = {
	{ "a", E_KEEP | E_FPI, " href rel hreflang " },
	{ "abbr", E_KEEP | E_FPI, NULL },
	{ "acronym", E_KEEP | E_FPI, NULL },
	{ "address", E_KEEP | E_BLOCK, NULL },
	{ "applet", E_DROP, NULL },
	{ "area", E_VOID, NULL },
	{ "article", E_KEEP | E_BLOCK, NULL },
	{ "aside", E_KEEP | E_BLOCK, NULL },
	{ "audio", E_KEEP, " src controls loop muted preload " },
	{ "b", E_KEEP | E_FPI, NULL },
	{ "base", E_DROP | E_VOID, NULL },
	{ "bdi", E_KEEP, NULL },
	{ "bdo", E_KEEP, NULL },
	{ "big", E_KEEP | E_FPI, NULL },
	{ "blockquote", E_KEEP | E_BLOCK | E_FPB | E_FPC, " cite " },
	{ "br", E_KEEP | E_VOID | E_BLOCK | E_FPI, NULL },
	{ "button", E_DROP, NULL },
	{ "caption", E_KEEP | E_BLOCK, NULL },
	{ "center", E_KEEP | E_BLOCK, NULL },
	{ "cite", E_KEEP | E_FPI, NULL },
	{ "code", E_KEEP | E_FPI, NULL },
	{ "col", E_KEEP | E_VOID, " span " },
	{ "colgroup", E_KEEP, " span " },
	{ "dd", E_KEEP | E_BLOCK, NULL },
	{ "del", E_KEEP | E_FPI, " cite datetime " },
	{ "details", E_KEEP | E_BLOCK, " open " },
	{ "dfn", E_KEEP | E_FPI, NULL },
	{ "div", E_KEEP | E_BLOCK | E_FPB | E_FPC, NULL },
	{ "dl", E_KEEP | E_BLOCK, NULL },
	{ "dt", E_KEEP | E_BLOCK, NULL },
	{ "em", E_KEEP | E_FPI, NULL },
	{ "embed", E_DROP | E_VOID, NULL },
	{ "figcaption", E_KEEP | E_BLOCK, NULL },
	{ "figure", E_KEEP | E_BLOCK, NULL },
	{ "footer", E_KEEP | E_BLOCK, NULL },
	{ "frame", E_DROP | E_VOID, NULL },
	{ "frameset", E_DROP, NULL },
	{ "h1", E_KEEP | E_BLOCK | E_FPB, NULL },
	{ "h2", E_KEEP | E_BLOCK | E_FPB, NULL },
	{ "h3", E_KEEP | E_BLOCK | E_FPB, NULL },
	{ "h4", E_KEEP | E_BLOCK | E_FPB, NULL },
	{ "h5", E_KEEP | E_BLOCK | E_FPB, NULL },
	{ "h6", E_KEEP | E_BLOCK | E_FPB, NULL },
	{ "head", E_DROP, NULL },
	{ "header", E_KEEP | E_BLOCK, NULL },
	{ "hr", E_KEEP | E_VOID | E_BLOCK | E_FPB, NULL },
	{ "i", E_KEEP | E_FPI, NULL },
	{ "iframe", E_DROP, NULL },
	{ "img", E_KEEP | E_VOID | E_FPI, " src srcset alt width height " },
	{ "input", E_DROP | E_VOID, NULL },
	{ "ins", E_KEEP | E_FPI, " cite datetime " },
	{ "kbd", E_KEEP | E_FPI, NULL },
	{ "li", E_KEEP | E_BLOCK | E_FPLI | E_FPC, " value " },
	{ "link", E_DROP | E_VOID, NULL },
	{ "mark", E_KEEP, NULL },
	{ "math", E_DROP, NULL },
	{ "meta", E_DROP | E_VOID, NULL },
	{ "noembed", E_DROP, NULL },
	{ "noframes", E_DROP, NULL },
	{ "noscript", E_DROP, NULL },
	{ "object", E_DROP, NULL },
	{ "ol", E_KEEP | E_BLOCK | E_FPL, " start type reversed " },
	{ "p", E_KEEP | E_BLOCK | E_FPB, NULL },
	{ "param", E_DROP | E_VOID, NULL },
	{ "picture", E_KEEP, NULL },
	{ "pre", E_KEEP | E_BLOCK, NULL },
	{ "q", E_KEEP | E_FPI, " cite " },
	{ "rp", E_KEEP, NULL },
	{ "rt", E_KEEP, NULL },
	{ "ruby", E_KEEP, NULL },
	{ "s", E_KEEP | E_FPI, NULL },
	{ "samp", E_KEEP | E_FPI, NULL },
	{ "script", E_DROP, NULL },
	{ "section", E_KEEP | E_BLOCK, NULL },
	{ "select", E_DROP, NULL },
	{ "small", E_KEEP | E_FPI, NULL },
	{ "source", E_KEEP | E_VOID, " src srcset type " },
	{ "span", E_KEEP | E_FPI, NULL },
	{ "strike", E_KEEP | E_FPI, NULL },
	{ "strong", E_KEEP | E_FPI, NULL },
	{ "style", E_DROP, NULL },
	{ "sub", E_KEEP | E_FPI, NULL },
	{ "summary", E_KEEP | E_BLOCK, NULL },
	{ "sup", E_KEEP | E_FPI, NULL },
	{ "svg", E_DROP, NULL },
	{ "table", E_KEEP | E_BLOCK, NULL },
	{ "tbody", E_KEEP, NULL },
	{ "td", E_KEEP | E_BLOCK, " colspan rowspan headers " },
	{ "template", E_DROP, NULL },
	{ "textarea", E_DROP, NULL },
	{ "tfoot", E_KEEP, NULL },
	{ "th", E_KEEP | E_BLOCK, " colspan rowspan headers scope " },
	{ "thead", E_KEEP, NULL },
	{ "time", E_KEEP, " datetime " },
	{ "title", E_DROP, NULL },
	{ "tr", E_KEEP | E_BLOCK, NULL },
	{ "track", E_VOID, NULL },
	{ "tt", E_KEEP | E_FPI, NULL },
	{ "u", E_KEEP | E_FPI, NULL },
	{ "ul", E_KEEP | E_BLOCK | E_FPL, NULL },
	{ "var", E_KEEP | E_FPI, NULL },
	{ "video", E_KEEP | E_BLOCK, " src poster controls width height loop muted preload " },
	{ "wbr", E_KEEP | E_VOID, NULL },
	{ "xml", E_DROP, NULL },
};

struct hstate {
	struct buf	*out;
	const char	*base;
	int		 text;		/* html_to_text rather than sanitize */
	int		 skip;		/* depth inside a dropped element */
	int		 space;		/* text: a separator is pending */
	size_t		 start;		/* out->len when we began */
};

/* Length of the valid UTF-8 sequence at s (not U+FFFE/U+FFFF), 0: bail. */
static inline size_t
fp_utf8(const unsigned char *s, size_t n)
{
	uint32_t	 cp;
	int		 k;

	if ((k = utf8_decode(s, n, &cp)) <= 0 || cp == 0xfffe || cp == 0xffff)
		return 0;
	return (size_t)k;
}

static htmlParserCtxtPtr hctxt;
static unsigned	 huses;
static struct buf hin;

/* strcmp for the short names of tags and attributes, without a call. */
static int
name_cmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

static int
elem_cmp(const void *k, const void *e)
{
	return name_cmp(k, ((const struct elem *)e)->name);
}

/* isspace() in the C locale, without a call per byte. */
static int
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

long
html_entity(const char *name)
{
	/*
	 * htmlEntityLookup compares the name with HTML 4's 253 in turn (up
	 * to ~2000 instructions); feeds use a handful, over and over.
	 */
	static struct {
		char	 name[16];
		long	 value;
	} memo[32];
	const htmlEntityDesc *d;
	size_t		 len = strlen(name);
	unsigned	 h;

	if (len == 0 || len >= sizeof memo[0].name)
		return (d = htmlEntityLookup((const xmlChar *)name)) != NULL ?
		    (long)d->value : -1;
	h = ((unsigned char)name[0] * 31 + (unsigned char)name[len - 1] +
	    (unsigned)len) % nitems(memo);
	if (strcmp(memo[h].name, name) == 0)
		return memo[h].value;
	if ((d = htmlEntityLookup((const xmlChar *)name)) == NULL)
		return -1;
	memcpy(memo[h].name, name, len + 1);
	memo[h].value = (long)d->value;
	return memo[h].value;
}

static const struct elem *
elem_find(const char *name)
{
	/* Feed HTML uses a dozen tags over and over: remember them. */
	static const struct elem *memo[16];
	const struct elem **m;

	m = &memo[((unsigned char)name[0] * 7 + (unsigned char)name[1]) %
	    nitems(memo)];
	if (*m != NULL && name_cmp((*m)->name, name) == 0)
		return *m;
	*m = bsearch(name, elems, nitems(elems), sizeof elems[0], elem_cmp);
	return *m;
}

int
html_element(const char *name, size_t len)
{
	char	 low[16];
	size_t	 i;

	if (len == 0 || len >= sizeof low)
		return 0;
	for (i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[len] = '\0';
	return elem_find(low) != NULL;
}

void
xml_escape(struct buf *out, const char *s, size_t len, int flags)
{
	const char	*r;
	size_t		 i, run = 0;

	for (i = 0; i < len; i++) {
		/* All five are below '>'; letters and UTF-8 are above. */
		if ((unsigned char)s[i] > '>')
			continue;
		switch (s[i]) {
		case '&':
			r = "&amp;";
			break;
		case '<':
			r = "&lt;";
			break;
		case '>':
			r = "&gt;";
			break;
		case '"':
			r = flags & XML_QUOT ? "&quot;" : NULL;
			break;
		case '\'':
			r = flags & XML_APOS ? "&#39;" : NULL;
			break;
		default:
			r = NULL;
			break;
		}
		if (r == NULL)
			continue;
		buf_add(out, s + run, i - run);
		buf_add(out, r, strlen(r));
		run = i + 1;
	}
	buf_add(out, s + run, len - run);
}

/*
 * srcset's candidates ("URL [descriptor], ...") each through the link
 * policy; those refused are left out.  Into u; -1 when none is left.
 */
static int
srcset_take(struct buf *u, const char *v, const char *base)
{
	const char	*p = v, *url, *d;
	size_t		 n, start;

	while (*p != '\0') {
		while (is_space((unsigned char)*p) || *p == ',')
			p++;
		for (url = p; *p != '\0' && !is_space((unsigned char)*p); p++)
			;
		n = (size_t)(p - url);
		/* A URL ending in commas ends its candidate there. */
		for (d = p; n > 0 && url[n - 1] == ','; n--)
			d = NULL;
		if (d != NULL)
			for (p = d; *p != '\0' && *p != ','; p++)
				;
		if (n == 0)
			continue;
		start = u->len;
		if (u->len > 0)
			buf_add(u, ", ", 2);
		if (url_take(u, url, n, base, URL_LINK) == -1) {
			u->len = start;
			if (u->s != NULL)
				u->s[start] = '\0';
			continue;
		}
		if (d == NULL)
			continue;
		while (is_space((unsigned char)*d))
			d++;
		n = (size_t)(p - d);
		while (n > 0 && is_space((unsigned char)d[n - 1]))
			n--;
		if (n > 0)
			buf_addc(u, ' ');
		html_text_fold(u, d, n);
	}
	return u->len > 0 ? 0 : -1;
}

/* Write a URL attribute if the link policy takes it, made absolute. */
static void
url_attr(struct hstate *st, const char *tag, const char *name, const char *v)
{
	static struct buf u;	/* reused: no malloc per link */
	enum url_use	 use = URL_LINK;
	int		 r;

	buf_reset(&u);
	if (strcmp(name, "srcset") == 0)
		r = srcset_take(&u, v, st->base);
	else {
		if (tag[0] == 'a' && tag[1] == '\0')
			use = URL_HREF;
		else if (strcmp(tag, "img") == 0 && strcmp(name, "src") == 0)
			use = URL_IMG;
		r = url_take(&u, v, strlen(v), st->base, use);
	}
	if (r == -1)
		return;
	buf_addc(st->out, ' ');
	buf_adds(st->out, name);
	buf_adds(st->out, "=\"");
	xml_escape(st->out, buf_cstr(&u), u.len, XML_QUOT);
	buf_addc(st->out, '"');
}

static int
attr_allowed(const struct elem *e, const char *name)
{
	const char	*p;
	size_t		 n = strlen(name);

	if (strcmp(name, "title") == 0 || strcmp(name, "lang") == 0 ||
	    strcmp(name, "dir") == 0)
		return 1;
	if (e->attrs == NULL || n == 0)
		return 0;
	for (p = e->attrs; (p = strstr(p, name)) != NULL; p += n)
		if (p[-1] == ' ' && p[n] == ' ')
			return 1;
	return 0;
}

static void
start_tag(struct hstate *st, const struct elem *e, const xmlChar **atts)
{
	const char	*name, *v;

	buf_addc(st->out, '<');
	buf_adds(st->out, e->name);
	for (; atts != NULL && atts[0] != NULL; atts += 2) {
		name = (const char *)atts[0];
		v = atts[1] != NULL ? (const char *)atts[1] : NULL;
		if (!attr_allowed(e, name))
			continue;
		if (strcmp(name, "href") == 0 || strcmp(name, "src") == 0 ||
		    strcmp(name, "cite") == 0 || strcmp(name, "poster") == 0 ||
		    strcmp(name, "srcset") == 0) {
			if (v != NULL)
				url_attr(st, e->name, name, v);
			continue;
		}
		buf_addc(st->out, ' ');
		buf_adds(st->out, name);
		if (v != NULL) {
			buf_adds(st->out, "=\"");
			xml_escape(st->out, v, strlen(v), XML_QUOT);
			buf_addc(st->out, '"');
		}
	}
	buf_addc(st->out, '>');
}

/* e: the element looked up, NULL when unknown (or inside a dropped one). */
static void
elem_start(struct hstate *st, const struct elem *e, const xmlChar **atts)
{
	if (st->skip > 0) {
		st->skip++;
		return;
	}
	if (e == NULL)
		return;
	/* A void element holds nothing, whatever libxml2 thinks (it keeps
	 * <embed> open to the next end tag): dropping it drops no text. */
	if ((e->flags & (E_DROP | E_VOID)) == E_DROP) {
		st->skip = 1;
		return;
	}
	if (e->flags & E_DROP)
		return;
	if (st->text) {
		if (e->flags & E_BLOCK)
			st->space = 1;
	} else if (e->flags & E_KEEP)
		start_tag(st, e, atts);
}

static void
elem_end(struct hstate *st, const struct elem *e)
{
	if (st->skip > 0) {
		st->skip--;
		return;
	}
	if (e == NULL)
		return;
	if (st->text) {
		if (e->flags & E_BLOCK)
			st->space = 1;
	} else if ((e->flags & E_KEEP) && !(e->flags & E_VOID)) {
		buf_adds(st->out, "</");
		buf_adds(st->out, e->name);
		buf_addc(st->out, '>');
	}
}

/* Append s folding runs of white space into one space. */
static void
fold(struct buf *out, size_t start, int *space, const char *s, size_t len)
{
	size_t	 i, run;

	for (i = 0; i < len; ) {
		if (is_space((unsigned char)s[i])) {
			*space = 1;
			i++;
			continue;
		}
		if (*space && out->len > start)
			buf_addc(out, ' ');
		*space = 0;
		/* Words with one ' ' between them need no folding: one
		 * piece, up to other white space or two in a row. */
		for (run = i; i < len; i++) {
			if (!is_space((unsigned char)s[i]))
				continue;
			if (s[i] == ' ' && i + 1 < len &&
			    !is_space((unsigned char)s[i + 1]))
				continue;
			break;
		}
		buf_add(out, s + run, i - run);
	}
}

static void
sax_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct hstate	*st = ((htmlParserCtxtPtr)ctx)->_private;

	elem_start(st, st->skip > 0 ? NULL : elem_find((const char *)name),
	    atts);
}

static void
sax_end(void *ctx, const xmlChar *name)
{
	struct hstate	*st = ((htmlParserCtxtPtr)ctx)->_private;

	elem_end(st, st->skip > 0 ? NULL : elem_find((const char *)name));
}

static void
emit_text(struct hstate *st, const char *s, size_t len)
{
	if (st->text)
		fold(st->out, st->start, &st->space, s, len);
	else
		xml_escape(st->out, s, len, 0);
}

/* Text known to hold no '&', '<' or '>': nothing to escape. */
static void
emit_plain(struct hstate *st, const char *s, size_t len)
{
	if (st->text)
		fold(st->out, st->start, &st->space, s, len);
	else
		buf_add(st->out, s, len);
}

static void
sax_text(void *ctx, const xmlChar *s, int len)
{
	struct hstate	*st = ((htmlParserCtxtPtr)ctx)->_private;

	if (st->skip > 0 || len <= 0)
		return;
	emit_text(st, (const char *)s, (size_t)len);
}

static void
sax_error(void *arg, xmlErrorPtr e)
{
	/* Tag soup is what we expect here; nothing to report. */
}

static htmlParserCtxtPtr
context(void)
{
	htmlSAXHandler	 sax;

	/* The dictionary keeps every name seen: start afresh now and then. */
	if (hctxt != NULL && (++huses % 4096 == 0 ||
	    xmlDictSize(hctxt->dict) > 4096)) {
		htmlFreeParserCtxt(hctxt);
		hctxt = NULL;
	}
	if (hctxt != NULL)
		return hctxt;
	if ((hctxt = htmlNewParserCtxt()) == NULL)
		fatalx("htmlNewParserCtxt failed");
	memset(&sax, 0, sizeof sax);
	sax.initialized = XML_SAX2_MAGIC;
	sax.startElement = sax_start;
	sax.endElement = sax_end;
	sax.characters = sax_text;
	sax.ignorableWhitespace = sax_text;
	sax.cdataBlock = sax_text;
	sax.serror = sax_error;
	memcpy(hctxt->sax, &sax, sizeof sax);
	return hctxt;
}

/*
 * Append s with what libxml2 would pass through unchecked made valid:
 * bytes that are not UTF-8 become U+FFFD, NUL and other C0 controls go.
 */
static void
add_valid(struct buf *out, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		 i = 0, run = 0, k;

	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r') {
			i++;
			continue;
		}
		if (p[i] >= 0x80 && (k = fp_utf8(p + i, len - i)) > 0) {
			i += k;
			continue;
		}
		buf_add(out, s + run, i - run);
		if (p[i] >= 0x80)
			buf_add(out, "\xef\xbf\xbd", 3);
		run = ++i;
	}
	buf_add(out, s + run, len - run);
}

static void
run(struct hstate *st, const char *html, size_t len)
{
	htmlParserCtxtPtr ctxt = context();
	htmlDocPtr	 doc;

	/* A leading <body> keeps the parser from wrapping text in <p>. */
	buf_reset(&hin);
	buf_add(&hin, "<body>", 6);
	add_valid(&hin, html, len);
	if (hin.len > INT_MAX)
		return;
	ctxt->_private = st;
	doc = htmlCtxtReadMemory(ctxt, hin.s, (int)hin.len, NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_NOIMPLIED);
	if (doc != NULL)
		xmlFreeDoc(doc);
	ctxt->_private = NULL;
}

/* Drop trailing white space written since start. */
static void
rtrim(struct buf *out, size_t start)
{
	while (out->len > start && isspace((unsigned char)out->s[out->len - 1]))
		out->s[--out->len] = '\0';
}

/*
 * The fast path.  Most feed HTML is tidy: a few common tags, properly
 * nested and closed, quoted attributes, known entities.  For such input
 * libxml2 makes no repairs, so its events can be derived directly at a
 * fraction of the cost.  Anything else (comments, unknown or dropped
 * tags, nesting libxml2 would repair, odd bytes) returns -1 and goes to
 * libxml2.  The output must be the same either way; tests and the fuzzer
 * compare the two (html_fastpath = 0 turns this off).
 */
int html_fastpath = 1;

struct fp {
	const struct elem *stack[32];
	int		 depth;
	struct buf	 scratch;
};

/* May e open here without libxml2 closing another element first? */
static int
fp_may_open(const struct fp *f, const struct elem *e)
{
	const struct elem *top = f->depth > 0 ? f->stack[f->depth - 1] : NULL;
	int		 i;

	if (top != NULL && (top->flags & E_FPL))
		return (e->flags & E_FPLI) != 0;
	if (e->flags & E_FPLI)
		return 0;
	for (i = 0; i < f->depth; i++) {
		if (e->flags & E_FPI) {
			if (e == &elems[0] && f->stack[i] == e)
				return 0;	/* <a> in <a> */
		} else if (!(f->stack[i]->flags & E_FPC))
			return 0;
	}
	return (e->flags & (E_FPI | E_FPB | E_FPL)) != 0;
}

static size_t
fp_name(const char *s, size_t n, char *out, size_t outlen)
{
	size_t	 i;

	for (i = 0; i < n && i + 1 < outlen && (is_alpha((unsigned char)s[i]) ||
	    (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '-'))); i++)
		out[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' :
		    s[i]);
	out[i] = '\0';
	return i + 1 < outlen ? i : 0;
}

/* Attributes up to '>' (or "/>" when void); returns bytes used, 0: bail. */
static size_t
fp_attrs(struct fp *f, const char *s, size_t n, int isvoid,
    const xmlChar **atts, size_t maxatts)
{
	size_t	 i = 0, k, na = 0, off[32], j;
	char	 name[32], q;
	const char *v;

	buf_reset(&f->scratch);
	for (;;) {
		if (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) {
			while (i < n && (s[i] == ' ' || s[i] == '\t' ||
			    s[i] == '\n'))
				i++;
		} else if (i < n && s[i] != '>' && s[i] != '/')
			return 0;	/* attributes need a space before */
		if (i < n && s[i] == '>')
			break;
		if (i + 1 < n && s[i] == '/' && s[i + 1] == '>' && isvoid) {
			i++;
			break;
		}
		if ((k = fp_name(s + i, n - i, name, sizeof name)) == 0 ||
		    na == maxatts || i + k + 1 >= n || s[i + k] != '=' ||
		    (s[i + k + 1] != '"' && s[i + k + 1] != '\''))
			return 0;
		q = s[i + k + 1];
		i += k + 2;
		v = s + i;
		while (i < n && s[i] != q && s[i] != '&' && s[i] != '\r' &&
		    (unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x80)
			i++;
		if (i == n || s[i] != q)
			return 0;
		for (j = 0; j < na; j++)	/* libxml2 drops repeats */
			if (strcmp(f->scratch.s + off[2 * j], name) == 0)
				return 0;
		off[2 * na] = f->scratch.len;
		buf_add(&f->scratch, name, strlen(name) + 1);
		off[2 * na + 1] = f->scratch.len;
		buf_add(&f->scratch, v, (size_t)(s + i - v));
		buf_addc(&f->scratch, '\0');
		na++;
		i++;
	}
	for (j = 0; j < 2 * na; j++)
		atts[j] = (const xmlChar *)f->scratch.s + off[j];
	atts[2 * na] = NULL;
	return i + 1;
}

/* "<tag ...>" or "</tag>" at s; returns bytes used, 0: bail. */
static size_t
fp_tag(struct hstate *st, struct fp *f, const char *s, size_t n)
{
	const struct elem *e;
	const xmlChar	*atts[2 * 16 + 1];
	char		 name[16];
	size_t		 k, used;

	if (n > 1 && s[1] == '/') {
		k = fp_name(s + 2, n - 2, name, sizeof name);
		if (k == 0 || 2 + k >= n || s[2 + k] != '>' || f->depth == 0 ||
		    name_cmp(f->stack[f->depth - 1]->name, name) != 0)
			return 0;
		elem_end(st, f->stack[--f->depth]);
		return 3 + k;
	}
	if ((k = fp_name(s + 1, n - 1, name, sizeof name)) == 0 ||
	    (e = elem_find(name)) == NULL || !fp_may_open(f, e) ||
	    f->depth == (int)nitems(f->stack))
		return 0;
	if ((used = fp_attrs(f, s + 1 + k, n - 1 - k, e->flags & E_VOID, atts,
	    16)) == 0)
		return 0;
	elem_start(st, e, atts);
	if (e->flags & E_VOID)
		elem_end(st, e);
	else
		f->stack[f->depth++] = e;
	return 1 + k + used;
}

/* "&name;" at s, known to HTML 4: emit it, return bytes used; 0: bail. */
static size_t
fp_entity(struct hstate *st, const char *s, size_t n)
{
	char		 name[16], u[4];
	size_t		 i;
	long		 c;

	if (n == 1 || !(isalpha((unsigned char)s[1]) || s[1] == '#' ||
	    s[1] == '_' || s[1] == ':' || (unsigned char)s[1] >= 0x80)) {
		emit_text(st, "&", 1);	/* a lone "&" is text */
		return 1;
	}
	for (i = 1; i < n && i < sizeof name && isalnum((unsigned char)s[i]);
	    i++)
		name[i - 1] = s[i];
	if (i == 1 || i == n || i == sizeof name || s[i] != ';')
		return 0;
	name[i - 1] = '\0';
	if ((c = html_entity(name)) == -1)
		return 0;
	emit_text(st, u, utf8_encode(u, (uint32_t)c));
	return i + 1;
}

/* ASCII the fast path copies as it is: not & < > nor controls but TAB, LF. */
static const unsigned char fp_plain[128] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

static int
fast(struct hstate *st, const char *s, size_t n)
{
	static struct fp f;
	size_t		 i = 0, run = 0, k;
	unsigned char	 c;

	f.depth = 0;
	while (i < n) {
		/* Runs of text stop at what needs escaping, so that they are
		 * copied as they are, not scanned again by xml_escape(). */
		c = (unsigned char)s[i];
		if (c < 0x80 && fp_plain[c]) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			if ((k = fp_utf8((const unsigned char *)s + i, n - i))
			    == 0)
				return -1;
			i += k;
			continue;
		}
		emit_plain(st, s + run, i - run);
		if (c == '<' && i + 1 < n && !is_alpha((unsigned char)s[i + 1]) &&
		    s[i + 1] != '/' && s[i + 1] != '!' && s[i + 1] != '?')
			k = (emit_text(st, "<", 1), 1);	/* "<3": text */
		else if (c == '<')
			k = fp_tag(st, &f, s + i, n - i);
		else if (c == '&')
			k = fp_entity(st, s + i, n - i);
		else if (c == '>')
			k = (emit_text(st, ">", 1), 1);
		else
			k = 0;
		if (k == 0)
			return -1;
		i += k;
		run = i;
	}
	emit_plain(st, s + run, i - run);
	return f.depth == 0 ? 0 : -1;
}

void
html_sanitize(struct buf *out, const char *html, size_t len,
    const char *base)
{
	struct hstate	 st = { out, base, 0, 0, 0, out->len };

	while (len > 0 && isspace((unsigned char)*html))
		html++, len--;
	buf_grow(out, len);
	out->s[out->len] = '\0';
	if (!html_fastpath || fast(&st, html, len) == -1) {
		out->len = st.start;
		out->s[out->len] = '\0';
		st.skip = 0;
		run(&st, html, len);
	}
	rtrim(out, st.start);
}

void
html_to_text(struct buf *out, const char *html, size_t len)
{
	struct hstate	 st = { out, NULL, 1, 0, 0, out->len };

	buf_grow(out, len);
	out->s[out->len] = '\0';
	if (!html_fastpath || fast(&st, html, len) == -1) {
		out->len = st.start;
		out->s[out->len] = '\0';
		st.space = 0;
		run(&st, html, len);
	}
}

void
html_excerpt(struct buf *out, const char *html, size_t max)
{
	size_t	 off = out->len, n;

	html_to_text(out, html, strlen(html));
	if (out->len == off)
		return;
	n = utf8_cut_words(out->s + off, out->len - off, max);
	if (off + n < out->len) {
		out->len = off + n;
		buf_adds(out, " \xe2\x80\xa6");
	}
}

void
html_text_fold(struct buf *out, const char *s, size_t len)
{
	int	 space = 0;

	fold(out, out->len, &space, s, len);
}

/* Elements that start a line in html_text_refs, and how. */
static const char *const text_blocks[] = {
	"address", "article", "aside", "blockquote", "br", "dd", "div", "dl",
	"dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5",
	"h6", "header", "hr", "li", "ol", "p", "pre", "section", "table", "tr",
	"ul"
};

/* 1: a block, 2: a list item, 3: a line break, 0: none of them. */
static int
text_block(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < nitems(text_blocks); i++)
		if (strlen(text_blocks[i]) == n &&
		    strncasecmp(text_blocks[i], name, n) == 0)
			return strcmp(text_blocks[i], "li") == 0 ? 2 :
			    strcmp(text_blocks[i], "br") == 0 ? 3 : 1;
	return 0;
}

/* The value of attribute name in the tag s (n bytes), unescaped. */
static int
tag_attr(const char *s, size_t n, const char *name, struct buf *v)
{
	size_t	 k = strlen(name), i;
	const char *q, *end;

	for (i = 0; i + k + 2 < n; i++) {
		if (!is_space((unsigned char)s[i]) ||
		    strncasecmp(s + i + 1, name, k) != 0 || s[i + k + 1] != '=' ||
		    s[i + k + 2] != '"')
			continue;
		q = s + i + k + 3;
		if ((end = memchr(q, '"', (size_t)(s + n - q))) == NULL)
			return 0;
		buf_reset(v);
		html_to_text(v, q, (size_t)(end - q));
		return 1;
	}
	return 0;
}

void
html_text_refs(struct buf *out, const char *html, size_t len,
    size_t (*ref)(void *, const char *), void *arg)
{
	struct buf	 href = { NULL, 0, 0 }, text = { NULL, 0, 0 };
	const char	*p = html, *end = html + len, *gt, *lt, *name;
	size_t		 n, start = out->len, nl = 2, pending = 0;
	int		 kind, closing;

	while (p < end) {
		if (*p != '<') {
			if ((lt = memchr(p, '<', (size_t)(end - p))) == NULL)
				lt = end;
			buf_reset(&text);
			html_to_text(&text, p, (size_t)(lt - p));
			if (text.len > 0) {
				if (nl == 0 && is_space((unsigned char)*p))
					buf_addc(out, ' ');
				buf_add(out, text.s, text.len);
				if (is_space((unsigned char)lt[-1]))
					buf_addc(out, ' ');
				nl = 0;
			}
			p = lt;
			continue;
		}
		if ((gt = memchr(p, '>', (size_t)(end - p))) == NULL)
			break;
		closing = p[1] == '/';
		name = p + 1 + closing;
		for (n = 0; name + n < gt && isalnum((unsigned char)name[n]); n++)
			;
		if ((kind = text_block(name, n)) != 0) {
			while (out->len > start && out->s[out->len - 1] == ' ')
				out->len--;
			/* A paragraph after a blank line, a line break or a
			 * list item on the next. */
			for (; out->len > start && nl < (kind == 1 ? 2u : 1u);
			    nl++)
				buf_addc(out, '\n');
			if (kind == 2 && !closing) {
				buf_adds(out, "- ");
				nl = 0;
			}
		} else if (n == 1 && (*name == 'a' || *name == 'A')) {
			if (!closing) {
				pending = tag_attr(p, (size_t)(gt - p), "href",
				    &href) && ref != NULL ?
				    ref(arg, buf_cstr(&href)) : 0;
			} else if (pending > 0) {
				while (out->len > start &&
				    out->s[out->len - 1] == ' ')
					out->len--;
				buf_printf(out, " [%zu]", pending);
				pending = 0;
				nl = 0;
			}
		}
		p = gt + 1;
	}
	while (out->len > start && (out->s[out->len - 1] == ' ' ||
	    out->s[out->len - 1] == '\n'))
		out->len--;
	buf_add(out, "", 0);
	buf_free(&href);
	buf_free(&text);
}
