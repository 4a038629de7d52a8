/*
 * subs.c: subscriptions.  They live in the config file and nowhere else, so
 * `add`, `remove` and `import` edit it: the text is changed by appending or
 * cutting [feed "name"] sections, every other line and comment kept as it
 * was; the result is loaded with conf_load before it replaces the file
 * (atomically); then a running daemon is sent SIGHUP to pick it up.
 * `export` writes them out.  OPML is opml.c's, finding the feed a page
 * announces discover.c's.
 */
#include "config.h"

#include <sys/file.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <libxml/hash.h>

#include "cmd.h"
#include "conf.h"
#include "daemon.h"
#include "discover.h"
#include "encoding.h"
#include "fetch.h"
#include "log.h"
#include "opml.h"
#include "parse.h"
#include "store.h"
#include "subs.h"
#include "url.h"
#include "util.h"

#define NAME_MAX_LEN	48

/* A subscription about to be written. */
struct sub {
	char	*name;
	char	*url;
	char	*title;		/* NULL: the feed's own */
	char	*category;
};

/*
 * What is subscribed: names, and URLs in canonical form (so http/https or
 * host case do not hide a duplicate), in libxml2 hash tables, so that
 * importing thousands of outlines stays linear.
 */
struct known {
	xmlHashTablePtr	 names;		/* name -> its copy, owned */
	xmlHashTablePtr	 urls;		/* canonical URL -> name */
};

static char *
canon(const char *url)
{
	char	*c;

	return (c = url_canon(url)) != NULL ? c : xstrdup(url);
}

static void
known_add(struct known *k, const char *name, const char *url)
{
	char	*n = xstrdup(name), *c = canon(url);

	if (xmlHashAddEntry(k->names, BAD_CAST n, n) == -1)
		free(n);
	else
		(void)xmlHashAddEntry(k->urls, BAD_CAST c, n);
	free(c);
}

static void
known_init(struct known *k, const struct conf *conf)
{
	size_t	 i;

	if ((k->names = xmlHashCreate(64)) == NULL ||
	    (k->urls = xmlHashCreate(64)) == NULL)
		fatalx("xmlHashCreate failed");
	for (i = 0; i < conf->nfeeds; i++)
		known_add(k, conf->feeds[i].name, conf->feeds[i].url);
}

static int
name_taken(const struct known *k, const char *name)
{
	return xmlHashLookup(k->names, BAD_CAST name) != NULL;
}

/* The name of the feed with this URL, or NULL. */
static const char *
url_taken(const struct known *k, const char *url)
{
	char		*c = canon(url);
	const char	*name;

	name = xmlHashLookup(k->urls, BAD_CAST c);
	free(c);
	return name;
}

static void
free_payload(void *p, const xmlChar *key)
{
	free(p);
}

static void
known_free(struct known *k)
{
	xmlHashFree(k->urls, NULL);
	xmlHashFree(k->names, free_payload);
}

/* Lowercase ASCII letters and digits, runs of anything else one '-'. */
static char *
slugify(const char *s)
{
	char	*out = xmalloc(NAME_MAX_LEN + 1);
	size_t	 n = 0;
	int	 dash = 0;

	for (; s != NULL && *s != '\0' && n < NAME_MAX_LEN; s++) {
		if (isalnum((unsigned char)*s) && !((unsigned char)*s & 0x80)) {
			if (dash && n > 0)
				out[n++] = '-';
			if (n < NAME_MAX_LEN)
				out[n++] = (char)tolower((unsigned char)*s);
			dash = 0;
		} else
			dash = 1;
	}
	out[n] = '\0';
	return out;
}

/* A free name from the title, else from the host, else "feed". */
static char *
make_name(struct known *k, const char *title, const char *url)
{
	char	 host[256], *base, *name;
	int	 i;

	base = slugify(title);
	if (*base == '\0' && url_host(url, host, sizeof host) == 0) {
		free(base);
		base = slugify(host);
	}
	if (*base == '\0') {
		free(base);
		base = xstrdup("feed");
	}
	name = xstrdup(base);
	for (i = 2; name_taken(k, name); i++) {
		free(name);
		xasprintf(&name, "%s-%d", base, i);
	}
	free(base);
	return name;
}

static int
valid_name(const char *s)
{
	if (*s == '\0' || strlen(s) > 128)
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr("._-", *s) == NULL)
			return 0;
	return 1;
}

