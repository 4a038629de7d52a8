/*
 * store_put.c: the SQLite backend's writes of one fetch: the lookups that
 * tell a new, changed or known entry (its key and hashes are store_key.c's),
 * the upsert, and the feed's row.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"
#include "store_int.h"
#include "util.h"

/* fm_hash(key): a key's hash, for migrations. */
void
sq_fm_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *v = sqlite3_value_text(argv[0]);

	sqlite3_result_int64(ctx, (int64_t)key_hash_str(HASH_INIT,
	    (const char *)v));
}

/*
 * fm_entry_hash(title, link, author, summary, content, published, updated,
 * categories, enclosures[, author_email, thumbnail]): the content hash of
 * a stored row (store_key.c), for migrations (the two last since version
 * 6).
 */
void
sq_fm_entry_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint64_t	 h = HASH_INIT;
	int		 i;

	for (i = 0; i < argc; i++) {
		switch (sqlite3_value_type(argv[i])) {
		case SQLITE_NULL:
			h = i == 5 || i == 6 ? key_ch_int(h, 1, 0) :
			    key_ch_field(h, NULL, 0);
			break;
		case SQLITE_INTEGER:
			h = key_ch_int(h, 0, sqlite3_value_int64(argv[i]));
			break;
		case SQLITE_BLOB:
			h = key_ch_field(h, sqlite3_value_blob(argv[i]),
			    (size_t)sqlite3_value_bytes(argv[i]));
			break;
		default:
			h = key_ch_field(h, sqlite3_value_text(argv[i]),
			    (size_t)sqlite3_value_bytes(argv[i]));
			break;
		}
	}
	sqlite3_result_int64(ctx, (int64_t)h);
}

/* ---- the feed being written ---- */

/*
 * Most keys of a fetch new while their links are already stored: the
 * feed's guids change on every fetch (and every entry would look new).
 * Called when the next feed starts, and at commit.
 */
int
sq_feed_done(struct sqlstore *s)
{
	struct feed_put	*fp = &s->fp;
	sqlite3_stmt	*q;

	if (fp->feed == 0)
		return 0;
	if (fp->nput >= CHURN_MIN) {
		q = sq_stmt(s, ST_FEED_CHURN);
		sqlite3_bind_int64(q, 1, fp->feed);
		sqlite3_bind_int(q, 2, 2 * fp->nlinkknown > fp->nput);
		if (sq_exec(s, q, "saving key churn") == -1)
			return -1;
	}
	if (fp->nnew > 0) {
		q = sq_stmt(s, ST_FEED_LASTNEW);
		sqlite3_bind_int64(q, 1, fp->feed);
		sqlite3_bind_int64(q, 2, fp->now);
		if (sq_exec(s, q, "saving last_new") == -1)
			return -1;
	}
	fp->feed = 0;
	return 0;
}

/*
 * Most feeds never had an entry pruned: no tombstone lookups for them.
 * A feed without entries needs no lookups at all.
 */
static int
feed_start(struct store *st, int64_t feed)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;
	int		 rc;

	if (sq_feed_done(s) == -1)
		return -1;
	q = sq_stmt(s, ST_FEED_HAS);
	sqlite3_bind_int64(q, 1, feed);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		s->fp.tombs = sqlite3_column_int(q, 0);
		s->fp.empty = !sqlite3_column_int(q, 1);
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : sq_fail(s, "reading the feed");
}

/* ---- entries ---- */

static void
bind_date(sqlite3_stmt *q, int i, int64_t t)
{
	if (t == DATE_NONE)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_int64(q, i, t);
}

static void
bind_blob(sqlite3_stmt *q, int i, const struct buf *b)
{
	if (b->len == 0)
		sqlite3_bind_null(q, i);
	else
		sqlite3_bind_blob(q, i, b->s, (int)b->len, SQLITE_STATIC);
}

/* -1 error, 0 not stored, 1 stored with the same hash, 2 different. */
static int
find_entry(struct store *st, int64_t feed, uint64_t khash, uint64_t hash)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_ENTRY_FIND);
	int		 rc, ret;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->k.key.s, (int)s->k.key.len, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		ret = (uint64_t)sqlite3_column_int64(q, 0) == hash ? 1 : 2;
	else
		ret = rc == SQLITE_DONE ? 0 : sq_fail(s, "finding an entry");
	sqlite3_reset(q);
	return ret;
}

/* 1 when the key was pruned before (then it is not new), 0, -1. */
static int
find_tombstone(struct store *st, int64_t feed, uint64_t khash)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q;
	int64_t		 seen = 0;
	int		 rc;

	q = sq_stmt(s, ST_TOMB_FIND);
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_int64(q, 2, (int64_t)khash);
	if ((rc = sqlite3_step(q)) == SQLITE_ROW)
		seen = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return sq_fail(s, "finding a tombstone");
	/* Still in the feed: keep the tombstone alive (once a day). */
	if (seen < s->fp.now - 86400) {
		q = sq_stmt(s, ST_TOMB_TOUCH);
		sqlite3_bind_int64(q, 1, feed);
		sqlite3_bind_int64(q, 2, (int64_t)khash);
		sqlite3_bind_int64(q, 3, s->fp.now);
		if (sq_exec(s, q, "touching a tombstone") == -1)
			return -1;
	}
	return 1;
}

