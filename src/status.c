/*
 * status.c: `feedmux status` and `feedmux list`.
 *
 * Status is the configured feeds joined with their state in the store, so
 * a feed added a minute ago shows (as never polled) before the daemon has
 * touched it.  The store is opened only if the database exists: looking
 * must not create anything.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "conf.h"
#include "daemon.h"
#include "digest.h"
#include "encoding.h"
#include "hooks.h"
#include "json.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "util.h"

struct row {
	const struct feed_conf	*fc;
	struct feed_state	 st;
	int			 known;		/* in the store */
	int			 failing;
	int			 quiet;
};

enum { COL_NAME, COL_OK, COL_HTTP, COL_FAIL, COL_ENTRIES, COL_NEXT,
    COL_WHY, COL_FLAGS, NCOLS };
static const char *col_head[NCOLS] = { "NAME", "LAST OK", "HTTP", "FAILS",
    "ENTRIES", "NEXT POLL", "WHY", "FLAGS" };
/* Numbers right-aligned, text left-aligned. */
static const int col_right[NCOLS] = { 0, 0, 1, 1, 1, 0, 0, 0 };

/* "3m ago", "in 2h", "now", "never": durations a reader takes in at once. */
static void
fmt_rel(char *out, size_t len, int64_t t, int64_t now)
{
	int64_t		 d = t > now ? t - now : now - t;
	const char	*u = "s";

	if (t == 0 || t == DATE_NONE) {
		snprintf(out, len, "never");
		return;
	}
	if (d < 5) {
		snprintf(out, len, "now");
		return;
	}
	if (d >= 2 * 86400) { d /= 86400; u = "d"; }
	else if (d >= 2 * 3600) { d /= 3600; u = "h"; }
	else if (d >= 120) { d /= 60; u = "m"; }
	snprintf(out, len, t > now ? "in %" PRId64 "%s" : "%" PRId64 "%s ago",
	    d, u);
}

static void
row_flags(const struct row *r, struct buf *b)
{
	if (!r->known)
		buf_adds(b, "new ");
	if (r->st.gone)
		buf_adds(b, "gone ");
	if (r->st.malformed)
		buf_adds(b, "malformed ");
	if (r->st.key_churn)
		buf_adds(b, "key-churn ");
	if (r->quiet)
		buf_adds(b, "quiet ");
	if (!r->fc->enabled)
		buf_adds(b, "disabled ");
	if (b->len > 0)
		b->s[--b->len] = '\0';
}

/* A daemon on a shared database is polling it now. */
static int
leased(const struct row *r, int64_t now)
{
	return r->st.lease_owner != NULL && r->st.lease_until > now;
}

static void
row_cells(const struct row *r, int64_t now, char cell[NCOLS][64])
{
	struct buf	 f = { 0 };

	snprintf(cell[COL_NAME], 64, "%s", r->fc->name);
	fmt_rel(cell[COL_OK], 64, r->st.last_success, now);
	if (r->st.last_status != 0)
		snprintf(cell[COL_HTTP], 64, "%d", r->st.last_status);
	else
		snprintf(cell[COL_HTTP], 64, "-");
	snprintf(cell[COL_FAIL], 64, "%d", r->st.failures);
	snprintf(cell[COL_ENTRIES], 64, "%" PRId64, r->st.entries);
	if (r->st.gone)
		snprintf(cell[COL_NEXT], 64, "-");
	else if (leased(r, now))
		snprintf(cell[COL_NEXT], 64, "polling");
	else if (!r->known || r->st.next_poll <= now)
		snprintf(cell[COL_NEXT], 64, "due");
	else
		fmt_rel(cell[COL_NEXT], 64, r->st.next_poll, now);
	if (leased(r, now))
		snprintf(cell[COL_WHY], 64, "by %s", r->st.lease_owner);
	else
		snprintf(cell[COL_WHY], 64, "%s", r->st.next_reason != NULL ?
		    r->st.next_reason : "-");
	row_flags(r, &f);
	snprintf(cell[COL_FLAGS], 64, "%s", f.len > 0 ? f.s : "-");
	buf_free(&f);
	utf8_line(cell[COL_NAME]);	/* cut to fit: not mid-character */
}

