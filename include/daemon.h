/* daemon.h: detaching, pid files, systemd notification, privileges. */
#ifndef FEEDMUX_DAEMON_H
#define FEEDMUX_DAEMON_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

struct feed_state;

/*
 * The order that makes every refusal visible and every lock survive:
 * pidfile_open, db_lock, daemon_detach (the locks are flock(2) locks and
 * follow the child; the pid written in both files is updated), then
 * store_open and httpd_start, then drop_privileges.
 */

/*
 * Fork into the background in a new session.  Only the child returns;
 * the parent waits until the child calls notify_ready() (then exits 0 and
 * the child's stdout/stderr go to /dev/null) or dies (then exits with the
 * child's status), so startup errors reach the terminal.
 */
int	daemon_detach(char *err, size_t errlen);
/* Create and lock path holding our pid; fails if another holds it. */
int	pidfile_open(const char *path, char *err, size_t errlen);
void	pidfile_remove(void);
/* The pid of the live process holding the pid file at path, or 0 when
 * none does (missing file, stale file). */
pid_t	pidfile_check(const char *path);
/* Lock "<database>.lock" so two daemons never share one database.  Creates
 * the database's directory when missing (drop_privileges hands it over). */
int	db_lock(const char *database, char *err, size_t errlen);
/*
 * Switch to user (from root); a no-op when not root or user is NULL.
 * Before switching, the database files (and the directory db_lock created)
 * are given to that user.  Fails if root could be regained afterwards.
 */
int	drop_privileges(const char *user, char *err, size_t errlen);

/* sd_notify(3) over $NOTIFY_SOCKET; silent no-ops when it is unset. */
void	notify_ready(void);
void	notify_reloading(void);
void	notify_stopping(void);
void	notify_status(const char *, ...) __attribute__((format(printf, 1, 2)));
void	notify_watchdog(void);
/* WATCHDOG_USEC / 2 in microseconds, or 0 when no watchdog is asked for. */
uint64_t notify_watchdog_usec(void);

/*
 * Log a feed's problems once when they start and once when they clear
 * (failing, gone, malformed, key churn), comparing the state before a
 * poll with the state after it.  before may be NULL (first poll).  Only
 * before's counters and flags are read, so a shallow copy of the state
 * taken before fetch_start will do.  In status.c.
 */
void	feed_log_transition(const struct feed_state *before,
	    const struct feed_state *after);

#endif
