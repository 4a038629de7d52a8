/*
 * river.c: the river page, an output's merged entries as one static HTML
 * page (newest first, grouped by day in the output's time zone), and the
 * entry titles every merged output shows (title_format).
 *
 * The page is the template language's (template.h) over data built from
 * the store: the same store gives the same bytes, so it is written and
 * served, like the feeds, only when it changes.  Every link in it is a
 * stored URL the link policy takes (url.h), every piece of content the
 * stored, sanitized HTML; the built-in template has no script at all.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "merge.h"
#include "river.h"
#include "rules.h"
#include "store.h"
#include "template.h"
#include "url.h"
#include "util.h"

#define EXCERPT		280	/* characters of an entry's excerpt */

struct river {
	const struct conf	*conf;
	const struct output_conf *oc;
	struct tobj		*root;
	struct tobj		*day;		/* the day being filled */
	char			 dayname[16];	/* its YYYY-MM-DD */
	struct buf		 tmp;
	int			 n;
	int			 max;
	int64_t			 newest;
};

const char river_template[] =
"<!DOCTYPE html>\n"
"<html lang=\"en\">\n"
"<head>\n"
"<meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
"<meta name=\"generator\" content=\"{{generator}}\">\n"
"<title>{{title}}</title>\n"
"<link rel=\"icon\" href=\"data:,\">\n"
"{{#alternates}}\n"
"<link rel=\"alternate\" type=\"{{type}}\" title=\"{{title}} ({{name}})\""
" href=\"{{href}}\">\n"
"{{/alternates}}\n"
"<style>\n"
":root{color-scheme:light dark;--fg:#1f2328;--bg:#fdfdfc;--muted:#656d76;"
"--link:#0b57d0;--rule:#d8dee4}\n"
"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;"
"--muted:#9198a1;--link:#7cb3ff;--rule:#30363d}}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;background:var(--bg);color:var(--fg);"
"font:1.0625rem/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,"
"\"Noto Sans\",sans-serif;-webkit-text-size-adjust:100%;"
"text-size-adjust:100%}\n"
"header,main,footer{max-width:42rem;margin:0 auto;padding:0 1rem}\n"
"header{padding-top:1.5rem}\n"
"h1{font-size:1.6rem;line-height:1.2;margin:0 0 .25rem}\n"
"h1 a{color:inherit;text-decoration:none}\n"
"a{color:var(--link)}\n"
"a:not([href]){color:inherit}\n"
".sub,.meta,footer{color:var(--muted)}\n"
".sub{margin:0 0 .5rem}\n"
".subscribe{font-size:.9rem;margin:.25rem 0 0}\n"
".subscribe a{margin-right:.6rem}\n"
"h2{position:sticky;top:0;background:var(--bg);font-size:.95rem;"
"letter-spacing:.02em;text-transform:uppercase;color:var(--muted);"
"margin:1.75rem 0 .5rem;padding:.5rem 0;border-bottom:1px solid "
"var(--rule)}\n"
"article{padding:.75rem 0 1rem;border-bottom:1px solid var(--rule);"
"overflow-wrap:anywhere}\n"
"h3{font-size:1.15rem;line-height:1.3;margin:0 0 .25rem}\n"
"h3 a{text-decoration:none}\n"
"h3 a:hover{text-decoration:underline}\n"
".meta{font-size:.875rem;margin:0 0 .5rem}\n"
".meta a{color:inherit}\n"
".content{margin:0}\n"
".content img,.content video{max-width:100%;height:auto}\n"
".content pre{overflow-x:auto;white-space:pre}\n"
".content table{display:block;overflow-x:auto}\n"
".content blockquote{margin:0 0 0 1rem;padding-left:.75rem;"
"border-left:3px solid var(--rule)}\n"
"footer{font-size:.8rem;padding-top:1.5rem;padding-bottom:2rem}\n"
"</style>\n"
"</head>\n"
"<body>\n"
"<header>\n"
"<h1>{{#link}}<a href=\"{{link}}\">{{title}}</a>{{/link}}"
"{{^link}}{{title}}{{/link}}</h1>\n"
"{{#subtitle}}\n"
"<p class=\"sub\">{{subtitle}}</p>\n"
"{{/subtitle}}\n"
"{{#alternates}}\n"
"{{#first}}<p class=\"subscribe\">Subscribe: {{/first}}"
"<a href=\"{{href}}\" type=\"{{type}}\">{{name}}</a>"
"{{#last}}</p>{{/last}}\n"
"{{/alternates}}\n"
"</header>\n"
"<main>\n"
"{{#days}}\n"
"<section>\n"
"<h2><time datetime=\"{{day}}\">{{day_label}}</time></h2>\n"
"{{#entries}}\n"
"<article>\n"
"<h3>{{#link}}<a href=\"{{link}}\">{{title}}</a>{{/link}}"
"{{^link}}{{title}}{{/link}}</h3>\n"
"<p class=\"meta\">{{#feed_link}}<a href=\"{{feed_link}}\">{{feed}}</a>"
"{{/feed_link}}{{^feed_link}}{{feed}}{{/feed_link}}"
"{{#author}} &middot; {{author}}{{/author}} &middot; "
"<time datetime=\"{{datetime}}\">{{time}}</time></p>\n"
"{{#content}}\n"
"<div class=\"content\">{{{content}}}</div>\n"
"{{/content}}\n"
"{{^content}}\n"
"{{#excerpt}}\n"
"<p class=\"content\">{{excerpt}}</p>\n"
"{{/excerpt}}\n"
"{{/content}}\n"
"</article>\n"
"{{/entries}}\n"
"</section>\n"
"{{/days}}\n"
"{{^days}}\n"
"<p>Nothing here yet.</p>\n"
"{{/days}}\n"
"</main>\n"
"<footer>\n"
"<p>{{count}} {{entries_word}}{{#updated}}, the newest "
"<time datetime=\"{{updated}}\">{{updated_label}}</time>{{/updated}}; "
"times in {{timezone}}. Made by feedmux.</p>\n"
"</footer>\n"
"</body>\n"
"</html>\n";

