/*
 * fetch.c: libcurl multi socket interface on libevent (one event per
 * socket, one timer), conditional GET, limits, redirects, the protocol and
 * address policy, and the facts that end each fetch (feed.c applies
 * them).  The one HTTP client: one-shot commands use it too (fetch_once).
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "curlev.h"
#include "encoding.h"
#include "fetch.h"
#include "log.h"
#include "parse.h"
#include "sched.h"
#include "url.h"
#include "util.h"

#define ACCEPT "Accept: application/atom+xml, application/rss+xml, " \
	"application/feed+json, application/rdf+xml;q=0.9, " \
	"application/xml;q=0.8, text/xml;q=0.8, application/json;q=0.8, " \
	"*/*;q=0.1"

struct fetch_job {
	LIST_ENTRY(fetch_job) link;
	struct fetcher	*f;
	const struct feed_conf *fc;
	const struct feed_state *st;
	fetch_done_cb	 cb;
	void		*arg;
	CURL		*easy;
	struct curl_slist *hdrs;
	char		 errbuf[CURL_ERROR_SIZE];
	/* The response: headers of the last hop only. */
	int		 status, nhops, temp_redirect;
	char		*etag, *lastmod, *ctype, *retry_after, *cache_control;
	char		*expires, *date;
	/* The body. */
	int64_t		 bytes;
	int		 too_big, body_seen, discard, parse_stopped;
	char		 head[256];
	size_t		 headlen;
	struct parser	*parser;
	/* An entry or the feed's metadata, copied out of the parser's
	 * buffers into one allocation, kept until the callback returns. */
	struct fetch_entry *entries, **tail;
	struct feed_meta *meta;
	struct fetch_result res;
	/* The address policy. */
	int		 remote;	/* FETCH_REMOTE */
	int		 via_public;	/* FETCH_VIA_PUBLIC */
	int		 origin_private; /* the configured URL's address is */
	char		 refused[INET6_ADDRSTRLEN];	/* the address refused */
	int		 refused_hop;
	/* fetch_once: no parser; the body and facts go here. */
	struct fetch_reply *reply;
	struct feed_conf once_fc;
	struct feed_state once_st;
	/* fetch_post: the caller (whose body curl reads in place). */
	int		 post;
	char		*post_url;	/* ours: the config may be reloaded */
	fetch_post_cb	 post_cb;
	void		*post_arg;
	struct fetch_reply post_reply;
};

struct fetcher {
	struct event_base *base;
	struct curlev	*cv;
	int		 active;
	LIST_HEAD(, fetch_job) jobs;
};

static void	job_done(struct fetch_job *, CURLcode);
static int	check_hop_addr(struct fetch_job *, int, const char *);

const char *
fetch_default_user_agent(void)
{
	return "feedmux/" PACKAGE_VERSION " (+" PACKAGE_URL ")";
}

/* A transfer ended (curlev.c drives the multi handle on our loop). */
static void
on_transfer_done(void *arg, CURL *easy, CURLcode rc)
{
	struct fetch_job *job;

	curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&job);
	job_done(job, rc);
}

int
fetch_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void
fetch_global_cleanup(void)
{
	curl_global_cleanup();
}

struct fetcher *
fetcher_new(struct event_base *base, char *err, size_t errlen)
{
	struct fetcher	*f;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "curl_global_init failed");
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->base = base;
	LIST_INIT(&f->jobs);
	if ((f->cv = curlev_new(base, on_transfer_done, f)) == NULL) {
		snprintf(err, errlen, "cannot set up libcurl on libevent");
		fetcher_free(f);
		return NULL;
	}
	return f;
}

int
fetcher_active(struct fetcher *f)
{
	return f->active;
}

void
fetcher_abort(struct fetcher *f)
{
	struct fetch_job *job;

	while ((job = LIST_FIRST(&f->jobs)) != NULL) {
		job->res.aborted = 1;
		job_done(job, CURLE_ABORTED_BY_CALLBACK);
	}
}

void
fetcher_free(struct fetcher *f)
{
	if (f == NULL)
		return;
	fetcher_abort(f);
	curlev_free(f->cv);
	free(f);
}

/* Copying parser output. */

static char *
put_str(char **p, const char *s)
{
	size_t	 n;
	char	*r = *p;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(r, s, n);
	*p += n;
	return r;
}

