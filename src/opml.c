/*
 * opml.c: subscriptions.  They live in the config file and nowhere else, so
 * `add`, `remove` and `import` edit it: the text is changed by appending or
 * cutting [feed "name"] sections, every other line and comment kept as it
 * was; the result is loaded with conf_load before it replaces the file
 * (atomically); then a running daemon is sent SIGHUP to pick it up.
 */
#include "config.h"

#include <sys/file.h>

#include <ctype.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>

#include <libxml/HTMLparser.h>
#include <libxml/entities.h>
#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cmd.h"
#include "conf.h"
#include "daemon.h"
#include "encoding.h"
#include "fetch.h"
#include "log.h"
#include "parse.h"
#include "store.h"
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
static int
same_url(const char *a, const char *b)
{
	char	*ca, *cb;
	int	 same;

	if (strcmp(a, b) == 0)
		return 1;
	ca = url_canon(a);
	cb = url_canon(b);
	same = ca != NULL && cb != NULL && strcmp(ca, cb) == 0;
	free(ca);
	free(cb);
	return same;
}

static const struct feed_conf *
feed_by_url(const struct conf *conf, const char *url)
{
	size_t	 i;

	for (i = 0; i < conf->nfeeds; i++)
		if (same_url(conf->feeds[i].url, url))
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

static int
looks_html(const struct fetch_reply *f)
{
	const char	*p = f->body.s != NULL ? f->body.s : "";

	if (f->ctype != NULL && strcasestr(f->ctype, "html") != NULL)
		return 1;
	while (isspace((unsigned char)*p))
		p++;
	return strncasecmp(p, "<!doctype html", 14) == 0 ||
	    strncasecmp(p, "<html", 5) == 0;
}

struct found {
	char	*url;
	int	 rank;		/* 4 Atom, 3 RSS, 2 JSON Feed, 1 plain JSON */
	char	*kind;
};

static int
alt_rank(const xmlChar *rel, const xmlChar *type, const char **kind)
{
	const char	*r = (const char *)rel, *p;
	char		 t[64];
	size_t		 i;
	int		 alt = 0;

	/* rel is a list of tokens; "alternate" must be one of them. */
	for (p = r; (p = strcasestr(p, "alternate")) != NULL; p += 9)
		if ((p == r || isspace((unsigned char)p[-1])) &&
		    (p[9] == '\0' || isspace((unsigned char)p[9])))
			alt = 1;
	if (!alt)
		return 0;
	for (i = 0; type[i] != '\0' && type[i] != ';' && i < sizeof t - 1; i++)
		t[i] = (char)tolower(type[i]);
	t[i] = '\0';
	strtrim(t);
	if (strcmp(t, "application/atom+xml") == 0)
		return *kind = "Atom", 4;
	if (strcmp(t, "application/rss+xml") == 0)
		return *kind = "RSS", 3;
	if (strcmp(t, "application/feed+json") == 0)
		return *kind = "JSON Feed", 2;
	/* Older JSON Feeds say this; so does many a CMS's API: last. */
	if (strcmp(t, "application/json") == 0)
		return *kind = "JSON", 1;
	return 0;
}

static void
walk_links(xmlNode *n, const char **base, struct found **v, size_t *nv,
    const char *page)
{
	xmlChar		*rel, *type, *href;
	const char	*kind;
	int		 rank;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (strcasecmp((const char *)n->name, "base") == 0 &&
		    *base == page && (href = xmlGetProp(n, BAD_CAST "href"))) {
			*base = url_resolve(page, (const char *)href);
			if (*base == NULL)
				*base = page;
			xmlFree(href);
		}
		if (strcasecmp((const char *)n->name, "link") == 0 &&
		    (rel = xmlGetProp(n, BAD_CAST "rel")) != NULL) {
			type = xmlGetProp(n, BAD_CAST "type");
			href = xmlGetProp(n, BAD_CAST "href");
			if (type != NULL && href != NULL &&
			    (rank = alt_rank(rel, type, &kind)) > 0) {
				*v = xreallocarray(*v, *nv + 1, sizeof **v);
				(*v)[*nv].url = url_resolve(*base,
				    (const char *)href);
				(*v)[*nv].rank = rank;
				(*v)[*nv].kind = (char *)kind;
				if ((*v)[*nv].url != NULL)
					(*nv)++;
			}
			xmlFree(rel);
			xmlFree(type);
			xmlFree(href);
		}
		walk_links(n->children, base, v, nv, page);
	}
}

/*
 * The feed a web page announces with <link rel="alternate">: Atom before
 * RSS before JSON Feed before plain JSON, the first of the best kind.
 * Says what it chose; *chosen is its rank (see struct found).
 */
