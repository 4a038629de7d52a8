/*
 * digest.c: the digest of everything first seen since the previous one.
 *
 * A digest is a row in the store covering a seq range (after, upto].
 * Its files and message are rendered from that range alone, so a retry
 * or a crash rebuilds the same bytes.  Ranges are claimed before any
 * delivery starts, so each entry lands in exactly one digest; a digest
 * still unsent when the next one is made is folded into it, never sent
 * as well.  Rendering is digest_render.c's; the mail travels through
 * mail.h's transport, on the daemon's loop or, for `feedmux digest`, on a
 * private one.  Each digest ([digest], [digest "name"]) has its own rows
 * in the store, so its own range, slots, timer and retries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "cmd.h"
#include "conf.h"
#include "digest.h"
#include "digest_int.h"
#include "encoding.h"
#include "json.h"
#include "log.h"
#include "mail.h"
#include "store.h"
#include "util.h"

#define RETRY_MIN	60
#define RETRY_MAX	(6 * 3600)

void
local_tm(const struct digest_conf *dc, int64_t t, struct tm *tm)
{
	struct tz_saved z;
	time_t tt = (time_t)t;

	tz_push(&z, dc->timezone);
	localtime_r(&tt, tm);
	tz_pop(&z);
}

/*
 * The slots of the days around t, in the configured zone.  Each (day,
 * time) pair is one mktime() call with tm_isdst = -1: a time skipped by a
 * spring-forward still maps to one instant (glibc moves it past the gap),
 * and a time repeated at fall-back maps to one of its two instants, so a
 * slot goes out once on either day.
 */
static size_t
slots_around(const struct digest_conf *dc, int64_t t, int64_t *out,
    size_t max)
{
	time_t tt = (time_t)t, s;
	struct tm now, day;
	size_t n = 0, i;
	struct tz_saved z;
	int d;

	if (dc->nat == 0 || (dc->days & 0x7f) == 0)
		return 0;
	tz_push(&z, dc->timezone);
	localtime_r(&tt, &now);
	for (d = -8; d <= 8; d++) {
		memset(&day, 0, sizeof(day));
		day.tm_year = now.tm_year;
		day.tm_mon = now.tm_mon;
		day.tm_mday = now.tm_mday + d;
		day.tm_hour = 12;
		day.tm_isdst = -1;
		if (mktime(&day) == (time_t)-1 || !(dc->days & 1u << day.tm_wday))
			continue;
		for (i = 0; i < dc->nat && n < max; i++) {
			struct tm slot = day;

			slot.tm_hour = dc->at[i] / 60;
			slot.tm_min = dc->at[i] % 60;
			slot.tm_sec = 0;
			slot.tm_isdst = -1;
			if ((s = mktime(&slot)) != (time_t)-1)
				out[n++] = s;
		}
	}
	tz_pop(&z);
	return n;
}

int64_t
digest_next_slot(const struct digest_conf *dc, int64_t t)
{
	int64_t slots[17 * 24], best = 0;
	size_t n, i;

	n = slots_around(dc, t, slots, nitems(slots));
	for (i = 0; i < n; i++)
		if (slots[i] > t && (best == 0 || slots[i] < best))
			best = slots[i];
	return best;
}

int64_t
digest_prev_slot(const struct digest_conf *dc, int64_t t)
{
	int64_t slots[17 * 24], best = 0;
	size_t n, i;

	n = slots_around(dc, t, slots, nitems(slots));
	for (i = 0; i < n; i++)
		if (slots[i] <= t && slots[i] > best)
			best = slots[i];
	return best;
}

/* digest[-NAME]-YYYY-MM-DD, with -HHMM when a day has several digests or
 * this one was not made for a scheduled slot. */
static void
digest_basename(const struct digest_conf *dc, int64_t slot, char *out,
    size_t len)
{
	char	 day[32];

	if (dc->nat == 1 && digest_prev_slot(dc, slot) == slot)
		fmt_local(dc, slot, "%Y-%m-%d", day, sizeof(day));
	else
		fmt_local(dc, slot, "%Y-%m-%d-%H%M", day, sizeof(day));
	snprintf(out, len, "digest%s%s-%s", dc->name[0] ? "-" : "", dc->name,
	    day);
}

