/*
 * conf.c: the INI-style configuration file.
 *
 *	[feedmux]		global settings and per-feed defaults
 *	[output] / [output "name"]	merged-feed outputs
 *	[hook "name"]			new entries to a program or a URL
 *	[digest]		the digest schedule and delivery
 *	[feed "name"]		one subscription
 *
 * [feedmux] and [feed] also hold entry rules (match, exclude_match; see
 * rules.h), compiled here once.
 *
 * Every error names file:line.  Keys are described by one table, so the
 * parser, the validation and conf(5) agree on what exists.
 */
#include "config.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <pwd.h>

#include "conf.h"
#include "log.h"
#include "mail.h"
#include "river.h"
#include "store.h"
#include "template.h"
#include "url.h"
#include "util.h"

/* The largest config file read (some 200,000 feeds). */
#define CONF_MAX	(16 * 1024 * 1024)

enum section { SEC_NONE, SEC_MAIN, SEC_OUTPUT, SEC_DIGEST, SEC_FEED, SEC_HOOK };

enum type {
	T_STR, T_PATH, T_URL, T_DURATION, T_SIZE, T_INT, T_BOOL, T_LEVEL,
	T_KEYPOLICY, T_LIST, T_ADDRS, T_APPEND, T_AT, T_DAYS, T_GROUP, T_REGEX, T_RULE, T_ZONE,
	T_LISTEN, T_USER, T_SMTP, T_ADDR, T_TEMPLATE, T_HOOKURL, T_EXEC, T_SINCE,
	T_HTMLCONTENT, T_TITLEFMT, T_DB
};

#define F_OPT	0x1	/* in struct feed_opts: [feedmux] default, [feed] override */
#define F_LIST	0x2	/* the count field follows the array pointer */
#define F_CONF	0x4	/* lives in struct conf whatever the section */
#define F_REPEAT 0x8	/* may be given several times in a section */
#define F_FILTER 0x10	/* an entry filter: [output] and [hook] alike */

struct key {
	enum section	 sec;
	const char	*name;
	enum type	 type;
	size_t		 off;
	int		 flags;
};

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
	/* listen is accepted in [output] too, where the issue shows it. */
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
	DIG(excerpt, T_INT),

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

struct loader {
	struct conf		*conf;
	const char		*file;	/* for messages */
	int			 line;
	enum section		 sec;
	void			*base;	/* struct the section's keys live in */
	struct feed_opts	*opts;	/* feed_opts keys go here */
	struct output_conf	*filter; /* filter keys go here */
	unsigned char		 seen[nitems(keys)];
	int			 main_line;	/* of [feedmux]; 0: none yet */
	int			 digest_line;	/* of [digest] */
	int			 mail_to_line;	/* of the digest's mail_to */
	char			*err;
	size_t			 errlen;
};

static int __attribute__((format(printf, 2, 3)))
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

int
conf_parse_duration(const char *s, int64_t *out)
{
	int64_t		 total = 0, v, unit;
	char		*end;
	int		 parts = 0;

	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0)
			return -1;
		switch (*end) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		case 'w': unit = 7 * 86400; break;
		case '\0': unit = parts == 0 ? 1 : -1; end--; break;
		default: return -1;
		}
		if (unit < 0 || v > (INT64_MAX - total) / unit)
			return -1;
		total += v * unit;
		s = end + 1;
		parts++;
	}
	if (parts == 0)
		return -1;
	*out = total;
	return 0;
}

int
conf_parse_size(const char *s, int64_t *out)
{
	long long	 v;
	int64_t		 unit = 1;
	char		*end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0': break;
	case 'K': unit = 1024; end++; break;
	case 'M': unit = 1024 * 1024; end++; break;
	case 'G': unit = 1024 * 1024 * 1024; end++; break;
	default: return -1;
	}
	if ((*end == 'B' || *end == 'b') && unit > 1)
		end++;
	if (*end != '\0' || v > INT64_MAX / unit)
		return -1;
	*out = v * unit;
	return 0;
}

