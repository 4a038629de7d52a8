/*
 * daemon.c: detaching, the pid file and database lock, dropping root, and
 * the systemd notification protocol spoken directly over $NOTIFY_SOCKET.
 */
#include "config.h"

#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "store.h"
#include "util.h"

/* Held for the life of the process: closing them would drop the locks. */
static int	 pid_fd = -1;
static char	*pid_path;
static int	 lock_fd = -1;
static char	*db_path;
static char	*db_dir_created;	/* the directory db_lock made, if any */

/* Replace the contents of a locked file with our pid. */
static int
write_pid(int fd)
{
	char	 s[32];
	int	 n;

	n = snprintf(s, sizeof s, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 || pwrite(fd, s, (size_t)n, 0) != n)
		return -1;
	return 0;
}

static long
read_pid(int fd)
{
	char	 s[32];
	ssize_t	 n;

	if ((n = pread(fd, s, sizeof s - 1, 0)) <= 0)
		return 0;
	s[n] = '\0';
	return strtol(s, NULL, 10);
}

/*
 * Open path and take an exclusive flock(2) on it.  flock rather than
 * fcntl: the lock belongs to the open file, so it survives the fork in
 * daemon_detach.  Returns the fd, -1 on error, or -2 when another process
 * holds the lock, with *holder the pid written in the file.
 */
