/*
 * rules.h: the entry rules of [feedmux] (every feed) and [feed "name"]
 * (match, exclude_match), in one place.  Rules are applied when entries
 * are read, not when stored: a hidden entry stays in the store (it is not
 * new again next poll) and a changed rule applies at once.  Merged
 * outputs, digests and hooks all ask rules_hide.
 */
#ifndef FEEDMUX_RULES_H
#define FEEDMUX_RULES_H

#include <regex.h>

struct conf;
struct stored_entry;

/*
 * Does re match e's title, author, a category, or the text of its summary
 * or content (without markup)?  The one test behind the rules and the
 * match and exclude_match filters of outputs, digests and hooks.
 */
int		 rules_match(const regex_t *, const struct stored_entry *);

/*
 * The rule that hides e, as "[feed "x"] exclude_match = foo" or
 * "[feedmux] match = bar" (stable while conf lives), or NULL when e is
 * shown.  The global rules and e->feed's own are tested on the title,
 * the text of summary and content (without markup), the author and the
 * categories; an article that came through several feeds is hidden only
 * when each feed's rules hide it.
 */
const char	*rules_hide(const struct conf *, const struct stored_entry *);

#endif
