/* httpd.h: the HTTP endpoint serving outputs, health and metrics. */
#ifndef FEEDMUX_HTTPD_H
#define FEEDMUX_HTTPD_H

#include <stdint.h>

#include "conf.h"
#include "store.h"

struct event_base;
struct httpd;

/* Filled by the poll loop, read by /metrics and /healthz. */
struct cycle_stats {
	int64_t	cycles;
	int64_t	last_cycle_start;	/* unix time */
	int64_t	last_cycle_ms;
	int64_t	fetches;		/* totals since start */
	int64_t	fetch_errors;
	int64_t	not_modified;
	int64_t	entries_new;
};
extern struct cycle_stats cycle_stats;

struct httpd	*httpd_start(struct event_base *, const struct conf *,
		    struct store *, char *err, size_t errlen);
/* Outputs may have changed: render again before the next request. */
void		 httpd_refresh(struct httpd *);
/*
 * After a reload: new config.  A changed listen is bound anew; when that
 * fails the old socket stays and a warning says why.
 */
void		 httpd_set_conf(struct httpd *, const struct conf *);
void		 httpd_stop(struct httpd *);

#endif
