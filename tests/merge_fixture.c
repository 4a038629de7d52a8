/* merge_fixture.c: known entries put through store.h for the merge tests. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "merge_fixture.h"
#include "util.h"

static const char *a1_cats[] = { "c", "news" };
static const struct enclosure a1_enc[] = {
	{ "https://alpha.example/a.mp3", "audio/mpeg", 1234 },
};
static const char *b1_cats[] = { "security", "cve" };

static const struct entry alpha[] = {
	{ "https://alpha.example/posts/1", "First post",
	  "https://alpha.example/posts/1", "Ann", "ann@alpha.example",
	  "https://alpha.example/avatars/ann.png",
	  "<p>Hello <b>world</b></p>", "<p>Full text of the first post.</p>",
	  1699990000, 1699995000, a1_cats, 2, a1_enc, 1, 0 },
	{ "alpha-2", "Second: a < b && c > d \"quoted\" 'single'",
	  "https://alpha.example/posts/2", NULL, "solo@alpha.example", NULL,
	  NULL,
	  "<p>Second ]]&gt; body</p>", 1699980000, DATE_NONE,
	  NULL, 0, NULL, 0, 0 },
	/* Control characters, broken UTF-8, a surrogate, U+FFFE, ]]>. */
	{ "tag:alpha.example,2023:3",
	  "Nasty \x01\x0b ]]> \xff\xfe broken \xed\xa0\x80 surrogate "
	  "\xef\xbf\xbe and emoji \xf0\x9f\x98\x80 &amp; ok",
	  "https://alpha.example/posts/3?a=1&b=2", "Zo\xc3\xab \x07",
	  NULL, NULL,
	  "<p>x ]]> y</p>", "<p>\x0c" "form feed &lt;tag&gt; \xc3\x28 </p>",
	  DATE_NONE, DATE_NONE, NULL, 0, NULL, 0, 0 },
	{ "https://alpha.example/shared", "Shared article",
	  "https://shared.example/article", NULL, NULL, NULL, "<p>Shared.</p>",
	  NULL, 1699970000, DATE_NONE, NULL, 0, NULL, 0, 0 },
};

static const struct entry beta[] = {
	{ "b-1", "Security advisory", "https://beta.example/1", "Bob",
	  NULL, NULL, NULL, "<p>Patch now.</p>", 1699985000, DATE_NONE,
	  b1_cats, 2, NULL, 0, 0 },
	{ "b-2", "Shared article", "https://shared.example/article", NULL,
	  NULL, NULL, "<p>Shared.</p>", NULL, 1699970000, DATE_NONE,
	  NULL, 0, NULL, 0, 0 },
};

static int
put_feed(struct store *st, const char *name, const struct feed_meta *meta,
    const struct entry *e, size_t n, int64_t now)
{
	struct feed_state	 fs;
	size_t			 i;
	int			 rc = -1;

	memset(&fs, 0, sizeof fs);
	if (store_feed_get(st, name, &fs) != 1) {
		fprintf(stderr, "fixture: no feed %s: %s\n", name,
		    store_error(st));
		return -1;
	}
	if (store_begin(st) == -1)
		goto out;
	for (i = 0; i < n; i++)
		if (store_put_entry(st, &fs, KEY_AUTO, &e[i], now) == -1)
			goto fail;
	if (meta != NULL && store_put_meta(st, &fs, meta) == -1)
		goto fail;
	if (store_commit(st) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "fixture: %s: %s\n", name, store_error(st));
	store_rollback(st);
out:
	feed_state_free(&fs);
	return rc;
}

int
fixture_fill(struct store *st, const struct conf *conf, int64_t now)
{
	struct feed_meta	 ma, mb;
	char			 err[512];

	if (store_sync_feeds(st, conf, err, sizeof err) == -1) {
		fprintf(stderr, "fixture: %s\n", err);
		return -1;
	}
	memset(&ma, 0, sizeof ma);
	ma.title = "Alpha Blog";
	ma.link = "https://alpha.example/";
	ma.updated = DATE_NONE;
	mb = ma;
	mb.title = "Beta & Sons <News>";
	mb.link = "https://beta.example/";
	if (put_feed(st, "alpha", &ma, alpha, nitems(alpha), now) == -1)
		return -1;
	/* Later, so the shared article is first seen through alpha. */
	return put_feed(st, "beta", &mb, beta, nitems(beta), now + 1);
}

int
fixture_more(struct store *st, int start, int n, int64_t now)
{
	struct entry	*e = xcalloc(n > 0 ? n : 1, sizeof *e);
	char		**s = xcalloc(n > 0 ? 3 * n : 1, sizeof *s);
	int		 i, rc;

	for (i = 0; i < n; i++) {
		xasprintf(&s[3 * i], "gen-%d", start + i);
		xasprintf(&s[3 * i + 1], "Generated entry %d", start + i);
		xasprintf(&s[3 * i + 2], "https://alpha.example/gen/%d",
		    start + i);
		e[i].id = s[3 * i];
		e[i].title = s[3 * i + 1];
		e[i].link = s[3 * i + 2];
		e[i].content = "<p>Generated text, long enough to look like a "
		    "real article with a paragraph or two of prose.</p>";
		e[i].published = now + start + i;
		e[i].updated = DATE_NONE;
	}
	rc = put_feed(st, "alpha", NULL, e, n, now + start + n);
	for (i = 0; i < 3 * n; i++)
		free(s[i]);
	free(s);
	free(e);
	return rc;
}

int
fixture_undated(struct store *st, int n, int64_t now)
{
	struct entry	*e = xcalloc(n > 0 ? n : 1, sizeof *e);
	char		**s = xcalloc(n > 0 ? n : 1, sizeof *s);
	int		 i, rc;

	for (i = 0; i < n; i++) {
		xasprintf(&s[i], "Undated %02d", i);
		e[i].id = s[i];
		e[i].title = s[i];
		e[i].published = e[i].updated = DATE_NONE;
	}
	rc = put_feed(st, "beta", NULL, e, n, now);
	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
	free(e);
	return rc;
}