static size_t
str_size(const char *s)
{
	return s != NULL ? strlen(s) + 1 : 0;
}

static int
on_entry(void *arg, const struct entry *e)
{
	struct fetch_job *job = arg;
	struct fetch_entry *c;
	struct enclosure *enc;
	const char	**cats;
	size_t		 i, n;
	char		*p;

	n = sizeof(*c) + e->ncategories * sizeof(char *) +
	    e->nenclosures * sizeof(struct enclosure) + str_size(e->id) +
	    str_size(e->title) + str_size(e->link) + str_size(e->author) +
	    str_size(e->author_email) + str_size(e->thumbnail) +
	    str_size(e->summary) + str_size(e->content);
	for (i = 0; i < e->ncategories; i++)
		n += str_size(e->categories[i]);
	for (i = 0; i < e->nenclosures; i++)
		n += str_size(e->enclosures[i].url) +
		    str_size(e->enclosures[i].type);
	c = xmalloc(n);
	c->next = NULL;
	c->e = *e;
	cats = (const char **)(c + 1);
	enc = (struct enclosure *)(cats + e->ncategories);
	p = (char *)(enc + e->nenclosures);
	for (i = 0; i < e->ncategories; i++)
		cats[i] = put_str(&p, e->categories[i]);
	for (i = 0; i < e->nenclosures; i++) {
		enc[i] = e->enclosures[i];
		enc[i].url = put_str(&p, e->enclosures[i].url);
		enc[i].type = put_str(&p, e->enclosures[i].type);
	}
	c->e.categories = cats;
	c->e.enclosures = enc;
	c->e.id = put_str(&p, e->id);
	c->e.title = put_str(&p, e->title);
	c->e.link = put_str(&p, e->link);
	c->e.author = put_str(&p, e->author);
	c->e.author_email = put_str(&p, e->author_email);
	c->e.thumbnail = put_str(&p, e->thumbnail);
	c->e.summary = put_str(&p, e->summary);
	c->e.content = put_str(&p, e->content);
	*job->tail = c;
	job->tail = &c->next;
	return 0;
}

static void
on_meta(void *arg, const struct feed_meta *m)
{
	struct fetch_job *job = arg;
	struct feed_meta *c;
	char		*p;

	c = xmalloc(sizeof(*c) + str_size(m->title) + str_size(m->link) +
	    str_size(m->self) + str_size(m->subtitle) + str_size(m->id));
	*c = *m;
	p = (char *)(c + 1);
	c->title = put_str(&p, m->title);
	c->link = put_str(&p, m->link);
	c->self = put_str(&p, m->self);
	c->subtitle = put_str(&p, m->subtitle);
	c->id = put_str(&p, m->id);
	free(job->meta);
	job->meta = c;
}

static const struct parse_cb parse_cbs = { on_entry, on_meta };

/* The response. */

static void
set_hdr(char **dst, const char *v, size_t len)
{
	free(*dst);
	*dst = xstrndup(v, len);
}

/* The response headers kept from the current hop. */
static void
free_headers(struct fetch_job *job)
{
	free(job->etag);
	free(job->lastmod);
	free(job->ctype);
	free(job->retry_after);
	free(job->cache_control);
	free(job->expires);
	free(job->date);
	job->etag = job->lastmod = job->ctype = job->retry_after = NULL;
	job->cache_control = job->expires = job->date = NULL;
}

static int
new_hop(struct fetch_job *job, const char *line, size_t len)
{
	const char	*sp = memchr(line, ' ', len);
	int		 code = sp != NULL ? atoi(sp + 1) : 0;
#if LIBCURL_VERSION_NUM < 0x075000
	char		*ip = NULL;
#endif

	if (code >= 100 && code < 200)
		return 0;		/* 100 Continue: the same hop */
#if LIBCURL_VERSION_NUM < 0x075000
	/* No CURLOPT_PREREQFUNCTION: at least the response is not used. */
	if (curl_easy_getinfo(job->easy, CURLINFO_PRIMARY_IP, &ip) ==
	    CURLE_OK && check_hop_addr(job, job->nhops, ip) == -1)
		return -1;
#endif
	/* The previous hop redirected here: was it for good? */
	if (job->nhops > 0 && job->status != 301 && job->status != 308)
		job->temp_redirect = 1;
	job->nhops++;
	job->status = code;
	free_headers(job);
	return 0;
}