/* The placeholders of title_format, in the order title_part knows them. */
static const char *const placeholders[] = {
	"title", "feed", "feed_name", "author", "category"
};

/* The length of the name in a "{name}" at p; 0 when p holds none. */
static size_t
placeholder_at(const char *p)
{
	size_t	 n = 0;

	if (*p != '{')
		return 0;
	while (p[1 + n] == '_' || islower((unsigned char)p[1 + n]))
		n++;
	return n > 0 && p[1 + n] == '}' ? n : 0;
}

static int
placeholder_index(const char *name, size_t n)
{
	size_t	 i;

	for (i = 0; i < nitems(placeholders); i++)
		if (strlen(placeholders[i]) == n &&
		    memcmp(placeholders[i], name, n) == 0)
			return (int)i;
	return -1;
}

static const char *
feed_display(const struct stored_entry *e)
{
	return e->feed_title != NULL && *e->feed_title != '\0' ?
	    e->feed_title : e->feed;
}

static const char *
title_part(int i, const struct stored_entry *e)
{
	switch (i) {
	case 0:
		return e->title;
	case 1:
		return feed_display(e);
	case 2:
		return e->feed;
	case 3:
		return e->author;
	default:
		return e->category;
	}
}

int
title_format_check(const char *fmt, char *err, size_t errlen)
{
	const char	*p;
	size_t		 n;

	for (p = fmt; *p != '\0'; p++)
		if ((n = placeholder_at(p)) > 0 &&
		    placeholder_index(p + 1, n) == -1) {
			snprintf(err, errlen, "unknown placeholder {%.*s} (want "
			    "{title}, {feed}, {feed_name}, {author} or "
			    "{category})", (int)n, p + 1);
			return -1;
		}
	return 0;
}

void
title_format(struct buf *out, const char *fmt, const struct stored_entry *e)
{
	const char	*p, *v;
	size_t		 n;
	int		 i;

	if (fmt == NULL) {
		buf_adds(out, e->title != NULL ? e->title : "");
		return;
	}
	for (p = fmt; *p != '\0'; p++) {
		if ((n = placeholder_at(p)) == 0 ||
		    (i = placeholder_index(p + 1, n)) == -1) {
			buf_addc(out, *p);
			continue;
		}
		if ((v = title_part(i, e)) != NULL)
			buf_adds(out, v);
		p += n + 1;
	}
}

