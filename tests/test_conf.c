/* test_conf.c: the configuration loader, its defaults and its errors. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"
#include "util.h"

static char	 dir[] = "/tmp/feedmux-conf.XXXXXX";
static char	 path[256];

static struct conf *
load(const char *text, char *err, size_t errlen)
{
	FILE	*f;

	snprintf(path, sizeof path, "%s/test.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fputs(text, f);
	fclose(f);
	err[0] = '\0';
	return conf_load(path, err, errlen);
}

/* The config must fail with "test.conf:LINE: ...containing want". */
static void
fails(const char *text, int line, const char *want, const char *name)
{
	struct conf	*c;
	char		 err[512], prefix[300];

	c = load(text, err, sizeof err);
	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
	if (!ok(c == NULL && strncmp(err, prefix, strlen(prefix)) == 0 &&
	    strstr(err, want) != NULL, "error: %s", name))
		printf("#   got: %s\n#   want: %s...%s\n", c ? "(loaded)" : err,
		    prefix, want);
	conf_free(c);
}

static void
test_durations(void)
{
	static const struct { const char *s; int64_t v; } good[] = {
		{ "90s", 90 }, { "30m", 1800 }, { "1h", 3600 },
		{ "1d", 86400 }, { "1h30m", 5400 }, { "2w", 1209600 },
		{ "45", 45 }, { "0s", 0 },
	};
	static const char *bad[] = { "", "m", "1x", "-5m", "1h30", "1.5h",
	    "99999999999999999999s" };
	int64_t	 v;
	size_t	 i;

	for (i = 0; i < nitems(good); i++)
		ok(conf_parse_duration(good[i].s, &v) == 0 && v == good[i].v,
		    "duration %s = %lld", good[i].s, (long long)good[i].v);
	for (i = 0; i < nitems(bad); i++)
		ok(conf_parse_duration(bad[i], &v) == -1,
		    "duration \"%s\" refused", bad[i]);
	ok(conf_parse_size("10M", &v) == 0 && v == 10485760, "size 10M");
	ok(conf_parse_size("512k", &v) == 0 && v == 524288, "size 512k");
	ok(conf_parse_size("1GB", &v) == 0 && v == 1073741824, "size 1GB");
	ok(conf_parse_size("12", &v) == 0 && v == 12, "size 12");
	ok(conf_parse_size("12x", &v) == -1, "size 12x refused");
}

static void
test_full(void)
{
	struct conf	*c;
	char		 err[512];

	c = load("# comment\n"
	    "[feedmux]\n"
	    "database = state/feedmux.db\n"
	    "interval = 30m\n"
	    "keep = 10d\n"
	    "[output]\n"
	    "atom = /srv/atom.xml\n"
	    "title = \"Our Planet\"\n"
	    "link = https://planet.example.org/\n"
	    "listen = 127.0.0.1:8080\n"
	    "[output \"security\"]\n"
	    "rss = sec.xml\n"
	    "categories = security, cve\n"
	    "match = CVE-[0-9]+\n"
	    "[digest]\n"
	    "at = 19:30, 07:00\n"
	    "days = mon-fri\n"
	    "timezone = Europe/Istanbul\n"
	    "mail_to = a@example.org, Jane Doe <jane@example.org>,"
	    " \"Doe, John\" <john@example.org>\n"
	    "mail_from = planet@example.org\n"
	    "smtp = smtp://127.0.0.1:2525\n"
	    "[feed \"sat-editorial\"]\n"
	    "url = https://example.org/feed/\n"
	    "interval = 1h\n"
	    "header = X-One: 1\n"
	    "header = X-Two: 2\n"
	    "[feed \"other\"]\n"
	    "url = http://example.com/rss\n"
	    "key = link\n", err, sizeof err);
	if (!ok(c != NULL, "full config loads"))
		printf("#   %s\n", err);
	if (c == NULL)
		return;
	ok(strstr(c->database, "/state/feedmux.db") != NULL &&
	    c->database[0] == '/', "relative database path made absolute");
	is_int(c->nfeeds, 2, "two feeds");
	is_int(c->feeds[0].opts.interval, 3600, "per-feed interval override");
	is_int(c->feeds[1].opts.interval, 1800, "feed inherits interval");
	is_int(c->feeds[0].opts.keep, 864000, "feed inherits keep");
	is_int(c->feeds[1].opts.key, KEY_LINK, "per-feed key policy");
	is_int(c->feeds[0].nheaders, 2, "repeated header key");
	is_str(c->outputs[0].title, "Our Planet", "quoted value unquoted");
	is_str(c->listen, "127.0.0.1:8080", "listen in [output]");
	is_str(c->outputs[0].link, "https://planet.example.org/",
	    "output link kept apart from listen");
	is_int(c->noutputs, 2, "named output");
	is_int(c->outputs[1].ncategories, 2, "category list split");
	ok(regexec(&c->outputs[1].match_re, "fixes cve-2025-1234", 0, NULL,
	    0) == 0, "match regex compiled, case-insensitive");
	is_int(c->digests[0].nat, 2, "two digest times");
	is_int(c->digests[0].at[0], 7 * 60, "digest times sorted");
	is_int(c->digests[0].days, 0x3e, "mon-fri");
	is_int(c->digests[0].nmail_to, 3, "three recipients");
	if (c->digests[0].nmail_to == 3) {
		is_str(c->digests[0].mail_to[1], "Jane Doe <jane@example.org>",
		    "a recipient with a display name");
		is_str(c->digests[0].mail_to[2], "\"Doe, John\" <john@example.org>",
		    "a comma inside a quoted name does not split");
	}
	ok(c->digests[0].configured, "digest section seen");
	conf_free(c);
}