static void	free_list(char **, size_t);

/* Split on commas and white space into an array of strings. */
static void
split_list(const char *v, char ***arr, size_t *n)
{
	const char	*p = v, *start;

	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ',' && !isspace((unsigned char)*p))
			p++;
		*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
		(*arr)[(*n)++] = xstrndup(start, (size_t)(p - start));
	}
}

/* A path relative to the config file's directory. */
static char *
conf_path(struct loader *l, const char *v)
{
	char	*p;

	if (v[0] == '/' || l->conf->dir == NULL)
		return xstrdup(v);
	xasprintf(&p, "%s/%s", l->conf->dir, v);
	return p;
}

static int
parse_at(struct loader *l, struct digest_conf *d, const char *v)
{
	char	**list = NULL;
	size_t	  n = 0, i, j;
	int	  h, m, rc = 0;
	char	  extra;

	split_list(v, &list, &n);
	d->nat = 0;
	for (i = 0; i < n; i++) {
		if (rc == 0 && (sscanf(list[i], "%d:%d%c", &h, &m, &extra) != 2 ||
		    h < 0 || h > 23 || m < 0 || m > 59 ||
		    strlen(list[i]) > 5))
			rc = lerr(l, "bad time \"%s\" (want HH:MM)", list[i]);
		else if (rc == 0 && d->nat == nitems(d->at))
			rc = lerr(l, "too many times in at");
		else if (rc == 0) {
			for (j = d->nat; j > 0 && d->at[j - 1] > h * 60 + m; j--)
				d->at[j] = d->at[j - 1];
			d->at[j] = h * 60 + m;
			d->nat++;
		}
		free(list[i]);
	}
	free(list);
	if (rc == 0 && d->nat == 0)
		rc = lerr(l, "at needs at least one time");
	return rc;
}

static int
day_index(const char *s, size_t len)
{
	static const char *names[] = { "sunday", "monday", "tuesday",
	    "wednesday", "thursday", "friday", "saturday" };
	int	 i;

	for (i = 0; i < 7; i++)
		if ((len == 3 || len == strlen(names[i])) &&
		    strncasecmp(s, names[i], len) == 0)
			return i;
	return -1;
}

static int
parse_days(struct loader *l, struct digest_conf *d, const char *v)
{
	char		**list = NULL, *dash;
	size_t		  n = 0, i;
	int		  a, b, rc = 0;
	unsigned	  days = 0;

	split_list(v, &list, &n);
	for (i = 0; i < n; i++) {
		const char *s = list[i];

		if (strcasecmp(s, "daily") == 0 || strcmp(s, "*") == 0)
			days |= 0x7f;
		else if (strcasecmp(s, "weekdays") == 0)
			days |= 0x3e;
		else if (strcasecmp(s, "weekends") == 0)
			days |= 0x41;
		else if ((dash = strchr(s, '-')) != NULL &&
		    (a = day_index(s, (size_t)(dash - s))) >= 0 &&
		    (b = day_index(dash + 1, strlen(dash + 1))) >= 0) {
			for (;; a = (a + 1) % 7) {
				days |= 1u << a;
				if (a == b)
					break;
			}
		} else if ((a = day_index(s, strlen(s))) >= 0)
			days |= 1u << a;
		else if (rc == 0)
			rc = lerr(l, "bad day \"%s\" (want mon-fri, sat,sun, "
			    "daily, weekdays or weekends)", s);
		free(list[i]);
	}
	free(list);
	if (rc == 0 && days == 0)
		rc = lerr(l, "days names no day");
	d->days = days;
	return rc;
}

