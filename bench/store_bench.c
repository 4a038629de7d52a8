/*
 * store_bench.c: ingest N new entries (1,000 feeds, one transaction per
 * feed, as a poll does), then the same entries again unchanged, and print
 * entries per second for each, wall and CPU.
 * Usage: store_bench [entries [feeds]]; the database is a new SQLite file,
 * or FEEDMUX_BENCH_DB (a postgresql:// URI: CPU then counts this process
 * only, not the server's).
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

/* One feed document's entries, made before the clock runs: the parser's
 * work is not the store's. */
struct item {
	char	 id[96], link[96], title[64], content[512];
};

static void
make_items(struct item *it, struct entry *e, int f, int per, int round)
{
	int	 i, j;

	for (j = 0; j < per; j++) {
		i = j + round * per;
		memset(&e[j], 0, sizeof(e[j]));
		snprintf(it[j].id, sizeof(it[j].id), "https://site%d.example/"
		    "posts/%d", f, i);
		snprintf(it[j].link, sizeof(it[j].link), "https://site%d."
		    "example/posts/%d?utm_source=rss", f, i);
		snprintf(it[j].title, sizeof(it[j].title), "Post %d of feed %d",
		    i, f);
		snprintf(it[j].content, sizeof(it[j].content), "<p>Entry %d of "
		    "feed %d. %s</p>", i, f, "Lorem ipsum dolor sit amet, "
		    "consectetur adipiscing elit, sed do eiusmod tempor "
		    "incididunt ut labore et dolore magna aliqua. Ut enim "
		    "ad minim veniam, quis nostrud exercitation ullamco "
		    "laboris nisi ut aliquip ex ea commodo consequat.");
		e[j].id = it[j].id;
		e[j].link = it[j].link;
		e[j].title = it[j].title;
		e[j].content = it[j].content;
		e[j].updated = DATE_NONE;
		/* As in steady state: what is new is recent. */
		e[j].published = 1600000000 + (int64_t)round * 10000000 +
		    (int64_t)f * per + j;
	}
}

/*
 * What a poll does per fetched feed: begin, put each entry, put the feed
 * state, commit.  Only that is timed (wall and CPU).
 */
static int
ingest(struct store *s, struct feed_state *fs, int nfeeds, int per,
    int round, int *nnew, double *wall, double *cpu)
{
	struct item	*it = xcalloc(per, sizeof(*it));
	struct entry	*e = xcalloc(per, sizeof(*e));
	double		 t, c;
	int		 f, i, r, ret = -1;

	*wall = *cpu = 0;
	for (f = 0; f < nfeeds; f++) {
		make_items(it, e, f, per, round);
		t = now_s();
		c = cpu_s();
		if (store_begin(s) == -1)
			goto out;
		for (i = 0; i < per; i++) {
			if ((r = store_put_entry(s, &fs[f], KEY_AUTO, &e[i],
			    1700000000)) == -1)
				goto out;
			*nnew += r == STORE_NEW;
		}
		if (store_put_feed(s, &fs[f]) == -1 || store_commit(s) == -1)
			goto out;
		*wall += now_s() - t;
		*cpu += cpu_s() - c;
	}
	/* Timed too: until the round's WAL is in the database file. */
	t = now_s();
	c = cpu_s();
	if (store_checkpoint(s) == -1)
		goto out;
	*wall += now_s() - t;
	*cpu += cpu_s() - c;
	ret = 0;
out:
	free(it);
	free(e);
	return ret;
}

int
main(int argc, char **argv)
{
	char		 dir[] = "/tmp/store_bench.XXXXXX", path[512], err[512];
	char		(*names)[16], (*urls)[48];
	struct conf	 conf;
	struct feed_state *fs;
	struct store	*s;
	int		 n = argc > 1 ? atoi(argv[1]) : 100000;
	int		 nfeeds = argc > 2 ? atoi(argv[2]) : 1000, per, f, nnew;
	double		 w1, c1, w2, c2, w3, c3;

	if (nfeeds < 1)
		nfeeds = 1;
	per = n / nfeeds > 0 ? n / nfeeds : 1;
	n = per * nfeeds;
	if (mkdtemp(dir) == NULL)
		return 1;
	if (getenv("FEEDMUX_BENCH_DB") != NULL)
		snprintf(path, sizeof(path), "%s", getenv("FEEDMUX_BENCH_DB"));
	else
		snprintf(path, sizeof(path), "%s/bench.sqlite", dir);
	names = xcalloc(nfeeds, sizeof(*names));
	urls = xcalloc(nfeeds, sizeof(*urls));
	memset(&conf, 0, sizeof(conf));
	conf.feeds = xcalloc(nfeeds, sizeof(*conf.feeds));
	conf.nfeeds = nfeeds;
	for (f = 0; f < nfeeds; f++) {
		snprintf(names[f], sizeof(names[f]), "feed%04d", f);
		snprintf(urls[f], sizeof(urls[f]), "http://127.0.0.1/%d", f);
		conf.feeds[f].name = names[f];
		conf.feeds[f].url = urls[f];
		conf.feeds[f].enabled = 1;
	}
	/* As the poller opens it: checkpoints on their own thread. */
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    store_checkpoint_thread(s, 0, err, sizeof(err)) == -1 ||
	    store_sync_feeds(s, &conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_bench: %s\n", err);
		return 1;
	}
	fs = xcalloc(nfeeds, sizeof(*fs));
	for (f = 0; f < nfeeds; f++)
		store_feed_get(s, names[f], &fs[f]);
	nnew = 0;
	if (ingest(s, fs, nfeeds, per, 0, &nnew, &w1, &c1) == -1)
		goto fail;
	if (nnew != n) {
		fprintf(stderr, "store_bench: %d new of %d\n", nnew, n);
		return 1;
	}
	nnew = 0;
	if (ingest(s, fs, nfeeds, per, 0, &nnew, &w2, &c2) == -1)
		goto fail;
	if (nnew != 0) {
		fprintf(stderr, "store_bench: %d new on re-ingest\n", nnew);
		return 1;
	}
	/* Steady state: new entries into feeds that have some already. */
	if (ingest(s, fs, nfeeds, per, 1, &nnew, &w3, &c3) == -1)
		goto fail;
	if (nnew != n) {
		fprintf(stderr, "store_bench: %d new of %d (round 2)\n", nnew,
		    n);
		return 1;
	}
	printf("store ingest, %d new entries, %d feeds, a transaction each:\n"
	    "  %8.0f entries/s wall, %8.0f per CPU second"
	    " (target >= 100000; no Debian peer)\n", n, nfeeds, n / w1, n / c1);
	printf("store re-ingest, the same %d entries unchanged:\n"
	    "  %8.0f entries/s wall, %8.0f per CPU second"
	    " (target >= 300000; no Debian peer)\n", n, n / w2, n / c2);
	printf("store ingest, %d more new entries into the same feeds:\n"
	    "  %8.0f entries/s wall, %8.0f per CPU second"
	    " (target >= 100000; no Debian peer)\n", n, n / w3, n / c3);
	for (f = 0; f < nfeeds; f++)
		feed_state_free(&fs[f]);
	free(fs);
	free(conf.feeds);
	free(names);
	free(urls);
	store_close(s);
	/* To look at the database afterwards (sqlite3_analyzer, dbstat). */
	if (getenv("STORE_BENCH_KEEP") != NULL) {
		printf("database kept: %s\n", path);
		return 0;
	}
	snprintf(err, sizeof(err), "rm -rf '%s'", dir);
	return system(err) != 0;
fail:
	fprintf(stderr, "store_bench: %s\n", store_error(s));
	return 1;
}
