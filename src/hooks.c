/*
 * hooks.c: running [hook] sections on the event loop, and `feedmux hooks`.
 *
 * A run takes the entries after the hook's mark that its filters let
 * through (at most batch of them), writes them to the program's stdin or
 * POSTs them, and commits the new mark when the program exits 0 or the
 * server answers 2xx.  Nothing in a run blocks the loop: the child's
 * pipes are events, its exit is polled with waitpid(WNOHANG) on a timer,
 * the POST is a transfer on a fetcher of the hooks' own.
 */
#include "config.h"

#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <event2/event.h>

#include "cmd.h"
#include "daemon.h"
#include "encoding.h"
#include "fetch.h"
#include "hooks.h"
#include "json.h"
#include "log.h"
#include "merge.h"
#include "parse.h"
#include "rules.h"
#include "sched.h"
#include "util.h"

#define HOOK_LINE_MAX	512	/* bytes of one stderr line logged */
#define HOOK_LINES_MAX	20	/* stderr lines logged per run */
#define HOOK_KILL_GRACE	2	/* seconds from SIGTERM to SIGKILL */
#define HOOK_REAP_MS	20	/* how often a child's exit is looked for */
#define HOOK_RETRY	60	/* first backoff, doubled per failure */
#define HOOK_BATCH_BYTES (8 << 20) /* a batch closes past this (>= 1 entry) */
#define HOOK_SCAN_MAX	2000	/* rows one run examines: the loop waits */

struct hrun {
	TAILQ_ENTRY(hrun) link;
	struct hooks	*hs;
	char		*name;
	const struct hook_conf *hc;	/* NULL: gone from the config */
	struct hook_state st;
	int		 running, more, killed, nlines;
	int		 pending;	/* kicked while running: run again */
	int		 loaded;	/* st read from the store */
	int64_t		 timeout;	/* of this run: a reload may drop hc */
	/* The batch. */
	int64_t		 upto;		/* the mark once it is delivered */
	int		 n;
	struct buf	 body;
	size_t		 off;		/* written to the program so far */
	/* A program. */
	pid_t		 pid;
	int		 in_fd, err_fd;
	struct buf	 errline;
	struct event	*ev_in, *ev_err, *ev_reap, *ev_kill, *ev_retry;
	int64_t		 deadline_ms;
	/* A database shared by daemons: the run is claimed in it. */
	char		*claim;
	int		 claimed;
};

struct hooks {
	struct event_base *base;
	struct store	*store;
	struct fetcher	*fetcher;	/* ours: NULL if it could not be made */
	const struct conf *conf;
	int		 busy;
	int		 failed;	/* runs that failed (for `feedmux hooks`) */
	TAILQ_HEAD(, hrun) runs;
};

static void	run_start(struct hrun *);
static void	run_unclaim(struct hrun *);
static void	run_end(struct hrun *, int ok, const char *err);

/* Choosing entries. */

/* The JSON line of one entry: feed, ids and the entry as parse prints it. */
static void
entry_json(struct buf *b, const struct stored_entry *se)
{
	struct entry	 e;
	size_t		 i, j, start;

	memset(&e, 0, sizeof(e));
	e.id = se->id;
	e.title = se->title;
	e.link = se->link;
	e.author = se->author;
	e.author_email = se->author_email;
	e.thumbnail = se->thumbnail;
	e.summary = se->summary;
	e.content = se->content;
	e.published = se->published;
	e.updated = se->updated;
	e.categories = se->categories;
	e.ncategories = se->ncategories;
	e.enclosures = se->enclosures;
	e.nenclosures = se->nenclosures;
	buf_printf(b, "{\"feedmux_id\": %lld, \"key\": ", (long long)se->rowid);
	json_str(b, se->key);
	buf_adds(b, ", \"feed\": ");
	json_str(b, se->feed);
	buf_adds(b, ", \"feed_title\": ");
	json_str(b, se->feed_title);
	buf_adds(b, ", \"entry\": ");
	start = b->len;
	json_entry(b, &e, JSON_ENTRY_STORED, NULL);
	/* One line: parse --json's line breaks are layout only (a newline
	 * in a string is escaped). */
	for (i = j = start; i < b->len; i++)
		if (b->s[i] != '\n')
			b->s[j++] = b->s[i];
	b->len = j;
	buf_adds(b, "}");
}

