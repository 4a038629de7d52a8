/*
 * test_digest: the schedule across DST changes, and digests made from a
 * real store and delivered through a real child process (the
 * sendmail-save.sh stand-in): exactly once, retries, folding, missed
 * slots, header injection.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "conf.h"
#include "digest.h"
#include "store.h"
#include "tap.h"
#include "util.h"

static char dir[256], mdir[300];

static void
schedule_tests(void)
{
	struct digest_conf dc;
	int64_t t;

	memset(&dc, 0, sizeof(dc));
	dc.name = "";
	dc.timezone = "Europe/Berlin";
	dc.at[0] = 2 * 60 + 30;
	dc.nat = 1;
	dc.days = 0x7f;
	t = digest_next_slot(&dc, 1774612800);	/* Fri 27 Mar 2026 12:00Z */
	is_int(t, 1774661400, "Berlin 02:30 on Sat 28 Mar is 01:30Z (CET)");
	t = digest_next_slot(&dc, t);
	is_int(t, 1774747800, "spring forward: the missing 02:30 goes out "
	    "once, at 03:30 CEST");
	t = digest_next_slot(&dc, t);
	is_int(t, 1774830600, "and the day after at 02:30 CEST (00:30Z)");
	t = digest_next_slot(&dc, 1792843200);	/* Sat 24 Oct 12:00Z */
	is_int(t, 1792891800, "fall back: 02:30 on 25 Oct once");
	is_int(digest_next_slot(&dc, t), 1792978200,
	    "not twice: the next is 26 Oct");
	is_int(digest_prev_slot(&dc, 1792978199), 1792891800,
	    "previous slot before 26 Oct 02:30 is 25 Oct's");

	dc.timezone = "America/New_York";
	dc.at[0] = 7 * 60;
	dc.days = 0x3e;				/* mon-fri */
	is_int(digest_next_slot(&dc, 1772798400), 1773054000,
	    "New York 07:00 mon-fri: after Friday (EST) comes Monday (EDT)");
	is_int(digest_prev_slot(&dc, 1773054000 - 1), 1772798400,
	    "over the weekend the previous slot is Friday's");
	dc.at[0] = 7 * 60;
	dc.at[1] = 19 * 60;
	dc.nat = 2;
	is_int(digest_next_slot(&dc, 1773054000), 1773054000 + 12 * 3600,
	    "two times a day");
	dc.days = 1u << 1;			/* weekly, on Monday */
	is_int(digest_next_slot(&dc, 1773054000 + 12 * 3600),
	    1773054000 + 7 * 86400, "weekly");
	dc.days = 0;
	is_int(digest_next_slot(&dc, 1773054000), 0, "no days, no slot");
}

static char *
slurp(const char *name)
{
	struct buf b = { NULL, 0, 0 };
	char path[400], err[256];

	snprintf(path, sizeof(path), "%s/%s", mdir, name);
	if (read_file(path, 0, &b, err, sizeof(err)) == -1)
		return xstrdup("");
	buf_add(&b, "", 0);
	return b.s;
}

static int
count_msgs(void)
{
	char *s = slurp("count");
	int n = atoi(s);

	free(s);
	return n;
}

static int
msg_has(int n, const char *what)
{
	char name[32], *s;
	int found;

	snprintf(name, sizeof(name), "msg-%d", n);
	s = slurp(name);
	found = strstr(s, what) != NULL;
	free(s);
	return found;
}

/* The header block holds no line that a feed's text started. */
static int
headers_clean(int n)
{
	char name[32], *s, *end;
	int clean;

	snprintf(name, sizeof(name), "msg-%d", n);
	s = slurp(name);
	if ((end = strstr(s, "\n\n")) != NULL)
		*end = '\0';
	clean = end != NULL && strstr(s, "\nBcc:") == NULL &&
	    strstr(s, "\nX-Injected:") == NULL;
	free(s);
	return clean;
}

static void
put_link(struct store *st, const char *feed, const char *id,
    const char *title, const char *feed_title, const char *url, int64_t now)
{
	struct feed_meta meta;
	struct feed_state fs;
	struct entry e;
	char link[128];

	memset(&e, 0, sizeof(e));
	memset(&meta, 0, sizeof(meta));
	if (url != NULL)
		snprintf(link, sizeof(link), "%s", url);
	else
		snprintf(link, sizeof(link), "https://%s.example/%s", feed, id);
	e.id = id;
	e.title = title;
	e.link = link;
	e.content = "<p>Some <b>body</b> text &amp; more.</p>";
	e.published = now - 600;
	e.updated = DATE_NONE;
	meta.title = feed_title;
	if (store_feed_get(st, feed, &fs) != 1 || store_begin(st) == -1 ||
	    store_put_entry(st, &fs, KEY_AUTO, &e, now) == -1 ||
	    (feed_title != NULL && store_put_meta(st, &fs, &meta) == -1) ||
	    store_commit(st) == -1)
		printf("# put %s/%s: %s\n", feed, id, store_error(st));
	feed_state_free(&fs);
}

