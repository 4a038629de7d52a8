/*
 * poll.c: the poll loop.  `feedmux poll` runs exactly one cycle of it and
 * exits; `feedmux run` keeps it going on the schedule (sched.h), with
 * signals, the HTTP endpoint and the digest timer on the same event loop.
 */
#include "config.h"

#include <sys/queue.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <event2/event.h>

#include "cmd.h"
#include "conf.h"
#include "daemon.h"
#include "digest.h"
#include "feed.h"
#include "fetch.h"
#include "hooks.h"
#include "httpd.h"
#include "log.h"
#include "merge.h"
#include "poll.h"
#include "sched.h"
#include "store.h"
#include "util.h"

/* Seconds a stopping daemon lets transfers finish before aborting them. */
#define STOP_GRACE	10
/*
 * A shared database: how often a daemon looks for due feeds, renders
 * what other daemons stored (when it holds the render lock, or can take
 * it from a dead holder) and kicks its hooks.
 */
#define SHARE_TICK	2

struct pfeed {
	struct poller	*p;
	struct feed	 feed;		/* its state: feed.h's to change */
	struct sched_item item;
	int		 busy, queued;
	TAILQ_ENTRY(pfeed) q;
};

struct poller {
	struct event_base *base;
	struct conf	*conf;
	struct conf	*main_conf;	/* main.c's: freed by main */
	struct conf	*pending;	/* a reload waiting for a quiet moment */
	struct store	*store;
	struct fetcher	*fetcher;
	struct sched	*sched;		/* the daemon's run queue */
	struct hosts	*hosts;
	struct pfeed	*feeds;
	size_t		 nfeeds;
	TAILQ_HEAD(, pfeed) queue;	/* due, waiting for a transfer slot */
	int		 nqueued;
	int		 daemon, stopping, tty;
	/* A database shared with other daemons: feeds come by lease. */
	int		 shared, renderer;
	struct pfeed	**byname;	/* feeds sorted by name */
	int64_t		 rendered;	/* the generation last rendered */
	int64_t		 hooked;	/* the seq hooks were last kicked at */
	/* The current cycle. */
	int		 in_cycle;
	int64_t		 gen, start_ms;
	int		 due, polled, failed, unchanged, updated, postponed;
	int		 entries_new;
	struct httpd	*httpd;
	struct digest_sched *digest;
	struct hooks	*hooks;
	struct event	*sig[4], *watchdog, *grace, *prune, *tick;
};

static void	pump(struct poller *);

static void
feeds_free(struct poller *p)
{
	size_t	 i;

	for (i = 0; i < p->nfeeds; i++) {
		if (p->sched != NULL)
			sched_remove(p->sched, &p->feeds[i].item);
		feed_free(&p->feeds[i].feed);
	}
	free(p->feeds);
	free(p->byname);
	p->feeds = NULL;
	p->byname = NULL;
	p->nfeeds = 0;
	p->nqueued = 0;
	TAILQ_INIT(&p->queue);
}

static int
byname_cmp(const void *a, const void *b)
{
	const struct pfeed *const *x = a, *const *y = b;

	return strcmp((*x)->feed.fc->name, (*y)->feed.fc->name);
}

static struct pfeed *
feed_named(struct poller *p, const char *name)
{
	struct feed_conf	 fc = { .name = (char *)name };
	struct pfeed		 key, *kp = &key, **pp;

	key.feed.fc = &fc;
	pp = bsearch(&kp, p->byname, p->nfeeds, sizeof(*p->byname),
	    byname_cmp);
	return pp != NULL ? *pp : NULL;
}

/* A pfeed for every enabled feed of the config, with its stored state. */
static int
feeds_load(struct poller *p, char *err, size_t errlen)
{
	struct feed_conf *fc;
	struct pfeed	*pf;
	size_t		 i;

	if (store_sync_feeds(p->store, p->conf, err, errlen) == -1)
		return -1;
	p->feeds = xcalloc(p->conf->nfeeds + 1, sizeof(*p->feeds));
	for (i = 0; i < p->conf->nfeeds; i++) {
		fc = &p->conf->feeds[i];
		if (!fc->enabled)
			continue;
		pf = &p->feeds[p->nfeeds];
		if (feed_load(&pf->feed, fc, p->store, err, errlen) == -1)
			return -1;
		pf->p = p;
		pf->item.idx = SIZE_MAX;
		pf->item.arg = pf;
		p->nfeeds++;
	}
	p->byname = xcalloc(p->nfeeds + 1, sizeof(*p->byname));
	for (i = 0; i < p->nfeeds; i++)
		p->byname[i] = &p->feeds[i];
	qsort(p->byname, p->nfeeds, sizeof(*p->byname), byname_cmp);
	return 0;
}

