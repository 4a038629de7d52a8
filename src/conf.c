/*
 * conf.c: the INI-style configuration file.
 *
 *	[feedmux]		global settings and per-feed defaults
 *	[output] / [output "name"]	merged-feed outputs
 *	[hook "name"]			new entries to a program or a URL
 *	[digest]		the default digest: schedule, delivery, filters
 *	[digest "name"]		another digest
 *	[feed "name"]		one subscription
 *
 * [feedmux] and [feed] also hold entry rules (match, exclude_match; see
 * rules.h), compiled once, at load.
 *
 * Every error names file:line.  Keys are described by one table, so the
 * parser, the checks (conf_check.c) and conf(5) agree on what exists.
 * Here: the table, sections, reading the file, defaults, lookup, freeing.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "conf_int.h"
#include "log.h"
#include "util.h"

/* The largest config file read (some 200,000 feeds). */
#define CONF_MAX	(16 * 1024 * 1024)

#define MAIN(n, t, f)	{ SEC_MAIN, #n, t, offsetof(struct conf, f), 0 }
#define OPT(n, t)	{ SEC_MAIN, #n, t, offsetof(struct feed_opts, n), F_OPT }
#define OUT(n, t)	{ SEC_OUTPUT, #n, t, offsetof(struct output_conf, n), 0 }
#define DIG(n, t)	{ SEC_DIGEST, #n, t, offsetof(struct digest_conf, n), 0 }
#define FEED(n, t)	{ SEC_FEED, #n, t, offsetof(struct feed_conf, n), 0 }
#define HOOK(n, t)	{ SEC_HOOK, #n, t, offsetof(struct hook_conf, n), 0 }
#define FILTER(n, t, f)	{ SEC_OUTPUT, #n, t, offsetof(struct output_conf, n), f | F_FILTER }

