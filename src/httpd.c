/*
 * httpd.c: the endpoint serving the merged feeds and river pages, the
 * newest digest, /healthz and /metrics, over httpsrv.c's connections.
 *
 * Documents are rendered in memory from the store, not read from the
 * output files, and kept until the store's generation changes or the
 * poll loop calls httpd_refresh().  Only fixed paths are served: nothing
 * in a URL reaches the file system.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <zlib.h>

#include "date.h"
#include "digest.h"
#include "httpd.h"
#include "httpsrv.h"
#include "log.h"
#include "merge.h"
#include "util.h"

#define DIGEST_MAX	(64 * 1024 * 1024)

struct cycle_stats cycle_stats;

/*
 * Bytes that replies may still be sending after their document is rendered
 * anew: evbuffers take them by reference, counted, so no reply copies or
 * allocates its body.
 */
struct shared {
	int		 refs;
	struct buf	 b;
};

/* One rendered document and its validators. */
struct doc {
	struct shared	*body;
	struct shared	*gz;		/* gzip'd body, made on first demand */
	char		 etag[40];
	int64_t		 mtime;		/* when these bytes first appeared */
	int64_t		 generation;
	int		 valid;
};

struct httpd {
	struct event_base	*base;
	struct hsrv		*srv;
	char			*listen;	/* what srv is bound to */
	const struct conf	*conf;
	struct store		*st;
	struct doc		*docs;	/* per output: atom, rss, json, html */
	size_t			 ndocs;
	struct output_conf	 def;	/* served when there is no [output] */
	/* The newest digest file, shared by its readers like the feeds. */
	struct doc		 digest;
	char			*digest_path;
	struct stat		 digest_sb;
};

static const char *ctypes[] = {
	"application/atom+xml; charset=utf-8",
	"application/rss+xml; charset=utf-8",
	"application/feed+json; charset=utf-8",
	"text/html; charset=utf-8",
};

/* Takes b over. */
static struct shared *
shared_new(struct buf *b)
{
	struct shared	*sh = xcalloc(1, sizeof *sh);

	sh->refs = 1;
	sh->b = *b;
	memset(b, 0, sizeof *b);
	return sh;
}

static void
shared_unref(struct shared *sh)
{
	if (sh != NULL && --sh->refs == 0) {
		buf_free(&sh->b);
		free(sh);
	}
}

static void
shared_done(const void *data, size_t len, void *arg)
{
	shared_unref(arg);
}

static void
add_shared(struct evbuffer *eb, struct shared *sh)
{
	if (sh->b.len == 0)
		return;
	sh->refs++;
	if (evbuffer_add_reference(eb, sh->b.s, sh->b.len, shared_done,
	    sh) == -1) {
		sh->refs--;
		evbuffer_add(eb, sh->b.s, sh->b.len);
	}
}

static void
doc_clear(struct doc *d)
{
	shared_unref(d->body);
	shared_unref(d->gz);
	memset(d, 0, sizeof *d);
}

static void
docs_free(struct httpd *h)
{
	size_t	 i;

	for (i = 0; i < h->ndocs; i++)
		doc_clear(&h->docs[i]);
	free(h->docs);
	h->docs = NULL;
	h->ndocs = 0;
}

static void
docs_alloc(struct httpd *h)
{
	size_t	 n = h->conf->noutputs > 0 ? h->conf->noutputs : 1;

	h->docs = xcalloc(n * MERGE_NFORMATS, sizeof *h->docs);
	h->ndocs = n * MERGE_NFORMATS;
}

static const struct output_conf *
doc_output(struct httpd *h, size_t i)
{
	return h->conf->noutputs > 0 ? &h->conf->outputs[i / MERGE_NFORMATS] :
	    &h->def;
}

/* A strong validator: the hash of the bytes, with their length. */
static void
make_etag(char *out, size_t len, const char *s, size_t n, const char *sfx)
{
	snprintf(out, len, "\"%016" PRIx64 "-%zx%s\"",
	    hash_bytes(HASH_INIT, s, n), n, sfx);
}

