/* util.h: allocation that never fails, growable buffers, atomic files, time. */
#ifndef FEEDMUX_UTIL_H
#define FEEDMUX_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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
/* buf_add when the bytes do not fit: grows, then appends. */
void	 buf_add_grow(struct buf *, const void *, size_t);

/*
 * FNV-1a, 64 bits: the one hash.  Start from HASH_INIT.  Stored keys and
 * tombstones hold its values, so it never changes.
 */
#define HASH_INIT	UINT64_C(0xcbf29ce484222325)
static inline uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n-- > 0) {
		h ^= *c++;
		h *= UINT64_C(0x100000001b3);
	}
	return h;
}

/*
 * The parser appends a few bytes at a time millions of times a run, so
 * the case where they fit (n + NUL within cap) is inline; cap is 0 or
 * more than len, so the test also sends a fresh buffer to buf_add_grow.
 */
static inline void
buf_add(struct buf *b, const void *p, size_t n)
{
	if (n >= b->cap - b->len) {
		buf_add_grow(b, p, n);
		return;
	}
	if (n != 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static inline void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static inline void
buf_addc(struct buf *b, int c)
{
	char	 ch = (char)c;

	buf_add(b, &ch, 1);
}
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Does any of the eight bytes at p lie below lim (at most 0x80) or equal
 * a or b?  Scanners skip ordinary text eight bytes at a time with this and
 * look at the bytes one by one only when it says yes.  It is the classic
 * zero-byte test, (x - 0x0101..) & ~x & 0x8080.., on the word (a byte
 * below lim) and on the word XOR a and XOR b (a byte equal to them).
 */
static inline int
word_has(const void *p, unsigned lim, unsigned a, unsigned b)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 high = 0x8080808080808080ULL;
	uint64_t	 w, xa, xb;

	memcpy(&w, p, 8);	/* one unaligned load */
	xa = w ^ (ones * a);
	xb = w ^ (ones * b);
	return ((((w - ones * lim) & ~w) | ((xa - ones) & ~xa) |
	    ((xb - ones) & ~xb)) & high) != 0;
}

/* Is any of the eight bytes at p DEL or above (not ASCII, or DEL)? */
static inline int
word_high(const void *p)
{
	const uint64_t	 ones = 0x0101010101010101ULL;
	const uint64_t	 high = 0x8080808080808080ULL;
	uint64_t	 w;

	memcpy(&w, p, 8);
	/* A byte's low seven bits plus one carry into its top bit only
	 * when they are all ones (0x7f); no carry crosses bytes. */
	return ((((w & ~high) + ones) | w) & high) != 0;
}

void	 buf_reset(struct buf *);	/* len = 0, keeps the memory */
void	 buf_free(struct buf *);
const char *buf_cstr(struct buf *);	/* "" for an empty buffer */

/* Trim ASCII white space in place; returns s. */
char	*strtrim(char *);
/* Base64 (either alphabet) appended to out as bytes; -1: not base64. */
int	 base64_decode(struct buf *, const char *, size_t);

/*
 * Write data to path atomically: a temporary file in the same directory,
 * written, fsync'd, given the old file's mode (masked to 0644 at most) and
 * owner when we may, and renamed over path.  Readers see the old or the
 * new file, never a part.  A symlink is followed: its target is replaced.
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

/*
 * Local time in another zone: TZ switched around localtime_r/mktime and
 * put back.  Safe because the process has one thread.  tz NULL leaves
 * the zone as it is.
 */
struct tz_saved {
	char	*old;		/* TZ before, NULL if unset */
	int	 set;		/* whether tz_push changed it */
};
void	 tz_push(struct tz_saved *, const char *tz);
void	 tz_pop(struct tz_saved *);

#endif
