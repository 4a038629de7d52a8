/*
 * dtd.c: a document's DOCTYPE declaration -> its internal entities.
 *
 * The cleaner (parse_clean.c) hands over the DOCTYPE and keeps it from libxml2,
 * which so never holds a declaration: nothing to load, nothing to expand
 * behind our back.  The scanner finds the end of the declaration across
 * pieces (quotes, comments and the internal subset's brackets hide a '>');
 * the reader then takes the entity declarations from the bytes kept.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dtd.h"
#include "util.h"

struct ent {
	char	*name, *val;
	size_t	 nlen, vlen;
};

struct dtd {
	struct buf	 raw;		/* the declaration, up to DTD_MAX */
	char		 quote;		/* in a quoted string: its quote */
	int		 subset;	/* in the internal subset [...] */
	int		 decl;		/* in a markup declaration <...> */
	int		 comment;	/* in <!-- --> */
	char		 last[3];	/* the last three bytes */
	struct ent	 ent[DTD_NENT];
	size_t		 nent;
};

struct dtd *
dtd_new(void)
{
	return xcalloc(1, sizeof(struct dtd));
}

void
dtd_free(struct dtd *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nent; i++) {
		free(d->ent[i].name);
		free(d->ent[i].val);
	}
	buf_free(&d->raw);
	free(d);
}

/* One byte of the declaration; 1 when it was the closing '>'. */
static int
scan_byte(struct dtd *d, char c)
{
	int	 end = 0;

	if (d->comment) {
		if (c == '>' && d->last[1] == '-' && d->last[2] == '-')
			d->comment = 0;
	} else if (d->quote != 0) {
		if (c == d->quote)
			d->quote = 0;
	} else if (d->decl) {
		if (c == '-' && d->last[0] == '<' && d->last[1] == '!' &&
		    d->last[2] == '-') {
			d->decl = 0;
			d->comment = 1;
		} else if (c == '"' || c == '\'')
			d->quote = c;
		else if (c == '>')
			d->decl = 0;
	} else if (d->subset) {
		if (c == '<')
			d->decl = 1;
		else if (c == ']')
			d->subset = 0;
	} else if (c == '"' || c == '\'')
		d->quote = c;
	else if (c == '[')
		d->subset = 1;
	else if (c == '>')
		end = 1;
	d->last[0] = d->last[1];
	d->last[1] = d->last[2];
	d->last[2] = c;
	return end;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Past the '>' that ends the declaration at p, quotes honoured. */
static const char *
skip_decl(const char *p, const char *end)
{
	char	 q = 0;

	for (; p < end; p++) {
		if (q != 0) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'')
			q = *p;
		else if (*p == '>')
			return p + 1;
	}
	return end;
}

/* A copy of n bytes, NUL bytes and all (xstrndup stops at the first). */
static char *
bytes(const char *s, size_t n)
{
	char	*c = xmalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

static void
add_entity(struct dtd *d, const char *name, size_t nlen, const char *val,
    size_t vlen)
{
	size_t	 len;

	if (d->nent == DTD_NENT || dtd_entity(d, name, nlen, &len) != NULL)
		return;
	d->ent[d->nent].name = bytes(name, nlen);
	d->ent[d->nent].nlen = nlen;
	d->ent[d->nent].val = bytes(val, vlen);
	d->ent[d->nent].vlen = vlen;
	d->nent++;
}

/* After "<!ENTITY": keep it if it is internal and general. */
static const char *
read_entity(struct dtd *d, const char *p, const char *end)
{
	const char	*name, *nend, *val;
	char		 q;

	while (p < end && is_space(*p))
		p++;
	if (p < end && *p == '%')		/* a parameter entity */
		return skip_decl(p, end);
	for (name = p; p < end && !is_space(*p) && *p != '"' && *p != '\'' &&
	    *p != '>'; p++)
		;
	if ((nend = p) == name)
		return skip_decl(p, end);
	while (p < end && is_space(*p))
		p++;
	if (p == end || (*p != '"' && *p != '\''))
		return skip_decl(p, end);	/* SYSTEM, PUBLIC: external */
	q = *p++;
	if ((p = memchr(val = p, q, (size_t)(end - p))) == NULL)
		return end;
	add_entity(d, name, (size_t)(nend - name), val, (size_t)(p - val));
	return skip_decl(p + 1, end);
}

/* The internal subset of the whole declaration in d->raw. */
static void
read_subset(struct dtd *d)
{
	const char	*p = d->raw.s, *end = p + d->raw.len, *e;

	if (p == NULL)
		return;
	/* The name and external ID: to the '[' outside quotes. */
	for (; p < end && *p != '['; p++)
		if (*p == '"' || *p == '\'') {
			if ((e = memchr(p + 1, *p, (size_t)(end - p - 1))) ==
			    NULL)
				return;
			p = e;
		}
	while (p < end && *p != ']') {
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0) {
			if ((e = memmem(p + 4, (size_t)(end - p - 4), "-->",
			    3)) == NULL)
				return;
			p = e + 3;
		} else if (end - p >= 8 && memcmp(p, "<!ENTITY", 8) == 0)
			p = read_entity(d, p + 8, end);
		else if (*p == '<')
			p = skip_decl(p, end);
		else
			p++;
	}
}

size_t
dtd_scan(struct dtd *d, const char *s, size_t n, int *done)
{
	size_t	 i;

	*done = 0;
	for (i = 0; i < n; i++)
		if (scan_byte(d, s[i])) {
			*done = 1;
			i++;
			break;
		}
	if (d->raw.len < DTD_MAX)
		buf_add(&d->raw, s, i < DTD_MAX - d->raw.len ? i :
		    DTD_MAX - d->raw.len);
	if (*done) {
		read_subset(d);
		buf_free(&d->raw);
	}
	return i;
}

const char *
dtd_entity(const struct dtd *d, const char *name, size_t n, size_t *len)
{
	size_t	 i;

	for (i = 0; i < d->nent; i++)
		if (d->ent[i].nlen == n &&
		    memcmp(d->ent[i].name, name, n) == 0) {
			*len = d->ent[i].vlen;
			return d->ent[i].val;
		}
	return NULL;
}
