/*
 * digest_render.c: a digest's text, HTML and subject from a seq range of
 * the store: the entries collected and grouped, the failing feeds, the
 * template data, the built-in templates, plain text wrapped at WRAP
 * columns.  Reads the store only; a retry renders the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "digest_int.h"
#include "encoding.h"
#include "html.h"
#include "merge.h"
#include "rules.h"
#include "store.h"
#include "template.h"
#include "url.h"
#include "util.h"

#define WRAP		72

/* One entry as the digest shows it. */
struct dentry {
	char		*group;		/* its group's name as shown */
	char		*gkey;		/* that name folded, to sort by */
	const char	*gid;		/* what makes the group: feed or name */
	char		*feed;		/* the feed's config name */
	int64_t		 when;		/* DATE_NONE if none */
	int		 same_name;	/* another group has this name */
	char		*title;
	char		*link;		/* http(s) only, else NULL */
	char		*sources;
	char		*date;
	char		*excerpt;
	size_t		 order;		/* as the store returned it */
};

/* A feed's display title: its configured one, else its own, else its
 * name.  Sorted by name. */
struct ftitle {
	char		*name;
	char		*title;
};

struct digest_data {
	const struct conf *conf;
	const struct digest_conf *dc;
	struct ftitle	*titles;
	size_t		 ntitles, captitles;
	struct dentry	*e;
	size_t		 n, cap;
	size_t		 more;		/* past max_entries: counted only */
	struct tobj	*failing;	/* list holder, owned by the caller */
	size_t		 nfailing;
};

/*
 * Titles and names are one line wherever they go: control characters
 * (a feed's CR/LF included) become a space, runs of spaces one.
 */
static char *
oneline(const char *s)
{
	char *out = xstrdup(s ? s : ""), *p, *q;

	for (p = q = out; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || c == ' ') {
			if (q > out && q[-1] != ' ')
				*q++ = ' ';
		} else
			*q++ = *p;
	}
	while (q > out && q[-1] == ' ')
		q--;
	*q = '\0';
	return out;
}

/* Only what the link policy takes (url.h), also from older rows. */
static char *
safe_link(const char *link)
{
	return url_allowed(link, URL_LINK) ? xstrdup(link) : NULL;
}

/* Cut at about max characters, at a word boundary, marking the cut. */
static char *
excerpt(const struct stored_entry *se, int max)
{
	const char *src = se->content ? se->content : se->summary;
	struct buf b = { NULL, 0, 0 };
	size_t i, chars = 0, cut = 0;

	if (src == NULL || max <= 0)
		return NULL;
	html_to_text(&b, src, strlen(src));
	buf_add(&b, "", 0);
	for (i = 0; i < b.len; i++) {
		if (((unsigned char)b.s[i] & 0xc0) == 0x80)
			continue;
		if (b.s[i] == ' ')
			cut = i;
		if (++chars > (size_t)max) {
			b.len = cut ? cut : i;
			b.s[b.len] = '\0';
			buf_adds(&b, " …");
			break;
		}
	}
	return b.s;
}

static int
ftitle_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ftitle *)a)->name,
	    ((const struct ftitle *)b)->name);
}

/* What the digest calls feed name, everywhere it names it. */
static const char *
feed_display(const struct digest_data *d, const char *name)
{
	struct ftitle key, *t;

	key.name = (char *)name;
	t = bsearch(&key, d->titles, d->ntitles, sizeof(*t), ftitle_cmp);
	return t != NULL ? t->title : name;
}

static char *
sources(const struct digest_data *d, const struct stored_entry *se)
{
	struct buf b = { NULL, 0, 0 };
	size_t i;
	char *s;

	buf_adds(&b, feed_display(d, se->feed));
	for (i = 0; i < se->nalso_feeds; i++)
		buf_printf(&b, ", %s", feed_display(d, se->also_feeds[i]));
	s = oneline(b.s);
	buf_free(&b);
	return s;
}