/*
 * The one place that says whether a hook gets an entry.  Rules hide an
 * entry from every hook; the hook's own filters are an output's.
 */
static int
hook_wants(const struct conf *conf, const struct hook_conf *hc,
    const struct stored_entry *e)
{
	/* The hook's own filters first: they cost no markup stripping. */
	return merge_wants(&hc->filter, e) && rules_hide(conf, e) == NULL;
}

struct pick {
	struct store	*st;
	const struct conf *conf;
	const struct hook_conf *hc;
	struct hrun	*r;		/* NULL: only counting */
	int64_t		 n;
	int		 dup;		/* an earlier copy is the hook's */
	int		 seen;		/* rows examined */
};

static int
dup_wanted(void *arg, const struct stored_entry *e)
{
	struct pick	*p = arg;

	p->dup = hook_wants(p->conf, p->hc, e);
	return p->dup;
}

/*
 * Whether the hook takes e: it wants it and no copy of the article
 * stored earlier through another feed was its (delivered, or earlier in
 * this run).  Decided per hook: a copy its filters passed over does not
 * count.  -1: a store error.
 */
static int
hook_takes(struct pick *p, const struct stored_entry *e)
{
	if (!hook_wants(p->conf, p->hc, e))
		return 0;
	p->dup = 0;
	if (store_dups_before(p->st, e->rowid, dup_wanted, p) == -1)
		return -1;
	return !p->dup;
}

static int
pick_entry(void *arg, const struct stored_entry *e)
{
	struct pick	*p = arg;
	struct hrun	*r = p->r;
	int		 take;

	/* A run examines a bounded number of rows (a narrow filter on a
	 * big store): the rest from the zero-timeout retry. */
	if (r != NULL && (r->n >= p->hc->batch || p->seen >= HOOK_SCAN_MAX ||
	    (r->n > 0 && r->body.len >= HOOK_BATCH_BYTES))) {
		r->more = 1;
		return 1;
	}
	p->seen++;
	if (r != NULL)
		r->upto = e->rowid;	/* passed over, or in this batch */
	if ((take = hook_takes(p, e)) <= 0)
		return take;		/* -1 stops store_after with an error */
	p->n++;
	if (r == NULL)
		return 0;
	if (r->hc->url != NULL)
		buf_adds(&r->body, r->n > 0 ? ",\n" : "{\"entries\": [\n");
	entry_json(&r->body, e);
	if (r->hc->url == NULL)
		buf_addc(&r->body, '\n');
	r->n++;
	return 0;
}

int
hooks_backlog(struct store *st, const struct conf *conf,
    const struct hook_conf *hc, int64_t mark, int64_t *n)
{
	struct pick	 p = { st, conf, hc, NULL, 0, 0, 0 };

	if (store_after(st, mark, pick_entry, &p) == -1)
		return -1;
	*n = p.n;
	return 0;
}

int
hooks_state(struct store *st, const struct hook_conf *hc,
    struct hook_state *hs)
{
	int	 rc;

	if ((rc = store_hook_get(st, hc->name, hs)) != 0)
		return rc;
	/* New: from now on, unless since = all. */
	hs->mark = hc->since_all ? 0 : store_seq(st);
	return hs->mark < 0 ? -1 : 0;
}

/* Each hook's last success, backlog and failures: text or JSON. */
int
hooks_status(struct store *st, const struct conf *conf, int json,
    struct buf *out)
{
	const struct hook_conf *hc;
	struct hook_state hs;
	int64_t		 backlog;
	char		 d[32];
	size_t		 i;
	int		 rc = 0;