/* Same feed: the same URL once canonicalized (http/https, host case...). */
static const struct feed_conf *
feed_by_url(const struct conf *conf, const char *url)
{
	size_t	 i;

	for (i = 0; i < conf->nfeeds; i++)
		if (url_same(conf->feeds[i].url, url))
			return &conf->feeds[i];
	return NULL;
}

/* One config value on one line: folded white space, quoted when the
 * loader would otherwise eat part of it. */
static void
add_value(struct buf *b, const char *key, const char *v)
{
	size_t	 start, len;

	buf_printf(b, "%s = ", key);
	start = b->len;
	for (; *v != '\0'; v++)
		buf_addc(b, *v == '\n' || *v == '\r' || *v == '\t' ? ' ' : *v);
	len = b->len - start;
	if (len > 0 && (b->s[start] == ' ' || b->s[b->len - 1] == ' ' ||
	    (b->s[start] == '"' && b->s[b->len - 1] == '"'))) {
		buf_addc(b, '"');
		memmove(b->s + start + 1, b->s + start, len);
		b->s[start] = '"';
	}
	buf_addc(b, '\n');
}

static void
add_section(struct buf *text, const struct sub *s)
{
	if (text->len > 0 && text->s[text->len - 1] != '\n')
		buf_addc(text, '\n');
	buf_printf(text, "\n[feed \"%s\"]\n", s->name);
	add_value(text, "url", s->url);
	if (s->title != NULL && *s->title != '\0')
		add_value(text, "title", s->title);
	if (s->category != NULL && *s->category != '\0')
		add_value(text, "category", s->category);
}

/* The config file we may edit, or NULL with a message. */
static const char *
edit_path(const struct conf *conf)
{
	static char	*real;

	if (cmd_config_path == NULL || conf->path == NULL) {
		log_errorx("no config file to edit: running on built-in "
		    "defaults (create one and give it with -c or "
		    "FEEDMUX_CONF)");
		return NULL;
	}
	/* Through a symbolic link: the rename must replace the file, not
	 * the link. */
	free(real);
	if ((real = realpath(cmd_config_path, NULL)) == NULL) {
		log_errorx("%s: %s", cmd_config_path, strerror(errno));
		return NULL;
	}
	return real;
}

/*
 * An edit in progress.  The config's directory is held locked (flock) from
 * reading the file to replacing it, and the file is loaded afresh under
 * the lock: two edits at once are serialized, neither is lost.
 */
struct edit {
	const char	*path;
	int		 lock;
	struct conf	*conf;		/* the file as it is now */
	struct buf	 text;
};

/* 0, or the exit code after saying what went wrong. */
static int
edit_begin(struct edit *e, const struct conf *conf)
{
	char	 err[1024], *dir, *p;

	e->lock = -1;
	e->conf = NULL;
	memset(&e->text, 0, sizeof e->text);
	if ((e->path = edit_path(conf)) == NULL)
		return EX_CONFIG;
	dir = xstrdup(e->path);
	if ((p = strrchr(dir, '/')) != NULL)
		p[p == dir] = '\0';
	e->lock = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (e->lock == -1 || flock(e->lock, LOCK_EX) == -1) {
		log_errorx("%s: cannot lock: %s", dir, strerror(errno));
		free(dir);
		return EX_CANTCREAT;
	}
	free(dir);
	if (read_file(e->path, 0, &e->text, err, sizeof err) == -1) {
		log_errorx("%s", err);
		return EX_NOINPUT;
	}
	if ((e->conf = conf_load(e->path, err, sizeof err)) == NULL) {
		log_errorx("%s", err);
		return EX_CONFIG;
	}
	return 0;
}

static void
edit_end(struct edit *e)
{
	if (e->conf != NULL)
		conf_free(e->conf);
	if (e->lock != -1)
		close(e->lock);
	buf_free(&e->text);
}

/*
 * Validate text as the new config (loaded from a scratch file beside the
 * real one, so relative paths mean the same), then put it in place.
 * check, if given, looks at the loaded result.
 */
