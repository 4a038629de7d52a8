/*
 * template.c: the mustache-style subset described in template.h.  The
 * template is split into tokens once, then rendered by walking them with
 * a stack of the sets in scope.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "log.h"
#include "template.h"
#include "util.h"

/*
 * A data tree is built once, rendered once and freed whole, so everything
 * in it (sets, fields, values) is cut from the root's pool: a few large
 * blocks rather than some fifty small allocations an entry.  A set's
 * fields and a list's items are linked lists, so nothing is copied as
 * they grow.  A value set again leaves the old one in the pool.
 */
struct tblock {
	struct tblock	*next;
	size_t		 used, cap;
	max_align_t	 data[];
};

struct tpool {
	struct tblock	*head;
};

#define TPOOL_BLOCK	(64 * 1024 - sizeof(struct tblock))

struct tfield {
	const char	*name;		/* the caller's: a literal */
	const char	*str;		/* a value, or NULL for a list */
	size_t		 len;
	struct tobj	*items, *last;
	size_t		 nitems;
	struct tfield	*next;
};

struct tobj {
	struct tpool	*pool;
	struct tfield	*fields;
	struct tobj	*next;		/* in its list */
	int		 root;		/* owns the pool */
};

enum tok_type { T_TEXT, T_VAR, T_RAW, T_SECTION, T_INVERTED, T_CLOSE };

struct tok {
	enum tok_type	 type;
	const char	*s;		/* text, or the name */
	size_t		 len;
	size_t		 end;		/* sections: index of the close token */
};

struct toks {
	struct tok	*t;
	size_t		 n, cap;
};

#define TMPL_DEPTH	16

static void *
tpool_alloc(struct tpool *p, size_t n, size_t align)
{
	struct tblock	*b = p->head;
	size_t		 at = 0, cap;

	if (b != NULL)
		at = (b->used + align - 1) & ~(align - 1);
	if (b == NULL || at > b->cap || b->cap - at < n) {
		cap = n > TPOOL_BLOCK / 4 ? n : TPOOL_BLOCK;
		b = xmalloc(sizeof(*b) + cap);
		b->cap = cap;
		b->used = at = 0;
		if (cap == TPOOL_BLOCK || p->head == NULL) {
			b->next = p->head;
			p->head = b;
		} else {	/* a large one: the current block stays open */
			b->next = p->head->next;
			p->head->next = b;
		}
	}
	b->used = at + n;
	return (char *)b->data + at;
}

static void *
tpool_zalloc(struct tpool *p, size_t n)
{
	return memset(tpool_alloc(p, n, sizeof(void *)), 0, n);
}

static struct tobj *
tobj_in(struct tpool *p)
{
	struct tobj	*o = tpool_zalloc(p, sizeof(*o));

	o->pool = p;
	return o;
}

struct tobj *
tobj_new(void)
{
	struct tpool	*p = xcalloc(1, sizeof(*p));
	struct tobj	*o = tobj_in(p);

	o->root = 1;
	return o;
}

