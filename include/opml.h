/* opml.h: reading and writing OPML subscription lists. */
#ifndef FEEDMUX_OPML_H
#define FEEDMUX_OPML_H

#include <stddef.h>
#include "util.h"

/* A feed outline of a file read. */
struct opml_outline {
	char	*url;		/* xmlUrl, trimmed */
	char	*title;		/* title, else text; NULL if neither */
	char	*category;	/* innermost folder's title, else the last part
				 * of OPML 2.0's category; NULL if neither */
	long	 line;		/* in the file */
};

/*
 * The feed outlines of the OPML file at path, in document order; the
 * file is only data (no network, no entities).  Returns 0, or -1 with a
 * message in err when it cannot be read or is not OPML.
 */
int	opml_read(const char *path, struct opml_outline **out, size_t *n,
	    char *err, size_t errlen);
void	opml_free(struct opml_outline *, size_t);

/* A feed to write. */
struct opml_feed {
	const char	*title;
	const char	*url;
	const char	*link;		/* the site; NULL: none */
	const char	*category;	/* NULL: none */
};

/* Append an OPML 2.0 document: feeds without a category first, then one
 * folder per category in the order they first appear. */
void	opml_write(struct buf *, const char *title,
	    const struct opml_feed *, size_t n);

#endif
