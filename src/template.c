/*
 * template.c: the mustache-style subset described in template.h.  The
 * template is split into tokens once, then rendered by walking them with
 * a stack of the sets in scope.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "template.h"
#include "util.h"

struct tfield {
	char		 *name;
	char		 *str;		/* a value, or NULL for a list */
	struct tobj	**items;
	size_t		  nitems, capitems;
};

struct tobj {
	struct tfield	*f;
	size_t		 n;
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

struct tobj *
tobj_new(void)
{
	return xcalloc(1, sizeof(struct tobj));
}

void
tobj_free(struct tobj *o)
{
	size_t i, j;

	if (o == NULL)
		return;
	for (i = 0; i < o->n; i++) {
		free(o->f[i].name);
		free(o->f[i].str);
		for (j = 0; j < o->f[i].nitems; j++)
			tobj_free(o->f[i].items[j]);
		free(o->f[i].items);
	}
	free(o->f);
	free(o);
}

static struct tfield *
tobj_field(struct tobj *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (strcmp(o->f[i].name, name) == 0)
			return &o->f[i];
	o->f = xreallocarray(o->f, o->n + 1, sizeof(*o->f));
	memset(&o->f[o->n], 0, sizeof(*o->f));
	o->f[o->n].name = xstrdup(name);
	return &o->f[o->n++];
}

void
tobj_set(struct tobj *o, const char *name, const char *value)
{
	struct tfield *f;

	if (value == NULL)
		return;
	f = tobj_field(o, name);
	free(f->str);
	f->str = xstrdup(value);
}

void
tobj_setf(struct tobj *o, const char *name, const char *fmt, ...)
{
	struct tfield *f;
	va_list ap;

	f = tobj_field(o, name);
	free(f->str);
	va_start(ap, fmt);
	xvasprintf(&f->str, fmt, ap);
	va_end(ap);
}

struct tobj *
tobj_add(struct tobj *o, const char *name)
{
	struct tfield *f;
	struct tobj *item;

	f = tobj_field(o, name);
	item = tobj_new();
	if (f->nitems == f->capitems) {
		f->capitems = f->capitems ? f->capitems * 2 : 8;
		f->items = xreallocarray(f->items, f->capitems,
		    sizeof(*f->items));
	}
	f->items[f->nitems++] = item;
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
	size_t i, d;

	for (d = depth; d-- > 0;)
		for (i = 0; i < scope[d]->n; i++)
			if (strlen(scope[d]->f[i].name) == len &&
			    memcmp(scope[d]->f[i].name, name, len) == 0)
				return &scope[d]->f[i];
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
	const struct tok *t;
	size_t i, j;

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
				xml_escape(out, f->str, strlen(f->str),
				    XML_QUOT | XML_APOS);
			else
				buf_adds(out, f->str);
			break;
		case T_SECTION:
			if (f != NULL && f->str == NULL &&
			    depth < TMPL_DEPTH + 1) {
				for (j = 0; j < f->nitems; j++) {
					scope[depth] = f->items[j];
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
