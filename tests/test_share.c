/*
 * test_share.c: several daemons on one database, as the store sees them:
 * leases (one holder at a time, per-host limits across holders, expiry,
 * release), claims, the render lock and the stored renderings.  Two
 * store handles stand for two daemons.  With a PostgreSQL URI in
 * FEEDMUX_TEST_PG (tests/t-share-pg.sh) on a private cluster; without
 * one, a SQLite file, which is never shared and grants everything.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "dbq.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define NOW	INT64_C(1700000000)
#define LEASE	300

/* Feeds a1..a4 on a.example, b1..b2 on b.example, c1 on c.example. */
static const char *names[] = { "a1", "a2", "a3", "a4", "b1", "b2", "c1" };
static const char *urls[] = {
	"http://a.example/1", "http://www.a.example/2", "https://a.example/3",
	"http://feeds.a.example/4", "http://b.example/1", "http://b.example/2",
	"http://c.example/1"
};
#define NFEEDS	(sizeof(names) / sizeof(names[0]))

static struct conf *
mkconf(void)
{
	struct conf	*c = xcalloc(1, sizeof(*c));
	size_t		 i;

	c->feeds = xcalloc(NFEEDS, sizeof(*c->feeds));
	for (i = 0; i < NFEEDS; i++) {
		c->feeds[i].name = (char *)names[i];
		c->feeds[i].url = (char *)urls[i];
		c->feeds[i].enabled = 1;
	}
	c->nfeeds = NFEEDS;
	return c;
}

static struct store *
open_synced(const char *path)
{
	struct conf	*c = mkconf();
	char		 err[512];
	struct store	*s = store_open(path, err, sizeof(err));

	if (s == NULL || store_sync_feeds(s, c, err, sizeof(err)) == -1) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	free(c->feeds);
	free(c);
	return s;
}

/* The names a lease gave, sorted, space-separated. */
struct got {
	char	 names[NFEEDS][8];
	size_t	 n;
};

static int
got_one(void *arg, struct feed_state *fs)
{
	struct got	*g = arg;

	if (g->n < NFEEDS && fs->url != NULL && fs->lease_owner != NULL)
		snprintf(g->names[g->n++], sizeof(g->names[0]), "%s",
		    fs->name);
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

static const char *
lease(struct store *s, int64_t now, int n, int per_host, int64_t secs)
{
	static char	 out[128];
	struct got	 g;
	size_t		 i;
	int		 rc;

	memset(&g, 0, sizeof(g));
	rc = store_lease(s, now, n, per_host, secs, got_one, &g);
	if (rc == -1)
		return store_error(s);
	qsort(g.names, g.n, sizeof(g.names[0]), cmp_name);
	out[0] = '\0';
	for (i = 0; i < g.n; i++)
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
		    i ? " " : "", g.names[i]);
	if ((size_t)rc != g.n)
		return "count differs from the names";
	return out;
}

/* The feed's state after a poll: due again in an hour. */
static int
polled(struct store *s, const char *name, int64_t now)
{
	struct feed_state fs;
	int		 rc;

	if (store_feed_get(s, name, &fs) != 1)
		return -1;
	fs.last_poll = now;
	fs.next_poll = now + 3600;
	rc = store_begin(s) == -1 || store_put_feed(s, &fs) == -1 ||
	    store_commit(s) == -1 ? -1 : 0;
	feed_state_free(&fs);
	return rc;
}

