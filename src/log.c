/*
 * log.c: log lines to stderr or syslog.  A line written REPEAT_BURST times
 * within REPEAT_WINDOW is then counted, not written: the count comes out
 * with its next occurrence after the window, when the window of any other
 * line ends, or at exit, as "... (repeated N times)".  libevent's messages
 * come through here too, so a loop that fails the same way cannot flood
 * the log.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>

#include <event2/event.h>

#include "log.h"

static enum log_level	 log_level = LOG_LVL_WARN;
static int		 log_syslog;
static int		 log_stamps = 1;

#define REPEAT_WINDOW	60	/* seconds */
#define REPEAT_BURST	5	/* times a line is written in a window */
#define REPEAT_SLOTS	8	/* distinct lines remembered */

/* A line recently written and how often it came again since. */
struct repeat {
	enum log_level	 level;
	time_t		 since;		/* when its window began */
	unsigned	 shown;		/* written in this window */
	unsigned long	 count;		/* held back in it */
	char		 msg[512];
};

static struct repeat	 repeats[REPEAT_SLOTS];
static size_t		 repeat_next;	/* round robin */
/* The checkpoint thread logs too. */
static pthread_mutex_t	 repeat_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *level_names[] = { "error", "warning", "info", "debug" };
static const int level_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

static void
log_event_cb(int severity, const char *msg)
{
	if (severity >= EVENT_LOG_WARN)
		log_warnx("libevent: %s", msg);
	else
		log_debug("libevent: %s", msg);
}

void
log_init(enum log_level level, int to_syslog)
{
	log_level = level;
	log_syslog = to_syslog;
	/* The journal stamps each line itself. */
	log_stamps = getenv("JOURNAL_STREAM") == NULL;
	if (to_syslog)
		openlog("feedmux", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	event_set_log_callback(log_event_cb);
	atexit(log_flush);
}

void
log_setlevel(enum log_level level)
{
	log_level = level;
}

enum log_level
log_getlevel(void)
{
	return log_level;
}

int
log_parse_level(const char *s, enum log_level *out)
{
	size_t	 i;

	for (i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
		if (strcasecmp(s, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return 0;
		}
	}
	if (strcasecmp(s, "warn") == 0) {
		*out = LOG_LVL_WARN;
		return 0;
	}
	return -1;
}

static void
log_emit(enum log_level level, const char *msg)
{
	char		 stamp[32];
	struct tm	 tm;
	time_t		 t;

	if (log_syslog) {
		syslog(level_prio[level], "%s", msg);
		return;
	}
	stamp[0] = '\0';
	if (log_stamps) {
		t = time(NULL);
		localtime_r(&t, &tm);
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S ", &tm);
	}
	fprintf(stderr, "%sfeedmux: %s%s%s\n", stamp,
	    level <= LOG_LVL_WARN ? level_names[level] : "",
	    level <= LOG_LVL_WARN ? ": " : "", msg);
}

static void
repeat_emit(struct repeat *r)
{
	char	 msg[600];

	snprintf(msg, sizeof msg, "%s (repeated %lu time%s)", r->msg,
	    r->count, r->count == 1 ? "" : "s");
	log_emit(r->level, msg);
	r->count = 0;
}

/*
 * 1 when msg was written REPEAT_BURST times in its window (it is counted
 * instead); 0 when it is to be written now.  Counts of other lines whose
 * window has passed are written on the way.
 */
static int
repeat_held(enum log_level level, const char *msg, time_t now)
{
	struct repeat	*r, *hit = NULL;
	size_t		 i;

	for (i = 0; i < REPEAT_SLOTS; i++) {
		r = &repeats[i];
		if (r->since != 0 && r->level == level &&
		    strncmp(r->msg, msg, sizeof r->msg - 1) == 0) {
			hit = r;
			continue;
		}
		if (r->count > 0 && now - r->since >= REPEAT_WINDOW) {
			repeat_emit(r);
			r->since = 0;
		}
	}
	if (hit != NULL && now - hit->since < REPEAT_WINDOW) {
		if (hit->shown < REPEAT_BURST) {
			hit->shown++;
			return 0;
		}
		hit->count++;
		return 1;
	}
	if (hit != NULL) {
		hit->since = now;
		hit->shown = 1;
		if (hit->count == 0)
			return 0;
		hit->count++;		/* this one is in the count */
		repeat_emit(hit);
		return 1;
	}
	r = &repeats[repeat_next];
	repeat_next = (repeat_next + 1) % REPEAT_SLOTS;
	if (r->count > 0)
		repeat_emit(r);
	r->level = level;
	r->since = now;
	r->shown = 1;
	snprintf(r->msg, sizeof r->msg, "%s", msg);
	return 0;
}

void
log_flush(void)
{
	size_t	 i;

	pthread_mutex_lock(&repeat_lock);
	for (i = 0; i < REPEAT_SLOTS; i++)
		if (repeats[i].count > 0)
			repeat_emit(&repeats[i]);
	pthread_mutex_unlock(&repeat_lock);
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap,
    const char *suffix)
{
	char		 msg[2048];
	size_t		 n;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (suffix != NULL && (n = strlen(msg)) < sizeof msg)
		snprintf(msg + n, sizeof msg - n, ": %s", suffix);
	pthread_mutex_lock(&repeat_lock);
	if (!repeat_held(level, msg, time(NULL)))
		log_emit(level, msg);
	pthread_mutex_unlock(&repeat_lock);
}

#define LOG_FN(name, level, with_errno)					\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	 ap;							\
	int	 saved = errno;						\
									\
	va_start(ap, fmt);						\
	log_vwrite(level, fmt, ap, with_errno ? strerror(saved) : NULL);\
	va_end(ap);							\
	errno = saved;							\
}

LOG_FN(log_errorx, LOG_LVL_ERROR, 0)
LOG_FN(log_warn, LOG_LVL_WARN, 1)
LOG_FN(log_warnx, LOG_LVL_WARN, 0)
LOG_FN(log_info, LOG_LVL_INFO, 0)
LOG_FN(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERROR, fmt, ap, strerror(saved));
	va_end(ap);
	exit(EX_SOFTWARE);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERROR, fmt, ap, NULL);
	va_end(ap);
	exit(EX_SOFTWARE);
}