static void
test_defaults(void)
{
	struct conf	*c;
	char		 err[256], want[300];

	setenv("XDG_STATE_HOME", "/nonexistent/state", 1);
	c = conf_load(NULL, err, sizeof err);
	if (!ok(c != NULL, "no config file: built-in defaults"))
		return;
	is_str(c->database, "/nonexistent/state/feedmux/feedmux.db",
	    "default database under XDG_STATE_HOME");
	is_int(c->nfeeds, 0, "no feeds by default");
	is_int(c->noutputs, 1, "one default output");
	snprintf(want, sizeof want, "/nonexistent/state/feedmux/atom.xml");
	is_str(c->outputs[0].atom, want, "default atom output");
	is_int(c->defaults.interval, 1800, "default interval 30m");
	conf_free(c);
}

static void
test_file_url(void)
{
	struct conf	*c;
	char		 err[512], feed[300], want[400];
	FILE		*f;

	snprintf(feed, sizeof feed, "%s/local.rss", dir);
	if ((f = fopen(feed, "w")) != NULL)
		fclose(f);
	c = load("[feed \"local\"]\nurl = local.rss\n", err, sizeof err);
	snprintf(want, sizeof want, "file://%s", feed);
	ok(c != NULL && strcmp(c->feeds[0].url, want) == 0,
	    "bare path becomes a file:// URL beside the config");
	conf_free(c);
	unlink(feed);
}

static void
test_errors(void)
{
	fails("[feedmux]\ninterval = 30m\nbogus = 1\n", 3,
	    "unknown key \"bogus\"", "unknown key");
	fails("[feedmux]\ninterval = 30x\n", 2, "bad duration \"30x\"",
	    "bad duration");
	fails("[feed \"a\"]\nurl = http://a/\n[feed \"a\"]\nurl = http://b/\n",
	    3, "duplicate feed \"a\" (first at line 1)", "duplicate feed");
	fails("\n[feed \"a\"]\ntitle = A\n", 2, "feed \"a\" has no url",
	    "missing url");
	fails("[feed \"a\"]\nurl = http://a/\n[feed \"b\"]\nurl = http://a/\n",
	    3, "same url as \"a\"", "same url twice");
	fails("[nope]\n", 1, "unknown section [nope]", "unknown section");
	fails("interval = 1h\n", 1, "outside any section", "key outside section");
	fails("[feedmux]\ninterval = 1h\ninterval = 2h\n", 3,
	    "duplicate key \"interval\"", "duplicate key");
	fails("[output]\nmatch = (unclosed\n", 2, "bad regular expression",
	    "bad regex");
	fails("[digest]\nat = 25:00\n", 2, "bad time \"25:00\"", "bad time");
	fails("[digest]\nmail_to = a@example.org, bob\n", 2,
	    "mail_to: bad address \"bob\"", "recipient without a domain");
	fails("[digest]\nmail_to = Jane <jane@example.org\n", 2,
	    "bad address \"Jane <jane@example.org\"", "unclosed angle bracket");
	fails("[digest]\ndays = mon-funday\n", 2, "bad day", "bad day");
	fails("[digest]\ntimezone = Mars/Olympus\n", 2, "unknown zone",
	    "unknown time zone");
	fails("[feed]\n", 1, "needs a name", "feed without name");
	fails("[feed \"x\"]\nurl = gopher://x/\n", 2, "unsupported URL",
	    "unsupported scheme");
	fails("[feedmux]\njust words\n", 2, "expected key = value",
	    "line without =");
	fails("[feedmux]\nconcurrency = -3\n", 2, "bad number", "negative number");
	fails("[output]\ninterval = 1h\n", 2, "unknown key \"interval\"",
	    "feed option in [output]");
}

