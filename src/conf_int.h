/*
 * conf_int.h: what conf.c (the key table, reading the file, defaults) and
 * conf_check.c (each value and then the whole file, checked) share.
 */
#ifndef FEEDMUX_CONF_INT_H
#define FEEDMUX_CONF_INT_H

#include <stddef.h>

struct conf;
struct feed_opts;
struct output_conf;

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
#define F_FILTER 0x10	/* an entry filter: [output], [hook], [digest] */

struct key {
	enum section	 sec;
	const char	*name;
	enum type	 type;
	size_t		 off;
	int		 flags;
};

struct loader {
	struct conf		*conf;
	const char		*file;	/* for messages */
	int			 line;
	enum section		 sec;
	void			*base;	/* struct the section's keys live in */
	struct feed_opts	*opts;	/* feed_opts keys go here */
	struct output_conf	*filter; /* filter keys go here */
	unsigned char		*seen;	/* per key of the table: given */
	int			 main_line;	/* of [feedmux]; 0: none yet */
	int			 digest_line;	/* of [digest] */
	char			*err;
	size_t			 errlen;
};

/* "file:line: " and the message into l->err; returns -1. */
int	lerr(struct loader *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	free_list(char **, size_t);

/* conf_check.c: one value into its field (base + k->off), checked. */
int	conf_set_value(struct loader *, const struct key *, void *base,
	    const char *);
/* conf_check.c: what only the whole file can tell, once it is read. */
int	conf_check(struct loader *);

#endif
