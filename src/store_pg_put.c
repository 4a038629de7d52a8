/*
 * store_pg_put.c: the PostgreSQL backend's writes of one fetch (the same
 * steps as store_put.c: lookups that tell a new, changed or known entry,
 * the upsert, the feed's row) and its retention (store_prune.c's rules:
 * a pruned entry leaves a tombstone).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store.h"
#include "store_int.h"
#include "store_pg.h"
#include "util.h"

/* ---- the feed being written ---- */

/* Key churn and last_new, when the next feed starts and at commit. */
int
pg_feed_done(struct pgstore *s)
{
	struct feed_put	*fp = &s->fp;
	struct pgargs	 a;

	if (fp->feed == 0)
		return 0;
	if (fp->nput >= CHURN_MIN) {
		pg_args(&a);
		pg_arg_int(&a, fp->feed);
		pg_arg_int(&a, 2 * fp->nlinkknown > fp->nput);
		if (pg_exec(s, PS_FEED_CHURN, &a, "saving key churn",
		    NULL) == -1)
			return -1;
	}
	if (fp->nnew > 0) {
		pg_args(&a);
		pg_arg_int(&a, fp->feed);
		pg_arg_int(&a, fp->now);
		if (pg_exec(s, PS_FEED_LASTNEW, &a, "saving last_new",
		    NULL) == -1)
			return -1;
	}
	fp->feed = 0;
	return 0;
}

/*
 * The feed's keys and hashes, in one round trip rather than one per entry
 * fetched: find_entry answers from them.  The feed cannot change under
 * us: writers take turns (pg_begin) and a key hash is the key's.
 */
static int
load_known(struct pgstore *s, int64_t feed)
{
	struct pgargs	 a;
	PGresult	*r;
	uint64_t	 kh;
	int		 i;

	keyset_clear(&s->known);
	pg_args(&a);
	pg_arg_int(&a, feed);
	if ((r = pg_run(s, PS_FEED_KEYS, &a, "reading the feed's keys")) ==
	    NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++)
		if ((kh = (uint64_t)pg_int(r, i, 0)) != 0)
			keyset_put(&s->known, kh, (uint64_t)pg_int(r, i, 1));
	PQclear(r);
	return 0;
}

/* As in store_put.c: no lookups the feed's state makes pointless. */
static int
feed_start(struct store *st, int64_t feed)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;

	if (pg_feed_done(s) == -1)
		return -1;
	pg_args(&a);
	pg_arg_int(&a, feed);
	if ((r = pg_run(s, PS_FEED_HAS, &a, "reading the feed")) == NULL)
		return -1;
	s->fp.tombs = (int)pg_int(r, 0, 0);
	s->fp.empty = !pg_int(r, 0, 1);
	PQclear(r);
	return s->fp.empty ? 0 : load_known(s, feed);
}

/* ---- entries ---- */

/*
 * -1 error, 0 not stored, 1 stored with the same hash, 2 different.  A
 * key hash not among the feed's is a key not stored; one that is, with
 * another hash, is asked for by the key itself (changes are rare, and
 * two keys may share a hash).
 */
static int
find_entry(struct store *st, int64_t feed, uint64_t khash, uint64_t hash)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	uint64_t	 have;
	int		 ret = 0;

	if (khash != 0) {
		if (!keyset_get(&s->known, khash, &have))
			return 0;
		if (have == hash)
			return 1;
	}

	pg_args(&a);
	pg_arg_int(&a, feed);
	pg_arg_textn(&a, s->k.key.s, s->k.key.len);
	if ((r = pg_run(s, PS_ENTRY_FIND, &a, "finding an entry")) == NULL)
		return -1;
	if (PQntuples(r) > 0)
		ret = (uint64_t)pg_int(r, 0, 0) == hash ? 1 : 2;
	PQclear(r);
	return ret;
}

/* 1 when the key was pruned before (then it is not new), 0, -1. */
static int
find_tombstone(struct store *st, int64_t feed, uint64_t khash)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int64_t		 seen;
	int		 found;

	pg_args(&a);
	pg_arg_int(&a, feed);
	pg_arg_int(&a, (int64_t)khash);
	if ((r = pg_run(s, PS_TOMB_FIND, &a, "finding a tombstone")) == NULL)
		return -1;
	found = PQntuples(r) > 0;
	seen = found ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	if (!found)
		return 0;
	/* Still in the feed: keep the tombstone alive (once a day). */
	if (seen < s->fp.now - 86400) {
		pg_arg_int(&a, s->fp.now);
		if (pg_exec(s, PS_TOMB_TOUCH, &a, "touching a tombstone",
		    NULL) == -1)
			return -1;
	}
	return 1;
}