static void
cycle_begin(struct poller *p)
{
	p->in_cycle = 1;
	p->gen = store_generation(p->store);
	p->start_ms = fm_monotonic_ms();
	p->due = p->polled = p->failed = p->unchanged = p->updated = 0;
	p->postponed = p->entries_new = 0;
	cycle_stats.last_cycle_start = fm_now();
}

static void
enqueue(struct poller *p, struct pfeed *pf)
{
	if (pf->busy || pf->queued)
		return;
	if (!p->in_cycle)
		cycle_begin(p);
	pf->queued = 1;
	p->due++;
	p->nqueued++;
	TAILQ_INSERT_TAIL(&p->queue, pf, q);
}

static void
dequeue(struct poller *p, struct pfeed *pf)
{
	TAILQ_REMOVE(&p->queue, pf, q);
	pf->queued = 0;
	p->nqueued--;
}

static int
concurrency(const struct poller *p)
{
	return p->conf->concurrency > 0 ? p->conf->concurrency : 16;
}

/* A leased feed: its state as the last daemon to poll it left it. */
static int
on_leased(void *arg, struct feed_state *st)
{
	struct poller		*p = arg;
	struct pfeed		*pf;
	const struct feed_conf	*fc;

	if ((pf = feed_named(p, st->name)) == NULL) {
		/* Added by a daemon with a newer config: not ours to poll. */
		log_debug("%s: leased but not in %s", st->name,
		    p->conf->path != NULL ? p->conf->path : "the defaults");
		if (store_unlease(p->store, st->name) == -1)
			log_warnx("lease: %s", store_error(p->store));
		return 0;
	}
	if (pf->busy || pf->queued)
		return 0;	/* ours already: a lease that ran out */
	fc = pf->feed.fc;
	feed_free(&pf->feed);
	feed_adopt(&pf->feed, fc, st);
	enqueue(p, pf);
	return 0;
}

/*
 * Lease due feeds for the free transfer slots, a quarter of them at
 * least (one lease is one short transaction) unless nothing is running.
 */
static void
lease_more(struct poller *p)
{
	int	 busy = fetcher_active(p->fetcher) + p->nqueued;
	int	 want = concurrency(p) - busy;

	if (p->stopping || want <= 0 ||
	    (busy > 0 && want < (concurrency(p) + 3) / 4))
		return;
	if (store_lease(p->store, fm_now(), want, p->conf->per_host,
	    p->conf->lease, on_leased, p) == -1)
		log_warnx("lease: %s", store_error(p->store));
}

/*
 * A shared database's outputs: written by the one daemon holding the
 * render lock, and the renderings stored for every daemon's endpoint.
 */
static int
share_render(struct poller *p)
{
	char	 err[512];
	int64_t	 gen = store_generation(p->store);
	int	 w, lock;

	if (gen == -1 || gen == p->rendered)
		return 0;
	if ((lock = store_render_lock(p->store)) != 1) {
		if (lock == -1)
			log_warnx("render lock: %s", store_error(p->store));
		return 0;
	}
	if (!p->renderer)
		log_info("rendering the outputs for every daemon");
	p->renderer = 1;
	if ((w = merge_publish(p->store, p->conf, gen, err,
	    sizeof(err))) == -1) {
		log_warnx("merge: %s", err);
		return -1;
	}
	p->rendered = gen;
	return w;
}

static void
progress(struct poller *p, const struct pfeed *pf)
{
	if (!p->tty)
		return;
	fprintf(stderr, "\r\033[K[%d/%d] %s", p->polled, p->due,
	    pf != NULL ? pf->feed.fc->name : "");
	fflush(stderr);
}

static void	apply_reload(struct poller *);

