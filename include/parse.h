/*
 * parse.h: bytes of a feed -> normalized feed metadata and entries.
 *
 * A streaming push parser (libxml2 SAX2): bytes are pushed as they arrive
 * and each entry is handed to a callback as soon as it is complete.  A
 * document that begins with "{" is a JSON Feed (jsonfeed.h): it is read
 * whole and its entries are handed out from parser_finish().  All
 * strings handed out are UTF-8, NUL-terminated and valid only during the
 * callback (the parser reuses its buffers; it allocates nothing per entry).
 * Titles and author names are plain text; summary and content are
 * sanitized HTML (html.h); every URL is absolute http(s) or NULL, kept by
 * the link policy (url_take in url.h).  The parser does no I/O.
 *
 * Every string is valid UTF-8 without C0 controls or DEL (TAB and LF only
 * in summary and content), and bounded: a longer field is cut at a
 * character boundary (HTML where no tag or reference is broken, open
 * elements closed) and its entry marked truncated.
 */
#ifndef FEEDMUX_PARSE_H
#define FEEDMUX_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define PARSE_MAX_TITLE	(4 * 1024)	/* bytes: title, subtitle, author, category */
#define PARSE_MAX_TEXT	(1024 * 1024)	/* bytes: summary, content */

enum feed_format {
	FMT_UNKNOWN, FMT_RSS090, FMT_RSS091, FMT_RSS092, FMT_RSS093,
	FMT_RSS094, FMT_RSS10, FMT_RSS20, FMT_ATOM03, FMT_ATOM10,
	FMT_JSON10, FMT_JSON11
};
/* "rss0.90", "rss0.91", ..., "rss1.0", "rss2.0", "atom0.3", "atom1.0",
 * "json1.0", "json1.1" (JSON Feed), "unknown" */
const char	*parse_format_name(enum feed_format);

struct enclosure {
	const char	*url;
	const char	*type;		/* NULL when not given */
	int64_t		 length;	/* -1: not given, or not a number */
};

struct entry {
	const char	*id;		/* guid / atom:id as written; NULL: none */
	const char	*title;		/* plain text; NULL: none */
	const char	*link;		/* absolute; NULL: none */
	const char	*author;	/* a name, never an address */
	const char	*author_email;	/* NULL: none */
	const char	*thumbnail;	/* absolute URL; NULL: none */
	const char	*summary;	/* sanitized HTML */
	const char	*content;	/* sanitized HTML */
	int64_t		 published;	/* DATE_NONE when missing or unparsable */
	int64_t		 updated;
	const char	**categories;
	size_t		 ncategories;
	const struct enclosure *enclosures;
	size_t		 nenclosures;
	int		 truncated;	/* a field was cut to its limit */
};

struct feed_meta {
	const char	*title;
	const char	*link;		/* alternate (the site) */
	const char	*self;		/* rel="self", if any */
	const char	*subtitle;
	const char	*id;
	int64_t		 updated;
	/* Scheduling hints, stored for sched; 0 when absent. */
	int		 ttl;		/* minutes */
	int64_t		 sy_period;	/* seconds in sy:updatePeriod */
	int		 sy_frequency;
	uint32_t	 skip_hours;	/* bit h: skip hour h (UTC) */
	uint8_t		 skip_days;	/* bit 0 = Sunday */
};

struct parse_cb {
	/* Each entry, in document order; return non-zero to stop parsing. */
	int	(*entry)(void *arg, const struct entry *);
	/* The feed's metadata, once, from parser_finish(). May be NULL. */
	void	(*feed)(void *arg, const struct feed_meta *);
};

struct parse_result {
	enum feed_format format;
	int		 malformed;	/* not well-formed; what could be read was */
	int		 nentries;
	char		 charset[32];	/* the encoding used in the end */
	char		 error[256];	/* why parsing failed, when it did */
};

struct parser;

/*
 * base: the document's URL, for relative links (may be NULL).
 * charset: from HTTP Content-Type, or NULL; used per RFC 7303.
 */
struct parser	*parser_new(const char *base, const char *charset,
		    const struct parse_cb *, void *arg);
/* Push more bytes.  Returns -1 when parsing cannot go on (hostile input,
 * limits, the callback stopped it); parser_finish() then says why. */
int		 parser_push(struct parser *, const char *, size_t);
/* End of input.  0: a feed was read (perhaps malformed); -1: not a feed,
 * or refused, with res->error set. */
int		 parser_finish(struct parser *, struct parse_result *);
void		 parser_free(struct parser *);

/* The whole of a buffer in one call. */
int		 parse_buffer(const char *, size_t, const char *base,
		    const char *charset, const struct parse_cb *, void *arg,
		    struct parse_result *);

#endif