/* Failing feeds first (most failures first), then by name. */
static int
row_cmp(const void *va, const void *vb)
{
	const struct row *a = va, *b = vb;

	if (a->failing != b->failing)
		return b->failing - a->failing;
	if (a->failing && a->st.failures != b->st.failures)
		return b->st.failures - a->st.failures;
	return strcmp(a->fc->name, b->fc->name);
}

/*
 * Each configured feed's row, failing ones first (a missing database gives
 * rows that are all "never polled"), or NULL with err set; in digest the
 * digest's state when a [digest] is configured and the database exists,
 * in hooks each hook's (text, or JSON with json).
 */
static struct row *
load_rows(const struct conf *conf, int64_t now, int json, struct buf *digest,
    struct buf *hooks, char *err, size_t errlen)
{
	struct store	*st = NULL;
	struct row	*rows;
	size_t		 i;
	int		 rc;

	if ((store_is_server(conf->database) ||
	    access(conf->database, F_OK) == 0) &&
	    (st = store_open_reader(conf->database, err, errlen)) == NULL)
		return NULL;
	rows = xcalloc(conf->nfeeds + 1, sizeof *rows);
	for (i = 0; i < conf->nfeeds; i++) {
		struct row *r = &rows[i];

		r->fc = &conf->feeds[i];
		rc = st != NULL ? store_feed_get(st, r->fc->name, &r->st) : 0;
		if (rc == -1)
			log_warnx("%s: %s", r->fc->name, store_error(st));
		r->known = rc == 1;
		r->failing = r->st.failures > 0 || r->st.gone;
		r->quiet = r->known && conf->quiet_after > 0 &&
		    r->st.last_success != 0 && !r->st.gone &&
		    now - (r->st.last_new != 0 ? r->st.last_new :
		    r->st.last_success) > conf->quiet_after;
	}
	if (st != NULL && digest_configured(conf) &&
	    digest_status(st, conf, now, json, digest) == -1)
		log_warnx("digest: %s", store_error(st));
	if (hooks_status(st, conf, json, hooks) == -1)
		log_warnx("hooks: %s", store_error(st));
	if (st != NULL)
		store_close(st);
	qsort(rows, conf->nfeeds, sizeof *rows, row_cmp);
	return rows;
}

static void
free_rows(struct row *rows, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (rows[i].known)
			feed_state_free(&rows[i].st);
	free(rows);
}

static void
print_line(char cell[NCOLS][64], const size_t *w, const char *on,
    const char *off)
{
	int	 i;

	fputs(on, stdout);
	for (i = 0; i < NCOLS; i++) {
		const char *sep = i == NCOLS - 1 ? "" : "  ";

		if (col_right[i])
			printf("%*s%s", (int)w[i], cell[i], sep);
		else if (i == NCOLS - 1)
			printf("%s", cell[i]);
		else
			printf("%-*s%s", (int)w[i], cell[i], sep);
	}
	printf("%s\n", off);
}

static const char *
row_colour(const struct row *r)
{
	if (r->failing)
		return "\033[31m";		/* red */
	if (r->st.malformed || r->st.key_churn || r->quiet)
		return "\033[33m";		/* yellow */
	if (!r->known)
		return "\033[2m";		/* dim */
	return "";
}

static void
status_table(const struct conf *conf, struct row *rows, int64_t now,
    int colour)
{
	char	 (*cells)[NCOLS][64];
	char	 head[NCOLS][64];
	size_t	 w[NCOLS], i, j;

	cells = xcalloc(conf->nfeeds + 1, sizeof *cells);
	for (j = 0; j < NCOLS; j++) {
		snprintf(head[j], 64, "%s", col_head[j]);
		w[j] = strlen(head[j]);
	}
	for (i = 0; i < conf->nfeeds; i++) {
		row_cells(&rows[i], now, cells[i]);
		for (j = 0; j < NCOLS; j++)
			if (strlen(cells[i][j]) > w[j])
				w[j] = strlen(cells[i][j]);
	}
	print_line(head, w, colour ? "\033[1m" : "", colour ? "\033[0m" : "");
	for (i = 0; i < conf->nfeeds; i++) {
		const char *c = colour ? row_colour(&rows[i]) : "";

		print_line(cells[i], w, c, *c != '\0' ? "\033[0m" : "");
	}
	free(cells);
}

struct summary {
	size_t	 feeds, failing, gone, quiet, never;
	int64_t	 entries;
	pid_t	 daemon;
};

