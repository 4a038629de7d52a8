/*
 * httpsrv.c: the endpoint's own HTTP/1.1 server on bufferevents.
 *
 * evhttp (libevent 2.1.12) could not be made to do what the endpoint needs:
 * it answers unknown methods with its own 501 before any callback runs, its
 * timeout restarts with every byte read (a client sending a header byte a
 * second is never closed), it tells nobody when a connection opens or
 * closes (no connection count to cap), and it writes the body of HEAD
 * replies.  This server does only what feedmux serves: GET and HEAD, no
 * request bodies, one reply at a time per connection.
 *
 * Connections are kept in the order they last changed state, so the one
 * idle the longest is found first when a newcomer needs its place.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "conf.h"
#include "httpsrv.h"
#include "log.h"
#include "util.h"

#define ACCEPT_PAUSE	1	/* s without accept() after ENOBUFS */
#define MAX_HEADERS	64

enum cstate {
	C_HEAD,		/* reading a request head, HSRV_HEAD_TIMEOUT */
	C_IDLE,		/* between requests, HSRV_IDLE_TIMEOUT */
	C_WRITING	/* a reply going out; nothing more is read */
};

struct conn;

struct hreq {
	struct conn		*c;
	int			 head;		/* a HEAD request */
	int			 minor;		/* HTTP/1.minor */
	int			 replied;
	struct evhttp_uri	*uri;
	struct evkeyvalq	 in;
	int			 nin;
	struct evbuffer		*hdrs;	/* reply headers */
};

struct conn {
	struct hsrv		*srv;
	struct bufferevent	*bev;
	struct event		*timer;		/* head or idle */
	struct sockaddr_storage	 peer;
	enum cstate		 state;
	int			 close_after;	/* after the reply */
	int			 has_line;	/* request line read */
	size_t			 headlen;
	struct hreq		 req;
	TAILQ_ENTRY(conn)	 entry;
};

struct hsrv {
	struct event_base	*base;
	hsrv_handler		*handler;
	void			*arg;
	struct evconnlistener	*lev;
	struct event		*resume;
	int			 paused;	/* not accepting */
	int			 max, per_addr;
	int			 nconns;
	TAILQ_HEAD(, conn)	 conns;		/* by state change */
	struct hsrv_stats	 stats;
};

static void	conn_read(struct bufferevent *, void *);

/* Connections from the same address (the port aside)? */
static int
same_addr(const struct sockaddr *a, const struct sockaddr *b)
{
	const struct sockaddr_in	*a4, *b4;
	const struct sockaddr_in6	*a6, *b6;

	if (a->sa_family != b->sa_family)
		return 0;
	if (a->sa_family == AF_INET) {
		a4 = (const struct sockaddr_in *)a;
		b4 = (const struct sockaddr_in *)b;
		return a4->sin_addr.s_addr == b4->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		a6 = (const struct sockaddr_in6 *)a;
		b6 = (const struct sockaddr_in6 *)b;
		return memcmp(&a6->sin6_addr, &b6->sin6_addr,
		    sizeof a6->sin6_addr) == 0;
	}
	return 0;
}

static void
req_clear(struct hreq *r)
{
	evhttp_clear_headers(&r->in);
	r->nin = 0;
	if (r->uri != NULL)
		evhttp_uri_free(r->uri);
	r->uri = NULL;
	if (r->hdrs != NULL)
		evbuffer_free(r->hdrs);
	r->hdrs = NULL;
	r->replied = 0;
	r->c->has_line = 0;
	r->c->headlen = 0;
}

static void
accept_resume(struct hsrv *s)
{
	if (!s->paused)
		return;
	s->paused = 0;
	evtimer_del(s->resume);
	if (s->lev != NULL)
		evconnlistener_enable(s->lev);
}

/* Stop accepting until a connection closes or, with secs, time passes. */
static void
accept_pause(struct hsrv *s, int secs)
{
	struct timeval	 tv = { secs, 0 };

	s->paused = 1;
	if (s->lev != NULL)
		evconnlistener_disable(s->lev);
	if (secs > 0)
		evtimer_add(s->resume, &tv);
}

