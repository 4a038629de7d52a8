/*
 * opml.c: OPML, the file subscription lists travel in.  Reading gives the
 * feed outlines with the category each one is filed under; writing gives
 * the document.  Which feeds, and what to do with them, is subs.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "html.h"
#include "opml.h"
#include "util.h"

struct reader {
	struct opml_outline	*v;
	size_t			 n;
};

/* An attribute by name, any case (readers spell xmlUrl several ways). */
static char *
attr(xmlNode *n, const char *name)
{
	xmlAttr	*a;
	xmlChar	*v;
	char	*s;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcasecmp((const char *)a->name, name) != 0)
			continue;
		if ((v = xmlNodeGetContent((xmlNode *)a)) == NULL)
			return NULL;
		s = xstrdup((const char *)v);
		xmlFree(v);
		strtrim(s);
		if (*s == '\0') {
			free(s);
			return NULL;
		}
		return s;
	}
	return NULL;
}

/* OPML 2.0's own category="/a/b,/c": the last part of the first path. */
static char *
category(xmlNode *n)
{
	char	*cat, *p;

	if ((cat = attr(n, "category")) == NULL)
		return NULL;
	cat[strcspn(cat, ",")] = '\0';
	while ((p = strrchr(cat, '/')) != NULL && p[1] == '\0')
		*p = '\0';
	if ((p = strrchr(cat, '/')) != NULL)
		memmove(cat, p + 1, strlen(p + 1) + 1);
	return cat;
}

static void
add_feed(struct reader *r, xmlNode *n, char *url, const char *folder)
{
	struct opml_outline	*o;

	r->v = xreallocarray(r->v, r->n + 1, sizeof *r->v);
	o = &r->v[r->n++];
	o->url = url;
	if ((o->title = attr(n, "title")) == NULL)
		o->title = attr(n, "text");
	/* A folder says it when there is one. */
	o->category = folder != NULL ? xstrdup(folder) : category(n);
	o->line = xmlGetLineNo(n);
}

/* Outlines with an xmlUrl are feeds; the others are folders, and the
 * innermost folder's title is the category of the feeds inside. */
static void
outlines(struct reader *r, xmlNode *n, const char *folder)
{
	char	*url, *title;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "outline") != 0)
			continue;
		if ((url = attr(n, "xmlUrl")) != NULL) {
			add_feed(r, n, url, folder);
			continue;
		}
		if ((title = attr(n, "title")) == NULL)
			title = attr(n, "text");
		outlines(r, n->children, title != NULL ? title : folder);
		free(title);
	}
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

int
opml_read(const char *path, struct opml_outline **out, size_t *n,
    char *err, size_t errlen)
{
	struct reader	 r = { NULL, 0 };
	const xmlError	*e;
	xmlDocPtr	 doc;
	xmlNode		*root, *body;

	*out = NULL;
	*n = 0;
	/* No network, no entity expansion: an OPML file is only data. */
	doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlGetLastError();
		snprintf(err, errlen, "%s: %s", path,
		    e != NULL && e->message != NULL ? strtrim(e->message) :
		    "cannot read");
		return -1;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "opml") != 0 ||
	    (body = child(root, "body")) == NULL) {
		snprintf(err, errlen, "%s: not OPML (no <opml><body>)", path);
		xmlFreeDoc(doc);
		return -1;
	}
	outlines(&r, body->children, NULL);
	xmlFreeDoc(doc);
	*out = r.v;
	*n = r.n;
	return 0;
}

void
opml_free(struct opml_outline *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].url);
		free(v[i].title);
		free(v[i].category);
	}
	free(v);
}

/* A CR is written as a reference, which keeps it: a reader would make a
 * raw one a space. */
static void
add_attr(struct buf *b, const char *name, const char *v)
{
	const char	*cr;

	if (v == NULL)
		return;
	buf_printf(b, " %s=\"", name);
	for (; (cr = strchr(v, '\r')) != NULL; v = cr + 1) {
		xml_escape(b, v, (size_t)(cr - v), XML_QUOT);
		buf_adds(b, "&#13;");
	}
	xml_escape(b, v, strlen(v), XML_QUOT);
	buf_addc(b, '"');
}

static void
write_feed(struct buf *b, const struct opml_feed *f, const char *indent)
{
	buf_printf(b, "%s<outline type=\"rss\"", indent);
	add_attr(b, "text", f->title);
	add_attr(b, "title", f->title);
	add_attr(b, "xmlUrl", f->url);
	add_attr(b, "htmlUrl", f->link);
	buf_adds(b, "/>\n");
}

static int
same_category(const struct opml_feed *f, const char *cat)
{
	return f->category != NULL && strcmp(f->category, cat) == 0;
}

static void
write_body(struct buf *b, const struct opml_feed *v, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++)
		if (v[i].category == NULL)
			write_feed(b, &v[i], "    ");
	for (i = 0; i < n; i++) {
		const char *cat = v[i].category;

		for (j = 0; cat != NULL && j < i; j++)
			if (same_category(&v[j], cat))
				break;
		if (cat == NULL || j < i)
			continue;
		buf_adds(b, "    <outline");
		add_attr(b, "text", cat);
		add_attr(b, "title", cat);
		buf_adds(b, ">\n");
		for (j = i; j < n; j++)
			if (same_category(&v[j], cat))
				write_feed(b, &v[j], "      ");
		buf_adds(b, "    </outline>\n");
	}
}

void
opml_write(struct buf *b, const char *title, const struct opml_feed *v,
    size_t n)
{
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<opml version=\"2.0\">\n  <head>\n    <title>");
	xml_escape(b, title, strlen(title), 0);
	buf_adds(b, "</title>\n  </head>\n  <body>\n");
	write_body(b, v, n);
	buf_adds(b, "  </body>\n</opml>\n");
}
