/*
 * sched.c: planning the next poll of each feed, the run queue (a min-heap
 * on one libevent timer) and per-host limits.
 */
#include "config.h"

#include <sys/time.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpsl.h>
#include <event2/event.h>

#include "log.h"
#include "sched.h"
#include "url.h"
#include "util.h"

uint32_t
sched_random(void)
{
	static int	seeded;
	static uint64_t	s;

	/* xorshift64*: jitter needs spread, not secrecy. */
	if (!seeded) {
		struct timeval tv;

		gettimeofday(&tv, NULL);
		s = ((uint64_t)tv.tv_sec << 20) ^ (uint64_t)tv.tv_usec ^
		    ((uint64_t)getpid() << 40) ^ 0x9e3779b97f4a7c15ULL;
		seeded = 1;
	}
	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return (uint32_t)((s * 0x2545f4914f6cdd1dULL) >> 32);
}

static int64_t
clamp(int64_t v, int64_t lo, int64_t hi)
{
	if (hi > 0 && v > hi)
		v = hi;
	if (v < lo)
		v = lo;
	return v;
}

int64_t
sched_interval(const struct feed_state *st, const struct feed_opts *o,
    const char **reason)
{
	int64_t	 iv = o->interval > 0 ? o->interval : 1800, hint;

	/* Hints may only lengthen the interval: a feed asking to be polled
	 * every minute does not override a user who chose an hour. */
	*reason = "interval";
	if (st->ttl > 0 && (hint = (int64_t)st->ttl * 60) > iv) {
		iv = hint;
		*reason = "ttl";
	}
	if (st->sy_period > 0) {
		hint = st->sy_period / (st->sy_frequency > 0 ?
		    st->sy_frequency : 1);
		if (hint > iv) {
			iv = hint;
			*reason = "updatePeriod";
		}
	}
	if (st->max_age > iv) {
		iv = st->max_age;
		*reason = "max-age";
	}
	if (o->interval_max > 0 && iv > o->interval_max)
		*reason = "interval-max";
	else if (iv < o->interval_min)
		*reason = "interval-min";
	return clamp(iv, o->interval_min, o->interval_max);
}

int64_t
sched_skip(const struct feed_state *st, int64_t t)
{
	struct tm	 tm;
	time_t		 tt;
	int64_t		 t0 = t;
	int		 i;

	if (st->skip_hours == 0 && st->skip_days == 0)
		return t;
	/* At most a week of hours; if the feed skips them all, ignore it. */
	for (i = 0; i < 24 * 7 + 1; i++) {
		tt = (time_t)t;
		gmtime_r(&tt, &tm);
		if (!(st->skip_hours & (1u << tm.tm_hour)) &&
		    !(st->skip_days & (1u << tm.tm_wday)))
			return t;
		t += 3600 - (t % 3600 + 3600) % 3600;
	}
	return t0;
}

int64_t
sched_backoff(int n, int64_t interval, int64_t cap, uint32_t rnd)
{
	int64_t	d = interval > 0 ? interval : 60;

	if (cap <= 0)
		cap = 86400;
	while (--n > 0 && d < cap)
		d *= 2;
	if (d > cap)
		d = cap;
	/* Jitter downwards so many feeds failing together spread out and
	 * the cap stays a true upper bound. */
	return d - (d / 8 > 0 ? (int64_t)(rnd % (uint64_t)(d / 8 + 1)) : 0);
}

void
sched_plan(struct feed_state *st, const struct feed_opts *o,
    const struct conf *conf, enum sched_outcome out, int64_t retry_at,
    int64_t now)
{
	const char	*reason;
	int64_t		 iv, t;

	iv = sched_interval(st, o, &reason);
	switch (out) {
	case SCHED_GONE:
		t = 0;
		reason = "gone";
		break;
	case SCHED_RETRY_AFTER:
		t = retry_at > now ? retry_at : now + iv;
		if (conf->backoff_max > 0 && t > now + conf->backoff_max)
			t = now + conf->backoff_max;
		reason = "retry-after";
		break;
	case SCHED_ERROR:
		t = now + sched_backoff(st->failures, iv, conf->backoff_max,
		    sched_random());
		reason = "backoff";
		break;
	default:
		t = now + iv;
		if (conf->jitter > 0)
			t += (int64_t)(sched_random() %
			    (uint64_t)(conf->jitter + 1));
		if (sched_skip(st, t) != t) {
			t = sched_skip(st, t);
			reason = "skip";
		}
		break;
	}
	st->next_poll = t;
	free(st->next_reason);
	st->next_reason = xstrdup(reason);
}

