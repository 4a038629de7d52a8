/*
 * dbcmd.c: feedmux db copy FROM TO, a whole store from one database into
 * a new one (SQLite file or PostgreSQL URI either side; store_copy does
 * the work).  The configuration's feeds and database play no part.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "store.h"

static const char *
plural(int64_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static int
exit_code(int rc)
{
	switch (rc) {
	case STORE_COPY_READ:
		return EX_NOINPUT;
	case STORE_COPY_WRITE:
	case STORE_COPY_NOT_EMPTY:
		return EX_CANTCREAT;
	default:	/* the copy did not verify */
		return EX_DATAERR;
	}
}

static int
db_copy(const char *from, const char *to)
{
	struct store_copy_counts n;
	struct store	*src, *dst;
	char		 err[1024];
	int		 rc;

	if (strcmp(from, to) == 0) {
		log_errorx("db copy: %s: the same database twice", from);
		return EX_USAGE;
	}
	/* A reader's open would make a new, empty database. */
	if (!store_is_server(from) && access(from, F_OK) == -1) {
		log_errorx("%s: %s", from, strerror(errno));
		return EX_NOINPUT;
	}
	if ((src = store_open_reader(from, err, sizeof(err))) == NULL) {
		log_errorx("%s", err);
		return EX_NOINPUT;
	}
	if ((dst = store_open(to, err, sizeof(err))) == NULL) {
		log_errorx("%s", err);
		store_close(src);
		return EX_CANTCREAT;
	}
	if ((rc = store_copy(src, dst, &n, err, sizeof(err))) == 0)
		printf("copied %s -> %s: %lld %s, %lld %s, %lld %s, "
		    "%lld %s, %lld %s (verified)\n", store_where(src),
		    store_where(dst), (long long)n.feeds,
		    plural(n.feeds, "feed", "feeds"), (long long)n.entries,
		    plural(n.entries, "entry", "entries"),
		    (long long)n.tombstones,
		    plural(n.tombstones, "tombstone", "tombstones"),
		    (long long)n.digests, plural(n.digests, "digest", "digests"),
		    (long long)n.hooks, plural(n.hooks, "hook", "hooks"));
	else
		log_errorx("db copy: %s", err);
	store_close(dst);
	store_close(src);
	return rc == 0 ? EX_OK : exit_code(rc);
}

int
cmd_db(struct conf *conf, int argc, char **argv)
{
	if (getopt(argc, argv, "") != -1)
		return cmd_usage(argv[0]);
	argc -= optind;
	argv += optind;
	if (argc != 3 || strcmp(argv[0], "copy") != 0)
		return cmd_usage("db");
	return db_copy(argv[1], argv[2]);
}