	if (json)
		buf_addc(out, '[');
	for (i = 0; i < conf->nhooks; i++) {
		hc = &conf->hooks[i];
		backlog = 0;
		if (st != NULL && (hooks_state(st, hc, &hs) == -1 ||
		    hooks_backlog(st, conf, hc, hs.mark, &backlog) == -1))
			rc = -1;
		if (st == NULL)
			memset(&hs, 0, sizeof(hs));
		if (json) {
			buf_adds(out, i > 0 ? ",\n{\"name\":" : "\n{\"name\":");
			json_str(out, hc->name);
			buf_adds(out, ",\"last_success\":");
			json_date(out, hs.last_success != 0 ? hs.last_success :
			    DATE_NONE);
			buf_printf(out, ",\"backlog\":%lld,\"failures\":%d,"
			    "\"delivered\":%lld,\"next_try\":",
			    (long long)backlog, hs.failures,
			    (long long)hs.delivered);
			json_date(out, hs.failures > 0 ? hs.next_try :
			    DATE_NONE);
			buf_adds(out, ",\"last_error\":");
			json_str(out, hs.failures > 0 ? hs.last_error : NULL);
			buf_addc(out, '}');
		} else {
			if (hs.last_success != 0)
				fmt_rfc3339(d, hs.last_success);
			buf_printf(out, "hook %s: last success %s, %lld "
			    "waiting", hc->name, hs.last_success != 0 ? d :
			    "never", (long long)backlog);
			if (hs.failures > 0)
				buf_printf(out, ", %d failure%s: %s",
				    hs.failures, hs.failures == 1 ? "" : "s",
				    hs.last_error != NULL ? hs.last_error :
				    "error");
			buf_addc(out, '\n');
		}
		hook_state_free(&hs);
	}
	if (json)
		buf_adds(out, "\n]");
	return rc;
}

/* Programs. */

static void
log_line(struct hrun *r)
{
	if (r->errline.len == 0)
		return;
	if (++r->nlines <= HOOK_LINES_MAX) {
		r->errline.len = utf8_cut(r->errline.s, r->errline.len,
		    HOOK_LINE_MAX);
		r->errline.s[r->errline.len] = '\0';
		utf8_line(r->errline.s);
		log_warnx("hook %s: %s", r->name, r->errline.s);
	} else if (r->nlines == HOOK_LINES_MAX + 1)
		log_warnx("hook %s: more output not logged", r->name);
	buf_reset(&r->errline);
}

/* Standard error, a line at a time, each bounded. */
static void
on_stderr(evutil_socket_t fd, short ev, void *arg)
{
	struct hrun	*r = arg;
	char		 b[4096];
	ssize_t		 n, i;

	while ((n = read(fd, b, sizeof(b))) > 0) {
		for (i = 0; i < n; i++) {
			if (b[i] == '\n')
				log_line(r);
			else if (r->errline.len < HOOK_LINE_MAX + 4)
				buf_addc(&r->errline, b[i]);
		}
	}
	if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
		log_line(r);
		event_del(r->ev_err);
	}
}