static const struct key keys[] = {
	MAIN(database, T_DB, database),
	MAIN(pidfile, T_PATH, pidfile),
	MAIN(user, T_USER, user),
	MAIN(listen, T_LISTEN, listen),
	MAIN(max_clients, T_INT, max_clients),
	MAIN(max_clients_per_addr, T_INT, max_clients_per_addr),
	MAIN(concurrency, T_INT, concurrency),
	MAIN(per_host, T_INT, per_host),
	MAIN(lease, T_DURATION, lease),
	MAIN(jitter, T_DURATION, jitter),
	MAIN(backoff_max, T_DURATION, backoff_max),
	MAIN(quiet_after, T_DURATION, quiet_after),
	MAIN(updates_in_digest, T_BOOL, updates_in_digest),
	MAIN(log_level, T_LEVEL, log_level),
	MAIN(syslog, T_BOOL, syslog),
	OPT(interval, T_DURATION),
	OPT(interval_min, T_DURATION),
	OPT(interval_max, T_DURATION),
	OPT(timeout, T_DURATION),
	OPT(connect_timeout, T_DURATION),
	OPT(max_size, T_SIZE),
	OPT(max_redirects, T_INT),
	OPT(keep, T_DURATION),
	OPT(keep_max, T_INT),
	OPT(key, T_KEYPOLICY),
	OPT(user_agent, T_STR),
	OPT(allow_private, T_BOOL),
	/* Rules for every feed; a [feed]'s own apply as well. */
	{ SEC_MAIN, "match", T_RULE, offsetof(struct conf, rules), 0 },
	{ SEC_MAIN, "exclude_match", T_RULE, offsetof(struct conf, rules),
	    F_REPEAT },

	OUT(atom, T_PATH),
	OUT(rss, T_PATH),
	OUT(json, T_PATH),
	OUT(html, T_PATH),
	OUT(html_template, T_TEMPLATE),
	{ SEC_OUTPUT, "html_content", T_HTMLCONTENT,
	    offsetof(struct output_conf, html_full), 0 },
	OUT(timezone, T_ZONE),
	OUT(title_format, T_TITLEFMT),
	OUT(title, T_STR),
	OUT(link, T_STR),
	OUT(subtitle, T_STR),
	OUT(entries, T_INT),
	FILTER(feeds, T_LIST, F_LIST),
	FILTER(exclude_feeds, T_LIST, F_LIST),
	FILTER(categories, T_LIST, F_LIST),
	FILTER(exclude_categories, T_LIST, F_LIST),
	FILTER(match, T_REGEX, 0),
	FILTER(exclude_match, T_REGEX, 0),
	/* listen is accepted in [output] too, as feedmux.conf(5)'s example
	 * writes it; there is one endpoint, in struct conf. */
	{ SEC_OUTPUT, "listen", T_LISTEN, offsetof(struct conf, listen), F_CONF },

	DIG(at, T_AT),
	DIG(days, T_DAYS),
	DIG(timezone, T_ZONE),
	DIG(dir, T_PATH),
	{ SEC_DIGEST, "mail_to", T_ADDRS, offsetof(struct digest_conf, mail_to), F_LIST },
	DIG(mail_from, T_ADDR),
	DIG(smtp, T_SMTP),
	DIG(smtp_user, T_STR),
	DIG(smtp_password, T_STR),
	DIG(starttls, T_BOOL),
	DIG(smtp_cafile, T_PATH),
	DIG(sendmail, T_STR),
	DIG(subject, T_STR),
	DIG(html_template, T_TEMPLATE),
	DIG(text_template, T_TEMPLATE),
	DIG(group, T_GROUP),
	DIG(send_empty, T_BOOL),
	DIG(max_entries, T_INT),
	DIG(per_feed, T_INT),
	DIG(excerpt, T_INT),
	{ SEC_DIGEST, "content", T_HTMLCONTENT,
	    offsetof(struct digest_conf, full), 0 },

	FEED(url, T_URL),
	FEED(title, T_STR),
	FEED(category, T_STR),
	FEED(username, T_STR),
	FEED(password, T_STR),
	FEED(enabled, T_BOOL),
	{ SEC_FEED, "header", T_APPEND, offsetof(struct feed_conf, headers), F_LIST },
	{ SEC_FEED, "match", T_RULE, offsetof(struct feed_conf, rules), 0 },
	{ SEC_FEED, "exclude_match", T_RULE, offsetof(struct feed_conf, rules),
	    F_REPEAT },

	{ SEC_HOOK, "exec", T_EXEC, offsetof(struct hook_conf, exec), F_LIST },
	HOOK(url, T_HOOKURL),
	{ SEC_HOOK, "header", T_APPEND, offsetof(struct hook_conf, headers), F_LIST },
	HOOK(batch, T_INT),
	HOOK(timeout, T_DURATION),
	{ SEC_HOOK, "since", T_SINCE, offsetof(struct hook_conf, since_all), 0 },
};

int
lerr(struct loader *l, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;

	if (l->line > 0)
		snprintf(l->err, l->errlen, "%s:%d: ", l->file, l->line);
	else
		snprintf(l->err, l->errlen, "%s: ", l->file);
	n = strlen(l->err);
	va_start(ap, fmt);
	vsnprintf(l->err + n, l->errlen - n, fmt, ap);
	va_end(ap);
	return -1;
}

static void
opts_unset(struct feed_opts *o)
{
	o->interval = o->interval_min = o->interval_max = -1;
	o->timeout = o->connect_timeout = o->max_size = o->keep = -1;
	o->max_redirects = o->keep_max = o->allow_private = -1;
	o->key = (enum key_policy)-1;
	o->user_agent = NULL;
}

static void
opts_inherit(struct feed_opts *o, const struct feed_opts *d)
{
#define INHERIT(f) do { if (o->f == -1) o->f = d->f; } while (0)
	INHERIT(interval); INHERIT(interval_min); INHERIT(interval_max);
	INHERIT(timeout); INHERIT(connect_timeout); INHERIT(max_size);
	INHERIT(keep); INHERIT(max_redirects); INHERIT(keep_max);
	INHERIT(allow_private);
#undef INHERIT
	if ((int)o->key == -1)
		o->key = d->key;
	if (o->user_agent == NULL && d->user_agent != NULL)
		o->user_agent = xstrdup(d->user_agent);
}

static struct hook_conf *
add_hook(struct conf *c, const char *name, struct loader *l)
{
	struct hook_conf *h;

	c->hooks = xreallocarray(c->hooks, c->nhooks + 1, sizeof *c->hooks);
	h = &c->hooks[c->nhooks++];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(name);
	h->batch = 100;
	h->timeout = 30;
	h->file = l->file;
	h->line = l->line;
	h->filter.name = xstrdup(name);
	return h;
}