static void
test_listen(void)
{
	static const char *good[] = { "127.0.0.1:8080", ":8080", "8080",
	    "[::1]:8080", "localhost:1", "planet.example.org:65535" };
	static const char *bad[] = { "foo", "127.0.0.1:99999", ":0",
	    "127.0.0.1:", "::1:8080", "[::1]8080", "[nope]:80", "a b:80",
	    "127.0.0.1:80x", ":-1", ":+80" };
	struct conf	*c;
	char		 text[256], err[512], addr[64];
	uint16_t	 port;
	size_t		 i;

	for (i = 0; i < nitems(good); i++) {
		snprintf(text, sizeof text, "[feedmux]\nlisten = %s\n",
		    good[i]);
		c = load(text, err, sizeof err);
		if (!ok(c != NULL && strcmp(c->listen, good[i]) == 0,
		    "listen %s accepted", good[i]))
			printf("#   %s\n", err);
		conf_free(c);
	}
	for (i = 0; i < nitems(bad); i++) {
		snprintf(text, sizeof text, "[feedmux]\nlisten = %s\n",
		    bad[i]);
		fails(text, 2, "listen: bad address", bad[i]);
	}
	fails("[output]\nlisten = :0\n", 2, "listen: bad address",
	    "listen in [output] checked too");
	ok(conf_listen_split("[::1]:80", addr, sizeof addr, &port) == 0 &&
	    strcmp(addr, "::1") == 0 && port == 80, "split [::1]:80");
	ok(conf_listen_split(":8080", addr, sizeof addr, &port) == 0 &&
	    strcmp(addr, "127.0.0.1") == 0 && port == 8080,
	    "split :8080 is 127.0.0.1");
}

/* Values the daemon would refuse later are refused by the loader. */
static void
test_run_checks(void)
{
	char	 text[512], tmpl[300];
	FILE	*f;

	fails("[digest]\nsmtp = http://mail.example.org/\n", 2,
	    "smtp: want an smtp:// or smtps:// URL", "smtp scheme");
	fails("[digest]\nmail_from = nobody\n", 2,
	    "mail_from: bad address \"nobody\"", "mail_from address");
	fails("[digest]\nsmtp = smtp://127.0.0.1/\n"
	    "mail_to = a@example.org\n", 3,
	    "mail_to is set but mail_from is not", "mail_to without mail_from");
	fails("[digest]\nmail_from = me@example.org\n\n"
	    "mail_to = a@example.org\n", 4,
	    "neither smtp nor sendmail", "mail_to without a transport");
	fails("[digest]\nhtml_template = /nonexistent/t.html\n", 2,
	    "html_template: /nonexistent/t.html", "missing template");
	snprintf(tmpl, sizeof tmpl, "%s/bad.txt", dir);
	if ((f = fopen(tmpl, "w")) != NULL) {
		fputs("{{#entries}}never closed\n", f);
		fclose(f);
	}
	snprintf(text, sizeof text, "[digest]\n\ntext_template = bad.txt\n");
	fails(text, 3, "text_template: ", "malformed template");
	unlink(tmpl);
}

static void
test_sections_once(void)
{
	fails("[feedmux]\ninterval = 1h\n[digest]\nat = 07:00\n"
	    "[feedmux]\njitter = 0s\n", 5,
	    "second [feedmux] section (first at line 1)", "second [feedmux]");
	fails("\n[digest]\nat = 07:00\n[feed \"a\"]\nurl = http://a/\n"
	    "[digest]\nat = 08:00\n", 6,
	    "second [digest] section (first at line 2)", "second [digest]");
	fails("[output \"x\"]\natom = a.xml\n[output \"x\"]\natom = b.xml\n",
	    3, "duplicate output \"x\" (first at line 1)", "output twice");
	fails("[output]\natom = a.xml\n[output]\natom = b.xml\n",
	    3, "duplicate output \"\" (first at line 1)",
	    "unnamed output twice");
	fails("[digest \"news\"]\nat = 08:00\n[digest \"news\"]\n", 3,
	    "duplicate digest \"news\" (first at line 1)", "digest twice");
	fails("[digest \"a/b\"]\n", 1, "bad digest name \"a/b\"",
	    "a digest name with a slash");
	fails("[digest]\n[digest \"x\"]\nat = 08:00\n"
	    "mail_to = a@example.org\n", 4, "mail_to of digest \"x\" is set but "
	    "mail_from is not", "a named digest's mail checked");
	fails("[digest \"x\"]\ngroup = day\n", 2,
	    "group: want feed, category or none", "bad group");
	fails("[digest \"x\"]\ncontent = all\n", 2,
	    "content: want excerpt or full", "bad content");
	fails("[digest \"x\"]\nmatch = (\n", 2, "match: bad regular expression",
	    "a digest's filter regex");
}

