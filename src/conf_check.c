/*
 * conf_check.c: every check of the configuration, each naming file:line.
 * Each value as it is read (conf_set_value: its syntax, and what it names
 * exists: a user, a zone, a template), then the whole file (conf_check);
 * a new file against the running one (conf_reload_check); and what
 * check-config reports.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <pwd.h>

#include "conf.h"
#include "conf_int.h"
#include "log.h"
#include "mail.h"
#include "river.h"
#include "store.h"
#include "template.h"
#include "url.h"
#include "util.h"

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
	char	*path;

	if (url_like(v)) {
		if (!url_is_fetchable(v))
			return lerr(l, "unsupported URL \"%s\" (http, https "
			    "or file only)", v);
		*dst = xstrdup(v);
		return 0;
	}
	path = conf_path(l, v);
	if ((*dst = url_file(path)) == NULL) {
		lerr(l, "%s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
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

int
conf_set_value(struct loader *l, const struct key *k, void *base,
    const char *v)
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
		if (!url_is_smtp(v))
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
		else if (strcmp(v, "none") == 0)
			((struct digest_conf *)base)->group = GROUP_NONE;
		else
			return lerr(l, "group: want feed, category or none, "
			    "not \"%s\"", v);
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
check_mail(struct loader *l, const struct digest_conf *d)
{
	const char	*what = d->name[0] ? " of digest \"" : "";

	if (d->nmail_to == 0)
		return 0;
	l->line = d->mail_to_line;
	if (d->mail_from == NULL)
		return lerr(l, "mail_to%s%s%s is set but mail_from is not",
		    what, d->name, *what ? "\"" : "");
	if (d->smtp == NULL && d->sendmail == NULL)
		return lerr(l, "mail_to%s%s%s is set but neither smtp nor "
		    "sendmail", what, d->name, *what ? "\"" : "");
	return 0;
}

/*
 * The whole file, once read and its defaults filled: feeds need a url and
 * sane bounds, hooks one way to deliver, names and URLs come once each,
 * mail a sender and a way to send.  The first problem in that order is
 * the one reported.
 */
int
conf_check(struct loader *l)
{
	struct conf	*c = l->conf;
	size_t		 i;

	l->line = 0;
	if (c->defaults.interval_min > c->defaults.interval_max)
		return lerr(l, "interval_min is above interval_max");
	if (c->lease < 10)
		return lerr(l, "lease must be at least 10s");
	if (check_names(l) == -1)
		return -1;
	for (i = 0; i < c->nfeeds; i++) {
		struct feed_conf *f = &c->feeds[i];

		l->line = f->line;
		if (f->url == NULL)
			return lerr(l, "feed \"%s\" has no url", f->name);
		if (f->opts.interval_min > f->opts.interval_max)
			return lerr(l, "feed \"%s\": interval_min is above "
			    "interval_max", f->name);
		/* Else another daemon polls it while this one fetches. */
		if (f->opts.timeout >= c->lease)
			return lerr(l, "feed \"%s\": timeout (%llds) must be "
			    "shorter than lease (%llds)", f->name,
			    (long long)f->opts.timeout, (long long)c->lease);
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
	for (i = 0; i < c->ndigests; i++)
		if (check_mail(l, &c->digests[i]) == -1)
			return -1;
	return 0;
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

void
conf_report(const struct conf *conf, FILE *f)
{
	size_t	 i;

	fprintf(f, "%s: ok: %zu feed%s, %zu output%s\n",
	    conf->path ? conf->path : "(built-in defaults)", conf->nfeeds,
	    conf->nfeeds == 1 ? "" : "s", conf->noutputs,
	    conf->noutputs == 1 ? "" : "s");
	fprintf(f, "database: %s\n", conf->database);
	for (i = 0; i < conf->noutputs; i++) {
		const struct output_conf *o = &conf->outputs[i];
		const char *name = o->name[0] ? o->name : "merged feed";

		if (o->atom)
			fprintf(f, "%s (Atom): %s\n", name, o->atom);
		if (o->rss)
			fprintf(f, "%s (RSS): %s\n", name, o->rss);
		if (o->json)
			fprintf(f, "%s (JSON Feed): %s\n", name, o->json);
		if (o->html)
			fprintf(f, "%s (river page): %s\n", name, o->html);
	}
	fprintf(f, "digests: %s\n", conf->digests[0].dir);
	if (conf->listen)
		fprintf(f, "listening on: http://%s/\n", conf->listen);
}