static void
on_stdin(evutil_socket_t fd, short ev, void *arg)
{
	struct hrun	*r = arg;
	ssize_t		 n;

	while (r->off < r->body.len) {
		n = write(fd, r->body.s + r->off, r->body.len - r->off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			return;		/* the event stays armed */
		if (n == -1)
			break;		/* EPIPE: it stopped reading */
		r->off += (size_t)n;
	}
	event_del(r->ev_in);
	close(r->in_fd);
	r->in_fd = -1;
}

static void
close_child(struct hrun *r)
{
	if (r->ev_in != NULL)
		event_free(r->ev_in);
	if (r->ev_err != NULL)
		event_free(r->ev_err);
	r->ev_in = r->ev_err = NULL;
	if (r->in_fd != -1)
		close(r->in_fd);
	if (r->err_fd != -1)
		close(r->err_fd);
	r->in_fd = r->err_fd = -1;
}

/* Looked for every few ms while a program runs; also enforces timeout. */
static void
on_reap(evutil_socket_t fd, short ev, void *arg)
{
	struct hrun	*r = arg;
	struct timeval	 tv = { 0, HOOK_REAP_MS * 1000 };
	char		 err[128];
	int		 status;
	pid_t		 pid;

	if ((pid = waitpid(r->pid, &status, WNOHANG)) == 0) {
		if (!r->killed && fm_monotonic_ms() >= r->deadline_ms) {
			r->killed = 1;
			log_warnx("hook %s: killed after %llds", r->name,
			    (long long)r->timeout);
			kill(-r->pid, SIGTERM);
			r->deadline_ms = fm_monotonic_ms() +
			    HOOK_KILL_GRACE * 1000;
		} else if (r->killed && fm_monotonic_ms() >= r->deadline_ms)
			kill(-r->pid, SIGKILL);
		evtimer_add(r->ev_reap, &tv);
		return;
	}
	if (r->ev_err != NULL)
		on_stderr(r->err_fd, EV_READ, r);	/* what is left */
	log_line(r);
	close_child(r);
	/* Whatever it left behind goes too. */
	kill(-r->pid, r->killed ? SIGKILL : SIGTERM);
	r->pid = -1;
	if (pid == -1)
		snprintf(err, sizeof(err), "waitpid: %s", strerror(errno));
	else if (r->killed)
		snprintf(err, sizeof(err), "timed out after %llds",
		    (long long)r->timeout);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		run_end(r, 1, NULL);
		return;
	} else if (WIFEXITED(status))
		snprintf(err, sizeof(err), "exit status %d",
		    WEXITSTATUS(status));
	else
		snprintf(err, sizeof(err), "killed by signal %d",
		    WTERMSIG(status));
	run_end(r, 0, err);
}

/* After fork: async-signal-safe calls only (the checkpoint thread may
 * hold malloc's lock), so env was made before. */
static void __attribute__((noreturn))
child(char **argv, int in, int errfd, char **env)
{
	static const char msg[] = "cannot run the program: errno ";
	char		 buf[16];
	size_t		 i;
	int		 fd, maxfd, e;
	struct rlimit	 rl;

	setsid();
	signal(SIGPIPE, SIG_DFL);
	if ((fd = open("/dev/null", O_WRONLY)) == -1 ||
	    dup2(in, 0) == -1 || dup2(fd, 1) == -1 || dup2(errfd, 2) == -1)
		_exit(127);
	maxfd = getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < 65536 ? (int)rl.rlim_cur : 65536;
	for (fd = 3; fd < maxfd; fd++)
		close(fd);
	execve(argv[0], argv, env);
	/* strerror may allocate: the number, by hand. */
	e = errno;
	buf[sizeof(buf) - 1] = '\n';
	for (i = sizeof(buf) - 2; i > 0 && (e > 0 || i == sizeof(buf) - 2);
	    i--, e /= 10)
		buf[i] = (char)('0' + e % 10);
	(void)!write(2, msg, sizeof(msg) - 1);
	(void)!write(2, buf + i + 1, sizeof(buf) - i - 1);
	_exit(127);
}