static void
cycle_end(struct poller *p)
{
	char	 err[512];
	int	 w = 0;

	p->in_cycle = 0;
	if (p->tty)
		fprintf(stderr, "\r\033[K");
	if (p->shared)
		w = share_render(p);
	else if (store_generation(p->store) != p->gen &&
	    (w = merge_write(p->store, p->conf, err, sizeof(err))) == -1)
		log_warnx("merge: %s", err);
	cycle_stats.cycles++;
	cycle_stats.last_cycle_ms = fm_monotonic_ms() - p->start_ms;
	log_info("cycle: %d polled, %d updated (%d new entries), "
	    "%d not modified, %d failed, %d postponed, %d outputs written",
	    p->polled, p->updated, p->entries_new, p->unchanged, p->failed,
	    p->postponed, w > 0 ? w : 0);
	if (!p->daemon) {
		event_base_loopbreak(p->base);
		return;
	}
	if (p->httpd != NULL)
		httpd_refresh(p->httpd);
	/* Hooks after each cycle that stored something new. */
	if (p->hooks != NULL && p->entries_new > 0 && !p->stopping)
		hooks_kick(p->hooks, 0);
	notify_status("%d feeds; last cycle: %d polled, %d failed",
	    (int)p->nfeeds, p->polled, p->failed);
	if (p->pending != NULL)
		apply_reload(p);
	if (p->stopping)
		event_base_loopbreak(p->base);
}

static void
on_done(void *arg, const struct fetch_result *res)
{
	struct pfeed	*pf = arg;
	struct poller	*p = pf->p;
	struct feed_update u;

	pf->busy = 0;
	/* Before feed_apply, which rekeys a feed that moved (301/308). */
	hosts_done(p->hosts, pf->feed.host);
	if (res->aborted)
		return;
	p->polled++;
	cycle_stats.fetches++;
	if (res->outcome == SCHED_RETRY_AFTER) {
		hosts_block(p->hosts, pf->feed.host, res->retry_at);
		if (p->shared && store_host_block(p->store, pf->feed.host,
		    res->retry_at) == -1)
			log_warnx("%s", store_error(p->store));
	}
	feed_apply(&pf->feed, p->store, p->conf, res, fm_now(), &u);
	if (u.error[0] != '\0') {
		p->failed++;
		cycle_stats.fetch_errors++;
	} else if (res->not_modified || u.entries_new +
	    u.entries_changed == 0) {
		p->unchanged++;
		cycle_stats.not_modified += res->not_modified;
	} else
		p->updated++;
	p->entries_new += u.entries_new;
	cycle_stats.entries_new += u.entries_new;
	if (p->sched != NULL && !pf->feed.st.gone && !p->stopping)
		sched_add(p->sched, &pf->item, pf->feed.st.next_poll);
	progress(p, pf);
	pump(p);
}

/* A due feed whose host asked us to wait (Retry-After) waits too. */
static void
postpone(struct poller *p, struct pfeed *pf, int64_t until)
{
	p->postponed++;
	feed_postpone(&pf->feed, p->store, until);
	if (p->sched != NULL)
		sched_add(p->sched, &pf->item, until);
}

static void
pump(struct poller *p)
{
	struct pfeed	*pf, *next;
	int64_t		 now = fm_now(), until;
	int		 limit = concurrency(p);

	if (p->shared)
		lease_more(p);
	for (pf = TAILQ_FIRST(&p->queue); pf != NULL && !p->stopping &&
	    fetcher_active(p->fetcher) < limit; pf = next) {
		next = TAILQ_NEXT(pf, q);
		if (!hosts_may_start(p->hosts, pf->feed.host, p->conf->per_host,
		    now, &until)) {
			if (until == 0)
				continue;	/* host busy: stays queued */
			dequeue(p, pf);
			postpone(p, pf, until);
			continue;
		}
		dequeue(p, pf);
		if (fetch_start(p->fetcher, pf->feed.fc, &pf->feed.st, on_done,
		    pf) == -1) {
			log_warnx("%s: cannot start a transfer",
			    pf->feed.fc->name);
			p->failed++;
			continue;
		}
		pf->busy = 1;
		hosts_started(p->hosts, pf->feed.host);
	}
	if (p->in_cycle && TAILQ_EMPTY(&p->queue) &&
	    fetcher_active(p->fetcher) == 0)
		cycle_end(p);
}

