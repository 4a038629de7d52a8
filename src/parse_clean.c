/*
 * parse_clean.c: the parser's cleaner, byte-level repairs before libxml2
 * sees the text.
 *
 * It fixes what real feeds get wrong: a bare "&", undeclared HTML
 * entities, character references libxml2 would refuse, control
 * characters, junk before "<?xml", CDATA sections too long for libxml2.
 * It takes the DOCTYPE too: libxml2 never sees one.  The internal
 * entities are kept (dtd.c) and their references expanded here, as text,
 * within ENT_DEPTH levels and ENT_BUDGET bytes a document (no billion
 * laughs); external entities are never declared, so never loaded (no
 * XXE).  Input may end anywhere: what cannot be decided yet is left for
 * the caller to carry to the next piece.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <sys/types.h>

#include "dtd.h"
#include "encoding.h"
#include "html.h"
#include "parse_int.h"
#include "util.h"

/* libxml2 2.9 allows 40 levels and 10 times the input; a few levels and
 * a fixed sum are plenty for what feeds declare ("tag:example.com,"). */
#define ENT_DEPTH	8			/* references within values */
#define ENT_BUDGET	(4 * 1024 * 1024)	/* entity text a document */

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
size_t
parse_clean(struct parser *p, const char *s, size_t n, int last,
    struct buf *out)
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
