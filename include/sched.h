/*
 * sched.h: when each feed is polled next.
 *
 * Two halves.  The planning functions are pure: given a feed's state, its
 * options and how the last fetch went, they say when to poll next and why
 * (interval, the feed's own hints, skipHours/skipDays, backoff, Retry-After).
 * The run queue is a min-heap of feeds keyed by that time, driven by ONE
 * libevent timer for the whole schedule, plus per-host bookkeeping
 * (transfers in progress, Retry-After blocks) keyed by registered domain.
 * Nothing here knows HTTP.
 */
#ifndef FEEDMUX_SCHED_H
#define FEEDMUX_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "store.h"

/* How the last attempt went, as far as scheduling cares. */
enum sched_outcome {
	SCHED_OK,		/* new document (or 304): success */
	SCHED_ERROR,		/* any failure: backoff */
	SCHED_RETRY_AFTER,	/* server asked us to come back at a time */
	SCHED_GONE		/* retired: never polled again */
};

/* The interval the feed's hints ask for, bounded; *reason says which won. */
int64_t	sched_interval(const struct feed_state *, const struct feed_opts *,
	    const char **reason);
/* The first time >= t outside the feed's skipHours/skipDays (UTC). */
int64_t	sched_skip(const struct feed_state *, int64_t t);
/* Backoff delay after n consecutive failures: interval doubled per failure,
 * capped at cap, minus up to 1/8 of random jitter (rnd). */
int64_t	sched_backoff(int n, int64_t interval, int64_t cap, uint32_t rnd);
/*
 * Fill st->next_poll and st->next_reason after an attempt at now.
 * retry_at: for SCHED_RETRY_AFTER, the time the server gave.
 * Failures and failing_since are the caller's (it knows what failed).
 */
void	sched_plan(struct feed_state *, const struct feed_opts *,
	    const struct conf *, enum sched_outcome, int64_t retry_at,
	    int64_t now);
/* A random number for jitter (seeded once from the clock and pid). */
uint32_t sched_random(void);

/* The run queue.  Items are embedded in the caller's per-feed struct. */
struct sched_item {
	int64_t		 when;
	size_t		 idx;		/* position in the heap; SIZE_MAX: not in */
	void		*arg;
};
struct event_base;
struct sched;

/* due is called from the timer for each item whose time has come,
 * already removed from the heap. */
struct sched	*sched_new(struct event_base *,
		    void (*due)(struct sched_item *, void *), void *arg);
void		 sched_free(struct sched *);
/* Insert, or move an item already in the queue. */
void		 sched_add(struct sched *, struct sched_item *, int64_t when);
void		 sched_remove(struct sched *, struct sched_item *);
struct sched_item *sched_peek(struct sched *);
struct sched_item *sched_pop(struct sched *);
size_t		 sched_len(struct sched *);
/* Hand every queued item to due now (SIGUSR1). */
void		 sched_run_all(struct sched *);
/* Arm the single timer for the earliest item (done by add/remove too). */
void		 sched_arm(struct sched *);

/* Per-host bookkeeping; a host is the registered domain of a URL. */
struct hosts;
struct hosts	*hosts_new(void);
void		 hosts_free(struct hosts *);
/* The grouping key of url into out ("" for file: URLs). */
void		 hosts_key(const char *url, char *out, size_t outlen);
/* 1 if one more transfer may start to key at now, else 0.  *until is set
 * to a Retry-After block's end when that is why not. */
int		 hosts_may_start(struct hosts *, const char *key, int limit,
		    int64_t now, int64_t *until);
void		 hosts_started(struct hosts *, const char *key);
void		 hosts_done(struct hosts *, const char *key);
/* Postpone every feed of key until t (429/503 with Retry-After). */
void		 hosts_block(struct hosts *, const char *key, int64_t t);

#endif