static int
write_one(const char *dir, const char *name, const char *ext,
    const struct buf *b, char *err, size_t errlen)
{
	char *path;
	int rc;

	xasprintf(&path, "%s/%s.%s", dir, name, ext);
	rc = mkdir_parents(path, err, errlen);
	if (rc == 0)
		rc = atomic_write(path, b->s ? b->s : "", b->len, err, errlen);
	free(path);
	return rc;
}

/* The HTML first: the HTTP endpoint serves the newest digest-*.html. */
static int
digest_write_files(const struct digest_conf *dc, int64_t slot,
    const struct rendered *r, char *err, size_t errlen)
{
	char name[256];

	digest_basename(dc, slot, name, sizeof(name));
	if (write_one(dc->dir, name, "html", &r->html, err, errlen) == -1 ||
	    write_one(dc->dir, name, "txt", &r->text, err, errlen) == -1)
		return -1;
	return 0;
}

static int
mail_wanted(const struct digest_conf *dc)
{
	return dc->nmail_to > 0;
}

static void
digest_message(const struct digest_conf *dc, const struct digest_state *ds,
    const struct rendered *r, struct buf *msg)
{
	struct buf from = { NULL, 0, 0 };
	const char *domain;
	char *mid, *lid;
	struct mail m;

	mail_addr(&from, dc->mail_from ? dc->mail_from : "");
	domain = strchr(buf_cstr(&from), '@');
	domain = domain && domain[1] ? domain + 1 : "feedmux.invalid";
	xasprintf(&mid, "feedmux-digest.%lld.%lld@%s", (long long)ds->id,
	    (long long)ds->slot, domain);
	xasprintf(&lid, "feedmux digest%s%s <feedmux-digest%s%s.%s>",
	    dc->name[0] ? " " : "", dc->name, dc->name[0] ? "-" : "", dc->name,
	    domain);
	memset(&m, 0, sizeof(m));
	m.from = dc->mail_from ? dc->mail_from : buf_cstr(&from);
	m.to = dc->mail_to;
	m.nto = dc->nmail_to;
	m.subject = r->subject;
	m.message_id = mid;
	m.list_id = lid;
	m.date = ds->created;
	m.text = buf_cstr((struct buf *)&r->text);
	m.html = buf_cstr((struct buf *)&r->html);
	mail_format(msg, &m);
	free(mid);
	free(lid);
	buf_free(&from);
}

static int64_t
retry_delay(int attempts)
{
	int64_t d = RETRY_MIN;

	while (--attempts > 0 && d < RETRY_MAX)
		d *= 2;
	return d < RETRY_MAX ? d : RETRY_MAX;
}

/* Record how a delivery went: sent only once it was accepted. */
static void
digest_finish(struct store *st, const char *name, struct digest_state *ds,
    int ok, const char *err, int64_t now)
{
	free(ds->error);
	ds->error = NULL;
	if (ok) {
		ds->sent = now;
		ds->next_try = 0;
		log_info("digest %s%lld delivered", name, (long long)ds->id);
	} else {
		ds->attempts++;
		ds->next_try = now + retry_delay(ds->attempts);
		ds->error = xstrdup(err ? err : "delivery failed");
		utf8_line(ds->error);	/* a server's words, cut to fit */
		log_warnx("digest %s%lld: %s (retry at %lld)", name,
		    (long long)ds->id, ds->error, (long long)ds->next_try);
	}
	if (store_digest_update(st, ds) == -1)
		log_warnx("digest %s%lld: store: %s", name, (long long)ds->id,
		    store_error(st));
}

/*
 * One digest's timer in the daemon, and the context of one delivery:
 * `feedmux digest` makes one on a private loop (no timer) and runs it
 * until the delivery is over, so both go through the same transport.
 */