static void
test_leases(const char *path)
{
	struct store	*a = open_synced(path), *b = open_synced(path);

	ok(store_shared(a) && store_shared(b), "a server's database is shared");
	/* a.example has four feeds; two at once across both daemons. */
	is_str(lease(a, NOW, 10, 2, LEASE), "a1 a2 b1 b2 c1",
	    "per_host 2: two of a.example's four, every other host's");
	is_str(lease(b, NOW, 10, 2, LEASE), "",
	    "the other daemon gets nothing: a.example is at its limit");
	is_int(db_int(path, "SELECT count(*) FROM feeds WHERE lease_until > 0"),
	    5, "five leases in the database");
	ok(polled(a, "a1", NOW + 5) == 0, "a1 polled: its lease ends");
	is_str(lease(b, NOW + 5, 10, 2, LEASE), "a3",
	    "now the other daemon gets one more of a.example");
	is_str(lease(a, NOW + 5, 10, 0, LEASE), "a4",
	    "per_host 0: no limit; a1 is not due, the rest are leased");
	is_str(lease(b, NOW + LEASE + 1, 1, 0, LEASE), "a2",
	    "an expired lease returns to the pool, oldest due first");
	ok(store_unlease(b, NULL) == 0, "a daemon gives its leases back");
	is_str(lease(a, NOW + LEASE + 2, 10, 0, LEASE), "a2 a3 b1 b2 c1",
	    "another takes them, and its own that ran out (not a4)");
	ok(store_unlease(a, "a2") == 0, "one lease given back");
	is_int(db_int(path, "SELECT count(*) FROM feeds WHERE name = 'a2'"
	    " AND lease_until = 0"), 1, "by name");
	ok(store_unlease(a, NULL) == 0, "the first gives its leases back");
	ok(store_host_block(b, "a.example", NOW + LEASE + 100) == 0,
	    "a.example asks one daemon to wait (Retry-After)");
	is_str(lease(a, NOW + LEASE + 3, 10, 0, LEASE), "b1 b2 c1",
	    "no daemon leases its feeds meanwhile");
	ok(store_host_block(a, "a.example", NOW + LEASE + 50) == 0,
	    "a shorter wait does not shorten it");
	ok(store_unlease(a, NULL) == 0, "leases given back");
	is_str(lease(a, NOW + LEASE + 60, 10, 0, LEASE), "b1 b2 c1",
	    "still blocked after the shorter one");
	ok(store_unlease(a, NULL) == 0, "leases given back");
	is_str(lease(a, NOW + LEASE + 101, 10, 0, LEASE), "a2 a3 a4 b1 b2 c1",
	    "once the wait is over, its due feeds are leased again");
	ok(store_due_all(a) == 0, "every feed due now");
	is_int(db_int(path, "SELECT next_poll FROM feeds WHERE name = 'a1'"),
	    0, "including one polled");
	store_close(a);
	store_close(b);
}

static void
test_hosts_after_move(const char *path)
{
	struct store		*a = open_synced(path);
	struct feed_state	 fs;

	ok(store_feed_get(a, "c1", &fs) == 1, "c1 loaded");
	free(fs.url);
	fs.url = xstrdup("https://d.example/moved");
	ok(store_begin(a) == 0 && store_put_feed(a, &fs) == 0 &&
	    store_commit(a) == 0, "c1 moved (301) to d.example");
	feed_state_free(&fs);
	is_int(db_int(path, "SELECT count(*) FROM feeds WHERE name = 'c1'"
	    " AND host = 'd.example'"), 1, "its host is the new URL's");
	store_close(a);
}

/* Each daemon's copy of the config: additions by any, removals by any. */
static void
test_configs(const char *path)
{
	struct store	*a = open_synced(path);
	struct conf	*c = mkconf();
	char		 err[512];

	c->nfeeds = NFEEDS - 1;		/* c1 left out of this copy */
	ok(store_sync_feeds(a, c, err, sizeof(err)) == 0,
	    "a daemon whose config lacks c1 syncs");
	is_int(db_int(path, "SELECT enabled FROM feeds WHERE name = 'c1'"), 0,
	    "c1 is disabled for all");
	ok(store_due_all(a) == 0, "every feed due");
	is_str(lease(a, NOW + 9999, 10, 0, LEASE), "a1 a2 a3 a4 b1 b2",
	    "and c1 is leased to no one");
	ok(store_unlease(a, NULL) == 0, "leases given back");
	c->nfeeds = NFEEDS;
	ok(store_sync_feeds(a, c, err, sizeof(err)) == 0,
	    "a daemon whose config names c1 syncs");
	is_str(lease(a, NOW + 9999, 10, 0, LEASE), "a1 a2 a3 a4 b1 b2 c1",
	    "c1 is polled again");
	free(c->feeds);
	free(c);
	store_close(a);
}

