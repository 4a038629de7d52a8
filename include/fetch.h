/*
 * fetch.h: fetching feeds with libcurl's multi socket interface on a
 * libevent loop.
 *
 * A fetch sends a conditional GET (the stored ETag and Last-Modified, as
 * received), pushes the body to the parser as it arrives, and when the
 * transfer ends hands the callback the facts: status, validators, final
 * URL, max-age, the feed's metadata and entries, or what went wrong.  It
 * writes neither the store nor the feed's state: feed.h applies the facts.
 */
#ifndef FEEDMUX_FETCH_H
#define FEEDMUX_FETCH_H

#include <stdint.h>

#include "conf.h"
#include "parse.h"
#include "sched.h"
#include "store.h"
#include "util.h"

struct event_base;
struct fetcher;
struct sockaddr;

/* An entry of the document, copied out of the parser's buffers. */
struct fetch_entry {
	struct fetch_entry *next;
	struct entry	 e;
};

struct fetch_result {
	enum sched_outcome outcome;
	int		 status;	/* HTTP status of the last hop; 0: none */
	int		 not_modified;	/* 304 */
	int		 aborted;	/* cut short by fetcher_abort */
	int64_t		 retry_at;	/* SCHED_RETRY_AFTER: when */
	int64_t		 bytes;		/* body bytes received (decoded) */
	/* SCHED_OK only: */
	const char	*etag;		/* validators of the last hop; NULL: */
	const char	*last_modified;	/* the header was absent */
	const char	*url;		/* the final URL, after redirects */
	int		 moved;		/* every redirect was permanent */
	int64_t		 max_age;	/* Cache-Control/Expires; 0: no word */
	int		 malformed;	/* the document was not well-formed */
	const struct feed_meta *meta;	/* NULL: none (or a 304) */
	const struct fetch_entry *entries; /* in document order */
	char		 error[512];	/* "name: URL: what", when it failed */
};

/* res and what it points to live until cb returns. */
typedef void (*fetch_done_cb)(void *arg, const struct fetch_result *);

/* libcurl's global state: once in main, before any other thread. */
int		 fetch_global_init(void);
void		 fetch_global_cleanup(void);

struct fetcher	*fetcher_new(struct event_base *, char *err, size_t errlen);
/*
 * Start fetching fc from the URL and with the validators of its state st
 * (read, never changed).  fc and st must live until cb is called.
 */
int		 fetch_start(struct fetcher *, const struct feed_conf *,
		    const struct feed_state *, fetch_done_cb, void *arg);
/* Transfers in progress. */
int		 fetcher_active(struct fetcher *);
/* Abort every transfer: each callback runs with aborted set. */
void		 fetcher_abort(struct fetcher *);
void		 fetcher_free(struct fetcher *);

/* The User-Agent sent when a feed sets none. */
const char	*fetch_default_user_agent(void);

/*
 * One fetch for a one-shot command (add, parse URL), on a private event
 * loop, under the daemon's rules: User-Agent, protocols, timeouts,
 * max_size, max_redirects and the address policy of opts.  Nothing is
 * parsed or stored: the reply holds the facts.
 */
#define FETCH_REMOTE	 0x1	/* the URL came from fetched content or an
				 * imported file: http and https only */
#define FETCH_VIA_PUBLIC 0x2	/* ... from a public address: the address
				 * policy applies from the first hop */
struct fetch_reply {
	int		 status;	/* HTTP status of the last hop; 0: none */
	char		*url;		/* final URL, after redirects */
	char		*ctype;		/* Content-Type; NULL: none */
	struct buf	 body;
	int		 private_addr;	/* it came from a private address (or
					 * a local file) */
	int		 refused;	/* by the protocol or address policy */
	int		 noinput;	/* a file: URL that could not be read */
	char		 error[512];	/* "URL: what", when it failed */
};
/* 0 for a 2xx (or file:) reply; -1 with reply->error set otherwise. */
int		 fetch_once(const char *url, const struct feed_opts *,
		    int flags, struct fetch_reply *);
void		 fetch_reply_free(struct fetch_reply *);
/*
 * POST body (len bytes of JSON) to url on f's loop, under the same rules
 * as every fetch (User-Agent, timeouts, max_size of the reply, address
 * policy of a configured URL), with headers ("Name: value") added;
 * no redirect is followed.  cb gets the reply (2xx: error[0] == '\0')
 * and must not keep it.  body is not copied: it must stay valid until cb
 * is called (fetcher_abort and fetcher_free call it too).  -1 if it
 * could not start.
 */
typedef void (*fetch_post_cb)(void *arg, const struct fetch_reply *);
int		 fetch_post(struct fetcher *, const char *url,
		    const struct feed_opts *, char **headers, size_t nheaders,
		    const char *body, size_t len, fetch_post_cb, void *arg);

/*
 * The protocol rule: http and https always; file only for a URL from the
 * config file or the command line (remote == 0), never from fetched
 * content or an imported file.
 */
int		 fetch_url_allowed(const char *url, int remote);

#endif
