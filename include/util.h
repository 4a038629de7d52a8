/* util.h: allocation that never fails, growable buffers, atomic files, time. */
#ifndef FEEDMUX_UTIL_H
#define FEEDMUX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: these never return NULL; they call fatal() on exhaustion. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

/* A growable byte buffer, always NUL-terminated after the first add. */
struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};
void	 buf_grow(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, int);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Append code point c (< 0x110000) as UTF-8. */
void	 buf_add_utf8(struct buf *, uint32_t c);
void	 buf_reset(struct buf *);	/* len = 0, keeps the memory */
void	 buf_free(struct buf *);
const char *buf_cstr(struct buf *);	/* "" for an empty buffer */

/* Trim ASCII white space in place; returns s. */
char	*strtrim(char *);

/*
 * Write data to path atomically: a temporary file in the same directory,
 * written, fsync'd, given the old file's mode (and owner when we may), and
 * renamed over path.  Readers see the old or the new file, never a part.
 */
int	 atomic_write(const char *path, const void *, size_t, char *err,
	    size_t errlen);
/* Read a whole file (at most max bytes; 0 for no limit). */
int	 read_file(const char *path, size_t max, struct buf *, char *err,
	    size_t errlen);
/* mkdir -p for the directory part of path. */
int	 mkdir_parents(const char *path, char *err, size_t errlen);

/*
 * Wall-clock time in seconds.  FEEDMUX_NOW=<unix time> in the environment
 * fixes it, so tests can run schedules without waiting.
 */
int64_t	 fm_now(void);
/* Monotonic milliseconds, for measuring durations. */
int64_t	 fm_monotonic_ms(void);

/* "No date": an unparsable or missing date is this, never "now". */
#define DATE_NONE INT64_MIN

/* Format t as RFC 3339 UTC "YYYY-MM-DDTHH:MM:SSZ" (21 bytes with NUL). */
void	 fmt_rfc3339(char out[21], int64_t t);
/* Format t as RFC 822 "Sun, 06 Nov 1994 08:49:37 GMT" (30 bytes with NUL). */
void	 fmt_rfc822(char out[30], int64_t t);

#endif