static char *
discover(const struct fetch_reply *f, int *chosen)
{
	htmlDocPtr	 doc;
	struct found	*v = NULL;
	const char	*base = f->url, *kind = NULL;
	char		*best = NULL;
	size_t		 nv = 0, i;
	int		 rank = 0;

	if (f->body.len == 0 || f->body.len > INT_MAX)
		return NULL;
	doc = htmlReadMemory(f->body.s, (int)f->body.len, f->url, NULL,
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
	    HTML_PARSE_RECOVER);
	if (doc == NULL)
		return NULL;
	walk_links(xmlDocGetRootElement(doc), &base, &v, &nv, f->url);
	for (i = 0; i < nv; i++)
		if (v[i].rank > rank) {
			rank = v[i].rank;
			best = v[i].url;
			kind = v[i].kind;
		}
	*chosen = rank;
	if (best != NULL) {
		printf("%s announces %zu feed%s; chose %s: %s\n", f->url, nv,
		    nv == 1 ? "" : "s", kind, best);
		for (i = 0; i < nv; i++)
			if (v[i].url != best)
				printf("  also: %s %s\n", v[i].kind, v[i].url);
		best = xstrdup(best);
	}
	for (i = 0; i < nv; i++)
		free(v[i].url);
	free(v);
	if (base != f->url)
		free((char *)base);
	xmlFreeDoc(doc);
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
	if (!looks_html(&f) || (found = discover(&f, &rank)) == NULL) {
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
		if (rank == 1) {
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

/* A path to a local file becomes its file:// URL, as the config does. */
static char *
local_url(const char *arg)
{
	char	*abs, *url;

	if (strstr(arg, "://") != NULL || (abs = realpath(arg, NULL)) == NULL)
		return xstrdup(arg);
	xasprintf(&url, "file://%s", abs);
	free(abs);
	return url;
}

static void
add_usage(void)
{
	fprintf(stderr, "usage: feedmux add URL [--name NAME] "
	    "[--category CATEGORY] [--title TITLE]\n");
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
		default: add_usage(); return EX_USAGE;
		}
	}
	if (argc - optind != 1) {
		add_usage();
		return EX_USAGE;
	}
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
	s.url = local_url(argv[optind]);
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

	if (argc != 2) {
		fprintf(stderr, "usage: feedmux remove NAME|URL\n");
		return EX_USAGE;
	}
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
/* OPML */

/* An attribute by name, any case (readers spell xmlUrl several ways). */
static char *
attr(xmlNode *n, const char *name)
{
	xmlAttr	*a;
	xmlChar	*v;
	char	*s;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcasecmp((const char *)a->name, name) != 0)
			continue;
		if ((v = xmlNodeGetContent((xmlNode *)a)) == NULL)
			return NULL;
		s = xstrdup((const char *)v);
		xmlFree(v);
		strtrim(s);
		if (*s == '\0') {
			free(s);
			return NULL;
		}
		return s;
	}
	return NULL;
}

struct import {
	const char	*path;		/* the OPML file */
	struct known	 known;		/* the config's feeds and ours */
	struct buf	 text;
	int		 added, dups, bad;
};

static void
import_feed(struct import *im, xmlNode *n, char *url, const char *folder)
{
	struct sub	 s = { 0 };
	const char	*dup;
	char		*cat, *p;

	s.title = attr(n, "title");
	if (s.title == NULL)
		s.title = attr(n, "text");
	/* An imported file is not the user's word: no file: URLs. */
	if (!fetch_url_allowed(url, 1)) {
		log_warnx("%s:%ld: skipped %s: an imported feed must be an "
		    "http or https URL", im->path, xmlGetLineNo(n), url);
		im->bad++;
	} else if ((dup = url_taken(&im->known, url)) != NULL) {
		printf("skipped duplicate %s (already as %s)\n", url, dup);
		im->dups++;
	} else {
		/* OPML 2.0's own category="/a/b,/c": the last part of the
		 * first path, when no folder says otherwise. */
		cat = folder == NULL ? attr(n, "category") : NULL;
		if (cat != NULL) {
			cat[strcspn(cat, ",")] = '\0';
			while ((p = strrchr(cat, '/')) != NULL && p[1] == '\0')
				*p = '\0';
			if ((p = strrchr(cat, '/')) != NULL)
				memmove(cat, p + 1, strlen(p + 1) + 1);
		}
		s.url = url;
		s.category = folder != NULL ? (char *)folder : cat;
		s.name = make_name(&im->known, s.title, url);
		add_section(&im->text, &s);
		known_add(&im->known, s.name, url);
		im->added++;
		free(s.name);
		free(cat);
	}
	free(s.title);
}

/* Outlines with an xmlUrl are feeds; the others are folders, and the
 * innermost folder's title is the category of the feeds inside. */
static void
import_outlines(struct import *im, xmlNode *n, const char *folder)
{
	char	*url, *title;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE ||
		    strcmp((const char *)n->name, "outline") != 0)
			continue;
		if ((url = attr(n, "xmlUrl")) != NULL) {
			import_feed(im, n, url, folder);
			free(url);
			continue;
		}
		if ((title = attr(n, "title")) == NULL)
			title = attr(n, "text");
		import_outlines(im, n->children,
		    title != NULL ? title : folder);
		free(title);
	}
}