struct dtimer {
	struct event_base	*base;
	struct store		*st;
	const struct conf	*c;
	const struct digest_conf *dc;		/* in c */
	char			*name;		/* dc's, kept across reloads */
	char			*tag;		/* for logs: "" or "name " */
	char			*claim;		/* its job's name in the store */
	int			 claimed;	/* holds it (a daemon's timer) */
	struct event		*timer;		/* NULL: one-shot */
	int64_t			 started;
	int64_t			 now;		/* one-shot: its clock */
	const struct mail_transport *mt;	/* chosen from c */
	struct mail_conf	 mc;
	int			 busy;		/* a delivery is on the loop */
	int			 stopped;	/* stop came while busy */
	struct digest_state	 ds;		/* the one being sent */
	int			 ok;		/* how the last delivery went */
	char			 err[512];
};

/* The daemon's digests: a timer each. */
struct digest_sched {
	struct event_base	*base;
	struct store		*st;
	struct dtimer		**t;
	size_t			 n;
};

static void deliver_done(void *, int, const char *);

/* The transport settings from the digest's, and the transport for them. */
static void
choose_transport(struct dtimer *s)
{
	const struct digest_conf *dc = s->dc;
	struct mail_conf *mc = &s->mc;

	memset(mc, 0, sizeof(*mc));
	mc->from = dc->mail_from;
	mc->to = dc->mail_to;
	mc->nto = dc->nmail_to;
	mc->smtp = dc->smtp;
	mc->smtp_user = dc->smtp_user;
	mc->smtp_password = dc->smtp_password;
	mc->starttls = dc->starttls;
	mc->smtp_cafile = dc->smtp_cafile;
	mc->sendmail = dc->sendmail;
	s->mt = mail_transport(mc);
}

/* The transfer or the child runs on the event loop and deliver_done()
 * records the outcome. */
static int
deliver_start(struct dtimer *s, const struct buf *msg, char *err,
    size_t errlen)
{
	if (s->mt == NULL) {
		snprintf(err, errlen,
		    "mail_to is set but neither smtp nor sendmail");
		return -1;
	}
	return mail_start(s->mt, s->base, &s->mc, msg->s, msg->len,
	    deliver_done, s, err, errlen);
}

static void dtimer_arm(struct dtimer *);
static void dtimer_unclaim(struct dtimer *);

/*
 * Several daemons on one database: the digest is made and sent by the
 * one that claims it, until its delivery ends; the others find it done.
 * The claim outlives a hung delivery (the transports time out sooner).
 */
#define DIGEST_CLAIM	(30 * 60)

/*
 * Claim the entries since the previous digest for slot and render them.
 * A previous digest that is still unsent is folded in (its range taken
 * over, itself marked superseded), so nothing is sent twice.  Returns 1
 * with ds and r filled, 0 for an empty digest (recorded as handled, not
 * sent), -1 on error.
 */
static int
digest_prepare(struct store *st, const struct conf *c,
    const struct digest_conf *dc, int64_t slot, int64_t now,
    struct digest_state *ds, struct rendered *r, char *err, size_t errlen)
{
	struct digest_state last;
	int64_t after, upto;
	int have, empty;

	memset(&last, 0, sizeof(last));
	memset(ds, 0, sizeof(*ds));
	memset(r, 0, sizeof(*r));
	/* One write transaction: a `feedmux digest` beside the daemon
	 * cannot claim the same range. */
	if (store_begin(st) == -1 ||
	    (have = store_digest_last(st, dc->name, &last)) == -1)
		goto fail;
	after = have ? (last.sent ? last.upto_seq : last.after_seq) : 0;
	if ((upto = store_seq(st)) < after)
		upto = after;
	if (digest_render(st, c, dc, after, upto, slot, r, err, errlen) == -1) {
		store_rollback(st);
		digest_state_free(&last);
		return -1;
	}
	empty = r->count == 0 && !dc->send_empty;
	ds->slot = slot;
	ds->created = now;
	ds->after_seq = after;
	ds->upto_seq = upto;
	ds->sent = empty ? now : 0;
	if (store_digest_add(st, dc->name, ds) == -1)
		goto fail;
	if (have && !last.sent) {
		free(last.error);
		last.error = xstrdup("superseded by the next digest");
		last.next_try = 0;
		if (store_digest_update(st, &last) == -1)
			goto fail;
	}
	if (store_commit(st) == -1)
		goto fail;
	digest_state_free(&last);
	if (empty) {
		log_info("digest %sfor %lld: nothing new, skipped",
		    dc->name[0] ? dc->name : "", (long long)slot);
		rendered_free(r);
		return 0;
	}
	return 1;
fail:
	snprintf(err, errlen, "store: %s", store_error(st));
	store_rollback(st);
	digest_state_free(&last);
	digest_state_free(ds);
	rendered_free(r);
	return -1;
}

