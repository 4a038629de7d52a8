/*
 * store_year.c: a year of polls, on the store's own calls, with the clock
 * simulated.  Shows that the database of many feeds polled for a year
 * stays bounded: retention (keep = 90d, keep_max = 500, the defaults)
 * runs in each poll's transaction as fetch.c does it, the daily pass
 * (store_prune_all) covers a feed dropped from the config, tombstones
 * expire, and incremental vacuum gives freed pages back.
 *
 *   store_year [-t] FEEDS DAYS
 *
 * Feed f publishes 1 + f % 10 entries a day; its document holds its newest
 * 20, and it is polled once a day.  So some feeds are bounded by keep
 * (90 days of entries), the busier ones by keep_max.  Feed 0 is dropped
 * from the config on day 100.  Prints the size of the database every
 * 30 days; with -t, also TAP assertions on the plateau (t-store-year.sh).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "conf.h"
#include "dbq.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define DAY	INT64_C(86400)
#define T0	INT64_C(1700000000)
#define WINDOW	20
#define DROPPED	100		/* the day feed 0 leaves the config */

static int	 tap;

struct sample {
	int	 day;
	int64_t	 entries, tombs, bytes, feed0;
};

static void
measure(const char *path, int day, struct sample *sm)
{
	sm->day = day;
	sm->entries = db_int(path, "SELECT count(*) FROM entries");
	sm->tombs = db_int(path, "SELECT count(*) FROM tombstones");
	sm->bytes = db_int(path, "SELECT page_count * page_size"
	    " FROM pragma_page_count, pragma_page_size");
	sm->feed0 = db_int(path, "SELECT count(*) FROM entries e JOIN feeds f"
	    " ON f.id = e.feed WHERE f.name = 'f0000'");
}

/* One day's poll of feed f: its newest WINDOW entries, as fetch.c stores
 * them (entries, feed state, retention, one transaction). */
static int
poll1(struct store *s, const struct feed_conf *fc, int f, int day)
{
	struct feed_state fs;
	struct entry	 e;
	char		 id[64], link[80], title[64], body[600];
	int64_t		 now = T0 + (int64_t)day * DAY, n, i;
	int		 rate = 1 + f % 10, ret = -1;

	if (store_feed_get(s, fc[f].name, &fs) != 1)
		return -1;
	n = (int64_t)(day + 1) * rate;		/* published so far */
	if (store_begin(s) == -1)
		goto out;
	for (i = n - 1; i >= 0 && i >= n - WINDOW; i--) {
		memset(&e, 0, sizeof(e));
		snprintf(id, sizeof(id), "tag:site%d.example,2026:%lld", f,
		    (long long)i);
		snprintf(link, sizeof(link), "https://site%d.example/%lld"
		    "?utm_medium=feed", f, (long long)i);
		snprintf(title, sizeof(title), "Post %lld", (long long)i);
		snprintf(body, sizeof(body), "<p>Post %lld of site %d: %s</p>",
		    (long long)i, f, "The regional policy brief on water, "
		    "transport and the \u201cnew\u201d housing plan, with the "
		    "figures of the last quarter and what the council said of "
		    "them. Read More");
		e.id = id;
		e.link = link;
		e.title = title;
		e.content = body;
		e.published = T0 + i * DAY / rate;
		e.updated = DATE_NONE;
		if (store_put_entry(s, &fs, KEY_AUTO, &e, now) == -1)
			goto out;
	}
	fs.last_poll = fs.last_success = now;
	if (store_put_feed(s, &fs) == -1 ||
	    store_prune(s, &fs, &fc[f].opts, now) == -1 ||
	    store_commit(s) == -1)
		goto out;
	ret = 0;
out:
	if (ret == -1)
		store_rollback(s);
	feed_state_free(&fs);
	return ret;
}

