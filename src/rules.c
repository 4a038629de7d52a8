/*
 * rules.c: may an entry be shown?  The match and exclude_match rules of
 * [feedmux] and [feed "name"], compiled by conf_check.c, decided here only.
 */
#include "config.h"

#include <regex.h>
#include <string.h>

#include "conf.h"
#include "html.h"
#include "rules.h"
#include "store.h"
#include "util.h"

/*
 * The fields rules see.  The text of summary and content is worked out
 * once per entry, into buffers reused from one entry to the next (one
 * thread; no allocation per entry once they have grown).
 */
struct fields {
	const struct stored_entry *e;
	struct buf	*summary;
	struct buf	*content;
	int		 have_text;
};

static int
field_matches(const regex_t *re, const char *s)
{
	return s != NULL && *s != '\0' && regexec(re, s, 0, NULL, 0) == 0;
}

static void
fields_text(struct fields *f)
{
	const struct stored_entry *e = f->e;

	if (f->have_text)
		return;
	buf_reset(f->summary);
	buf_reset(f->content);
	if (e->summary != NULL)
		html_to_text(f->summary, e->summary, strlen(e->summary));
	if (e->content != NULL)
		html_to_text(f->content, e->content, strlen(e->content));
	f->have_text = 1;
}

static int
entry_matches(struct fields *f, const regex_t *re)
{
	const struct stored_entry *e = f->e;
	size_t		 i;

	if (field_matches(re, e->title) || field_matches(re, e->author))
		return 1;
	for (i = 0; i < e->ncategories; i++)
		if (field_matches(re, e->categories[i]))
			return 1;
	fields_text(f);
	return field_matches(re, buf_cstr(f->summary)) ||
	    field_matches(re, buf_cstr(f->content));
}

static int
has_rules(const struct rules *r)
{
	return r != NULL && (r->match != NULL || r->nexclude > 0);
}

/* The rule of r that hides the entry, or NULL. */
static const char *
rules_test(const struct rules *r, struct fields *f)
{
	size_t	 i;

	if (!has_rules(r))
		return NULL;
	if (r->match != NULL && !entry_matches(f, &r->match->re))
		return r->match->label;
	for (i = 0; i < r->nexclude; i++)
		if (entry_matches(f, &r->exclude[i].re))
			return r->exclude[i].label;
	return NULL;
}

static const struct rules *
feed_rules(const struct conf *c, const char *name)
{
	const struct feed_conf *fc;

	if (name == NULL || (fc = conf_feed(c, name)) == NULL)
		return NULL;
	return &fc->rules;
}

static struct buf summary_text, content_text;

int
rules_match(const regex_t *re, const struct stored_entry *e)
{
	struct fields	 f = { e, &summary_text, &content_text, 0 };

	return entry_matches(&f, re);
}

const char *
rules_hide(const struct conf *c, const struct stored_entry *e)
{
	struct fields	 f = { e, &summary_text, &content_text, 0 };
	const char	*why;
	size_t		 i;

	if ((why = rules_test(&c->rules, &f)) != NULL)
		return why;
	if ((why = rules_test(feed_rules(c, e->feed), &f)) == NULL)
		return NULL;
	/* The same article through another feed whose rules keep it. */
	for (i = 0; i < e->nalso_feeds; i++)
		if (rules_test(feed_rules(c, e->also_feeds[i]), &f) == NULL)
			return NULL;
	return why;
}