static void
summarize(const struct conf *conf, const struct row *rows, struct summary *s)
{
	size_t	 i;

	memset(s, 0, sizeof *s);
	s->feeds = conf->nfeeds;
	for (i = 0; i < conf->nfeeds; i++) {
		s->failing += rows[i].failing && !rows[i].st.gone;
		s->gone += rows[i].st.gone != 0;
		s->quiet += rows[i].quiet;
		s->never += !rows[i].known || rows[i].st.last_poll == 0;
		s->entries += rows[i].st.entries;
	}
	if (conf->pidfile != NULL)
		s->daemon = pidfile_check(conf->pidfile);
}

static void
print_summary(const struct summary *s)
{
	printf("%zu feed%s, %zu failing, %zu gone, %zu quiet, %zu never "
	    "polled, %" PRId64 " entries", s->feeds, s->feeds == 1 ? "" : "s",
	    s->failing, s->gone, s->quiet, s->never, s->entries);
	if (s->daemon != 0)
		printf("; daemon running (pid %ld)", (long)s->daemon);
	printf("\n");
}

static void
json_row(struct buf *b, const struct row *r, int64_t now)
{
	const struct feed_state *st = &r->st;

	buf_adds(b, "{\"name\":");
	json_str(b, r->fc->name);
	buf_adds(b, ",\"url\":");
	json_str(b, r->fc->url);
	buf_adds(b, ",\"title\":");
	json_str(b, r->fc->title != NULL ? r->fc->title : st->title);
	buf_adds(b, ",\"category\":");
	json_str(b, r->fc->category);
	buf_adds(b, ",\"last_poll\":");
	json_date(b, st->last_poll != 0 ? st->last_poll : DATE_NONE);
	buf_adds(b, ",\"last_success\":");
	json_date(b, st->last_success != 0 ? st->last_success : DATE_NONE);
	buf_adds(b, ",\"last_new\":");
	json_date(b, st->last_new != 0 ? st->last_new : DATE_NONE);
	buf_printf(b, ",\"last_status\":%d,\"failures\":%d", st->last_status,
	    st->failures);
	buf_adds(b, ",\"failing_since\":");
	json_date(b, st->failing_since != 0 ? st->failing_since : DATE_NONE);
	buf_adds(b, ",\"last_error\":");
	json_str(b, st->last_error);
	buf_printf(b, ",\"entries\":%" PRId64 ",\"next_poll\":", st->entries);
	json_date(b, r->known && st->next_poll != 0 ? st->next_poll :
	    DATE_NONE);
	buf_adds(b, ",\"next_reason\":");
	json_str(b, st->next_reason);
	buf_adds(b, ",\"polling_by\":");
	json_str(b, leased(r, now) ? st->lease_owner : NULL);
	buf_printf(b, ",\"polled\":%s,\"failing\":%s,\"quiet\":%s,"
	    "\"gone\":%s,\"malformed\":%s,\"key_churn\":%s,\"enabled\":%s}",
	    r->known && st->last_poll != 0 ? "true" : "false",
	    r->failing ? "true" : "false", r->quiet ? "true" : "false",
	    st->gone ? "true" : "false", st->malformed ? "true" : "false",
	    st->key_churn ? "true" : "false",
	    r->fc->enabled ? "true" : "false");
}

static void
status_json(const struct conf *conf, const struct row *rows,
    const struct summary *s, int64_t now, const struct buf *digest,
    const struct buf *hooks)
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_adds(&b, "{\"feeds\":[");
	for (i = 0; i < conf->nfeeds; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, "\n");
		json_row(&b, &rows[i], now);
	}
	buf_printf(&b, "\n],\"summary\":{\"feeds\":%zu,\"failing\":%zu,"
	    "\"gone\":%zu,\"quiet\":%zu,\"never_polled\":%zu,"
	    "\"entries\":%" PRId64 ",\"daemon_pid\":", s->feeds, s->failing,
	    s->gone, s->quiet, s->never, s->entries);
	if (s->daemon != 0)
		buf_printf(&b, "%ld", (long)s->daemon);
	else
		buf_adds(&b, "null");
	buf_printf(&b, ",\"nothing_to_poll\":%s",
	    conf_enabled_feeds(conf) == 0 ? "true" : "false");
	buf_adds(&b, ",\"now\":");
	json_date(&b, now);
	buf_adds(&b, "},\"digest\":");
	if (digest->len > 0)
		buf_add(&b, digest->s, digest->len);
	else
		buf_adds(&b, "null");
	buf_adds(&b, ",\"hooks\":");
	buf_add(&b, hooks->s, hooks->len);
	buf_adds(&b, "}\n");
	fwrite(b.s, 1, b.len, stdout);
	buf_free(&b);
}