static void
test_claims(const char *path)
{
	struct store	*a = open_synced(path), *b = open_synced(path);

	is_int(store_claim(a, "digest x", NOW, 60), 1, "a claims the digest");
	is_int(store_claim(b, "digest x", NOW + 1, 60), 0,
	    "b cannot while a holds it");
	is_int(store_claim(b, "hook y", NOW + 1, 60), 1,
	    "another job is b's to claim");
	is_int(store_claim(a, "digest x", NOW + 30, 60), 1, "a renews it");
	is_int(store_claim(b, "digest x", NOW + 61, 60), 0,
	    "still a's after the first term: renewed");
	is_int(store_claim(b, "digest x", NOW + 91, 60), 1,
	    "b's once a's claim runs out");
	ok(store_unclaim(a, "digest x") == 0, "a's unclaim of b's claim");
	is_int(store_claim(a, "digest x", NOW + 92, 60), 0,
	    "leaves it b's");
	ok(store_unclaim(b, "digest x") == 0, "b gives it back");
	is_int(store_claim(a, "digest x", NOW + 93, 60), 1, "a's again");
	store_close(a);
	store_close(b);
}

static void
test_render(const char *path)
{
	struct store	*a = open_synced(path), *b = open_synced(path);
	struct buf	 body = { NULL, 0, 0 };
	int64_t		 gen = -1, mtime = 0;
	int		 i;

	is_int(store_render_lock(a), 1, "the first daemon renders");
	is_int(store_render_lock(a), 1, "and keeps it");
	is_int(store_render_lock(b), 0, "the second does not");
	is_int(store_rendering_get(b, ".atom", &gen, &mtime, &body), 0,
	    "nothing published yet");
	ok(store_rendering_put(a, ".atom", 7, NOW, "<feed/>", 7) == 0,
	    "a publishes generation 7");
	is_int(store_rendering_get(b, ".atom", &gen, &mtime, &body), 1,
	    "b reads it");
	ok(gen == 7 && mtime == NOW && body.len == 7 &&
	    memcmp(body.s, "<feed/>", 7) == 0, "bytes, generation and date");
	is_int(store_rendering_get(b, ".atom", &gen, &mtime, &body), 0,
	    "nothing newer than what b has");
	ok(store_rendering_put(a, ".atom", 8, NOW + 60, "<feed/>", 7) == 0,
	    "the same bytes at generation 8");
	is_int(store_rendering_get(b, ".atom", &gen, &mtime, &body), 1,
	    "a newer generation");
	ok(gen == 8 && mtime == NOW, "keeps the date the bytes first had");
	store_close(a);
	/* The server ends the closed session's backend on its own time. */
	for (i = 0; i < 100 && store_render_lock(b) == 0; i++)
		usleep(50000);
	is_int(store_render_lock(b), 1,
	    "the renderer gone, the next daemon that asks renders");
	buf_free(&body);
	store_close(b);
}

/* A file: one daemon, which is never refused anything. */
static void
test_file(void)
{
	char		 dir[] = "/tmp/test_share.XXXXXX", *path;
	struct store	*s;
	struct buf	 body = { NULL, 0, 0 };
	int64_t		 gen = -1, mtime = 0;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		exit(1);
	}
	xasprintf(&path, "%s/db.sqlite", dir);
	s = open_synced(path);
	ok(!store_shared(s), "a file is not shared");
	ok(store_lease(s, NOW, 1, 0, LEASE, got_one, NULL) == -1,
	    "leasing from it is an error");
	is_int(store_claim(s, "digest", NOW, 60), 1, "claims are granted");
	is_int(store_claim(s, "digest", NOW, 60), 1, "every time");
	is_int(store_render_lock(s), 1, "its daemon renders");
	is_int(store_rendering_get(s, ".atom", &gen, &mtime, &body), 0,
	    "renderings are not stored");
	store_close(s);
	free(path);
	rm_tree(dir);
}

int
main(int argc, char **argv)
{
	const char	*pg = argc > 1 ? argv[1] : getenv("FEEDMUX_TEST_PG");

	test_file();
	if (pg != NULL && *pg != '\0') {
		printf("# backend: postgresql (%s)\n", pg);
		test_leases(pg);
		test_hosts_after_move(pg);
		test_configs(pg);
		test_claims(pg);
		test_render(pg);
	}
	return done_testing();
}