static int
exec_start(struct hrun *r, char *err, size_t errlen)
{
	struct timeval	 tv = { 0, HOOK_REAP_MS * 1000 };
	char		*env[3] = { NULL, "PATH=/usr/bin:/bin", NULL };
	char		**argv;
	int		 in[2], er[2];

	if (pipe2(in, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if (pipe2(er, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	xasprintf(&env[0], "FEEDMUX_HOOK=%s", r->name);
	/* The config's list has no NULL at its end; execve needs one. */
	argv = xcalloc(r->hc->nexec + 1, sizeof(*argv));
	memcpy(argv, r->hc->exec, r->hc->nexec * sizeof(*argv));
	if ((r->pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(in[0]); close(in[1]); close(er[0]); close(er[1]);
		free(env[0]);
		free(argv);
		return -1;
	}
	if (r->pid == 0)
		child(argv, in[0], er[1], env);
	free(env[0]);
	free(argv);
	/* Ours too, so the group can be signalled before the child ran. */
	setpgid(r->pid, r->pid);
	close(in[0]);
	close(er[1]);
	r->in_fd = in[1];
	r->err_fd = er[0];
	fcntl(r->in_fd, F_SETFL, O_NONBLOCK);
	fcntl(r->err_fd, F_SETFL, O_NONBLOCK);
	r->ev_in = event_new(r->hs->base, r->in_fd, EV_WRITE | EV_PERSIST,
	    on_stdin, r);
	r->ev_err = event_new(r->hs->base, r->err_fd, EV_READ | EV_PERSIST,
	    on_stderr, r);
	event_add(r->ev_in, NULL);
	event_add(r->ev_err, NULL);
	r->deadline_ms = fm_monotonic_ms() + r->timeout * 1000;
	evtimer_add(r->ev_reap, &tv);
	return 0;
}

/* URLs. */

static void
on_posted(void *arg, const struct fetch_reply *reply)
{
	struct hrun	*r = arg;

	if (r->hs == NULL)
		return;			/* shutting down: not committed */
	run_end(r, reply->error[0] == '\0', reply->error);
}

static int
post_start(struct hrun *r, char *err, size_t errlen)
{
	struct feed_opts opts = r->hs->conf->defaults;

	buf_adds(&r->body, "\n]}\n");
	opts.timeout = r->hc->timeout;
	if (opts.connect_timeout <= 0 || opts.connect_timeout > opts.timeout)
		opts.connect_timeout = opts.timeout;
	if (r->hs->fetcher == NULL || fetch_post(r->hs->fetcher, r->hc->url,
	    &opts, r->hc->headers, r->hc->nheaders, r->body.s, r->body.len,
	    on_posted, r) == -1) {
		snprintf(err, errlen, "%s: cannot start the request",
		    r->hc->url);
		return -1;
	}
	return 0;
}

/* Runs. */

static void
on_retry(evutil_socket_t fd, short ev, void *arg)
{
	struct hrun	*r = arg;

	if (!r->running && r->hc != NULL)
		run_start(r);
}

static void
run_end(struct hrun *r, int ok, const char *err)
{
	struct hooks	*hs = r->hs;
	struct hook_state *st = &r->st;
	struct timeval	 tv = { 0, 0 };
	int64_t		 now = fm_now();

	r->running = 0;
	hs->busy--;
	/* Not kept at its peak between runs: a batch may be megabytes. */
	buf_free(&r->body);
	if (ok) {
		if (st->failures > 0)
			log_warnx("hook %s: recovered after %d failure%s",
			    r->name, st->failures, st->failures == 1 ? "" : "s");
		st->mark = r->upto;
		st->delivered += r->n;
		st->failures = 0;
		st->failing_since = st->next_try = 0;
		free(st->last_error);
		st->last_error = NULL;
		/* n == 0: its filters passed over everything; nothing ran. */
		if (r->n > 0) {
			st->last_success = now;
			log_info("hook %s: %d entr%s delivered", r->name,
			    r->n, r->n == 1 ? "y" : "ies");
		}
	} else {
		hs->failed++;
		r->more = 0;
		if (st->failures++ == 0) {
			st->failing_since = now;
			log_warnx("hook %s: failing: %s", r->name, err);
		} else
			log_info("hook %s: %s", r->name, err);
		tv.tv_sec = sched_backoff(st->failures, HOOK_RETRY,
		    hs->conf->backoff_max, sched_random());
		st->next_try = now + tv.tv_sec;
		free(st->last_error);
		st->last_error = xstrdup(err);
	}
	/* The commit that makes the batch delivered: a crash before it
	 * sends the batch again (receivers deduplicate by feedmux_id). */
	if (store_hook_put(hs->store, r->name, st) == -1)
		log_warnx("hook %s: %s", r->name, store_error(hs->store));
	run_unclaim(r);
	/* Entries stored while it ran go out now, not a cycle later. */
	if (r->hc != NULL && (r->more || r->pending || !ok))
		evtimer_add(r->ev_retry, &tv);
}

/*
 * The hook's state from the store; a new hook's mark is set now (what
 * arrives from here on is new to it).  Until this succeeds the hook does
 * not run: a mark of 0 would send the whole history again.
 */
static int
run_load(struct hrun *r)
{
	struct hooks	*hs = r->hs;
	int		 rc;

	hook_state_free(&r->st);
	if ((rc = hooks_state(hs->store, r->hc, &r->st)) == -1) {
		log_warnx("hook %s: %s; not run until its state is read",
		    r->name, store_error(hs->store));
		hs->failed++;
		return -1;
	}
	r->loaded = 1;
	if (rc == 0 && store_hook_put(hs->store, r->name, &r->st) == -1)
		log_warnx("hook %s: %s", r->name, store_error(hs->store));
	return 0;
}

/*
 * Several daemons on one database: one runs the hook at a time, from the
 * mark the last run left, whoever ran it.  The claim outlives the run
 * (killed at its timeout) and its bookkeeping.  A daemon refused the claim
 * asks again this often, so the entries stored meanwhile go out even
 * when the holder dies.
 */
#define HOOK_CLAIM_AGAIN	10
static int
run_claim(struct hrun *r)
{
	struct store	*st = r->hs->store;
	struct timeval	 again = { HOOK_CLAIM_AGAIN, 0 };
	int		 rc;

	if (!store_shared(st))
		return 1;
	if ((rc = store_claim(st, r->claim, fm_now(),
	    2 * r->hc->timeout + 5)) == -1)
		log_warnx("hook %s: %s", r->name, store_error(st));
	if (rc != 1) {
		/* Ask again: the holder may die, and its claim run out. */
		evtimer_add(r->ev_retry, &again);
		return 0;
	}
	r->claimed = 1;
	r->loaded = 0;
	return 1;
}

static void
run_unclaim(struct hrun *r)
{
	if (r->claimed && store_unclaim(r->hs->store, r->claim) == -1)
		log_warnx("hook %s: %s", r->name, store_error(r->hs->store));
	r->claimed = 0;
}

static void
run_start(struct hrun *r)
{
	struct pick	 p = { r->hs->store, r->hs->conf, r->hc, r, 0, 0, 0 };
	char		 err[256];
	int		 rc;

	if (r->running || r->hc == NULL || !run_claim(r))
		return;
	if (!r->loaded && run_load(r) == -1) {
		run_unclaim(r);
		return;
	}
	buf_reset(&r->body);
	r->off = 0;
	r->n = 0;
	r->more = r->killed = r->nlines = r->pending = 0;
	r->upto = r->st.mark;
	r->timeout = r->hc->timeout;
	if (store_after(r->hs->store, r->st.mark, pick_entry, &p) == -1) {
		log_warnx("hook %s: %s", r->name, store_error(r->hs->store));
		run_unclaim(r);
		return;
	}
	if (r->more)
		log_debug("hook %s: %d entries examined, more to come",
		    r->name, p.seen);
	r->running = 1;
	r->hs->busy++;
	if (r->n == 0) {
		/* Nothing for it: only entries its filters pass over. */
		if (r->upto != r->st.mark)
			run_end(r, 1, NULL);
		else {
			r->running = 0;
			r->hs->busy--;
			run_unclaim(r);
		}
		return;
	}
	rc = r->hc->url != NULL ? post_start(r, err, sizeof(err)) :
	    exec_start(r, err, sizeof(err));
	if (rc == -1)
		run_end(r, 0, err);
}

static struct hrun *
run_find(struct hooks *hs, const char *name)
{
	struct hrun	*r;

	TAILQ_FOREACH(r, &hs->runs, link)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

static void
run_free(struct hrun *r)
{
	if (r->pid > 0) {
		kill(-r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	close_child(r);
	event_free(r->ev_reap);
	event_free(r->ev_retry);
	buf_free(&r->body);
	buf_free(&r->errline);
	hook_state_free(&r->st);
	run_unclaim(r);
	free(r->claim);
	free(r->name);
	free(r);
}

void
hooks_set_conf(struct hooks *hs, const struct conf *conf)
{
	struct hrun	*r;
	size_t		 i;

	hs->conf = conf;
	TAILQ_FOREACH(r, &hs->runs, link)
		r->hc = NULL;
	for (i = 0; i < conf->nhooks; i++) {
		const struct hook_conf *hc = &conf->hooks[i];

		if ((r = run_find(hs, hc->name)) != NULL) {
			r->hc = hc;
			continue;
		}
		r = xcalloc(1, sizeof(*r));
		r->hs = hs;
		r->name = xstrdup(hc->name);
		xasprintf(&r->claim, "hook %s", hc->name);
		r->hc = hc;
		r->pid = -1;
		r->in_fd = r->err_fd = -1;
		r->ev_reap = evtimer_new(hs->base, on_reap, r);
		r->ev_retry = evtimer_new(hs->base, on_retry, r);
		TAILQ_INSERT_TAIL(&hs->runs, r, link);
		run_load(r);
	}
}

struct hooks *
hooks_new(struct event_base *base, struct store *store,
    const struct conf *conf)
{
	struct hooks	*hs = xcalloc(1, sizeof(*hs));
	char		 err[512];

	hs->base = base;
	hs->store = store;
	/* Not the poller's: a POST in flight must not hold its cycle open. */
	if ((hs->fetcher = fetcher_new(base, err, sizeof(err))) == NULL)
		log_warnx("hooks: %s; url hooks cannot run", err);
	TAILQ_INIT(&hs->runs);
	hooks_set_conf(hs, conf);
	return hs;
}

void
hooks_kick(struct hooks *hs, int force)
{
	struct hrun	*r;
	int64_t		 now = fm_now();

	TAILQ_FOREACH(r, &hs->runs, link) {
		if (r->hc != NULL && r->running)
			r->pending = 1;
		if (r->hc == NULL || r->running)
			continue;
		if (!force && r->st.failures > 0 && r->st.next_try > now)
			continue;	/* its retry timer will do */
		evtimer_del(r->ev_retry);
		run_start(r);
	}
}

int
hooks_busy(const struct hooks *hs)
{
	return hs->busy;
}

void
hooks_free(struct hooks *hs)
{
	struct hrun	*r;

	if (hs == NULL)
		return;
	/* A POST in flight calls back when aborted: not a failure. */
	TAILQ_FOREACH(r, &hs->runs, link)
		r->hs = NULL;
	fetcher_free(hs->fetcher);
	while ((r = TAILQ_FIRST(&hs->runs)) != NULL) {
		TAILQ_REMOVE(&hs->runs, r, link);
		run_free(r);
	}
	free(hs);
}

/* feedmux hooks: every hook once (and its further batches), for cron. */

static void
on_idle(evutil_socket_t fd, short ev, void *arg)
{
	struct hooks	*hs = arg;
	struct hrun	*r;
	int		 waiting = 0;
	struct timeval	 tv = { 0, 50 * 1000 };

	/* Done when nothing runs and no further batch is queued. */
	TAILQ_FOREACH(r, &hs->runs, link)
		waiting += r->running || (r->more && r->hc != NULL);
	if (waiting == 0) {
		event_base_loopbreak(hs->base);
		return;
	}
	event_base_once(hs->base, -1, EV_TIMEOUT, on_idle, hs, &tv);
}

int
cmd_hooks(struct conf *conf, int argc, char **argv)
{
	struct event_base *base;
	struct store	*st;
	struct hooks	*hs;
	char		 err[512];
	int		 rc;

	if (argc != 1)
		return cmd_usage(argv[0]);
	if (conf->nhooks == 0) {
		printf("no hooks configured\n");
		return 0;
	}
	/* The daemon runs them itself: two runners would send twice. */
	if (db_lock(conf->database, err, sizeof(err)) == -1) {
		log_errorx("%s", err);
		return EX_TEMPFAIL;
	}
	if ((st = store_open(conf->database, err, sizeof(err))) == NULL) {
		log_errorx("%s", err);
		return store_damaged() ? EX_DATAERR : EX_SOFTWARE;
	}
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	hs = hooks_new(base, st, conf);
	hooks_kick(hs, 1);
	on_idle(-1, 0, hs);
	event_base_dispatch(base);
	rc = hs->failed > 0 ? EX_TEMPFAIL : 0;
	hooks_free(hs);
	event_base_free(base);
	store_close(st);
	return rc;
}