/* Take b over as doc i's bytes, unless they are the ones it has. */
static void
doc_set(struct doc *d, struct buf *b, int64_t gen, int64_t mtime)
{
	char	 etag[sizeof d->etag];

	make_etag(etag, sizeof etag, b->s, b->len, "");
	if (!d->valid || strcmp(etag, d->etag) != 0) {
		shared_unref(d->body);
		shared_unref(d->gz);
		d->body = shared_new(b);
		d->gz = NULL;
		memcpy(d->etag, etag, sizeof etag);
		d->mtime = mtime;
	} else
		buf_free(b);
	d->generation = gen;
	d->valid = 1;
}

/*
 * A database shared by several daemons: the renderer's latest rendering
 * of doc i, the same bytes and date from every daemon.  1 when doc i is
 * current, 0 when nothing is published yet (render it here), -1 on error.
 */
static int
doc_published(struct httpd *h, size_t i)
{
	struct doc	*d = &h->docs[i];
	struct buf	 b = { NULL, 0, 0 };
	char		 name[256];
	int64_t		 gen = d->valid ? d->generation : -1, mtime;
	int		 rc;

	merge_rendering_name(doc_output(h, i), i % MERGE_NFORMATS, name,
	    sizeof name);
	if ((rc = store_rendering_get(h->st, name, &gen, &mtime, &b)) == 1)
		doc_set(d, &b, gen, mtime);
	else if (rc == -1)
		log_warnx("httpd: %s", store_error(h->st));
	buf_free(&b);
	return rc == 1 || (rc == 0 && d->valid) ? 1 : rc;
}

/* Render doc i again if the store moved on; -1 when rendering fails. */
static int
doc_update(struct httpd *h, size_t i)
{
	struct doc	*d = &h->docs[i];
	struct buf	 b = { NULL, 0, 0 };
	char		 err[512];
	int64_t		 gen;

	if (store_shared(h->st) && doc_published(h, i) == 1)
		return 0;
	gen = store_generation(h->st);
	if (d->valid && gen != -1 && gen == d->generation)
		return 0;
	if (merge_render(h->st, h->conf, doc_output(h, i), i % MERGE_NFORMATS,
	    &b, err, sizeof err) == -1) {
		log_warnx("httpd: %s", err);
		buf_free(&b);
		return -1;
	}
	doc_set(d, &b, gen, fm_now());
	return 0;
}

static int
gzip_buf(struct buf *out, const char *s, size_t n)
{
	z_stream	 z;
	size_t		 bound;
	int		 rc;

	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip wrapper, with mtime 0 so bytes are repeatable. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	buf_reset(out);
	bound = deflateBound(&z, n);
	buf_grow(out, bound);
	z.next_in = (unsigned char *)(uintptr_t)s;
	z.avail_in = n;
	z.next_out = (unsigned char *)out->s;
	z.avail_out = bound;
	rc = deflate(&z, Z_FINISH);
	out->len = bound - z.avail_out;
	out->s[out->len] = '\0';
	deflateEnd(&z);
	return rc == Z_STREAM_END ? 0 : -1;
}

/* Does Accept-Encoding allow gzip (a gzip or * token, q not 0)? */
static int
accepts_gzip(const char *ae)
{
	char	*s, *tok, *semi, *q, *save = NULL;
	int	 yes = 0, star = 0, gz = -1;

	if (ae == NULL)
		return 0;
	s = xstrdup(ae);
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		yes = 1;
		if ((semi = strchr(tok, ';')) != NULL) {
			*semi++ = '\0';
			if ((q = strstr(semi, "q=")) != NULL &&
			    strtod(q + 2, NULL) <= 0)
				yes = 0;
		}
		strtrim(tok);
		if (strcasecmp(tok, "gzip") == 0 ||
		    strcasecmp(tok, "x-gzip") == 0)
			gz = yes;
		else if (strcmp(tok, "*") == 0)
			star = yes;
	}
	free(s);
	return gz != -1 ? gz : star;
}

