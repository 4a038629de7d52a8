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
	char		*title;
	char		*link;		/* http(s) only, else NULL */
	char		*sources;
	char		*date;
	char		*excerpt;
	char		*author;
	char		*content;	/* content = full: sanitized HTML */
	char		*thumbnail;
	char		*feed_link;
	struct buf	 enc;		/* enclosures: "url\ttype\tsize\n" */
	size_t		 rank;		/* 0: its feed's newest */
	int		 dropped;	/* over per_feed or max_entries */
	size_t		 order;		/* as the store returned it */
};

/* Entries over the caps, counted per feed and said. */
struct dmore {
	char		*feed;
	char		*link;		/* the feed's site; NULL: none */
	size_t		 count;
};

/* A feed's display title: its configured one, else its own, else its
 * name.  Sorted by name. */
struct ftitle {
	char		*name;
	char		*title;
	char		*label;		/* title, or "title (name)" when shared */
};

struct digest_data {
	const struct conf *conf;
	const struct digest_conf *dc;
	struct ftitle	*titles;
	size_t		 ntitles, captitles;
	struct dentry	*e;
	size_t		 n, cap;
	size_t		 more;		/* over the caps: counted, not listed */
	struct dmore	*mores;
	size_t		 nmores;
	size_t		 nlinks;	/* [n] references so far */
	struct tobj	*root;		/* the template data */
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

	if (src == NULL || max <= 0)
		return NULL;
	buf_add(&b, "", 0);
	html_excerpt(&b, src, (size_t)max);
	return b.s;
}

static int
ftitle_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ftitle *)a)->name,
	    ((const struct ftitle *)b)->name);
}

static struct ftitle *
ftitle_find(const struct digest_data *d, const char *name)
{
	struct ftitle key;

	key.name = (char *)name;
	return bsearch(&key, d->titles, d->ntitles, sizeof(key), ftitle_cmp);
}

/* What the digest calls feed name in sources lines. */
static const char *
feed_display(const struct digest_data *d, const char *name)
{
	struct ftitle *t = ftitle_find(d, name);

	return t != NULL ? t->title : name;
}

/* A feed's group or "more" line: its config name added when another feed
 * has the same title, so the two can be told apart. */
static const char *
feed_label(const struct digest_data *d, const char *name)
{
	struct ftitle *t = ftitle_find(d, name);

	return t != NULL ? t->label : name;
}

static int
ftitle_title_cmp(const void *a, const void *b)
{
	const struct ftitle *x = *(struct ftitle *const *)a;
	const struct ftitle *y = *(struct ftitle *const *)b;

	return strcmp(x->title, y->title);
}

/* Sort the titles by name, and label those two feeds share. */
static void
titles_index(struct digest_data *d)
{
	struct ftitle **byt;
	size_t i;

	if (d->ntitles > 1)
		qsort(d->titles, d->ntitles, sizeof(*d->titles), ftitle_cmp);
	byt = xcalloc(d->ntitles + 1, sizeof(*byt));
	for (i = 0; i < d->ntitles; i++)
		byt[i] = &d->titles[i];
	qsort(byt, d->ntitles, sizeof(*byt), ftitle_title_cmp);
	for (i = 0; i < d->ntitles; i++) {
		if ((i > 0 && strcmp(byt[i]->title, byt[i - 1]->title) == 0) ||
		    (i + 1 < d->ntitles &&
		    strcmp(byt[i]->title, byt[i + 1]->title) == 0))
			xasprintf(&byt[i]->label, "%s (%s)", byt[i]->title,
			    byt[i]->name);
		else
			byt[i]->label = xstrdup(byt[i]->title);
	}
	free(byt);
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

static void	enclosures(struct dentry *, const struct stored_entry *);
static void	human_size(struct buf *, int64_t);

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
		e->group = xstrdup(feed_label(d, se->feed));
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
		fmt_local(dc, t, "%Y-%m-%d %H:%M %Z", date, sizeof(date));
	e->date = xstrdup(date);
	e->author = se->author != NULL ? oneline(se->author) : NULL;
	e->thumbnail = safe_link(se->thumbnail);
	e->feed_link = safe_link(se->feed_link);
	if (dc->full)
		e->content = xstrdup(se->content ? se->content :
		    se->summary ? se->summary : "");
	else
		e->excerpt = excerpt(se, dc->excerpt);
	enclosures(e, se);
	return 0;
}