static size_t
on_header(char *buf, size_t size, size_t n, void *arg)
{
	static const struct { const char *name; size_t off; } keep[] = {
		{ "etag", offsetof(struct fetch_job, etag) },
		{ "last-modified", offsetof(struct fetch_job, lastmod) },
		{ "content-type", offsetof(struct fetch_job, ctype) },
		{ "retry-after", offsetof(struct fetch_job, retry_after) },
		{ "cache-control", offsetof(struct fetch_job, cache_control) },
		{ "expires", offsetof(struct fetch_job, expires) },
		{ "date", offsetof(struct fetch_job, date) },
	};
	struct fetch_job *job = arg;
	size_t		 len = size * n, i, nl;
	const char	*colon, *v, *end = buf + len;

	if (len > 5 && strncmp(buf, "HTTP/", 5) == 0)
		return new_hop(job, buf, len) == 0 ? len : 0;
	if ((colon = memchr(buf, ':', len)) == NULL)
		return len;
	nl = (size_t)(colon - buf);
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && isspace((unsigned char)end[-1]))
		end--;
	for (i = 0; i < nitems(keep); i++)
		if (strlen(keep[i].name) == nl &&
		    strncasecmp(buf, keep[i].name, nl) == 0)
			set_hdr((char **)((char *)job + keep[i].off), v,
			    (size_t)(end - v));
	return len;
}

static void
body_start(struct fetch_job *job)
{
	char	 cs[64], *url = NULL;
	long	 code = 0;

	job->body_seen = 1;
	if (job->reply != NULL)
		return;			/* fetch_once: the caller parses */
	curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &code);
	/* Only a 200 (or a file: URL, which has no status) is a document;
	 * an error page is not parsed. */
	if (code != 200 && code != 0) {
		job->discard = 1;
		return;
	}
	http_charset(job->ctype, cs, sizeof(cs));
	curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &url);
	job->parser = parser_new(url, cs[0] ? cs : NULL, &parse_cbs, job);
}

static size_t
on_write(char *buf, size_t size, size_t n, void *arg)
{
	struct fetch_job *job = arg;
	size_t		 len = size * n, h;

	/* Counted after decoding, so a small gzip bomb is caught too. */
	if (job->bytes + (int64_t)len > job->fc->opts.max_size &&
	    job->fc->opts.max_size > 0) {
		job->too_big = 1;
		return 0;
	}
	job->bytes += (int64_t)len;
	if (!job->body_seen)
		body_start(job);
	if (job->reply != NULL) {
		buf_add(&job->reply->body, buf, len);
		return len;
	}
	if (job->discard)
		return len;
	if ((h = sizeof(job->head) - job->headlen) > len)
		h = len;
	memcpy(job->head + job->headlen, buf, h);
	job->headlen += h;
	if (job->parser != NULL && parser_push(job->parser, buf, len) < 0) {
		job->parse_stopped = 1;
		return 0;
	}
	return len;
}

/*
 * The protocol rule.  A URL from the config file or the command line may
 * be file:; one from fetched content or an imported file may not, and a
 * redirect never.
 */
#define PROTOS_REMOTE	"http,https"
#define PROTOS_LOCAL	PROTOS_REMOTE ",file"

/* Is scheme one of the comma-separated list? */
static int
proto_in(const char *scheme, const char *list)
{
	size_t	 n = strlen(scheme), m;

	for (; *list != '\0'; list += m + (list[m] == ',')) {
		m = strcspn(list, ",");
		if (m == n && strncasecmp(list, scheme, n) == 0)
			return 1;
	}
	return 0;
}

int
fetch_url_allowed(const char *url, int remote)
{
	CURLU	*u;
	char	*scheme = NULL;
	int	 ok = 0;

	if ((u = curl_url()) == NULL)
		fatalx("curl_url failed");
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK && curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ==
	    CURLUE_OK)
		ok = proto_in(scheme, remote ? PROTOS_REMOTE : PROTOS_LOCAL);
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok;
}

/*
 * May hop (0: the URL as given) reach an address of this kind?  A URL
 * configured with a private address may, and then so may its redirects;
 * from a public one (or a link in fetched content: FETCH_VIA_PUBLIC) only
 * with allow_private.
 */