static xmlNode *
child(xmlNode *n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

int
cmd_import(struct conf *conf, int argc, char **argv)
{
	struct import	 im;
	struct edit	 ed;
	const xmlError	*e;
	xmlDocPtr	 doc;
	xmlNode		*root, *body;
	int		 rc;

	if (argc != 2) {
		fprintf(stderr, "usage: feedmux import FILE.opml\n");
		return EX_USAGE;
	}
	if (edit_path(conf) == NULL)
		return EX_CONFIG;
	/* No network, no entity expansion: an OPML file is only data. */
	doc = xmlReadFile(argv[1], NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL) {
		e = xmlGetLastError();
		log_errorx("%s: %s", argv[1], e != NULL && e->message != NULL ?
		    strtrim(e->message) : "cannot read");
		return access(argv[1], R_OK) == 0 ? EX_DATAERR : EX_NOINPUT;
	}
	root = xmlDocGetRootElement(doc);
	if (root == NULL || strcmp((const char *)root->name, "opml") != 0 ||
	    (body = child(root, "body")) == NULL) {
		log_errorx("%s: not OPML (no <opml><body>)", argv[1]);
		xmlFreeDoc(doc);
		return EX_DATAERR;
	}
	memset(&im, 0, sizeof im);
	im.path = argv[1];
	if ((rc = edit_begin(&ed, conf)) != 0)
		goto out;
	known_init(&im.known, ed.conf);
	im.text = ed.text;		/* appended to in place */
	memset(&ed.text, 0, sizeof ed.text);
	import_outlines(&im, body->children, NULL);
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
	xmlFreeDoc(doc);
	return rc;
}

static void
xml_attr(struct buf *b, const char *name, const char *v)
{
	xmlChar	*e;

	if (v == NULL)
		return;
	e = xmlEncodeSpecialChars(NULL, BAD_CAST v);
	buf_printf(b, " %s=\"%s\"", name, (const char *)e);
	xmlFree(e);
}

static void
export_feed(struct buf *b, struct store *st, const struct feed_conf *f,
    const char *indent)
{
	struct feed_state	 fs;
	const char		*title = f->title;
	int			 known = 0;

	memset(&fs, 0, sizeof fs);
	if (st != NULL && store_feed_get(st, f->name, &fs) == 1)
		known = 1;
	if (title == NULL)
		title = known && fs.title != NULL ? fs.title : f->name;
	buf_printf(b, "%s<outline type=\"rss\"", indent);
	xml_attr(b, "text", title);
	xml_attr(b, "title", title);
	xml_attr(b, "xmlUrl", f->url);
	if (known)
		xml_attr(b, "htmlUrl", fs.link);
	buf_adds(b, "/>\n");
	if (known)
		feed_state_free(&fs);
}

/* Feeds without a category at the top, then one folder per category in
 * the order they first appear in the config. */
static void
export_body(struct buf *b, const struct conf *conf, struct store *st)
{
	size_t	 i, j;

	for (i = 0; i < conf->nfeeds; i++)
		if (conf->feeds[i].category == NULL)
			export_feed(b, st, &conf->feeds[i], "    ");
	for (i = 0; i < conf->nfeeds; i++) {
		const char *cat = conf->feeds[i].category;

		for (j = 0; cat != NULL && j < i; j++)
			if (conf->feeds[j].category != NULL &&
			    strcmp(conf->feeds[j].category, cat) == 0)
				break;
		if (cat == NULL || j < i)
			continue;
		buf_adds(b, "    <outline");
		xml_attr(b, "text", cat);
		xml_attr(b, "title", cat);
		buf_adds(b, ">\n");
		for (j = i; j < conf->nfeeds; j++)
			if (conf->feeds[j].category != NULL &&
			    strcmp(conf->feeds[j].category, cat) == 0)
				export_feed(b, st, &conf->feeds[j],
				    "      ");
		buf_adds(b, "    </outline>\n");
	}
}

int
cmd_export(struct conf *conf, int argc, char **argv)
{
	struct store	*st = NULL;
	struct buf	 b = { 0 };
	const char	*out = NULL;
	char		 err[512];
	int		 ch, rc = 0;

	while ((ch = getopt(argc, argv, "o:")) != -1) {
		if (ch != 'o' || out != NULL)
			goto usage;
		out = optarg;
	}
	if (optind != argc)
		goto usage;
	/* Titles and site links the feeds gave us, when we have them. */
	if (access(conf->database, F_OK) == 0 &&
	    (st = store_open(conf->database, err, sizeof err)) == NULL)
		log_warnx("%s (exporting without feed titles)", err);
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<opml version=\"2.0\">\n  <head>\n"
	    "    <title>feedmux subscriptions</title>\n  </head>\n"
	    "  <body>\n");
	export_body(&b, conf, st);
	buf_adds(&b, "  </body>\n</opml>\n");
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
	fprintf(stderr, "usage: feedmux export [-o FILE]\n");
	return EX_USAGE;
}