static int
link_known(struct store *st, int64_t feed)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_LINK_KNOWN);
	int		 rc;

	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, s->k.canon.s, (int)s->k.canon.len,
	    SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_reset(q);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : sq_fail(s, "finding a link");
}

static int
upsert(struct store *st, int64_t feed, uint64_t khash,
    const struct entry *e, uint64_t hash, int64_t now)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_UPSERT);
	struct entry_key *k = &s->k;
	sqlite3_bind_int64(q, 1, feed);
	sqlite3_bind_text(q, 2, k->key.s, (int)k->key.len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 3, (int64_t)khash);
	sq_bind_text(q, 4, e->id);
	sq_bind_text(q, 5, key_gid(k, e));
	sq_bind_text(q, 6, e->title);
	sq_bind_text(q, 7, e->link);
	sq_bind_text(q, 8, k->canon.len > 0 ? k->canon.s : NULL);
	sq_bind_text(q, 9, e->author);
	sq_bind_text(q, 10, e->summary);
	sq_bind_text(q, 11, e->content);
	bind_blob(q, 12, &k->cats);
	bind_blob(q, 13, &k->encs);
	bind_date(q, 14, e->published);
	bind_date(q, 15, e->updated);
	sqlite3_bind_int64(q, 16, now);
	sqlite3_bind_int64(q, 17, key_sort_date(e, now));
	sqlite3_bind_int64(q, 18, ++s->seq);
	sqlite3_bind_int64(q, 19, (int64_t)hash);
	sq_bind_text(q, 20, e->author_email);
	sq_bind_text(q, 21, e->thumbnail);
	if (sq_exec(s, q, "storing an entry") == -1)
		return -1;
	s->dirty = 1;
	return 0;
}

static const struct put_ops sq_put_ops = {
	.start = feed_start,
	.find = find_entry,
	.tomb = find_tombstone,
	.link = link_known,
	.upsert = upsert,
};

int
sq_put_entry(struct store *st, const struct feed_state *fs,
    enum key_policy pol, const struct entry *e, int64_t now)
{
	struct sqlstore	*s = sq(st);

	if (!s->in_txn) {
		snprintf(s->base.err, sizeof(s->base.err), "store_put_entry: "
		    "no transaction");
		return -1;
	}
	return key_put_entry(st, &s->fp, &s->k, &sq_put_ops, fs, pol, e, now);
}

int
sq_put_meta(struct store *st, const struct feed_state *fs,
    const struct feed_meta *m)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_META);

	sqlite3_bind_int64(q, 1, fs->id);
	sq_bind_text(q, 2, m->title);
	sq_bind_text(q, 3, m->link);
	sqlite3_bind_int(q, 4, m->ttl);
	sqlite3_bind_int64(q, 5, m->sy_period);
	sqlite3_bind_int(q, 6, m->sy_frequency);
	sqlite3_bind_int64(q, 7, m->skip_hours);
	sqlite3_bind_int(q, 8, m->skip_days);
	/*
	 * For atom:source: the feed's own date, else its newest entry's, else
	 * this fetch's time if it brought an undated change; else as it was.
	 */
	bind_date(q, 9, m->updated != DATE_NONE ? m->updated :
	    s->fp.feed == fs->id ? s->fp.newest : DATE_NONE);
	if (sq_exec(s, q, "storing feed metadata") == -1)
		return -1;
	if (sqlite3_changes(s->db) > 0)
		s->dirty = 1;
	return 0;
}

int
sq_put_feed(struct store *st, const struct feed_state *fs)
{
	struct sqlstore	*s = sq(st);
	sqlite3_stmt	*q = sq_stmt(s, ST_FEED_PUT);

	sqlite3_bind_int64(q, 1, fs->id);
	sq_bind_text(q, 2, fs->url != NULL ? fs->url : fs->conf_url);
	sq_bind_text(q, 3, fs->etag);
	sq_bind_text(q, 4, fs->last_modified);
	sqlite3_bind_int64(q, 5, fs->last_poll);
	sqlite3_bind_int64(q, 6, fs->last_success);
	sqlite3_bind_int64(q, 7, fs->last_new);
	sqlite3_bind_int64(q, 8, fs->next_poll);
	sq_bind_text(q, 9, fs->next_reason);
	sqlite3_bind_int(q, 10, fs->last_status);
	sqlite3_bind_int(q, 11, fs->failures);
	sqlite3_bind_int64(q, 12, fs->failing_since);
	sq_bind_text(q, 13, fs->last_error);
	sqlite3_bind_int(q, 14, fs->gone);
	sqlite3_bind_int(q, 15, fs->malformed);
	sqlite3_bind_int64(q, 16, fs->max_age);
	return sq_exec(s, q, "storing feed state");
}

