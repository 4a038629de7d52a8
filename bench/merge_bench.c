/*
 * merge_bench DIR N FEEDS: a store of N entries over FEEDS feeds (made
 * through store.h), then the time to render all N as Atom, RSS and JSON
 * Feed (best of 5).  Writes the same entries as sfeed TSV files in
 * DIR/sfeed/ so bench-merge.sh can time sfeed_atom on them.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "merge.h"
#include "store.h"
#include "util.h"

static const char body[] = "<p>A paragraph of an article, long enough to "
    "look like the real thing: feeds carry a few hundred bytes to a few "
    "kilobytes of HTML per entry, with <a href=\"https://example.org/x\">"
    "links</a>, <em>emphasis</em> and &amp; entities.</p>";

static int
fill(struct store *st, const char *dir, int n, int feeds)
{
	struct feed_state	 fs;
	struct entry		 e;
	char			 name[32], id[96], title[96], path[512];
	FILE			*tsv;
	int			 f, i;

	for (f = 0; f < feeds; f++) {
		snprintf(name, sizeof name, "feed%d", f);
		snprintf(path, sizeof path, "%s/sfeed/%s", dir, name);
		memset(&fs, 0, sizeof fs);
		if ((tsv = fopen(path, "w")) == NULL ||
		    store_feed_get(st, name, &fs) != 1 || store_begin(st) == -1)
			return -1;
		for (i = f; i < n; i += feeds) {
			memset(&e, 0, sizeof e);
			snprintf(id, sizeof id, "https://f%d.example/p/%d", f, i);
			snprintf(title, sizeof title, "Entry %d of feed %d", i, f);
			e.id = e.link = id;
			e.title = title;
			e.author = "Some Author";
			e.content = body;
			e.published = 1600000000 + (int64_t)i * 60;
			e.updated = DATE_NONE;
			if (store_put_entry(st, &fs, KEY_AUTO, &e,
			    1700000000) == -1)
				return -1;
			fprintf(tsv, "%lld\t%s\t%s\t%s\thtml\t%s\t%s\t\t\n",
			    (long long)e.published, title, id, body, id,
			    e.author);
		}
		fclose(tsv);
		if (store_commit(st) == -1)
			return -1;
		feed_state_free(&fs);
	}
	return 0;
}

static int
count_entry(void *arg, const struct stored_entry *e)
{
	(*(int *)arg)++;
	return 0;
}

/* store_recent alone: the part of a render that is the store's. */
static void
time_walk(struct store *st)
{
	int64_t	 t, best = INT64_MAX;
	int	 r, n = 0;

	for (r = 0; r < 5; r++) {
		n = 0;
		t = fm_monotonic_ms();
		store_recent(st, count_entry, &n);
		if ((t = fm_monotonic_ms() - t) < best)
			best = t;
	}
	printf("(of which store_recent walking %d entries: %lld ms)\n", n,
	    (long long)best);
}

int
main(int argc, char **argv)
{
	static const char *fmts[] = { "atom", "rss", "json" };
	struct conf	*conf;
	struct store	*st;
	struct buf	 b = { NULL, 0, 0 };
	char		 path[512], err[512];
	FILE		*f;
	int		 n, feeds, fmt, r, i;
	int64_t		 t, best;

	if (argc != 4)
		return 2;
	n = atoi(argv[2]);
	feeds = atoi(argv[3]);
	snprintf(path, sizeof path, "%s/sfeed", argv[1]);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/feedmux.conf", argv[1]);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "[feedmux]\ndatabase = %s/bench.db\n[output]\n"
	    "entries = %d\nlink = https://planet.example.org/\n", argv[1], n);
	for (i = 0; i < feeds; i++)
		fprintf(f, "[feed \"feed%d\"]\nurl = https://f%d.example/feed\n",
		    i, i);
	fclose(f);
	if ((conf = conf_load(path, err, sizeof err)) == NULL ||
	    (st = store_open(conf->database, err, sizeof err)) == NULL ||
	    store_sync_feeds(st, conf, err, sizeof err) == -1) {
		fprintf(stderr, "merge_bench: %s\n", err);
		return 1;
	}
	if (fill(st, argv[1], n, feeds) == -1) {
		fprintf(stderr, "merge_bench: fill: %s\n", store_error(st));
		return 1;
	}
	for (fmt = MERGE_ATOM; fmt <= MERGE_JSON; fmt++) {
		best = INT64_MAX;
		for (r = 0; r < 5; r++) {
			t = fm_monotonic_ms();
			if (merge_render(st, conf, &conf->outputs[0], fmt, &b,
			    err, sizeof err) == -1) {
				fprintf(stderr, "merge_bench: %s\n", err);
				return 1;
			}
			if ((t = fm_monotonic_ms() - t) < best)
				best = t;
		}
		printf("feedmux %-4s %d entries from %d feeds: %lld ms, "
		    "%.1f MB\n", fmts[fmt], n, feeds, (long long)best,
		    b.len / 1e6);
	}
	time_walk(st);
	buf_free(&b);
	store_close(st);
	conf_free(conf);
	return 0;
}
