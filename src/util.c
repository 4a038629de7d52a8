/* util.c: allocation, buffers, atomic files and time. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "util.h"

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatal("xmalloc %zu", size);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatal("xcalloc %zu * %zu", n, size);
	return p;
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (size != 0 && n > SIZE_MAX / size)
		fatalx("xreallocarray: %zu * %zu overflows", n, size);
	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = realloc(old, n * size)) == NULL)
		fatal("xreallocarray %zu * %zu", n, size);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("xstrdup");
	return p;
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("xstrndup");
	return p;
}

int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	 n;

	if ((n = vasprintf(ret, fmt, ap)) < 0)
		fatal("xvasprintf");
	return n;
}

int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return n;
}

void
buf_grow(struct buf *b, size_t more)
{
	size_t	 need;

	if (more > SIZE_MAX - b->len - 1)
		fatalx("buf_grow: size overflows");
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->s = xreallocarray(b->s, b->cap, 1);
}

void
buf_add_grow(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n != 0)
		memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("buf_printf: bad format");
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *
buf_cstr(struct buf *b)
{
	return b->s != NULL ? b->s : "";
}

char *
strtrim(char *s)
{
	char	*p = s, *end;

	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		end--;
	*end = '\0';
	if (p != s)
		memmove(s, p, (size_t)(end - p) + 1);
	return s;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	 n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * The new file gets the mode of the one it replaces, never wider than 0644
 * and never setuid, setgid or sticky (a 4777 file is no reason to publish
 * an executable), and its owner when we may; a new file gets 0644 less the
 * umask.
 */
static void
keep_attributes(int fd, const char *path)
{
	struct stat	 st;
	mode_t		 mask;

	if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
		(void)fchmod(fd, st.st_mode & 0644);
		if (geteuid() == 0)
			(void)fchown(fd, st.st_uid, st.st_gid);
		return;
	}
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0644 & ~mask);
}

/*
 * A symbolic link is followed: its target is replaced and the link stays,
 * so an output linked into a web root, or a config file linked from a
 * dotfiles tree, stays where the link points.  A dangling link is replaced.
 */
static char *
write_target(const char *path)
{
	struct stat	 st;
	char		*real;

	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    (real = realpath(path, NULL)) != NULL)
		return real;
	return xstrdup(path);
}

int
atomic_write(const char *path, const void *data, size_t len, char *err,
    size_t errlen)
{
	char	*tmp, *real;
	int	 fd, saved;

	real = write_target(path);
	xasprintf(&tmp, "%s.tmp.XXXXXX", real);
	if ((fd = mkstemp(tmp)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(tmp);
		free(real);
		return -1;
	}
	keep_attributes(fd, real);
	if (write_all(fd, data, len) == -1 || fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, real) == -1)
		goto fail;
	free(tmp);
	free(real);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(real);
	snprintf(err, errlen, "%s: %s", path, strerror(saved));
	return -1;
}

int
read_file(const char *path, size_t max, struct buf *b, char *err,
    size_t errlen)
{
	char	 chunk[65536];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if ((n = read(fd, chunk, sizeof chunk)) == -1) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		if (max != 0 && b->len + (size_t)n > max) {
			snprintf(err, errlen, "%s: larger than %zu bytes", path,
			    max);
			close(fd);
			return -1;
		}
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	if (b->s == NULL)
		buf_add(b, "", 0);
	return 0;
}

int
mkdir_parents(const char *path, char *err, size_t errlen)
{
	char	*dir, *p;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			free(dir);
			return -1;
		}
		if ((*p = c) == '\0')
			break;
	}
	free(dir);
	return 0;
}

int64_t
fm_now(void)
{
	const char	*s;
	char		*end;
	long long	 v;

	if ((s = getenv("FEEDMUX_NOW")) != NULL && *s != '\0') {
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno == 0 && *end == '\0')
			return v;
	}
	return (int64_t)time(NULL);
}

int64_t
fm_monotonic_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The date of a day counted from 1970-01-01 (Hinnant's civil_from_days). */
static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t	 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static void
put_digits(char *out, int v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
fmt_rfc3339(char out[21], int64_t t)
{
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	int64_t		 days, secs;
	int		 y, m, d;

	/*
	 * Years 1000 to 9999 by arithmetic: every entry of `feedmux parse
	 * --json` has dates, and gmtime_r with strftime costs some 700
	 * instructions each.  Other years as before (strftime does not pad
	 * a year of fewer than four digits).
	 */
	if (t >= -30610224000LL && t <= 253402300799LL) {
		days = t / 86400;
		secs = t % 86400;
		if (secs < 0) {
			secs += 86400;
			days--;
		}
		civil_from_days(days, &y, &m, &d);
		memcpy(out, "0000-00-00T00:00:00Z", 21);
		put_digits(out, y, 4);
		put_digits(out + 5, m, 2);
		put_digits(out + 8, d, 2);
		put_digits(out + 11, (int)(secs / 3600), 2);
		put_digits(out + 14, (int)(secs / 60 % 60), 2);
		put_digits(out + 17, (int)(secs % 60), 2);
		return;
	}

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "1970-01-01T00:00:00Z");
}

void
fmt_rfc822(char out[30], int64_t t)
{
	static const char *days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm	 tm;
	time_t		 tt = (time_t)t;
	char		 tmp[64];

	/* Not strftime: %a and %b follow the locale, RFC 822 does not. */
	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 0) {
		strcpy(out, "Thu, 01 Jan 1970 00:00:00 GMT");
		return;
	}
	snprintf(tmp, sizeof tmp, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	memcpy(out, tmp, 29);
	out[29] = '\0';
}

/*
 * Base64 (RFC 4648) to bytes, appended to out; white space is skipped and
 * decoding stops at "=".  -1 when another character is met.
 */
int
base64_decode(struct buf *out, const char *s, size_t n)
{
	uint32_t	 v = 0;
	int		 bits = 0, d;
	char		 c;

	for (; n > 0; s++, n--) {
		c = *s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == '=')
			break;
		if (c >= 'A' && c <= 'Z')
			d = c - 'A';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			d = c - '0' + 52;
		else if (c == '+' || c == '-')
			d = 62;
		else if (c == '/' || c == '_')
			d = 63;
		else
			return -1;
		v = v << 6 | (uint32_t)d;
		if ((bits += 6) >= 8) {
			bits -= 8;
			buf_addc(out, (int)(v >> bits & 0xff));
		}
	}
	return 0;
}

void
tz_push(struct tz_saved *z, const char *tz)
{
	const char	*old;

	z->old = NULL;
	if ((z->set = tz != NULL) == 0)
		return;
	if ((old = getenv("TZ")) != NULL)
		z->old = xstrdup(old);
	setenv("TZ", tz, 1);
	tzset();
}

void
tz_pop(struct tz_saved *z)
{
	if (!z->set)
		return;
	if (z->old != NULL)
		setenv("TZ", z->old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(z->old);
	z->old = NULL;
	z->set = 0;
}