static void
test_digests(void)
{
	struct conf	*c;
	const struct digest_conf *d;
	char		 err[512];

	c = load("[digest]\nat = 06:00\n"
	    "[digest \"news\"]\nat = 08:00\ncategories = News\n"
	    "exclude_match = sport\nper_feed = 3\ncontent = full\n"
	    "group = none\n", err, sizeof err);
	ok(c != NULL, "named digests load: %s", c ? "" : err);
	if (c == NULL)
		return;
	is_int(c->ndigests, 2, "the default and one named");
	d = conf_digest(c, "news");
	ok(d != NULL && d->configured && d->at[0] == 8 * 60 &&
	    d->per_feed == 3 && d->full && d->group == GROUP_NONE,
	    "its own at, per_feed, content, group");
	ok(d != NULL && d->filter.ncategories == 1 &&
	    d->filter.exclude_match != NULL, "its own filters");
	ok(c->digests[0].at[0] == 6 * 60 && c->digests[0].filter.ncategories ==
	    0 && !c->digests[0].full, "the default digest keeps its own");
	ok(conf_digest(c, "sport") == NULL, "no other");
	conf_free(c);
	c = load("[digest \"only\"]\n", err, sizeof err);
	ok(c != NULL && !c->digests[0].configured &&
	    conf_digest(c, "only")->configured,
	    "a named digest alone leaves the default unscheduled");
	conf_free(c);
}

static void
test_bom(void)
{
	struct conf	*c;
	char		 err[512];

	c = load("\xef\xbb\xbf[feedmux]\ninterval = 1h\n", err, sizeof err);
	if (!ok(c != NULL && c->defaults.interval == 3600,
	    "a UTF-8 byte order mark is skipped"))
		printf("#   %s\n", err);
	conf_free(c);
	fails("[feedmux]\n\xef\xbb\xbfinterval = 1h\n", 2, "unknown key",
	    "a BOM elsewhere is not");
}

static void
test_url_duplicates(void)
{
	static const char *same[] = {
		"HTTP://Example.org/feed", "http://example.org:80/feed",
		"https://EXAMPLE.org:443/feed", "http://example.org/feed#top",
	};
	struct conf	*c;
	char		 text[512], err[512];
	size_t		 i;

	for (i = 0; i < nitems(same); i++) {
		snprintf(text, sizeof text, "[feed \"a\"]\n"
		    "url = http://example.org/feed\n\n[feed \"b\"]\n"
		    "url = %s\n", same[i]);
		fails(text, 4, "feed \"b\" has the same url as \"a\" (line 1)",
		    same[i]);
	}
	fails("[feed \"a\"]\nurl = http://Example.org\n[feed \"b\"]\n"
	    "url = http://example.org/\n", 3, "same url", "empty path is /");
	c = load("[feed \"a\"]\nurl = http://example.org/Feed\n"
	    "[feed \"b\"]\nurl = http://example.org/feed\n", err, sizeof err);
	ok(c != NULL, "paths stay case-sensitive");
	conf_free(c);
}

/* Names are looked up by hash: many feeds load, and each is found. */
static void
test_many_feeds(void)
{
	struct buf	 b = { NULL, 0, 0 };
	struct conf	*c;
	char		 err[512];
	int		 i, found = 0;

	for (i = 0; i < 5000; i++)
		buf_printf(&b, "[feed \"f%d\"]\nurl = http://h%d.example/%d\n",
		    i, i % 7, i);
	c = load(b.s, err, sizeof err);
	if (ok(c != NULL && c->nfeeds == 5000, "5000 feeds load")) {
		for (i = 0; i < 5000; i++) {
			char name[16];
			struct feed_conf *f;

			snprintf(name, sizeof name, "f%d", i);
			f = conf_feed(c, name);
			found += f != NULL && strcmp(f->name, name) == 0 &&
			    f->line == 2 * i + 1;
		}
		is_int(found, 5000, "conf_feed finds every feed");
		ok(conf_feed(c, "f5000") == NULL, "and no other");
	}
	conf_free(c);
	buf_printf(&b, "[feed \"f17\"]\nurl = http://other/\n");
	fails(b.s, 10001, "duplicate feed \"f17\" (first at line 35)",
	    "duplicate name among many");
	buf_free(&b);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_durations();
	test_full();
	test_defaults();
	test_file_url();
	test_errors();
	test_listen();
	test_run_checks();
	test_sections_once();
	test_digests();
	test_bom();
	test_url_duplicates();
	test_many_feeds();
	rm_tree(dir);
	return done_testing();
}
