/*
 * feed.c: applying the facts of a fetch to a feed's state, and storing
 * it.  The only writer of struct feed_state and of the feed's store row.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "feed.h"
#include "log.h"
#include "sched.h"
#include "store.h"
#include "util.h"

/* The URL polled: where permanent redirects took it, else the config's. */
static const char *
feed_url(const struct feed *fd)
{
	return fd->st.url != NULL ? fd->st.url : fd->fc->url;
}

/* The one place a feed's host key is worked out. */
static void
feed_rehost(struct feed *fd)
{
	hosts_key(feed_url(fd), fd->host, sizeof(fd->host));
}

int
feed_load(struct feed *fd, const struct feed_conf *fc, struct store *s,
    char *err, size_t errlen)
{
	fd->fc = fc;
	if (store_feed_get(s, fc->name, &fd->st) != 1) {
		snprintf(err, errlen, "feed %s: not in the store: %s",
		    fc->name, store_error(s));
		return -1;
	}
	feed_rehost(fd);
	return 0;
}

void
feed_adopt(struct feed *fd, const struct feed_conf *fc, struct feed_state *st)
{
	fd->fc = fc;
	fd->st = *st;
	memset(st, 0, sizeof(*st));
	feed_rehost(fd);
}

void
feed_free(struct feed *fd)
{
	feed_state_free(&fd->st);
}

/* One transaction for the state alone (a failure, a postponement). */
static int
put_state(struct feed *fd, struct store *s)
{
	if (store_begin(s) == -1 || store_put_feed(s, &fd->st) == -1 ||
	    store_commit(s) == -1) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

static void
set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src != NULL ? xstrdup(src) : NULL;
}

/*
 * A problem's end is logged at the level of its start (warning): at the
 * default level an operator who saw "failing" must also see "recovered".
 */
void
feed_log_transition(const struct feed_state *b, const struct feed_state *a)
{
	const char	*name = a->name != NULL ? a->name : "?";
	int		 bf = b != NULL ? b->failures : 0;

	if (bf == 0 && a->failures > 0)
		log_warnx("feed %s: failing: %s", name,
		    a->last_error != NULL ? a->last_error : "error");
	else if (bf > 0 && a->failures == 0)
		log_warnx("feed %s: recovered after %d failure%s", name, bf,
		    bf == 1 ? "" : "s");
	if ((b == NULL || !b->gone) && a->gone)
		log_warnx("feed %s: gone (HTTP 410): no longer polled", name);
	if ((b == NULL || !b->malformed) && a->malformed)
		log_warnx("feed %s: not well-formed XML; reading what can be "
		    "read", name);
	else if (b != NULL && b->malformed && !a->malformed)
		log_warnx("feed %s: well-formed again", name);
	if ((b == NULL || !b->key_churn) && a->key_churn)
		log_warnx("feed %s: entry ids look unstable (key churn)", name);
	else if (b != NULL && b->key_churn && !a->key_churn)
		log_warnx("feed %s: entry ids stable again", name);
}

/* A 200 or 304: the new state of the feed. */
static void
state_ok(struct feed *fd, const struct conf *conf,
    const struct fetch_result *res, int64_t now)
{
	struct feed_state *st = &fd->st;

	st->last_poll = st->last_success = now;
	st->last_status = res->status;
	st->failures = 0;
	st->failing_since = 0;
	st->gone = 0;
	set_str(&st->last_error, NULL);
	if (!res->not_modified)
		st->malformed = res->malformed;
	/* A 200 without validators clears the old ones; a 304 may omit them. */
	if (!res->not_modified || res->etag != NULL)
		set_str(&st->etag, res->etag);
	if (!res->not_modified || res->last_modified != NULL)
		set_str(&st->last_modified, res->last_modified);
	if (res->moved && res->url != NULL && (st->url == NULL ||
	    strcmp(res->url, st->url) != 0)) {
		log_info("%s: moved permanently to %s", fd->fc->name, res->url);
		set_str(&st->url, res->url);
		feed_rehost(fd);
	}
	st->max_age = res->max_age;
	if (res->meta != NULL) {
		st->ttl = res->meta->ttl;
		st->sy_period = res->meta->sy_period;
		st->sy_frequency = res->meta->sy_frequency;
		st->skip_hours = res->meta->skip_hours;
		st->skip_days = res->meta->skip_days;
	}
	sched_plan(st, &fd->fc->opts, conf, SCHED_OK, 0, now);
}

