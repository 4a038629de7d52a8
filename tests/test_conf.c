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
	is_int(c->digest.nat, 2, "two digest times");
	is_int(c->digest.at[0], 7 * 60, "digest times sorted");
	is_int(c->digest.days, 0x3e, "mon-fri");
	is_int(c->digest.nmail_to, 3, "three recipients");
	if (c->digest.nmail_to == 3) {
		is_str(c->digest.mail_to[1], "Jane Doe <jane@example.org>",
		    "a recipient with a display name");
		is_str(c->digest.mail_to[2], "\"Doe, John\" <john@example.org>",
		    "a comma inside a quoted name does not split");
	}
	ok(c->has_digest, "digest section seen");
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
	rm_tree(dir);
	return done_testing();
}