static char *
fold(const char *s)
{
	struct buf b = { NULL, 0, 0 };

	utf8_fold(&b, s);
	return b.s;
}

static int
collect_entry(void *arg, const struct stored_entry *se)
{
	struct digest_data *d = arg;
	const struct digest_conf *dc = d->dc;
	struct dentry *e;
	char date[32] = "";
	int64_t t;

	if (!merge_wants(&dc->filter, se) || rules_hide(d->conf, se) != NULL)
		return 0;
	if (dc->max_entries > 0 && d->n >= (size_t)dc->max_entries) {
		d->more++;
		return 0;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->e = xreallocarray(d->e, d->cap, sizeof(*d->e));
	}
	e = &d->e[d->n];
	memset(e, 0, sizeof(*e));
	e->order = d->n++;
	e->feed = xstrdup(se->feed);
	if (dc->group == GROUP_CATEGORY)
		e->group = oneline(se->category && *se->category ?
		    se->category : "Uncategorized");
	else if (dc->group == GROUP_FEED)
		e->group = oneline(feed_display(d, se->feed));
	else
		e->group = xstrdup("");
	e->gid = dc->group == GROUP_FEED ? e->feed : e->group;
	e->gkey = fold(e->group);
	e->title = oneline(se->title);
	if (e->title[0] == '\0') {
		free(e->title);
		e->title = xstrdup("(untitled)");
	}
	e->link = safe_link(se->link);
	e->sources = sources(d, se);
	t = se->published != DATE_NONE ? se->published : se->first_seen;
	e->when = t;
	if (t != DATE_NONE)
		fmt_local(dc, t, "%Y-%m-%d %H:%M", date, sizeof(date));
	e->date = xstrdup(date);
	e->excerpt = excerpt(se, dc->excerpt);
	return 0;
}

/* The feeds' display titles, and the failing ones. */
static int
collect_feed(void *arg, const struct feed_state *fs)
{
	struct digest_data *d = arg;
	const struct feed_conf *fc = conf_feed(d->conf, fs->name);
	struct ftitle *t;
	struct tobj *f;
	char since[32] = "", *name, *error;

	if (d->ntitles == d->captitles) {
		d->captitles = d->captitles ? d->captitles * 2 : 64;
		d->titles = xreallocarray(d->titles, d->captitles,
		    sizeof(*d->titles));
	}
	t = &d->titles[d->ntitles++];
	t->name = xstrdup(fs->name);
	t->title = oneline(fc != NULL && fc->title != NULL && *fc->title ?
	    fc->title : fs->title != NULL && *fs->title ? fs->title : fs->name);
	if (fs->failures == 0 && !fs->gone)
		return 0;
	f = tobj_add(d->failing, "failing");
	name = xstrdup(t->title);
	error = oneline(fs->gone ? "gone (HTTP 410)" : fs->last_error);
	tobj_set(f, "name", name);
	tobj_set(f, "error", error);
	free(name);
	free(error);
	if (fs->failing_since > 0)
		fmt_local(d->dc, fs->failing_since, "%Y-%m-%d %H:%M", since,
		    sizeof(since));
	tobj_set(f, "since", since);
	tobj_setf(f, "failures", "%d", fs->failures);
	d->nfailing++;
	return 0;
}

/*
 * Groups by name as a person reads them (folded, then as written, then
 * by feed), entries of a group newest first; without groups, newest
 * first across feeds.  The store's order breaks the remaining ties.
 */