static void
enclosures(struct dentry *e, const struct stored_entry *se)
{
	char *type;
	size_t i;

	for (i = 0; i < se->nenclosures; i++) {
		if (!url_allowed(se->enclosures[i].url, URL_LINK))
			continue;
		type = oneline(se->enclosures[i].type);
		buf_printf(&e->enc, "%s\t%s\t", se->enclosures[i].url, type);
		if (se->enclosures[i].length >= 0)
			human_size(&e->enc, se->enclosures[i].length);
		buf_addc(&e->enc, '\n');
		free(type);
	}
}

static void
human_size(struct buf *b, int64_t n)
{
	if (n < 1000)
		buf_printf(b, "%lld bytes", (long long)n);
	else if (n < 1000 * 1000)
		buf_printf(b, "%.1f kB", n / 1e3);
	else if (n < 1000LL * 1000 * 1000)
		buf_printf(b, "%.1f MB", n / 1e6);
	else
		buf_printf(b, "%.1f GB", n / 1e9);
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

static int
cmp_feed_newest(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;
	int c;

	if ((c = strcmp(x->feed, y->feed)) != 0)
		return c;
	if (x->when != y->when)
		return x->when > y->when ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* Round by round: every feed's newest, then every feed's second... */
static int
cmp_fair(const void *a, const void *b)
{
	const struct dentry *x = a, *y = b;

	if (x->dropped != y->dropped)
		return x->dropped - y->dropped;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->when != y->when)
		return x->when > y->when ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static void
count_more(struct digest_data *d, const struct dentry *e)
{
	if (d->nmores == 0 || strcmp(d->mores[d->nmores - 1].feed,
	    e->feed) != 0) {
		d->mores = xreallocarray(d->mores, d->nmores + 1,
		    sizeof(*d->mores));
		d->mores[d->nmores].feed = xstrdup(e->feed);
		d->mores[d->nmores].link = e->feed_link ?
		    xstrdup(e->feed_link) : NULL;
		d->mores[d->nmores++].count = 0;
	}
	d->mores[d->nmores - 1].count++;
	d->more++;
}

static void
dentry_free(struct dentry *e)
{
	free(e->group); free(e->gkey); free(e->feed); free(e->title);
	free(e->link); free(e->sources); free(e->date); free(e->excerpt);
	free(e->author); free(e->content); free(e->thumbnail);
	free(e->feed_link);
	buf_free(&e->enc);
}

/*
 * per_feed keeps each feed's newest N; max_entries then takes entries
 * round by round across feeds, so one busy feed cannot fill the digest.
 * What is left out is counted per feed ("and 37 more from Feed").
 */
static void
apply_caps(struct digest_data *d)
{
	const struct digest_conf *dc = d->dc;
	size_t i, kept = 0;

	if (d->n == 0 || (dc->per_feed == 0 && dc->max_entries == 0))
		return;
	qsort(d->e, d->n, sizeof(*d->e), cmp_feed_newest);
	for (i = 0; i < d->n; i++) {
		d->e[i].rank = i > 0 && strcmp(d->e[i].feed,
		    d->e[i - 1].feed) == 0 ? d->e[i - 1].rank + 1 : 0;
		d->e[i].dropped = dc->per_feed > 0 &&
		    d->e[i].rank >= (size_t)dc->per_feed;
		kept += !d->e[i].dropped;
	}
	if (dc->max_entries > 0 && kept > (size_t)dc->max_entries) {
		qsort(d->e, d->n, sizeof(*d->e), cmp_fair);
		for (i = (size_t)dc->max_entries; i < kept; i++)
			d->e[i].dropped = 1;
		qsort(d->e, d->n, sizeof(*d->e), cmp_feed_newest);
	}
	for (i = kept = 0; i < d->n; i++) {
		if (d->e[i].dropped) {
			count_more(d, &d->e[i]);
			dentry_free(&d->e[i]);
		} else
			d->e[kept++] = d->e[i];
	}
	d->n = kept;
}

static void
data_free(struct digest_data *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		dentry_free(&d->e[i]);
	free(d->e);
	for (i = 0; i < d->nmores; i++) {
		free(d->mores[i].feed);
		free(d->mores[i].link);
	}
	free(d->mores);
	for (i = 0; i < d->ntitles; i++) {
		free(d->titles[i].name);
		free(d->titles[i].title);
		free(d->titles[i].label);
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
"  {{sources}}{{#author}}, by {{author}}{{/author}}"
"{{#date}}, {{date}}{{/date}}\n"
"{{#excerpt}}\n"
"  {{excerpt}}\n"
"{{/excerpt}}\n"
"{{#text}}\n"
"\n"
"{{text}}\n"
"\n"
"{{/text}}\n"
"{{#enclosures}}\n"
"  Enclosure: {{url}}{{#desc}} ({{desc}}){{/desc}}\n"
"{{/enclosures}}\n"
"{{#thumbnail}}\n"
"  Image: {{thumbnail}}\n"
"{{/thumbnail}}\n"
"{{/entries}}\n"
"{{/groups}}\n"
"{{#more}}\n"
"\n"
"{{/more}}\n"
"{{#mores}}\n"
"... and {{count}} more from {{feed}}{{#n}} [{{n}}]{{/n}}\n"
"{{/mores}}\n"
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
"<div style=\"font-size:13px;color:#666666\">{{sources}}"
"{{#author}} &middot; {{author}}{{/author}}{{#date}} &middot; "
"{{date}}{{/date}}</div>\n"
"{{#thumbnail}}\n"
"<img src=\"{{thumbnail}}\" alt=\"\" style=\"max-width:160px;"
"max-height:160px;margin-top:6px\">\n"
"{{/thumbnail}}\n"
"{{#excerpt}}\n"
"<div style=\"margin-top:4px\">{{excerpt}}</div>\n"
"{{/excerpt}}\n"
"{{#content}}\n"
"<div style=\"margin-top:6px;overflow-wrap:break-word\">{{{content}}}</div>\n"
"{{/content}}\n"
"{{#enclosures}}\n"
"<div style=\"font-size:13px;margin-top:4px\">Enclosure: "
"<a href=\"{{url}}\">{{url}}</a>{{#desc}} ({{desc}}){{/desc}}</div>\n"
"{{/enclosures}}\n"
"</div>\n"
"{{/entries}}\n"
"{{/groups}}\n"
"{{#mores}}\n"
"<p style=\"margin:4px 0;color:#666666\">&hellip; and {{count}} more from "
"{{#link}}<a href=\"{{link}}\" style=\"color:#1a5fb4\">{{feed}}</a>{{/link}}"
"{{^link}}{{feed}}{{/link}}</p>\n"
"{{/mores}}\n"
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
		w = utf8_chars(word, s - word);
		/* A word no line could hold (a URL) stays where it is. */
		if (!first && col + 1 + w > WRAP && hang + w <= WRAP) {
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
		if (utf8_chars(s, nl - s) <= WRAP) {
			buf_add(out, s, nl - s);
			buf_addc(out, '\n');
		} else
			wrap_line(out, s, nl - s);
		s = *nl ? nl + 1 : nl;
	}
}

/* A link numbered for the text part's list: [n] there, n here. */
static size_t
add_ref(void *arg, const char *url)
{
	struct digest_data *d = arg;
	struct tobj *l;

	if (!url_allowed(url, URL_LINK))
		return 0;
	l = tobj_add(d->root, "links");
	tobj_setf(l, "n", "%zu", ++d->nlinks);
	tobj_set(l, "link", url);
	return d->nlinks;
}

/* The whole content as text, two spaces in, for the text part. */
static void
content_text(struct digest_data *d, struct tobj *e, const char *html,
    struct buf *tmp)
{
	struct buf t = { NULL, 0, 0 };
	const char *p, *nl;

	html_text_refs(&t, html, strlen(html), add_ref, d);
	buf_reset(tmp);
	for (p = buf_cstr(&t); *p != '\0'; p = *nl ? nl + 1 : nl) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p);
		if (nl > p)
			buf_adds(tmp, "  ");
		buf_add(tmp, p, (size_t)(nl - p));
		if (*nl != '\0')
			buf_addc(tmp, '\n');
	}
	tobj_set(e, "text", buf_cstr(tmp));
	buf_free(&t);
}

static void
entry_enclosures(struct tobj *e, const struct dentry *de)
{
	const char *p = buf_cstr((struct buf *)&de->enc), *t1, *t2, *nl;
	struct tobj *x;

	for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		t1 = strchr(p, '\t');
		t2 = strchr(t1 + 1, '\t');
		x = tobj_add(e, "enclosures");
		tobj_setf(x, "url", "%.*s", (int)(t1 - p), p);
		tobj_setf(x, "type", "%.*s", (int)(t2 - t1 - 1), t1 + 1);
		tobj_setf(x, "size", "%.*s", (int)(nl - t2 - 1), t2 + 1);
		tobj_setf(x, "desc", "%.*s%s%.*s", (int)(t2 - t1 - 1), t1 + 1,
		    t2 - t1 > 1 && nl - t2 > 1 ? ", " : "", (int)(nl - t2 - 1),
		    t2 + 1);
	}
}