static struct poller *
poller_new(struct conf *conf, int daemon, char *err, size_t errlen)
{
	struct poller	*p = xcalloc(1, sizeof(*p));
	char		 cerr[512];

	p->conf = p->main_conf = conf;
	p->daemon = daemon;
	p->tty = !daemon && isatty(STDERR_FILENO);
	TAILQ_INIT(&p->queue);
	p->hosts = hosts_new();
	if ((p->base = event_base_new()) == NULL) {
		snprintf(err, errlen, "event_base_new failed");
		return p;
	}
	if ((p->store = store_open(conf->database, err, errlen)) == NULL)
		return p;
	if (store_checkpoint_thread(p->store, 0, cerr, sizeof(cerr)) == -1)
		log_warnx("%s; checkpoints stay in the poll loop", cerr);
	/* A one-off poll renders what it changed; a daemon once at least. */
	if ((p->shared = store_shared(p->store)))
		p->rendered = daemon ? -1 : store_generation(p->store);
	p->fetcher = fetcher_new(p->base, err, errlen);
	return p;
}

static void
poller_free(struct poller *p)
{
	size_t	 i;

	hooks_free(p->hooks);
	if (p->fetcher != NULL)
		fetcher_free(p->fetcher);
	feeds_free(p);
	sched_free(p->sched);
	hosts_free(p->hosts);
	for (i = 0; i < nitems(p->sig); i++)
		if (p->sig[i] != NULL)
			event_free(p->sig[i]);
	if (p->watchdog != NULL)
		event_free(p->watchdog);
	if (p->grace != NULL)
		event_free(p->grace);
	if (p->prune != NULL)
		event_free(p->prune);
	if (p->tick != NULL)
		event_free(p->tick);
	if (p->store != NULL)
		store_close(p->store);
	if (p->base != NULL)
		event_base_free(p->base);
	if (p->pending != NULL)
		conf_free(p->pending);
	if (p->conf != p->main_conf)
		conf_free(p->conf);
	free(p);
}

/* Is this feed to be polled in a one-off cycle? */
static int
poll_due(const struct pfeed *pf, int all, int64_t now)
{
	const struct feed_state *st = &pf->feed.st;

	if (st->gone)
		return 0;
	if (st->next_poll <= now)
		return 1;
	/* --all still honours what a server asked for. */
	return all && (st->next_reason == NULL ||
	    strncmp(st->next_reason, "retry-after", 11) != 0);
}

/*
 * The daily retention pass: age, keep_max and expired tombstones of every
 * feed, disabled ones too (a poll only enforces keep_max on its own feed).
 * When it last ran is stored, so restarts neither skip nor repeat it; the
 * daemon looks hourly, `feedmux poll` after its polls.
 */
static void
prune_if_due(struct poller *p)
{
	int64_t	 now = fm_now();
	int	 due;

	if ((due = store_prune_due(p->store, now)) == 1 &&
	    store_prune_all(p->store, p->conf, now) == 0)
		log_debug("retention: daily pass done");
	else if (due != 0)
		log_warnx("retention: %s", store_error(p->store));
}

int
cmd_poll(struct conf *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct poller	*p;
	char		 err[512];
	size_t		 i;
	int		 ch, all = 0, rc = 0;
	int64_t		 now = fm_now();

	while ((ch = getopt_long(argc, argv, "a", longopts, NULL)) != -1) {
		if (ch != 'a')
			return cmd_usage(argv[0]);
		all = 1;
	}
	if (optind != argc)
		return cmd_usage(argv[0]);
	err[0] = '\0';
	p = poller_new(conf, 0, err, sizeof(err));
	if (p->fetcher == NULL || feeds_load(p, err, sizeof(err)) == -1) {
		log_errorx("%s", err);
		poller_free(p);
		return EX_SOFTWARE;
	}
	if (p->shared) {
		/* Leased from the database, beside any daemons on it. */
		if (all && store_due_all(p->store) == -1)
			log_warnx("%s", store_error(p->store));
		pump(p);
	} else
		for (i = 0; i < p->nfeeds; i++)
			if (poll_due(&p->feeds[i], all, now))
				enqueue(p, &p->feeds[i]);
	if (p->in_cycle) {
		pump(p);
		if (p->in_cycle)
			event_base_dispatch(p->base);
	}
	if (p->store != NULL)
		prune_if_due(p);
	printf("%d of %zu feeds polled: %d updated (%d new entries), "
	    "%d unchanged, %d failed, %d postponed\n", p->polled, p->nfeeds,
	    p->updated, p->entries_new, p->unchanged, p->failed, p->postponed);
	if (p->due > 0 && p->failed == p->due)
		rc = POLL_EX_ALL_FAILED;
	poller_free(p);
	return rc;
}