static int
addr_allowed(struct fetch_job *job, int hop, int private)
{
	if (!private)
		return 1;
	if (hop == 0 && !job->via_public) {
		job->origin_private = 1;
		return 1;
	}
	return job->origin_private || job->fc->opts.allow_private > 0;
}

static void
refuse(struct fetch_job *job, int hop, const char *ip)
{
	snprintf(job->refused, sizeof(job->refused), "%s", ip);
	job->refused_hop = hop;
}

/* Every new connection, before it is made: the address DNS gave. */
static curl_socket_t
on_opensocket(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct fetch_job	*job = arg;
	struct sockaddr_storage	 ss;
	char			 ip[INET6_ADDRSTRLEN] = "?";

	if (purpose == CURLSOCKTYPE_IPCXN && a->addrlen <= sizeof(ss)) {
		memset(&ss, 0, sizeof(ss));
		memcpy(&ss, &a->addr, a->addrlen);
		if (!addr_allowed(job, job->nhops,
		    url_addr_private((struct sockaddr *)&ss))) {
			if (ss.ss_family == AF_INET)
				inet_ntop(AF_INET, &((struct sockaddr_in *)
				    &ss)->sin_addr, ip, sizeof(ip));
			else if (ss.ss_family == AF_INET6)
				inet_ntop(AF_INET6, &((struct sockaddr_in6 *)
				    &ss)->sin6_addr, ip, sizeof(ip));
			refuse(job, job->nhops, ip);
			return CURL_SOCKET_BAD;
		}
	}
	return socket(a->family, a->socktype, a->protocol);
}

/*
 * Each request, again, before it is sent: a connection reused from the
 * pool (opened for another feed) does not pass through on_opensocket.
 */
static int
check_hop_addr(struct fetch_job *job, int hop, const char *ip)
{
	if (ip == NULL || *ip == '\0' ||
	    addr_allowed(job, hop, url_ip_private(ip)))
		return 0;
	refuse(job, hop, ip);
	return -1;
}

#if LIBCURL_VERSION_NUM >= 0x075000
static int
on_prereq(void *arg, char *ip, char *local_ip, int port, int local_port)
{
	struct fetch_job *job = arg;

	return check_hop_addr(job, job->nhops, ip) == 0 ?
	    CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}
#endif

/* Starting a transfer. */

static void
add_header(struct fetch_job *job, const char *name, const char *value)
{
	char	*h;

	xasprintf(&h, "%s: %s", name, value);
	job->hdrs = curl_slist_append(job->hdrs, h);
	free(h);
}

static void
job_setopts(struct fetch_job *job)
{
	const struct feed_opts *o = &job->fc->opts;
	CURL		*e = job->easy;
	const char	*ua;
	size_t		 i;

	curl_easy_setopt(e, CURLOPT_URL, job->st->url != NULL ?
	    job->st->url : job->fc->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, job);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, job->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, job);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, job);
	/* "": every encoding this libcurl can decode. */
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	ua = o->user_agent != NULL && o->user_agent[0] != '\0' ?
	    o->user_agent : fetch_default_user_agent();
	curl_easy_setopt(e, CURLOPT_USERAGENT, ua);
	/* A POST is not repeated elsewhere: a redirect is the answer. */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, job->post ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS,
	    (long)(o->max_redirects >= 0 ? o->max_redirects : 5));
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, job->remote ?
	    PROTOS_REMOTE : PROTOS_LOCAL);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, PROTOS_REMOTE);
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP |
	    CURLPROTO_HTTPS | (job->remote ? 0 : CURLPROTO_FILE)));
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, job);
#if LIBCURL_VERSION_NUM >= 0x075000
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, job);
#endif
	if (o->connect_timeout > 0)
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT,
		    (long)o->connect_timeout);
	if (o->timeout > 0)
		curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)o->timeout);
	/* Less than 10 bytes/s for 30 s (or the whole timeout): stalled. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 10L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (long)(o->timeout > 0 &&
	    o->timeout < 30 ? o->timeout : 30));
	if (o->max_size > 0)
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)o->max_size);
	if (job->fc->username != NULL) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, job->fc->username);
		curl_easy_setopt(e, CURLOPT_PASSWORD, job->fc->password != NULL ?
		    job->fc->password : "");
	}
	if (job->post) {
		job->hdrs = curl_slist_append(NULL,
		    "Content-Type: application/json");
		/* No 100-continue round trip: receivers are ours to pick. */
		job->hdrs = curl_slist_append(job->hdrs, "Expect:");
	} else
		job->hdrs = curl_slist_append(NULL, ACCEPT);
	if (job->st->etag != NULL && job->st->etag[0] != '\0')
		add_header(job, "If-None-Match", job->st->etag);
	if (job->st->last_modified != NULL && job->st->last_modified[0] != '\0')
		add_header(job, "If-Modified-Since", job->st->last_modified);
	for (i = 0; i < job->fc->nheaders; i++)
		job->hdrs = curl_slist_append(job->hdrs, job->fc->headers[i]);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, job->hdrs);
}