static void
dtimer_free(struct dtimer *s)
{
	free(s->name);
	free(s->tag);
	free(s->claim);
	free(s);
}

static void
deliver_done(void *arg, int ok, const char *err)
{
	struct dtimer *s = arg;

	s->ok = ok;
	snprintf(s->err, sizeof(s->err), "%s", ok ? "" : err);
	digest_finish(s->st, s->tag, &s->ds, ok, err,
	    s->now ? s->now : fm_now());
	digest_state_free(&s->ds);
	memset(&s->ds, 0, sizeof(s->ds));
	s->busy = 0;
	dtimer_unclaim(s);
	if (s->stopped)
		dtimer_free(s);
	else if (s->timer != NULL)
		dtimer_arm(s);
}

/*
 * Files, then mail.  The mail goes on s's event loop and s takes ds over.
 * Returns 0 when delivered (or handed to the transport), -1 when it
 * failed and a retry is recorded.
 */
static int
digest_deliver(struct dtimer *s, struct digest_state *ds,
    const struct rendered *r, int64_t now, char *err, size_t errlen)
{
	const struct digest_conf *dc = s->dc;
	struct store *st = s->st;
	struct buf msg = { NULL, 0, 0 };
	int rc;

	/* Daemons sharing a database serve the newest at /digest.html. */
	if (dc->name[0] == '\0' && store_rendering_put(st, DIGEST_RENDERING,
	    ds->id, now, r->html.s, r->html.len) == -1)
		log_warnx("digest %lld: %s", (long long)ds->id,
		    store_error(st));
	if (digest_write_files(dc, ds->slot, r, err, errlen) == -1) {
		log_warnx("digest %s%lld: %s", s->tag, (long long)ds->id, err);
		if (!mail_wanted(dc)) {
			digest_finish(st, s->tag, ds, 0, err, now);
			return -1;
		}
	}
	if (!mail_wanted(dc)) {
		digest_finish(st, s->tag, ds, 1, NULL, now);
		return 0;
	}
	if (dc->mail_from == NULL) {
		snprintf(err, errlen, "mail_to is set but mail_from is not");
		digest_finish(st, s->tag, ds, 0, err, now);
		return -1;
	}
	digest_message(dc, ds, r, &msg);
	if ((rc = deliver_start(s, &msg, err, errlen)) == 0) {
		s->ds = *ds;
		memset(ds, 0, sizeof(*ds));
		s->busy = 1;
	} else
		digest_finish(st, s->tag, ds, 0, err, now);
	buf_free(&msg);
	return rc;
}

/* 1: made and delivered (or handed to the event loop), 0: empty, skipped,
 * -1: failed (a retry is recorded when it got that far). */
static int
digest_make(struct dtimer *s, int64_t slot, int64_t now, size_t *count,
    char *err, size_t errlen)
{
	struct digest_state ds;
	struct rendered r;
	int rc;

	*count = 0;
	if ((rc = digest_prepare(s->st, s->c, s->dc, slot, now, &ds, &r, err,
	    errlen)) <= 0)
		return rc;
	*count = r.count;
	rc = digest_deliver(s, &ds, &r, now, err, errlen);
	rendered_free(&r);
	digest_state_free(&ds);
	return rc == 0 ? 1 : -1;
}

/*
 * `feedmux digest`: digest_make on a private event loop, run until the
 * delivery is over.  Returns as digest_make does, -1 also when the
 * transport failed.
 */
