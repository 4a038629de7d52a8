/*
 * digest_int.h: what digest.c (slots, claim, delivery, status) and
 * digest_render.c (a digest's text, HTML and subject) share.  Private to
 * the digest module.
 */
#ifndef FEEDMUX_DIGEST_INT_H
#define FEEDMUX_DIGEST_INT_H

#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "store.h"
#include "util.h"

/* A rendered digest. */
struct rendered {
	struct buf	 text;
	struct buf	 html;
	char		*subject;
	size_t		 count;
};

/* t as broken-down time in the digest's zone (digest.c). */
void	local_tm(const struct digest_conf *, int64_t t, struct tm *);

/* strftime wants a literal format to be checked, hence a macro. */
#define fmt_local(dc, t, fmt, out, len) do {				\
	struct tm tm_;							\
	local_tm((dc), (t), &tm_);					\
	strftime((out), (len), fmt, &tm_);				\
} while (0)

/* Render the digest of (after, upto] made for slot: a pure function of
 * the store.  0, or -1 with err set and r empty (digest_render.c). */
int	digest_render(struct store *, const struct conf *,
	    const struct digest_conf *, int64_t after, int64_t upto,
	    int64_t slot, struct rendered *, char *err, size_t errlen);
void	rendered_free(struct rendered *);
/* The built-in template "html" or "text"; NULL for another name. */
const char *digest_builtin_template(const char *name);

#endif
