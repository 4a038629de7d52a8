/*
 * digest_fill: put entries and feed failures into a store for the digest
 * shell tests, the way a poll would, with now from FEEDMUX_NOW.
 *   digest_fill CONF entry FEED ID TITLE [HTML]
 *   digest_fill CONF fail FEED ERROR
 *   digest_fill CONF last [NAME]  the newest digest: "sent attempts error"
 *   digest_fill CONF status    digest_status, text then JSON
 *   digest_fill CONF sched     the daemon's digest timer: what is due now,
 *                              delivered on the event loop
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "conf.h"
#include "digest.h"
#include "store.h"
#include "util.h"

static int
put_entry(struct store *st, const char *feed, char **argv, int argc)
{
	struct feed_state fs;
	struct entry e;
	char *link;
	int rc = 0;

	memset(&e, 0, sizeof(e));
	xasprintf(&link, "https://%s.example/%s", feed, argv[0]);
	e.id = argv[0];
	e.title = argv[1];
	e.link = link;
	e.content = argc > 2 ? argv[2] : NULL;
	e.published = fm_now() - 3600;
	e.updated = DATE_NONE;
	if (store_feed_get(st, feed, &fs) != 1 || store_begin(st) == -1 ||
	    store_put_entry(st, &fs, KEY_AUTO, &e, fm_now()) == -1 ||
	    store_commit(st) == -1)
		rc = -1;
	feed_state_free(&fs);
	free(link);
	return rc;
}

static int
put_failure(struct store *st, const char *feed, const char *error)
{
	struct feed_state fs;
	int rc = 0;

	if (store_feed_get(st, feed, &fs) != 1)
		return -1;
	fs.failures = 3;
	fs.failing_since = fm_now() - 86400;
	free(fs.last_error);
	fs.last_error = xstrdup(error);
	if (store_begin(st) == -1 || store_put_feed(st, &fs) == -1 ||
	    store_commit(st) == -1)
		rc = -1;
	feed_state_free(&fs);
	return rc;
}

static int
run_sched(struct store *st, const struct conf *c)
{
	struct event_base *base = event_base_new();
	struct digest_sched *s = digest_sched_start(base, st, c);
	int i;

	/* The start-up check runs at once; a delivery then stays on the
	 * loop until it completes. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	for (i = 0; i < 100000 && digest_sched_busy(s); i++)
		event_base_loop(base, EVLOOP_ONCE);
	digest_sched_stop(s);
	event_base_free(base);
	return 0;
}

int
main(int argc, char **argv)
{
	struct digest_state ds;
	struct store *st;
	struct conf *c;
	char err[512];
	int rc = -1;

	if (argc < 3) {
		fprintf(stderr, "usage: digest_fill CONF entry|fail|last ...\n");
		return 2;
	}
	if ((c = conf_load(argv[1], err, sizeof(err))) == NULL ||
	    (st = store_open(c->database, err, sizeof(err))) == NULL ||
	    store_sync_feeds(st, c, err, sizeof(err)) == -1) {
		fprintf(stderr, "digest_fill: %s\n", err);
		return 1;
	}
	if (strcmp(argv[2], "entry") == 0 && argc >= 6)
		rc = put_entry(st, argv[3], argv + 4, argc - 4);
	else if (strcmp(argv[2], "fail") == 0 && argc == 5)
		rc = put_failure(st, argv[3], argv[4]);
	else if (strcmp(argv[2], "status") == 0) {
		struct buf b = { NULL, 0, 0 };

		if ((rc = digest_status(st, c, fm_now(), 0, &b)) == 0) {
			buf_addc(&b, '\n');
			rc = digest_status(st, c, fm_now(), 1, &b);
		}
		printf("%s\n", buf_cstr(&b));
		buf_free(&b);
	} else if (strcmp(argv[2], "sched") == 0)
		rc = run_sched(st, c);
	else if (strcmp(argv[2], "last") == 0 &&
	    (rc = store_digest_last(st, argc > 3 ? argv[3] : "", &ds)) == 1) {
		printf("%s %d %s\n", ds.sent ? "sent" : "unsent", ds.attempts,
		    ds.error ? ds.error : "-");
		digest_state_free(&ds);
		rc = 0;
	}
	if (rc == -1)
		fprintf(stderr, "digest_fill: %s failed: %s\n", argv[2],
		    store_error(st));
	store_close(st);
	conf_free(c);
	return rc == 0 ? 0 : 1;
}
