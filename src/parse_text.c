/*
 * parse_text.c: where a captured element's text becomes a field.
 *
 * A record (the entry being read, or the feed) keeps its strings in one
 * arena, reused from entry to entry.  At an element's end its text is
 * made what the field holds: plain text for titles and names (deciding
 * whether an RSS title is HTML), sanitized HTML for summary and content,
 * absolute URLs, dates, authors split from their addresses, numbers for
 * the scheduling hints.  Every string is checked and cut to its limit in
 * rec_close().  entry_emit() hands a finished entry out.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>

#include "date.h"
#include "encoding.h"
#include "html.h"
#include "parse_int.h"
#include "url.h"
#include "util.h"

/* ---- records: the entry and the feed being read ---- */

void
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

void
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

void
rec_set(struct rec *r, enum field f, int prio, size_t off)
{
	if (rec_close(r, off, field_kind(f))) {
		r->s[f].off = off;
		r->s[f].prio = prio;
	}
}

void
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
int
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
	(void)url_take(&r->arena, p->ref.s, strlen(p->ref.s), cur_base(p),
	    URL_LINK);
	return r->arena.len > off;
}

/* media:thumbnail, or an image standing in for one (lower prio). */
void
rec_set_thumb(struct parser *p, struct rec *r, const char *url, size_t ulen,
    int prio)
{
	size_t	 off = r->arena.len;

	if (!p->entry_depth || r->s[F_THUMBNAIL].prio >= prio)
		return;
	if (rec_add_url(p, r, url, ulen))
		rec_set(r, F_THUMBNAIL, prio, off);
}

void
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
 * have.  Otherwise "<" and "&" are text.  (Not encoding.h's looks_html,
 * which asks whether a whole document is an HTML page.)
 */
static int
title_has_markup(const char *s, size_t len)
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

/*
 * Declared HTML: a "<" that begins no known element's tag is text.  No
 * second escaper: xml_escape would escape every "<" and "&", and here
 * the markup of known elements stays markup.
 */
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
 * it looks like it (title_has_markup).  Then once more when what came out
 * is markup again: escaped twice ("&amp;lt;b&amp;gt;").
 */
static void
title_text(struct parser *p, struct rec *r, const char *s, size_t len,
    int how)
{
	size_t	 off = r->arena.len;

	if (how == TT_GUESS && !title_has_markup(s, len)) {
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
	if (!title_has_markup(r->arena.s + off, r->arena.len - off))
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
		xml_escape(&p->ref, p->text.s, p->text.len, 0);
		tmp = p->text;
		p->text = p->ref;
		p->ref = tmp;
	}
	p->cmode = p->cb64;
	return 0;
}

void
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
			(void)url_take(&r->arena, s, strlen(s), cur_base(p),
			    URL_LINK);
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

/* ---- entries ---- */

void
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
