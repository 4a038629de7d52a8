/*
 * test_daemon.c: pid file and database locks (held against another
 * process), the sd_notify protocol over a real datagram socket (path and
 * abstract names), watchdog parsing, feed problem logging, and (as root)
 * the privilege drop.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "feed.h"
#include "log.h"
#include "store.h"
#include "util.h"
#include "tap.h"

static char	 dir[] = "/tmp/test_daemon.XXXXXX";

static char *
path(const char *name)
{
	static char	 p[4][256];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof p[i], "%s/%s", dir, name);
	return p[i];
}

static long
file_pid(const char *p)
{
	struct buf	 b = { 0 };
	char		 err[256];
	long		 pid = -1;

	if (read_file(p, 0, &b, err, sizeof err) == 0)
		pid = strtol(b.s, NULL, 10);
	buf_free(&b);
	return pid;
}

/*
 * In another process (a fresh exec of this test: a forked child would
 * share our locks): does pidfile_open or db_lock on p fail with our pid
 * and want in the message?
 */
static int
refused_elsewhere(const char *what, const char *p, const char *want)
{
	char	 mine[32];
	pid_t	 pid;
	int	 st;

	snprintf(mine, sizeof mine, "(pid %ld)", (long)getpid());
	if ((pid = fork()) == 0) {
		execl("/proc/self/exe", "test_daemon", what, p, mine, want,
		    (char *)NULL);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* The other side of refused_elsewhere. */
static int
try_lock(char **argv)
{
	char	 err[512];
	int	 rc;

	if (strcmp(argv[1], "pidfile") == 0)
		rc = pidfile_open(argv[2], err, sizeof err);
	else
		rc = db_lock(argv[2], err, sizeof err);
	if (rc == 0)
		return 1;
	if (strstr(err, argv[3]) == NULL || strstr(err, argv[4]) == NULL) {
		fprintf(stderr, "# message: %s\n", err);
		return 2;
	}
	return 0;
}

static void
test_pidfile(void)
{
	char	 err[512];
	int	 fd;

	ok(pidfile_check(path("none.pid")) == 0, "no pid file: no daemon");
	/* A stale file from a dead process is not a running daemon. */
	fd = open(path("stale.pid"), O_WRONLY | O_CREAT, 0644);
	ok(fd != -1 && write(fd, "1\n", 2) == 2, "stale pid file written");
	close(fd);
	ok(pidfile_check(path("stale.pid")) == 0, "stale pid file: no daemon");

	ok(pidfile_open(path("run/feedmux.pid"), err, sizeof err) == 0,
	    "pidfile_open creates directory and file");
	is_int(file_pid(path("run/feedmux.pid")), getpid(), "our pid is in it");
	is_int(pidfile_check(path("run/feedmux.pid")), getpid(),
	    "pidfile_check sees us running");
	ok(refused_elsewhere("pidfile", path("run/feedmux.pid"),
	    "already running"), "another process is refused, told our pid");
	pidfile_remove();
	ok(access(path("run/feedmux.pid"), F_OK) == -1 && errno == ENOENT,
	    "pidfile_remove unlinks it");
	ok(pidfile_open(path("run/feedmux.pid"), err, sizeof err) == 0,
	    "pid file can be taken again");
}

static void
test_db_lock(void)
{
	char	 err[512];

	ok(db_lock(path("state/feedmux.db"), err, sizeof err) == 0,
	    "db_lock takes <database>.lock: %s", err);
	ok(access(path("state/feedmux.db.lock"), F_OK) == 0,
	    "lock file exists beside the database");
	ok(refused_elsewhere("db", path("state/feedmux.db"), "in use"),
	    "a second process cannot share the database");
	ok(refused_elsewhere("db", path("state/other.db"), "") == 0,
	    "another database is free (control)");
}

/* A datagram socket at name ('@' for abstract), as systemd listens. */
static int
listener(const char *name)
{
	struct sockaddr_un	 sun;
	socklen_t		 len;
	int			 fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name));
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	else
		len++;
	fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, len) == -1)
		return -1;
	return fd;
}