static int
cmp_group(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;
	int c;

	if ((c = strcmp(x->gkey, y->gkey)) != 0 ||
	    (c = strcmp(x->group, y->group)) != 0 ||
	    (c = strcmp(x->gid, y->gid)) != 0)
		return c;
	if (x->when != y->when)
		return x->when > y->when ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Two feeds of one title: both groups show their config names. */
static void
mark_same_names(struct digest_data *d)
{
	size_t i, j;

	for (i = 1; i < d->n; i++) {
		if (strcmp(d->e[i].gid, d->e[i - 1].gid) == 0 ||
		    strcmp(d->e[i].group, d->e[i - 1].group) != 0)
			continue;
		for (j = i; j > 0 && strcmp(d->e[j - 1].group,
		    d->e[i].group) == 0; j--)
			d->e[j - 1].same_name = 1;
		for (j = i; j < d->n && strcmp(d->e[j].group,
		    d->e[i].group) == 0; j++)
			d->e[j].same_name = 1;
	}
}

static void
data_free(struct digest_data *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->e[i].group);
		free(d->e[i].gkey);
		free(d->e[i].feed);
		free(d->e[i].title);
		free(d->e[i].link);
		free(d->e[i].sources);
		free(d->e[i].date);
		free(d->e[i].excerpt);
	}
	free(d->e);
	for (i = 0; i < d->ntitles; i++) {
		free(d->titles[i].name);
		free(d->titles[i].title);
	}
	free(d->titles);
}

/* The built-in templates; digest_html_template/text_template replace them. */
static const char default_text[] =
"{{title}}, {{date}}\n"
"{{count}} new {{entries_word}}\n"
"{{#groups}}\n"
"{{#name}}\n"
"\n"
"== {{name}} ==\n"
"{{/name}}\n"
"{{#entries}}\n"
"\n"
"* {{title}}{{#link}} [{{n}}]{{/link}}\n"
"  {{sources}}{{#date}}, {{date}}{{/date}}\n"
"{{#excerpt}}\n"
"  {{excerpt}}\n"
"{{/excerpt}}\n"
"{{/entries}}\n"
"{{/groups}}\n"
"{{#more}}\n"
"\n"
"... and {{more}} more, not listed (max_entries).\n"
"{{/more}}\n"
"{{#has_links}}\n"
"\n"
"Links:\n"
"{{/has_links}}\n"
"{{#links}}\n"
"[{{n}}] {{link}}\n"
"{{/links}}\n"
"{{#has_failing}}\n"
"\n"
"Failing feeds:\n"
"{{/has_failing}}\n"
"{{#failing}}\n"
"- {{name}}: failing since {{since}}{{#error}} ({{error}}){{/error}}\n"
"{{/failing}}\n";

static const char default_html[] =
"<!DOCTYPE html>\n"
"<html><head><meta charset=\"utf-8\">"
"<meta name=\"viewport\" content=\"width=device-width\">"
"<title>{{title}}, {{date}}</title></head>\n"
"<body style=\"margin:0;padding:16px;background:#ffffff;color:#222222;"
"font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.45\">\n"
"<div style=\"max-width:680px;margin:0 auto\">\n"
"<h1 style=\"font-size:22px;margin:0 0 4px 0\">{{title}}</h1>\n"
"<p style=\"margin:0 0 16px 0;color:#666666\">{{date}} &middot; "
"{{count}} new {{entries_word}}</p>\n"
"{{#groups}}\n"
"{{#name}}\n"
"<h2 style=\"font-size:17px;margin:24px 0 8px 0;padding-bottom:4px;"
"border-bottom:1px solid #dddddd\">{{name}}</h2>\n"
"{{/name}}\n"
"{{#entries}}\n"
"<div style=\"margin:0 0 14px 0\">\n"
"<div style=\"font-weight:bold\">{{#link}}<a href=\"{{link}}\" "
"style=\"color:#1a5fb4;text-decoration:none\">{{title}}</a>{{/link}}"
"{{^link}}{{title}}{{/link}}</div>\n"
"<div style=\"font-size:13px;color:#666666\">{{sources}}{{#date}} &middot; "
"{{date}}{{/date}}</div>\n"
"{{#excerpt}}\n"
"<div style=\"margin-top:4px\">{{excerpt}}</div>\n"
"{{/excerpt}}\n"
"</div>\n"
"{{/entries}}\n"
"{{/groups}}\n"
"{{#more}}\n"
"<p style=\"color:#666666\">&hellip; and {{more}} more, not listed.</p>\n"
"{{/more}}\n"
"{{#has_failing}}\n"
"<h2 style=\"font-size:15px;margin:28px 0 6px 0;color:#a51d2d\">"
"Failing feeds</h2>\n<ul style=\"margin:0;padding-left:20px;"
"font-size:13px;color:#444444\">\n"
"{{/has_failing}}\n"
"{{#failing}}\n"
"<li>{{name}}: failing since {{since}}{{#error}} ({{error}}){{/error}}</li>\n"
"{{/failing}}\n"
"{{#has_failing}}\n"
"</ul>\n"
"{{/has_failing}}\n"
"<p style=\"margin-top:28px;font-size:12px;color:#888888\">"
"Made by feedmux.</p>\n"
"</div></body></html>\n";

