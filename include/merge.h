/*
 * merge.h: the merged feed documents (Atom 1.0, RSS 2.0, JSON Feed 1.1)
 * and the river page (river.h).
 */
#ifndef FEEDMUX_MERGE_H
#define FEEDMUX_MERGE_H

#include "conf.h"
#include "store.h"
#include "util.h"

enum merge_format { MERGE_ATOM, MERGE_RSS, MERGE_JSON, MERGE_HTML };
#define MERGE_NFORMATS	4

/* Render one output's document into out.  Same store, same bytes. */
int	merge_render(struct store *, const struct conf *,
	    const struct output_conf *, enum merge_format, struct buf *out,
	    char *err, size_t errlen);
/*
 * Regenerate every configured output file whose bytes would change,
 * each written atomically.  Returns the number of files written, or -1.
 */
int	merge_write(struct store *, const struct conf *, char *err,
	    size_t errlen);

/*
 * Several daemons on one database: merge_write's files, and every output
 * (or the unnamed default, with no [output]) in every format stored as
 * rendered at the store's generation gen, so each daemon's endpoint
 * serves the same bytes; one rendering for both.  merge_rendering_name
 * names one in the store.
 */
int	merge_publish(struct store *, const struct conf *, int64_t gen,
	    char *err, size_t errlen);
void	merge_rendering_name(const struct output_conf *, enum merge_format,
	    char *out, size_t outlen);

/*
 * Does e pass the filters of oc (feeds, exclude_feeds, categories,
 * exclude_categories, match, exclude_match)?  Hooks use it too.
 */
int	merge_wants(const struct output_conf *, const struct stored_entry *);

/* The URL of oc's document fmt: its link joined with the file's name;
 * NULL without an absolute link.  malloc'd. */
char	*merge_self(const struct output_conf *, enum merge_format);

#endif
