/*
 * test_feed.c: the facts of a fetch applied to a feed (feed.h), on a real
 * SQLite file, without the network: what the state becomes and what the
 * store holds afterwards.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "dbq.h"
#include "feed.h"
#include "fetch.h"
#include "store.h"
#include "tap.h"
#include "util.h"

#define NOW	INT64_C(1700000000)

static char	 dir[] = "/tmp/test_feed.XXXXXX";
static char	*path;

static int64_t
nentries(void)
{
	return db_int(path, "SELECT count(*) FROM entries");
}

/* The feed's row as stored, read back through the store. */
static struct feed_state
stored(struct store *s)
{
	struct feed_state fs;

	if (store_feed_get(s, "a", &fs) != 1) {
		printf("Bail out! feed a not stored\n");
		exit(1);
	}
	return fs;
}

static struct fetch_entry *
mkentry(const char *id, const char *title, struct fetch_entry *next)
{
	struct fetch_entry *c = xcalloc(1, sizeof(*c));

	c->next = next;
	c->e.id = id;
	c->e.title = title;
	c->e.link = "http://127.0.0.1/post";
	c->e.published = NOW - 60;
	c->e.updated = DATE_NONE;
	return c;
}

static void
test_ok(struct feed *fd, struct store *s, const struct conf *c)
{
	struct fetch_result res;
	struct feed_update u;
	struct feed_meta meta;
	struct fetch_entry *e;
	struct feed_state fs;

	memset(&meta, 0, sizeof(meta));
	meta.title = "Blog A";
	meta.ttl = 120;
	e = mkentry("1", "one", mkentry("2", "two", NULL));
	memset(&res, 0, sizeof(res));
	res.outcome = SCHED_OK;
	res.status = 200;
	res.etag = "W/\"v1\"";
	res.last_modified = "Tue, 14 Nov 2023 22:13:20 GMT";
	res.url = "http://127.0.0.1/a";
	res.meta = &meta;
	res.entries = e;
	feed_apply(fd, s, c, &res, NOW, &u);
	is_int(u.entries_new, 2, "200: both entries new");
	is_str(u.error, "", "no error");
	is_int(nentries(), 2, "and stored");
	fs = stored(s);
	is_str(fs.etag, "W/\"v1\"", "validators stored with them");
	is_int(fs.last_success, NOW, "success time stored");
	is_int(fs.ttl, 120, "the feed's hints taken");
	ok(fs.next_poll > NOW, "next poll planned");
	is_str(fs.title, "Blog A", "its title stored");
	feed_state_free(&fs);

	feed_apply(fd, s, c, &res, NOW + 1, &u);
	ok(u.entries_new == 0 && u.entries_changed == 0, "same document: "
	    "nothing new");

	/* A 304 may omit the validators: the old ones stay. */
	memset(&res, 0, sizeof(res));
	res.outcome = SCHED_OK;
	res.status = 304;
	res.not_modified = 1;
	feed_apply(fd, s, c, &res, NOW + 2, &u);
	fs = stored(s);
	ok(fs.etag != NULL && strcmp(fs.etag, "W/\"v1\"") == 0 &&
	    fs.last_modified != NULL, "304 without validators keeps them");
	is_int(fs.last_status, 304, "status 304 stored");
	feed_state_free(&fs);

	/* A 200 without validators clears them. */
	res.status = 200;
	res.not_modified = 0;
	res.malformed = 1;
	feed_apply(fd, s, c, &res, NOW + 3, &u);
	fs = stored(s);
	ok(fs.etag == NULL && fs.last_modified == NULL,
	    "200 without validators clears them");
	ok(fs.malformed && fd->st.malformed, "malformed noted");
	feed_state_free(&fs);
	free(e->next);
	free(e);
}

static void
test_moves(struct feed *fd, struct store *s, const struct conf *c)
{
	struct fetch_result res;
	struct feed_update u;
	struct feed_state fs;

	memset(&res, 0, sizeof(res));
	res.outcome = SCHED_OK;
	res.status = 200;
	res.url = "http://127.0.0.2/moved";
	feed_apply(fd, s, c, &res, NOW + 10, &u);
	ok(fd->st.url == NULL || strcmp(fd->st.url, res.url) != 0,
	    "a temporary redirect does not move the feed");
	res.moved = 1;
	feed_apply(fd, s, c, &res, NOW + 11, &u);
	fs = stored(s);
	is_str(fs.url, "http://127.0.0.2/moved", "a permanent one does");
	is_str(fd->host, "127.0.0.2", "and its host key follows");
	feed_state_free(&fs);
}

