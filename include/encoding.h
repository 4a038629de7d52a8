/*
 * encoding.h: the bytes of a document -> UTF-8, whatever it claims.
 *
 * The encoding is chosen BOM > HTTP charset > XML declaration > UTF-8
 * (RFC 7303), then checked against the bytes: a document declared in a
 * legacy charset whose text is valid UTF-8 is read as UTF-8, and bytes
 * that are not valid UTF-8 in a UTF-8 document are read as windows-1252.
 * The output is always valid UTF-8.
 */
#ifndef FEEDMUX_ENCODING_H
#define FEEDMUX_ENCODING_H

#include <stddef.h>
#include <stdint.h>
#include "util.h"

struct decoder;

/*
 * Choose from the first bytes of the document (head, as many as are at
 * hand; 1 KB is plenty) and the HTTP charset (NULL if none).  *bom is set
 * to the length of a byte order mark to skip.
 */
struct decoder	*decoder_new(const char *head, size_t len,
		    const char *http_charset, size_t *bom);
/* Append the UTF-8 of in to out.  An incomplete sequence at the end is
 * kept for the next call; last says no more will come. */
void		 decoder_run(struct decoder *, const char *in, size_t len,
		    int last, struct buf *out);
/*
 * How many bytes at the start of in decoder_run would copy unchanged:
 * whole UTF-8 sequences of a UTF-8 document, with nothing held over from
 * the last call.  The caller may use them where they are and hand only
 * the rest to decoder_run.
 */
size_t		 decoder_valid(const struct decoder *, const char *in,
		    size_t len);
/* The encoding in use, e.g. "utf-8", "windows-1252", "koi8-r". */
const char	*decoder_name(const struct decoder *);
void		 decoder_free(struct decoder *);

/* The encoding="..." of an XML declaration at the start of head, into
 * out; -1 if there is none. */
int		 xml_decl_encoding(const char *head, size_t len, char *out,
		    size_t outlen);

/* Whether a document starts as an HTML page does (after a BOM and white
 * space: "<!doctype html" or "<html", any case). */
int		 looks_html(const char *p, size_t len);

/* The charset parameter of an HTTP Content-Type (NULL allowed) into out;
 * "" when there is none or it does not fit. */
void		 http_charset(const char *content_type, char *out,
		    size_t outlen);

/*
 * Text that leaves the parser: valid UTF-8 and terminal-safe.  The
 * parser checks every string it hands out with these (one rule, one
 * place); outputs may rely on it.
 */

/* Length of the UTF-8 sequence at p: >0 valid, 0 incomplete, -1 invalid.
 * Inline: the scanners call it for every non-ASCII character. */
static inline int
utf8_seq(const unsigned char *p, size_t avail)
{
	unsigned char	 lo = 0x80, hi = 0xbf;

	if (p[0] < 0x80)
		return 1;
	if (p[0] < 0xc2 || p[0] > 0xf4)
		return -1;
	if (p[0] < 0xe0) {		/* the commonest: Latin, Cyrillic */
		if (avail < 2)
			return 0;
		return (p[1] & 0xc0) == 0x80 ? 2 : -1;
	}
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;	/* no surrogates */
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (avail < 2)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return -1;
	if (avail < 3)
		return 0;
	if ((p[2] & 0xc0) != 0x80)
		return -1;
	if (p[0] < 0xf0)
		return 3;
	if (avail < 4)
		return 0;
	return (p[3] & 0xc0) == 0x80 ? 4 : -1;
}

/* utf8_seq, with the code point of a valid sequence in *cp. */
static inline int
utf8_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	int	 n = utf8_seq(p, avail);

	switch (n) {
	case 1:
		*cp = p[0];
		break;
	case 2:
		*cp = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
		break;
	case 3:
		*cp = (uint32_t)(p[0] & 0x0f) << 12 |
		    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
		break;
	case 4:
		*cp = (uint32_t)(p[0] & 0x07) << 18 |
		    (uint32_t)(p[1] & 0x3f) << 12 |
		    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
		break;
	}
	return n;
}
/*
 * Where utf8_seq said no (avail > 0): how many bytes one U+FFFD stands
 * for, the "maximal subpart" of Unicode 3.9 that Python and ICU replace.
 */
size_t		 utf8_bad_len(const unsigned char *p, size_t avail);
/* The UTF-8 of c into u, surrogates and what lies past Unicode as
 * U+FFFD; the length, 1 to 4. */
size_t		 utf8_encode(char u[4], uint32_t c);
/* utf8_encode, appended to out. */
void		 buf_add_utf8(struct buf *out, uint32_t c);

#define UTF8_LINES	0x01	/* TAB and LF allowed: multi-line fields */
#define UTF8_VALID	0x02	/* known to be UTF-8: look for controls only */
/*
 * How many bytes at the start of s are clean text: valid UTF-8 without
 * C0 or C1 controls or DEL, but as flags allow.
 */
size_t		 utf8_text_len(const char *s, size_t len, int flags);
/* Append s made clean: bytes that are not UTF-8 become U+FFFD, TAB, LF
 * and CR a space unless UTF8_LINES, other controls (C1 too) and DEL
 * dropped. */
void		 utf8_text(struct buf *out, const char *s, size_t len,
		    int flags);
/* The longest prefix of s, at most max bytes, that ends on a character
 * boundary. */
size_t		 utf8_cut(const char *s, size_t len, size_t max);
/* How many characters s holds (bytes that begin one). */
size_t		 utf8_chars(const char *s, size_t len);
/* The length of s cut to max characters, at the last space before the
 * cut when there is one; len when s holds no more than max. */
size_t		 utf8_cut_words(const char *s, size_t len, size_t max);
/* A NUL-terminated message (errors, names) made clean in place: a cut
 * sequence at the end removed, other invalid bytes '?', controls (C1 too) ' '. */
void		 utf8_line(char *s);
/*
 * A sort key for names as a person reads them, the same in every locale:
 * s lowercased (Latin, Greek, Cyrillic) with the accents of Latin letters
 * removed, "Émile" beside "emile" and before "Zoë".  Appended to out.
 */
void		 utf8_fold(struct buf *out, const char *s);

#endif