static void
on_resume(evutil_socket_t fd, short ev, void *arg)
{
	accept_resume(arg);
}

static void
conn_free(struct conn *c)
{
	struct hsrv	*s = c->srv;
	evutil_socket_t	 fd = bufferevent_getfd(c->bev);

	TAILQ_REMOVE(&s->conns, c, entry);
	s->nconns--;
	req_clear(&c->req);
	event_free(c->timer);
	/*
	 * libevent closes a freed bufferevent's socket later in the loop;
	 * the descriptor is wanted now, by the client that made us evict.
	 * Its events are deleted at once, so closing here is safe.
	 */
	bufferevent_free(c->bev);
	close(fd);
	free(c);
	accept_resume(s);
}

static void
conn_setstate(struct conn *c, enum cstate st)
{
	struct timeval	 tv = { 0, 0 };

	TAILQ_REMOVE(&c->srv->conns, c, entry);
	TAILQ_INSERT_TAIL(&c->srv->conns, c, entry);
	c->state = st;
	if (st == C_WRITING) {
		evtimer_del(c->timer);
		return;
	}
	tv.tv_sec = st == C_HEAD ? HSRV_HEAD_TIMEOUT : HSRV_IDLE_TIMEOUT;
	evtimer_add(c->timer, &tv);
}

static void
on_deadline(evutil_socket_t fd, short ev, void *arg)
{
	struct conn	*c = arg;

	log_debug("httpd: closing a connection %s",
	    c->state == C_HEAD ? "slow to send its request" : "idle");
	c->srv->stats.timed_out++;
	conn_free(c);
}

/* The reply is out: close, or wait for the next request. */
static void
conn_write(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;

	if (c->state != C_WRITING)
		return;
	if (c->close_after) {
		conn_free(c);
		return;
	}
	conn_setstate(c, C_IDLE);
	conn_read(bev, c);
}

static void
conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn	*c = arg;

	/* A client may shut down its side and still read the reply. */
	if ((what & BEV_EVENT_EOF) && c->state == C_WRITING) {
		c->close_after = 1;
		return;
	}
	conn_free(c);
}

/* Any other code closes the connection after its short text. */
static void
conn_error(struct conn *c, int code)
{
	struct hreq	*r = &c->req;
	struct evbuffer	*b = evbuffer_new();
	const char	*reason;

	switch (code) {
	case 405:
		reason = "Method Not Allowed";
		break;
	case 431:
		reason = "Request Header Fields Too Large";
		break;
	default:
		code = 400;
		reason = "Bad Request";
		break;
	}
	c->close_after = 1;
	if (r->hdrs == NULL)
		r->hdrs = evbuffer_new();
	if (code == 405)
		hreq_add_header(r, "Allow", "GET, HEAD");
	hreq_add_header(r, "Content-Type", "text/plain; charset=utf-8");
	evbuffer_add_printf(b, "%d %s\n", code, reason);
	hreq_reply(r, code, reason, b);
	evbuffer_free(b);
	req_clear(r);
}

static int
is_tchar(int ch)
{
	return ch > 0x20 && ch < 0x7f && strchr("\"(),/:;<=>?@[\\]{}", ch) ==
	    NULL;
}

