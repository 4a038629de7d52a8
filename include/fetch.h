/*
 * fetch.h: fetching feeds with libcurl's multi socket interface on a
 * libevent loop.
 *
 * A fetch sends a conditional GET (the stored ETag and Last-Modified, as
 * received), pushes the body to the parser as it arrives, and when the
 * transfer ends writes one store transaction: the entries, the feed's
 * metadata, its new validators, status and next poll time (sched.h).  A
 * failed fetch writes only the feed's status.  Then the callback runs.
 */
#ifndef FEEDMUX_FETCH_H
#define FEEDMUX_FETCH_H

#include <stdint.h>

#include "conf.h"
#include "sched.h"
#include "store.h"

struct event_base;
struct fetcher;

struct fetch_result {
	enum sched_outcome outcome;
	int		 status;	/* HTTP status of the last hop; 0: none */
	int		 not_modified;	/* 304 */
	int		 aborted;	/* cut short by fetcher_abort: nothing stored */
	int		 entries;	/* in the document */
	int		 entries_new;
	int		 entries_changed;
	int64_t		 retry_at;	/* SCHED_RETRY_AFTER: when */
	int64_t		 bytes;		/* body bytes received (decoded) */
	char		 host[128];	/* sched.h hosts_key of the URL */
	char		 error[512];	/* "name: URL: what", when it failed */
};

typedef void (*fetch_done_cb)(void *arg, const struct feed_conf *,
    struct feed_state *, const struct fetch_result *);

struct fetcher	*fetcher_new(struct event_base *, struct store *,
		    const struct conf *, char *err, size_t errlen);
void		 fetcher_set_conf(struct fetcher *, const struct conf *);
/*
 * Start fetching fc, whose stored state is st (updated, and committed to
 * the store, before cb is called).  fc and st must live until then.
 */
int		 fetch_start(struct fetcher *, const struct feed_conf *,
		    struct feed_state *, fetch_done_cb, void *arg);
/* Transfers in progress. */
int		 fetcher_active(struct fetcher *);
/* Abort every transfer: each callback runs with aborted set. */
void		 fetcher_abort(struct fetcher *);
void		 fetcher_free(struct fetcher *);

/* The User-Agent sent when a feed sets none. */
const char	*fetch_default_user_agent(void);

#endif