/* Parse "[--json]"; returns 0, or -1 after printing usage. */
static int
json_flag(int argc, char **argv, int *json)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	*json = 0;
	while ((ch = getopt_long(argc, argv, "j", longopts, NULL)) != -1) {
		if (ch != 'j')
			goto usage;
		*json = 1;
	}
	if (optind == argc)
		return 0;
usage:
	cmd_usage(argv[0]);
	return -1;
}

int
cmd_status(struct conf *conf, int argc, char **argv)
{
	struct summary	 s;
	struct row	*rows;
	struct buf	 digest = { 0 }, hooks = { 0 };
	char		 err[512];
	int64_t		 now = fm_now();
	int		 json, colour;

	if (json_flag(argc, argv, &json) == -1)
		return EX_USAGE;
	if ((rows = load_rows(conf, now, json, &digest, &hooks, err,
	    sizeof err)) == NULL) {
		log_errorx("%s", err);
		return EX_NOINPUT;
	}
	summarize(conf, rows, &s);
	colour = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	if (json)
		status_json(conf, rows, &s, now, &digest, &hooks);
	else {
		if (conf->nfeeds > 0)
			status_table(conf, rows, now, colour);
		print_summary(&s);
		if (conf_enabled_feeds(conf) == 0)
			printf("%s\n", CONF_NO_FEEDS);
		if (digest.len > 0)
			printf("%s%s", digest.s,
			    digest.s[digest.len - 1] == '\n' ? "" : "\n");
		if (hooks.len > 0)
			fwrite(hooks.s, 1, hooks.len, stdout);
	}
	buf_free(&digest);
	buf_free(&hooks);
	free_rows(rows, conf->nfeeds);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_errorx("stdout: %s", strerror(errno));
		return EX_IOERR;
	}
	return 0;
}

static void
list_json(const struct conf *conf)
{
	struct buf	 b = { 0 };
	size_t		 i;

	buf_addc(&b, '[');
	for (i = 0; i < conf->nfeeds; i++) {
		const struct feed_conf *f = &conf->feeds[i];

		buf_adds(&b, i > 0 ? ",\n{\"name\":" : "\n{\"name\":");
		json_str(&b, f->name);
		buf_adds(&b, ",\"url\":");
		json_str(&b, f->url);
		buf_adds(&b, ",\"title\":");
		json_str(&b, f->title);
		buf_adds(&b, ",\"category\":");
		json_str(&b, f->category);
		buf_printf(&b, ",\"interval\":%" PRId64 ",\"enabled\":%s}",
		    f->opts.interval, f->enabled ? "true" : "false");
	}
	buf_adds(&b, "\n]\n");
	fwrite(b.s, 1, b.len, stdout);
	buf_free(&b);
}

static void
fmt_interval(char *out, size_t len, int64_t s)
{
	if (s % 86400 == 0 && s > 0)
		snprintf(out, len, "%" PRId64 "d", s / 86400);
	else if (s % 3600 == 0 && s > 0)
		snprintf(out, len, "%" PRId64 "h", s / 3600);
	else if (s % 60 == 0 && s > 0)
		snprintf(out, len, "%" PRId64 "m", s / 60);
	else
		snprintf(out, len, "%" PRId64 "s", s);
}

static void
list_table(const struct conf *conf)
{
	size_t	 wn = 4, wc = 8, wi = 8, i;
	char	 iv[32];

	for (i = 0; i < conf->nfeeds; i++) {
		const struct feed_conf *f = &conf->feeds[i];

		if (strlen(f->name) > wn)
			wn = strlen(f->name);
		if (f->category != NULL && strlen(f->category) > wc)
			wc = strlen(f->category);
	}
	printf("%-*s  %-*s  %-*s  %s\n", (int)wn, "NAME", (int)wc, "CATEGORY",
	    (int)wi, "INTERVAL", "URL");
	for (i = 0; i < conf->nfeeds; i++) {
		const struct feed_conf *f = &conf->feeds[i];

		fmt_interval(iv, sizeof iv, f->opts.interval);
		printf("%-*s  %-*s  %-*s  %s%s\n", (int)wn, f->name, (int)wc,
		    f->category != NULL ? f->category : "-", (int)wi, iv,
		    f->url, f->enabled ? "" : "  (disabled)");
	}
}