static void
digest_init(struct digest_conf *d, const char *name)
{
	memset(d, 0, sizeof *d);
	d->name = xstrdup(name);
	d->at[0] = 7 * 60;
	d->nat = 1;
	d->days = 0x7f;
	d->group = GROUP_FEED;
	d->excerpt = 280;
	d->filter.name = xstrdup(name);
}

/* A digest's name goes into file names and onto command lines. */
static int
digest_name_ok(const char *name)
{
	const char	*p;

	for (p = name; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' &&
		    *p != '.')
			return 0;
	return name[0] != '.' && name[0] != '-';
}

/* The section [digest] or [digest "name"], each name once. */
static int
digest_section(struct loader *l, const char *name)
{
	struct conf		*c = l->conf;
	struct digest_conf	*d;
	size_t			 i;

	if (name != NULL && !digest_name_ok(name))
		return lerr(l, "bad digest name \"%s\" (want letters, digits, "
		    "'-', '_' or '.')", name);
	if (name == NULL) {
		if (l->digest_line != 0)
			return lerr(l, "second [digest] section (first at "
			    "line %d)", l->digest_line);
		l->digest_line = l->line;
		d = &c->digests[0];
	} else {
		for (i = 1; i < c->ndigests; i++)
			if (strcmp(c->digests[i].name, name) == 0)
				return lerr(l, "duplicate digest \"%s\" "
				    "(first at line %d)", name,
				    c->digests[i].line);
		c->digests = xreallocarray(c->digests, c->ndigests + 1,
		    sizeof *c->digests);
		d = &c->digests[c->ndigests++];
		digest_init(d, name);
	}
	d->configured = 1;
	d->file = l->file;
	d->line = l->line;
	l->sec = SEC_DIGEST;
	l->base = d;
	l->filter = &d->filter;
	return 0;
}

static void
output_init(struct output_conf *o, const char *name, struct loader *l)
{
	memset(o, 0, sizeof *o);
	o->name = xstrdup(name);
	o->entries = 100;
	o->file = l->file;
	o->line = l->line;
}

static struct output_conf *
add_output(struct conf *c, const char *name, struct loader *l)
{
	c->outputs = xreallocarray(c->outputs, c->noutputs + 1,
	    sizeof *c->outputs);
	output_init(&c->outputs[c->noutputs], name, l);
	return &c->outputs[c->noutputs++];
}

/*
 * Arrays grow by doubling (n a power of two: full); duplicates are found
 * by sorting once the file is read, and feeds by name with bsearch:
 * loading 100,000 feeds is n log n.
 */
static void *
grow(void *arr, size_t n, size_t size)
{
	if (n == 0 || (n & (n - 1)) == 0)
		arr = xreallocarray(arr, n == 0 ? 1 : 2 * n, size);
	return arr;
}

static struct feed_conf *
add_feed(struct conf *c, const char *name)
{
	struct feed_conf *f;

	c->feeds = grow(c->feeds, c->nfeeds, sizeof *c->feeds);
	f = &c->feeds[c->nfeeds++];
	memset(f, 0, sizeof *f);
	f->name = xstrdup(name);
	f->enabled = 1;
	return f;
}

