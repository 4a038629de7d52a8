/* test_rules.c: rules_hide on entries built by hand, against rules loaded
 * from a real config file: which fields count, which rule is named, the
 * global and feed rules together, articles that came through two feeds. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "rules.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static char	 dir[] = "/tmp/feedmux-rules.XXXXXX";

static struct conf *
load(const char *text)
{
	char	 path[256], err[512];
	FILE	*f;
	struct conf *c;

	snprintf(path, sizeof path, "%s/test.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	if ((c = conf_load(path, err, sizeof err)) == NULL)
		printf("# %s\n", err);
	return c;
}

static struct stored_entry
entry(const char *feed, const char *title)
{
	struct stored_entry e;

	memset(&e, 0, sizeof e);
	e.feed = feed;
	e.title = title;
	return e;
}

static void
test_fields(struct conf *c)
{
	struct stored_entry e = entry("news", "Plain title");
	const char	*cats[] = { "Misc", "Ads" };
	const char	*also[] = { "blog" };

	is_str(rules_hide(c, &e), NULL, "an entry no rule touches is shown");
	e.title = "SPONSORED: deals";
	is_str(rules_hide(c, &e), "[feed \"news\"] exclude_match = ^sponsored",
	    "title, case-insensitive, names the feed's rule");
	e = entry("news", "x");
	e.summary = "<p>this <em>week</em> crypto</p>";
	is_str(rules_hide(c, &e), "[feedmux] exclude_match = week crypto",
	    "summary without markup, the global rule");
	e = entry("news", "x");
	e.content = "a<br>week &amp; <b>crypto</b>";
	is_str(rules_hide(c, &e), NULL,
	    "content text: \"week & crypto\" is not \"week crypto\"");
	e.content = "<div>week\n   crypto</div>";
	is_str(rules_hide(c, &e), "[feedmux] exclude_match = week crypto",
	    "content text with white space folded");
	e = entry("news", "x");
	e.author = "Spammy Bob";
	is_str(rules_hide(c, &e), "[feedmux] exclude_match = spammy",
	    "author, the second global exclude_match");
	e = entry("news", "x");
	e.categories = cats;
	e.ncategories = 2;
	is_str(rules_hide(c, &e), "[feed \"news\"] exclude_match = ^ads$",
	    "a category, the second feed exclude_match");
	e = entry("blog", "Go news");
	is_str(rules_hide(c, &e), "[feed \"blog\"] match = rust",
	    "a feed's match hides what does not match");
	e.summary = "<p>now in RUST</p>";
	is_str(rules_hide(c, &e), NULL, "and keeps what does");
	e = entry("other", "SPONSORED: x");
	is_str(rules_hide(c, &e), NULL, "one feed's rules leave others alone");
	e.title = "Spammy";
	is_str(rules_hide(c, &e), "[feedmux] exclude_match = spammy",
	    "global rules apply to every feed");
	e = entry("unknown", "fine");
	is_str(rules_hide(c, &e), NULL, "a feed no longer configured");

	/* The same article through news and blog. */
	e = entry("news", "Sponsored: rust shirts");
	e.also_feeds = also;
	e.nalso_feeds = 1;
	is_str(rules_hide(c, &e), NULL,
	    "shown when another feed it came through keeps it");
	e.title = "Sponsored: go shirts";
	is_str(rules_hide(c, &e), "[feed \"news\"] exclude_match = ^sponsored",
	    "hidden when every feed's rules hide it");
	e.title = "rust spammy";
	is_str(rules_hide(c, &e), "[feedmux] exclude_match = spammy",
	    "a global rule hides whatever the feeds");
}

int
main(void)
{
	struct conf	*c;
	struct stored_entry e = entry("news", "Sponsored");

	if (mkdtemp(dir) == NULL)
		return 1;
	c = load("[feedmux]\ndatabase = db\n"
	    "exclude_match = week crypto\nexclude_match = spammy\n"
	    "[feed \"news\"]\nurl = https://news.example/\n"
	    "exclude_match = ^sponsored\nexclude_match = ^ads$\n"
	    "[feed \"blog\"]\nurl = https://blog.example/\nmatch = rust\n"
	    "[feed \"other\"]\nurl = https://other.example/\n");
	if (!ok(c != NULL, "config with rules loads"))
		return done_testing();
	test_fields(c);
	conf_free(c);
	c = load("[feed \"news\"]\nurl = https://news.example/\n");
	if (ok(c != NULL, "config without rules loads"))
		is_str(rules_hide(c, &e), NULL, "no rules: every entry shown");
	conf_free(c);
	rm_tree(dir);
	return done_testing();
}