/* What `list --rejected` prints: the entries the rules hide, newest first. */
struct rejected {
	const struct conf	*conf;
	const char		*feed;		/* NULL: every feed */
	int			 json;
	struct buf		 out;
	size_t			 n;
};

static int
came_through(const struct stored_entry *e, const char *feed)
{
	size_t	 i;

	if (strcmp(e->feed, feed) == 0)
		return 1;
	for (i = 0; i < e->nalso_feeds; i++)
		if (strcmp(e->also_feeds[i], feed) == 0)
			return 1;
	return 0;
}

static int
rejected_entry(void *arg, const struct stored_entry *e)
{
	struct rejected	*r = arg;
	const char	*why;
	char		 d[21] = "-";
	int64_t		 t;

	if (r->feed != NULL && !came_through(e, r->feed))
		return 0;
	if ((why = rules_hide(r->conf, e)) == NULL)
		return 0;
	t = e->published != DATE_NONE ? e->published : e->first_seen;
	if (r->json) {
		buf_adds(&r->out, r->n > 0 ? ",\n{\"feed\":" : "\n{\"feed\":");
		json_str(&r->out, e->feed);
		buf_adds(&r->out, ",\"date\":");
		json_date(&r->out, t);
		buf_adds(&r->out, ",\"title\":");
		json_str(&r->out, e->title);
		buf_adds(&r->out, ",\"link\":");
		json_str(&r->out, e->link);
		buf_adds(&r->out, ",\"rejected_by\":");
		json_str(&r->out, why);
		buf_adds(&r->out, "}");
	} else {
		if (t != DATE_NONE)
			fmt_rfc3339(d, t);
		buf_printf(&r->out, "%s  %s  %s\n    rejected by %s\n", e->feed,
		    d, e->title != NULL && *e->title != '\0' ? e->title :
		    "(no title)", why);
	}
	r->n++;
	return 0;
}

/* Stored entries the rules hide, with the rule hiding each. */
static int
list_rejected(const struct conf *conf, const char *feed, int json)
{
	struct rejected	 r;
	struct store	*st = NULL;
	char		 err[512];
	int		 rc = 0;

	if (feed != NULL && conf_feed(conf, feed) == NULL) {
		log_errorx("list: no feed \"%s\" in the config", feed);
		return EX_USAGE;
	}
	/* Like status, looking creates nothing: no database, nothing hid. */
	if ((store_is_server(conf->database) ||
	    access(conf->database, F_OK) == 0) &&
	    (st = store_open_reader(conf->database, err, sizeof err)) ==
	    NULL) {
		log_errorx("%s", err);
		return EX_NOINPUT;
	}
	memset(&r, 0, sizeof r);
	r.conf = conf;
	r.feed = feed;
	r.json = json;
	if (json)
		buf_addc(&r.out, '[');
	if (st != NULL && store_recent(st, rejected_entry, &r) == -1) {
		log_errorx("reading entries: %s", store_error(st));
		rc = EX_DATAERR;
	} else {
		if (json)
			buf_adds(&r.out, r.n > 0 ? "\n]\n" : "]\n");
		else if (r.n == 0)
			buf_adds(&r.out, "no stored entry is hidden by the "
			    "rules\n");
		fwrite(r.out.s, 1, r.out.len, stdout);
	}
	buf_free(&r.out);
	store_close(st);
	return rc;
}

int
cmd_list(struct conf *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "rejected", no_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch, json = 0, rejected = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "jr", longopts, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'r')
			rejected = 1;
		else
			goto usage;
	}
	if (argc - optind > rejected)
		goto usage;
	if (rejected)
		rc = list_rejected(conf, optind < argc ? argv[optind] : NULL,
		    json);
	else if (json)
		list_json(conf);
	else if (conf->nfeeds > 0)
		list_table(conf);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_errorx("stdout: %s", strerror(errno));
		return EX_IOERR;
	}
	return rc;
usage:
	return cmd_usage(argv[0]);
}