/* A feed URL: http(s)/file URLs as they are, a bare path made file://. */
static int
parse_url(struct loader *l, char **dst, const char *v)
{
	char	*path, *abs = NULL;

	if (strstr(v, "://") != NULL) {
		if (!url_is_fetchable(v))
			return lerr(l, "unsupported URL \"%s\" (http, https "
			    "or file only)", v);
		*dst = xstrdup(v);
		return 0;
	}
	path = conf_path(l, v);
	if ((abs = realpath(path, NULL)) == NULL) {
		lerr(l, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	xasprintf(dst, "file://%s", abs);
	free(abs);
	free(path);
	return 0;
}

static int
zone_exists(const char *tz)
{
	char	 path[PATH_MAX];

	if (tz[0] == '/' || strstr(tz, "..") != NULL)
		return 0;
	if (strcmp(tz, "UTC") == 0)
		return 1;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0;
}

int
conf_listen_split(const char *s, char *addr, size_t alen, uint16_t *port)
{
	const char	*host = s, *colon, *p;
	struct in6_addr	 a6;
	size_t		 n = 0;
	long		 v;
	char		*end;

	if (*s == '[') {
		if ((colon = strchr(s, ']')) == NULL || colon[1] != ':')
			return -1;
		host = s + 1;
		n = (size_t)(colon - host);
		colon++;
		if (n == 0 || n >= alen)
			return -1;
		snprintf(addr, alen, "%.*s", (int)n, host);
		if (inet_pton(AF_INET6, addr, &a6) != 1)
			return -1;
	} else {
		if ((colon = strrchr(s, ':')) != NULL)
			n = (size_t)(colon - s);
		if (n >= alen)
			return -1;
		/* A host name or an IPv4 address; IPv6 goes in brackets. */
		for (p = s; p < s + n; p++)
			if (!isalnum((unsigned char)*p) && *p != '.' &&
			    *p != '-' && *p != '_')
				return -1;
		snprintf(addr, alen, "%.*s", (int)n, s);
		if (n == 0)
			snprintf(addr, alen, "127.0.0.1");
	}
	p = colon != NULL ? colon + 1 : s;
	if (!isdigit((unsigned char)*p))
		return -1;
	errno = 0;
	v = strtol(p, &end, 10);
	if (*end != '\0' || errno != 0 || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A template file: readable and well-formed now, not at the first digest. */
static int
check_template(struct loader *l, const struct key *k, const char *path)
{
	struct buf	 b = { NULL, 0, 0 };
	char		 e[256];
	int		 rc = 0;

	if (read_file(path, 1024 * 1024, &b, e, sizeof e) == -1)
		rc = lerr(l, "%s: %s", k->name, e);
	else if (template_check(b.s, e, sizeof e) == -1)
		rc = lerr(l, "%s: %s: %s", k->name, path, e);
	buf_free(&b);
	return rc;
}

/*
 * A match or exclude_match of [feedmux] or [feed]: compiled once, with the
 * label rules_hide shows ("[feed "x"] exclude_match = foo").
 */
static int
add_rule(struct loader *l, const struct key *k, struct rules *r,
    const char *v)
{
	struct rule	 one;
	char		 msg[128];
	int		 rc;

	if ((rc = regcomp(&one.re, v, REG_EXTENDED | REG_ICASE |
	    REG_NOSUB)) != 0) {
		regerror(rc, &one.re, msg, sizeof msg);
		return lerr(l, "%s: bad regular expression \"%s\": %s",
		    k->name, v, msg);
	}
	if (l->sec == SEC_FEED)
		xasprintf(&one.label, "[feed \"%s\"] %s = %s",
		    ((struct feed_conf *)l->base)->name, k->name, v);
	else
		xasprintf(&one.label, "[feedmux] %s = %s", k->name, v);
	if (k->flags & F_REPEAT) {
		r->exclude = xreallocarray(r->exclude, r->nexclude + 1,
		    sizeof *r->exclude);
		r->exclude[r->nexclude++] = one;
	} else {
		r->match = xmalloc(sizeof *r->match);
		*r->match = one;
	}
	return 0;
}

static int
set_value(struct loader *l, const struct key *k, void *base, const char *v)
{
	void	*field = (char *)base + k->off;
	int64_t	 i64;
	long	 lv;
	char	*end;
	int	 rc;

	switch (k->type) {
	case T_STR:
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case T_PATH:
	case T_TEMPLATE:
		free(*(char **)field);
		*(char **)field = conf_path(l, v);
		if (k->type == T_TEMPLATE)
			return check_template(l, k, *(char **)field);
		return 0;
	case T_DB:	/* a file, or a server's URI, taken as it is */
		free(*(char **)field);
		*(char **)field = store_is_server(v) ? xstrdup(v) :
		    conf_path(l, v);
		return 0;
	case T_LISTEN: {
		char		 addr[256];
		uint16_t	 port;

		if (conf_listen_split(v, addr, sizeof addr, &port) == -1)
			return lerr(l, "%s: bad address \"%s\" (want HOST:PORT, "
			    "[IPV6]:PORT or :PORT, port 1 to 65535)", k->name, v);
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	}
	case T_USER:
		/* run switches to it only when started as root. */
		errno = 0;
		if (geteuid() == 0 && getpwnam(v) == NULL)
			return lerr(l, "user: %s \"%s\"", errno != 0 ?
			    strerror(errno) : "no such user", v);
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case T_SMTP:
		if (strncasecmp(v, "smtp://", 7) != 0 &&
		    strncasecmp(v, "smtps://", 8) != 0)
			return lerr(l, "smtp: want an smtp:// or smtps:// URL, "
			    "not \"%s\"", v);
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case T_ADDR:
		if (!mail_addr_ok(v))
			return lerr(l, "%s: bad address \"%s\" (want "
			    "addr@domain or Name <addr@domain>)", k->name, v);
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case T_URL:
		free(*(char **)field);
		*(char **)field = NULL;
		return parse_url(l, field, v);
	case T_DURATION:
		if (conf_parse_duration(v, &i64) == -1)
			return lerr(l, "%s: bad duration \"%s\" (e.g. 90s, "
			    "30m, 1h, 1d)", k->name, v);
		*(int64_t *)field = i64;
		return 0;
	case T_SIZE:
		if (conf_parse_size(v, &i64) == -1)
			return lerr(l, "%s: bad size \"%s\" (e.g. 512k, 10M)",
			    k->name, v);
		*(int64_t *)field = i64;
		return 0;
	case T_INT:
		errno = 0;
		lv = strtol(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || lv < 0 ||
		    lv > INT_MAX)
			return lerr(l, "%s: bad number \"%s\"", k->name, v);
		*(int *)field = (int)lv;
		return 0;
	case T_BOOL:
		if (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
		    strcasecmp(v, "on") == 0 || strcmp(v, "1") == 0)
			*(int *)field = 1;
		else if (strcasecmp(v, "no") == 0 ||
		    strcasecmp(v, "false") == 0 ||
		    strcasecmp(v, "off") == 0 || strcmp(v, "0") == 0)
			*(int *)field = 0;
		else
			return lerr(l, "%s: want yes or no, not \"%s\"",
			    k->name, v);
		return 0;
	case T_LEVEL: {
		enum log_level lvl;

		if (log_parse_level(v, &lvl) == -1)
			return lerr(l, "%s: want error, warning, info or "
			    "debug, not \"%s\"", k->name, v);
		*(int *)field = (int)lvl;
		return 0;
	}
	case T_KEYPOLICY:
		if (strcmp(v, "guid") == 0 || strcmp(v, "id") == 0)
			*(enum key_policy *)field = KEY_GUID;
		else if (strcmp(v, "link") == 0)
			*(enum key_policy *)field = KEY_LINK;
		else if (strcmp(v, "content") == 0)
			*(enum key_policy *)field = KEY_CONTENT;
		else if (strcmp(v, "auto") == 0)
			*(enum key_policy *)field = KEY_AUTO;
		else
			return lerr(l, "key: want guid, link, content or "
			    "auto, not \"%s\"", v);
		return 0;
	case T_ADDRS: {
		char	***arr = field;
		size_t	  *n = (size_t *)((char *)field + sizeof(char **));
		struct buf one = { NULL, 0, 0 };
		const char *p = v;
		int	   bad = 0;

		while (!bad && mail_list_next(&p, &one)) {
			if (!mail_addr_ok(one.s)) {
				bad = lerr(l, "%s: bad address \"%s\" (want "
				    "addr@domain or Name <addr@domain>)",
				    k->name, one.s);
				break;
			}
			*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
			(*arr)[(*n)++] = xstrdup(one.s);
		}
		buf_free(&one);
		return bad;
	}
	case T_LIST:
	case T_APPEND: {
		char	***arr = field;
		size_t	  *n = (size_t *)((char *)field + sizeof(char **));

		if (k->type == T_APPEND) {
			*arr = xreallocarray(*arr, *n + 1, sizeof **arr);
			(*arr)[(*n)++] = xstrdup(v);
		} else
			split_list(v, arr, n);
		return 0;
	}
	case T_ZONE:
		if (!zone_exists(v))
			return lerr(l, "timezone: unknown zone \"%s\" (want an "
			    "IANA name such as Europe/Istanbul)", v);
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case T_HTMLCONTENT:
		if (strcmp(v, "excerpt") == 0 || strcmp(v, "full") == 0)
			*(int *)field = strcmp(v, "full") == 0;
		else
			return lerr(l, "%s: want excerpt or full, not \"%s\"",
			    k->name, v);
		return 0;
	case T_TITLEFMT: {
		char	 e[256];

		if (title_format_check(v, e, sizeof e) == -1)
			return lerr(l, "%s: %s", k->name, e);
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	}
	case T_RULE:
		return add_rule(l, k, field, v);
	case T_AT:
		return parse_at(l, base, v);
	case T_DAYS:
		return parse_days(l, base, v);
	case T_GROUP:
		if (strcmp(v, "feed") == 0)
			((struct digest_conf *)base)->group = GROUP_FEED;
		else if (strcmp(v, "category") == 0)
			((struct digest_conf *)base)->group = GROUP_CATEGORY;
		else
			return lerr(l, "group: want feed or category, not "
			    "\"%s\"", v);
		return 0;
	case T_HOOKURL:
		if (!url_is_web(v))
			return lerr(l, "url: want an http:// or https:// URL, "
			    "not \"%s\"", v);
		free(*(char **)field);
		*(char **)field = xstrdup(v);
		return 0;
	case T_EXEC: {
		struct hook_conf *h = base;

		free_list(h->exec, h->nexec);
		h->exec = NULL;
		h->nexec = 0;
		split_list(v, &h->exec, &h->nexec);
		/* No shell and no PATH search: the program is named in full. */
		if (h->nexec == 0 || h->exec[0][0] != '/')
			return lerr(l, "exec: want an absolute path to a "
			    "program, not \"%s\"", v);
		return 0;
	}
	case T_SINCE:
		if (strcmp(v, "all") == 0)
			((struct hook_conf *)base)->since_all = 1;
		else if (strcmp(v, "now") == 0)
			((struct hook_conf *)base)->since_all = 0;
		else
			return lerr(l, "since: want all or now, not \"%s\"", v);
		return 0;
	case T_REGEX: {
		struct output_conf *o = base;
		regex_t	*re = k->off == offsetof(struct output_conf, match) ?
		    &o->match_re : &o->exclude_match_re;
		char	 msg[128];

		if (*(char **)field != NULL)
			regfree(re);
		free(*(char **)field);
		*(char **)field = NULL;
		if ((rc = regcomp(re, v, REG_EXTENDED | REG_ICASE |
		    REG_NOSUB)) != 0) {
			regerror(rc, re, msg, sizeof msg);
			return lerr(l, "%s: bad regular expression \"%s\": %s",
			    k->name, v, msg);
		}
		*(char **)field = xstrdup(v);
		return 0;
	}
	}
	return lerr(l, "internal: key type");
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
	memset(l->seen, 0, sizeof l->seen);
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
	} else if (strcmp(s, "digest") == 0 && name == NULL) {
		if (l->digest_line != 0)
			return lerr(l, "second [digest] section (first at "
			    "line %d)", l->digest_line);
		l->digest_line = l->line;
		l->sec = SEC_DIGEST;
		l->base = &c->digest;
		c->has_digest = 1;
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

		/* A second feed of the same name is found in conf_finish. */
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
			l->mail_to_line = l->line;
		return set_value(l, key, base, v);
	}
	if (strcmp(k, "match") == 0 || strcmp(k, "exclude_match") == 0)
		return lerr(l, "%s: not in this section: rules go in "
		    "[feedmux] (every feed), [feed \"name\"], [output] or "
		    "[hook]", k);
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
	c->digest.at[0] = 7 * 60;
	c->digest.nat = 1;
	c->digest.days = 0x7f;
	c->digest.group = GROUP_FEED;
	c->digest.excerpt = 280;
}

/* A feed's key (its name or canonical URL) and where it is, for sorting. */
struct fkey {
	const char	*key;
	size_t		 i;
};

static int
fkey_cmp(const void *a, const void *b)
{
	const struct fkey *x = a, *y = b;
	int		 c;

	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/*
 * Sort the keys; the first feed (in file order) whose key an earlier feed
 * has: -1 and *first is that earlier one.  The keys are left sorted.
 */
static ssize_t
first_repeat(struct fkey *k, size_t n, size_t *first)
{
	size_t	 i, head = 0;
	ssize_t	 dup = -1;

	qsort(k, n, sizeof *k, fkey_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(k[i].key, k[head].key) != 0) {
			head = i;
			continue;
		}
		if (dup == -1 || k[i].i < (size_t)dup) {
			dup = (ssize_t)k[i].i;
			*first = k[head].i;
		}
	}
	return dup;
}

/* Feed names once each; c->byname, sorted, is what conf_feed searches. */
static int
check_names(struct loader *l)
{
	struct conf	*c = l->conf;
	struct fkey	*k;
	size_t		 i, first = 0;
	ssize_t		 dup;

	k = xcalloc(c->nfeeds + 1, sizeof *k);
	for (i = 0; i < c->nfeeds; i++) {
		k[i].key = c->feeds[i].name;
		k[i].i = i;
	}
	if ((dup = first_repeat(k, c->nfeeds, &first)) != -1) {
		l->line = c->feeds[dup].line;
		free(k);
		return lerr(l, "duplicate feed \"%s\" (first at line %d)",
		    c->feeds[dup].name, c->feeds[first].line);
	}
	c->byname = xcalloc(c->nfeeds + 1, sizeof *c->byname);
	for (i = 0; i < c->nfeeds; i++)
		c->byname[i] = &c->feeds[k[i].i];
	free(k);
	return 0;
}

/*
 * One subscription per feed URL, compared in url.c's canonical form (scheme
 * and host case, default port, empty path, fragment, http and https alike):
 * the same feed twice is polled twice and shows twice.
 */
static int
check_urls(struct loader *l)
{
	struct conf	*c = l->conf;
	struct fkey	*k;
	size_t		 i, first = 0;
	ssize_t		 dup;
	int		 rc = 0;

	k = xcalloc(c->nfeeds + 1, sizeof *k);
	for (i = 0; i < c->nfeeds; i++) {
		k[i].key = url_canon(c->feeds[i].url);
		k[i].i = i;
	}
	if ((dup = first_repeat(k, c->nfeeds, &first)) != -1) {
		l->line = c->feeds[dup].line;
		rc = lerr(l, "feed \"%s\" has the same url as \"%s\" "
		    "(line %d)", c->feeds[dup].name, c->feeds[first].name,
		    c->feeds[first].line);
	}
	for (i = 0; i < c->nfeeds; i++)
		free((char *)k[i].key);
	free(k);
	return rc;
}

/* Mail needs a sender and a way to send, found now rather than at 07:00. */
static int
check_mail(struct loader *l)
{
	const struct digest_conf *d = &l->conf->digest;

	if (d->nmail_to == 0)
		return 0;
	l->line = l->mail_to_line;
	if (d->mail_from == NULL)
		return lerr(l, "mail_to is set but mail_from is not");
	if (d->smtp == NULL && d->sendmail == NULL)
		return lerr(l, "mail_to is set but neither smtp nor sendmail");
	return 0;
}

/* Fill what the file left unset, and check what only the whole can tell. */
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
	if (c->digest.dir == NULL)
		xasprintf(&c->digest.dir, "%s/digests", sd);
	if (c->defaults.interval_min > c->defaults.interval_max)
		return lerr(l, "interval_min is above interval_max");
	if (check_names(l) == -1)
		return -1;
	for (i = 0; i < c->nfeeds; i++) {
		struct feed_conf *f = &c->feeds[i];

		l->line = f->line;
		opts_inherit(&f->opts, &c->defaults);
		if (f->url == NULL)
			return lerr(l, "feed \"%s\" has no url", f->name);
		if (f->opts.interval_min > f->opts.interval_max)
			return lerr(l, "feed \"%s\": interval_min is above "
			    "interval_max", f->name);
	}
	for (i = 0; i < c->nhooks; i++) {
		struct hook_conf *h = &c->hooks[i];

		l->line = h->line;
		if ((h->exec == NULL) == (h->url == NULL))
			return lerr(l, "hook \"%s\" needs exec or url (one of "
			    "them)", h->name);
		if (h->batch < 1)
			return lerr(l, "hook \"%s\": batch must be at least 1",
			    h->name);
		if (h->timeout < 1)
			return lerr(l, "hook \"%s\": timeout must be at least "
			    "1s", h->name);
	}
	if (check_urls(l) == -1)
		return -1;
	return check_mail(l);
}

static int
same_str(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

int
conf_reload_check(const struct conf *old, const struct conf *new, char *err,
    size_t errlen)
{
	const char	*what = NULL, *a = NULL, *b = NULL;

	/* Opened, locked or switched to once, at start. */
	if (!same_str(old->database, new->database))
		what = "database", a = old->database, b = new->database;
	else if (!same_str(old->pidfile, new->pidfile))
		what = "pidfile", a = old->pidfile, b = new->pidfile;
	else if (!same_str(old->user, new->user))
		what = "user", a = old->user, b = new->user;
	if (what == NULL)
		return 0;
	snprintf(err, errlen, "%s: %s changed (%s to %s): that needs a "
	    "restart", new->path != NULL ? new->path : "(defaults)", what,
	    a != NULL ? a : "unset", b != NULL ? b : "unset");
	return -1;
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
	return c;
fail:
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
		if (keys[i].flags & F_FILTER)
			fprintf(f, "hook %s\n", keys[i].name);
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

static void
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
	d = &c->digest;
	free(d->timezone); free(d->dir); free(d->mail_from); free(d->smtp);
	free(d->smtp_user); free(d->smtp_password); free(d->sendmail);
	free(d->smtp_cafile);
	free(d->subject); free(d->html_template); free(d->text_template);
	free_list(d->mail_to, d->nmail_to);
	free(c->path); free(c->dir); free(c->database); free(c->pidfile);
	free(c->user); free(c->listen); free(c->defaults.user_agent);
	rules_free(&c->rules);
	free(c);
}