/* About EXCERPT characters of the entry's text, cut at a word. */
static void
excerpt(struct buf *b, const struct stored_entry *e)
{
	const char	*src = e->summary != NULL ? e->summary : e->content;

	buf_reset(b);
	if (src != NULL)
		html_excerpt(b, src, EXCERPT);
}

/* A stored URL for an href, or "" when the link policy turns it away. */
static const char *
link_or_empty(const char *url)
{
	return url_allowed(url, URL_LINK) ? url : "";
}

static void
new_day(struct river *r, const struct tm *tm, const char *day)
{
	char	 wday[16], month[16];

	r->day = tobj_add(r->root, "days");
	tobj_set(r->day, "day", day);
	strftime(wday, sizeof wday, "%A", tm);
	strftime(month, sizeof month, "%B", tm);
	tobj_setf(r->day, "day_label", "%s, %d %s %d", wday, tm->tm_mday,
	    month, tm->tm_year + 1900);
	snprintf(r->dayname, sizeof r->dayname, "%s", day);
}

/* Every field is set, "" when missing: a missing one would be looked up
 * in the page's own data (an entry without a link would get the page's). */
static void
add_entry(struct river *r, const struct stored_entry *e)
{
	struct tobj	*t, *c;
	struct tm	 tm;
	time_t		 tt = (time_t)e->sort_date;
	char		 day[16], hm[8], d[30];
	size_t		 i;

	localtime_r(&tt, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	if (r->day == NULL || strcmp(day, r->dayname) != 0)
		new_day(r, &tm, day);
	t = tobj_add(r->day, "entries");
	buf_reset(&r->tmp);
	title_format(&r->tmp, r->oc->title_format, e);
	tobj_set(t, "title", r->tmp.len > 0 ? buf_cstr(&r->tmp) :
	    "(untitled)");
	tobj_set(t, "link", link_or_empty(e->link));
	tobj_set(t, "feed", feed_display(e));
	tobj_set(t, "feed_name", e->feed);
	tobj_set(t, "feed_link", link_or_empty(e->feed_link));
	tobj_set(t, "author", e->author != NULL ? e->author : "");
	tobj_set(t, "category", e->category != NULL ? e->category : "");
	strftime(hm, sizeof hm, "%H:%M", &tm);
	tobj_set(t, "time", hm);
	tobj_setf(t, "date", "%s %s", day, hm);
	fmt_rfc3339(d, e->sort_date);
	tobj_set(t, "datetime", d);
	tobj_set(t, "content", !r->oc->html_full ? "" : e->content != NULL ?
	    e->content : e->summary != NULL ? e->summary : "");
	excerpt(&r->tmp, e);
	tobj_set(t, "excerpt", buf_cstr(&r->tmp));
	tobj_set(t, "thumbnail", link_or_empty(e->thumbnail));
	for (i = 0; i < e->ncategories; i++)
		tobj_set(tobj_add(t, "tags"), "tag", e->categories[i]);
	for (i = 0; i < e->nenclosures; i++) {
		if (!url_allowed(e->enclosures[i].url, URL_LINK))
			continue;
		c = tobj_add(t, "enclosures");
		tobj_set(c, "url", e->enclosures[i].url);
		tobj_set(c, "type", e->enclosures[i].type != NULL ?
		    e->enclosures[i].type : "");
	}
}

static int
river_entry(void *arg, const struct stored_entry *e)
{
	struct river	*r = arg;

	if (r->n >= r->max)
		return 1;
	if (!merge_wants(r->oc, e) || rules_hide(r->conf, e) != NULL)
		return 0;
	add_entry(r, e);
	if (r->newest == DATE_NONE || e->sort_date > r->newest)
		r->newest = e->sort_date;
	r->n++;
	return 0;
}

/*
 * The output's feeds to subscribe to: the files it writes (or, with none,
 * the three the endpoint serves), each named as the feeds' own self links
 * name them, else beside the page.
 */
static void
add_alternates(struct tobj *root, const struct output_conf *oc)
{
	static const char *types[] = { "application/atom+xml",
	    "application/rss+xml", "application/feed+json" };
	static const char *names[] = { "Atom", "RSS", "JSON Feed" };
	static const char *files[] = { "atom.xml", "rss.xml", "feed.json" };
	const char	*paths[3] = { oc->atom, oc->rss, oc->json };
	struct tobj	*a, *last = NULL;
	const char	*base;
	char		*self;
	int		 f, any = paths[0] || paths[1] || paths[2];

	for (f = 0; f < 3; f++) {
		if (any && paths[f] == NULL)
			continue;
		a = tobj_add(root, "alternates");
		tobj_set(a, "type", types[f]);
		tobj_set(a, "name", names[f]);
		tobj_set(a, "first", last == NULL ? "yes" : "");
		tobj_set(a, "last", "");
		if ((self = merge_self(oc, f)) != NULL)
			tobj_set(a, "href", self);
		else {
			base = paths[f] != NULL ? strrchr(paths[f], '/') : NULL;
			tobj_set(a, "href", base != NULL ? base + 1 :
			    paths[f] != NULL ? paths[f] : files[f]);
		}
		free(self);
		last = a;
	}
	if (last != NULL)
		tobj_set(last, "last", "yes");
}

static void
add_head(struct river *r)
{
	const struct output_conf *oc = r->oc;
	struct tm	 tm;
	time_t		 tt;
	char		 d[30], label[32];

	tobj_set(r->root, "title", oc->title != NULL ? oc->title : "feedmux");
	tobj_set(r->root, "subtitle", oc->subtitle != NULL ? oc->subtitle : "");
	tobj_set(r->root, "link", link_or_empty(oc->link));
	tobj_set(r->root, "generator", "feedmux " PACKAGE_VERSION);
	tobj_set(r->root, "timezone", oc->timezone != NULL ? oc->timezone :
	    "UTC");
	tobj_setf(r->root, "count", "%d", r->n);
	tobj_set(r->root, "entries_word", r->n == 1 ? "entry" : "entries");
	tobj_set(r->root, "updated", "");
	if (r->newest != DATE_NONE) {
		fmt_rfc3339(d, r->newest);
		tobj_set(r->root, "updated", d);
		tt = (time_t)r->newest;
		localtime_r(&tt, &tm);
		strftime(label, sizeof label, "%Y-%m-%d %H:%M", &tm);
		tobj_set(r->root, "updated_label", label);
	}
	add_alternates(r->root, oc);
}

static int
load_template(const struct output_conf *oc, struct buf *t, char *err,
    size_t errlen)
{
	if (oc->html_template == NULL) {
		buf_reset(t);
		buf_adds(t, river_template);
		return 0;
	}
	return read_file(oc->html_template, 1024 * 1024, t, err, errlen);
}

int
river_render(struct store *st, const struct conf *conf,
    const struct output_conf *oc, struct buf *out, char *err, size_t errlen)
{
	struct river	 r;
	struct buf	 t = { NULL, 0, 0 };
	struct tz_saved	 zone;
	char		 e[256];
	int		 rc = -1;

	memset(&r, 0, sizeof r);
	r.conf = conf;
	r.oc = oc;
	r.max = oc->entries > 0 ? oc->entries : 100;
	r.newest = DATE_NONE;
	r.root = tobj_new();
	buf_reset(out);
	/* The page's days are the output's zone's (UTC unless set): TZ is
	 * switched for one render, not once per entry. */
	tz_push(&zone, oc->timezone != NULL ? oc->timezone : "UTC");
	if (store_recent(st, river_entry, &r) == -1)
		snprintf(err, errlen, "reading entries: %s", store_error(st));
	else {
		add_head(&r);
		if (load_template(oc, &t, err, errlen) == 0) {
			if (template_render(out, buf_cstr(&t), r.root,
			    TMPL_HTML, e, sizeof e) == -1)
				snprintf(err, errlen, "%s: %s",
				    oc->html_template, e);
			else
				rc = 0;
		}
	}
	tz_pop(&zone);
	tobj_free(r.root);
	buf_free(&r.tmp);
	buf_free(&t);
	return rc;
}
