/* conf.h: the configuration file, validated with file:line errors. */
#ifndef FEEDMUX_CONF_H
#define FEEDMUX_CONF_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* How an entry is identified within its feed (see store.h). */
enum key_policy { KEY_AUTO, KEY_GUID, KEY_LINK, KEY_CONTENT };

/* Settings a [feed] section may override; [feedmux] gives the defaults. */
struct feed_opts {
	int64_t		 interval;	/* seconds between polls */
	int64_t		 interval_min;	/* bounds for the feed's own hints */
	int64_t		 interval_max;
	int64_t		 timeout;	/* whole transfer, seconds */
	int64_t		 connect_timeout;
	int64_t		 max_size;	/* bytes, after decompression */
	int		 max_redirects;
	int64_t		 keep;		/* retention age, seconds; 0: forever */
	int		 keep_max;	/* entries kept per feed; 0: no limit */
	enum key_policy	 key;
	char		*user_agent;
	int		 allow_private;	/* redirects to private addresses */
};

/*
 * Entry rules (rules.h): [feedmux] for every feed, [feed] for one.  Each
 * expression is compiled once, at load, with its label for display.
 */
struct rule {
	char		*label;		/* [feed "x"] exclude_match = foo */
	regex_t		 re;
};

struct rules {
	struct rule	*match;		/* NULL: keep everything */
	struct rule	*exclude;	/* any one matching hides */
	size_t		 nexclude;
};

struct feed_conf {
	char		*name;
	char		*url;
	char		*title;		/* display name; NULL: the feed's own */
	char		*category;
	char		*username;	/* HTTP basic auth */
	char		*password;
	char		**headers;	/* extra "Name: value" request headers */
	size_t		 nheaders;
	int		 enabled;
	struct feed_opts opts;
	struct rules	 rules;
	const char	*file;		/* where it was defined */
	int		 line;
};

/* One merged-feed output; [output] is the first, [output "name"] more. */
struct output_conf {
	char		*name;		/* "" for the unnamed [output] */
	char		*atom;		/* file paths; NULL: not written */
	char		*rss;
	char		*json;
	char		*html;		/* the river page (river.h) */
	char		*html_template;	/* NULL: the built-in one */
	int		 html_full;	/* html_content = full: whole content */
	char		*timezone;	/* the page's days; NULL: UTC */
	char		*title_format;	/* entry titles; NULL: "{title}" */
	char		*title;
	char		*link;
	char		*subtitle;
	int		 entries;
	/* Filters: empty lists let everything through. */
	char		**feeds;	/* only these feeds */
	size_t		 nfeeds;
	char		**exclude_feeds;
	size_t		 nexclude_feeds;
	char		**categories;	/* only these categories */
	size_t		 ncategories;
	char		**exclude_categories;
	size_t		 nexclude_categories;
	char		*match;		/* ERE on title and content */
	regex_t		 match_re;
	char		*exclude_match;
	regex_t		 exclude_match_re;
	const char	*file;
	int		 line;
};

/*
 * A [hook "name"]: new entries to a program (exec) or a URL (POST).  Its
 * filters are an output's (only the filter fields of `filter` are used),
 * so hooks and outputs choose entries with one function (merge_wants).
 */
struct hook_conf {
	char		*name;
	char		**exec;		/* program and arguments; NULL: url */
	size_t		 nexec;
	char		*url;
	char		**headers;	/* "Name: value" for url */
	size_t		 nheaders;
	int		 batch;		/* entries per run */
	int64_t		 timeout;	/* seconds a run may take */
	int		 since_all;	/* a new hook starts from the first entry */
	struct output_conf filter;
	const char	*file;
	int		 line;
};

enum digest_group { GROUP_FEED, GROUP_CATEGORY, GROUP_NONE };

/*
 * A digest: [digest] is the default one (name ""), [digest "name"] more.
 * Each has its own schedule, delivery, templates and filters (an
 * output's, as for hooks: only the filter fields of `filter` are used).
 */
