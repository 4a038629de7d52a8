/*
 * hooks.h: [hook "name"] sections: entries new since a hook last ran, in
 * batches, to a program (one JSON object a line on its stdin) or a URL
 * (one JSON document, POSTed through fetch.c), on the event loop.
 *
 * Each hook's mark (the last entry id done) is committed in the store
 * when the program exits 0 or the server answers 2xx, so every entry
 * goes to every hook once; the one duplicate that cannot be avoided is a
 * crash after the receiver succeeded and before that commit.
 */
#ifndef FEEDMUX_HOOKS_H
#define FEEDMUX_HOOKS_H

#include <stdint.h>

#include "conf.h"
#include "store.h"

struct event_base;
struct hooks;

/*
 * POSTs go through a fetcher of the hooks' own on base (same fetch.c
 * code and policy), so they count neither against the poller's
 * concurrency nor in its cycle's end.
 */
struct hooks	*hooks_new(struct event_base *, struct store *,
		    const struct conf *);
/* After a reload; a hook running now finishes under its old settings. */
void		 hooks_set_conf(struct hooks *, const struct conf *);
/*
 * Start every hook that is idle and has entries waiting.  force: also
 * those waiting out a failure's backoff (SIGUSR1, `feedmux hooks`).
 */
void		 hooks_kick(struct hooks *, int force);
/* Programs running and POSTs in flight. */
int		 hooks_busy(const struct hooks *);
/* Kill running programs (their progress is not committed) and free. */
void		 hooks_free(struct hooks *);

/*
 * Entries waiting for hc after mark (its filters applied): for status.
 * A hook never run starts at mark (see hooks_state).
 */
int		 hooks_backlog(struct store *, const struct conf *,
		    const struct hook_conf *, int64_t mark, int64_t *n);
/* A hook's state, or a new one's starting state (since = now/all). */
int		 hooks_state(struct store *, const struct hook_conf *,
		    struct hook_state *);

/* For status: each hook's last success, backlog and failures, as text
 * lines or a JSON array; st NULL: no database yet. */
struct buf;
int		 hooks_status(struct store *, const struct conf *, int json,
		    struct buf *out);

#endif
