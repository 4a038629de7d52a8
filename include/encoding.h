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

/* The charset parameter of an HTTP Content-Type (NULL allowed) into out;
 * "" when there is none or it does not fit. */
void		 http_charset(const char *content_type, char *out,
		    size_t outlen);

#endif