/* If-None-Match: a list of tags (weak comparison, RFC 9110 13.1.2), or *. */
static int
etag_listed(const char *inm, const char *etag)
{
	const char	*p = inm, *end;
	size_t		 len = strlen(etag);

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '*')
			return 1;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return 0;
		if ((end = strchr(p + 1, '"')) == NULL)
			return 0;
		if ((size_t)(end + 1 - p) == len && strncmp(p, etag, len) == 0)
			return 1;
		p = end + 1;
	}
	return 0;
}

/* RFC 9110 13.2.2: If-None-Match decides when given, else the date. */
static int
not_modified(struct hreq *req, const char *etag, int64_t mtime)
{
	const char	*inm, *ims;
	int64_t		 t;

	if ((inm = hreq_header(req, "If-None-Match")) != NULL)
		return etag_listed(inm, etag);
	if ((ims = hreq_header(req, "If-Modified-Since")) != NULL &&
	    (t = date_http(ims, strlen(ims))) != DATE_NONE)
		return mtime <= t;
	return 0;
}

/* Send d's body with its validators; its gzip form is made once. */
static void
send_doc(struct hreq *req, const char *ctype, struct doc *d)
{
	struct evbuffer	*eb;
	struct buf	 tmp = { NULL, 0, 0 };
	char		 date[30], gzetag[48];
	const char	*etag = d->etag;
	int		 zip;

	if ((zip = accepts_gzip(hreq_header(req, "Accept-Encoding"))) &&
	    d->gz == NULL) {
		if (gzip_buf(&tmp, d->body->b.s, d->body->b.len) == 0)
			d->gz = shared_new(&tmp);
		else
			zip = 0;
		buf_free(&tmp);
	}
	/* A different encoding is a different representation (RFC 9110 8.8.3). */
	snprintf(gzetag, sizeof gzetag, "%.*s-gz\"", (int)strlen(etag) - 1,
	    etag);
	fmt_rfc822(date, d->mtime);
	hreq_add_header(req, "Content-Type", ctype);
	hreq_add_header(req, "ETag", zip ? gzetag : etag);
	hreq_add_header(req, "Last-Modified", date);
	hreq_add_header(req, "Vary", "Accept-Encoding");
	hreq_add_header(req, "Cache-Control", "no-cache");
	if (not_modified(req, zip ? gzetag : etag, d->mtime)) {
		hreq_reply(req, 304, "Not Modified", NULL);
		return;
	}
	if (zip)
		hreq_add_header(req, "Content-Encoding", "gzip");
	eb = evbuffer_new();
	add_shared(eb, zip ? d->gz : d->body);
	hreq_reply(req, 200, "OK", eb);
	evbuffer_free(eb);
}

static void
send_text(struct hreq *req, int code, const char *reason,
    const char *ctype, const char *text, size_t len)
{
	struct evbuffer	*eb = evbuffer_new();

	hreq_add_header(req, "Content-Type", ctype);
	hreq_add_header(req, "Cache-Control", "no-store");
	evbuffer_add(eb, text, len);
	hreq_reply(req, code, reason, eb);
	evbuffer_free(eb);
}

static void
send_404(struct hreq *req)
{
	static const char msg[] = "not found\n";

	send_text(req, 404, "Not Found", "text/plain; charset=utf-8", msg,
	    sizeof msg - 1);
}

/*
 * "/atom.xml" is the first output's; "/NAME/atom.xml" a named one's; "/"
 * and "/NAME/" the river pages.  Returns the doc index, or -1.
 */
static int
route_doc(struct httpd *h, const char *path)
{
	static const char *files[] = { "atom.xml", "rss.xml", "feed.json",
	    "" };
	const char	*slash, *file = path + 1;
	size_t		 i, f, nlen = 0;

	if ((slash = strchr(path + 1, '/')) != NULL) {
		nlen = slash - (path + 1);
		file = slash + 1;
	}
	for (f = 0; f < nitems(files); f++)
		if (strcmp(file, files[f]) == 0)
			break;
	if (f == nitems(files))
		return -1;
	if (slash == NULL)
		return (int)f;
	for (i = 0; i < h->conf->noutputs; i++) {
		const char *name = h->conf->outputs[i].name;

		if (*name != '\0' && strlen(name) == nlen &&
		    strncmp(name, path + 1, nlen) == 0)
			return (int)(i * MERGE_NFORMATS + f);
	}
	return -1;
}