static struct fetch_job *
job_new(struct fetcher *f, const struct feed_conf *fc,
    const struct feed_state *st, fetch_done_cb cb, void *arg)
{
	struct fetch_job *job = xcalloc(1, sizeof(*job));

	job->f = f;
	job->fc = fc;
	job->st = st;
	job->cb = cb;
	job->arg = arg;
	job->tail = &job->entries;
	return job;
}

/* Sets the job going, or frees it and returns -1. */
static int
job_start(struct fetch_job *job)
{
	struct fetcher	*f = job->f;

	if (job->easy == NULL && (job->easy = curl_easy_init()) == NULL) {
		free(job);
		return -1;
	}
	job_setopts(job);
	if (curlev_add(f->cv, job->easy) == -1) {
		curl_slist_free_all(job->hdrs);
		curl_easy_cleanup(job->easy);
		free(job->post_url);
		free(job);
		return -1;
	}
	LIST_INSERT_HEAD(&f->jobs, job, link);
	f->active++;
	return 0;
}

int
fetch_start(struct fetcher *f, const struct feed_conf *fc,
    const struct feed_state *st, fetch_done_cb cb, void *arg)
{
	return job_start(job_new(f, fc, st, cb, arg));
}

/* Ending a transfer. */

static void
job_free(struct fetch_job *job)
{
	struct fetch_entry *c, *next;

	for (c = job->entries; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	if (job->parser != NULL)
		parser_free(job->parser);
	free(job->meta);
	free(job->post_url);
	free_headers(job);
	curl_slist_free_all(job->hdrs);
	curl_easy_cleanup(job->easy);
	free(job);
}

static void __attribute__((format(printf, 2, 3)))
job_error(struct fetch_job *job, const char *fmt, ...)
{
	char	 what[384];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(job->res.error, sizeof(job->res.error), "%s%s%s: %s",
	    job->fc->name != NULL ? job->fc->name : "",
	    job->fc->name != NULL ? ": " : "",
	    job->st->url != NULL ? job->st->url : job->fc->url, what);
	utf8_line(job->res.error);	/* a server's words, cut to fit */
}

static void
curl_error(struct fetch_job *job, CURLcode rc)
{
	const char	*msg = job->errbuf[0] ? job->errbuf :
			    curl_easy_strerror(rc);
	char		*loc = NULL;

	if (job->refused[0] != '\0')
		job_error(job, "%s to private address %s refused "
		    "(allow_private = yes allows it)", job->refused_hop > 0 ?
		    "redirect" : "link", job->refused);
	else if (job->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		job_error(job, "body larger than max_size (%lld bytes)",
		    (long long)job->fc->opts.max_size);
	else if (rc == CURLE_TOO_MANY_REDIRECTS)
		job_error(job, "more than %d redirects",
		    job->fc->opts.max_redirects);
	else if (rc == CURLE_UNSUPPORTED_PROTOCOL && job->nhops > 0) {
		curl_easy_getinfo(job->easy, CURLINFO_REDIRECT_URL, &loc);
		job_error(job, "redirect to a non-HTTP(S) URL refused: %s",
		    loc != NULL ? loc : msg);
	} else if (rc == CURLE_OPERATION_TIMEDOUT)
		job_error(job, "timed out: %s", msg);
	else if (rc == CURLE_PARTIAL_FILE)
		job_error(job, "truncated body: %s", msg);
	else
		job_error(job, "%s", msg);
}

/* Retry-After: delay-seconds or an HTTP date; 0 if neither. */
static int64_t
retry_at(const char *v, int64_t now)
{
	char	*end;
	long	 n;
	time_t	 t;

	if (v == NULL || *v == '\0')
		return 0;
	n = strtol(v, &end, 10);
	if (*end == '\0' && n >= 0)
		return now + n;
	if ((t = curl_getdate(v, NULL)) == -1)
		return 0;
	return (int64_t)t;
}

/* How long the server says the document stays fresh; 0: no word. */
static int64_t
max_age(const struct fetch_job *job, int64_t now)
{
	const char	*p;
	time_t		 exp, date;

	if (job->cache_control != NULL &&
	    (p = strcasestr(job->cache_control, "max-age=")) != NULL)
		return strtoll(p + 8, NULL, 10);
	if (job->expires == NULL || (exp = curl_getdate(job->expires, NULL)) ==
	    -1)
		return 0;
	if (job->date == NULL || (date = curl_getdate(job->date, NULL)) == -1)
		date = (time_t)now;
	return exp > date ? (int64_t)(exp - date) : 0;
}

static void
take(char **dst, char **src)
{
	free(*dst);
	*dst = *src;
	*src = NULL;
}

/* A 200 (or file:) body: did it hold a feed? */
static int
parsed_ok(struct fetch_job *job)
{
	struct parse_result pr;
	char		*url = NULL;

	memset(&pr, 0, sizeof(pr));
	if (job->parser == NULL) {
		curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &url);
		job->parser = parser_new(url, NULL, &parse_cbs, job);
	}
	if (parser_finish(job->parser, &pr) == 0 && pr.format != FMT_UNKNOWN) {
		job->res.malformed = pr.malformed;
		return 1;
	}
	if (looks_html(job->head, job->headlen) || (job->ctype != NULL &&
	    strncasecmp(job->ctype, "text/html", 9) == 0))
		job_error(job, "got an HTML page, not a feed");
	else if (job->bytes == 0)
		job_error(job, "empty body");
	else
		job_error(job, "not a feed: %s", pr.error[0] ? pr.error :
		    "unrecognized document");
	return 0;
}

/* A 200 or 304: the facts the feed's new state is made of. */
static void
facts_ok(struct fetch_job *job, int64_t now)
{
	struct fetch_result *res = &job->res;
	char		*url = NULL;

	res->etag = job->etag;
	res->last_modified = job->lastmod;
	if (curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &url) ==
	    CURLE_OK)
		res->url = url;
	/* Only a chain of permanent redirects moves the feed. */
	res->moved = job->nhops > 1 && !job->temp_redirect;
	res->max_age = max_age(job, now);
	res->meta = job->meta;
	res->entries = job->entries;
}

