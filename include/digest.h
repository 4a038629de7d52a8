/* digest.h: the digest of new entries, its schedule and its delivery. */
#ifndef FEEDMUX_DIGEST_H
#define FEEDMUX_DIGEST_H

#include <stdint.h>

#include "conf.h"
#include "store.h"
#include "util.h"

struct event_base;
struct digest_sched;

/*
 * Make (and deliver) the digest dc (one of c's) now, as `feedmux digest`
 * does.  Returns 0, or -1 with err set.  Skips an empty digest unless
 * send_empty.
 */
int	digest_now(struct store *, const struct conf *,
	    const struct digest_conf *, int64_t now, char *err, size_t errlen);
/* The next scheduled slot strictly after t, in the configured zone; 0: none. */
int64_t	digest_next_slot(const struct digest_conf *, int64_t t);
/* The latest slot at or before t; 0: none. */
int64_t	digest_prev_slot(const struct digest_conf *, int64_t t);

/* Has the file a [digest] or [digest "name"] section? */
int	digest_configured(const struct conf *);
/*
 * For `feedmux status`: a line per configured digest ("digest: last ...,
 * sent; next ...", or the error and the next retry of an unsent one;
 * "digest "name": ..." for a named one), or with json a JSON object
 * {"last":{"slot","sent","attempts","error","next_try"}|null, "next":...,
 * "digests":[{"name", "last", "next"}...]}, last and next the default
 * digest's.  Returns -1 on a store error.
 */
int	digest_status(struct store *, const struct conf *, int64_t now,
	    int json, struct buf *out);

/* In the daemon: a timer per configured digest for its next slot (and a
 * missed one at start); set_conf starts and stops them by name. */
struct digest_sched *digest_sched_start(struct event_base *, struct store *,
	    const struct conf *);
void	digest_sched_set_conf(struct digest_sched *, const struct conf *);
void	digest_sched_stop(struct digest_sched *);
/* 1 while a delivery (a sendmail child) is in progress. */
int	digest_sched_busy(const struct digest_sched *);

/* The newest default digest's HTML among the stored renderings (a
 * shared database's), under the path httpd serves it at. */
#define DIGEST_RENDERING	"/digest.html"

#endif