static void
put(struct store *st, const char *feed, const char *id, const char *title,
    const char *feed_title, int64_t now)
{
	put_link(st, feed, id, title, feed_title, NULL, now);
}

static void
set_now(int64_t t)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", (long long)t);
	setenv("FEEDMUX_NOW", s, 1);
}

static struct conf *
make_conf(void)
{
	const char *top = getenv("top_srcdir");
	char path[400], err[512], *text;
	struct conf *c;

	xasprintf(&text,
	    "[feedmux]\ndatabase = %s/db.sqlite\n"
	    "[feed \"alpha\"]\nurl = http://127.0.0.1:9/alpha\n"
	    "[feed \"beta\"]\nurl = http://127.0.0.1:9/beta\n"
	    "[digest]\nat = 07:00\ntimezone = Europe/Berlin\n"
	    "dir = %s/digests\nmail_to = reader@example.org, two@example.org\n"
	    "mail_from = feedmux@example.org\n"
	    "sendmail = %s/tests/sendmail-save.sh -i\n"
	    "subject = Digest: {{#groups}}{{name}}; {{/groups}}\n",
	    dir, dir, top ? top : ".");
	snprintf(path, sizeof(path), "%s/feedmux.conf", dir);
	atomic_write(path, text, strlen(text), err, sizeof(err));
	free(text);
	if ((c = conf_load(path, err, sizeof(err))) == NULL)
		printf("# conf: %s\n", err);
	return c;
}

static void
last(struct store *st, struct digest_state *ds)
{
	digest_state_free(ds);
	if (store_digest_last(st, "", ds) != 1)
		memset(ds, 0, sizeof(*ds));
}