/* "METHOD SP target SP HTTP/1.x": 0, or the status to answer with. */
static int
parse_request_line(struct conn *c, char *line)
{
	char	*sp, *target, *version, *p;

	if ((sp = strchr(line, ' ')) == NULL || sp == line)
		return 400;
	*sp = '\0';
	for (p = line; *p != '\0'; p++)
		if (!is_tchar((unsigned char)*p))
			return 400;
	/* Methods are case-sensitive (RFC 9110 9.1): "get" is not GET. */
	if (strcmp(line, "GET") == 0)
		c->req.head = 0;
	else if (strcmp(line, "HEAD") == 0)
		c->req.head = 1;
	else
		return 405;
	target = sp + 1;
	if ((sp = strchr(target, ' ')) == NULL || sp == target)
		return 400;
	*sp = '\0';
	version = sp + 1;
	if (strncmp(version, "HTTP/1.", 7) != 0 || version[7] < '0' ||
	    version[7] > '9' || version[8] != '\0')
		return 400;
	c->req.minor = version[7] - '0';
	if ((c->req.uri = evhttp_uri_parse_with_flags(target,
	    EVHTTP_URI_NONCONFORMANT)) == NULL)
		return 400;
	c->has_line = 1;
	return 0;
}

static int
parse_header(struct conn *c, char *line)
{
	char	*colon, *p, *v;

	if ((colon = strchr(line, ':')) == NULL || colon == line)
		return 400;
	*colon = '\0';
	for (p = line; *p != '\0'; p++)	/* also refuses folded lines */
		if (!is_tchar((unsigned char)*p))
			return 400;
	if (++c->req.nin > MAX_HEADERS)
		return 431;
	v = strtrim(colon + 1);
	if (evhttp_add_header(&c->req.in, line, v) == -1)
		return 400;
	return 0;
}

/* Does the comma-separated header value list token? */
static int
has_token(const char *list, const char *token)
{
	size_t	 n = strlen(token);

	while (list != NULL && *list != '\0') {
		while (*list == ' ' || *list == '\t' || *list == ',')
			list++;
		if (strncasecmp(list, token, n) == 0 && (list[n] == '\0' ||
		    list[n] == ',' || list[n] == ' ' || list[n] == '\t'))
			return 1;
		list = strchr(list, ',');
	}
	return 0;
}

static void
dispatch(struct conn *c)
{
	struct hreq	*r = &c->req;
	const char	*conn = hreq_header(r, "Connection");
	const char	*cl = hreq_header(r, "Content-Length");

	if (r->minor == 0)
		c->close_after = !has_token(conn, "keep-alive");
	else
		c->close_after = has_token(conn, "close");
	/* Request bodies are never read: the connection ends with the reply. */
	if ((cl != NULL && strcmp(cl, "0") != 0) ||
	    hreq_header(r, "Transfer-Encoding") != NULL)
		c->close_after = 1;
	r->hdrs = evbuffer_new();
	c->srv->handler(r, c->srv->arg);
	if (!r->replied)
		hreq_reply(r, 500, "Internal Server Error", NULL);
	req_clear(r);
}

static void
conn_read(struct bufferevent *bev, void *arg)
{
	struct conn	*c = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line;
	size_t		 n;
	int		 rc;

	if (c->state == C_WRITING || evbuffer_get_length(in) == 0)
		return;
	if (c->state == C_IDLE)
		conn_setstate(c, C_HEAD);
	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_CRLF)) != NULL) {
		c->headlen += n + 1;
		if (c->headlen > HSRV_HEAD_MAX)
			rc = 431;
		else if (strlen(line) != n)
			rc = 400;	/* a NUL byte */
		else if (!c->has_line)	/* skip empty lines */
			rc = n == 0 ? 0 : parse_request_line(c, line);
		else
			rc = n == 0 ? -1 : parse_header(c, line);
		free(line);
		if (rc > 0) {
			conn_error(c, rc);
			return;
		}
		if (rc == -1) {
			dispatch(c);
			return;
		}
	}
	if (c->headlen + evbuffer_get_length(in) > HSRV_HEAD_MAX)
		conn_error(c, 431);
}

void
hreq_reply(struct hreq *r, int code, const char *reason,
    struct evbuffer *body)
{
	struct conn	*c = r->c;
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	size_t		 len;
	char		 date[30];

