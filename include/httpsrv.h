/*
 * httpsrv.h: a small HTTP/1.1 server on bufferevents for the endpoint:
 * GET and HEAD only, one reply at a time per connection, bodies moved (not
 * copied) from the handler's evbuffer, and limits on clients, addresses and
 * time.
 */
#ifndef FEEDMUX_HTTPSRV_H
#define FEEDMUX_HTTPSRV_H

#include <stddef.h>
#include <stdint.h>

struct evbuffer;
struct event_base;
struct hsrv;
struct hreq;

/* Called once per request; must call hreq_reply() before returning. */
typedef void	 hsrv_handler(struct hreq *, void *);

/* Deadlines, in seconds (documented in feedmux.conf(5)). */
#define HSRV_HEAD_TIMEOUT	10	/* the whole request head */
#define HSRV_IDLE_TIMEOUT	30	/* kept alive between requests */
#define HSRV_WRITE_TIMEOUT	30	/* a reply that makes no progress */
#define HSRV_HEAD_MAX		16384	/* request head, bytes */

struct hsrv	*hsrv_new(struct event_base *, hsrv_handler *, void *);
/*
 * Listen on listen (conf_listen_split in conf.h).  On success an earlier socket
 * is closed (its connections stay); on failure it is kept, and err says
 * why ("...: Address already in use").
 */
int		 hsrv_listen(struct hsrv *, const char *listen, char *err,
		    size_t errlen);
/* At most max clients at once, per_addr from one address (0: no limit). */
void		 hsrv_set_limits(struct hsrv *, int max, int per_addr);

struct hsrv_stats {
	int64_t	open;		/* connections now */
	int64_t	evicted;	/* closed to make room for a newcomer */
	int64_t	refused;	/* newcomers closed: every place busy */
	int64_t	timed_out;	/* slow request head, or idle */
};
void		 hsrv_get_stats(const struct hsrv *, struct hsrv_stats *);
void		 hsrv_free(struct hsrv *);

int		 hreq_is_head(const struct hreq *);
const char	*hreq_path(const struct hreq *);	/* NULL: none */
const char	*hreq_header(const struct hreq *, const char *name);
void		 hreq_add_header(struct hreq *, const char *name,
		    const char *value);
/*
 * Send the reply with Content-Length from body (NULL: empty), which is
 * drained: its chains, references included, move to the connection.  HEAD
 * and 304 replies send no body.
 */
void		 hreq_reply(struct hreq *, int code, const char *reason,
		    struct evbuffer *body);

#endif