/* The run queue. */

struct sched {
	struct sched_item **heap;
	size_t		 len, cap;
	struct event	*timer;
	void		(*due)(struct sched_item *, void *);
	void		*arg;
};

static void
heap_set(struct sched *s, size_t i, struct sched_item *it)
{
	s->heap[i] = it;
	it->idx = i;
}

static void
heap_up(struct sched *s, size_t i)
{
	struct sched_item *it = s->heap[i];

	while (i > 0 && s->heap[(i - 1) / 2]->when > it->when) {
		heap_set(s, i, s->heap[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	heap_set(s, i, it);
}

static void
heap_down(struct sched *s, size_t i)
{
	struct sched_item *it = s->heap[i];
	size_t		 c;

	while ((c = 2 * i + 1) < s->len) {
		if (c + 1 < s->len && s->heap[c + 1]->when < s->heap[c]->when)
			c++;
		if (s->heap[c]->when >= it->when)
			break;
		heap_set(s, i, s->heap[c]);
		i = c;
	}
	heap_set(s, i, it);
}

static void
sched_fire(evutil_socket_t fd, short ev, void *arg)
{
	struct sched	*s = arg;
	struct sched_item *it;
	int64_t		 now = fm_now();

	while ((it = sched_peek(s)) != NULL && it->when <= now) {
		sched_pop(s);
		s->due(it, s->arg);
	}
	sched_arm(s);
}

struct sched *
sched_new(struct event_base *base, void (*due)(struct sched_item *, void *),
    void *arg)
{
	struct sched	*s = xcalloc(1, sizeof(*s));

	s->due = due;
	s->arg = arg;
	if (base != NULL && (s->timer = evtimer_new(base, sched_fire, s)) ==
	    NULL)
		fatalx("evtimer_new failed");
	return s;
}

void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	while (s->len > 0)
		sched_pop(s);
	if (s->timer != NULL)
		event_free(s->timer);
	free(s->heap);
	free(s);
}

void
sched_add(struct sched *s, struct sched_item *it, int64_t when)
{
	if (it->idx != SIZE_MAX && it->idx < s->len && s->heap[it->idx] == it)
		sched_remove(s, it);
	if (s->len == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->heap = xreallocarray(s->heap, s->cap, sizeof(*s->heap));
	}
	it->when = when;
	heap_set(s, s->len++, it);
	heap_up(s, it->idx);
	sched_arm(s);
}

void
sched_remove(struct sched *s, struct sched_item *it)
{
	size_t	i = it->idx;

	if (i >= s->len || s->heap[i] != it)
		return;
	it->idx = SIZE_MAX;
	if (i != --s->len) {
		heap_set(s, i, s->heap[s->len]);
		heap_down(s, i);
		heap_up(s, s->heap[i]->idx);
	}
	sched_arm(s);
}

struct sched_item *
sched_peek(struct sched *s)
{
	return s->len > 0 ? s->heap[0] : NULL;
}

struct sched_item *
sched_pop(struct sched *s)
{
	struct sched_item *it = sched_peek(s);

	if (it != NULL)
		sched_remove(s, it);
	return it;
}

size_t
sched_len(struct sched *s)
{
	return s->len;
}

void
sched_run_all(struct sched *s)
{
	struct sched_item *it;

	while ((it = sched_pop(s)) != NULL)
		s->due(it, s->arg);
}

void
sched_arm(struct sched *s)
{
	struct timeval	 tv;
	int64_t		 d;

	if (s->timer == NULL)
		return;
	if (s->len == 0) {
		evtimer_del(s->timer);
		return;
	}
	d = s->heap[0]->when - fm_now();
	if (d < 0)
		d = 0;
	/* With a fixed FEEDMUX_NOW time never moves: don't spin. */
	if (d == 0 && getenv("FEEDMUX_NOW") != NULL && s->heap[0]->when >
	    fm_now())
		d = 1;
	tv.tv_sec = (time_t)(d > 86400 * 30 ? 86400 * 30 : d);
	tv.tv_usec = 0;
	evtimer_add(s->timer, &tv);
}

/* Hosts: a small open-addressing table; a few thousand hosts at most. */

struct host {
	char		 key[128];
	int		 active;
	int64_t		 blocked_until;
};

struct hosts {
	struct host	*tab;
	size_t		 cap, len;
};

struct hosts *
hosts_new(void)
{
	struct hosts	*h = xcalloc(1, sizeof(*h));

	h->cap = 64;
	h->tab = xcalloc(h->cap, sizeof(*h->tab));
	return h;
}

void
hosts_free(struct hosts *h)
{
	if (h == NULL)
		return;
	free(h->tab);
	free(h);
}

static size_t
hosts_hash(const char *k)
{
	return (size_t)hash_bytes(HASH_INIT, k, strlen(k));
}

static struct host *
hosts_find(struct hosts *h, const char *key)
{
	size_t	 i, j;

	if (h->len * 2 >= h->cap) {
		struct host	*old = h->tab;
		size_t		 ocap = h->cap;

		h->cap *= 2;
		h->tab = xcalloc(h->cap, sizeof(*h->tab));
		for (i = 0; i < ocap; i++) {
			if (old[i].key[0] == '\0')
				continue;
			for (j = hosts_hash(old[i].key) % h->cap;
			    h->tab[j].key[0] != '\0'; j = (j + 1) % h->cap)
				;
			h->tab[j] = old[i];
		}
		free(old);
	}
	for (i = hosts_hash(key) % h->cap; h->tab[i].key[0] != '\0';
	    i = (i + 1) % h->cap)
		if (strcmp(h->tab[i].key, key) == 0)
			return &h->tab[i];
	strncpy(h->tab[i].key, key, sizeof(h->tab[i].key) - 1);
	h->len++;
	return &h->tab[i];
}

/*
 * The public suffix list, loaded once: Debian's up-to-date copy when the
 * publicsuffix package is there, else the one built into libpsl.
 */
static const psl_ctx_t *
psl(void)
{
	static const psl_ctx_t	*ctx;

	if (ctx == NULL && (ctx = psl_latest(NULL)) == NULL)
		ctx = psl_builtin();
	return ctx;
}

/*
 * Hosts are grouped by the domain registered under an ICANN suffix:
 * "news.bbc.co.uk" -> "bbc.co.uk", "a.blogspot.com" -> "blogspot.com".
 * Private suffixes (blogspot.com, github.io) are left out on purpose:
 * their subdomains share the platform's servers, which is what the
 * per-host limit protects.  IP literals stand for themselves.
 */
static void
reg_domain(const char *host, char *out, size_t outlen)
{
	const char	*p, *prev = NULL;

	if (strchr(host, ':') != NULL || strspn(host, "0123456789.") ==
	    strlen(host) || psl() == NULL) {
		snprintf(out, outlen, "%s", host);
		return;
	}
	for (p = host; p != NULL; prev = p, p = (p = strchr(p, '.')) ?
	    p + 1 : NULL)
		if (psl_is_public_suffix2(psl(), p, PSL_TYPE_ICANN))
			break;
	snprintf(out, outlen, "%s", p == NULL || prev == NULL ? host : prev);
}

void
hosts_key(const char *url, char *out, size_t outlen)
{
	char	 host[256];

	out[0] = '\0';
	if (url_host(url, host, sizeof(host)) == -1)
		return;
	/* An IPv6 literal keeps its brackets, as in the URL. */
	if (strchr(host, ':') != NULL) {
		snprintf(out, outlen, "[%s]", host);
		return;
	}
	reg_domain(host, out, outlen);
}

int
hosts_may_start(struct hosts *h, const char *key, int limit, int64_t now,
    int64_t *until)
{
	struct host	*x;

	*until = 0;
	if (key[0] == '\0')
		return 1;
	x = hosts_find(h, key);
	if (x->blocked_until > now) {
		*until = x->blocked_until;
		return 0;
	}
	return limit <= 0 || x->active < limit;
}

void
hosts_started(struct hosts *h, const char *key)
{
	if (key[0] != '\0')
		hosts_find(h, key)->active++;
}

void
hosts_done(struct hosts *h, const char *key)
{
	struct host	*x;

	if (key[0] != '\0' && (x = hosts_find(h, key))->active > 0)
		x->active--;
}

void
hosts_block(struct hosts *h, const char *key, int64_t t)
{
	struct host	*x;

	if (key[0] != '\0' && (x = hosts_find(h, key))->blocked_until < t)
		x->blocked_until = t;
}
