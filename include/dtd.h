/*
 * dtd.h: a document's DOCTYPE declaration -> its internal entities.
 *
 * Only internal general entities (<!ENTITY name "text">) are kept; external
 * ones (SYSTEM, PUBLIC) and parameter entities are skipped, never loaded.
 * The table is bounded: DTD_MAX bytes of declarations are read, at most
 * DTD_NENT entities kept; the first declaration of a name wins (XML 4.2).
 * Expanding them, bounded too, is the parser's cleaner's work (parse_clean.c).
 */
#ifndef FEEDMUX_DTD_H
#define FEEDMUX_DTD_H

#include <stddef.h>

#define DTD_MAX		(256 * 1024)	/* bytes of a DOCTYPE read */
#define DTD_NENT	256		/* entities kept */

struct dtd;

struct dtd	*dtd_new(void);
void		 dtd_free(struct dtd *);
/*
 * The bytes of a DOCTYPE after "<!DOCTYPE", in as many pieces as they come.
 * Returns how many were part of it; *done is set once its closing '>' has
 * been read (the entities are known from then on).
 */
size_t		 dtd_scan(struct dtd *, const char *s, size_t n,
		    int *done);
/* The replacement text of the internal entity name (n bytes), or NULL. */
const char	*dtd_entity(const struct dtd *, const char *name, size_t n,
		    size_t *len);

#endif
