/* json.h: a small JSON writer into a struct buf. */
#ifndef FEEDMUX_JSON_H
#define FEEDMUX_JSON_H

#include <stdint.h>
#include "util.h"

/* Append s as a JSON string (with quotes); NULL gives null. */
void	json_str(struct buf *, const char *s);
void	json_strn(struct buf *, const char *s, size_t len);
/* Append "YYYY-MM-DDTHH:MM:SSZ", or null when t == DATE_NONE. */
void	json_date(struct buf *, int64_t t);

struct entry;
/* One entry as a JSON object, as `feedmux parse --json` prints it. */
void	json_entry(struct buf *, const struct entry *);

#endif
