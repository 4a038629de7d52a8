/* daemon.h: detaching, pid files, systemd notification, privileges. */
#ifndef FEEDMUX_DAEMON_H
#define FEEDMUX_DAEMON_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

/*
 * The order cmd_run uses: daemon_detach (the parent stays until the child
 * is ready or dies, so every refusal reaches the terminal), pidfile_open,
 * db_lock, then store_open and httpd_start, then drop_privileges.  Locks
 * taken before daemon_detach would survive too (flock(2) locks follow the
 * child, and the pid written in both files is updated).
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
/* Lock "<database>.lock" so two daemons never share one database file.
 * Creates the database's directory when missing (drop_privileges hands it
 * over).  A database on a server is not locked: daemons share it. */
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

#endif
