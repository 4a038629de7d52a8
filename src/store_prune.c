/*
 * store_prune.c: the SQLite backend's retention.  Pruned entries leave a
 * tombstone (feed, key hash), so an entry still in its feed's document is
 * not new again; tombstones no fetch has matched for TOMBSTONE_TTL go.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "util.h"

/* Delete what q (ST_PRUNE_*) selects, leaving a tombstone for each. */
static int
prune_step(struct sqlstore *s, enum stmt del, int64_t feed, int64_t arg,
    int64_t now)
{
	sqlite3_stmt	*q = sq_stmt(s, del), *t = sq_stmt(s, ST_TOMB_ADD);
	int		 rc, n = 0;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_int64(q, 2, arg);
	sqlite3_bind_int64(t, 1, feed);
	sqlite3_bind_int64(t, 3, now);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		sqlite3_bind_int64(t, 2, sqlite3_column_int64(q, 0));
		rc = sqlite3_step(t);
		sqlite3_reset(t);
		if (rc != SQLITE_DONE)
			break;
		n++;
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(t);
	if (rc != SQLITE_DONE)
		return sq_fail(s, "pruning entries");
	if (n > 0)
		s->pruned = s->dirty = 1;
	return 0;
}

/* The one integer a bound statement q yields; -1 with what in the error. */
static int
one_int(struct sqlstore *s, sqlite3_stmt *q, const char *what, int64_t *v)
{
	int	 rc;

	*v = 0;
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, what);
}

/* Has the feed more than max entries?  Counted on an index, no rows read. */
static int
over_max(struct sqlstore *s, int64_t feed, int max)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_COUNT);
	int64_t		 n;

	sqlite3_bind_int64(q, 1, feed);
	if (one_int(s, q, "counting entries", &n) == -1)
		return -1;
	return n > max;
}

/*
 * In a poll's transaction, after its entries: only new entries can take a
 * feed over keep_max, so an index count decides whether to sort.  Age and
 * expired tombstones are the daily pass's (store_prune_all): finding them
 * reads every row of the feed, too much for each poll of each feed.
 */
int
sq_prune(struct store *st, const struct feed_state *fs,
    const struct feed_opts *o, int64_t now)
{
	struct sqlstore	*s = sq(st);
	int		 over;

	if (s->fp.feed != fs->id || s->fp.nnew == 0 || o->keep_max <= 0)
		return 0;
	if ((over = over_max(s, fs->id, o->keep_max)) <= 0)
		return over;
	if (prune_step(s, ST_PRUNE_MAX, fs->id, o->keep_max, now) == -1)
		return -1;
	s->fp.tombs = 1;
	return 0;
}

/*
 * All of one feed's retention.  Age counts from when feedmux first saw an
 * entry, so that a feed added with old items is not emptied by its first
 * poll; keep_max bounds those.
 */
static int
prune_feed(struct sqlstore *s, int64_t feed, const struct feed_opts *o,
    int64_t now)
{
	sqlite3_stmt	*q;
	int		 over;

	if (o->keep > 0 && prune_step(s, ST_PRUNE_AGE, feed, now - o->keep,
	    now) == -1)
		return -1;
	if (o->keep_max > 0 && (over = over_max(s, feed, o->keep_max)) != 0 &&
	    (over == -1 || prune_step(s, ST_PRUNE_MAX, feed, o->keep_max,
	    now) == -1))
		return -1;
	q = sq_stmt(s, ST_TOMB_EXPIRE);
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_int64(q, 2, now - TOMBSTONE_TTL);
	if (sq_exec(s, q, "expiring tombstones") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->pruned = 1;
	return 0;
}

/* Every feed's id and name, enabled or not. */
static int
feed_list(struct sqlstore *s, int64_t **ids, char ***names, size_t *n)
{
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_ALL);
	int		 rc;

	*ids = NULL;
	*names = NULL;
	*n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		*ids = xreallocarray(*ids, *n + 1, sizeof(**ids));
		*names = xreallocarray(*names, *n + 1, sizeof(**names));
		(*ids)[*n] = sqlite3_column_int64(q, 0);
		(*names)[(*n)++] = sq_col_strdup(q, 1);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "listing feeds");
}

/*
 * Retention for every feed in the database, disabled ones too: a feed no
 * longer in the config is never polled, so its poll never prunes it.  A
 * configured feed's keep and keep_max apply, else the [feedmux] defaults.
 * One short transaction per feed, so polls are not held up.
 */
int
sq_prune_all(struct store *st, const struct conf *conf, int64_t now)
{
	struct sqlstore		*s = sq(st);
	const struct feed_conf	*fc;
	sqlite3_stmt		*q;
	int64_t			*ids;
	char			**names;
	size_t			 n, i;
	int			 ret;

	if ((ret = feed_list(s, &ids, &names, &n)) == 0) {
		for (i = 0; i < n && ret == 0; i++) {
			fc = conf_feed(conf, names[i]);
			if (sq_begin(st) == -1 || prune_feed(s, ids[i],
			    fc != NULL ? &fc->opts : &conf->defaults, now) == -1 ||
			    sq_commit(st) == -1) {
				sq_rollback(st);
				ret = -1;
			}
		}
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(ids);
	if (ret == 0) {
		q = sq_stmt(s, ST_PRUNED_SET);
		sqlite3_bind_int64(q, 1, now);
		ret = sq_exec(s, q, "recording the retention pass");
	}
	return ret;
}

/* Is the daily pass due: has it not run in the last day? */
int
sq_prune_due(struct store *st, int64_t now)
{
	struct sqlstore	*s = sq(st);
	int64_t		 last;

	if (one_int(s, sq_stmt(s, ST_PRUNED_GET), "reading the retention pass",
	    &last) == -1)
		return -1;
	return last <= now - 86400 || last > now;
}