static void
serve_output(struct httpd *h, struct hreq *req, size_t i)
{
	static const char msg[] = "cannot render the feed\n";

	if (doc_update(h, i) == -1) {
		send_text(req, 500, "Internal Server Error",
		    "text/plain; charset=utf-8", msg, sizeof msg - 1);
		return;
	}
	send_doc(req, ctypes[i % MERGE_NFORMATS], &h->docs[i]);
}

/* The newest digest-*.html in dir by mtime (then name); 0 found, -1 none. */
static int
newest_digest(const char *dir, char **path, int64_t *mtime)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*p, *best = NULL;
	int64_t		 bt = 0;

	if (dir == NULL || (d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (fnmatch("digest-*.html", de->d_name, FNM_PERIOD) != 0)
			continue;
		xasprintf(&p, "%s/%s", dir, de->d_name);
		if (stat(p, &sb) == -1 || !S_ISREG(sb.st_mode) ||
		    (best != NULL && (sb.st_mtime < bt || (sb.st_mtime == bt &&
		    strcmp(p, best) < 0)))) {
			free(p);
			continue;
		}
		free(best);
		best = p;
		bt = sb.st_mtime;
	}
	closedir(d);
	*path = best;
	*mtime = bt;
	return best != NULL ? 0 : -1;
}

/*
 * Read the newest digest unless it is the file already held (same path,
 * inode, size and mtime); 0 when h->digest holds it.
 */
static int
digest_update(struct httpd *h)
{
	struct doc	*d = &h->digest;
	struct buf	 b = { NULL, 0, 0 };
	struct stat	 sb;
	char		*path = NULL, err[512];
	int64_t		 mtime, gen = d->valid ? d->generation : -1;
	int		 rc;

	/* A shared database: the newest, whichever daemon made it. */
	if (store_shared(h->st)) {
		if ((rc = store_rendering_get(h->st, DIGEST_RENDERING, &gen,
		    &mtime, &b)) == 1)
			doc_set(d, &b, gen, mtime);
		else if (rc == -1)
			log_warnx("httpd: %s", store_error(h->st));
		buf_free(&b);
		if (rc == 1 || (rc == 0 && d->valid))
			return 0;
	}
	if (newest_digest(h->conf->digests[0].dir, &path, &mtime) == -1 ||
	    stat(path, &sb) == -1) {
		free(path);
		return -1;
	}
	if (d->valid && strcmp(path, h->digest_path) == 0 &&
	    sb.st_ino == h->digest_sb.st_ino &&
	    sb.st_size == h->digest_sb.st_size &&
	    sb.st_mtim.tv_sec == h->digest_sb.st_mtim.tv_sec &&
	    sb.st_mtim.tv_nsec == h->digest_sb.st_mtim.tv_nsec) {
		free(path);
		return 0;
	}
	if (read_file(path, DIGEST_MAX, &b, err, sizeof err) == -1) {
		log_warnx("httpd: %s", err);
		free(path);
		return -1;
	}
	/* Replies still sending the old bytes keep their reference. */
	doc_clear(d);
	make_etag(d->etag, sizeof d->etag, b.s, b.len, "");
	d->body = shared_new(&b);
	d->mtime = mtime;
	d->valid = 1;
	free(h->digest_path);
	h->digest_path = path;
	h->digest_sb = sb;
	return 0;
}

static void
serve_digest(struct httpd *h, struct hreq *req)
{
	if (digest_update(h) == -1)
		send_404(req);
	else
		send_doc(req, "text/html; charset=utf-8", &h->digest);
}