/*
 * The entries and the state that describes them: one transaction.  On
 * PostgreSQL the daemon's loop waits here for each statement's round trip
 * (two or three per new entry, one per unchanged one: store_pg_put.c).
 */
static int
store_ok(struct feed *fd, struct store *s, const struct fetch_result *res,
    int64_t now, struct feed_update *u)
{
	const struct fetch_entry *c;
	int		 r;

	if (store_begin(s) == -1)
		goto fail;
	for (c = res->entries; c != NULL; c = c->next) {
		if ((r = store_put_entry(s, &fd->st, fd->fc->opts.key, &c->e,
		    now)) == -1)
			goto fail;
		if (r == STORE_NEW)
			u->entries_new++;
		else if (r == STORE_CHANGED)
			u->entries_changed++;
	}
	if (u->entries_new > 0)
		fd->st.last_new = now;
	if ((res->meta != NULL && store_put_meta(s, &fd->st, res->meta) ==
	    -1) || store_put_feed(s, &fd->st) == -1 ||
	    store_prune(s, &fd->st, &fd->fc->opts, now) == -1 ||
	    store_commit(s) == -1)
		goto fail;
	return 0;
fail:
	snprintf(u->error, sizeof(u->error), "%s%s%s: store: %s",
	    fd->fc->name != NULL ? fd->fc->name : "",
	    fd->fc->name != NULL ? ": " : "", feed_url(fd), store_error(s));
	utf8_line(u->error);
	store_rollback(s);
	u->entries_new = u->entries_changed = 0;
	return -1;
}

static void
state_failure(struct feed *fd, struct store *s, const struct conf *conf,
    const struct fetch_result *res, enum sched_outcome outcome,
    int64_t now, const char *error)
{
	struct feed_state *st = &fd->st;

	st->last_poll = now;
	st->last_status = res->status;
	st->failures++;
	if (st->failing_since == 0)
		st->failing_since = now;
	set_str(&st->last_error, error);
	if (outcome == SCHED_GONE)
		st->gone = 1;
	sched_plan(st, &fd->fc->opts, conf, outcome, res->retry_at, now);
	if (put_state(fd, s) == -1)
		log_warnx("%s: cannot record the failure: %s", fd->fc->name,
		    store_error(s));
}

void
feed_apply(struct feed *fd, struct store *s, const struct conf *conf,
    const struct fetch_result *res, int64_t now, struct feed_update *u)
{
	struct feed_state before;
	char		*etag, *lm;

	memset(u, 0, sizeof(*u));
	memset(&before, 0, sizeof(before));
	before.failures = fd->st.failures;
	before.gone = fd->st.gone;
	before.malformed = fd->st.malformed;
	before.key_churn = fd->st.key_churn;
	snprintf(u->error, sizeof(u->error), "%s", res->error);
	if (res->outcome != SCHED_OK)
		state_failure(fd, s, conf, res, res->outcome, now, u->error);
	else {
		etag = fd->st.etag != NULL ? xstrdup(fd->st.etag) : NULL;
		lm = fd->st.last_modified != NULL ?
		    xstrdup(fd->st.last_modified) : NULL;
		state_ok(fd, conf, res, now);
		if (store_ok(fd, s, res, now, u) == -1) {
			/* New validators go only with their entries. */
			set_str(&fd->st.etag, etag);
			set_str(&fd->st.last_modified, lm);
			state_failure(fd, s, conf, res, SCHED_ERROR, now,
			    u->error);
		}
		free(etag);
		free(lm);
	}
	if (u->error[0] != '\0')
		/* Logged as a problem once, when it starts (below). */
		log_info("%s", u->error);
	else if (res->not_modified || u->entries_new + u->entries_changed ==
	    0)
		log_debug("%s: %s", fd->fc->name, res->not_modified ?
		    "not modified" : "no change");
	else
		log_info("%s: %d new, %d changed", fd->fc->name,
		    u->entries_new, u->entries_changed);
	feed_log_transition(&before, &fd->st);
}

void
feed_postpone(struct feed *fd, struct store *s, int64_t until)
{
	fd->st.next_poll = until;
	set_str(&fd->st.next_reason, "retry-after (host)");
	put_state(fd, s);
}