/* "[feed "name"]" -> kind "feed", name "name" (or NULL). */
static int
parse_section(struct loader *l, char *s)
{
	struct conf	*c = l->conf;
	char		*end, *name = NULL, *q;
	size_t		 i;

	if ((end = strrchr(s, ']')) == NULL || strtrim(end + 1)[0] != '\0')
		return lerr(l, "bad section header (want [name] or "
		    "[name \"label\"])");
	*end = '\0';
	s = strtrim(s + 1);
	if ((q = strchr(s, '"')) != NULL) {
		if (end[-1] != '"' || q == end - 1)
			return lerr(l, "bad section label (want [%.*s "
			    "\"label\"])", (int)(q - s), s);
		end[-1] = '\0';
		name = q + 1;
		*q = '\0';
		strtrim(s);
		if (*name == '\0')
			return lerr(l, "empty section label");
	}
	memset(l->seen, 0, nitems(keys));
	l->opts = NULL;
	l->filter = NULL;
	if (strcmp(s, "feedmux") == 0 && name == NULL) {
		if (l->main_line != 0)
			return lerr(l, "second [feedmux] section (first at "
			    "line %d)", l->main_line);
		l->main_line = l->line;
		l->sec = SEC_MAIN;
		l->base = c;
		l->opts = &c->defaults;
	} else if (strcmp(s, "digest") == 0) {
		return digest_section(l, name);
	} else if (strcmp(s, "output") == 0) {
		for (i = 0; i < c->noutputs; i++)
			if (strcmp(c->outputs[i].name, name ? name : "") == 0)
				return lerr(l, "duplicate output \"%s\" "
				    "(first at line %d)", name ? name : "",
				    c->outputs[i].line);
		l->sec = SEC_OUTPUT;
		l->base = l->filter = add_output(c, name ? name : "", l);
	} else if (strcmp(s, "hook") == 0 && name != NULL) {
		struct hook_conf *h;

		for (i = 0; i < c->nhooks; i++)
			if (strcmp(c->hooks[i].name, name) == 0)
				return lerr(l, "duplicate hook \"%s\" "
				    "(first at line %d)", name,
				    c->hooks[i].line);
		h = add_hook(c, name, l);
		l->sec = SEC_HOOK;
		l->base = h;
		l->filter = &h->filter;
	} else if (strcmp(s, "hook") == 0)
		return lerr(l, "[hook] needs a name: [hook \"name\"]");
	else if (strcmp(s, "feed") == 0 && name != NULL) {
		struct feed_conf *f;

		/* A second feed of the same name is found in conf_check. */
		f = add_feed(c, name);
		f->file = l->file;
		f->line = l->line;
		opts_unset(&f->opts);
		l->sec = SEC_FEED;
		l->base = f;
		l->opts = &f->opts;
	} else if (strcmp(s, "feed") == 0)
		return lerr(l, "[feed] needs a name: [feed \"name\"]");
	else
		return lerr(l, "unknown section [%s]", s);
	return 0;
}

static int
parse_line(struct loader *l, char *line)
{
	char		*eq, *k, *v;
	size_t		 i, vlen;

	line = strtrim(line);
	if (*line == '\0' || *line == '#' || *line == ';')
		return 0;
	if (*line == '[')
		return parse_section(l, line);
	if ((eq = strchr(line, '=')) == NULL)
		return lerr(l, "expected key = value or [section]");
	*eq = '\0';
	k = strtrim(line);
	v = strtrim(eq + 1);
	vlen = strlen(v);
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		v[vlen - 1] = '\0';
		v++;
	}
	if (l->sec == SEC_NONE)
		return lerr(l, "\"%s\" outside any section", k);
	for (i = 0; i < nitems(keys); i++) {
		const struct key *key = &keys[i];
		void	*base;

		if (strcmp(key->name, k) != 0)
			continue;
		if (key->flags & F_OPT) {
			if (l->opts == NULL)
				continue;
			base = l->opts;
		} else if (key->flags & F_FILTER) {
			if (l->filter == NULL)
				continue;
			base = l->filter;
		} else if (key->sec != l->sec)
			continue;
		else
			base = key->flags & F_CONF ? (void *)l->conf : l->base;
		if (l->seen[i]++ && key->type != T_APPEND &&
		    !(key->flags & F_REPEAT))
			return lerr(l, "duplicate key \"%s\"", k);
		if (*v == '\0' && key->type != T_STR)
			return lerr(l, "%s: empty value", k);
		if (key->type == T_ADDRS)
			((struct digest_conf *)base)->mail_to_line = l->line;
		return conf_set_value(l, key, base, v);
	}
	return lerr(l, "unknown key \"%s\"", k);
}

static const char *
state_dir(void)
{
	static char	 dir[PATH_MAX];
	const char	*x, *home;

	if ((x = getenv("XDG_STATE_HOME")) != NULL && x[0] == '/')
		snprintf(dir, sizeof dir, "%s/feedmux", x);
	else if ((home = getenv("HOME")) != NULL && home[0] == '/')
		snprintf(dir, sizeof dir, "%s/.local/state/feedmux", home);
	else
		snprintf(dir, sizeof dir, "%s/lib/feedmux", LOCALSTATEDIR);
	return dir;
}

