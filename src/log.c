/* log.c: log lines to stderr or syslog. */
#include "config.h"

#include <errno.h>
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
log_vwrite(enum log_level level, const char *fmt, va_list ap,
    const char *suffix)
{
	char		 msg[2048], stamp[32];
	struct tm	 tm;
	time_t		 t;
	size_t		 n;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (suffix != NULL && (n = strlen(msg)) < sizeof msg)
		snprintf(msg + n, sizeof msg - n, ": %s", suffix);
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
