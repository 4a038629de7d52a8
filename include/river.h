/*
 * river.h: the river page (a static HTML page of an output's merged
 * entries, by day) and the entry titles every merged output shows.
 */
#ifndef FEEDMUX_RIVER_H
#define FEEDMUX_RIVER_H

#include <stddef.h>

#include "conf.h"
#include "util.h"

struct store;
struct stored_entry;

/*
 * Render oc's river page into out (reset first): newest first, grouped by
 * day in oc->timezone, from oc->html_template or the built-in template.
 * A pure function of the store, like the feeds.  -1 with err on failure.
 */
int	river_render(struct store *, const struct conf *,
	    const struct output_conf *, struct buf *out, char *err,
	    size_t errlen);
/* The built-in template, to start one's own from (merge -T). */
extern const char river_template[];

/*
 * The title of e as fmt (an output's title_format; NULL: "{title}")
 * shapes it, appended to out.  {title} is the entry's title, {feed} its
 * feed's display title, {feed_name} the feed's name in the config,
 * {author} and {category} the entry's author and feed category.
 */
void	title_format(struct buf *out, const char *fmt,
	    const struct stored_entry *e);
/* Is fmt a title_format (every {name} known)?  -1 with err when not. */
int	title_format_check(const char *fmt, char *err, size_t errlen);

#endif