/* The daemon. */

static void
schedule_all(struct poller *p)
{
	size_t	 i;
	int64_t	 now = fm_now();

	if (p->sched == NULL)
		return;		/* shared: leases instead */
	for (i = 0; i < p->nfeeds; i++)
		if (!p->feeds[i].feed.st.gone)
			sched_add(p->sched, &p->feeds[i].item,
			    p->feeds[i].feed.st.next_poll > 0 ?
			    p->feeds[i].feed.st.next_poll : now);
}

static void
apply_reload(struct poller *p)
{
	struct conf	*old = p->conf;
	char		 err[512];

	feeds_free(p);
	p->conf = p->pending;
	p->pending = NULL;
	if (feeds_load(p, err, sizeof(err)) == -1)
		log_warnx("reload: %s", err);
	if (p->httpd != NULL)
		httpd_set_conf(p->httpd, p->conf);
	else if (p->conf->listen != NULL && (p->httpd = httpd_start(p->base,
	    p->conf, p->store, err, sizeof(err))) == NULL)
		log_warnx("reload: %s", err);
	if (p->digest != NULL)
		digest_sched_set_conf(p->digest, p->conf);
	hooks_set_conf(p->hooks, p->conf);
	/* Rules and filters apply when entries are read: changed ones now. */
	if (merge_write(p->store, p->conf, err, sizeof(err)) == -1)
		log_warnx("merge: %s", err);
	if (old != p->main_conf)
		conf_free(old);
	schedule_all(p);
	log_info("configuration reloaded: %zu feeds", p->nfeeds);
	if (p->nfeeds == 0)
		log_warnx("%s", CONF_NO_FEEDS);
	notify_ready();
}

static void
on_grace(evutil_socket_t fd, short ev, void *arg)
{
	struct poller	*p = arg;

	log_warnx("stopping: aborting %d transfers", fetcher_active(p->fetcher));
	fetcher_abort(p->fetcher);
	event_base_loopbreak(p->base);
}

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	struct poller	*p = arg;
	struct timeval	 tv = { STOP_GRACE, 0 };
	struct conf	*c;
	char		 err[512];

	switch (sig) {
	case SIGTERM:
	case SIGINT:
		log_info("signal %d: stopping", (int)sig);
		notify_stopping();
		p->stopping = 1;
		while (!TAILQ_EMPTY(&p->queue))
			dequeue(p, TAILQ_FIRST(&p->queue));
		sched_free(p->sched);
		p->sched = NULL;
		if (fetcher_active(p->fetcher) == 0)
			event_base_loopbreak(p->base);
		else
			evtimer_add(p->grace, &tv);
		break;
	case SIGHUP:
		notify_reloading();
		if ((c = conf_load(cmd_config_path, err, sizeof(err))) == NULL ||
		    conf_reload_check(p->conf, c, err, sizeof(err)) == -1) {
			log_errorx("reload refused, old configuration kept: %s",
			    err);
			conf_free(c);
			notify_ready();
			break;
		}
		if (p->pending != NULL)
			conf_free(p->pending);
		p->pending = c;
		if (!p->in_cycle)
			apply_reload(p);
		break;
	case SIGUSR1:
		log_info("signal USR1: polling every feed now");
		/* ... and retrying failing hooks now. */
		hooks_kick(p->hooks, 1);
		if (p->shared && store_due_all(p->store) == -1)
			log_warnx("%s", store_error(p->store));
		else if (p->sched != NULL)
			sched_run_all(p->sched);
		pump(p);
		break;
	}
}

static void
on_watchdog(evutil_socket_t fd, short ev, void *arg)
{
	notify_watchdog();
}

/* A minute after start (not in the way of the first polls), then hourly. */
static void
on_prune(evutil_socket_t fd, short ev, void *arg)
{
	struct poller	*p = arg;
	struct timeval	 tv = { 3600, 0 };

	prune_if_due(p);
	evtimer_add(p->prune, &tv);
}

/*
 * A shared database's heartbeat: leases for free slots, the outputs when
 * other daemons changed the store, hooks when they stored entries.
 */
