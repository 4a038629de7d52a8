/*
 * template.h: a small mustache-style template language for digests.
 *
 *   {{name}}        the value, HTML-escaped in HTML mode, as is in text mode
 *   {{{name}}}      the value, never escaped ({{&name}} too)
 *   {{#name}}...{{/name}}  once per item of a list, or once if a value is
 *                   non-empty; names inside see the item, then its parents
 *   {{^name}}...{{/name}}  only when name is missing, empty or an empty list
 *   {{! comment }}
 * A line holding only a section, close or comment tag is dropped whole.
 */
#ifndef FEEDMUX_TEMPLATE_H
#define FEEDMUX_TEMPLATE_H

#include <stddef.h>
#include "util.h"

/*
 * A set of named values: strings and lists of sets.  A name is kept as
 * given (a string literal); values are copied.  tobj_new makes a tree's
 * root; tobj_free frees the whole tree and is a no-op on anything else.
 */
struct tobj;

struct tobj	*tobj_new(void);
void		 tobj_free(struct tobj *);
/* Set name to a copy of value (NULL: leave it unset). */
void		 tobj_set(struct tobj *, const char *name, const char *value);
void		 tobj_setf(struct tobj *, const char *name, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* Append a new empty set to the list name (created if needed); the list
 * owns it. */
struct tobj	*tobj_add(struct tobj *, const char *name);

enum tmpl_mode { TMPL_TEXT, TMPL_HTML };

/* Render tmpl with data into out.  -1 with err ("line N: ...") on a
 * malformed template. */
int	template_render(struct buf *out, const char *tmpl,
	    const struct tobj *data, enum tmpl_mode, char *err, size_t errlen);
/* Check a template without rendering it. */
int	template_check(const char *tmpl, char *err, size_t errlen);

#endif