static void
serve_healthz(struct httpd *h, struct hreq *req)
{
	struct store_totals	 t;
	static const char	 ok[] = "ok\n", bad[] = "store unavailable\n";

	if (store_totals(h->st, &t) == -1)
		send_text(req, 503, "Service Unavailable",
		    "text/plain; charset=utf-8", bad, sizeof bad - 1);
	else
		send_text(req, 200, "OK", "text/plain; charset=utf-8", ok,
		    sizeof ok - 1);
}

static void
metric(struct buf *b, const char *name, const char *type, const char *help,
    const char *value)
{
	buf_printf(b, "# HELP feedmux_%s %s\n# TYPE feedmux_%s %s\n"
	    "feedmux_%s %s\n", name, help, name, type, name, value);
}

static void
metric_int(struct buf *b, const char *name, const char *type,
    const char *help, int64_t v)
{
	char	 s[32];

	snprintf(s, sizeof s, "%" PRId64, v);
	metric(b, name, type, help, s);
}

/* Per hook, from the store (so they survive restarts): entries delivered
 * and consecutive failures, labelled with the hook's name. */
static void
hook_metrics(struct httpd *h, struct buf *b)
{
	static const char *const name[2] = { "hook_delivered_total",
	    "hook_failures" };
	static const char *const type[2] = { "counter", "gauge" };
	static const char *const help[2] = { "Entries delivered by the hook.",
	    "Consecutive failed runs of the hook." };
	struct hook_state hs;
	const char	*p;
	size_t		 i;
	int		 m;

	for (m = 0; m < 2 && h->conf->nhooks > 0; m++) {
		buf_printf(b, "# HELP feedmux_%s %s\n# TYPE feedmux_%s %s\n",
		    name[m], help[m], name[m], type[m]);
		for (i = 0; i < h->conf->nhooks; i++) {
			if (store_hook_get(h->st, h->conf->hooks[i].name,
			    &hs) == -1)
				continue;
			buf_printf(b, "feedmux_%s{hook=\"", name[m]);
			for (p = h->conf->hooks[i].name; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					buf_addc(b, '\\');
				buf_addc(b, *p);
			}
			buf_printf(b, "\"} %lld\n", m == 0 ?
			    (long long)hs.delivered : (long long)hs.failures);
			hook_state_free(&hs);
		}
	}
}

static void
serve_metrics(struct httpd *h, struct hreq *req)
{
	struct store_totals	 t;
	struct hsrv_stats	 hs;
	struct buf		 b = { NULL, 0, 0 };
	char			 s[32];

	if (store_totals(h->st, &t) == -1) {
		serve_healthz(h, req);
		return;
	}
	metric_int(&b, "feeds", "gauge", "Feeds configured.", t.feeds);
	metric_int(&b, "feeds_failing", "gauge",
	    "Feeds whose last fetch failed.", t.failing);
	metric_int(&b, "feeds_gone", "gauge", "Feeds retired after 410 Gone.",
	    t.gone);
	metric_int(&b, "entries", "gauge", "Entries in the store.", t.entries);
	metric_int(&b, "cycles_total", "counter", "Poll cycles run.",
	    cycle_stats.cycles);
	snprintf(s, sizeof s, "%.3f", cycle_stats.last_cycle_ms / 1000.0);
	metric(&b, "last_cycle_duration_seconds", "gauge",
	    "Duration of the last poll cycle.", s);
	metric_int(&b, "last_cycle_start_timestamp_seconds", "gauge",
	    "Unix time the last poll cycle started.",
	    cycle_stats.last_cycle_start);
	metric_int(&b, "fetches_total", "counter", "Feed fetches.",
	    cycle_stats.fetches);
	metric_int(&b, "fetch_errors_total", "counter", "Failed fetches.",
	    cycle_stats.fetch_errors);
	metric_int(&b, "not_modified_total", "counter",
	    "Fetches answered 304 Not Modified.", cycle_stats.not_modified);
	metric_int(&b, "entries_new_total", "counter", "New entries stored.",
	    cycle_stats.entries_new);
	hsrv_get_stats(h->srv, &hs);
	metric_int(&b, "http_connections", "gauge",
	    "HTTP connections open.", hs.open);
	metric_int(&b, "http_evicted_total", "counter",
	    "HTTP connections without a request closed for a newcomer.",
	    hs.evicted);
	metric_int(&b, "http_refused_total", "counter",
	    "HTTP connections refused with every place busy.", hs.refused);
	metric_int(&b, "http_timeouts_total", "counter",
	    "HTTP connections closed for a slow request head or idleness.",
	    hs.timed_out);
	hook_metrics(h, &b);
	send_text(req, 200, "OK", "text/plain; version=0.0.4; charset=utf-8",
	    b.s, b.len);
	buf_free(&b);
}