struct digest_conf {
	char		*name;		/* "" for [digest] */
	int		 configured;	/* its section is in the file */
	int		 at[24];	/* minutes after midnight, sorted */
	size_t		 nat;
	unsigned	 days;		/* bit 0 = Sunday ... bit 6 = Saturday */
	char		*timezone;	/* IANA name; NULL: local time */
	char		*dir;		/* where digest files go */
	char		**mail_to;
	size_t		 nmail_to;
	char		*mail_from;
	char		*smtp;		/* smtp:// or smtps:// URL */
	char		*smtp_user;
	char		*smtp_password;
	int		 starttls;	/* 1: require STARTTLS on smtp:// */
	char		*smtp_cafile;	/* CA bundle to verify the server */
	char		*sendmail;	/* command line */
	char		*subject;
	char		*html_template;
	char		*text_template;
	enum digest_group group;
	int		 send_empty;
	int		 max_entries;	/* per digest; 0: no limit */
	int		 excerpt;	/* characters of plain-text excerpt */
	int		 full;		/* content = full: the whole content */
	int		 per_feed;	/* entries per feed; 0: no limit */
	struct output_conf filter;
	const char	*file;
	int		 line;
	int		 mail_to_line;
};

struct conf {
	char		*path;		/* NULL when running on defaults */
	char		*dir;		/* directory of the config file */
	char		*database;
	char		*pidfile;
	char		*user;		/* drop privileges to this user */
	char		*listen;	/* ADDR:PORT for the HTTP endpoint */
	int		 max_clients;	/* HTTP connections at once */
	int		 max_clients_per_addr; /* 0: no limit */
	int		 concurrency;	/* transfers at once */
	int		 per_host;	/* transfers at once per host */
	int64_t		 lease;		/* a shared database's feed lease */
	int64_t		 jitter;	/* max random delay added to a poll */
	int64_t		 backoff_max;
	int64_t		 quiet_after;	/* flag feeds silent this long; 0: off */
	int		 updates_in_digest;
	int		 log_level;	/* enum log_level */
	int		 syslog;
	struct feed_opts defaults;
	struct rules	 rules;		/* [feedmux]: for every feed */
	struct feed_conf *feeds;
	size_t		 nfeeds;
	struct feed_conf **byname;	/* conf's: feeds sorted by name */
	struct output_conf *outputs;
	size_t		 noutputs;
	struct hook_conf *hooks;
	size_t		 nhooks;
	/* [0] is the default digest, there with its defaults even when the
	 * file has no [digest] section (then it is not scheduled). */
	struct digest_conf *digests;
	size_t		 ndigests;
};

/*
 * Load path (NULL: the built-in defaults, as if from an empty file).
 * On error, err holds "file:line: what is wrong" and NULL is returned.
 */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
void		 conf_free(struct conf *);
/*
 * May a running daemon on old take new?  Not when the database, the pid
 * file or the user changed (each needs a restart): -1 with err saying so.
 */
int		 conf_reload_check(const struct conf *old,
		    const struct conf *new, char *err, size_t errlen);
/* Feeds with enabled = yes: 0 means there is nothing to poll. */
size_t		 conf_enabled_feeds(const struct conf *);
#define CONF_NO_FEEDS	"no feeds configured: nothing to poll"
/* The default config path: $FEEDMUX_CONF, else SYSCONFDIR/feedmux.conf
 * if it exists, else NULL (built-in defaults). */
const char	*conf_default_path(void);
/* Every key, one "section key" line each (for docs and tests). */
void		 conf_print_keys(FILE *);
/* What check-config prints: the file, feeds, outputs, where things go. */
void		 conf_report(const struct conf *, FILE *);
struct feed_conf *conf_feed(const struct conf *, const char *name);
/* The digest of that name ("" for the default one); NULL: none. */
const struct digest_conf *conf_digest(const struct conf *, const char *name);

/*
 * The listen syntax: "HOST:PORT", "[IPV6]:PORT", ":PORT" or "PORT" (host
 * 127.0.0.1), port 1 to 65535.  Fills addr and port; -1 when malformed.
 */
int		 conf_listen_split(const char *, char *addr, size_t alen,
		    uint16_t *port);

/* Value parsers, public for the tests: "90s", "30m", "1h30m", "1d", "2w". */
int		 conf_parse_duration(const char *, int64_t *);
/* "10M", "512k", "1G", plain bytes. */
int		 conf_parse_size(const char *, int64_t *);

#endif