static int
lock_file(const char *path, long *holder, char *err, size_t errlen)
{
	int	 fd;

	*holder = 0;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			*holder = read_pid(fd);
			close(fd);
			return -2;
		}
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (write_pid(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
pidfile_open(const char *path, char *err, size_t errlen)
{
	long	 holder;
	int	 fd;

	if (pid_fd != -1)
		return 0;
	if (mkdir_parents(path, err, errlen) == -1)
		return -1;
	if ((fd = lock_file(path, &holder, err, errlen)) < 0) {
		if (fd == -2)
			snprintf(err, errlen, "%s: feedmux is already running "
			    "(pid %ld)", path, holder);
		return -1;
	}
	pid_fd = fd;
	pid_path = xstrdup(path);
	return 0;
}

void
pidfile_remove(void)
{
	/* Only the process that wrote it: a forked child must not. */
	if (pid_fd == -1 || read_pid(pid_fd) != (long)getpid())
		return;
	(void)unlink(pid_path);
	close(pid_fd);
	pid_fd = -1;
	free(pid_path);
	pid_path = NULL;
}

pid_t
pidfile_check(const char *path)
{
	long	 pid;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	/* If we can lock it, nobody holds it: the pid in it is stale. */
	if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
		close(fd);
		return 0;
	}
	pid = read_pid(fd);
	close(fd);
	return pid > 0 ? (pid_t)pid : 0;
}

/* Note whether the database's directory is missing before creating it. */
static int
make_db_dir(const char *database, char *err, size_t errlen)
{
	struct stat	 st;
	char		*dir, *p;

	dir = xstrdup(database);
	if ((p = strrchr(dir, '/')) == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	if (stat(dir, &st) == -1 && errno == ENOENT) {
		if (mkdir_parents(database, err, errlen) == -1) {
			free(dir);
			return -1;
		}
		free(db_dir_created);
		db_dir_created = dir;
		return 0;
	}
	free(dir);
	return 0;
}

int
db_lock(const char *database, char *err, size_t errlen)
{
	char	*path;
	long	 holder;
	int	 fd;

	/* Several daemons may share a server's database (store_lease). */
	if (lock_fd != -1 || store_is_server(database))
		return 0;
	if (make_db_dir(database, err, errlen) == -1)
		return -1;
	xasprintf(&path, "%s.lock", database);
	fd = lock_file(path, &holder, err, errlen);
	free(path);
	if (fd == -2)
		snprintf(err, errlen, "%s: database in use by another feedmux "
		    "(pid %ld)", database, holder);
	if (fd < 0)
		return -1;
	lock_fd = fd;
	free(db_path);
	db_path = xstrdup(database);
	return 0;
}

/* The parent waits on this pipe until the child is ready (or dies). */
static int	 ready_fd = -1;

/*
 * The parent stays until the child says it is ready, and exits with the
 * child's status if it dies first: `run --daemon` fails visibly (message
 * on the terminal, non-zero exit) when the pid file or database is taken,
 * whichever order the locks and the detach come in.
 */
static void __attribute__((noreturn))
detach_parent(pid_t pid, int fd)
{
	char	 c;
	ssize_t	 n;
	int	 st;

	while ((n = read(fd, &c, 1)) == -1 && errno == EINTR)
		;
	if (n == 1)
		_exit(0);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 70);
}

int
daemon_detach(char *err, size_t errlen)
{
	pid_t	 pid;
	int	 p[2], fd;

	fflush(NULL);
	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid != 0) {
		close(p[1]);
		detach_parent(pid, p[0]);
	}
	close(p[0]);
	ready_fd = p[1];
	if (setsid() == -1) {
		snprintf(err, errlen, "setsid: %s", strerror(errno));
		return -1;
	}
	/* The locks came with us; the pids in their files must follow. */
	if ((pid_fd != -1 && write_pid(pid_fd) == -1) ||
	    (lock_fd != -1 && write_pid(lock_fd) == -1)) {
		snprintf(err, errlen, "writing pid: %s", strerror(errno));
		return -1;
	}
	/* stdout and stderr stay until ready, for startup errors. */
	if ((fd = open("/dev/null", O_RDWR)) == -1) {
		snprintf(err, errlen, "/dev/null: %s", strerror(errno));
		return -1;
	}
	(void)dup2(fd, STDIN_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* Ready after daemon_detach: let the parent go, leave the terminal. */
static void
detach_done(void)
{
	int	 fd;

	if (ready_fd == -1)
		return;
	fflush(NULL);
	if ((fd = open("/dev/null", O_RDWR)) != -1) {
		(void)dup2(fd, STDOUT_FILENO);
		(void)dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	(void)write(ready_fd, "1", 1);
	close(ready_fd);
	ready_fd = -1;
}

/* Give a root-owned file of ours to the user we are about to become. */
static int
give(const char *path, const struct passwd *pw, char *err, size_t errlen)
{
	struct stat	 st;

	if (lstat(path, &st) == -1 || st.st_uid != 0 || S_ISLNK(st.st_mode))
		return 0;
	if (lchown(path, pw->pw_uid, pw->pw_gid) == -1) {
		snprintf(err, errlen, "chown %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static const char *db_suffix[] = { "", "-wal", "-shm", "-journal", ".lock" };

/*
 * Was the database's directory made for this database?  Yes when db_lock
 * created it, or when it holds nothing but the database's own files (it
 * was just made, by `feedmux` itself or by hand): then it is the state
 * directory and the user needs it.  A shared directory never qualifies.
 */
static int
state_dir_ours(const char *dir, const char *base)
{
	struct dirent	*de;
	DIR		*d;
	size_t		 i, n = strlen(base);
	int		 ours = 1;

	if (db_dir_created != NULL && strcmp(db_dir_created, dir) == 0)
		return 1;
	if (strcmp(dir, "/") == 0 || (d = opendir(dir)) == NULL)
		return 0;
	while (ours && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ours = 0;
		for (i = 0; i < nitems(db_suffix); i++)
			if (strncmp(de->d_name, base, n) == 0 &&
			    strcmp(de->d_name + n, db_suffix[i]) == 0)
				ours = 1;
	}
	closedir(d);
	return ours;
}

/* The database, its WAL, shared memory and lock files, and its directory
 * when it is the state directory: the daemon writes them all after
 * dropping root. */
static int
give_state(const struct passwd *pw, char *err, size_t errlen)
{
	char	*path, *dir, *base;
	size_t	 i;
	int	 rc = 0;

	if (db_path == NULL)
		return 0;
	dir = xstrdup(db_path);
	if ((base = strrchr(dir, '/')) == NULL) {
		free(dir);
		dir = xstrdup(".");
		base = db_path;
	} else {
		*base++ = '\0';
		base = db_path + (base - dir);
		if (*dir == '\0')
			strcpy(dir, "/");
	}
	if (state_dir_ours(dir, base))
		rc = give(dir, pw, err, errlen);
	free(dir);
	for (i = 0; i < nitems(db_suffix) && rc == 0; i++) {
		xasprintf(&path, "%s%s", db_path, db_suffix[i]);
		rc = give(path, pw, err, errlen);
		free(path);
	}
	return rc;
}

int
drop_privileges(const char *user, char *err, size_t errlen)
{
	struct passwd	*pw;

	if (user == NULL || *user == '\0' || geteuid() != 0)
		return 0;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(err, errlen, "user %s: %s", user,
		    errno != 0 ? strerror(errno) : "no such user");
		return -1;
	}
	if (pw->pw_uid == 0)
		return 0;
	if (give_state(pw, err, errlen) == -1)
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) == -1 ||
	    setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == -1 ||
	    setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
		snprintf(err, errlen, "switching to user %s: %s", user,
		    strerror(errno));
		return -1;
	}
	/* Paranoia that costs nothing: root must be gone for good. */
	if (setuid(0) != -1 || seteuid(0) != -1 || getuid() != pw->pw_uid ||
	    geteuid() != pw->pw_uid || getegid() != pw->pw_gid) {
		snprintf(err, errlen, "user %s: could regain root", user);
		return -1;
	}
	log_debug("running as %s (uid %ld)", user, (long)pw->pw_uid);
	return 0;
}

/*
 * The notification protocol: one datagram per message to the socket named
 * by $NOTIFY_SOCKET, a path or, with a leading '@', an abstract name.
 */
static void
notify_send(const char *msg)
{
	struct sockaddr_un	 sun;
	const char		*name;
	socklen_t		 len;
	size_t			 n;
	int			 fd;

	if ((name = getenv("NOTIFY_SOCKET")) == NULL || *name == '\0')
		return;
	n = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || n >= sizeof sun.sun_path)
		return;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, name, n);
	if (name[0] == '@')
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (name[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		log_debug("notify socket: %s", strerror(errno));
		return;
	}
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1)
		log_debug("notify %s: %s", name, strerror(errno));
	close(fd);
}

void
notify_ready(void)
{
	detach_done();
	notify_send("READY=1");
}

void
notify_reloading(void)
{
	struct timespec	 ts;
	char		 msg[64];

	/* Type=notify-reload wants the monotonic time of the request. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%" PRIu64,
	    (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000);
	notify_send(msg);
}

void
notify_stopping(void)
{
	notify_send("STOPPING=1");
}

void
notify_status(const char *fmt, ...)
{
	va_list	 ap;
	char	*s, *msg;

	if (getenv("NOTIFY_SOCKET") == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	xasprintf(&msg, "STATUS=%s", s);
	notify_send(msg);
	free(msg);
	free(s);
}

void
notify_watchdog(void)
{
	notify_send("WATCHDOG=1");
}

uint64_t
notify_watchdog_usec(void)
{
	const char		*s;
	char			*end;
	unsigned long long	 usec;
	long			 pid;

	if ((s = getenv("WATCHDOG_USEC")) == NULL || *s == '\0')
		return 0;
	errno = 0;
	usec = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || usec == 0)
		return 0;
	/* The watchdog is meant for WATCHDOG_PID only, when it is given. */
	if ((s = getenv("WATCHDOG_PID")) != NULL && *s != '\0') {
		pid = strtol(s, &end, 10);
		if (*end != '\0' || pid != (long)getpid())
			return 0;
	}
	return usec / 2;
}