/* Decide what the transfer amounted to; fill job->res. */
static int
classify(struct fetch_job *job, CURLcode rc, int64_t now)
{
	struct fetch_result *res = &job->res;

	res->status = job->status;
	res->bytes = job->bytes;
	res->outcome = SCHED_ERROR;
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && job->parse_stopped)) {
		curl_error(job, rc);
		return -1;
	}
	if (job->status == 304) {
		res->not_modified = 1;
		res->outcome = SCHED_OK;
		return 0;
	}
	if (job->status == 200 || job->status == 0) {
		if (!parsed_ok(job))
			return -1;
		res->outcome = SCHED_OK;
		return 0;
	}
	if (job->status == 410) {
		res->outcome = SCHED_GONE;
		job_error(job, "HTTP 410 Gone: feed retired");
		return -1;
	}
	if ((job->status == 429 || job->status == 503) &&
	    (res->retry_at = retry_at(job->retry_after, now)) > 0) {
		res->outcome = SCHED_RETRY_AFTER;
		job_error(job, "HTTP %d, retry after %s", job->status,
		    job->retry_after);
		return -1;
	}
	job_error(job, "HTTP %d", job->status);
	return -1;
}

/* fetch_once: the facts, no parse, no store. */
static void
once_done(struct fetch_job *job, CURLcode rc)
{
	struct fetch_reply *r = job->reply;
	char		*url = NULL;

	r->status = job->status;
	if (curl_easy_getinfo(job->easy, CURLINFO_EFFECTIVE_URL, &url) ==
	    CURLE_OK && url != NULL)
		r->url = xstrdup(url);
	else
		r->url = xstrdup(job->fc->url);
	take(&r->ctype, &job->ctype);
	/* A local file is trusted like a private address. */
	r->private_addr = job->origin_private || (rc == CURLE_OK &&
	    job->nhops == 0);
	if (rc != CURLE_OK) {
		curl_error(job, rc);
		r->refused = job->refused[0] != '\0' ||
		    rc == CURLE_UNSUPPORTED_PROTOCOL;
		r->noinput = rc == CURLE_FILE_COULDNT_READ_FILE;
	} else if (job->status != 0 && (job->status < 200 ||
	    job->status > 299))
		job_error(job, "HTTP %d", job->status);
	snprintf(r->error, sizeof(r->error), "%s", job->res.error);
}