static void
handle(struct hreq *req, void *arg)
{
	struct httpd	*h = arg;
	const char	*path = hreq_path(req);
	int		 i;

	if (path == NULL || *path != '/')
		send_404(req);
	else if (strcmp(path, "/healthz") == 0)
		serve_healthz(h, req);
	else if (strcmp(path, "/metrics") == 0)
		serve_metrics(h, req);
	else if (strcmp(path, "/digest.html") == 0)
		serve_digest(h, req);
	else if ((i = route_doc(h, path)) != -1)
		serve_output(h, req, (size_t)i);
	else
		send_404(req);
}

/*
 * max_clients, lowered to what RLIMIT_NOFILE leaves after the daemon's own
 * descriptors: the standard three, the database and its journal files, the
 * pid file, the event loop, a digest or hook child's pipes, and two for
 * each transfer the fetcher may have open.
 */
static int
client_cap(const struct conf *conf)
{
	struct rlimit	 rl;
	int64_t		 left;
	int		 cap = conf->max_clients;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY) {
		left = (int64_t)rl.rlim_cur - 32 -
		    2 * (int64_t)conf->concurrency;
		if (left < cap) {
			cap = left > 1 ? (int)left : 1;
			log_warnx("httpd: at most %d clients (max_clients %d, "
			    "%llu descriptors)", cap, conf->max_clients,
			    (unsigned long long)rl.rlim_cur);
		}
	}
	return cap;
}

static void
set_limits(struct httpd *h)
{
	hsrv_set_limits(h->srv, client_cap(h->conf),
	    h->conf->max_clients_per_addr);
}

struct httpd *
httpd_start(struct event_base *base, const struct conf *conf,
    struct store *st, char *err, size_t errlen)
{
	struct httpd	*h;

	h = xcalloc(1, sizeof *h);
	h->base = base;
	h->conf = conf;
	h->st = st;
	h->def.name = "";
	h->srv = hsrv_new(base, handle, h);
	if (hsrv_listen(h->srv, conf->listen, err, errlen) == -1) {
		hsrv_free(h->srv);
		free(h);
		return NULL;
	}
	h->listen = xstrdup(conf->listen);
	set_limits(h);
	docs_alloc(h);
	log_info("httpd: listening on %s", conf->listen);
	return h;
}

void
httpd_refresh(struct httpd *h)
{
	size_t	 i;

	for (i = 0; h != NULL && i < h->ndocs; i++)
		h->docs[i].valid = 0;
}

/* A changed listen is bound anew; if that fails, the old socket stays. */
static void
rebind(struct httpd *h, const char *listen)
{
	char	 err[512];

	if (listen == NULL || strcmp(listen, h->listen) == 0)
		return;
	if (hsrv_listen(h->srv, listen, err, sizeof err) == -1) {
		log_warnx("httpd: %s; still listening on %s", err, h->listen);
		return;
	}
	log_info("httpd: listening on %s (was %s)", listen, h->listen);
	free(h->listen);
	h->listen = xstrdup(listen);
}

void
httpd_set_conf(struct httpd *h, const struct conf *conf)
{
	if (h == NULL)
		return;
	docs_free(h);
	h->conf = conf;
	docs_alloc(h);
	rebind(h, conf->listen);
	set_limits(h);
}

void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	hsrv_free(h->srv);
	docs_free(h);
	doc_clear(&h->digest);
	free(h->digest_path);
	free(h->listen);
	free(h);
}