	len = body != NULL ? evbuffer_get_length(body) : 0;
	fmt_rfc822(date, (int64_t)time(NULL));
	evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nDate: %s\r\n", code,
	    reason, date);
	/* HEAD gets the length of the body GET would send (RFC 9110 9.3.2). */
	if (code != 304)
		evbuffer_add_printf(out, "Content-Length: %zu\r\n", len);
	if (c->close_after)
		evbuffer_add_printf(out, "Connection: close\r\n");
	else if (r->minor == 0)
		evbuffer_add_printf(out, "Connection: keep-alive\r\n");
	evbuffer_add_buffer(out, r->hdrs);
	evbuffer_add(out, "\r\n", 2);
	if (body != NULL && !r->head && code != 304)
		evbuffer_add_buffer(out, body);
	else if (body != NULL)
		evbuffer_drain(body, len);
	r->replied = 1;
	conn_setstate(c, C_WRITING);
}

int
hreq_is_head(const struct hreq *r)
{
	return r->head;
}

const char *
hreq_path(const struct hreq *r)
{
	return evhttp_uri_get_path(r->uri);
}

const char *
hreq_header(const struct hreq *r, const char *name)
{
	return evhttp_find_header(&r->in, name);
}

void
hreq_add_header(struct hreq *r, const char *name, const char *value)
{
	evbuffer_add_printf(r->hdrs, "%s: %s\r\n", name, value);
}

/* The connection that has waited longest without a request (of addr). */
static struct conn *
evictable(struct hsrv *s, const struct sockaddr *addr)
{
	struct conn	*c, *head = NULL;

	TAILQ_FOREACH(c, &s->conns, entry) {
		if (addr != NULL && !same_addr((struct sockaddr *)&c->peer,
		    addr))
			continue;
		if (c->state == C_IDLE)
			return c;
		if (c->state == C_HEAD && head == NULL)
			head = c;
	}
	return head;
}

static int
addr_count(struct hsrv *s, const struct sockaddr *addr)
{
	struct conn	*c;
	int		 n = 0;

	TAILQ_FOREACH(c, &s->conns, entry)
		n += same_addr((struct sockaddr *)&c->peer, addr);
	return n;
}

/*
 * A newcomer over a limit takes the place of a connection that has not
 * sent a request (idle ones first), so that a crowd of silent or slow
 * clients cannot lock the others out; when all are busy replying, it is
 * refused.
 */
static int
make_room(struct hsrv *s, const struct sockaddr *sa)
{
	struct conn	*victim;

	if (s->per_addr > 0 && addr_count(s, sa) >= s->per_addr) {
		if ((victim = evictable(s, sa)) == NULL)
			return -1;
		s->stats.evicted++;
		conn_free(victim);
	}
	if (s->nconns >= s->max) {
		if ((victim = evictable(s, NULL)) == NULL) {
			accept_pause(s, 0);	/* until one closes */
			return -1;
		}
		s->stats.evicted++;
		conn_free(victim);
	}
	return 0;
}

static void
on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct hsrv	*s = arg;
	struct conn	*c;
	struct timeval	 wtv = { HSRV_WRITE_TIMEOUT, 0 };
	int		 one = 1;

	if (make_room(s, sa) == -1 || (size_t)salen > sizeof c->peer) {
		log_debug("httpd: connection refused: too many clients");
		s->stats.refused++;
		close(fd);
		return;
	}
	c = xcalloc(1, sizeof *c);
	if ((c->bev = bufferevent_socket_new(s->base, fd, 0)) == NULL) {
		close(fd);
		free(c);
		return;
	}
	c->srv = s;
	c->req.c = c;
	TAILQ_INIT(&c->req.in);
	memcpy(&c->peer, sa, salen);
	c->timer = evtimer_new(s->base, on_deadline, c);
	/* Nagle off: a reply's last short segment must not wait for the
	 * client's delayed ACK; and a reply in as few writes as it takes. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	bufferevent_set_max_single_write(c->bev, 1024 * 1024);
	bufferevent_setwatermark(c->bev, EV_READ, 0, HSRV_HEAD_MAX + 1);
	bufferevent_set_timeouts(c->bev, NULL, &wtv);
	bufferevent_setcb(c->bev, conn_read, conn_write, conn_event, c);
	TAILQ_INSERT_TAIL(&s->conns, c, entry);
	s->nconns++;
	conn_setstate(c, C_HEAD);
	bufferevent_enable(c->bev, EV_READ);
}

/*
 * accept() failed for want of descriptors or memory.  Out of descriptors,
 * a connection without a request gives its own up to the next client;
 * otherwise accepting pauses instead of failing again at once (the
 * listening socket stays readable: retrying would spin).
 */