static void
on_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct poller	*p = arg;
	int64_t		 seq;

	pump(p);
	if (!p->in_cycle && !p->stopping) {
		share_render(p);
		if ((seq = store_seq(p->store)) != p->hooked) {
			p->hooked = seq;
			hooks_kick(p->hooks, 0);
		}
	}
}

/* The schedule's timer: this feed is due. */
static void
on_due(struct sched_item *it, void *arg)
{
	struct poller	*p = arg;

	enqueue(p, it->arg);
	pump(p);
}

static int
run_setup(struct poller *p, char *err, size_t errlen)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGUSR1 };
	struct timeval	 tv;
	uint64_t	 wd;
	size_t		 i;

	if (p->conf->listen != NULL && (p->httpd = httpd_start(p->base,
	    p->conf, p->store, err, errlen)) == NULL)
		return -1;
	if (drop_privileges(p->conf->user, err, errlen) == -1)
		return -1;
	if (!p->shared)
		p->sched = sched_new(p->base, on_due, p);
	if (feeds_load(p, err, errlen) == -1)
		return -1;
	schedule_all(p);
	p->digest = digest_sched_start(p->base, p->store, p->conf);
	signal(SIGPIPE, SIG_IGN);
	/* Resumes where the store says: a backlog left by a restart goes
	 * out now. */
	p->hooks = hooks_new(p->base, p->store, p->conf);
	hooks_kick(p->hooks, 0);
	for (i = 0; i < nitems(sigs); i++) {
		p->sig[i] = evsignal_new(p->base, sigs[i], on_signal, p);
		evsignal_add(p->sig[i], NULL);
	}
	p->grace = evtimer_new(p->base, on_grace, p);
	tv.tv_sec = 60;
	tv.tv_usec = 0;
	p->prune = evtimer_new(p->base, on_prune, p);
	evtimer_add(p->prune, &tv);
	if (p->shared) {
		tv.tv_sec = SHARE_TICK;
		p->tick = event_new(p->base, -1, EV_PERSIST, on_tick, p);
		evtimer_add(p->tick, &tv);
		log_info("sharing %s with any other daemons on it",
		    p->conf->database);
	}
	if ((wd = notify_watchdog_usec()) > 0) {
		tv.tv_sec = (time_t)(wd / 1000000);
		tv.tv_usec = (suseconds_t)(wd % 1000000);
		p->watchdog = event_new(p->base, -1, EV_PERSIST, on_watchdog,
		    NULL);
		evtimer_add(p->watchdog, &tv);
	}
	return 0;
}

int
cmd_run(struct conf *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "daemon", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	struct poller	*p;
	char		 err[512];
	int		 ch, detach = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "d", longopts, NULL)) != -1) {
		if (ch != 'd')
			return cmd_usage(argv[0]);
		detach = 1;
	}
	if (optind != argc)
		return cmd_usage(argv[0]);
	err[0] = '\0';
	if ((detach && daemon_detach(err, sizeof(err)) == -1) ||
	    (conf->pidfile != NULL &&
	    pidfile_open(conf->pidfile, err, sizeof(err)) == -1) ||
	    db_lock(conf->database, err, sizeof(err)) == -1) {
		log_errorx("%s", err);
		return EX_TEMPFAIL;
	}
	p = poller_new(conf, 1, err, sizeof(err));
	if (p->fetcher == NULL || run_setup(p, err, sizeof(err)) == -1) {
		log_errorx("%s", err);
		rc = EX_SOFTWARE;
	} else {
		log_info("running: %zu feeds", p->nfeeds);
		if (p->nfeeds == 0)
			log_warnx("%s", CONF_NO_FEEDS);
		notify_ready();
		event_base_dispatch(p->base);
		if (p->shared) {
			/* Aborted transfers: their feeds back to the pool. */
			if (store_unlease(p->store, NULL) == -1)
				log_warnx("%s", store_error(p->store));
			if (p->in_cycle)
				share_render(p);
		} else if (store_generation(p->store) != p->gen &&
		    p->in_cycle &&
		    merge_write(p->store, p->conf, err, sizeof(err)) == -1)
			log_warnx("merge: %s", err);
	}
	if (p->digest != NULL)
		digest_sched_stop(p->digest);
	if (p->httpd != NULL)
		httpd_stop(p->httpd);
	poller_free(p);
	if (conf->pidfile != NULL)
		pidfile_remove();
	return rc;
}