static int
conf_replace(const char *path, const struct buf *text,
    int (*check)(const struct conf *, void *), void *arg)
{
	struct conf	*c;
	char		*tmp, err[1024];
	size_t		 n;
	int		 fd, rc = -1;

	xasprintf(&tmp, "%s.check.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1) {
		log_errorx("%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	/* Only read back at once, never kept: no need to sync it. */
	if (write(fd, text->s, text->len) != (ssize_t)text->len) {
		log_errorx("%s: %s", tmp, strerror(errno));
		close(fd);
	} else if (close(fd), (c = conf_load(tmp, err, sizeof err)) == NULL) {
		/* Name the real file: the scratch one is gone by now. */
		n = strlen(tmp);
		log_errorx("the edited config would not load: %s%s",
		    strncmp(err, tmp, n) == 0 ? path : "",
		    strncmp(err, tmp, n) == 0 ? err + n : err);
	} else {
		if (check == NULL || check(c, arg) == 0)
			rc = 0;
		else
			log_errorx("%s: the edit did not take (a bug)", path);
		conf_free(c);
	}
	unlink(tmp);
	free(tmp);
	if (rc == 0 && atomic_write(path, text->s, text->len, err,
	    sizeof err) == -1) {
		log_errorx("%s", err);
		rc = -1;
	}
	return rc;
}

/* A daemon running on this config reloads it now rather than later. */
static void
reload_daemon(const struct conf *conf)
{
	pid_t	 pid;

	if (conf->pidfile == NULL || (pid = pidfile_check(conf->pidfile)) == 0)
		return;
	if (kill(pid, SIGHUP) == -1)
		log_warn("could not signal the daemon (pid %ld)", (long)pid);
	else
		printf("told the daemon (pid %ld) to reload\n", (long)pid);
}

/* ------------------------------------------------------------------ */
/* Fetching and discovery for `add`. */

static void
feed_title_cb(void *arg, const struct feed_meta *m)
{
	char	**title = arg;

	if (m->title != NULL && *m->title != '\0' && *title == NULL)
		*title = xstrdup(m->title);
}

/* 0 and the feed's title (maybe NULL) when the bytes are a feed. */
static int
feed_title(const struct fetch_reply *f, char **title)
{
	static const struct parse_cb cb = { NULL, feed_title_cb };
	struct parse_result	 res;
	char			 cs[64];

	*title = NULL;
	http_charset(f->ctype, cs, sizeof cs);
	if (f->body.len == 0 || parse_buffer(f->body.s, f->body.len, f->url,
	    *cs != '\0' ? cs : NULL, &cb, title, &res) == -1 ||
	    res.format == FMT_UNKNOWN) {
		free(*title);
		*title = NULL;
		return -1;
	}
	return 0;
}

/* The best feed the page f announces, said so with the others; NULL when
 * it announces none.  *rank is its DISCOVER_* rank. */
static char *
announced(const struct fetch_reply *f, int *rank)
{
	struct discovered	*v;
	size_t			 n, i;
	char			*best;

	n = discover_feeds(f->body.s, f->body.len, f->url, f->ctype, &v);
	if (n == 0)
		return NULL;
	printf("%s announces %zu feed%s; chose %s: %s\n", f->url, n,
	    n == 1 ? "" : "s", v[0].kind, v[0].url);
	for (i = 1; i < n; i++)
		printf("  also: %s %s\n", v[i].kind, v[i].url);
	*rank = v[0].rank;
	best = xstrdup(v[0].url);
	discover_free(v, n);
	return best;
}

/*
 * Check url: a feed gives its title; a page gives the feed it announces
 * (*url replaced).  Returns 0, 1 when the URL could not be fetched (the
 * subscription is still made: the site may be down today), -1 when it is
 * neither a feed nor a page announcing one, or the fetch policy refused
 * it (a file: or private address where the page may not lead).
 */
static int
resolve_feed(const struct conf *conf, char **url, char **title)
{
	struct fetch_reply f, g;
	char		*found;
	int		 flags, rc = 0, rank;

	*title = NULL;
	if (fetch_once(*url, &conf->defaults, 0, &f) == -1) {
		if (f.refused)
			log_errorx("%s", f.error);
		else
			log_warnx("could not check %s (%s); subscribing anyway",
			    *url, f.error);
		fetch_reply_free(&f);
		return f.refused ? -1 : 1;
	}
	if (feed_title(&f, title) == 0) {
		fetch_reply_free(&f);
		return 0;
	}
	if ((found = announced(&f, &rank)) == NULL) {
		log_errorx("%s: neither a feed nor a page that announces one",
		    *url);
		fetch_reply_free(&f);
		return -1;
	}
	/* The page chose this URL: the rules of a redirect from it apply. */
	flags = FETCH_REMOTE | (f.private_addr ? 0 : FETCH_VIA_PUBLIC);
	fetch_reply_free(&f);
	free(*url);
	*url = found;
	if (fetch_once(found, &conf->defaults, flags, &g) == -1) {
		if (g.refused) {
			log_errorx("%s", g.error);
			rc = -1;
		} else
			log_warnx("could not fetch %s (%s); subscribing anyway",
			    found, g.error);
	} else if (feed_title(&g, title) == -1) {
		if (rank == DISCOVER_JSON) {
			/* Only its parse tells a JSON Feed from any JSON. */
			log_errorx("%s: announced as application/json, but "
			    "not a JSON Feed", found);
			rc = -1;
		} else
			log_warnx("%s does not parse as a feed", found);
	}
	fetch_reply_free(&g);
	return rc;
}

/* ------------------------------------------------------------------ */

struct want {
	const char	*name;
	const char	*url;
	int		 present;	/* 1: must be there; 0: must be gone */
};

static int
check_feed(const struct conf *c, void *arg)
{
	const struct want	*w = arg;
	const struct feed_conf	*f = conf_feed(c, w->name);

	if (!w->present)
		return f == NULL ? 0 : -1;
	return f != NULL && strcmp(f->url, w->url) == 0 ? 0 : -1;
}

int
cmd_add(struct conf *conf, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "category", required_argument, NULL, 'g' },
		{ "title", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct known		 k;
	struct edit		 e = { .lock = -1 };
	const struct feed_conf	*dup;
	struct sub		 s = { 0 };
	struct want		 w;
	const char		*name = NULL;
	char			*feedtitle = NULL;
	int			 ch, rc = EX_DATAERR;

	while ((ch = getopt_long(argc, argv, "n:g:t:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n': name = optarg; break;
		case 'g': s.category = optarg; break;
		case 't': s.title = optarg; break;
		default: return cmd_usage(argv[0]);
		}
	}
	if (argc - optind != 1)
		return cmd_usage(argv[0]);
	if (edit_path(conf) == NULL)
		return EX_CONFIG;
	if (name != NULL && !valid_name(name)) {
		log_errorx("bad name \"%s\": use letters, digits, '.', '_' "
		    "and '-'", name);
		return EX_USAGE;
	}
	if (name != NULL && (dup = conf_feed(conf, name)) != NULL) {
		log_errorx("a feed named %s exists already (%s)", name,
		    dup->url);
		return EX_DATAERR;
	}
	/* A path to a local file becomes its file:// URL, as the config does. */
	if (url_like(argv[optind]) ||
	    (s.url = url_file(argv[optind])) == NULL)
		s.url = xstrdup(argv[optind]);
	if (!url_is_fetchable(s.url)) {
		log_errorx("%s: not an http, https or file URL", s.url);
		goto out;
	}
	if (resolve_feed(conf, &s.url, &feedtitle) == -1)
		goto out;
	if ((dup = feed_by_url(conf, s.url)) != NULL) {
		log_errorx("%s: already subscribed as %s", s.url, dup->name);
		goto out;
	}
	if ((rc = edit_begin(&e, conf)) != 0)
		goto out;
	rc = EX_DATAERR;
	/* Again, under the lock: the file may have changed meanwhile. */
	if (name != NULL && conf_feed(e.conf, name) != NULL) {
		log_errorx("a feed named %s exists already", name);
		goto out;
	}
	if ((dup = feed_by_url(e.conf, s.url)) != NULL) {
		log_errorx("%s: already subscribed as %s", s.url, dup->name);
		goto out;
	}
	known_init(&k, e.conf);
	s.name = name != NULL ? xstrdup(name) :
	    make_name(&k, s.title != NULL ? s.title : feedtitle, s.url);
	known_free(&k);
	add_section(&e.text, &s);
	w = (struct want){ s.name, s.url, 1 };
	if (conf_replace(e.path, &e.text, check_feed, &w) == -1) {
		rc = EX_CANTCREAT;
		goto out;
	}
	printf("added %s: %s%s%s%s\n", s.name, s.url,
	    feedtitle != NULL ? " (" : "", feedtitle != NULL ? feedtitle : "",
	    feedtitle != NULL ? ")" : "");
	reload_daemon(e.conf);
	rc = 0;
out:
	edit_end(&e);
	free(s.url);
	free(s.name);
	free(feedtitle);
	return rc;
}

/* ------------------------------------------------------------------ */

/* Byte offset of the start of line n (1-based) in text, or -1. */
static long
line_offset(const struct buf *text, int n)
{
	size_t	 i = 0;
	int	 line = 1;

	while (line < n) {
		const char *nl = memchr(text->s + i, '\n', text->len - i);

		if (nl == NULL)
			return -1;
		i = (size_t)(nl - text->s) + 1;
		line++;
	}
	return (long)i;
}

static int
blank_or_comment(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p == end || *p == '#' || *p == ';';
}

/*
 * Cut the section starting at line `line` from text: up to the next
 * section header, leaving the comments and blank lines just before that
 * header (they introduce it), and taking one blank line before ours.
 */
static int
cut_section(struct buf *text, int line)
{
	long		 off = line_offset(text, line);
	const char	*s = text->s, *end, *p, *q, *nl, *next;
	const char	*run = NULL, *stop = NULL;
	size_t		 start;

	if (off < 0)
		return -1;
	end = s + text->len;
	for (q = s + off; q < end && (*q == ' ' || *q == '\t'); q++)
		;
	if (q == end || *q != '[')
		return -1;
	nl = memchr(q, '\n', (size_t)(end - q));
	for (p = nl != NULL ? nl + 1 : end; p < end && stop == NULL; p = next) {
		nl = memchr(p, '\n', (size_t)(end - p));
		next = nl != NULL ? nl + 1 : end;
		for (q = p; q < end && (*q == ' ' || *q == '\t'); q++)
			;
		if (*q == '[')
			stop = run != NULL ? run : p;
		else if (!blank_or_comment(p, nl != NULL ? nl : end))
			run = NULL;
		else if (run == NULL)
			run = p;
	}
	/* At the end of the file, trailing comments stay; blank lines go. */
	if (stop == NULL) {
		stop = end;
		for (q = run; q != NULL && q < end; q++)
			if (*q == '#' || *q == ';')
				stop = run;
	}
	start = (size_t)off;
	if (start >= 2 && s[start - 1] == '\n' && s[start - 2] == '\n')
		start--;
	memmove(text->s + start, stop, (size_t)(end - stop));
	text->len -= (size_t)(stop - s) - start;
	text->s[text->len] = '\0';
	return 0;
}

int
cmd_remove(struct conf *conf, int argc, char **argv)
{
	const struct feed_conf	*f;
	struct edit		 e;
	struct want		 w;
	int			 rc;

	if (argc != 2)
		return cmd_usage(argv[0]);
	if ((rc = edit_begin(&e, conf)) != 0)
		goto out;
	rc = EX_DATAERR;
	if ((f = conf_feed(e.conf, argv[1])) == NULL &&
	    (f = feed_by_url(e.conf, argv[1])) == NULL) {
		log_errorx("%s: no such feed", argv[1]);
		goto out;
	}
	if (f->file == NULL || strcmp(f->file, e.conf->path) != 0) {
		log_errorx("feed %s is defined in %s: edit it there", f->name,
		    f->file != NULL ? f->file : "?");
		goto out;
	}
	if (cut_section(&e.text, f->line) == -1) {
		log_errorx("%s:%d: no [feed] section here", e.path, f->line);
		goto out;
	}
	w = (struct want){ f->name, NULL, 0 };
	if (conf_replace(e.path, &e.text, check_feed, &w) == -1) {
		rc = EX_CANTCREAT;
		goto out;
	}
	printf("removed %s: %s\n", f->name, f->url);
	reload_daemon(e.conf);
	rc = 0;
out:
	edit_end(&e);
	return rc;
}


/* ------------------------------------------------------------------ */

struct import {
	const char	*path;		/* the OPML file */
	struct known	 known;		/* the config's feeds and ours */
	struct buf	 text;
	int		 added, dups, bad;
};

static void
import_feed(struct import *im, const struct opml_outline *o)
{
	struct sub	 s = { 0 };
	const char	*dup;

	/* An imported file is not the user's word: no file: URLs. */
	if (!fetch_url_allowed(o->url, 1)) {
		log_warnx("%s:%ld: skipped %s: an imported feed must be an "
		    "http or https URL", im->path, o->line, o->url);
		im->bad++;
	} else if ((dup = url_taken(&im->known, o->url)) != NULL) {
		printf("skipped duplicate %s (already as %s)\n", o->url, dup);
		im->dups++;
	} else {
		s.url = o->url;
		s.title = o->title;
		s.category = o->category;
		s.name = make_name(&im->known, s.title, s.url);
		add_section(&im->text, &s);
		known_add(&im->known, s.name, s.url);
		im->added++;
		free(s.name);
	}
}

int
cmd_import(struct conf *conf, int argc, char **argv)
{
	struct import		 im;
	struct edit		 ed;
	struct opml_outline	*v;
	char			 err[1024];
	size_t			 n, i;
	int			 rc;

	if (argc != 2)
		return cmd_usage(argv[0]);
	if (edit_path(conf) == NULL)
		return EX_CONFIG;
	if (opml_read(argv[1], &v, &n, err, sizeof err) == -1) {
		log_errorx("%s", err);
		return access(argv[1], R_OK) == 0 ? EX_DATAERR : EX_NOINPUT;
	}
	memset(&im, 0, sizeof im);
	im.path = argv[1];
	if ((rc = edit_begin(&ed, conf)) != 0)
		goto out;
	known_init(&im.known, ed.conf);
	im.text = ed.text;		/* appended to in place */
	memset(&ed.text, 0, sizeof ed.text);
	for (i = 0; i < n; i++)
		import_feed(&im, &v[i]);
	if (im.added > 0 && conf_replace(ed.path, &im.text, NULL, NULL) == -1) {
		rc = EX_CANTCREAT;
		goto out;
	}
	printf("imported %d feed%s; skipped %d duplicate%s", im.added,
	    im.added == 1 ? "" : "s", im.dups, im.dups == 1 ? "" : "s");
	if (im.bad > 0)
		printf(" and %d unusable", im.bad);
	printf("\n");
	if (im.added > 0)
		reload_daemon(ed.conf);
	rc = 0;
out:
	if (im.known.names != NULL)
		known_free(&im.known);
	buf_free(&im.text);
	edit_end(&ed);
	opml_free(v, n);
	return rc;
}

/* The configured feeds, with the titles and site links they gave us when
 * the database knows them.  st may be NULL. */
static struct opml_feed *
export_feeds(const struct conf *conf, struct store *st,
    struct feed_state *fs)
{
	struct opml_feed	*v = xcalloc(conf->nfeeds + 1, sizeof *v);
	const struct feed_conf	*f;
	size_t			 i;
	int			 known;

	for (i = 0; i < conf->nfeeds; i++) {
		f = &conf->feeds[i];
		memset(&fs[i], 0, sizeof fs[i]);
		known = st != NULL && store_feed_get(st, f->name, &fs[i]) == 1;
		v[i].title = f->title;
		if (v[i].title == NULL)
			v[i].title = known && fs[i].title != NULL ?
			    fs[i].title : f->name;
		v[i].url = f->url;
		v[i].link = known ? fs[i].link : NULL;
		v[i].category = f->category;
		if (!known)
			memset(&fs[i], 0, sizeof fs[i]);
	}
	return v;
}

int
cmd_export(struct conf *conf, int argc, char **argv)
{
	struct store		*st = NULL;
	struct feed_state	*fs;
	struct opml_feed	*v;
	struct buf		 b = { 0 };
	const char		*out = NULL;
	char			 err[512];
	size_t			 i;
	int			 ch, rc = 0;

	while ((ch = getopt(argc, argv, "o:")) != -1) {
		if (ch != 'o' || out != NULL)
			goto usage;
		out = optarg;
	}
	if (optind != argc)
		goto usage;
	/* Titles and site links the feeds gave us, when we have them. */
	if ((store_is_server(conf->database) ||
	    access(conf->database, F_OK) == 0) &&
	    (st = store_open(conf->database, err, sizeof err)) == NULL)
		log_warnx("%s (exporting without feed titles)", err);
	fs = xcalloc(conf->nfeeds + 1, sizeof *fs);
	v = export_feeds(conf, st, fs);
	opml_write(&b, "feedmux subscriptions", v, conf->nfeeds);
	for (i = 0; i < conf->nfeeds; i++)
		feed_state_free(&fs[i]);
	free(fs);
	free(v);
	if (st != NULL)
		store_close(st);
	if (out != NULL && strcmp(out, "-") != 0) {
		if (atomic_write(out, b.s, b.len, err, sizeof err) == -1) {
			log_errorx("%s", err);
			rc = EX_CANTCREAT;
		}
	} else if (fwrite(b.s, 1, b.len, stdout) != b.len ||
	    fflush(stdout) == EOF) {
		log_errorx("stdout: %s", strerror(errno));
		rc = EX_IOERR;
	}
	buf_free(&b);
	return rc;
usage:
	return cmd_usage(argv[0]);
}