static void
on_accept_error(struct evconnlistener *lev, void *arg)
{
	struct hsrv	*s = arg;
	struct conn	*victim;
	int		 e = errno;

	if ((e == EMFILE || e == ENFILE) && (victim = evictable(s, NULL)) !=
	    NULL) {
		log_warnx("httpd: accept: %s; closing a connection without "
		    "a request", strerror(e));
		s->stats.evicted++;
		conn_free(victim);
		return;
	}
	log_warnx("httpd: accept: %s; not accepting for %d s", strerror(e),
	    ACCEPT_PAUSE);
	accept_pause(s, ACCEPT_PAUSE);
}

struct hsrv *
hsrv_new(struct event_base *base, hsrv_handler *handler, void *arg)
{
	struct hsrv	*s = xcalloc(1, sizeof *s);

	s->base = base;
	s->handler = handler;
	s->arg = arg;
	s->max = 256;
	TAILQ_INIT(&s->conns);
	s->resume = evtimer_new(base, on_resume, s);
	return s;
}

static int
bind_socket(const char *addr, uint16_t port, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res;
	char		 serv[8];
	int		 fd, rc, one = 1, e;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	snprintf(serv, sizeof serv, "%u", (unsigned)port);
	if ((rc = getaddrinfo(addr, serv, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd == -1 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof one) == -1 || bind(fd, res->ai_addr, res->ai_addrlen) ==
	    -1 || listen(fd, 511) == -1) {
		e = errno;
		snprintf(err, errlen, "cannot bind %s port %u: %s", addr,
		    (unsigned)port, strerror(e));
		if (fd != -1)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
hsrv_listen(struct hsrv *s, const char *listen, char *err, size_t errlen)
{
	struct evconnlistener	*lev;
	char			 addr[256], why[300];
	uint16_t		 port;
	int			 fd;

	if (listen == NULL || conf_listen_split(listen, addr, sizeof addr,
	    &port) == -1) {
		snprintf(err, errlen, "listen: \"%s\": not ADDR:PORT",
		    listen != NULL ? listen : "");
		return -1;
	}
	if ((fd = bind_socket(addr, port, why, sizeof why)) == -1) {
		snprintf(err, errlen, "listen %s: %s", listen, why);
		return -1;
	}
	if ((lev = evconnlistener_new(s->base, on_accept, s,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd)) == NULL) {
		snprintf(err, errlen, "listen %s: %s", listen, strerror(errno));
		close(fd);
		return -1;
	}
	evconnlistener_set_error_cb(lev, on_accept_error);
	if (s->lev != NULL)
		evconnlistener_free(s->lev);
	s->lev = lev;
	if (s->paused)
		evconnlistener_disable(lev);
	return 0;
}

void
hsrv_set_limits(struct hsrv *s, int max, int per_addr)
{
	s->max = max > 0 ? max : 1;
	s->per_addr = per_addr;
}

void
hsrv_get_stats(const struct hsrv *s, struct hsrv_stats *st)
{
	*st = s->stats;
	st->open = s->nconns;
}

void
hsrv_free(struct hsrv *s)
{
	if (s == NULL)
		return;
	if (s->lev != NULL)
		evconnlistener_free(s->lev);
	s->lev = NULL;
	while (!TAILQ_EMPTY(&s->conns))
		conn_free(TAILQ_FIRST(&s->conns));
	event_free(s->resume);
	free(s);
}
