/*
 * store_bench.c: ingest N new entries (1,000 feeds, one transaction per
 * feed, as a poll does), then the same entries again unchanged, and print
 * entries per second for each.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#include "conf.h"
#include "store.h"
#include "util.h"

#define NFEEDS	1000

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU seconds used so far: on a shared machine, wall time also measures
 * the neighbours. */
static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int
ingest(struct store *s, struct feed_state *fs, int per, int *nnew)
{
	char		 id[96], link[96], title[64], content[512];
	struct entry	 e;
	int		 f, i, r;

	memset(&e, 0, sizeof(e));
	e.id = id;
	e.link = link;
	e.title = title;
	e.content = content;
	e.updated = DATE_NONE;
	for (f = 0; f < NFEEDS; f++) {
		if (store_begin(s) == -1)
			return -1;
		for (i = 0; i < per; i++) {
			snprintf(id, sizeof(id), "https://site%d.example/"
			    "posts/%d", f, i);
			snprintf(link, sizeof(link), "https://site%d.example/"
			    "posts/%d?utm_source=rss", f, i);
			snprintf(title, sizeof(title), "Post %d of feed %d", i, f);
			snprintf(content, sizeof(content), "<p>Entry %d of feed "
			    "%d. %s</p>", i, f, "Lorem ipsum dolor sit amet, "
			    "consectetur adipiscing elit, sed do eiusmod tempor "
			    "incididunt ut labore et dolore magna aliqua. Ut enim "
			    "ad minim veniam, quis nostrud exercitation ullamco "
			    "laboris nisi ut aliquip ex ea commodo consequat.");
			/* As in steady state: what is new is recent. */
			e.published = 1600000000 + (int64_t)f * per + i;
			if ((r = store_put_entry(s, &fs[f], KEY_AUTO, &e,
			    1700000000)) == -1)
				return -1;
			*nnew += r == STORE_NEW;
		}
		if (store_put_feed(s, &fs[f]) == -1 || store_commit(s) == -1)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char		 dir[] = "/tmp/store_bench.XXXXXX", path[128], err[512];
	char		 names[NFEEDS][16], urls[NFEEDS][48];
	struct conf	 conf;
	struct feed_state *fs;
	struct store	*s;
	int		 n = argc > 1 ? atoi(argv[1]) : 100000, per, f, nnew;
	double		 t0, t1, t2, c0, c1, c2;

	per = n / NFEEDS > 0 ? n / NFEEDS : 1;
	n = per * NFEEDS;
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/bench.sqlite", dir);
	memset(&conf, 0, sizeof(conf));
	conf.feeds = xcalloc(NFEEDS, sizeof(*conf.feeds));
	conf.nfeeds = NFEEDS;
	for (f = 0; f < NFEEDS; f++) {
		snprintf(names[f], sizeof(names[f]), "feed%04d", f);
		snprintf(urls[f], sizeof(urls[f]), "http://127.0.0.1/%d", f);
		conf.feeds[f].name = names[f];
		conf.feeds[f].url = urls[f];
		conf.feeds[f].enabled = 1;
	}
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    store_sync_feeds(s, &conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_bench: %s\n", err);
		return 1;
	}
	fs = xcalloc(NFEEDS, sizeof(*fs));
	for (f = 0; f < NFEEDS; f++)
		store_feed_get(s, names[f], &fs[f]);
	nnew = 0;
	t0 = now_s();
	c0 = cpu_s();
	if (ingest(s, fs, per, &nnew) == -1)
		goto fail;
	t1 = now_s();
	c1 = cpu_s();
	if (nnew != n) {
		fprintf(stderr, "store_bench: %d new of %d\n", nnew, n);
		return 1;
	}
	nnew = 0;
	if (ingest(s, fs, per, &nnew) == -1)
		goto fail;
	t2 = now_s();
	c2 = cpu_s();
	if (nnew != 0) {
		fprintf(stderr, "store_bench: %d new on re-ingest\n", nnew);
		return 1;
	}
	printf("store ingest, %d new entries (%d feeds): %8.0f entries/s wall,"
	    " %8.0f per CPU second (target >= 100000; no Debian peer)\n", n,
	    NFEEDS, n / (t1 - t0), n / (c1 - c0));
	printf("store re-ingest, %d unchanged entries: %8.0f entries/s wall,"
	    " %8.0f per CPU second (target >= 300000; no Debian peer)\n", n,
	    n / (t2 - t1), n / (c2 - c1));
	for (f = 0; f < NFEEDS; f++)
		feed_state_free(&fs[f]);
	free(fs);
	free(conf.feeds);
	store_close(s);
	snprintf(err, sizeof(err), "rm -rf '%s'", dir);
	return system(err) != 0;
fail:
	fprintf(stderr, "store_bench: %s\n", store_error(s));
	return 1;
}