static int
link_known(struct store *st, int64_t feed)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	PGresult	*r;
	int		 found;

	pg_args(&a);
	pg_arg_int(&a, feed);
	pg_arg_textn(&a, s->k.canon.s, s->k.canon.len);
	if ((r = pg_run(s, PS_LINK_KNOWN, &a, "finding a link")) == NULL)
		return -1;
	found = PQntuples(r) > 0;
	PQclear(r);
	return found;
}

static int
upsert(struct store *st, int64_t feed, uint64_t khash,
    const struct entry *e, uint64_t hash, int64_t now)
{
	struct pgstore	*s = pgs(st);
	struct entry_key *k = &s->k;
	struct pgargs	 a;

	pg_args(&a);
	pg_arg_int(&a, feed);
	pg_arg_textn(&a, k->key.s, k->key.len);
	pg_arg_int(&a, (int64_t)khash);
	pg_arg_text(&a, e->id);
	pg_arg_text(&a, key_gid(k, e));
	pg_arg_text(&a, e->title);
	pg_arg_text(&a, e->link);
	pg_arg_text(&a, k->canon.len > 0 ? k->canon.s : NULL);
	pg_arg_text(&a, e->author);
	pg_arg_text(&a, e->summary);
	pg_arg_text(&a, e->content);
	pg_arg_bytes(&a, &k->cats);
	pg_arg_bytes(&a, &k->encs);
	pg_arg_date(&a, e->published);
	pg_arg_date(&a, e->updated);
	pg_arg_int(&a, now);
	pg_arg_int(&a, key_sort_date(e, now));
	pg_arg_int(&a, ++s->seq);
	pg_arg_int(&a, (int64_t)hash);
	pg_arg_text(&a, e->author_email);
	pg_arg_text(&a, e->thumbnail);
	if (pg_exec(s, PS_UPSERT, &a, "storing an entry", NULL) == -1)
		return -1;
	s->dirty = 1;
	return 0;
}

static const struct put_ops pg_put_ops = {
	.start = feed_start,
	.find = find_entry,
	.tomb = find_tombstone,
	.link = link_known,
	.upsert = upsert,
};

int
pg_put_entry(struct store *st, const struct feed_state *fs,
    enum key_policy pol, const struct entry *e, int64_t now)
{
	struct pgstore	*s = pgs(st);

	if (!s->in_txn) {
		snprintf(s->base.err, sizeof(s->base.err), "store_put_entry: "
		    "no transaction");
		return -1;
	}
	return key_put_entry(st, &s->fp, &s->k, &pg_put_ops, fs, pol, e, now);
}

int
pg_put_meta(struct store *st, const struct feed_state *fs,
    const struct feed_meta *m)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	int64_t		 n;

	pg_args(&a);
	pg_arg_int(&a, fs->id);
	pg_arg_text(&a, m->title);
	pg_arg_text(&a, m->link);
	pg_arg_int(&a, m->ttl);
	pg_arg_int(&a, m->sy_period);
	pg_arg_int(&a, m->sy_frequency);
	pg_arg_int(&a, m->skip_hours);
	pg_arg_int(&a, m->skip_days);
	/* As sq_put_meta: the feed's date, its newest entry's, or as was. */
	pg_arg_date(&a, m->updated != DATE_NONE ? m->updated :
	    s->fp.feed == fs->id ? s->fp.newest : DATE_NONE);
	if (pg_exec(s, PS_FEED_META, &a, "storing feed metadata", &n) == -1)
		return -1;
	if (n > 0)
		s->dirty = 1;
	return 0;
}

int
pg_put_feed(struct store *st, const struct feed_state *fs)
{
	struct pgstore	*s = pgs(st);
	struct pgargs	 a;
	const char	*url = fs->url != NULL ? fs->url : fs->conf_url;
	char		 host[256];

	pg_args(&a);
	pg_arg_int(&a, fs->id);
	pg_arg_text(&a, url);
	pg_arg_blob(&a, fs->etag);
	pg_arg_blob(&a, fs->last_modified);
	pg_arg_int(&a, fs->last_poll);
	pg_arg_int(&a, fs->last_success);
	pg_arg_int(&a, fs->last_new);
	pg_arg_int(&a, fs->next_poll);
	pg_arg_text(&a, fs->next_reason);
	pg_arg_int(&a, fs->last_status);
	pg_arg_int(&a, fs->failures);
	pg_arg_int(&a, fs->failing_since);
	pg_arg_text(&a, fs->last_error);
	pg_arg_int(&a, fs->gone);
	pg_arg_int(&a, fs->malformed);
	pg_arg_int(&a, fs->max_age);
	pg_arg_text(&a, pg_host(url, host, sizeof(host)));
	return pg_exec(s, PS_FEED_PUT, &a, "storing feed state", NULL);
}