static void
job_done(struct fetch_job *job, CURLcode rc)
{
	struct fetcher	*f = job->f;
	int64_t		 now = fm_now();

	LIST_REMOVE(job, link);
	f->active--;
	curlev_remove(f->cv, job->easy);
	if (job->reply != NULL)
		once_done(job, rc);
	else if (!job->res.aborted && classify(job, rc, now) == 0)
		facts_ok(job, now);
	job->cb(job->arg, &job->res);
	job_free(job);
}

/* One-shot fetches. */

static void
once_cb(void *arg, const struct fetch_result *res)
{
	struct event_base *base = arg;

	event_base_loopbreak(base);
}

int
fetch_once(const char *url, const struct feed_opts *opts, int flags,
    struct fetch_reply *r)
{
	struct event_base *base;
	struct fetcher	*f;
	struct fetch_job *job;
	char		 err[256];

	memset(r, 0, sizeof(*r));
	if (!fetch_url_allowed(url, flags & FETCH_REMOTE)) {
		snprintf(r->error, sizeof(r->error), "%s: %s", url,
		    flags & FETCH_REMOTE ? "only http and https URLs may come "
		    "from fetched content" : "not an http, https or file URL");
		r->refused = 1;
		return -1;
	}
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	if ((f = fetcher_new(base, err, sizeof(err))) == NULL) {
		snprintf(r->error, sizeof(r->error), "%s: %s", url, err);
		event_base_free(base);
		return -1;
	}
	job = job_new(f, NULL, NULL, once_cb, base);
	job->once_fc.url = (char *)url;
	job->once_fc.opts = *opts;
	job->fc = &job->once_fc;
	job->st = &job->once_st;
	job->reply = r;
	job->remote = (flags & FETCH_REMOTE) != 0;
	job->via_public = (flags & FETCH_VIA_PUBLIC) != 0;
	if (job_start(job) == -1)
		snprintf(r->error, sizeof(r->error), "%s: cannot start the "
		    "transfer", url);
	else
		event_base_dispatch(base);
	fetcher_free(f);		/* a transfer still running: aborted */
	event_base_free(base);
	return r->error[0] == '\0' ? 0 : -1;
}

static void
post_cb(void *arg, const struct fetch_result *res)
{
	struct fetch_job *job = arg;

	job->post_cb(job->post_arg, job->reply);
	fetch_reply_free(job->reply);
}

int
fetch_post(struct fetcher *f, const char *url, const struct feed_opts *opts,
    char **headers, size_t nheaders, const char *body, size_t len,
    fetch_post_cb cb, void *arg)
{
	struct fetch_job *job;

	if (!fetch_url_allowed(url, 1))
		return -1;
	job = job_new(f, NULL, NULL, post_cb, NULL);
	job->arg = job;
	job->once_fc.url = job->post_url = xstrdup(url);
	job->once_fc.opts = *opts;
	job->once_fc.headers = headers;	/* copied into hdrs at the start */
	job->once_fc.nheaders = nheaders;
	job->fc = &job->once_fc;
	job->st = &job->once_st;
	job->reply = &job->post_reply;
	job->post = 1;
	job->post_cb = cb;
	job->post_arg = arg;
	if ((job->easy = curl_easy_init()) == NULL) {
		free(job->post_url);
		free(job);
		return -1;
	}
	curl_easy_setopt(job->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)len);
	/* Not copied: a hook's batch may be megabytes. */
	curl_easy_setopt(job->easy, CURLOPT_POSTFIELDS, body);
	return job_start(job);
}

void
fetch_reply_free(struct fetch_reply *r)
{
	buf_free(&r->body);
	free(r->url);
	free(r->ctype);
}