static void
conf_defaults(struct conf *c)
{
	c->concurrency = 16;
	c->per_host = 2;
	c->lease = 300;
	c->max_clients = 256;
	c->max_clients_per_addr = 32;
	c->jitter = 120;
	c->backoff_max = 86400;
	c->quiet_after = 30 * 86400;
	c->log_level = LOG_LVL_WARN;
	c->defaults.interval = 30 * 60;
	c->defaults.interval_min = 5 * 60;
	c->defaults.interval_max = 86400;
	c->defaults.timeout = 60;
	c->defaults.connect_timeout = 20;
	c->defaults.max_size = 20 * 1024 * 1024;
	c->defaults.max_redirects = 5;
	c->defaults.keep = 90 * 86400;
	c->defaults.keep_max = 500;
	c->defaults.key = KEY_AUTO;
	c->digests = xcalloc(1, sizeof *c->digests);
	c->ndigests = 1;
	digest_init(&c->digests[0], "");
}

/* Fill what the file left unset, then check what only the whole can tell. */
static int
conf_finish(struct loader *l)
{
	struct conf	*c = l->conf;
	const char	*sd = state_dir();
	size_t		 i;

	l->line = 0;
	if (c->database == NULL)
		xasprintf(&c->database, "%s/feedmux.db", sd);
	if (c->noutputs == 0) {
		add_output(c, "", l);
		c->outputs[0].line = 0;
	}
	if (c->outputs[0].atom == NULL && c->outputs[0].rss == NULL &&
	    c->outputs[0].json == NULL)
		xasprintf(&c->outputs[0].atom, "%s/atom.xml", sd);
	/* Named digests' file names carry their names. */
	for (i = 0; i < c->ndigests; i++)
		if (c->digests[i].dir == NULL)
			xasprintf(&c->digests[i].dir, "%s/digests", sd);
	for (i = 0; i < c->nfeeds; i++)
		opts_inherit(&c->feeds[i].opts, &c->defaults);
	return conf_check(l);
}

size_t
conf_enabled_feeds(const struct conf *c)
{
	size_t	 i, n = 0;

	for (i = 0; i < c->nfeeds; i++)
		n += c->feeds[i].enabled != 0;
	return n;
}

const char *
conf_default_path(void)
{
	static const char	*sys = SYSCONFDIR "/feedmux.conf";
	const char		*env;

	if ((env = getenv("FEEDMUX_CONF")) != NULL && *env != '\0')
		return env;
	if (access(sys, F_OK) == 0)
		return sys;
	return NULL;
}

static int
conf_read(struct loader *l, const char *path)
{
	struct buf	 b = { 0 };
	char		*line, *next;
	int		 rc = 0;

	if (read_file(path, CONF_MAX, &b, l->err, l->errlen) == -1) {
		buf_free(&b);	/* what was read before the limit */
		return -1;
	}
	if (memchr(b.s, '\0', b.len) != NULL) {
		buf_free(&b);
		return lerr(l, "not a text file");
	}
	/* Editors on Windows start UTF-8 files with a byte order mark. */
	line = b.s;
	if (b.len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0)
		line += 3;
	for (; line != NULL && rc == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		l->line++;
		rc = parse_line(l, line);
	}
	buf_free(&b);
	return rc;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf	*c = xcalloc(1, sizeof *c);
	struct loader	 l;
	char		*abs, *slash;

	memset(&l, 0, sizeof l);
	l.conf = c;
	l.err = err;
	l.errlen = errlen;
	l.file = "(defaults)";
	l.seen = xcalloc(nitems(keys), 1);
	conf_defaults(c);
	if (path != NULL) {
		c->path = xstrdup(path);
		l.file = c->path;
		if ((abs = realpath(path, NULL)) != NULL &&
		    (slash = strrchr(abs, '/')) != NULL) {
			*slash = '\0';
			c->dir = xstrdup(abs[0] ? abs : "/");
		}
		free(abs);
		if (conf_read(&l, path) == -1)
			goto fail;
	}
	if (conf_finish(&l) == -1)
		goto fail;
	free(l.seen);
	return c;
fail:
	free(l.seen);
	conf_free(c);
	return NULL;
}

