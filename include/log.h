/* log.h: messages to stderr or syslog; fatal() never returns. */
#ifndef FEEDMUX_LOG_H
#define FEEDMUX_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/*
 * to_syslog: send to syslog(3) instead of stderr.  On stderr, lines carry
 * a timestamp unless stderr is the journal (JOURNAL_STREAM set), which
 * adds its own.
 */
void	log_init(enum log_level, int to_syslog);
void	log_setlevel(enum log_level);
enum log_level log_getlevel(void);
int	log_parse_level(const char *, enum log_level *);
/* Write the counts of repeated lines held back (also at exit). */
void	log_flush(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_errorx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* fatal() appends strerror(errno); fatalx() does not.  Both exit(EX_SOFTWARE). */
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