static const char default_subject[] =
    "{{title}}, {{day}}: {{count}} new {{entries_word}}";

const char *
digest_builtin_template(const char *name)
{
	if (strcmp(name, "html") == 0)
		return default_html;
	if (strcmp(name, "text") == 0)
		return default_text;
	return NULL;
}

static size_t
utf8_width(const char *s, size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/*
 * Wrap one line at WRAP columns on spaces; continuation lines keep the
 * line's indent, plus two under a "* " or "- " bullet.  A word longer
 * than a line (a URL) is left whole.
 */
static void
wrap_line(struct buf *out, const char *s, size_t len)
{
	size_t indent = 0, hang, col, w, i;
	const char *end = s + len, *word;
	int first = 1;

	while (indent < len && s[indent] == ' ')
		indent++;
	hang = indent;
	if (len - indent >= 2 && (s[indent] == '*' || s[indent] == '-') &&
	    s[indent + 1] == ' ')
		hang += 2;
	buf_add(out, s, indent);
	col = indent;
	s += indent;
	while (s < end) {
		while (s < end && *s == ' ')
			s++;
		if (s == end)
			break;
		for (word = s; s < end && *s != ' '; s++)
			;
		w = utf8_width(word, s - word);
		if (!first && col + 1 + w > WRAP) {
			buf_addc(out, '\n');
			for (i = 0; i < hang; i++)
				buf_addc(out, ' ');
			col = hang;
			first = 1;
		}
		if (!first) {
			buf_addc(out, ' ');
			col++;
		}
		buf_add(out, word, s - word);
		col += w;
		first = 0;
	}
	buf_addc(out, '\n');
}

static void
wrap_text(struct buf *out, const char *s)
{
	const char *nl;

	buf_add(out, "", 0);
	while (*s != '\0') {
		nl = strchr(s, '\n');
		if (nl == NULL)
			nl = s + strlen(s);
		if (utf8_width(s, nl - s) <= WRAP) {
			buf_add(out, s, nl - s);
			buf_addc(out, '\n');
		} else
			wrap_line(out, s, nl - s);
		s = *nl ? nl + 1 : nl;
	}
}

static struct tobj *
build_data(struct digest_data *d, int64_t slot, struct tobj *root)
{
	struct tobj *g = NULL, *e, *l;
	const struct dentry *last = NULL;
	char date[32], day[16];
	size_t i, n = 0, count = d->n + d->more;

	fmt_local(d->dc, slot, "%Y-%m-%d %H:%M", date, sizeof(date));
	fmt_local(d->dc, slot, "%Y-%m-%d", day, sizeof(day));
	tobj_set(root, "title", "feedmux digest");
	tobj_set(root, "date", date);
	tobj_set(root, "day", day);
	tobj_setf(root, "count", "%zu", count);
	tobj_set(root, "entries_word", count == 1 ? "entry" : "entries");
	tobj_set(root, "empty", count == 0 ? "yes" : "");
	if (d->more > 0)
		tobj_setf(root, "more", "%zu", d->more);
	for (i = 0; i < d->n; i++) {
		struct dentry *de = &d->e[i];

		if (last == NULL || strcmp(last->gid, de->gid) != 0 ||
		    strcmp(last->group, de->group) != 0) {
			g = tobj_add(root, "groups");
			if (de->same_name)
				tobj_setf(g, "name", "%s (%s)", de->group,
				    de->feed);
			else
				tobj_set(g, "name", de->group);
			last = de;
		}
		e = tobj_add(g, "entries");
		tobj_set(e, "title", de->title);
		tobj_set(e, "link", de->link ? de->link : "");
		tobj_set(e, "sources", de->sources);
		tobj_set(e, "date", de->date);
		tobj_set(e, "excerpt", de->excerpt ? de->excerpt : "");
		if (de->link != NULL) {
			tobj_setf(e, "n", "%zu", ++n);
			l = tobj_add(root, "links");
			tobj_setf(l, "n", "%zu", n);
			tobj_set(l, "link", de->link);
		} else
			tobj_set(e, "n", "");
	}
	tobj_set(root, "has_links", n > 0 ? "yes" : "");
	tobj_set(root, "has_failing", d->nfailing > 0 ? "yes" : "");
	return root;
}

static int
load_template(const char *path, const char *builtin, struct buf *out,
    char *err, size_t errlen)
{
	buf_reset(out);
	if (path == NULL) {
		buf_adds(out, builtin);
		return 0;
	}
	return read_file(path, 1024 * 1024, out, err, errlen);
}

static int
render_one(const char *path, const char *builtin, const struct tobj *data,
    enum tmpl_mode mode, struct buf *out, char *err, size_t errlen)
{
	struct buf t = { NULL, 0, 0 };
	char e[256];
	int rc;

	if ((rc = load_template(path, builtin, &t, err, errlen)) == 0 &&
	    (rc = template_render(out, buf_cstr(&t), data, mode, e,
	    sizeof(e))) == -1)
		snprintf(err, errlen, "%s: %s", path ? path : "built-in "
		    "template", e);
	buf_free(&t);
	return rc;
}

void
rendered_free(struct rendered *r)
{
	buf_free(&r->text);
	buf_free(&r->html);
	free(r->subject);
	memset(r, 0, sizeof(*r));
}

int
digest_render(struct store *st, const struct conf *c,
    const struct digest_conf *dc, int64_t after, int64_t upto, int64_t slot,
    struct rendered *r, char *err, size_t errlen)
{
	struct digest_data d;
	struct buf text = { NULL, 0, 0 }, subj = { NULL, 0, 0 };
	struct tobj *root;
	int rc = -1;

	memset(&d, 0, sizeof(d));
	memset(r, 0, sizeof(*r));
	d.conf = c;
	d.dc = dc;
	root = tobj_new();
	d.failing = root;
	if (store_feed_each(st, collect_feed, &d) == -1) {
		snprintf(err, errlen, "store: %s", store_error(st));
		goto out;
	}
	if (d.ntitles > 1)
		qsort(d.titles, d.ntitles, sizeof(*d.titles), ftitle_cmp);
	if (store_since(st, after, upto, c->updates_in_digest, collect_entry,
	    &d) == -1) {
		snprintf(err, errlen, "store: %s", store_error(st));
		goto out;
	}
	if (d.n > 1)
		qsort(d.e, d.n, sizeof(*d.e), cmp_group);
	mark_same_names(&d);
	build_data(&d, slot, root);
	r->count = d.n + d.more;
	if (render_one(dc->text_template, default_text, root, TMPL_TEXT,
	    &text, err, errlen) == -1 ||
	    render_one(dc->html_template, default_html, root, TMPL_HTML,
	    &r->html, err, errlen) == -1)
		goto out;
	if (template_render(&subj, dc->subject ? dc->subject :
	    default_subject, root, TMPL_TEXT, err, errlen) == -1)
		goto out;
	wrap_text(&r->text, buf_cstr(&text));
	r->subject = xstrdup(buf_cstr(&subj));
	rc = 0;
out:
	if (rc == -1)
		rendered_free(r);
	buf_free(&text);
	buf_free(&subj);
	tobj_free(root);
	data_free(&d);
	return rc;
}