static int
digest_oneshot(struct store *st, const struct conf *c,
    const struct digest_conf *dc, int64_t now, size_t *count, char *err,
    size_t errlen)
{
	struct dtimer s;
	int rc;

	memset(&s, 0, sizeof(s));
	*count = 0;
	if ((s.base = event_base_new()) == NULL) {
		snprintf(err, errlen, "event_base_new failed");
		return -1;
	}
	s.st = st;
	s.c = c;
	s.dc = dc;
	xasprintf(&s.tag, "%s%s", dc->name, dc->name[0] ? " " : "");
	s.started = s.now = now;
	s.ok = 1;		/* stays so when no mail was wanted */
	choose_transport(&s);
	/* Daemons on a shared database may be making this one. */
	xasprintf(&s.claim, "digest %s", dc->name);
	if ((rc = store_claim(st, s.claim, now, DIGEST_CLAIM)) != 1) {
		if (rc == 0)
			snprintf(err, errlen, "digest %sis being made by "
			    "another feedmux; try again later", s.tag);
		else
			snprintf(err, errlen, "store: %s", store_error(st));
		event_base_free(s.base);
		free(s.claim);
		free(s.tag);
		return -1;
	}
	s.claimed = 1;
	rc = digest_make(&s, now, now, count, err, errlen);
	while (s.busy && event_base_loop(s.base, EVLOOP_ONCE) == 0)
		;
	if (s.busy) {
		snprintf(err, errlen, "the delivery did not finish");
		digest_finish(st, s.tag, &s.ds, 0, err, now);	/* retried later */
		digest_state_free(&s.ds);
		rc = -1;
	} else if (rc == 1 && !s.ok) {
		snprintf(err, errlen, "%s", s.err);
		rc = -1;
	}
	dtimer_unclaim(&s);
	event_base_free(s.base);
	free(s.claim);
	free(s.tag);
	return rc;
}

int
digest_now(struct store *st, const struct conf *c,
    const struct digest_conf *dc, int64_t now, char *err, size_t errlen)
{
	size_t count;

	return digest_oneshot(st, c, dc, now, &count, err, errlen) == -1 ?
	    -1 : 0;
}

/* Send again a digest whose delivery failed, from its own range. */
static void
digest_retry(struct dtimer *s, struct digest_state *ds, int64_t now)
{
	struct rendered r;
	char err[512];

	if (digest_render(s->st, s->c, s->dc, ds->after_seq, ds->upto_seq,
	    ds->slot, &r, err, sizeof(err)) == -1) {
		digest_finish(s->st, s->tag, ds, 0, err, now);
		return;
	}
	log_info("digest %s%lld: attempt %d", s->tag, (long long)ds->id,
	    ds->attempts + 1);
	digest_deliver(s, ds, &r, now, err, sizeof(err));
	rendered_free(&r);
}

/*
 * What is due now: the latest slot not yet handled (at start, one digest
 * for all the slots missed while down), else a retry.
 */
static void
dtimer_run(struct dtimer *s)
{
	struct digest_state last;
	int64_t now = fm_now(), prev;
	char err[512];
	size_t count;
	int have;

	memset(&last, 0, sizeof(last));
	if ((have = store_digest_last(s->st, s->name, &last)) == -1) {
		log_warnx("digest %s: store: %s", s->tag, store_error(s->st));
		return;
	}
	prev = digest_prev_slot(s->dc, now);
	if (prev != 0 && (have ? prev > last.slot : prev >= s->started)) {
		if (prev < s->started) {
			char when[32];

			fmt_local(s->dc, prev, "%Y-%m-%d %H:%M", when,
			    sizeof(when));
			log_info("digest %s: making the one missed at %s",
			    s->tag, when);
		}
		if (digest_make(s, prev, now, &count, err, sizeof(err)) == -1)
			log_warnx("digest %s: %s", s->tag, err);
	} else if (have && !last.sent && last.next_try > 0 &&
	    now >= last.next_try)
		digest_retry(s, &last, now);
	digest_state_free(&last);
}

static void
dtimer_unclaim(struct dtimer *s)
{
	if (s->claimed && store_unclaim(s->st, s->claim) == -1)
		log_warnx("digest %s: %s", s->tag, store_error(s->st));
	s->claimed = 0;
}