static void
build_entry(struct digest_data *d, struct tobj *g, const struct dentry *de,
    struct buf *tmp)
{
	struct tobj *e = tobj_add(g, "entries");
	size_t n = 0;

	tobj_set(e, "title", de->title);
	tobj_set(e, "link", de->link ? de->link : "");
	tobj_set(e, "sources", de->sources);
	tobj_set(e, "feed", feed_display(d, de->feed));
	tobj_set(e, "feed_name", de->feed);
	tobj_set(e, "author", de->author ? de->author : "");
	tobj_set(e, "date", de->date);
	tobj_set(e, "excerpt", de->excerpt ? de->excerpt : "");
	tobj_set(e, "thumbnail", de->thumbnail ? de->thumbnail : "");
	if (de->link != NULL)
		n = add_ref(d, de->link);
	if (n > 0)
		tobj_setf(e, "n", "%zu", n);
	else
		tobj_set(e, "n", "");
	tobj_set(e, "content", de->content ? de->content : "");
	if (de->content != NULL)
		content_text(d, e, de->content, tmp);
	else
		tobj_set(e, "text", "");
	entry_enclosures(e, de);
}

static struct tobj *
build_data(struct digest_data *d, int64_t slot, struct tobj *root)
{
	struct tobj *g = NULL, *m;
	const struct dentry *last = NULL;
	struct buf tmp = { NULL, 0, 0 };
	char date[48], day[16];
	size_t i, count = d->n + d->more;

	fmt_local(d->dc, slot, "%Y-%m-%d %H:%M %Z", date, sizeof(date));
	fmt_local(d->dc, slot, "%Y-%m-%d", day, sizeof(day));
	if (d->dc->name[0] != '\0')
		tobj_setf(root, "title", "feedmux digest %s", d->dc->name);
	else
		tobj_set(root, "title", "feedmux digest");
	tobj_set(root, "name", d->dc->name);
	tobj_set(root, "date", date);
	tobj_set(root, "day", day);
	tobj_setf(root, "count", "%zu", count);
	tobj_setf(root, "shown", "%zu", d->n);
	tobj_set(root, "entries_word", count == 1 ? "entry" : "entries");
	tobj_set(root, "empty", count == 0 ? "yes" : "");
	if (d->more > 0)
		tobj_setf(root, "more", "%zu", d->more);
	for (i = 0; i < d->n; i++) {
		const struct dentry *de = &d->e[i];

		if (last == NULL || strcmp(last->gid, de->gid) != 0 ||
		    strcmp(last->group, de->group) != 0) {
			g = tobj_add(root, "groups");
			tobj_set(g, "name", de->group);
			last = de;
		}
		build_entry(d, g, de, &tmp);
	}
	for (i = 0; i < d->nmores; i++) {
		m = tobj_add(root, "mores");
		tobj_setf(m, "count", "%zu", d->mores[i].count);
		tobj_set(m, "feed", feed_label(d, d->mores[i].feed));
		tobj_set(m, "link", d->mores[i].link ? d->mores[i].link : "");
		if (d->mores[i].link != NULL)
			tobj_setf(m, "n", "%zu", add_ref(d, d->mores[i].link));
		else
			tobj_set(m, "n", "");
	}
	tobj_set(root, "has_links", d->nlinks > 0 ? "yes" : "");
	tobj_set(root, "has_failing", d->nfailing > 0 ? "yes" : "");
	buf_free(&tmp);
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
	d.failing = d.root = root;
	if (store_feed_each(st, collect_feed, &d) == -1) {
		snprintf(err, errlen, "store: %s", store_error(st));
		goto out;
	}
	titles_index(&d);
	if (store_since(st, after, upto, c->updates_in_digest, collect_entry,
	    &d) == -1) {
		snprintf(err, errlen, "store: %s", store_error(st));
		goto out;
	}
	apply_caps(&d);
	if (d.n > 1)
		qsort(d.e, d.n, sizeof(*d.e), cmp_group);
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