void
tobj_free(struct tobj *o)
{
	struct tpool	*p;
	struct tblock	*b, *next;

	if (o == NULL || !o->root)
		return;
	p = o->pool;		/* o itself is in the pool */
	for (b = p->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(p);
}

static struct tfield *
tobj_field(struct tobj *o, const char *name)
{
	struct tfield	*f;

	for (f = o->fields; f != NULL; f = f->next)
		if (strcmp(f->name, name) == 0)
			return f;
	f = tpool_zalloc(o->pool, sizeof(*f));
	f->name = name;
	f->next = o->fields;
	o->fields = f;
	return f;
}

static void
tfield_set(struct tobj *o, struct tfield *f, const char *value, size_t len)
{
	char	*d = tpool_alloc(o->pool, len + 1, 1);

	memcpy(d, value, len);
	d[len] = '\0';
	f->str = d;
	f->len = len;
}

void
tobj_set(struct tobj *o, const char *name, const char *value)
{
	if (value != NULL)
		tfield_set(o, tobj_field(o, name), value, strlen(value));
}

void
tobj_setf(struct tobj *o, const char *name, const char *fmt, ...)
{
	char	 small[256], *big;
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("tobj_setf: %s", fmt);
	if ((size_t)n < sizeof(small)) {
		tfield_set(o, tobj_field(o, name), small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	xvasprintf(&big, fmt, ap);
	va_end(ap);
	tfield_set(o, tobj_field(o, name), big, (size_t)n);
	free(big);
}

struct tobj *
tobj_add(struct tobj *o, const char *name)
{
	struct tfield	*f = tobj_field(o, name);
	struct tobj	*item = tobj_in(o->pool);

	if (f->last != NULL)
		f->last->next = item;
	else
		f->items = item;
	f->last = item;
	f->nitems++;
	return item;
}

static void
toks_add(struct toks *ts, enum tok_type type, const char *s, size_t len)
{
	if (type == T_TEXT && len == 0)
		return;
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 32;
		ts->t = xreallocarray(ts->t, ts->cap, sizeof(*ts->t));
	}
	ts->t[ts->n].type = type;
	ts->t[ts->n].s = s;
	ts->t[ts->n].len = len;
	ts->t[ts->n].end = 0;
	ts->n++;
}

static int
line_of(const char *tmpl, const char *p)
{
	int line = 1;

	for (; tmpl < p; tmpl++)
		if (*tmpl == '\n')
			line++;
	return line;
}

/*
 * A block tag alone on its line takes the line with it, so templates can
 * put sections on lines of their own without leaving blank lines behind.
 * Returns where scanning resumes, and shortens the text before the tag.
 */
static const char *
standalone(const char *tmpl, const char *text, size_t *textlen,
    const char *tag, const char *after)
{
	const char *l = tag, *r = after;

	while (l > text && (l[-1] == ' ' || l[-1] == '\t'))
		l--;
	if (l != tmpl && l[-1] != '\n')
		return after;
	while (*r == ' ' || *r == '\t')
		r++;
	if (*r == '\r' && r[1] == '\n')
		r++;
	if (*r == '\n')
		r++;
	else if (*r != '\0')
		return after;
	*textlen = l - text;
	return r;
}

static int
tokenize(const char *tmpl, struct toks *ts, char *err, size_t errlen)
{
	const char *p = tmpl, *tag, *close, *name, *next;
	size_t stack[TMPL_DEPTH], depth = 0, textlen, nlen;
	enum tok_type type;

	while ((tag = strstr(p, "{{")) != NULL) {
		textlen = tag - p;
		if (tag[2] == '{') {
			if ((close = strstr(tag + 3, "}}}")) == NULL)
				goto unclosed;
			name = tag + 3;
			nlen = close - name;
			next = close + 3;
			type = T_RAW;
		} else {
			if ((close = strstr(tag + 2, "}}")) == NULL)
				goto unclosed;
			name = tag + 2;
			nlen = close - name;
			next = close + 2;
			type = T_VAR;
			switch (*name) {
			case '#': type = T_SECTION; break;
			case '^': type = T_INVERTED; break;
			case '/': type = T_CLOSE; break;
			case '&': type = T_RAW; break;
			case '!': type = T_TEXT; break;	/* a comment */
			}
			if (type != T_VAR) {
				name++;
				nlen--;
			}
			if (type != T_VAR && type != T_RAW)
				next = standalone(tmpl, p, &textlen, tag, next);
		}
		while (nlen > 0 && (*name == ' ' || *name == '\t'))
			name++, nlen--;
		while (nlen > 0 && (name[nlen - 1] == ' ' || name[nlen - 1] == '\t'))
			nlen--;
		toks_add(ts, T_TEXT, p, textlen);
		p = next;
		if (type == T_TEXT)
			continue;
		if (nlen == 0) {
			snprintf(err, errlen, "line %d: empty tag", line_of(tmpl, tag));
			return -1;
		}
		if (type == T_CLOSE) {
			if (depth == 0 || ts->t[stack[depth - 1]].len != nlen ||
			    memcmp(ts->t[stack[depth - 1]].s, name, nlen) != 0) {
				snprintf(err, errlen, "line %d: {{/%.*s}} closes "
				    "no open section", line_of(tmpl, tag),
				    (int)nlen, name);
				return -1;
			}
			ts->t[stack[--depth]].end = ts->n;
		}
		toks_add(ts, type, name, nlen);
		if (type == T_SECTION || type == T_INVERTED) {
			if (depth == TMPL_DEPTH) {
				snprintf(err, errlen, "line %d: sections nested "
				    "too deep", line_of(tmpl, tag));
				return -1;
			}
			stack[depth++] = ts->n - 1;
		}
	}
	toks_add(ts, T_TEXT, p, strlen(p));
	if (depth > 0) {
		snprintf(err, errlen, "line %d: {{#%.*s}} is not closed",
		    line_of(tmpl, ts->t[stack[depth - 1]].s),
		    (int)ts->t[stack[depth - 1]].len, ts->t[stack[depth - 1]].s);
		return -1;
	}
	return 0;
unclosed:
	snprintf(err, errlen, "line %d: unterminated tag", line_of(tmpl, tag));
	return -1;
}

static const struct tfield *
lookup(const struct tobj **scope, size_t depth, const char *name, size_t len)
{
	const struct tfield *f;
	size_t		 d;

	for (d = depth; d-- > 0;)
		for (f = scope[d]->fields; f != NULL; f = f->next)
			if (f->name[0] == name[0] &&
			    strncmp(f->name, name, len) == 0 &&
			    f->name[len] == '\0')
				return f;
	return NULL;
}

static int
truthy(const struct tfield *f)
{
	if (f == NULL)
		return 0;
	if (f->str != NULL)
		return f->str[0] != '\0';
	return f->nitems > 0;
}

static void
render(struct buf *out, const struct toks *ts, size_t from, size_t to,
    const struct tobj **scope, size_t depth, enum tmpl_mode mode)
{
	const struct tfield *f;
	const struct tobj *item;
	const struct tok *t;
	size_t i;

	for (i = from; i < to; i++) {
		t = &ts->t[i];
		f = t->type == T_TEXT ? NULL : lookup(scope, depth, t->s, t->len);
		switch (t->type) {
		case T_TEXT:
			buf_add(out, t->s, t->len);
			break;
		case T_VAR:
		case T_RAW:
			if (f == NULL || f->str == NULL)
				break;
			if (t->type == T_VAR && mode == TMPL_HTML)
				xml_escape(out, f->str, f->len,
				    XML_QUOT | XML_APOS);
			else
				buf_add(out, f->str, f->len);
			break;
		case T_SECTION:
			if (f != NULL && f->str == NULL &&
			    depth < TMPL_DEPTH + 1) {
				for (item = f->items; item != NULL;
				    item = item->next) {
					scope[depth] = item;
					render(out, ts, i + 1, t->end, scope,
					    depth + 1, mode);
				}
			} else if (truthy(f))
				render(out, ts, i + 1, t->end, scope, depth, mode);
			i = t->end;
			break;
		case T_INVERTED:
			if (!truthy(f))
				render(out, ts, i + 1, t->end, scope, depth, mode);
			i = t->end;
			break;
		case T_CLOSE:
			break;
		}
	}
}

int
template_render(struct buf *out, const char *tmpl, const struct tobj *data,
    enum tmpl_mode mode, char *err, size_t errlen)
{
	const struct tobj *scope[TMPL_DEPTH + 2];
	struct toks ts = { NULL, 0, 0 };

	if (tokenize(tmpl, &ts, err, errlen) == -1) {
		free(ts.t);
		return -1;
	}
	scope[0] = data;
	buf_add(out, "", 0);
	render(out, &ts, 0, ts.n, scope, 1, mode);
	free(ts.t);
	return 0;
}

int
template_check(const char *tmpl, char *err, size_t errlen)
{
	struct toks ts = { NULL, 0, 0 };
	int rc;

	rc = tokenize(tmpl, &ts, err, errlen);
	free(ts.t);
	return rc;
}