void
conf_print_keys(FILE *f)
{
	static const char *secs[] = { "", "feedmux", "output", "digest",
	    "feed", "hook" };
	size_t	 i;

	for (i = 0; i < nitems(keys); i++) {
		fprintf(f, "%s %s\n", secs[keys[i].sec], keys[i].name);
		if (keys[i].flags & F_OPT)
			fprintf(f, "feed %s\n", keys[i].name);
		if (keys[i].flags & F_FILTER) {
			fprintf(f, "hook %s\n", keys[i].name);
			fprintf(f, "digest %s\n", keys[i].name);
		}
	}
}

static int
byname_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(struct feed_conf *const *)elem)->name);
}

struct feed_conf *
conf_feed(const struct conf *c, const char *name)
{
	struct feed_conf **f;
	size_t		 i;

	/* A struct conf built by hand (tests, benchmarks) has no index. */
	if (c->byname == NULL) {
		for (i = 0; i < c->nfeeds; i++)
			if (strcmp(c->feeds[i].name, name) == 0)
				return &c->feeds[i];
		return NULL;
	}
	f = bsearch(name, c->byname, c->nfeeds, sizeof *c->byname,
	    byname_cmp);
	return f != NULL ? *f : NULL;
}

const struct digest_conf *
conf_digest(const struct conf *c, const char *name)
{
	size_t		 i;

	for (i = 0; i < c->ndigests; i++)
		if (strcmp(c->digests[i].name, name) == 0)
			return &c->digests[i];
	return NULL;
}

void
free_list(char **a, size_t n)
{
	while (n > 0)
		free(a[--n]);
	free(a);
}

static void
rules_free(struct rules *r)
{
	size_t	 i;

	if (r->match != NULL) {
		regfree(&r->match->re);
		free(r->match->label);
		free(r->match);
	}
	for (i = 0; i < r->nexclude; i++) {
		regfree(&r->exclude[i].re);
		free(r->exclude[i].label);
	}
	free(r->exclude);
}

static void
output_free(struct output_conf *o)
{
	free(o->name); free(o->atom); free(o->rss); free(o->json);
	free(o->html); free(o->html_template); free(o->timezone);
	free(o->title_format);
	free(o->title); free(o->link); free(o->subtitle);
	free_list(o->feeds, o->nfeeds);
	free_list(o->exclude_feeds, o->nexclude_feeds);
	free_list(o->categories, o->ncategories);
	free_list(o->exclude_categories, o->nexclude_categories);
	if (o->match != NULL)
		regfree(&o->match_re);
	if (o->exclude_match != NULL)
		regfree(&o->exclude_match_re);
	free(o->match);
	free(o->exclude_match);
}

void
conf_free(struct conf *c)
{
	struct digest_conf *d;
	size_t		 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nfeeds; i++) {
		struct feed_conf *f = &c->feeds[i];

		free(f->name); free(f->url); free(f->title);
		free(f->category); free(f->username); free(f->password);
		free(f->opts.user_agent);
		free_list(f->headers, f->nheaders);
		rules_free(&f->rules);
	}
	free(c->feeds);
	free(c->byname);
	for (i = 0; i < c->noutputs; i++)
		output_free(&c->outputs[i]);
	free(c->outputs);
	for (i = 0; i < c->nhooks; i++) {
		struct hook_conf *h = &c->hooks[i];

		free(h->name); free(h->url);
		free_list(h->exec, h->nexec);
		free_list(h->headers, h->nheaders);
		output_free(&h->filter);
	}
	free(c->hooks);
	for (i = 0; i < c->ndigests; i++) {
		d = &c->digests[i];
		free(d->name);
		free(d->timezone); free(d->dir); free(d->mail_from);
		free(d->smtp); free(d->smtp_user); free(d->smtp_password);
		free(d->sendmail); free(d->smtp_cafile);
		free(d->subject); free(d->html_template);
		free(d->text_template);
		free_list(d->mail_to, d->nmail_to);
		output_free(&d->filter);
	}
	free(c->digests);
	free(c->path); free(c->dir); free(c->database); free(c->pidfile);
	free(c->user); free(c->listen); free(c->defaults.user_agent);
	rules_free(&c->rules);
	free(c);
}
