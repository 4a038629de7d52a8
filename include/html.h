/* html.h: sanitizing HTML against an allow-list, and HTML to text. */
#ifndef FEEDMUX_HTML_H
#define FEEDMUX_HTML_H

#include <stddef.h>
#include "util.h"

/*
 * Append to out the allow-listed form of html: no script, style, iframe,
 * object, event handlers or CSS expressions; every href, src, srcset,
 * cite and poster resolved against base and then let through url_take's
 * policy (url.h), or dropped.
 */
void	html_sanitize(struct buf *out, const char *html, size_t len,
	    const char *base);
/* Append the text of html: tags dropped, entities decoded, white space
 * folded, trimmed. */
void	html_to_text(struct buf *out, const char *html, size_t len);
/* html_to_text cut to about max characters at a word, the cut marked
 * with " \u2026". */
void	html_excerpt(struct buf *out, const char *html, size_t max);

/*
 * Append sanitized html (html_sanitize's output) as text for a plain mail
 * reader: paragraphs and list items on their own lines, each link's text
 * followed by " [n]", n what ref returns for its URL (0: no mark).
 */
void	html_text_refs(struct buf *out, const char *html, size_t len,
	    size_t (*ref)(void *, const char *url), void *arg);

/* Append s with runs of white space folded into one space, trimmed. */
void	html_text_fold(struct buf *out, const char *s, size_t len);
/* Is name (len bytes, any case) an element the allow-list knows? */
int	html_element(const char *name, size_t len);
/* The code point of an HTML 4 entity name ("eacute"), -1 if unknown. */
long	html_entity(const char *name);

/*
 * Append s escaped for XML or HTML text (flags 0: & < >), a double-quoted
 * attribute value (XML_QUOT: " too) or any attribute value (XML_APOS: '
 * too).  The one escaper: every writer of markup calls it.
 */
#define XML_QUOT	0x01	/* " as &quot; */
#define XML_APOS	0x02	/* ' as &#39; */
void	xml_escape(struct buf *out, const char *s, size_t len, int flags);

/* 0: always take libxml2's path (tests compare the fast path with it). */
extern int html_fastpath;

#endif