static void
dtimer_tick(int fd, short what, void *arg)
{
	struct dtimer *s = arg;
	int claimed;

	if (s->busy)
		return;		/* deliver_done arms again */
	if ((claimed = store_claim(s->st, s->claim, fm_now(),
	    DIGEST_CLAIM)) == 1) {
		s->claimed = 1;
		dtimer_run(s);
	} else if (claimed == -1)
		log_warnx("digest %s: %s", s->tag, store_error(s->st));
	if (!s->busy) {
		dtimer_unclaim(s);
		dtimer_arm(s);
	}
}

/* Wake for the next slot or retry, and at least hourly so a clock step
 * or a suspend cannot make a digest late by more than that. */
static void
dtimer_arm(struct dtimer *s)
{
	struct digest_state last;
	struct timeval tv = { 0, 0 };
	int64_t now = fm_now(), next;

	next = digest_next_slot(s->dc, now);
	memset(&last, 0, sizeof(last));
	if (store_digest_last(s->st, s->name, &last) == 1 && !last.sent &&
	    last.next_try > 0 && (next == 0 || last.next_try < next))
		next = last.next_try;
	digest_state_free(&last);
	if (next == 0)
		return;
	tv.tv_sec = next > now ? next - now : 0;
	if (tv.tv_sec > 3600)
		tv.tv_sec = 3600;
	evtimer_add(s->timer, &tv);
}

static struct dtimer *
dtimer_new(struct digest_sched *ds, const struct conf *c,
    const struct digest_conf *dc)
{
	struct dtimer *s;
	struct timeval now = { 0, 0 };

	s = xcalloc(1, sizeof(*s));
	s->base = ds->base;
	s->st = ds->st;
	s->c = c;
	s->dc = dc;
	s->name = xstrdup(dc->name);
	xasprintf(&s->tag, "%s%s", dc->name, dc->name[0] ? " " : "");
	xasprintf(&s->claim, "digest %s", dc->name);
	s->started = fm_now();
	choose_transport(s);
	if ((s->timer = evtimer_new(ds->base, dtimer_tick, s)) == NULL)
		fatalx("evtimer_new failed");
	evtimer_add(s->timer, &now);	/* a missed slot or a retry */
	return s;
}

static void
dtimer_stop(struct dtimer *s)
{
	event_free(s->timer);
	if (s->busy)
		s->stopped = 1;	/* deliver_done frees it */
	else
		dtimer_free(s);
}

static int
dtimer_named(struct dtimer **t, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(t[i]->name, name) == 0)
			return 1;
	return 0;
}

struct digest_sched *
digest_sched_start(struct event_base *base, struct store *st,
    const struct conf *c)
{
	struct digest_sched *ds;

	ds = xcalloc(1, sizeof(*ds));
	ds->base = base;
	ds->st = st;
	digest_sched_set_conf(ds, c);
	return ds;
}

/*
 * A digest kept by name takes the new settings (a running delivery has
 * its own copies); one gone is stopped, a new one started.
 */
void
digest_sched_set_conf(struct digest_sched *ds, const struct conf *c)
{
	const struct digest_conf *dc;
	struct dtimer **t, *s;
	size_t i, n = 0;

	t = xcalloc(c->ndigests + 1, sizeof(*t));
	for (i = 0; i < ds->n; i++) {
		s = ds->t[i];
		if ((dc = conf_digest(c, s->name)) == NULL || !dc->configured) {
			dtimer_stop(s);
			continue;
		}
		s->c = c;
		s->dc = dc;
		choose_transport(s);
		t[n++] = s;
		if (!s->busy) {		/* else deliver_done arms again */
			evtimer_del(s->timer);
			dtimer_arm(s);
		}
	}
	for (i = 0; i < c->ndigests; i++) {
		dc = &c->digests[i];
		if (dc->configured && !dtimer_named(t, n, dc->name))
			t[n++] = dtimer_new(ds, c, dc);
	}
	free(ds->t);
	ds->t = t;
	ds->n = n;
}

int
digest_sched_busy(const struct digest_sched *ds)
{
	size_t i;

	for (i = 0; ds != NULL && i < ds->n; i++)
		if (ds->t[i]->busy)
			return 1;
	return 0;
}

