/*
 * feed.h: a feed's state and how the facts of a fetch change it.
 *
 * This module is the only writer of struct feed_state and of the feed's
 * row in the store: fetch.h reports what happened, feed_apply decides what
 * it means (validators, moves, retirement, failures, the next poll) and
 * commits the entries and the new state in one transaction.
 */
#ifndef FEEDMUX_FEED_H
#define FEEDMUX_FEED_H

#include <stdint.h>

#include "conf.h"
#include "fetch.h"
#include "store.h"

struct feed {
	const struct feed_conf *fc;
	struct feed_state st;
	char		 host[128];	/* sched.h hosts_key of its URL */
};

/* Load fc's stored state (store_sync_feeds has made its row); -1 with err
 * set if it is not there. */
int	feed_load(struct feed *, const struct feed_conf *, struct store *,
	    char *err, size_t errlen);
void	feed_free(struct feed *);
/* Take over st (a lease's: store_lease), leaving it zeroed. */
void	feed_adopt(struct feed *, const struct feed_conf *,
	    struct feed_state *st);

/* What applying a fetch amounted to. */
struct feed_update {
	int	 entries_new;
	int	 entries_changed;
	char	 error[512];	/* the fetch's, or the store's; "": none */
};

/*
 * Apply res (not aborted) at now: a success stores the entries, metadata,
 * validators, state and a poll's retention in one transaction (a store
 * error makes it a failure); a failure records only the state.  Logs the
 * outcome, and a problem once when it starts and once when it clears.
 */
void	feed_apply(struct feed *, struct store *, const struct conf *,
	    const struct fetch_result *res, int64_t now, struct feed_update *);
/*
 * Log a feed's problems once when they start and once when they clear
 * (failing, gone, malformed, key churn), comparing its state before an
 * attempt with the state after it; before may be NULL (first poll).  Only
 * before's counters and flags are read.  feed_apply calls it.
 */
void	feed_log_transition(const struct feed_state *before,
	    const struct feed_state *after);
/* Not polled before until: its host asked us to wait (Retry-After). */
void	feed_postpone(struct feed *, struct store *, int64_t until);

#endif