int
main(int argc, char **argv)
{
	char		 dir[] = "/tmp/store_year.XXXXXX", path[128], cmd[160];
	char		 err[512];
	char		(*names)[16];
	struct conf	 c;
	struct feed_conf *all;
	struct store	*s;
	struct sample	*sm;
	int		 nfeeds, days, f, d, ns = 0, npolls = 0, h270 = -1;
	time_t		 t;

	if (argc > 1 && strcmp(argv[1], "-t") == 0) {
		tap = 1;
		argc--;
		argv++;
	}
	if (argc != 3 || (nfeeds = atoi(argv[1])) < 2 ||
	    (days = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: store_year [-t] feeds days\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/year.sqlite", dir);
	names = xcalloc(nfeeds, sizeof(*names));
	memset(&c, 0, sizeof(c));
	c.defaults.keep = 90 * DAY;
	c.defaults.keep_max = 500;
	c.feeds = all = xcalloc(nfeeds, sizeof(*c.feeds));
	c.nfeeds = nfeeds;
	for (f = 0; f < nfeeds; f++) {
		snprintf(names[f], sizeof(names[f]), "f%04d", f);
		c.feeds[f].name = names[f];
		c.feeds[f].url = "http://127.0.0.1/feed";
		c.feeds[f].enabled = 1;
		c.feeds[f].opts = c.defaults;
	}
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    store_sync_feeds(s, &c, err, sizeof(err)) == -1) {
		fprintf(stderr, "store_year: %s\n", err);
		return 1;
	}
	sm = xcalloc(days / 30 + 2, sizeof(*sm));
	t = time(NULL);
	if (!tap)
		printf("%5s %10s %10s %12s  (%d feeds, a poll a day)\n", "day",
		    "entries", "tombstones", "bytes", nfeeds);
	for (d = 0; d < days; d++) {
		if (d == DROPPED) {
			/* Dropped from the config: no more polls. */
			c.feeds++;
			c.nfeeds--;
			if (store_sync_feeds(s, &c, err, sizeof(err)) == -1)
				goto fail;
		}
		for (f = d >= DROPPED ? 1 : 0; f < nfeeds; f++, npolls++)
			if (poll1(s, all, f, d) == -1)
				goto fail;
		if (store_prune_all(s, &c, T0 + (int64_t)d * DAY + DAY / 2) ==
		    -1)
			goto fail;
		if ((d + 1) % 30 == 0 || d + 1 == days) {
			measure(path, d + 1, &sm[ns]);
			if (!tap)
				printf("%5d %10lld %10lld %12lld\n", d + 1,
				    (long long)sm[ns].entries,
				    (long long)sm[ns].tombs,
				    (long long)sm[ns].bytes);
			if (d + 1 == 270)
				h270 = ns;
			ns++;
		}
	}
	if (!tap)
		printf("%d polls in %lld s\n", npolls,
		    (long long)(time(NULL) - t));
	store_close(s);
	if (tap) {
		struct sample *end = &sm[ns - 1];
		int64_t	 cap = 0;

		/* What retention allows: per feed, 90 days of entries (a
		 * day's poll may hold up to a day of entries not yet 90 days
		 * old) or keep_max, whichever is less. */
		for (f = 1; f < nfeeds; f++) {
			int64_t k = 91 * (1 + f % 10);

			cap += k < 500 ? k : 500;
		}
		ok(days >= 365 && h270 >= 0, "ran a year");
		ok(end->entries <= cap, "entries bounded by keep and keep_max"
		    " (%lld <= %lld)", (long long)end->entries,
		    (long long)cap);
		ok(end->entries == sm[h270].entries, "entries the same on day "
		    "270 and %d (%lld)", end->day, (long long)end->entries);
		is_int(end->feed0, 0, "the dropped feed emptied by the daily "
		    "pass");
		ok(end->tombs <= sm[h270].tombs, "tombstones expire: no more "
		    "on day %d than on day 270 (%lld, %lld)", end->day,
		    (long long)end->tombs, (long long)sm[h270].tombs);
		/* B-tree pages settle to their fill factor for a while
		 * longer (+6% by day 630, then flat); a year's growth
		 * without retention would be over a third. */
		ok(end->bytes * 100 <= sm[h270].bytes * 110,
		    "file size bounded after day 270 (%lld, %lld bytes)",
		    (long long)sm[h270].bytes, (long long)end->bytes);
		is_int(db_int(path, "PRAGMA freelist_count"), 0,
		    "freed pages given back");
		ok(db_int(path, "SELECT count(*) FROM pragma_integrity_check"
		    " WHERE integrity_check = 'ok'") == 1, "integrity_check");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	free(sm);
	free(names);
	free(all);
	return tap ? done_testing() : 0;
fail:
	fprintf(stderr, "store_year: day %d: %s\n", d, store_error(s));
	return 1;
}