void
digest_sched_stop(struct digest_sched *ds)
{
	size_t i;

	if (ds == NULL)
		return;
	for (i = 0; i < ds->n; i++)
		dtimer_stop(ds->t[i]);
	free(ds->t);
	free(ds);
}

static void
status_time(const struct digest_conf *dc, int64_t t, int json, struct buf *out)
{
	char s[32];

	if (json) {
		if (t > 0)
			buf_printf(out, "%lld", (long long)t);
		else
			buf_adds(out, "null");
		return;
	}
	fmt_local(dc, t, "%Y-%m-%d %H:%M", s, sizeof(s));
	buf_adds(out, s);
}

/* "last":{...}|null,"next":... of one digest. */
static void
status_json(const struct digest_conf *dc, const struct digest_state *ds,
    int have, int64_t next, struct buf *out)
{
	buf_adds(out, "\"last\":");
	if (have) {
		buf_adds(out, "{\"slot\":");
		status_time(dc, ds->slot, 1, out);
		buf_adds(out, ",\"sent\":");
		status_time(dc, ds->sent, 1, out);
		buf_printf(out, ",\"attempts\":%d,\"error\":", ds->attempts);
		json_str(out, ds->error);
		buf_adds(out, ",\"next_try\":");
		status_time(dc, ds->sent ? 0 : ds->next_try, 1, out);
		buf_addc(out, '}');
	} else
		buf_adds(out, "null");
	buf_adds(out, ",\"next\":");
	status_time(dc, next, 1, out);
}

static void
status_text(const struct digest_conf *dc, const struct digest_state *ds,
    int have, int64_t next, struct buf *out)
{
	if (dc->name[0] != '\0')
		buf_printf(out, "digest \"%s\": ", dc->name);
	else
		buf_adds(out, "digest: ");
	if (!have)
		buf_adds(out, "none yet");
	else {
		buf_adds(out, "last ");
		status_time(dc, ds->slot, 0, out);
		if (ds->sent)
			buf_adds(out, ", sent");
		else {
			buf_printf(out, ", NOT SENT after %d attempt%s: %s",
			    ds->attempts, ds->attempts == 1 ? "" : "s",
			    ds->error ? ds->error : "?");
			if (ds->next_try > 0) {
				buf_adds(out, "; retry ");
				status_time(dc, ds->next_try, 0, out);
			}
		}
	}
	if (next > 0) {
		buf_adds(out, "; next ");
		status_time(dc, next, 0, out);
	}
}

int
digest_configured(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->ndigests; i++)
		if (c->digests[i].configured)
			return 1;
	return 0;
}

/*
 * Text: a line per configured digest.  JSON: the default digest's "last"
 * and "next" (null when it is not configured), and "digests", an array of
 * every configured one with its "name".
 */
int
digest_status(struct store *st, const struct conf *c, int64_t now, int json,
    struct buf *out)
{
	const struct digest_conf *dc;
	struct digest_state ds;
	struct buf head = { NULL, 0, 0 }, list = { NULL, 0, 0 };
	int64_t next;
	size_t i, n = 0;
	int have, rc = 0;

	for (i = 0; i < c->ndigests; i++) {
		dc = &c->digests[i];
		if (!dc->configured)
			continue;
		if ((have = store_digest_last(st, dc->name, &ds)) == -1) {
			rc = -1;
			break;
		}
		next = digest_next_slot(dc, now);
		if (json && dc->name[0] == '\0')
			status_json(dc, &ds, have, next, &head);
		if (json) {
			buf_adds(&list, n > 0 ? ",{\"name\":" : "{\"name\":");
			json_str(&list, dc->name);
			buf_addc(&list, ',');
			status_json(dc, &ds, have, next, &list);
			buf_addc(&list, '}');
		} else {
			if (n > 0)
				buf_addc(out, '\n');
			status_text(dc, &ds, have, next, out);
		}
		n++;
		digest_state_free(&ds);
	}
	if (json && rc == 0)
		buf_printf(out, "{%s,\"digests\":[%s]}", head.len ? head.s :
		    "\"last\":null,\"next\":null", buf_cstr(&list));
	buf_free(&head);
	buf_free(&list);
	return rc;
}

