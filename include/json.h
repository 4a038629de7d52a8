/* json.h: a small JSON writer into a struct buf. */
#ifndef FEEDMUX_JSON_H
#define FEEDMUX_JSON_H

#include <stdint.h>
#include "util.h"

/* Append s as a JSON string (with quotes); NULL gives null. */
void	json_str(struct buf *, const char *s);
void	json_strn(struct buf *, const char *s, size_t len);
/* The same for s known to be valid UTF-8 without DEL (what the parser
 * hands out, parse.h): only bytes below 0x20, '"' and '\\' are looked for. */
void	json_str_utf8(struct buf *, const char *s);
/* Append "YYYY-MM-DDTHH:MM:SSZ", or null when t == DATE_NONE. */
void	json_date(struct buf *, int64_t t);

struct entry;
/*
 * One entry as a JSON object, as `feedmux parse --json` prints it.
 * JSON_ENTRY_RULES adds "rejected_by": why (parse --rules);
 * JSON_ENTRY_STORED: strings from the store, which an older version may
 * have written with any bytes, go through json_str.
 */
#define JSON_ENTRY_RULES	0x1
#define JSON_ENTRY_STORED	0x2
void	json_entry(struct buf *, const struct entry *, int flags,
	    const char *why);

#endif
