/*
 * jsonfeed.h: JSON Feed 1.0 and 1.1 (jsonfeed.org) as an input format.
 *
 * Private to the parser: parse.c hands the UTF-8 text of a document that
 * begins with "{" to jsonfeed.c, which reads it with json-c and walks it,
 * handing each field back to parse.c (the jf_* functions below), so that
 * titles, HTML, URLs and dates get the one normalization RSS and Atom get.
 */
#ifndef FEEDMUX_JSONFEED_H
#define FEEDMUX_JSONFEED_H

#include <stddef.h>
#include <stdint.h>

#include "parse.h"

struct jsonfeed;

struct jsonfeed	*jsonfeed_new(void);
/* More of the document's text.  -1: no more is wanted (a syntax error,
 * a limit); jsonfeed_finish() still reads what came before it. */
int		 jsonfeed_push(struct jsonfeed *, const char *, size_t);
/*
 * End of input: walk the document into p.  Returns 0 for a feed (perhaps
 * *malformed: what could be read was), -1 when it is not a JSON Feed;
 * err holds why.
 */
int		 jsonfeed_finish(struct jsonfeed *, struct parser *p,
		    enum feed_format *, int *malformed, char *err,
		    size_t errlen);
void		 jsonfeed_free(struct jsonfeed *);

/* parse.c's side.  Fields go to the feed, or to the item between
 * jf_item_begin() and jf_item_end(); a higher prio beats a lower one. */
enum jf_field {
	JF_TITLE,	/* plain text */
	JF_SUBTITLE,	/* plain text */
	JF_ID,
	JF_AUTHOR,	/* plain text */
	JF_SUMMARY,	/* plain text, escaped as HTML */
	JF_HTML,	/* content, sanitized */
	JF_TEXT,	/* content as plain text, escaped as HTML */
	JF_PUBLISHED,	/* RFC 3339 */
	JF_UPDATED,
	JF_CATEGORY,
	JF_LINK,	/* URLs, resolved against the document */
	JF_SELF,
	JF_THUMBNAIL
};
void	jf_field(struct parser *, enum jf_field, int prio, const char *,
	    size_t);
void	jf_enclosure(struct parser *, const char *url, size_t ulen,
	    const char *type, size_t tlen, int64_t length);
void	jf_item_begin(struct parser *);
/* The item is handed to the callback; non-zero: stop. */
int	jf_item_end(struct parser *);

#endif