static const char *
recv_msg(int fd)
{
	static char	 msg[512];
	ssize_t		 n;

	n = recv(fd, msg, sizeof msg - 1, MSG_DONTWAIT);
	msg[n > 0 ? n : 0] = '\0';
	return msg;
}

static void
test_notify(void)
{
	char	 abstract[64];
	int	 fd;

	unsetenv("NOTIFY_SOCKET");
	notify_ready();		/* must be a silent no-op */
	ok(1, "notify without NOTIFY_SOCKET does nothing");

	fd = listener(path("notify"));
	ok(fd != -1, "notify socket bound");
	setenv("NOTIFY_SOCKET", path("notify"), 1);
	notify_ready();
	is_str(recv_msg(fd), "READY=1", "READY=1 over a path socket");
	notify_status("polling %d feeds", 3);
	is_str(recv_msg(fd), "STATUS=polling 3 feeds", "STATUS=");
	notify_reloading();
	ok(strncmp(recv_msg(fd), "RELOADING=1\nMONOTONIC_USEC=", 27) == 0,
	    "RELOADING=1 with MONOTONIC_USEC");
	notify_watchdog();
	is_str(recv_msg(fd), "WATCHDOG=1", "WATCHDOG=1");
	notify_stopping();
	is_str(recv_msg(fd), "STOPPING=1", "STOPPING=1");
	close(fd);

	snprintf(abstract, sizeof abstract, "@feedmux-test-%ld",
	    (long)getpid());
	fd = listener(abstract);
	ok(fd != -1, "abstract notify socket bound");
	setenv("NOTIFY_SOCKET", abstract, 1);
	notify_ready();
	is_str(recv_msg(fd), "READY=1", "READY=1 over an abstract socket");
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void
test_watchdog(void)
{
	char	 pid[32];

	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
	is_int((int64_t)notify_watchdog_usec(), 0, "no watchdog asked for");
	setenv("WATCHDOG_USEC", "20000000", 1);
	is_int((int64_t)notify_watchdog_usec(), 10000000,
	    "half of WATCHDOG_USEC");
	snprintf(pid, sizeof pid, "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	is_int((int64_t)notify_watchdog_usec(), 10000000,
	    "WATCHDOG_PID naming us");
	snprintf(pid, sizeof pid, "%ld", (long)getpid() + 1);
	setenv("WATCHDOG_PID", pid, 1);
	is_int((int64_t)notify_watchdog_usec(), 0,
	    "WATCHDOG_PID naming another process");
	unsetenv("WATCHDOG_PID");
	setenv("WATCHDOG_USEC", "soon", 1);
	is_int((int64_t)notify_watchdog_usec(), 0, "garbage WATCHDOG_USEC");
	unsetenv("WATCHDOG_USEC");
}

/* Run the transition, return what was logged (stderr captured). */
static const char *
logged(const struct feed_state *b, const struct feed_state *a)
{
	static struct buf	 out;
	char			 err[256];
	int			 fd, saved;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(path("log"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, STDERR_FILENO);
	close(fd);
	feed_log_transition(b, a);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	buf_reset(&out);
	if (read_file(path("log"), 0, &out, err, sizeof err) == -1)
		return "";
	return buf_cstr(&out);
}

/* One line twenty times: five written, then a count (log_flush). */
static void
test_log_repeats(void)
{
	struct buf	 out = { NULL, 0, 0 };
	char		 err[256];
	const char	*s;
	int		 fd, saved, i, lines = 0;

	log_init(LOG_LVL_WARN, 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = open(path("repeats"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	dup2(fd, STDERR_FILENO);
	close(fd);
	for (i = 0; i < 20; i++)
		log_warnx("httpd: accept: Too many open files");
	log_warnx("another line");
	log_flush();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	ok(read_file(path("repeats"), 0, &out, err, sizeof err) == 0,
	    "log captured");
	for (s = buf_cstr(&out); *s != '\0'; s++)
		lines += *s == '\n';
	is_int(lines, 7, "a repeated line: 5 written, another, then the count");
	ok(strstr(buf_cstr(&out), "Too many open files (repeated 15 times)\n")
	    != NULL, "the count says how many were held back");
	ok(strstr(buf_cstr(&out), "another line") != NULL,
	    "other lines still written");
	buf_free(&out);
}

static void
test_transitions(void)
{
	struct feed_state	 ok0, bad1, bad2, gone;

	log_init(LOG_LVL_WARN, 0);	/* the default: both ends show */
	memset(&ok0, 0, sizeof ok0);
	ok0.name = "blog";
	bad1 = ok0;
	bad1.failures = 1;
	bad1.last_error = "HTTP 500";
	bad2 = bad1;
	bad2.failures = 2;
	gone = bad2;
	gone.gone = 1;

	ok(strstr(logged(&ok0, &bad1), "blog: failing: HTTP 500") != NULL,
	    "a problem is logged when it starts");
	is_str(logged(&bad1, &bad2), "", "not again while it goes on");
	ok(strstr(logged(&bad2, &ok0), "blog: recovered after 2 failures")
	    != NULL, "and once when it clears");
	is_str(logged(&ok0, &ok0), "", "nothing while all is well");
	ok(strstr(logged(&bad2, &gone), "gone") != NULL, "gone is logged");
	is_str(logged(&gone, &gone), "", "gone only once");
	ok(strstr(logged(NULL, &bad1), "failing") != NULL,
	    "first poll failing is logged");
}

/* As root: become nobody in a child, check root cannot come back and the
 * database files were handed over. */
static void
test_drop(void)
{
	struct passwd	*pw;
	struct stat	 sb;
	char		 err[512];
	pid_t		 pid;
	int		 st;

	ok(drop_privileges(NULL, err, sizeof err) == 0, "no user: no-op");
	if (geteuid() != 0) {
		ok(drop_privileges("nobody", err, sizeof err) == 0,
		    "not root: no-op");
		return;
	}
	ok(drop_privileges("no-such-user-xyz", err, sizeof err) == -1 &&
	    strstr(err, "no-such-user-xyz") != NULL, "unknown user refused");
	pw = getpwnam("nobody");
	ok(pw != NULL, "user nobody exists");
	if (pw == NULL)
		return;
	/* The files db_lock made (as root) must become nobody's. */
	close(open(path("state/feedmux.db"), O_WRONLY | O_CREAT, 0600));
	if ((pid = fork()) == 0) {
		if (drop_privileges("nobody", err, sizeof err) == -1) {
			fprintf(stderr, "# %s\n", err);
			_exit(1);
		}
		_exit(getuid() == pw->pw_uid && geteuid() == pw->pw_uid &&
		    setuid(0) == -1 && access(path("state/feedmux.db"),
		    W_OK) == 0 ? 0 : 2);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "dropped to nobody, cannot regain root, can write the database");
	ok(stat(path("state"), &sb) == 0 && sb.st_uid == pw->pw_uid,
	    "the state directory db_lock created was handed over");
	ok(stat(path("state/feedmux.db.lock"), &sb) == 0 &&
	    sb.st_uid == pw->pw_uid, "the lock file was handed over");
}

int
main(int argc, char **argv)
{
	if (argc == 5)
		return try_lock(argv);
	/* Traversable, so the dropped child reaches its files. */
	if (mkdtemp(dir) == NULL || chmod(dir, 0755) == -1)
		return 1;
	test_pidfile();
	test_db_lock();
	test_notify();
	test_watchdog();
	test_transitions();
	test_log_repeats();
	test_drop();
	pidfile_remove();
	if (fork() == 0)
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
	wait(NULL);
	return done_testing();
}