static int
digest_preview(struct store *st, const struct conf *c,
    const struct digest_conf *dc, int html, int64_t now)
{
	struct digest_state last;
	struct rendered r;
	char err[512];
	int64_t after;
	int have;

	memset(&last, 0, sizeof(last));
	if ((have = store_digest_last(st, dc->name, &last)) == -1) {
		fprintf(stderr, "feedmux: digest: %s\n", store_error(st));
		return EX_SOFTWARE;
	}
	after = have ? (last.sent ? last.upto_seq : last.after_seq) : 0;
	digest_state_free(&last);
	if (digest_render(st, c, dc, after, store_seq(st), now, &r, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "feedmux: digest: %s\n", err);
		return EX_DATAERR;
	}
	fputs(buf_cstr(html ? &r.html : &r.text), stdout);
	rendered_free(&r);
	return EX_OK;
}

/* The digest NAME names, or the default one; NULL after saying why. */
static const struct digest_conf *
digest_named(const struct conf *c, const char *name)
{
	const struct digest_conf *dc;
	struct buf names = { NULL, 0, 0 };
	size_t i;

	if (name == NULL)
		return &c->digests[0];
	if ((dc = conf_digest(c, name)) != NULL && dc->configured)
		return dc;
	for (i = 0; i < c->ndigests; i++)
		if (c->digests[i].configured && c->digests[i].name[0]) {
			buf_adds(&names, names.len ? ", " : " (configured: ");
			buf_adds(&names, c->digests[i].name);
		}
	fprintf(stderr, "feedmux: digest: no digest \"%s\" in %s%s%s\n",
	    name, c->path ? c->path : "the configuration",
	    buf_cstr(&names), names.len ? ")" : "");
	buf_free(&names);
	return NULL;
}

/*
 * feedmux digest [-n [-H]] [NAME]: make the digest NAME (without NAME
 * the default one) of everything new since its previous one now, write
 * its files and mail it.  -n only prints it (the text, or with -H the
 * HTML) and records nothing.  -T prints a built-in template.
 */
int
cmd_digest(struct conf *c, int argc, char **argv)
{
	const struct digest_conf *dc;
	struct store *st;
	const char *tmpl;
	char err[512];
	size_t count;
	int ch, dry = 0, html = 0, rc;

	optind = 1;
	while ((ch = getopt(argc, argv, "nHT:")) != -1) {
		switch (ch) {
		case 'n': dry = 1; break;
		case 'H': html = 1; break;
		case 'T':
			/* The built-in templates, to start one's own from. */
			if ((tmpl = digest_builtin_template(optarg)) == NULL)
				goto usage;
			fputs(tmpl, stdout);
			return EX_OK;
		default:
			goto usage;
		}
	}
	if (argc - optind > 1)
		goto usage;
	if ((dc = digest_named(c, optind < argc ? argv[optind] : NULL)) == NULL)
		return EX_CONFIG;
	/* A preview only reads: a read-only database will do. */
	if ((st = dry ? store_open_reader(c->database, err, sizeof(err)) :
	    store_open(c->database, err, sizeof(err))) == NULL) {
		fprintf(stderr, "feedmux: %s\n", err);
		return EX_CANTCREAT;
	}
	if (dry)
		rc = digest_preview(st, c, dc, html, fm_now());
	else if ((rc = digest_oneshot(st, c, dc, fm_now(), &count, err,
	    sizeof(err))) == -1) {
		fprintf(stderr, "feedmux: digest: %s (will be retried)\n", err);
		rc = EX_TEMPFAIL;
	} else {
		if (rc == 0)
			printf("digest: nothing new, skipped\n");
		else
			printf("digest: %zu %s%s\n", count,
			    count == 1 ? "entry" : "entries",
			    mail_wanted(dc) ? ", mailed" : "");
		rc = EX_OK;
	}
	store_close(st);
	return rc;
usage:
	return cmd_usage(argv[0]);
}