/* Run the daemon's digest timer until it has nothing left to do now. */
static void
run_sched(struct store *st, const struct conf *c)
{
	struct event_base *base = event_base_new();
	struct digest_sched *s = digest_sched_start(base, st, c);
	int i;

	/* The first pass runs the start-up check; a sendmail child is then
	 * on the loop until it exits. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	for (i = 0; i < 1000 && digest_sched_busy(s); i++)
		event_base_loop(base, EVLOOP_ONCE);
	digest_sched_stop(s);
	event_base_free(base);
}

static void
delivery_tests(void)
{
	/* Mon 2 Nov 2026 08:00 Berlin (CET) = 07:00Z */
	int64_t t0 = 1793602800, slot0 = t0 - 3600;
	struct digest_state ds;
	struct store *st;
	struct conf *c;
	char err[512], failpath[400];
	struct stat sb;

	memset(&ds, 0, sizeof(ds));
	snprintf(mdir, sizeof(mdir), "%s/mail", dir);
	mkdir(mdir, 0700);
	setenv("DIGEST_MAIL_DIR", mdir, 1);
	snprintf(failpath, sizeof(failpath), "%s/fail", mdir);
	if ((c = make_conf()) == NULL ||
	    (st = store_open(c->database, err, sizeof(err))) == NULL ||
	    store_sync_feeds(st, c, err, sizeof(err)) == -1) {
		ok(0, "setup: %s", err);
		return;
	}
	set_now(t0);
	put(st, "alpha", "a1", "Alpha one", "Alpha\r\nX-Injected: yes", t0);
	put(st, "beta", "b1", "Beta one\r\nBcc: victim@example.org", NULL, t0);
	ok(digest_now(st, c, &c->digests[0], t0, err, sizeof(err)) == 0, "digest_now: %s", err);
	is_int(count_msgs(), 1, "one message handed to the sendmail child");
	ok(msg_has(1, "Alpha one") && msg_has(1, "Beta one"),
	    "it holds both entries");
	ok(headers_clean(1), "CR/LF in a feed title and an entry title "
	    "injects no header");
	ok(msg_has(1, "Subject: Digest: Alpha X-Injected: yes; beta;"),
	    "the feed title stays inside the subject, cleaned");
	{
		char *a = slurp("args-1");
		is_str(a, "-i -f feedmux@example.org reader@example.org "
		    "two@example.org\n", "envelope sender and recipients "
		    "as arguments");
		free(a);
	}
	last(st, &ds);
	ok(ds.sent == t0 && ds.attempts == 0, "recorded as sent");
	snprintf(err, sizeof(err), "%s/digests/digest-2026-11-02-0800.html",
	    dir);
	ok(stat(err, &sb) == 0, "digest-2026-11-02-0800.html written");

	set_now(t0 + 60);
	ok(digest_now(st, c, &c->digests[0], t0 + 60, err, sizeof(err)) == 0 &&
	    count_msgs() == 1, "nothing new: skipped, not sent");
	put(st, "alpha", "a2", "Alpha two", NULL, t0 + 120);
	put(st, "alpha", "a1", "Alpha one", NULL, t0 + 120);	/* seen */
	set_now(t0 + 180);
	digest_now(st, c, &c->digests[0], t0 + 180, err, sizeof(err));
	is_int(count_msgs(), 2, "a new entry: a second message");
	ok(msg_has(2, "Alpha two") && !msg_has(2, "Alpha one") &&
	    !msg_has(2, "Beta one"), "it holds only what is new");

	/* A failed send is recorded and retried, never doubled. */
	put(st, "beta", "b2", "Beta two", NULL, t0 + 200);
	close(creat(failpath, 0600));
	set_now(t0 + 240);
	ok(digest_now(st, c, &c->digests[0], t0 + 240, err, sizeof(err)) == -1,
	    "a failing sendmail fails the digest");
	last(st, &ds);
	ok(ds.sent == 0 && ds.attempts == 1 && ds.next_try == t0 + 300 &&
	    ds.error != NULL && strstr(ds.error, "exit 75") != NULL,
	    "recorded: unsent, 1 attempt, retry in 60 s, error '%s'",
	    ds.error ? ds.error : "");
	unlink(failpath);
	set_now(t0 + 250);
	run_sched(st, c);
	is_int(count_msgs(), 2, "the daemon waits for next_try");
	set_now(t0 + 300);
	run_sched(st, c);
	is_int(count_msgs(), 3, "then retries once it is due");
	ok(msg_has(3, "Beta two") && !msg_has(3, "Alpha two"),
	    "the retry sends the failed digest's entries");
	last(st, &ds);
	ok(ds.sent == t0 + 300 && ds.error == NULL, "and marks it sent");
	run_sched(st, c);
	is_int(count_msgs(), 3, "a sent digest is not sent again");

	/* Unsent when the next is made: folded in, not sent twice. */
	put(st, "beta", "b3", "Beta three", NULL, t0 + 400);
	close(creat(failpath, 0600));
	set_now(t0 + 420);
	digest_now(st, c, &c->digests[0], t0 + 420, err, sizeof(err));
	unlink(failpath);
	put(st, "alpha", "a3", "Alpha three", NULL, t0 + 430);
	set_now(t0 + 440);
	ok(digest_now(st, c, &c->digests[0], t0 + 440, err, sizeof(err)) == 0, "next digest");
	ok(count_msgs() == 4 && msg_has(4, "Beta three") &&
	    msg_has(4, "Alpha three"), "holds the unsent one's entries too");
	run_sched(st, c);
	is_int(count_msgs(), 4, "the superseded digest is never retried");

	/* Down over two slots: one digest at start, for the latest. */
	put(st, "alpha", "a4", "Alpha four", NULL, t0 + 500);
	set_now(t0 + 2 * 86400 + 7200);		/* Wed 10:00 Berlin */
	run_sched(st, c);
	is_int(count_msgs(), 5, "missed slots: one digest at start");
	last(st, &ds);
	is_int(ds.slot, slot0 + 2 * 86400, "made for the latest missed slot");
	ok(msg_has(5, "Alpha four"), "with what came in meanwhile");
	run_sched(st, c);
	is_int(count_msgs(), 5, "and not again");
	set_now(slot0 + 3 * 86400);
	put(st, "beta", "b4", "Beta four", NULL, slot0 + 3 * 86400 - 60);
	run_sched(st, c);
	is_int(count_msgs(), 6, "the timer sends at the slot");

	/* The same article through two feeds: once, both sources named. */
	put_link(st, "alpha", "s1", "Shared story", NULL,
	    "https://shared.example/story", slot0 + 3 * 86400 + 60);
	put_link(st, "beta", "s1", "Shared story", NULL,
	    "https://shared.example/story", slot0 + 3 * 86400 + 70);
	set_now(slot0 + 3 * 86400 + 100);
	digest_now(st, c, &c->digests[0], slot0 + 3 * 86400 + 100, err, sizeof(err));
	{
		char *m = slurp("msg-7"), *p = strstr(m, "Shared story");

		ok(p != NULL && strstr(p + 1, "Shared story") != NULL &&
		    strstr(strstr(p + 1, "Shared story") + 1, "Shared story")
		    == NULL, "a cross-feed duplicate appears once per part");
		ok(strstr(m, "Alpha X-Injected: yes, beta") != NULL,
		    "with all its sources named");
		free(m);
	}
	digest_state_free(&ds);
	store_close(st);
	conf_free(c);
}

int
main(void)
{
	char tmpl[] = "/tmp/test_digest.XXXXXX";

	setenv("TZ", "UTC", 1);
	if (mkdtemp(tmpl) == NULL)
		return 1;
	snprintf(dir, sizeof(dir), "%s", tmpl);
	schedule_tests();
	delivery_tests();
	rm_tree(dir);
	return done_testing();
}