/* ---- retention ---- */

/* Delete what del selects, leaving a tombstone for each (one statement). */
static int
prune_step(struct pgstore *s, enum pst del, int64_t feed, int64_t arg,
    int64_t now)
{
	struct pgargs	 a;
	PGresult	*r;

	pg_args(&a);
	pg_arg_int(&a, feed);
	pg_arg_int(&a, arg);
	pg_arg_int(&a, now);
	if ((r = pg_run(s, del, &a, "pruning entries")) == NULL)
		return -1;
	if (pg_int(r, 0, 0) > 0)
		s->dirty = 1;
	PQclear(r);
	return 0;
}

static int
over_max(struct pgstore *s, int64_t feed, int max)
{
	struct pgargs	 a;
	PGresult	*r;
	int		 over;

	pg_args(&a);
	pg_arg_int(&a, feed);
	if ((r = pg_run(s, PS_FEED_COUNT, &a, "counting entries")) == NULL)
		return -1;
	over = pg_int(r, 0, 0) > max;
	PQclear(r);
	return over;
}

/* A poll's share: keep_max, when the fetch brought new entries. */
int
pg_prune(struct store *st, const struct feed_state *fs,
    const struct feed_opts *o, int64_t now)
{
	struct pgstore	*s = pgs(st);
	int		 over;

	if (s->fp.feed != fs->id || s->fp.nnew == 0 || o->keep_max <= 0)
		return 0;
	if ((over = over_max(s, fs->id, o->keep_max)) <= 0)
		return over;
	if (prune_step(s, PS_PRUNE_MAX, fs->id, o->keep_max, now) == -1)
		return -1;
	s->fp.tombs = 1;
	return 0;
}

/* All of one feed's retention; age counts from first seen. */
static int
prune_feed(struct pgstore *s, int64_t feed, const struct feed_opts *o,
    int64_t now)
{
	struct pgargs	 a;
	int		 over;

	if (o->keep > 0 && prune_step(s, PS_PRUNE_AGE, feed, now - o->keep,
	    now) == -1)
		return -1;
	if (o->keep_max > 0 && (over = over_max(s, feed, o->keep_max)) != 0 &&
	    (over == -1 || prune_step(s, PS_PRUNE_MAX, feed, o->keep_max,
	    now) == -1))
		return -1;
	pg_args(&a);
	pg_arg_int(&a, feed);
	pg_arg_int(&a, now - TOMBSTONE_TTL);
	return pg_exec(s, PS_TOMB_EXPIRE, &a, "expiring tombstones", NULL);
}

/*
 * Every feed in the database, disabled ones too, a short transaction
 * each (store_prune.c explains why).
 */
int
pg_prune_all(struct store *st, const struct conf *conf, int64_t now)
{
	struct pgstore		*s = pgs(st);
	const struct feed_conf	*fc;
	struct pgargs		 a;
	PGresult		*r;
	int			 i, ret = 0;

	if ((r = pg_run(s, PS_FEED_ALL, NULL, "listing feeds")) == NULL)
		return -1;
	for (i = 0; i < PQntuples(r) && ret == 0; i++) {
		fc = conf_feed(conf, PQgetvalue(r, i, 1));
		if (pg_begin(st) == -1 || prune_feed(s, pg_int(r, i, 0),
		    fc != NULL ? &fc->opts : &conf->defaults, now) == -1 ||
		    pg_commit(st) == -1) {
			pg_rollback(st);
			ret = -1;
		}
	}
	PQclear(r);
	if (ret == 0) {
		pg_args(&a);
		pg_arg_int(&a, now);
		ret = pg_exec(s, PS_PRUNED_SET, &a,
		    "recording the retention pass", NULL);
	}
	return ret;
}

int
pg_prune_due(struct store *st, int64_t now)
{
	struct pgstore	*s = pgs(st);
	PGresult	*r;
	int64_t		 last;

	if ((r = pg_run(s, PS_PRUNED_GET, NULL,
	    "reading the retention pass")) == NULL)
		return -1;
	last = PQntuples(r) > 0 ? pg_int(r, 0, 0) : 0;
	PQclear(r);
	return last <= now - 86400 || last > now;
}