static void
test_failures(struct feed *fd, struct store *s, const struct conf *c)
{
	struct fetch_result res;
	struct feed_update u;
	struct feed_state fs;
	int64_t		 n = nentries();

	memset(&res, 0, sizeof(res));
	res.outcome = SCHED_ERROR;
	res.status = 500;
	snprintf(res.error, sizeof(res.error), "a: http://127.0.0.2/moved: "
	    "HTTP 500");
	feed_apply(fd, s, c, &res, NOW + 20, &u);
	feed_apply(fd, s, c, &res, NOW + 21, &u);
	is_str(u.error, res.error, "the fetch's error reported");
	fs = stored(s);
	is_int(fs.failures, 2, "failures counted");
	is_int(fs.failing_since, NOW + 20, "since the first");
	is_str(fs.last_error, res.error, "error stored");
	is_str(fs.next_reason, "backoff", "backing off");
	is_int(fs.last_success, NOW + 11, "last success kept");
	feed_state_free(&fs);
	is_int(nentries(), n, "no entries touched");

	res.outcome = SCHED_GONE;
	res.status = 410;
	feed_apply(fd, s, c, &res, NOW + 22, &u);
	fs = stored(s);
	ok(fs.gone, "410 retires the feed");
	feed_state_free(&fs);

	memset(&res, 0, sizeof(res));
	res.outcome = SCHED_OK;
	res.status = 200;
	feed_apply(fd, s, c, &res, NOW + 30, &u);
	fs = stored(s);
	ok(fs.failures == 0 && fs.failing_since == 0 && !fs.gone &&
	    fs.last_error == NULL, "a success clears failures");
	feed_state_free(&fs);
}

/* A store error part way: neither the entries nor the validators stay. */
static void
test_one_transaction(struct feed *fd, struct store *s, const struct conf *c)
{
	struct fetch_result res;
	struct feed_update u;
	struct feed_state fs;
	struct fetch_entry *e = mkentry("3", "three", NULL);
	int64_t		 n = nentries();

	db_int(path, "CREATE TRIGGER no_feed_updates BEFORE UPDATE ON feeds "
	    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
	memset(&res, 0, sizeof(res));
	res.outcome = SCHED_OK;
	res.status = 200;
	res.etag = "\"v2\"";
	res.entries = e;
	feed_apply(fd, s, c, &res, NOW + 40, &u);
	db_int(path, "DROP TRIGGER no_feed_updates");
	ok(strstr(u.error, "a: http://127.0.0.2/moved: store: ") == u.error,
	    "a store error is the feed's error");
	is_int(u.entries_new, 0, "nothing counted as new");
	is_int(nentries(), n, "the entry was rolled back");
	fs = stored(s);
	ok(fs.etag == NULL, "and so were the validators");
	feed_state_free(&fs);
	is_int(fd->st.failures, 1, "counted as a failure");
	free(e);
}

/*
 * Entries refused, the failure recorded: the validators recorded with it
 * are the old ones, or the next poll's 304 would hide the lost entries.
 */
static void
test_entries_refused(struct feed *fd, struct store *s, const struct conf *c)
{
	struct fetch_result res;
	struct feed_update u;
	struct feed_state fs;
	struct fetch_entry *e = mkentry("4", "four", NULL);

	db_int(path, "CREATE TRIGGER no_entries BEFORE INSERT ON entries "
	    "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
	memset(&res, 0, sizeof(res));
	res.outcome = SCHED_OK;
	res.status = 200;
	res.etag = "\"v3\"";
	res.last_modified = "Wed, 15 Nov 2023 00:00:00 GMT";
	res.entries = e;
	feed_apply(fd, s, c, &res, NOW + 50, &u);
	db_int(path, "DROP TRIGGER no_entries");
	fs = stored(s);
	is_int(fs.failures, 1, "the failure recorded");
	ok(fs.etag == NULL && fs.last_modified == NULL,
	    "without the validators of the entries refused");
	ok(fd->st.etag == NULL && fd->st.last_modified == NULL,
	    "in memory too");
	feed_state_free(&fs);
	free(e);
}

static void
test_postpone(struct feed *fd, struct store *s)
{
	struct feed_state fs;

	feed_postpone(fd, s, NOW + 3600);
	fs = stored(s);
	is_int(fs.next_poll, NOW + 3600, "postponed until the host's time");
	is_str(fs.next_reason, "retry-after (host)", "and says why");
	feed_state_free(&fs);
}

static void
cleanup(void)
{
	static const char *sfx[] = { "", "-wal", "-shm", ".lock" };
	char		*p;
	size_t		 i;

	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		xasprintf(&p, "%s%s", path, sfx[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
	free(path);
}

int
main(void)
{
	struct conf	 c;
	struct feed_conf fc;
	struct feed	 fd;
	struct store	*s;
	char		 err[512];

	if (mkdtemp(dir) == NULL)
		return 1;
	xasprintf(&path, "%s/db.sqlite", dir);
	memset(&c, 0, sizeof(c));
	memset(&fc, 0, sizeof(fc));
	memset(&fd, 0, sizeof(fd));
	fc.name = "a";
	fc.url = "http://127.0.0.1/a";
	fc.enabled = 1;
	fc.opts.interval = 3600;
	c.feeds = &fc;
	c.nfeeds = 1;
	if ((s = store_open(path, err, sizeof(err))) == NULL ||
	    store_sync_feeds(s, &c, err, sizeof(err)) == -1) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	ok(feed_load(&fd, &fc, s, err, sizeof(err)) == 0, "feed loaded");
	is_str(fd.host, "127.0.0.1", "its host key");
	test_ok(&fd, s, &c);
	test_moves(&fd, s, &c);
	test_failures(&fd, s, &c);
	test_one_transaction(&fd, s, &c);
	test_entries_refused(&fd, s, &c);
	test_postpone(&fd, s);
	feed_free(&fd);
	store_close(s);
	cleanup();
	return done_testing();
}
